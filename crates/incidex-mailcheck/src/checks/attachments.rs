//! Attachments: encrypted zips (with the password in the body), macro-enabled
//! Office files, programs and shortcuts, attached or inside an archive.
//! Archives are read from their central directory only: entries are never
//! decompressed; an archive inside an archive is opened (one level) only when
//! stored uncompressed, from its raw bytes.

use crate::knowledge::{FileKind, Knowledge};
use crate::message::{Limits, Mail};
use crate::verdict::Findings;
use std::io::{Cursor, Read};

pub fn check(mail: &Mail, k: &Knowledge, limits: &Limits, f: &mut Findings<'_>) {
    for att in &mail.attachments {
        inspect_file(&att.name, &att.data, None, k, limits, mail, f);
    }
}

/// Looks at one file; `inside` names the archive it came from.
fn inspect_file(
    name: &str,
    data: &[u8],
    inside: Option<&str>,
    k: &Knowledge,
    limits: &Limits,
    mail: &Mail,
    f: &mut Findings<'_>,
) {
    let place = match inside {
        Some(a) => format!("{name} inside {a}"),
        None => format!("attachment {name}"),
    };
    let evidence = match inside {
        Some(a) => format!("{a} → {name}"),
        None => format!("attachment: {name}"),
    };
    match k.files.kind(name) {
        FileKind::Executable => f.add(
            "executable",
            format!(
                "{place} is a program or script that runs when opened{}",
                double_extension(name)
            ),
            evidence,
        ),
        FileKind::Shortcut => f.add(
            "shortcut",
            format!("{place} is a shortcut that starts another program when opened"),
            evidence,
        ),
        FileKind::MacroOffice => f.add(
            "macro_office",
            format!("{place} is a macro-enabled Office file: do not enable its content"),
            evidence,
        ),
        FileKind::Ooxml if inside.is_none() && zip_has_vba(data, k) => f.add(
            "macro_office",
            format!("{place} carries a macro project (vbaProject.bin) under a name without macros"),
            evidence,
        ),
        FileKind::LegacyOffice if inside.is_none() && cfb_has_vba(data, k) => f.add(
            "macro_office",
            format!("{place} is an Office file with macros (a VBA storage)"),
            evidence,
        ),
        FileKind::Zip => inspect_zip(name, data, inside, k, limits, mail, f),
        FileKind::Other if inside.is_none() => {
            // The name may lie about the content.
            if data.starts_with(b"MZ") {
                f.add(
                    "executable",
                    format!("{place} is a Windows program despite its name"),
                    evidence,
                );
            } else if data.starts_with(b"PK\x03\x04") {
                inspect_zip(name, data, inside, k, limits, mail, f);
            }
        }
        _ => {}
    }
}

/// ` (a double extension hides it: …)` when the name has two extensions.
fn double_extension(name: &str) -> String {
    let parts: Vec<&str> = name.rsplitn(3, '.').collect();
    if parts.len() == 3 && (1..=4).contains(&parts[1].len()) {
        format!(
            " (the name ends in .{}.{} to look like a document)",
            parts[1], parts[0]
        )
    } else {
        String::new()
    }
}

