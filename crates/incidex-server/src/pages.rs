//! The HTML pages: rendered on the server, usable without JavaScript.

use crate::auth;
use crate::chart::{self, Chart};
use crate::error::{download, Failure, PageError};
use crate::highlight::{highlight, Highlighted};
use crate::params::{given, ListParams};
use crate::state::AppState;
use crate::upload::{self, clean_name, Saved};
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use incidex_ingest::Document;
use incidex_model::{Category, Record, Sector, Vocabulary};
use incidex_store::{category_ja, sector_ja, By, IncidentView, MonthlyRow, Taxonomy};
use serde::Deserialize;
use std::collections::BTreeMap;

type PageResult = Result<Response, PageError>;

/// The navigation bar's state.
#[derive(Debug, Clone)]
pub struct Nav {
    pub active: String,
    pub logged_in: bool,
}

impl Nav {
    pub fn plain(active: &str) -> Nav {
        Nav {
            active: active.to_string(),
            logged_in: false,
        }
    }

    fn new(active: &str, state: &AppState, headers: &HeaderMap) -> Nav {
        Nav {
            active: active.to_string(),
            logged_in: auth::logged_in(state, headers),
        }
    }
}

fn html(t: &impl Template) -> PageResult {
    Ok(Html(t.render().map_err(Failure::from)?).into_response())
}

/// An option of a select box.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn options<V: Vocabulary>(label: fn(&str) -> &'static str, chosen: &Option<String>) -> Vec<Opt> {
    V::ALL
        .iter()
        .map(|v| Opt {
            value: v.as_str().to_string(),
            label: format!("{} ({})", label(v.as_str()), v.as_str()),
            selected: chosen.as_deref() == Some(v.as_str()),
        })
        .collect()
}

fn query_string(pairs: &[(&str, String)]) -> String {
    let mut s = String::new();
    for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        s.push(if s.is_empty() { '?' } else { '&' });
        s.push_str(k);
        s.push('=');
        s.push_str(&percent(v));
    }
    s
}

