//! Link destinations as the file writes them: where a destination sits in
//! the text (for `[text][label]` links, in the label's definition), its path
//! and its `?query#anchor` part, relative paths between folders, and a new
//! path written in the style of the old one (`./` or not, angle brackets,
//! percent-encoding). Used by the broken-link fixes and by file moves.

use std::path::{Component, Path, PathBuf};

use crate::extract::normalize_label;
use crate::index::NoteFile;
use crate::model::{Link, LinkKind, TextRange};

/// A destination as written: its byte range in the text (inside angle
/// brackets when it has them) and whether it had them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Destination {
    pub range: TextRange,
    pub angled: bool,
}

impl Destination {
    /// The path part: up to the first `?` or `#`.
    pub fn path_range(&self, text: &str) -> TextRange {
        let raw = &text[self.range.clone()];
        let end = raw.find(['?', '#']).unwrap_or(raw.len());
        self.range.start..self.range.start + end
    }

    /// The anchor after `#` (without it), when there is a `#`.
    pub fn anchor_range(&self, text: &str) -> Option<TextRange> {
        let raw = &text[self.range.clone()];
        let hash = raw.find('#')?;
        Some(self.range.start + hash + 1..self.range.end)
    }
}

/// Where the destination of `link` is written in `file`'s text: the link's
/// own destination, or its definition's for `[text][label]` links. `text`
/// is `file.text()`, read once by callers that look at many links.
pub fn link_destination(file: &NoteFile, text: &str, link: &Link) -> Option<Destination> {
    match &link.kind {
        LinkKind::Inline | LinkKind::Image => unangle(text, link.target_range()),
        LinkKind::Reference {
            label,
            defined: true,
        } => {
            let key = normalize_label(label);
            let def = file
                .model
                .link_definitions
                .iter()
                .find(|d| d.label == key)?;
            definition_destination(text, &def.range)
        }
        _ => None,
    }
}

/// The destination inside a `[label]: destination "title"` definition.
pub fn definition_destination(text: &str, def: &TextRange) -> Option<Destination> {
    let src = text.get(def.clone())?;
    let colon = src.find("]:")? + 2;
    let rest = &src[colon..];
    let lead = rest.len() - rest.trim_start().len();
    let start = def.start + colon + lead;
    let rest = rest.trim_start();
    let len = if rest.starts_with('<') {
        rest.find('>').map_or(rest.len(), |i| i + 1)
    } else {
        rest.find(char::is_whitespace).unwrap_or(rest.len())
    };
    unangle(text, start..start + len)
}

fn unangle(text: &str, range: TextRange) -> Option<Destination> {
    let raw = text.get(range.clone())?;
    if raw.is_empty() {
        return None;
    }
    if raw.len() >= 2 && raw.starts_with('<') && raw.ends_with('>') {
        Some(Destination {
            range: range.start + 1..range.end - 1,
            angled: true,
        })
    } else {
        Some(Destination {
            range,
            angled: false,
        })
    }
}

/// `to` relative to the folder `from_dir`, with `/` separators (`../a/b.md`).
/// Both are absolute and normalized; None when they share no root.
pub fn relative_path(from_dir: &Path, to: &Path) -> Option<String> {
    RelativeFrom::new(from_dir).to(to)
}

/// [`relative_path`] from one folder to many paths: the folder is split
/// into components once (`broken-link` compares a missing note's path with
/// every note of the workspace).
pub struct RelativeFrom<'a> {
    from: Vec<Component<'a>>,
}

