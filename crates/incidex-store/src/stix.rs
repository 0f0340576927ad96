//! STIX 2.1 bundles with deterministic ids (UUIDv5 of the content), so that
//! the same store exports the same bundle.

use crate::monthly::summary;
use crate::normalize::normalize_name;
use crate::view::IncidentView;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The namespace of incidex's UUIDv5 identifiers.
const NAMESPACE: Uuid = Uuid::from_u128(0x6a1f_3c2e_8d4b_4e51_9b7a_2f0c_d5e8_1a93);
/// Timestamp of objects shared across incidents (identities, malware, actors).
const SHARED_TIME: &str = "2020-01-01T00:00:00.000Z";

/// A deterministic identifier: the UUIDv5 hash of the content, with the
/// version bits of a UUIDv4 (STIX asks for v4 on SDOs; its bits are random
/// to any reader, and the same content gets the same id on every export).
fn id(kind: &str, key: &str) -> String {
    let hash = Uuid::new_v5(&NAMESPACE, format!("{kind}|{key}").as_bytes());
    format!(
        "{kind}--{}",
        uuid::Builder::from_random_bytes(*hash.as_bytes()).into_uuid()
    )
}

/// `YYYY-MM[-DD]` as a STIX timestamp.
fn timestamp(date: Option<&str>) -> String {
    match date.filter(|d| crate::dates::day_number(d).is_some()) {
        Some(d) if d.len() >= 10 => format!("{}T00:00:00.000Z", &d[..10]),
        Some(d) => format!("{}-01T00:00:00.000Z", &d[..7.min(d.len())]),
        None => SHARED_TIME.to_string(),
    }
}

/// The STIX industry sector of an incidex sector.
fn stix_sector(s: &str) -> Option<&'static str> {
    Some(match s {
        "manufacturing" => "manufacturing",
        "retail" => "retail",
        "it_telecom" => "technology",
        "finance" => "financial-services",
        "healthcare" => "healthcare",
        "education" => "education",
        "government" => "government",
        "travel" => "hospitality-leisure",
        "transport" => "transportation",
        "construction" => "construction",
        "energy" => "energy",
        "media" => "entertainment",
        "nonprofit" => "non-profit",
        _ => return None,
    })
}

const RANSOMWARE: &[&str] = &[
    "lockbit",
    "black basta",
    "ragnar locker",
    "conti",
    "blackcat",
    "alphv",
    "akira",
    "8base",
    "phobos",
    "hive",
    "revil",
    "ryuk",
    "maze",
    "cl0p",
    "clop",
    "royal",
    "medusa",
];

/// A STIX pattern for an indicator `type:value`.
fn pattern(kind: &str, value: &str) -> Option<String> {
    let v = value.replace('\\', "\\\\").replace('\'', "\\'");
    Some(match kind {
        "domain" => format!("[domain-name:value = '{v}']"),
        "email" => format!("[email-addr:value = '{v}']"),
        "url" => format!("[url:value = '{v}']"),
        "ip" if value.contains(':') => format!("[ipv6-addr:value = '{v}']"),
        "ip" => format!("[ipv4-addr:value = '{v}']"),
        "hash" => {
            let algo = match value.len() {
                32 => "MD5",
                40 => "'SHA-1'",
                64 => "'SHA-256'",
                128 => "'SHA-512'",
                _ => return None,
            };
            format!("[file:hashes.{algo} = '{v}']")
        }
        _ => return None,
    })
}

struct Bundle {
    objects: BTreeMap<String, Value>,
    order: Vec<String>,
}

impl Bundle {
    fn add(&mut self, obj: Value) -> String {
        let id = obj["id"].as_str().unwrap_or_default().to_string();
        if !self.objects.contains_key(&id) {
            self.order.push(id.clone());
            self.objects.insert(id.clone(), obj);
        }
        id
    }

    fn relate(&mut self, kind: &str, source: &str, target: &str, time: &str) -> String {
        self.add(json!({
            "type": "relationship", "spec_version": "2.1",
            "id": id("relationship", &format!("{kind}|{source}|{target}")),
            "created": time, "modified": time,
            "relationship_type": kind, "source_ref": source, "target_ref": target,
        }))
    }
}