/// Percent-encodes a query value (everything but unreserved characters).
pub fn percent(v: &str) -> String {
    let mut s = String::new();
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

// ---------------------------------------------------------------- list

pub struct RowView {
    pub id: i64,
    pub date: String,
    pub victim: String,
    pub cause: String,
    pub count: String,
    pub summary: String,
    pub snippet: String,
}

#[derive(Template)]
#[template(path = "list.html")]
struct ListPage {
    nav: Nav,
    q: String,
    malware: String,
    org: String,
    since: String,
    until: String,
    watched: bool,
    sort: String,
    /// Whether any filter or sort is set (the filter box opens).
    filtered: bool,
    categories: Vec<Opt>,
    sectors: Vec<Opt>,
    rows: Vec<RowView>,
    total: usize,
    page: usize,
    pages: usize,
    prev: String,
    next: String,
    api: String,
    /// Download links: label and address.
    exports: Vec<(String, String)>,
}

pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<ListParams>,
) -> PageResult {
    let query = p.list_query(25)?;
    let sort = if given(&p.sort).is_none() && query.text.is_empty() {
        String::new()
    } else {
        query.sort.as_str().to_string()
    };
    let result = {
        let query = query.clone();
        state
            .with_store(move |s, _| Ok(s.list_incidents(&query)?))
            .await?
    };
    let pages = result.total.div_ceil(result.per_page).max(1);
    // Exports take the field filters (not the search or the watched flag).
    let filter_pairs: Vec<(&str, String)> =
        ["category", "sector", "malware", "org", "since", "until"]
            .iter()
            .zip([
                &p.category,
                &p.sector,
                &p.malware,
                &p.org,
                &p.since,
                &p.until,
            ])
            .map(|(k, v)| (*k, given(v).unwrap_or_default()))
            .collect();
    let link = |page: usize| {
        query_string(&[
            ("q", query.text.clone()),
            ("category", given(&p.category).unwrap_or_default()),
            ("sector", given(&p.sector).unwrap_or_default()),
            ("malware", given(&p.malware).unwrap_or_default()),
            ("org", given(&p.org).unwrap_or_default()),
            ("since", given(&p.since).unwrap_or_default()),
            ("until", given(&p.until).unwrap_or_default()),
            (
                "watched",
                if query.watched_only {
                    "1".into()
                } else {
                    String::new()
                },
            ),
            ("sort", sort.clone()),
            (
                "page",
                if page > 1 {
                    page.to_string()
                } else {
                    String::new()
                },
            ),
        ])
    };
    let page = ListPage {
        nav: Nav::new("list", &state, &headers),
        q: query.text.clone(),
        malware: given(&p.malware).unwrap_or_default(),
        org: given(&p.org).unwrap_or_default(),
        since: given(&p.since).unwrap_or_default(),
        until: given(&p.until).unwrap_or_default(),
        watched: query.watched_only,
        filtered: [
            &p.category,
            &p.sector,
            &p.malware,
            &p.org,
            &p.since,
            &p.until,
            &p.sort,
        ]
        .iter()
        .any(|v| given(v).is_some())
            || query.watched_only,
        sort: query.sort.as_str().to_string(),
        categories: options::<Category>(category_ja, &given(&p.category)),
        sectors: options::<Sector>(sector_ja, &given(&p.sector)),
        rows: result
            .items
            .into_iter()
            .map(|r| RowView {
                id: r.id,
                date: r.disclosed.unwrap_or_default(),
                victim: r.victim.unwrap_or_else(|| "(名称非公表)".into()),
                cause: r.cause,
                count: r.count,
                summary: r.summary,
                snippet: r.snippet.unwrap_or_default(),
            })
            .collect(),
        total: result.total,
        page: result.page,
        pages,
        prev: if result.page > 1 {
            format!("/{}", link(result.page - 1))
        } else {
            String::new()
        },
        next: if result.page < pages {
            format!("/{}", link(result.page + 1))
        } else {
            String::new()
        },
        api: format!("/api/v1/incidents{}", link(result.page)),
        exports: ["csv", "stix", "misp", "jsonl"]
            .iter()
            .map(|f| {
                let mut pairs = filter_pairs.clone();
                pairs.push(("format", f.to_string()));
                (
                    f.to_uppercase(),
                    format!("/api/v1/export{}", query_string(&pairs)),
                )
            })
            .collect(),
    };
    html(&page)
}

// ---------------------------------------------------------------- incident

pub struct FactView {
    pub value: String,
    pub reports: String,
}

pub struct FactGroup {
    pub label: &'static str,
    pub facts: Vec<FactView>,
}

pub struct RoleView {
    pub name: String,
    pub role: String,
}

pub struct EventView {
    pub date: String,
    pub text: String,
    pub reports: String,
}

/// A report with its text and evidence.
pub struct Panel {
    pub id: String,
    /// The stored report's id (0 in a preview).
    pub report: i64,
    pub title: String,
    pub path: String,
    /// A link to the source when it is a web address.
    pub link: String,
    pub reason: String,
    pub disclosed: String,
    pub summary: Vec<(String, String)>,
    pub text: Highlighted,
}

fn facts(list: &[incidex_store::Fact]) -> Vec<FactView> {
    list.iter()
        .map(|f| FactView {
            value: f.value.clone(),
            reports: f
                .reports
                .iter()
                .map(|r| format!("#{r}"))
                .collect::<Vec<_>>()
                .join(" "),
        })
        .collect()
}

fn is_web(path: &str) -> bool {
    path.starts_with("https://") || path.starts_with("http://")
}

