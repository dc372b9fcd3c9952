//! `broken-link` and `schedule-link`.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use super::{Context, Finding, Rule};
use crate::index::{percent_decode, NoteFile};
use crate::model::{Link, LinkKind};

/// What a link's destination points at.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// `#anchor` in the same file.
    Anchor(String),
    /// A relative path, and the anchor after it if any.
    Relative {
        path: String,
        anchor: Option<String>,
    },
    /// `https://…`, `mailto:…`.
    Url,
    /// `/photos/2017/` — relative to a site root the notes do not know.
    SiteAbsolute,
    /// `example.org/talks`: a web address without its scheme.
    SchemeLess,
    Empty,
}

pub fn classify(target: &str) -> Target {
    let t = target.trim();
    if t.is_empty() {
        return Target::Empty;
    }
    if let Some(a) = t.strip_prefix('#') {
        return Target::Anchor(percent_decode(a));
    }
    if t.starts_with('/') {
        return Target::SiteAbsolute;
    }
    let scheme_end = t.find(':');
    if let Some(i) = scheme_end {
        let scheme = &t[..i];
        if !scheme.is_empty()
            && scheme
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
            && !(scheme.len() == 1 && t[i..].starts_with(":\\"))
        {
            return Target::Url;
        }
    }
    let (path, anchor) = match t.split_once('#') {
        Some((p, a)) => (p, Some(percent_decode(a))),
        None => (t, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    if looks_like_domain(path) {
        return Target::SchemeLess;
    }
    if path.is_empty() {
        return match anchor {
            Some(a) => Target::Anchor(a),
            None => Target::Empty,
        };
    }
    Target::Relative {
        path: percent_decode(path),
        anchor,
    }
}

/// `www.example.org`, `example.org/talks`, `us.pycon.org/2018/`.
fn looks_like_domain(path: &str) -> bool {
    let first = path.split('/').next().unwrap_or("");
    if first.starts_with("www.") {
        return true;
    }
    const TLDS: &[&str] = &[
        "com", "org", "net", "io", "dev", "edu", "gov", "co", "uk", "de", "fr", "be", "me", "info",
        "ly", "gl", "sh", "ai", "app", "page", "tv", "us", "ca", "au",
    ];
    let has_more = path.len() > first.len();
    match first.rsplit_once('.') {
        Some((host, tld)) => !host.is_empty() && has_more && TLDS.contains(&tld),
        None => false,
    }
}

/// Resolves `.` and `..` without touching the disk.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

pub fn broken_links(file: &NoteFile, cx: &Context, out: &mut Vec<Finding>) {
    let dir = file.path.as_deref().and_then(Path::parent);
    for link in file.model.links.load().iter() {
        if link.kind == LinkKind::Bare || link.kind == LinkKind::Autolink {
            continue;
        }
        if let LinkKind::Reference {
            label,
            defined: false,
        } = &link.kind
        {
            out.push(Finding::new(
                Rule::BrokenLink,
                link.range(),
                format!("reference “[{label}]” has no definition (`[{label}]: URL` is missing)"),
            ));
            continue;
        }
        let range = if link.target_range().is_empty() {
            link.range()
        } else {
            link.target_range()
        };
        match classify(link.target()) {
            Target::Empty => out.push(Finding::new(
                Rule::BrokenLink,
                link.range(),
                "link has an empty target".into(),
            )),
            Target::Anchor(anchor) => {
                if !has_anchor(file, &anchor) {
                    out.push(anchor_finding(file, file, link, &anchor, None));
                }
            }
            Target::Url => {
                if let Some(err) = url_error(link.target()) {
                    out.push(Finding::new(
                        Rule::BrokenLink,
                        range,
                        format!("“{}” is not a valid URL: {err}", link.target()),
                    ));
                }
            }
            Target::SchemeLess => out.push(
                Finding::new(
                    Rule::BrokenLink,
                    range.clone(),
                    format!(
                        "“{}” has no scheme: a renderer treats it as a relative path, not a web address",
                        link.target()
                    ),
                )
                .fix("Add https://", range.start..range.start, "https://"),
            ),
            Target::SiteAbsolute => {}
            Target::Relative { path, anchor } => {
                let Some(dir) = dir else { continue };
                let resolved = normalize(&dir.join(&path));
                let inside = cx.roots.is_empty() || cx.roots.iter().any(|r| resolved.starts_with(r));
                if !inside {
                    out.push(Finding::new(
                        Rule::BrokenLink,
                        range,
                        format!("“{path}” points outside the workspace; it is not followed"),
                    ));
                    continue;
                }
                if let Some(url) = cx.facts.paths.get(&resolved) {
                    if let Some(anchor) = anchor.filter(|a| !a.is_empty()) {
                        if let Some(target) = (cx.files)(url) {
                            if !has_anchor(&target, &anchor) {
                                out.push(anchor_finding(
                                    file,
                                    &target,
                                    link,
                                    &anchor,
                                    Some(&path),
                                ));
                            }
                        }
                    }
                    continue;
                }
                if !cx.fs.exists(&resolved) {
                    let f = Finding::new(
                        Rule::BrokenLink,
                        range,
                        format!("link target “{path}” does not exist"),
                    );
                    out.push(super::link_fixes::missing_note(
                        f, file, link, cx, &resolved,
                    ));
                }
            }
        }
    }
}

fn has_anchor(file: &NoteFile, anchor: &str) -> bool {
    let a = anchor.to_lowercase();
    file.model.headings.iter().any(|h| h.anchor() == a)
}

fn anchor_finding(
    file: &NoteFile,
    target: &NoteFile,
    link: &Link,
    anchor: &str,
    path: Option<&str>,
) -> Finding {
    let where_ = match path {
        Some(p) => format!("in “{p}”"),
        None => "in this file".to_string(),
    };
    let range = if link.target_range().is_empty() {
        link.range()
    } else {
        link.target_range()
    };
    let f = Finding::new(
        Rule::BrokenLink,
        range,
        format!("no heading matches “#{anchor}” {where_}"),
    );
    // The closest heading, as a hint of what was meant (and the fixes).
    let (mut f, best) = super::link_fixes::missing_anchor(f, file, link, target, anchor);
    if let Some(h) = best.and_then(|a| target.model.headings.iter().find(|h| h.anchor() == a)) {
        f.message
            .push_str(&format!(" (did you mean “#{}”?)", h.anchor()));
        f = f.related(&target.url, h.range(), format!("heading “{}”", h.text()));
    }
    f
}

fn url_error(target: &str) -> Option<String> {
    let lower = target.to_ascii_lowercase();
    if !(lower.starts_with("http:") || lower.starts_with("https:")) {
        return None;
    }
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return Some("expected “//” after the scheme".into());
    }
    match url::Url::parse(target) {
        Ok(u) if u.host_str().is_none_or(|h| h.is_empty()) => Some("it has no host".into()),
        Ok(_) => None,
        Err(e) => Some(e.to_string()),
    }
}

/// `https://us.pycon.org/2018/schedule/presentation/103/`.
static SCHEDULE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^https?://(?:[a-z0-9-]+\.)*pycon\.org/(?P<year>\d{4})/schedule/presentation/(?P<id>\d+)")
        .unwrap()
});

