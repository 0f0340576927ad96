//! `incidex watch`, `incidex sources`, `incidex demo-feeds` (issue 6; being built).

use clap::{Args, Subcommand};
use std::path::Path;
use std::process::ExitCode;

#[derive(Args)]
pub struct WatchArgs {
    /// Poll every source once and exit.
    #[arg(long)]
    pub once: bool,
}

#[derive(Subcommand)]
pub enum SourcesCmd {
    /// The configured sources.
    List,
}

#[derive(Args)]
pub struct DemoFeedsArgs {}

pub fn run(_db: &Path, _args: WatchArgs) -> ExitCode {
    eprintln!("incidex watch: not available yet");
    ExitCode::from(2)
}

pub fn sources(_db: &Path, _cmd: SourcesCmd) -> ExitCode {
    eprintln!("incidex sources: not available yet");
    ExitCode::from(2)
}

pub fn demo_feeds(_args: DemoFeedsArgs) -> ExitCode {
    eprintln!("incidex demo-feeds: not available yet");
    ExitCode::from(2)
}
