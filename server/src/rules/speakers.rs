//! `missing-speaker` and `speaker-typo`.

use super::catalog::FileCatalog;
use super::{Context, Finding, Rule};
use crate::extract::title_key;
use crate::index::NoteFile;
use crate::model::Talk;

pub fn missing_speaker(file: &NoteFile, cx: &Context, cat: &FileCatalog, out: &mut Vec<Finding>) {
    for (i, talk) in file.model.talks.iter().enumerate() {
        if talk.has_speaker() || talk.keynote {
            continue;
        }
        let mut finding = Finding::new(
            Rule::MissingSpeaker,
            talk.title_range(),
            format!("talk “{}” has no speaker", talk.title),
        );
        if let Some((other, other_talk)) = same_talk_with_speaker(file, talk, cx) {
            let names = other_talk
                .speakers
                .iter()
                .map(|s| &*s.name)
                .collect::<Vec<_>>()
                .join(" and ");
            let where_ = if other.url == file.url {
                "this file".to_string()
            } else {
                other.display_name()
            };
            finding.message = format!(
                "talk “{}” has no speaker; {} notes the same talk as given by {}",
                talk.title, where_, names
            );
            let first = &other_talk.speakers[0];
            finding = finding
                .related(
                    &other.url,
                    first.range(),
                    format!("“{}” by {names}", other_talk.title),
                )
                .fix(
                    format!("Add speaker {names}"),
                    talk.speaker_slot.offset()..talk.speaker_slot.offset(),
                    talk.speaker_slot.insertion(&names),
                );
        } else if let Some((conf, entry, _)) = cat.entry(i) {
            let people: Vec<&str> = entry.people().collect();
            if !people.is_empty() {
                let names = people.join(" and ");
                let title = if title_key(&entry.clean_title) == title_key(&talk.title) {
                    String::new()
                } else {
                    format!(" (as “{}”)", entry.clean_title)
                };
                finding.message = format!(
                    "talk “{}” has no speaker; the {} catalog lists it{title} as given by {names}",
                    talk.title, conf.title
                );
                finding = finding.fix(
                    format!("Add speaker {names}"),
                    talk.speaker_slot.offset()..talk.speaker_slot.offset(),
                    talk.speaker_slot.insertion(&names),
                );
            }
        }
        out.push(finding);
    }
}

/// The same talk noted with a speaker elsewhere in the workspace.
fn same_talk_with_speaker(
    file: &NoteFile,
    talk: &Talk,
    cx: &Context,
) -> Option<(std::sync::Arc<NoteFile>, Talk)> {
    let key = title_key(&talk.title);
    if key.is_empty() {
        return None;
    }
    let mut best: Option<(std::sync::Arc<NoteFile>, Talk)> = None;
    for k in cx.facts.similar_titles(&key) {
        for (url, i) in cx.facts.talks.get(k).into_iter().flatten() {
            if *url == file.url && file.model.talks.get(*i).map(|t| t.range()) == Some(talk.range())
            {
                continue;
            }
            let Some(other) = (cx.files)(url) else {
                continue;
            };
            let Some(t) = other.model.talks.get(*i) else {
                continue;
            };
            if t.has_speaker() {
                // Prefer an exact title match, then the first by URL order.
                let exact = k == key;
                if best.is_none() || exact {
                    best = Some((other.clone(), t.clone()));
                    if exact {
                        return best;
                    }
                }
            }
        }
    }
    best
}

pub fn speaker_typo(file: &NoteFile, cx: &Context, out: &mut Vec<Finding>) {
    for talk in &file.model.talks {
        for s in &talk.speakers {
            let Some(better) = cx.facts.speaker_typos.get(&*s.name) else {
                continue;
            };
            let catalogs: Vec<&str> = cx
                .catalogs
                .conferences_of_speaker(better)
                .iter()
                .map(|c| c.title.as_str())
                .collect();
            let pep_author = cx
                .peps
                .is_some_and(|p| p.author_names().any(|a| a == better));
            let evidence = if !catalogs.is_empty() {
                let shown: Vec<&str> = catalogs.iter().take(2).copied().collect();
                let (more, verb) = match catalogs.len() {
                    1 => ("", "catalog spells"),
                    2 => ("", "catalogs spell"),
                    _ => (" and other", "catalogs spell"),
                };
                format!("as the {}{more} {verb} it", shown.join(" and "))
            } else if pep_author || cx.facts.known_names.contains(better) {
                "a known spelling (PEP index)".to_string()
            } else {
                let n = cx.facts.speakers.get(better).map_or(0, Vec::len);
                format!("the spelling used {n} times in the workspace")
            };
            let mut f = Finding::new(
                Rule::SpeakerTypo,
                s.range(),
                format!(
                    "speaker “{}” is likely a typo for “{}” ({evidence})",
                    s.name, better
                ),
            )
            .fix(format!("Change to {better}"), s.range(), better.clone());
            let place = cx.facts.speakers.get(better).and_then(|p| p.first());
            if let Some(place) = place {
                if let Some(range) = (cx.files)(&place.url).and_then(|other| place.range(&other)) {
                    f = f.related(&place.url, range, format!("spelled “{better}” here"));
                }
            }
            out.push(f);
        }
    }
}
