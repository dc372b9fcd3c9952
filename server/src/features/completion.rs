//! Completion: speakers in a speaker position, libraries in code and after
//! `pip install` / `import` / `from` (and in prose once two letters are
//! typed), PEPs after `PEP ` / `pep-`, note paths and `#anchors` inside
//! `](`, and talk titles inside `[`.
//!
//! The context is read from the text of the line before the cursor, not
//! from the model: a line being typed (`# Another Talk (Ad`) is not a talk
//! yet.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;
use url::Url;

use super::hover::Subject;
use super::{line_at, touches};
use crate::analysis::{normalize_dist_name, Snapshot};
use crate::extract::title_key;
use crate::fuzzy::{search, Query};
use crate::index::NoteFile;
use crate::linkpath::RelativeFrom;
use crate::model::TextRange;
use crate::rules::links::normalize;

/// At most this many items; more make the list incomplete.
pub const LIMIT: usize = 50;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ItemKind {
    Speaker,
    Library,
    Pep,
    File,
    Anchor,
    Talk,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub label: String,
    pub kind: ItemKind,
    pub detail: Option<String>,
    pub documentation: Option<String>,
    /// The text the item replaces (what was typed), and what it inserts.
    pub range: TextRange,
    pub new_text: String,
    pub filter_text: Option<String>,
    /// Items sort in the order they are returned.
    pub sort_text: String,
    /// What `completionItem/resolve` describes.
    pub subject: Option<Subject>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completions {
    pub items: Vec<Item>,
    /// More would match: the client should ask again as typing goes on.
    pub is_incomplete: bool,
}

pub fn complete(snapshot: &Snapshot, url: &Url, offset: usize) -> Completions {
    let Some(file) = snapshot.file(url) else {
        return Completions::default();
    };
    let text = file.text();
    let offset = offset.min(text.len());
    if !text.is_char_boundary(offset) {
        return Completions::default();
    }
    let line = line_at(&text, offset);
    let before = &text[line.start..offset];
    let in_fence = file.model.in_code(offset);
    let pep = pep_context(before, line.start);
    let mut out = if let Some((start, true)) = pep {
        // `pep-05` in a URL being typed.
        peps(snapshot, &text[start..offset], start..offset, true)
    } else if let Some(start) = link_destination_context(before, line.start) {
        link_destinations(snapshot, &file, start, offset)
    } else if let Some(start) = link_text_context(before, line.start).filter(|_| !in_fence) {
        talk_titles(snapshot, url, &text[start..offset], start..offset)
    } else if let Some((start, slug)) = pep {
        peps(snapshot, &text[start..offset], start..offset, slug)
    } else if let Some(start) = speaker_context(before, line.start).filter(|_| !in_fence) {
        speakers(snapshot, &file, &text[start..offset], start..offset, offset)
    } else if let Some((start, explicit)) = library_context(before, line.start) {
        if in_fence && !explicit {
            return Completions::default();
        }
        libraries(
            snapshot,
            &file,
            &text[start..offset],
            start..offset,
            explicit,
        )
    } else {
        Completions::default()
    };
    // No duplicates: the first of equal labels and kinds wins.
    let mut seen = HashSet::new();
    out.items.retain(|i| seen.insert((i.kind, i.label.clone())));
    for (n, item) in out.items.iter_mut().enumerate() {
        item.sort_text = format!("{n:04}");
    }
    out
}

// ---------------------------------------------------------------------------
// Contexts: where the typed text starts, read from the line before the cursor
// ---------------------------------------------------------------------------

/// Inside `[text](…`: the start of the destination typed so far.
fn link_destination_context(before: &str, base: usize) -> Option<usize> {
    let open = before.rfind("](")?;
    let typed = &before[open + 2..];
    if typed.contains([')', ' ', '\t']) {
        return None;
    }
    Some(base + open + 2)
}

/// Inside the `[` of a link being written: the start of its text.
fn link_text_context(before: &str, base: usize) -> Option<usize> {
    let open = before.rfind('[')?;
    let typed = &before[open + 1..];
    if typed.contains(']')
        || before[..open].ends_with('!')
        || typed.starts_with([' ', 'x', 'X']) && typed.len() <= 1
    {
        return None;
    }
    // `- [ ]` task boxes and footnotes (`[^1]`) are not links.
    if typed.starts_with('^') {
        return None;
    }
    Some(base + open + 1)
}

static PEP_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bpep(?P<sep> #?|-)(?P<typed>[\p{L}\p{N} ]*)$").unwrap());

/// After `PEP ` (numbers or words of a title) or `pep-` (a number).
fn pep_context(before: &str, base: usize) -> Option<(usize, bool)> {
    let c = PEP_BEFORE.captures(before)?;
    let typed = c.name("typed")?;
    let slug = &c["sep"] == "-";
    if slug && !typed.as_str().chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    // `PEP 8 style`: a number then words is prose, not a search.
    let t = typed.as_str();
    if t.chars().next().is_some_and(|c| c.is_ascii_digit())
        && !t.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    if t.chars().filter(|c| *c == ' ').count() > 4 {
        return None;
    }
    Some((base + typed.start(), slug))
}

/// Where a speaker's name goes on a talk line: after ` - `, ` – `, ` — `,
/// ` by `, `, `, inside the closing `(…)`, after `Keynote: `, and after
/// ` and ` / ` & ` between speakers. The start of the name typed so far.
fn speaker_context(before: &str, base: usize) -> Option<usize> {
    let body_start = before.len()
        - before
            .trim_start_matches(|c: char| {
                c.is_whitespace() || matches!(c, '#' | '*' | '-' | '+' | '•' | '>')
            })
            .len();
    let body = &before[body_start..];
    let mut best: Option<usize> = None;
    let mut consider = |at: Option<usize>| {
        if let Some(a) = at {
            if best.is_none_or(|b| a > b) {
                best = Some(a);
            }
        }
    };
    // Separators after a title (something before them).
    for sep in [" - ", " – ", " — ", " by ", ", "] {
        consider(
            body.rfind(sep)
                .filter(|&i| body[..i].chars().any(char::is_alphanumeric))
                .map(|i| i + sep.len()),
        );
    }
    if let Some(open) = body.rfind('(') {
        if !body[open..].contains(')') && body[..open].chars().any(char::is_alphanumeric) {
            consider(Some(open + 1));
            for sep in [" and ", " & ", ", "] {
                consider(body[open..].rfind(sep).map(|i| open + i + sep.len()));
            }
        }
    }
    for prefix in ["Keynote: ", "Keynote - ", "Keynote – ", "keynote: "] {
        if body.starts_with(prefix) {
            consider(Some(prefix.len()));
        }
    }
    let start = best?;
    let typed = &body[start..];
    let name_like = typed
        .chars()
        .all(|c| c.is_alphabetic() || matches!(c, ' ' | '.' | '-' | '\'' | '’'))
        && typed.split_whitespace().count() <= 5
        && !typed.starts_with(' ');
    let capital = typed.chars().next().is_none_or(char::is_uppercase);
    // Not inside a code span.
    let in_code_span = before.matches('`').count() % 2 == 1;
    (name_like && capital && !in_code_span).then_some(base + body_start + start)
}

static LIBRARY_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\bpip3?\s+install\s+(?:-U\s+|--upgrade\s+|--user\s+)*|(?:^|[\s`;])import\s+|(?:^|[\s`;])from\s+|\bpython[\d.]*\s+-m\s+)(?P<typed>[A-Za-z0-9_.\-]*)$").unwrap()
});