/// The facts of one record, as label and value (for panels).
fn record_summary(r: &Record) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let join = |v: Vec<String>| v.join("、");
    if !r.victims.is_empty() {
        out.push(("被害組織 victims".into(), join(r.victims.clone())));
    }
    if let Some(c) = r.category {
        out.push((
            "原因 cause".into(),
            format!("{} ({})", category_ja(c.as_str()), c.as_str()),
        ));
    }
    if let Some(s) = r.sector {
        out.push((
            "業種 sector".into(),
            format!("{} ({})", sector_ja(s.as_str()), s.as_str()),
        ));
    }
    if !r.affected.is_empty() {
        out.push((
            "件数 counts".into(),
            join(
                r.affected
                    .iter()
                    .map(|a| format!("{}{} {}", a.count, a.unit, a.what))
                    .collect(),
            ),
        ));
    }
    if !r.malware.is_empty() {
        out.push(("マルウェア malware".into(), join(r.malware.clone())));
    }
    out
}

pub fn panel(
    report: i64,
    id: String,
    title: String,
    path: &str,
    reason: &str,
    text: &str,
    r: &Record,
) -> Panel {
    Panel {
        // The text is the record's span of the document: it starts at span[0].
        text: highlight(&id, text, r.span[0], r),
        report,
        id,
        title,
        path: path.to_string(),
        link: if is_web(path) {
            path.to_string()
        } else {
            String::new()
        },
        reason: reason.to_string(),
        disclosed: r.dates.disclosed.clone().unwrap_or_default(),
        summary: record_summary(r),
    }
}

#[derive(Template)]
#[template(path = "incident.html")]
struct IncidentPage {
    nav: Nav,
    id: i64,
    victim: String,
    cause: String,
    sector: String,
    disclosed: String,
    last_disclosed: String,
    summary: String,
    roles: Vec<RoleView>,
    groups: Vec<FactGroup>,
    counts: Vec<String>,
    timeline: Vec<EventView>,
    links: Vec<String>,
    panels: Vec<Panel>,
    /// A report of the incident, for the link form.
    first_report: i64,
}

fn incident_page(v: IncidentView, nav: Nav) -> IncidentPage {
    let mut roles: Vec<RoleView> = Vec::new();
    for r in &v.reports {
        for o in &r.record.organisations {
            if !roles.iter().any(|x| x.name == o.name && x.role == o.role) {
                roles.push(RoleView {
                    name: o.name.clone(),
                    role: o.role.clone(),
                });
            }
        }
    }
    let panels = v
        .reports
        .iter()
        .map(|r| {
            panel(
                r.id,
                format!("r{}", r.id),
                format!("報告 #{} — {}", r.id, r.doc),
                &r.path,
                &r.reason,
                r.text.as_deref().unwrap_or(""),
                &r.record,
            )
        })
        .collect();
    IncidentPage {
        nav,
        id: v.id,
        summary: incidex_store::summary(&v),
        victim: v.victim.clone().unwrap_or_else(|| "(名称非公表)".into()),
        cause: v
            .category
            .as_deref()
            .map(|c| format!("{} ({c})", category_ja(c)))
            .unwrap_or_default(),
        sector: v
            .sector
            .as_deref()
            .map(|s| format!("{} ({s})", sector_ja(s)))
            .unwrap_or_default(),
        disclosed: v.disclosed.clone().unwrap_or_default(),
        last_disclosed: v.last_disclosed.clone().unwrap_or_default(),
        roles,
        groups: [
            ("被害組織 Victims", &v.victims),
            ("原因 Causes", &v.categories),
            ("侵入経路 Vectors", &v.vectors),
            ("データ種別 Data types", &v.data_types),
            ("マルウェア Malware", &v.malware),
            ("攻撃者 Threat actors", &v.threat_actors),
            ("対応 Actions", &v.actions),
            ("指標 Indicators", &v.indicators),
            ("金額 Money", &v.money),
        ]
        .into_iter()
        .filter(|(_, list)| !list.is_empty())
        .map(|(label, list)| FactGroup {
            label,
            facts: facts(list),
        })
        .collect(),
        counts: v
            .counts
            .iter()
            .map(|c| {
                let q = c
                    .qualifier
                    .as_deref()
                    .map(|q| format!(" ({q})"))
                    .unwrap_or_default();
                format!(
                    "{}{} {}{q} — #{}",
                    incidex_store::thousands(c.count),
                    c.unit,
                    c.what,
                    c.report
                )
            })
            .collect(),
        timeline: v
            .timeline
            .iter()
            .map(|e| EventView {
                date: e.date.clone(),
                text: e.text.clone(),
                reports: e
                    .reports
                    .iter()
                    .map(|r| format!("#{r}"))
                    .collect::<Vec<_>>()
                    .join(" "),
            })
            .collect(),
        links: v
            .links
            .iter()
            .map(|l| format!("#{} ↔ #{}: {}", l.report_a, l.report_b, l.reason))
            .collect(),
        first_report: v.reports.first().map(|r| r.id).unwrap_or(0),
        panels,
    }
}

