//! The incidex web application and JSON API: server-rendered pages (askama
//! templates, no JavaScript needed), SVG charts drawn by the server, and
//! `/api/v1/…` described by an OpenAPI document.
//!
//! Everything that comes from documents is untrusted: templates escape it,
//! the Content-Security-Policy forbids inline script and style, and write
//! endpoints need the token.

mod api;
mod assets;
mod auth;
mod chart;
mod error;
mod highlight;
mod pages;
mod params;
mod state;
mod upload;

pub use state::{AppState, Config};

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use std::net::SocketAddr;

/// The whole application: pages, API and static files.
pub fn router(state: AppState) -> Router {
    let limit = state.config.max_body;
    Router::new()
        .route("/", get(pages::list))
        .route("/incidents/{id}", get(pages::incident))
        .route("/link", post(pages::link))
        .route("/unlink", post(pages::unlink))
        .route("/stats", get(pages::stats))
        .route("/stats/monthly.csv", get(pages::monthly_csv))
        .route("/watchlist", get(pages::watchlist))
        .route("/watchlist/add", post(pages::watch_add))
        .route("/watchlist/remove", post(pages::watch_remove))
        .route("/ingest", get(pages::ingest_form).post(pages::ingest_post))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/static/{file}", get(assets::serve))
        .nest("/api/v1", api::routes())
        .fallback(error::not_found)
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::middleware::from_fn(move |req, next| {
            error::refuse_declared_oversize(limit, req, next)
        }))
        .layer(axum::middleware::from_fn(error::uniform_errors))
        .layer(axum::middleware::from_fn(assets::security_headers))
        .with_state(state)
}

/// Binds `addr`, then serves until the process is stopped; `on_bound`
/// receives the real address (port 0 picks a free port).
pub fn run(config: Config, addr: &str, on_bound: impl FnOnce(SocketAddr)) -> Result<(), String> {
    let state = AppState::new(config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server runtime: {e}"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        let bound = listener
            .local_addr()
            .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        on_bound(bound);
        axum::serve(listener, router(state))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| format!("server stopped: {e}"))
    })
}
