//! What the cursor is on: the thing definition, references, hover and
//! rename act upon.

use std::path::Path;

use url::Url;

use super::{line_at, touches};
use crate::analysis::Snapshot;
use crate::extract::title_key;
use crate::index::{issue_key, NoteFile};
use crate::model::{IssueTracker, TextRange};
use crate::rules::links::{classify, normalize, Target as LinkTarget};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A speaker: on a talk line (`talk` is its index), or a known
    /// speaker's name written in prose (`talk` is None).
    Speaker {
        name: String,
        range: TextRange,
        talk: Option<usize>,
    },
    /// The title of a talk of this file.
    Talk {
        talk: usize,
        range: TextRange,
    },
    /// A talk named in prose (`The Mighty Dictionary, PyCon 2010`): the
    /// loose title keys of the workspace's talks it names.
    TalkMention {
        keys: Vec<String>,
        range: TextRange,
    },
    Pep {
        number: u32,
        range: TextRange,
    },
    Issue {
        key: (IssueTracker, u32),
        range: TextRange,
    },
    /// A library; `name` is its lower-case key in the facts.
    Library {
        name: String,
        range: TextRange,
    },
    /// A link to another note or to a heading (`model.links[index]`).
    Link {
        index: usize,
        range: TextRange,
    },
    /// A heading that is not a talk title (`model.headings[index]`).
    Heading {
        index: usize,
        range: TextRange,
    },
}

impl Target {
    pub fn range(&self) -> &TextRange {
        match self {
            Target::Speaker { range, .. }
            | Target::Talk { range, .. }
            | Target::TalkMention { range, .. }
            | Target::Pep { range, .. }
            | Target::Issue { range, .. }
            | Target::Library { range, .. }
            | Target::Link { range, .. }
            | Target::Heading { range, .. } => range,
        }
    }
}

/// What is at `offset` in `file`, most specific first.
pub fn target_at(snapshot: &Snapshot, file: &NoteFile, offset: usize) -> Option<Target> {
    let m = &file.model;
    for (i, talk) in m.talks.iter().enumerate() {
        if !touches(&talk.line_range(), offset) {
            continue;
        }
        for s in &talk.speakers {
            if touches(&s.range(), offset) {
                return Some(Target::Speaker {
                    name: s.name.to_string(),
                    range: s.range(),
                    talk: Some(i),
                });
            }
        }
    }
    if let Some(p) = m.peps.load().iter().find(|p| touches(&p.range(), offset)) {
        return Some(Target::Pep {
            number: p.number,
            range: p.range(),
        });
    }
    if let Some(issue) = m.issues.load().iter().find(|i| touches(&i.range(), offset)) {
        if let Some(n) = issue.number {
            return Some(Target::Issue {
                key: issue_key(issue.tracker, n),
                range: issue.range(),
            });
        }
    }
    for (i, link) in m.links.load().iter().enumerate() {
        if touches(&link.range(), offset)
            && matches!(
                classify(link.target()),
                LinkTarget::Anchor(_) | LinkTarget::Relative { .. }
            )
        {
            return Some(Target::Link {
                index: i,
                range: link.range(),
            });
        }
    }
    if let Some(l) = m.libraries.iter().find(|l| touches(&l.range(), offset)) {
        return Some(Target::Library {
            name: l.name.to_lowercase(),
            range: l.range(),
        });
    }
    for (i, talk) in m.talks.iter().enumerate() {
        if touches(&talk.title_range(), offset) && !talk.title_range().is_empty() {
            return Some(Target::Talk {
                talk: i,
                range: talk.title_range(),
            });
        }
    }
    for (i, h) in m.headings.iter().enumerate() {
        if touches(&h.range(), offset) {
            return Some(Target::Heading {
                index: i,
                range: h.range(),
            });
        }
    }
    if m.in_code(offset) {
        return None;
    }
    if let Some((name, range)) = speaker_in_prose(snapshot, &file.text(), offset) {
        return Some(Target::Speaker {
            name,
            range,
            talk: None,
        });
    }
    if let Some((keys, range)) = talk_in_prose(snapshot, file, offset) {
        return Some(Target::TalkMention { keys, range });
    }
    let in_link = m.links.load().iter().any(|l| touches(&l.range(), offset));
    if !in_link {
        let (word, range) = word_at(&file.text(), offset)?;
        let key = word.to_lowercase();
        if key.len() >= 2 && snapshot.facts.libraries.contains_key(&key) {
            return Some(Target::Library { name: key, range });
        }
    }
    None
}

