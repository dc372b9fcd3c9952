//! The plan of a workspace: every file's path, year, conference, style and
//! talks, decided up front (single-threaded, from one seed) so that files can
//! then be rendered in any order, on any thread, and still link to each
//! other's headings correctly.

use std::collections::{HashMap, HashSet};

use crate::rng::{hash_str, Rng};
use crate::slug::{github_slug, heading_text};
use crate::vocab::*;

/// Random streams (see [`Rng::derive`]).
pub(crate) const STREAM_PLAN: u64 = 1;
pub(crate) const STREAM_NAMES: u64 = 2;
pub(crate) const STREAM_TITLES: u64 = 3;
pub(crate) const STREAM_FILE: u64 = 4;
pub(crate) const STREAM_RENDER: u64 = 5;

pub(crate) const FIRST_YEAR: u16 = 2010;
pub(crate) const YEARS: u16 = 16; // 2010..=2025

/// How a file writes its talks (all seen in real notes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    /// `# Title (Speaker)`, `[Talk overview](...)`, `## Notes` + list.
    ParenHeading,
    /// `* **Title - Speaker**` with nested notes.
    BoldList,
    /// Topic lines, then `- Title - Speaker` with the notes as sibling items.
    SiblingList,
    /// A paragraph `Title, Speaker` / `Title – Speaker`, then `•` lines.
    Bullets,
    /// `## "Title" by Speaker and Speaker`.
    ByHeading,
    /// `### Talk: [Title](url) by Speaker`.
    TalkLinkHeading,
    /// `Title (Speaker)` over `====` or `----`.
    Setext,
    /// One talk per file: `# Title`, then `## Speaker`.
    SingleTalk,
    /// A README listing the one-talk files of its folder.
    Index,
}

const STYLE_WEIGHTS: [(Style, usize); 8] = [
    (Style::ParenHeading, 22),
    (Style::BoldList, 13),
    (Style::SiblingList, 13),
    (Style::Bullets, 14),
    (Style::ByHeading, 12),
    (Style::TalkLinkHeading, 8),
    (Style::Setext, 8),
    (Style::SingleTalk, 10),
];

impl Style {
    pub(crate) fn has_heading_talks(self) -> bool {
        matches!(
            self,
            Style::ParenHeading
                | Style::ByHeading
                | Style::TalkLinkHeading
                | Style::Setext
                | Style::SingleTalk
        )
    }
}

/// Where a file names its conference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Header {
    Pelican,
    Yaml,
    FirstLine,
    FirstSentence,
    Nothing,
}

pub(crate) struct Talk {
    pub title: String,
    /// Speaker indices; empty for a planted `missing-speaker`.
    pub speakers: Vec<u32>,
    /// The speaker the talk really has (also when `speakers` is empty).
    pub true_speaker: u32,
    pub keynote: bool,
    /// A planted misspelling of the first speaker's name.
    pub typo: Option<String>,
    /// A planted empty `## Notes` section.
    pub empty_notes: bool,
    /// The heading line(s), for styles whose talks are headings.
    pub heading: Option<String>,
    /// The heading's anchor, when it is unique in its file.
    pub anchor: Option<String>,
    /// The `us.pycon.org` presentation id (PyCon US files only).
    pub schedule: Option<u32>,
    /// A YouTube video id, the same for the same talk everywhere.
    pub video: String,
}

pub(crate) struct FilePlan {
    /// Path relative to the workspace root, `/`-separated.
    pub rel: String,
    pub year: u16,
    pub conf: usize,
    pub style: Style,
    pub header: Header,
    pub large: bool,
    /// Target size in bytes.
    pub target: usize,
    pub talks: Vec<Talk>,
    /// A planted `duplicate-talk`: this talk is written twice.
    pub duplicate: Option<usize>,
    pub crlf: bool,
    pub bom: bool,
    /// For an index: the one-talk files it lists.
    pub lists: Vec<u32>,
}

