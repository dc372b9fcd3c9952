//! `talknotes-gen --files N --seed S --out DIR`: writes a generated
//! talk-notes workspace (see the `talknotes_bench` library).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: talknotes-gen --files N [--seed S] --out DIR

Writes N generated talk-notes files into year folders under DIR, with a
talknotes.toml and a PEP index. The same seed gives the same bytes.
  --files N   number of notes (e.g. 10000)
  --seed S    seed, default 1
  --out DIR   output folder (created; existing files are overwritten, none deleted)";

fn main() -> ExitCode {
    let mut files: Option<usize> = None;
    let mut seed: u64 = 1;
    let mut out: Option<PathBuf> = None;
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
            eprintln!("talknotes-gen: {key} needs a value\n\n{USAGE}");
            return ExitCode::from(2);
        };
        match key.as_str() {
            "--files" | "-n" => match value.parse() {
                Ok(n) => files = Some(n),
                Err(_) => return bad(&key, &value),
            },
            "--seed" | "-s" => match value.parse() {
                Ok(s) => seed = s,
                Err(_) => return bad(&key, &value),
            },
            "--out" | "-o" => out = Some(PathBuf::from(value)),
            _ => {
                eprintln!("talknotes-gen: unknown argument {key}\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let (Some(files), Some(out)) = (files, out) else {
        eprintln!("talknotes-gen: --files and --out are required\n\n{USAGE}");
        return ExitCode::from(2);
    };
    let start = Instant::now();
    let stats = match talknotes_bench::try_generate(&out, files, seed) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("talknotes-gen: writing to {}: {e}", out.display());
            return ExitCode::FAILURE;
        }
    };
    let secs = start.elapsed().as_secs_f64();
    println!(
        "wrote {} notes ({:.1} MB, {} large) to {} in {secs:.2}s",
        stats.files,
        stats.bytes as f64 / 1e6,
        stats.large_files,
        out.display()
    );
    println!(
        "{} talks, {} distinct speakers, {} cross-file links",
        stats.talks, stats.speakers, stats.links
    );
    let planted: Vec<String> = stats
        .planted
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    println!("planted: {}", planted.join(", "));
    ExitCode::SUCCESS
}

fn bad(key: &str, value: &str) -> ExitCode {
    eprintln!("talknotes-gen: {key}: not a number: {value}\n\n{USAGE}");
    ExitCode::from(2)
}
