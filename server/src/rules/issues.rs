//! `malformed-issue`.

use super::{Finding, Rule};
use crate::index::NoteFile;
use crate::model::IssueTracker;

pub fn malformed_issues(file: &NoteFile, out: &mut Vec<Finding>) {
    let text = file.text();
    for issue in file.model.issues.load().iter() {
        if issue.number.is_some() {
            continue;
        }
        let prefix = match issue.tracker {
            IssueTracker::Bpo => "bpo",
            IssueTracker::Gh => "gh",
            IssueTracker::Issue => continue,
        };
        let written = &text[issue.range()];
        let digits: String = issue.written.chars().filter(char::is_ascii_digit).collect();
        let mut f = Finding::new(
            Rule::MalformedIssue,
            issue.range(),
            if digits.is_empty() {
                format!("“{written}” has no issue number after “{prefix}-”")
            } else {
                format!("“{written}” is not an issue number: expected {prefix}- followed by digits only")
            },
        );
        // Stray characters inside the digits (`bpo-262`49`): the digits alone.
        let stray = issue
            .written
            .chars()
            .filter(|c| !c.is_ascii_digit())
            .count();
        if !digits.is_empty() && stray <= 2 {
            let fixed = format!("{prefix}-{digits}");
            f = f.fix(format!("Change to {fixed}"), issue.range(), fixed);
        }
        out.push(f);
    }
}
