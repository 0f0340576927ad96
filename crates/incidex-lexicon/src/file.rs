//! The on-disk form of a lexicon file.

use crate::LexiconError;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// The dimension this file feeds: `malware`, `vectors`, `data_types` …
    pub dimension: String,
    #[serde(default)]
    pub description: String,
    /// `text` (default): matched in running text, leftmost-longest at ASCII word
    /// boundaries; `names`: only inside names, so the whole-document scan leaves
    /// it out; `cues`: words the rules look for around a date, a count or a
    /// name: the document scan keeps every occurrence, written exactly so.
    #[serde(default = "text_scope")]
    pub scope: String,
}

fn text_scope() -> String {
    "text".to_string()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The canonical value the patterns map to (a vocabulary value or a Latin name).
    pub value: String,
    /// Surface forms, matched ASCII case-insensitively on normalised text.
    pub patterns: Vec<String>,
    /// How strongly a match counts where the extractor weighs cues (default 1).
    #[serde(default = "one")]
    pub weight: f32,
    /// A free label the extractor may use (e.g. `neg` for a negative cue).
    #[serde(default)]
    pub tag: String,
}

fn one() -> f32 {
    1.0
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// A phrase in realistic words.
    pub text: String,
    /// The values the dimension must find in it, in any order, each once.
    pub expect: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LexiconFile {
    pub meta: Meta,
    #[serde(default, rename = "entry")]
    pub entries: Vec<Entry>,
    #[serde(default, rename = "example")]
    pub examples: Vec<Example>,
    #[serde(skip)]
    pub source: String,
}

impl LexiconFile {
    pub fn parse(label: &str, text: &str) -> Result<Self, LexiconError> {
        let mut file: LexiconFile = toml::from_str(text).map_err(|e| LexiconError::Invalid {
            file: label.to_string(),
            reason: e.to_string(),
        })?;
        file.source = label.to_string();
        for e in &file.entries {
            if e.value.trim().is_empty() {
                return Err(LexiconError::Invalid {
                    file: label.into(),
                    reason: "an entry has an empty value".into(),
                });
            }
            if e.patterns.iter().any(|p| p.trim().is_empty()) {
                return Err(LexiconError::Invalid {
                    file: label.into(),
                    reason: format!("entry {:?} has an empty pattern", e.value),
                });
            }
        }
        Ok(file)
    }
}