pub fn schedule_links(file: &NoteFile, _cx: &Context, out: &mut Vec<Finding>) {
    let year = file.model.conference.as_ref().and_then(|c| c.year);
    let mut first_use: HashMap<String, (usize, std::ops::Range<usize>)> = HashMap::new();
    for link in file.model.links.load().iter() {
        let Some(m) = SCHEDULE.captures(link.target()) else {
            continue;
        };
        let link_year: u16 = m["year"].parse().unwrap_or(0);
        let range = if link.target_range().is_empty() {
            link.range()
        } else {
            link.target_range()
        };
        if let (Some(conf), Some(c)) = (year, file.model.conference.as_ref()) {
            if link_year != conf {
                out.push(Finding::new(
                    Rule::ScheduleLink,
                    range.clone(),
                    format!(
                        "schedule link is for {link_year}, but this file is about {} {conf}",
                        c.name
                    ),
                ));
            }
        }
        let key = format!("{}/{}", &m["year"], &m["id"]);
        let Some((talk_index, talk)) = file.model.talk_at(link.range().start) else {
            continue;
        };
        match first_use.get(&key) {
            Some((other, other_range)) if *other != talk_index => {
                let other_talk = &file.model.talks[*other];
                out.push(
                    Finding::new(
                        Rule::ScheduleLink,
                        range,
                        format!(
                            "the same schedule page is linked from talk “{}”; “{}” links it too",
                            other_talk.title, talk.title
                        ),
                    )
                    .related(
                        &file.url,
                        other_range.clone(),
                        format!("linked from “{}”", other_talk.title),
                    ),
                );
            }
            Some(_) => {}
            None => {
                first_use.insert(key, (talk_index, range));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(classify("#intro"), Target::Anchor("intro".into()));
        assert_eq!(
            classify("talks/a%20b.md#x"),
            Target::Relative {
                path: "talks/a b.md".into(),
                anchor: Some("x".into())
            }
        );
        assert_eq!(classify("https://x.org"), Target::Url);
        assert_eq!(classify("mailto:a@b.c"), Target::Url);
        assert_eq!(classify("/photos/2017/05/22/pdx/"), Target::SiteAbsolute);
        assert_eq!(classify("example.org/talks"), Target::SchemeLess);
        assert_eq!(classify("www.example.org"), Target::SchemeLess);
        assert_eq!(
            classify("notes.md"),
            Target::Relative {
                path: "notes.md".into(),
                anchor: None
            }
        );
        assert_eq!(classify(""), Target::Empty);
    }

    #[test]
    fn urls() {
        assert_eq!(url_error("https://example.org/a"), None);
        assert!(url_error("https://exa mple.org").is_some());
        assert!(url_error("http:/example.org").is_some());
        assert_eq!(url_error("mailto:x@y"), None);
    }
}
