//! `incidex mailcheck`: a verdict (ok, suspicious, dangerous), a score and the
//! reasons for each mail message, using the incidents in the database.
//! Exit status: 0 ok, 1 suspicious, 2 dangerous (the worst message), 3 when
//! an input or the database cannot be read.

use clap::{Args, ValueEnum};
use incidex_mailcheck::input::{read_messages, InputError, Item};
use incidex_mailcheck::{day_of, Checker, Context, Limits, Report, Verdict};
use incidex_store::Store;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args)]
pub struct MailcheckArgs {
    /// `.eml` files, folders (searched for .eml, .mbox, .mbx), mbox files, or `-` for
    /// standard input (one message or an mbox).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output: `text` (one block per message) or `json` (one JSON object per line).
    #[arg(long, value_enum, default_value_t = MailFormat::Text)]
    pub format: MailFormat,
    /// Days after its latest disclosure that an incident keeps mail from its
    /// organisation under suspicion.
    #[arg(long, default_value_t = 90)]
    pub recent_days: u32,
    /// The day the check runs on, YYYY-MM-DD (default: today, UTC).
    #[arg(long)]
    pub now: Option<String>,
    /// A domain of yours or of a partner; mail and links from look-alikes of it
    /// are flagged (repeatable; the recipients' domains always count).
    #[arg(long = "known-domain", value_name = "DOMAIN")]
    pub known_domains: Vec<String>,
    /// Do not read the database (no store-aware check).
    #[arg(long)]
    pub no_store: bool,
    /// Largest message inspected, in MiB (the rest of a larger one is not read).
    #[arg(long, default_value_t = 25)]
    pub max_message_mib: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MailFormat {
    Text,
    Json,
}

/// Exit status when an input or the database cannot be read.
const EXIT_UNREADABLE: u8 = 3;

pub fn run(db: &Path, args: MailcheckArgs) -> ExitCode {
    let context = match build_context(db, &args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("incidex mailcheck: {e}");
            return ExitCode::from(EXIT_UNREADABLE);
        }
    };
    for note in &context.notes {
        eprintln!("note: {note}");
    }
    let limits = Limits {
        max_message_bytes: args.max_message_mib.clamp(1, 1024) << 20,
        ..Limits::default()
    };
    let checker = match Checker::new(context, limits.clone()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("incidex mailcheck: {e}");
            return ExitCode::from(EXIT_UNREADABLE);
        }
    };
    let mut worst = Verdict::Ok;
    let mut unreadable = false;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut first = true;
    for path in &args.paths {
        let mut each = |item: Result<Item, InputError>| {
            let item = match item {
                Ok(i) => i,
                Err(e) => {
                    eprintln!("{e}");
                    unreadable = true;
                    return;
                }
            };
            match checker.check(&item.source, &item.bytes) {
                Ok(report) => {
                    worst = worst.max(report.verdict);
                    let written = match args.format {
                        MailFormat::Json => serde_json::to_string(&report)
                            .map_err(std::io::Error::other)
                            .and_then(|s| writeln!(out, "{s}")),
                        MailFormat::Text => {
                            let sep = if first { "" } else { "\n" };
                            write!(out, "{sep}{}", render_text(&report))
                        }
                    };
                    first = false;
                    if written.is_err() {
                        // A closed pipe: the reader has gone; the exit status still counts.
                        unreadable = true;
                    }
                }
                Err(e) => {
                    eprintln!("{}: not a mail message: {e}", item.source);
                    unreadable = true;
                }
            }
        };
        read_messages(path, &limits, &mut each);
    }
    if unreadable {
        ExitCode::from(EXIT_UNREADABLE)
    } else {
        ExitCode::from(worst.exit_code())
    }
}

fn build_context(db: &Path, args: &MailcheckArgs) -> Result<Context, String> {
    let today = day_of(args.now.as_deref())?;
    let mut context = if args.no_store {
        Context {
            notes: vec!["--no-store: the store-aware check is skipped".into()],
            ..Context::default()
        }
    } else if !db.exists() || std::fs::metadata(db).is_ok_and(|m| m.is_file() && m.len() == 0) {
        // A 0-byte file is what a failed or aborted first open leaves: no database.
        Context {
            notes: vec![format!(
                "{}: no database there, so the store-aware check is skipped (incidex ingest … creates one; --db names another)",
                db.display()
            )],
            ..Context::default()
        }
    } else {
        // Read-only: the check never writes, creates or migrates the database.
        match Store::open_read_only(db) {
            Ok(store) => Context::from_store(&store, today, args.recent_days)
                .map_err(|e| format!("{}: {e}", db.display()))?,
            Err(e) => Context {
                notes: vec![format!("{e}: the store-aware check is skipped")],
                ..Context::default()
            },
        }
    };
    for d in &args.known_domains {
        let d = d.trim().trim_start_matches('@').to_lowercase();
        if !d.contains('.') {
            return Err(format!(
                "--known-domain {d:?}: expected a domain such as example.co.jp"
            ));
        }
        if !context.known_domains.contains(&d) {
            context.known_domains.push(d);
        }
    }
    Ok(context)
}

/// Text from a message shown on a terminal: control characters (escape
/// sequences a hostile subject could carry) become U+FFFD.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}

/// One block: where, verdict and score, sender and subject, then each reason
/// with its points and the header or text it rests on.
fn render_text(r: &Report) -> String {
    let mut s = format!(
        "{}\n  verdict: {} (score {})\n  From:    {}\n  Subject: {}\n",
        clean(&r.source),
        r.verdict.as_str(),
        r.score,
        clean(&r.from),
        clean(&r.subject)
    );
    if r.reasons.is_empty() {
        s.push_str("  no reason for suspicion found\n");
    }
    match r.verdict {
        Verdict::Dangerous => s.push_str(
            "  advice:  do not open its attachments or links; confirm with the sender by a phone number you already have\n",
        ),
        Verdict::Suspicious => s.push_str(
            "  advice:  check the sender's address and confirm by phone before opening attachments or paying\n",
        ),
        Verdict::Ok => {}
    }
    for reason in &r.reasons {
        s.push_str(&format!(
            "  [+{}] {}: {}\n",
            reason.points,
            reason.code,
            clean(&reason.message)
        ));
        if !reason.evidence.is_empty() {
            s.push_str(&format!("        evidence: {}\n", clean(&reason.evidence)));
        }
    }
    s
}
