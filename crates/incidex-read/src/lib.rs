//! Turns a notice file (plain text, HTML or PDF, in any of the encodings
//! Japanese and English notices come in) into one `String` of text.
//!
//! Everything downstream quotes character offsets into [`Document::text`], so
//! this crate is the single place where bytes become text: encoding, BOM
//! removal, newline normalisation and HTML/PDF flattening all happen here and
//! nowhere else.
//!
//! The crate never panics on input and never guesses an encoding it cannot
//! verify: failures are [`ReadError`]s with a one-line human reason.

mod decode;
mod error;
mod html;
mod pdf;

use std::io::Read;
use std::path::Path;

pub use decode::decode;
pub use error::ReadError;

/// The kind of source a [`Document`] was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Html,
    Pdf,
}

/// A notice reduced to text.
#[derive(Debug, Clone)]
pub struct Document {
    /// The text, newlines normalised to `\n`; for HTML only visible text,
    /// for PDF the text layer.
    pub text: String,
    /// The source encoding ("UTF-8", "Shift_JIS", "EUC-JP", "ISO-2022-JP",
    /// "UTF-16LE", "UTF-16BE", or a charset an HTML page declared). For PDF it
    /// is "PDF": the text layer is Unicode inside the file's own structures.
    pub encoding: &'static str,
    pub format: Format,
}

/// Resource limits, so one hostile file cannot take the whole run down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Larger inputs are refused before being read into memory.
    pub max_bytes: u64,
    /// HTML elements nested deeper than this are flattened (their text kept,
    /// their line structure ignored).
    pub max_html_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 256 * 1024 * 1024,
            max_html_depth: 512,
        }
    }
}

/// Reads a file. The size is checked from metadata before anything is read;
/// the format comes from the file name, or from the content when the
/// extension says nothing.
pub fn read_path(path: &Path, limits: &Limits) -> Result<Document, ReadError> {
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if meta.is_file() && meta.len() > limits.max_bytes {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit: limits.max_bytes,
        });
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let capacity = usize::try_from(meta.len()).unwrap_or(0);
    read_reader_with_capacity(file, &name, limits, capacity)
}

/// Reads from any reader (e.g. stdin with `name_hint` "-"), stopping as soon
/// as more than `limits.max_bytes` arrive. For a stream the size in the
/// resulting error is a lower bound: the rest is never read.
pub fn read_reader<R: Read>(
    reader: R,
    name_hint: &str,
    limits: &Limits,
) -> Result<Document, ReadError> {
    read_reader_with_capacity(reader, name_hint, limits, 0)
}

fn read_reader_with_capacity<R: Read>(
    reader: R,
    name_hint: &str,
    limits: &Limits,
    capacity: usize,
) -> Result<Document, ReadError> {
    let mut bytes = Vec::with_capacity(capacity.saturating_add(1));
    reader
        .take(limits.max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)?;
    read_bytes(&bytes, name_hint, limits)
}

/// Reads bytes already in memory. `name_hint` is a file name (only its
/// extension matters) or "-" for stdin.
pub fn read_bytes(bytes: &[u8], name_hint: &str, limits: &Limits) -> Result<Document, ReadError> {
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size > limits.max_bytes {
        return Err(ReadError::TooLarge {
            size,
            limit: limits.max_bytes,
        });
    }
    if is_blank(bytes) {
        return Err(ReadError::Empty);
    }
    let format = format_from_name(name_hint).unwrap_or_else(|| sniff_format(bytes));
    match format {
        Format::Text => {
            let (text, encoding) = decode(bytes)?;
            Ok(Document {
                text,
                encoding,
                format,
            })
        }
        Format::Html => {
            let declared = match encoding_rs::Encoding::for_bom(bytes) {
                Some(_) => None,
                None => decode::sniff_meta_charset(bytes),
            };
            let (source, encoding) = decode::decode_with_declared(bytes, declared)?;
            Ok(Document {
                text: html::visible_text(&source, limits.max_html_depth),
                encoding,
                format,
            })
        }
        Format::Pdf => Ok(Document {
            text: pdf::extract_text(bytes)?,
            encoding: "PDF",
            format,
        }),
    }
}

