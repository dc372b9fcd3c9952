//! The fixes of `broken-link`: the closest existing note (by path — a
//! missing or doubled letter, a swapped pair, another extension, another
//! folder — and by title), the closest heading of the target, or a new note.
//! Only plausible candidates are offered, best first; the fix applied
//! without asking (`Finding::fix`: "fix all", `--check --fix`) is set only
//! when there is one candidate and it is close.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use url::Url;

use super::{Context, Edit, Finding, Fix, NewNote};
use crate::index::NoteFile;
use crate::linkpath::{self, relative_path, stem, write_like, RelativeFrom};
use crate::model::Link;
use crate::similarity::damerau;

/// Scores run from 1 (only the case or the extension differs) upwards; a
/// lone candidate scoring at most this is applied without asking.
pub const CLOSE_ENOUGH: u32 = 4;

/// How many typos a name of `len` characters may hold and still be meant.
fn budget(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=8 => 1,
        9..=20 => 2,
        _ => 3,
    }
}

/// Whether `a` and `b` hold the same runs of digits: `pycon-2017` and
/// `pycon-2018` are different notes, not a typo apart. A byte loop (ASCII
/// digits never occur inside a multi-byte character): a broken link is
/// compared with every note, and splitting both strings into runs was
/// half of that search.
fn same_digit_runs(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    loop {
        while i < a.len() && !a[i].is_ascii_digit() {
            i += 1;
        }
        while j < b.len() && !b[j].is_ascii_digit() {
            j += 1;
        }
        match (i < a.len(), j < b.len()) {
            (false, false) => return true,
            (true, true) => {}
            _ => return false,
        }
        // One run each: equal digits, ending together.
        loop {
            let da = a.get(i).is_some_and(u8::is_ascii_digit);
            let db = b.get(j).is_some_and(u8::is_ascii_digit);
            match (da, db) {
                (true, true) if a[i] == b[j] => (i, j) = (i + 1, j + 1),
                (false, false) => break,
                _ => return false,
            }
        }
    }
}

/// A typo distance that never bridges different numbers.
fn typo(a: &str, b: &str) -> Option<u32> {
    if !same_digit_runs(a, b) {
        return None;
    }
    damerau(a, b, budget(a.chars().count().min(b.chars().count()))).map(|d| d as u32)
}

/// Words, lower case, for comparing a link's text with a title.
fn words(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a note is called: its first heading and its conference.
fn titles(snapshot_file: Option<&NoteFile>, cx: &Context, url: &Url) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(f) = snapshot_file {
        if let Some(h) = f.model.headings.first() {
            out.push(h.text().to_string());
        }
    }
    if let Some(c) = cx.facts.conferences.get(url) {
        out.push(c.label.to_string());
    }
    out
}

/// A note as [`scan_notes`] compares it with every broken link's text: its
/// path and, in [`words`], its titles and file name (lower case, no
/// extension). None of it depends on the linking note, so it is read once
/// per [`NoteCandidates`], not once per link and note.
#[derive(Debug)]
struct NoteNames {
    path: PathBuf,
    words: Vec<String>,
}

fn note_names(cx: &Context) -> Vec<NoteNames> {
    cx.facts
        .paths
        .iter()
        .map(|(path, url)| {
            let file_name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            let file = (cx.files)(url);
            let mut words: Vec<String> = titles(file.as_deref(), cx, url)
                .iter()
                .map(|t| self::words(t))
                .collect();
            words.push(self::words(stem(&file_name)));
            NoteNames {
                path: path.clone(),
                words,
            }
        })
        .collect()
}

/// Candidates found by [`note_candidates`], by (folder of the linking
/// note, missing path, link text). Finding them compares the link with
/// every note of the workspace, and a note's diagnostics are computed
/// again on every keystroke: the answer only changes when the notes'
/// paths, first headings or conferences do, and the server starts a new
/// cache then (`IndexChange::titles`), not on a speaker or prose edit.
#[derive(Debug, Default)]
pub struct NoteCandidates {
    found: Mutex<HashMap<CandidateKey, Candidates>>,
    /// Every note's names, read by the first scan.
    notes: OnceLock<Vec<NoteNames>>,
}

