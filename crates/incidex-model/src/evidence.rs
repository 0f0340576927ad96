//! The evidence of a record: per field name, its items in the order they were added.
//!
//! A record has about ten fields with evidence and the extractor adds to them one
//! item at a time, thousands of times per megabyte of text. A `BTreeMap` paid
//! for a tree node, a search and a node insert per new field, and a bisection
//! mispredicts at every step; here the fields are one vector sorted by name, each
//! with its first sixteen bytes as a number, so that a search counts the smaller
//! numbers without a branch and compares whole names only on a tie (no two field
//! names of the format share their first sixteen bytes). The order is the `BTreeMap`'s
//! (byte order of the names), so the JSON is the same, and the methods other crates
//! call (`iter`, `get`, `values`, `entry(..).or_default()`, `map[field]` …) keep
//! their names and meaning.

use crate::record::EvidenceItem;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// Evidence items per field name, in the byte order of the names.
#[derive(Debug, Clone, Default)]
pub struct EvidenceMap {
    /// Sorted by name, names unique.
    entries: Vec<Field>,
    /// The entry `items_mut` found last: extractors add the items of one field in a
    /// row, so it is usually the one asked next (a hint only, checked before use).
    last: usize,
}

/// Two maps are equal when their fields and items are; the search hint is no part of it.
impl PartialEq for EvidenceMap {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
    }
}

impl Eq for EvidenceMap {}

/// One field's name and items.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Field {
    /// [`prefix_key`] of `name`.
    key: u128,
    /// A field of the format borrows its name from [`FORMAT_FIELDS`]: no copy
    /// to make and free per record. Other names are the caller's, copied.
    name: FieldName,
    items: Vec<EvidenceItem>,
}

impl Field {
    fn new(name: String, items: Vec<EvidenceItem>) -> Self {
        Field {
            key: prefix_key(&name),
            name: FieldName::Own(name),
            items,
        }
    }
}

/// A field's name: the `String` [`EvidenceMap::keys`] hands out, shared by
/// all records for a field of the format.
#[derive(Debug, Clone)]
enum FieldName {
    Shared(&'static String),
    Own(String),
}

/// Names are equal when their text is, shared or not.
impl PartialEq for FieldName {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for FieldName {}

impl FieldName {
    fn into_string(self) -> String {
        match self {
            FieldName::Shared(name) => name.clone(),
            FieldName::Own(name) => name,
        }
    }
}

impl std::ops::Deref for FieldName {
    type Target = String;

