//! pyvideo's data layout (github.com/pyvideo/data): a folder per
//! conference with `category.json` (`{"title": "PyCon US 2017"}`) and
//! `videos/*.json`, one talk each, with `title`, `speakers`, `recorded`,
//! `videos` (`[{type, url}]`) and `related_urls` (strings or `{label, url}`).

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

use super::{CatalogConference, CatalogTalk, RelatedUrl};

#[derive(Deserialize)]
struct Category {
    title: String,
}

#[derive(Deserialize)]
struct Video {
    title: String,
    #[serde(default)]
    speakers: Vec<String>,
    #[serde(default)]
    recorded: Option<String>,
    #[serde(default)]
    videos: Vec<VideoUrl>,
    #[serde(default)]
    related_urls: Vec<Related>,
    #[serde(default)]
    slug: Option<String>,
}

#[derive(Deserialize)]
struct VideoUrl {
    url: String,
}

#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum Related {
    Url(String),
    Labelled {
        #[serde(default)]
        label: Option<String>,
        url: String,
    },
}

impl From<Related> for RelatedUrl {
    fn from(r: Related) -> RelatedUrl {
        match r {
            Related::Url(url) => RelatedUrl { label: None, url },
            Related::Labelled { label, url } => RelatedUrl { label, url },
        }
    }
}

pub fn read_conference(dir: &Path) -> anyhow::Result<CatalogConference> {
    let category_file = dir.join("category.json");
    let text = std::fs::read_to_string(&category_file)
        .with_context(|| format!("cannot read {}", category_file.display()))?;
    let category: Category = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a pyvideo category", category_file.display()))?;
    let folder = dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_string();
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir.join("videos")) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    let mut talks = Vec::with_capacity(files.len());
    for file in files {
        // One unreadable video file costs that talk, not the conference.
        match read_video(&file, &folder) {
            Ok(t) => talks.push(t),
            Err(e) => tracing::warn!("{e:#}"),
        }
    }
    Ok(CatalogConference::new(
        category.title,
        None,
        dir.to_path_buf(),
        talks,
    ))
}

fn read_video(file: &Path, folder: &str) -> anyhow::Result<CatalogTalk> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let v: Video = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a pyvideo video", file.display()))?;
    let slug = v.slug.clone().unwrap_or_else(|| slugify(&v.title));
    let mut talk = CatalogTalk::new(v.title, v.speakers, file.to_path_buf());
    talk.date = v.recorded.filter(|d| !d.is_empty());
    talk.videos = v.videos.into_iter().map(|u| u.url).collect();
    talk.related = v.related_urls.into_iter().map(RelatedUrl::from).collect();
    if !folder.is_empty() && !slug.is_empty() {
        talk.page = Some(format!("https://pyvideo.org/{folder}/{slug}.html"));
    }
    Ok(talk)
}

/// pyvideo.org's page slug of a title (Pelican's: lower case, words
/// joined by `-`, punctuation dropped).
pub fn slugify(title: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else if c.is_whitespace() || c == '-' {
            dash = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_conference_folder() {
        let dir = tempfile::tempdir().unwrap();
        let conf = dir.path().join("pycon-us-2017");
        std::fs::create_dir_all(conf.join("videos")).unwrap();
        std::fs::write(conf.join("category.json"), r#"{"title": "PyCon US 2017"}"#).unwrap();
        std::fs::write(
            conf.join("videos/a.json"),
            r#"{"title": "Grok the GIL: Write Fast And Thread-Safe Python",
                "speakers": ["A. Jesse Jiryu Davis"], "recorded": "2017-05-19",
                "videos": [{"type": "youtube", "url": "https://www.youtube.com/watch?v=x"}],
                "related_urls": ["https://example.org/slides",
                    {"label": "talk schedule", "url": "https://us.pycon.org/2017/schedule/presentation/1/"}],
                "description": "ignored"}"#,
        )
        .unwrap();
        std::fs::write(conf.join("videos/broken.json"), "{").unwrap();
        let c = read_conference(&conf).unwrap();
        assert_eq!((c.name.as_str(), c.year), ("PyCon US", Some(2017)));
        assert_eq!(c.talks.len(), 1);
        let t = &c.talks[0];
        assert_eq!(t.date.as_deref(), Some("2017-05-19"));
        assert_eq!(t.video(), Some("https://www.youtube.com/watch?v=x"));
        assert_eq!(t.related[0].label, None);
        assert_eq!(
            t.schedule_urls().collect::<Vec<_>>(),
            vec!["https://us.pycon.org/2017/schedule/presentation/1/"]
        );
        assert_eq!(
            t.page.as_deref(),
            Some("https://pyvideo.org/pycon-us-2017/grok-the-gil-write-fast-and-thread-safe-python.html")
        );
        assert!(read_conference(dir.path()).is_err());
    }
}
