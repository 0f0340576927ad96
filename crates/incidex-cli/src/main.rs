//! `incidex`: read security-incident notices and news, emit structured reports.

mod extract_cmd;
mod output;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "incidex",
    version,
    about = "Structured incident reports from Japanese and English security notices"
)]
struct Cli {
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Extract(args) => extract_cmd::run(args),
        Command::Text(args) => extract_cmd::run_text(args),
    }
}
