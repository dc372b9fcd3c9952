//! Our own catalog format, for conferences pyvideo lacks: one conference
//! per file, TOML (`.toml`) or the same structure in JSON (`.json`).
//!
//! ```toml
//! conference = "North Bay Python 2019"   # name and year
//! year = 2019                            # optional when the name has it
//!
//! [[talks]]
//! title = "Packaging in 2030"
//! speakers = ["Ada Example"]             # or speaker = "Ada Example"
//! date = "2019-11-02"                    # optional
//! video = "https://…"                    # optional (or videos = […])
//! url = "https://…"                      # the talk's page, optional
//! schedule = "https://…"                 # its schedule page, optional
//! related_urls = ["https://…", { label = "Slides", url = "https://…" }]
//! ```

use std::path::Path;

use anyhow::Context;
use serde::Deserialize;

use super::pyvideo::Related;
use super::{CatalogConference, CatalogTalk, RelatedUrl};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(alias = "title", alias = "name")]
    conference: String,
    #[serde(default)]
    year: Option<u16>,
    #[serde(default)]
    talks: Vec<Talk>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Talk {
    title: String,
    #[serde(default)]
    speakers: Vec<String>,
    #[serde(default)]
    speaker: Option<String>,
    #[serde(default, alias = "recorded")]
    date: Option<String>,
    #[serde(default)]
    video: Option<String>,
    #[serde(default)]
    videos: Vec<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    schedule: Option<String>,
    #[serde(default)]
    related_urls: Vec<Related>,
}

pub fn read_file(path: &Path) -> anyhow::Result<CatalogConference> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let file: File = if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).with_context(|| format!("{}: not a catalog", path.display()))?
    } else {
        toml::from_str(&text).with_context(|| format!("{}: not a catalog", path.display()))?
    };
    let talks = file
        .talks
        .into_iter()
        .map(|t| {
            let mut speakers = t.speakers;
            speakers.extend(t.speaker);
            let mut talk = CatalogTalk::new(t.title, speakers, path.to_path_buf());
            talk.date = t.date;
            talk.videos = t.video.into_iter().chain(t.videos).collect();
            talk.page = t.url;
            talk.related = t.related_urls.into_iter().map(RelatedUrl::from).collect();
            if let Some(s) = t.schedule {
                talk.related.push(RelatedUrl {
                    label: Some("schedule".into()),
                    url: s,
                });
            }
            talk
        })
        .collect();
    Ok(CatalogConference::new(
        file.conference,
        file.year,
        path.to_path_buf(),
        talks,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_and_json_catalogs() {
        let dir = tempfile::tempdir().unwrap();
        let toml_path = dir.path().join("nbpy.toml");
        std::fs::write(
            &toml_path,
            r#"
conference = "North Bay Python"
year = 2019
[[talks]]
title = "Packaging in 2030"
speaker = "Ada Example"
schedule = "https://example.org/2019/talks/12"
related_urls = ["https://example.org/slides", { label = "Repo", url = "https://example.org/r" }]
"#,
        )
        .unwrap();
        let c = read_file(&toml_path).unwrap();
        assert_eq!((c.name.as_str(), c.year), ("North Bay Python", Some(2019)));
        assert_eq!(c.talks[0].speakers, vec!["Ada Example"]);
        assert_eq!(
            c.talks[0].schedule_urls().collect::<Vec<_>>(),
            vec!["https://example.org/2019/talks/12"]
        );
        let json_path = dir.path().join("x.json");
        std::fs::write(
            &json_path,
            r#"{"conference": "DjangoCon Example 2021", "talks": [{"title": "T", "speakers": ["B C"], "video": "https://v"}]}"#,
        )
        .unwrap();
        let c = read_file(&json_path).unwrap();
        assert_eq!(c.year, Some(2021));
        assert_eq!(c.talks[0].video(), Some("https://v"));
        std::fs::write(&json_path, r#"{"conference": "X", "talkz": []}"#).unwrap();
        assert!(read_file(&json_path).is_err());
    }
}