static WORD_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[\s(\[])(?P<typed>[A-Za-z][A-Za-z0-9_\-]+)$").unwrap());

/// A library name being typed: in a code span or after `pip install`,
/// `import`, `from`, `python -m` (explicit), or a plain word of two letters
/// or more. The start of the typed name, and whether the place is explicit.
fn library_context(before: &str, base: usize) -> Option<(usize, bool)> {
    if let Some(c) = LIBRARY_BEFORE.captures(before) {
        return Some((base + c.name("typed")?.start(), true));
    }
    let in_code_span = before.matches('`').count() % 2 == 1;
    if in_code_span {
        let open = before.rfind('`')? + 1;
        // After the last character that cannot be in a name (which may be
        // several bytes long).
        let typed_start = before[open..]
            .char_indices()
            .rev()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
            .map_or(open, |(i, c)| open + i + c.len_utf8());
        return Some((base + typed_start, true));
    }
    let c = WORD_BEFORE.captures(before)?;
    Some((base + c.name("typed")?.start(), false))
}

// ---------------------------------------------------------------------------
// Items
// ---------------------------------------------------------------------------

fn item(kind: ItemKind, label: String, range: TextRange) -> Item {
    Item {
        new_text: label.clone(),
        label,
        kind,
        detail: None,
        documentation: None,
        range,
        filter_text: None,
        sort_text: String::new(),
        subject: None,
    }
}

fn speakers(
    snapshot: &Snapshot,
    file: &NoteFile,
    typed: &str,
    range: TextRange,
    offset: usize,
) -> Completions {
    // The name being edited is not a suggestion for itself.
    let editing: Option<&str> = file
        .model
        .talks
        .iter()
        .flat_map(|t| &t.speakers)
        .find(|s| touches(&s.range(), offset))
        .map(|s| &*s.name);
    let facts = &snapshot.facts;
    let extras = &snapshot.extras;
    let mut query = Query::new(typed);
    // (rank, from the workspace?, id): items are built for the best only.
    let mut ranked: Vec<(f64, bool, u32)> = Vec::new();
    let (found, mut cut) = candidates(&facts.speaker_list, &facts.speaker_words, &mut query);
    for (id, score) in found {
        let e = &facts.speaker_list[id as usize];
        let count = e.count - usize::from(editing == Some(e.name.as_str()));
        if count > 0 {
            ranked.push((rank(score, count, e.latest_year), true, id));
        }
    }
    let (found, more) = candidates(&extras.speakers, &extras.speaker_words, &mut query);
    cut |= more;
    // The speakers of this file's conference in the catalogs come next.
    let conference = snapshot
        .catalogs
        .conference_of(&file.model)
        .map(|m| snapshot.catalogs.conferences[m.index].title.as_str());
    for (id, score) in found {
        let e = &extras.speakers[id as usize];
        if !facts.speakers.contains_key(&e.name) {
            // The workspace's own speakers first.
            let here = conference.is_some_and(|c| e.detail.split(", ").any(|d| d == c));
            let bonus = if here { 500.0 } else { 0.0 };
            ranked.push((
                rank(score, e.count, e.latest_year) - 1000.0 + bonus,
                false,
                id,
            ));
        }
    }
    let more = best_first(&mut ranked);
    let items = ranked
        .into_iter()
        .map(|(_, own, id)| {
            let (name, detail) = if own {
                let e = &facts.speaker_list[id as usize];
                (&e.name, e.conferences.join(", "))
            } else {
                let e = &extras.speakers[id as usize];
                (&e.name, e.detail.clone())
            };
            let mut it = item(ItemKind::Speaker, name.clone(), range.clone());
            it.detail = Some(detail);
            it.filter_text = Some(name.clone());
            it.subject = Some(Subject::Speaker { name: name.clone() });
            it
        })
        .collect();
    Completions {
        items,
        is_incomplete: cut || more,
    }
}

/// The entries matching `query`, with their scores; every entry (score 0)
/// when nothing is typed yet, so that ranking picks the most frequent.
fn candidates<T: crate::fuzzy::Searchable>(
    entries: &[T],
    words: &crate::fuzzy::WordIndex,
    query: &mut Query,
) -> (Vec<(u32, u32)>, bool) {
    if query.is_empty {
        return ((0..entries.len() as u32).map(|i| (i, 0)).collect(), false);
    }
    search(entries, words, query, LIMIT * 4)
}

/// Keeps the best [`LIMIT`] by rank (ties by id), sorted; true when more
/// were left out.
fn best_first<K: Copy + Ord>(ranked: &mut Vec<(f64, bool, K)>) -> bool {
    let order =
        |a: &(f64, bool, K), b: &(f64, bool, K)| b.0.total_cmp(&a.0).then_with(|| a.2.cmp(&b.2));
    let more = ranked.len() > LIMIT;
    if more {
        ranked.select_nth_unstable_by(LIMIT, order);
        ranked.truncate(LIMIT);
    }
    ranked.sort_by(order);
    more
}

/// Match quality first, then how often and how recently a name appears.
fn rank(score: u32, count: usize, year: Option<u16>) -> f64 {
    let recency = year.map_or(0.0, |y| f64::from(y.saturating_sub(1990).min(60)) * 0.5);
    f64::from(score) + 8.0 * (count as f64).ln_1p() + recency
}

fn finish(mut ranked: Vec<(f64, Item)>, cut: bool) -> Completions {
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.label.cmp(&b.1.label)));
    let more = ranked.len() > LIMIT;
    ranked.truncate(LIMIT);
    Completions {
        items: ranked.into_iter().map(|(_, i)| i).collect(),
        is_incomplete: cut || more,
    }
}

