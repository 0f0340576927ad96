//! Pre-parse flattening of absurdly deep markup.
//!
//! html5ever is correct but not built for hostile nesting: for every start
//! tag of a common block element it scans the whole stack of open elements
//! ("is there a `<p>` in button scope?"), so 100,000 nested `<div>`s cost
//! about 5·10⁹ steps — half a minute. Our own walk is iterative and does not
//! care, but the parser must be protected *before* it runs.
//!
//! This module runs a small linear tag scanner over the source that tracks an
//! approximate nesting depth and, only where that depth exceeds the limit,
//! removes the tags themselves (never text). The parser then never sees more
//! than about `limit` open elements, so parsing costs O(n · limit). The
//! scanner mirrors the HTML tokenizer where it matters — comments, quoted
//! attribute values, raw-text elements such as `<script>` (whose tags are
//! never removed, so code never leaks into the text) — and is approximate
//! elsewhere (e.g. implied end tags), which only shifts where flattening
//! starts on input that is pathological anyway.

use std::borrow::Cow;
use std::ops::Range;

/// Elements without content: they never open a level.
const VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input",
    "keygen", "link", "meta", "param", "source", "track", "wbr",
];

/// Elements closed implicitly by their next sibling (`<li>`, `<p>`, cells…).
/// Counting them would make ordinary unclosed lists look deep; the parser
/// closes them itself without deep scans.
const IMPLIED_END: &[&str] = &[
    "p", "li", "dt", "dd", "option", "optgroup", "rb", "rt", "rtc", "rp", "tr", "td", "th",
    "tbody", "thead", "tfoot", "colgroup", "caption", "html", "head", "body",
];

/// Elements whose content is raw text up to their end tag.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
];

/// Returns `source` with the tags that sit deeper than `limit` removed, or
/// the source unchanged (no copy) when nothing is that deep.
pub(crate) fn flatten_deep_tags(source: &str, limit: usize) -> Cow<'_, str> {
    let cuts = deep_tag_ranges(source.as_bytes(), limit);
    if cuts.is_empty() {
        return Cow::Borrowed(source);
    }
    let mut out = String::with_capacity(source.len());
    let mut from = 0;
    for cut in cuts {
        out.push_str(source.get(from..cut.start).unwrap_or_default());
        from = cut.end;
    }
    out.push_str(source.get(from..).unwrap_or_default());
    Cow::Owned(out)
}

/// Byte ranges (in order, on ASCII boundaries) of tags to remove.
fn deep_tag_ranges(s: &[u8], limit: usize) -> Vec<Range<usize>> {
    let mut cuts = Vec::new();
    let mut depth = 0usize;
    let mut foreign_depth = 0usize; // inside <svg>/<math>, "/>" really self-closes
    let mut i = 0;
    while let Some(lt) = find_byte(s, b'<', i) {
        i = lt + 1;
        let rest = &s[lt..];
        if rest.starts_with(b"<!--") {
            i = find_seq(s, b"-->", lt + 4).map_or(s.len(), |e| e + 3);
            continue;
        }
        if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
            i = find_byte(s, b'>', lt).map_or(s.len(), |e| e + 1);
            continue;
        }
        let closing = rest.starts_with(b"</");
        let name_at = lt + if closing { 2 } else { 1 };
        if !s.get(name_at).is_some_and(u8::is_ascii_alphabetic) {
            continue; // "a < b": just text
        }
        let name_end = (name_at..s.len())
            .find(|&k| !s[k].is_ascii_alphanumeric() && s[k] != b'-' && s[k] != b':')
            .unwrap_or(s.len());
        let name_lower = s[name_at..name_end].to_ascii_lowercase();
        let name = std::str::from_utf8(&name_lower).unwrap_or_default();
        let (tag_end, self_closing) = tag_end(s, name_end);
        i = tag_end;
        let tag = lt..tag_end;

        if closing {
            if name == "svg" || name == "math" {
                foreign_depth = foreign_depth.saturating_sub(1);
            }
            if counts_depth(name) {
                if depth > limit {
                    cuts.push(tag);
                }
                depth = depth.saturating_sub(1);
            } else if depth >= limit && !RAW_TEXT.contains(&name) {
                cuts.push(tag);
            }
            continue;
        }

        if RAW_TEXT.contains(&name) {
            // Kept whatever the depth, so the parser still hides the content.
            i = raw_text_end(s, i, name);
            continue;
        }
        if name == "plaintext" {
            break; // everything after it is text
        }
        let opens = counts_depth(name) && !(self_closing && foreign_depth > 0);
        if opens {
            depth += 1;
            if name == "svg" || name == "math" {
                foreign_depth += 1;
            }
        }
        if depth > limit || (!opens && depth >= limit) {
            cuts.push(tag);
        }
    }
    cuts
}

fn counts_depth(name: &str) -> bool {
    !VOID.contains(&name) && !IMPLIED_END.contains(&name)
}

/// End of a tag whose name ends at `from`: just past its `>` (quotes in
/// attribute values respected), and whether it ended in `/>`.
fn tag_end(s: &[u8], from: usize) -> (usize, bool) {
    let mut k = from;
    while let Some(&b) = s.get(k) {
        match b {
            b'>' => return (k + 1, k > from && s[k - 1] == b'/'),
            b'=' => {
                k += 1;
                while s.get(k).is_some_and(u8::is_ascii_whitespace) {
                    k += 1;
                }
                if let Some(&q @ (b'"' | b'\'')) = s.get(k) {
                    k = find_byte(s, q, k + 1).unwrap_or(s.len());
                }
                k += 1;
            }
            _ => k += 1,
        }
    }
    (s.len(), false)
}

/// Position just after the `</name` that ends a raw-text element.
fn raw_text_end(s: &[u8], from: usize, name: &str) -> usize {
    let mut k = from;
    while let Some(at) = find_seq(s, b"</", k) {
        let after = at + 2 + name.len();
        if s.get(at + 2..after)
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
        {
            return after;
        }
        k = at + 2;
    }
    s.len()
}

fn find_byte(s: &[u8], b: u8, from: usize) -> Option<usize> {
    s.get(from..)?
        .iter()
        .position(|&x| x == b)
        .map(|p| p + from)
}

fn find_seq(s: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let mut k = from;
    while let Some(at) = find_byte(s, needle[0], k) {
        if s.get(at..at + needle.len()) == Some(needle) {
            return Some(at);
        }
        k = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::flatten_deep_tags;

    #[test]
    fn shallow_input_is_borrowed() {
        let src = "<div><p>a<p>b<ul><li>c<li>d</ul></div>";
        assert!(matches!(
            flatten_deep_tags(src, 3),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn deep_tags_removed_text_kept() {
        let src = "<div><div><div><b>x</b></div></div></div>";
        assert_eq!(flatten_deep_tags(src, 2), "<div><div>x</div></div>");
    }

    #[test]
    fn script_tags_survive_and_hide_markup() {
        let src = "<div><div><script>if (a<b) { s = '<div>'; }</script>t</div></div>";
        assert_eq!(
            flatten_deep_tags(src, 1),
            "<div><script>if (a<b) { s = '<div>'; }</script>t</div>"
        );
    }

    #[test]
    fn quoted_attributes_and_comments() {
        let src = "<div title=\"a>b\"><!-- <div> --><span class='x>'>t</span></div>";
        assert_eq!(
            flatten_deep_tags(src, 1),
            "<div title=\"a>b\"><!-- <div> -->t</div>"
        );
    }
}
