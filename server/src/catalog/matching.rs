//! Loose matching between what notes write and what catalogs hold:
//! conference names (`Pycon 2017` is `PyCon US 2017`) and talk titles
//! (case, punctuation, a typo, a truncated title, a subtitle left out:
//! `an-in and Fan-out` is “Fan-in and Fan-out: The crucial components of
//! concurrency”).

use crate::extract::title_key;
use crate::similarity::damerau;

use super::CatalogConference;

/// How a title of the notes matched a catalog title.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MatchKind {
    /// The same words (case and punctuation aside), or the title before
    /// its subtitle.
    Exact,
    /// The first words of the catalog's title (three or more).
    Truncated,
    /// A typo or two away.
    Typo,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TalkMatch {
    /// Index into the conference's talks.
    pub talk: usize,
    pub kind: MatchKind,
    /// Matched the title before its subtitle (`Fan-in and Fan-out`).
    pub main_title: bool,
}

/// Strips what catalogs add around a title: a `Keynote:` / `Keynote -`
/// label and a trailing ` - Speaker Name`. Returns the title and whether
/// it was a keynote.
pub fn clean_catalog_title(title: &str, speakers: &[String]) -> (String, bool) {
    let mut t = title.trim();
    let mut keynote = false;
    let lower = t.to_lowercase();
    if lower.starts_with("keynote") {
        let rest = t["keynote".len()..].trim_start();
        if let Some(r) = rest
            .strip_prefix(':')
            .or_else(|| rest.strip_prefix('-'))
            .or_else(|| rest.strip_prefix('–'))
        {
            keynote = true;
            t = r.trim();
        }
    }
    for s in speakers {
        for sep in [" - ", " – ", " -- ", ", "] {
            let suffix = format!("{sep}{s}");
            if t.len() > suffix.len() && t.to_lowercase().ends_with(&suffix.to_lowercase()) {
                t = t[..t.len() - suffix.len()].trim_end();
            }
        }
    }
    (t.to_string(), keynote)
}

/// The title before its subtitle: `Fan-in and Fan-out` of `Fan-in and
/// Fan-out: The crucial components of concurrency`.
pub fn main_title(title: &str) -> Option<&str> {
    [": ", " - ", " -- ", " – ", " — "]
        .iter()
        .filter_map(|sep| title.find(sep))
        .min()
        .map(|i| title[..i].trim())
        .filter(|m| !m.is_empty())
}

/// `PyCon US 2017` → (`PyCon US`, 2017).
pub fn split_conference_title(title: &str) -> (String, Option<u16>) {
    let mut year = None;
    let mut words = Vec::new();
    for w in title.split_whitespace() {
        let digits = w.trim_matches(|c: char| !c.is_ascii_digit());
        match digits.parse::<u16>() {
            Ok(y) if digits.len() == 4 && (1990..=2099).contains(&y) && year.is_none() => {
                year = Some(y)
            }
            _ => words.push(w),
        }
    }
    (words.join(" "), year)
}

fn name_words(name: &str) -> Vec<String> {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_lowercase)
        .collect()
}

/// `Pycon` matches `PyCon US`; `PyCon US` matches `PyCon US`; `EuroPython`
/// does not match `PyCon US`: the same first word, and one name's words
/// are all in the other.
pub fn conference_names_match(a: &str, b: &str) -> bool {
    let (a, b) = (name_words(a), name_words(b));
    if a.is_empty() || b.is_empty() || a[0] != b[0] {
        return false;
    }
    a.iter().all(|w| b.contains(w)) || b.iter().all(|w| a.contains(w))
}

/// Labels people put before a title: `Bonus: …`, `Talk: …`.
const LABELS: &[&str] = &["bonus", "talk", "keynote", "tutorial", "workshop", "panel"];

/// The keys a title of the notes is looked up by: the whole title, and
/// without a leading label.
pub fn note_keys(title: &str) -> Vec<String> {
    let key = title_key(title);
    let mut keys = vec![key.clone()];
    if let Some((first, rest)) = key.split_once(' ') {
        if LABELS.contains(&first) && title.contains(':') && rest.contains(' ') {
            keys.push(rest.to_string());
        }
    }
    keys.retain(|k| !k.is_empty());
    keys
}