fn libraries(
    snapshot: &Snapshot,
    file: &NoteFile,
    typed: &str,
    range: TextRange,
    explicit: bool,
) -> Completions {
    if !explicit && typed.chars().count() < 2 {
        return Completions::default();
    }
    // A plain word completes only to names it starts (prose is full of words).
    let folded = crate::fuzzy::fold(typed);
    let accept = |name: &str| explicit || crate::fuzzy::fold(name).starts_with(&folded);
    let facts = &snapshot.facts;
    let extras = &snapshot.extras;
    let mut query = Query::new(typed);
    let mut ranked: Vec<(f64, Item)> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let (found, mut cut) = candidates(&facts.library_list, &facts.library_words, &mut query);
    // The word being typed is itself a mention once it is in a code span.
    let typing_key = file
        .model
        .libraries
        .iter()
        .find(|l| l.range() == range)
        .map(|l| l.name.to_lowercase());
    for (id, score) in found {
        let e = &facts.library_list[id as usize];
        let count = e.count - usize::from(typing_key.as_deref() == Some(&e.name.to_lowercase()));
        if count == 0 || !accept(&e.name) {
            continue;
        }
        let mut it = item(ItemKind::Library, e.name.clone(), range.clone());
        it.detail = Some(format!(
            "mentioned {count} time{} in the notes",
            if count == 1 { "" } else { "s" }
        ));
        it.subject = Some(Subject::Library {
            name: e.name.clone(),
        });
        by_key.insert(normalize_dist_name(&e.name), ranked.len());
        ranked.push((rank(score, count, None) + 50.0, it));
    }
    let (found, more) = candidates(
        &extras.distributions,
        &extras.distribution_words,
        &mut query,
    );
    cut |= more;
    for (id, score) in found {
        let d = &extras.distributions[id as usize];
        if !accept(&d.name) {
            continue;
        }
        let installed = format!("installed {}", d.version);
        if let Some(&i) = by_key.get(&normalize_dist_name(&d.name)) {
            let it = &mut ranked[i].1;
            it.detail = Some(format!(
                "{} · {installed}",
                it.detail.as_deref().unwrap_or("")
            ));
            if !d.summary.is_empty() {
                it.documentation = Some(d.summary.clone());
            }
            continue;
        }
        let mut it = item(ItemKind::Library, d.name.clone(), range.clone());
        it.detail = Some(if d.summary.is_empty() {
            installed
        } else {
            format!("{} ({installed})", d.summary)
        });
        it.documentation = (!d.summary.is_empty()).then(|| d.summary.clone());
        it.subject = Some(Subject::Library {
            name: d.name.clone(),
        });
        ranked.push((rank(score, 0, None), it));
    }
    // Popular PyPI projects (downloaded by `catalog update`), most
    // downloaded first, below what the notes and the machine know.
    let popular = crate::catalog::features::complete_libraries(snapshot, typed, LIMIT + 1);
    cut |= popular.len() > LIMIT;
    for (n, name) in popular.into_iter().take(LIMIT).enumerate() {
        if by_key.contains_key(&normalize_dist_name(&name))
            || extras.distribution(&name).is_some()
            || !accept(&name)
        {
            continue;
        }
        let mut it = item(ItemKind::Library, name.clone(), range.clone());
        it.detail = Some("popular on PyPI".into());
        it.subject = Some(Subject::Library { name });
        ranked.push((-1.0 - n as f64, it));
    }
    finish(ranked, cut)
}

