//! An open note's parse, in pieces: one [`Syntax`] per piece of the text,
//! cut where [`cuts`] allows (a heading or a line of prose at column 0
//! after a blank line, outside fences and HTML blocks).
//!
//! tree-sitter's incremental reparse costs with the length of the run of
//! blocks around the edit, not with the edit: in a 220 KB note that is a
//! topic line and a short list, 300 times over with no heading, every
//! keystroke cost 2.5 ms of reparse once settled and up to 20 ms before
//! (`talknotes-bench --keystroke`). Cut into pieces of [`PIECE`] bytes, a
//! keystroke reparses the piece it is in; the other pieces keep their
//! syntax as it is, wherever the edit moves them (a piece's syntax is of
//! the piece's own text, its offsets relative to the piece's start).
//!
//! After an edit the pieces must still be cut where a cut is allowed: a
//! cut the edit made unsafe (a blank line removed before it, a fence
//! opened above it) joins its two pieces, and a piece an edit spans, or
//! that was joined, is parsed afresh, cut again where it can be. The
//! extraction reads the pieces one after the other and joins what it
//! read ([`crate::extract::Parsed`]): `tests/document_props.rs` checks
//! after random edits that every piece's syntax is a fresh parse of its
//! text, that every cut is allowed, and that the model equals the model
//! of one parse of the whole note.

use std::ops::RangeInclusive;
use std::sync::atomic::{AtomicU64, Ordering};

use tree_sitter::{InputEdit, Point};

use crate::extract::{cuts, Parsed};
use crate::syntax::Syntax;

/// An open note is cut into pieces of at least this many bytes where it
/// can be: small enough that the first keystrokes in a piece (which
/// reparse most of it, see [`crate::document::Settling`]) cost about a
/// millisecond, large enough that a piece holds many blocks.
pub const PIECE: usize = 8 * 1024;

/// A piece that edits made this many times longer than the pieces are
/// cut in is cut again (parsed afresh in pieces) at the next edit in it,
/// if it can be cut.
const REGROW: usize = 8;

#[derive(Clone, Debug)]
pub struct PiecedSyntax {
    /// In text order, the first at 0, each up to the next one's start.
    parts: Vec<Part>,
    /// The length of the text.
    len: usize,
    /// The pieces are cut at least this long ([`PIECE`]).
    min_piece: usize,
    /// Unique to this parse state (each parse and edit makes a new one).
    id: u64,
}

#[derive(Clone, Debug)]
struct Part {
    start: usize,
    /// The line the piece starts on (at column 0).
    row: usize,
    syntax: Syntax,
}

/// What the edits being applied did to a part.
enum Change {
    Kept,
    /// Edits inside the part, in its coordinates.
    Edited(Vec<InputEdit>),
    /// Spanned by an edit, or joined with a neighbour: parsed afresh.
    Fresh,
}

