//! Semantic tokens: talk titles, speakers, PEP and issue references and
//! libraries, so editors can colour them. Tokens never overlap (a PEP
//! number inside a title cuts the title's token) and never span lines.

use url::Url;

use crate::analysis::Snapshot;
use crate::model::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TokenKind {
    TalkTitle = 0,
    Speaker = 1,
    Pep = 2,
    Issue = 3,
    Library = 4,
}

impl TokenKind {
    pub const ALL: [TokenKind; 5] = [
        TokenKind::TalkTitle,
        TokenKind::Speaker,
        TokenKind::Pep,
        TokenKind::Issue,
        TokenKind::Library,
    ];

    /// Which token wins where two overlap: the more specific.
    fn priority(self) -> u8 {
        match self {
            TokenKind::TalkTitle => 0,
            TokenKind::Library => 1,
            TokenKind::Speaker => 2,
            TokenKind::Pep | TokenKind::Issue => 3,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub range: TextRange,
    pub kind: TokenKind,
}

/// The tokens of the file (only those touching `range` when given), sorted,
/// not overlapping, each within one line.
pub fn semantic_tokens(snapshot: &Snapshot, url: &Url, range: Option<TextRange>) -> Vec<Token> {
    let Some(file) = snapshot.file(url) else {
        return Vec::new();
    };
    let m = &file.model;
    let mut raw: Vec<Token> = Vec::new();
    for t in &m.talks {
        raw.push(Token {
            range: t.title_range(),
            kind: TokenKind::TalkTitle,
        });
        for s in &t.speakers {
            raw.push(Token {
                range: s.range(),
                kind: TokenKind::Speaker,
            });
        }
    }
    raw.extend(m.peps.load().iter().map(|p| Token {
        range: p.range(),
        kind: TokenKind::Pep,
    }));
    raw.extend(m.issues.load().iter().map(|i| Token {
        range: i.range(),
        kind: TokenKind::Issue,
    }));
    raw.extend(m.libraries.iter().map(|l| Token {
        range: l.range(),
        kind: TokenKind::Library,
    }));
    raw.retain(|t| !t.range.is_empty());
    if let Some(r) = &range {
        raw.retain(|t| t.range.start < r.end && r.start < t.range.end);
    }
    let flat = flatten(raw);
    // One token per line.
    let text = &*file.text();
    let mut out = Vec::with_capacity(flat.len());
    for t in flat {
        let mut start = t.range.start;
        for (i, _) in text[t.range.clone()].match_indices('\n') {
            let end = t.range.start + i;
            if end > start {
                out.push(Token {
                    range: start..end,
                    kind: t.kind,
                });
            }
            start = end + 1;
        }
        if t.range.end > start {
            out.push(Token {
                range: start..t.range.end,
                kind: t.kind,
            });
        }
    }
    out
}

/// Cuts overlapping tokens so that, at each byte, the highest-priority
/// token covering it wins; adjacent pieces of one token are joined.
fn flatten(tokens: Vec<Token>) -> Vec<Token> {
    let mut bounds: Vec<usize> = tokens
        .iter()
        .flat_map(|t| [t.range.start, t.range.end])
        .collect();
    bounds.sort_unstable();
    bounds.dedup();
    let mut out: Vec<(Token, usize)> = Vec::new();
    for w in bounds.windows(2) {
        let (a, b) = (w[0], w[1]);
        let best = tokens
            .iter()
            .enumerate()
            .filter(|(_, t)| t.range.start <= a && b <= t.range.end)
            .max_by_key(|(i, t)| (t.kind.priority(), std::cmp::Reverse(*i)));
        let Some((i, t)) = best else { continue };
        match out.last_mut() {
            Some((last, li)) if *li == i && last.range.end == a => last.range.end = b,
            _ => out.push((
                Token {
                    range: a..b,
                    kind: t.kind,
                },
                i,
            )),
        }
    }
    out.into_iter().map(|(t, _)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::fixture::{url, Fixture};

    #[test]
    fn titles_speakers_references_and_libraries() {
        let f = Fixture::parse(
            "\
//- /a.md
# PEP 484 in Practice (Ada Example)
- uses `mypy`, see bpo-24915
//- /b.md
# Other (Bob Sample)
",
        );
        let s = f.snapshot();
        let u = url("/a.md");
        let text = f.text(&u);
        let got: Vec<(&str, TokenKind)> = semantic_tokens(&s, &u, None)
            .into_iter()
            .map(|t| (&text[t.range], t.kind))
            .collect();
        assert_eq!(
            got,
            vec![
                ("PEP 484", TokenKind::Pep),
                (" in Practice", TokenKind::TalkTitle),
                ("Ada Example", TokenKind::Speaker),
                ("mypy", TokenKind::Library),
                ("bpo-24915", TokenKind::Issue),
            ]
        );
        // A range: only the second line.
        let second = text.find("- uses").unwrap();
        let got: Vec<TokenKind> = semantic_tokens(&s, &u, Some(second..text.len()))
            .into_iter()
            .map(|t| t.kind)
            .collect();
        assert_eq!(got, vec![TokenKind::Library, TokenKind::Issue]);
    }
}