fn peps(snapshot: &Snapshot, typed: &str, range: TextRange, slug: bool) -> Completions {
    let mut out = Vec::new();
    let format_number = |n: u32| {
        if slug {
            format!("{n:04}")
        } else {
            n.to_string()
        }
    };
    let words: Vec<String> = crate::fuzzy::words(typed).collect();
    let by_number = words.is_empty() || typed.chars().all(|c| c.is_ascii_digit());
    let mut numbers: Vec<(u32, Option<&crate::pep_index::Pep>)> = match &snapshot.peps {
        Some(index) => index.iter().map(|p| (p.number, Some(p))).collect(),
        None => snapshot.facts.peps.keys().map(|n| (*n, None)).collect(),
    };
    numbers.sort_by_key(|(n, _)| *n);
    for (n, pep) in numbers {
        if by_number {
            if !n.to_string().starts_with(typed) && !format!("{n:04}").starts_with(typed) {
                continue;
            }
        } else {
            // Every typed word starts a word of the title.
            let Some(p) = pep else { continue };
            let title: Vec<String> = crate::fuzzy::words(&p.title).collect();
            if !words
                .iter()
                .all(|w| title.iter().any(|t| t.starts_with(w.as_str())))
            {
                continue;
            }
        }
        let mut it = item(ItemKind::Pep, format_number(n), range.clone());
        it.detail = Some(match pep {
            Some(p) if p.status.is_empty() => p.title.clone(),
            Some(p) => format!("{} ({})", p.title, p.status),
            None => {
                let m = snapshot.facts.peps.get(&n).map_or(0, Vec::len);
                format!(
                    "mentioned {m} time{} in the notes",
                    if m == 1 { "" } else { "s" }
                )
            }
        });
        // A search by words keeps the typed words as what the client filters on.
        it.filter_text = Some(if by_number {
            it.label.clone()
        } else {
            typed.to_string()
        });
        it.subject = Some(Subject::Pep { number: n });
        out.push(it);
    }
    let more = out.len() > LIMIT;
    out.truncate(LIMIT);
    Completions {
        items: out,
        // Word searches are redone as the words grow.
        is_incomplete: more || !by_number,
    }
}

