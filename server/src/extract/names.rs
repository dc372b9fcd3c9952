//! Reading a talk line: where the title ends and the speaker begins, and
//! whether a piece of text is a person's name at all.
//!
//! A separator alone proves nothing (`Distributed Computing Is Hard, Let’s Go
//! Shopping` is a title with a comma), so a split is only taken when what
//! follows the separator reads as one or more person names.

use std::ops::Range;

pub use crate::model::Separator;

/// A talk line read into title and speakers. Ranges are relative to the
/// text given to [`split_talk_line`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TalkLine {
    pub title: Range<usize>,
    pub speakers: Vec<Range<usize>>,
    pub separator: Separator,
    /// `Keynote: Name`, `Keynote - Name`.
    pub keynote: bool,
    /// A `Talk:`/`Keynote:`/`Tutorial:`/`Workshop:` prefix was present.
    pub prefixed: bool,
    /// The line ends in a separator with nothing after it (`Title,`).
    pub dangling: bool,
}

const PREFIXES: &[&str] = &[
    "keynote",
    "talk",
    "tutorial",
    "workshop",
    "panel",
    "lightning talk",
];

/// Reads `line` (a heading's text, a list item's first line without its
/// marker and bold, a paragraph line) as a talk line.
pub fn split_talk_line(line: &str) -> TalkLine {
    let (start, end) = trim_range(line, 0, line.len());
    let mut title_start = start;
    let mut keynote = false;
    let mut prefixed = false;

    // `Keynote: Name`, `Talk: Title by Name`, `Keynote - Name`.
    if let Some((kind, rest)) = strip_prefix(line, start, end) {
        prefixed = true;
        if kind == "keynote" {
            let names = person_list(line, rest, end);
            if let Some(names) = names {
                return TalkLine {
                    title: start..end,
                    speakers: names,
                    separator: Separator::Colon,
                    keynote: true,
                    prefixed,
                    dangling: false,
                };
            }
            keynote = true;
        }
        title_start = rest;
    }

    let plain = |title: Range<usize>, dangling: bool| TalkLine {
        title,
        speakers: Vec::new(),
        separator: Separator::None,
        keynote,
        prefixed,
        dangling,
    };

    // `Title (Name)` / `Title (Name and Name)`.
    if line[..end].ends_with(')') {
        if let Some(open) = matching_open_paren(line, end - 1) {
            if open > title_start {
                if let Some(names) = person_list(line, open + 1, end - 1) {
                    let (ts, te) = trim_range(line, title_start, open);
                    if te > ts {
                        return TalkLine {
                            title: ts..te,
                            speakers: names,
                            separator: Separator::Parens,
                            keynote,
                            prefixed,
                            dangling: false,
                        };
                    }
                }
            }
        }
    }

    // `Title – Name, @handle`: the handle goes first, so the separator
    // before the name is the last one.
    let end = strip_handle(line, title_start, end);

    // The remaining separators: the last occurrence wins (titles hold dashes
    // and commas; names follow the last one).
    if let Some((sep_at, names_at, sep)) = last_separator(line, title_start, end) {
        let names_end = strip_speaker_tail(line, names_at, end, sep);
        if let Some(names) = person_list(line, names_at, names_end) {
            let (ts, te) = trim_title(line, title_start, sep_at);
            if te > ts && has_letter(&line[ts..te]) {
                return TalkLine {
                    title: ts..te,
                    speakers: names,
                    separator: sep,
                    keynote,
                    prefixed,
                    dangling: false,
                };
            }
        }
        // `Title, Name` behind a handle: `Title, Name, @handle`.
        if sep == Separator::Comma && line[names_at..end].trim_start().starts_with('@') {
            return split_talk_line_without_handle(line, title_start, sep_at, keynote, prefixed)
                .unwrap_or_else(|| plain(trim_title_tuple(line, title_start, end), false));
        }
    }

    // `Title,` / `Title -`: a separator with the speaker left out.
    let trimmed = line[title_start..end].trim_end();
    for dangling in [",", " -", " –"] {
        if let Some(t) = trimmed.strip_suffix(dangling) {
            if has_letter(t) {
                let (ts, te) = trim_title(line, title_start, title_start + t.len());
                return plain(ts..te, true);
            }
        }
    }
    plain(trim_title_tuple(line, title_start, end), false)
}

