//! Which conference a file is about, and where that was read: YAML front
//! matter, a Pelican `Key: value` header, the first line, or the file name.

use crate::model::{Conference, ConferenceSource, TextRange};

use super::blocks::{Block, BlockKind};

/// Words that make a name a conference's (`PyCon`, `DjangoCon`, `JSConf`,
/// `EuroPython`, `PyData`, `SciPy`). Plain `Python` is not one: it starts
/// half the talk titles.
fn is_conference_word(w: &str) -> bool {
    let l = w.to_lowercase();
    (l.len() > 3 && (l.ends_with("con") || l.ends_with("conf")))
        || matches!(
            l.as_str(),
            "europython"
                | "pydata"
                | "pygotham"
                | "pybay"
                | "pyohio"
                | "pytexas"
                | "pycascades"
                | "scipy"
                | "euroscipy"
                | "pyday"
                | "pycamp"
                | "pyconde"
                | "pygrunn"
                | "pyparis"
                | "pylondinium"
                | "pyninsula"
                | "pybeach"
                | "pyjamas"
                | "pytennessee"
        )
}

fn year_of(w: &str) -> Option<u16> {
    let d = w.trim_matches(|c: char| !c.is_ascii_digit());
    let n: u16 = d.parse().ok()?;
    (d.len() == 4 && (1990..=2099).contains(&n)).then_some(n)
}

/// Reads `PyCon US 2018 - Main conference`, `Notes from Pycon 2017`,
/// `My notes from PyCon 2014.` as (name, year). The name is the run of
/// capitalised words next to the conference word.
pub fn parse_name_year(s: &str) -> Option<(String, Option<u16>)> {
    let words: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')' || c == ':')
        .filter(|w| !w.is_empty())
        .collect();
    let conf_at = words.iter().position(|w| {
        let t = w.trim_matches(|c: char| !c.is_alphanumeric());
        t.chars().next().is_some_and(char::is_uppercase) && is_conference_word(t)
    })?;
    let mut end = conf_at + 1;
    // `PyCon US`, `PyCon Africa`, `North Bay Python`: following capitalised or
    // upper-case words that are not the year.
    while end < words.len() && end - conf_at < 3 {
        let w = words[end].trim_matches(|c: char| !c.is_alphanumeric());
        if year_of(w).is_some() || !w.chars().next().is_some_and(char::is_uppercase) {
            break;
        }
        let region_code = w.len() <= 3 && w.chars().all(|c| c.is_ascii_uppercase());
        let region_name = matches!(
            w,
            "Africa" | "Asia" | "Europe" | "Italia" | "India" | "Canada" | "Australia"
        );
        if !region_code && !region_name {
            break;
        }
        end += 1;
    }
    let mut start = conf_at;
    while start > 0 {
        let w = words[start - 1];
        if w.chars().next().is_some_and(char::is_uppercase)
            && !matches!(w, "My" | "Notes" | "The" | "At" | "From")
            && year_of(w).is_none()
        {
            start -= 1;
        } else {
            break;
        }
    }
    let name = words[start..end]
        .iter()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .collect::<Vec<_>>()
        .join(" ");
    let year = words.iter().find_map(|w| year_of(w));
    Some((name, year))
}

pub struct Found {
    pub conference: Conference,
    /// The line it came from, which is then no talk.
    pub line: Option<TextRange>,
}

pub fn find(text: &str, blocks: &[Block], file_name: Option<&str>) -> Option<Found> {
    // YAML front matter.
    if let Some(b) = blocks.iter().find(|b| b.kind == BlockKind::FrontMatter) {
        if let Some(found) = from_header(text, b.range.clone(), ConferenceSource::FrontMatter) {
            return Some(found);
        }
    }
    // A Pelican header: `Key: value` lines from the first line to a blank one.
    let header_end = text.find("\n\n").or_else(|| text.find("\r\n\r\n"));
    if let Some(end) = header_end {
        let header = &text[..end];
        let is_header = header.lines().all(|l| {
            let key = l.split(':').next().unwrap_or("");
            l.contains(": ")
                && !key.is_empty()
                && key.len() < 20
                && key
                    .chars()
                    .all(|c| c.is_alphabetic() || c == '_' || c == '-')
        });
        let has_known_key = header.lines().any(|l| {
            let key = l.split(':').next().unwrap_or("").to_lowercase();
            matches!(
                key.as_str(),
                "title" | "date" | "category" | "tags" | "slug" | "author"
            )
        });
        if is_header && has_known_key {
            if let Some(found) = from_header(text, 0..end, ConferenceSource::PelicanHeader) {
                return Some(found);
            }
        }
    }
    // The first line of prose or the first heading; in a one-talk file
    // (`# Title`, then `## Speaker`), the first line of prose under them.
    let mut prose = blocks.iter().filter(|b| {
        matches!(
            b.kind,
            BlockKind::Heading { .. } | BlockKind::Paragraph | BlockKind::ListItem { .. }
        )
    });
    let first = prose.next();
    let mut candidates: Vec<&Block> = first.into_iter().collect();
    if let Some(&BlockKind::Heading { level }) = first.map(|b| &b.kind) {
        let mut next = prose.next();
        if next.is_some_and(|b| b.kind == BlockKind::Heading { level: level + 1 }) {
            next = prose.next();
        }
        candidates.extend(next.filter(|b| b.kind == BlockKind::Paragraph));
    }
    for b in candidates {
        let line = super::blocks::first_line(text, b.content.clone());
        let l = &text[line.clone()];
        if let Some((name, year)) = parse_name_year(l) {
            if year.is_some() {
                return Some(Found {
                    conference: Conference {
                        name,
                        year,
                        source: ConferenceSource::FirstLine,
                        range: Some(line.clone()),
                    },
                    line: Some(line),
                });
            }
        }
    }
    // The file name: `pycon-2017.md`, `2019-notes.md`.
    let stem = file_name?
        .rsplit(['/', '\\'])
        .next()?
        .rsplit_once('.')
        .map_or(file_name?, |(s, _)| s);
    let words: Vec<&str> = stem.split(['-', '_', ' ', '.']).collect();
    let year = words.iter().find_map(|w| year_of(w));
    let name = words
        .iter()
        .find(|w| is_conference_word(w) && year_of(w).is_none())
        .map(|w| capitalise_conference(w));
    if year.is_none() && name.is_none() {
        return None;
    }
    Some(Found {
        conference: Conference {
            name: name.unwrap_or_default(),
            year,
            source: ConferenceSource::FileName,
            range: None,
        },
        line: None,
    })
}

