//! `talknotes-ls catalog update` and `talknotes-ls catalog status`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{cache, Catalogs};
use crate::config::{Settings, CONFIG_FILE};

pub struct UpdateOptions {
    /// Skip the popular PyPI projects list.
    pub peps_only: bool,
    /// Download the PEP index from here (else settings, env, the official URL).
    pub pep_index_url: Option<String>,
    pub packages_url: Option<String>,
    pub config: Option<PathBuf>,
    pub timeout: Duration,
}

/// The settings of `config`, or of the nearest `talknotes.toml` above the
/// current folder.
fn settings(config: Option<&Path>) -> anyhow::Result<Settings> {
    if let Some(c) = config {
        return Settings::from_toml_file(c);
    }
    let cwd = std::env::current_dir()?;
    for dir in cwd.ancestors() {
        let c = dir.join(CONFIG_FILE);
        if c.is_file() {
            return Settings::from_toml_file(&c);
        }
    }
    Ok(Settings::default())
}

fn cache_dir() -> anyhow::Result<PathBuf> {
    cache::cache_dir()
        .ok_or_else(|| anyhow::anyhow!("no cache folder on this system: set TALKNOTES_CACHE_DIR"))
}

/// Exit codes: 0 everything downloaded, 1 a download failed (the cache
/// kept what it had), 2 usage error or offline.
pub fn update(opts: &UpdateOptions, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let mut run = || -> anyhow::Result<i32> {
        let settings = settings(opts.config.as_deref())?;
        if cache::offline(&settings) {
            writeln!(
                err,
                "talknotes-ls: offline (`offline = true` or TALKNOTES_OFFLINE): nothing downloaded"
            )?;
            return Ok(2);
        }
        let dir = cache_dir()?;
        let mut failed = false;
        let peps_url = opts
            .pep_index_url
            .clone()
            .unwrap_or_else(|| cache::peps_url(&settings));
        let mut jobs = vec![("PEP index", "PEPs", peps_url, true)];
        if !opts.peps_only {
            let url = opts
                .packages_url
                .clone()
                .unwrap_or_else(|| cache::packages_url(&settings));
            jobs.push(("PyPI projects", "projects", url, false));
        }
        for (what, unit, url, peps) in jobs {
            let result = if peps {
                cache::update_peps(&dir, &url, opts.timeout)
            } else {
                cache::update_packages(&dir, &url, opts.timeout)
            };
            match result {
                Ok(u) => writeln!(
                    out,
                    "{what}: {} {unit} from {url} → {}",
                    u.entries,
                    u.path.display()
                )?,
                Err(e) => {
                    failed = true;
                    writeln!(
                        err,
                        "talknotes-ls: {what} not updated (the cache keeps what it had): {e:#}"
                    )?;
                }
            }
        }
        Ok(if failed { 1 } else { 0 })
    };
    match run() {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(err, "talknotes-ls: {e:#}");
            2
        }
    }
}

pub fn status(config: Option<&Path>, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let mut run = || -> anyhow::Result<()> {
        let settings = settings(config)?;
        let dir = cache_dir()?;
        let catalogs = Catalogs::load(&settings.catalogs);
        write!(out, "{}", cache::status_report(&dir, &settings, &catalogs))?;
        Ok(())
    };
    match run() {
        Ok(()) => 0,
        Err(e) => {
            let _ = writeln!(err, "talknotes-ls: {e:#}");
            2
        }
    }
}
