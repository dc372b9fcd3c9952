//! Code actions beyond the single quick fix each diagnostic carries (those
//! are rebuilt from `Diagnostic.data` in `lsp::convert::quick_fix`): "fix
//! all of this kind in the file", and all of them at once (`source.fixAll`).

use url::Url;

use super::TextEdit;
use crate::analysis::Snapshot;
use crate::rules::Rule;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixAll {
    /// None: every kind.
    pub rule: Option<Rule>,
    pub title: String,
    /// How many findings it fixes.
    pub count: usize,
    pub edits: Vec<TextEdit>,
}

/// The fixes of every finding of `rule` (every rule when None) in the file,
/// as one set of edits: an edit that would overlap an earlier one is left
/// out (its finding stays for the next round).
pub fn fix_all(snapshot: &Snapshot, url: &Url, rule: Option<Rule>) -> Option<FixAll> {
    let file = snapshot.file(url)?;
    let mut edits: Vec<TextEdit> = Vec::new();
    let mut count = 0;
    for f in snapshot.check_file(&file) {
        if rule.is_some_and(|r| r != f.rule) {
            continue;
        }
        let Some(fix) = f.fix else { continue };
        let overlaps = fix.edits.iter().any(|e| {
            edits.iter().any(|x| {
                x.range.start < e.range.end && e.range.start < x.range.end
                    || (x.range.is_empty() && e.range.is_empty() && x.range.start == e.range.start)
            })
        });
        if overlaps {
            continue;
        }
        count += 1;
        edits.extend(fix.edits.into_iter().map(|e| TextEdit {
            range: e.range,
            new_text: e.new_text,
        }));
    }
    if count == 0 {
        return None;
    }
    edits.sort_by_key(|e| e.range.start);
    let plural = if count == 1 { "" } else { "s" };
    let title = match rule {
        Some(r) => format!("Fix all {count} {} finding{plural} in this file", r.code()),
        None => format!("Fix all {count} talknotes finding{plural} in this file"),
    };
    Some(FixAll {
        rule,
        title,
        count,
        edits,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::fixture::{url, Fixture};

    #[test]
    fn fix_all_of_a_kind_across_the_file() {
        let f = Fixture::parse(
            "\
//- /2014.md
My notes from PyCon 2014.

Fan-in and Fan-out, Brett Slatkin

  • PEP3156 - asyncio, and Pep503 - the simple API

Track memory leaks in Python, Victor Stinger

  • notes
//- /2017.md
# PyCon US 2017

# Fan-in and Fan-out
- PEP484 too

# Optimizations (Victor Stinner)
",
        );
        let s = f.snapshot_with_peps();
        let u = url("/2014.md");
        let fix = fix_all(&s, &u, Some(Rule::PepFormat)).unwrap();
        assert_eq!(fix.title, "Fix all 2 pep-format findings in this file");
        let mut text = f.text(&u).to_string();
        for e in fix.edits.iter().rev() {
            text.replace_range(e.range.clone(), &e.new_text);
        }
        assert!(
            text.contains("PEP 3156 - asyncio, and PEP 503 - the simple API"),
            "{text}"
        );
        // Every kind at once, in the other file: the missing speaker and PEP 484.
        let u = url("/2017.md");
        let all = fix_all(&s, &u, None).unwrap();
        let mut text = f.text(&u).to_string();
        for e in all.edits.iter().rev() {
            text.replace_range(e.range.clone(), &e.new_text);
        }
        assert_eq!(all.count, 2, "{all:?}");
        assert!(
            text.contains("# Fan-in and Fan-out (Brett Slatkin)\n- PEP 484 too"),
            "{text}"
        );
        assert!(fix_all(&s, &u, Some(Rule::BrokenLink)).is_none());
    }
}
