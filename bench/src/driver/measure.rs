//! The measurements: sessions of the real server over stdio, `--check`
//! runs, and the bare tree-sitter-md parse of the same files.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use talknotes_ls::index::NoteFile;

use crate::client::{file_uri, utf16_position, Client};

pub struct Options {
    pub sizes: Vec<usize>,
    pub repeat: usize,
    pub edits: usize,
    /// Untimed keystrokes between the first timed edits and the settled ones.
    pub settle: usize,
    pub requests: usize,
    pub seed: u64,
    pub server: Option<PathBuf>,
    pub work_dir: PathBuf,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            sizes: vec![100, 1000, 10_000],
            repeat: 3,
            edits: 60,
            settle: 200,
            requests: 200,
            seed: 1,
            server: None,
            work_dir: std::env::temp_dir(),
        }
    }
}

/// The longest any one wait may take.
const LONG: Duration = Duration::from_secs(1800);
const SHORT: Duration = Duration::from_secs(20);

/// A folder deleted when dropped.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(v: &[f64]) -> Option<f64> {
    percentile(v, 50.0)
}

/// Nearest-rank percentile.
fn percentile(v: &[f64], p: f64) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * s.len() as f64).ceil() as usize;
    Some(s[rank.clamp(1, s.len()) - 1])
}

/// Everything measured for one workspace size.
#[derive(Default)]
struct SizeReport {
    files: usize,
    bytes: u64,
    large_bytes: u64,
    init_ms: Vec<f64>,
    first_diag_ms: Vec<f64>,
    indexed_cold_ms: Vec<f64>,
    indexed_warm_ms: Vec<f64>,
    edit_ms: Vec<f64>,
    speaker_edit_ms: Vec<f64>,
    settled_edit_ms: Vec<f64>,
    edit_cpu_ms: Vec<f64>,
    speaker_edit_cpu_ms: Vec<f64>,
    completion_ms: Option<Vec<f64>>,
    symbol_ms: Option<Vec<f64>>,
    rss_mb: Vec<f64>,
    rss_warm_mb: Vec<f64>,
    /// The warm sessions' (from the index cache, parsed), from the log.
    warm_counts: Vec<(usize, usize)>,
    check_s: Vec<f64>,
    bare_parse_s: Vec<f64>,
    load: Vec<f64>,
}

pub fn run(opts: &Options) -> Result<(), String> {
    let bin = match &opts.server {
        Some(b) => b.clone(),
        None => build_server()?,
    };
    eprintln!("server: {}", bin.display());
    let mut reports = Vec::new();
    for &size in &opts.sizes {
        reports.push((size, measure_size(opts, &bin, size)?));
        // The table so far, on stderr: a long run can be read as it goes.
        eprint!("{}", table(&reports, opts));
    }
    print!("{}", table(&reports, opts));
    Ok(())
}

/// Builds the release server next to this binary and returns its path.
fn build_server() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let dir = exe.parent().ok_or("no folder for this binary")?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
    eprintln!("building the release server…");
    let status = Command::new(cargo)
        .args([
            "build",
            "--release",
            "-p",
            "talknotes-ls",
            "--bin",
            "talknotes-ls",
        ])
        .arg("--manifest-path")
        .arg(&manifest)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build failed: {status}"));
    }
    let bin = dir.join(format!("talknotes-ls{}", std::env::consts::EXE_SUFFIX));
    if !bin.is_file() {
        return Err(format!(
            "no server at {} (pass --server BIN)",
            bin.display()
        ));
    }
    Ok(bin)
}

