//! The sources file (`incidex.toml`): sources to follow, HTTP limits, watched
//! organisations, alert rules and alert destinations.

use regex::Regex;
use scraper::Selector;
use serde::{Deserialize, Deserializer};
use std::path::Path;
use std::time::Duration;

/// The sources file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Alerts link to `<base_url>/incidents/<id>` (the web application).
    #[serde(default = "default_base_url")]
    pub base_url: String,
    #[serde(default)]
    pub http: HttpSettings,
    #[serde(default, rename = "source")]
    pub sources: Vec<SourceConfig>,
    /// Added to the database's watchlist when the watcher starts.
    #[serde(default, rename = "watch")]
    pub watches: Vec<WatchEntry>,
    #[serde(default, rename = "rule")]
    pub rules: Vec<Rule>,
    /// Where alerts go; standard output when none is given.
    #[serde(default, rename = "destination")]
    pub destinations: Vec<Destination>,
}

/// Limits that protect both the watcher and the sites it polls.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpSettings {
    #[serde(deserialize_with = "duration")]
    pub timeout: Duration,
    /// Pause between two requests to the same host.
    #[serde(deserialize_with = "duration")]
    pub per_host_delay: Duration,
    /// Larger responses are refused.
    pub max_bytes: u64,
    pub max_redirects: u32,
    /// After errors a source waits its interval doubled per consecutive
    /// error, up to this.
    #[serde(deserialize_with = "duration")]
    pub backoff_max: Duration,
    /// New items fetched per source and poll (the rest wait for the next poll).
    pub max_items: usize,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            timeout: Duration::from_secs(20),
            per_host_delay: Duration::from_secs(1),
            max_bytes: 20 * 1024 * 1024,
            max_redirects: 5,
            backoff_max: Duration::from_secs(6 * 3600),
            max_items: 50,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// RSS 1.0 / 2.0 or Atom.
    Feed,
    /// An HTML page of links to notices.
    Page,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Feed => "feed",
            SourceKind::Page => "page",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    pub name: String,
    pub url: String,
    pub kind: SourceKind,
    #[serde(deserialize_with = "duration", default = "default_interval")]
    pub interval: Duration,
    /// Listing pages: only links whose absolute URL matches this regex.
    pub include: Option<String>,
    /// Listing pages: only links inside (or being) the elements this CSS
    /// selector picks.
    pub selector: Option<String>,
    /// Listing pages: follow links to other hosts too.
    #[serde(default)]
    pub other_hosts: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WatchEntry {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub domains: Vec<String>,
    /// Indicators (IP addresses, URLs, mail addresses, hashes, domains)
    /// matched exactly against the incidents' indicators.
    #[serde(default)]
    pub indicators: Vec<String>,
}

/// An incident matches a rule when each dimension the rule lists has one of
/// its values (dimensions not listed do not constrain).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub name: String,
    #[serde(default)]
    pub category: Vec<String>,
    #[serde(default)]
    pub malware: Vec<String>,
    #[serde(default)]
    pub sector: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum WebhookFormat {
    /// The alert object itself.
    #[default]
    Json,
    /// `{"text": …}`: Slack incoming webhooks (and Mattermost, Rocket.Chat).
    Slack,
    /// A MessageCard: Microsoft Teams incoming webhooks.
    Teams,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum Destination {
    Stdout {
        name: Option<String>,
    },
    /// One JSON line per alert, appended to a file.
    Log {
        name: Option<String>,
        path: String,
    },
    Webhook {
        name: Option<String>,
        url: String,
        #[serde(default)]
        format: WebhookFormat,
    },
    Smtp {
        name: Option<String>,
        host: String,
        #[serde(default = "default_smtp_port")]
        port: u16,
        /// Upgrade with STARTTLS before AUTH (refuse to send otherwise).
        #[serde(default = "default_true")]
        starttls: bool,
        username: Option<String>,
        /// The environment variable holding the password (never the file).
        password_env: Option<String>,
        from: String,
        to: Vec<String>,
    },
}

impl Destination {
    /// The destination's key in the deliveries table: its `name`, or a
    /// description of where it sends.
    pub fn key(&self) -> String {
        match self {
            Destination::Stdout { name } => name.clone().unwrap_or_else(|| "stdout".into()),
            Destination::Log { name, path } => {
                name.clone().unwrap_or_else(|| format!("log:{path}"))
            }
            // Webhook URLs are often secrets (Slack, Teams): the key names
            // the host and a hash, never the whole URL.
            Destination::Webhook { name, url, .. } => name.clone().unwrap_or_else(|| {
                let host = url::Url::parse(url)
                    .ok()
                    .and_then(|u| u.host_str().map(str::to_string))
                    .unwrap_or_default();
                let hash = incidex_store::sha256_hex(url.as_bytes());
                format!("webhook:{host}#{}", &hash[..12])
            }),
            Destination::Smtp { name, to, .. } => name
                .clone()
                .unwrap_or_else(|| format!("smtp:{}", to.join(","))),
        }
    }
}

/// A source ready to poll: its patterns compiled.
#[derive(Debug, Clone)]
pub struct Source {
    pub config: SourceConfig,
    pub include: Option<Regex>,
    pub selector: Option<Selector>,
}

impl Config {
    /// Reads and checks a sources file; the error names the file and what is wrong.
    pub fn load(path: &Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read the sources file: {e}", path.display()))?;
        Self::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parses and checks the text of a sources file.
    pub fn parse(text: &str) -> Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| e.to_string())?;
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> Result<(), String> {
        check_http_url("base_url", &self.base_url)?;
        let mut names = std::collections::HashSet::new();
        for s in &self.sources {
            if s.name.trim().is_empty() {
                return Err("a [[source]] has an empty name".into());
            }
            if !names.insert(s.name.as_str()) {
                return Err(format!("two sources are named {:?}", s.name));
            }
            check_http_url(&format!("source {:?}: url", s.name), &s.url)?;
            if s.interval < Duration::from_secs(1) {
                return Err(format!("source {:?}: interval below one second", s.name));
            }
        }
        let mut keys = std::collections::HashSet::new();
        for d in &self.destinations {
            if !keys.insert(d.key()) {
                return Err(format!(
                    "two destinations are both {:?}: give one a name",
                    d.key()
                ));
            }
            match d {
                Destination::Webhook { url, .. } => check_http_url("webhook url", url)?,
                Destination::Smtp { to, .. } if to.is_empty() => {
                    return Err("an smtp destination needs at least one address in `to`".into())
                }
                _ => {}
            }
        }
        for w in &self.watches {
            if w.name.trim().is_empty() {
                return Err("a [[watch]] has an empty name".into());
            }
        }
        for r in &self.rules {
            if r.category.is_empty() && r.malware.is_empty() && r.sector.is_empty() {
                return Err(format!(
                    "rule {:?} lists no category, malware or sector: it would match everything",
                    r.name
                ));
            }
        }
        self.compiled_sources().map(|_| ())
    }

    /// The sources with their include patterns and selectors compiled.
    pub fn compiled_sources(&self) -> Result<Vec<Source>, String> {
        self.sources
            .iter()
            .map(|s| {
                let include = s
                    .include
                    .as_deref()
                    .map(Regex::new)
                    .transpose()
                    .map_err(|e| format!("source {:?}: include: {e}", s.name))?;
                let selector = s
                    .selector
                    .as_deref()
                    .map(|sel| {
                        Selector::parse(sel)
                            .map_err(|e| format!("source {:?}: selector {sel:?}: {e}", s.name))
                    })
                    .transpose()?;
                Ok(Source {
                    config: s.clone(),
                    include,
                    selector,
                })
            })
            .collect()
    }

    /// The destinations, standard output when none is configured.
    pub fn destinations_or_stdout(&self) -> Vec<Destination> {
        if self.destinations.is_empty() {
            vec![Destination::Stdout { name: None }]
        } else {
            self.destinations.clone()
        }
    }
}

fn check_http_url(what: &str, s: &str) -> Result<(), String> {
    match url::Url::parse(s) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(()),
        Ok(_) => Err(format!("{what} {s:?}: expected an http(s) URL")),
        Err(e) => Err(format!("{what} {s:?}: {e}")),
    }
}