fn capitalise_conference(w: &str) -> String {
    match w.to_lowercase().as_str() {
        "pycon" => "PyCon".into(),
        "europython" => "EuroPython".into(),
        "djangocon" => "DjangoCon".into(),
        "pydata" => "PyData".into(),
        other => {
            let mut c = other.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        }
    }
}

/// `title:` (or `conference:` / `event:`) in a front matter or Pelican header.
fn from_header(text: &str, range: TextRange, source: ConferenceSource) -> Option<Found> {
    let mut offset = range.start;
    let mut best: Option<Found> = None;
    let mut date_year = None;
    for raw in text[range.clone()].split_inclusive('\n') {
        let line_start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let key = key.trim().to_lowercase();
        let value_trim = value.trim().trim_matches(['"', '\'']);
        let value_start = line_start + line.len() - value.trim_start().len();
        match key.as_str() {
            "conference" | "event" | "title" => {
                if let Some((name, year)) = parse_name_year(value_trim) {
                    let priority = key != "title";
                    if best.is_none() || priority {
                        best = Some(Found {
                            conference: Conference {
                                name,
                                year,
                                source,
                                range: Some(value_start..line_start + line.len()),
                            },
                            line: None,
                        });
                    }
                }
            }
            "date" => date_year = value_trim.get(..4).and_then(year_of),
            _ => {}
        }
    }
    if let Some(f) = best.as_mut() {
        if f.conference.year.is_none() {
            f.conference.year = date_year;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_years() {
        assert_eq!(
            parse_name_year("PyCon US 2018 - Main conference"),
            Some(("PyCon US".into(), Some(2018)))
        );
        assert_eq!(
            parse_name_year("Notes from Pycon 2017"),
            Some(("Pycon".into(), Some(2017)))
        );
        assert_eq!(
            parse_name_year("My notes from PyCon 2014."),
            Some(("PyCon".into(), Some(2014)))
        );
        assert_eq!(
            parse_name_year("PyCon US 2024 Highlights"),
            Some(("PyCon US".into(), Some(2024)))
        );
        assert_eq!(
            parse_name_year("EuroPython 2019 notes"),
            Some(("EuroPython".into(), Some(2019)))
        );
        assert_eq!(parse_name_year("Effective Code Review (Erik Rose)"), None);
    }

    fn conference_of(text: &str) -> Option<(String, Option<u16>)> {
        let syntax = crate::syntax::Syntax::parse(text);
        let outline = super::super::blocks::outline(&syntax, text);
        find(text, &outline.blocks, Some("talk.md")).map(|f| (f.conference.name, f.conference.year))
    }

    #[test]
    fn a_one_talk_file_names_its_conference_under_the_speaker() {
        let one_talk = "# Packaging in 2030\n\n## Ada Example\n\nPyCon US 2031 · [video](https://example.org/v)\n\nnotes\n";
        assert_eq!(
            conference_of(one_talk),
            Some(("PyCon US".into(), Some(2031)))
        );
        // Straight under the title works too.
        let no_speaker = "# Packaging in 2030\n\nSeen at EuroPython 2031.\n";
        assert_eq!(
            conference_of(no_speaker),
            Some(("EuroPython".into(), Some(2031)))
        );
        // Prose further down is notes, not the file's conference.
        let later = "# Packaging in 2030 (Ada Example)\n\n- a note\n\nAs said at PyCon 2019.\n";
        assert_eq!(conference_of(later), None);
        let third = "# Packaging in 2030\n\n## Ada Example\n\n## Notes\n\nPyCon US 2031\n";
        assert_eq!(conference_of(third), None);
    }
}
