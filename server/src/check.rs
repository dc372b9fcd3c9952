//! `talknotes-ls --check`: the server's analysis over files and folders,
//! printed for people (`human`), programs (`json`) or GitHub Actions
//! (`github`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use url::Url;

use crate::analysis::Snapshot;
use crate::catalog::{cache, Catalogs, Packages, PepStatus};
use crate::config::{Settings, Severity, CONFIG_FILE};
use crate::discover;
use crate::index::NoteFile;
use crate::pep_index::PepIndex;
use crate::position::PositionEncoding;
use crate::rules::Finding;

mod sarif;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
    /// SARIF 2.1.0, for code-scanning upload.
    Sarif,
}

pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    pub format: Format,
    pub deny: Severity,
    pub pep_index: Option<PathBuf>,
    pub config: Option<PathBuf>,
    pub color: bool,
}

/// Exit codes: 0 clean, 1 findings at or above `--deny`, 2 usage or I/O.
pub fn run(opts: &CheckOptions, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    match run_inner(opts, out, err) {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(err, "talknotes-ls: {e:#}");
            2
        }
    }
}

/// The result of analysing the given paths, before any printing.
pub struct Checked {
    pub snapshot: Snapshot,
    pub results: Vec<(Arc<NoteFile>, Vec<Finding>)>,
    pub problems: Vec<Problem>,
}

/// A file that could not be read (I/O error, not UTF-8).
pub struct Problem {
    pub path: PathBuf,
    pub message: String,
}

/// Discovers, reads and analyses `paths` (relative to `cwd`), with settings
/// from `config` or the nearest `talknotes.toml`, and the PEP index from
/// `pep_index`, the settings or `TALKNOTES_PEP_INDEX`.
pub fn analyse_paths(
    cwd: &Path,
    paths: &[PathBuf],
    config: Option<&Path>,
    pep_index: Option<&Path>,
) -> anyhow::Result<Checked> {
    let cwd = cwd.to_path_buf();
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    // Roots are the folders given (or the folders of the files given).
    let mut roots = Vec::new();
    for p in &paths {
        let abs = absolute(&cwd, p);
        if !abs.exists() {
            anyhow::bail!("{}: no such file or folder", p.display());
        }
        let abs = abs.canonicalize().unwrap_or(abs);
        roots.push(if abs.is_dir() {
            abs
        } else {
            abs.parent().map(Path::to_path_buf).unwrap_or(abs)
        });
    }

    let mut settings = match config {
        Some(c) => Settings::from_toml_file(c)?,
        None => match find_config(&roots) {
            Some(c) => Settings::from_toml_file(&c)?,
            None => Settings::default(),
        },
    };
    if let Some(p) = pep_index {
        settings.pep_index = Some(absolute(&cwd, p));
    } else if settings.pep_index.is_none() {
        if let Some(p) = std::env::var_os("TALKNOTES_PEP_INDEX") {
            settings.pep_index = Some(absolute(&cwd, Path::new(&p)));
        }
    }
    let peps = match &settings.pep_index {
        Some(p) => Some(Arc::new(PepIndex::load(p)?)),
        None => None,
    };
    let (peps, catalogs) = load_catalogs(&settings, peps)?;
    let ignore = settings.ignore_matcher();

    // Files named on the command line are read whatever their extension;
    // folders are searched for notes.
    let mut files: Vec<PathBuf> = Vec::new();
    for (p, root) in paths.iter().zip(&roots) {
        let abs = absolute(&cwd, p);
        if abs.is_dir() {
            files.extend(discover::notes_in_named_folder(root, &ignore));
        } else {
            files.push(abs.canonicalize().unwrap_or(abs));
        }
    }
    files.sort();
    files.dedup();

    let read: Vec<Result<NoteFile, Problem>> = files
        .par_iter()
        .map(|path| {
            let text = discover::read_notes(path).map_err(|e| Problem {
                path: path.clone(),
                message: e.to_string(),
            })?;
            let url = Url::from_file_path(path).map_err(|_| Problem {
                path: path.clone(),
                message: "not an absolute path".into(),
            })?;
            Ok(NoteFile::analyse(url, &text, None))
        })
        .collect();
    let mut notes = Vec::new();
    let mut problems = Vec::new();
    for r in read {
        match r {
            Ok(f) => notes.push(Arc::new(f)),
            Err(p) => problems.push(p),
        }
    }
    let snapshot = Snapshot::with_catalogs(
        notes.clone(),
        peps,
        Arc::new(catalogs),
        Arc::new(settings),
        roots,
    );
    let results: Vec<(Arc<NoteFile>, Vec<Finding>)> = notes
        .par_iter()
        .map(|f| (f.clone(), snapshot.check_file(f)))
        .collect();

    Ok(Checked {
        snapshot,
        results,
        problems,
    })
}