pub async fn incident(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> PageResult {
    let id: i64 = id
        .parse()
        .map_err(|_| Failure::not_found(format!("no incident {id:?}: incident ids are numbers")))?;
    let v = state
        .with_store(move |s, _| Ok(s.incident(id, true)?))
        .await?;
    html(&incident_page(v, Nav::new("list", &state, &headers)))
}

#[derive(Deserialize)]
pub struct LinkForm {
    report: String,
    #[serde(default)]
    other: String,
    #[serde(default)]
    token: String,
}

/// Joins another report to an incident (`other`), by hand.
pub async fn link(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::Form(f): axum::Form<LinkForm>,
) -> PageResult {
    auth::check(&state, &headers, Some(&f.token))?;
    if f.other.trim().is_empty() {
        return Err(Failure::bad_request("give the id or key of the report to join").into());
    }
    let report = f.report.clone();
    state
        .with_store(move |s, _| Ok(s.link_reports(&f.report, &f.other)?))
        .await?;
    Ok(Redirect::to(&format!("/incidents/{}", percent(report.trim()))).into_response())
}

/// Splits a report out of its incident: apart from every report it is
/// joined with (by hand or not), and out of automatic joins from now on.
pub async fn unlink(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::Form(f): axum::Form<LinkForm>,
) -> PageResult {
    auth::check(&state, &headers, Some(&f.token))?;
    let report = f.report.clone();
    state
        .with_store(move |s, _| {
            let id: i64 = f.report.trim().parse().map_err(|_| {
                Failure::bad_request(format!("report {:?}: expected a report id", f.report))
            })?;
            let members: Vec<i64> = s
                .incident(id, false)?
                .reports
                .iter()
                .map(|r| r.id)
                .collect();
            // One transaction: the report is kept apart from every other
            // member and out of automatic joins, or nothing changes.
            let others: Vec<String> = members
                .into_iter()
                .filter(|o| *o != id)
                .map(|o| o.to_string())
                .collect();
            s.split_report(&id.to_string(), &others)?;
            Ok(())
        })
        .await?;
    Ok(Redirect::to(&format!("/incidents/{}", percent(report.trim()))).into_response())
}

// ---------------------------------------------------------------- stats

pub struct MonthRowView {
    pub month: String,
    pub incidents: u64,
    pub affected: String,
}

#[derive(Template)]
#[template(path = "stats.html")]
struct StatsPage {
    nav: Nav,
    taxonomies: Vec<Opt>,
    charts: Vec<Chart>,
    months: Vec<Opt>,
    month: String,
    table: Vec<MonthlyRow>,
    csv: String,
    totals: Vec<MonthRowView>,
}

const TAXONOMIES: &[(&str, &str)] = &[
    ("incidex", "incidex"),
    ("tsr", "TSR (東京商工リサーチ)"),
    ("jnsa", "JNSA"),
    ("veris", "VERIS"),
];

/// Series names in order of their totals, the largest first.
fn series_by_total<'a>(pairs: impl Iterator<Item = (&'a str, u64)>) -> Vec<String> {
    let mut totals: BTreeMap<&str, u64> = BTreeMap::new();
    for (k, n) in pairs {
        *totals.entry(k).or_default() += n;
    }
    let mut v: Vec<(&str, u64)> = totals.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    v.into_iter().map(|(k, _)| k.to_string()).collect()
}