/// The linking note's folder, the missing path, the link's text.
type CandidateKey = (PathBuf, PathBuf, String);
/// Notes, best first, with their scores.
type Candidates = Arc<Vec<(PathBuf, u32)>>;

/// The notes a link to the missing `resolved` (from a note in `dir`, with
/// link text `text`) may have meant, best first, with their scores.
pub fn note_candidates(cx: &Context, dir: &Path, resolved: &Path, text: &str) -> Candidates {
    let key = (dir.to_path_buf(), resolved.to_path_buf(), text.to_string());
    let cache = &cx.candidates.found;
    if let Some(found) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return found.clone();
    }
    let found = Arc::new(scan_notes(cx, dir, resolved, text));
    cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key, found.clone());
    found
}

fn scan_notes(cx: &Context, dir: &Path, resolved: &Path, text: &str) -> Vec<(PathBuf, u32)> {
    let Some(written) = relative_path(dir, resolved).map(|w| w.to_lowercase()) else {
        return Vec::new();
    };
    let w_stem = stem(&written);
    let w_name = w_stem.rsplit('/').next().unwrap_or(w_stem);
    let w_dir = &w_stem[..w_stem.len() - w_name.len()];
    let text_words = words(text);
    let use_text = text_words.split(' ').count() >= 2;
    let mut out: Vec<(PathBuf, u32)> = Vec::new();
    let from_dir = RelativeFrom::new(dir);
    for note in cx.candidates.notes.get_or_init(|| note_names(cx)) {
        let path = &note.path;
        let Some(rel) = from_dir.to(path).map(|r| r.to_lowercase()) else {
            continue;
        };
        let r_stem = stem(&rel);
        let r_name = r_stem.rsplit('/').next().unwrap_or(r_stem);
        let r_dir = &r_stem[..r_stem.len() - r_name.len()];
        let mut best: Option<u32> = None;
        let mut consider = |s: Option<u32>| {
            if let Some(s) = s {
                best = Some(best.map_or(s, |b| b.min(s)));
            }
        };
        // Only the case, or only the extension, differs.
        if rel == written || r_stem == w_stem {
            consider(Some(1));
        }
        // A typo in the path.
        consider(typo(w_stem, r_stem).map(|d| 2 * d));
        // The same (or a typo'd) name in another folder: the note moved.
        if r_dir != w_dir {
            consider(typo(w_name, r_name).map(|d| 3 + 2 * d));
        }
        // The link's text is the note's title (or its file name in words).
        if use_text {
            for name in &note.words {
                consider(typo(&text_words, name).map(|d| 2 + 2 * d));
            }
        }
        if let Some(score) = best {
            out.push((path.clone(), score));
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    out
}

/// The headings of `target` a link's `#anchor` may have meant, best first.
pub fn anchor_candidates(target: &NoteFile, anchor: &str) -> Vec<(String, u32)> {
    let a = anchor.to_lowercase();
    let mut out: Vec<(String, u32)> = Vec::new();
    for h in &target.model.headings {
        let mut best: Option<u32> = typo(&a, h.anchor()).map(|d| 2 * d);
        // The rest of the heading (often its speaker) left out, or added.
        if !a.is_empty() && h.anchor().starts_with(&format!("{a}-")) {
            best = Some(best.map_or(3, |b| b.min(3)));
        }
        if !h.anchor().is_empty() && a.starts_with(&format!("{}-", h.anchor())) {
            best = Some(best.map_or(4, |b| b.min(4)));
        }
        if let Some(score) = best {
            if !out.iter().any(|(x, _)| *x == h.anchor()) {
                out.push((h.anchor().to_string(), score));
            }
        }
    }
    // Stable: equal scores keep the headings' order.
    out.sort_by_key(|(_, s)| *s);
    out
}

/// Sets `fix` (one close candidate) or `alternatives` (several, or one
/// far) on `finding`; `extra` goes last either way.
fn offer(mut finding: Finding, candidates: Vec<(Fix, u32)>, extra: Option<Fix>) -> Finding {
    let unambiguous = candidates.len() == 1 && candidates[0].1 <= CLOSE_ENOUGH;
    let mut fixes = candidates.into_iter().map(|(f, _)| f);
    if unambiguous {
        finding.fix = fixes.next();
    }
    finding.alternatives.extend(fixes);
    finding.alternatives.extend(extra);
    finding
}

/// Fixes for a relative link to a note that does not exist at `resolved`.
pub fn missing_note(
    finding: Finding,
    file: &NoteFile,
    link: &Link,
    cx: &Context,
    resolved: &Path,
) -> Finding {
    let text = file.text();
    let (Some(dest), Some(dir)) = (
        linkpath::link_destination(file, &text, link),
        file.path.as_deref().and_then(Path::parent),
    ) else {
        return finding;
    };
    let path_range = dest.path_range(&text);
    let old = &text[path_range.clone()];
    let candidates: Vec<(Fix, u32)> = note_candidates(cx, dir, resolved, link.text())
        .iter()
        .filter_map(|(path, score)| {
            let new = rewrite(old, dir, resolved, path, dest.angled)?;
            Some((
                Fix {
                    title: format!("Change the link to {new}"),
                    edits: vec![Edit {
                        range: path_range.clone(),
                        new_text: new,
                    }],
                    create: None,
                },
                *score,
            ))
        })
        .collect();
    let create = crate::discover::is_notes_file(resolved)
        .then(|| Url::from_file_path(resolved).ok())
        .flatten()
        .map(|url| Fix {
            title: format!(
                "Create the note {}",
                crate::index::percent_decode(old.trim_start_matches("./"))
            ),
            edits: Vec::new(),
            create: Some(NewNote {
                url,
                text: format!("# {}\n", new_note_title(link.text(), resolved)),
            }),
        });
    let mut finding = finding;
    if let Some((first, _)) = candidates.first() {
        let new = &first.edits[0].new_text;
        finding
            .message
            .push_str(&format!(" (did you mean “{new}”?)"));
    }
    offer(finding, candidates, create)
}

/// The path part `old` (written, resolving to `resolved` from `dir`)
/// changed to lead to `path`: only the file name when the folder is right
/// (`../2019/x.md` stays `../2019/…`), else a relative path in its style.
fn rewrite(old: &str, dir: &Path, resolved: &Path, path: &Path, angled: bool) -> Option<String> {
    let (folder, name) = match old.rfind('/') {
        Some(i) => old.split_at(i + 1),
        None => ("", old),
    };
    if path.parent() == resolved.parent() && !name.is_empty() {
        let new_name = path.file_name()?.to_string_lossy();
        return Some(format!("{folder}{}", write_like(&new_name, name, angled)));
    }
    Some(write_like(&relative_path(dir, path)?, old, angled))
}

/// The title heading of a new note: the link's text, else its file name
/// in words (`containerless-django` → `Containerless django`).
fn new_note_title(text: &str, path: &Path) -> String {
    let t = text.trim().trim_matches(['*', '_', '`']).trim();
    if !t.is_empty() {
        return t.to_string();
    }
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().replace(['-', '_'], " "))
        .unwrap_or_default();
    let mut chars = name.trim().chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => "New note".into(),
    }
}

