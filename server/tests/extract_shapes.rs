//! Shapes from grammar/README.md, read through the public extraction API.

use talknotes_ls::extract::extract;
use talknotes_ls::model::{FileModel, TalkForm};
use talknotes_ls::syntax::Syntax;

fn model(text: &str) -> FileModel {
    extract(text, &Syntax::parse(text), Some("notes.md"))
}

fn talks(m: &FileModel) -> Vec<(String, Vec<String>)> {
    m.talks
        .iter()
        .map(|t| {
            (
                t.title.to_string(),
                t.speakers.iter().map(|s| s.name.to_string()).collect(),
            )
        })
        .collect()
}

#[test]
fn setext_talks_own_the_text_under_them() {
    let text = "First Talk Here (Ada Example)\n---\n\n[Schedule](https://x.org/1)\n\nSecond Talk Here (Bob Example)\n---\n\nnotes\n";
    let m = model(text);
    assert_eq!(m.talks.len(), 2);
    assert_eq!(m.talks[0].form, TalkForm::Heading { level: 2 });
    let link_at = text.find("[Schedule]").unwrap();
    assert_eq!(m.talk_at(link_at).map(|(i, _)| i), Some(0));
}

#[test]
fn an_unclosed_fence_does_not_swallow_the_rest() {
    let text =
        "# One Talk (Ada Example)\n\n```\ncode\n\n# Two Talk (Bob Example)\n\n* Pep503 - wheels\n";
    let m = model(text);
    assert_eq!(
        talks(&m),
        vec![
            ("One Talk".to_string(), vec!["Ada Example".to_string()]),
            ("Two Talk".to_string(), vec!["Bob Example".to_string()]),
        ]
    );
    assert_eq!(m.peps.len(), 1);
}

#[test]
fn headings_inside_closed_fences_are_code() {
    let text = "# Talk A (Ada Example)\n\n```python\n# comment, Not Talk\n```\n";
    let m = model(text);
    assert_eq!(m.talks.len(), 1);
}

#[test]
fn notes_lines_under_a_heading_talk_are_not_talks() {
    let text = "# Keynote: Dan Example\n\n## Notes\n\n- The Birth and Death of Something, Gary Example\n- Rust -> WASM - Web\n";
    let m = model(text);
    assert_eq!(
        talks(&m),
        vec![("Keynote: Dan Example".into(), vec!["Dan Example".into()])]
    );
    assert!(m.talks[0].keynote);
}

#[test]
fn one_talk_per_file() {
    let text = "# A Title For The Talk\n\n## Ada Example\n\nnotes\n";
    let m = model(text);
    assert_eq!(
        talks(&m),
        vec![("A Title For The Talk".into(), vec!["Ada Example".into()])]
    );
}

#[test]
fn suppressions_cover_their_ranges() {
    let text = "<!-- talknotes-disable-next-line pep-format -->\nPEP3156\nPEP3156\n<!-- talknotes-disable -->\nx\n<!-- talknotes-enable -->\ny\n";
    let m = model(text);
    let first = text.find("PEP3156").unwrap();
    let second = text.rfind("PEP3156").unwrap();
    assert!(m.is_suppressed("pep-format", first));
    assert!(!m.is_suppressed("pep-format", second));
    assert!(!m.is_suppressed("missing-speaker", first));
    assert!(m.is_suppressed("broken-link", text.find("\nx").unwrap() + 1));
    assert!(!m.is_suppressed("broken-link", text.find("\ny").unwrap() + 1));
}

#[test]
fn conference_sources() {
    use talknotes_ls::model::ConferenceSource::*;
    let c = |t: &str| model(t).conference.map(|c| (c.name, c.year, c.source));
    assert_eq!(
        c("---\ntitle: Notes from Pycon 2017\n---\n# X (Ada Example)\n"),
        Some(("Pycon".into(), Some(2017), FrontMatter))
    );
    assert_eq!(
        c("Title: PyCon US 2018 - Main conference\nDate: 2018-05-11 12:00\n\n# X\n"),
        Some(("PyCon US".into(), Some(2018), PelicanHeader))
    );
    assert_eq!(
        c("PyCon US 2024 Highlights\nsome text\n"),
        Some(("PyCon US".into(), Some(2024), FirstLine))
    );
    let m = extract(
        "# Optimizations in Python 3.6 (Ada Example)\n",
        &Syntax::parse("# Optimizations in Python 3.6 (Ada Example)\n"),
        Some("pycon-2017.md"),
    );
    let conf = m.conference.unwrap();
    assert_eq!(
        (conf.name.as_str(), conf.year, conf.source),
        ("PyCon", Some(2017), FileName)
    );
}

