//! The workspace as data and as a page: `talknotes-ls export` (JSON, CSV)
//! and `talknotes-ls report` (one self-contained HTML file).
//!
//! [`model::build`] turns a [`Snapshot`](crate::analysis::Snapshot) and its
//! findings into an [`Export`]: plain, ordered, serialisable data (the JSON
//! output, specified by `docs/export.schema.json`). Everything else renders
//! that value: [`csv`] one row per talk, [`insights`] the report's figures
//! (totals, timeline, speakers across conferences, most-mentioned
//! libraries and PEPs, diagnostics by rule and file), [`report`] the HTML.

pub mod cli;
pub mod conferences;
pub mod csv;
pub mod insights;
pub mod model;
pub mod report;
mod timeline;

pub use cli::{run_export, run_report, ExportFormat, ExportOptions, ReportOptions};
pub use model::{build, Export};
pub use report::{render_html, write_report};
