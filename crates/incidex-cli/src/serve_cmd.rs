//! `incidex serve`: the web application and JSON API over the database.

use clap::Args;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on (`127.0.0.1:0` picks a free port; the URL is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// The token that write requests (ingest, watchlist, link) must present;
    /// without one, writes are refused.
    #[arg(long, env = "INCIDEX_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// The largest request body or upload, in MiB.
    #[arg(long, default_value_t = 16)]
    pub max_upload_mb: usize,
}

pub fn run(db: &Path, args: ServeArgs) -> ExitCode {
    if let Some(t) = &args.token {
        if t.chars()
            .any(|c| !c.is_ascii_graphic() || c == ';' || c == ',')
        {
            eprintln!("incidex serve: --token: use letters, digits and punctuation other than ; and , (no spaces)");
            return ExitCode::from(2);
        }
    }
    let mut config = incidex_server::Config::new(db.to_path_buf(), args.token);
    config.max_body = match args.max_upload_mb.max(1).checked_mul(1024 * 1024) {
        Some(bytes) => bytes,
        None => {
            eprintln!(
                "incidex serve: --max-upload-mb {}: too large (at most {} MiB)",
                args.max_upload_mb,
                usize::MAX / (1024 * 1024)
            );
            return ExitCode::from(2);
        }
    };
    let writes = config.token.is_some();
    let result = incidex_server::run(config, &args.addr, |addr| {
        println!("incidex: serving http://{addr}/");
        if !writes {
            println!("incidex: read-only (start with --token or INCIDEX_TOKEN to allow ingest and watchlist changes)");
        }
        let _ = std::io::stdout().flush();
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("incidex serve: {}: {e}", db.display());
            ExitCode::from(2)
        }
    }
}
