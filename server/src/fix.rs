//! `talknotes-ls --check --fix`: applies the unambiguous `broken-link`
//! fixes (one candidate, and a close one: `Finding::fix`), then reports
//! what is left as `--check` does. `--fix --dry-run` prints the changes as
//! a unified diff and writes nothing.
//!
//! Each file is written atomically: the new text goes to a hidden temporary
//! file in the same folder (`.NAME.XXXXXX.talknotes-tmp`, never taken for a
//! note), gets the file's permissions, is flushed to disk, and is renamed
//! over the file — but only if the file still holds, right before the
//! rename, the bytes the fixes were computed from. A run killed midway
//! leaves every file either as it was or fully fixed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::check::{self, analyse_paths, CheckOptions, Checked, Format};
use crate::index::NoteFile;
use crate::position::PositionEncoding;
use crate::rules::Rule;

pub struct FixOptions {
    /// What to check (and how to report what is left).
    pub check: CheckOptions,
    pub dry_run: bool,
}

/// The fixes of one file.
#[derive(Debug)]
pub struct FilePlan {
    pub file: Arc<NoteFile>,
    pub path: PathBuf,
    pub new_text: String,
    /// (1-based line, column in characters, fix title), in text order.
    pub fixes: Vec<(u32, u32, String)>,
}

/// The files `--fix` would change, with their new text: each
/// `broken-link` finding's fix, leaving out an edit that overlaps an
/// earlier one (or the same definition edited for two links, once).
pub fn plan(checked: &Checked) -> Vec<FilePlan> {
    let mut plans = Vec::new();
    for (file, findings) in &checked.results {
        let Some(path) = file.path.clone() else {
            continue;
        };
        let mut edits: Vec<(std::ops::Range<usize>, &str)> = Vec::new();
        let mut fixes = Vec::new();
        for f in findings {
            let Some(fix) = f.fix.as_ref().filter(|x| x.create.is_none()) else {
                continue;
            };
            if f.rule != Rule::BrokenLink || fix.edits.is_empty() {
                continue;
            }
            if fix.edits.iter().any(|e| {
                edits.iter().any(|(r, _)| {
                    r.start < e.range.end && e.range.start < r.end
                        || (r.start == e.range.start && r.end == e.range.end)
                })
            }) {
                continue;
            }
            edits.extend(
                fix.edits
                    .iter()
                    .map(|e| (e.range.clone(), e.new_text.as_str())),
            );
            let p = file.position(f.range.start, PositionEncoding::Utf32);
            fixes.push((p.line + 1, p.character + 1, fix.title.clone()));
        }
        if edits.is_empty() {
            continue;
        }
        edits.sort_by_key(|(r, _)| r.start);
        let text = file.text();
        let mut new_text = text.to_string();
        for (r, t) in edits.iter().rev() {
            new_text.replace_range(r.clone(), t);
        }
        if new_text != *text {
            plans.push(FilePlan {
                file: file.clone(),
                path,
                new_text,
                fixes,
            });
        }
    }
    plans.sort_by(|a, b| a.path.cmp(&b.path));
    plans
}

/// What became of one file.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Written,
    /// The file changed since it was read: left alone.
    Changed,
}

/// Writes `new_text` over the file `plan` was computed from, atomically,
/// unless the file changed since it was read.
pub fn write_fixed(path: &Path, old_text: &str, new_text: &str) -> std::io::Result<Outcome> {
    let real = path.canonicalize()?;
    let current = std::fs::read(&real)?;
    // Notes are read with a BOM dropped: keep it.
    let (bom, body) = match current.strip_prefix(b"\xef\xbb\xbf") {
        Some(rest) => (&current[..3], rest),
        None => (&current[..0], &current[..]),
    };
    if body != old_text.as_bytes() {
        return Ok(Outcome::Changed);
    }
    let mut new = bom.to_vec();
    new.extend_from_slice(new_text.as_bytes());
    replace_if_unchanged(&real, &current, &new, || {})
}

/// Replaces the file at `path` by `new` if it still holds `expected`: a
/// temporary file in the same folder with the same permissions, flushed,
/// compared once more right before it is renamed over the file.
/// `before_rename` runs just before that last comparison (tests use it).
pub fn replace_if_unchanged(
    path: &Path,
    expected: &[u8],
    new: &[u8],
    before_rename: impl FnOnce(),
) -> std::io::Result<Outcome> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let permissions = std::fs::metadata(path)?.permissions();
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".talknotes-tmp")
        .tempfile_in(dir)?;
    tmp.write_all(new)?;
    tmp.as_file().set_permissions(permissions)?;
    tmp.as_file().sync_all()?;
    before_rename();
    if std::fs::read(path)? != expected {
        // Dropping `tmp` removes it.
        return Ok(Outcome::Changed);
    }
    tmp.persist(path).map_err(|e| e.error)?;
    // The rename itself, on disk (best effort: not every platform can).
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(Outcome::Written)
}

/// A unified diff of one plan, with paths relative to `cwd`.
pub fn diff(plan: &FilePlan, cwd: &Path) -> String {
    let shown = display(cwd, &plan.path);
    similar::TextDiff::from_lines(&*plan.file.text(), plan.new_text.as_str())
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{shown}"), &format!("b/{shown}"))
        .to_string()
}

fn display(cwd: &Path, p: &Path) -> String {
    let cwd = cwd.canonicalize().unwrap_or(cwd.to_path_buf());
    p.strip_prefix(&cwd).unwrap_or(p).display().to_string()
}

