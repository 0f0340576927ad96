//! A document as incidex receives it: bytes with a key and a name.

use incidex_read::Limits;
use incidex_store::sha256_hex;
use std::path::Path;

/// One document read (or fetched, or uploaded) and hashed.
#[derive(Debug, Clone)]
pub struct Document {
    /// As shown in messages.
    pub shown: String,
    /// The document's path in the store: the canonical file path, the URL,
    /// or any stable key the caller chooses (`upload:NAME`).
    pub key: String,
    /// The document name (records' `doc`).
    pub name: String,
    /// The name whose extension tells the reader the format.
    pub hint: String,
    pub bytes: Vec<u8>,
    pub sha: String,
}

impl Document {
    /// A document from bytes in memory; `name` gives the format by its extension.
    pub fn from_bytes(key: &str, name: &str, bytes: Vec<u8>) -> Document {
        let sha = sha256_hex(&bytes);
        Document {
            shown: key.to_string(),
            key: key.to_string(),
            name: name.to_string(),
            hint: name.to_string(),
            bytes,
            sha,
        }
    }
}

/// The extension the reader recognises, if the name has one.
pub fn known_extension(name: &str) -> bool {
    name.rsplit_once('.').is_some_and(|(_, ext)| {
        matches!(
            ext.to_ascii_lowercase().as_str(),
            "txt" | "text" | "md" | "markdown" | "html" | "htm" | "xhtml" | "shtml" | "pdf"
        )
    })
}

/// Reads a file, refusing one larger than the limits before reading it.
pub fn read_file(path: &Path, limits: &Limits) -> Result<Document, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if meta.len() > limits.max_bytes {
        return Err(format!(
            "{} bytes, more than the limit of {}",
            meta.len(),
            limits.max_bytes
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    let key = std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| key.clone());
    let sha = sha256_hex(&bytes);
    Ok(Document {
        shown: path.display().to_string(),
        key,
        hint: name.clone(),
        name,
        bytes,
        sha,
    })
}
