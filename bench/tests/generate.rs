//! The generator's contract: deterministic bytes, the size distribution,
//! links that resolve, and some of every planted mistake.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use talknotes_bench::slug::anchors;
use talknotes_bench::{generate, PLANTED};

/// Every file under `dir`, by relative path.
fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn notes(tree: &BTreeMap<String, Vec<u8>>) -> impl Iterator<Item = (&String, &Vec<u8>)> {
    tree.iter()
        .filter(|(p, _)| p.ends_with(".md") || p.ends_with(".markdown"))
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let sa = generate(a.path(), 150, 7);
    let sb = generate(b.path(), 150, 7);
    let sc = generate(c.path(), 150, 8);
    assert_eq!(sa, sb);
    let (ta, tb, tc) = (
        read_tree(a.path()),
        read_tree(b.path()),
        read_tree(c.path()),
    );
    assert_eq!(notes(&ta).count(), 150);
    assert!(ta == tb, "same seed, different output");
    assert!(ta != tc, "different seeds, same output");
    let differing = notes(&ta)
        .filter(|(p, bytes)| tc.get(*p) != Some(*bytes))
        .count();
    assert!(
        differing > 100,
        "only {differing} files differ between seeds"
    );
    assert_ne!(sa, sc);
    assert!(ta.contains_key("talknotes.toml") && ta.contains_key("peps.json"));
}

#[test]
fn sizes_follow_the_distribution() {
    let dir = tempfile::tempdir().unwrap();
    let stats = generate(dir.path(), 400, 3);
    let tree = read_tree(dir.path());
    let sizes: Vec<usize> = notes(&tree).map(|(_, b)| b.len()).collect();
    assert_eq!(sizes.len(), 400);
    assert_eq!(stats.bytes, sizes.iter().sum::<usize>() as u64);

    // About one in 50 is large, ~200 KB.
    let large: Vec<usize> = sizes.iter().copied().filter(|&s| s > 100_000).collect();
    assert_eq!(large.len(), 8);
    assert_eq!(stats.large_files, 8);
    for s in &large {
        assert!((170_000..240_000).contains(s), "large file of {s} bytes");
    }
    // The others average ~6 KB, from a couple of KB to about 12 KB.
    // (Index READMEs are short lists of links: left out.)
    let normal: Vec<usize> = notes(&tree)
        .filter(|(p, _)| !p.ends_with("README.md"))
        .map(|(_, b)| b.len())
        .filter(|&s| s <= 100_000)
        .collect();
    let mean = normal.iter().sum::<usize>() / normal.len();
    assert!((5_000..7_000).contains(&mean), "mean {mean}");
    assert!(
        normal.iter().all(|&s| (1_000..16_000).contains(&s)),
        "{normal:?}"
    );
    let small = normal.iter().filter(|&&s| s < 4_000).count();
    let big = normal.iter().filter(|&&s| s > 8_000).count();
    assert!(
        small > 30 && big > 30,
        "spread: {small} under 4 KB, {big} over 8 KB"
    );

    // Year folders.
    for year in 2010..=2025 {
        assert!(dir.path().join(year.to_string()).is_dir(), "{year}/");
    }
}

#[test]
fn at_least_one_large_file_from_100_files() {
    let dir = tempfile::tempdir().unwrap();
    let stats = generate(dir.path(), 100, 12345);
    assert!(stats.large_files >= 1);
    let tree = read_tree(dir.path());
    assert!(notes(&tree).any(|(_, b)| b.len() > 150_000));
}

/// Relative link targets in a markdown text: `](target)`.
fn relative_links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("](") {
        rest = &rest[i + 2..];
        let Some(end) = rest.find(')') else { break };
        let target = &rest[..end];
        if !target.contains("://") && !target.starts_with('#') && !target.is_empty() {
            out.push(target.to_string());
        }
    }
    out
}

#[test]
fn cross_file_links_mostly_resolve() {
    let dir = tempfile::tempdir().unwrap();
    let stats = generate(dir.path(), 300, 21);
    let tree = read_tree(dir.path());
    let mut anchor_cache: BTreeMap<PathBuf, Vec<String>> = BTreeMap::new();
    let (mut total, mut files_ok, mut anchored, mut anchors_ok, mut parent) = (0, 0, 0, 0, 0);
    for (rel, bytes) in notes(&tree) {
        let text = String::from_utf8(bytes.clone()).unwrap();
        let here = dir.path().join(rel);
        let folder = here.parent().unwrap();
        for link in relative_links(&text) {
            total += 1;
            parent += usize::from(link.starts_with("../"));
            let (path, anchor) = match link.split_once('#') {
                Some((p, a)) => (p.to_string(), Some(a.to_string())),
                None => (link.clone(), None),
            };
            let target = folder.join(path.replace("%20", " "));
            if !target.is_file() {
                continue;
            }
            files_ok += 1;
            if let Some(anchor) = anchor {
                anchored += 1;
                let found = anchor_cache
                    .entry(target.clone())
                    .or_insert_with(|| anchors(&fs::read_to_string(&target).unwrap()));
                anchors_ok += usize::from(found.contains(&anchor));
            }
        }
    }
    assert!(total > 300, "{total} links");
    assert_eq!(total, stats.links, "links counted by the generator");
    assert!(parent > 100, "{parent} links into other year folders");
    let broken = total - files_ok + (anchored - anchors_ok);
    assert!(
        files_ok * 100 >= total * 95,
        "{files_ok}/{total} files exist"
    );
    assert!(
        anchors_ok * 100 >= anchored * 95,
        "{anchors_ok}/{anchored} anchors exist"
    );
    assert!(broken > 0, "some planted broken links");
    assert_eq!(
        broken, stats.planted["broken-link"],
        "every broken link is a planted one"
    );
}

#[test]
fn every_rule_gets_planted_mistakes_at_a_low_rate() {
    let dir = tempfile::tempdir().unwrap();
    let stats = generate(dir.path(), 400, 5);
    for rule in PLANTED {
        let n = stats.planted[rule.code()];
        assert!(n > 0, "no planted {}", rule.code());
        assert!(
            n < stats.talks / 5,
            "{} planted {n} times for {} talks",
            rule.code(),
            stats.talks
        );
    }
    assert!(stats.speakers > 100, "{} speakers", stats.speakers);
}

#[test]
fn notes_carry_the_references_the_server_indexes() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), 200, 9);
    let tree = read_tree(dir.path());
    let all: String = notes(&tree)
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .collect();
    for needle in [
        "Title: ",
        "---\ntitle: ",
        "# Keynote: ",
        "* **",
        " by ",
        "### Talk: [",
        "  • ",
        "Favorite Talks",
        "## Notes",
        "PEP ",
        "bpo-",
        "gh-",
        "Issue ",
        "`pip install ",
        "https://us.pycon.org/",
        "https://www.youtube.com/watch?v=",
        "../",
        "```python\n# ",
        "## Takeaways",
        "Lightning Talks, ",
    ] {
        assert!(all.contains(needle), "no {needle:?} anywhere");
    }
    let toml = fs::read_to_string(dir.path().join("talknotes.toml")).unwrap();
    assert!(toml.contains("pep_index = \"peps.json\""));
}
