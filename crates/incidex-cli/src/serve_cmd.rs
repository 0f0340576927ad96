//! `incidex serve`: the web application and JSON API (issue 4; being built).

use clap::Args;
use std::path::Path;
use std::process::ExitCode;

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: String,
}

pub fn run(_db: &Path, _args: ServeArgs) -> ExitCode {
    eprintln!("incidex serve: not available yet");
    ExitCode::from(2)
}