impl<'a> RelativeFrom<'a> {
    pub fn new(from_dir: &'a Path) -> RelativeFrom<'a> {
        RelativeFrom {
            from: from_dir.components().collect(),
        }
    }

    /// [`relative_path`] from this folder to `to`.
    pub fn to(&self, to: &Path) -> Option<String> {
        let mut rest = to.components();
        if self.from.first().copied() != rest.clone().next() {
            return None;
        }
        let mut common = 0;
        while let (Some(a), Some(b)) = (self.from.get(common), rest.clone().next()) {
            if *a != b {
                break;
            }
            common += 1;
            rest.next();
        }
        let mut out = String::new();
        let mut first = true;
        let mut push = |part: &str| {
            if !first {
                out.push('/');
            }
            first = false;
            out.push_str(part);
        };
        for _ in common..self.from.len() {
            push("..");
        }
        for c in rest {
            push(&c.as_os_str().to_string_lossy());
        }
        if first {
            return Some(".".into());
        }
        Some(out)
    }
}

/// `rel` written the way `old` (the path part of a destination as written)
/// was: a leading `./` kept, a trailing `/` kept, percent-encoding used when
/// the old path used it, spaces encoded outside angle brackets.
pub fn write_like(rel: &str, old: &str, angled: bool) -> String {
    let mut out = String::new();
    if old.starts_with("./") && !rel.starts_with("../") && rel != "." {
        out.push_str("./");
    }
    let encode_all = has_percent_escape(old);
    for c in rel.chars() {
        let encode = match c {
            '/' => false,
            ' ' => !angled || encode_all,
            '<' | '>' => true,
            c if c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@".contains(c) => false,
            _ => encode_all,
        };
        if encode {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    if old.ends_with('/') && !out.ends_with('/') {
        out.push('/');
    }
    out
}

fn has_percent_escape(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(3)
        .any(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
}

/// The path without its file name's extension (`talks/Containerless-Django`
/// for `talks/Containerless-Django.md`).
pub fn stem(path: &str) -> &str {
    let name_start = path.rfind('/').map_or(0, |i| i + 1);
    match path[name_start..].rfind('.') {
        Some(dot) if dot > 0 => &path[..name_start + dot],
        _ => path,
    }
}

/// Resolves a decoded relative path against a folder, without the disk.
pub fn resolve(dir: &Path, decoded: &str) -> PathBuf {
    crate::rules::links::normalize(&dir.join(decoded))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The first, plain implementation of [`relative_path`].
    fn relative_path_plain(from_dir: &Path, to: &Path) -> Option<String> {
        let from: Vec<Component> = from_dir.components().collect();
        let to_c: Vec<Component> = to.components().collect();
        if from.first() != to_c.first() {
            return None;
        }
        let common = from.iter().zip(&to_c).take_while(|(a, b)| a == b).count();
        let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
        parts.extend(
            to_c[common..]
                .iter()
                .map(|c| c.as_os_str().to_string_lossy().into_owned()),
        );
        if parts.is_empty() {
            return Some(".".into());
        }
        Some(parts.join("/"))
    }

    proptest! {
        /// Paths from a small alphabet of components, absolute or not, so
        /// that shared prefixes, equal paths and no shared root all occur.
        #[test]
        fn relative_path_is_the_plain_one(
            from_abs in any::<bool>(),
            to_abs in any::<bool>(),
            from in proptest::collection::vec("(a|b|ab|c d|é|\\.\\.)", 0..5),
            to in proptest::collection::vec("(a|b|ab|c d|é|x\\.md)", 0..5),
        ) {
            let path = |abs: bool, parts: &[String]| {
                let joined = parts.join("/");
                PathBuf::from(if abs { format!("/{joined}") } else { joined })
            };
            let (f, t) = (path(from_abs, &from), path(to_abs, &to));
            let reused = RelativeFrom::new(&f);
            prop_assert_eq!(reused.to(&t), relative_path_plain(&f, &t));
            prop_assert_eq!(relative_path(&f, &t), relative_path_plain(&f, &t));
        }
    }

    #[test]
    fn relative_paths() {
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(
            relative_path(&p("/ws/2017"), &p("/ws/2017/a.md")).as_deref(),
            Some("a.md")
        );
        assert_eq!(
            relative_path(&p("/ws/2017"), &p("/ws/talks/b c.md")).as_deref(),
            Some("../talks/b c.md")
        );
        assert_eq!(
            relative_path(&p("/ws"), &p("/ws/x/y/z.md")).as_deref(),
            Some("x/y/z.md")
        );
        assert_eq!(
            relative_path(&p("/ws/a"), &p("/ws/a")).as_deref(),
            Some(".")
        );
    }

    #[test]
    fn new_paths_keep_the_old_style() {
        assert_eq!(write_like("b.md", "./a.md", false), "./b.md");
        assert_eq!(write_like("../b.md", "./a.md", false), "../b.md");
        assert_eq!(write_like("b c.md", "a.md", false), "b%20c.md");
        assert_eq!(write_like("b c.md", "a b.md", true), "b c.md");
        assert_eq!(write_like("é t.md", "a%20b.md", false), "%C3%A9%20t.md");
        assert_eq!(write_like("é.md", "a.md", false), "é.md");
        assert_eq!(write_like("2018", "2017/", false), "2018/");
    }

    #[test]
    fn destinations_in_text() {
        let text = "[a]: <my notes.md#x> \"title\"\n";
        let d = definition_destination(text, &(0..text.len() - 1)).unwrap();
        assert!(d.angled);
        assert_eq!(&text[d.range.clone()], "my notes.md#x");
        assert_eq!(&text[d.path_range(text)], "my notes.md");
        assert_eq!(&text[d.anchor_range(text).unwrap()], "x");
        let text = "[b]:\n  ./b.md 'title'";
        let d = definition_destination(text, &(0..text.len())).unwrap();
        assert_eq!(&text[d.range], "./b.md");
        assert_eq!(stem("talks/a.b.md"), "talks/a.b");
        assert_eq!(stem("talks/.hidden"), "talks/.hidden");
        assert_eq!(stem("x"), "x");
    }
}
