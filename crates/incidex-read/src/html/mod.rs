//! HTML → the text a reader would see.
//!
//! Parsing is html5ever's (through `scraper`), so malformed markup and
//! entities are handled the way browsers do. The tree walk is iterative with
//! an explicit stack: pages nested 100,000 levels deep (generated markup,
//! hostile input) must not overflow the thread's stack.
//!
//! Layout rules, kept deliberately simple because downstream extraction works
//! line by line: block elements start a new line, table cells are separated
//! by a tab, `<br>` is a line break, runs of whitespace collapse to one space —
//! except that a line break between two Japanese characters vanishes, since
//! Japanese does not put spaces between words (otherwise a sentence wrapped in
//! the source would gain a stray space).

mod prune;

use ego_tree::NodeRef;
use scraper::node::Element;
use scraper::{Html, Node};

/// Elements whose content is never shown as text: code, metadata, fallback
/// content for plugins, and graphics. `title` is taken separately as the
/// first line.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "head", "title", "svg", "math", "iframe", "object",
    "canvas", "video", "audio",
];

/// Elements that occupy their own lines.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "html",
    "legend",
    "li",
    "main",
    "menu",
    "nav",
    "ol",
    "option",
    "p",
    "section",
    "summary",
    "table",
    "tbody",
    "tfoot",
    "thead",
    "tr",
    "ul",
];

/// Elements whose whitespace is shown as written.
const PREFORMATTED: &[&str] = &["pre", "textarea", "listing", "xmp", "plaintext"];

const HTML_NS: &str = "http://www.w3.org/1999/xhtml";

/// How an element affects layout.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Inline,
    Block,
    Pre,
    Cell,
}

/// One unit of work for the iterative walk.
enum Step<'a> {
    Enter(NodeRef<'a, Node>, usize),
    Leave(Kind),
}

/// Returns the visible text of an HTML document, the `<title>` (if any) as
/// its first line.
///
/// Elements nested deeper than `max_depth` are flattened: their text is kept,
/// but they no longer start lines or cells. Very deep tags are removed before
/// parsing (see [`prune`]) because the parser slows down quadratically with
/// depth; the rest is flattened during the walk. Flattening is better than
/// rejecting a notice over its markup.
pub(crate) fn visible_text(source: &str, max_depth: usize) -> String {
    let source = prune::flatten_deep_tags(source, max_depth);
    let doc = Html::parse_document(&source);
    let mut sink = Sink::default();

    if let Some(title) = find_title(&doc) {
        for text in title.children().filter_map(|c| c.value().as_text()) {
            sink.text(text, false);
        }
        sink.gap(Gap::Newline);
    }

    let mut stack = vec![Step::Enter(doc.tree.root(), 0)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Leave(kind) => sink.close(kind),
            Step::Enter(node, depth) => {
                let kind = match node.value() {
                    Node::Text(text) => {
                        sink.text(text, sink.pre_depth > 0);
                        continue;
                    }
                    Node::Element(el) => {
                        if is_skipped(el) {
                            continue;
                        }
                        if el.name() == "br" {
                            sink.line_break();
                            continue;
                        }
                        if depth > max_depth {
                            Kind::Inline
                        } else {
                            classify(el.name())
                        }
                    }
                    Node::Document | Node::Fragment => Kind::Inline,
                    // Comments, doctypes, processing instructions: invisible.
                    _ => continue,
                };
                sink.open(kind);
                stack.push(Step::Leave(kind));
                stack.extend(node.children().rev().map(|c| Step::Enter(c, depth + 1)));
            }
        }
    }
    sink.finish()
}

/// The first HTML `<title>` element, wherever the parser put it (an SVG
/// `<title>` is a tooltip, not the page title).
fn find_title(doc: &Html) -> Option<NodeRef<'_, Node>> {
    doc.tree.nodes().find(|n| {
        n.value()
            .as_element()
            .is_some_and(|el| el.name() == "title" && &*el.name.ns == HTML_NS)
    })
}

fn classify(name: &str) -> Kind {
    if name == "td" || name == "th" {
        Kind::Cell
    } else if PREFORMATTED.contains(&name) {
        Kind::Pre
    } else if BLOCKS.contains(&name) {
        Kind::Block
    } else {
        Kind::Inline
    }
}

/// Invisible by element type, by the `hidden` attribute, or by an inline
/// style that hides it (the common ways notices hide boilerplate).
fn is_skipped(el: &Element) -> bool {
    if SKIPPED.contains(&el.name()) || el.attr("hidden").is_some() {
        return true;
    }
    el.attr("style").is_some_and(|style| {
        let compact: String = style
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        compact.contains("display:none") || compact.contains("visibility:hidden")
    })
}

/// Pending separator before the next visible character; a stronger one
/// replaces a weaker one.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
enum Gap {
    #[default]
    None,
    Space,
    Tab,
    Newline,
}

/// Accumulates output, deferring separators so that no line ends in spaces
/// and block boundaries never stack up into runs of empty lines.
#[derive(Default)]
struct Sink {
    out: String,
    gap: Gap,
    /// The whitespace behind a pending `Gap::Space` contained a line break.
    segment_break: bool,
    last: Option<char>,
    pre_depth: usize,
}

