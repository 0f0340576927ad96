//! MISP events (the JSON that MISP imports and PyMISP's `MISPEvent.load` reads).

use crate::labels::category_ja;
use crate::monthly::summary;
use crate::view::IncidentView;
use serde_json::{json, Value};
use uuid::Uuid;

const NAMESPACE: Uuid = Uuid::from_u128(0x2c7d_91b0_4f1e_4a8c_8e3d_6b5a_0f47_c2d1);

fn attribute(kind: &str, category: &str, value: &str, to_ids: bool, comment: &str) -> Value {
    json!({
        "uuid": Uuid::new_v5(&NAMESPACE, format!("{kind}|{value}|{comment}").as_bytes()).to_string(),
        "type": kind, "category": category, "value": value, "to_ids": to_ids,
        "distribution": "5", "comment": comment,
    })
}

/// The MISP attribute type and category of an indicator.
fn indicator_type(kind: &str, value: &str) -> Option<(&'static str, &'static str)> {
    Some(match kind {
        "domain" => ("domain", "Network activity"),
        "email" => ("email-src", "Network activity"),
        "url" => ("url", "Network activity"),
        "ip" => ("ip-dst", "Network activity"),
        "hash" => match value.len() {
            32 => ("md5", "Payload delivery"),
            40 => ("sha1", "Payload delivery"),
            64 => ("sha256", "Payload delivery"),
            _ => return None,
        },
        _ => return None,
    })
}

/// One MISP event for an incident.
pub fn event(v: &IncidentView) -> Value {
    let key = v.reports.iter().map(|r| r.key.as_str()).min().unwrap_or("");
    let date = v
        .disclosed
        .as_deref()
        .filter(|d| d.len() >= 10)
        .map(|d| d[..10].to_string())
        .unwrap_or_else(|| {
            v.disclosed
                .as_deref()
                .map(|d| format!("{d}-01"))
                .unwrap_or_else(|| "1970-01-01".into())
        });
    let mut attrs = Vec::new();
    for f in &v.indicators {
        let Some((kind, value)) = f.value.split_once(':') else {
            continue;
        };
        if let Some((t, c)) = indicator_type(kind, value) {
            attrs.push(attribute(
                t,
                c,
                value,
                false,
                "stated in the incident report",
            ));
        }
    }
    for f in &v.victims {
        attrs.push(attribute(
            "target-org",
            "Targeting data",
            &f.value,
            false,
            "victim",
        ));
    }
    for f in &v.malware {
        attrs.push(attribute(
            "text",
            "Payload delivery",
            &f.value,
            false,
            "malware family",
        ));
    }
    for f in &v.threat_actors {
        attrs.push(attribute(
            "threat-actor",
            "Attribution",
            &f.value,
            false,
            "threat actor",
        ));
    }
    for r in &v.reports {
        attrs.push(attribute(
            "text",
            "External analysis",
            &r.doc,
            false,
            &format!("source report {}", r.key),
        ));
    }
    let mut tags = vec![json!({"name": "tlp:clear"})];
    if let Some(c) = &v.category {
        tags.push(json!({"name": format!("incidex:category=\"{c}\"")}));
    }
    if let Some(s) = &v.sector {
        tags.push(json!({"name": format!("incidex:sector=\"{s}\"")}));
    }
    for m in &v.malware {
        tags.push(json!({"name": format!("incidex:malware=\"{}\"", m.value)}));
    }
    let threat_level = match v.category.as_deref() {
        Some("ransomware" | "malware" | "unauthorized_access") => "2",
        _ => "3",
    };
    json!({"Event": {
        "uuid": Uuid::new_v5(&NAMESPACE, key.as_bytes()).to_string(),
        "info": format!("{} ({})", summary(v), category_ja(v.category.as_deref().unwrap_or(""))),
        "date": date,
        "threat_level_id": threat_level,
        "analysis": "2",
        "distribution": "0",
        "published": false,
        "Attribute": attrs,
        "Tag": tags,
    }})
}
