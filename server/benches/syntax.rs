//! One-character edits on a ~200 KB talk-notes document: tree-sitter-md's
//! own incremental `MarkdownParser::parse(text, Some(old))` against
//! `Document::apply_changes` (block tree incremental + only the touched
//! inline trees reparsed), with full parses and the block tree alone for
//! scale.
//!
//! `cargo bench -p talknotes-ls --bench syntax`
//!
//! Each edit iteration types one character and deletes it again (two
//! edits), so the document is the same at the start of every iteration.

use criterion::{criterion_group, criterion_main, Criterion};
use ropey::Rope;
use talknotes_ls::document::{Document, TextChange};
use talknotes_ls::position::{Position, PositionEncoding};
use talknotes_ls::syntax::Syntax;
use tree_sitter::{InputEdit, Parser, Point};
use tree_sitter_md::MarkdownParser;

/// Talk-notes shaped sections repeated up to `bytes`.
fn notes(bytes: usize) -> String {
    let mut text = String::from("# PyCon US 2024\n\nNotes from the conference – by me.\n\n");
    let mut i = 0;
    while text.len() < bytes {
        text.push_str(&format!(
            "## Talk {i}: Typing’s *good* parts\n\n\
             Speaker: Jane Doe • [slides](https://example.com/{i}) • PEP 484, PEP 6{i:02}\n\n\
             Some notes about the talk, with `code`, **bold** and a link to\n\
             [the docs](https://docs.python.org/3/library/typing.html).\n\n\
             * point one 🐍\n\
             * point two\n  continued on a second line\n\
             \x20 - nested point é\n\n\
             > A quote from the talk [ref{i}]\n\n\
             | what | where |\n|---|---|\n| *slides* | [link](https://example.com/s{i}) |\n\n\
             [ref{i}]: https://example.com/r{i}\n\n"
        ));
        i += 1;
    }
    text
}

fn point(text: &str, byte: usize) -> Point {
    let before = &text[..byte];
    let row = before.matches('\n').count();
    Point {
        row,
        column: byte - before.rfind('\n').map_or(0, |i| i + 1),
    }
}

fn bench(c: &mut Criterion) {
    let text = notes(200_000);
    // The middle of a paragraph line near the middle of the document.
    let at = text[text.len() / 2..].find("Some notes").unwrap() + text.len() / 2 + 4;
    let mut typed = text.clone();
    typed.insert(at, 'x');
    let p = point(&text, at);
    let insert = InputEdit {
        start_byte: at,
        old_end_byte: at,
        new_end_byte: at + 1,
        start_position: p,
        old_end_position: p,
        new_end_position: Point {
            column: p.column + 1,
            ..p
        },
    };
    let delete = InputEdit {
        start_byte: at,
        old_end_byte: at + 1,
        new_end_byte: at,
        start_position: p,
        old_end_position: Point {
            column: p.column + 1,
            ..p
        },
        new_end_position: p,
    };
    eprintln!(
        "document: {} bytes, {} lines, {} inline trees; edit at byte {at}",
        text.len(),
        text.lines().count(),
        Syntax::parse(&text).inline_trees().count()
    );

    let mut group = c.benchmark_group("200KB");
    group.sample_size(10);

    group.bench_function("full parse: tree-sitter-md MarkdownParser", |b| {
        let mut parser = MarkdownParser::default();
        b.iter(|| parser.parse(text.as_bytes(), None).unwrap())
    });
    group.bench_function("full parse: Syntax::parse", |b| {
        b.iter(|| Syntax::parse(&text))
    });
    group.bench_function("full parse: block tree only", |b| {
        let mut parser = Parser::new();
        parser
            .set_language(&tree_sitter_md::LANGUAGE.into())
            .unwrap();
        b.iter(|| parser.parse(&text, None).unwrap())
    });

    group.bench_function(
        "type+delete 1 char: tree-sitter-md MarkdownParser incremental",
        |b| {
            let mut parser = MarkdownParser::default();
            let mut tree = parser.parse(text.as_bytes(), None).unwrap();
            b.iter(|| {
                tree.edit(&insert);
                tree = parser.parse(typed.as_bytes(), Some(&tree)).unwrap();
                tree.edit(&delete);
                tree = parser.parse(text.as_bytes(), Some(&tree)).unwrap();
            })
        },
    );
    group.bench_function("type+delete 1 char: block tree only, incremental", |b| {
        let mut parser = Parser::new();
        parser
            .set_language(&tree_sitter_md::LANGUAGE.into())
            .unwrap();
        let mut tree = parser.parse(&text, None).unwrap();
        b.iter(|| {
            tree.edit(&insert);
            tree = parser.parse(&typed, Some(&tree)).unwrap();
            tree.edit(&delete);
            tree = parser.parse(&text, Some(&tree)).unwrap();
        })
    });
    group.bench_function("type+delete 1 char: Syntax::edit", |b| {
        let (rope, typed_rope) = (Rope::from_str(&text), Rope::from_str(&typed));
        let mut syntax = Syntax::parse(&text);
        b.iter(|| {
            syntax.edit(&insert, &typed_rope);
            syntax.edit(&delete, &rope);
        })
    });
    group.bench_function("type+delete 1 char: Document::apply_changes", |b| {
        let mut doc = Document::new(&text, 0);
        let start = doc.position_at(at, PositionEncoding::Utf16);
        let end = Position::new(start.line, start.character + 1);
        let mut version = 0;
        b.iter(|| {
            version += 2;
            doc.apply_changes(
                &[TextChange::replace(start, start, "x")],
                version - 1,
                PositionEncoding::Utf16,
            );
            doc.apply_changes(
                &[TextChange::replace(start, end, "")],
                version,
                PositionEncoding::Utf16,
            );
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
