//! Linking reports into incidents: union-find over reports that name the same
//! organisation (or provider, or parent), share a cause, and were disclosed
//! within [`MAX_DAYS`] of each other; hand-made links and unlinks override.

use crate::dates::day_number;
use crate::error::{Result, StoreError};
use crate::normalize::same_name;
use crate::store::{Store, INCIDENT_TAG_KINDS};
use rusqlite::{params, OptionalExtension, Transaction};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Reports disclosed further apart than this are not joined automatically.
pub const MAX_DAYS: i64 = 180;
/// Comparisons per report within one name group (bounds the work on huge groups).
const WINDOW: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Victim,
    Provider,
    Parent,
}

#[derive(Debug, Default)]
struct Feat {
    id: i64,
    rkey: String,
    victim: Option<String>,
    category: Option<String>,
    sector: Option<String>,
    disclosed: Option<String>,
    day: Option<i64>,
    sequence: Option<i64>,
    max_affected: Option<i64>,
    names: Vec<(String, Role)>,
    categories: BTreeSet<String>,
    malware: BTreeSet<String>,
}

/// The reason given to a report stored since the last relink (and to the
/// reports of an incident that a replaced document broke up):
/// [`Store::relink_pending`] links these and the reports they can join.
pub(crate) const PENDING: &str = "not linked yet (relink pending)";

/// The tag kinds that carry organisation names.
const NAME_KINDS: &str = "('victim', 'provider', 'parent')";

/// Marks the links dirty after reports were stored. `links_dirty` is '0'
/// (clean), '2' (the reports stored since are marked [`PENDING`]) or '1'
/// (written by older builds, which did not mark them: a full relink is due).
pub(crate) fn mark_dirty(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO meta(key, value) VALUES ('links_dirty', '2')
         ON CONFLICT(key) DO UPDATE SET value = CASE WHEN value = '1' THEN '1' ELSE '2' END",
        [],
    )?;
    Ok(())
}

/// What a relink did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LinkSummary {
    pub reports: usize,
    pub incidents: usize,
    /// Joins made (automatic and by hand).
    pub joins: usize,
}

struct UnionFind {
    parent: Vec<usize>,
    /// Per root: members that carry a "never join" constraint.
    constrained: Vec<Vec<usize>>,
}

impl UnionFind {
    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    /// Joins the sets of `a` and `b` unless a constraint forbids it; true when joined.
    fn union(
        &mut self,
        a: usize,
        b: usize,
        forbidden: &HashMap<usize, Vec<usize>>,
        force: bool,
    ) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        if !force {
            let members: Vec<usize> = self.constrained[ra].clone();
            for x in members {
                for &y in forbidden.get(&x).into_iter().flatten() {
                    if y == usize::MAX || self.find(y) == rb {
                        return false;
                    }
                }
            }
            let members: Vec<usize> = self.constrained[rb].clone();
            for x in members {
                for &y in forbidden.get(&x).into_iter().flatten() {
                    if y == usize::MAX || self.find(y) == ra {
                        return false;
                    }
                }
            }
        }
        let (root, child) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.parent[child] = root;
        let moved = std::mem::take(&mut self.constrained[child]);
        self.constrained[root].extend(moved);
        true
    }
}

