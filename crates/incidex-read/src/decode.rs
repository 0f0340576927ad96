//! Bytes → text, with the encoding named.
//!
//! Japanese notices arrive as UTF-8, UTF-16 (from Office exports), Shift_JIS
//! (CP932), EUC-JP and ISO-2022-JP (mail archives). A wrong guess does not
//! fail loudly: it yields mojibake that downstream extraction would happily
//! mine for garbage. So every candidate is decoded *strictly* and only an
//! encoding that decodes the whole input without a single error is accepted;
//! when none does, we return an error instead of guessing.
//!
//! Everything here is a constant number of linear passes over the input, so a
//! 200 MB file or a 10 MB single line costs time proportional to its size.

use encoding_rs::{
    Encoding, EUC_JP, ISO_2022_JP, REPLACEMENT, SHIFT_JIS, UTF_16LE, UTF_8, X_USER_DEFINED,
};

use crate::ReadError;

/// How many leading bytes chardetng looks at. Its guess only orders the
/// candidates (each is then checked against the whole input), so a prefix is
/// enough and keeps huge files cheap.
const CHARDET_SAMPLE: usize = 1 << 20;

/// How far into an HTML file a `<meta charset>` is looked for. The HTML spec
/// says 1024 bytes; real Japanese pages often put long comments first, so we
/// look a little further — the declaration is only a hint that must still
/// decode cleanly.
const META_SCAN: usize = 4096;

/// Decodes `bytes` into text and names the encoding used.
///
/// Order: byte-order mark → ISO-2022-JP escapes → valid UTF-8 → Shift_JIS /
/// EUC-JP (chardetng's preference first), accepting only error-free decodes.
/// Newlines are normalised to `\n` here because every text offset downstream
/// refers to the string returned.
pub fn decode(bytes: &[u8]) -> Result<(String, &'static str), ReadError> {
    decode_with_declared(bytes, None)
}

/// Like [`decode`], but with a charset declared by the document itself (an
/// HTML `<meta>`), which is tried first among the legacy encodings. UTF-8 and
/// BOMs still win over it: a page declaring Shift_JIS whose bytes are valid
/// UTF-8 is UTF-8 — the declaration is the thing that is wrong.
pub(crate) fn decode_with_declared(
    bytes: &[u8],
    declared: Option<&'static Encoding>,
) -> Result<(String, &'static str), ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    let (text, name) = match Encoding::for_bom(bytes) {
        Some((enc, bom_len)) => decode_marked(bytes, enc, bom_len)?,
        None => {
            reject_binary_bytes(bytes)?;
            decode_unmarked(bytes, declared)?
        }
    };
    let text = normalise_newlines(text);
    if text.trim().is_empty() {
        return Err(ReadError::Empty);
    }
    Ok((text, name))
}

/// Input with a byte-order mark: the mark is authoritative, so no other
/// encoding is tried; broken data under it is an error with its offset.
fn decode_marked(
    bytes: &[u8],
    enc: &'static Encoding,
    bom_len: usize,
) -> Result<(String, &'static str), ReadError> {
    let rest = bytes.get(bom_len..).unwrap_or_default();
    if enc == UTF_8 {
        reject_binary_bytes(rest)?;
        return match std::str::from_utf8(rest) {
            Ok(s) => Ok((s.to_owned(), UTF_8.name())),
            Err(e) => Err(ReadError::InvalidUtf8 {
                offset: bom_len + e.valid_up_to(),
            }),
        };
    }
    // UTF-16LE or UTF-16BE (for_bom returns nothing else).
    match enc.decode_without_bom_handling_and_without_replacement(rest) {
        Some(text) => {
            // NUL bytes are normal in UTF-16 bytes, so binary detection has
            // to look at the decoded characters instead.
            reject_binary_chars(&text)?;
            Ok((text.into_owned(), enc.name()))
        }
        None => Err(ReadError::InvalidUtf16 {
            encoding: enc.name(),
            offset: bom_len + first_bad_utf16(rest, enc == UTF_16LE).unwrap_or(0),
        }),
    }
}