    fn deref(&self) -> &String {
        match self {
            FieldName::Shared(name) => name,
            FieldName::Own(name) => name,
        }
    }
}

/// The fields of the format that extractors give evidence for, in byte order.
const FORMAT_FIELD_NAMES: [&str; 20] = [
    "actions",
    "affected",
    "categories",
    "category",
    "data_types",
    "dates.disclosed",
    "dates.discovered",
    "dates.occurred_from",
    "dates.occurred_to",
    "indicators",
    "malware",
    "money",
    "organisations",
    "sector",
    "sequence",
    "stock_code",
    "threat_actors",
    "timeline",
    "vectors",
    "victims",
];

/// The names of [`FORMAT_FIELD_NAMES`] as the `String`s [`EvidenceMap::keys`]
/// hands out, made once for all records.
static FORMAT_FIELDS: LazyLock<Vec<String>> =
    LazyLock::new(|| FORMAT_FIELD_NAMES.iter().map(|n| n.to_string()).collect());

/// The [`prefix_key`] of each of [`FORMAT_FIELD_NAMES`].
const FORMAT_FIELD_KEYS: [u128; FORMAT_FIELD_NAMES.len()] = {
    let mut keys = [0u128; FORMAT_FIELD_NAMES.len()];
    let mut i = 0;
    while i < keys.len() {
        keys[i] = const_prefix_key(FORMAT_FIELD_NAMES[i]);
        i += 1;
    }
    keys
};

/// A slot per value of [`format_field_slot`]: one more than the index in
/// [`FORMAT_FIELD_NAMES`] of the name with that slot, or 0. Two names with
/// one slot fail the build.
const FORMAT_FIELD_SLOTS: [u8; 32] = {
    let mut slots = [0u8; 32];
    let mut i = 0;
    while i < FORMAT_FIELD_NAMES.len() {
        let slot = format_field_slot(FORMAT_FIELD_NAMES[i].as_bytes());
        assert!(slots[slot] == 0, "two format fields share a slot");
        slots[slot] = i as u8 + 1;
        i += 1;
    }
    slots
};

/// A hash of a field name, from its length and first two bytes, that differs
/// between any two of [`FORMAT_FIELD_NAMES`] (checked by [`FORMAT_FIELD_SLOTS`]).
const fn format_field_slot(name: &[u8]) -> usize {
    if name.len() < 2 {
        return 0;
    }
    (2 * name[0] as usize + 6 * name[1] as usize + name.len()) & 31
}

/// Whether two field names are equal, compared as a few words when they are
/// four to sixteen bytes long (every name of the format): the usual test of
/// `add_evidence`, cheaper inline than a call to `bcmp`.
#[inline]
fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    if a.len() <= 16 {
        // The first and the last eight (four) bytes, overlapping when shorter,
        // cover the whole name.
        if let (Some(ah), Some(at), Some(bh), Some(bt)) = (
            a.first_chunk::<8>(),
            a.last_chunk::<8>(),
            b.first_chunk::<8>(),
            b.last_chunk::<8>(),
        ) {
            return u64::from_ne_bytes(*ah) == u64::from_ne_bytes(*bh)
                && u64::from_ne_bytes(*at) == u64::from_ne_bytes(*bt);
        }
        if let (Some(ah), Some(at), Some(bh), Some(bt)) = (
            a.first_chunk::<4>(),
            a.last_chunk::<4>(),
            b.first_chunk::<4>(),
            b.last_chunk::<4>(),
        ) {
            return u32::from_ne_bytes(*ah) == u32::from_ne_bytes(*bh)
                && u32::from_ne_bytes(*at) == u32::from_ne_bytes(*bt);
        }
    }
    a == b
}

/// The index in [`FORMAT_FIELD_NAMES`] of `field`, when it is a field of the
/// format: one table look-up and one comparison, less than copying the name.
#[inline]
fn format_field_index(field: &str) -> Option<usize> {
    let i = usize::from(FORMAT_FIELD_SLOTS[format_field_slot(field.as_bytes())]).checked_sub(1)?;
    same_name(FORMAT_FIELD_NAMES.get(i)?, field).then_some(i)
}

const PREFIX_LEN: usize = 16;

/// The first sixteen bytes of `name`, zero-padded, as a big-endian number: names
/// in byte order have keys in the same order or equal keys (never the reverse).
fn prefix_key(name: &str) -> u128 {
    let mut bytes = [0u8; PREFIX_LEN];
    let n = name.len().min(PREFIX_LEN);
    bytes[..n].copy_from_slice(&name.as_bytes()[..n]);
    u128::from_be_bytes(bytes)
}

/// [`prefix_key`] at compile time, for the names of the format.
const fn const_prefix_key(name: &str) -> u128 {
    let name = name.as_bytes();
    let mut bytes = [0u8; PREFIX_LEN];
    let mut i = 0;
    while i < PREFIX_LEN && i < name.len() {
        bytes[i] = name[i];
        i += 1;
    }
    u128::from_be_bytes(bytes)
}

/// Room for the fields of a typical record in one allocation (about ten have evidence).
const FIELDS_PER_RECORD: usize = 12;

/// Room for the items of a new field: a field has two on average. A few
/// (timeline, victims, data types) have many and grow by reallocation. Eight
/// saved 0.4 % of the instructions on the example corpus but held 320 bytes
/// per field, mostly empty, in every record: one 200 MB file, whose records
/// stay in memory until it is done, peaked 240 MB higher.
const ITEMS_PER_FIELD: usize = 2;

impl EvidenceMap {
    pub fn new() -> Self {
        Self::default()
    }

