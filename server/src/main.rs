//! The `talknotes-ls` binary: a language server over stdio, or `--check`.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Parser;
use talknotes_ls::catalog;
use talknotes_ls::check::{self, CheckOptions, Format};
use talknotes_ls::config::Severity;

/// A language server and linter for conference talk notes in markdown.
///
/// With no arguments (or --stdio) it speaks the Language Server Protocol on
/// stdin/stdout. With --check it lints notes files and folders and exits 0
/// (clean), 1 (findings at or above --deny) or 2 (usage or I/O error).
#[derive(Parser, Debug)]
#[command(name = "talknotes-ls", version, about, long_about = None)]
struct Cli {
    /// Speak LSP over stdin/stdout (the default).
    #[arg(long, conflicts_with = "check")]
    stdio: bool,

    /// Lint the given files or folders (default: the current folder).
    #[arg(long)]
    check: bool,

    /// Files or folders to check; a file given by name is read as markdown
    /// whatever its extension.
    #[arg(requires = "check", value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// Output format of --check.
    #[arg(long, value_enum, default_value = "human", requires = "check")]
    format: Format,

    /// Exit 1 when a finding at or above this severity is found.
    #[arg(long, value_enum, default_value = "error", requires = "check")]
    deny: DenyLevel,

    /// A PEP index in the format of peps.python.org's api/peps.json
    /// (also: pep_index in talknotes.toml, TALKNOTES_PEP_INDEX).
    #[arg(long, value_name = "FILE", global = true)]
    pep_index: Option<PathBuf>,

    /// The settings file (default: the nearest talknotes.toml).
    #[arg(long, value_name = "FILE", global = true)]
    config: Option<PathBuf>,

    /// With --check: apply the unambiguous broken-link fixes (one close
    /// candidate), writing each file atomically, then report what is left.
    #[arg(long, requires = "check")]
    fix: bool,

    /// With --fix: print the fixes as a unified diff and write nothing.
    #[arg(long, requires = "fix")]
    dry_run: bool,

    /// Never colour the output (colour is used only on a terminal anyway).
    #[arg(long)]
    no_color: bool,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Print the notes as data: conferences, talks, speakers, libraries,
    /// PEPs and diagnostics (JSON, see docs/export.schema.json), or one CSV
    /// row per talk. Exit codes as --check.
    Export(export_args::Export),
    /// Write one self-contained HTML report: totals, a timeline, speakers
    /// seen at several conferences, most-mentioned libraries and PEPs,
    /// every diagnostic. Exit codes as --check.
    Report(export_args::Report),
    /// The PEP index cache, the popular PyPI projects, conference catalogs.
    #[command(subcommand)]
    Catalog(CatalogCommand),
}