/// Why two reports may be joined, or `None`.
fn join_reason(a: &Feat, b: &Feat, name: &str, role_a: Role, role_b: Role) -> Option<String> {
    let days = match (a.day, b.day) {
        (Some(x), Some(y)) => {
            let d = (x - y).abs();
            if d > MAX_DAYS {
                return None;
            }
            format!("disclosed {d} days apart")
        }
        _ => "a disclosure date unknown".to_string(),
    };
    let shared_malware: Vec<&String> = a.malware.intersection(&b.malware).collect();
    let cause = if !shared_malware.is_empty() {
        format!(
            "same malware {}",
            shared_malware
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    } else if a.category.is_some() && a.category == b.category {
        format!("same category {}", a.category.as_deref().unwrap_or(""))
    } else if let Some(c) = a.categories.intersection(&b.categories).next() {
        format!("shared cause {c}")
    } else if let Some(s) = a
        .sequence
        .filter(|s| *s >= 2)
        .or(b.sequence.filter(|s| *s >= 2))
    {
        format!("follow-up report (第{s}報)")
    } else if a.category.is_none() || b.category.is_none() {
        "cause not stated in one report".to_string()
    } else {
        return None;
    };
    let who = match (role_a, role_b) {
        (Role::Provider, _) | (_, Role::Provider) => format!("shared provider 「{name}」"),
        (Role::Parent, _) | (_, Role::Parent) => format!("group company of 「{name}」"),
        _ => format!("same victim 「{name}」"),
    };
    Some(format!("{who}; {cause}; {days}"))
}

impl Store {
    /// Recomputes every incident from the stored reports and the hand-made
    /// links, in one transaction.
    pub fn relink(&mut self) -> Result<LinkSummary> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| crate::error::classify(&path, e))?;
        let summary = relink_in(&tx).map_err(|e| crate::error::classify(&path, e))?;
        tx.commit().map_err(|e| crate::error::classify(&path, e))?;
        Ok(summary)
    }

    /// Links the reports stored since the last relink, in one transaction:
    /// only the incidents they can join are recomputed (the reports that share
    /// an organisation name with them, directly or by containment, with the
    /// other reports of those reports' incidents and their hand-made links),
    /// with the same rules as [`Store::relink`]. When the reports stored since
    /// are not known (a database last written by an older build), everything
    /// is relinked. The summary counts the recomputed part.
    pub fn relink_pending(&mut self) -> Result<LinkSummary> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| crate::error::classify(&path, e))?;
        let state: Option<String> = tx
            .query_row(
                "SELECT value FROM meta WHERE key = 'links_dirty'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| crate::error::classify(&path, e))?;
        let summary = match state.as_deref() {
            None | Some("0") => Ok(LinkSummary::default()),
            Some("2") => relink_pending_in(&tx),
            Some(_) => relink_in(&tx),
        }
        .map_err(|e| crate::error::classify(&path, e))?;
        tx.commit().map_err(|e| crate::error::classify(&path, e))?;
        Ok(summary)
    }

    /// Resolves a report given by id (`123`, `#123`, `r123`) or stable key.
    pub fn report_key(&self, given: &str) -> Result<String> {
        let g = given.trim().trim_start_matches(['#', 'r', 'R']);
        let found: Option<String> = if let Ok(id) = g.parse::<i64>() {
            self.conn
                .query_row("SELECT rkey FROM reports WHERE id = ?1", [id], |r| r.get(0))
                .optional()
        } else {
            self.conn
                .query_row(
                    "SELECT rkey FROM reports WHERE rkey = ?1",
                    [given.trim()],
                    |r| r.get(0),
                )
                .optional()
        }
        .map_err(|e| self.err(e))?;
        found.ok_or_else(|| {
            StoreError::NotFound(format!(
                "no report {given:?} (give a report id or key from `incidex show`)"
            ))
        })
    }

    /// Joins two reports by hand (remembered across re-ingests); relinks.
    pub fn link_reports(&mut self, a: &str, b: &str) -> Result<LinkSummary> {
        self.manual(a, Some(b), "link")
    }

    /// Keeps two reports apart (or, with one report, keeps it out of every
    /// automatic join); relinks.
    pub fn unlink_reports(&mut self, a: &str, b: Option<&str>) -> Result<LinkSummary> {
        self.manual(a, b, "unlink")
    }

    /// Splits a report out of its incident: keeps it apart from each of
    /// `others` and out of every automatic join, all in one transaction (one
    /// relink after), so a failure changes nothing.
    pub fn split_report(&mut self, report: &str, others: &[String]) -> Result<LinkSummary> {
        let ka = self.report_key(report)?;
        let mut pairs = vec![(ka.clone(), String::new())];
        for o in others {
            let kb = self.report_key(o)?;
            if kb != ka {
                pairs.push(if ka < kb {
                    (ka.clone(), kb)
                } else {
                    (kb, ka.clone())
                });
            }
        }
        let now = crate::dates::now_rfc3339();
        let path = self.path.clone();
        let err = |e| crate::error::classify(&path, e);
        let tx = self.conn.transaction().map_err(err)?;
        for (x, y) in &pairs {
            tx.execute(
                "INSERT OR REPLACE INTO manual_links(a, b, kind, created_at) VALUES (?1, ?2, 'unlink', ?3)",
                params![x, y, now],
            )
            .map_err(err)?;
        }
        tx.commit().map_err(err)?;
        self.relink()
    }

    fn manual(&mut self, a: &str, b: Option<&str>, kind: &str) -> Result<LinkSummary> {
        let ka = self.report_key(a)?;
        let kb = match b {
            Some(b) => self.report_key(b)?,
            None => String::new(),
        };
        if ka == kb {
            return Err(StoreError::Invalid(
                "a report cannot be linked to itself".into(),
            ));
        }
        let (x, y) = if kb.is_empty() || ka < kb {
            (ka, kb)
        } else {
            (kb, ka)
        };
        self.conn
            .execute(
                "INSERT OR REPLACE INTO manual_links(a, b, kind, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![x, y, kind, crate::dates::now_rfc3339()],
            )
            .map_err(|e| self.err(e))?;
        self.relink()
    }
}

