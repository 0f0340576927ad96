//! The store's query commands: search, show, stats, report, export,
//! watchlist, alerts, link and unlink.

use clap::{Args, Subcommand, ValueEnum};
use incidex_store::{By, ExportFormat, Filter, IncidentView, Store, StoreError, Taxonomy};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// Field filters shared by search and export.
#[derive(Args, Clone, Default)]
pub struct FilterArgs {
    /// Primary category (malware, ransomware, unauthorized_access, misdelivery …).
    #[arg(long)]
    pub category: Option<String>,
    /// Sector of the main victim (government, healthcare, finance …).
    #[arg(long)]
    pub sector: Option<String>,
    /// Malware family (Emotet, LockBit …), any case.
    #[arg(long)]
    pub malware: Option<String>,
    /// An organisation, in any written form (株式会社X, X, (株)X, X社).
    #[arg(long)]
    pub org: Option<String>,
    /// First disclosed on or after (YYYY-MM or YYYY-MM-DD).
    #[arg(long)]
    pub since: Option<String>,
    /// First disclosed on or before (YYYY-MM or YYYY-MM-DD).
    #[arg(long)]
    pub until: Option<String>,
}

impl FilterArgs {
    fn filter(&self) -> Filter {
        Filter {
            category: self.category.clone(),
            sector: self.sector.clone(),
            malware: self.malware.clone(),
            org: self.org.clone(),
            since: self.since.clone(),
            until: self.until.clone(),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Jsonl,
}

#[derive(Args)]
pub struct SearchArgs {
    /// Words or "quoted phrases"; all must match. Japanese needs no spaces.
    pub query: String,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
    /// At most this many incidents.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
}

#[derive(Args)]
pub struct ShowArgs {
    /// An incident id (or the id of one of its reports).
    pub id: i64,
    /// Print the incident as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct StatsArgs {
    #[arg(long, value_parser = ["category", "sector", "month", "malware", "vector"], default_value = "category")]
    pub by: String,
    #[arg(long)]
    pub since: Option<String>,
    #[arg(long)]
    pub until: Option<String>,
    /// Cause classes: incidex categories, TSR (東京商工リサーチ), JNSA, or VERIS actions.
    #[arg(long, value_parser = ["incidex", "tsr", "jnsa", "veris"], default_value = "incidex")]
    pub taxonomy: String,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Args)]
pub struct ReportArgs {
    /// The month (YYYY-MM) of first disclosure.
    #[arg(long)]
    pub month: String,
    #[arg(long, value_parser = ["md", "csv", "html"], default_value = "md")]
    pub format: String,
}

#[derive(Args)]
pub struct ExportArgs {
    #[arg(long, value_parser = ["jsonl", "csv", "stix", "misp"], default_value = "jsonl")]
    pub format: String,
    #[command(flatten)]
    pub filter: FilterArgs,
}

#[derive(Subcommand)]
pub enum WatchCmd {
    /// Watch an organisation (or add aliases and domains to a watched one).
    Add {
        name: String,
        #[arg(long = "domain")]
        domains: Vec<String>,
        #[arg(long = "alias")]
        aliases: Vec<String>,
    },
    /// Stop watching an organisation.
    Remove { name: String },
    /// List the watched organisations.
    List,
}

#[derive(Args)]
pub struct AlertsArgs {
    /// Only incidents first disclosed on or after (YYYY-MM or YYYY-MM-DD).
    #[arg(long)]
    pub since: Option<String>,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Args)]
pub struct LinkArgs {
    /// A report id or key (as `incidex show` prints them).
    pub a: String,
    /// The other report.
    pub b: String,
}

#[derive(Args)]
pub struct UnlinkArgs {
    /// A report id or key.
    pub a: String,
    /// Keep A apart from this report; without it, A joins no report automatically.
    pub b: Option<String>,
}

fn open(db: &Path) -> Result<Store, StoreError> {
    if !db.exists() {
        return Err(StoreError::NotFound(format!(
            "{}: no database here; run `incidex ingest` first or give --db PATH",
            db.display()
        )));
    }
    Store::open(db)
}

/// Runs a command, printing its error; exit 1 for a bad request, 2 for a database problem.
pub fn finish(result: Result<(), StoreError>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(StoreError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e @ (StoreError::Invalid(_) | StoreError::NotFound(_))) => {
            eprintln!("incidex: {e}");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("incidex: {e}");
            ExitCode::from(2)
        }
    }
}

