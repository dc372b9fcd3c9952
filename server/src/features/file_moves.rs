//! Links that follow the notes: when notes or folders are renamed or moved,
//! the edits that keep every relative link pointing where it pointed —
//! links to the moved notes from anywhere in the workspace, and the links
//! inside the moved notes. Anchors, queries, `./`, angle brackets and
//! percent-encoding stay as the file wrote them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use url::Url;

use super::rename::FileEdits;
use super::TextEdit;
use crate::analysis::Snapshot;
use crate::index::{percent_decode, NoteFile};
use crate::linkpath::{self, relative_path, resolve, Destination};
use crate::model::LinkKind;
use crate::rules::links::{classify, Target};

/// One rename: a note or a folder (of notes, images, anything).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileMove {
    pub old: PathBuf,
    pub new: PathBuf,
}

impl FileMove {
    /// From file URLs; None for URLs that are not local paths.
    pub fn from_urls(old: &Url, new: &Url) -> Option<FileMove> {
        Some(FileMove {
            old: old.to_file_path().ok()?,
            new: new.to_file_path().ok()?,
        })
    }
}

/// Where `path` is after `moves`: the first move whose old path is `path`
/// or one of its folders. None when it does not move.
pub fn moved(moves: &[FileMove], path: &Path) -> Option<PathBuf> {
    moves.iter().find_map(|m| {
        let rest = path.strip_prefix(&m.old).ok()?;
        Some(if rest.as_os_str().is_empty() {
            m.new.clone()
        } else {
            m.new.join(rest)
        })
    })
}

/// The edits, file by file (URLs and byte ranges as before the move), that
/// keep every relative link of the workspace working once `moves` are done.
pub fn link_edits(snapshot: &Snapshot, moves: &[FileMove]) -> Vec<FileEdits> {
    let mut by_file: BTreeMap<Url, Vec<TextEdit>> = BTreeMap::new();
    for file in snapshot.files.values() {
        let edits = file_edits(file, moves);
        if !edits.is_empty() {
            by_file.insert((*file.url).clone(), edits);
        }
    }
    by_file
        .into_iter()
        .map(|(url, edits)| FileEdits {
            version: snapshot.file(&url).and_then(|f| f.version),
            url,
            edits,
        })
        .collect()
}

/// The link edits one file needs.
fn file_edits(file: &NoteFile, moves: &[FileMove]) -> Vec<TextEdit> {
    let Some(path) = file.path.as_deref() else {
        return Vec::new();
    };
    let Some(old_dir) = path.parent() else {
        return Vec::new();
    };
    let new_path = moved(moves, path);
    let new_dir = new_path
        .as_deref()
        .and_then(Path::parent)
        .unwrap_or(old_dir);
    let text = file.text();
    // Inline links and images, then definitions (each once, however many
    // `[text][label]` links use it).
    let links = file.model.links.load();
    let destinations = links
        .iter()
        .filter(|l| matches!(l.kind, LinkKind::Inline | LinkKind::Image))
        .filter_map(|l| linkpath::link_destination(file, &text, l))
        .chain(
            file.model
                .link_definitions
                .iter()
                .filter_map(|d| linkpath::definition_destination(&text, &d.range)),
        );
    let mut edits: Vec<TextEdit> = Vec::new();
    for dest in destinations {
        if let Some(e) = destination_edit(&text, &dest, old_dir, new_dir, moves) {
            if !edits.iter().any(|x| x.range == e.range) {
                edits.push(e);
            }
        }
    }
    edits.sort_by_key(|e| e.range.start);
    edits
}