pub async fn stats(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<ListParams>,
) -> PageResult {
    let taxonomy = p.taxonomy()?;
    let filter = p.filter()?;
    let month = p.month()?;
    let (cells, malware, months, chosen, table) = state
        .with_store(move |s, _| {
            let cells = s.month_series(&filter, taxonomy)?;
            let malware = s.stats(By::Malware, &filter, Taxonomy::Incidex)?;
            let months = s.months()?;
            let chosen = month
                .or_else(|| months.first().cloned())
                .unwrap_or_default();
            let table = if chosen.is_empty() {
                Vec::new()
            } else {
                s.monthly_report(&chosen)?
            };
            Ok((cells, malware, months, chosen, table))
        })
        .await?;
    let columns: Vec<String> = {
        let mut m: Vec<String> = cells.iter().map(|c| c.month.clone()).collect();
        m.dedup();
        m
    };
    let label = |cause: &str| -> String {
        if taxonomy == Taxonomy::Incidex {
            format!("{} ({cause})", category_ja(cause))
        } else {
            cause.to_string()
        }
    };
    let causes = series_by_total(cells.iter().map(|c| (c.cause.as_str(), c.incidents)));
    let sectors = series_by_total(cells.iter().map(|c| (c.sector.as_str(), c.incidents)));
    let matrix = |series: &[String],
                  key: &dyn Fn(&incidex_store::MonthCell) -> String,
                  value: &dyn Fn(&incidex_store::MonthCell) -> u64|
     -> Vec<Vec<u64>> {
        columns
            .iter()
            .map(|m| {
                series
                    .iter()
                    .map(|s| {
                        cells
                            .iter()
                            .filter(|c| &c.month == m && &key(c) == s)
                            .map(value)
                            .sum()
                    })
                    .collect()
            })
            .collect()
    };
    let by_cause = matrix(&causes, &|c| c.cause.clone(), &|c| c.incidents);
    let by_sector = matrix(&sectors, &|c| c.sector.clone(), &|c| c.incidents);
    let total = vec!["affected".to_string()];
    let affected = matrix(&total, &|_| "affected".to_string(), &|c| c.affected);
    let top: Vec<&incidex_store::StatsRow> = malware
        .iter()
        .filter(|r| r.key != "total")
        .take(12)
        .collect();
    let charts = vec![
        chart::stacked(
            "by-cause",
            "月別件数（原因別） Incidents per month by cause",
            &columns,
            &causes.iter().map(|c| label(c)).collect::<Vec<_>>(),
            &by_cause,
        ),
        chart::stacked(
            "by-sector",
            "月別件数（業種別） Incidents per month by sector",
            &columns,
            &sectors
                .iter()
                .map(|s| format!("{} ({s})", sector_ja(s)))
                .collect::<Vec<_>>(),
            &by_sector,
        ),
        chart::stacked(
            "affected",
            "月別影響件数 Affected records per month",
            &columns,
            &["影響件数 affected".to_string()],
            &affected,
        ),
        chart::stacked(
            "malware",
            "マルウェア上位 Top malware",
            &top.iter().map(|r| r.key.clone()).collect::<Vec<_>>(),
            &["incidents".to_string()],
            &top.iter().map(|r| vec![r.incidents]).collect::<Vec<_>>(),
        ),
    ];
    let totals = columns
        .iter()
        .zip(&affected)
        .zip(&by_cause)
        .map(|((m, a), c)| MonthRowView {
            month: m.clone(),
            incidents: c.iter().sum(),
            affected: incidex_store::thousands(a.iter().sum()),
        })
        .collect();
    let tax = given(&p.taxonomy).unwrap_or_else(|| "incidex".into());
    let page = StatsPage {
        nav: Nav::new("stats", &state, &headers),
        taxonomies: TAXONOMIES
            .iter()
            .map(|(v, l)| Opt {
                value: v.to_string(),
                label: l.to_string(),
                selected: *v == tax,
            })
            .collect(),
        charts,
        months: months
            .iter()
            .map(|m| Opt {
                value: m.clone(),
                label: m.clone(),
                selected: *m == chosen,
            })
            .collect(),
        csv: format!("/stats/monthly.csv?month={}", percent(&chosen)),
        month: chosen,
        table,
        totals,
    };
    html(&page)
}