pub(crate) struct Plan {
    pub seed: u64,
    pub speakers: Vec<String>,
    pub files: Vec<FilePlan>,
    /// Per speaker: the (file, talk) pairs with an anchor, for "also by" links.
    pub by_speaker: Vec<Vec<(u32, u32)>>,
    /// Every (file, talk) with an anchor.
    pub anchored: Vec<(u32, u32)>,
    /// Every note's path, for tests.
    #[allow(dead_code)]
    pub paths: HashSet<String>,
    /// (number written, index in `PEPS` of the PEP the words describe):
    /// one digit apart, titles without a shared word.
    pub mismatch_pairs: Vec<(u32, usize)>,
}

impl Plan {
    pub(crate) fn new(files: usize, seed: u64) -> Plan {
        let mut rng = Rng::derive(seed, STREAM_PLAN, 0);
        let speakers = make_speakers(seed, speaker_count(files));
        let pools: Vec<Vec<String>> = (0..speakers.len())
            .map(|s| {
                let mut r = Rng::derive(seed, STREAM_TITLES, s as u64);
                let k = r.range(2, 4);
                (0..k).map(|_| make_title(&mut r)).collect()
            })
            .collect();
        let known: HashSet<&str> = speakers.iter().map(String::as_str).collect();

        // Files: year, style, header, size.
        let mut plans: Vec<FilePlan> = (0..files)
            .map(|i| {
                let mut r = Rng::derive(seed, STREAM_FILE, i as u64);
                let year = FIRST_YEAR + r.below(YEARS as usize) as u16;
                let style = STYLE_WEIGHTS[r.weighted(&STYLE_WEIGHTS.map(|(_, w)| w))].0;
                let header = match r.below(10) {
                    0 | 1 => Header::Pelican,
                    2 | 3 => Header::Yaml,
                    4 | 5 => Header::FirstLine,
                    6 | 7 => Header::FirstSentence,
                    _ => Header::Nothing,
                };
                let conf = r.weighted(&CONFERENCES.iter().map(|c| c.2).collect::<Vec<_>>());
                let target = 1500 + r.below(4501) + r.below(4501);
                FilePlan {
                    rel: String::new(),
                    year,
                    conf,
                    style,
                    header,
                    large: false,
                    target,
                    talks: Vec::new(),
                    duplicate: None,
                    crlf: r.permille(10),
                    bom: r.permille(10),
                    lists: Vec::new(),
                }
            })
            .collect();

        // About one file in 50 is large (~200 KB): at least one from 100 files on.
        let mut large = (files + 25) / 50;
        if files >= 100 {
            large = large.max(1);
        }
        let mut eligible: Vec<usize> = (0..files)
            .filter(|&i| plans[i].style != Style::SingleTalk)
            .collect();
        for _ in 0..large.min(eligible.len()) {
            let k = rng.below(eligible.len());
            let i = eligible.swap_remove(k);
            plans[i].large = true;
            plans[i].target = 180_000 + rng.below(40_001);
        }

        // Each year's one-talk files get an index README (when there are two or more).
        let mut singles: HashMap<u16, Vec<usize>> = HashMap::new();
        for (i, f) in plans.iter().enumerate() {
            if f.style == Style::SingleTalk {
                singles.entry(f.year).or_default().push(i);
            }
        }
        for list in singles.values() {
            if list.len() >= 2 {
                plans[list[0]].style = Style::Index;
                plans[list[0]].lists = list[1..].iter().map(|&i| i as u32).collect();
            }
        }

        // Talks.
        let mut schedule_ids: HashMap<(u16, String, u32), u32> = HashMap::new();
        let mut next_id: HashMap<u16, u32> = HashMap::new();
        let popular = (speakers.len() / 25).max(2) as u32;
        for (i, f) in plans.iter_mut().enumerate() {
            let mut r = Rng::derive(seed, STREAM_FILE, (i as u64) | (1 << 40));
            let n = match f.style {
                Style::Index => 0,
                Style::SingleTalk => 1,
                _ => ((f.target.saturating_sub(300)) / 650).max(1),
            };
            let mut titles = HashSet::new();
            for j in 0..n {
                let keynote = j == 0 && f.style != Style::SingleTalk && r.permille(120);
                let mut pick = None;
                for _ in 0..20 {
                    let s = r.skewed(speakers.len()) as u32;
                    let title = if keynote {
                        "Keynote".to_string()
                    } else {
                        r.pick(&pools[s as usize]).clone()
                    };
                    if !titles.contains(&title) {
                        pick = Some((s, title));
                        break;
                    }
                }
                let Some((s, title)) = pick else { continue };
                titles.insert(title.clone());
                let mut talk_speakers = vec![s];
                if f.style == Style::ByHeading && !keynote && r.permille(100) {
                    let s2 = r.below(speakers.len()) as u32;
                    if s2 != s {
                        talk_speakers.push(s2);
                    }
                }
                let can_miss = !keynote
                    && !matches!(
                        f.style,
                        Style::SiblingList | Style::SingleTalk | Style::Index
                    );
                if can_miss && r.permille(15) {
                    talk_speakers.clear();
                }
                let mut typo = None;
                if !talk_speakers.is_empty() && s < popular && r.permille(12) {
                    let t = misspell(&speakers[s as usize], &mut r);
                    if !known.contains(t.as_str()) {
                        typo = Some(t);
                    }
                }
                let empty_notes = f.style == Style::ParenHeading && !keynote && r.permille(20);
                let schedule = (f.conf == 0).then(|| {
                    *schedule_ids
                        .entry((f.year, title.clone(), s))
                        .or_insert_with(|| {
                            let next = next_id
                                .entry(f.year)
                                .or_insert(20 + (f.year as u32 % 7) * 3);
                            *next += 1;
                            *next
                        })
                });
                let video = video_id(&title, &speakers[s as usize]);
                f.talks.push(Talk {
                    title,
                    speakers: talk_speakers,
                    true_speaker: s,
                    keynote,
                    typo,
                    empty_notes,
                    heading: None,
                    anchor: None,
                    schedule,
                    video,
                });
            }
            if f.talks.len() >= 3
                && !matches!(f.style, Style::SingleTalk | Style::Index)
                && r.permille(25)
            {
                f.duplicate = Some(r.below(f.talks.len()));
            }
        }

        // Headings and anchors.
        for f in plans.iter_mut() {
            if !f.style.has_heading_talks() {
                continue;
            }
            let mut seen = HashSet::new();
            for (j, t) in f.talks.iter_mut().enumerate() {
                let names = display_names(&speakers, t);
                let url = match t.schedule {
                    Some(id) => schedule_url(f.year, id),
                    None => format!("https://www.youtube.com/watch?v={}", t.video),
                };
                let mut hr = Rng::derive(seed, STREAM_FILE, hash_str(&t.title) ^ j as u64);
                let heading = talk_heading(f.style, t, &names, &url, &mut hr);
                let first_line = heading.lines().next().unwrap_or("");
                let slug = github_slug(&heading_text(first_line));
                if seen.insert(slug.clone()) && !slug.is_empty() {
                    t.anchor = Some(slug);
                }
                t.heading = Some(heading);
            }
        }

        // Paths.
        let mut counters: HashMap<(usize, u16), usize> = HashMap::new();
        let mut paths = HashSet::new();
        for (i, f) in plans.iter_mut().enumerate() {
            let mut r = Rng::derive(seed, STREAM_FILE, (i as u64) | (2 << 40));
            let (conf_name, conf_slug, _) = CONFERENCES[f.conf];
            let mut rel = match f.style {
                Style::Index => format!("{}/talks/README.md", f.year),
                Style::SingleTalk => {
                    let mut base: String = ascii_slug(&f.talks[0].title);
                    base.truncate(60);
                    let base = base.trim_end_matches('-').to_string();
                    format!("{}/talks/{}.md", f.year, base)
                }
                _ => {
                    let k = counters.entry((f.conf, f.year)).or_insert(0);
                    *k += 1;
                    let name = if *k == 1 {
                        format!("{conf_slug}-{}", f.year)
                    } else {
                        format!("{conf_slug}-{}-{}", f.year, k)
                    };
                    let ext = if r.permille(10) { "markdown" } else { "md" };
                    if r.permille(10) {
                        format!("{}/{} notes/{}.{}", f.year, conf_name, name, ext)
                    } else {
                        format!("{}/{}.{}", f.year, name, ext)
                    }
                }
            };
            if !paths.insert(rel.clone()) {
                let (stem, ext) = rel.rsplit_once('.').unwrap_or((&rel, "md"));
                let (stem, ext) = (stem.to_string(), ext.to_string());
                let mut n = 2;
                while !paths.insert(format!("{stem}-{n}.{ext}")) {
                    n += 1;
                }
                rel = format!("{stem}-{n}.{ext}");
            }
            f.rel = rel;
        }

        let mut by_speaker = vec![Vec::new(); speakers.len()];
        let mut anchored = Vec::new();
        for (i, f) in plans.iter().enumerate() {
            for (j, t) in f.talks.iter().enumerate() {
                if t.anchor.is_some() {
                    anchored.push((i as u32, j as u32));
                    if !t.speakers.is_empty() && t.typo.is_none() {
                        by_speaker[t.true_speaker as usize].push((i as u32, j as u32));
                    }
                }
            }
        }

        Plan {
            seed,
            speakers,
            files: plans,
            by_speaker,
            anchored,
            paths,
            mismatch_pairs: mismatch_pairs(),
        }
    }

