//! Input shapes shared by the document and position targets: text built
//! from markdown fragments, multi-byte characters and arbitrary strings;
//! positions mostly near the text, sometimes far outside it.

use arbitrary::{Arbitrary, Unstructured};
use talknotes_ls::position::{Position, PositionEncoding};

pub const FRAGMENTS: &[&str] = &[
    "# ",
    "## ",
    "* ",
    "- ",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "[a](b)",
    "[a]",
    "[a]: b\n",
    "`",
    "```\n",
    "**",
    "_",
    "> ",
    "1. ",
    "    ",
    "|",
    "| a |\n|---|\n",
    "---\n",
    "<!-- x -->",
    "(Ada Lovelace)",
    " - ",
    "PEP 484",
    "bpo-12",
    "https://x.org/a",
    "Title: PyCon 2019\n",
    "–",
    "’",
    "é",
    "🐍",
    "\u{2028}",
    "\u{feff}",
    "a",
    "b",
    " ",
    "word ",
];

/// A piece of text: a fragment or an arbitrary string.
#[derive(Debug, Arbitrary)]
pub enum Piece {
    Fragment(u8),
    Str(String),
}

#[derive(Debug)]
pub struct Text(pub String);

impl<'a> Arbitrary<'a> for Text {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let n = u.int_in_range(0..=24)?;
        let mut s = String::new();
        for _ in 0..n {
            match Piece::arbitrary(u)? {
                Piece::Fragment(i) => s.push_str(FRAGMENTS[i as usize % FRAGMENTS.len()]),
                Piece::Str(t) => s.push_str(&t),
            }
        }
        Ok(Text(s))
    }
}

#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum Enc {
    Utf8,
    Utf16,
    Utf32,
}

impl From<Enc> for PositionEncoding {
    fn from(e: Enc) -> PositionEncoding {
        match e {
            Enc::Utf8 => PositionEncoding::Utf8,
            Enc::Utf16 => PositionEncoding::Utf16,
            Enc::Utf32 => PositionEncoding::Utf32,
        }
    }
}

/// A position: usually a small line and column, sometimes anything.
#[derive(Debug, Clone, Copy)]
pub struct Pos(pub Position);

impl<'a> Arbitrary<'a> for Pos {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let wild = u.ratio(1, 8)?;
        let (line, character) = if wild {
            (u32::arbitrary(u)?, u32::arbitrary(u)?)
        } else {
            (u.int_in_range(0..=16)?, u.int_in_range(0..=40)?)
        };
        Ok(Pos(Position::new(line, character)))
    }
}
