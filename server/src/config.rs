//! Settings: `talknotes.toml` at the workspace root, `initializationOptions`,
//! and `workspace/didChangeConfiguration` all fill the same struct. Keys are
//! accepted in camelCase and snake_case.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::rules::Rule;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Hint,
    #[serde(alias = "information")]
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Hint => "hint",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum RuleLevel {
    Level(Severity),
    Off(Off),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Off {
    Off,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct InlayHints {
    #[serde(alias = "pep_titles")]
    pub pep_titles: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Settings {
    /// Rule code → severity or `off`.
    pub rules: BTreeMap<String, RuleLevel>,
    #[serde(alias = "pep_index")]
    pub pep_index: Option<PathBuf>,
    /// Globs (relative to the workspace root) of files to leave alone.
    pub ignore: Vec<String>,
    pub offline: bool,
    pub catalogs: Vec<PathBuf>,
    /// Where `catalog update` and the background refresh download the PEP
    /// index from (default: peps.python.org's `api/peps.json`).
    #[serde(alias = "pep_index_url")]
    pub pep_index_url: Option<String>,
    /// Where `catalog update` downloads the popular PyPI projects from.
    #[serde(alias = "packages_url")]
    pub packages_url: Option<String>,
    #[serde(alias = "inlay_hints")]
    pub inlay_hints: InlayHints,
    /// The persistent index cache (see `index_cache`); on unless `false`.
    #[serde(alias = "index_cache")]
    pub index_cache: Option<bool>,
}

pub const CONFIG_FILE: &str = "talknotes.toml";

impl Settings {
    /// The severity of `rule`, or None when it is off.
    pub fn severity(&self, rule: Rule) -> Option<Severity> {
        match self.rules.get(rule.code()) {
            Some(RuleLevel::Off(_)) => None,
            Some(RuleLevel::Level(s)) => Some(*s),
            None => Some(rule.default_severity()),
        }
    }

    /// Reads `talknotes.toml`; relative paths in it are taken relative to
    /// the file's folder.
    pub fn from_toml_file(path: &Path) -> anyhow::Result<Settings> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let mut settings: Settings =
            toml::from_str(&text).with_context(|| format!("in {}", path.display()))?;
        settings
            .validate()
            .with_context(|| format!("in {}", path.display()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        settings.resolve_paths(base);
        Ok(settings)
    }

    /// Reads settings sent by a client (`initializationOptions`, or the
    /// `talknotes` section of `didChangeConfiguration`).
    pub fn from_json(value: &serde_json::Value) -> anyhow::Result<Settings> {
        let value = value.get("talknotes").unwrap_or(value);
        let settings: Settings = serde_json::from_value(value.clone())?;
        settings.validate()?;
        Ok(settings)
    }

    /// For editors: unknown rule codes are dropped and reported, the rest of
    /// the settings still apply (one typo must not lose the PEP index path).
    pub fn from_json_lenient(value: &serde_json::Value) -> anyhow::Result<(Settings, Vec<String>)> {
        let value = value.get("talknotes").unwrap_or(value);
        let mut settings: Settings = serde_json::from_value(value.clone())?;
        let unknown: Vec<String> = settings
            .rules
            .keys()
            .filter(|code| Rule::from_code(code).is_none())
            .cloned()
            .collect();
        let warnings = unknown
            .iter()
            .map(|code| {
                settings.rules.remove(code);
                format!(
                    "unknown rule {code:?} in talknotes settings, ignored (known: {})",
                    Rule::ALL
                        .iter()
                        .map(|r| r.code())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
            .collect();
        Ok((settings, warnings))
    }

    /// Unknown rule codes are an error: a typo there would silently do nothing.
    fn validate(&self) -> anyhow::Result<()> {
        for code in self.rules.keys() {
            if Rule::from_code(code).is_none() {
                anyhow::bail!(
                    "unknown rule {code:?} in `rules` (known: {})",
                    Rule::ALL
                        .iter()
                        .map(|r| r.code())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
        }
        Ok(())
    }

    pub fn resolve_paths(&mut self, base: &Path) {
        if let Some(p) = &self.pep_index {
            if p.is_relative() {
                self.pep_index = Some(base.join(p));
            }
        }
        for c in &mut self.catalogs {
            if c.is_relative() {
                *c = base.join(&*c);
            }
        }
    }

    /// Layers `over` on top of `self`: what `over` sets wins.
    pub fn merged(&self, over: &Settings) -> Settings {
        let mut out = self.clone();
        out.rules
            .extend(over.rules.iter().map(|(k, v)| (k.clone(), *v)));
        if over.pep_index.is_some() {
            out.pep_index = over.pep_index.clone();
        }
        out.ignore.extend(over.ignore.iter().cloned());
        out.offline |= over.offline;
        out.catalogs.extend(over.catalogs.iter().cloned());
        if over.pep_index_url.is_some() {
            out.pep_index_url = over.pep_index_url.clone();
        }
        if over.packages_url.is_some() {
            out.packages_url = over.packages_url.clone();
        }
        if over.index_cache.is_some() {
            out.index_cache = over.index_cache;
        }
        if over.inlay_hints.pep_titles.is_some() {
            out.inlay_hints.pep_titles = over.inlay_hints.pep_titles;
        }
        out
    }

    /// The `ignore` globs as a matcher over paths relative to `root`.
    pub fn ignore_matcher(&self) -> globset::GlobSet {
        let mut b = globset::GlobSetBuilder::new();
        for g in &self.ignore {
            if let Ok(glob) = globset::Glob::new(g) {
                b.add(glob);
            }
        }
        b.build().unwrap_or_else(|_| globset::GlobSet::empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_and_json_fill_the_same_settings() {
        let from_toml: Settings = toml::from_str(
            r#"
            pep_index = "peps.json"
            ignore = ["drafts/**"]
            [rules]
            missing-speaker = "off"
            pep-format = "warning"
            "#,
        )
        .unwrap();
        let from_json = Settings::from_json(&serde_json::json!({
            "talknotes": {
                "pepIndex": "peps.json",
                "ignore": ["drafts/**"],
                "rules": {"missing-speaker": "off", "pep-format": "warning"}
            }
        }))
        .unwrap();
        assert_eq!(from_toml, from_json);
        assert_eq!(from_toml.severity(Rule::MissingSpeaker), None);
        assert_eq!(from_toml.severity(Rule::PepFormat), Some(Severity::Warning));
        assert_eq!(from_toml.severity(Rule::BrokenLink), Some(Severity::Error));
    }

    #[test]
    fn editors_get_the_rest_of_their_settings_despite_an_unknown_rule() {
        let (s, warnings) = Settings::from_json_lenient(&serde_json::json!({
            "talknotes": {"pepIndex": "p.json", "rules": {"missing-speakers": "off", "pep-format": "off"}}
        }))
        .unwrap();
        assert_eq!(s.pep_index.as_deref(), Some(std::path::Path::new("p.json")));
        assert_eq!(s.severity(Rule::PepFormat), None);
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("missing-speakers"));
    }

    #[test]
    fn the_index_cache_setting_is_read_and_layered() {
        let file: Settings = toml::from_str("index_cache = false").unwrap();
        assert_eq!(file.index_cache, Some(false));
        let client = Settings::from_json(&serde_json::json!({"indexCache": true})).unwrap();
        assert_eq!(client.index_cache, Some(true));
        assert_eq!(file.merged(&client).index_cache, Some(true));
        assert_eq!(file.merged(&Settings::default()).index_cache, Some(false));
        assert_eq!(Settings::default().index_cache, None, "on by default");
    }

    #[test]
    fn unknown_rules_are_refused() {
        let err = Settings::from_json(&serde_json::json!({"rules": {"missing-speakers": "off"}}))
            .unwrap_err();
        assert!(err.to_string().contains("missing-speakers"), "{err}");
    }
}
