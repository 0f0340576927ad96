//! Sending an alert to one destination: standard output, a log file, a
//! webhook (JSON, Slack, Teams) or e-mail over SMTP.

use crate::alert::AlertMessage;
use crate::config::{Destination, WebhookFormat};
use crate::http::Fetcher;
use serde_json::json;
use std::io::Write;
use std::time::Duration;

/// Sends one alert; the error says why it was not delivered (it is then
/// tried again at the next poll).
pub fn deliver(
    dest: &Destination,
    alert: &AlertMessage,
    out: &mut dyn Write,
    fetcher: &mut Fetcher,
    timeout: Duration,
) -> Result<(), String> {
    match dest {
        Destination::Stdout { .. } => out
            .write_all(alert.text().as_bytes())
            .and_then(|_| out.flush())
            .map_err(|e| format!("cannot write: {e}")),
        Destination::Log { path, .. } => {
            let line = serde_json::to_string(alert).map_err(|e| e.to_string())?;
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .and_then(|mut f| writeln!(f, "{line}"))
                .map_err(|e| format!("{path}: {e}"))
        }
        Destination::Webhook { url, format, .. } => {
            let body = webhook_body(alert, *format).to_string();
            fetcher.post_json(url, &body)
        }
        Destination::Smtp {
            host,
            port,
            starttls,
            username,
            password_env,
            from,
            to,
            ..
        } => send_mail(
            &Smtp {
                host,
                port: *port,
                starttls: *starttls,
                username: username.as_deref(),
                password_env: password_env.as_deref(),
                from,
                to,
            },
            alert,
            timeout,
        ),
    }
}

/// The JSON a webhook receives.
pub fn webhook_body(alert: &AlertMessage, format: WebhookFormat) -> serde_json::Value {
    match format {
        WebhookFormat::Json => serde_json::to_value(alert).unwrap_or_else(|_| json!({})),
        // Slack (and compatible) incoming webhooks post `text`.
        WebhookFormat::Slack => json!({ "text": alert.text() }),
        // Teams incoming webhooks take a MessageCard; Markdown in `text`,
        // line breaks as two spaces + newline.
        WebhookFormat::Teams => {
            let mut lines = vec![format!("**{}**", alert.summary)];
            lines.extend(alert.reasons.iter().map(|r| format!("why: {r}")));
            lines.push(format!("[{}]({})", alert.link, alert.link));
            json!({
                "@type": "MessageCard",
                "@context": "https://schema.org/extensions",
                "themeColor": "C0392B",
                "summary": alert.headline(),
                "title": format!("incidex alert: {}", alert.headline()),
                "text": lines.join("  \n"),
                "potentialAction": [{
                    "@type": "OpenUri",
                    "name": "Open the incident",
                    "targets": [{ "os": "default", "uri": alert.link }]
                }]
            })
        }
    }
}

struct Smtp<'a> {
    host: &'a str,
    port: u16,
    starttls: bool,
    username: Option<&'a str>,
    password_env: Option<&'a str>,
    from: &'a str,
    to: &'a [String],
}