pub async fn monthly_csv(State(state): State<AppState>, Query(p): Query<ListParams>) -> PageResult {
    let month = p
        .month()?
        .ok_or_else(|| Failure::bad_request("month is required (YYYY-MM)"))?;
    let m = month.clone();
    let csv = state
        .with_store(move |s, _| Ok(incidex_store::render_csv(&s.monthly_report(&m)?)?))
        .await?;
    Ok(download(
        "text/csv; charset=utf-8",
        &format!("incidex-{month}.csv"),
        csv,
    ))
}

// ---------------------------------------------------------------- watchlist

pub struct WatchView {
    pub name: String,
    pub aliases: String,
    pub domains: String,
}

#[derive(Template)]
#[template(path = "watchlist.html")]
struct WatchPage {
    nav: Nav,
    writable: bool,
    watches: Vec<WatchView>,
    alerts: Vec<incidex_store::Alert>,
}

pub async fn watchlist(State(state): State<AppState>, headers: HeaderMap) -> PageResult {
    let (watches, mut alerts) = state
        .with_store(|s, _| Ok((s.watch_list()?, s.alerts(None)?)))
        .await?;
    alerts.reverse();
    alerts.truncate(50);
    let page = WatchPage {
        nav: Nav::new("watchlist", &state, &headers),
        writable: state.config.token.is_some(),
        watches: watches
            .into_iter()
            .map(|w| WatchView {
                name: w.name,
                aliases: w.aliases.join("、"),
                domains: w.domains.join(" "),
            })
            .collect(),
        alerts,
    };
    html(&page)
}

#[derive(Deserialize)]
pub struct WatchForm {
    name: String,
    #[serde(default)]
    aliases: String,
    #[serde(default)]
    domains: String,
    #[serde(default)]
    token: String,
}

/// Values separated by commas, Japanese commas, spaces or new lines.
pub fn split_list(s: &str) -> Vec<String> {
    s.split(|c: char| c == ',' || c == '、' || c == '，' || c.is_whitespace())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect()
}

pub async fn watch_add(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::Form(f): axum::Form<WatchForm>,
) -> PageResult {
    auth::check(&state, &headers, Some(&f.token))?;
    let name = f.name.trim().to_string();
    let (aliases, domains) = (split_list(&f.aliases), split_list(&f.domains));
    state
        .with_store(move |s, _| Ok(s.watch_add(&name, &aliases, &domains)?))
        .await?;
    Ok(Redirect::to("/watchlist").into_response())
}

#[derive(Deserialize)]
pub struct RemoveForm {
    name: String,
    #[serde(default)]
    token: String,
}

pub async fn watch_remove(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::Form(f): axum::Form<RemoveForm>,
) -> PageResult {
    auth::check(&state, &headers, Some(&f.token))?;
    let name = f.name.clone();
    let removed = state
        .with_store(move |s, _| Ok(s.watch_remove(&name)?))
        .await?;
    if !removed {
        return Err(Failure::not_found(format!("{:?} is not watched", f.name)).into());
    }
    Ok(Redirect::to("/watchlist").into_response())
}

// ---------------------------------------------------------------- ingest