/// Input without a byte-order mark.
fn decode_unmarked(
    bytes: &[u8],
    declared: Option<&'static Encoding>,
) -> Result<(String, &'static str), ReadError> {
    // ISO-2022-JP is 7-bit and therefore also valid UTF-8; its escape
    // sequences are what tell it apart, so it must be checked first. 7-bit
    // input with such escapes that still fails to decode is damaged
    // ISO-2022-JP: reading it as UTF-8 would pass the escapes through as
    // garbage, so it is refused.
    if has_iso2022jp_escape(bytes) {
        if let Some(text) = decode_strict(ISO_2022_JP, bytes) {
            return Ok((text, ISO_2022_JP.name()));
        }
        if bytes.is_ascii() {
            return Err(ReadError::NoEncoding);
        }
    }
    let utf8_error = match std::str::from_utf8(bytes) {
        Ok(s) => return Ok((s.to_owned(), UTF_8.name())),
        Err(e) => e,
    };
    let guess = chardet_guess(bytes);
    for enc in legacy_candidates(guess, declared) {
        let Some(text) = decode_strict(enc, bytes) else {
            continue;
        };
        if enc == guess || Some(enc) == declared || looks_japanese(&text) {
            return Ok((text, enc.name()));
        }
    }
    if looks_mostly_utf8(bytes) {
        Err(ReadError::InvalidUtf8 {
            offset: utf8_error.valid_up_to(),
        })
    } else {
        Err(ReadError::NoEncoding)
    }
}

/// The legacy encodings to try, best first, without duplicates.
///
/// A declared charset comes first, except for one common mistake: a page
/// declaring a single-byte Western charset (ISO-8859-1 templates) whose bytes
/// chardetng recognises as Japanese and which decode cleanly as such. A
/// single-byte charset decodes *any* byte sequence "cleanly", so in that case
/// clean decoding proves nothing and the Japanese reading is preferred.
fn legacy_candidates(
    guess: &'static Encoding,
    declared: Option<&'static Encoding>,
) -> Vec<&'static Encoding> {
    let guess_japanese = (guess == SHIFT_JIS || guess == EUC_JP).then_some(guess);
    let declared = declared.filter(usable_declared);

    let mut order: Vec<&'static Encoding> = Vec::with_capacity(4);
    match (declared, guess_japanese) {
        (Some(d), Some(g)) if d.is_single_byte() => order.extend([g, d]),
        (Some(d), g) => order.extend(std::iter::once(d).chain(g)),
        (None, g) => order.extend(g),
    }
    for enc in [SHIFT_JIS, EUC_JP] {
        if !order.contains(&enc) {
            order.push(enc);
        }
    }
    order
}

/// A declared charset is only worth trying if it is ASCII-compatible (an HTML
/// file that got this far is), and not one that maps every byte to something
/// and so can never fail (`x-user-defined`) or never succeed (`replacement`).
fn usable_declared(enc: &&'static Encoding) -> bool {
    enc.is_ascii_compatible() && *enc != X_USER_DEFINED && *enc != REPLACEMENT && *enc != UTF_8
}

/// chardetng's guess with UTF-8 excluded (already ruled out) and no TLD hint.
fn chardet_guess(bytes: &[u8]) -> &'static Encoding {
    let mut sample = bytes.get(..CHARDET_SAMPLE).unwrap_or(bytes);
    if sample.len() < bytes.len() {
        // Cut at a newline: 0x0A is never inside a Shift_JIS or EUC-JP
        // character, so the sample does not end in half a character.
        if let Some(nl) = sample.iter().rposition(|&b| b == b'\n') {
            sample = &sample[..=nl];
        }
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(sample, true);
    detector.guess(None, false)
}

/// Decodes with no replacement characters: `None` on the first error.
fn decode_strict(enc: &'static Encoding, bytes: &[u8]) -> Option<String> {
    enc.decode_without_bom_handling_and_without_replacement(bytes)
        .map(|cow| cow.into_owned())
}