    /// Distinct speakers named in the workspace (typos not counted).
    pub(crate) fn distinct_speakers(&self) -> usize {
        let mut used = HashSet::new();
        for f in &self.files {
            for t in &f.talks {
                used.extend(t.speakers.iter().copied());
            }
        }
        used.len()
    }
}

fn speaker_count(files: usize) -> usize {
    (files * 2 / 5).clamp(60, 6000)
}

fn make_speakers(seed: u64, n: usize) -> Vec<String> {
    let mut r = Rng::derive(seed, STREAM_NAMES, 0);
    let mut names = Vec::with_capacity(n);
    let mut full = HashSet::new();
    // (given name, last name) pairs already used: two speakers never differ
    // only by a middle initial, which would read as a typo of each other.
    let mut base = HashSet::new();
    let mut attempts = 0usize;
    while names.len() < n {
        attempts += 1;
        let first = *r.pick(FIRST_NAMES);
        let mut last = r.pick(LAST_NAMES).to_string();
        let form = r.below(100);
        if form >= 95 && !last.contains([' ', '-']) {
            let other = r.pick(LAST_NAMES);
            if !other.contains([' ', '-']) && *other != last {
                last = format!("{last}-{other}");
            }
        }
        let (given, name) = match form {
            0..=5 => {
                let middle = *r.pick(MIDDLE_NAMES);
                let initial = first.chars().next().unwrap_or('A');
                (
                    format!("{initial}. {middle}"),
                    format!("{initial}. {middle} {last}"),
                )
            }
            6..=13 => {
                let initial = (b'A' + (hash_str(&format!("{first}{last}")) % 26) as u8) as char;
                (first.to_string(), format!("{first} {initial}. {last}"))
            }
            14..=17 => {
                let middle = *r.pick(MIDDLE_NAMES);
                let given = format!("{first}-{middle}");
                (given.clone(), format!("{given} {last}"))
            }
            _ => (first.to_string(), format!("{first} {last}")),
        };
        let fresh_base = base.insert((given, last.clone())) || attempts > 40 * n;
        if fresh_base && full.insert(name.clone()) {
            names.push(name);
        }
    }
    names
}