pub struct DocPreview {
    pub name: String,
    pub pending: String,
    pub error: String,
    pub panels: Vec<Panel>,
}

pub struct SavedView {
    pub name: String,
    pub status: String,
    pub incidents: Vec<i64>,
}

#[derive(Template)]
#[template(path = "ingest.html")]
struct IngestPage {
    nav: Nav,
    writable: bool,
    previews: Vec<DocPreview>,
    saved: Vec<SavedView>,
}

pub async fn ingest_form(State(state): State<AppState>, headers: HeaderMap) -> PageResult {
    html(&IngestPage {
        nav: Nav::new("ingest", &state, &headers),
        writable: state.config.token.is_some(),
        previews: vec![],
        saved: vec![],
    })
}

/// The documents of an ingest form.
struct IngestForm {
    docs: Vec<Document>,
    pending: Vec<String>,
    save: bool,
    token: String,
}

async fn read_form(mut mp: Multipart) -> Result<IngestForm, Failure> {
    let mut form = IngestForm {
        docs: vec![],
        pending: vec![],
        save: false,
        token: String::new(),
    };
    let mut text = String::new();
    let mut text_name = String::new();
    let bad = |e: axum::extract::multipart::MultipartError| {
        Failure::new(
            e.status(),
            format!("cannot read the upload: {}", e.body_text()),
        )
    };
    while let Some(field) = mp.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_string();
        match name.as_str() {
            "file" => {
                let file = clean_name(field.file_name().unwrap_or(""), upload::DEFAULT_NAME);
                let bytes = field.bytes().await.map_err(bad)?;
                if !bytes.is_empty() {
                    form.docs.push(upload::document(&file, bytes.to_vec()));
                }
            }
            "text" => text = field.text().await.map_err(bad)?,
            "name" => text_name = field.text().await.map_err(bad)?,
            "pending" => form.pending.push(field.text().await.map_err(bad)?),
            "action" => form.save = field.text().await.map_err(bad)? == "save",
            "token" => form.token = field.text().await.map_err(bad)?,
            _ => {}
        }
    }
    if !text.trim().is_empty() {
        let sha = incidex_store::sha256_hex(text.as_bytes());
        let mut name = clean_name(&text_name, &format!("pasted-{}.txt", &sha[..12]));
        if !incidex_ingest::known_extension(&name) {
            name.push_str(".txt");
        }
        form.docs.push(upload::document(&name, text.into_bytes()));
    }
    Ok(form)
}

pub async fn ingest_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    mp: Multipart,
) -> PageResult {
    let mut form = read_form(mp).await?;
    auth::check(&state, &headers, Some(&form.token))?;
    for id in &form.pending {
        match state.take_pending(id) {
            Some(d) => form.docs.push(d),
            None => {
                return Err(Failure::bad_request(
                    "that preview has expired: upload the document again",
                )
                .into())
            }
        }
    }
    if form.docs.is_empty() {
        return Err(Failure::bad_request("nothing to ingest: choose a file or paste text").into());
    }
    let nav = Nav::new("ingest", &state, &headers);
    if form.save {
        let docs = form.docs;
        let saved = state
            .with_store(move |s, p| {
                let mut out = Vec::new();
                for d in &docs {
                    let (status, incidents) = match upload::save(p, s, d)? {
                        Saved::Unchanged { incidents } => ("already stored".to_string(), incidents),
                        Saved::Stored {
                            reports,
                            replaced,
                            incidents,
                        } => (
                            format!(
                                "{reports} report(s) {}",
                                if replaced { "replaced" } else { "stored" }
                            ),
                            incidents,
                        ),
                        Saved::Refused(reason) => (format!("not stored: {reason}"), vec![]),
                    };
                    out.push(SavedView {
                        name: d.name.clone(),
                        status,
                        incidents,
                    });
                }
                Ok(out)
            })
            .await?;
        return html(&IngestPage {
            nav,
            writable: true,
            previews: vec![],
            saved,
        });
    }
    let pipeline = state.pipeline.clone();
    let docs = form.docs;
    let extracted = tokio::task::spawn_blocking(move || {
        docs.into_iter()
            .map(|d| {
                let x = pipeline.extract(&d);
                (d, x)
            })
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|_| Failure::internal("extraction failed inside the server"))?;
    let mut previews = Vec::new();
    for (n, (doc, x)) in extracted.into_iter().enumerate() {
        let name = doc.name.clone();
        match x {
            Ok(x) => {
                let panels = x
                    .records
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        let text: String = x
                            .text
                            .chars()
                            .skip(r.span[0])
                            .take(r.span[1].saturating_sub(r.span[0]))
                            .collect();
                        panel(
                            0,
                            format!("d{n}r{i}"),
                            format!("{} — report {}", name, i + 1),
                            "",
                            "",
                            &text,
                            r,
                        )
                    })
                    .collect();
                previews.push(DocPreview {
                    name,
                    pending: state.keep_pending(doc),
                    error: String::new(),
                    panels,
                });
            }
            Err(e) => previews.push(DocPreview {
                name,
                pending: String::new(),
                error: e,
                panels: vec![],
            }),
        }
    }
    html(&IngestPage {
        nav,
        writable: true,
        previews,
        saved: vec![],
    })
}

