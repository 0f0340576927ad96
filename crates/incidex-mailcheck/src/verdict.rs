//! Reasons, scores and verdicts.

use crate::knowledge::Knowledge;
use serde::Serialize;

/// The verdict on one message; ordered from harmless to dangerous.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Ok,
    Suspicious,
    Dangerous,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Suspicious => "suspicious",
            Verdict::Dangerous => "dangerous",
        }
    }

    /// The exit status a mail filter reads: 0 ok, 1 suspicious, 2 dangerous.
    pub fn exit_code(self) -> u8 {
        self as u8
    }
}

/// One finding: a code, its points, what it means, and the header or text it rests on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub code: &'static str,
    pub points: u32,
    pub message: String,
    pub evidence: String,
}

/// The check of one message.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The file (and, in an mbox, `#n` for the n-th message).
    pub source: String,
    pub from: String,
    pub subject: String,
    pub verdict: Verdict,
    pub score: u32,
    pub reasons: Vec<Reason>,
    /// Parts of the message that were not inspected.
    pub notes: Vec<String>,
}

/// Collects reasons with the points of the scoring file.
pub struct Findings<'k> {
    knowledge: &'k Knowledge,
    pub reasons: Vec<Reason>,
}

impl<'k> Findings<'k> {
    pub fn new(knowledge: &'k Knowledge) -> Findings<'k> {
        Findings {
            knowledge,
            reasons: Vec::new(),
        }
    }

    /// Adds a reason; the same code with the same evidence is kept once. A
    /// code scores its points once per message: further evidence for a code
    /// already found is listed with 0 points.
    pub fn add(&mut self, code: &'static str, message: String, evidence: impl Into<String>) {
        let evidence = shorten(&evidence.into(), 240);
        if self
            .reasons
            .iter()
            .any(|r| r.code == code && r.evidence == evidence)
        {
            return;
        }
        let points = if self.has(code) {
            0
        } else {
            self.knowledge.points(code)
        };
        self.reasons.push(Reason {
            code,
            points,
            message,
            evidence,
        });
    }

    /// Raises the points of the first reason with `code` to at least `min`.
    pub fn raise_to(&mut self, code: &str, min: u32) {
        if let Some(r) = self.reasons.iter_mut().find(|r| r.code == code) {
            r.points = r.points.max(min);
        }
    }

    pub fn has(&self, code: &str) -> bool {
        self.reasons.iter().any(|r| r.code == code)
    }

    /// The score (sum of points) and the verdict it gives.
    pub fn verdict(&self) -> (u32, Verdict) {
        let score: u32 = self.reasons.iter().map(|r| r.points).sum();
        let v = if score >= self.knowledge.dangerous_from {
            Verdict::Dangerous
        } else if score >= self.knowledge.suspicious_from {
            Verdict::Suspicious
        } else {
            Verdict::Ok
        };
        (score, v)
    }
}

/// At most `max` characters, whitespace runs collapsed, `…` when cut.
pub fn shorten(s: &str, max: usize) -> String {
    let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        let mut out: String = flat.chars().take(max).collect();
        out.push('…');
        out
    }
}