/// Sanity check for a Japanese decoding that neither chardetng nor the
/// document vouches for: real Japanese prose is full of kana, while Western
/// text with a few Windows-1252 bytes (smart quotes, accents) often decodes
/// "cleanly" as Shift_JIS into scattered kanji and half-width katakana. At
/// least a tenth of the non-ASCII characters must be full-width kana.
fn looks_japanese(text: &str) -> bool {
    let (mut kana, mut non_ascii) = (0usize, 0usize);
    for c in text.chars().filter(|c| !c.is_ascii()) {
        non_ascii += 1;
        if ('\u{3041}'..='\u{30FF}').contains(&c) {
            kana += 1;
        }
    }
    kana > 0 && kana.saturating_mul(10) >= non_ascii
}

/// True if the bytes contain an ISO-2022-JP switch into JIS X 0208
/// (`ESC $ B` or the older `ESC $ @`).
fn has_iso2022jp_escape(bytes: &[u8]) -> bool {
    bytes
        .windows(3)
        .any(|w| w[0] == 0x1B && w[1] == b'$' && (w[2] == b'B' || w[2] == b'@'))
}

/// Whether the input is UTF-8 with some damage rather than another encoding:
/// it must contain valid non-ASCII UTF-8 characters, at least as many as
/// broken sequences. Legacy Japanese bytes only rarely form valid UTF-8
/// sequences, so they fail this test and get the general message instead.
fn looks_mostly_utf8(bytes: &[u8]) -> bool {
    let mut valid_non_ascii = 0usize;
    let mut invalid = 0usize;
    for chunk in bytes.utf8_chunks() {
        valid_non_ascii += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            invalid += 1;
        }
    }
    valid_non_ascii > 0 && valid_non_ascii >= invalid
}

/// Byte offset (within `units`) of the first unpaired surrogate or of an odd
/// trailing byte.
fn first_bad_utf16(units: &[u8], little_endian: bool) -> Option<usize> {
    let unit = |pair: &[u8]| match pair {
        [a, b] if little_endian => u16::from_le_bytes([*a, *b]),
        [a, b] => u16::from_be_bytes([*a, *b]),
        _ => 0,
    };
    let units16: Vec<u16> = units.chunks_exact(2).map(unit).collect();
    let mut i = 0;
    while let Some(&u) = units16.get(i) {
        match u {
            0xD800..=0xDBFF => match units16.get(i + 1) {
                Some(0xDC00..=0xDFFF) => i += 2,
                _ => return Some(i * 2),
            },
            0xDC00..=0xDFFF => return Some(i * 2),
            _ => i += 1,
        }
    }
    (units.len() % 2 == 1).then(|| units.len() - 1)
}

/// Binary check on raw bytes of an ASCII-compatible encoding, where a byte
/// below 0x20 is always a control character (Shift_JIS, EUC-JP and UTF-8 never
/// use such bytes inside a multi-byte character). ESC is exempt because
/// ISO-2022-JP is full of it.
fn reject_binary_bytes(bytes: &[u8]) -> Result<(), ReadError> {
    let mut controls = 0usize;
    for &b in bytes {
        match b {
            0 => return Err(ReadError::Binary),
            b'\t' | b'\n' | b'\r' | 0x0C | 0x1B => {}
            0x01..=0x1F | 0x7F => controls += 1,
            _ => {}
        }
    }
    too_many_controls(controls, bytes.len())
}

/// Binary check on decoded characters (UTF-16 input).
fn reject_binary_chars(text: &str) -> Result<(), ReadError> {
    let mut controls = 0usize;
    let mut total = 0usize;
    for c in text.chars() {
        total += 1;
        match c {
            '\0' => return Err(ReadError::Binary),
            '\t' | '\n' | '\r' | '\x0C' => {}
            c if c.is_control() => controls += 1,
            _ => {}
        }
    }
    too_many_controls(controls, total)
}

/// More than 10% control characters means this is not prose.
fn too_many_controls(controls: usize, total: usize) -> Result<(), ReadError> {
    if controls.saturating_mul(10) > total {
        Err(ReadError::Binary)
    } else {
        Ok(())
    }
}

