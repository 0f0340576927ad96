//! A mail message as the checks see it: decoded headers, text, links and
//! attachments, parsed with `mailparse` within fixed limits.

use mailparse::{MailHeader, MailHeaderMap, ParsedMail};
use scraper::{Html, Selector};

/// Limits that keep one message within fixed memory and time.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Bytes of a message that are parsed; the rest is not inspected.
    pub max_message_bytes: usize,
    /// MIME parts inspected (attachments beyond are counted, not opened).
    pub max_parts: usize,
    /// Boundary declarations beyond which the body is not split into parts
    /// (deep nesting would cost stack and time).
    pub max_boundaries: usize,
    /// Zip entries looked at in one archive.
    pub max_zip_entries: usize,
    /// Bytes of text kept for the wording checks.
    pub max_text_chars: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_message_bytes: 25 << 20,
            max_parts: 64,
            max_boundaries: 100,
            max_zip_entries: 2_000,
            max_text_chars: 200_000,
        }
    }
}

/// A mailbox: display name and address.
#[derive(Debug, Clone, PartialEq)]
pub struct Addr {
    pub name: Option<String>,
    pub address: String,
}

impl Addr {
    /// The domain, lower case ("" when the address has none).
    pub fn domain(&self) -> String {
        domain_of(&self.address)
    }
}

/// The domain of an address, lower case.
pub fn domain_of(address: &str) -> String {
    address
        .rsplit_once('@')
        .map(|(_, d)| d.trim().trim_end_matches(['>', '.']).to_lowercase())
        .unwrap_or_default()
}

/// A link of an HTML body: the text shown and the target.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub text: String,
    pub href: String,
}

/// An attached file, decoded.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub name: String,
    pub data: Vec<u8>,
}

/// One parsed message.
#[derive(Debug, Clone, Default)]
pub struct Mail {
    pub from: Option<Addr>,
    /// The From header as decoded, for evidence.
    pub from_header: String,
    pub reply_to: Vec<Addr>,
    /// To and Cc.
    pub recipients: Vec<Addr>,
    pub subject: String,
    pub in_reply_to: Option<String>,
    pub references: Option<String>,
    pub authentication_results: Vec<String>,
    /// Plain text of every text part (HTML turned into text).
    pub text: String,
    pub links: Vec<Link>,
    pub attachments: Vec<Attachment>,
    /// What was not inspected, and why.
    pub limits_hit: Vec<String>,
    /// Whether some MIME parts (or forwarded messages) were not opened
    /// because of a limit: what they hold is unknown, so the verdict cannot be `ok`.
    pub parts_skipped: bool,
    /// The text without signature blocks (lines after a `-- ` line in each
    /// text part), for the wording checks.
    pub unsigned_text: String,
}

/// Parses a message; `Err` only when nothing of it can be read as mail.
pub fn parse(raw: &[u8], limits: &Limits) -> Result<Mail, String> {
    let mut mail = Mail::default();
    let raw = if raw.len() > limits.max_message_bytes {
        mail.limits_hit.push(format!(
            "message of {} bytes: only the first {} inspected",
            raw.len(),
            limits.max_message_bytes
        ));
        &raw[..limits.max_message_bytes]
    } else {
        raw
    };
    let boundaries = count_boundaries(raw);
    let parsed = if boundaries > limits.max_boundaries {
        mail.limits_hit.push(format!(
            "{boundaries} MIME boundaries (limit {}): parts not opened",
            limits.max_boundaries
        ));
        mail.parts_skipped = true;
        let (headers, _) = mailparse::parse_headers(raw).map_err(|e| e.to_string())?;
        if !has_mail_headers(&headers) {
            return Err("no mail headers (From, To, Subject, Date, Message-ID or Received)".into());
        }
        read_headers(&mut mail, &headers);
        return Ok(mail);
    } else {
        mailparse::parse_mail(raw).map_err(|e| e.to_string())?
    };
    if !has_mail_headers(&parsed.headers) {
        return Err("no mail headers (From, To, Subject, Date, Message-ID or Received)".into());
    }
    read_headers(&mut mail, &parsed.headers);
    let mut parts = 0usize;
    walk(&parsed, &mut mail, limits, &mut parts, 0);
    if parts > limits.max_parts {
        mail.limits_hit.push(format!(
            "{parts} MIME parts: only the first {} inspected",
            limits.max_parts
        ));
        mail.parts_skipped = true;
    }
    if mail.text.chars().count() > limits.max_text_chars {
        mail.text = mail.text.chars().take(limits.max_text_chars).collect();
    }
    if mail.unsigned_text.chars().count() > limits.max_text_chars {
        mail.unsigned_text = mail
            .unsigned_text
            .chars()
            .take(limits.max_text_chars)
            .collect();
    }
    Ok(mail)
}

