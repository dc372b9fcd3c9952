//! References written in prose: PEPs, CPython issues, bare URLs, libraries.

use std::sync::LazyLock;

use regex::Regex;

use crate::model::{
    IssueRef, IssueTracker, LibraryMention, LibraryVia, PepForm, PepRef, TextRange,
};

// Word boundaries are ASCII (`(?-u:\b)`) and digits `[0-9]`: a Unicode
// `\b` makes the regex engine give up its fast DFA at the first non-ASCII
// byte (a speaker's name), and only ASCII digits make a PEP or issue number.

/// `PEP 484`, `Pep 509`, `PEP3156`, `pep-0509`, `PEP #8`.
static PEP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)pep(?:(?P<space>[ \u{a0}]#?|#)|(?P<dash>[-_])?)(?P<num>[0-9]{1,5})(?-u:\b)",
    )
    .unwrap()
});

/// `bpo-24915`, `gh-12345`, and what follows the dash up to the next space
/// or closing punctuation (to catch `bpo-262\`49`).
static TRACKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?-u:\b)(?P<t>bpo|gh)-(?P<rest>[^\s,;)\]}>]*)").unwrap());

/// `Issue 27350`, `issue #27350`.
static ISSUE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)[Ii]ssue\s#?(?P<num>[0-9]{3,7})(?-u:\b)").unwrap());

static BARE_URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?-u:\b)https?://[^\s<>"'`\]\[]+"#).unwrap());

static PIP_INSTALL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)pip3?\s+install\s+(?:-U\s+|--upgrade\s+|--user\s+)*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)")
        .unwrap()
});