    /// Where `field` is (`Ok`) or would go (`Err`).
    fn position(&self, field: &str) -> Result<usize, usize> {
        self.position_keyed(prefix_key(field), field)
    }

    /// [`EvidenceMap::position`] of `field`, whose [`prefix_key`] is `key`.
    fn position_keyed(&self, key: u128, field: &str) -> Result<usize, usize> {
        // The fields with smaller keys come first and have smaller names.
        let mut at = self.entries.iter().filter(|f| f.key < key).count();
        // Fields with the same key are compared by name.
        while let Some(f) = self.entries.get(at).filter(|f| f.key == key) {
            match f.name.as_str().cmp(field) {
                std::cmp::Ordering::Less => at += 1,
                std::cmp::Ordering::Equal => return Ok(at),
                std::cmp::Ordering::Greater => break,
            }
        }
        Err(at)
    }

    /// The items of `field`, added empty when the field has none yet.
    #[inline]
    pub fn items_mut(&mut self, field: &str) -> &mut Vec<EvidenceItem> {
        // The field asked last is compared by name alone (a length test and a
        // short byte comparison): no key need be built for the usual repeat.
        let hint = self.last;
        if self
            .entries
            .get(hint)
            .is_some_and(|f| same_name(f.name.as_str(), field))
        {
            return &mut self.entries[hint].items;
        }
        self.items_mut_searched(field)
    }

    /// [`EvidenceMap::items_mut`] of a field other than the one asked last.
    #[inline(never)]
    fn items_mut_searched(&mut self, field: &str) -> &mut Vec<EvidenceItem> {
        // A field of the format has its key made and its name shared.
        let format_field = format_field_index(field);
        let key = format_field.map_or_else(|| prefix_key(field), |i| FORMAT_FIELD_KEYS[i]);
        let at = match self.position_keyed(key, field) {
            Ok(at) => at,
            Err(at) => {
                if self.entries.capacity() == 0 {
                    self.entries.reserve(FIELDS_PER_RECORD);
                }
                let name = match format_field.and_then(|i| FORMAT_FIELDS.get(i)) {
                    Some(shared) => FieldName::Shared(shared),
                    None => FieldName::Own(field.to_string()),
                };
                // Room for a few items at once: most fields get more than one,
                // and a vector grown from empty goes through the slower growing path.
                self.entries.insert(
                    at,
                    Field {
                        key,
                        name,
                        items: Vec::with_capacity(ITEMS_PER_FIELD),
                    },
                );
                at
            }
        };
        self.last = at;
        &mut self.entries[at].items
    }

    pub fn get(&self, field: &str) -> Option<&Vec<EvidenceItem>> {
        self.position(field).ok().map(|at| &self.entries[at].items)
    }

    pub fn get_mut(&mut self, field: &str) -> Option<&mut Vec<EvidenceItem>> {
        self.position(field)
            .ok()
            .map(|at| &mut self.entries[at].items)
    }

    pub fn contains_key(&self, field: &str) -> bool {
        self.position(field).is_ok()
    }

    /// Sets the items of `field`, returning those it had.
    pub fn insert(&mut self, field: String, items: Vec<EvidenceItem>) -> Option<Vec<EvidenceItem>> {
        match self.position(&field) {
            Ok(at) => Some(std::mem::replace(&mut self.entries[at].items, items)),
            Err(at) => {
                self.entries.insert(at, Field::new(field, items));
                None
            }
        }
    }

    pub fn remove(&mut self, field: &str) -> Option<Vec<EvidenceItem>> {
        self.position(field)
            .ok()
            .map(|at| self.entries.remove(at).items)
    }

    /// The items of `field`, to be filled in (`.or_default()`, `.or_insert(..)`).
    pub fn entry(&mut self, field: String) -> Entry<'_> {
        Entry { map: self, field }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Fields and their items, in the byte order of the field names.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            inner: self.entries.iter(),
        }
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> + '_ {
        self.entries.iter().map(|f| &*f.name)
    }

    pub fn values(&self) -> impl Iterator<Item = &Vec<EvidenceItem>> + '_ {
        self.entries.iter().map(|f| &f.items)
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Vec<EvidenceItem>> + '_ {
        self.entries.iter_mut().map(|f| &mut f.items)
    }
}

