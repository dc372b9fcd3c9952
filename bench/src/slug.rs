//! GitHub-style heading anchors, shared by the generator (to write links
//! that resolve) and the tests (to check that they do).

/// GitHub's anchor for a heading's text: lower case; every character that is
/// not a letter, number, `_`, `-` or space dropped; spaces become `-` (runs
/// are not collapsed, so `A – B` gives `a--b`).
pub fn github_slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if c == ' ' || c == '-' {
            out.push('-');
        } else if c == '_' {
            out.push('_');
        }
    }
    out
}

/// The text an ATX heading line (or a setext heading's text line) renders
/// to: `#` markers removed, `[text](url)` links reduced to their text.
pub fn heading_text(line: &str) -> String {
    let line = line.trim();
    let line = line.trim_start_matches('#').trim();
    let line = line.trim_end_matches('#').trim_end();
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        match after.find("](") {
            Some(close) => match after[close + 2..].find(')') {
                Some(end) => {
                    out.push_str(&rest[..open]);
                    out.push_str(&after[..close]);
                    rest = &after[close + 2 + end + 1..];
                }
                None => break,
            },
            None => break,
        }
    }
    out.push_str(rest);
    out
}

/// Anchors of every heading in a markdown text (ATX and setext), with
/// GitHub's `-1`, `-2` suffixes for repeats. Fenced code is skipped.
pub fn anchors(text: &str) -> Vec<String> {
    let mut seen = std::collections::HashMap::<String, usize>::new();
    let mut out = Vec::new();
    let mut add = |t: &str| {
        let base = github_slug(&heading_text(t));
        let n = seen.entry(base.clone()).or_insert(0);
        out.push(if *n == 0 {
            base.clone()
        } else {
            format!("{base}-{n}")
        });
        *n += 1;
    };
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.trim_start_matches('\u{feff}'))
        .collect();
    let mut fenced = false;
    for (i, line) in lines.iter().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        if line.starts_with('#') {
            let hashes = line.chars().take_while(|c| *c == '#').count();
            if hashes <= 6 && line[hashes..].starts_with(' ') {
                add(line);
                continue;
            }
        }
        let underline = lines.get(i + 1).map(|l| l.trim_end()).unwrap_or("");
        let is_setext = !underline.is_empty()
            && (underline.chars().all(|c| c == '=') || underline.chars().all(|c| c == '-'))
            && !line.trim().is_empty()
            && !line.starts_with("- ")
            && !line.starts_with("* ")
            && (i == 0 || lines[i - 1].trim().is_empty());
        if is_setext {
            add(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_like_github() {
        assert_eq!(
            github_slug("Effective Code Review (Erik Rose)"),
            "effective-code-review-erik-rose"
        );
        assert_eq!(
            github_slug("\"API Evolution the Right Way\" by A. Jesse Jiryu Davis"),
            "api-evolution-the-right-way-by-a-jesse-jiryu-davis"
        );
        assert_eq!(
            github_slug("Design – Fernando Pérez"),
            "design--fernando-pérez"
        );
        assert_eq!(github_slug("gc.freeze()"), "gcfreeze");
    }

    #[test]
    fn heading_text_drops_markers_and_link_targets() {
        assert_eq!(
            heading_text("### Talk: [Set Practice](https://example.org/set) by Ada"),
            "Talk: Set Practice by Ada"
        );
        assert_eq!(heading_text("## Notes ##"), "Notes");
    }

    #[test]
    fn anchors_count_repeats_and_skip_code() {
        let md = "# A\n\n## Notes\n\n```\n# not a heading\n```\n\n## Notes\n\nSetext\n------\n";
        assert_eq!(anchors(md), ["a", "notes", "notes-1", "setext"]);
    }
}