/// The link features of every report, or (`scoped`) of the reports in
/// `temp.relink_set`.
fn load_features(tx: &Transaction<'_>, scoped: bool) -> rusqlite::Result<Vec<Feat>> {
    let mut st = tx.prepare(if scoped {
        "SELECT id, rkey, victim, category, sector, disclosed, sequence, max_affected FROM reports
         WHERE id IN (SELECT id FROM temp.relink_set) ORDER BY id"
    } else {
        "SELECT id, rkey, victim, category, sector, disclosed, sequence, max_affected FROM reports ORDER BY id"
    })?;
    let mut feats: Vec<Feat> = st
        .query_map([], |r| {
            let disclosed: Option<String> = r.get(5)?;
            Ok(Feat {
                id: r.get(0)?,
                rkey: r.get(1)?,
                victim: r.get(2)?,
                category: r.get(3)?,
                sector: r.get(4)?,
                day: disclosed.as_deref().and_then(day_number),
                disclosed,
                sequence: r.get(6)?,
                max_affected: r.get(7)?,
                ..Default::default()
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let index: HashMap<i64, usize> = feats.iter().enumerate().map(|(i, f)| (f.id, i)).collect();
    let mut st = tx.prepare(if scoped {
        "SELECT report_id, kind, value FROM report_tags
         WHERE report_id IN (SELECT id FROM temp.relink_set) AND +kind IN ('victim', 'provider', 'parent', 'category', 'malware')"
    } else {
        "SELECT report_id, kind, value FROM report_tags WHERE kind IN ('victim', 'provider', 'parent', 'category', 'malware')"
    })?;
    let mut rows = st.query([])?;
    while let Some(row) = rows.next()? {
        let (rid, kind, value): (i64, String, String) = (row.get(0)?, row.get(1)?, row.get(2)?);
        let Some(&i) = index.get(&rid) else { continue };
        let f = &mut feats[i];
        match kind.as_str() {
            "victim" => f.names.push((value, Role::Victim)),
            "provider" => f.names.push((value, Role::Provider)),
            "parent" => f.names.push((value, Role::Parent)),
            "category" => {
                f.categories.insert(value);
            }
            _ => {
                f.malware.insert(value);
            }
        }
    }
    // One order whatever order the rows came in: a report's first role for a
    // name is the one its joins name (parent, then provider, then victim).
    for f in &mut feats {
        f.names
            .sort_by(|a, b| (role_rank(a.1), &a.0).cmp(&(role_rank(b.1), &b.0)));
    }
    Ok(feats)
}

fn role_rank(r: Role) -> u8 {
    match r {
        Role::Parent => 0,
        Role::Provider => 1,
        Role::Victim => 2,
    }
}

/// Groups of reports that may be joined: per distinct name, the reports that
/// carry it or a name it contains (three characters or more). `known`, when
/// `feats` are a part of the store, holds every name stored: groups are then
/// formed for every stored name (a name none of `feats` carries can still
/// contain two of theirs) and labelled as in a full relink, so that the part
/// is linked as a full relink links it.
fn name_groups<'a>(
    feats: &'a [Feat],
    known: Option<&HashSet<&'a str>>,
) -> Vec<(String, Vec<(usize, Role)>)> {
    let mut by_name: HashMap<&str, Vec<(usize, Role)>> = HashMap::new();
    for (i, f) in feats.iter().enumerate() {
        for (n, role) in &f.names {
            let list = by_name.entry(n.as_str()).or_default();
            if !list.iter().any(|(j, _)| *j == i) {
                list.push((i, *role));
            }
        }
    }
    let keys: Vec<&str> = match known {
        Some(k) => k.iter().copied().collect(),
        None => by_name.keys().copied().collect(),
    };
    let mut groups = Vec::new();
    for name in keys {
        let mut group = by_name.get(name).cloned().unwrap_or_default();
        let mut label = name;
        for sub in inner_names(name) {
            let more = by_name.get(sub);
            let stored = more.is_some() || known.is_some_and(|k| k.contains(sub));
            if stored && same_name(sub, name) {
                if let Some(more) = more {
                    group.extend(more.iter().copied());
                }
                label = sub;
            }
        }
        if group.len() > 1 {
            groups.push((label, name, group));
        }
    }
    // By label, then name: the same order on every run.
    groups.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    groups
        .into_iter()
        .map(|(label, _, group)| (label.to_string(), group))
        .collect()
}

/// The byte ranges of a name's substrings that name groups consider: three
/// characters or more, shorter than the name (none for names of three
/// characters or fewer).
fn inner_names(name: &str) -> impl Iterator<Item = &str> {
    let bounds: Vec<usize> = name
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(name.len()))
        .collect();
    let chars = bounds.len() - 1;
    (3..chars.max(3))
        .flat_map(move |len| {
            let bounds = bounds.clone();
            (0..=chars - len).map(move |start| (bounds[start], bounds[start + len]))
        })
        .map(move |(a, b)| &name[a..b])
}

fn relink_in(tx: &Transaction<'_>) -> rusqlite::Result<LinkSummary> {
    let feats = load_features(tx, false)?;
    let (mut uf, edges) = link_features(tx, &feats, None)?;
    write_incidents(tx, &feats, &mut uf, &edges, false)
}

/// Collects in `temp.relink_set` the pending reports, the reports that share
/// a name group with them (a name of a pending report, a name containing it,
/// and the names that such a name contains), and, until nothing changes, the
/// other reports of their incidents and their hand-made links; relinks those.
fn relink_pending_in(tx: &Transaction<'_>) -> rusqlite::Result<LinkSummary> {
    tx.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS relink_set(id INTEGER PRIMARY KEY);
         CREATE TEMP TABLE IF NOT EXISTS relink_old(id INTEGER PRIMARY KEY);
         DELETE FROM temp.relink_set; DELETE FROM temp.relink_old;",
    )?;
    let pending = tx.execute(
        "INSERT INTO temp.relink_set(id) SELECT report_id FROM report_incident WHERE reason = ?1",
        [PENDING],
    )?;
    if pending == 0 {
        tx.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES ('links_dirty', '0')",
            [],
        )?;
        return Ok(LinkSummary::default());
    }
    let pending_names: HashSet<String> = tx
        .prepare(&format!(
            "SELECT DISTINCT value FROM report_tags
             WHERE report_id IN (SELECT id FROM temp.relink_set) AND +kind IN {NAME_KINDS}"
        ))?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let all_names: Vec<String> = tx
        .prepare(&format!(
            "SELECT DISTINCT value FROM report_tags WHERE kind IN {NAME_KINDS}"
        ))?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let known: HashSet<&str> = all_names.iter().map(String::as_str).collect();
    let mut needed: HashSet<&str> = HashSet::new();
    for name in &all_names {
        let touched = pending_names.contains(name)
            || inner_names(name).any(|sub| pending_names.contains(sub));
        if touched {
            needed.insert(name);
            needed.extend(inner_names(name).filter(|sub| known.contains(sub)));
        }
    }
    {
        let mut add = tx.prepare(&format!(
            "INSERT OR IGNORE INTO temp.relink_set(id)
             SELECT report_id FROM report_tags WHERE kind IN {NAME_KINDS} AND value = ?1"
        ))?;
        for name in &needed {
            add.execute([name])?;
        }
    }
    drop(needed);
    loop {
        // (Two steps, each driven by the small temporary table: a join of
        // report_incident with itself made SQLite scan it whole.)
        tx.execute(
            "INSERT OR IGNORE INTO temp.relink_old(id)
             SELECT incident_id FROM report_incident WHERE report_id IN (SELECT id FROM temp.relink_set)",
            [],
        )?;
        let by_incident = tx.execute(
            "INSERT OR IGNORE INTO temp.relink_set(id)
             SELECT report_id FROM report_incident WHERE incident_id IN (SELECT id FROM temp.relink_old)",
            [],
        )?;
        let by_hand = tx.execute(
            "INSERT OR IGNORE INTO temp.relink_set(id)
             SELECT rb.id FROM manual_links m JOIN reports ra ON ra.rkey = m.a JOIN reports rb ON rb.rkey = m.b
             WHERE m.kind = 'link' AND ra.id IN (SELECT id FROM temp.relink_set)
             UNION
             SELECT ra.id FROM manual_links m JOIN reports ra ON ra.rkey = m.a JOIN reports rb ON rb.rkey = m.b
             WHERE m.kind = 'link' AND rb.id IN (SELECT id FROM temp.relink_set)",
            [],
        )?;
        if by_incident + by_hand == 0 {
            break;
        }
    }
    tx.execute(
        "INSERT OR IGNORE INTO temp.relink_old(id)
         SELECT incident_id FROM report_incident WHERE report_id IN (SELECT id FROM temp.relink_set)",
        [],
    )?;
    let feats = load_features(tx, true)?;
    let (mut uf, edges) = link_features(tx, &feats, Some(&known))?;
    let summary = write_incidents(tx, &feats, &mut uf, &edges, true)?;
    tx.execute_batch("DELETE FROM temp.relink_set; DELETE FROM temp.relink_old;")?;
    Ok(summary)
}

