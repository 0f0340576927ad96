//! `incidex mailcheck`: verdicts on mail messages (issue 5; being built).

use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args)]
pub struct MailcheckArgs {
    /// `.eml` files, folders, mbox files, or `-` for standard input.
    pub paths: Vec<PathBuf>,
}

pub fn run(_db: &Path, _args: MailcheckArgs) -> ExitCode {
    eprintln!("incidex mailcheck: not available yet");
    ExitCode::from(2)
}
