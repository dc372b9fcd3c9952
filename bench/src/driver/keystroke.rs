//! `talknotes-bench --keystroke NOTE`: the server's per-keystroke work on
//! one note, in-process, without JSON, scheduling or other files: the
//! document's incremental reparse and the note's re-extraction, timed for
//! each keystroke the benchmark types (`x` typed at the end of a notes line
//! in the middle of the note, then deleted). Printed by tenths of the run,
//! because the cost is not flat: the first keystrokes after opening a note
//! of hundreds of blocks in a row cost several times the later ones,
//! unless the note was first settled as the server settles it after opening
//! (`talknotes_ls::document::Settling`; `--settling off` to compare).

use std::path::Path;
use std::time::Instant;

use talknotes_ls::document::{Document, Settling, TextChange};
use talknotes_ls::extract::Memo;
use talknotes_ls::index::NoteFile;
use talknotes_ls::position::{Position, PositionEncoding};

use crate::client::utf16_position;
use crate::measure::Spots;

/// Per keystroke: (parse ms, re-extraction ms).
pub fn run(note: &Path, edits: usize, settling: bool) -> Result<(), String> {
    let note = note
        .canonicalize()
        .map_err(|e| format!("{}: {e}", note.display()))?;
    let text = std::fs::read_to_string(&note).map_err(|e| format!("{}: {e}", note.display()))?;
    let url = url::Url::from_file_path(&note).map_err(|_| "not a file path")?;
    let spots = Spots::find(&note, &text)?;
    let (line, character) = utf16_position(&text, spots.notes_line_end);
    let at = Position { line, character };
    let after = Position {
        line,
        character: character + 1,
    };
    let enc = PositionEncoding::Utf16;

    let opened = Instant::now();
    let mut doc = Document::new(&text, 1);
    let mut memo = Memo::default();
    NoteFile::from_syntax_with(url.clone(), &text, doc.syntax(), Some(1), Some(&mut memo));
    let open_ms = ms(opened);
    let settled = Instant::now();
    let settled = (settling && doc.needs_settling()).then(|| {
        for step in 0..Settling::STEPS {
            let mut copy = doc.settling().expect("an analysed note");
            copy.step(step);
            let _ = doc.take_settled(copy);
        }
        ms(settled)
    });

    let mut rows: Vec<(f64, f64)> = Vec::with_capacity(edits);
    for i in 0..edits {
        let version = i as i32 + 2;
        let change = if i % 2 == 0 {
            TextChange::replace(at, at, "x")
        } else {
            TextChange::replace(at, after, "")
        };
        let start = Instant::now();
        doc.apply_changes(&[change], version, enc);
        let parsed = Instant::now();
        let now = doc.text();
        NoteFile::from_syntax_with(
            url.clone(),
            &now,
            doc.syntax(),
            Some(version),
            Some(&mut memo),
        );
        rows.push((ms_between(start, parsed), ms(parsed)));
    }

    println!(
        "{} ({:.0} KB): opened (parse + extraction) in {open_ms:.1} ms; {edits} keystrokes at line {}",
        note.display(),
        text.len() as f64 / 1e3,
        line + 1
    );
    match settled {
        Some(t) => println!(
            "settled ({} steps, as in the server's idle time) in {t:.1} ms",
            Settling::STEPS
        ),
        None => println!("not settled (a short note or few blocks in a row, or --settling off)"),
    }
    println!("\n| keystrokes | parse mean / max | re-extraction mean / max | total mean |");
    println!("|---|---:|---:|---:|");
    let tenth = edits.div_ceil(10).max(1);
    for (k, chunk) in rows.chunks(tenth).enumerate() {
        let mean =
            |f: fn(&(f64, f64)) -> f64| chunk.iter().map(f).sum::<f64>() / chunk.len() as f64;
        let max = |f: fn(&(f64, f64)) -> f64| chunk.iter().map(f).fold(0.0, f64::max);
        println!(
            "| {}–{} | {:.1} / {:.1} ms | {:.1} / {:.1} ms | {:.1} ms |",
            k * tenth + 1,
            k * tenth + chunk.len(),
            mean(|r| r.0),
            max(|r| r.0),
            mean(|r| r.1),
            max(|r| r.1),
            mean(|r| r.0 + r.1)
        );
    }
    Ok(())
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1e3
}

fn ms_between(a: Instant, b: Instant) -> f64 {
    (b - a).as_secs_f64() * 1e3
}