/// Pads to a display width (CJK characters take two columns).
fn pad(s: &str, width: usize) -> String {
    let w: usize = s
        .chars()
        .map(|c| {
            if c >= '\u{2E80}' && !('\u{FF61}'..='\u{FF9F}').contains(&c) {
                2
            } else {
                1
            }
        })
        .sum();
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

fn one_line(s: &str, max: usize) -> String {
    let s = s.replace(['\n', '\t'], " ");
    if s.chars().count() > max {
        format!("{}…", s.chars().take(max).collect::<String>())
    } else {
        s
    }
}

pub fn search(db: &Path, a: SearchArgs) -> Result<(), StoreError> {
    let store = open(db)?;
    let hits = store.search(&a.query, &a.filter.filter(), a.limit)?;
    let mut out = std::io::stdout().lock();
    for h in &hits {
        match a.format {
            ListFormat::Jsonl => {
                serde_json::to_writer(&mut out, h).map_err(std::io::Error::other)?;
                writeln!(out)?;
            }
            ListFormat::Table => writeln!(
                out,
                "#{}\t{}\t{}\t{}\t{}\n    {}",
                h.incident,
                h.disclosed.as_deref().unwrap_or("-"),
                h.victim.as_deref().unwrap_or("(unnamed)"),
                h.category.as_deref().unwrap_or("-"),
                h.doc,
                one_line(&h.snippet, 160)
            )?,
        }
    }
    if a.format == ListFormat::Table {
        writeln!(out, "{} incidents", hits.len())?;
    }
    Ok(())
}

fn facts(out: &mut impl Write, label: &str, facts: &[incidex_store::Fact]) -> std::io::Result<()> {
    if facts.is_empty() {
        return Ok(());
    }
    let items: Vec<String> = facts
        .iter()
        .map(|f| {
            let rs: Vec<String> = f.reports.iter().map(|r| format!("#{r}")).collect();
            format!("{} [{}]", f.value, rs.join(","))
        })
        .collect();
    writeln!(out, "{label:<12}{}", items.join("; "))
}

fn print_incident(out: &mut impl Write, v: &IncidentView) -> std::io::Result<()> {
    writeln!(out, "Incident {}: {}", v.id, incidex_store::summary(v))?;
    writeln!(
        out,
        "{:<12}{}",
        "victim",
        v.victim.as_deref().unwrap_or("(unnamed)")
    )?;
    writeln!(
        out,
        "{:<12}{}",
        "category",
        v.category.as_deref().unwrap_or("-")
    )?;
    writeln!(
        out,
        "{:<12}{}",
        "sector",
        v.sector.as_deref().unwrap_or("-")
    )?;
    let dates = match (&v.disclosed, &v.last_disclosed) {
        (Some(a), Some(b)) if a != b => format!("{a} … {b}"),
        (Some(a), _) => a.clone(),
        _ => "-".into(),
    };
    writeln!(out, "{:<12}{}", "disclosed", dates)?;
    facts(out, "victims", &v.victims)?;
    facts(out, "causes", &v.categories)?;
    facts(out, "malware", &v.malware)?;
    facts(out, "actors", &v.threat_actors)?;
    facts(out, "vectors", &v.vectors)?;
    facts(out, "data", &v.data_types)?;
    facts(out, "actions", &v.actions)?;
    facts(out, "indicators", &v.indicators)?;
    facts(out, "money", &v.money)?;
    for c in &v.counts {
        writeln!(
            out,
            "{:<12}{}{} {}{} [#{}]",
            "count",
            incidex_store::thousands(c.count),
            c.unit,
            c.what,
            c.qualifier
                .as_deref()
                .map(|q| format!(" ({q})"))
                .unwrap_or_default(),
            c.report
        )?;
    }
    if !v.timeline.is_empty() {
        writeln!(out, "timeline")?;
        for e in &v.timeline {
            let rs: Vec<String> = e.reports.iter().map(|r| format!("#{r}")).collect();
            writeln!(
                out,
                "  {}  {} [{}]",
                e.date,
                one_line(&e.text, 100),
                rs.join(",")
            )?;
        }
    }
    if !v.links.is_empty() {
        writeln!(out, "why these reports are one incident")?;
        for l in &v.links {
            writeln!(out, "  #{} + #{}: {}", l.report_a, l.report_b, l.reason)?;
        }
    }
    writeln!(out, "reports")?;
    for r in &v.reports {
        writeln!(
            out,
            "  #{} key {}  {}  disclosed {}  {}",
            r.id,
            r.key,
            r.path,
            r.record.dates.disclosed.as_deref().unwrap_or("-"),
            r.reason
        )?;
        if let Some(t) = &r.text {
            writeln!(out, "    text: {}", one_line(t, 200))?;
        }
        for e in &r.evidence {
            writeln!(
                out,
                "    {} = {}: 「{}」 [{}, {})",
                e.field,
                e.value,
                one_line(&e.text, 60),
                e.span[0],
                e.span[1]
            )?;
        }
    }
    Ok(())
}

pub fn show(db: &Path, a: ShowArgs) -> Result<(), StoreError> {
    let store = open(db)?;
    let v = store.incident(a.id, true)?;
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer_pretty(&mut out, &v).map_err(std::io::Error::other)?;
        writeln!(out)?;
    } else {
        print_incident(&mut out, &v)?;
    }
    Ok(())
}

