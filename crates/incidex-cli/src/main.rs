//! `incidex`: read security-incident notices and news, emit structured reports.

mod extract_cmd;
mod ingest_cmd;
mod mailcheck_cmd;
mod output;
mod serve_cmd;
mod store_cmds;
mod watch_cmd;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc: extraction makes many small short-lived allocations (names,
/// evidence, per-document hit lists); glibc's malloc spent about a tenth of
/// the extractor's instructions on them (docs/benchmarks.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "incidex",
    version,
    about = "Structured incident reports from Japanese and English security notices"
)]
struct Cli {
    /// The incident database (SQLite) of ingest, search, show, stats, report, export …
    #[arg(long, global = true, env = "INCIDEX_DB", default_value = "incidex.db")]
    db: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Extract incident reports from files, folders (recursively) or standard input (`-`).
    Extract(extract_cmd::ExtractArgs),
    /// Print the text incidex reads from a file (decoded, HTML and PDF turned into text):
    /// the text that record offsets refer to.
    Text(extract_cmd::TextArgs),
    /// Extract and store documents (files, folders or http(s) URLs) in the database; documents
    /// already stored are skipped, changed ones replaced; reports are linked into incidents.
    Ingest(ingest_cmd::IngestArgs),
    /// Full-text search of the stored reports, with field filters.
    Search(store_cmds::SearchArgs),
    /// One incident: victims, causes, counts, timeline, its reports and evidence.
    Show(store_cmds::ShowArgs),
    /// Counts of incidents and affected records by category, sector, month, malware or vector.
    Stats(store_cmds::StatsArgs),
    /// The monthly table: No, 業種, 原因, 概要, 件数, 公表日, 出典.
    Report(store_cmds::ReportArgs),
    /// Export incidents as JSON Lines, CSV, a STIX 2.1 bundle or MISP events.
    Export(store_cmds::ExportArgs),
    /// The watched suppliers and partners.
    #[command(subcommand)]
    Watchlist(store_cmds::WatchCmd),
    /// Incidents that touch a watched organisation or domain.
    Alerts(store_cmds::AlertsArgs),
    /// Join two reports into one incident by hand (remembered across re-ingests).
    Link(store_cmds::LinkArgs),
    /// Keep two reports apart, or one report out of every automatic join.
    Unlink(store_cmds::UnlinkArgs),
    /// Serve the web application and the JSON API (`/api/v1/…`) over the database.
    Serve(serve_cmd::ServeArgs),
    /// Check mail messages (.eml, folders, mbox, `-`) for spoofing, Emotet-style and BEC
    /// patterns, using the incidents in the database; exit 0 ok, 1 suspicious, 2 dangerous.
    Mailcheck(mailcheck_cmd::MailcheckArgs),
    /// Follow the feeds and listing pages of the sources file, ingest what is new and
    /// alert on watched organisations.
    Watch(watch_cmd::WatchArgs),
    /// The sources the watcher follows: list them, or test one.
    #[command(subcommand)]
    Sources(watch_cmd::SourcesCmd),
    /// Serve the example corpus as a demo feed and listing page on loopback.
    DemoFeeds(watch_cmd::DemoFeedsArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Extract(args) => extract_cmd::run(args),
        Command::Text(args) => extract_cmd::run_text(args),
        Command::Ingest(args) => ingest_cmd::run(&cli.db, args),
        Command::Search(args) => store_cmds::finish(store_cmds::search(&cli.db, args)),
        Command::Show(args) => store_cmds::finish(store_cmds::show(&cli.db, args)),
        Command::Stats(args) => store_cmds::finish(store_cmds::stats(&cli.db, args)),
        Command::Report(args) => store_cmds::finish(store_cmds::report(&cli.db, args)),
        Command::Export(args) => store_cmds::finish(store_cmds::export(&cli.db, args)),
        Command::Watchlist(cmd) => store_cmds::finish(store_cmds::watchlist(&cli.db, cmd)),
        Command::Alerts(args) => store_cmds::finish(store_cmds::alerts(&cli.db, args)),
        Command::Link(args) => store_cmds::finish(store_cmds::link(&cli.db, args)),
        Command::Unlink(args) => store_cmds::finish(store_cmds::unlink(&cli.db, args)),
        Command::Serve(args) => serve_cmd::run(&cli.db, args),
        Command::Mailcheck(args) => mailcheck_cmd::run(&cli.db, args),
        Command::Watch(args) => watch_cmd::run(&cli.db, args),
        Command::Sources(cmd) => watch_cmd::sources(&cli.db, cmd),
        Command::DemoFeeds(args) => watch_cmd::demo_feeds(args),
    }
}
