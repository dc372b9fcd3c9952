//! `talknotes-ls report`: the HTML is self-contained and escaped, shows the
//! totals, the timeline, the speakers seen at several conferences (typos
//! folded through the workspace's known names), and every diagnostic with
//! its `file:line`. The same page in a real browser: tests/report/.

use std::path::{Path, PathBuf};
use std::process::Command;

use talknotes_ls::check::analyse_paths;
use talknotes_ls::export::{self, insights, Export};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn examples() -> PathBuf {
    repo().join("examples/notes").canonicalize().unwrap()
}

fn export_of(root: &Path, pep_index: Option<&Path>) -> Export {
    let checked = analyse_paths(root, &[PathBuf::from(".")], None, pep_index).unwrap();
    export::build(&checked.snapshot, &checked.results, &checked.problems, root)
}

/// The part of the page from the element with `id` to the one with `next`.
fn section<'a>(html: &'a str, id: &str, next: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no element {id}"));
    let end = html[start..]
        .find(&format!("id=\"{next}\""))
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}

/// The number shown in a totals card.
fn total(html: &str, id: &str) -> usize {
    let card = section(html, &format!("total-{id}"), "no-such-id");
    let dd = &card[card.find("<dd>").unwrap() + 4..];
    dd[..dd.find("</dd>").unwrap()].parse().unwrap()
}

#[test]
fn the_sample_report_shows_totals_timeline_speakers_and_health() {
    let e = export_of(&examples(), None);
    let html = export::render_html(&e, "notes");

    assert_eq!(total(&html, "conferences"), 6);
    assert_eq!(total(&html, "talks"), 42);
    assert_eq!(total(&html, "speakers"), e.speakers.len());
    assert_eq!(total(&html, "without-speaker"), 3);

    // The timeline: one SVG group per conference, with its talk count.
    let timeline = section(&html, "timeline", "speakers");
    assert!(timeline.contains("<svg class=\"timeline\""));
    for c in &e.conferences {
        let at = timeline
            .find(&format!("data-conference=\"{}\"", c.id))
            .unwrap_or_else(|| panic!("{} not in the timeline", c.id));
        let count = format!(
            ">{} {}</text>",
            c.talks,
            if c.talks == 1 { "talk" } else { "talks" }
        );
        let group_end = timeline[at..].find("</g>").unwrap() + at;
        assert!(
            timeline[at..group_end].contains(&count),
            "{}: {count}",
            c.id
        );
    }
    // Years without a conference are drawn between the others.
    assert!(timeline.contains(">2015</text>") && timeline.contains(">2023</text>"));

    let speakers = section(&html, "speakers", "mentions");
    for name in [
        "Brandon Rhodes",
        "Erik Rose",
        "Victor Stinner",
        "Łukasz Langa",
    ] {
        assert!(speakers.contains(name), "{name}");
    }
    assert!(speakers.contains("also written <q>Victor Stinger</q>"));
    assert!(!speakers.contains("Ned Batchelder"), "one conference only");

    let mentions = section(&html, "mentions", "health");
    assert!(mentions.contains("PEP 3156"));
    assert!(mentions.contains("Asynchronous IO Support Rebooted: the &quot;asyncio&quot; Module"));
    assert!(mentions.contains("perf"));

    // Every diagnostic, under its rule, with file:line.
    let health = section(&html, "health", "no-such-id");
    for d in &e.diagnostics {
        let rule = section(health, &format!("rule-{}", d.rule), "no-such-id");
        let place = format!("<code class=\"place\">{}:{}</code>", d.file, d.line);
        assert!(rule.contains(&place), "{place} under {}", d.rule);
    }
    assert!(health.contains("17 diagnostics"));
}

#[test]
fn the_report_is_self_contained() {
    let html = export::render_html(&export_of(&examples(), None), "notes");
    assert!(html.starts_with("<!DOCTYPE html>"));
    for fetches in [
        "<script", "<link", " src=", "href=", "url(", "@import", "<iframe", "<img",
    ] {
        assert!(!html.contains(fetches), "{fetches}");
    }
    assert!(
        html.contains("content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"")
    );
    // Light and dark, and a phone's width.
    assert!(html.contains("@media (prefers-color-scheme: dark)"));
    assert!(html.contains("name=\"viewport\" content=\"width=device-width, initial-scale=1\""));
    assert!(html.contains("viewBox=\"0 0 420 "));
}

#[test]
fn text_from_the_notes_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pycon-2031.md"),
        "# <script>alert(1)</script> & \"Friends\" (Ada Example)\n\n- a [link](<nowhere.md>)\n",
    )
    .unwrap();
    let root = dir.path().canonicalize().unwrap();
    let html = export::render_html(&export_of(&root, None), "<b>notes</b>");
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(!html.contains("<b>notes</b>"));
    assert!(html.contains("&lt;b&gt;notes&lt;/b&gt;"));
    // The broken link's message names the file, escaped or not, and the
    // talk's title never reaches the page as markup.
    assert!(html.contains("nowhere.md"));
}