#[test]
fn crlf_and_bom_free_text_reads_the_same() {
    let lf = "# Effective Code Review (Erik Rose)\n\n- note\n";
    let crlf = lf.replace('\n', "\r\n");
    assert_eq!(talks(&model(lf)), talks(&model(&crlf)));
}

#[test]
fn a_sub_heading_under_a_talk_that_names_its_speaker_is_a_section() {
    // `## Tact Hacks` reads like a name; the talk already has its speaker.
    let text = "# Effective Code Review (Ada Example)\n* notes\n\n## Tact Hacks\n* more\n\n# Other Talk (Bob Sample)\n";
    let m = model(text);
    assert_eq!(
        talks(&m),
        vec![
            (
                "Effective Code Review".to_string(),
                vec!["Ada Example".to_string()]
            ),
            ("Other Talk".to_string(), vec!["Bob Sample".to_string()]),
        ]
    );
}

#[test]
fn a_name_like_sub_heading_in_a_file_of_many_talks_is_a_section() {
    // One talk per file takes `## Name` as the speaker; a file of many
    // `#` talks does not (`## Performance Options` under `# Cython`).
    let text = "# Cython\n## Performance Options\n* notes\n\n# Dask Arrays (Ada Example)\n* notes\n\n# Fast Things (Bob Sample)\n";
    let m = model(text);
    assert_eq!(
        talks(&m),
        vec![
            ("Dask Arrays".to_string(), vec!["Ada Example".to_string()]),
            ("Fast Things".to_string(), vec!["Bob Sample".to_string()]),
        ]
    );
    let one = "# A Title For The Talk\n\n## Ada Example\n\nnotes\n\n## Benchmarks\n";
    assert_eq!(
        talks(&model(one)),
        vec![(
            "A Title For The Talk".to_string(),
            vec!["Ada Example".to_string()]
        )]
    );
}

/// A list talk runs to the next talk of its list, or to the end of the list
/// (nested notes, sibling notes, a deeper talk's own notes): what the
/// shortcut that stops reading the list at the next talk must keep.
#[test]
fn list_talks_run_to_the_next_talk_or_the_end_of_the_list() {
    let text = "\
# PyCon 2019

- Async All The Way - Ada Lovelace
  - nested note one
  - nested note two
- a sibling note
- Typing In Practice - Bob Builder
- Plain Item Without Speaker
  - Nested Talk Title - Cleo Patra
    - its own note
- Last Talk Here - Dan Brown
  - last note

After the list.
";
    let m = model(text);
    let found = talks(&m);
    let titles: Vec<&str> = found.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Async All The Way",
            "Typing In Practice",
            "Nested Talk Title",
            "Last Talk Here"
        ]
    );
    let starts: Vec<usize> = m.talks.iter().map(|t| t.range().start).collect();
    // Each talk ends where the next begins, but the last, which ends with
    // its list (before the paragraph after it).
    for (k, t) in m.talks.iter().enumerate().take(m.talks.len() - 1) {
        assert_eq!(t.range().end, starts[k + 1], "talk {k}: {:?}", t.title);
    }
    let last = m.talks.last().unwrap();
    let list_end = text.find("\nAfter the list.").unwrap();
    assert!(
        last.range().end <= list_end + 1 && last.range().end > text.find("last note").unwrap(),
        "last talk ends at {} (list ends at {list_end})",
        last.range().end
    );
    // The sibling note belongs to the first talk's notes.
    let note = text.find("a sibling note").unwrap();
    assert_eq!(m.talk_at(note).map(|(i, _)| i), Some(0));
    let notes = m.talks[0].notes_range().unwrap();
    assert!(notes.contains(&note));
}
