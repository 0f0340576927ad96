//! The check's knowledge: word lists, file kinds, homoglyphs, domain suffixes
//! and points, read from the TOML files under `data/` (embedded at build time).

use regex::Regex;
use serde::Deserialize;
use std::collections::BTreeMap;
use unicode_normalization::UnicodeNormalization;

const WORDING: &str = include_str!("../data/wording.toml");
const ATTACHMENTS: &str = include_str!("../data/attachments.toml");
const HOMOGLYPHS: &str = include_str!("../data/homoglyphs.toml");
const DOMAINS: &str = include_str!("../data/domains.toml");
const SCORING: &str = include_str!("../data/scoring.toml");
const THREAD: &str = include_str!("../data/thread.toml");

/// A phrase list with the examples its data file gives.
#[derive(Debug, Clone, Deserialize)]
pub struct PhraseList {
    pub phrases: Vec<String>,
    #[serde(default)]
    pub examples: Vec<String>,
    #[serde(default)]
    pub counter_examples: Vec<String>,
    /// Longer words that contain a phrase without meaning it (「緊急連絡先」
    /// holds 「緊急」): their occurrences are blanked before matching.
    #[serde(default)]
    pub negatives: Vec<String>,
    /// The phrases normalised (filled when the knowledge is loaded).
    #[serde(skip)]
    normalized: Vec<String>,
    #[serde(skip)]
    normalized_negatives: Vec<String>,
}

impl PhraseList {
    fn prepare(&mut self) {
        self.normalized = self.phrases.iter().map(|p| normalize_text(p)).collect();
        self.normalized_negatives = self.negatives.iter().map(|p| normalize_text(p)).collect();
    }

    /// The first phrase found in `normalized` text (see [`normalize_text`]),
    /// not counting phrases inside one of the negatives.
    pub fn find<'a>(&'a self, normalized: &str) -> Option<&'a str> {
        let mut text = std::borrow::Cow::Borrowed(normalized);
        for n in &self.normalized_negatives {
            if text.contains(n.as_str()) {
                text = std::borrow::Cow::Owned(text.replace(n.as_str(), " "));
            }
        }
        self.normalized
            .iter()
            .position(|p| text.contains(p.as_str()))
            .map(|i| self.phrases[i].as_str())
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct PatternList {
    pub patterns: Vec<String>,
    #[serde(default)]
    pub examples: Vec<String>,
    #[serde(default)]
    pub counter_examples: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Wording {
    pub bec_bank_change: PhraseList,
    pub urgency: PhraseList,
    pub seasonal_lure: PhraseList,
    pub zip_password: PatternList,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FileKinds {
    pub executables: Vec<String>,
    pub shortcuts: Vec<String>,
    pub macro_office: Vec<String>,
    pub ooxml: Vec<String>,
    pub legacy_office: Vec<String>,
    pub zip_archives: Vec<String>,
    pub other_archives: Vec<String>,
    pub documents: Vec<String>,
    pub vba_zip_entries: Vec<String>,
    pub vba_storages: Vec<String>,
    pub archive_bomb: BombThresholds,
    #[serde(default)]
    pub examples: BTreeMap<String, String>,
}

/// Declared sizes beyond which an archive counts as a zip bomb.
#[derive(Debug, Clone, Deserialize)]
pub struct BombThresholds {
    pub total_bytes: u64,
    pub ratio: u64,
    pub ratio_min_bytes: u64,
}

/// Reply / forward subject prefixes and quote markers (`data/thread.toml`).
#[derive(Debug, Clone, Deserialize)]
pub struct ThreadWords {
    pub reply_prefixes: Vec<String>,
    pub forward_prefixes: Vec<String>,
    pub quote_starts: Vec<String>,
    pub quote_markers: Vec<String>,
}

/// What a file is, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Executable,
    Shortcut,
    MacroOffice,
    Ooxml,
    LegacyOffice,
    Zip,
    OtherArchive,
    Other,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Executable => "executable",
            FileKind::Shortcut => "shortcut",
            FileKind::MacroOffice => "macro_office",
            FileKind::Ooxml => "ooxml",
            FileKind::LegacyOffice => "legacy_office",
            FileKind::Zip => "zip",
            FileKind::OtherArchive => "other_archive",
            FileKind::Other => "other",
        }
    }
}

impl FileKinds {
    /// Whether an extension (lower case, no dot) names a file kind the check
    /// knows, documents included.
    pub fn is_file_extension(&self, ext: &str) -> bool {
        [
            &self.executables,
            &self.shortcuts,
            &self.macro_office,
            &self.ooxml,
            &self.legacy_office,
            &self.zip_archives,
            &self.other_archives,
            &self.documents,
        ]
        .iter()
        .any(|l| l.iter().any(|e| e == ext))
    }