static IMPORT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[;`]\s*|\s)(?:from\s+(?P<from>[A-Za-z_]\w*)[\w.]*\s+import(?-u:\b)|import\s+(?P<import>[A-Za-z_]\w*))")
        .unwrap()
});

static MODULE_RUN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)python[0-9.]*\s+-m\s+(?P<name>[A-Za-z_]\w*)").unwrap());

pub fn pep_refs(text: &str, range: TextRange, out: &mut Vec<PepRef>) {
    let slice = &text[range.clone()];
    for m in PEP.captures_iter(slice) {
        let whole = m.get(0).unwrap();
        let Ok(number) = m["num"].parse::<u32>() else {
            continue;
        };
        let form = if m.name("space").is_some() {
            PepForm::Spaced
        } else if m.name("dash").is_some() {
            PepForm::Slug
        } else {
            PepForm::Unspaced
        };
        // `pep8` the tool, `pep-8`: not a reference style worth a hint when
        // lowercase and glued (`pep8`, `pep257` are package names).
        let written = whole.as_str();
        if form == PepForm::Unspaced && written.starts_with("pep") {
            continue;
        }
        let start = range.start + whole.start();
        let end = range.start + whole.end();
        out.push(PepRef::new(
            number,
            start..end,
            form,
            context_after(text, end),
        ));
    }
}

/// The words after a reference on its line, up to a sentence end: what the
/// note says the PEP is about (`PEP3156 - asyncio`).
fn context_after(text: &str, from: usize) -> String {
    // Only the next few words matter: a bounded look keeps a line of
    // thousands of references linear.
    let mut end = (from + 240).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let rest = &text[from..end];
    let line = rest.split('\n').next().unwrap_or("");
    let line = line.trim_start_matches(|c: char| {
        c == ':' || c == '-' || c == '–' || c == ',' || c.is_whitespace()
    });
    let end = line
        .find(". ")
        .or_else(|| line.find(['(', ')', ';', '[']))
        .unwrap_or(line.len());
    line[..end]
        .split_whitespace()
        .take(8)
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn issue_refs(text: &str, range: TextRange, out: &mut Vec<IssueRef>) {
    let slice = &text[range.clone()];
    for m in TRACKER.captures_iter(slice) {
        let whole = m.get(0).unwrap();
        // Not part of a longer word or path (`cpython-bpo-1`, `/gh-pages`).
        let before = slice[..whole.start()].chars().next_back();
        if before.is_some_and(|c| c == '/' || c == '-' || c == '_' || c == '.') {
            continue;
        }
        let tracker = if m["t"].eq_ignore_ascii_case("bpo") {
            IssueTracker::Bpo
        } else {
            IssueTracker::Gh
        };
        let rest = m["rest"].trim_end_matches(['.', ':', '!', '?', '\'', '"']);
        // `gh-pages`, `bpo-style`: words, not issue numbers.
        if !rest.is_empty() && !rest.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        let number = (!rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit()))
            .then(|| rest.parse::<u32>().ok())
            .flatten();
        let start = range.start + whole.start();
        let end = start + m["t"].len() + 1 + rest.len();
        out.push(IssueRef::new(tracker, number, rest, start..end));
    }
    for m in ISSUE.captures_iter(slice) {
        let whole = m.get(0).unwrap();
        let number = m["num"].parse().ok();
        out.push(IssueRef::new(
            IssueTracker::Issue,
            number,
            &m["num"],
            range.start + whole.start()..range.start + whole.end(),
        ));
    }
}

/// Bare `http(s)://` URLs in prose, with trailing punctuation left out.
pub fn bare_urls(text: &str, range: TextRange) -> Vec<TextRange> {
    let slice = &text[range.clone()];
    BARE_URL
        .find_iter(slice)
        .map(|m| {
            let mut url = m.as_str();
            loop {
                let trimmed = url.trim_end_matches(['.', ',', ';', ':', '!', '?', '*', '_']);
                // A closing parenthesis belongs to the URL only when it opened one.
                let trimmed = if trimmed.ends_with(')')
                    && trimmed.matches('(').count() < trimmed.matches(')').count()
                {
                    &trimmed[..trimmed.len() - 1]
                } else {
                    trimmed
                };
                if trimmed.len() == url.len() {
                    break;
                }
                url = trimmed;
            }
            range.start + m.start()..range.start + m.start() + url.len()
        })
        .collect()
}

/// Libraries named as commands: `pip install x`, `python -m x`, and, in code
/// (`with_imports`), `import x` / `from x import` — in prose "import" is
/// too often just the English word.
pub fn libraries_in(
    text: &str,
    range: TextRange,
    with_imports: bool,
    out: &mut Vec<LibraryMention>,
) {
    let slice = &text[range.clone()];
    let mut push = |name: regex::Match, via| {
        out.push(LibraryMention::new(
            name.as_str().into(),
            range.start + name.start()..range.start + name.end(),
            via,
        ))
    };
    // Each pattern needs its command word: looking for that first spares
    // the regex set-up on the thousands of short code spans of a note
    // (12% of a keystroke's extraction before).
    if slice.contains("pip") {
        for m in PIP_INSTALL.captures_iter(slice) {
            push(m.name("name").unwrap(), LibraryVia::PipInstall);
        }
    }
    // Not scanned at all in prose: its leading `\s` alternative makes it
    // try at every space of the text.
    if with_imports && slice.contains("import") {
        for m in IMPORT.captures_iter(slice) {
            if let Some(name) = m.name("from").or(m.name("import")) {
                push(name, LibraryVia::Import);
            }
        }
    }
    if slice.contains("python") {
        for m in MODULE_RUN.captures_iter(slice) {
            push(m.name("name").unwrap(), LibraryVia::Import);
        }
    }
}

/// A code span that names a library on its own: `` `sympy` ``,
/// `` `collections.OrderedDict` `` (→ collections). Spans holding statements
/// are read by [`libraries_in`] instead.
pub fn code_span_library(text: &str, span: TextRange) -> Option<LibraryMention> {
    let inner = &text[span.clone()];
    let ticks = inner.len() - inner.trim_start_matches('`').len();
    if inner.len() < ticks * 2 {
        return None;
    }
    let body_start = span.start + ticks;
    let body = &text[body_start..span.end - ticks];
    let lead = body.len() - body.trim_start().len();
    let body_t = body.trim();
    let first = body_t.split('.').next().unwrap_or("");
    let ok = !first.is_empty()
        && body_t
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
        && first
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        && first.chars().any(|c| c.is_ascii_lowercase())
        && !first.starts_with("__")
        && first.len() >= 2
        && !is_file_name(body_t)
        && !is_python_word(first)
        // `TypeVar`, `DeprecationWarning`: a class, not a module (`cProfile` is one).
        && !(first.starts_with(|c: char| c.is_ascii_uppercase())
            && first.chars().skip(1).any(|c| c.is_ascii_uppercase()));
    ok.then(|| {
        LibraryMention::new(
            first.into(),
            body_start + lead..body_start + lead + first.len(),
            LibraryVia::CodeSpan,
        )
    })
}

/// `pyproject.toml`, `setup.py`, `ceval.c`: a file, not a module.
fn is_file_name(s: &str) -> bool {
    s.rsplit_once('.').is_some_and(|(_, ext)| {
        matches!(
            ext,
            "py" | "pyi"
                | "pyx"
                | "pxd"
                | "c"
                | "h"
                | "cpp"
                | "rs"
                | "js"
                | "ts"
                | "toml"
                | "cfg"
                | "ini"
                | "txt"
                | "json"
                | "yaml"
                | "yml"
                | "md"
                | "rst"
                | "lock"
                | "in"
                | "html"
                | "css"
                | "sh"
                | "so"
                | "whl"
                | "csv"
                | "xml"
                | "log"
        )
    })
}

/// Python keywords and builtins: `lambda`, `frozenset`, `dict` name the
/// language, not a library.
fn is_python_word(s: &str) -> bool {
    matches!(
        s,
        "and"
            | "as"
            | "assert"
            | "async"
            | "await"
            | "break"
            | "case"
            | "class"
            | "continue"
            | "def"
            | "del"
            | "elif"
            | "else"
            | "except"
            | "finally"
            | "for"
            | "from"
            | "global"
            | "if"
            | "import"
            | "in"
            | "is"
            | "lambda"
            | "match"
            | "nonlocal"
            | "not"
            | "or"
            | "pass"
            | "raise"
            | "return"
            | "try"
            | "while"
            | "with"
            | "yield"
            | "self"
            | "cls"
            | "abs"
            | "all"
            | "any"
            | "bin"
            | "bool"
            | "breakpoint"
            | "bytearray"
            | "bytes"
            | "callable"
            | "chr"
            | "classmethod"
            | "compile"
            | "complex"
            | "dict"
            | "dir"
            | "divmod"
            | "enumerate"
            | "eval"
            | "exec"
            | "filter"
            | "float"
            | "format"
            | "frozenset"
            | "getattr"
            | "globals"
            | "hasattr"
            | "hash"
            | "help"
            | "hex"
            | "id"
            | "input"
            | "int"
            | "isinstance"
            | "issubclass"
            | "iter"
            | "len"
            | "list"
            | "locals"
            | "map"
            | "max"
            | "memoryview"
            | "min"
            | "next"
            | "object"
            | "oct"
            | "open"
            | "ord"
            | "pow"
            | "print"
            | "property"
            | "range"
            | "repr"
            | "reversed"
            | "round"
            | "set"
            | "setattr"
            | "slice"
            | "sorted"
            | "staticmethod"
            | "str"
            | "sum"
            | "super"
            | "tuple"
            | "type"
            | "vars"
            | "zip"
    )
}

/// `https://github.com/owner/repo` and `https://pypi.org/project/name/`.
pub fn link_library(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    if let Some(path) = rest.strip_prefix("pypi.org/project/") {
        let name = path.trim_end_matches('/');
        return (!name.is_empty() && !name.contains('/')).then_some(name);
    }
    if let Some(path) = rest.strip_prefix("github.com/") {
        let parts: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        if parts.len() == 2 && !parts[1].is_empty() {
            let name = parts[1].trim_end_matches(".git");
            return Some(name);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peps(s: &str) -> Vec<(u32, PepForm, String, String)> {
        let mut out = Vec::new();
        pep_refs(s, 0..s.len(), &mut out);
        out.into_iter()
            .map(|p| (p.number, p.form, s[p.range()].to_string(), p.context.into()))
            .collect()
    }

    #[test]
    fn pep_forms() {
        assert_eq!(peps("see PEP 461")[0].0, 461);
        assert_eq!(peps("Pep 509 adds")[0].1, PepForm::Spaced);
        let p = peps("* Pep503 - Many Linux wheels is compatible.");
        assert_eq!(p[0].0, 503);
        assert_eq!(p[0].1, PepForm::Unspaced);
        assert_eq!(p[0].2, "Pep503");
        assert_eq!(p[0].3, "Many Linux wheels is compatible.");
        assert_eq!(peps("PEP3156 - asyncio")[0].3, "asyncio");
        let p = peps("https://www.python.org/dev/peps/pep-0509/");
        assert_eq!((p[0].0, p[0].1), (509, PepForm::Slug));
        assert!(peps("run pep8 on it").is_empty());
        assert!(peps("PEPPER 12").is_empty());
    }

    fn issues(s: &str) -> Vec<(IssueTracker, Option<u32>, String)> {
        let mut out = Vec::new();
        issue_refs(s, 0..s.len(), &mut out);
        out.into_iter()
            .map(|i| (i.tracker, i.number, s[i.range()].to_string()))
            .collect()
    }

    #[test]
    fn issue_forms() {
        assert_eq!(
            issues("(bpo-26081, bpo-28544)"),
            vec![
                (IssueTracker::Bpo, Some(26081), "bpo-26081".into()),
                (IssueTracker::Bpo, Some(28544), "bpo-28544".into())
            ]
        );
        assert_eq!(
            issues("corruptions, bpo-262`49"),
            vec![(IssueTracker::Bpo, None, "bpo-262`49".into())]
        );
        assert_eq!(issues("Issue 27350 adds")[0].1, Some(27350));
        assert_eq!(issues("gh-12345.")[0].2, "gh-12345");
        assert!(issues("deploy to gh-pages").is_empty());
        assert_eq!(issues("see bpo- for more")[0].1, None);
    }

    #[test]
    fn urls_and_libraries() {
        let s = "see https://example.org/a_(b). and (https://x.org/y)";
        let urls: Vec<&str> = bare_urls(s, 0..s.len())
            .into_iter()
            .map(|r| &s[r])
            .collect();
        assert_eq!(urls, vec!["https://example.org/a_(b)", "https://x.org/y"]);
        let mut libs = Vec::new();
        let s = "pip install peep; from rply import x; python3 -m perf system tune";
        libraries_in(s, 0..s.len(), true, &mut libs);
        let names: Vec<&str> = libs.iter().map(|l| &*l.name).collect();
        assert_eq!(names, vec!["peep", "rply", "perf"]);
        let s = "use `collections.OrderedDict` and `PyMem_malloc()`";
        let a = code_span_library(s, 4..29).unwrap();
        assert_eq!(&*a.name, "collections");
        let span_lib = |s: &str| code_span_library(s, 0..s.len()).map(|l| l.name);
        assert_eq!(span_lib("`sympy`").as_deref(), Some("sympy"));
        assert_eq!(
            span_lib("`line_profiler`").as_deref(),
            Some("line_profiler")
        );
        assert_eq!(span_lib("`cProfile`").as_deref(), Some("cProfile"));
        assert_eq!(span_lib("`Bokeh`").as_deref(), Some("Bokeh"));
        for not_a_library in [
            "`pyproject.toml`",
            "`setup.py`",
            "`ceval.c`",
            "`lambda`",
            "`frozenset`",
            "`TypeVar`",
            "`DeprecationWarning`",
        ] {
            assert_eq!(span_lib(not_a_library), None, "{not_a_library}");
        }
        assert_eq!(
            link_library("https://github.com/jreese/aiomultiprocess"),
            Some("aiomultiprocess")
        );
        assert_eq!(
            link_library("https://github.com/python/cpython/blob/x/y.c"),
            None
        );
    }
}
