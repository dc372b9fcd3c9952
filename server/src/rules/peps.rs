//! `pep-format`, `unknown-pep` and `pep-mismatch`.

use std::collections::HashSet;

use super::{Context, Finding, Rule};
use crate::index::NoteFile;
use crate::model::{PepForm, PepRef};
use crate::pep_index::PepIndex;

pub fn pep_rules(file: &NoteFile, cx: &Context, out: &mut Vec<Finding>) {
    let text = file.text();
    for pep in file.model.peps.load().iter() {
        let written = &text[pep.range()];
        if pep.form == PepForm::Unspaced {
            let fixed = format!("PEP {}", pep.number);
            out.push(
                Finding::new(
                    Rule::PepFormat,
                    pep.range(),
                    format!("write “{written}” as “{fixed}”"),
                )
                .fix(format!("Change to {fixed}"), pep.range(), fixed),
            );
        }
        let Some(index) = cx.peps else {
            continue;
        };
        match index.get(pep.number) {
            None => {
                let mut f = Finding::new(
                    Rule::UnknownPep,
                    pep.range(),
                    format!(
                        "no PEP has the number {} (PEP index: {} PEPs)",
                        pep.number,
                        index.len()
                    ),
                );
                if let Some(better) = better_fit(pep, index) {
                    let title = &index
                        .get(better)
                        .map(|p| p.title.clone())
                        .unwrap_or_default();
                    f.message
                        .push_str(&format!("; did you mean PEP {better} ({title})?"));
                    f = with_number_fix(f, file, pep, better);
                }
                out.push(f);
            }
            Some(current) => {
                if pep.form == PepForm::Slug {
                    continue;
                }
                if let Some(better) = better_fit(pep, index) {
                    let b = index.get(better).expect("candidate exists");
                    let f = Finding::new(
                        Rule::PepMismatch,
                        pep.range(),
                        format!(
                            "PEP {} is “{}”; the words “{}” fit PEP {} (“{}”), one digit away",
                            pep.number, current.title, pep.context, better, b.title
                        ),
                    );
                    out.push(with_number_fix(f, file, pep, better));
                }
            }
        }
    }
}

fn with_number_fix(f: Finding, file: &NoteFile, pep: &PepRef, better: u32) -> Finding {
    let written = &file.text()[pep.range()];
    let digits_at = written
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(written.len());
    let prefix = if pep.form == PepForm::Unspaced {
        "PEP ".to_string()
    } else {
        written[..digits_at].to_string()
    };
    let new_text = if pep.form == PepForm::Slug {
        format!("{prefix}{better:04}")
    } else {
        format!("{prefix}{better}")
    };
    f.fix(format!("Change to PEP {better}"), pep.range(), new_text)
}

const STOP: &[&str] = &[
    "the",
    "and",
    "for",
    "with",
    "from",
    "into",
    "that",
    "this",
    "are",
    "was",
    "its",
    "not",
    "but",
    "python",
    "pep",
    "peps",
    "new",
    "use",
    "using",
    "add",
    "adding",
    "support",
    "more",
    "most",
    "about",
    "some",
    "all",
    "has",
    "have",
    "now",
    "can",
    "will",
    "real",
    "world",
    "which",
    "what",
    "how",
    "only",
    "also",
    "other",
    "compatible",
    "like",
    "see",
    "details",
    "make",
    "makes",
];

fn tokens(s: &str) -> Vec<String> {
    let words: Vec<String> = s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut out: Vec<String> = words
        .iter()
        .filter(|w| {
            w.len() >= 3 && !STOP.contains(&w.as_str()) && !w.chars().all(|c| c.is_ascii_digit())
        })
        .map(|w| stem(w))
        .collect();
    // `Many Linux` is `manylinux`.
    for pair in words.windows(2) {
        out.push(stem(&format!("{}{}", pair[0], pair[1])));
    }
    out
}

fn stem(w: &str) -> String {
    let w = w.strip_suffix("es").filter(|s| s.len() >= 4).unwrap_or(w);
    let w = w.strip_suffix('s').filter(|s| s.len() >= 3).unwrap_or(w);
    w.to_string()
}

fn overlap(context: &[String], title: &str) -> usize {
    let title: HashSet<String> = tokens(title).into_iter().collect();
    context.iter().filter(|w| title.contains(*w)).count()
}

/// Numbers one typo away from `n`: a digit changed, added, dropped or two
/// swapped.
fn one_edit_away(n: u32) -> Vec<u32> {
    let s = n.to_string();
    let d: Vec<char> = s.chars().collect();
    let mut out = HashSet::new();
    for i in 0..d.len() {
        for c in '0'..='9' {
            let mut v = d.clone();
            v[i] = c;
            out.insert(v.iter().collect::<String>());
            let mut ins = d.clone();
            ins.insert(i, c);
            out.insert(ins.iter().collect::<String>());
        }
        let mut del = d.clone();
        del.remove(i);
        out.insert(del.iter().collect::<String>());
        if i + 1 < d.len() {
            let mut sw = d.clone();
            sw.swap(i, i + 1);
            out.insert(sw.iter().collect::<String>());
        }
    }
    for c in '0'..='9' {
        out.insert(format!("{s}{c}"));
    }
    out.into_iter()
        .filter(|x| !x.is_empty() && !x.starts_with('0'))
        .filter_map(|x| x.parse().ok())
        .filter(|&x| x != n)
        .collect()
}

/// The PEP one typo away whose title fits the words around the reference,
/// when the written number's title fits none of them and exactly one
/// neighbour fits.
fn better_fit(pep: &PepRef, index: &PepIndex) -> Option<u32> {
    let context = tokens(&pep.context);
    if context.is_empty() {
        return None;
    }
    if let Some(current) = index.get(pep.number) {
        if overlap(&context, &current.title) > 0 {
            return None;
        }
    }
    let mut scored: Vec<(usize, u32)> = one_edit_away(pep.number)
        .into_iter()
        .filter_map(|n| index.get(n).map(|p| (overlap(&context, &p.title), n)))
        .filter(|(score, _)| *score > 0)
        .collect();
    scored.sort_by(|a, b| b.cmp(a));
    match scored.as_slice() {
        [(best, n)] => (*best > 0).then_some(*n),
        [(best, n), (second, _), ..] if best > second => Some(*n),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neighbours() {
        let n = one_edit_away(503);
        assert!(n.contains(&513));
        assert!(n.contains(&53));
        assert!(n.contains(&5003));
        assert!(n.contains(&530));
        assert!(!n.contains(&503));
    }

    #[test]
    fn words_pick_the_right_pep() {
        let json = r#"{
          "503": {"number": 503, "title": "Simple Repository API"},
          "513": {"number": 513, "title": "A Platform Tag for Portable Linux Built Distributions"},
          "3156": {"number": 3156, "title": "Asynchronous IO Support Rebooted: the \"asyncio\" Module"}
        }"#;
        let index = PepIndex::from_json(json, "t").unwrap();
        let r = |number, context: &str| PepRef::new(number, 0..1, PepForm::Unspaced, context);
        assert_eq!(
            better_fit(&r(503, "Many Linux wheels is compatible"), &index),
            Some(513)
        );
        assert_eq!(better_fit(&r(503, "the simple repository"), &index), None);
        assert_eq!(better_fit(&r(3156, "asyncio"), &index), None);
        assert_eq!(better_fit(&r(503, ""), &index), None);
    }
}