/// Joins as pairs of indices into the features, with their reasons.
type Edges = Vec<(usize, usize, String)>;

/// The union-find over `feats`: hand-made links first (unlinks as
/// constraints), then the name groups. Returns the joins with their reasons.
fn link_features(
    tx: &Transaction<'_>,
    feats: &[Feat],
    known: Option<&HashSet<&str>>,
) -> rusqlite::Result<(UnionFind, Edges)> {
    let by_key: HashMap<&str, usize> = feats
        .iter()
        .enumerate()
        .map(|(i, f)| (f.rkey.as_str(), i))
        .collect();
    let mut uf = UnionFind {
        parent: (0..feats.len()).collect(),
        constrained: vec![Vec::new(); feats.len()],
    };
    let mut forbidden: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut edges: Vec<(usize, usize, String)> = Vec::new();

    let mut st = tx.prepare("SELECT a, b, kind FROM manual_links ORDER BY created_at, a, b")?;
    let manual: Vec<(String, String, String)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (a, b, kind) in &manual {
        let Some(&ia) = by_key.get(a.as_str()) else {
            continue;
        };
        if kind == "unlink" {
            let ib = if b.is_empty() {
                Some(usize::MAX)
            } else {
                by_key.get(b.as_str()).copied()
            };
            if let Some(ib) = ib {
                forbidden.entry(ia).or_default().push(ib);
                uf.constrained[ia].push(ia);
                if ib != usize::MAX {
                    forbidden.entry(ib).or_default().push(ia);
                    uf.constrained[ib].push(ib);
                }
            }
        }
    }
    for (a, b, kind) in &manual {
        if kind != "link" {
            continue;
        }
        if let (Some(&ia), Some(&ib)) = (by_key.get(a.as_str()), by_key.get(b.as_str())) {
            if uf.union(ia, ib, &forbidden, true) {
                edges.push((ia, ib, "linked by hand (incidex link)".into()));
            }
        }
    }

    for (label, mut group) in name_groups(feats, known) {
        group.sort_by_key(|(i, _)| (feats[*i].day.unwrap_or(i64::MIN), *i));
        group.dedup_by_key(|(i, _)| *i);
        for x in 0..group.len() {
            for y in x + 1..group.len().min(x + 1 + WINDOW) {
                let (a, ra) = group[x];
                let (b, rb) = group[y];
                if let (Some(da), Some(db)) = (feats[a].day, feats[b].day) {
                    if db - da > MAX_DAYS {
                        break;
                    }
                }
                if uf.find(a) == uf.find(b) {
                    continue;
                }
                if let Some(reason) = join_reason(&feats[a], &feats[b], &label, ra, rb) {
                    if uf.union(a, b, &forbidden, false) {
                        edges.push((a, b, reason));
                    }
                }
            }
        }
    }
    Ok((uf, edges))
}