/// A one-letter slip in the last word of a name: two letters swapped, or a
/// letter replaced by its neighbour on the keyboard.
fn misspell(name: &str, r: &mut Rng) -> String {
    let split = name.rfind(' ').map(|i| i + 1).unwrap_or(0);
    let (head, last) = name.split_at(split);
    let mut chars: Vec<char> = last.chars().collect();
    if chars.len() < 4 {
        chars.push('s');
    } else if r.below(2) == 0 {
        let k = r.range(1, chars.len() - 2);
        chars.swap(k, k + 1);
        if chars[k] == chars[k + 1] {
            chars[k] = 'e';
        }
    } else {
        let k = r.range(1, chars.len() - 1);
        chars[k] = match chars[k] {
            'n' => 'm',
            'm' => 'n',
            'e' => 'a',
            'a' => 'e',
            'i' => 'o',
            'o' => 'i',
            'r' => 't',
            't' => 'r',
            's' => 'z',
            'k' => 'c',
            'c' => 'k',
            'l' => 'k',
            _ => 'e',
        };
    }
    format!("{head}{}", chars.into_iter().collect::<String>())
}

fn make_title(r: &mut Rng) -> String {
    let t = *r.pick(TITLE_TOPICS);
    let t2 = *r.pick(TITLE_TOPICS);
    let l = *r.pick(LIBRARIES);
    let l2 = *r.pick(LIBRARIES);
    let cap = |s: &str| -> String {
        let mut c = s.chars();
        match c.next() {
            Some(f) => f.to_uppercase().chain(c).collect(),
            None => String::new(),
        }
    };
    match r.below(18) {
        0 => format!("{} for Mere Mortals", cap(t)),
        1 => format!("Everything You Wanted to Know About {t}"),
        2 => format!("{} in Production: Lessons Learned", cap(l)),
        3 => format!("Beyond {}: {} in Practice", cap(t), cap(t2)),
        4 => format!("A Gentle Introduction to {t}"),
        5 => format!("How We Scaled {} at {}", cap(t), r.pick(PLACES)),
        6 => format!(
            "What's New in {} {}.{}",
            cap(l),
            r.range(1, 5),
            r.range(0, 9)
        ),
        7 => format!("{}, {}, and You", cap(t), cap(t2)),
        8 => format!("Fast, Cheap, Correct: {} Without Tears", cap(t)),
        9 => format!("Taming {} with {}", t, cap(l)),
        10 => format!("{} (Or: How I Learned to Love {})", cap(t), cap(l)),
        11 => format!("Don't Fear {t}"),
        12 => format!("{} from the Ground Up", cap(t)),
        13 => format!("Building {} Tools with {} and {}", cap(t), cap(l), cap(l2)),
        14 => format!("Lessons from {} Years of {}", r.range(2, 15), t),
        15 => format!("(Micro)benchmarks for {t}"),
        16 => format!("The Hidden Cost of {t}"),
        _ => format!(
            "{}: Write {} Python",
            cap(t),
            r.pick(&["Faster", "Safer", "Clearer", "Smaller"])
        ),
    }
}

