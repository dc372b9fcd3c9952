//! Which files are about the same conference.
//!
//! Files name their conference in their own words (`Pycon 2017`, `PyCon US
//! 2017`). Two files are about the same conference when their names are the
//! same words (case and punctuation aside) and their years are equal; a name
//! without a region (`PyCon 2017`) is the same conference as the one name
//! with a region that year (`PyCon US 2017`) when the workspace has exactly
//! one such (with `PyCon US 2017` and `PyCon UK 2017` both present,
//! `PyCon 2017` stays apart). A file whose conference is only a year (from
//! its file name, `2019-notes.md`) is not merged with a named conference of
//! that year: nothing says it is that one.

use std::collections::{BTreeMap, HashMap};

/// A file's conference as the file names it.
#[derive(Clone, Debug)]
pub struct Named<'a> {
    pub name: &'a str,
    pub year: Option<u16>,
}

/// One conference: which of the input files are about it, and what to call it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// A stable, readable id: `pycon-us-2018`, `2019`, `pycon`.
    pub id: String,
    /// The name to show: the most used spelling, the one with the region
    /// when a region-less name was merged into it. None for a bare year.
    pub name: Option<String>,
    pub year: Option<u16>,
    /// Indices into the input.
    pub members: Vec<usize>,
}

/// The words of a name, lower case, punctuation dropped: `PyCon US` →
/// `["pycon", "us"]`.
fn words(name: &str) -> Vec<String> {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// A conference's words and year.
type Key = (Vec<String>, Option<u16>);

/// Groups `named` into conferences; groups are ordered by year (undated
/// last), then name.
pub fn group(named: &[Named]) -> Vec<Group> {
    // Exact groups: same words, same year.
    let mut exact: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    for (i, n) in named.iter().enumerate() {
        exact.entry((words(n.name), n.year)).or_default().push(i);
    }
    // A region-less name joins the single longer name that starts with it.
    let keys: Vec<Key> = exact.keys().cloned().collect();
    let mut merged_into: HashMap<Key, Key> = HashMap::new();
    for (w, year) in &keys {
        if w.is_empty() {
            continue;
        }
        let longer: Vec<&Key> = keys
            .iter()
            .filter(|(w2, y2)| y2 == year && w2.len() == w.len() + 1 && w2.starts_with(w))
            .collect();
        if let [only] = longer[..] {
            merged_into.insert((w.clone(), *year), only.clone());
        }
    }
    let mut groups: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    for (key, members) in exact {
        let target = merged_into.get(&key).cloned().unwrap_or(key);
        groups.entry(target).or_default().extend(members);
    }

    let mut out: Vec<Group> = groups
        .into_iter()
        .map(|((w, year), mut members)| {
            members.sort_unstable();
            let name = display_name(named, &members, w.len());
            Group {
                id: String::new(),
                name,
                year,
                members,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (a.year.is_none(), a.year, &a.name).cmp(&(b.year.is_none(), b.year, &b.name))
    });
    // Ids: the slug of name and year, made unique.
    let mut used: HashMap<String, usize> = HashMap::new();
    for g in &mut out {
        let mut base = g
            .name
            .as_deref()
            .map(|n| words(n).join("-"))
            .unwrap_or_default();
        if let Some(y) = g.year {
            if !base.is_empty() {
                base.push('-');
            }
            base.push_str(&y.to_string());
        }
        if base.is_empty() {
            base = "conference".into();
        }
        let n = used.entry(base.clone()).or_insert(0);
        *n += 1;
        g.id = if *n == 1 { base } else { format!("{base}-{n}") };
    }
    out
}

/// The spelling most members use among those with `len` words (the full
/// name, not a merged region-less one); ties go to the spelling with more
/// capitals (`PyCon` over `Pycon`), then the first in order.
fn display_name(named: &[Named], members: &[usize], len: usize) -> Option<String> {
    if len == 0 {
        return None;
    }
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for &i in members {
        let n = named[i].name.trim();
        if words(n).len() != len {
            continue;
        }
        match counts.iter_mut().find(|(s, _)| *s == n) {
            Some((_, c)) => *c += 1,
            None => counts.push((n, 1)),
        }
    }
    let capitals = |s: &str| s.chars().filter(|c| c.is_uppercase()).count();
    counts
        .iter()
        .enumerate()
        .max_by(|(ia, (a, ca)), (ib, (b, cb))| {
            (ca, capitals(a), std::cmp::Reverse(ia)).cmp(&(cb, capitals(b), std::cmp::Reverse(ib)))
        })
        .map(|(_, (s, _))| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(name: &str, year: Option<u16>) -> Named<'_> {
        Named { name, year }
    }

    fn summary(groups: &[Group]) -> Vec<(String, Option<String>, Vec<usize>)> {
        groups
            .iter()
            .map(|g| (g.id.clone(), g.name.clone(), g.members.clone()))
            .collect()
    }

    #[test]
    fn a_name_without_its_region_joins_the_one_regional_name_of_its_year() {
        let named = [
            n("Pycon", Some(2017)),
            n("PyCon US", Some(2017)),
            n("PyCon US", Some(2018)),
            n("PyCon", Some(2014)),
            n("", Some(2019)),
            n("PyCon US", Some(2019)),
        ];
        assert_eq!(
            summary(&group(&named)),
            vec![
                ("pycon-2014".into(), Some("PyCon".into()), vec![3]),
                ("pycon-us-2017".into(), Some("PyCon US".into()), vec![0, 1]),
                ("pycon-us-2018".into(), Some("PyCon US".into()), vec![2]),
                // A bare year is not guessed to be the named conference.
                ("2019".into(), None, vec![4]),
                ("pycon-us-2019".into(), Some("PyCon US".into()), vec![5]),
            ]
        );
    }

    #[test]
    fn two_regions_leave_the_bare_name_apart() {
        let named = [
            n("PyCon", Some(2017)),
            n("PyCon US", Some(2017)),
            n("PyCon UK", Some(2017)),
        ];
        let g = group(&named);
        assert_eq!(g.len(), 3, "{g:?}");
    }

    #[test]
    fn spelling_and_ids() {
        let named = [
            n("Pycon", Some(2017)),
            n("PyCon", Some(2017)),
            n("Pycon", Some(2017)),
            n("EuroPython", None),
            n("Euro Python", None),
        ];
        let g = group(&named);
        assert_eq!(
            g[0].name.as_deref(),
            Some("Pycon"),
            "the most used spelling"
        );
        assert_eq!(g[0].id, "pycon-2017");
        // Different words are different conferences.
        assert_eq!(g[1].id, "euro-python");
        assert_eq!(g[2].id, "europython");
        let g = group(&[n("Pycon", Some(2016)), n("PyCon", Some(2016))]);
        assert_eq!(
            g[0].name.as_deref(),
            Some("PyCon"),
            "a tie goes to capitals"
        );
    }
}
