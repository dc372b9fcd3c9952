//! `duplicate-talk` and `empty-notes`.

use std::collections::HashMap;

use super::{Finding, Rule};
use crate::extract::title_key;
use crate::index::NoteFile;

pub fn duplicate_talks(file: &NoteFile, out: &mut Vec<Finding>) {
    let mut first: HashMap<String, usize> = HashMap::new();
    for (i, talk) in file.model.talks.iter().enumerate() {
        if talk.keynote {
            continue;
        }
        let key = title_key(&talk.title);
        if key.is_empty() {
            continue;
        }
        match first.get(&key) {
            Some(&j) => {
                let earlier = &file.model.talks[j];
                out.push(
                    Finding::new(
                        Rule::DuplicateTalk,
                        talk.title_range(),
                        format!("talk “{}” is already noted above in this file", talk.title),
                    )
                    .related(
                        &file.url,
                        earlier.title_range(),
                        "first noted here",
                    ),
                );
            }
            None => {
                first.insert(key, i);
            }
        }
    }
}

pub fn empty_notes(file: &NoteFile, out: &mut Vec<Finding>) {
    for talk in &file.model.talks {
        if let Some(r) = talk.empty_notes() {
            out.push(Finding::new(
                Rule::EmptyNotes,
                r,
                format!("the notes of “{}” are empty", talk.title),
            ));
        }
    }
}
