//! Where the memory of an indexed workspace goes: the live heap (counted by
//! a wrapping allocator, and with what malloc adds to each allocation)
//! held by the notes the server keeps for unopened files (wide characters,
//! line index, model field by field) and by the workspace facts built over
//! them. tree-sitter trees are not counted: an unopened note keeps none.
//!
//! `cargo bench -p talknotes-ls --bench memory -- FOLDER` (a folder of
//! notes, e.g. one written by `talknotes-gen --files 10000 --out FOLDER`).

use std::path::Path;
use std::sync::Arc;

use talknotes_ls::discover;
use talknotes_ls::index::{Facts, NoteFile};
use talknotes_ls::position::LineIndex;

mod counting;

#[global_allocator]
static ALLOC: counting::Counting = counting::Counting;

fn mib(bytes: isize) -> String {
    format!("{:8.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// Live bytes, allocations, and the bytes malloc holds for them.
type Held = (isize, isize, isize);

fn live() -> Held {
    (counting::live(), counting::blocks(), counting::held())
}

fn since(before: Held) -> Held {
    let now = live();
    (before.0 - now.0, before.1 - now.1, before.2 - now.2)
}

/// Live bytes and allocations freed by `drop_part` over every file.
fn part(files: &mut [Arc<NoteFile>], drop_part: impl Fn(&mut NoteFile)) -> Held {
    let before = live();
    for f in files.iter_mut() {
        drop_part(Arc::get_mut(f).expect("no other holder"));
    }
    since(before)
}

fn main() {
    // `cargo bench` passes `--bench`; the folder is the first other argument.
    let Some(folder) = std::env::args().skip(1).find(|a| !a.starts_with("--")) else {
        eprintln!("usage: cargo bench -p talknotes-ls --bench memory -- FOLDER");
        return;
    };
    let folder = Path::new(&folder).canonicalize().expect("a folder");
    let paths = discover::notes_in(&folder, &globset::GlobSet::empty());
    let mut text_bytes = 0usize;
    let start = live();
    let mut files: Vec<Arc<NoteFile>> = paths
        .iter()
        .filter_map(|p| {
            let (text, stamp) = discover::read_notes_stamped(p).ok()?;
            text_bytes += text.len();
            let url = url::Url::from_file_path(p).ok()?;
            Some(Arc::new(
                NoteFile::analyse(url, &text, None).with_disk(stamp),
            ))
        })
        .collect();
    let held = since(start);
    let before_facts = live();
    counting::take_peak();
    let mut facts = Facts::build(&files, Default::default());
    let facts_peak = counting::take_peak() - before_facts.2;
    let facts_held = since(before_facts);
    let mut fact_rows: Vec<(&str, Held)> = Vec::new();
    macro_rules! fact {
        ($($field:ident),*) => {$(
            let before = live();
            drop(std::mem::take(&mut facts.$field));
            fact_rows.push((stringify!($field), since(before)));
        )*};
    }
    fact!(
        speakers,
        talks,
        talk_keys_by_first_word,
        speaker_typos,
        paths,
        conferences,
        peps,
        issues,
        libraries,
        library_spellings,
        speaker_list,
        speaker_words,
        talk_list,
        talk_words,
        library_list,
        library_words
    );
    drop(facts);

    let count = |n: fn(&NoteFile) -> usize| files.iter().map(|f| n(f)).sum::<usize>();
    println!(
        "{} notes, {} of text, {} lines; {} talks, {} headings, {} links, {} libraries",
        files.len(),
        mib(text_bytes as isize).trim(),
        count(|f| f.lines.line_count()),
        count(|f| f.model.talks.len()),
        count(|f| f.model.headings.len()),
        count(|f| f.model.links.len()),
        count(|f| f.model.libraries.len()),
    );
    println!("live heap held for them:");
    let mut rows: Vec<(&str, Held)> = Vec::new();
    macro_rules! model {
        ($($field:ident),*) => {$(
            let bytes = part(&mut files, |f| drop(std::mem::take(&mut f.model.$field)));
            rows.push((concat!("model: ", stringify!($field)), bytes));
        )*};
    }
    model!(
        talks,
        headings,
        links,
        link_definitions,
        peps,
        issues,
        libraries
    );
    rows.push((
        "model: the rest",
        part(&mut files, |f| drop(std::mem::take(&mut f.model))),
    ));
    rows.push((
        "line index",
        part(&mut files, |f| f.lines = LineIndex::default()),
    ));
    let before_rest = live();
    drop(files);
    rows.push(("wide chars, URL, path, file", since(before_rest)));
    println!(
        "{:<32} {:>12} {:>21} {:>12}",
        "", "live heap", "", "with malloc's headers"
    );
    let row = |indent: usize, name: &str, (bytes, blocks, chunks): Held| {
        let name = format!("{}{name}", " ".repeat(indent));
        println!(
            "{name:<32} {} {blocks:>10} allocations {}",
            mib(bytes),
            mib(chunks)
        );
    };
    for (name, held) in &rows {
        row(2, name, *held);
    }
    let negated = |(a, b, c): Held| (-a, -b, -c);
    row(2, "all of the notes", negated(held));
    row(2, "workspace facts", negated(facts_held));
    println!(
        "    building them held at most {} (with headers)",
        mib(facts_peak).trim()
    );
    for (name, held) in &fact_rows {
        row(4, name, *held);
    }
}
