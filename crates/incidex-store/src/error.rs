//! Errors of the store: each names the database file and the reason.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: not an incidex database ({reason})")]
    NotADatabase { path: PathBuf, reason: String },
    #[error("{path}: the database is corrupt ({reason}); restore it from a backup or ingest again into a new file")]
    Corrupt { path: PathBuf, reason: String },
    #[error("{path}: schema version {found} is newer than this incidex supports ({supported}); upgrade incidex")]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("{path}: cannot open: {reason}")]
    Open { path: PathBuf, reason: String },
    #[error("{path}: {source}")]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error("stored record of report {report}: {source}")]
    BadRecord {
        report: i64,
        #[source]
        source: serde_json::Error,
    },
    #[error("cannot write: {0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Turns a SQLite error into a store error naming the file, with the
/// "not a database" and "corrupt" cases told apart.
pub(crate) fn classify(path: &std::path::Path, e: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode;
    let path = path.to_path_buf();
    if let rusqlite::Error::SqliteFailure(f, msg) = &e {
        let reason = msg.clone().unwrap_or_else(|| f.to_string());
        match f.code {
            ErrorCode::NotADatabase => return StoreError::NotADatabase { path, reason },
            ErrorCode::DatabaseCorrupt => return StoreError::Corrupt { path, reason },
            ErrorCode::CannotOpen | ErrorCode::PermissionDenied | ErrorCode::ReadOnly => {
                return StoreError::Open { path, reason }
            }
            _ => {}
        }
    }
    StoreError::Sqlite { path, source: e }
}