fn measure_size(opts: &Options, bin: &Path, size: usize) -> Result<SizeReport, String> {
    let base = opts
        .work_dir
        .join(format!("talknotes-bench-{size}-{}", std::process::id()));
    let _guard = TempDir(base.clone());
    let root = base.join("notes");
    eprintln!("[{size}] generating into {}", root.display());
    let stats = talknotes_bench::try_generate(&root, size, opts.seed)
        .map_err(|e| format!("generating: {e}"))?;
    let root = root.canonicalize().map_err(|e| e.to_string())?;
    let notes = notes_files(&root);
    let mut report = SizeReport {
        files: stats.files,
        bytes: stats.bytes,
        ..SizeReport::default()
    };
    let (large, _) = notes
        .iter()
        .filter_map(|p| Some((p.clone(), std::fs::metadata(p).ok()?.len())))
        .max_by_key(|(_, len)| *len)
        .ok_or("no notes generated")?;
    report.large_bytes = std::fs::metadata(&large).map_or(0, |m| m.len());

    for run in 0..opts.repeat {
        // Every run starts with an empty cache: the first session is cold,
        // the second (same cache) warm.
        let cache = base.join(format!("cache-{run}"));
        let _ = std::fs::remove_dir_all(&cache);
        std::fs::create_dir_all(&cache).map_err(|e| e.to_string())?;
        eprintln!("[{size}] run {}: cold session", run + 1);
        let cold = session(bin, &root, &cache, &large, opts, true)?;
        report.init_ms.push(cold.init_ms);
        report.first_diag_ms.push(cold.first_diag_ms);
        report.indexed_cold_ms.push(cold.indexed_ms);
        report.edit_ms.extend(cold.edit_ms);
        report.speaker_edit_ms.extend(cold.speaker_edit_ms);
        report.settled_edit_ms.extend(cold.settled_edit_ms);
        report.edit_cpu_ms.push(cold.edit_cpu_ms);
        report.speaker_edit_cpu_ms.push(cold.speaker_edit_cpu_ms);
        if let Some(c) = cold.completion_ms {
            report.completion_ms.get_or_insert_with(Vec::new).extend(c);
        }
        if let Some(s) = cold.symbol_ms {
            report.symbol_ms.get_or_insert_with(Vec::new).extend(s);
        }
        report.rss_mb.push(cold.rss_mb);
        eprintln!("[{size}] run {}: warm session", run + 1);
        let warm = session(bin, &root, &cache, &large, opts, false)?;
        report.indexed_warm_ms.push(warm.indexed_ms);
        report.rss_warm_mb.push(warm.rss_mb);
        report.warm_counts.extend(warm.cache_counts);

        eprintln!("[{size}] run {}: --check and bare parse", run + 1);
        report.check_s.push(check(bin, &root, &cache)?);
        report.bare_parse_s.push(bare_parse(&notes));
        report.load.extend(load_average());
    }
    Ok(report)
}

/// The markdown notes under `root`, as the generator writes them.
fn notes_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("md" | "markdown")
            ) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

struct Session {
    init_ms: f64,
    first_diag_ms: f64,
    indexed_ms: f64,
    edit_ms: Vec<f64>,
    speaker_edit_ms: Vec<f64>,
    /// Edits in notes after `settle` more keystrokes (see `Options`).
    settled_edit_ms: Vec<f64>,
    /// The server's CPU time (user + system) per edit, from /proc.
    edit_cpu_ms: f64,
    speaker_edit_cpu_ms: f64,
    completion_ms: Option<Vec<f64>>,
    symbol_ms: Option<Vec<f64>>,
    rss_mb: f64,
    /// (notes from the index cache, notes parsed), when the log says.
    cache_counts: Option<(usize, usize)>,
}

