//! Rename: a speaker everywhere they are written as a speaker, or a talk
//! title / heading together with every `#anchor` link that leads to it.

use std::collections::BTreeMap;

use url::Url;

use super::navigation::{links_to_heading, speaker_occurrences};
use super::target::{target_at, Target};
use super::TextEdit;
use crate::analysis::Snapshot;
use crate::extract::names::is_person_name;
use crate::extract::{slug, visible_title};
use crate::index::NoteFile;
use crate::model::{LinkKind, TextRange};

/// What a rename at the cursor would change, and its current text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Renameable {
    pub range: TextRange,
    pub placeholder: String,
}

/// The edits of one file, with the version of the document they apply to
/// (None for a file that is not open).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEdits {
    pub url: Url,
    pub version: Option<i32>,
    pub edits: Vec<TextEdit>,
}

const NOTHING: &str = "nothing to rename here: put the cursor on a speaker's name in a talk line, a talk's title or a heading";

pub fn prepare_rename(snapshot: &Snapshot, url: &Url, offset: usize) -> Result<Renameable, String> {
    let file = snapshot
        .file(url)
        .ok_or("this document is not known to talknotes-ls")?;
    let range = match target_at(snapshot, &file, offset) {
        Some(Target::Speaker {
            range,
            talk: Some(_),
            ..
        }) => range,
        Some(Target::Talk { range, .. }) | Some(Target::Heading { range, .. }) => range,
        Some(Target::Speaker { talk: None, .. }) => return Err(
            "this name is written in the notes, not as a talk's speaker: rename it on a talk line"
                .into(),
        ),
        _ => return Err(NOTHING.into()),
    };
    Ok(Renameable {
        placeholder: file.text()[range.clone()].to_string(),
        range,
    })
}

pub fn rename(
    snapshot: &Snapshot,
    url: &Url,
    offset: usize,
    new_name: &str,
) -> Result<Vec<FileEdits>, String> {
    let file = snapshot
        .file(url)
        .ok_or("this document is not known to talknotes-ls")?;
    let new_name = new_name.trim();
    if new_name.is_empty() || new_name.contains(['\n', '\r']) {
        return Err("the new name must be one line of text".into());
    }
    let mut edits: Vec<(Url, TextEdit)> = Vec::new();
    match target_at(snapshot, &file, offset) {
        Some(Target::Speaker {
            name,
            talk: Some(_),
            ..
        }) => {
            if !is_person_name(new_name) {
                return Err(format!(
                    "“{new_name}” does not read as a person's name (two to five capitalised words), so the talks would lose their speaker; not renamed"
                ));
            }
            if new_name == name {
                return Ok(Vec::new());
            }
            for l in speaker_occurrences(snapshot, &name) {
                edits.push((
                    l.url,
                    TextEdit {
                        range: l.range,
                        new_text: new_name.to_string(),
                    },
                ));
            }
        }
        Some(Target::Talk { talk, range }) => {
            let t = &file.model.talks[talk];
            let heading = file.model.headings.iter().position(|h| {
                h.range().start <= t.title_range().start && t.title_range().end <= h.range().end
            });
            edits.push((
                url.clone(),
                TextEdit {
                    range: range.clone(),
                    new_text: new_name.to_string(),
                },
            ));
            if let Some(h) = heading {
                edits.extend(anchor_edits(snapshot, &file, h, &range, new_name));
            }
        }
        Some(Target::Heading { index, range }) => {
            edits.push((
                url.clone(),
                TextEdit {
                    range: range.clone(),
                    new_text: new_name.to_string(),
                },
            ));
            edits.extend(anchor_edits(snapshot, &file, index, &range, new_name));
        }
        Some(Target::Speaker { talk: None, .. }) => return Err(
            "this name is written in the notes, not as a talk's speaker: rename it on a talk line"
                .into(),
        ),
        _ => return Err(NOTHING.into()),
    }
    let mut by_file: BTreeMap<Url, Vec<TextEdit>> = BTreeMap::new();
    for (u, e) in edits {
        let list = by_file.entry(u).or_default();
        if !list.iter().any(|x| x.range == e.range) {
            list.push(e);
        }
    }
    Ok(by_file
        .into_iter()
        .map(|(u, mut edits)| {
            edits.sort_by_key(|e| e.range.start);
            FileEdits {
                version: snapshot.file(&u).and_then(|f| f.version),
                url: u,
                edits,
            }
        })
        .collect())
}

/// The edits that keep `#anchor` links working when the text at `replaced`
/// inside heading `index` becomes `new_text`: anchors are recomputed for the
/// whole file (a rename can change the `-1` suffixes of equal headings).
fn anchor_edits(
    snapshot: &Snapshot,
    file: &NoteFile,
    index: usize,
    replaced: &TextRange,
    new_text: &str,
) -> Vec<(Url, TextEdit)> {
    let headings = &file.model.headings;
    let h = &headings[index];
    let text = file.text();
    let content = format!(
        "{}{}{}",
        &text[h.range().start..replaced.start],
        new_text,
        &text[replaced.end..h.range().end]
    );
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for (i, old) in headings.iter().enumerate() {
        let text = if i == index {
            visible_title(&content)
        } else {
            old.text().to_string()
        };
        let base = slug(&text);
        let n = seen.entry(base.clone()).or_insert(0);
        let anchor = if *n == 0 { base } else { format!("{base}-{n}") };
        *n += 1;
        if anchor == old.anchor() {
            continue;
        }
        for l in links_to_heading(snapshot, &file.url, &old.range()) {
            let Some(f) = snapshot.file(&l.url) else {
                continue;
            };
            if let Some(range) = anchor_range(&f, &l.range) {
                out.push((
                    l.url.clone(),
                    TextEdit {
                        range,
                        new_text: anchor.clone(),
                    },
                ));
            }
        }
    }
    out
}