/// The place of one field's items in an [`EvidenceMap`].
pub struct Entry<'a> {
    map: &'a mut EvidenceMap,
    field: String,
}

impl<'a> Entry<'a> {
    pub fn or_default(self) -> &'a mut Vec<EvidenceItem> {
        self.or_insert(Vec::new())
    }

    pub fn or_insert(self, items: Vec<EvidenceItem>) -> &'a mut Vec<EvidenceItem> {
        let at = match self.map.position(&self.field) {
            Ok(at) => at,
            Err(at) => {
                self.map.entries.insert(at, Field::new(self.field, items));
                at
            }
        };
        &mut self.map.entries[at].items
    }
}

/// Fields and their items of an [`EvidenceMap`], like a `BTreeMap`'s `(&K, &V)`.
pub struct Iter<'a> {
    inner: std::slice::Iter<'a, Field>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a String, &'a Vec<EvidenceItem>);

    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next().map(|f| (&*f.name, &f.items))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.inner.next_back().map(|f| (&*f.name, &f.items))
    }
}

impl<'a> IntoIterator for &'a EvidenceMap {
    type Item = (&'a String, &'a Vec<EvidenceItem>);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl IntoIterator for EvidenceMap {
    type Item = (String, Vec<EvidenceItem>);
    type IntoIter = IntoIter;

    fn into_iter(self) -> IntoIter {
        IntoIter {
            inner: self.entries.into_iter(),
        }
    }
}

/// Fields and their items of an [`EvidenceMap`], taken out of it.
pub struct IntoIter {
    inner: std::vec::IntoIter<Field>,
}

impl Iterator for IntoIter {
    type Item = (String, Vec<EvidenceItem>);

    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next().map(|f| (f.name.into_string(), f.items))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl std::ops::Index<&str> for EvidenceMap {
    type Output = Vec<EvidenceItem>;

    /// The items of `field`; like a map's index, it panics when there are none
    /// (a caller's mistake, never input data: use [`EvidenceMap::get`] otherwise).
    fn index(&self, field: &str) -> &Vec<EvidenceItem> {
        match self.get(field) {
            Some(items) => items,
            None => panic!("no evidence for field {field:?}"),
        }
    }
}

impl From<BTreeMap<String, Vec<EvidenceItem>>> for EvidenceMap {
    fn from(map: BTreeMap<String, Vec<EvidenceItem>>) -> Self {
        // A BTreeMap iterates in key order: the entries come out sorted.
        Self {
            entries: map
                .into_iter()
                .map(|(name, items)| Field::new(name, items))
                .collect(),
            last: 0,
        }
    }
}

impl From<EvidenceMap> for BTreeMap<String, Vec<EvidenceItem>> {
    fn from(map: EvidenceMap) -> Self {
        map.into_iter().collect()
    }
}

impl FromIterator<(String, Vec<EvidenceItem>)> for EvidenceMap {
    /// Later items of a repeated field replace earlier ones, as in a map.
    fn from_iter<I: IntoIterator<Item = (String, Vec<EvidenceItem>)>>(iter: I) -> Self {
        iter.into_iter()
            .collect::<BTreeMap<String, Vec<EvidenceItem>>>()
            .into()
    }
}

impl Serialize for EvidenceMap {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for EvidenceMap {
    /// Read as the map it was written as (a repeated field keeps its last items).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        BTreeMap::<String, Vec<EvidenceItem>>::deserialize(deserializer).map(Self::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(value: &str, a: usize) -> EvidenceItem {
        EvidenceItem {
            value: value.to_string(),
            span: [a, a + 1],
        }
    }