fn video_id(title: &str, speaker: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut h = hash_str(&format!("{title}\u{0}{speaker}"));
    let mut out = String::with_capacity(11);
    for _ in 0..11 {
        out.push(ALPHABET[(h & 63) as usize] as char);
        h = crate::rng::mix64(h);
    }
    out
}

pub(crate) fn schedule_url(year: u16, id: u32) -> String {
    format!("https://us.pycon.org/{year}/schedule/presentation/{id}/")
}

/// The speaker line of a talk as written: the planted typo, or the names
/// joined with ` and `.
pub(crate) fn display_names(speakers: &[String], t: &Talk) -> String {
    let mut names: Vec<&str> = t
        .speakers
        .iter()
        .map(|&s| speakers[s as usize].as_str())
        .collect();
    if let (Some(typo), Some(first)) = (&t.typo, names.first_mut()) {
        *first = typo.as_str();
    }
    names.join(" and ")
}

fn talk_heading(style: Style, t: &Talk, names: &str, url: &str, r: &mut Rng) -> String {
    let missing = t.speakers.is_empty();
    match style {
        Style::ParenHeading => {
            if t.keynote {
                format!("# Keynote: {names}")
            } else if missing {
                format!("# {}", t.title)
            } else {
                format!("# {} ({names})", t.title)
            }
        }
        Style::ByHeading => {
            if t.keynote {
                format!("## Keynote: {names}")
            } else if missing {
                format!("## {}", t.title)
            } else {
                format!("## \"{}\" by {names}", t.title)
            }
        }
        Style::TalkLinkHeading => {
            let prefix = *r.pick(&["Talk", "Talk", "Talk", "Talk", "Tutorial", "Workshop"]);
            if t.keynote {
                format!("### Keynote: {names}")
            } else if missing {
                format!("### {prefix}: [{}]({url})", t.title)
            } else {
                format!("### {prefix}: [{}]({url}) by {names}", t.title)
            }
        }
        Style::Setext => {
            let text = if t.keynote {
                format!("Keynote: {names}")
            } else if missing {
                t.title.clone()
            } else if r.below(2) == 0 {
                format!("{} ({names})", t.title)
            } else {
                format!("{} – {names}", t.title)
            };
            let mark = if r.below(2) == 0 { "=" } else { "-" };
            let underline = mark.repeat(text.chars().count());
            format!("{text}\n{underline}")
        }
        Style::SingleTalk => format!("# {}", t.title),
        _ => String::new(),
    }
}