/// Exit codes: as `--check` for what is left after fixing (2 also when a
/// file could not be written); with `--dry-run`, 1 when something would
/// change, else 0.
pub fn run(opts: &FixOptions, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    match run_inner(opts, out, err) {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(err, "talknotes-ls: {e:#}");
            2
        }
    }
}

fn run_inner(opts: &FixOptions, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<i32> {
    let cwd = std::env::current_dir()?;
    let c = &opts.check;
    let checked = analyse_paths(&cwd, &c.paths, c.config.as_deref(), c.pep_index.as_deref())?;
    let plans = plan(&checked);
    let count: usize = plans.iter().map(|p| p.fixes.len()).sum();
    let files = |n: usize| if n == 1 { "file" } else { "files" };
    let links = |n: usize| if n == 1 { "link" } else { "links" };
    if opts.dry_run {
        for p in &plans {
            write!(out, "{}", diff(p, &cwd))?;
        }
        writeln!(
            err,
            "would fix {count} {} in {} {} (dry run: nothing written)",
            links(count),
            plans.len(),
            files(plans.len())
        )?;
        return Ok(if plans.is_empty() { 0 } else { 1 });
    }
    // What changed goes with the report for people, else to stderr (stdout
    // carries JSON or workflow commands).
    let mut log: Vec<String> = Vec::new();
    let (mut fixed, mut fixed_files, mut failed) = (0, 0, false);
    for p in &plans {
        let shown = display(&cwd, &p.path);
        match write_fixed(&p.path, &p.file.text(), &p.new_text) {
            Ok(Outcome::Written) => {
                fixed += p.fixes.len();
                fixed_files += 1;
                for (line, col, title) in &p.fixes {
                    log.push(format!("{shown}:{line}:{col}: fixed broken-link: {title}"));
                }
            }
            Ok(Outcome::Changed) => log.push(format!(
                "{shown}: changed since it was read; left alone (run --fix again)"
            )),
            Err(e) => {
                failed = true;
                writeln!(err, "{shown}: error: cannot write the fixes: {e}")?;
            }
        }
    }
    log.push(format!(
        "fixed {fixed} {} in {fixed_files} {}",
        links(fixed),
        files(fixed_files)
    ));
    let human = c.format == Format::Human;
    for line in &log {
        if human {
            writeln!(out, "{line}")?;
        } else {
            writeln!(err, "{line}")?;
        }
    }
    // What is left, as --check reports it.
    let code = check::run(c, out, err);
    Ok(if failed { 2 } else { code })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_changed_before_the_rename_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.md");
        std::fs::write(&path, "old").unwrap();
        // Someone saves the file between our read and our rename.
        let outcome = replace_if_unchanged(&path, b"old", b"fixed", || {
            std::fs::write(&path, "edited by hand").unwrap();
        })
        .unwrap();
        assert_eq!(outcome, Outcome::Changed);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "edited by hand");
        // No temporary file is left behind.
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["notes.md"]);
        // Unchanged: written, whole.
        let outcome = replace_if_unchanged(&path, b"edited by hand", b"fixed", || {}).unwrap();
        assert_eq!(outcome, Outcome::Written);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "fixed");
    }

    #[test]
    fn text_changed_since_the_analysis_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.md");
        std::fs::write(&path, "\u{feff}[a](./b.md)\n").unwrap();
        assert_eq!(
            write_fixed(&path, "[a](./c.md)\n", "[a](./d.md)\n").unwrap(),
            Outcome::Changed
        );
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "\u{feff}[a](./b.md)\n"
        );
        // The read text (BOM dropped) matches: written, the BOM kept.
        assert_eq!(
            write_fixed(&path, "[a](./b.md)\n", "[a](./bb.md)\n").unwrap(),
            Outcome::Written
        );
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "\u{feff}[a](./bb.md)\n"
        );
    }

    #[cfg(unix)]
    #[test]
    fn permissions_are_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.md");
        std::fs::write(&path, "x").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        replace_if_unchanged(&path, b"x", b"y", || {}).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }

    #[test]
    fn the_plan_takes_only_close_lone_link_fixes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("2019")).unwrap();
        std::fs::write(root.join("2019/containerless-django.md"), "# Django\n").unwrap();
        std::fs::write(root.join("speakers.md"), "# Speakers\n").unwrap();
        std::fs::write(root.join("speaker.md"), "# Speaker\n").unwrap();
        let index = "\
# Index
- [Django](./2019/containerless-djang.md) and [again][d]
- [who](speakers.markdown) and [gone](nothing-like-it.md) and PEP3156

[d]: ./2019/containerless-djang.md
";
        std::fs::write(root.join("index.md"), index).unwrap();
        let checked = analyse_paths(&root, &[], None, None).unwrap();
        let plans = plan(&checked);
        assert_eq!(plans.len(), 1, "{plans:?}");
        assert_eq!(
            plans[0].new_text,
            index.replace("containerless-djang.md", "containerless-django.md")
        );
        assert_eq!(
            plans[0]
                .fixes
                .iter()
                .map(|(l, c, _)| (*l, *c))
                .collect::<Vec<_>>(),
            [(2, 12), (2, 54)]
        );
        let d = diff(&plans[0], &root);
        assert!(d.starts_with("--- a/index.md\n+++ b/index.md\n@@"), "{d}");
        assert!(
            d.contains(
                "\n-[d]: ./2019/containerless-djang.md\n+[d]: ./2019/containerless-django.md\n"
            ),
            "{d}"
        );
    }
}