fn default_base_url() -> String {
    "http://127.0.0.1:8080".into()
}

fn default_interval() -> Duration {
    Duration::from_secs(30 * 60)
}

fn default_smtp_port() -> u16 {
    587
}

fn default_true() -> bool {
    true
}

/// "30s", "15m", "1h 30m" (humantime), or a number of seconds.
fn duration<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Secs(u64),
        Text(String),
    }
    match Raw::deserialize(d)? {
        Raw::Secs(s) => Ok(Duration::from_secs(s)),
        Raw::Text(t) => humantime::parse_duration(&t).map_err(|e| {
            serde::de::Error::custom(format!("{t:?}: {e} (write e.g. \"30s\", \"15m\", \"2h\")"))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_sources_file_parses() {
        let c = Config::parse(
            r#"
base_url = "http://127.0.0.1:9000"
[http]
timeout = "5s"
per_host_delay = 0
[[source]]
name = "news"
kind = "feed"
url = "http://127.0.0.1:1/feed.xml"
interval = "15m"
[[source]]
name = "press"
kind = "page"
url = "http://127.0.0.1:1/press/"
include = "/press/\\d+"
selector = "ul.news"
[[watch]]
name = "株式会社ツバメ工機"
domains = ["tsubame.example.co.jp"]
[[rule]]
name = "ransom"
category = ["ransomware"]
[[destination]]
kind = "webhook"
url = "http://127.0.0.1:2/hook"
format = "slack"
"#,
        )
        .unwrap();
        assert_eq!(c.sources.len(), 2);
        assert_eq!(c.sources[0].interval, Duration::from_secs(900));
        assert_eq!(c.sources[1].interval, default_interval());
        assert_eq!(c.http.timeout, Duration::from_secs(5));
        assert_eq!(c.http.per_host_delay, Duration::ZERO);
        let key = c.destinations[0].key();
        assert!(key.starts_with("webhook:127.0.0.1#"), "{key}");
        assert!(!key.contains("/hook"), "{key}");
        assert_eq!(c.compiled_sources().unwrap().len(), 2);
    }

    #[test]
    fn mistakes_are_named() {
        let bad = [
            ("[[source]]\nname = \"a\"\nkind = \"feed\"\nurl = \"ftp://x\"\n", "http(s) URL"),
            ("[[source]]\nname = \"a\"\nkind = \"rss\"\nurl = \"http://x\"\n", "unknown variant"),
            ("[[source]]\nname = \"a\"\nkind = \"feed\"\nurl = \"http://x\"\ninterval = \"soon\"\n", "\"soon\""),
            ("[[source]]\nname = \"a\"\nkind = \"page\"\nurl = \"http://x\"\ninclude = \"(\"\n", "include"),
            ("[[rule]]\nname = \"all\"\n", "match everything"),
            ("[[destination]]\nkind = \"stdout\"\n[[destination]]\nkind = \"stdout\"\n", "give one a name"),
            ("colour = 1\n", "unknown field"),
        ];
        for (text, want) in bad {
            let err = Config::parse(text).unwrap_err();
            assert!(err.contains(want), "{text}: {err}");
        }
    }
}
