//! The popular PyPI projects: an optional list the user downloads with
//! `talknotes-ls catalog update` (see [`super::cache::PACKAGES_URL`]), so
//! that library completion and `library-typo` know more than the notes
//! mention. Accepted formats: top-pypi-packages' JSON (`{"rows": [{"project":
//! …}]}`), a JSON array of names, or a text file with one name a line; in
//! every case most popular first.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

use anyhow::Context;
use serde::Deserialize;

use crate::similarity::damerau;

/// Python's standard library modules (`sys.stdlib_module_names`, public
/// ones): names in code spans that are no typo of a PyPI project.
pub const STDLIB: &[&str] = &[
    "abc",
    "aifc",
    "antigravity",
    "argparse",
    "array",
    "ast",
    "asynchat",
    "asyncio",
    "asyncore",
    "atexit",
    "audioop",
    "base64",
    "bdb",
    "binascii",
    "bisect",
    "builtins",
    "bz2",
    "cProfile",
    "calendar",
    "cgi",
    "cgitb",
    "chunk",
    "cmath",
    "cmd",
    "code",
    "codecs",
    "codeop",
    "collections",
    "colorsys",
    "compileall",
    "concurrent",
    "configparser",
    "contextlib",
    "contextvars",
    "copy",
    "copyreg",
    "crypt",
    "csv",
    "ctypes",
    "curses",
    "dataclasses",
    "datetime",
    "dbm",
    "decimal",
    "difflib",
    "dis",
    "distutils",
    "doctest",
    "email",
    "encodings",
    "ensurepip",
    "enum",
    "errno",
    "faulthandler",
    "fcntl",
    "filecmp",
    "fileinput",
    "fnmatch",
    "fractions",
    "ftplib",
    "functools",
    "gc",
    "genericpath",
    "getopt",
    "getpass",
    "gettext",
    "glob",
    "graphlib",
    "grp",
    "gzip",
    "hashlib",
    "heapq",
    "hmac",
    "html",
    "http",
    "idlelib",
    "imaplib",
    "imghdr",
    "imp",
    "importlib",
    "inspect",
    "io",
    "ipaddress",
    "itertools",
    "json",
    "keyword",
    "lib2to3",
    "linecache",
    "locale",
    "logging",
    "lzma",
    "mailbox",
    "mailcap",
    "marshal",
    "math",
    "mimetypes",
    "mmap",
    "modulefinder",
    "msilib",
    "msvcrt",
    "multiprocessing",
    "netrc",
    "nis",
    "nntplib",
    "nt",
    "ntpath",
    "nturl2path",
    "numbers",
    "opcode",
    "operator",
    "optparse",
    "os",
    "ossaudiodev",
    "pathlib",
    "pdb",
    "pickle",
    "pickletools",
    "pipes",
    "pkgutil",
    "platform",
    "plistlib",
    "poplib",
    "posix",
    "posixpath",
    "pprint",
    "profile",
    "pstats",
    "pty",
    "pwd",
    "py_compile",
    "pyclbr",
    "pydoc",
    "pydoc_data",
    "pyexpat",
    "queue",
    "quopri",
    "random",
    "re",
    "readline",
    "reprlib",
    "resource",
    "rlcompleter",
    "runpy",
    "sched",
    "secrets",
    "select",
    "selectors",
    "shelve",
    "shlex",
    "shutil",
    "signal",
    "site",
    "smtpd",
    "smtplib",
    "sndhdr",
    "socket",
    "socketserver",
    "spwd",
    "sqlite3",
    "sre_compile",
    "sre_constants",
    "sre_parse",
    "ssl",
    "stat",
    "statistics",
    "string",
    "stringprep",
    "struct",
    "subprocess",
    "sunau",
    "symtable",
    "sys",
    "sysconfig",
    "syslog",
    "tabnanny",
    "tarfile",
    "telnetlib",
    "tempfile",
    "termios",
    "textwrap",
    "this",
    "threading",
    "time",
    "timeit",
    "tkinter",
    "token",
    "tokenize",
    "tomllib",
    "trace",
    "traceback",
    "tracemalloc",
    "tty",
    "turtle",
    "turtledemo",
    "types",
    "typing",
    "unicodedata",
    "unittest",
    "urllib",
    "uu",
    "uuid",
    "venv",
    "warnings",
    "wave",
    "weakref",
    "webbrowser",
    "winreg",
    "winsound",
    "wsgiref",
    "xdrlib",
    "xml",
    "xmlrpc",
    "zipapp",
    "zipfile",
    "zipimport",
    "zlib",
    "zoneinfo",
];

pub fn is_stdlib(name: &str) -> bool {
    STDLIB.binary_search(&name).is_ok()
}

/// PEP 503's normalized name: lower case, runs of `-`, `_`, `.` as `-`.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ListFormat {
    Rows { rows: Vec<Row> },
    Names(Vec<String>),
}

#[derive(Deserialize)]
struct Row {
    project: String,
}

/// The names in a downloaded list, most popular first.
pub fn parse(bytes: &[u8]) -> anyhow::Result<Vec<String>> {
    let text = std::str::from_utf8(bytes).context("the list is not UTF-8")?;
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let list: ListFormat = serde_json::from_str(text).context(
            "not a list of projects (expected top-pypi-packages' JSON or an array of names)",
        )?;
        return Ok(match list {
            ListFormat::Rows { rows } => rows.into_iter().map(|r| r.project).collect(),
            ListFormat::Names(n) => n,
        });
    }
    let names: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    anyhow::ensure!(
        names.iter().all(|n| n
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))),
        "not a list of project names"
    );
    Ok(names)
}

