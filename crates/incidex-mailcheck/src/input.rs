//! Reading messages: an `.eml` file, an mbox file (split on `From ` lines,
//! streamed so memory follows one message), a folder (walked for `.eml`,
//! `.mbox`, `.mbx`), or standard input (`-`, a message or an mbox).

use crate::message::Limits;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// One message: where it came from (`file`, or `file#n` in an mbox) and its
/// bytes (at most the message limit plus one byte, so the parser can say it
/// was cut).
#[derive(Debug, Clone)]
pub struct Item {
    pub source: String,
    pub bytes: Vec<u8>,
}

/// A file or folder that cannot be read: `path: reason`.
#[derive(Debug, Clone, PartialEq)]
pub struct InputError {
    pub path: String,
    pub reason: String,
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.reason)
    }
}

/// Calls `each` for every message of `arg` (a path, or `-` for standard input).
pub fn read_messages(arg: &Path, limits: &Limits, each: &mut dyn FnMut(Result<Item, InputError>)) {
    if arg.as_os_str() == "-" {
        let stdin = std::io::stdin();
        read_stream("-", stdin.lock(), limits, each);
        return;
    }
    let shown = arg.display().to_string();
    let meta = match std::fs::metadata(arg) {
        Ok(m) => m,
        Err(e) => {
            return each(Err(InputError {
                path: shown,
                reason: e.to_string(),
            }))
        }
    };
    if meta.is_dir() {
        let mut files = Vec::new();
        if let Err(e) = walk(arg, 0, &mut files) {
            return each(Err(InputError {
                path: shown,
                reason: e,
            }));
        }
        if files.is_empty() {
            return each(Err(InputError {
                path: shown,
                reason: "no .eml, .mbox or .mbx files in this folder".into(),
            }));
        }
        for f in files {
            read_file(&f, limits, each);
        }
    } else {
        read_file(arg, limits, each);
    }
}

fn read_file(path: &Path, limits: &Limits, each: &mut dyn FnMut(Result<Item, InputError>)) {
    let shown = path.display().to_string();
    match File::open(path) {
        Ok(f) => read_stream(&shown, BufReader::with_capacity(64 << 10, f), limits, each),
        Err(e) => each(Err(InputError {
            path: shown,
            reason: e.to_string(),
        })),
    }
}

/// Folders are walked to this depth; symbolic links to folders are not followed.
const MAX_DEPTH: usize = 16;

fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        let Ok(meta) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        if meta.is_dir() {
            if depth < MAX_DEPTH {
                walk(&p, depth + 1, out)?;
            }
        } else if is_mail_file(&p) {
            out.push(p);
        }
    }
    Ok(())
}

fn is_mail_file(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "eml" | "mbox" | "mbx"))
}

/// A message or an mbox from a reader: an mbox starts with a `From ` line.
pub fn read_stream<R: BufRead>(
    source: &str,
    mut reader: R,
    limits: &Limits,
    each: &mut dyn FnMut(Result<Item, InputError>),
) {
    let is_mbox = match reader.fill_buf() {
        Ok(buf) => buf.starts_with(b"From "),
        Err(e) => {
            return each(Err(InputError {
                path: source.to_string(),
                reason: e.to_string(),
            }))
        }
    };
    if is_mbox {
        return read_mbox(source, reader, limits, each);
    }
    let mut bytes = Vec::new();
    let cap = limits.max_message_bytes as u64 + 1;
    match reader.take(cap).read_to_end(&mut bytes) {
        Ok(0) => each(Err(InputError {
            path: source.to_string(),
            reason: "empty".into(),
        })),
        Ok(_) => each(Ok(Item {
            source: source.to_string(),
            bytes,
        })),
        Err(e) => each(Err(InputError {
            path: source.to_string(),
            reason: e.to_string(),
        })),
    }
}

/// Splits an mbox (mboxrd/mboxo): a message starts at a `From ` line at the
/// start of the file or after an empty line; `>From ` lines are unquoted.
fn read_mbox<R: BufRead>(
    source: &str,
    mut reader: R,
    limits: &Limits,
    each: &mut dyn FnMut(Result<Item, InputError>),
) {
    let cap = limits.max_message_bytes + 1;
    let mut current: Option<Vec<u8>> = None;
    let mut n = 0usize;
    let mut previous_blank = true;
    let mut line = Vec::new();
    let mut emit = |buf: Vec<u8>, n: usize| {
        each(Ok(Item {
            source: format!("{source}#{n}"),
            bytes: buf,
        }))
    };
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                if let Some(buf) = current.take() {
                    emit(buf, n);
                }
                each(Err(InputError {
                    path: format!("{source}#{}", n + 1),
                    reason: e.to_string(),
                }));
                return;
            }
        }
        if previous_blank && line.starts_with(b"From ") {
            if let Some(buf) = current.take() {
                emit(buf, n);
            }
            n += 1;
            current = Some(Vec::new());
            previous_blank = false;
            continue;
        }
        previous_blank = line == b"\n" || line == b"\r\n";
        let Some(buf) = current.as_mut() else {
            continue;
        };
        // mboxrd: ">From " (any number of '>') loses one '>'.
        let body: &[u8] = if line.starts_with(b">") && {
            let rest = line.iter().position(|&c| c != b'>').unwrap_or(line.len());
            line[rest..].starts_with(b"From ")
        } {
            &line[1..]
        } else {
            &line
        };
        if buf.len() < cap {
            let room = cap - buf.len();
            buf.extend_from_slice(&body[..body.len().min(room)]);
        }
    }
    if let Some(buf) = current.take() {
        emit(buf, n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mbox_splits_on_from_lines_and_unquotes() {
        let mbox = b"From a@x Mon Jan  1 00:00:00 2024\nSubject: one\n\nhello\n>From the start\n\nFrom b@y Mon Jan  1 00:00:00 2024\nSubject: two\n\nbye\n";
        let mut got = Vec::new();
        read_stream("box", &mbox[..], &Limits::default(), &mut |r| {
            got.push(r.map(|i| (i.source, String::from_utf8_lossy(&i.bytes).into_owned())))
        });
        assert_eq!(got.len(), 2);
        assert_eq!(
            got[0],
            Ok((
                "box#1".to_string(),
                "Subject: one\n\nhello\nFrom the start\n\n".to_string()
            ))
        );
        assert_eq!(
            got[1],
            Ok(("box#2".to_string(), "Subject: two\n\nbye\n".to_string()))
        );
    }

    #[test]
    fn a_large_mbox_message_is_cut_at_the_limit() {
        let mut mbox = b"From a@x Mon Jan  1 00:00:00 2024\nSubject: big\n\n".to_vec();
        for _ in 0..1000 {
            mbox.extend_from_slice(b"0123456789012345678901234567890123456789\n");
        }
        let limits = Limits {
            max_message_bytes: 1000,
            ..Limits::default()
        };
        let mut sizes = Vec::new();
        read_stream("box", &mbox[..], &limits, &mut |r| {
            sizes.push(r.map(|i| i.bytes.len()).unwrap_or(0))
        });
        assert_eq!(sizes, vec![1001]);
    }

    #[test]
    fn a_missing_file_is_named_with_its_reason() {
        let mut errs = Vec::new();
        read_messages(
            Path::new("/nonexistent/x.eml"),
            &Limits::default(),
            &mut |r| {
                if let Err(e) = r {
                    errs.push(e.to_string())
                }
            },
        );
        assert_eq!(errs.len(), 1);
        assert!(errs[0].starts_with("/nonexistent/x.eml: "), "{}", errs[0]);
    }
}