/// The library-like word at `offset` (letters, digits, `_`, `-`, `.`),
/// without trailing dots.
pub fn word_at(text: &str, offset: usize) -> Option<(String, TextRange)> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '-' || c == '.';
    let offset = offset.min(text.len());
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = text[offset..]
        .char_indices()
        .find(|(_, c)| !is_word(*c))
        .map_or(text.len(), |(i, _)| offset + i);
    let word = text[start..end].trim_end_matches('.');
    let word = word.trim_start_matches(['-', '.']);
    if word.is_empty() {
        return None;
    }
    let s = start + text[start..end].find(word)?;
    Some((word.to_string(), s..s + word.len()))
}

/// Words of a line with their ranges, surrounding punctuation trimmed.
fn words_of_line(text: &str, line: TextRange) -> Vec<TextRange> {
    let mut out = Vec::new();
    let s = &text[line.clone()];
    let mut at = 0;
    for w in s.split(char::is_whitespace) {
        let start = at;
        at += w.len() + 1;
        if w.is_empty() {
            continue;
        }
        let trimmed = w.trim_matches(|c: char| {
            matches!(
                c,
                ',' | ';' | ':' | '(' | ')' | '“' | '”' | '"' | '*' | '_' | '[' | ']' | '!' | '?'
            )
        });
        if trimmed.is_empty() {
            continue;
        }
        let lead = w.find(trimmed).unwrap_or(0);
        let from = line.start + start + lead;
        out.push(from..from + trimmed.len());
    }
    out
}

/// A name the workspace knows as a speaker, written in prose at `offset`.
fn speaker_in_prose(snapshot: &Snapshot, text: &str, offset: usize) -> Option<(String, TextRange)> {
    let line = line_at(text, offset);
    let words = words_of_line(text, line);
    let k = words.iter().position(|w| touches(w, offset))?;
    let known = |name: &str| {
        snapshot.facts.speakers.contains_key(name)
            || snapshot.extras.speakers.iter().any(|s| s.name == name)
    };
    // Longest first: `Guido van Rossum` before `van Rossum`.
    for len in (2..=5).rev() {
        for i in k.saturating_sub(len - 1)..=k {
            let j = i + len - 1;
            if j >= words.len() {
                continue;
            }
            let range = words[i].start..words[j].end;
            // Only white space between the words (no `,` cut away).
            let joined = &text[range.clone()];
            let name: String = joined.split_whitespace().collect::<Vec<_>>().join(" ");
            if name.split(' ').count() != len {
                continue;
            }
            if known(&name) {
                return Some((name, range));
            }
        }
    }
    None
}

/// A talk title written in prose at `offset`: the line is cut into parts
/// at `, `, dashes, quotes and brackets, and runs of up to three parts
/// around the cursor are looked up among the workspace's titles.
fn talk_in_prose(
    snapshot: &Snapshot,
    file: &NoteFile,
    offset: usize,
) -> Option<(Vec<String>, TextRange)> {
    let text = &*file.text();
    let line = line_at(text, offset);
    let parts = prose_parts(text, line.clone());
    let k = parts.iter().position(|p| touches(p, offset))?;
    let own_talk = file
        .model
        .talks
        .iter()
        .position(|t| t.line_range().start <= line.start && line.end <= t.line_range().end);
    for len in (1..=3).rev() {
        for i in k.saturating_sub(len - 1)..=k {
            let j = i + len - 1;
            if j >= parts.len() {
                continue;
            }
            let range = parts[i].start..parts[j].end;
            let key = title_key(&text[range.clone()]);
            if key.split(' ').count() < 2 || key.len() < 8 {
                continue;
            }
            let keys: Vec<String> = snapshot
                .facts
                .similar_titles(&key)
                .into_iter()
                .map(str::to_string)
                .collect();
            // Only the talk on this very line: not a mention of another.
            let only_self = keys.iter().all(|k| {
                snapshot.facts.talks.get(k).is_some_and(|v| {
                    v.iter()
                        .all(|(u, t)| *u == file.url && Some(*t) == own_talk)
                })
            });
            if !keys.is_empty() && !only_self {
                return Some((keys, range));
            }
        }
    }
    None
}

fn prose_parts(text: &str, line: TextRange) -> Vec<TextRange> {
    let s = &text[line.clone()];
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    for sep in [
        ", ", " – ", " - ", " — ", "; ", "“", "”", "\"", "(", ")", "•", "**",
    ] {
        let mut from = 0;
        while let Some(i) = s[from..].find(sep) {
            cuts.push((from + i, from + i + sep.len()));
            from += i + sep.len();
        }
    }
    cuts.sort();
    let mut parts = Vec::new();
    let mut at = 0;
    for (a, b) in cuts {
        if a < at {
            continue;
        }
        parts.push(at..a);
        at = b;
    }
    parts.push(at..s.len());
    parts
        .into_iter()
        .filter_map(|r| {
            let part = &s[r.clone()];
            let lead = part.len()
                - part
                    .trim_start_matches(|c: char| {
                        c.is_whitespace() || matches!(c, '*' | '-' | '+' | '>' | '#')
                    })
                    .len();
            let trail = part.len() - part.trim_end().trim_end_matches([',', '.', ':']).len();
            (lead + trail < part.len())
                .then(|| line.start + r.start + lead..line.start + r.end - trail)
        })
        .collect()
}

