//! Extraction knowledge as data.
//!
//! Every dimension of knowledge (malware names, vectors, data kinds, actions,
//! sectors, company forms …) lives in one TOML file under `data/`, embedded at
//! build time. A file holds `[[entry]]` tables (a canonical `value` and the
//! `patterns` that name it) and `[[example]]` tables (a phrase in realistic
//! words and the values it must yield), the way Duckling keeps a Rules and a
//! Corpus per dimension. `cargo test` runs every example; adding a malware
//! family is one `[[entry]]`.
//!
//! Matching is done on text that the extractor has already normalised
//! (NFKC-like: full-width ASCII folded), ASCII case-insensitively, leftmost-longest.
//! Patterns that start or end with an ASCII letter or digit only match at ASCII
//! word boundaries, so `Ryuk` does not fire inside `Ryukyu`.

mod dims;
mod file;
mod matcher;
mod scanner;

pub use dims::LexScan;
pub use file::{Entry, Example, LexiconFile, Meta};
pub use matcher::{fold, Combined, LexMatch, Lexicon, NEG};

use dims::DimIndex;
use std::collections::BTreeMap;
use std::path::Path;

/// The lexicon files compiled into the binary, by file name.
pub const BUILTIN: &[(&str, &str)] = &[
    ("malware.toml", include_str!("../data/malware.toml")),
    (
        "threat_actors.toml",
        include_str!("../data/threat_actors.toml"),
    ),
    ("categories.toml", include_str!("../data/categories.toml")),
    ("vectors.toml", include_str!("../data/vectors.toml")),
    ("data_types.toml", include_str!("../data/data_types.toml")),
    ("actions.toml", include_str!("../data/actions.toml")),
    ("sectors.toml", include_str!("../data/sectors.toml")),
    (
        "company_forms.toml",
        include_str!("../data/company_forms.toml"),
    ),
    (
        "org_suffixes.toml",
        include_str!("../data/org_suffixes.toml"),
    ),
    (
        "table_causes.toml",
        include_str!("../data/table_causes.toml"),
    ),
    (
        "non_incident.toml",
        include_str!("../data/non_incident.toml"),
    ),
    ("events.toml", include_str!("../data/events.toml")),
    (
        "sector_suffixes.toml",
        include_str!("../data/sector_suffixes.toml"),
    ),
    (
        "issuer_units.toml",
        include_str!("../data/issuer_units.toml"),
    ),
    ("date_roles.toml", include_str!("../data/date_roles.toml")),
    ("denials.toml", include_str!("../data/denials.toml")),
    ("list_cues.toml", include_str!("../data/list_cues.toml")),
    ("name_rules.toml", include_str!("../data/name_rules.toml")),
];

#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    #[error("{file}: {reason}")]
    Invalid { file: String, reason: String },
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        source: std::io::Error,
    },
}

/// All dimensions, each one [`Lexicon`] merged from the built-in file and any
/// files a user adds at run time.
#[derive(Debug, Clone)]
pub struct LexiconSet {
    files: BTreeMap<String, LexiconFile>,
    /// The compiled lexicons, in the order of `names` (by dimension).
    compiled: Vec<Lexicon>,
    names: DimIndex,
    combined: Option<Combined>,
}

impl LexiconSet {
    /// The lexicons compiled into the binary.
    pub fn builtin() -> Result<Self, LexiconError> {
        let mut set = LexiconSet {
            files: BTreeMap::new(),
            compiled: Vec::new(),
            names: DimIndex::default(),
            combined: None,
        };
        for (name, text) in BUILTIN {
            set.merge(LexiconFile::parse(name, text)?);
        }
        set.compile()?;
        Ok(set)
    }

    /// Adds a user lexicon file; its `[meta] dimension` says which lexicon it extends.
    pub fn add_file(&mut self, path: &Path) -> Result<(), LexiconError> {
        let label = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| LexiconError::Io {
            file: label.clone(),
            source,
        })?;
        self.add_text(&label, &text)
    }

    /// Adds lexicon entries given as TOML text.
    pub fn add_text(&mut self, label: &str, text: &str) -> Result<(), LexiconError> {
        let file = LexiconFile::parse(label, text)?;
        self.merge(file);
        self.compile()
    }

    fn merge(&mut self, file: LexiconFile) {
        match self.files.get_mut(&file.meta.dimension) {
            Some(existing) => {
                existing.entries.extend(file.entries);
                existing.examples.extend(file.examples);
            }
            None => {
                self.files.insert(file.meta.dimension.clone(), file);
            }
        }
    }

    fn compile(&mut self) -> Result<(), LexiconError> {
        let mut compiled = Vec::with_capacity(self.files.len());
        for file in self.files.values() {
            compiled.push(Lexicon::compile(file)?);
        }
        self.compiled = compiled;
        self.names = DimIndex::new(self.files.keys().cloned().collect());
        // Words only looked for inside names stay out of the document scan;
        // rule cues are in it, every occurrence kept.
        let all: Vec<(&String, &Lexicon, bool)> = self
            .files
            .iter()
            .zip(&self.compiled)
            .filter_map(|((d, file), lex)| match file.meta.scope.as_str() {
                "names" => None,
                "cues" => Some((d, lex, true)),
                _ => Some((d, lex, false)),
            })
            .collect();
        self.combined = Some(Combined::build(&all)?);
        Ok(())
    }

    /// The lexicon of one dimension; an empty one when no file defines it.
    pub fn get(&self, dimension: &str) -> &Lexicon {
        static EMPTY: std::sync::OnceLock<Lexicon> = std::sync::OnceLock::new();
        self.names
            .position(dimension)
            .and_then(|i| self.compiled.get(i))
            .unwrap_or_else(|| EMPTY.get_or_init(Lexicon::empty))
    }

    /// Every dimension's leftmost-longest matches in `text` (for a `cues` lexicon,
    /// every occurrence of its words), found in one pass.
    pub fn scan_all<'a>(&'a self, text: &str) -> BTreeMap<&'a str, Vec<LexMatch<'a>>> {
        self.scan_dims(text).into_map()
    }

    /// [`LexiconSet::scan_all`]'s matches without building a map: looking
    /// a dimension up in the result costs a few word comparisons instead of
    /// a tree walk with string comparisons.
    pub fn scan_dims<'a>(&'a self, text: &str) -> LexScan<'a> {
        match &self.combined {
            Some(c) => LexScan::new(Some(&c.dims), c.scan(text)),
            None => LexScan::new(None, Vec::new()),
        }
    }

    /// The dimensions and their source files, for corpus tests and `--list-lexicons`.
    pub fn files(&self) -> impl Iterator<Item = &LexiconFile> {
        self.files.values()
    }
}