#[test]
fn known_names_fold_a_misspelled_speaker_across_conferences() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::write(
        root.join("pycon-2014.md"),
        "# Track memory leaks (Victor Stinner)\n\n- tracemalloc\n",
    )
    .unwrap();
    std::fs::write(
        root.join("pycon-2017.md"),
        "# Faster Python 3.6 (Victor Stinger)\n\n- wordcode\n",
    )
    .unwrap();
    // One spelling each: a tie, nothing says which is right.
    let e = export_of(&root, None);
    assert_eq!(e.speakers.len(), 2);
    assert!(insights::speakers_across_conferences(&e).is_empty());
    // A PEP index that knows the name settles it (catalogs add known
    // names the same way).
    std::fs::write(
        root.join("peps.json"),
        r#"{"445": {"number": 445, "title": "Add new APIs to customize Python memory allocators",
            "authors": "Victor Stinner", "status": "Final", "type": "Standards Track"}}"#,
    )
    .unwrap();
    let e = export_of(&root, Some(&root.join("peps.json")));
    assert_eq!(e.speakers.len(), 1);
    assert_eq!(
        e.speakers[0].spellings,
        ["Victor Stinner", "Victor Stinger"]
    );
    let across = insights::speakers_across_conferences(&e);
    assert_eq!(across.len(), 1);
    assert_eq!(across[0].name, "Victor Stinner");
    assert_eq!(across[0].conferences, 2);
    let html = export::render_html(&e, "notes");
    assert!(section(&html, "speakers", "mentions").contains("Victor Stinner"));
}

#[test]
fn the_binary_writes_the_report_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_talknotes-ls"))
        .args(["report", ".", "-o"])
        .arg(dir.path().join("report.html"))
        .current_dir(examples())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "broken links are errors, as --check"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("wrote ") && stderr.contains("45 talks"),
        "{stderr}"
    );
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert_eq!(total(&html, "talks"), 42);
    // `-o -`: standard output.
    let out = Command::new(env!("CARGO_BIN_EXE_talknotes-ls"))
        .args(["report", "-o", "-"])
        .current_dir(examples())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), html);
}

// ---------------------------------------------------------------------------
// The real notes in ../shared (skipped when absent)
// ---------------------------------------------------------------------------

fn shared() -> Option<PathBuf> {
    let dir = std::env::var_os("TALKNOTES_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared"));
    if dir.join("seeds").is_dir() {
        Some(dir.canonicalize().unwrap())
    } else {
        println!(
            "skipped: {} has no seeds/ (set TALKNOTES_SHARED to run this test)",
            dir.display()
        );
        None
    }
}

fn across(seeds: &Path, pep_index: Option<&Path>) -> Vec<String> {
    let e = export_of(seeds, pep_index);
    let html = export::render_html(&e, "seeds");
    let names: Vec<String> = insights::speakers_across_conferences(&e)
        .into_iter()
        .map(|s| s.name)
        .collect();
    let section = section(&html, "speakers", "mentions");
    for n in &names {
        assert!(section.contains(n.as_str()), "{n} not shown");
    }
    names
}

#[test]
fn real_notes_speakers_across_conferences() {
    let Some(shared) = shared() else { return };
    let seeds = shared.join("seeds");
    let names = across(&seeds, None);
    assert!(names.iter().any(|n| n == "Brandon Rhodes"), "{names:?}");
    assert!(names.iter().any(|n| n == "Erik Rose"), "{names:?}");
    // Without a known spelling, `Victor Stinger` (002) and `Victor Stinner`
    // (004) are one use each: a tie, nobody is folded.
    assert!(!names.iter().any(|n| n.starts_with("Victor")), "{names:?}");

    // With known names (here the PEP index's authors; the catalogs add
    // theirs the same way) the misspellings in 002 and 001 resolve.
    let peps = shared.join("data/peps.json");
    if !peps.is_file() {
        println!("skipped the PEP index part: no {}", peps.display());
        return;
    }
    let names = across(&seeds, Some(&peps));
    for who in [
        "Brandon Rhodes",
        "Erik Rose",
        "Victor Stinner",
        "Yury Selivanov",
    ] {
        assert!(names.iter().any(|n| n == who), "{who} not in {names:?}");
    }
    assert!(!names
        .iter()
        .any(|n| n == "Victor Stinger" || n == "Yuri Selivanov"));
}
