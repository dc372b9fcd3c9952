//! The real notes in `../shared/seeds` against the five real PyCon US
//! catalog years and the full PEP index in `../shared/data`. Skipped (with
//! a note) when `../shared` is not beside the repository.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use talknotes_ls::check::analyse_paths;
use talknotes_ls::rules::Rule;

fn shared() -> Option<PathBuf> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let candidates = [
        std::env::var_os("TALKNOTES_SHARED").map(PathBuf::from),
        Some(repo.join("../shared")),
        // A git worktree one folder deeper than the main checkout.
        Some(repo.join("../../shared")),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|p| p.join("seeds").is_dir() && p.join("data/pyvideo").is_dir())
}

/// A finding: rule, the text under its range, its message.
type Found = (Rule, String, String);

#[test]
fn seeds_against_the_real_catalogs() {
    let Some(shared) = shared() else {
        eprintln!("note: ../shared is absent; the seeds-against-catalogs test is skipped");
        return;
    };
    let shared = shared.canonicalize().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("talknotes.toml");
    std::fs::write(
        &config,
        format!(
            "catalogs = [{:?}]\npep_index = {:?}\n",
            shared.join("data/pyvideo").display().to_string(),
            shared.join("data/peps.json").display().to_string()
        ),
    )
    .unwrap();
    let seeds = shared.join("seeds");
    let checked = analyse_paths(&seeds, &[PathBuf::from(".")], Some(&config), None).unwrap();
    let mut by_seed: Vec<(String, Vec<Found>)> = Vec::new();
    for (file, findings) in &checked.results {
        let name = file.display_name();
        let f = findings
            .iter()
            .map(|f| {
                (
                    f.rule,
                    file.text()[f.range.clone()].to_string(),
                    f.message.clone(),
                )
            })
            .collect();
        by_seed.push((name[..3].to_string(), f));
    }
    let seed = |n: &str| &by_seed.iter().find(|(s, _)| s == n).unwrap().1;

    // 000: every talk without a speaker gets the catalog's.
    let s000 = seed("000");
    for speaker in [
        "Amethyst Reese",
        "Emily Morehouse-Valcarcel",
        "Nathaniel J. Smith",
        "Allison Kaptur",
        "Nina Zakharenko",
        "Dustin Ingram",
        "Raymond Hettinger",
    ] {
        assert!(
            s000.iter()
                .any(|f| f.0 == Rule::MissingSpeaker && f.2.contains(speaker)),
            "000: {speaker} not named: {s000:#?}"
        );
    }
    assert!(
        !s000.iter().any(|f| f.1.contains("Dan Callahan")),
        "{s000:#?}"
    );

    // The misspelt speakers, with the right spelling; nothing on the others.
    let typos: BTreeSet<(String, String)> = by_seed
        .iter()
        .flat_map(|(s, f)| f.iter().map(move |f| (s, f)))
        .filter(|(_, f)| f.0 == Rule::SpeakerTypo)
        .map(|(s, f)| (s.clone(), f.1.clone()))
        .collect();
    let expected: BTreeSet<(String, String)> = [
        ("001", "Yuri Selivanov"),
        ("002", "Victor Stinger"),
        ("004", "Van Lindbergh"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(typos, expected);
    assert!(seed("001")
        .iter()
        .any(|f| f.0 == Rule::SpeakerTypo && f.2.contains("“Yury Selivanov”")));
    assert!(seed("002")
        .iter()
        .any(|f| f.0 == Rule::SpeakerTypo && f.2.contains("“Victor Stinner”")));

    // Pep503 is 513; the right PEPs raise nothing.
    let pep_findings: Vec<(String, &Found)> = by_seed
        .iter()
        .flat_map(|(s, f)| f.iter().map(move |f| (s.clone(), f)))
        .filter(|(_, f)| matches!(f.0, Rule::UnknownPep | Rule::PepMismatch))
        .collect();
    assert_eq!(pep_findings.len(), 1, "{pep_findings:#?}");
    assert_eq!(pep_findings[0].0, "002");
    assert_eq!(pep_findings[0].1 .1, "Pep503");
    assert!(pep_findings[0].1 .2.contains("PEP 513"));

    // 002 names no conference: its talks are PyCon US 2017's.
    assert!(seed("002")
        .iter()
        .any(|f| f.0 == Rule::MissingConference && f.2.contains("PyCon US 2017")));
    // 003 has every speaker right and PEP 747 right.
    assert!(
        seed("003")
            .iter()
            .all(|f| !matches!(f.0, Rule::SpeakerTypo | Rule::MissingSpeaker)),
        "{:#?}",
        seed("003")
    );
}
