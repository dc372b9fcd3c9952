//! `talknotes-bench`: drives the real `talknotes-ls` binary over stdio on
//! generated workspaces and prints one table of figures per run (see
//! bench/README.md). Numbers are printed, never asserted.
//!
//! ```sh
//! cargo run --release -p talknotes-bench --bin talknotes-bench -- --sizes 100,1000,10000
//! ```

mod client;
mod keystroke;
mod measure;

use std::path::PathBuf;
use std::process::ExitCode;

use measure::Options;

const USAGE: &str = "usage: talknotes-bench [--sizes 100,1000,10000] [--repeat N] [--edits N]
                       [--settle N] [--requests N] [--seed S] [--server BIN]
                       [--work-dir DIR]
       talknotes-bench --keystroke NOTE [--edits N] [--settling on|off]

Generates a workspace of each size (talknotes-gen, seeded) in a temporary
folder, drives the release talknotes-ls over stdio on it, and prints the
figures as a markdown table; the folder is deleted afterwards.
  --sizes     workspace sizes in files (default 100,1000,10000)
  --repeat    sessions and --check runs per size (default 3): single figures
              are the median of the runs, percentiles pool every sample
  --edits     one-character edits per session (default 60)
  --settle    untimed keystrokes before the edits timed again, settled
              (default 200)
  --requests  completion and workspace/symbol requests per session (default 200)
  --seed      generator seed (default 1)
  --server    the talknotes-ls binary (default: built with
              `cargo build --release -p talknotes-ls` and taken from target/release)
  --work-dir  where the temporary workspaces go (default: the system temp dir)

--keystroke NOTE: no server, no workspace. Opens NOTE as the server opens a
document and types the benchmark's keystrokes in it (--edits, default 400)
in-process, printing the parse and re-extraction time of each tenth of them.
A note the server would settle after opening it (32 KB or more, 128 blocks
or more in a row) is first settled the same way (timed apart); --settling
off types into the tree of the full parse instead.";

fn main() -> ExitCode {
    let mut opts = Options::default();
    let mut keystroke_note: Option<PathBuf> = None;
    let mut edits_given = false;
    let mut settling = true;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let (key, inline) = match arg.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(v.to_string())),
            None => (arg.clone(), None),
        };
        if key == "-h" || key == "--help" {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        let Some(value) = inline.or_else(|| args.next()) else {
            eprintln!("talknotes-bench: {key} needs a value\n\n{USAGE}");
            return ExitCode::from(2);
        };
        let number = |v: &str| v.trim().parse::<usize>().ok();
        let ok = match key.as_str() {
            "--sizes" => {
                let sizes: Option<Vec<usize>> = value.split(',').map(number).collect();
                sizes.map(|s| opts.sizes = s).is_some()
            }
            "--repeat" => number(&value).map(|n| opts.repeat = n.max(1)).is_some(),
            "--edits" => {
                edits_given = true;
                number(&value).map(|n| opts.edits = n).is_some()
            }
            "--keystroke" => {
                keystroke_note = Some(PathBuf::from(&value));
                true
            }
            "--settling" => match value.as_str() {
                "on" => {
                    settling = true;
                    true
                }
                "off" => {
                    settling = false;
                    true
                }
                _ => false,
            },
            "--settle" => number(&value).map(|n| opts.settle = n).is_some(),
            "--requests" => number(&value).map(|n| opts.requests = n).is_some(),
            "--seed" => value.parse().map(|s| opts.seed = s).is_ok(),
            "--server" => {
                opts.server = Some(PathBuf::from(&value));
                true
            }
            "--work-dir" => {
                opts.work_dir = PathBuf::from(&value);
                true
            }
            _ => {
                eprintln!("talknotes-bench: unknown argument {key}\n\n{USAGE}");
                return ExitCode::from(2);
            }
        };
        if !ok {
            eprintln!("talknotes-bench: {key}: bad value {value:?}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    let result = match keystroke_note {
        Some(note) => {
            let edits = if edits_given { opts.edits } else { 400 };
            keystroke::run(&note, edits, settling)
        }
        None => measure::run(&opts),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("talknotes-bench: {e}");
            ExitCode::FAILURE
        }
    }
}