/// The conference catalogs the settings name, the popular PyPI projects
/// and the PEP index from the download cache (when no PEP index is
/// configured). `--check` never downloads: `catalog update` does.
fn load_catalogs(
    settings: &Settings,
    peps: Option<Arc<PepIndex>>,
) -> anyhow::Result<(Option<Arc<PepIndex>>, Catalogs)> {
    for c in &settings.catalogs {
        if !c.exists() {
            anyhow::bail!("catalog {}: no such file or folder", c.display());
        }
    }
    let mut catalogs = Catalogs::load(&settings.catalogs);
    let (peps, status) = match (peps, &settings.pep_index) {
        (Some(p), Some(path)) => {
            let status = PepStatus::new(path, false, p.len());
            (Some(p), Some(status))
        }
        _ => match cache::cached_peps().filter(|p| p.is_file()) {
            Some(path) => match PepIndex::load(&path) {
                Ok(index) => {
                    let status = PepStatus::new(&path, true, index.len());
                    (Some(Arc::new(index)), Some(status))
                }
                Err(e) => {
                    tracing::warn!("the cached PEP index is unusable: {e:#}");
                    (None, None)
                }
            },
            None => (None, None),
        },
    };
    catalogs.pep_status = status;
    catalogs.packages = cache::cache_dir()
        .map(|d| d.join(cache::PACKAGES_FILE))
        .filter(|p| p.is_file())
        .and_then(|p| match Packages::load(&p) {
            Ok(list) => Some(Arc::new(list)),
            Err(e) => {
                tracing::warn!("{e:#}");
                None
            }
        });
    Ok((peps, catalogs))
}

fn run_inner(opts: &CheckOptions, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<i32> {
    let cwd = std::env::current_dir()?;
    let Checked {
        snapshot,
        results,
        problems,
    } = analyse_paths(
        &cwd,
        &opts.paths,
        opts.config.as_deref(),
        opts.pep_index.as_deref(),
    )?;
    let report = Report::new(&cwd, &results);
    match opts.format {
        Format::Human => report.human(out, opts.color, &snapshot)?,
        Format::Json => {
            serde_json::to_writer_pretty(
                &mut *out,
                &report.json(&problems, results.len(), &snapshot),
            )?;
            writeln!(out)?;
        }
        Format::Github => report.github(out)?,
        Format::Sarif => {
            serde_json::to_writer_pretty(&mut *out, &report.sarif(&problems, &snapshot))?;
            writeln!(out)?;
        }
    }
    for p in &problems {
        writeln!(err, "{}: error: {}", display_path(&cwd, &p.path), p.message)?;
    }
    for p in snapshot.catalogs.problems.iter() {
        writeln!(err, "warning: catalog {p}")?;
    }
    if opts.format == Format::Human {
        writeln!(err, "{}", report.summary(results.len()))?;
    }
    if !problems.is_empty() {
        return Ok(2);
    }
    let denied = results
        .iter()
        .flat_map(|(_, f)| f)
        .any(|f| f.severity >= opts.deny);
    Ok(if denied { 1 } else { 0 })
}

fn absolute(cwd: &Path, p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        cwd.join(p)
    }
}