/// Where a relative link or `#anchor` leads: the note and, for an anchor,
/// the heading's range there (None: the top of the note). None when the
/// target is not a note of the workspace.
pub fn link_destination(
    snapshot: &Snapshot,
    file: &NoteFile,
    target: &str,
) -> Option<(Url, Option<TextRange>)> {
    let (url, anchor) = match classify(target) {
        LinkTarget::Anchor(a) => (file.url.clone(), Some(a)),
        LinkTarget::Relative { path, anchor } => {
            let dir = file.path.as_deref().and_then(Path::parent)?;
            let resolved = normalize(&dir.join(path));
            let url = snapshot.facts.paths.get(&resolved).cloned();
            match url {
                Some(u) => (u, anchor),
                None if snapshot.fs.exists(&resolved) => {
                    return Some((Url::from_file_path(&resolved).ok()?, None))
                }
                None => return None,
            }
        }
        _ => return None,
    };
    let Some(anchor) = anchor.filter(|a| !a.is_empty()) else {
        return Some(((*url).clone(), None));
    };
    let other = snapshot.file(&url)?;
    let a = anchor.to_lowercase();
    let heading = other.model.headings.iter().find(|h| h.anchor() == a)?;
    Some(((*url).clone(), Some(heading.range())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::fixture::Fixture;

    fn target(fixture: &str) -> Option<Target> {
        let f = Fixture::parse(fixture);
        let s = f.snapshot();
        let (url, offset) = f.cursor();
        let file = s.file(&url).unwrap();
        target_at(&s, &file, offset)
    }

    const TWO: &str = "\
//- /pycon-2017.md
# PyCon US 2017

# The Dictionary Even Mightier (Brandon Rhodes)

- uses `sympy` and PEP 509, see bpo-24915

# Grok the GIL (A. Jesse Jiryu Davis)
";

    #[test]
    fn speakers_titles_and_references() {
        let t = target(&format!("{TWO}//- /b.md\n# X (Brandon Rhod$0es)\n"));
        assert!(
            matches!(t, Some(Target::Speaker { ref name, talk: Some(0), .. }) if name == "Brandon Rhodes")
        );
        let t = target(&TWO.replace("Even Mightier", "Even Mi$0ghtier"));
        assert!(matches!(t, Some(Target::Talk { talk: 0, .. })), "{t:?}");
        let t = target(&TWO.replace("PEP 509", "PEP 5$009"));
        assert!(matches!(t, Some(Target::Pep { number: 509, .. })), "{t:?}");
        let t = target(&TWO.replace("bpo-24915", "bpo-249$015"));
        assert!(matches!(
            t,
            Some(Target::Issue {
                key: (IssueTracker::Bpo, 24915),
                ..
            })
        ));
        let t = target(&TWO.replace("`sympy`", "`sym$0py`"));
        assert!(matches!(t, Some(Target::Library { ref name, .. }) if name == "sympy"));
    }

    #[test]
    fn prose_mentions_of_speakers_talks_and_libraries() {
        let notes = format!(
            "{TWO}//- /pycon-2014.md\nMy notes from PyCon 2014.\n\nData Structures, Ada Example\n\n  • The Dictionary Even Mig$0htier, PyCon 2017, Brandon Rhodes\n  • sympy again\n"
        );
        let t = target(&notes);
        match t {
            Some(Target::TalkMention { keys, .. }) => {
                assert_eq!(keys, vec!["the dictionary even mightier"])
            }
            other => panic!("{other:?}"),
        }
        let t = target(
            &notes
                .replace("Mig$0htier", "Mightier")
                .replace("Brandon Rhodes\n", "Brandon Rh$0odes\n"),
        );
        assert!(
            matches!(t, Some(Target::Speaker { ref name, talk: None, .. }) if name == "Brandon Rhodes"),
            "{t:?}"
        );
        let t = target(
            &notes
                .replace("Mig$0htier", "Mightier")
                .replace("sympy again", "sym$0py again"),
        );
        assert!(
            matches!(t, Some(Target::Library { ref name, .. }) if name == "sympy"),
            "{t:?}"
        );
        // A word that is no library, a name nobody spoke under: nothing.
        assert_eq!(
            target(
                &notes
                    .replace("Mig$0htier", "Mightier")
                    .replace("sympy again", "sympy ag$0ain")
            ),
            None
        );
    }
}
