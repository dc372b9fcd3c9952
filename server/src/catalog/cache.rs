//! The download cache: the PEP index (peps.python.org's `api/peps.json`)
//! and, when asked for, the list of popular PyPI projects, kept in the
//! user's cache folder (`$XDG_CACHE_HOME/talknotes-ls` or
//! `~/.cache/talknotes-ls` on Linux, `~/Library/Caches/talknotes-ls` on
//! macOS, `%LOCALAPPDATA%\talknotes-ls` on Windows; `TALKNOTES_CACHE_DIR`
//! overrides it).
//!
//! Downloads are atomic: the body is checked (it must parse, and hold
//! entries), written to a temporary file beside the cache, then renamed over
//! it. A failed, partial or malformed download never replaces a good cache.
//! Nothing here touches the network when [`offline`] says so.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::atomic_file::write as write_atomically;
use crate::config::Settings;
use crate::pep_index::PepIndex;

/// The official PEP index.
pub const PEPS_URL: &str = "https://peps.python.org/api/peps.json";
/// The most downloaded PyPI projects of the last 30 days, from Hugo van
/// Kemenade's top-pypi-packages (BigQuery's public PyPI download data,
/// refreshed monthly).
pub const PACKAGES_URL: &str =
    "https://hugovk.github.io/top-pypi-packages/top-pypi-packages.min.json";
pub const PEPS_FILE: &str = "peps.json";
pub const PACKAGES_FILE: &str = "top-pypi-packages.json";
const STATE_FILE: &str = "catalog-state.json";
/// A cache older than this is refreshed (by the server, in the background).
pub const MAX_AGE: Duration = Duration::from_secs(7 * 24 * 3600);
/// How long one download may take in all.
pub const TIMEOUT: Duration = Duration::from_secs(30);
/// Larger bodies are refused (the PEP index is ~0.5 MB).
const MAX_BYTES: u64 = 64 << 20;

/// The cache folder: `TALKNOTES_CACHE_DIR`, else the platform's.
pub fn cache_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("TALKNOTES_CACHE_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    dirs::cache_dir().map(|d| d.join("talknotes-ls"))
}

/// The cached PEP index's path (it may not exist).
pub fn cached_peps() -> Option<PathBuf> {
    cache_dir().map(|d| d.join(PEPS_FILE))
}

/// `offline = true` in the settings, or `TALKNOTES_OFFLINE=1`: no network.
pub fn offline(settings: &Settings) -> bool {
    settings.offline || env_offline()
}

fn env_offline() -> bool {
    std::env::var("TALKNOTES_OFFLINE").is_ok_and(|v| {
        let v = v.trim().to_lowercase();
        !v.is_empty() && v != "0" && v != "false" && v != "no"
    })
}

/// Where the PEP index is downloaded from: `pep_index_url` in the settings,
/// `TALKNOTES_PEP_INDEX_URL`, or the official index.
pub fn peps_url(settings: &Settings) -> String {
    settings
        .pep_index_url
        .clone()
        .or_else(|| std::env::var("TALKNOTES_PEP_INDEX_URL").ok())
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| PEPS_URL.to_string())
}

/// Where the popular-projects list is downloaded from: `packages_url`,
/// `TALKNOTES_PACKAGES_URL`, or top-pypi-packages.
pub fn packages_url(settings: &Settings) -> String {
    settings
        .packages_url
        .clone()
        .or_else(|| std::env::var("TALKNOTES_PACKAGES_URL").ok())
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| PACKAGES_URL.to_string())
}

/// A GET of `url`, the whole body, within `timeout`. HTTP errors (404),
/// time-outs, and bodies cut short are errors.
pub fn fetch(url: &str, timeout: Duration) -> anyhow::Result<Vec<u8>> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .user_agent(concat!("talknotes-ls/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut response = agent
        .get(url)
        .call()
        .with_context(|| format!("GET {url}"))?;
    let body = response
        .body_mut()
        .with_config()
        .limit(MAX_BYTES)
        .read_to_vec()
        .with_context(|| format!("reading the reply of {url}"))?;
    Ok(body)
}

/// What one update brought.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Updated {
    pub path: PathBuf,
    pub entries: usize,
    pub bytes: usize,
}

