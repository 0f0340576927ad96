//! The checks. Each reads the parsed message (and what the store knows) and
//! adds reasons to the findings; none of them fails.

pub mod attachments;
pub mod auth;
pub mod links;
pub mod lookalike;
pub mod sender;
pub mod thread;
pub mod wording;

/// The line of `text` that contains byte offset `at`, trimmed (evidence).
pub fn line_at(text: &str, at: usize) -> &str {
    let start = text[..at].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let end = text[at..].find('\n').map(|i| at + i).unwrap_or(text.len());
    text[start..end].trim()
}
