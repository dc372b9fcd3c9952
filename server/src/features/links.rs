//! Document links: PEP references to peps.python.org, `bpo-N` / `gh-N` /
//! `Issue N` to the CPython issue, schedule and video links, and links to
//! other notes (at their heading).

use url::Url;

use super::hover::issue_url;
use super::pep_url;
use super::target::link_destination;
use crate::analysis::Snapshot;
use crate::extract::is_talk_url;
use crate::model::{LinkKind, PepForm, TextRange};
use crate::rules::links::{classify, Target as LinkTarget};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentLink {
    pub range: TextRange,
    pub target: String,
    pub tooltip: Option<String>,
}

pub fn document_links(snapshot: &Snapshot, url: &Url) -> Vec<DocumentLink> {
    let Some(file) = snapshot.file(url) else {
        return Vec::new();
    };
    let m = &file.model;
    let links = m.links.load();
    let inside_link = |r: &TextRange| {
        links
            .iter()
            .any(|l| l.range().start <= r.start && r.end <= l.range().end)
    };
    let mut out = Vec::new();
    for p in m.peps.load().iter() {
        if p.form == PepForm::Slug || inside_link(&p.range()) {
            continue;
        }
        let tooltip = match snapshot.peps.as_ref().and_then(|i| i.get(p.number)) {
            Some(pep) => format!("PEP {} – {}", p.number, pep.title),
            None => format!("PEP {}", p.number),
        };
        out.push(DocumentLink {
            range: p.range(),
            target: pep_url(p.number),
            tooltip: Some(tooltip),
        });
    }
    for i in m.issues.load().iter() {
        let Some(n) = i.number else { continue };
        if inside_link(&i.range()) {
            continue;
        }
        out.push(DocumentLink {
            range: i.range(),
            target: issue_url(i.tracker, n),
            tooltip: Some("CPython issue".into()),
        });
    }
    for l in links.iter() {
        if matches!(l.kind, LinkKind::Reference { .. }) {
            continue;
        }
        match classify(l.target()) {
            LinkTarget::Url if is_talk_url(l.target()) && Url::parse(l.target()).is_ok() => {
                let lower = l.target().to_ascii_lowercase();
                let what = if lower.contains("/schedule/") {
                    "Schedule"
                } else {
                    "Video"
                };
                out.push(DocumentLink {
                    range: l.target_range(),
                    target: l.target().to_string(),
                    tooltip: Some(what.into()),
                });
            }
            LinkTarget::Anchor(_) | LinkTarget::Relative { .. } => {
                let Some((dest, heading)) = link_destination(snapshot, &file, l.target()) else {
                    continue;
                };
                let mut target = dest.clone();
                if let (Some(h), Some(f)) = (heading, snapshot.file(&dest)) {
                    // `#L12`: the line, as editors open file links.
                    target.set_fragment(Some(&format!("L{}", f.lines.line_of(h.start) + 1)));
                }
                out.push(DocumentLink {
                    range: l.target_range(),
                    target: target.to_string(),
                    tooltip: Some(format!("Open {}", super::file_name(snapshot, &dest))),
                });
            }
            _ => {}
        }
    }
    // A talk's title to its page in the conference's catalog (or its video).
    for l in crate::catalog::features::document_links(snapshot, url) {
        if !inside_link(&l.range) {
            out.push(DocumentLink {
                range: l.range,
                target: l.target,
                tooltip: Some(l.tooltip),
            });
        }
    }
    out.sort_by_key(|l| l.range.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::fixture::{url, Fixture};

    #[test]
    fn peps_issues_schedules_videos_and_notes() {
        let f = Fixture::parse(
            "\
//- /2017.md
# Grok the GIL (Ada Example)
[Talk overview](https://us.pycon.org/2017/schedule/presentation/320/)
- PEP 509, Pep503 and bpo-24915, gh-100 and Issue 27350
- [video](https://www.youtube.com/watch?v=x) and [dict](https://www.python.org/dev/peps/pep-0509/)
- [other notes](2014.md#designing-poetic-apis) and [blog](https://example.org/x)
//- /2014.md
# PyCon 2014

# Designing Poetic APIs
[Video](https://www.youtube.com/watch?v=y)
",
        );
        let s = f.snapshot_with_peps();
        let u = url("/2017.md");
        let got: Vec<(String, String, Option<String>)> = document_links(&s, &u)
            .into_iter()
            .map(|l| (f.text(&u)[l.range].to_string(), l.target, l.tooltip))
            .collect();
        let want = vec![
            (
                "https://us.pycon.org/2017/schedule/presentation/320/",
                "https://us.pycon.org/2017/schedule/presentation/320/",
                Some("Schedule"),
            ),
            (
                "PEP 509",
                "https://peps.python.org/pep-0509/",
                Some("PEP 509 – Add a private version to dict"),
            ),
            (
                "Pep503",
                "https://peps.python.org/pep-0503/",
                Some("PEP 503 – Simple Repository API"),
            ),
            (
                "bpo-24915",
                "https://bugs.python.org/issue24915",
                Some("CPython issue"),
            ),
            (
                "gh-100",
                "https://github.com/python/cpython/issues/100",
                Some("CPython issue"),
            ),
            (
                "Issue 27350",
                "https://bugs.python.org/issue27350",
                Some("CPython issue"),
            ),
            (
                "https://www.youtube.com/watch?v=x",
                "https://www.youtube.com/watch?v=x",
                Some("Video"),
            ),
            (
                "2014.md#designing-poetic-apis",
                "file:///ws/2014.md#L3",
                Some("Open 2014.md"),
            ),
        ];
        let want: Vec<(String, String, Option<String>)> = want
            .into_iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c.map(str::to_string)))
            .collect();
        assert_eq!(got, want);
    }
}
