//! Listing pages: a page of links to notices (a prefecture's press page, a
//! company's お知らせ list), parsed with scraper.

use crate::config::Source;
use crate::feed::resolve;
use crate::item::Item;
use scraper::{ElementRef, Html, Selector};

/// File types that are never notices.
const NOT_NOTICES: &[&str] = &[
    ".css", ".js", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".zip", ".xml", ".rss", ".mp4",
    ".xls", ".xlsx", ".doc", ".docx",
];

/// The links of a listing page that look like notices, in page order, each
/// once. The page is decoded like any document (Shift_JIS, EUC-JP … checked
/// strictly); links resolve against `base` (the page's URL after redirects,
/// or its `<base href>`).
pub fn listing_items(bytes: &[u8], base: &str, source: &Source) -> Result<Vec<Item>, String> {
    let (text, _encoding) = incidex_read::decode(bytes).map_err(|e| e.to_string())?;
    let html = Html::parse_document(&text);
    let page_url = url::Url::parse(base).map_err(|e| format!("{base}: {e}"))?;
    let base_href = Selector::parse("base[href]").ok().and_then(|s| {
        html.select(&s)
            .next()
            .and_then(|b| b.value().attr("href"))
            .and_then(|h| page_url.join(h).ok())
    });
    let link_base = base_href.as_ref().unwrap_or(&page_url);
    let anchors = Selector::parse("a[href]").map_err(|e| e.to_string())?;
    let mut found: Vec<ElementRef> = Vec::new();
    match &source.selector {
        Some(sel) => {
            for el in html.select(sel) {
                if el.value().name() == "a" && el.value().attr("href").is_some() {
                    found.push(el);
                }
                found.extend(el.select(&anchors));
            }
        }
        None => found.extend(html.select(&anchors)),
    }
    let mut items: Vec<Item> = Vec::new();
    for a in found {
        let Some(url) = a
            .value()
            .attr("href")
            .and_then(|h| resolve(Some(link_base), h))
        else {
            continue;
        };
        if !looks_like_notice(&url, &page_url, source) || items.iter().any(|i| i.key == url) {
            continue;
        }
        let title = a
            .text()
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        items.push(Item {
            key: url.clone(),
            id: url.clone(),
            title,
            link: Some(url),
            html: None,
        });
    }
    Ok(items)
}

/// A link is followed when it is not the page itself, stays on the page's
/// host (unless `other_hosts`), is no stylesheet or image, and either matches
/// the source's `include` pattern or — without one — has a digit or `.pdf`
/// in its path: notices are numbered or dated (`/news/2024/0510.html`,
/// `/press/r6/123.pdf`), navigation links (`/company/`, `/contact/`) are not.
fn looks_like_notice(url: &str, page: &url::Url, source: &Source) -> bool {
    let Ok(u) = url::Url::parse(url) else {
        return false;
    };
    let mut page_plain = page.clone();
    page_plain.set_fragment(None);
    if u == page_plain {
        return false;
    }
    if !source.config.other_hosts
        && (u.host_str() != page.host_str()
            || u.port_or_known_default() != page.port_or_known_default())
    {
        return false;
    }
    let path = u.path().to_ascii_lowercase();
    if NOT_NOTICES.iter().any(|ext| path.ends_with(ext)) {
        return false;
    }
    match &source.include {
        Some(re) => re.is_match(url),
        None => path.bytes().any(|b| b.is_ascii_digit()) || path.ends_with(".pdf"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn source(extra: &str) -> Source {
        let c = Config::parse(&format!(
            "[[source]]\nname = \"p\"\nkind = \"page\"\nurl = \"http://127.0.0.1:1/press/\"\n{extra}"
        ))
        .unwrap();
        c.compiled_sources().unwrap().remove(0)
    }

    const PAGE: &str = r#"<html><head><meta charset="utf-8"><title>報道発表</title></head><body>
<nav><a href="/">トップ</a> <a href="/company/">会社概要</a> <a href="/press/">報道発表</a></nav>
<ul class="news">
<li><a href="2024/0510.html">不正アクセスによる情報流出について</a></li>
<li><a href="./2024/0511.pdf#page=1">第2報</a></li>
<li><a href="2024/0510.html">同じお知らせ（重複）</a></li>
<li><a href="http://other.example.com/news/1.html">他サイト</a></li>
<li><a href="/img/banner01.png">画像</a></li>
<li><a href="mailto:info@example.co.jp">問い合わせ</a></li>
</ul></body></html>"#;

    #[test]
    fn notice_links_resolve_and_navigation_is_left_out() {
        let items =
            listing_items(PAGE.as_bytes(), "http://127.0.0.1:1/press/", &source("")).unwrap();
        let urls: Vec<&str> = items.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(
            urls,
            vec![
                "http://127.0.0.1:1/press/2024/0510.html",
                "http://127.0.0.1:1/press/2024/0511.pdf"
            ]
        );
        assert_eq!(items[0].title, "不正アクセスによる情報流出について");
    }

    #[test]
    fn include_pattern_and_selector_narrow_the_links() {
        let only_pdf = source("include = '\\.pdf$'");
        let items = listing_items(PAGE.as_bytes(), "http://127.0.0.1:1/press/", &only_pdf).unwrap();
        assert_eq!(items.len(), 1);
        let nav = source("selector = 'nav'\ninclude = '.'");
        let items = listing_items(PAGE.as_bytes(), "http://127.0.0.1:1/press/", &nav).unwrap();
        let urls: Vec<&str> = items.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(
            urls,
            vec!["http://127.0.0.1:1/", "http://127.0.0.1:1/company/"]
        );
    }

    #[test]
    fn shift_jis_listing_page_decodes() {
        let html =
            "<html><body><a href=\"n/1.html\">システム障害に関するお知らせ</a></body></html>";
        let (bytes, _, bad) = encoding_rs::SHIFT_JIS.encode(html);
        assert!(!bad);
        let items = listing_items(&bytes, "http://127.0.0.1:1/", &source("")).unwrap();
        assert_eq!(items[0].title, "システム障害に関するお知らせ");
        assert_eq!(items[0].key, "http://127.0.0.1:1/n/1.html");
    }
}
