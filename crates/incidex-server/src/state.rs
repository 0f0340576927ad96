//! What every handler shares: the store, the extraction pipeline, the token
//! and the uploads waiting for "save" after a preview.

use crate::error::Failure;
use incidex_ingest::{Document, Pipeline};
use incidex_store::Store;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// How the server is started.
#[derive(Debug, Clone)]
pub struct Config {
    pub db: PathBuf,
    /// Required by every write; `None` disables writes.
    pub token: Option<String>,
    /// The largest request body (uploads included), in bytes.
    pub max_body: usize,
}

impl Config {
    pub const DEFAULT_MAX_BODY: usize = 16 * 1024 * 1024;

    pub fn new(db: PathBuf, token: Option<String>) -> Config {
        Config {
            db,
            token: token.filter(|t| !t.is_empty()),
            max_body: Self::DEFAULT_MAX_BODY,
        }
    }
}

/// How many previewed uploads are kept for saving.
const PENDING_KEPT: usize = 16;

/// Shared state; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    /// rusqlite connections are not `Sync`: one store behind a mutex, used
    /// from blocking threads.
    store: Arc<Mutex<Store>>,
    pub pipeline: Arc<Pipeline>,
    pending: Arc<Mutex<VecDeque<(String, Document)>>>,
}

impl AppState {
    /// Opens the store and builds the extractor (once: it takes ~100 ms).
    pub fn new(config: Config) -> Result<AppState, String> {
        let store = Store::open(&config.db).map_err(|e| e.to_string())?;
        let pipeline = Pipeline::with_lexicons(&[], Default::default())?;
        Ok(AppState {
            config: Arc::new(config),
            store: Arc::new(Mutex::new(store)),
            pipeline: Arc::new(pipeline),
            pending: Arc::new(Mutex::new(VecDeque::new())),
        })
    }

    /// Runs `f` with the store on a blocking thread.
    pub async fn with_store<T, F>(&self, f: F) -> Result<T, Failure>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store, &Pipeline) -> Result<T, Failure> + Send + 'static,
    {
        let store = self.store.clone();
        let pipeline = self.pipeline.clone();
        tokio::task::spawn_blocking(move || {
            // A panic in another request poisons the lock; the connection
            // itself is still usable (each write is one transaction).
            let mut guard = store.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut guard, &pipeline)
        })
        .await
        .map_err(|_| Failure::internal("the request failed inside the server"))?
    }

    /// Keeps a previewed upload; returns its id.
    pub fn keep_pending(&self, doc: Document) -> String {
        let id = doc.sha.clone();
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        pending.retain(|(k, _)| *k != id);
        pending.push_back((id.clone(), doc));
        while pending.len() > PENDING_KEPT {
            pending.pop_front();
        }
        id
    }

    /// Takes a previewed upload back.
    pub fn take_pending(&self, id: &str) -> Option<Document> {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        let pos = pending.iter().position(|(k, _)| k == id)?;
        pending.remove(pos).map(|(_, d)| d)
    }
}