/// Writes the incidents of `feats`: replacing all incidents, or (`scoped`)
/// those in `temp.relink_old` (every report of which is in `feats`).
fn write_incidents(
    tx: &Transaction<'_>,
    feats: &[Feat],
    uf: &mut UnionFind,
    edges: &[(usize, usize, String)],
    scoped: bool,
) -> rusqlite::Result<LinkSummary> {
    let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..feats.len() {
        members.entry(uf.find(i)).or_default().push(i);
    }
    if scoped {
        tx.execute_batch(
            "DELETE FROM incidents WHERE id IN (SELECT id FROM temp.relink_old);
             DELETE FROM incident_links WHERE incident_id IN (SELECT id FROM temp.relink_old);
             DELETE FROM incident_tags WHERE incident_id IN (SELECT id FROM temp.relink_old);
             DELETE FROM report_incident WHERE report_id IN (SELECT id FROM temp.relink_set);",
        )?;
    } else {
        tx.execute_batch("DELETE FROM incidents; DELETE FROM report_incident; DELETE FROM incident_links; DELETE FROM incident_tags;")?;
    }
    let mut ins = tx.prepare(
        "INSERT INTO incidents(id, victim, category, sector, disclosed, last_disclosed, max_affected, report_count)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    let mut ins_ri = tx.prepare(
        "INSERT INTO report_incident(report_id, incident_id, reason) VALUES (?1, ?2, ?3)",
    )?;
    let mut ins_link =
        tx.prepare("INSERT INTO incident_links(incident_id, report_a, report_b, reason) VALUES (?1, ?2, ?3, ?4)")?;
    let mut reasons: HashMap<usize, String> = HashMap::new();
    for (a, b, why) in edges {
        let (first, later) = if feats[*a].id < feats[*b].id {
            (*a, *b)
        } else {
            (*b, *a)
        };
        reasons
            .entry(later)
            .or_insert_with(|| format!("joined to report {}: {why}", feats[first].id));
    }
    let mut incident_of: HashMap<usize, i64> = HashMap::new();
    for list in members.values() {
        let id = list.iter().map(|&i| feats[i].id).min().unwrap_or(0);
        let mut ordered = list.clone();
        ordered.sort_by_key(|&i| (feats[i].day.unwrap_or(i64::MAX), feats[i].id));
        let pick =
            |get: &dyn Fn(&Feat) -> Option<String>| ordered.iter().find_map(|&i| get(&feats[i]));
        let victim = pick(&|f| f.victim.clone());
        let sector = pick(&|f| f.sector.clone());
        let category = majority(ordered.iter().filter_map(|&i| feats[i].category.clone()));
        let disclosed = ordered
            .iter()
            .filter_map(|&i| feats[i].disclosed.clone())
            .min();
        let last = ordered
            .iter()
            .filter_map(|&i| feats[i].disclosed.clone())
            .max();
        let max_affected = ordered.iter().filter_map(|&i| feats[i].max_affected).max();
        ins.execute(params![
            id,
            victim,
            category,
            sector,
            disclosed,
            last,
            max_affected,
            list.len() as i64
        ])?;
        for &i in list {
            incident_of.insert(i, id);
            let reason = if list.len() == 1 {
                "not joined to another report".to_string()
            } else {
                reasons
                    .get(&i)
                    .cloned()
                    .unwrap_or_else(|| "first report of the incident".to_string())
            };
            ins_ri.execute(params![feats[i].id, id, reason])?;
        }
    }
    for (a, b, why) in edges {
        let inc = incident_of.get(a).copied().unwrap_or(0);
        ins_link.execute(params![inc, feats[*a].id, feats[*b].id, why])?;
    }
    let from = if scoped {
        "report_tags t JOIN report_incident ri ON ri.report_id = t.report_id
         WHERE t.report_id IN (SELECT id FROM temp.relink_set) AND +t.kind"
    } else {
        "report_tags t JOIN report_incident ri ON ri.report_id = t.report_id WHERE t.kind"
    };
    tx.execute(
        &format!(
            "INSERT OR IGNORE INTO incident_tags(incident_id, kind, value)
             SELECT ri.incident_id, CASE WHEN t.kind IN ('provider', 'parent') THEN 'victim' ELSE t.kind END, t.value
             FROM {from} IN {INCIDENT_TAG_KINDS}"
        ),
        [],
    )?;
    tx.execute(
        "INSERT OR REPLACE INTO meta(key, value) VALUES ('links_dirty', '0')",
        [],
    )?;
    Ok(LinkSummary {
        reports: feats.len(),
        incidents: members.len(),
        joins: edges.len(),
    })
}

/// The most frequent value; ties go to the first seen.
fn majority(values: impl Iterator<Item = String>) -> Option<String> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for v in values {
        match counts.iter_mut().find(|(k, _)| *k == v) {
            Some((_, n)) => *n += 1,
            None => counts.push((v, 1)),
        }
    }
    let best = counts.iter().map(|(_, n)| *n).max()?;
    counts.into_iter().find(|(_, n)| *n == best).map(|(k, _)| k)
}