/// The separators between a talk's title and its speakers.
const SEPARATORS: [(&str, Separator); 5] = [
    (" by ", Separator::By),
    (" - ", Separator::Hyphen),
    (" – ", Separator::Dash),
    (" — ", Separator::Dash),
    (", ", Separator::Comma),
];

/// The last separator in `line[start..end]` after its first byte: where it
/// starts, where the names after it start, and which it is. One backward
/// scan (every separator starts with a space or a comma), not a search per
/// separator: this runs on every list item and paragraph line of a note at
/// each keystroke.
fn last_separator(line: &str, start: usize, end: usize) -> Option<(usize, usize, Separator)> {
    let bytes = &line.as_bytes()[..end];
    (start + 1..end).rev().find_map(|i| {
        if !matches!(bytes[i], b' ' | b',') {
            return None;
        }
        SEPARATORS
            .iter()
            .find(|(pat, _)| bytes[i..].starts_with(pat.as_bytes()))
            .map(|&(pat, sep)| (i, i + pat.len(), sep))
    })
}

/// Drops a trailing `, @handle` / ` @handle` from `line[start..end]`.
fn strip_handle(line: &str, start: usize, end: usize) -> usize {
    let t = &line[start..end];
    if !t.contains('@') {
        return end;
    }
    if let Some(at) = t.rfind(" @").or_else(|| t.rfind(",@")) {
        let handle = &t[at + 2..];
        if !handle.is_empty()
            && handle
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
        {
            let before = t[..at].trim_end().trim_end_matches(',').trim_end();
            if !before.is_empty() {
                return start + before.len();
            }
        }
    }
    end
}

fn split_talk_line_without_handle(
    line: &str,
    title_start: usize,
    end: usize,
    keynote: bool,
    prefixed: bool,
) -> Option<TalkLine> {
    let pos = title_start + line[title_start..end].rfind(", ")?;
    let names = person_list(line, pos + 2, end)?;
    let (ts, te) = trim_title(line, title_start, pos);
    (te > ts).then_some(TalkLine {
        title: ts..te,
        speakers: names,
        separator: Separator::Comma,
        keynote,
        prefixed,
        dangling: false,
    })
}

fn trim_title_tuple(line: &str, start: usize, end: usize) -> Range<usize> {
    let (s, e) = trim_title(line, start, end);
    s..e
}

/// Trims white space, quotes around the title and a trailing colon.
fn trim_title(line: &str, start: usize, end: usize) -> (usize, usize) {
    let (mut s, mut e) = trim_range(line, start, end);
    loop {
        let t = &line[s..e];
        let mut changed = false;
        for (open, close) in [("\"", "\""), ("“", "”"), ("'", "'"), ("‘", "’")] {
            if t.len() > open.len() + close.len() && t.starts_with(open) && t.ends_with(close) {
                s += open.len();
                e -= close.len();
                changed = true;
                break;
            }
        }
        if !changed && t.ends_with(':') {
            e -= 1;
            changed = true;
        }
        if !changed {
            break;
        }
        (s, e) = trim_range(line, s, e);
    }
    (s, e)
}

/// Drops what follows a speaker's name on the same line: `, @handle`,
/// ` @handle`, ` in AB` (a room).
fn strip_speaker_tail(line: &str, start: usize, end: usize, sep: Separator) -> usize {
    let mut end = end;
    loop {
        let t = line[start..end].trim_end();
        let e = start + t.len();
        // A trailing handle.
        if let Some(at) = t.rfind('@') {
            let handle = &t[at + 1..];
            if !handle.is_empty()
                && handle
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
            {
                let before = t[..at].trim_end().trim_end_matches(',').trim_end();
                if before.len() < t.len() {
                    end = start + before.len();
                    continue;
                }
            }
        }
        // A room after a dash-separated name: ` in AB`, ` in Room 26A`.
        if matches!(sep, Separator::Dash | Separator::Hyphen | Separator::Comma) {
            if let Some(pos) = t.rfind(" in ") {
                let room = &t[pos + 4..];
                let looks_like_room = !room.is_empty()
                    && room.len() <= 12
                    && room
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == ' ')
                    || room.starts_with("Room ");
                if looks_like_room {
                    end = start + pos;
                    continue;
                }
            }
        }
        return e;
    }
}

