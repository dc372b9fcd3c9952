//! CSV: one row per talk, for spreadsheets. Lists in a cell (speakers,
//! links, PEPs, issues, libraries) are joined with `; `.

use std::io::Write;

use super::insights::conference_label;
use super::model::Export;

/// The header row.
pub const COLUMNS: [&str; 14] = [
    "id",
    "file",
    "line",
    "conference_id",
    "conference",
    "year",
    "title",
    "speakers",
    "keynote",
    "form",
    "links",
    "peps",
    "issues",
    "libraries",
];

pub fn write(e: &Export, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record(COLUMNS)?;
    for t in &e.talks {
        let conference = t
            .conference
            .as_ref()
            .and_then(|id| e.conferences.iter().find(|c| &c.id == id))
            .map(conference_label)
            .unwrap_or_default();
        let join = |v: Vec<String>| v.join("; ");
        w.write_record([
            t.id.clone(),
            t.file.clone(),
            t.line.to_string(),
            t.conference.clone().unwrap_or_default(),
            conference,
            t.year.map(|y| y.to_string()).unwrap_or_default(),
            t.title.clone(),
            join(t.speakers.clone()),
            t.keynote.to_string(),
            t.form.clone(),
            join(t.links.iter().map(|l| l.target.clone()).collect()),
            join(t.peps.iter().map(|p| p.to_string()).collect()),
            join(t.issues.iter().map(|i| i.text.clone()).collect()),
            join(t.libraries.clone()),
        ])?;
    }
    w.flush()?;
    Ok(())
}
