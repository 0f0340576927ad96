//! Dimensions by name, found without string comparisons in a tree.
//!
//! The extractor asks for a dimension by name thousands of times per
//! document (`LexiconSet::get`, the document scan's matches of one
//! dimension). A `BTreeMap<String, _>` answers each time with a walk of
//! `memcmp` calls (~400 instructions a lookup measured with callgrind);
//! here each name gets a key, its length and its bytes packed in two words,
//! so a lookup is a short scan of keys, and only a name longer than sixteen
//! bytes is compared as well.

use crate::LexMatch;
use std::collections::BTreeMap;

/// The names of the dimensions, each with its key, in a fixed order.
#[derive(Debug, Clone, Default)]
pub(crate) struct DimIndex {
    keys: Vec<NameKey>,
    names: Vec<String>,
}

/// A name's length and bytes: of a name of eight bytes or more its first
/// eight and its last eight (overlapping when shorter than sixteen), of a
/// shorter one all of them in `head`. Two names of at most sixteen bytes
/// with equal keys are equal; longer ones may differ in the middle.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct NameKey {
    head: u64,
    tail: u64,
    len: usize,
}

/// The longest name whose key says it all.
const WHOLE_KEY: usize = 16;

/// A name's key: two loads for a name of eight bytes or more (measured with
/// callgrind, a lookup cost ~140 instructions with a key built byte by byte
/// and a `memcmp` of every name whose key matched).
#[inline]
fn name_key(name: &str) -> NameKey {
    let bytes = name.as_bytes();
    match (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        (Some(head), Some(tail)) => NameKey {
            head: u64::from_le_bytes(*head),
            tail: u64::from_le_bytes(*tail),
            len: bytes.len(),
        },
        _ => NameKey {
            head: bytes.iter().fold(0, |key, &b| key << 8 | u64::from(b)),
            tail: 0,
            len: bytes.len(),
        },
    }
}

impl DimIndex {
    pub(crate) fn new(names: Vec<String>) -> Self {
        DimIndex {
            keys: names.iter().map(|n| name_key(n)).collect(),
            names,
        }
    }

    /// The place of `name` in the order the index was built with.
    #[inline]
    pub(crate) fn position(&self, name: &str) -> Option<usize> {
        let key = name_key(name);
        self.keys
            .iter()
            .enumerate()
            .filter(|&(_, &k)| k == key)
            .map(|(i, _)| i)
            .find(|&i| key.len <= WHOLE_KEY || self.names.get(i).is_some_and(|n| n == name))
    }

    pub(crate) fn names(&self) -> &[String] {
        &self.names
    }
}

/// Every dimension's matches in one text, as [`crate::LexiconSet::scan_dims`]
/// finds them: the same as [`crate::LexiconSet::scan_all`]'s map, with
/// lookups by name that cost a few word comparisons.
#[derive(Debug, Clone)]
pub struct LexScan<'a> {
    index: Option<&'a DimIndex>,
    /// Per dimension, in the index's order.
    matches: Vec<Vec<LexMatch<'a>>>,
}

impl<'a> LexScan<'a> {
    pub(crate) fn new(index: Option<&'a DimIndex>, matches: Vec<Vec<LexMatch<'a>>>) -> Self {
        LexScan { index, matches }
    }

    fn slot(&self, dim: &str) -> Option<usize> {
        self.index?.position(dim)
    }

    /// The matches of dimension `dim` (none for a dimension not scanned).
    pub fn get(&self, dim: &str) -> &[LexMatch<'a>] {
        self.slot(dim)
            .and_then(|i| self.matches.get(i))
            .map_or(&[], Vec::as_slice)
    }

    /// Takes the matches of dimension `dim` out (leaving none); as
    /// `BTreeMap::remove(dim).unwrap_or_default()` on `scan_all`'s map.
    pub fn take(&mut self, dim: &str) -> Vec<LexMatch<'a>> {
        match self.slot(dim).and_then(|i| self.matches.get_mut(i)) {
            Some(v) => std::mem::take(v),
            None => Vec::new(),
        }
    }

    /// The scan as `scan_all` returns it: every scanned dimension by name.
    pub fn into_map(self) -> BTreeMap<&'a str, Vec<LexMatch<'a>>> {
        let Some(index) = self.index else {
            return BTreeMap::new();
        };
        index
            .names()
            .iter()
            .map(String::as_str)
            .zip(self.matches)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_at_their_place() {
        let names: Vec<String> = [
            "actions",
            "sectors",
            "sector_suffixes",
            "sector_suffixes_x",
            "a",
            "",
            "データ種別",
            "malware",
            "malwarf",
            "\0a",
            "eight_by",
            "sixteen_bytes_xy",
            "seventeen_bytes_x",
            "seventeen_bytez_x",
            "a_name_longer_than_sixteen_bytes",
            "a_name_longer_then_sixteen_bytes",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let index = DimIndex::new(names.clone());
        for (i, n) in names.iter().enumerate() {
            assert_eq!(index.position(n), Some(i), "{n}");
        }
        for absent in [
            "sector",
            "sectors ",
            "sector_suffixes_y",
            "b",
            "データ",
            "\0\0a",
            "seventeen_bytey_x",
            "a_name_longer_than_sixteen_bytez",
        ] {
            assert_eq!(index.position(absent), None, "{absent}");
        }
    }

    #[test]
    fn the_scan_by_dimension_is_the_map_of_scan_all() {
        let set = crate::LexiconSet::builtin().expect("builtin lexicons");
        let text = "Emotetに感染し、個人情報が流出した可能性。ランサムウェア攻撃を受け、製造業の株式会社テストは調査中。";
        let map = set.scan_all(text);
        let mut scan = set.scan_dims(text);
        assert!(map.values().any(|v| !v.is_empty()));
        for (dim, matches) in &map {
            assert_eq!(scan.get(dim), matches.as_slice(), "{dim}");
        }
        assert!(scan.get("no such dimension").is_empty());
        assert_eq!(scan.clone().into_map(), map);
        for (dim, matches) in map {
            assert_eq!(scan.take(dim), matches, "{dim}");
            assert!(scan.get(dim).is_empty());
        }
        let lexicon = set.get("malware");
        assert!(!lexicon.values().is_empty());
        assert!(set.get("no such dimension").values().is_empty());
    }
}
