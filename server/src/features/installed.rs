//! The Python distributions installed for the `python3` on PATH (or the
//! interpreter named by `TALKNOTES_PYTHON`; set it empty to skip): names,
//! versions and summaries from each `*.dist-info/METADATA` (and
//! `*.egg-info/PKG-INFO`) in the folders of its `sys.path`. Read once, off
//! the request path: the server runs [`installed_distributions`] in a
//! background task at start-up.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::analysis::{normalize_dist_name, Distribution};
use crate::fuzzy::char_mask;

/// The interpreter to ask: `TALKNOTES_PYTHON`, else `python3`. None when
/// `TALKNOTES_PYTHON` is set but empty.
pub fn python() -> Option<PathBuf> {
    match std::env::var_os("TALKNOTES_PYTHON") {
        Some(p) if p.is_empty() => None,
        Some(p) => Some(PathBuf::from(p)),
        None => Some(PathBuf::from("python3")),
    }
}

/// Every distribution installed for `python`; empty when there is no such
/// interpreter (a note goes to the log).
pub fn installed_distributions(python: &Path) -> Vec<Distribution> {
    match site_dirs(python) {
        Ok(dirs) => read_distributions(&dirs),
        Err(e) => {
            tracing::info!(
                "no installed Python distributions for library completion ({}): {e}",
                python.display()
            );
            Vec::new()
        }
    }
}

/// The folders of the interpreter's `sys.path`.
pub fn site_dirs(python: &Path) -> std::io::Result<Vec<PathBuf>> {
    let out = Command::new(python)
        .args(["-I", "-c", "import sys\nfor p in sys.path:\n    print(p)"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()?;
    if !out.status.success() {
        return Err(std::io::Error::other(format!("exited with {}", out.status)));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(PathBuf::from)
        .filter(|p| p.is_dir())
        .collect())
}

/// The distributions in `dirs`, in order; the first of equal names wins
/// (as Python's import system would pick it), sorted by name.
pub fn read_distributions(dirs: &[PathBuf]) -> Vec<Distribution> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut entries: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let meta = if name.ends_with(".dist-info") {
                path.join("METADATA")
            } else if name.ends_with(".egg-info") {
                if path.is_dir() {
                    path.join("PKG-INFO")
                } else {
                    path.clone()
                }
            } else {
                continue;
            };
            let Ok(text) = std::fs::read_to_string(&meta) else {
                continue;
            };
            let Some(d) = parse_metadata(&text) else {
                continue;
            };
            if seen.insert(normalize_dist_name(&d.name)) {
                out.push(d);
            }
        }
    }
    out.sort_by_key(|d| d.name.to_lowercase());
    out
}

/// `Name:`, `Version:` and `Summary:` from the headers of a core metadata
/// file (RFC 822 style: headers up to the first blank line).
pub fn parse_metadata(text: &str) -> Option<Distribution> {
    let (mut name, mut version, mut summary) = (None, String::new(), String::new());
    for line in text.lines() {
        if line.trim().is_empty() {
            break;
        }
        if let Some((key, value)) = line.split_once(':') {
            let value = value.trim();
            match key.trim().to_ascii_lowercase().as_str() {
                "name" => name = Some(value.to_string()),
                "version" => version = value.to_string(),
                "summary" if value != "UNKNOWN" => summary = value.to_string(),
                _ => {}
            }
        }
    }
    let name = name.filter(|n| !n.is_empty())?;
    Some(Distribution {
        mask: char_mask(&name),
        name,
        version,
        summary,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn reads_metadata_headers_only() {
        let d = parse_metadata(
            "Metadata-Version: 2.1\nName: trio\nVersion: 0.22.0\nSummary: A friendly Python library for async concurrency and I/O\n\nName: not a header\n",
        )
        .unwrap();
        assert_eq!(
            (d.name.as_str(), d.version.as_str(), d.summary.as_str()),
            (
                "trio",
                "0.22.0",
                "A friendly Python library for async concurrency and I/O"
            )
        );
        assert!(parse_metadata("Version: 1\n").is_none());
        assert_eq!(
            parse_metadata("Name: x\nSummary: UNKNOWN\n")
                .unwrap()
                .summary,
            ""
        );
    }

    #[test]
    fn reads_dist_info_and_egg_info_first_wins() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        write(
            &a.path().join("trio-0.22.0.dist-info/METADATA"),
            "Name: trio\nVersion: 0.22.0\nSummary: Async I/O\n",
        );
        write(
            &a.path().join("old_thing.egg-info/PKG-INFO"),
            "Name: old-thing\nVersion: 1\n",
        );
        write(&a.path().join("trio/__init__.py"), "");
        write(
            &b.path().join("trio-0.1.dist-info/METADATA"),
            "Name: Trio\nVersion: 0.1\n",
        );
        write(
            &b.path().join("sympy-1.12.dist-info/METADATA"),
            "Name: sympy\nVersion: 1.12\nSummary: Computer algebra system (CAS) in Python\n",
        );
        let got: Vec<(String, String)> = read_distributions(&[a.path().into(), b.path().into()])
            .into_iter()
            .map(|d| (d.name, d.version))
            .collect();
        assert_eq!(
            got,
            vec![
                ("old-thing".to_string(), "1".to_string()),
                ("sympy".to_string(), "1.12".to_string()),
                ("trio".to_string(), "0.22.0".to_string()),
            ]
        );
    }

    #[test]
    fn asks_the_interpreter_for_its_path() {
        // A stand-in interpreter: a script that prints one folder.
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        write(
            &site.join("peep-3.1.dist-info/METADATA"),
            "Name: peep\nVersion: 3.1\nSummary: Hash checking for pip\n",
        );
        let fake = dir.path().join("python");
        write(
            &fake,
            &format!(
                "#!/bin/sh\necho '{}'\necho /no/such/folder\n",
                site.display()
            ),
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
            let got = installed_distributions(&fake);
            assert_eq!(got.len(), 1);
            assert_eq!(got[0].summary, "Hash checking for pip");
        }
        assert!(installed_distributions(&dir.path().join("missing")).is_empty());
    }
}