fn inspect_zip(
    name: &str,
    data: &[u8],
    inside: Option<&str>,
    k: &Knowledge,
    limits: &Limits,
    mail: &Mail,
    f: &mut Findings<'_>,
) {
    let shown = match inside {
        Some(a) => format!("{a} → {name}"),
        None => name.to_string(),
    };
    let mut archive = match zip::ZipArchive::new(Cursor::new(data)) {
        Ok(a) => a,
        Err(e) => {
            f.add(
                "archive_unreadable",
                format!(
                    "the archive {shown} cannot be read ({e}); open it only if you expected it"
                ),
                format!("attachment: {shown}"),
            );
            return;
        }
    };
    let total = archive.len();
    let mut encrypted = 0usize;
    let mut declared: u64 = 0;
    let mut compressed: u64 = 0;
    let mut nested: Vec<(String, Vec<u8>)> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for i in 0..total.min(limits.max_zip_entries) {
        let Ok(mut entry) = archive.by_index_raw(i) else {
            continue;
        };
        let entry_name = entry.name().to_string();
        if entry.encrypted() {
            encrypted += 1;
        }
        declared = declared.saturating_add(entry.size());
        compressed = compressed.saturating_add(entry.compressed_size());
        let kind = k.files.kind(&entry_name);
        if inside.is_none()
            && kind == FileKind::Zip
            && !entry.encrypted()
            && entry.compression() == zip::CompressionMethod::Stored
            && entry.size() <= limits.max_message_bytes as u64
        {
            // Stored, so the raw bytes are the archive itself: no decompression.
            let mut bytes = Vec::new();
            if (&mut entry)
                .take(limits.max_message_bytes as u64)
                .read_to_end(&mut bytes)
                .is_ok()
            {
                nested.push((entry_name.clone(), bytes));
                continue;
            }
        }
        names.push(entry_name);
    }
    drop(archive);
    for n in &names {
        inspect_file(n, &[], Some(&shown), k, limits, mail, f);
    }
    for (n, bytes) in &nested {
        inspect_zip(n, bytes, Some(&shown), k, limits, mail, f);
    }
    if total > limits.max_zip_entries {
        f.add(
            "archive_bomb",
            format!(
                "{shown} holds {total} entries (only {} looked at)",
                limits.max_zip_entries
            ),
            format!("attachment: {shown}"),
        );
    }
    let bomb = &k.files.archive_bomb;
    let ratio_bomb =
        compressed > 0 && declared / compressed >= bomb.ratio && declared >= bomb.ratio_min_bytes;
    if declared >= bomb.total_bytes || ratio_bomb {
        f.add(
            "archive_bomb",
            format!(
                "{shown} declares {declared} bytes unpacked from {compressed} (a zip bomb); it was not unpacked"
            ),
            format!("attachment: {shown}"),
        );
    }
    if encrypted > 0 {
        f.add(
            "encrypted_zip",
            format!(
                "{shown}: {encrypted} of {total} entries are encrypted, so no scanner can look inside; spoofed mail sends such zips"
            ),
            format!("attachment: {shown}"),
        );
        if let Some(line) = super::wording::password_line(mail, k) {
            f.add(
                "zip_password_in_body",
                "the password for the encrypted zip is in the same mail (the Emotet pattern)"
                    .to_string(),
                line,
            );
        }
    }
}

/// Whether an OOXML file (a zip) holds a `vbaProject.bin`; names only.
fn zip_has_vba(data: &[u8], k: &Knowledge) -> bool {
    match zip::ZipArchive::new(Cursor::new(data)) {
        Ok(a) => a.file_names().any(|n| {
            let n = n.to_ascii_lowercase();
            k.files
                .vba_zip_entries
                .iter()
                .any(|v| n.ends_with(v.as_str()))
        }),
        Err(_) => false,
    }
}