#[derive(clap::Subcommand, Debug)]
enum CatalogCommand {
    /// Download the PEP index and the popular PyPI projects into the cache
    /// (atomically: a failed download keeps the old cache).
    Update {
        /// Only the PEP index.
        #[arg(long)]
        peps_only: bool,
        /// Download the PEP index from this URL (also: pep_index_url,
        /// TALKNOTES_PEP_INDEX_URL).
        #[arg(long, value_name = "URL")]
        pep_index_url: Option<String>,
        /// Download the PyPI projects list from this URL (also:
        /// packages_url, TALKNOTES_PACKAGES_URL).
        #[arg(long, value_name = "URL")]
        packages_url: Option<String>,
        /// Give up on a download after this many seconds.
        #[arg(long, value_name = "SECONDS", default_value = "30")]
        timeout: u64,
    },
    /// What is cached, from when, how many entries; the catalogs configured.
    Status,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum DenyLevel {
    Error,
    Warning,
    Info,
    Hint,
}

impl From<DenyLevel> for Severity {
    fn from(d: DenyLevel) -> Severity {
        match d {
            DenyLevel::Error => Severity::Error,
            DenyLevel::Warning => Severity::Warning,
            DenyLevel::Info => Severity::Info,
            DenyLevel::Hint => Severity::Hint,
        }
    }
}

fn main() {
    talknotes_ls::alloc::limit_arenas();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    init_logging();
    let command = match cli.command {
        Some(Command::Catalog(c)) => Some(c),
        Some(other) => std::process::exit(export_args::run(other, cli.pep_index, cli.config)),
        None => None,
    };
    if let Some(c) = command {
        let (out, err) = (std::io::stdout(), std::io::stderr());
        let code = match c {
            CatalogCommand::Update {
                peps_only,
                pep_index_url,
                packages_url,
                timeout,
            } => {
                let opts = catalog::cli::UpdateOptions {
                    peps_only,
                    pep_index_url,
                    packages_url,
                    config: cli.config,
                    timeout: std::time::Duration::from_secs(timeout),
                };
                catalog::cli::update(&opts, &mut out.lock(), &mut err.lock())
            }
            CatalogCommand::Status => {
                catalog::cli::status(cli.config.as_deref(), &mut out.lock(), &mut err.lock())
            }
        };
        std::process::exit(code);
    }
    if cli.check {
        let stdout = std::io::stdout();
        let color = !cli.no_color && stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
        let opts = CheckOptions {
            paths: cli.paths,
            format: cli.format,
            deny: cli.deny.into(),
            pep_index: cli.pep_index,
            config: cli.config,
            color,
        };
        let (mut out, mut err) = (stdout.lock(), std::io::stderr().lock());
        let code = if cli.fix {
            let opts = talknotes_ls::fix::FixOptions {
                check: opts,
                dry_run: cli.dry_run,
            };
            talknotes_ls::fix::run(&opts, &mut out, &mut err)
        } else {
            check::run(&opts, &mut out, &mut err)
        };
        std::process::exit(code);
    }
    let code = talknotes_ls::lsp::run_stdio(cli.pep_index);
    std::process::exit(code);
}

mod export_args {
    use std::path::PathBuf;

    use talknotes_ls::export::{self, ExportFormat, ExportOptions, ReportOptions};

    use super::{Command, DenyLevel};

    #[derive(clap::Args, Debug)]
    pub struct Common {
        /// Files or folders (default: the current folder), found as --check finds them.
        #[arg(value_name = "PATH")]
        pub paths: Vec<PathBuf>,
        /// Exit 1 when a finding at or above this severity is found.
        #[arg(long, value_enum, default_value = "error")]
        pub deny: DenyLevel,
    }

    #[derive(clap::Args, Debug)]
    pub struct Export {
        #[command(flatten)]
        pub common: Common,
        #[arg(long, value_enum, default_value = "json")]
        pub format: ExportFormat,
        /// Write to FILE instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        pub output: Option<PathBuf>,
    }

    #[derive(clap::Args, Debug)]
    pub struct Report {
        #[command(flatten)]
        pub common: Common,
        /// The HTML file to write (`-`: standard output).
        #[arg(
            short,
            long,
            value_name = "FILE",
            default_value = "talknotes-report.html"
        )]
        pub output: PathBuf,
    }

    pub fn run(command: Command, pep_index: Option<PathBuf>, config: Option<PathBuf>) -> i32 {
        let (out, err) = (std::io::stdout(), std::io::stderr());
        match command {
            Command::Export(a) => export::run_export(
                &ExportOptions {
                    paths: a.common.paths,
                    format: a.format,
                    output: a.output,
                    deny: a.common.deny.into(),
                    pep_index,
                    config,
                },
                &mut out.lock(),
                &mut err.lock(),
            ),
            Command::Report(a) => export::run_report(
                &ReportOptions {
                    paths: a.common.paths,
                    output: a.output,
                    deny: a.common.deny.into(),
                    pep_index,
                    config,
                },
                &mut out.lock(),
                &mut err.lock(),
            ),
            Command::Catalog(_) => unreachable!("catalog commands are run by main"),
        }
    }
}

/// Logs go to stderr (stdout carries the protocol), filtered by RUST_LOG.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
}