fn send_mail(smtp: &Smtp<'_>, alert: &AlertMessage, timeout: Duration) -> Result<(), String> {
    use lettre::message::header::ContentType;
    use lettre::transport::smtp::authentication::Credentials;
    use lettre::{Message, SmtpTransport, Transport};

    let mut msg = Message::builder()
        .from(
            smtp.from
                .parse()
                .map_err(|e| format!("from {:?}: {e}", smtp.from))?,
        )
        .subject(format!("[incidex] {}", alert.headline()))
        .header(ContentType::TEXT_PLAIN);
    for to in smtp.to {
        msg = msg.to(to.parse().map_err(|e| format!("to {to:?}: {e}"))?);
    }
    let email = msg.body(alert.text()).map_err(|e| e.to_string())?;
    let mut builder = if smtp.starttls {
        SmtpTransport::starttls_relay(smtp.host).map_err(|e| format!("{}: {e}", smtp.host))?
    } else {
        SmtpTransport::builder_dangerous(smtp.host)
    }
    .port(smtp.port)
    .timeout(Some(timeout));
    if let Some(user) = smtp.username {
        let var = smtp.password_env.unwrap_or("INCIDEX_SMTP_PASSWORD");
        let password = std::env::var(var)
            .map_err(|_| format!("the SMTP password is read from ${var}, which is not set"))?;
        builder = builder.credentials(Credentials::new(user.to_string(), password));
    }
    builder
        .build()
        .send(&email)
        .map(|_| ())
        .map_err(|e| format!("SMTP {}:{}: {e}", smtp.host, smtp.port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(follow_up: bool) -> AlertMessage {
        AlertMessage {
            incident: 42,
            victim: Some("株式会社ツバメ工機".into()),
            category: Some("unauthorized_access".into()),
            sector: Some("manufacturing".into()),
            disclosed: Some("2024-06-03".into()),
            summary: "株式会社ツバメ工機：不正アクセス".into(),
            reasons: vec!["watchlist 「株式会社ツバメ工機」: name 「ツバメ工機」".into()],
            link: "http://127.0.0.1:8080/incidents/42".into(),
            report_count: 2,
            follow_up,
            sources: vec!["http://127.0.0.1:1/n/1.html".into()],
        }
    }

    #[test]
    fn payloads_carry_summary_reason_and_link() {
        let a = alert(true);
        let json = webhook_body(&a, WebhookFormat::Json);
        assert_eq!(json["incident"], 42);
        assert_eq!(json["follow_up"], true);
        let slack = webhook_body(&a, WebhookFormat::Slack);
        let text = slack["text"].as_str().unwrap();
        assert!(
            text.starts_with("ALERT incident 42: 株式会社ツバメ工機"),
            "{text}"
        );
        assert!(text.contains("follow-up: now 2 reports"), "{text}");
        assert!(text.contains("why: watchlist"), "{text}");
        assert!(
            text.contains("link: http://127.0.0.1:8080/incidents/42"),
            "{text}"
        );
        let teams = webhook_body(&a, WebhookFormat::Teams);
        assert_eq!(teams["@type"], "MessageCard");
        assert_eq!(
            teams["potentialAction"][0]["targets"][0]["uri"],
            "http://127.0.0.1:8080/incidents/42"
        );
        assert!(teams["text"].as_str().unwrap().contains("why: watchlist"));
    }

    #[test]
    fn a_first_alert_says_nothing_of_follow_ups() {
        let text = alert(false).text();
        assert!(!text.contains("follow-up"), "{text}");
        assert!(
            text.contains("summary: 株式会社ツバメ工機：不正アクセス"),
            "{text}"
        );
    }

    #[test]
    fn smtp_password_comes_from_the_environment_only() {
        let dest = Destination::Smtp {
            name: None,
            host: "127.0.0.1".into(),
            port: 1,
            starttls: false,
            username: Some("soc".into()),
            password_env: Some("INCIDEX_TEST_UNSET_PASSWORD_VAR".into()),
            from: "incidex <w@example.co.jp>".into(),
            to: vec!["a@example.co.jp".into()],
        };
        let mut fetcher = Fetcher::new(&crate::config::HttpSettings::default());
        let err = deliver(
            &dest,
            &alert(false),
            &mut Vec::new(),
            &mut fetcher,
            Duration::from_secs(1),
        )
        .unwrap_err();
        assert!(err.contains("$INCIDEX_TEST_UNSET_PASSWORD_VAR"), "{err}");
    }

    /// A server that does not offer STARTTLS gets nothing when `starttls = true`.
    #[test]
    fn starttls_required_refuses_a_server_without_it() {
        use std::io::{BufRead, BufReader};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let got_data = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = std::sync::Arc::clone(&got_data);
        std::thread::spawn(move || {
            if let Ok((mut s, _)) = listener.accept() {
                let mut r = BufReader::new(s.try_clone().unwrap());
                let _ = s.write_all(b"220 plain.test ESMTP\r\n");
                let mut l = String::new();
                while r.read_line(&mut l).unwrap_or(0) > 0 {
                    let cmd = l.to_ascii_uppercase();
                    if cmd.starts_with("EHLO") {
                        let _ = s.write_all(b"250 plain.test\r\n");
                    } else if cmd.starts_with("MAIL") || cmd.starts_with("DATA") {
                        flag.store(true, std::sync::atomic::Ordering::SeqCst);
                        let _ = s.write_all(b"250 ok\r\n");
                    } else {
                        let _ = s.write_all(b"250 ok\r\n");
                    }
                    l.clear();
                }
            }
        });
        let dest = Destination::Smtp {
            name: None,
            host: "127.0.0.1".into(),
            port,
            starttls: true,
            username: None,
            password_env: None,
            from: "incidex <w@example.co.jp>".into(),
            to: vec!["a@example.co.jp".into()],
        };
        let mut fetcher = Fetcher::new(&crate::config::HttpSettings::default());
        let err = deliver(
            &dest,
            &alert(false),
            &mut Vec::new(),
            &mut fetcher,
            Duration::from_secs(5),
        )
        .unwrap_err();
        assert!(err.starts_with(&format!("SMTP 127.0.0.1:{port}:")), "{err}");
        assert!(err.contains("STARTTLS"), "{err}");
        assert!(!got_data.load(std::sync::atomic::Ordering::SeqCst));
    }
}