/// `indexed N notes files: X from the index cache, Y parsed` → (X, Y),
/// waiting a little for the line (it follows the progress end).
fn cache_counts(c: &Client) -> Option<(usize, usize)> {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let log = c.stderr_tail();
        if let Some(line) = log
            .lines()
            .rev()
            .find(|l| l.contains(" from the index cache, "))
        {
            let number_before = |word: &str| -> Option<usize> {
                line[..line.find(word)?]
                    .split_whitespace()
                    .last()?
                    .parse()
                    .ok()
            };
            return number_before(" from the index cache").zip(number_before(" parsed"));
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn is_diagnostics_for(m: &Value, uri: &str) -> bool {
    m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
}

/// One server session on `root`: start-up figures always; edits and
/// requests when `full`.
fn session(
    bin: &Path,
    root: &Path,
    cache: &Path,
    large: &Path,
    opts: &Options,
    full: bool,
) -> Result<Session, String> {
    let mut c = Client::spawn(
        bin,
        &[("TALKNOTES_CACHE_DIR", cache), ("XDG_CACHE_HOME", cache)],
    )
    .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
    let root_uri = file_uri(root);
    let (id, _) = c.request(
        "initialize",
        json!({
            "processId": std::process::id(),
            "rootUri": root_uri,
            "workspaceFolders": [{"uri": root_uri, "name": "notes"}],
            "capabilities": {
                "general": {"positionEncodings": ["utf-16"]},
                "window": {"workDoneProgress": true},
                "textDocument": {
                    "publishDiagnostics": {"relatedInformation": true, "versionSupport": true},
                    "completion": {"completionItem": {"snippetSupport": false}}
                }
            }
        }),
    );
    let init = c.response(id, SHORT)?;
    let caps = init.msg["result"]["capabilities"].clone();
    let init_ms = ms(init.at - c.spawned);
    let has = |k: &str| {
        caps.get(k)
            .is_some_and(|v| !v.is_null() && *v != json!(false))
    };
    let completion = has("completionProvider");
    let symbols = has("workspaceSymbolProvider");

    c.notify("initialized", json!({}));
    let text = std::fs::read_to_string(large).map_err(|e| e.to_string())?;
    let uri = file_uri(large);
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
    let first = c.wait("first diagnostics", LONG, |m| is_diagnostics_for(m, &uri))?;
    let first_diag_ms = ms(first.at - c.spawned);
    let end = c.wait("indexing end", LONG, |m| {
        m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end"
    })?;
    let indexed_ms = ms(end.at - c.spawned);
    // The diagnostics computed over the whole workspace: unless the first
    // ones already came after the end of indexing (a warm start can index
    // before the opened note's first diagnostics are out), wait for them.
    let indexed_at = end.at;
    let settle = |m: &Value| is_diagnostics_for(m, &uri);
    if first.at < indexed_at {
        loop {
            let d = c.wait("diagnostics after indexing", LONG, settle)?;
            if d.at >= indexed_at {
                break;
            }
        }
    }
    std::thread::sleep(Duration::from_millis(200));
    c.discard_pending();

    let mut s = Session {
        init_ms,
        first_diag_ms,
        indexed_ms,
        edit_ms: Vec::new(),
        speaker_edit_ms: Vec::new(),
        settled_edit_ms: Vec::new(),
        edit_cpu_ms: f64::NAN,
        speaker_edit_cpu_ms: f64::NAN,
        completion_ms: None,
        symbol_ms: None,
        rss_mb: 0.0,
        cache_counts: cache_counts(&c),
    };
    if full {
        let spots = Spots::find(large, &text)?;
        let mut version = 1;
        let pid = c.pid();
        let per_edit = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) if opts.edits > 0 => (b - a) / opts.edits as f64,
            _ => f64::NAN,
        };
        let mut type_at = |c: &mut Client, offset: usize, count: usize| {
            edits(c, &uri, &text, offset, count, &mut version)
        };
        let cpu0 = cpu_ms(pid);
        s.edit_ms = type_at(&mut c, spots.notes_line_end, opts.edits)?;
        let cpu1 = cpu_ms(pid);
        s.speaker_edit_ms = type_at(&mut c, spots.speaker_end, opts.edits)?;
        let cpu2 = cpu_ms(pid);
        s.edit_cpu_ms = per_edit(cpu0, cpu1);
        s.speaker_edit_cpu_ms = per_edit(cpu1, cpu2);
        // The first keystrokes after opening a long flat list cost more
        // than later ones (tree-sitter cannot reuse the nodes of the first,
        // full parse; see bench/README.md): time typing again once the
        // note has seen `settle` more keystrokes.
        type_at(&mut c, spots.notes_line_end, opts.settle)?;
        s.settled_edit_ms = type_at(&mut c, spots.notes_line_end, opts.edits)?;
        if completion {
            let (line, character) = utf16_position(&text, spots.speaker_inside);
            let mut v = Vec::new();
            for _ in 0..opts.requests {
                let (id, sent) = c.request(
                    "textDocument/completion",
                    json!({
                        "textDocument": {"uri": uri},
                        "position": {"line": line, "character": character},
                        "context": {"triggerKind": 1}
                    }),
                );
                let r = c.response(id, SHORT)?;
                v.push(ms(r.at - sent));
            }
            s.completion_ms = Some(v);
        }
        if symbols {
            let mut v = Vec::new();
            for i in 0..opts.requests {
                let query = &spots.queries[i % spots.queries.len()];
                let (id, sent) = c.request("workspace/symbol", json!({"query": query}));
                let r = c.response(id, SHORT)?;
                v.push(ms(r.at - sent));
            }
            s.symbol_ms = Some(v);
        }
    }
    s.rss_mb = peak_rss_mb(c.pid()).unwrap_or(f64::NAN);
    c.shutdown();
    Ok(s)
}