/// Downloads the PEP index into `dir`, checking it first.
pub fn update_peps(dir: &Path, url: &str, timeout: Duration) -> anyhow::Result<Updated> {
    update(dir, PEPS_FILE, url, timeout, |body| {
        let text = std::str::from_utf8(body).context("the PEP index is not UTF-8")?;
        let index = PepIndex::from_json(text, url)?;
        anyhow::ensure!(!index.is_empty(), "the PEP index holds no PEP");
        Ok(index.len())
    })
}

/// Downloads the popular-projects list into `dir`, checking it first.
pub fn update_packages(dir: &Path, url: &str, timeout: Duration) -> anyhow::Result<Updated> {
    update(dir, PACKAGES_FILE, url, timeout, |body| {
        let names = super::packages::parse(body)?;
        anyhow::ensure!(!names.is_empty(), "the list holds no project");
        Ok(names.len())
    })
}

fn update(
    dir: &Path,
    file: &str,
    url: &str,
    timeout: Duration,
    check: impl Fn(&[u8]) -> anyhow::Result<usize>,
) -> anyhow::Result<Updated> {
    let path = dir.join(file);
    let result = fetch(url, timeout).and_then(|body| {
        let entries = check(&body).with_context(|| format!("the reply of {url} was refused"))?;
        write_atomically(&path, &body)?;
        Ok(Updated {
            path: path.clone(),
            entries,
            bytes: body.len(),
        })
    });
    let now = rfc3339(SystemTime::now());
    record(dir, file, |s| {
        s.url = Some(url.to_string());
        s.last_attempt = Some(now.clone());
        match &result {
            Ok(u) => {
                s.updated = Some(now.clone());
                s.entries = Some(u.entries);
                s.last_error = None;
            }
            Err(e) => s.last_error = Some(format!("{e:#}")),
        }
    });
    result
}

/// What the cache folder remembers of each download.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ItemState {
    pub url: Option<String>,
    /// When the cached file was downloaded (RFC 3339, UTC).
    pub updated: Option<String>,
    pub entries: Option<usize>,
    pub last_attempt: Option<String>,
    /// Why the last attempt failed (cleared by a success).
    pub last_error: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct State {
    #[serde(default)]
    items: std::collections::BTreeMap<String, ItemState>,
}

fn read_state(dir: &Path) -> State {
    std::fs::read_to_string(dir.join(STATE_FILE))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

/// The remembered state of one cached file (`peps.json`, …).
pub fn item_state(dir: &Path, file: &str) -> ItemState {
    read_state(dir).items.remove(file).unwrap_or_default()
}

fn record(dir: &Path, file: &str, f: impl FnOnce(&mut ItemState)) {
    let mut state = read_state(dir);
    f(state.items.entry(file.to_string()).or_default());
    if let Ok(json) = serde_json::to_vec_pretty(&state) {
        if let Err(e) = write_atomically(&dir.join(STATE_FILE), &json) {
            tracing::debug!("cannot record the cache state: {e:#}");
        }
    }
}

pub fn rfc3339(t: SystemTime) -> String {
    humantime::format_rfc3339_seconds(t).to_string()
}

/// Is `path` missing, or older than [`MAX_AGE`]?
pub fn is_stale(path: &Path) -> bool {
    match std::fs::metadata(path).and_then(|m| m.modified()) {
        Ok(modified) => SystemTime::now()
            .duration_since(modified)
            .is_ok_and(|age| age > MAX_AGE),
        Err(_) => true,
    }
}

/// The day a file was downloaded (from the cache state) or last modified.
fn file_date(path: &Path) -> Option<String> {
    let from_state = path.parent().and_then(|dir| {
        let name = path.file_name()?.to_str()?;
        item_state(dir, name).updated
    });
    from_state
        .or_else(|| {
            let modified = std::fs::metadata(path).ok()?.modified().ok()?;
            Some(rfc3339(modified))
        })
        .map(|d| d.chars().take(10).collect())
}

/// Where the PEP index in use came from, for hover and `catalog status`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PepStatus {
    pub path: PathBuf,
    /// Read from the download cache (not a configured path).
    pub cached: bool,
    /// The day it was downloaded or last modified (`2026-11-20`).
    pub date: Option<String>,
    pub count: usize,
    /// The last background refresh failed: why.
    pub refresh_error: Option<String>,
}