pub fn stats(db: &Path, a: StatsArgs) -> Result<(), StoreError> {
    let store = open(db)?;
    let by = By::parse(&a.by).ok_or_else(|| StoreError::Invalid(format!("--by {}", a.by)))?;
    let tax = Taxonomy::parse(&a.taxonomy)
        .ok_or_else(|| StoreError::Invalid(format!("--taxonomy {}", a.taxonomy)))?;
    let filter = Filter {
        since: a.since.clone(),
        until: a.until.clone(),
        ..Default::default()
    };
    let rows = store.stats(by, &filter, tax)?;
    let mut out = std::io::stdout().lock();
    if a.format == ListFormat::Table {
        writeln!(
            out,
            "{} {:>9} {:>11} {:>14} {:>12}",
            pad(&a.by, 36),
            "incidents",
            "with count",
            "affected",
            "avg/incident"
        )?;
    }
    for r in &rows {
        match a.format {
            ListFormat::Jsonl => {
                let mut v = serde_json::to_value(r).map_err(std::io::Error::other)?;
                v["average"] = serde_json::json!(r.average());
                serde_json::to_writer(&mut out, &v).map_err(std::io::Error::other)?;
                writeln!(out)?;
            }
            ListFormat::Table => writeln!(
                out,
                "{} {:>9} {:>11} {:>14} {:>12}",
                pad(&r.key, 36),
                r.incidents,
                r.with_count,
                incidex_store::thousands(r.affected),
                incidex_store::thousands(r.average().round() as u64)
            )?,
        }
    }
    Ok(())
}

pub fn report(db: &Path, a: ReportArgs) -> Result<(), StoreError> {
    let store = open(db)?;
    let rows = store.monthly_report(&a.month)?;
    let mut out = std::io::stdout().lock();
    match a.format.as_str() {
        "csv" => out.write_all(&incidex_store::render_csv(&rows)?)?,
        "html" => out.write_all(incidex_store::render_html(&a.month, &rows).as_bytes())?,
        _ => out.write_all(incidex_store::render_md(&a.month, &rows).as_bytes())?,
    }
    Ok(())
}

pub fn export(db: &Path, a: ExportArgs) -> Result<(), StoreError> {
    let store = open(db)?;
    let format = ExportFormat::parse(&a.format)
        .ok_or_else(|| StoreError::Invalid(format!("--format {}", a.format)))?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let n = store.export(format, &a.filter.filter(), &mut out)?;
    out.flush()?;
    eprintln!("exported {n} incidents");
    Ok(())
}

pub fn watchlist(db: &Path, cmd: WatchCmd) -> Result<(), StoreError> {
    let mut store = Store::open(db)?;
    let mut out = std::io::stdout().lock();
    match cmd {
        WatchCmd::Add {
            name,
            domains,
            aliases,
        } => {
            let w = store.watch_add(&name, &aliases, &domains)?;
            writeln!(
                out,
                "watching {} (aliases: {}; domains: {})",
                w.name,
                w.aliases.join(", "),
                w.domains.join(", ")
            )?;
        }
        WatchCmd::Remove { name } => {
            if !store.watch_remove(&name)? {
                return Err(StoreError::NotFound(format!(
                    "{name:?} is not on the watchlist"
                )));
            }
            writeln!(out, "no longer watching {name}")?;
        }
        WatchCmd::List => {
            for w in store.watch_list()? {
                writeln!(
                    out,
                    "{}\taliases: {}\tdomains: {}",
                    w.name,
                    w.aliases.join(", "),
                    w.domains.join(", ")
                )?;
            }
        }
    }
    Ok(())
}

pub fn alerts(db: &Path, a: AlertsArgs) -> Result<(), StoreError> {
    let store = open(db)?;
    let alerts = store.alerts(a.since.as_deref())?;
    let mut out = std::io::stdout().lock();
    for al in &alerts {
        match a.format {
            ListFormat::Jsonl => {
                serde_json::to_writer(&mut out, al).map_err(std::io::Error::other)?;
                writeln!(out)?;
            }
            ListFormat::Table => writeln!(
                out,
                "{}\t#{}\t{}\t{}\t{}\tmatched {}",
                al.watch,
                al.incident,
                al.disclosed.as_deref().unwrap_or("-"),
                al.victim.as_deref().unwrap_or("(unnamed)"),
                al.category.as_deref().unwrap_or("-"),
                al.matched
            )?,
        }
    }
    if a.format == ListFormat::Table {
        writeln!(out, "{} alerts", alerts.len())?;
    }
    Ok(())
}

pub fn link(db: &Path, a: LinkArgs) -> Result<(), StoreError> {
    let mut store = open(db)?;
    let s = store.link_reports(&a.a, &a.b)?;
    println!(
        "linked {} and {}; {} reports in {} incidents",
        a.a, a.b, s.reports, s.incidents
    );
    Ok(())
}

pub fn unlink(db: &Path, a: UnlinkArgs) -> Result<(), StoreError> {
    let mut store = open(db)?;
    let s = store.unlink_reports(&a.a, a.b.as_deref())?;
    match &a.b {
        Some(b) => println!(
            "{} and {} kept apart; {} reports in {} incidents",
            a.a, b, s.reports, s.incidents
        ),
        None => println!(
            "{} joins no report automatically; {} reports in {} incidents",
            a.a, s.reports, s.incidents
        ),
    }
    Ok(())
}