    #[test]
    fn fields_come_out_in_the_order_of_a_btree_map_and_round_trip() {
        let mut m = EvidenceMap::new();
        let mut b: BTreeMap<String, Vec<EvidenceItem>> = BTreeMap::new();
        for (i, f) in [
            "victims",
            "dates.disclosed",
            "category",
            "dates.discovered",
            "affected",
            "timeline",
            "category",
        ]
        .iter()
        .enumerate()
        {
            m.items_mut(f).push(item(f, i));
            b.entry(f.to_string()).or_default().push(item(f, i));
        }
        let mj = serde_json::to_string(&m).unwrap();
        assert_eq!(mj, serde_json::to_string(&b).unwrap());
        let back: EvidenceMap = serde_json::from_str(&mj).unwrap();
        // Read back, the names are owned; made by `items_mut`, shared: still equal.
        assert_eq!(back, m);
        assert_eq!(m["category"].len(), 2);
        assert!(m.get("money").is_none());
        assert_eq!(m.keys().count(), 6);
        m.entry("money".into()).or_default().push(item("1", 0));
        assert_eq!(m.get("money").map(Vec::len), Some(1));
        assert_eq!(BTreeMap::from(m.clone()).len(), 7);
    }

    #[test]
    fn the_format_fields_are_in_byte_order_with_distinct_keys() {
        assert!(FORMAT_FIELD_NAMES.windows(2).all(|w| w[0] < w[1]));
        assert!(FORMAT_FIELD_KEYS.windows(2).all(|w| w[0] < w[1]));
        for (i, name) in FORMAT_FIELD_NAMES.iter().enumerate() {
            assert_eq!(FORMAT_FIELD_KEYS[i], prefix_key(name));
            assert_eq!(format_field_index(name), Some(i));
            assert_eq!(FORMAT_FIELDS[i], *name);
        }
        for other in [
            "",
            "a",
            "date",
            "dates.occurred_f",
            "dates.occurred_tox",
            "zzz",
            "action",
        ] {
            assert!(format_field_index(other).is_none(), "{other:?}");
        }
    }

    #[test]
    fn names_are_the_same_exactly_when_equal() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut rand = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let alphabet = b"ab.\0";
        for _ in 0..20_000 {
            let len_a = (rand() % 20) as usize;
            let a: String = (0..len_a)
                .map(|_| alphabet[(rand() % 4) as usize] as char)
                .collect();
            let mut b = a.clone().into_bytes();
            match rand() % 3 {
                0 => {}
                1 if !b.is_empty() => {
                    let k = (rand() % b.len() as u64) as usize;
                    b[k] = alphabet[(rand() % 4) as usize];
                }
                _ => b.push(b'a'),
            }
            let b = String::from_utf8(b).expect("ascii");
            assert_eq!(same_name(&a, &b), a == b, "{a:?} {b:?}");
        }
        for name in FORMAT_FIELD_NAMES {
            assert!(same_name(name, name));
        }
    }

    #[test]
    fn names_alike_in_their_first_sixteen_bytes_keep_byte_order() {
        let names = [
            "dates.occurred_from_long_b",
            "dates.occurred_from_long_a",
            "dates.occurred_from",
            "dates.occurred_f",
            "dates.occurred_f\u{0}",
            "dates.occurred_f\u{0}\u{0}",
            "dates.occurred_to",
            "",
            "\u{0}",
            "a",
            "日本語のとても長い欄の名前",
            "日本語のとても長い欄の名",
        ];
        let mut m = EvidenceMap::new();
        let mut b: BTreeMap<String, Vec<EvidenceItem>> = BTreeMap::new();
        for round in 0..2 {
            for (i, f) in names.iter().enumerate() {
                m.items_mut(f).push(item(f, i + round));
                b.entry(f.to_string()).or_default().push(item(f, i + round));
            }
        }
        assert_eq!(m.len(), names.len());
        assert!(m.iter().eq(b.iter()));
        for f in names {
            assert_eq!(m.get(f), b.get(f), "{f:?}");
        }
        assert!(m.get("dates.occurred_from_long").is_none());
        assert!(m.get("dates.occurred_f\u{0}\u{0}\u{0}").is_none());
    }
}