fn next_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl PiecedSyntax {
    /// Parses `text` from scratch, in pieces of at least [`PIECE`] bytes
    /// where it can be cut.
    pub fn parse(text: &str) -> PiecedSyntax {
        PiecedSyntax::parse_in_pieces(text, PIECE)
    }

    /// [`PiecedSyntax::parse`] in pieces of at least `min_piece` bytes
    /// (tests cut at nearly every place a cut is allowed).
    pub fn parse_in_pieces(text: &str, min_piece: usize) -> PiecedSyntax {
        let points = cuts::safe_points(text);
        let mut pieced = PiecedSyntax {
            parts: parse_parts(text, &points, 0, text.len(), 0, min_piece),
            len: text.len(),
            min_piece,
            id: next_id(),
        };
        pieced.whole_if_an_error(text);
        pieced
    }

    /// Makes the text one piece when a piece's tree has an error:
    /// tree-sitter's error recovery can reach across a cut (an `ERROR`
    /// that starts in a malformed table swallowed the headings after it),
    /// so a piece with an error may not read as the same text in the
    /// note. If the whole text parses without error, the pieces read
    /// differently: the note is not cut again.
    fn whole_if_an_error(&mut self, text: &str) {
        if self.parts.len() > 1 && self.parts.iter().any(|p| p.syntax.has_error()) {
            let syntax = Syntax::parse_on_demand(text);
            if !syntax.has_error() {
                self.min_piece = usize::MAX;
            }
            self.parts = vec![Part {
                start: 0,
                row: 0,
                syntax,
            }];
        }
    }

    /// Unique to this parse state: each parse and edit makes a new one
    /// (settling keeps it).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// How many pieces the text is in.
    pub fn len(&self) -> usize {
        self.parts.len()
    }

    /// Never true: an empty text is one empty piece.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// The byte range of piece `i`.
    pub fn range(&self, i: usize) -> std::ops::Range<usize> {
        let end = self.parts.get(i + 1).map_or(self.len, |p| p.start);
        self.parts[i].start..end
    }

    /// The syntax of piece `i` (of the text in [`PiecedSyntax::range`]).
    pub fn syntax(&self, i: usize) -> &Syntax {
        &self.parts[i].syntax
    }

    /// Applies several edits made one after the other (each described in
    /// the coordinates left by the previous ones) to the pieces; `text` is
    /// the text after all of them.
    pub fn edit_many(&mut self, edits: &[InputEdit], text: &str) {
        if edits.is_empty() {
            return;
        }
        let mut work: Vec<(Part, Change)> = std::mem::take(&mut self.parts)
            .into_iter()
            .map(|p| (p, Change::Kept))
            .collect();
        let mut len = self.len;
        for e in edits {
            if e.start_byte > e.old_end_byte || e.start_byte > e.new_end_byte {
                // Not something tree-sitter could be given either.
                self.reparse(text);
                return;
            }
            // The parts the edit touches: a contiguous run, the first one
            // holding its start (an insertion between two pieces goes to
            // the later one, one at the end of the text to the last).
            let n = work.len();
            let first = (0..n)
                .rfind(|&i| work[i].0.start <= e.start_byte)
                .unwrap_or(0);
            let mut last = first;
            while last + 1 < n && work[last + 1].0.start < e.old_end_byte {
                last += 1;
            }
            if first == last {
                let (part, change) = &mut work[first];
                let local = local_edit(e, part.start, part.row);
                match change {
                    Change::Kept => *change = Change::Edited(vec![local]),
                    Change::Edited(list) => list.push(local),
                    Change::Fresh => {}
                }
            } else {
                work.drain(first + 1..=last);
                work[first].1 = Change::Fresh;
            }
            for (part, _) in &mut work[first + 1..] {
                part.start = part.start - e.old_end_byte + e.new_end_byte;
                part.row = part.row + e.new_end_position.row - e.old_end_position.row;
            }
            len = len - e.old_end_byte + e.new_end_byte;
        }
        if len != text.len() {
            self.reparse(text);
            return;
        }

        // Join a piece to the one before when its cut is no longer allowed.
        let (points, checked) = cuts_after_edits(text, &work);
        let allowed = |at: usize| !checked.contains(&at) || points.binary_search(&at).is_ok();
        let mut joined: Vec<(Part, Change)> = Vec::with_capacity(work.len());
        for (part, change) in work {
            match joined.last_mut() {
                Some(previous) if !allowed(part.start) => {
                    previous.1 = Change::Fresh;
                }
                _ => joined.push((part, change)),
            }
        }

        let starts: Vec<usize> = joined.iter().map(|(p, _)| p.start).collect();
        for (i, (mut part, change)) in joined.into_iter().enumerate() {
            let (start, end) = (part.start, starts.get(i + 1).copied().unwrap_or(len));
            let change = match change {
                // Not one with an error: it would be made whole again.
                Change::Edited(_)
                    if end - start > REGROW.saturating_mul(self.min_piece)
                        && !part.syntax.has_error()
                        && !cuts::choose(&points, start, end, self.min_piece).is_empty() =>
                {
                    Change::Fresh
                }
                other => other,
            };
            match change {
                Change::Kept => self.parts.push(part),
                Change::Edited(edits) => {
                    part.syntax.edit_many_str(&edits, &text[start..end]);
                    self.parts.push(part);
                }
                Change::Fresh => {
                    let fresh = parse_parts(text, &points, start, end, part.row, self.min_piece);
                    self.parts.extend(fresh);
                }
            }
        }
        self.len = len;
        self.id = next_id();
        self.whole_if_an_error(text);
    }

    /// Parses `text` from scratch, in pieces as long as before.
    pub fn reparse(&mut self, text: &str) {
        *self = PiecedSyntax::parse_in_pieces(text, self.min_piece);
    }

    /// Reparses piece `i` as if the bytes `edit` covers (in the piece's
    /// coordinates) had been typed again (see [`Syntax::retype`]); `text`
    /// is the piece's text. Keeps the id.
    pub fn retype(&mut self, i: usize, edit: &InputEdit, text: &str) {
        self.parts[i].syntax.retype(edit, text);
    }

    /// The row piece `i` starts on.
    pub fn row(&self, i: usize) -> usize {
        self.parts[i].row
    }

    /// For tests: whether the pieces cover `text` (the text this syntax
    /// is of), each cut is allowed, each piece's row is right, and each
    /// piece's syntax dumps like a fresh parse of the piece's text.
    pub fn verify(&self, text: &str) -> Result<(), String> {
        let points = cuts::safe_points(text);
        if self.len != text.len() || self.parts.first().is_none_or(|p| p.start != 0) {
            return Err(format!("pieces of {} bytes for {}", self.len, text.len()));
        }
        for i in 0..self.parts.len() {
            let r = self.range(i);
            if r.start > r.end || (i > 0 && points.binary_search(&r.start).is_err()) {
                return Err(format!("piece {r:?}: not an allowed cut"));
            }
            let row = text[..r.start].matches('\n').count();
            if self.row(i) != row {
                return Err(format!("piece {r:?}: line {} for {row}", self.row(i)));
            }
            let piece = &text[r.clone()];
            let (kept, fresh) = (self.syntax(i).dump(piece), Syntax::parse(piece).dump(piece));
            if kept != fresh {
                return Err(format!("piece {r:?}:\n{kept}\nfresh:\n{fresh}"));
            }
        }
        Ok(())
    }
}