fn incident_objects(b: &mut Bundle, v: &IncidentView) {
    let time = timestamp(v.disclosed.as_deref());
    let inc_key = v
        .reports
        .iter()
        .map(|r| r.key.as_str())
        .min()
        .unwrap_or("")
        .to_string();
    let mut refs: Vec<String> = Vec::new();
    let name = format!(
        "{}: {}",
        v.victim.as_deref().unwrap_or("unnamed victim"),
        v.category.as_deref().unwrap_or("incident")
    );
    let incident = b.add(json!({
        "type": "incident", "spec_version": "2.1", "id": id("incident", &inc_key),
        "created": time, "modified": time, "name": name, "description": summary(v),
    }));
    refs.push(incident.clone());
    let mut victims = Vec::new();
    for f in &v.victims {
        let norm = normalize_name(&f.value);
        let key = if norm.is_empty() {
            f.value.clone()
        } else {
            norm
        };
        let mut obj = json!({
            "type": "identity", "spec_version": "2.1", "id": id("identity", &key),
            "created": SHARED_TIME, "modified": SHARED_TIME, "name": f.value, "identity_class": "organization",
        });
        if f.value == v.victim.clone().unwrap_or_default() {
            if let Some(s) = v.sector.as_deref().and_then(stix_sector) {
                obj["sectors"] = json!([s]);
            }
        }
        let vid = b.add(obj);
        refs.push(b.relate("related-to", &incident, &vid, &time));
        refs.push(vid.clone());
        victims.push(vid);
    }
    let mut malware_ids = Vec::new();
    for f in &v.malware {
        let kind = if RANSOMWARE.contains(&f.value.to_lowercase().as_str()) {
            "ransomware"
        } else {
            "unknown"
        };
        let mid = b.add(json!({
            "type": "malware", "spec_version": "2.1", "id": id("malware", &f.value.to_lowercase()),
            "created": SHARED_TIME, "modified": SHARED_TIME, "name": f.value, "is_family": true,
            "malware_types": [kind],
        }));
        refs.push(mid.clone());
        refs.push(b.relate("related-to", &incident, &mid, &time));
        for vid in &victims {
            refs.push(b.relate("targets", &mid, vid, &time));
        }
        malware_ids.push(mid);
    }
    for f in &v.threat_actors {
        let aid = b.add(json!({
            "type": "threat-actor", "spec_version": "2.1", "id": id("threat-actor", &f.value.to_lowercase()),
            "created": SHARED_TIME, "modified": SHARED_TIME, "name": f.value, "threat_actor_types": ["unknown"],
        }));
        refs.push(aid.clone());
        refs.push(b.relate("related-to", &incident, &aid, &time));
        for vid in &victims {
            refs.push(b.relate("targets", &aid, vid, &time));
        }
    }
    for f in &v.indicators {
        let Some((kind, value)) = f.value.split_once(':') else {
            continue;
        };
        let Some(p) = pattern(kind, value) else {
            continue;
        };
        let iid = b.add(json!({
            "type": "indicator", "spec_version": "2.1", "id": id("indicator", &f.value),
            "created": time, "modified": time, "name": value,
            "description": format!("{kind} named in an incident report"),
            "pattern": p, "pattern_type": "stix",
            "valid_from": time, "indicator_types": ["unknown"],
        }));
        refs.push(iid.clone());
        refs.push(b.relate("related-to", &iid, &incident, &time));
        for mid in &malware_ids {
            refs.push(b.relate("indicates", &iid, mid, &time));
        }
    }
    refs.sort();
    refs.dedup();
    for r in &v.reports {
        let published = timestamp(
            r.record
                .dates
                .disclosed
                .as_deref()
                .or(v.disclosed.as_deref()),
        );
        b.add(json!({
            "type": "report", "spec_version": "2.1", "id": id("report", &r.key),
            "created": published, "modified": published, "published": published,
            "name": format!("{} ({})", r.record.victims.first().map(String::as_str).unwrap_or("unnamed victim"), r.doc),
            "report_types": ["threat-report"],
            "object_refs": refs,
            "external_references": [{"source_name": "incidex", "description": r.doc, "external_id": r.key}],
        }));
    }
}

/// A STIX 2.1 bundle of incidents: identities for victims, the incident,
/// malware, threat actors, indicators with patterns, one report per source
/// report, and their relationships.
pub fn bundle(views: &[IncidentView]) -> Value {
    let mut b = Bundle {
        objects: BTreeMap::new(),
        order: Vec::new(),
    };
    for v in views {
        incident_objects(&mut b, v);
    }
    let bundle_id = id("bundle", &b.order.join(","));
    let objects: Vec<Value> = b.order.iter().filter_map(|i| b.objects.remove(i)).collect();
    json!({"type": "bundle", "id": bundle_id, "objects": objects})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_follow_the_indicator_type() {
        assert_eq!(
            pattern("domain", "a.example.jp").as_deref(),
            Some("[domain-name:value = 'a.example.jp']")
        );
        assert_eq!(
            pattern("ip", "203.0.113.5").as_deref(),
            Some("[ipv4-addr:value = '203.0.113.5']")
        );
        assert_eq!(
            pattern("hash", &"a".repeat(64)).as_deref(),
            Some(format!("[file:hashes.'SHA-256' = '{}']", "a".repeat(64)).as_str())
        );
        assert_eq!(
            pattern("url", "http://x.test/a'b").as_deref(),
            Some("[url:value = 'http://x.test/a\\'b']")
        );
        assert_eq!(pattern("hash", "abc"), None);
    }

    #[test]
    fn ids_are_deterministic() {
        assert_eq!(id("malware", "emotet"), id("malware", "emotet"));
        assert_ne!(id("malware", "emotet"), id("malware", "lockbit"));
        assert_eq!(timestamp(Some("2023-03")), "2023-03-01T00:00:00.000Z");
        assert_eq!(timestamp(Some("2023-03-10")), "2023-03-10T00:00:00.000Z");
        assert_eq!(timestamp(None), SHARED_TIME);
    }
}