/// The nearest `talknotes.toml` in a root or one of its parents.
fn find_config(roots: &[PathBuf]) -> Option<PathBuf> {
    for root in roots {
        for dir in root.ancestors() {
            let c = dir.join(CONFIG_FILE);
            if c.is_file() {
                return Some(c);
            }
        }
    }
    None
}

fn display_path(cwd: &Path, p: &Path) -> String {
    let cwd = cwd.canonicalize().unwrap_or(cwd.to_path_buf());
    p.strip_prefix(&cwd).unwrap_or(p).display().to_string()
}

/// A finding with its file, line and column resolved (1-based; columns
/// count Unicode characters).
struct Located<'a> {
    file: &'a NoteFile,
    path: String,
    finding: &'a Finding,
    start: (u32, u32),
    end: (u32, u32),
}

struct Report<'a> {
    items: Vec<Located<'a>>,
    cwd: PathBuf,
}

fn line_col(file: &NoteFile, offset: usize) -> (u32, u32) {
    let p = file.position(offset, PositionEncoding::Utf32);
    (p.line + 1, p.character + 1)
}

#[derive(Serialize)]
struct JsonReport<'a> {
    /// Bumped on any incompatible change of this format.
    version: u32,
    files_checked: usize,
    findings: Vec<JsonFinding<'a>>,
    errors: Vec<JsonError>,
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    path: String,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    rule: &'static str,
    severity: &'static str,
    message: &'a str,
    related: Vec<JsonRelated<'a>>,
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    path: String,
    line: u32,
    column: u32,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    title: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    new_text: &'a str,
}

#[derive(Serialize)]
struct JsonError {
    path: String,
    message: String,
}

#[derive(Serialize, Default)]
struct JsonSummary {
    error: usize,
    warning: usize,
    info: usize,
    hint: usize,
}

