//! Conference catalogs against notes: small pyvideo-layout and own-format
//! catalogs written here, notes in the seeds' styles, and the findings,
//! fixes and editor data the catalogs add.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use talknotes_ls::analysis::Snapshot;
use talknotes_ls::catalog::{features, Catalogs, ConferenceVia, Packages};
use talknotes_ls::check::analyse_paths;
use talknotes_ls::config::Settings;
use talknotes_ls::index::NoteFile;
use talknotes_ls::rules::{Finding, Rule};
use url::Url;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn video(dir: &Path, file: &str, title: &str, speakers: &[&str], extra: &str) {
    let speakers = serde_json::to_string(speakers).unwrap();
    write(
        &dir.join("videos").join(file),
        &format!(
            r#"{{"title": {}, "speakers": {speakers}, "recorded": "2017-05-19",
                "videos": [{{"type": "youtube", "url": "https://www.youtube.com/watch?v={file}"}}]{extra}}}"#,
            serde_json::to_string(title).unwrap()
        ),
    );
}

/// A pyvideo-layout data set with two conferences, and an own-format one.
fn catalogs(root: &Path) -> PathBuf {
    let data = root.join("pyvideo");
    let y17 = data.join("pycon-us-2017");
    write(&y17.join("category.json"), r#"{"title": "PyCon US 2017"}"#);
    video(
        &y17,
        "a.json",
        "Grok the GIL: Write Fast And Thread-Safe Python",
        &["A. Jesse Jiryu Davis"],
        r#", "related_urls": [{"label": "talk schedule", "url": "https://us.pycon.org/2017/schedule/presentation/1/"}]"#,
    );
    video(
        &y17,
        "b.json",
        "The Dictionary Even Mightier",
        &["Brandon Rhodes"],
        r#", "related_urls": ["https://us.pycon.org/2017/schedule/presentation/2/"]"#,
    );
    video(
        &y17,
        "c.json",
        "Optimizations which made Python 3.6 faster than Python 3.5",
        &["Victor Stinner"],
        "",
    );
    video(
        &y17,
        "d.json",
        "async/await and asyncio in Python 3.6 and beyond",
        &["Yury Selivanov"],
        "",
    );
    video(
        &y17,
        "e.json",
        "Keynote: Kubernetes for Pythonistas",
        &["Kelsey Hightower"],
        "",
    );
    let y14 = data.join("pycon-us-2014");
    write(&y14.join("category.json"), r#"{"title": "PyCon US 2014"}"#);
    video(
        &y14,
        "f.json",
        "Fan-in and Fan-out: The crucial components of concurrency",
        &["Brett Slatkin"],
        "",
    );
    video(
        &y14,
        "g.json",
        "Cache me if you can: memcached, caching patterns and best practices",
        &["Guillaume Ardaud"],
        "",
    );
    write(
        &data.join("pygotham.toml"),
        r#"
conference = "PyGotham 2019"
[[talks]]
title = "Packaging in 2030"
speaker = "Ada Example"
date = "2019-11-02"
url = "https://example.org/nbpy/2019/packaging"
schedule = "https://example.org/nbpy/2019/talks/12"
"#,
    );
    data
}

struct Checked {
    root: PathBuf,
    _dir: tempfile::TempDir,
    results: Vec<(Arc<NoteFile>, Vec<Finding>)>,
    snapshot: Snapshot,
}

impl Checked {
    fn findings(&self, name: &str) -> Vec<(Rule, usize, String, String)> {
        let (file, findings) = self
            .results
            .iter()
            .find(|(f, _)| f.path.as_ref().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("{name} was not checked"));
        findings
            .iter()
            .map(|f| {
                (
                    f.rule,
                    file.lines.line_of(f.range.start) + 1,
                    file.text()[f.range.clone()].to_string(),
                    f.message.clone(),
                )
            })
            .collect()
    }

    fn fix_text(&self, name: &str, rule: Rule, line: usize) -> String {
        let (file, findings) = self
            .results
            .iter()
            .find(|(f, _)| f.path.as_ref().unwrap().ends_with(name))
            .unwrap();
        let f = findings
            .iter()
            .find(|f| f.rule == rule && file.lines.line_of(f.range.start) + 1 == line)
            .unwrap_or_else(|| panic!("no {rule:?} on line {line}"));
        let fix = f.fix.as_ref().expect("a fix");
        let mut text = file.text().to_string();
        for e in fix.edits.iter().rev() {
            text.replace_range(e.range.clone(), &e.new_text);
        }
        text
    }
}

fn check(notes: &[(&str, &str)]) -> Checked {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    catalogs(&root);
    write(
        &root.join("notes/talknotes.toml"),
        "catalogs = [\"../pyvideo\"]\n",
    );
    for (name, text) in notes {
        write(&root.join("notes").join(name), text);
    }
    let checked = analyse_paths(&root.join("notes"), &[PathBuf::from(".")], None, None).unwrap();
    assert!(checked.problems.is_empty());
    Checked {
        root,
        _dir: dir,
        results: checked.results,
        snapshot: checked.snapshot,
    }
}

fn rules_on(findings: &[(Rule, usize, String, String)], line: usize) -> Vec<Rule> {
    findings
        .iter()
        .filter(|f| f.1 == line)
        .map(|f| f.0)
        .collect()
}

#[test]
fn missing_speakers_come_from_the_catalog_in_the_files_own_style() {
    let c = check(&[
        (
            "2017.md",
            "---\ntitle: Notes from Pycon 2017\n---\n\n\
             ## Grok the GIL: Write Fast And Thread-Safe Python\n\n* notes\n\n\
             ## The Dictionary Even Mightier - Brandon Rhodes\n\n* more\n",
        ),
        (
            "2014.md",
            "My notes from PyCon 2014.\n\nCache me if you can,\n\n  • review on video\n\n\
             an-in and Fan-out, Brett Slatkin\n\n  • queues\n\nSomething Unlisted, Ada Example\n",
        ),
        (
            "heading.md",
            "Title: PyCon US 2017 - Main conference\nDate: 2017-05-19 12:00\n\n\
             # Immutable Programming (Calen Pennington)\n\n# Grok the GIL\n\nnotes\n",
        ),
    ]);
    let f = c.findings("2017.md");
    let missing: Vec<_> = f.iter().filter(|f| f.0 == Rule::MissingSpeaker).collect();
    assert_eq!(missing.len(), 1, "{f:#?}");
    assert!(
        missing[0].3.contains("PyCon US 2017 catalog")
            && missing[0].3.contains("A. Jesse Jiryu Davis"),
        "{}",
        missing[0].3
    );
    // The file writes ` - Name`: the fix does too.
    assert!(c
        .fix_text("2017.md", Rule::MissingSpeaker, 5)
        .contains("\n## Grok the GIL: Write Fast And Thread-Safe Python - A. Jesse Jiryu Davis\n"));

    // `Pycon 2014` is PyCon US 2014; a truncated title, comma style.
    let f = c.findings("2014.md");
    assert_eq!(rules_on(&f, 3), vec![Rule::MissingSpeaker], "{f:#?}");
    assert!(c
        .fix_text("2014.md", Rule::MissingSpeaker, 3)
        .contains("\nCache me if you can, Guillaume Ardaud\n"));
    // A typo in the title: a hint with the catalog's words.
    assert_eq!(rules_on(&f, 7), vec![Rule::TalkTitle], "{f:#?}");
    assert!(c
        .fix_text("2014.md", Rule::TalkTitle, 7)
        .contains("\nFan-in and Fan-out, Brett Slatkin\n"));
    // Not in the catalog, has its speaker: nothing.
    assert!(rules_on(&f, 11).is_empty(), "{f:#?}");

    // Parenthesis style, from a truncated title (subtitle left out).
    let f = c.findings("heading.md");
    assert_eq!(rules_on(&f, 6), vec![Rule::MissingSpeaker], "{f:#?}");
    assert!(c
        .fix_text("heading.md", Rule::MissingSpeaker, 6)
        .contains("\n# Grok the GIL (A. Jesse Jiryu Davis)\n"));
}

#[test]
fn speaker_typos_and_titles_against_the_catalog() {
    let c = check(&[(
        "pycon-2017.md",
        "# Optimizations which made Python 3.6 faster then Python 3.5 (Victor Stinger)\n\nnotes\n\n\
         # async/await and asyncio in Python 3.6 and beyond (Yuri Selivanov)\n\nnotes\n\n\
         # The Dictionary Even Mighter (Brandon Rhodes)\n\nnotes\n\n\
         # Kubernetes For Pythonistas (Kelsey Hightower)\n\nnotes\n",
    )]);
    let f = c.findings("pycon-2017.md");
    let typos: Vec<(String, String)> = f
        .iter()
        .filter(|f| f.0 == Rule::SpeakerTypo)
        .map(|f| (f.2.clone(), f.3.clone()))
        .collect();
    assert_eq!(typos.len(), 2, "{f:#?}");
    assert!(typos[0].0 == "Victor Stinger" && typos[0].1.contains("“Victor Stinner”"));
    assert!(typos[1].0 == "Yuri Selivanov" && typos[1].1.contains("“Yury Selivanov”"));
    assert!(c
        .fix_text("pycon-2017.md", Rule::SpeakerTypo, 5)
        .contains("(Yury Selivanov)"));
    let titles: Vec<&str> = f
        .iter()
        .filter(|f| f.0 == Rule::TalkTitle)
        .map(|f| f.2.as_str())
        .collect();
    assert_eq!(
        titles,
        vec![
            "Optimizations which made Python 3.6 faster then Python 3.5",
            "The Dictionary Even Mighter"
        ]
    );
    // The file's name gives the year and `pycon`: named, not inferred.
    assert!(!f.iter().any(|f| f.0 == Rule::MissingConference));
    // Correct speakers, a keynote's label left out: nothing on line 13.
    assert!(rules_on(&f, 13).is_empty(), "{f:#?}");
}

#[test]
fn a_file_without_conference_gets_one_inferred_with_a_fix() {
    let c = check(&[(
        "notes.md",
        "# Grok the GIL: Write Fast And Thread-Safe Python (A. Jesse Jiryu Davis)\n\nnotes\n\n\
         # The Dictionary Even Mightier (Brandon Rhodes)\n\nnotes\n\n\
         # Random notes\n\n- x\n",
    )]);
    let f = c.findings("notes.md");
    let conf: Vec<_> = f
        .iter()
        .filter(|f| f.0 == Rule::MissingConference)
        .collect();
    assert_eq!(conf.len(), 1, "{f:#?}");
    assert!(conf[0].3.contains("PyCon US 2017"), "{}", conf[0].3);
    let fixed = c.fix_text("notes.md", Rule::MissingConference, 1);
    assert!(fixed.starts_with("---\nconference: PyCon US 2017\n---\n\n# Grok the GIL"));
    // The fixed file names its conference.
    let file = NoteFile::analyse(Url::parse("file:///n/notes.md").unwrap(), &fixed, None);
    let m = c.snapshot.catalogs.conference_of(&file.model).unwrap();
    assert_eq!(m.via, ConferenceVia::Named);
    assert_eq!(
        c.snapshot.catalogs.conferences[m.index].title,
        "PyCon US 2017"
    );
}

#[test]
fn schedule_links_the_catalog_gives_to_another_talk() {
    let c = check(&[(
        "pycon-us-2017.md",
        "# Grok the GIL (A. Jesse Jiryu Davis)\n\n\
         [Talk overview](https://us.pycon.org/2017/schedule/presentation/2/)\n\n\
         # The Dictionary Even Mightier (Brandon Rhodes)\n\n\
         [Talk overview](https://us.pycon.org/2017/schedule/presentation/2/)\n\n\
         # Something Else Entirely (Ada Example)\n\n\
         [Talk overview](https://us.pycon.org/2017/schedule/presentation/1/)\n",
    )]);
    let f = c.findings("pycon-us-2017.md");
    let catalog_says: Vec<(usize, &str)> = f
        .iter()
        .filter(|f| f.0 == Rule::ScheduleLink && f.3.contains("catalog"))
        .map(|f| (f.1, f.3.as_str()))
        .collect();
    assert_eq!(catalog_says.len(), 2, "{f:#?}");
    assert_eq!(catalog_says[0].0, 3);
    assert!(catalog_says[0]
        .1
        .contains("“The Dictionary Even Mightier” by Brandon Rhodes"));
    assert_eq!(catalog_says[1].0, 11);
    // The talk that owns the page links it: no catalog finding on line 7.
    assert!(!f
        .iter()
        .any(|x| x.1 == 7 && x.0 == Rule::ScheduleLink && x.3.contains("catalog")));
    // The fix links the talk's own page.
    assert!(c
        .fix_text("pycon-us-2017.md", Rule::ScheduleLink, 3)
        .contains(
        "[Talk overview](https://us.pycon.org/2017/schedule/presentation/1/)\n\n# The Dictionary"
    ));
}

#[test]
fn own_format_catalogs_and_editor_features() {
    let c = check(&[(
        "pygotham-2019.md",
        "PyGotham 2019 notes\n\n## Packaging in 2030\n\nnotes\n\n## Lunch Thoughts On Typing (Bo Example)\n\nnotes\n",
    )]);
    let f = c.findings("pygotham-2019.md");
    let missing: Vec<_> = f.iter().filter(|f| f.0 == Rule::MissingSpeaker).collect();
    assert_eq!(missing.len(), 1, "{f:#?}");
    assert!(missing[0].3.contains("PyGotham 2019 catalog") && missing[0].3.contains("Ada Example"));

    let url = Url::from_file_path(c.root.join("notes/pygotham-2019.md")).unwrap();
    let file = c.snapshot.file(&url).unwrap();
    let at = file.text().find("Packaging").unwrap();
    let info = features::talk_at(&c.snapshot, &url, at).unwrap();
    assert_eq!(info.conference, "PyGotham 2019");
    assert_eq!(info.talk.date.as_deref(), Some("2019-11-02"));
    assert!(info.markdown().contains("Ada Example"));
    let def = features::definition(&c.snapshot, &url, at).unwrap();
    assert!(def.path.ends_with("pygotham.toml"));
    assert_eq!(
        def.page.as_deref(),
        Some("https://example.org/nbpy/2019/packaging")
    );
    let links = features::document_links(&c.snapshot, &url);
    assert_eq!(links.len(), 1);
    assert_eq!(&file.text()[links[0].range.clone()], "Packaging in 2030");

    // Completion: the file's conference only.
    let titles = features::complete_talks(&c.snapshot, &url, "pack");
    assert_eq!(titles.len(), 1);
    assert_eq!(titles[0].speakers, vec!["Ada Example"]);
    assert!(features::complete_talks(&c.snapshot, &url, "grok").is_empty());
    let speakers = features::complete_speakers(&c.snapshot, &url, "ex");
    assert_eq!(speakers[0].name, "Ada Example");
    assert_eq!(speakers[0].talks, vec!["Packaging in 2030 (PyGotham 2019)"]);
    // Speakers of other conferences come after.
    let all = features::complete_speakers(&c.snapshot, &url, "b");
    let names: Vec<&str> = all.iter().map(|s| s.name.as_str()).collect();
    assert!(
        names.contains(&"Brandon Rhodes") && names.contains(&"Brett Slatkin"),
        "{names:?}"
    );
}

#[test]
fn library_typos_need_the_popular_projects_list() {
    let text = "# Talk (Ada Example)\n\nWe used `reqeusts`, `structlog`, `collections`, `pandsa` and `lru_cache`.\n";
    let other = "# Other (Bo Example)\n\nThen: pip install pandsa\n";
    let files = vec![
        Arc::new(NoteFile::analyse(
            Url::parse("file:///n/a.md").unwrap(),
            text,
            None,
        )),
        Arc::new(NoteFile::analyse(
            Url::parse("file:///n/b.md").unwrap(),
            other,
            None,
        )),
    ];
    let snapshot = |catalogs: Catalogs| {
        Snapshot::with_catalogs(
            files.clone(),
            None,
            Arc::new(catalogs),
            Arc::new(Settings::default()),
            vec![],
        )
    };
    let typos = |s: &Snapshot| -> Vec<String> {
        s.check_file(&files[0])
            .into_iter()
            .filter(|f| f.rule == Rule::LibraryTypo)
            .map(|f| text[f.range].to_string())
            .collect()
    };
    // Without the list, nothing is a typo.
    assert!(typos(&snapshot(Catalogs::default())).is_empty());
    let mut catalogs = Catalogs::default();
    catalogs.packages = Some(Arc::new(Packages::new(
        ["requests", "structlog", "pandas", "sympy", "collection"]
            .map(String::from)
            .to_vec(),
    )));
    let s = snapshot(catalogs);
    // `structlog` is listed, `collections` is the standard library,
    // `pandsa` is installed in b.md, `lru_cache` is near nothing.
    assert_eq!(typos(&s), vec!["reqeusts"]);
    let f = s
        .check_file(&files[0])
        .into_iter()
        .find(|f| f.rule == Rule::LibraryTypo)
        .unwrap();
    assert_eq!(f.fix.unwrap().edits[0].new_text, "requests");
    assert_eq!(features::complete_libraries(&s, "re", 5), vec!["requests"]);
}

/// The editor features (completion, hover, document links, definition)
/// answer with what the catalogs know, after what the notes know.
#[test]
fn catalogs_feed_the_editor_features() {
    use talknotes_ls::features::completion::{complete, ItemKind};
    use talknotes_ls::features::{hover::hover, links::document_links, navigation::definition};
    let c = check(&[
        (
            "pycon-2017.md",
            "# PyCon US 2017\n\n## Grok the GIL: Write Fast And Thread-Safe Python (A. Jesse Jiryu Davis)\n\nnotes\n\n## Something New (Br\n\n[Dict\n\n`req`\n",
        ),
        (
            "pycon-2014.md",
            "# PyCon US 2014\n\n## Fan-in and Fan-out (Brett Slatkin)\n\nnotes\n",
        ),
    ]);
    let url = Url::from_file_path(c.root.join("notes/pycon-2017.md")).unwrap();
    let file = c.snapshot.file(&url).unwrap();
    let s = &c.snapshot;

    // Speakers: the notes' own first (Brett Slatkin), then this
    // conference's catalog speakers (Brandon Rhodes, PyCon US 2017).
    let at = file.text().find("(Br").unwrap() + 3;
    let got = complete(s, &url, at);
    let speakers: Vec<(&str, &str)> = got
        .items
        .iter()
        .filter(|i| i.kind == ItemKind::Speaker)
        .map(|i| (i.label.as_str(), i.detail.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(
        speakers.first().map(|s| s.0),
        Some("Brett Slatkin"),
        "{speakers:?}"
    );
    assert!(
        speakers.contains(&("Brandon Rhodes", "PyCon US 2017")),
        "{speakers:?}"
    );

    // Talk titles inside `[`: the catalog's, with speaker and conference.
    let at = file.text().find("[Dict").unwrap() + 5;
    let got = complete(s, &url, at);
    let talk = got
        .items
        .iter()
        .find(|i| i.label == "The Dictionary Even Mightier")
        .unwrap_or_else(|| panic!("{:?}", got.items));
    assert_eq!(talk.kind, ItemKind::Talk);
    assert_eq!(
        talk.detail.as_deref(),
        Some("Brandon Rhodes · PyCon US 2017 (catalog)")
    );

    // Hover on a talk: the catalog's speaker, date and video.
    let at = file.text().find("Grok").unwrap();
    let h = hover(s, &url, at).expect("hover");
    assert!(h.markdown.contains("In the catalog"), "{}", h.markdown);
    assert!(
        h.markdown.contains("A. Jesse Jiryu Davis"),
        "{}",
        h.markdown
    );
    assert!(h.markdown.contains("2017-05-19"), "{}", h.markdown);
    assert!(
        h.markdown
            .contains("https://www.youtube.com/watch?v=a.json"),
        "{}",
        h.markdown
    );

    // Document link: the title to its page (pyvideo's, for that layout).
    let links = document_links(s, &url);
    let title = links
        .iter()
        .find(|l| file.text()[l.range.clone()].starts_with("Grok the GIL"))
        .unwrap_or_else(|| panic!("{links:?}"));
    assert_eq!(
        title.target,
        "https://pyvideo.org/pycon-us-2017/grok-the-gil-write-fast-and-thread-safe-python.html"
    );

    // Definition on a talk: its catalog entry.
    let defs = definition(s, &url, at);
    assert!(
        defs.iter()
            .any(|l| l.url.path().ends_with("pycon-us-2017/videos/a.json")),
        "{defs:?}"
    );
}