impl Parsed for PiecedSyntax {
    fn parts(&self) -> Vec<(usize, &Syntax)> {
        self.parts.iter().map(|p| (p.start, &p.syntax)).collect()
    }
}

/// The allowed cuts the pieces' new starts are checked against, and the
/// range they were looked for in (a start outside it is still allowed). The scan starts at the piece before the
/// first one an edit changed (its start is still an allowed cut: neither
/// it nor the text before it changed) and stops at the first piece after
/// the last changed one that starts at an allowed cut: from there the text
/// is as it was and reads the same whatever comes before (see
/// [`cuts::scan`]), so the later pieces' cuts still hold. A keystroke
/// scans a piece or two, not the note.
fn cuts_after_edits(text: &str, work: &[(Part, Change)]) -> (Vec<usize>, RangeInclusive<usize>) {
    let changed = |(_, c): &(Part, Change)| !matches!(c, Change::Kept);
    let first = work.iter().position(changed).unwrap_or(0);
    let last = work.iter().rposition(changed).unwrap_or(0);
    let from = work[first.saturating_sub(1)].0.start;
    let kept_after = &work[last + 1..];
    let (mut points, mut checked, mut next) = (Vec::new(), text.len(), 0);
    cuts::scan(text, from, |p| {
        points.push(p);
        while kept_after.get(next).is_some_and(|(k, _)| k.start < p) {
            next += 1;
        }
        if kept_after.get(next).is_some_and(|(k, _)| k.start == p) {
            checked = p;
            return false;
        }
        true
    });
    (points, from..=checked)
}

/// The parts of `text[start..end]` (which starts on line `row`), cut at
/// the allowed `points` into pieces of at least `min_piece` bytes, each
/// parsed afresh.
fn parse_parts(
    text: &str,
    points: &[usize],
    start: usize,
    end: usize,
    row: usize,
    min_piece: usize,
) -> Vec<Part> {
    let mut parts = Vec::new();
    let (mut at, mut row) = (start, row);
    for cut in cuts::choose(points, start, end, min_piece)
        .into_iter()
        .chain([end])
    {
        parts.push(Part {
            start: at,
            row,
            syntax: Syntax::parse_on_demand(&text[at..cut]),
        });
        row += memchr::memchr_iter(b'\n', &text.as_bytes()[at..cut]).count();
        at = cut;
    }
    parts
}