/// `\r\n` and lone `\r` → `\n`, in one pass; returns the input untouched
/// (no copy) when it has no `\r`.
pub(crate) fn normalise_newlines(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find('\r') {
        out.push_str(&rest[..i]);
        out.push('\n');
        rest = &rest[i + 1..];
        if let Some(after) = rest.strip_prefix('\n') {
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Finds a charset declared in an HTML `<meta charset=...>` or
/// `<meta http-equiv="Content-Type" content="...; charset=...">` near the top.
pub(crate) fn sniff_meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = bytes.get(..META_SCAN).unwrap_or(bytes).to_ascii_lowercase();
    let mut from = 0;
    while let Some(start) = find(&head[from..], b"<meta").map(|i| i + from) {
        let end = head[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(head.len(), |i| start + i);
        if let Some(enc) = charset_in_tag(&head[start..end]) {
            return Some(enc);
        }
        from = end.max(start + 1);
    }
    None
}

/// The encoding named after `charset` inside one (lowercased) `<meta` tag.
fn charset_in_tag(tag: &[u8]) -> Option<&'static Encoding> {
    let at = find(tag, b"charset")?;
    let rest = tag[at + b"charset".len()..].trim_ascii_start();
    let rest = rest.strip_prefix(b"=")?.trim_ascii_start();
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let len = rest
        .iter()
        .position(|&b| matches!(b, b'"' | b'\'' | b';' | b'>' | b'/') || b.is_ascii_whitespace())
        .unwrap_or(rest.len());
    Encoding::for_label(&rest[..len])
}

/// Naive substring search; only used on the few-KB HTML head.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newline_normalisation() {
        assert_eq!(normalise_newlines("a\r\nb\rc\n\r\n".into()), "a\nb\nc\n\n");
        assert_eq!(normalise_newlines("\r".into()), "\n");
        assert_eq!(normalise_newlines("\r\r\n".into()), "\n\n");
    }

    #[test]
    fn utf16_bad_offsets() {
        // Lone low surrogate in the second unit.
        assert_eq!(first_bad_utf16(&[0x41, 0, 0x00, 0xDC], true), Some(2));
        // High surrogate at the end.
        assert_eq!(first_bad_utf16(&[0xD8, 0x00], false), Some(0));
        // Valid pair, then odd byte.
        assert_eq!(
            first_bad_utf16(&[0x3D, 0xD8, 0x00, 0xDE, 0x41], true),
            Some(4)
        );
        assert_eq!(first_bad_utf16(&[0x41, 0x00], true), None);
    }

    #[test]
    fn meta_charset_forms() {
        let html = br#"<html><head><META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=Shift_JIS">"#;
        assert_eq!(sniff_meta_charset(html), Some(SHIFT_JIS));
        assert_eq!(sniff_meta_charset(b"<meta charset='euc-jp'>"), Some(EUC_JP));
        assert_eq!(
            sniff_meta_charset(b"<meta charset = x-sjis />"),
            Some(SHIFT_JIS)
        );
        assert_eq!(sniff_meta_charset(b"<meta name=x><p>charset=euc-jp"), None);
        assert_eq!(sniff_meta_charset(b"<meta charset=bogus>"), None);
    }

    #[test]
    fn declared_candidates_order() {
        let latin = encoding_rs::WINDOWS_1252;
        assert_eq!(legacy_candidates(latin, Some(EUC_JP)), [EUC_JP, SHIFT_JIS]);
        assert_eq!(legacy_candidates(EUC_JP, None), [EUC_JP, SHIFT_JIS]);
        assert_eq!(legacy_candidates(latin, None), [SHIFT_JIS, EUC_JP]);
        assert_eq!(
            legacy_candidates(SHIFT_JIS, Some(latin)),
            [SHIFT_JIS, latin, EUC_JP]
        );
        assert_eq!(
            legacy_candidates(latin, Some(X_USER_DEFINED)),
            [SHIFT_JIS, EUC_JP]
        );
    }

    #[test]
    fn kana_check() {
        assert!(looks_japanese("株式会社テスト商事は公表しました"));
        assert!(!looks_japanese(
            "Example Corp\u{7A96}s systems \u{FF69} 2024"
        ));
        assert!(!looks_japanese("plain ascii"));
    }
}