impl PepStatus {
    pub fn new(path: &Path, cached: bool, count: usize) -> PepStatus {
        PepStatus {
            path: path.to_path_buf(),
            cached,
            date: file_date(path),
            count,
            refresh_error: None,
        }
    }
}

impl std::fmt::Display for PepStatus {
    /// `index from 2026-11-20, 737 PEPs`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.date {
            Some(d) => write!(f, "index from {d}, {} PEPs", self.count)?,
            None => write!(f, "index of {} PEPs", self.count)?,
        }
        if let Some(e) = &self.refresh_error {
            write!(f, " (refresh failed: {e})")?;
        }
        Ok(())
    }
}

/// `talknotes-ls catalog status`: what is cached, from when, how many
/// entries; and the catalogs the settings name.
pub fn status_report(dir: &Path, settings: &Settings, catalogs: &super::Catalogs) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(out, "cache: {}", dir.display());
    for (file, what, unit) in [
        (PEPS_FILE, "PEP index", "PEPs"),
        (PACKAGES_FILE, "PyPI projects", "projects"),
    ] {
        let path = dir.join(file);
        let state = item_state(dir, file);
        let exists = path.is_file();
        if exists {
            let entries = count_entries(&path, file)
                .map_or_else(|e| format!("unreadable: {e:#}"), |n| format!("{n} {unit}"));
            let date = file_date(&path).unwrap_or_else(|| "?".into());
            let stale = if is_stale(&path) {
                ", older than a week"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "{what}: {entries}, from {date}{stale} ({})",
                path.display()
            );
        } else {
            let _ = writeln!(
                out,
                "{what}: not downloaded (`talknotes-ls catalog update`)"
            );
        }
        if let Some(u) = &state.url {
            let _ = writeln!(out, "  source: {u}");
        }
        if let Some(e) = &state.last_error {
            let when = state.last_attempt.as_deref().unwrap_or("?");
            let _ = writeln!(out, "  last update failed ({when}): {e}");
        }
    }
    if let Some(p) = &settings.pep_index {
        let _ = writeln!(
            out,
            "pep_index in the settings: {} (used instead of the cache)",
            p.display()
        );
    }
    if offline(settings) {
        let _ = writeln!(out, "offline: the network is never used");
    }
    if catalogs.conferences.is_empty() && settings.catalogs.is_empty() {
        let _ = writeln!(
            out,
            "catalogs: none configured (`catalogs = [...]` in talknotes.toml)"
        );
    } else {
        let _ = writeln!(
            out,
            "catalogs: {} conferences, {} talks",
            catalogs.conferences.len(),
            catalogs.talk_count()
        );
        for c in catalogs.conferences.iter() {
            let _ = writeln!(
                out,
                "  {}: {} talks ({})",
                c.title,
                c.talks.len(),
                c.source.display()
            );
        }
    }
    for p in catalogs.problems.iter() {
        let _ = writeln!(out, "  problem: {p}");
    }
    out
}

fn count_entries(path: &Path, file: &str) -> anyhow::Result<usize> {
    let bytes = std::fs::read(path)?;
    if file == PEPS_FILE {
        let text = std::str::from_utf8(&bytes)?;
        Ok(PepIndex::from_json(text, "")?.len())
    } else {
        Ok(super::packages::parse(&bytes)?.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_reads_like_a_sentence() {
        let s = PepStatus {
            path: PathBuf::from("peps.json"),
            cached: true,
            date: Some("2026-11-20".into()),
            count: 737,
            refresh_error: None,
        };
        assert_eq!(s.to_string(), "index from 2026-11-20, 737 PEPs");
    }

    #[test]
    fn a_file_just_written_is_fresh() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/peps.json");
        write_atomically(&p, b"two").unwrap();
        assert!(!is_stale(&p));
        assert!(is_stale(&dir.path().join("missing.json")));
    }
}
