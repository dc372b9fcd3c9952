//! The PEP index, read from a file in the format of peps.python.org's
//! `api/peps.json`: an object whose keys are PEP numbers as strings.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;
use serde::Deserialize;

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Pep {
    pub number: u32,
    pub title: String,
    #[serde(default)]
    pub authors: String,
    #[serde(default)]
    pub author_names: Vec<String>,
    #[serde(default)]
    pub status: String,
    #[serde(default, rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub created: String,
    #[serde(default)]
    pub python_version: Option<String>,
    #[serde(default)]
    pub url: String,
}

#[derive(Clone, Debug, Default)]
pub struct PepIndex {
    peps: HashMap<u32, Pep>,
    /// Where it was read from, for messages and hover.
    pub source: String,
}

impl PepIndex {
    pub fn from_json(json: &str, source: &str) -> anyhow::Result<PepIndex> {
        let raw: HashMap<String, Pep> =
            serde_json::from_str(json).context("not a PEP index in the peps.json format")?;
        let mut peps = HashMap::with_capacity(raw.len());
        for (key, mut pep) in raw {
            let number: u32 = key
                .parse()
                .with_context(|| format!("key {key:?} is not a PEP number"))?;
            if pep.author_names.is_empty() {
                pep.author_names = pep
                    .authors
                    .split(',')
                    .map(|a| a.trim().to_string())
                    .filter(|a| !a.is_empty())
                    .collect();
            }
            pep.number = number;
            peps.insert(number, pep);
        }
        Ok(PepIndex {
            peps,
            source: source.to_string(),
        })
    }

    pub fn load(path: &Path) -> anyhow::Result<PepIndex> {
        let json = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the PEP index {}", path.display()))?;
        PepIndex::from_json(&json, &path.display().to_string())
            .with_context(|| format!("in {}", path.display()))
    }

    pub fn get(&self, number: u32) -> Option<&Pep> {
        self.peps.get(&number)
    }

    pub fn len(&self) -> usize {
        self.peps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.peps.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Pep> {
        self.peps.values()
    }

    /// Every PEP author's name: known spellings of people who also speak.
    pub fn author_names(&self) -> impl Iterator<Item = &str> {
        self.peps
            .values()
            .flat_map(|p| p.author_names.iter().map(String::as_str))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_official_format() {
        let json = r#"{"513": {"number": 513, "title": "A Platform Tag for Portable Linux Built Distributions",
            "authors": "Robert T. McGibbon, Nathaniel J. Smith", "status": "Superseded", "type": "Informational",
            "created": "19-Jan-2016", "python_version": null, "url": "https://peps.python.org/pep-0513/",
            "discussions_to": null, "topic": "packaging"}}"#;
        let index = PepIndex::from_json(json, "test").unwrap();
        let pep = index.get(513).unwrap();
        assert_eq!(pep.kind, "Informational");
        assert_eq!(
            pep.author_names,
            vec!["Robert T. McGibbon", "Nathaniel J. Smith"]
        );
        assert!(index.get(503).is_none());
        assert!(PepIndex::from_json("[1,2]", "x").is_err());
        assert!(PepIndex::from_json(r#"{"x": {"number": 1, "title": "t"}}"#, "x").is_err());
    }
}
