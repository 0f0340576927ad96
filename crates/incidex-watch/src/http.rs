//! Polite HTTP: a clear User-Agent, timeouts, few redirects, a size cap,
//! conditional GET, and a pause between two requests to the same host.

use crate::config::HttpSettings;
use incidex_ingest::{error_reason, fetch, http_agent, FetchLimits};
pub use incidex_ingest::{Body, Fetched, Validators};
use std::collections::HashMap;
use std::time::{Duration, Instant};

pub struct Fetcher {
    agent: ureq::Agent,
    limits: FetchLimits,
    settings: HttpSettings,
    last_request: HashMap<String, Instant>,
}

pub fn user_agent() -> String {
    format!("{} watch", incidex_ingest::user_agent())
}

impl Fetcher {
    pub fn new(settings: &HttpSettings) -> Fetcher {
        let limits = FetchLimits {
            timeout: settings.timeout,
            max_redirects: settings.max_redirects,
            max_bytes: settings.max_bytes,
        };
        Fetcher {
            agent: http_agent(&limits, " watch"),
            limits,
            settings: settings.clone(),
            last_request: HashMap::new(),
        }
    }

    /// Waits until the host may be asked again, then remembers the request.
    fn pace(&mut self, url: &str) {
        let host = url::Url::parse(url)
            .ok()
            .and_then(|u| {
                u.host_str()
                    .map(|h| format!("{h}:{}", u.port_or_known_default().unwrap_or(0)))
            })
            .unwrap_or_default();
        if let Some(last) = self.last_request.get(&host) {
            let wait = self.settings.per_host_delay.saturating_sub(last.elapsed());
            if !wait.is_zero() {
                std::thread::sleep(wait);
            }
        }
        self.last_request.insert(host, Instant::now());
    }

    /// GET, conditional on the validators given (incidex-ingest's one
    /// fetch, paced per host); the error is the reason, without the URL
    /// (the caller names it).
    pub fn get(&mut self, url: &str, since: &Validators) -> Result<Fetched, String> {
        self.pace(url);
        fetch(&self.agent, url, since, &self.limits)
    }

    /// POSTs a JSON body (webhooks); any status but 2xx is an error.
    pub fn post_json(&mut self, url: &str, json: &str) -> Result<(), String> {
        self.pace(url);
        let resp = self
            .agent
            .post(url)
            .set("Content-Type", "application/json; charset=utf-8")
            .send_string(json)
            .map_err(|e| error_reason(e, &self.limits))?;
        if !(200..300).contains(&resp.status()) {
            return Err(format!("HTTP {}", resp.status()));
        }
        Ok(())
    }
}

/// When to poll a source again after `errors` consecutive failures: its
/// interval doubled per failure (2×, 4×, 8× …), at most `cap` (but never
/// sooner than the interval).
pub fn backoff(interval: Duration, errors: u32, cap: Duration) -> Duration {
    let factor = 1u32.checked_shl(errors.min(31)).unwrap_or(u32::MAX);
    interval
        .checked_mul(factor)
        .unwrap_or(Duration::MAX)
        .min(cap.max(interval))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let (minute, cap) = (Duration::from_secs(60), Duration::from_secs(600));
        let secs: Vec<u64> = (0..=5).map(|n| backoff(minute, n, cap).as_secs()).collect();
        assert_eq!(secs, vec![60, 120, 240, 480, 600, 600]);
        assert_eq!(backoff(minute, 200, cap).as_secs(), 600);
        // A cap below the interval never makes a failing source polled more often.
        assert_eq!(backoff(Duration::from_secs(3600), 3, cap).as_secs(), 3600);
    }

    /// A loopback server answering every request with `body` (ETag "e1";
    /// 304 to If-None-Match "e1"); it stops when the test ends.
    fn server(body: &'static [u8]) -> String {
        let srv = tiny_http::Server::http("127.0.0.1:0").unwrap();
        let url = format!("http://{}", srv.server_addr().to_ip().unwrap());
        std::thread::spawn(move || {
            for req in srv.incoming_requests().take(20) {
                let fresh = !req
                    .headers()
                    .iter()
                    .any(|h| h.field.equiv("If-None-Match") && h.value.as_str() == "\"e1\"");
                let etag = tiny_http::Header::from_bytes("ETag", "\"e1\"").unwrap();
                let resp = if fresh {
                    tiny_http::Response::from_data(body.to_vec()).with_header(etag)
                } else {
                    tiny_http::Response::from_data(Vec::new())
                        .with_status_code(304)
                        .with_header(etag)
                };
                let _ = req.respond(resp);
            }
        });
        url
    }

    #[test]
    fn conditional_get_gives_not_modified_and_validators_come_back() {
        let url = server(b"<rss/>");
        let mut f = Fetcher::new(&HttpSettings {
            per_host_delay: Duration::ZERO,
            ..HttpSettings::default()
        });
        let Fetched::Body(b) = f.get(&url, &Validators::default()).unwrap() else {
            panic!("expected a body");
        };
        assert_eq!(b.validators.etag.as_deref(), Some("\"e1\""));
        assert_eq!(b.bytes, b"<rss/>");
        assert!(matches!(
            f.get(&url, &b.validators).unwrap(),
            Fetched::NotModified
        ));
    }

    #[test]
    fn requests_to_one_host_are_spaced_and_large_bodies_refused() {
        let url = server(&[b'x'; 2048]);
        let mut f = Fetcher::new(&HttpSettings {
            per_host_delay: Duration::from_millis(300),
            max_bytes: 1024,
            ..HttpSettings::default()
        });
        let start = Instant::now();
        for _ in 0..3 {
            let err = f.get(&url, &Validators::default()).unwrap_err();
            assert!(err.contains("more than the limit of 1024"), "{err}");
        }
        // Three requests, two pauses between them.
        assert!(start.elapsed() >= Duration::from_millis(600));
    }
}
