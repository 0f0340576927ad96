//! The JSON API under /api/v1, described by openapi.json.

use crate::auth;
use crate::error::{download, ApiError, Failure};
use crate::params::{flag, given, ListParams};
use crate::state::AppState;
use crate::upload::{self, Saved};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use incidex_store::{By, ExportFormat, LinkSummary};
use serde::Deserialize;
use serde_json::{json, Value};

type ApiResult = Result<Response, ApiError>;

/// The OpenAPI 3.1 document of this API.
pub const OPENAPI: &str = include_str!("../static/openapi.json");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/status", get(status))
        .route("/incidents", get(incidents))
        .route("/incidents/{id}", get(incident))
        .route("/stats", get(stats))
        .route("/series", get(series))
        .route("/monthly", get(monthly))
        .route("/export", get(export))
        .route("/watchlist", get(watch_list).post(watch_add))
        .route("/watchlist/{name}", delete(watch_remove))
        .route("/alerts", get(alerts))
        .route("/ingest", post(ingest))
        .route("/link", post(link))
        .route("/unlink", post(unlink))
}

fn ok(v: impl serde::Serialize) -> ApiResult {
    Ok(Json(v).into_response())
}

/// A JSON body, with a JSON error naming what is wrong with it.
fn body<T: serde::de::DeserializeOwned>(headers: &HeaderMap, bytes: &Bytes) -> Result<T, Failure> {
    let ctype = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !ctype.starts_with("application/json") {
        return Err(Failure::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "expected a JSON body (Content-Type: application/json)",
        ));
    }
    serde_json::from_slice(bytes)
        .map_err(|e| Failure::bad_request(format!("invalid JSON body: {e}")))
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

async fn status(State(state): State<AppState>) -> ApiResult {
    let (documents, reports, incidents) = state.with_store(|s, _| Ok(s.counts()?)).await?;
    ok(json!({
        "documents": documents,
        "reports": reports,
        "incidents": incidents,
        "writes": state.config.token.is_some(),
        "version": env!("CARGO_PKG_VERSION"),
    }))
}

async fn incidents(State(state): State<AppState>, Query(p): Query<ListParams>) -> ApiResult {
    let q = p.list_query(50)?;
    ok(state
        .with_store(move |s, _| Ok(s.list_incidents(&q)?))
        .await?)
}

#[derive(Deserialize)]
struct TextParam {
    text: Option<String>,
}

async fn incident(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(t): Query<TextParam>,
) -> ApiResult {
    let id: i64 = id
        .parse()
        .map_err(|_| Failure::not_found(format!("no incident {id:?}: incident ids are numbers")))?;
    let with_text = flag(&t.text);
    ok(state
        .with_store(move |s, _| Ok(s.incident(id, with_text)?))
        .await?)
}

async fn stats(State(state): State<AppState>, Query(p): Query<ListParams>) -> ApiResult {
    let by_name = given(&p.by).unwrap_or_else(|| "category".into());
    let by = By::parse(&by_name).ok_or_else(|| {
        Failure::bad_request(format!(
            "by {by_name:?}: expected category, sector, month, malware or vector"
        ))
    })?;
    let (filter, taxonomy) = (p.filter()?, p.taxonomy()?);
    ok(state
        .with_store(move |s, _| Ok(s.stats(by, &filter, taxonomy)?))
        .await?)
}

async fn series(State(state): State<AppState>, Query(p): Query<ListParams>) -> ApiResult {
    let (filter, taxonomy) = (p.filter()?, p.taxonomy()?);
    ok(state
        .with_store(move |s, _| Ok(s.month_series(&filter, taxonomy)?))
        .await?)
}

async fn monthly(State(state): State<AppState>, Query(p): Query<ListParams>) -> ApiResult {
    let month = p
        .month()?
        .ok_or_else(|| Failure::bad_request("month is required (YYYY-MM)"))?;
    let format = given(&p.format).unwrap_or_else(|| "json".into());
    let m = month.clone();
    let rows = state
        .with_store(move |s, _| Ok(s.monthly_report(&m)?))
        .await?;
    match format.as_str() {
        "json" => ok(rows),
        "csv" => Ok(download(
            "text/csv; charset=utf-8",
            &format!("incidex-{month}.csv"),
            incidex_store::render_csv(&rows).map_err(Failure::from)?,
        )),
        "md" => Ok(download(
            "text/markdown; charset=utf-8",
            &format!("incidex-{month}.md"),
            incidex_store::render_md(&month, &rows).into_bytes(),
        )),
        other => {
            Err(Failure::bad_request(format!("format {other:?}: expected json, csv or md")).into())
        }
    }
}