/// Nothing but a byte-order mark and whitespace. Checked before the format
/// is chosen so that an empty `.pdf` is "empty file" too, not a parse error.
/// (For text and HTML the decoder makes the same check on the full text.)
fn is_blank(bytes: &[u8]) -> bool {
    /// Longest UTF-16 input decoded just for this check; anything longer is
    /// left to the decoder rather than decoded twice.
    const UTF16_CHECK: usize = 4096;
    match encoding_rs::Encoding::for_bom(bytes) {
        None => bytes.trim_ascii().is_empty(),
        Some((enc, bom_len)) => {
            let rest = bytes.get(bom_len..).unwrap_or_default();
            if enc == encoding_rs::UTF_8 {
                rest.trim_ascii().is_empty()
            } else {
                rest.len() <= UTF16_CHECK
                    && enc.decode_without_bom_handling(rest).0.trim().is_empty()
            }
        }
    }
}

/// The format implied by a file name's extension, if it implies one.
fn format_from_name(name: &str) -> Option<Format> {
    let (_, ext) = name.rsplit_once('.')?;
    match ext.to_ascii_lowercase().as_str() {
        "txt" | "text" | "md" | "markdown" => Some(Format::Text),
        "html" | "htm" | "xhtml" | "shtml" => Some(Format::Html),
        "pdf" => Some(Format::Pdf),
        _ => None,
    }
}

/// Guesses the format from content: a `%PDF-` header (allowed anywhere in the
/// first KiB, as readers do), or markup that opens like an HTML document.
fn sniff_format(bytes: &[u8]) -> Format {
    let head = bytes.get(..1024).unwrap_or(bytes);
    if head.windows(5).any(|w| w == b"%PDF-") {
        return Format::Pdf;
    }
    if starts_like_html(&ascii_prefix(bytes)) {
        Format::Html
    } else {
        Format::Text
    }
}

/// The first KiB as text for sniffing, BOM removed. Decoded lossily, which
/// is fine: only the ASCII markup at the very start is looked at.
fn ascii_prefix(bytes: &[u8]) -> String {
    let head = bytes.get(..1024).unwrap_or(bytes);
    let (enc, bom_len) = encoding_rs::Encoding::for_bom(head).unwrap_or((encoding_rs::UTF_8, 0));
    let body = head.get(bom_len..).unwrap_or_default();
    enc.decode_without_bom_handling(body).0.into_owned()
}

/// `<!doctype html` or `<html` after optional whitespace, an XML declaration
/// and comments (XHTML files and generated pages often start with those).
fn starts_like_html(text: &str) -> bool {
    let mut rest = text.trim_start();
    loop {
        let skip_to = if rest.starts_with("<?") {
            rest.find("?>").map(|i| i + 2)
        } else if rest.starts_with("<!--") {
            rest.find("-->").map(|i| i + 3)
        } else {
            break;
        };
        match skip_to {
            Some(i) => rest = rest[i..].trim_start(),
            None => return false,
        }
    }
    let lower = rest.get(..14).unwrap_or(rest).to_ascii_lowercase();
    lower.starts_with("<!doctype html") || lower.starts_with("<html")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_by_extension() {
        assert_eq!(format_from_name("a/b/notice.HTM"), Some(Format::Html));
        assert_eq!(format_from_name("x.pdf"), Some(Format::Pdf));
        assert_eq!(format_from_name("readme.md"), Some(Format::Text));
        assert_eq!(format_from_name("-"), None);
        assert_eq!(format_from_name("mail.eml"), None);
    }

    #[test]
    fn format_by_content() {
        assert_eq!(sniff_format(b"%PDF-1.7\n"), Format::Pdf);
        assert_eq!(sniff_format(b"\n  <!DOCTYPE HTML><p>x"), Format::Html);
        assert_eq!(sniff_format(b"\xEF\xBB\xBF<html>"), Format::Html);
        assert_eq!(
            sniff_format(b"<?xml version=\"1.0\"?>\n<!-- c --><html xmlns=\"x\">"),
            Format::Html
        );
        assert_eq!(sniff_format(b"<p>just a fragment</p>"), Format::Text);
        assert_eq!(sniff_format("<html>".as_bytes()), Format::Html);
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("<html>".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(sniff_format(&utf16), Format::Html);
    }
}