/// Whether the headers look like a mail message's (not a file of another kind).
fn has_mail_headers(headers: &[MailHeader<'_>]) -> bool {
    const KEYS: &[&str] = &["from", "to", "subject", "date", "message-id", "received"];
    headers
        .iter()
        .any(|h| KEYS.contains(&h.get_key().to_ascii_lowercase().as_str()))
}

/// `boundary` parameters of Content-Type header lines (and their folded
/// continuations): the multipart nesting mailparse would recurse into. Words
/// `boundary=` in a body are not counted (they do not nest anything).
fn count_boundaries(raw: &[u8]) -> usize {
    let needle = b"boundary=";
    let mut count = 0;
    let mut in_content_type = false;
    for line in raw.split(|&b| b == b'\n') {
        let continuation = matches!(line.first(), Some(b' ' | b'\t'));
        if !continuation {
            in_content_type = line.len() >= 13 && line[..13].eq_ignore_ascii_case(b"content-type:");
        }
        if in_content_type {
            count += line
                .windows(needle.len())
                .filter(|w| w.eq_ignore_ascii_case(needle))
                .count();
        }
    }
    count
}

/// Maximum depth of forwarded messages (`message/rfc822`) that are opened.
const MAX_MESSAGE_DEPTH: usize = 2;

fn read_headers(mail: &mut Mail, headers: &[MailHeader<'_>]) {
    let get = |key: &str| headers.get_first_header(key).map(header_text);
    if let Some(from) = get("From") {
        mail.from = parse_addrs(&from).into_iter().next();
        mail.from_header = format!("From: {from}");
    }
    mail.reply_to = headers
        .get_all_headers("Reply-To")
        .into_iter()
        .flat_map(|h| parse_addrs(&header_text(h)))
        .collect();
    mail.recipients = headers
        .get_all_headers("To")
        .into_iter()
        .chain(headers.get_all_headers("Cc"))
        .flat_map(|h| parse_addrs(&header_text(h)))
        .collect();
    mail.subject = get("Subject").unwrap_or_default();
    mail.in_reply_to = get("In-Reply-To").filter(|s| !s.trim().is_empty());
    mail.references = get("References").filter(|s| !s.trim().is_empty());
    mail.authentication_results = headers
        .get_all_headers("Authentication-Results")
        .into_iter()
        .map(header_text)
        .collect();
}

/// A header's value decoded: RFC 2047 words (ISO-2022-JP, Shift_JIS …) by
/// mailparse; raw values with ESC (unencoded ISO-2022-JP, all 7-bit) or 8-bit
/// bytes that are not UTF-8 (Shift_JIS, EUC-JP) through `incidex_read::decode`,
/// which accepts only an encoding that decodes them without error.
fn header_text(h: &MailHeader<'_>) -> String {
    let raw = h.get_value_raw();
    let has_esc = raw.contains(&0x1b);
    if !has_esc && (raw.is_ascii() || std::str::from_utf8(raw).is_ok()) {
        return h.get_value();
    }
    match incidex_read::decode(raw) {
        Ok((text, _)) => unfold(&text),
        Err(_) => h.get_value(),
    }
}

/// Whether bytes need a charset guess: ESC (ISO-2022-JP) or 8-bit bytes.
fn needs_guess(raw: &[u8]) -> bool {
    raw.iter().any(|&b| b == 0x1b || b >= 0x80)
}

/// A text part's body: its declared charset; with none (or us-ascii) but
/// ESC or 8-bit bytes, the encoding `incidex_read::decode` finds.
fn text_body(part: &ParsedMail<'_>) -> String {
    let charset = part.ctype.charset.trim().to_ascii_lowercase();
    if charset.is_empty() || charset == "us-ascii" || charset == "ascii" {
        if let Ok(raw) = part.get_body_raw() {
            if needs_guess(&raw) {
                if let Ok((text, _)) = incidex_read::decode(&raw) {
                    return text;
                }
            }
        }
    }
    part.get_body().unwrap_or_default()
}

/// The lines of a text part before its signature separator (`-- `).
fn without_signature(text: &str) -> &str {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_end_matches(['\r', '\n']) == "-- " || line.trim_end() == "--" {
            return &text[..offset];
        }
        offset += line.len();
    }
    text
}

fn unfold(s: &str) -> String {
    s.split(['\r', '\n'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Addresses of a header value; a value mailparse cannot read as a list falls
/// back to the `<…>` address or the first word with `@`.
pub fn parse_addrs(value: &str) -> Vec<Addr> {
    if let Ok(list) = mailparse::addrparse(value) {
        let mut out = Vec::new();
        for a in list.iter() {
            match a {
                mailparse::MailAddr::Single(s) => out.push(Addr {
                    name: s.display_name.clone().filter(|n| !n.trim().is_empty()),
                    address: s.addr.trim().to_string(),
                }),
                mailparse::MailAddr::Group(g) => out.extend(g.addrs.iter().map(|s| Addr {
                    name: s.display_name.clone(),
                    address: s.addr.trim().to_string(),
                })),
            }
        }
        if !out.is_empty() {
            return out;
        }
    }
    if let (Some(open), Some(close)) = (value.rfind('<'), value.rfind('>')) {
        if open < close {
            let name = value[..open].trim().trim_matches('"').trim();
            return vec![Addr {
                name: (!name.is_empty()).then(|| name.to_string()),
                address: value[open + 1..close].trim().to_string(),
            }];
        }
    }
    value
        .split_whitespace()
        .find(|w| w.contains('@'))
        .map(|w| Addr {
            name: None,
            address: w.trim_matches(['"', '<', '>', ',']).to_string(),
        })
        .into_iter()
        .collect()
}

fn walk(part: &ParsedMail<'_>, mail: &mut Mail, limits: &Limits, parts: &mut usize, depth: usize) {
    if !part.subparts.is_empty() {
        for sub in &part.subparts {
            walk(sub, mail, limits, parts, depth);
        }
        return;
    }
    *parts += 1;
    if *parts > limits.max_parts {
        return;
    }
    let disposition = part.get_content_disposition();
    let filename = disposition
        .params
        .get("filename")
        .or_else(|| part.ctype.params.get("name"))
        .map(|n| decode_param(n));
    let mimetype = part.ctype.mimetype.to_lowercase();
    let is_attachment =
        filename.is_some() || disposition.disposition == mailparse::DispositionType::Attachment;
    if !is_attachment && mimetype.starts_with("text/") {
        let body = text_body(part);
        if mimetype == "text/html" {
            let (text, links) = html_text_and_links(&body);
            push_text(&mut mail.text, &text);
            push_text(&mut mail.unsigned_text, &text);
            mail.links.extend(links);
        } else {
            push_text(&mut mail.text, &body);
            push_text(&mut mail.unsigned_text, without_signature(&body));
        }
    } else if mimetype == "message/rfc822" {
        // A forwarded message (inline or attached): its parts are opened like
        // the outer message's, up to MAX_MESSAGE_DEPTH levels, and count
        // towards max_parts.
        let body = part.get_body_raw().unwrap_or_default();
        // A base64-encoded forward hides its boundaries from the count made
        // on the raw message: count them again before parsing.
        let nested = count_boundaries(&body);
        let inner = if depth < MAX_MESSAGE_DEPTH && nested <= limits.max_boundaries {
            mailparse::parse_mail(&body).ok()
        } else {
            None
        };
        match inner {
            Some(inner) => {
                let header_lines: String = ["From", "Subject"]
                    .iter()
                    .filter_map(|k| {
                        inner
                            .headers
                            .get_first_header(k)
                            .map(|h| format!("{k}: {}", header_text(h)))
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
                push_text(&mut mail.text, &header_lines);
                walk(&inner, mail, limits, parts, depth + 1);
            }
            None => {
                if depth >= MAX_MESSAGE_DEPTH {
                    mail.limits_hit.push(format!(
                        "forwarded message nested deeper than {MAX_MESSAGE_DEPTH}: not opened"
                    ));
                    mail.parts_skipped = true;
                } else if nested > limits.max_boundaries {
                    mail.limits_hit.push(format!(
                        "forwarded message with {nested} MIME boundaries (limit {}): not opened",
                        limits.max_boundaries
                    ));
                    mail.parts_skipped = true;
                }
                push_text(&mut mail.text, &String::from_utf8_lossy(&body));
                mail.attachments.push(Attachment {
                    name: filename.unwrap_or_else(|| "(forwarded message)".into()),
                    data: body,
                });
            }
        }
    } else {
        let data = part.get_body_raw().unwrap_or_default();
        mail.attachments.push(Attachment {
            name: filename.unwrap_or_else(|| format!("(unnamed {mimetype})")),
            data,
        });
    }
}

fn push_text(all: &mut String, text: &str) {
    if !all.is_empty() {
        all.push('\n');
    }
    all.push_str(text);
}

/// A parameter value that still holds RFC 2047 words (`=?ISO-2022-JP?B?…?=`,
/// common in Japanese mailers' file names) decoded through mailparse's header decoder.
fn decode_param(v: &str) -> String {
    if !v.contains("=?") {
        return v.to_string();
    }
    let line = format!("X: {v}\r\n");
    match mailparse::parse_header(line.as_bytes()) {
        Ok((h, _)) => h.get_value(),
        Err(_) => v.to_string(),
    }
}

/// The text of an HTML body and its links.
pub fn html_text_and_links(html: &str) -> (String, Vec<Link>) {
    let doc = Html::parse_document(html);
    let mut text = String::new();
    for t in doc.root_element().text() {
        let t = t.trim();
        if !t.is_empty() {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(t);
        }
    }
    let mut links = Vec::new();
    if let Ok(sel) = Selector::parse("a[href]") {
        for a in doc.select(&sel) {
            let href = a
                .value()
                .attr("href")
                .unwrap_or_default()
                .trim()
                .to_string();
            let shown: String = a.text().collect::<String>().trim().to_string();
            links.push(Link { text: shown, href });
        }
    }
    (text, links)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_name_with_an_address_is_kept_apart_from_the_sender() {
        let a = parse_addrs("\"k.tanabe@minato.example.co.jp\" <qq@post.example.com>");
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].name.as_deref(), Some("k.tanabe@minato.example.co.jp"));
        assert_eq!(a[0].domain(), "post.example.com");
    }

    #[test]
    fn iso_2022_jp_subject_and_body_decode() {
        // 件名: 「お見積りの件」, body 「よろしくお願いします」 in ISO-2022-JP.
        let (subject, _, _) = encoding_rs::ISO_2022_JP.encode("お見積りの件");
        let (body, _, _) = encoding_rs::ISO_2022_JP.encode("よろしくお願いします");
        use base64::Engine;
        let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
        let mut raw = format!(
            "From: a@x.example.jp\r\nSubject: =?ISO-2022-JP?B?{}?=\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\nContent-Transfer-Encoding: 7bit\r\n\r\n",
            b64(&subject)
        )
        .into_bytes();
        raw.extend_from_slice(&body);
        let m = parse(&raw, &Limits::default()).unwrap_or_default();
        assert_eq!(m.subject, "お見積りの件");
        assert_eq!(m.text.trim(), "よろしくお願いします");
    }

    #[test]
    fn raw_shift_jis_headers_decode() {
        // Some mailers send 8-bit Shift_JIS in headers without RFC 2047 words.
        let (subject, _, _) = encoding_rs::SHIFT_JIS.encode("至急ご確認ください");
        let mut raw = b"From: a@x.example.jp\r\nSubject: ".to_vec();
        raw.extend_from_slice(&subject);
        raw.extend_from_slice(b"\r\n\r\nbody\r\n");
        let m = parse(&raw, &Limits::default()).unwrap_or_default();
        assert_eq!(m.subject, "至急ご確認ください");
    }

    #[test]
    fn deep_nesting_is_not_split() {
        let mut raw = String::from("From: a@x.example.jp\r\nSubject: nest\r\n");
        for i in 0..500 {
            raw.push_str(&format!(
                "Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n"
            ));
        }
        let m = parse(raw.as_bytes(), &Limits::default()).unwrap_or_default();
        assert_eq!(m.subject, "nest");
        assert!(m.limits_hit.iter().any(|l| l.contains("boundaries")));
    }

    #[test]
    fn boundary_words_in_a_body_do_not_stop_parts_being_opened() {
        let mut raw = String::from(
            "From: a@x.example.jp\r\nSubject: s\r\nContent-Type: multipart/mixed; boundary=\"ZZ\"\r\n\r\n--ZZ\r\nContent-Type: text/plain\r\n\r\n",
        );
        for i in 0..150 {
            raw.push_str(&format!("boundary=x{i}\r\n"));
        }
        raw.push_str("--ZZ\r\nContent-Type: application/octet-stream; name=\"invoice.exe\"\r\nContent-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA\r\n--ZZ--\r\n");
        let m = parse(raw.as_bytes(), &Limits::default()).unwrap_or_default();
        assert!(m.limits_hit.is_empty(), "{:?}", m.limits_hit);
        assert_eq!(m.attachments.len(), 1);
        assert_eq!(m.attachments[0].name, "invoice.exe");
    }

    #[test]
    fn limits_that_skip_parts_are_marked() {
        let mut raw = String::from("From: a@x.example.jp\r\nSubject: nest\r\n");
        for i in 0..150 {
            raw.push_str(&format!(
                "Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n"
            ));
        }
        let m = parse(raw.as_bytes(), &Limits::default()).unwrap_or_default();
        assert!(m.parts_skipped);
    }

    fn forwarded(depth: usize) -> String {
        let mut inner = String::from(
            "From: c@z.example.jp\r\nSubject: inner\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"I\"\r\n\r\n--I\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--I\r\nContent-Type: application/octet-stream; name=\"invoice.pdf.exe\"\r\nContent-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA\r\n--I--\r\n",
        );
        for d in 0..depth {
            inner = format!(
                "From: f{d}@y.example.jp\r\nSubject: fwd {d}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"O{d}\"\r\n\r\n--O{d}\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nFYI\r\n--O{d}\r\nContent-Type: message/rfc822\r\n\r\n{inner}--O{d}--\r\n"
            );
        }
        inner
    }

    #[test]
    fn forwarded_messages_are_opened_two_levels_deep() {
        for depth in [1, 2] {
            let m = parse(forwarded(depth).as_bytes(), &Limits::default()).unwrap_or_default();
            let names: Vec<&str> = m.attachments.iter().map(|a| a.name.as_str()).collect();
            assert_eq!(names, vec!["invoice.pdf.exe"], "depth {depth}");
            assert!(m.text.contains("see attached"));
            assert!(!m.parts_skipped);
        }
        let m = parse(forwarded(3).as_bytes(), &Limits::default()).unwrap_or_default();
        assert!(m.parts_skipped, "{:?}", m.limits_hit);
    }

    #[test]
    fn raw_iso_2022_jp_headers_and_undeclared_shift_jis_bodies_decode() {
        let (subject, _, _) = encoding_rs::ISO_2022_JP.encode("至急 振込先の変更");
        let (body, _, _) = encoding_rs::SHIFT_JIS.encode("来月より新しい口座へお振込みください。");
        let mut raw = b"From: a@x.example.jp\r\nSubject: ".to_vec();
        raw.extend_from_slice(&subject);
        raw.extend_from_slice(b"\r\n\r\n");
        raw.extend_from_slice(&body);
        let m = parse(&raw, &Limits::default()).unwrap_or_default();
        assert_eq!(m.subject, "至急 振込先の変更");
        assert!(m.text.contains("新しい口座"), "{}", m.text);
    }

    #[test]
    fn signatures_are_left_out_of_the_unsigned_text() {
        let raw = "From: a@x.example.jp\r\nSubject: s\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nbody line\r\n-- \r\nurgent contact: 090\r\n";
        let m = parse(raw.as_bytes(), &Limits::default()).unwrap_or_default();
        assert!(m.text.contains("urgent contact"));
        assert!(m.unsigned_text.contains("body line"));
        assert!(!m.unsigned_text.contains("urgent contact"));
    }
}
