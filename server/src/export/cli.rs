//! `talknotes-ls export` and `talknotes-ls report`: the same discovery,
//! settings and exit codes as `--check` (0 nothing at or above `--deny`,
//! 1 something is, 2 a usage or I/O error); the output is written in full
//! in every case but a usage error.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::model::{self, Export};
use super::report::render_html;
use crate::atomic_file::write as write_atomically;
use crate::check::{analyse_paths, Checked};
use crate::config::Severity;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Json,
    Csv,
}

pub struct ExportOptions {
    pub paths: Vec<PathBuf>,
    pub format: ExportFormat,
    /// None or `-`: standard output.
    pub output: Option<PathBuf>,
    pub deny: Severity,
    pub pep_index: Option<PathBuf>,
    pub config: Option<PathBuf>,
}

pub struct ReportOptions {
    pub paths: Vec<PathBuf>,
    /// `-`: standard output.
    pub output: PathBuf,
    pub deny: Severity,
    pub pep_index: Option<PathBuf>,
    pub config: Option<PathBuf>,
}

/// Analyses the paths and builds the export; the exit code it implies.
fn analyse(
    cwd: &Path,
    paths: &[PathBuf],
    config: Option<&Path>,
    pep_index: Option<&Path>,
    deny: Severity,
    err: &mut dyn Write,
) -> anyhow::Result<(Export, Checked, i32)> {
    let checked = analyse_paths(cwd, paths, config, pep_index)?;
    let export = model::build(&checked.snapshot, &checked.results, &checked.problems, cwd);
    for p in &export.errors {
        writeln!(err, "{}: error: {}", p.path, p.message)?;
    }
    let code = if !checked.problems.is_empty() {
        2
    } else if checked
        .results
        .iter()
        .flat_map(|(_, f)| f)
        .any(|f| f.severity >= deny)
    {
        1
    } else {
        0
    };
    Ok((export, checked, code))
}

pub fn run_export(opts: &ExportOptions, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    export_inner(opts, out, err).unwrap_or_else(|e| {
        let _ = writeln!(err, "talknotes-ls: {e:#}");
        2
    })
}

fn export_inner(
    opts: &ExportOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<i32> {
    {
        let cwd = std::env::current_dir()?;
        let (export, _, code) = analyse(
            &cwd,
            &opts.paths,
            opts.config.as_deref(),
            opts.pep_index.as_deref(),
            opts.deny,
            err,
        )?;
        let mut bytes = Vec::new();
        match opts.format {
            ExportFormat::Json => {
                serde_json::to_writer_pretty(&mut bytes, &export)?;
                bytes.push(b'\n');
            }
            ExportFormat::Csv => super::csv::write(&export, &mut bytes)?,
        }
        match opts.output.as_deref() {
            None => out.write_all(&bytes)?,
            Some(p) if p == Path::new("-") => out.write_all(&bytes)?,
            Some(p) => write_atomically(&cwd.join(p), &bytes)?,
        }
        Ok(code)
    }
}

pub fn run_report(opts: &ReportOptions, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    report_inner(opts, out, err).unwrap_or_else(|e| {
        let _ = writeln!(err, "talknotes-ls: {e:#}");
        2
    })
}

fn report_inner(
    opts: &ReportOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<i32> {
    {
        let cwd = std::env::current_dir()?;
        let (export, checked, code) = analyse(
            &cwd,
            &opts.paths,
            opts.config.as_deref(),
            opts.pep_index.as_deref(),
            opts.deny,
            err,
        )?;
        let title = super::report::workspace_title(&checked.snapshot);
        let html = render_html(&export, &title);
        if opts.output == Path::new("-") {
            out.write_all(html.as_bytes())?;
        } else {
            let path = cwd.join(&opts.output);
            write_atomically(&path, html.as_bytes())?;
            writeln!(
                err,
                "wrote {} ({} talks, {} diagnostics)",
                opts.output.display(),
                export.talks.len(),
                export.diagnostics.len()
            )?;
        }
        Ok(code)
    }
}