impl Sink {
    fn gap(&mut self, gap: Gap) {
        self.gap = self.gap.max(gap);
    }

    fn open(&mut self, kind: Kind) {
        match kind {
            Kind::Inline | Kind::Cell => {}
            Kind::Block => self.gap(Gap::Newline),
            Kind::Pre => {
                self.gap(Gap::Newline);
                self.pre_depth += 1;
            }
        }
    }

    fn close(&mut self, kind: Kind) {
        match kind {
            Kind::Inline => {}
            Kind::Cell => self.gap(Gap::Tab),
            Kind::Block => self.gap(Gap::Newline),
            Kind::Pre => {
                self.gap(Gap::Newline);
                self.pre_depth = self.pre_depth.saturating_sub(1);
            }
        }
    }

    fn text(&mut self, text: &str, preformatted: bool) {
        for c in text.chars() {
            if preformatted {
                self.emit(c);
            } else if is_collapsible(c) {
                self.gap(Gap::Space);
                self.segment_break |= c == '\n' || c == '\r';
            } else {
                self.emit(c);
            }
        }
    }

    /// `<br>`: an explicit line break, which (unlike a block boundary) may
    /// produce an empty line when repeated.
    fn line_break(&mut self) {
        self.flush_gap(None);
        self.out.push('\n');
        self.last = Some('\n');
    }

    fn emit(&mut self, c: char) {
        self.flush_gap(Some(c));
        self.out.push(c);
        self.last = Some(c);
    }

    /// Writes the pending separator, if it is needed before `next`.
    fn flush_gap(&mut self, next: Option<char>) {
        let gap = std::mem::take(&mut self.gap);
        let segment_break = std::mem::take(&mut self.segment_break);
        if self.out.is_empty() {
            return;
        }
        let at_line_start = self.last == Some('\n');
        match gap {
            Gap::None => {}
            Gap::Newline if !at_line_start => self.out.push('\n'),
            Gap::Tab if !at_line_start => self.out.push('\t'),
            Gap::Space if !at_line_start => {
                let joins_japanese = segment_break
                    && self.last.is_some_and(is_japanese)
                    && next.is_some_and(is_japanese);
                // A space right before a line break (`next` is None) would end the line.
                if !joins_japanese && next.is_some() {
                    self.out.push(' ');
                }
            }
            _ => {}
        }
        if self.out.ends_with('\n') {
            self.last = Some('\n');
        }
    }

    fn finish(self) -> String {
        match self.out.trim() {
            trimmed if trimmed.len() == self.out.len() => self.out,
            trimmed => trimmed.to_owned(),
        }
    }
}

/// Whitespace that HTML collapses. U+00A0 (`&nbsp;`) is included: notices use
/// it for layout, and it carries no meaning for extraction. The ideographic
/// space U+3000 is kept: it is part of Japanese text.
fn is_collapsible(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0C' | '\u{A0}')
}

/// Characters of Japanese script (kana, kanji, CJK punctuation, full- and
/// half-width forms), between which a source line break is not a space.
fn is_japanese(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{30FF}'   // CJK punctuation, hiragana, katakana
        | '\u{3400}'..='\u{4DBF}' // CJK extension A
        | '\u{4E00}'..='\u{9FFF}' // CJK unified ideographs
        | '\u{F900}'..='\u{FAFF}' // compatibility ideographs
        | '\u{FF00}'..='\u{FFEF}' // full-width and half-width forms
    )
}

#[cfg(test)]
mod tests {
    use super::visible_text;

    #[test]
    fn blocks_inline_and_cells() {
        let html = "<html><head><title> Notice </title><style>p{}</style></head>\
            <body><p>one  <b>two</b>\n three</p><div>four<br>five</div>\
            <table><tr><td>a</td><td>b</td></tr><tr><th>c</th><td>d</td></tr></table>\
            <ul><li>x</li><li>y</li></ul></body></html>";
        assert_eq!(
            visible_text(html, 512),
            "Notice\none two three\nfour\nfive\na\tb\nc\td\nx\ny"
        );
    }

    #[test]
    fn japanese_line_wrap_joins() {
        let html = "<p>株式会社テスト\n商事は、\n  不正アクセスを受けました。 Example\nCorp</p>";
        assert_eq!(
            visible_text(html, 512),
            "株式会社テスト商事は、不正アクセスを受けました。 Example Corp"
        );
    }

    #[test]
    fn pre_keeps_whitespace() {
        let html = "<p>a</p><pre>x  y\n  z</pre><p>b</p>";
        assert_eq!(visible_text(html, 512), "a\nx  y\n  z\nb");
    }

    #[test]
    fn hidden_things_dropped() {
        let html = "<p>shown</p><p hidden>no</p><div style=\"DISPLAY: none\">no</div>\
            <svg><title>tip</title><text>no</text></svg><noscript>no</noscript>\
            <template>no</template><script>var x = '<p>no</p>';</script><!-- no -->";
        assert_eq!(visible_text(html, 512), "shown");
    }

    #[test]
    fn deep_nodes_flatten() {
        let html = "<div><div><div>a</div><div>b</div></div></div>";
        assert_eq!(visible_text(html, 1), "ab");
        assert_eq!(visible_text(html, 512), "a\nb");
    }
}