/// A file name from a title: ASCII letters and digits, `-` between words.
pub(crate) fn ascii_slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

fn mismatch_pairs() -> Vec<(u32, usize)> {
    let words = |s: &str| -> HashSet<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() >= 4)
            .map(str::to_lowercase)
            .collect()
    };
    let mut out = Vec::new();
    for (a, ta) in PEPS {
        for (bi, (b, tb)) in PEPS.iter().enumerate() {
            let (sa, sb) = (a.to_string(), b.to_string());
            if a == b || sa.len() != sb.len() {
                continue;
            }
            let diff = sa.chars().zip(sb.chars()).filter(|(x, y)| x != y).count();
            if diff == 1 && words(ta).is_disjoint(&words(tb)) {
                out.push((*a, bi));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speakers_are_distinct_and_varied() {
        let names = make_speakers(1, 3000);
        let set: HashSet<_> = names.iter().collect();
        assert_eq!(set.len(), 3000);
        assert!(names.iter().any(|n| n.contains(". ")), "initials");
        assert!(
            names
                .iter()
                .any(|n| n.contains(" van ") || n.contains(" de ") || n.contains(" ter ")),
            "particles"
        );
        assert!(names.iter().any(|n| n.contains('-')), "hyphens");
        assert!(names.iter().any(|n| !n.is_ascii()), "accents");
    }

    #[test]
    fn misspellings_differ_by_little() {
        let mut r = Rng::new(5);
        for name in [
            "Ada Lindqvist",
            "Kenji Tanaka",
            "A. Jesse Okafor",
            "Zoë van der Meer",
        ] {
            let t = misspell(name, &mut r);
            assert_ne!(t, name);
            assert_eq!(t.split(' ').count(), name.split(' ').count());
        }
    }

    #[test]
    fn speakers_recur_across_years() {
        let plan = Plan::new(2000, 11);
        assert!(
            plan.distinct_speakers() >= 600,
            "{}",
            plan.distinct_speakers()
        );
        let mut years: Vec<HashSet<u16>> = vec![HashSet::new(); plan.speakers.len()];
        for f in &plan.files {
            for t in &f.talks {
                for &s in &t.speakers {
                    years[s as usize].insert(f.year);
                }
            }
        }
        let recurring = years.iter().filter(|y| y.len() >= 3).count();
        assert!(recurring >= 100, "{recurring} speakers in 3+ years");
        assert!(
            years.iter().any(|y| y.len() >= 12),
            "a few speakers nearly every year"
        );
    }

    #[test]
    fn paths_are_unique_and_in_year_folders() {
        let plan = Plan::new(1500, 2);
        assert_eq!(plan.paths.len(), 1500);
        for f in &plan.files {
            let year: u16 = f.rel[..4].parse().unwrap();
            assert!(
                (2010..=2025).contains(&year) && f.rel.as_bytes()[4] == b'/',
                "{}",
                f.rel
            );
        }
        assert!(plan.files.iter().any(|f| f.style == Style::Index));
        assert!(plan.files.iter().any(|f| f.rel.contains(' ')));
        assert!(plan.files.iter().any(|f| f.rel.ends_with(".markdown")));
    }

    #[test]
    fn mismatch_pairs_include_manylinux() {
        let pairs = mismatch_pairs();
        assert!(pairs.iter().any(|&(a, b)| a == 503 && PEPS[b].0 == 513));
        assert!(pairs.iter().all(|&(a, b)| a != PEPS[b].0));
    }
}