fn strip_prefix(line: &str, start: usize, end: usize) -> Option<(&'static str, usize)> {
    let text = &line[start..end];
    let lower = text.to_lowercase();
    for p in PREFIXES {
        if lower.starts_with(p) && text.is_char_boundary(p.len()) {
            let rest = &text[p.len()..];
            let after = rest.trim_start();
            let sep = if let Some(r) = after.strip_prefix(':') {
                Some(r)
            } else {
                after
                    .strip_prefix("- ")
                    .or_else(|| after.strip_prefix("– "))
                    .or_else(|| after.strip_prefix("— "))
            };
            // `Keynote:` needs its colon or dash; `Talks I did not see` is no prefix.
            if let Some(r) = sep {
                if rest.len() == after.len() || rest.starts_with(' ') {
                    let offset = start + text.len() - r.trim_start().len();
                    if offset < end {
                        return Some((p, offset));
                    }
                }
            }
        }
    }
    None
}

fn matching_open_paren(line: &str, close: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in line[..=close].char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Reads `line[start..end]` as one or more person names joined by `, `,
/// ` and `, ` & `; the ranges of the names, or None if any part is not a name.
fn person_list(line: &str, start: usize, end: usize) -> Option<Vec<Range<usize>>> {
    let (start, end) = trim_range(line, start, end);
    if start >= end {
        return None;
    }
    let text = &line[start..end];
    let mut names = Vec::new();
    let mut rest_start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i <= text.len() {
        let sep_len = if i == text.len() {
            Some(0)
        } else if text[i..].starts_with(", ") {
            Some(2)
        } else if text[i..].starts_with(" and ") {
            Some(5)
        } else if text[i..].starts_with(" & ") {
            Some(3)
        } else {
            None
        };
        if let Some(len) = sep_len {
            let (s, e) = trim_range(text, rest_start, i);
            if !is_person_name(&text[s..e]) {
                return None;
            }
            names.push(start + s..start + e);
            if len == 0 {
                break;
            }
            i += len;
            rest_start = i;
            continue;
        }
        // Step one char.
        i += utf8_len(bytes[i]);
    }
    Some(names)
}

fn utf8_len(first: u8) -> usize {
    match first {
        0..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
}

/// Lowercase words that may stand inside a name (`Guido van Rossum`).
const PARTICLES: &[&str] = &[
    "van", "von", "der", "den", "de", "da", "di", "du", "del", "della", "dos", "das", "le", "la",
    "bin", "ibn", "al", "el", "ter", "ten", "y", "zu", "st.",
];

/// Capitalised words that do not occur in people's names, but do in titles,
/// rooms, days and sections that follow separators.
const NOT_NAME_WORDS: &[&str] = &[
    "python",
    "pycon",
    "django",
    "flask",
    "api",
    "apis",
    "video",
    "videos",
    "slides",
    "talk",
    "talks",
    "keynote",
    "keynotes",
    "notes",
    "lightning",
    "tutorial",
    "workshop",
    "panel",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "am",
    "pm",
    "room",
    "hall",
    "ballroom",
    "track",
    "the",
    "and",
    "of",
    "for",
    "with",
    "in",
    "on",
    "to",
    "a",
    "an",
    "is",
    "are",
    "be",
    "how",
    "why",
    "what",
    "when",
    "where",
    "your",
    "my",
    "our",
    "their",
    "data",
    "web",
    "code",
    "testing",
    "part",
    "day",
    "intro",
    "introduction",
    "summary",
    "go",
    "let",
    "lets",
    "let's",
    "let’s",
    "make",
    "get",
    "do",
    "don't",
    "can",
    "will",
    "it",
    "its",
    "this",
    "that",
    "not",
    "you",
    "we",
    "i",
    "me",
    "us",
    "all",
    "new",
    "more",
    "less",
    "best",
    "good",
    "fast",
    "slow",
    "from",
    "at",
    "by",
    "or",
    "but",
    "so",
    "up",
    "out",
    "no",
    "yes",
    "hello",
    "world",
    "hard",
    "easy",
    "free",
    "open",
    "source",
    "fun",
    "profit",
    "vs",
    "versus",
    "edition",
    "revisited",
    "redux",
    "reloaded",
    "strikes",
    "back",
    "beyond",
    "everything",
    "nothing",
    "something",
    "anything",
    "about",
    "things",
    "stuff",
    "tips",
    "tricks",
    "guide",
    "hublio",
    "youtube",
    "pyvideo",
    "vimeo",
    "schedule",
    "overview",
    "presentation",
    "q&a",
];

/// Is `text` a person's name: two to five words, each a capitalised word,
/// an initial (`A.`) or a particle inside (`van`), no digits, no title words.
pub fn is_person_name(text: &str) -> bool {
    let text = text.trim();
    if text.is_empty() || text.len() > 60 {
        return false;
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() < 2 || words.len() > 5 {
        return false;
    }
    let last = words.len() - 1;
    let mut capitalised = 0;
    for (i, w) in words.iter().enumerate() {
        if is_initial(w) {
            if i == last {
                return false;
            }
            continue;
        }
        let lower = w.to_lowercase();
        if NOT_NAME_WORDS.contains(&lower.trim_end_matches(['.', ','])) {
            return false;
        }
        if PARTICLES.contains(w) {
            if i == 0 || i == last {
                return false;
            }
            continue;
        }
        if !is_name_word(w) {
            return false;
        }
        capitalised += 1;
    }
    capitalised >= 1
}

/// `A.`, `J.R.`, `JJ` is not (it could be an acronym).
fn is_initial(w: &str) -> bool {
    let mut chars = w.chars().peekable();
    let mut letters = 0;
    while let Some(c) = chars.next() {
        if !c.is_uppercase() {
            return false;
        }
        letters += 1;
        if chars.next() != Some('.') {
            return false;
        }
    }
    letters >= 1
}

/// A capitalised word of letters with inner `-`, `'`, `’` (`Jean-Baptiste`,
/// `O'Brien`, `McKellar`, `Pérez`, `Łukasz`); not a possessive, not all caps.
fn is_name_word(w: &str) -> bool {
    let mut chars = w.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if !first.is_uppercase() {
        return false;
    }
    let rest: Vec<char> = chars.collect();
    if rest.is_empty() {
        return false;
    }
    if !rest
        .iter()
        .all(|&c| c.is_alphabetic() || c == '-' || c == '\'' || c == '’')
    {
        return false;
    }
    if matches!(rest.last(), Some('-' | '\'' | '’')) {
        return false;
    }
    // Possessives (`Let’s`) and all-caps acronyms (`GIL`, `PM`).
    let lower: String = w.to_lowercase();
    if lower.ends_with("'s") || lower.ends_with("’s") {
        return false;
    }
    if rest.iter().all(|c| c.is_uppercase()) {
        return false;
    }
    // Each hyphen-separated part is capitalised too (`Jean-Baptiste`), except
    // the particles some names carry (`Abdel-al`): keep it strict but allow lowercase after apostrophes.
    w.split('-').all(|part| {
        part.chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || part.len() <= 3)
    })
}

fn has_letter(s: &str) -> bool {
    s.chars().any(char::is_alphabetic)
}

/// Shrinks `start..end` to exclude surrounding white space.
pub fn trim_range(s: &str, start: usize, end: usize) -> (usize, usize) {
    let t = &s[start..end];
    let lead = t.len() - t.trim_start().len();
    let trail = t.len() - t.trim_end().len();
    if lead == t.len() {
        return (start, start);
    }
    (start + lead, end - trail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The backward scan finds what searching for each separator and
        /// keeping the last would (the way it was first written).
        #[test]
        fn last_separator_is_the_last_of_any(
            line in "[a-c ,\\-–—@y]{0,24}",
            cut in 0usize..30,
            from in 0usize..30,
        ) {
            let floor = |mut i: usize| {
                while !line.is_char_boundary(i) {
                    i -= 1;
                }
                i
            };
            let end = floor(cut.min(line.len()));
            let start = floor(from.min(end));
            let mut expected: Option<(usize, usize, Separator)> = None;
            for (pat, sep) in SEPARATORS {
                if let Some(pos) = line[start..end].rfind(pat) {
                    let pos = start + pos;
                    if pos > start && expected.is_none_or(|(b, _, _)| pos > b) {
                        expected = Some((pos, pos + pat.len(), sep));
                    }
                }
            }
            prop_assert_eq!(last_separator(&line, start, end), expected);
        }
    }

    fn read(line: &str) -> (String, Vec<String>, Separator, bool) {
        let t = split_talk_line(line);
        (
            line[t.title.clone()].to_string(),
            t.speakers
                .iter()
                .map(|r| line[r.clone()].to_string())
                .collect(),
            t.separator,
            t.dangling,
        )
    }

    #[test]
    fn names() {
        for name in [
            "Erik Rose",
            "A. Jesse Jiryu Davis",
            "Guido van Rossum",
            "Jean-Baptiste Aviat",
            "Fernando Pérez",
            "Łukasz Langa",
            "Pablo Galindo Salgado",
            "Andrew Godwin",
            "Jessica McKellar",
            "Nathaniel J. Smith",
        ] {
            assert!(is_person_name(name), "{name}");
        }
        for not in [
            "Let’s Go Shopping",
            "Friday PM",
            "Grand Ballroom B",
            "Many Linux wheels",
            "Hublio",
            "such as a cache",
            "PyBay 2016",
            "Data Structures",
            "Subinterpreters",
            "The GIL",
            "Or: a subtitle",
        ] {
            assert!(!is_person_name(not), "{not}");
        }
    }

    #[test]
    fn separators() {
        assert_eq!(
            read("Effective Code Review (Erik Rose)"),
            (
                "Effective Code Review".into(),
                vec!["Erik Rose".into()],
                Separator::Parens,
                false
            )
        );
        assert_eq!(
            read("Grok the GIL: Write Fast And Thread-Safe Python - A. Jesse Jiryu Davis").1,
            vec!["A. Jesse Jiryu Davis"]
        );
        assert_eq!(
            read("All Your Ducks In A Row: Data Structures, Brandon Rhodes").0,
            "All Your Ducks In A Row: Data Structures"
        );
        assert_eq!(
            read("Designing Poetic APIs – Erik Rose").1,
            vec!["Erik Rose"]
        );
        let (title, speakers, _, _) =
            read("Decorators: A Powerful Weapon in your Python Arsenal, Colton Myers, @basepi");
        assert_eq!(
            title,
            "Decorators: A Powerful Weapon in your Python Arsenal"
        );
        assert_eq!(speakers, vec!["Colton Myers"]);
        assert_eq!(
            read("Some Talk, Ada Example in Room 26A").1,
            vec!["Ada Example"]
        );
        assert_eq!(
            read("The Sorry State of SSL – Hynek Schlawack, @hynek").1,
            vec!["Hynek Schlawack"]
        );
        assert_eq!(
            read("Performance Testing and Profiling: A Virtuous Cycle – Dan Crosta in AB").1,
            vec!["Dan Crosta"]
        );
        assert_eq!(
            read("\"Packaging in 2030\" by Ada Example and Bob Sample"),
            (
                "Packaging in 2030".into(),
                vec!["Ada Example".into(), "Bob Sample".into()],
                Separator::By,
                false
            )
        );
    }

    #[test]
    fn keynotes_and_prefixes() {
        let t = split_talk_line("Keynote: Dan Callahan");
        assert!(t.keynote);
        assert_eq!(t.speakers.len(), 1);
        let line = "Keynote - Simon Willison";
        let t = split_talk_line(line);
        assert!(t.keynote);
        assert_eq!(&line[t.speakers[0].clone()], "Simon Willison");
        let line = "Talk: [Title Here](https://example.org) by Ada Example";
        let t = split_talk_line(line);
        assert!(t.prefixed);
        assert_eq!(&line[t.title.clone()], "[Title Here](https://example.org)");
        assert_eq!(&line[t.speakers[0].clone()], "Ada Example");
    }

    #[test]
    fn titles_that_are_not_split() {
        for line in [
            "Distributed Computing Is Hard, Let’s Go Shopping",
            "Trio: Async concurrency for mere mortals",
            "Profiling (micro)",
            "Typing (Or: a subtitle)",
            "Insight: a better solution for workers that share state - such as a cache - between workers",
            "Go back – couple of fun quotes",
            "Lightning Talks, Friday PM",
        ] {
            let t = split_talk_line(line);
            assert!(t.speakers.is_empty(), "{line}: {:?}", t);
        }
        let (title, speakers, _, dangling) = read("Cache me if you can,");
        assert_eq!(title, "Cache me if you can");
        assert!(speakers.is_empty());
        assert!(dangling);
    }
}
