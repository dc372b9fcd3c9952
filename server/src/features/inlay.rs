//! Inlay hints: a PEP's title after each PEP reference (setting
//! `inlayHints.pepTitles`, on by default; needs a PEP index).

use url::Url;

use crate::analysis::Snapshot;
use crate::model::{PepForm, TextRange};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// Where the hint shows: right after the reference.
    pub offset: usize,
    pub label: String,
    pub tooltip: Option<String>,
}

pub fn pep_title_hints(snapshot: &Snapshot, url: &Url, range: TextRange) -> Vec<InlayHint> {
    if snapshot.settings.inlay_hints.pep_titles == Some(false) {
        return Vec::new();
    }
    let (Some(file), Some(index)) = (snapshot.file(url), snapshot.peps.as_deref()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let links = file.model.links.load();
    for p in file.model.peps.load().iter() {
        if p.range().end < range.start || p.range().start > range.end || p.form == PepForm::Slug {
            continue;
        }
        let in_destination = links.iter().any(|l| {
            l.target_range().start <= p.range().start && p.range().end <= l.target_range().end
        });
        if in_destination {
            continue;
        }
        let Some(pep) = index.get(p.number) else {
            continue;
        };
        // `PEP 509 - Add a private version to dict` says it already.
        if p.context
            .to_lowercase()
            .starts_with(&pep.title.to_lowercase())
        {
            continue;
        }
        out.push(InlayHint {
            offset: p.range().end,
            label: pep.title.clone(),
            tooltip: Some(format!("PEP {} – {} ({})", p.number, pep.title, pep.status)),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{InlayHints, Settings};
    use crate::features::fixture::{test_peps, url, Fixture};
    use std::sync::Arc;

    const NOTES: &str = "\
//- /a.md
# T (Ada Example)
- PEP 509 and Pep 484: notes
- PEP 503 - Simple Repository API
- [dict](https://www.python.org/dev/peps/pep-0509/), PEP 9999
//- /b.md
# U (Bob Sample)
- PEP 513
";

    #[test]
    fn titles_after_references_unless_written_or_switched_off() {
        let f = Fixture::parse(NOTES);
        let s = f.snapshot_with_peps();
        let u = url("/a.md");
        let text = f.text(&u);
        let got: Vec<(usize, String)> = pep_title_hints(&s, &u, 0..text.len())
            .into_iter()
            .map(|h| (h.offset, h.label))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    text.find("PEP 509").unwrap() + 7,
                    "Add a private version to dict".to_string()
                ),
                (text.find("Pep 484").unwrap() + 7, "Type Hints".to_string()),
            ]
        );
        // Only the requested range.
        let line2 = text.find("- PEP 503").unwrap();
        assert!(pep_title_hints(&s, &u, line2..text.len()).is_empty());
        // The setting turns them off.
        let settings = Settings {
            inlay_hints: InlayHints {
                pep_titles: Some(false),
            },
            ..Settings::default()
        };
        let from_toml: Settings = toml::from_str("[inlay_hints]\npep_titles = false\n").unwrap();
        assert_eq!(from_toml, settings, "the README's talknotes.toml form");
        let off = f.snapshot_with(Some(Arc::new(test_peps())), settings);
        assert!(pep_title_hints(&off, &u, 0..text.len()).is_empty());
        // The other file gets its own.
        let b = url("/b.md");
        assert_eq!(pep_title_hints(&s, &b, 0..100).len(), 1);
    }
}
