//! `talknotes-ls report`: one self-contained HTML file — inline CSS and
//! SVG, no script, nothing fetched (its Content-Security-Policy forbids
//! it) — that reads well in light and dark mode and on a phone.
//!
//! Templates are [maud] markup: checked at compile time, and every value is
//! HTML-escaped unless marked otherwise (notes are full of `<`, `&`, quotes).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use maud::{html, Markup, PreEscaped, DOCTYPE};
use rayon::prelude::*;

use super::insights::{self, Mentioned};
use super::model::{self, Export};
use super::timeline;
use crate::analysis::Snapshot;
use crate::index::NoteFile;
use crate::rules::Finding;

/// How many libraries and PEPs the report lists.
pub const TOP: usize = 12;

const CSS: &str = include_str!("report.css");

/// Renders the report for `e`. `title` names the workspace (a folder name).
pub fn render_html(e: &Export, title: &str) -> String {
    let totals = insights::totals(e);
    let timeline_entries = insights::timeline(e);
    let undated: Vec<_> = timeline_entries
        .iter()
        .filter(|t| t.year.is_none())
        .collect();
    let unnamed: Vec<_> = e
        .files
        .iter()
        .filter(|f| f.conference.is_none() && f.talks > 0)
        .collect();
    let across = insights::speakers_across_conferences(e);
    let libraries = insights::top_libraries(e, TOP);
    let peps = insights::top_peps(e, TOP);
    let health = insights::diagnostics_by_rule(e);
    let plural = |n: usize, one: &'static str, many: &'static str| if n == 1 { one } else { many };

    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta http-equiv="Content-Security-Policy"
                    content="default-src 'none'; style-src 'unsafe-inline'; img-src data:";
                meta name="color-scheme" content="light dark";
                meta name="generator" content={ "talknotes-ls " (env!("CARGO_PKG_VERSION")) };
                title { "Talk notes: " (title) }
                style { (PreEscaped(CSS)) }
            }
            body {
                header {
                    h1 { "Talk notes " span.muted { "· " (title) } }
                    p.muted {
                        (totals.files) " " (plural(totals.files, "file", "files")) " read"
                        @if e.pep_index { ", with a PEP index" }
                        @if !e.errors.is_empty() {
                            ", " (e.errors.len()) " not readable"
                        }
                        "."
                    }
                }
                main {
                    section #totals aria-labelledby="totals-h" {
                        h2 #totals-h { "Totals" }
                        dl.totals {
                            (stat("conferences", "Conferences", totals.conferences))
                            (stat("talks", "Talks", totals.talks))
                            (stat("speakers", "Speakers", totals.speakers))
                            (stat("without-speaker", "Talks without a speaker", totals.talks_without_speaker))
                        }
                    }

                    section #timeline aria-labelledby="timeline-h" {
                        h2 #timeline-h { "Conferences by year" }
                        @if timeline_entries.iter().any(|t| t.year.is_some()) {
                            (timeline::svg(&timeline_entries))
                        } @else {
                            p.muted { "No conference with a year." }
                        }
                        @if !undated.is_empty() {
                            p { "Without a year: "
                                @for (i, t) in undated.iter().enumerate() {
                                    @if i > 0 { ", " }
                                    (t.label) " (" (t.talks) " " (plural(t.talks, "talk", "talks")) ")"
                                }
                            }
                        }
                        @if !unnamed.is_empty() {
                            p.muted { "Files that name no conference: "
                                @for (i, f) in unnamed.iter().enumerate() {
                                    @if i > 0 { ", " }
                                    code { (f.path) } " (" (f.talks) " " (plural(f.talks, "talk", "talks")) ")"
                                }
                            }
                        }
                        @if !e.conferences.is_empty() {
                            details {
                                summary { "Conferences and their files" }
                                div.scroll {
                                    table {
                                        thead { tr { th { "Conference" } th.num { "Talks" } th { "Files (where the name was read)" } } }
                                        tbody {
                                            @for c in &e.conferences {
                                                tr {
                                                    td { (insights::conference_label(c)) }
                                                    td.num { (c.talks) }
                                                    td {
                                                        @for (i, f) in c.files.iter().enumerate() {
                                                            @if i > 0 { br; }
                                                            code { (f.path) }
                                                            " " span.muted { (f.source)
                                                                @if let Some(l) = f.line { " line " (l) } }
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }

                    section #speakers aria-labelledby="speakers-h" {
                        h2 #speakers-h { "Speakers seen at more than one conference" }
                        @if across.is_empty() {
                            p.muted { "None: every speaker appears at one conference only." }
                        }
                        ul.speakers {
                            @for s in &across {
                                li.speaker {
                                    div.who {
                                        strong.name { (s.name) }
                                        " " span.muted {
                                            (s.talks.len()) " " (plural(s.talks.len(), "talk", "talks"))
                                            " at " (s.conferences) " conferences"
                                        }
                                        @if !s.also_written.is_empty() {
                                            " " span.also { "also written "
                                                @for (i, a) in s.also_written.iter().enumerate() {
                                                    @if i > 0 { ", " }
                                                    q { (a) }
                                                }
                                            }
                                        }
                                    }
                                    ol.appearances {
                                        @for a in &s.talks {
                                            li {
                                                span.year { @match a.year { Some(y) => { (y) } None => { "—" } } }
                                                " "
                                                span.title { (a.title) }
                                                " " span.muted { (a.conference) }
                                                @for p in &a.places { " " code.place { (p) } }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }

                    section #mentions aria-labelledby="mentions-h" {
                        h2 #mentions-h { "Most mentioned" }
                        div.columns {
                            div #libraries {
                                h3 { "Libraries" }
                                (mention_list(&libraries, "No library mentioned."))
                            }
                            div #peps {
                                h3 { "PEPs" }
                                (mention_list(&peps, "No PEP mentioned."))
                                @if !e.pep_index && !peps.is_empty() {
                                    p.muted.small { "PEP titles appear when a PEP index is configured (" code { "pep_index" } ")." }
                                }
                            }
                        }
                    }

                    section #health aria-labelledby="health-h" {
                        h2 #health-h { "Link and data health" }
                        @if health.is_empty() && e.errors.is_empty() {
                            p.ok { "No diagnostics." }
                        } @else {
                            p {
                                (totals.diagnostics) " " (plural(totals.diagnostics, "diagnostic", "diagnostics"))
                                @for (sev, n) in severity_counts(e) {
                                    " · " span class={ "sev " (sev) } { (n) " " (sev) }
                                }
                            }
                        }
                        @if !e.errors.is_empty() {
                            div.rule {
                                h3 { "Files not read" }
                                ul.diags {
                                    @for err in &e.errors {
                                        li { code.place { (err.path) } " " span class="sev error" { "error" } " " (err.message) }
                                    }
                                }
                            }
                        }
                        @for g in &health {
                            div.rule id={ "rule-" (g.rule) } {
                                h3 { code { (g.rule) } " " span.count { (g.count) } }
                                @if !g.summary.is_empty() { p.muted.small { (g.summary) } }
                                @for (file, ds) in &g.files {
                                    h4 { code { (file) } }
                                    ul.diags {
                                        @for d in ds {
                                            li {
                                                code.place { (d.file) ":" (d.line) }
                                                " " span class={ "sev " (d.severity) } { (d.severity) }
                                                " " (d.message)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                footer.muted.small {
                    "Made by talknotes-ls " (env!("CARGO_PKG_VERSION")) " from the notes alone: nothing in this page was fetched."
                }
            }
        }
    };
    page.into_string()
}

fn stat(id: &str, label: &str, n: usize) -> Markup {
    html! {
        div.stat id={ "total-" (id) } {
            dt { (label) }
            dd { (n) }
        }
    }
}

fn mention_list(items: &[Mentioned], empty: &str) -> Markup {
    let max = items.iter().map(|m| m.mentions).max().unwrap_or(1).max(1);
    html! {
        @if items.is_empty() {
            p.muted { (empty) }
        } @else {
            ol.mentions {
                @for m in items {
                    li {
                        div.label {
                            strong { (m.name) }
                            @if let Some(d) = &m.detail { " " span.detail { (d) } }
                        }
                        div.meter {
                            span.bar style={ "width:" (m.mentions * 100 / max) "%" } {}
                            span.n { (m.mentions) }
                        }
                    }
                }
            }
        }
    }
}

fn severity_counts(e: &Export) -> Vec<(&'static str, usize)> {
    ["error", "warning", "info", "hint"]
        .into_iter()
        .map(|s| (s, e.diagnostics.iter().filter(|d| d.severity == s).count()))
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// A name for the workspace: the first root's folder name.
pub fn workspace_title(snapshot: &Snapshot) -> String {
    snapshot
        .roots
        .first()
        .and_then(|r| r.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "notes".into())
}

/// Analyses every file of `snapshot`, renders the report and writes it to
/// `output` (through a temporary file, so a reader never sees half of it).
/// Paths in the report are relative to `base`. Used by the editor command.
pub fn write_report(snapshot: &Snapshot, base: &Path, output: &Path) -> anyhow::Result<PathBuf> {
    let mut files: Vec<Arc<NoteFile>> = snapshot.files.values().cloned().collect();
    files.sort_by(|a, b| a.url.cmp(&b.url));
    let results: Vec<(Arc<NoteFile>, Vec<Finding>)> = files
        .par_iter()
        .map(|f| (f.clone(), snapshot.check_file(f)))
        .collect();
    let export = model::build(snapshot, &results, &[], base);
    let html = render_html(&export, &workspace_title(snapshot));
    crate::atomic_file::write(output, html.as_bytes())?;
    Ok(output.to_path_buf())
}