async fn export(State(state): State<AppState>, Query(p): Query<ListParams>) -> ApiResult {
    let name = given(&p.format).unwrap_or_else(|| "jsonl".into());
    let format = ExportFormat::parse(&name).ok_or_else(|| {
        Failure::bad_request(format!(
            "format {name:?}: expected jsonl, csv, stix or misp"
        ))
    })?;
    let filter = p.filter()?;
    let bytes = state
        .with_store(move |s, _| {
            let mut out = Vec::new();
            s.export(format, &filter, &mut out)?;
            Ok(out)
        })
        .await?;
    let (ctype, file) = match format {
        ExportFormat::Jsonl => ("application/x-ndjson", "incidex.jsonl"),
        ExportFormat::Csv => ("text/csv; charset=utf-8", "incidex.csv"),
        ExportFormat::Stix => ("application/json", "incidex-stix.json"),
        ExportFormat::Misp => ("application/x-ndjson", "incidex-misp.jsonl"),
    };
    Ok(download(ctype, file, bytes))
}

async fn watch_list(State(state): State<AppState>) -> ApiResult {
    ok(state.with_store(|s, _| Ok(s.watch_list()?)).await?)
}

#[derive(Deserialize)]
struct WatchBody {
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    domains: Vec<String>,
}

async fn watch_add(State(state): State<AppState>, headers: HeaderMap, bytes: Bytes) -> ApiResult {
    auth::check(&state, &headers, None)?;
    let w: WatchBody = body(&headers, &bytes)?;
    let added = state
        .with_store(move |s, _| Ok(s.watch_add(w.name.trim(), &w.aliases, &w.domains)?))
        .await?;
    Ok((StatusCode::CREATED, Json(added)).into_response())
}

async fn watch_remove(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> ApiResult {
    auth::check(&state, &headers, None)?;
    let n = name.clone();
    if state
        .with_store(move |s, _| Ok(s.watch_remove(&n)?))
        .await?
    {
        ok(json!({ "removed": name }))
    } else {
        Err(Failure::not_found(format!("{name:?} is not watched")).into())
    }
}

#[derive(Deserialize)]
struct SinceParam {
    since: Option<String>,
}

async fn alerts(State(state): State<AppState>, Query(q): Query<SinceParam>) -> ApiResult {
    let since = given(&q.since);
    ok(state
        .with_store(move |s, _| Ok(s.alerts(since.as_deref())?))
        .await?)
}

#[derive(Deserialize)]
struct IngestParams {
    name: Option<String>,
    save: Option<String>,
}

/// The body is the document itself (text, HTML or PDF); `name` gives its
/// format by extension; without `save=true` nothing is stored.
async fn ingest(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<IngestParams>,
    bytes: Bytes,
) -> ApiResult {
    auth::check(&state, &headers, None)?;
    if bytes.is_empty() {
        return Err(
            Failure::bad_request("empty body: send the document as the request body").into(),
        );
    }
    let name = upload::clean_name(q.name.as_deref().unwrap_or(""), upload::DEFAULT_NAME);
    let save = flag(&q.save);
    let doc = upload::document(&name, bytes.to_vec());
    let result = state
        .with_store(move |s, p| {
            let x = p.extract(&doc).map_err(|e| {
                Failure::new(StatusCode::UNPROCESSABLE_ENTITY, format!("{name}: {e}"))
            })?;
            let mut out =
                json!({ "document": name, "text": x.text, "reports": x.records, "saved": false });
            if save {
                let (status, incidents) = match upload::save(p, s, &doc)? {
                    Saved::Unchanged { incidents } => ("unchanged", incidents),
                    Saved::Stored {
                        replaced: true,
                        incidents,
                        ..
                    } => ("replaced", incidents),
                    Saved::Stored { incidents, .. } => ("stored", incidents),
                    Saved::Refused(reason) => {
                        return Err(Failure::new(
                            StatusCode::UNPROCESSABLE_ENTITY,
                            format!("{name}: {reason}"),
                        ))
                    }
                };
                out["saved"] = json!(true);
                out["status"] = json!(status);
                out["incidents"] = json!(incidents);
            }
            Ok(out)
        })
        .await?;
    ok(result)
}

#[derive(Deserialize)]
struct LinkBody {
    a: String,
    b: Option<String>,
}

fn summary(s: LinkSummary) -> Value {
    json!({ "reports": s.reports, "incidents": s.incidents, "joins": s.joins })
}

async fn link(State(state): State<AppState>, headers: HeaderMap, bytes: Bytes) -> ApiResult {
    auth::check(&state, &headers, None)?;
    let l: LinkBody = body(&headers, &bytes)?;
    let b =
        l.b.ok_or_else(|| Failure::bad_request("link needs two reports: a and b"))?;
    ok(summary(
        state
            .with_store(move |s, _| Ok(s.link_reports(&l.a, &b)?))
            .await?,
    ))
}

async fn unlink(State(state): State<AppState>, headers: HeaderMap, bytes: Bytes) -> ApiResult {
    auth::check(&state, &headers, None)?;
    let l: LinkBody = body(&headers, &bytes)?;
    ok(summary(
        state
            .with_store(move |s, _| Ok(s.unlink_reports(&l.a, l.b.as_deref())?))
            .await?,
    ))
}
