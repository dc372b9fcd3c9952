//! Folding ranges (per talk and per section) and selection ranges (word,
//! reference, talk line, talk, section, document).

use url::Url;

use super::target::{target_at, word_at};
use crate::analysis::Snapshot;
use crate::index::NoteFile;
use crate::model::TextRange;

/// Lines `start_line..=end_line` (0-based) fold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fold {
    pub start_line: u32,
    pub end_line: u32,
}

/// Each heading's section: from its line to the next heading of the same
/// or a higher level.
fn sections(file: &NoteFile) -> Vec<TextRange> {
    let text = &*file.text();
    let hs = &file.model.headings;
    hs.iter()
        .enumerate()
        .map(|(i, h)| {
            let start = text[..h.range().start].rfind('\n').map_or(0, |i| i + 1);
            let end = hs[i + 1..]
                .iter()
                .find(|n| n.level <= h.level)
                .map_or(text.len(), |n| {
                    text[..n.range().start].rfind('\n').map_or(0, |i| i + 1)
                });
            start..end.max(h.range().end)
        })
        .collect()
}

pub fn folding_ranges(snapshot: &Snapshot, url: &Url) -> Vec<Fold> {
    let Some(file) = snapshot.file(url) else {
        return Vec::new();
    };
    let text = &*file.text();
    let mut ranges: Vec<TextRange> = file
        .model
        .talks
        .iter()
        .map(|t| t.line_range().start.min(t.range().start)..t.range().end)
        .collect();
    ranges.extend(sections(&file));
    let mut out: Vec<Fold> = ranges
        .into_iter()
        .filter_map(|r| {
            // Trailing blank lines stay visible.
            let body = text[r.clone()].trim_end();
            let end = r.start + body.len();
            let start_line = file.lines.line_of(r.start) as u32;
            let end_line = file.lines.line_of(end.max(r.start)) as u32;
            (end_line > start_line).then_some(Fold {
                start_line,
                end_line,
            })
        })
        .collect();
    out.sort_by_key(|f| (f.start_line, std::cmp::Reverse(f.end_line)));
    // A talk heading and its section fold the same lines once.
    out.dedup_by_key(|f| f.start_line);
    out
}

/// The ranges around `offset`, innermost first, each strictly inside the next.
pub fn selection_ranges(snapshot: &Snapshot, url: &Url, offset: usize) -> Vec<TextRange> {
    let Some(file) = snapshot.file(url) else {
        return Vec::new();
    };
    let text = &*file.text();
    let offset = offset.min(text.len());
    let mut candidates: Vec<TextRange> = Vec::new();
    if let Some((_, r)) = word_at(text, offset) {
        candidates.push(r);
    }
    if let Some(t) = target_at(snapshot, &file, offset) {
        candidates.push(t.range().clone());
    }
    let line = super::line_at(text, offset);
    for t in &file.model.talks {
        if t.title_range().start <= offset && offset <= t.title_range().end {
            candidates.push(t.title_range());
        }
        if t.line_range().start <= offset && offset <= t.line_range().end {
            candidates.push(t.line_range());
        }
        if t.range().contains(&offset) {
            if let Some(n) = t.notes_range().filter(|n| n.contains(&offset)) {
                candidates.push(n);
            }
            candidates.push(t.range());
        }
    }
    candidates.push(line);
    candidates.extend(sections(&file).into_iter().filter(|s| s.contains(&offset)));
    candidates.push(0..text.len());
    candidates.retain(|r| r.start <= offset && offset <= r.end);
    candidates.sort_by_key(|r| (r.len(), std::cmp::Reverse(r.start)));
    let mut out: Vec<TextRange> = Vec::new();
    for r in candidates {
        match out.last() {
            Some(last) if !(r.start <= last.start && last.end <= r.end && r.len() > last.len()) => {
            }
            _ => out.push(r),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::fixture::{url, Fixture};

    const NOTES: &str = "\
//- /2017.md
# PyCon US 2017

# Effective Code Review (Erik Rose)
* Clarity of explanation

## Tact Hacks
* The question mark, PEP 8

# Dask (Matthew Rocklin)
* arrays

//- /2014.md
My notes from PyCon 2014.

Designing Poetic APIs – Erik Rose

  • Consistency
  • Brevity
";

    #[test]
    fn talks_and_sections_fold() {
        let f = Fixture::parse(NOTES);
        let s = f.snapshot();
        let folds = |p: &str| -> Vec<(u32, u32)> {
            folding_ranges(&s, &url(p))
                .into_iter()
                .map(|f| (f.start_line, f.end_line))
                .collect()
        };
        // The conference heading's section, each talk, the sub-section.
        assert_eq!(folds("/2017.md"), vec![(2, 6), (5, 6), (8, 9)]);
        assert_eq!(folds("/2014.md"), vec![(2, 5)]);
    }

    #[test]
    fn selection_grows_from_the_word_to_the_document() {
        let f = Fixture::parse(&NOTES.replace("PEP 8", "PEP $08"));
        let s = f.snapshot();
        let (u, offset) = f.cursor();
        let text = f.text(&u);
        let got: Vec<&str> = selection_ranges(&s, &u, offset)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(got[0], "8");
        assert_eq!(got[1], "PEP 8");
        assert_eq!(got[2], "* The question mark, PEP 8");
        assert!(got[3].starts_with("## Tact Hacks"), "{got:?}");
        assert!(got.last().unwrap().starts_with("# PyCon US 2017"));
        for w in got.windows(2) {
            assert!(w[1].len() > w[0].len());
        }
    }
}