/// Fixes for a link whose `#anchor` no heading of `target` has; returns
/// the best heading's index too, for the message.
pub fn missing_anchor(
    finding: Finding,
    file: &NoteFile,
    link: &Link,
    target: &NoteFile,
    anchor: &str,
) -> (Finding, Option<String>) {
    let candidates = anchor_candidates(target, anchor);
    let best = candidates.first().map(|(a, _)| a.clone());
    let text = file.text();
    let Some(range) =
        linkpath::link_destination(file, &text, link).and_then(|d| d.anchor_range(&text))
    else {
        return (finding, best);
    };
    let fixes = candidates
        .into_iter()
        .map(|(a, score)| {
            (
                Fix {
                    title: format!("Change the anchor to #{a}"),
                    edits: vec![Edit {
                        range: range.clone(),
                        new_text: a,
                    }],
                    create: None,
                },
                score,
            )
        })
        .collect();
    (offer(finding, fixes, None), best)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::fixture::{url, Fixture};
    use crate::rules::Rule;

    /// The runs of digits, as `same_digit_runs` compares them.
    fn digit_runs(s: &str) -> Vec<&str> {
        s.split(|c: char| !c.is_ascii_digit())
            .filter(|d| !d.is_empty())
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn same_digit_runs_compares_the_runs(a in "[a-c0-2é/-]{0,8}", b in "[a-c0-2é/-]{0,8}") {
            proptest::prop_assert_eq!(same_digit_runs(&a, &b), digit_runs(&a) == digit_runs(&b));
        }
    }

    #[test]
    fn numbers_are_never_a_typo_apart() {
        assert!(same_digit_runs("pycon-2017", "pycon-2017-notes"));
        assert!(!same_digit_runs("pycon-2017", "pycon-2018"));
        assert!(!same_digit_runs("pycon-2017", "pycon-201"));
        assert!(!same_digit_runs("pycon-2017", "pycon-20-17"));
        assert!(!same_digit_runs("pycon", "pycon-3"));
        assert!(same_digit_runs("café", "cafe"));
        assert_eq!(typo("pycon-2017", "pycon-2018"), None);
        assert_eq!(typo("pyconn-2017", "pycon-2017"), Some(1));
    }

    /// The broken-link findings of `path`: (covered text, fix titles in
    /// offered order — the preferred fix first, marked with `*`).
    fn offers(f: &Fixture, path: &str) -> Vec<(String, Vec<String>)> {
        let s = f.snapshot();
        let u = url(path);
        s.check(&u)
            .into_iter()
            .filter(|x| x.rule == Rule::BrokenLink)
            .map(|x| {
                let mut titles: Vec<String> =
                    x.fix.iter().map(|f| format!("*{}", f.title)).collect();
                titles.extend(x.alternatives.iter().map(|f| f.title.clone()));
                (f.text(&u)[x.range.clone()].to_string(), titles)
            })
            .collect()
    }

    fn apply(text: &str, fix: &Fix) -> String {
        let mut t = text.to_string();
        for e in fix.edits.iter().rev() {
            t.replace_range(e.range.clone(), &e.new_text);
        }
        t
    }

    const WS: &str = "\
//- /index.md
# Talks

- [Containerless Django](./2019/containerless-djang-deploying.md)
- [Grok the GIL](2017/pycon-2017.md#grok-the-gl-ada-example) and [again](2017/pycon-2017.md#grok-the-gil)
- [Something else entirely](notes/unrelated-topic.md)
- [Last year](2017/pycon-2016.md) and [speakers](./speakers.markdown)
- [Moved][moved] and ![photo](2019/stage.png)

[moved]: talks/pycon-2017.md
//- /2019/containerless-django-deploying.md
# Containerless Django: Deploying without Docker (Bea Sample)
//- /2019/other-talk.md
# Other Talk (Cy Person)
//- /2017/pycon-2017.md
# PyCon US 2017

## Grok the GIL (Ada Example)
## Other Talk
//- /speakers.md
# Speakers
//- /speaker.md
# Speaker
";

    #[test]
    fn a_typo_in_a_file_name_gets_the_note_first() {
        let f = Fixture::parse(WS);
        let got = offers(&f, "/index.md");
        assert_eq!(
            got[0],
            (
                "./2019/containerless-djang-deploying.md".to_string(),
                vec![
                    "*Change the link to ./2019/containerless-django-deploying.md".to_string(),
                    "Create the note 2019/containerless-djang-deploying.md".to_string(),
                ]
            )
        );
        // Applied, it is the right link.
        let s = f.snapshot();
        let u = url("/index.md");
        let finding = &s.check(&u)[0];
        assert!(
            finding
                .message
                .ends_with("(did you mean “./2019/containerless-django-deploying.md”?)"),
            "{}",
            finding.message
        );
        let fixed = apply(f.text(&u), finding.fix.as_ref().unwrap());
        assert!(
            fixed.contains("- [Containerless Django](./2019/containerless-django-deploying.md)\n")
        );
    }

    #[test]
    fn a_typo_in_an_anchor_gets_the_heading_first() {
        let f = Fixture::parse(WS);
        let got = offers(&f, "/index.md");
        assert_eq!(
            got[1],
            (
                "2017/pycon-2017.md#grok-the-gl-ada-example".to_string(),
                vec!["*Change the anchor to #grok-the-gil-ada-example".to_string()]
            )
        );
        // The speaker left out of the anchor.
        assert_eq!(
            got[2],
            (
                "2017/pycon-2017.md#grok-the-gil".to_string(),
                vec!["*Change the anchor to #grok-the-gil-ada-example".to_string()]
            )
        );
    }

    #[test]
    fn no_plausible_target_gets_only_create_note() {
        let f = Fixture::parse(WS);
        let got = offers(&f, "/index.md");
        assert_eq!(
            got[3],
            (
                "notes/unrelated-topic.md".to_string(),
                vec!["Create the note notes/unrelated-topic.md".to_string()]
            )
        );
        let s = f.snapshot();
        let finding = s
            .check(&url("/index.md"))
            .into_iter()
            .find(|x| x.message.contains("unrelated-topic"))
            .unwrap();
        assert_eq!(
            finding.alternatives[0].create,
            Some(NewNote {
                url: url("/notes/unrelated-topic.md"),
                text: "# Something else entirely\n".into()
            })
        );
        assert!(finding.fix.is_none());
        // Another year is another note, not a typo; a missing image gets no
        // note.
        assert_eq!(
            got[4],
            (
                "2017/pycon-2016.md".to_string(),
                vec!["Create the note 2017/pycon-2016.md".to_string()]
            )
        );
        assert_eq!(got[7], ("2019/stage.png".to_string(), vec![]));
    }

    #[test]
    fn several_candidates_are_ranked_and_none_is_applied_unasked() {
        let f = Fixture::parse(WS);
        let got = offers(&f, "/index.md");
        assert_eq!(
            got[5],
            (
                "./speakers.markdown".to_string(),
                vec![
                    "Change the link to ./speakers.md".to_string(),
                    "Change the link to ./speaker.md".to_string(),
                    "Create the note speakers.markdown".to_string(),
                ]
            )
        );
        // A reference link: the fix edits the definition, to the note that
        // moved to another folder.
        assert_eq!(
            got[6],
            (
                "[moved]".to_string(),
                vec![
                    "*Change the link to 2017/pycon-2017.md".to_string(),
                    "Create the note talks/pycon-2017.md".to_string(),
                ]
            )
        );
        let s = f.snapshot();
        let u = url("/index.md");
        let finding = s
            .check(&u)
            .into_iter()
            .find(|x| x.message.contains("talks/pycon"))
            .unwrap();
        let fixed = apply(f.text(&u), finding.fix.as_ref().unwrap());
        assert!(fixed.ends_with("[moved]: 2017/pycon-2017.md\n"), "{fixed}");
    }

    #[test]
    fn replacements_are_written_in_the_links_style() {
        let f = Fixture::parse(
            "\
//- /index.md
- [a](<my talks/pycon notez.md#x>) and [b](my%20talks/pycon%20notez.md)
- [c](../ws/my%20talks/./pycon%20notez.md)
//- /my talks/pycon notes.md
# X
",
        );
        let s = f.snapshot();
        let u = url("/index.md");
        let fixed: Vec<String> = s
            .check(&u)
            .iter()
            .filter_map(|x| x.fix.as_ref())
            .map(|fix| fix.edits[0].new_text.clone())
            .collect();
        assert_eq!(
            fixed,
            vec![
                "my talks/pycon notes.md",
                "my%20talks/pycon%20notes.md",
                "../ws/my%20talks/./pycon%20notes.md"
            ]
        );
    }
}