/// Where the benchmark edits and asks, found with the server's own model.
pub(crate) struct Spots {
    /// The end of a notes line in a talk in the middle of the file.
    pub(crate) notes_line_end: usize,
    /// The end of a speaker's name in the middle of the file (an edit
    /// there changes the workspace-wide facts).
    speaker_end: usize,
    /// Two characters into that name (completion).
    speaker_inside: usize,
    /// workspace/symbol queries: prefixes of speakers' names.
    queries: Vec<String>,
}

impl Spots {
    pub(crate) fn find(path: &Path, text: &str) -> Result<Spots, String> {
        let url = url::Url::from_file_path(path).map_err(|_| "not an absolute path")?;
        let file = NoteFile::analyse(url, text, None);
        let talks = &file.model.talks;
        let n = talks.len();
        let mid = |pred: &dyn Fn(&talknotes_ls::model::Talk) -> bool| {
            (0..n)
                .map(|i| (n / 2 + i) % n.max(1))
                .find(|&i| pred(&talks[i]))
        };
        let notes_line_end = mid(&|t| note_line_end(text, t).is_some())
            .and_then(|i| note_line_end(text, &talks[i]))
            .ok_or("no talk with notes in the large file")?;
        let with_speaker =
            mid(&|t| !t.speakers.is_empty()).ok_or("no speaker in the large file")?;
        let speaker = &talks[with_speaker].speakers[0];
        let speaker_inside = text[speaker.range()]
            .char_indices()
            .nth(2)
            .map_or(speaker.range().start, |(i, _)| speaker.range().start + i);
        let mut queries: Vec<String> = talks
            .iter()
            .flat_map(|t| &t.speakers)
            .map(|s| s.name.chars().take(3).collect::<String>())
            .collect();
        queries.sort();
        queries.dedup();
        if queries.is_empty() {
            queries.push("py".into());
        }
        Ok(Spots {
            notes_line_end,
            speaker_end: speaker.range().end,
            speaker_inside,
            queries,
        })
    }
}

/// The end of the first prose line of the talk's notes.
fn note_line_end(text: &str, talk: &talknotes_ls::model::Talk) -> Option<usize> {
    let notes = talk.notes_range()?;
    let mut at = notes.start;
    for line in text[notes.clone()].split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let t = body.trim_start();
        let prose = t.len() > 10
            && !t.starts_with(['#', '`', '|', '<', '>', '['])
            && !t.ends_with([')', '>']);
        if prose {
            return Some(at + body.len());
        }
        at += line.len();
    }
    None
}