/// Whether an OLE (CFB) file holds a VBA project: a storage or stream with
/// one of the `vba_storages` names of data/attachments.toml.
fn cfb_has_vba(data: &[u8], k: &Knowledge) -> bool {
    let Ok(file) = cfb::CompoundFile::open(Cursor::new(data)) else {
        return false;
    };
    let found = file.walk().any(|e| {
        let name = e.name().to_ascii_uppercase();
        k.files.vba_storages.contains(&name)
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Attachment;
    use std::io::Write;

    fn knowledge() -> Knowledge {
        Knowledge::for_tests()
    }

    fn codes(mail: &Mail, limits: &Limits) -> Vec<&'static str> {
        let k = knowledge();
        let mut f = Findings::new(&k);
        check(mail, &k, limits, &mut f);
        f.reasons.iter().map(|r| r.code).collect()
    }

    fn mail_with(name: &str, data: Vec<u8>, text: &str) -> Mail {
        Mail {
            text: text.into(),
            attachments: vec![Attachment {
                name: name.into(),
                data,
            }],
            ..Mail::default()
        }
    }

    /// A CFB (OLE) file with the given storages, written by the cfb crate.
    fn ole(storages: &[&str]) -> Vec<u8> {
        let Ok(mut c) = cfb::CompoundFile::create(Cursor::new(Vec::new())) else {
            panic!("cfb create");
        };
        for s in storages {
            if c.create_storage_all(s).is_err() {
                panic!("storage {s}");
            }
        }
        if let Ok(mut st) = c.create_stream("/WordDocument") {
            let _ = st.write_all(b"text");
        }
        let _ = c.flush();
        c.into_inner().into_inner()
    }

    /// A zip written by the zip crate (stored entries).
    fn zip_of(entries: &[&str], encrypt_flag: bool) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for e in entries {
            let _ = w.start_file(*e, opts);
            let _ = w.write_all(b"data");
        }
        let mut bytes = w.finish().map(|c| c.into_inner()).unwrap_or_default();
        if encrypt_flag {
            // Set general purpose bit 0 in every local and central header.
            for (sig, off) in [(b"PK\x03\x04", 6usize), (b"PK\x01\x02", 8usize)] {
                let mut i = 0;
                while let Some(p) = bytes[i..].windows(4).position(|w| w == sig) {
                    let at = i + p + off;
                    bytes[at] |= 1;
                    i = i + p + 4;
                }
            }
        }
        bytes
    }

    #[test]
    fn legacy_office_macros_are_found_in_the_ole_directory() {
        let l = Limits::default();
        let with = mail_with("発注書.doc", ole(&["/Macros/VBA"]), "");
        assert_eq!(codes(&with, &l), vec!["macro_office"]);
        let xls = mail_with("集計.xls", ole(&["/_VBA_PROJECT_CUR/VBA"]), "");
        assert_eq!(codes(&xls, &l), vec!["macro_office"]);
        let without = mail_with("発注書.doc", ole(&["/ObjectPool"]), "");
        assert!(codes(&without, &l).is_empty());
        // Not an OLE file at all: no finding, no panic.
        let junk = mail_with("発注書.doc", b"not ole".to_vec(), "");
        assert!(codes(&junk, &l).is_empty());
    }

    #[test]
    fn encryption_flag_is_read_without_a_password() {
        let l = Limits::default();
        let plain = mail_with("a.zip", zip_of(&["a.pdf"], false), "パスワード：abc123");
        assert!(codes(&plain, &l).is_empty());
        let enc = mail_with("a.zip", zip_of(&["a.pdf"], true), "ご確認ください");
        assert_eq!(codes(&enc, &l), vec!["encrypted_zip"]);
        let enc_pw = mail_with("a.zip", zip_of(&["a.pdf"], true), "パスワード：abc123");
        assert_eq!(
            codes(&enc_pw, &l),
            vec!["encrypted_zip", "zip_password_in_body"]
        );
    }

    #[test]
    fn many_entries_are_capped_and_reported() {
        let names: Vec<String> = (0..50).map(|i| format!("f{i}.txt")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let l = Limits {
            max_zip_entries: 10,
            ..Limits::default()
        };
        let m = mail_with("many.zip", zip_of(&refs, false), "");
        assert_eq!(codes(&m, &l), vec!["archive_bomb"]);
    }

    #[test]
    fn shortcut_in_a_nested_stored_zip() {
        let inner = zip_of(&["invoice.lnk"], false);
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        let _ = w.start_file("inner.zip", opts);
        let _ = w.write_all(&inner);
        let outer = w.finish().map(|c| c.into_inner()).unwrap_or_default();
        let m = mail_with("outer.zip", outer, "");
        assert_eq!(codes(&m, &Limits::default()), vec!["shortcut"]);
    }
}