    /// The kind of a file by its last extension.
    pub fn kind(&self, name: &str) -> FileKind {
        let ext = name
            .trim()
            .trim_end_matches(['.', ' '])
            .rsplit_once('.')
            .map(|(_, e)| e.to_lowercase())
            .unwrap_or_default();
        let has = |list: &[String]| list.contains(&ext);
        if ext.is_empty() {
            FileKind::Other
        } else if has(&self.executables) {
            FileKind::Executable
        } else if has(&self.shortcuts) {
            FileKind::Shortcut
        } else if has(&self.macro_office) {
            FileKind::MacroOffice
        } else if has(&self.ooxml) {
            FileKind::Ooxml
        } else if has(&self.legacy_office) {
            FileKind::LegacyOffice
        } else if has(&self.zip_archives) {
            FileKind::Zip
        } else if has(&self.other_archives) {
            FileKind::OtherArchive
        } else {
            FileKind::Other
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
struct HomoglyphFile {
    map: BTreeMap<String, String>,
    examples: Vec<[String; 2]>,
    counter_examples: Vec<[String; 2]>,
}

#[derive(Debug, Clone, Deserialize)]
struct DomainFile {
    suffixes: Vec<String>,
    examples: BTreeMap<String, [String; 2]>,
}

#[derive(Debug, Clone, Deserialize)]
struct Thresholds {
    suspicious: u32,
    dangerous: u32,
}

#[derive(Debug, Clone, Deserialize)]
struct ScoringFile {
    thresholds: Thresholds,
    points: BTreeMap<String, u32>,
}

/// Everything the checks know, loaded once.
#[derive(Debug, Clone)]
pub struct Knowledge {
    pub wording: Wording,
    pub files: FileKinds,
    pub zip_password: Vec<Regex>,
    pub thread: ThreadWords,
    /// `^\s*(reply or forward word)\s*(counter)?\s*:`; group 1 is the word.
    pub subject_prefix: Regex,
    /// Homoglyph sequences, longest first.
    homoglyphs: Vec<(String, String)>,
    pub homoglyph_examples: Vec<[String; 2]>,
    pub homoglyph_counter_examples: Vec<[String; 2]>,
    /// Suffixes, longest first.
    suffixes: Vec<String>,
    pub domain_examples: BTreeMap<String, [String; 2]>,
    points: BTreeMap<String, u32>,
    pub suspicious_from: u32,
    pub dangerous_from: u32,
}

impl Knowledge {
    /// Parses the embedded data files; an error names the file (a build with
    /// a broken data file fails its tests, so this does not fail at run time).
    /// The built-in knowledge, for unit tests (whose data files must parse).
    #[cfg(test)]
    pub(crate) fn for_tests() -> Knowledge {
        Knowledge::builtin().unwrap_or_else(|e| panic!("{e}"))
    }

    pub fn builtin() -> Result<Knowledge, String> {
        let mut wording: Wording =
            toml::from_str(WORDING).map_err(|e| format!("data/wording.toml: {e}"))?;
        wording.bec_bank_change.prepare();
        wording.urgency.prepare();
        wording.seasonal_lure.prepare();
        let files: FileKinds =
            toml::from_str(ATTACHMENTS).map_err(|e| format!("data/attachments.toml: {e}"))?;
        let hg: HomoglyphFile =
            toml::from_str(HOMOGLYPHS).map_err(|e| format!("data/homoglyphs.toml: {e}"))?;
        let dom: DomainFile =
            toml::from_str(DOMAINS).map_err(|e| format!("data/domains.toml: {e}"))?;
        let sc: ScoringFile =
            toml::from_str(SCORING).map_err(|e| format!("data/scoring.toml: {e}"))?;
        let zip_password = wording
            .zip_password
            .patterns
            .iter()
            .map(|p| Regex::new(p).map_err(|e| format!("data/wording.toml: pattern {p:?}: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        let thread: ThreadWords =
            toml::from_str(THREAD).map_err(|e| format!("data/thread.toml: {e}"))?;
        let words: Vec<String> = thread
            .reply_prefixes
            .iter()
            .chain(&thread.forward_prefixes)
            .map(|w| regex::escape(&normalize_text(w)))
            .collect();
        let subject_prefix = Regex::new(&format!(
            r"^\s*({})\s*(?:\[\d+\]|\(\d+\))?\s*:",
            words.join("|")
        ))
        .map_err(|e| format!("data/thread.toml: {e}"))?;
        let mut homoglyphs: Vec<(String, String)> = hg.map.into_iter().collect();
        homoglyphs.sort_by_key(|(k, _)| std::cmp::Reverse(k.chars().count()));
        let mut suffixes = dom.suffixes;
        suffixes.sort_by_key(|s| std::cmp::Reverse(s.len()));
        Ok(Knowledge {
            wording,
            files,
            zip_password,
            thread,
            subject_prefix,
            homoglyphs,
            homoglyph_examples: hg.examples,
            homoglyph_counter_examples: hg.counter_examples,
            suffixes,
            domain_examples: dom.examples,
            points: sc.points,
            suspicious_from: sc.thresholds.suspicious,
            dangerous_from: sc.thresholds.dangerous,
        })
    }

    /// The points of a reason code (0 for a code the scoring file lacks; a
    /// test checks every code the checks emit is listed, and debug builds
    /// assert it here).
    pub fn points(&self, code: &str) -> u32 {
        debug_assert!(
            self.points.contains_key(code),
            "reason code {code:?} is missing from data/scoring.toml"
        );
        self.points.get(code).copied().unwrap_or(0)
    }

    /// Whether a host name ends in a known suffix (data/domains.toml).
    pub fn has_known_suffix(&self, host: &str) -> bool {
        let h = host.trim().trim_end_matches('.').to_lowercase();
        self.suffixes
            .iter()
            .any(|s| h.strip_suffix(s.as_str()).is_some_and(|r| r.ends_with('.')))
    }

    /// Whether the scoring file lists a code.
    pub fn knows_code(&self, code: &str) -> bool {
        self.points.contains_key(code)
    }

    /// The homoglyph skeleton of a domain label.
    pub fn skeleton(&self, label: &str) -> String {
        let mut s: String = label.nfkc().collect::<String>().to_lowercase();
        for (from, to) in &self.homoglyphs {
            if s.contains(from.as_str()) {
                s = s.replace(from.as_str(), to);
            }
        }
        s
    }

    /// A domain's name (the label before its longest known suffix) and that
    /// suffix; None for a bare suffix or a single label.
    pub fn split_domain(&self, domain: &str) -> Option<(String, String)> {
        let d = domain.trim().trim_end_matches('.').to_lowercase();
        if self.suffixes.contains(&d) {
            return None;
        }
        for suf in &self.suffixes {
            if let Some(rest) = d.strip_suffix(suf.as_str()) {
                if let Some(rest) = rest.strip_suffix('.') {
                    let name = rest.rsplit('.').next().unwrap_or(rest);
                    if name.is_empty() {
                        return None;
                    }
                    return Some((name.to_string(), suf.clone()));
                }
            }
        }
        // Unknown suffix: the last label is taken as the suffix.
        let mut labels = d.rsplit('.');
        let suf = labels.next()?;
        let name = labels.next()?;
        (!name.is_empty()).then(|| (name.to_string(), suf.to_string()))
    }

    /// The organisation part of a domain: `name.suffix` (the registrable domain).
    pub fn registrable(&self, domain: &str) -> String {
        match self.split_domain(domain) {
            Some((n, s)) => format!("{n}.{s}"),
            None => domain.trim().trim_end_matches('.').to_lowercase(),
        }
    }
}

/// Text as the phrase lists compare it: NFKC (full-width ASCII becomes ASCII,
/// half-width kana full-width), lower case.
pub fn normalize_text(s: &str) -> String {
    s.nfkc().collect::<String>().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrase_lists_match_their_examples_and_not_their_counter_examples() {
        let k = Knowledge::for_tests();
        for (name, list) in [
            ("bec_bank_change", &k.wording.bec_bank_change),
            ("urgency", &k.wording.urgency),
            ("seasonal_lure", &k.wording.seasonal_lure),
        ] {
            assert!(!list.examples.is_empty(), "{name} has no examples");
            for e in &list.examples {
                assert!(list.find(&normalize_text(e)).is_some(), "{name}: {e}");
            }
            for e in &list.counter_examples {
                assert_eq!(list.find(&normalize_text(e)), None, "{name}: {e}");
            }
        }
    }

    #[test]
    fn password_patterns_match_their_examples() {
        let k = Knowledge::for_tests();
        let hit = |t: &str| k.zip_password.iter().any(|r| r.is_match(t));
        for e in &k.wording.zip_password.examples {
            assert!(hit(e), "{e}");
        }
        for e in &k.wording.zip_password.counter_examples {
            assert!(!hit(e), "{e}");
        }
    }

    #[test]
    fn file_kinds_follow_their_examples() {
        let k = Knowledge::for_tests();
        assert!(!k.files.examples.is_empty());
        for (name, kind) in &k.files.examples {
            assert_eq!(k.files.kind(name).as_str(), kind, "{name}");
        }
    }

    #[test]
    fn homoglyph_skeletons_follow_their_examples() {
        let k = Knowledge::for_tests();
        for [a, b] in &k.homoglyph_examples {
            assert_eq!(k.skeleton(a), k.skeleton(b), "{a} / {b}");
        }
        for [a, b] in &k.homoglyph_counter_examples {
            assert_ne!(k.skeleton(a), k.skeleton(b), "{a} / {b}");
        }
    }

    #[test]
    fn domains_split_as_their_examples_say() {
        let k = Knowledge::for_tests();
        for (d, [name, suffix]) in &k.domain_examples {
            assert_eq!(
                k.split_domain(d),
                Some((name.clone(), suffix.clone())),
                "{d}"
            );
        }
        assert_eq!(k.split_domain("example.co.jp"), None);
    }
}