// ---------------------------------------------------------------- login

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    nav: Nav,
    next: String,
    configured: bool,
    error: String,
}

#[derive(Deserialize)]
pub struct NextParam {
    next: Option<String>,
}

/// Only local paths, so the login cannot send users elsewhere: a path that
/// starts with one `/`, without `\`, whitespace or control characters
/// (browsers drop tabs and newlines, so `/\t/host` would be `//host`);
/// anything else is `/`.
fn local_path(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(|c| c.is_control() || c.is_whitespace()) =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

pub async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<NextParam>,
) -> PageResult {
    html(&LoginPage {
        nav: Nav::new("login", &state, &headers),
        next: local_path(q.next.as_deref()),
        configured: state.config.token.is_some(),
        error: String::new(),
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    token: String,
    next: Option<String>,
}

pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::Form(f): axum::Form<LoginForm>,
) -> PageResult {
    let next = local_path(f.next.as_deref());
    if !auth::valid(&state, f.token.trim()) {
        let page = LoginPage {
            nav: Nav::new("login", &state, &headers),
            next,
            configured: state.config.token.is_some(),
            error: if state.config.token.is_some() {
                "the token is not valid".into()
            } else {
                "writes are disabled: this server was started without --token".into()
            },
        };
        let body = page.render().map_err(Failure::from)?;
        return Ok((StatusCode::UNAUTHORIZED, Html(body)).into_response());
    }
    let cookie = format!(
        "{}={}; Path=/; HttpOnly; SameSite=Strict",
        auth::COOKIE,
        f.token.trim()
    );
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to(&next)).into_response())
}

pub async fn logout() -> Response {
    let cookie = format!(
        "{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
        auth::COOKIE
    );
    ([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_paths_are_cleaned() {
        assert_eq!(local_path(Some("//evil.example.com")), "/");
        assert_eq!(local_path(Some("/watchlist")), "/watchlist");
        assert_eq!(local_path(Some("/?q=a%20b")), "/?q=a%20b");
        for bad in [
            "/\t/evil.example.com",
            "/\n",
            "/\r\n/evil.example.com",
            "/ /evil.example.com",
            "/\u{3000}/evil.example.com",
            "/\\evil.example.com",
            "https://evil.example.com",
            "",
        ] {
            assert_eq!(local_path(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(local_path(None), "/");
        assert_eq!(percent("架空 a&b"), "%E6%9E%B6%E7%A9%BA%20a%26b");
        assert_eq!(split_list("a, b、c\nd"), vec!["a", "b", "c", "d"]);
    }
}