fn destination_edit(
    text: &str,
    dest: &Destination,
    old_dir: &Path,
    new_dir: &Path,
    moves: &[FileMove],
) -> Option<TextEdit> {
    let raw = &text[dest.range.clone()];
    if !matches!(classify(raw), Target::Relative { .. }) {
        return None;
    }
    let path_range = dest.path_range(text);
    let old = &text[path_range.clone()];
    if old.is_empty() {
        return None;
    }
    let decoded = percent_decode(old);
    let target = resolve(old_dir, &decoded);
    let new_target = moved(moves, &target).unwrap_or(target);
    // Still right from where the file will be (both moved together, or
    // neither moved).
    if resolve(new_dir, &decoded) == new_target {
        return None;
    }
    let rel = relative_path(new_dir, &new_target)?;
    Some(TextEdit {
        range: path_range,
        new_text: linkpath::write_like(&rel, old, dest.angled),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::fixture::{url, Fixture, ROOT};

    fn mv(old: &str, new: &str) -> FileMove {
        FileMove {
            old: PathBuf::from(format!("{ROOT}{old}")),
            new: PathBuf::from(format!("{ROOT}{new}")),
        }
    }

    /// (file, text after the edits) for every file that changes.
    fn apply(f: &Fixture, edits: &[FileEdits]) -> Vec<(String, String)> {
        edits
            .iter()
            .map(|fe| {
                let mut text = f.text(&fe.url).to_string();
                for e in fe.edits.iter().rev() {
                    text.replace_range(e.range.clone(), &e.new_text);
                }
                (fe.url.path().trim_start_matches(ROOT).to_string(), text)
            })
            .collect()
    }

    const WS: &str = "\
//- /index.md
# Talks
- [Containerless Django](./2019/containerless-django.md#the-talk-bea-sample) and [again][cd]
- [GIL](2017/grok-the-gil.md) and ![stage](<2019/img/stage photo.png>)
- [enc](2019/containerless%20django%20extra.md) [web](https://example.org/2019/x.md) [top](#talks)

[cd]: 2019/containerless-django.md \"Containerless\"
//- /2019/containerless-django.md
# The Talk (Bea Sample)
See [the GIL](../2017/grok-the-gil.md#grok-the-gil), [home](../index.md), [self](#the-talk-bea-sample),
[photo](img/stage%20photo.png) and [extra](./containerless django extra.md).
//- /2019/containerless django extra.md
# Extra
Back to [the talk](containerless-django.md).
//- /2017/grok-the-gil.md
# Grok the GIL
Next year: [containers](../2019/containerless-django.md).
//- /2017/unrelated.md
# Nothing links here [x](https://example.org)
";

    #[test]
    fn renaming_a_note_updates_every_link_to_it() {
        let f = Fixture::parse(WS);
        let s = f.snapshot();
        let moves = [mv(
            "/2019/containerless-django.md",
            "/2019/containerless-django-deploying.md",
        )];
        let got = apply(&f, &link_edits(&s, &moves));
        let want = vec![
            (
                "/2017/grok-the-gil.md".to_string(),
                "# Grok the GIL\nNext year: [containers](../2019/containerless-django-deploying.md).\n".to_string(),
            ),
            (
                "/2019/containerless%20django%20extra.md".to_string(),
                "# Extra\nBack to [the talk](containerless-django-deploying.md).\n".to_string(),
            ),
            (
                "/index.md".to_string(),
                "\
# Talks
- [Containerless Django](./2019/containerless-django-deploying.md#the-talk-bea-sample) and [again][cd]
- [GIL](2017/grok-the-gil.md) and ![stage](<2019/img/stage photo.png>)
- [enc](2019/containerless%20django%20extra.md) [web](https://example.org/2019/x.md) [top](#talks)

[cd]: 2019/containerless-django-deploying.md \"Containerless\"
"
                .to_string(),
            ),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn moving_a_folder_updates_links_to_it_and_inside_it() {
        let f = Fixture::parse(WS);
        let s = f.snapshot();
        let moves = [mv("/2019", "/archive/pycon-2019")];
        let got = apply(&f, &link_edits(&s, &moves));
        let want = vec![
            (
                "/2017/grok-the-gil.md".to_string(),
                "# Grok the GIL\nNext year: [containers](../archive/pycon-2019/containerless-django.md).\n".to_string(),
            ),
            (
                "/2019/containerless-django.md".to_string(),
                "\
# The Talk (Bea Sample)
See [the GIL](../../2017/grok-the-gil.md#grok-the-gil), [home](../../index.md), [self](#the-talk-bea-sample),
[photo](img/stage%20photo.png) and [extra](./containerless django extra.md).
"
                .to_string(),
            ),
            (
                "/index.md".to_string(),
                "\
# Talks
- [Containerless Django](./archive/pycon-2019/containerless-django.md#the-talk-bea-sample) and [again][cd]
- [GIL](2017/grok-the-gil.md) and ![stage](<archive/pycon-2019/img/stage photo.png>)
- [enc](archive/pycon-2019/containerless%20django%20extra.md) [web](https://example.org/2019/x.md) [top](#talks)

[cd]: archive/pycon-2019/containerless-django.md \"Containerless\"
"
                .to_string(),
            ),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn moving_a_note_to_another_folder_rewrites_its_own_links() {
        let f = Fixture::parse(WS);
        let s = f.snapshot();
        let moves = [mv("/2017/grok-the-gil.md", "/talks/gil/grok.md")];
        let edits = link_edits(&s, &moves);
        let got = apply(&f, &edits);
        assert_eq!(
            got,
            vec![
                (
                    "/2017/grok-the-gil.md".to_string(),
                    "# Grok the GIL\nNext year: [containers](../../2019/containerless-django.md).\n"
                        .to_string()
                ),
                (
                    "/2019/containerless-django.md".to_string(),
                    f.text(&url("/2019/containerless-django.md")).replace(
                        "../2017/grok-the-gil.md#grok-the-gil",
                        "../talks/gil/grok.md#grok-the-gil"
                    )
                ),
                (
                    "/index.md".to_string(),
                    f.text(&url("/index.md"))
                        .replace("(2017/grok-the-gil.md)", "(talks/gil/grok.md)")
                ),
            ]
        );
        assert!(edits.iter().all(|e| e.version == Some(1)));
        // Nothing moves: nothing changes.
        assert!(link_edits(&s, &[mv("/2017/elsewhere.md", "/x.md")]).is_empty());
    }
}