impl<'a> Report<'a> {
    fn new(cwd: &Path, results: &'a [(Arc<NoteFile>, Vec<Finding>)]) -> Report<'a> {
        let mut items = Vec::new();
        for (file, findings) in results {
            let path = file
                .path
                .as_deref()
                .map(|p| display_path(cwd, p))
                .unwrap_or_else(|| file.url.to_string());
            for f in findings {
                items.push(Located {
                    file,
                    path: path.clone(),
                    finding: f,
                    start: line_col(file, f.range.start),
                    end: line_col(file, f.range.end),
                });
            }
        }
        items.sort_by(|a, b| (&a.path, a.start).cmp(&(&b.path, b.start)));
        Report {
            items,
            cwd: cwd.to_path_buf(),
        }
    }

    fn counts(&self) -> JsonSummary {
        let mut s = JsonSummary::default();
        for i in &self.items {
            match i.finding.severity {
                Severity::Error => s.error += 1,
                Severity::Warning => s.warning += 1,
                Severity::Info => s.info += 1,
                Severity::Hint => s.hint += 1,
            }
        }
        s
    }

    fn summary(&self, files: usize) -> String {
        let c = self.counts();
        format!(
            "checked {files} file{}: {} error{}, {} warning{}, {} info, {} hint{}",
            if files == 1 { "" } else { "s" },
            c.error,
            if c.error == 1 { "" } else { "s" },
            c.warning,
            if c.warning == 1 { "" } else { "s" },
            c.info,
            c.hint,
            if c.hint == 1 { "" } else { "s" },
        )
    }

    fn related_path(&self, snapshot: &Snapshot, url: &Url) -> (String, Option<Arc<NoteFile>>) {
        let file = snapshot.file(url);
        let path = url
            .to_file_path()
            .map(|p| display_path(&self.cwd, &p))
            .unwrap_or_else(|_| url.to_string());
        (path, file)
    }

    fn human(&self, out: &mut dyn Write, color: bool, snapshot: &Snapshot) -> std::io::Result<()> {
        let paint = |code: &str, s: &str| {
            if color {
                format!("\x1b[{code}m{s}\x1b[0m")
            } else {
                s.to_string()
            }
        };
        for item in &self.items {
            let f = item.finding;
            let sev = match f.severity {
                Severity::Error => paint("1;31", "error"),
                Severity::Warning => paint("1;33", "warning"),
                Severity::Info => paint("1;36", "info"),
                Severity::Hint => paint("1;32", "hint"),
            };
            writeln!(
                out,
                "{}:{}:{}: {}[{}]: {}",
                paint("1", &item.path),
                item.start.0,
                item.start.1,
                sev,
                f.rule.code(),
                f.message
            )?;
            // The source line with a caret under the finding.
            let line_start = item
                .file
                .lines
                .line_start(item.start.0 as usize - 1)
                .unwrap_or(0);
            let text = item.file.text();
            let line_text = text[line_start..]
                .split('\n')
                .next()
                .unwrap_or("")
                .trim_end_matches('\r');
            let width = if item.end.0 == item.start.0 {
                (item.end.1 - item.start.1).max(1) as usize
            } else {
                line_text
                    .chars()
                    .count()
                    .saturating_sub(item.start.1 as usize - 1)
                    .max(1)
            };
            let gutter = format!("{}", item.start.0);
            writeln!(
                out,
                "{} | {}",
                paint("34", &gutter),
                line_text.replace('\t', " ")
            )?;
            writeln!(
                out,
                "{} | {}{}",
                " ".repeat(gutter.len()),
                " ".repeat(item.start.1 as usize - 1),
                paint("1;31", &"^".repeat(width))
            )?;
            for r in &f.related {
                let (path, file) = self.related_path(snapshot, &r.url);
                let (l, c) = file.map_or((1, 1), |file| line_col(&file, r.range.start));
                writeln!(out, "  = note: {path}:{l}:{c}: {}", r.message)?;
            }
            if let Some(fix) = &f.fix {
                writeln!(out, "  = fix: {}", fix.title)?;
            }
        }
        Ok(())
    }

    fn json(&self, problems: &[Problem], files: usize, snapshot: &Snapshot) -> JsonReport<'_> {
        let findings = self
            .items
            .iter()
            .map(|i| {
                let f = i.finding;
                JsonFinding {
                    path: i.path.clone(),
                    line: i.start.0,
                    column: i.start.1,
                    end_line: i.end.0,
                    end_column: i.end.1,
                    rule: f.rule.code(),
                    severity: f.severity.as_str(),
                    message: &f.message,
                    related: f
                        .related
                        .iter()
                        .map(|r| {
                            let (path, file) = self.related_path(snapshot, &r.url);
                            let (line, column) =
                                file.map_or((1, 1), |file| line_col(&file, r.range.start));
                            JsonRelated {
                                path,
                                line,
                                column,
                                message: &r.message,
                            }
                        })
                        .collect(),
                    fix: f.fix.as_ref().map(|fix| JsonFix {
                        title: &fix.title,
                        edits: fix
                            .edits
                            .iter()
                            .map(|e| {
                                let (l, c) = line_col(i.file, e.range.start);
                                let (el, ec) = line_col(i.file, e.range.end);
                                JsonEdit {
                                    line: l,
                                    column: c,
                                    end_line: el,
                                    end_column: ec,
                                    new_text: &e.new_text,
                                }
                            })
                            .collect(),
                    }),
                }
            })
            .collect();
        JsonReport {
            version: 1,
            files_checked: files,
            findings,
            errors: problems
                .iter()
                .map(|p| JsonError {
                    path: display_path(&self.cwd, &p.path),
                    message: p.message.clone(),
                })
                .collect(),
            summary: self.counts(),
        }
    }

    fn github(&self, out: &mut dyn Write) -> std::io::Result<()> {
        for i in &self.items {
            let f = i.finding;
            let level = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info | Severity::Hint => "notice",
            };
            writeln!(
                out,
                "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                gh_property(&i.path),
                i.start.0,
                i.start.1,
                i.end.0,
                i.end.1,
                gh_property(&format!("talknotes {}", f.rule.code())),
                gh_data(&f.message)
            )?;
        }
        Ok(())
    }
}

/// Workflow command escaping (the runner's `escapeData` / `escapeProperty`).
fn gh_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn gh_property(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}