/// How many typos a title of `len` characters may hold and still match.
fn typo_budget(len: usize) -> usize {
    match len {
        0..=9 => 0,
        10..=24 => 1,
        _ => 2,
    }
}

/// Is `a` plausibly the same person as `b`: equal ignoring case, a typo
/// or two apart, or the same last name.
pub fn same_person(a: &str, b: &str) -> bool {
    let (la, lb) = (a.to_lowercase(), b.to_lowercase());
    if la == lb || damerau(&la, &lb, 2).is_some() {
        return true;
    }
    let last = |s: &str| s.split_whitespace().last().map(str::to_string);
    last(&la).is_some() && last(&la) == last(&lb)
}

/// Finds the catalog talk of a title of the notes. Exact matches win over
/// truncated ones, which win over typos; a non-exact match whose speakers
/// share no one with the note's is refused.
pub fn find_talk(conf: &CatalogConference, title: &str, speakers: &[&str]) -> Option<TalkMatch> {
    let keys = note_keys(title);
    if keys.is_empty() {
        return None;
    }
    let compatible = |i: usize| {
        let talk = &conf.talks[i];
        speakers.is_empty()
            || talk.people().next().is_none()
            || speakers
                .iter()
                .any(|s| talk.people().any(|c| same_person(s, c)))
    };
    // Exact: the whole title or the title before its subtitle.
    for key in &keys {
        let hits = conf.talks_with_key(key);
        if let Some(&i) = hits
            .iter()
            .find(|&&i| compatible(i))
            .or_else(|| hits.first())
        {
            return Some(TalkMatch {
                talk: i,
                kind: MatchKind::Exact,
                main_title: conf.talks[i].key != *key,
            });
        }
    }
    let mut best: Option<(MatchKind, usize, usize, bool)> = None; // kind, distance, talk, main
    let mut consider = |kind: MatchKind, d: usize, i: usize, main: bool| {
        if !compatible(i) {
            return;
        }
        if best.is_none_or(|(k, bd, _, _)| (kind, d) < (k, bd)) {
            best = Some((kind, d, i, main));
        }
    };
    for key in &keys {
        let words = key.split(' ').count();
        for (i, t) in conf.talks.iter().enumerate() {
            // A truncated title: the catalog's first words.
            if words >= 3
                && t.key.len() > key.len()
                && t.key.starts_with(key.as_str())
                && t.key.as_bytes()[key.len()] == b' '
            {
                consider(MatchKind::Truncated, 0, i, false);
                continue;
            }
            // A typo, in the whole title or the title before its subtitle.
            for (candidate, main) in [(Some(&t.key), false), (t.main_key.as_ref(), true)] {
                let Some(c) = candidate else { continue };
                let budget = typo_budget(key.len().min(c.len()));
                if budget == 0 || key.len().abs_diff(c.len()) > budget {
                    continue;
                }
                if let Some(d) = damerau(key, c, budget) {
                    consider(MatchKind::Typo, d, i, main);
                }
            }
            // A typo in a truncated title (four words or more).
            if words >= 4 {
                let prefix: Vec<&str> = t.key.split(' ').take(words).collect();
                if prefix.len() == words && t.key.split(' ').count() > words {
                    let prefix = prefix.join(" ");
                    let budget = typo_budget(key.len().min(prefix.len()));
                    if budget > 0 && key.len().abs_diff(prefix.len()) <= budget {
                        if let Some(d) = damerau(key, &prefix, budget) {
                            consider(MatchKind::Typo, d, i, false);
                        }
                    }
                }
            }
        }
    }
    best.map(|(kind, _, talk, main_title)| TalkMatch {
        talk,
        kind,
        main_title,
    })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::catalog::CatalogTalk;

    fn conf(talks: &[(&str, &[&str])]) -> CatalogConference {
        let talks = talks
            .iter()
            .map(|(t, s)| {
                CatalogTalk::new(
                    t.to_string(),
                    s.iter().map(|s| s.to_string()).collect(),
                    PathBuf::from("x.json"),
                )
            })
            .collect();
        CatalogConference::new("PyCon US 2014".into(), None, PathBuf::from("c"), talks)
    }

    fn find(c: &CatalogConference, title: &str, speakers: &[&str]) -> Option<(String, MatchKind)> {
        find_talk(c, title, speakers).map(|m| (c.talks[m.talk].title.clone(), m.kind))
    }

    #[test]
    fn titles_match_loosely() {
        let c = conf(&[
            (
                "Fan-in and Fan-out: The crucial components of concurrency",
                &["Brett Slatkin"],
            ),
            (
                "All Your Ducks In A Row: Data Structures in the Standard Library and Beyond",
                &["Brandon Rhodes"],
            ),
            ("The Dictionary Even Mightier", &["Brandon Rhodes"]),
            ("Keynote: Kubernetes for Pythonistas", &["Kelsey Hightower"]),
            (
                "Modern Python Dictionaries -- A confluence of a dozen great ideas",
                &["Raymond Hettinger"],
            ),
            (
                "Python packaging simplified, for end users, app developers",
                &["Asheesh Laroia"],
            ),
            (
                "Cache me if you can: memcached, caching patterns and best practices",
                &["Guillaume Ardaud"],
            ),
        ]);
        let fan = "Fan-in and Fan-out: The crucial components of concurrency".to_string();
        assert_eq!(
            find(&c, "an-in and Fan-out", &[]),
            Some((fan.clone(), MatchKind::Typo))
        );
        assert_eq!(
            find(&c, "Fan-in and Fan-out", &[]),
            Some((fan, MatchKind::Exact))
        );
        assert_eq!(
            find(
                &c,
                "All Your Ducks In A Row: Data Structures",
                &["Brandon Rhodes"]
            )
            .map(|m| m.1),
            Some(MatchKind::Truncated)
        );
        assert_eq!(
            find(&c, "The Dictionary Even Mighter", &["Brandon Rhodes"]).map(|m| m.1),
            Some(MatchKind::Typo)
        );
        assert_eq!(
            find(&c, "Kubernetes For Pythonistas", &[]).map(|m| m.1),
            Some(MatchKind::Exact)
        );
        assert_eq!(
            find(
                &c,
                "Bonus: Modern Python Dictionaries A confluence of a Dozen Great Ideas",
                &[]
            )
            .map(|m| m.1),
            Some(MatchKind::Exact)
        );
        assert_eq!(
            find(&c, "Cache me if you can", &[]).map(|m| m.1),
            Some(MatchKind::Exact)
        );
        // Two words are too few to call a title truncated.
        assert_eq!(find(&c, "Python Packaging", &[]), None);
        // A typo match whose speakers differ is another talk.
        assert_eq!(
            find(&c, "The Dictionary Even Mighter", &["Ada Example"]),
            None
        );
        assert_eq!(find(&c, "Effective Code Review", &[]), None);
    }

    #[test]
    fn catalog_titles_are_cleaned() {
        let s = vec!["Jessica McKellar".to_string()];
        assert_eq!(
            clean_catalog_title(
                "Keynote: Python, the next generation - Jessica McKellar",
                &s
            ),
            ("Python, the next generation".to_string(), true)
        );
        assert_eq!(
            clean_catalog_title("Keynote - Jessica McKellar", &s),
            ("Jessica McKellar".to_string(), true)
        );
        assert_eq!(main_title("Grok the GIL: Write Fast"), Some("Grok the GIL"));
    }

    #[test]
    fn conference_names() {
        assert!(conference_names_match("Pycon", "PyCon US"));
        assert!(conference_names_match("PyCon US", "PyCon US"));
        assert!(!conference_names_match("EuroPython", "PyCon US"));
        assert!(!conference_names_match("PyCon Africa", "PyCon US"));
        assert_eq!(
            split_conference_title("PyCon US 2017"),
            ("PyCon US".to_string(), Some(2017))
        );
    }
}