/// One-character edits at `offset`, typing `x` then deleting it, each
/// timed from `didChange` to the `publishDiagnostics` of that version.
fn edits(
    c: &mut Client,
    uri: &str,
    text: &str,
    offset: usize,
    count: usize,
    version: &mut i64,
) -> Result<Vec<f64>, String> {
    let (line, character) = utf16_position(text, offset);
    let mut out = Vec::new();
    for i in 0..count {
        *version += 1;
        let v = *version;
        let (end, new_text) = if i % 2 == 0 {
            (character, "x")
        } else {
            (character + 1, "")
        };
        let sent = c.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": v},
                "contentChanges": [{
                    "range": {"start": {"line": line, "character": character},
                              "end": {"line": line, "character": end}},
                    "text": new_text
                }]
            }),
        );
        let got = c.wait(&format!("diagnostics of version {v}"), SHORT, |m| {
            is_diagnostics_for(m, uri) && m["params"]["version"] == v
        })?;
        out.push(ms(got.at - sent));
        // Let the server finish publishing for the other open documents
        // (none here) and keep keystrokes apart like a typist's.
        std::thread::sleep(Duration::from_millis(20));
        c.discard_pending();
    }
    Ok(out)
}

/// The process's peak resident set (VmHWM), in MB.
fn peak_rss_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// The process's CPU time so far (user + system), in ms: fields 14 and 15
/// of /proc/PID/stat, in clock ticks (100 per second on Linux).
fn cpu_ms(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) * 10.0)
}

/// The 1-minute load average: how busy the machine was.
fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// `talknotes-ls --check root`, output discarded: wall seconds.
fn check(bin: &Path, root: &Path, cache: &Path) -> Result<f64, String> {
    let start = Instant::now();
    let status = Command::new(bin)
        .arg("--check")
        .arg(root)
        .args(["--format", "json"])
        .env("TALKNOTES_CACHE_DIR", cache)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("--check: {e}"))?;
    let secs = start.elapsed().as_secs_f64();
    // 1: findings (the generator plants mistakes); 2 would be an error.
    if status.code() == Some(2) || status.code().is_none() {
        return Err(format!("--check failed: {status}"));
    }
    Ok(secs)
}

/// Reading every file and parsing it with tree-sitter-md's own
/// `MarkdownParser` (block and inline trees), on every core: the floor
/// under `--check`.
fn bare_parse(files: &[PathBuf]) -> f64 {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let next = AtomicUsize::new(0);
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut parser = tree_sitter_md::MarkdownParser::default();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = files.get(i) else { break };
                    let Ok(bytes) = std::fs::read(path) else {
                        continue;
                    };
                    let tree = parser.parse(&bytes, None);
                    std::hint::black_box(tree);
                }
            });
        }
    });
    start.elapsed().as_secs_f64()
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            let l = s.lines().find(|l| l.starts_with("MemTotal:"))?;
            let kb: f64 = l.split_whitespace().nth(1)?.parse().ok()?;
            Some(format!(", {:.0} GiB", kb / 1024.0 / 1024.0))
        })
        .unwrap_or_default();
    let os = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| format!(", {} {}", std::env::consts::OS, s.trim()))
        .unwrap_or_default();
    format!("{cpu}, {cores} cores{mem}{os}")
}