/// `e` in the coordinates of a piece starting at byte `start`, line `row`
/// (column 0), which holds `e`'s start.
fn local_edit(e: &InputEdit, start: usize, row: usize) -> InputEdit {
    let point = |p: Point| Point {
        row: p.row.saturating_sub(row),
        column: p.column,
    };
    InputEdit {
        start_byte: e.start_byte - start,
        old_end_byte: e.old_end_byte - start,
        new_end_byte: e.new_end_byte - start,
        start_position: point(e.start_position),
        old_end_position: point(e.old_end_position),
        new_end_position: point(e.new_end_position),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(text: &str, at: usize, remove: usize, insert: &str) -> (String, InputEdit) {
        let point = |t: &str, b: usize| Point {
            row: t[..b].matches('\n').count(),
            column: b - t[..b].rfind('\n').map_or(0, |i| i + 1),
        };
        let mut after = text.to_string();
        after.replace_range(at..at + remove, insert);
        let e = InputEdit {
            start_byte: at,
            old_end_byte: at + remove,
            new_end_byte: at + insert.len(),
            start_position: point(text, at),
            old_end_position: point(text, at + remove),
            new_end_position: point(&after, at + insert.len()),
        };
        (after, e)
    }

    /// Topic lines and short lists, `n` times: a cut before every topic.
    fn topics(n: usize) -> String {
        (0..n)
            .map(|i| format!("Topic {i}\n\n- a point about topic {i}\n- another one\n\n"))
            .collect()
    }

    fn check(pieced: &PiecedSyntax, text: &str) {
        if let Err(e) = pieced.verify(text) {
            panic!("{e}");
        }
    }

    #[test]
    fn a_long_note_is_cut_and_an_edit_reparses_one_piece() {
        let mut text = topics(800);
        let mut pieced = PiecedSyntax::parse(&text);
        assert!(pieced.len() > 4, "{} pieces", pieced.len());
        check(&pieced, &text);
        // In the first, a middle and the last piece: the pieces before and
        // after it are left alone.
        for fraction in [0.01, 0.5, 0.99] {
            let ids: Vec<u64> = (0..pieced.len()).map(|i| pieced.syntax(i).id()).collect();
            let at = (text.len() as f64 * fraction) as usize;
            let at = at + text[at..].find("- a").unwrap() + 3;
            let e;
            (text, e) = edit(&text, at, 0, "x");
            pieced.edit_many(&[e], &text);
            check(&pieced, &text);
            assert_eq!(pieced.len(), ids.len());
            let changed = (0..pieced.len())
                .filter(|&i| pieced.syntax(i).id() != ids[i])
                .count();
            assert_eq!(changed, 1, "at {fraction}");
        }
    }

    #[test]
    fn an_edit_that_makes_a_cut_unsafe_joins_the_pieces() {
        // Longer than REGROW pieces.
        let text = topics(2000);
        let mut pieced = PiecedSyntax::parse(&text);
        let n = pieced.len();
        // The blank line before the second piece's topic line, removed.
        let cut = pieced.range(1).start;
        let (text, e) = edit(&text, cut - 1, 1, "");
        pieced.edit_many(&[e], &text);
        check(&pieced, &text);
        assert!(pieced.range(1).start != cut - 1);
        // A fence opened at the top: no cut is allowed after it.
        let (text, e) = edit(&text, 0, 0, "```\n");
        pieced.edit_many(&[e], &text);
        check(&pieced, &text);
        assert_eq!(pieced.len(), 1);
        // Closed again: the next edit in it cuts it again.
        let (text, e) = edit(&text, 4, 0, "```\n\n");
        pieced.edit_many(&[e], &text);
        check(&pieced, &text);
        assert!(pieced.len() + 1 >= n, "{} pieces, {n} before", pieced.len());
    }

    #[test]
    fn a_note_is_one_piece_while_a_piece_has_an_error() {
        let text = topics(1000);
        let mut pieced = PiecedSyntax::parse(&text);
        assert!(pieced.len() > 2);
        // A malformed table: tree-sitter-md's recovery from it can swallow
        // what comes after the cut.
        let at = pieced.range(1).start + 10;
        let (text, e) = edit(
            &text,
            at,
            0,
            "\n| a | b |\n|| a |\n|---|\n---\n[a](b)| x |\n",
        );
        pieced.edit_many(&[e], &text);
        check(&pieced, &text);
        assert!(pieced.syntax(0).has_error());
        assert_eq!(pieced.len(), 1);
        // Still one piece after another edit: it is not cut again.
        let (text, e) = edit(&text, text.len() - 5, 0, "x");
        pieced.edit_many(&[e], &text);
        check(&pieced, &text);
        assert_eq!(pieced.len(), 1);
        assert_eq!(PiecedSyntax::parse(&text).len(), 1);
    }

    #[test]
    fn edits_across_pieces_and_at_the_ends() {
        let text = topics(1000);
        let mut pieced = PiecedSyntax::parse(&text);
        let (a, b) = (pieced.range(1).start - 10, pieced.range(2).start + 10);
        let (text, e1) = edit(&text, a, b - a, "joined\n\n");
        let (text, e2) = edit(&text, text.len(), 0, "Last\n");
        let (text, e3) = edit(&text, 0, 0, "First\n\n");
        pieced.edit_many(&[e1, e2, e3], &text);
        check(&pieced, &text);
        // An insertion right at a cut belongs to the piece after it.
        let cut = pieced.range(2).start;
        let (text, e) = edit(&text, cut, 0, "- ");
        pieced.edit_many(&[e], &text);
        check(&pieced, &text);
        let (text, e) = edit(&text, 0, text.len(), "");
        pieced.edit_many(&[e], &text);
        check(&pieced, &text);
        assert_eq!(pieced.len(), 1);
    }
}