/// The anchor text (after `#`) of the link whose target is at `target`;
/// for `[text][label]` links, in the label's definition.
fn anchor_range(file: &NoteFile, target: &TextRange) -> Option<TextRange> {
    let links = file.model.links.load();
    let link = links.iter().find(|l| l.target_range() == *target)?;
    let dest = match &link.kind {
        LinkKind::Reference { label, .. } => {
            let def = file
                .model
                .link_definitions
                .iter()
                .find(|d| *d.label == **label)?;
            let text = &file.text()[def.range.clone()];
            let colon = text.find("]:")? + 2;
            let rest = &text[colon..];
            let lead = rest.len() - rest.trim_start().len();
            let start = def.range.start + colon + lead;
            let len = rest
                .trim_start()
                .find(char::is_whitespace)
                .unwrap_or(rest.trim_start().len());
            start..start + len
        }
        _ => target.clone(),
    };
    let text = &file.text()[dest.clone()];
    let hash = text.rfind('#')?;
    let end = text.trim_end_matches('>').len();
    Some(dest.start + hash + 1..dest.start + end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::fixture::{url, Fixture};

    /// Applies the edits to the fixture's files; returns (path, new text)
    /// of the files that changed.
    fn apply(f: &Fixture, edits: &[FileEdits]) -> Vec<(String, String)> {
        edits
            .iter()
            .map(|fe| {
                let mut text = f.text(&fe.url).to_string();
                for e in fe.edits.iter().rev() {
                    text.replace_range(e.range.clone(), &e.new_text);
                }
                (fe.url.path().to_string(), text)
            })
            .collect()
    }

    #[test]
    fn a_speaker_is_renamed_wherever_they_are_a_speaker() {
        let f = Fixture::parse(
            "\
//- /2017.md
# Optimizations which made Python 3.6 faster (Victor Stinger)
                                                     |
- Victor Stinger said so (prose is left alone)
//- /2014.md
My notes from PyCon 2014.

Track memory leaks in Python – Victor Stinger

  • import gc

Designing Poetic APIs – Erik Rose

  • notes
//- /other.md
# Nothing to change here (Erik Rose)
",
        );
        let s = f.snapshot();
        let (u, offset) = f.cursor();
        let prep = prepare_rename(&s, &u, offset).unwrap();
        assert_eq!(prep.placeholder, "Victor Stinger");
        let edits = rename(&s, &u, offset, "Victor Stinner").unwrap();
        let changed = apply(&f, &edits);
        assert_eq!(changed.len(), 2, "{changed:?}");
        assert!(changed[0].1.contains("– Victor Stinner\n"), "{changed:?}");
        assert!(
            changed[1]
                .1
                .contains("(Victor Stinner)\n- Victor Stinger said"),
            "{changed:?}"
        );
        assert!(edits.iter().all(|e| e.version == Some(1)));
        // Not a name: refused with a reason.
        let err = rename(&s, &u, offset, "see below").unwrap_err();
        assert!(err.contains("person's name"), "{err}");
    }

    #[test]
    fn a_heading_rename_updates_anchor_links_in_every_note() {
        let f = Fixture::parse(
            "\
//- /2017.md
# Grok the GIL (Ada Example)
    |
# Other Talk (Bob Sample)
See [above](#grok-the-gil-ada-example).
//- /index.md
- [GIL](2017.md#grok-the-gil-ada-example) and [ref][gil]
- [other](2017.md#other-talk-bob-sample)

[gil]: 2017.md#grok-the-gil-ada-example
",
        );
        let s = f.snapshot();
        let (u, offset) = f.cursor();
        assert_eq!(
            prepare_rename(&s, &u, offset).unwrap().placeholder,
            "Grok the GIL"
        );
        let edits = rename(&s, &u, offset, "Understanding the GIL").unwrap();
        let changed = apply(&f, &edits);
        assert_eq!(
            changed,
            vec![
                (
                    "/ws/2017.md".to_string(),
                    "# Understanding the GIL (Ada Example)\n# Other Talk (Bob Sample)\nSee [above](#understanding-the-gil-ada-example).\n".to_string()
                ),
                (
                    "/ws/index.md".to_string(),
                    "- [GIL](2017.md#understanding-the-gil-ada-example) and [ref][gil]\n- [other](2017.md#other-talk-bob-sample)\n\n[gil]: 2017.md#understanding-the-gil-ada-example\n".to_string()
                ),
            ]
        );
    }

    #[test]
    fn nothing_renameable_is_refused_with_a_message() {
        let f = Fixture::parse("# Talk (Ada Example)\n\n- plain notes here\n      |\n");
        let s = f.snapshot();
        let (u, offset) = f.cursor();
        let err = prepare_rename(&s, &u, offset).unwrap_err();
        assert!(err.starts_with("nothing to rename here"), "{err}");
        assert!(rename(&s, &u, offset, "X").is_err());
        assert_eq!(u, url("/notes.md"));
    }
}
