//! PDF → its text layer, via `pdf-extract` (which uses `lopdf`).
//!
//! Those crates are not hardened against hostile or broken files: they can
//! panic, and their parsers recurse once per nesting level of arrays and
//! dictionaries. So extraction runs on its own thread with a large stack
//! (reserved, not committed, memory), inside `catch_unwind`, with the panic
//! message kept off stderr, after a linear pre-scan that rejects absurd nesting
//! a recursive parser could not survive. The panic becomes a
//! "corrupt PDF" error like any other parse failure.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use crate::ReadError;

/// Stack for the extraction thread. Virtual address space only: pages are
/// committed as the parser actually recurses.
const PDF_STACK_BYTES: usize = 256 << 20;

/// Deepest `[`/`<<` nesting accepted. Real PDFs nest a handful of levels;
/// compressed binary streams look like a random walk of brackets, which stays
/// in the low thousands even for a 200 MB file.
const MAX_NESTING: usize = 10_000;

/// Longest panic message quoted in an error.
const MAX_DETAIL_CHARS: usize = 200;

thread_local! {
    /// Set while this thread runs PDF extraction: its panics are expected
    /// and reported as errors, so the global hook must not print them.
    static QUIET_PANICS: Cell<bool> = const { Cell::new(false) };
}

static INSTALL_HOOK: Once = Once::new();

/// Extracts the text layer of a PDF.
pub(crate) fn extract_text(bytes: &[u8]) -> Result<String, ReadError> {
    let depth = max_nesting(bytes);
    if depth > MAX_NESTING {
        return Err(ReadError::CorruptPdf(format!(
            "objects nested {depth} levels deep"
        )));
    }
    install_quiet_hook();

    let outcome = std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("incidex-read-pdf".into())
            .stack_size(PDF_STACK_BYTES)
            .spawn_scoped(scope, || {
                QUIET_PANICS.with(|q| q.set(true));
                panic::catch_unwind(AssertUnwindSafe(|| {
                    pdf_extract::extract_text_from_mem(bytes)
                }))
            })?;
        // catch_unwind already caught any panic; a join error is unreachable
        // in practice but is still reported rather than unwrapped.
        Ok::<_, std::io::Error>(worker.join().unwrap_or_else(Err))
    })?;

    let text = match outcome {
        Ok(Ok(text)) => text,
        Ok(Err(err)) => return Err(ReadError::CorruptPdf(err.to_string())),
        Err(payload) => return Err(ReadError::CorruptPdf(panic_detail(payload.as_ref()))),
    };
    let text = crate::decode::normalise_newlines(text);
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(ReadError::PdfNoText);
    }
    Ok(trimmed.to_owned())
}

/// Installs, once per process, a panic hook that stays silent on threads
/// flagged by [`QUIET_PANICS`] and defers to the previous hook otherwise.
/// A flag per thread (rather than swapping hooks around each call) keeps
/// concurrent callers from restoring each other's hooks in the wrong order.
fn install_quiet_hook() {
    INSTALL_HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET_PANICS.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

/// Describes a caught panic for the error message.
fn panic_detail(payload: &(dyn std::any::Any + Send)) -> String {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown failure".to_owned());
    let short: String = message.chars().take(MAX_DETAIL_CHARS).collect();
    format!("parser failed ({short})")
}

/// Deepest nesting of `[ ]` and `<< >>` anywhere in the file, in one pass.
/// Deliberately naive (it also counts inside strings and streams): it only
/// has to catch pathological input, and stays linear on any size.
fn max_nesting(bytes: &[u8]) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let next = bytes.get(i + 1).copied();
        match (b, next) {
            (b'[', _) => depth += 1,
            (b']', _) => depth = depth.saturating_sub(1),
            (b'<', Some(b'<')) => {
                depth += 1;
                i += 1;
            }
            (b'>', Some(b'>')) => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            _ => {}
        }
        max = max.max(depth);
        i += 1;
    }
    max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_scan() {
        assert_eq!(max_nesting(b"<< /A [1 [2]] >>"), 3);
        assert_eq!(max_nesting(b"]]]>>[<<"), 2);
    }

    #[test]
    fn deep_nesting_rejected_without_recursing() {
        let mut pdf = b"%PDF-1.4\n1 0 obj\n".to_vec();
        pdf.extend(vec![b'['; 1_000_000]);
        let err = extract_text(&pdf).unwrap_err();
        assert!(err.to_string().starts_with("corrupt PDF: objects nested"));
    }
}