fn talk_titles(snapshot: &Snapshot, url: &Url, typed: &str, range: TextRange) -> Completions {
    let facts = &snapshot.facts;
    let mut query = Query::new(typed);
    let (found, cut) = search(&facts.talk_list, &facts.talk_words, &mut query, LIMIT * 4);
    let mut seen = HashSet::new();
    let mut ranked = Vec::new();
    for (id, score) in found {
        let e = &facts.talk_list[id as usize];
        let key = title_key(&e.title);
        if !seen.insert(key.clone()) {
            continue;
        }
        let mut it = item(ItemKind::Talk, e.title.to_string(), range.clone());
        let conference = facts.conferences.get(&e.url).map_or("", |c| &*c.label);
        let speakers = snapshot
            .file(&e.url)
            .and_then(|f| {
                let talk = f.model.talks.get(e.talk)?;
                Some(
                    talk.speakers
                        .iter()
                        .map(|s| &*s.name)
                        .collect::<Vec<_>>()
                        .join(" and "),
                )
            })
            .unwrap_or_default();
        it.detail = Some(if speakers.is_empty() {
            conference.to_string()
        } else {
            format!("{speakers} · {conference}")
        });
        it.subject = Some(Subject::Talk { keys: vec![key] });
        ranked.push((f64::from(score), it));
    }
    // Then the talks of the file's conference in the catalogs (all catalogs
    // when the file has none), below the notes' own.
    let catalog = crate::catalog::features::complete_talks(snapshot, url, typed);
    let more = catalog.len() > LIMIT;
    for (n, t) in catalog.into_iter().take(LIMIT).enumerate() {
        let key = title_key(&t.title);
        if !seen.insert(key) {
            continue;
        }
        let mut it = item(ItemKind::Talk, t.title, range.clone());
        let mut detail = t.speakers.join(", ");
        if !detail.is_empty() {
            detail.push_str(" · ");
        }
        detail.push_str(&t.conference);
        it.detail = Some(format!("{detail} (catalog)"));
        ranked.push((-1.0 - n as f64, it));
    }
    finish(ranked, cut || more)
}

