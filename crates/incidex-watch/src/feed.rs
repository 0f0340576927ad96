//! Feed items (RSS 1.0 / 2.0, Atom) with feed-rs.

use crate::item::Item;

/// The items of a feed, newest first as the feed lists them; relative links
/// resolve against `base` (the feed's URL after redirects).
pub fn feed_items(bytes: &[u8], base: &str) -> Result<Vec<Item>, String> {
    let feed = feed_rs::parser::Builder::new()
        .base_uri(Some(base))
        .build()
        .parse(bytes)
        .map_err(|e| format!("not a readable RSS or Atom feed: {e}"))?;
    let base_url = url::Url::parse(base).ok();
    let mut items = Vec::new();
    for entry in feed.entries {
        let link = entry
            .links
            .iter()
            .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
            .or(entry.links.first())
            .and_then(|l| resolve(base_url.as_ref(), &l.href));
        let title = entry.title.map(|t| t.content).unwrap_or_default();
        let body = entry
            .content
            .and_then(|c| c.body)
            .or(entry.summary.map(|s| s.content))
            .unwrap_or_default();
        let dated = entry.updated.or(entry.published).map(|d| d.to_rfc3339());
        // A changed item (a new update date) is a new item: it is ingested
        // again, and its document (keyed by the entry id alone) replaces the
        // old one's reports.
        let key = match &dated {
            Some(d) => format!("{}@{d}", entry.id),
            None => entry.id.clone(),
        };
        items.push(Item {
            key,
            id: entry.id.clone(),
            title,
            link,
            html: Some(body),
        });
    }
    Ok(items)
}

/// An absolute http(s) URL for a link, without its fragment.
pub fn resolve(base: Option<&url::Url>, href: &str) -> Option<String> {
    let href = href.trim();
    let mut u = match base {
        Some(b) => b.join(href).ok()?,
        None => url::Url::parse(href).ok()?,
    };
    if !matches!(u.scheme(), "http" | "https") {
        return None;
    }
    u.set_fragment(None);
    Some(u.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rss2_items_with_relative_links_and_dates() {
        let rss = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>お知らせ</title><link>http://127.0.0.1:1/</link>
<item><title>不正アクセスに関するお知らせ</title><link>/news/2024/0510.html</link>
<guid isPermaLink="false">n-0510</guid><pubDate>Fri, 10 May 2024 09:00:00 +0900</pubDate>
<description>当社サーバーへの不正アクセスについて</description></item>
<item><title>本文だけの項目</title><description>&lt;p&gt;本文&lt;/p&gt;</description></item>
</channel></rss>"#;
        let items = feed_items(rss.as_bytes(), "http://127.0.0.1:1/feed.xml").unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(
            items[0].link.as_deref(),
            Some("http://127.0.0.1:1/news/2024/0510.html")
        );
        assert_eq!(items[0].key, "n-0510@2024-05-10T00:00:00+00:00");
        assert_eq!(items[0].id, "n-0510");
        assert_eq!(items[0].title, "不正アクセスに関するお知らせ");
        assert_eq!(items[1].link, None);
        assert!(items[1].html.as_deref().unwrap().contains("本文"));
    }

    #[test]
    fn atom_and_rss1_are_read() {
        let atom = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:x</id><updated>2024-01-02T00:00:00Z</updated>
<entry><title>障害のお知らせ</title><id>urn:e1</id><updated>2024-01-02T00:00:00Z</updated>
<link rel="alternate" href="notices/1.html"/></entry></feed>"#;
        let items = feed_items(atom.as_bytes(), "http://127.0.0.1:1/a/atom.xml").unwrap();
        assert_eq!(
            items[0].link.as_deref(),
            Some("http://127.0.0.1:1/a/notices/1.html")
        );
        let rdf = r#"<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="http://127.0.0.1:1/"><title>t</title><link>http://127.0.0.1:1/</link><description>d</description></channel>
<item rdf:about="http://127.0.0.1:1/n/2.html"><title>二</title><link>http://127.0.0.1:1/n/2.html</link></item>
</rdf:RDF>"#;
        let items = feed_items(rdf.as_bytes(), "http://127.0.0.1:1/rdf").unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(
            items[0].link.as_deref(),
            Some("http://127.0.0.1:1/n/2.html")
        );
    }

    #[test]
    fn malformed_xml_is_an_error_not_a_panic() {
        for bad in ["<rss><channel><item><title>x", "not xml at all", ""] {
            assert!(feed_items(bad.as_bytes(), "http://127.0.0.1:1/").is_err());
        }
    }
}
