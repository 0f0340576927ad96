//! The one error type of this crate.
//!
//! Every message is a single human reason without the file name: the CLI prints
//! `<file>: <reason>`, so repeating the path here would print it twice.

/// Why a notice could not be turned into text.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Zero bytes, or nothing but a byte-order mark and whitespace.
    #[error("empty file")]
    Empty,

    /// NUL bytes (outside UTF-16) or too many control characters: not a notice.
    #[error("binary data (not text, HTML or PDF)")]
    Binary,

    /// The bytes look mostly like UTF-8 but are broken somewhere; the offset
    /// (counted in the original bytes, BOM included) lets a person find the damage.
    #[error("invalid UTF-8 at byte {offset} and no other encoding fits")]
    InvalidUtf8 {
        /// Byte offset of the first invalid sequence.
        offset: usize,
    },

    /// A UTF-16 byte-order mark promised UTF-16, but the data breaks it
    /// (unpaired surrogate or an odd trailing byte).
    #[error("invalid {encoding} at byte {offset}")]
    InvalidUtf16 {
        /// "UTF-16LE" or "UTF-16BE".
        encoding: &'static str,
        /// Byte offset of the first bad code unit, BOM included.
        offset: usize,
    },

    /// Not UTF-8, and neither Shift_JIS nor EUC-JP (nor a declared charset)
    /// decodes without errors. We refuse rather than guess, because a wrong
    /// guess silently produces mojibake that extraction would then mine.
    #[error("not valid UTF-8 and no Japanese encoding fits")]
    NoEncoding,

    /// The PDF could not be parsed (or the parser panicked).
    #[error("corrupt PDF: {0}")]
    CorruptPdf(String),

    /// The PDF parsed but carries no text, typically a scan.
    #[error("PDF has no text layer (scanned image?)")]
    PdfNoText,

    /// Larger than [`crate::Limits::max_bytes`]; reported before reading it all.
    #[error("file too large: {size} bytes (limit {limit})")]
    TooLarge {
        /// Size of the input in bytes (for a stream: at least this many).
        size: u64,
        /// The limit in force.
        limit: u64,
    },

    /// Opening or reading failed.
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
}