fn table(reports: &[(usize, SizeReport)], opts: &Options) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(out, "machine: {}", machine());
    let _ = writeln!(
        out,
        "seed {}, {} run(s) per size (single figures: median of runs; p50/p95: all samples pooled), {} edits and {} requests per run\n",
        opts.seed, opts.repeat, opts.edits, opts.requests
    );
    let _ = write!(out, "| |");
    for (size, _) in reports {
        let _ = write!(out, " {size} files |");
    }
    let _ = write!(out, "\n|---|");
    for _ in reports {
        let _ = write!(out, "---:|");
    }
    let _ = writeln!(out);
    let row = |out: &mut String, name: &str, f: &dyn Fn(&SizeReport) -> String| {
        let _ = write!(out, "| {name} |");
        for (_, r) in reports {
            let _ = write!(out, " {} |", f(r));
        }
        let _ = writeln!(out);
    };
    let one = |v: &[f64], unit: &str, digits: usize| match median(v) {
        Some(x) => format!("{x:.digits$} {unit}"),
        None => "–".into(),
    };
    let pp = |v: &[f64]| match (percentile(v, 50.0), percentile(v, 95.0)) {
        (Some(a), Some(b)) => format!("{a:.1} / {b:.1} ms"),
        _ => "–".into(),
    };
    let opt_pp = |v: &Option<Vec<f64>>| match v {
        Some(v) => pp(v),
        None => "n/a (not implemented)".into(),
    };
    row(&mut out, "workspace size", &|r| {
        format!("{} notes, {:.1} MB", r.files, r.bytes as f64 / 1e6)
    });
    row(&mut out, "edited note size", &|r| {
        format!("{:.0} KB", r.large_bytes as f64 / 1e3)
    });
    row(&mut out, "spawn → `initialize` response", &|r| {
        one(&r.init_ms, "ms", 1)
    });
    row(
        &mut out,
        "spawn → first diagnostics of the opened note",
        &|r| one(&r.first_diag_ms, "ms", 0),
    );
    row(&mut out, "spawn → workspace indexed, cold", &|r| {
        one(&r.indexed_cold_ms, "ms", 0)
    });
    row(
        &mut out,
        "spawn → workspace indexed, warm (cache)",
        &|r| one(&r.indexed_warm_ms, "ms", 0),
    );
    row(
        &mut out,
        "warm start: notes from the index cache / parsed",
        &|r| match r.warm_counts.last() {
            Some((cached, parsed)) => format!("{cached} / {parsed}"),
            None => "–".into(),
        },
    );
    row(&mut out, "edit in notes → diagnostics p50 / p95", &|r| {
        pp(&r.edit_ms)
    });
    let settled = format!(
        "edit in notes, {} keystrokes after opening, p50 / p95",
        opts.settle + opts.edits * 2
    );
    row(&mut out, &settled, &|r| pp(&r.settled_edit_ms));
    row(
        &mut out,
        "edit in a speaker → diagnostics p50 / p95",
        &|r| pp(&r.speaker_edit_ms),
    );
    row(
        &mut out,
        "server CPU per edit in notes / in a speaker",
        &|r| match (median(&r.edit_cpu_ms), median(&r.speaker_edit_cpu_ms)) {
            (Some(a), Some(b)) => format!("{a:.1} / {b:.1} ms"),
            _ => "–".into(),
        },
    );
    row(&mut out, "completion at a speaker p50 / p95", &|r| {
        opt_pp(&r.completion_ms)
    });
    row(&mut out, "`workspace/symbol` p50 / p95", &|r| {
        opt_pp(&r.symbol_ms)
    });
    row(&mut out, "peak RSS, cold session", &|r| {
        one(&r.rss_mb, "MB", 0)
    });
    row(&mut out, "peak RSS, warm session", &|r| {
        one(&r.rss_warm_mb, "MB", 0)
    });
    row(&mut out, "`--check` wall time", &|r| {
        one(&r.check_s, "s", 2)
    });
    row(
        &mut out,
        "`--check` throughput",
        &|r| match median(&r.check_s) {
            Some(s) => format!("{:.1} MB/s", r.bytes as f64 / 1e6 / s),
            None => "–".into(),
        },
    );
    row(&mut out, "bare tree-sitter-md read + parse", &|r| {
        one(&r.bare_parse_s, "s", 2)
    });
    row(&mut out, "machine load (1-min average, 2 cores)", &|r| {
        one(&r.load, "", 1)
    });
    row(
        &mut out,
        "`--check` / bare parse",
        &|r| match (median(&r.check_s), median(&r.bare_parse_s)) {
            (Some(c), Some(b)) if b > 0.0 => format!("{:.2}×", c / b),
            _ => "–".into(),
        },
    );
    out
}