/// Popular PyPI projects, with what completion and typo checks need.
#[derive(Debug, Default)]
pub struct Packages {
    /// Names as published, most popular first.
    names: Vec<String>,
    /// Normalized name → rank.
    rank: HashMap<String, u32>,
    /// Normalized names, sorted, with their rank: prefix completion.
    sorted: Vec<(String, u32)>,
    /// Hashes of each name and of each name less one character, with the
    /// rank: candidates one edit away (symmetric deletion), sorted.
    deletions: Vec<(u64, u32)>,
}

fn hash(s: &str) -> u64 {
    let mut h = DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// `s` and every string made by deleting one of its characters.
fn with_deletions(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = vec![s.to_string()];
    for i in 0..chars.len() {
        let mut d: String = chars[..i].iter().collect();
        d.extend(&chars[i + 1..]);
        out.push(d);
    }
    out
}

impl Packages {
    pub fn new(names: Vec<String>) -> Packages {
        let mut rank = HashMap::with_capacity(names.len());
        let mut sorted = Vec::with_capacity(names.len());
        let mut deletions = Vec::new();
        for (i, n) in names.iter().enumerate() {
            let norm = normalize(n);
            if norm.is_empty() || rank.contains_key(&norm) {
                continue;
            }
            let r = i as u32;
            rank.insert(norm.clone(), r);
            for d in with_deletions(&norm) {
                deletions.push((hash(&d), r));
            }
            sorted.push((norm, r));
        }
        sorted.sort_unstable();
        deletions.sort_unstable();
        deletions.dedup();
        Packages {
            names,
            rank,
            sorted,
            deletions,
        }
    }

    pub fn load(path: &Path) -> anyhow::Result<Packages> {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let names = parse(&bytes).with_context(|| format!("in {}", path.display()))?;
        Ok(Packages::new(names))
    }

    pub fn len(&self) -> usize {
        self.rank.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rank.is_empty()
    }

    /// Is `name` (any spelling: `Flask_Login`, `flask-login`) a listed project?
    pub fn contains(&self, name: &str) -> bool {
        self.rank.contains_key(&normalize(name))
    }

    /// Popularity rank (0 = most downloaded).
    pub fn rank(&self, name: &str) -> Option<u32> {
        self.rank.get(&normalize(name)).copied()
    }

    /// The name as published, by rank.
    pub fn name(&self, rank: u32) -> Option<&str> {
        self.names.get(rank as usize).map(String::as_str)
    }

    /// The most popular listed project one edit from `name` (which is not
    /// listed itself), if any.
    pub fn near(&self, name: &str) -> Option<&str> {
        let norm = normalize(name);
        if self.rank.contains_key(&norm) {
            return None;
        }
        let mut best: Option<u32> = None;
        for d in with_deletions(&norm) {
            let h = hash(&d);
            let start = self.deletions.partition_point(|&(x, _)| x < h);
            for &(x, r) in &self.deletions[start..] {
                if x != h {
                    break;
                }
                if best.is_some_and(|b| b <= r) {
                    continue;
                }
                let candidate = normalize(&self.names[r as usize]);
                if damerau(&norm, &candidate, 1).is_some() {
                    best = Some(r);
                }
            }
        }
        best.and_then(|r| self.name(r))
    }

    /// Listed projects starting with `prefix` (normalized), most popular
    /// first, at most `limit`.
    pub fn completions(&self, prefix: &str, limit: usize) -> Vec<&str> {
        let p = normalize(prefix);
        let start = self
            .sorted
            .partition_point(|(n, _)| n.as_str() < p.as_str());
        let mut hits: Vec<u32> = self.sorted[start..]
            .iter()
            .take_while(|(n, _)| n.starts_with(&p))
            .map(|&(_, r)| r)
            .collect();
        hits.sort_unstable();
        hits.into_iter()
            .take(limit)
            .filter_map(|r| self.name(r))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let rows = br#"{"last_update": "x", "rows": [{"download_count": 9, "project": "boto3"}, {"download_count": 5, "project": "requests"}]}"#;
        assert_eq!(parse(rows).unwrap(), vec!["boto3", "requests"]);
        assert_eq!(parse(br#"["numpy", "six"]"#).unwrap(), vec!["numpy", "six"]);
        assert_eq!(
            parse(b"# top\nnumpy\n\nsix\n").unwrap(),
            vec!["numpy", "six"]
        );
        assert!(parse(b"<html>not found</html>").is_err());
        assert!(parse(br#"{"rows": 3}"#).is_err());
    }

    #[test]
    fn near_names_and_completion() {
        let p = Packages::new(
            [
                "requests",
                "numpy",
                "aiohttp",
                "structlog",
                "Flask-Login",
                "flask",
            ]
            .map(String::from)
            .to_vec(),
        );
        assert_eq!(p.near("reqeusts"), Some("requests"));
        assert_eq!(p.near("nmupy"), Some("numpy"));
        assert_eq!(p.near("structlgo"), Some("structlog"));
        assert_eq!(p.near("aiohttpx"), Some("aiohttp"));
        assert_eq!(p.near("requests"), None);
        assert_eq!(p.near("pandas"), None);
        assert!(p.contains("flask_login"));
        assert_eq!(p.completions("fl", 10), vec!["Flask-Login", "flask"]);
        assert_eq!(p.completions("fl", 1), vec!["Flask-Login"]);
        assert!(is_stdlib("collections") && is_stdlib("asyncio") && !is_stdlib("numpy"));
        assert!(STDLIB.windows(2).all(|w| w[0] < w[1]));
    }
}