/// Inside `](`: other notes by relative path, or after `#` the anchors of
/// the headings of the note before it (this note when the path is empty).
fn link_destinations(
    snapshot: &Snapshot,
    file: &NoteFile,
    start: usize,
    offset: usize,
) -> Completions {
    let typed = &file.text()[start..offset];
    let dir = file.path.as_deref().and_then(Path::parent);
    let mut ranked: Vec<(f64, Item)> = Vec::new();
    let add_anchors = |target: &NoteFile,
                       typed: &str,
                       range: TextRange,
                       prefix: &str,
                       ranked: &mut Vec<(f64, Item)>| {
        let mut query = Query::new(typed);
        for h in &target.model.headings {
            let Some(score) = query.score(h.anchor(), crate::fuzzy::char_mask(h.anchor())) else {
                continue;
            };
            let mut it = item(
                ItemKind::Anchor,
                format!("{prefix}{}", h.anchor()),
                range.clone(),
            );
            it.detail = Some(h.text().to_string());
            ranked.push((f64::from(score) - h.range().start as f64 * 1e-9, it));
        }
    };
    if let Some(hash) = typed.find('#') {
        let path = &typed[..hash];
        let target = if path.is_empty() {
            snapshot.file(&file.url)
        } else {
            let dir = match dir {
                Some(d) => d,
                None => return Completions::default(),
            };
            let resolved = normalize(&dir.join(crate::index::percent_decode(path)));
            snapshot
                .facts
                .paths
                .get(&resolved)
                .and_then(|u| snapshot.file(u))
        };
        let Some(target) = target else {
            return Completions::default();
        };
        add_anchors(
            &target,
            &typed[hash + 1..],
            start + hash + 1..offset,
            "",
            &mut ranked,
        );
        return finish(ranked, false);
    }
    let Some(dir) = dir else {
        return Completions::default();
    };
    let mut query = Query::new(typed);
    let mut paths: Vec<(&PathBuf, &Url)> = snapshot
        .facts
        .paths
        .iter()
        .map(|(p, u)| (p, &**u))
        .collect();
    paths.sort();
    let from_dir = RelativeFrom::new(dir);
    for (path, url) in paths {
        if *url == *file.url {
            continue;
        }
        // None: no shared root (another drive), no relative link to write.
        let Some(rel) = from_dir.to(path) else {
            continue;
        };
        let Some(score) = query.score(&rel, crate::fuzzy::char_mask(&rel)) else {
            continue;
        };
        let mut it = item(ItemKind::File, rel.clone(), start..offset);
        it.new_text = rel.replace('%', "%25").replace(' ', "%20");
        it.filter_text = Some(rel.clone());
        it.detail = snapshot
            .facts
            .conferences
            .get(url)
            .map(|c| c.label.to_string());
        // Nearer notes first.
        let depth = rel.matches('/').count() as f64;
        ranked.push((f64::from(score) - depth, it));
    }
    if typed.is_empty() {
        add_anchors(file, "", start..offset, "#", &mut ranked);
    }
    finish(ranked, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::fixture::Fixture;

    fn labels(fixture: &str) -> Vec<String> {
        complete_fixture(fixture)
            .items
            .into_iter()
            .map(|i| i.label)
            .collect()
    }

    fn complete_fixture(fixture: &str) -> Completions {
        let f = Fixture::parse(fixture);
        let s = f.snapshot_with_peps();
        let (url, offset) = f.cursor();
        complete(&s, &url, offset)
    }

    /// Every offset of lines full of multi-byte characters, brackets and
    /// separators (the stress test found a char-boundary slice here).
    #[test]
    fn never_panics_at_any_offset() {
        let texts = [
            "\u{e9}T1)`c)\u{1f40d}odTalTalear-( opp\n\n\nPk-ote`",
            "# T (\u{e9}\u{1f40d} - Ad `x\u{1f40d}` PEP \u{1f40d} [\u{1f40d}](\u{1f40d}#\u{e9}",
            "\u{1f40d}, \u{e9}\u{e9} \u{2013} \u{1f40d}(\u{1f40d} pip install \u{1f40d}\u{e9} import \u{e9}",
        ];
        for text in texts {
            let fx = format!("//- /a.md\n{text}\n//- /b.md\n# Talk (Ada Example)\n- `trio`\n");
            let f = Fixture::parse(&fx);
            let s = f.snapshot_with_peps();
            let url = f.files[0].url.clone();
            for offset in 0..=text.len() + 2 {
                let _ = complete(&s, &url, offset);
            }
        }
    }

    #[test]
    fn contexts() {
        assert_eq!(speaker_context("# Another Talk (Ad", 0), Some(16));
        assert_eq!(
            speaker_context("## Designing Poetic APIs – Er", 0),
            Some(29)
        );
        assert_eq!(speaker_context("* **Grok the GIL - ", 0), Some(19));
        assert_eq!(speaker_context("# Keynote: Da", 0), Some(11));
        assert_eq!(speaker_context("All Your Ducks, Bra", 0), Some(16));
        assert_eq!(speaker_context("# Talk (Ada Example and Bo", 0), Some(24));
        assert_eq!(speaker_context("- Insight: a cache - such as", 0), None);
        assert_eq!(speaker_context("# Talk (see `x", 0), None);
        assert_eq!(speaker_context("(Ad", 0), None);
        assert_eq!(pep_context("see PEP 50", 0), Some((8, false)));
        assert_eq!(pep_context("see pep-05", 0), Some((8, true)));
        assert_eq!(pep_context("see PEP async", 0), Some((8, false)));
        assert_eq!(pep_context("PEP 8 style", 0), None);
        assert_eq!(library_context("run pip install pe", 0), Some((16, true)));
        assert_eq!(library_context("use `sym", 0), Some((5, true)));
        assert_eq!(library_context("use `collections.Ord", 0), Some((5, true)));
        assert_eq!(library_context("I like tr", 0), Some((7, false)));
        assert_eq!(library_context("I like t", 0), None);
        assert_eq!(link_destination_context("see [x](../no", 0), Some(8));
        assert_eq!(link_destination_context("see [x](a) and", 0), None);
        assert_eq!(link_text_context("see [Grok", 0), Some(5));
        assert_eq!(link_text_context("see ![Grok", 0), None);
    }

    const WORKSPACE: &str = "\
//- /pycon-2017.md
# PyCon US 2017

# Packaging in 2030 (Ada Example)
- `sympy` and `trio`; pip install trio
- PEP 509 and PEP 484

# The Dictionary Even Mightier (Brandon Rhodes)
//- /pycon-2014.md
My notes from PyCon 2014.

All Your Ducks In A Row: Data Structures, Brandon Rhodes

  • uses `trio` too

Fan-in and Fan-out, Adam Englander

  • notes
";

    #[test]
    fn speakers_complete_across_conferences_with_where_they_spoke() {
        let c = complete_fixture(&format!("{WORKSPACE}//- /2018.md\n# Another Talk (Ad$0\n"));
        let names: Vec<(&str, Option<&str>)> = c
            .items
            .iter()
            .map(|i| (i.label.as_str(), i.detail.as_deref()))
            .collect();
        assert_eq!(
            names,
            vec![
                ("Ada Example", Some("PyCon US 2017")),
                ("Adam Englander", Some("PyCon 2014")),
            ]
        );
        let item = &c.items[0];
        assert_eq!(item.kind, ItemKind::Speaker);
        assert_eq!(item.new_text, "Ada Example");
        // The edit replaces what was typed: `Ad`.
        assert_eq!(item.range, 16..18);
        assert!(!c.is_incomplete);
        // Fuzzy, and ranked: Brandon Rhodes speaks twice.
        let c = labels(&format!(
            "{WORKSPACE}//- /2018.md\n## Another Talk – br$0\n"
        ));
        assert!(c.is_empty(), "lower case after a dash is prose: {c:?}");
        let c = complete_fixture(&format!(
            "{WORKSPACE}//- /2018.md\n## Another Talk – Rhod$0\n"
        ));
        assert_eq!(c.items[0].label, "Brandon Rhodes");
        assert_eq!(
            c.items[0].detail.as_deref(),
            Some("PyCon US 2017, PyCon 2014")
        );
    }

    #[test]
    fn nothing_typed_yet_offers_the_most_frequent_speakers_first() {
        let c = labels(&format!("{WORKSPACE}//- /2018.md\n# Another Talk ($0\n"));
        assert_eq!(c, vec!["Brandon Rhodes", "Ada Example", "Adam Englander"]);
    }

    #[test]
    fn the_name_being_edited_is_not_suggested_for_itself() {
        let c = labels(&format!(
            "{WORKSPACE}//- /2018.md\n# Another Talk (Ada Ex$0)\n"
        ));
        assert_eq!(c, vec!["Ada Example"]);
        let c = labels("# One (Zed Zulu$0)\n");
        assert!(c.is_empty(), "{c:?}");
    }

    #[test]
    fn libraries_complete_in_code_after_pip_install_and_as_words() {
        let c = complete_fixture(&format!(
            "{WORKSPACE}//- /2018.md\n# T (Ada Example)\n- try `tr$0\n"
        ));
        assert_eq!(c.items[0].label, "trio");
        assert_eq!(
            c.items[0].detail.as_deref(),
            Some("mentioned 3 times in the notes")
        );
        let c = labels(&format!(
            "{WORKSPACE}//- /2018.md\n# T (Ada Example)\n- pip install $0\n"
        ));
        assert_eq!(c, vec!["trio", "sympy"]);
        let c = labels(&format!(
            "{WORKSPACE}//- /2018.md\n# T (Ada Example)\n- I like sy$0\n"
        ));
        assert_eq!(c, vec!["sympy"]);
        // One letter of prose is not enough; `ri` does not start `trio`.
        assert!(labels(&format!(
            "{WORKSPACE}//- /2018.md\n# T (Ada Example)\n- I like s$0\n"
        ))
        .is_empty());
        assert!(labels(&format!(
            "{WORKSPACE}//- /2018.md\n# T (Ada Example)\n- I like ri$0\n"
        ))
        .is_empty());
    }

    #[test]
    fn peps_complete_by_number_and_by_title_words() {
        let c = complete_fixture(&format!(
            "{WORKSPACE}//- /2018.md\n# T (Ada Example)\n- see PEP 50$0\n"
        ));
        let got: Vec<(&str, Option<&str>)> = c
            .items
            .iter()
            .map(|i| (i.label.as_str(), i.detail.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("503", Some("Simple Repository API (Final)")),
                ("509", Some("Add a private version to dict (Superseded)")),
            ]
        );
        let c = complete_fixture(&format!(
            "{WORKSPACE}//- /2018.md\n# T (Ada Example)\n- see PEP async$0\n"
        ));
        let got: Vec<(&str, &str)> = c
            .items
            .iter()
            .map(|i| (i.label.as_str(), i.new_text.as_str()))
            .collect();
        // `async` starts `Asynchronous` too.
        assert_eq!(got, vec![("492", "492"), ("525", "525"), ("3156", "3156")]);
        assert!(c.is_incomplete);
        let c = complete_fixture(&format!(
            "{WORKSPACE}//- /2018.md\n# T (Ada Example)\n- [x](https://peps.python.org/pep-05$0\n"
        ));
        assert!(
            c.items.iter().any(|i| i.new_text == "0509"),
            "{:?}",
            c.items
        );
    }

    #[test]
    fn links_complete_paths_anchors_and_talk_titles() {
        let fixture =
            format!("{WORKSPACE}//- /drafts/2018.md\n# T (Ada Example)\n- see [notes](../py$0\n");
        let c = complete_fixture(&fixture);
        let got: Vec<(&str, Option<&str>)> = c
            .items
            .iter()
            .map(|i| (i.label.as_str(), i.detail.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("../pycon-2014.md", Some("PyCon 2014")),
                ("../pycon-2017.md", Some("PyCon US 2017"))
            ]
        );
        let c = complete_fixture(&format!("{WORKSPACE}//- /drafts/2018.md\n# T (Ada Example)\n- see [notes](../pycon-2017.md#dict$0\n"));
        let got: Vec<&str> = c.items.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(got, vec!["the-dictionary-even-mightier-brandon-rhodes"]);
        let c = complete_fixture(&format!(
            "{WORKSPACE}//- /drafts/2018.md\n# T (Ada Example)\n- see [Dictionary$0\n"
        ));
        let got: Vec<(&str, Option<&str>)> = c
            .items
            .iter()
            .map(|i| (i.label.as_str(), i.detail.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![(
                "The Dictionary Even Mightier",
                Some("Brandon Rhodes · PyCon US 2017")
            )]
        );
    }

    #[test]
    fn edits_replace_exactly_what_was_typed() {
        let f = Fixture::parse(&format!(
            "{WORKSPACE}//- /2018.md\n# Ünïcode Talk – Bränd$0\n"
        ));
        let s = f.snapshot();
        let (url, offset) = f.cursor();
        let c = complete(&s, &url, offset);
        let text = f.text(&url);
        assert_eq!(&text[c.items[0].range.clone()], "Bränd");
        assert_eq!(c.items[0].label, "Brandon Rhodes");
    }

    #[test]
    fn extra_speakers_from_catalogs_come_after_the_workspace() {
        let f = Fixture::parse(&format!("{WORKSPACE}//- /2018.md\n# Another Talk (Ad$0\n"));
        let extras = crate::analysis::Extras::new(
            vec![crate::analysis::ExtraSpeaker {
                name: "Adrienne Lowe".into(),
                detail: "PyCon US 2019 (catalog)".into(),
                count: 1,
                latest_year: Some(2019),
                mask: crate::fuzzy::char_mask("Adrienne Lowe"),
            }],
            Vec::new(),
        );
        let s = f.snapshot().with_extras(std::sync::Arc::new(extras));
        let (url, offset) = f.cursor();
        let got: Vec<String> = complete(&s, &url, offset)
            .items
            .into_iter()
            .map(|i| i.label)
            .collect();
        assert_eq!(got, vec!["Ada Example", "Adam Englander", "Adrienne Lowe"]);
    }
}
