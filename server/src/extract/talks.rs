//! Finding the talks of a file: headings, list items and paragraph lines
//! that are talk entries, with their speakers and the range of their notes.
//!
//! A file has a style. Talk lines that carry a speaker (or a keynote prefix,
//! or a schedule link under them) are certain; they tell which form and
//! which heading level the file uses for talks. Entries of that same form
//! without a speaker are then talks too — the ones `missing-speaker` is
//! about. A form no certain talk uses is never guessed at: a false alarm
//! costs a user as much as a missed one.

use std::cell::RefCell;
use std::collections::HashMap;

use super::blocks::{lines, Block, BlockKind};
use super::memo::Memo;
use super::names::{is_person_name, split_talk_line, trim_range, Separator, TalkLine};
use crate::model::{Speaker, SpeakerSlot, Talk, TalkForm, TalkParts, TextRange};

/// Headings and lines that are sections, not talks.
fn is_section_name(title: &str) -> bool {
    let t = title
        .trim()
        .trim_end_matches([':', '.'])
        .trim()
        .to_lowercase();
    const EXACT: &[&str] = &[
        "notes",
        "my notes",
        "random notes",
        "other notes",
        "misc",
        "miscellaneous",
        "summary",
        "links",
        "resources",
        "references",
        "slides",
        "video",
        "videos",
        "takeaways",
        "key takeaways",
        "highlights",
        "favorite talks",
        "favourite talks",
        "talks",
        "keynotes",
        "tutorials",
        "lightning talks",
        "open spaces",
        "sprints",
        "posters",
        "contents",
        "table of contents",
        "agenda",
        "schedule",
        "overview",
        "introduction",
        "conclusion",
        "thoughts",
        "todo",
        "to do",
        "questions",
        "q&a",
    ];
    if EXACT.contains(&t.as_str()) {
        return true;
    }
    const STARTS: &[&str] = &[
        "lightning talks",
        "talks i ",
        "talks to ",
        "other talks",
        "more talks",
        "notes from",
        "notes on",
        "my notes",
        "day ",
        "random ",
        "favorite ",
        "favourite ",
        "things i ",
        "sessions ",
        "would like to see",
    ];
    if STARTS.iter().any(|p| t.starts_with(p)) {
        return true;
    }
    // `Ada's notes`, `Friday`, `Friday PM`, `Day 2`.
    if t.ends_with("'s notes") || t.ends_with("’s notes") || t.ends_with(" notes") {
        return true;
    }
    const DAYS: &[&str] = &[
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    DAYS.iter()
        .any(|d| t.starts_with(d) && t.len() < d.len() + 12)
}

/// A link under a heading that says it is a talk: its schedule page or video.
pub fn is_talk_url(url: &str) -> bool {
    let u = url.to_ascii_lowercase();
    (u.contains("/schedule/presentation/") || u.contains("/talk/") || u.contains("/talks/"))
        || u.contains("youtube.com/watch")
        || u.contains("youtu.be/")
        || u.contains("pyvideo.org/")
        || u.contains("vimeo.com/")
}

pub struct TalkInput<'a> {
    pub text: &'a str,
    pub blocks: &'a [Block],
    /// Every link target with its range (for "a schedule link under a
    /// heading"), sorted by start.
    pub links: &'a [(TextRange, &'a str)],
    /// The line the conference was read from: never a talk.
    pub conference_line: Option<TextRange>,
    /// Where talk lines read in the document's previous run are kept.
    pub memo: RefCell<Option<&'a mut Memo>>,
}

impl TalkInput<'_> {
    /// [`split_talk_line`], through the memo when there is one.
    fn talk_line(&self, line: &str) -> TalkLine {
        match self.memo.borrow_mut().as_deref_mut() {
            Some(memo) => memo.talk_line(line),
            None => split_talk_line(line),
        }
    }
}

pub fn find_talks(input: &TalkInput) -> Vec<Talk> {
    let mut talks = heading_talks(input);
    let taken: Vec<TextRange> = talks.iter().map(|t| t.range()).collect();
    let inside_taken = |r: &TextRange| taken.iter().any(|t| t.start <= r.start && r.end <= t.end);
    talks.extend(list_talks(input, &inside_taken));
    let taken: Vec<TextRange> = talks.iter().map(|t| t.range()).collect();
    let inside_taken = |r: &TextRange| taken.iter().any(|t| t.start <= r.start && r.end <= t.end);
    talks.extend(paragraph_talks(input, &inside_taken));
    talks.sort_by_key(|t| t.line_range().start);
    talks
}

/// Turns a read talk line into model parts; `base` is the line's offset.
fn speakers_of(text: &str, line: &TalkLine, base: usize) -> Vec<Speaker> {
    line.speakers
        .iter()
        .map(|r| {
            Speaker::new(
                normalize_space(&text[base + r.start..base + r.end]).into(),
                base + r.start..base + r.end,
            )
        })
        .collect()
}

pub fn normalize_space(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The visible text of a title: link syntax and emphasis markers removed.
pub fn visible_title(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        if let Some(close) = after.find("](") {
            if let Some(end) = after[close + 2..].find(')') {
                out.push_str(&after[..close]);
                rest = &after[close + 2 + end + 1..];
                continue;
            }
        }
        out.push('[');
        rest = after;
    }
    out.push_str(rest);
    let out: String = out.chars().filter(|c| !matches!(c, '*' | '`')).collect();
    normalize_space(out.trim_matches(|c: char| c == '_' || c.is_whitespace()))
}

struct Candidate {
    block: usize,
    line: TalkLine,
    certain: bool,
}

fn heading_talks(input: &TalkInput) -> Vec<Talk> {
    let text = input.text;
    let headings: Vec<(usize, &Block, u8)> = input
        .blocks
        .iter()
        .enumerate()
        .filter_map(|(i, b)| match b.kind {
            BlockKind::Heading { level } => Some((i, b, level)),
            _ => None,
        })
        .collect();

    // One talk per file: `# Title` with `## Speaker Name` (or a
    // `Speaker: Name` line) right under it.
    let mut speaker_headings: HashMap<usize, Vec<Speaker>> = HashMap::new();
    let mut consumed = vec![false; input.blocks.len()];
    let mut per_level = [0usize; 7];
    for (_, _, level) in &headings {
        per_level[usize::from(*level).min(6)] += 1;
    }
    for (i, b, level) in &headings {
        let Some(next) = input.blocks.get(i + 1) else {
            continue;
        };
        // A heading that names its speaker has them: `## Tact Hacks` under
        // `# Effective Code Review (Erik Rose)` is a sub-section. And a file
        // of many talks at this level is not one talk per file: `## Performance
        // Options` under `# Cython` is a sub-section too.
        if !input
            .talk_line(&text[b.content.clone()])
            .speakers
            .is_empty()
            || per_level[usize::from(*level).min(6)] > 1
        {
            continue;
        }
        match next.kind {
            BlockKind::Heading { level: l2 } if l2 == level + 1 => {
                let (s, e) = trim_range(text, next.content.start, next.content.end);
                let name = &text[s..e];
                let name_only = name
                    .strip_prefix("Speaker:")
                    .or_else(|| name.strip_prefix("Speakers:"))
                    .or_else(|| name.strip_prefix("By "))
                    .unwrap_or(name);
                let offset = e - name_only.len();
                let names = split_names(name_only, offset);
                if !names.is_empty() && !is_section_name(&text[b.content.clone()]) {
                    speaker_headings.insert(*i, names);
                    consumed[i + 1] = true;
                }
            }
            BlockKind::Paragraph => {
                let line = super::blocks::first_line(text, next.content.clone());
                let l = &text[line.clone()];
                for p in ["Speaker:", "Speakers:", "Speaker -", "By:"] {
                    if let Some(rest) = l.strip_prefix(p) {
                        let names = split_names(rest, line.start + p.len());
                        if !names.is_empty() {
                            speaker_headings.insert(*i, names);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    let mut candidates: Vec<Candidate> = Vec::new();
    let mut strength_by_level: HashMap<u8, usize> = HashMap::new();
    for (i, b, level) in &headings {
        if consumed[*i] {
            continue;
        }
        let raw = &text[b.content.clone()];
        if input
            .conference_line
            .as_ref()
            .is_some_and(|c| c.start <= b.content.start && b.content.end <= c.end)
        {
            continue;
        }
        let line = input.talk_line(raw);
        let own_section = own_section(input.blocks, *i);
        let first = input
            .links
            .partition_point(|(r, _)| r.start < own_section.start);
        let has_talk_link = input.links[first..]
            .iter()
            .take_while(|(r, _)| r.start < own_section.end)
            .any(|(_, url)| is_talk_url(url));
        let title_is_link = raw.trim_start().starts_with('[') && raw.contains("](");
        let certain = !line.speakers.is_empty()
            || speaker_headings.contains_key(i)
            || line.prefixed
            || title_is_link
            || has_talk_link;
        if certain {
            *strength_by_level.entry(*level).or_default() += 1;
        }
        candidates.push(Candidate {
            block: *i,
            line,
            certain,
        });
    }
    // The talk level: the level most certain talks use; ties go to the higher level.
    let Some(talk_level) = strength_by_level
        .iter()
        .max_by_key(|(level, n)| (**n, std::cmp::Reverse(**level)))
        .map(|(l, _)| *l)
    else {
        return Vec::new();
    };

    let style = file_style(
        candidates
            .iter()
            .filter(|c| c.certain && !c.line.speakers.is_empty())
            .map(|c| c.line.separator),
        Separator::Parens,
    );

    let mut talks = Vec::new();
    for c in candidates {
        let b = &input.blocks[c.block];
        let BlockKind::Heading { level } = b.kind else {
            continue;
        };
        // Off the talk level, only a heading that names its speaker is a talk
        // (`### Talk: [Title](url) by Name` among `## "Title" by Name`).
        let names_speaker = !c.line.speakers.is_empty() || speaker_headings.contains_key(&c.block);
        if level != talk_level && !names_speaker {
            continue;
        }
        let title_raw =
            &text[b.content.start + c.line.title.start..b.content.start + c.line.title.end];
        let title = visible_title(title_raw);
        if !c.certain && !plausible_bare_title(&title) {
            continue;
        }
        if is_section_name(&title) && c.line.speakers.is_empty() {
            continue;
        }
        let mut speakers = speakers_of(text, &c.line, b.content.start);
        if let Some(extra) = speaker_headings.get(&c.block) {
            speakers.extend(extra.iter().cloned());
        }
        let range = section_of(input, c.block, level);
        let notes_start = b.range.end.min(range.end);
        talks.push(Talk::new(TalkParts {
            title: title.into(),
            title_range: b.content.start + c.line.title.start..b.content.start + c.line.title.end,
            speakers,
            form: TalkForm::Heading { level },
            keynote: c.line.keynote,
            line_range: b.content.clone(),
            notes_range: (notes_start < range.end).then_some(notes_start..range.end),
            empty_notes: empty_notes_heading(input, c.block, level, &range),
            speaker_slot: slot(b.content.start + c.line.title.end, style, &c.line),
            range,
        }));
    }
    // A talk heading nested in another talk's section ends that talk.
    for i in 0..talks.len().saturating_sub(1) {
        let next = talks[i + 1].range().start;
        let t = &mut talks[i];
        if t.range().contains(&next) {
            t.end_at(next);
        }
    }
    talks
}

/// From the heading at `index` to the next heading of the same or a higher
/// level (tree-sitter's `section`, which setext headings do not get).
fn section_of(input: &TalkInput, index: usize, level: u8) -> TextRange {
    let b = &input.blocks[index];
    if let Some(s) = &b.section {
        return s.clone();
    }
    let end = input.blocks[index + 1..]
        .iter()
        .find(|n| matches!(n.kind, BlockKind::Heading { level: l } if l <= level))
        .map_or(input.text.len(), |n| n.range.start);
    b.range.start..end.max(b.range.end)
}

/// From the heading at `index` to the next heading of any level.
fn own_section(blocks: &[Block], index: usize) -> TextRange {
    let start = blocks[index].range.start;
    let end = blocks[index + 1..]
        .iter()
        .find(|b| matches!(b.kind, BlockKind::Heading { .. }))
        .map_or(usize::MAX, |b| b.range.start);
    start..end
}

/// A `## Notes` sub-heading under the talk with nothing below it.
fn empty_notes_heading(
    input: &TalkInput,
    index: usize,
    level: u8,
    talk: &TextRange,
) -> Option<TextRange> {
    let blocks = input.blocks;
    for (j, b) in blocks.iter().enumerate().skip(index + 1) {
        if !talk.contains(&b.range.start) {
            break;
        }
        if let BlockKind::Heading { level: l } = b.kind {
            if l > level
                && input.text[b.content.clone()]
                    .trim()
                    .eq_ignore_ascii_case("notes")
            {
                let next_is_heading_or_end = blocks
                    .get(j + 1)
                    .is_none_or(|n| matches!(n.kind, BlockKind::Heading { .. }));
                let section = section_of(input, j, l);
                let body = &input.text[b.range.end.min(section.end)..section.end];
                if next_is_heading_or_end && body.trim().is_empty() {
                    // The whole `## Notes` line, markers included.
                    return Some(super::blocks::first_line(input.text, b.range.clone()));
                }
            }
        }
    }
    None
}

/// Could this be a talk title with nothing else to go on: two words at
/// least (or a `Title: subtitle`), not a question or a sentence.
fn plausible_bare_title(title: &str) -> bool {
    let words = title.split_whitespace().count();
    let t = title.trim();
    (words >= 2 || t.contains(':'))
        && words <= 20
        && !t.ends_with('?')
        && !t.ends_with('.')
        && t.chars().next().is_some_and(|c| !c.is_lowercase())
        && !is_section_name(t)
}

fn split_names(s: &str, base: usize) -> Vec<Speaker> {
    let (start, end) = trim_range(s, 0, s.len());
    let s2 = &s[start..end];
    let parts: Vec<&str> = s2
        .split([',', '&'])
        .flat_map(|p| p.split(" and "))
        .collect();
    if parts.iter().all(|p| is_person_name(p)) {
        let mut out = Vec::new();
        let mut search_from = 0;
        for p in parts {
            let p = p.trim();
            if let Some(pos) = s2[search_from..].find(p) {
                let at = start + search_from + pos;
                out.push(Speaker::new(
                    normalize_space(p).into(),
                    base + at..base + at + p.len(),
                ));
                search_from += pos + p.len();
            }
        }
        out
    } else {
        Vec::new()
    }
}

fn file_style(seps: impl Iterator<Item = Separator>, default: Separator) -> Separator {
    let mut counts: HashMap<u8, (usize, Separator)> = HashMap::new();
    for s in seps {
        if s == Separator::Colon {
            continue;
        }
        counts.entry(s as u8).or_insert((0, s)).0 += 1;
    }
    counts
        .into_values()
        .max_by_key(|(n, s)| (*n, std::cmp::Reverse(*s as u8)))
        .map_or(default, |(_, s)| s)
}

fn slot(title_end: usize, style: Separator, line: &TalkLine) -> SpeakerSlot {
    if line.dangling {
        // `Title,`: the separator is there already.
        return SpeakerSlot::new(title_end + 1, style, true);
    }
    SpeakerSlot::new(title_end, style, false)
}

/// List items that are talks: `- Title - Speaker`, `* **Title - Speaker**`.
fn list_talks(input: &TalkInput, taken: &dyn Fn(&TextRange) -> bool) -> Vec<Talk> {
    let text = input.text;
    struct Item {
        block: usize,
        line: TalkLine,
        base: usize,
        bold: bool,
    }
    let mut items: Vec<Item> = Vec::new();
    // Talk items are the outermost items not inside another talk.
    // Blocks come in document order and a talk item's nested items are
    // skipped, so talk ranges are disjoint and sorted: only the latest can
    // hold the next item (a note that is one long list has thousands).
    let mut talk_ranges: Vec<TextRange> = Vec::new();
    for (i, b) in input.blocks.iter().enumerate() {
        let BlockKind::ListItem { .. } = b.kind else {
            continue;
        };
        if taken(&b.range)
            || talk_ranges
                .last()
                .is_some_and(|r| r.contains(&b.range.start))
        {
            continue;
        }
        let (line_text, base, bold) = unbold(text, b.content.clone());
        let line = input.talk_line(line_text);
        if !line.speakers.is_empty() {
            talk_ranges.push(b.range.clone());
        }
        items.push(Item {
            block: i,
            line,
            base,
            bold,
        });
    }
    let certain_bold = items
        .iter()
        .filter(|it| it.bold && !it.line.speakers.is_empty())
        .count();
    let style = file_style(
        items
            .iter()
            .filter(|it| !it.line.speakers.is_empty())
            .map(|it| it.line.separator),
        Separator::Hyphen,
    );

    let mut chosen: Vec<(Item, bool)> = Vec::new();
    for it in items {
        let b = &input.blocks[it.block];
        let certain = !it.line.speakers.is_empty();
        // A bold item in a file whose bold items are talks is a talk too.
        let bold_talk = it.bold
            && certain_bold >= 2
            && it.line.speakers.is_empty()
            && matches!(b.kind, BlockKind::ListItem { depth: 0 })
            && plausible_bare_title(&visible_title(&text[it.base..it.base + it.line.title.end]));
        if certain || bold_talk {
            // Disjoint and sorted too: the latest chosen is the one to ask.
            if chosen
                .last()
                .is_some_and(|(c, _)| input.blocks[c.block].range.contains(&b.range.start))
            {
                continue;
            }
            chosen.push((it, certain));
        }
    }

    let mut talks = Vec::new();
    for (n, (it, _)) in chosen.iter().enumerate() {
        let b = &input.blocks[it.block];
        // The entry runs to the next talk of the same list, or the end of the
        // list: notes may be nested items (`* **Talk**` / `    * note`) or
        // sibling items after it (`- Talk - Name` / `- note`).
        let next_talk = chosen
            .get(n + 1)
            .map(|(c, _)| input.blocks[c.block].range.start)
            .unwrap_or(usize::MAX);
        let list_end = enclosing_list_end(input.blocks, it.block, next_talk);
        let end = list_end.min(next_talk).max(b.range.end);
        let range = b.range.start..end;
        let title_range = it.base + it.line.title.start..it.base + it.line.title.end;
        let line_end = b.content.end;
        talks.push(Talk::new(TalkParts {
            title: visible_title(&text[title_range.clone()]).into(),
            title_range,
            speakers: speakers_of(text, &it.line, it.base),
            form: TalkForm::ListItem { bold: it.bold },
            keynote: it.line.keynote,
            line_range: b.content.clone(),
            notes_range: (line_end < end).then_some(line_end..end),
            empty_notes: None,
            speaker_slot: slot(it.base + it.line.title.end, style, &it.line),
            range,
        }));
    }
    talks
}

/// The end of the run of list items that `index` belongs to (siblings and
/// their nested items), approximated by the last consecutive list item; or,
/// once the run reaches an item starting at `limit` or later, some offset
/// past `limit` (the caller stops there anyway: each talk then reads only
/// up to the next, not to the end of a list of thousands).
fn enclosing_list_end(blocks: &[Block], index: usize, limit: usize) -> usize {
    let BlockKind::ListItem { depth } = blocks[index].kind else {
        return blocks[index].range.end;
    };
    let mut end = blocks[index].range.end;
    for b in &blocks[index + 1..] {
        match b.kind {
            BlockKind::ListItem { depth: d } if d >= depth => {
                end = end.max(b.range.end);
                if b.range.start >= limit {
                    break;
                }
            }
            _ => break,
        }
    }
    end
}

/// Strips `**…**` / `__…__` around a whole line; returns the inner text,
/// its offset and whether it was bold.
fn unbold(text: &str, range: TextRange) -> (&str, usize, bool) {
    let s = &text[range.clone()];
    let t = s.trim();
    let lead = s.len() - s.trim_start().len();
    for m in ["**", "__"] {
        if t.len() > 4 && t.starts_with(m) {
            // `**Title - Name**` or `**Title** - Name`.
            let inner = &t[2..];
            if let Some(close) = inner.find(m) {
                let after = inner[close + 2..].trim();
                if after.is_empty() {
                    return (&inner[..close], range.start + lead + 2, true);
                }
                // `**Title** - Name`: keep the whole line, markers and all; the
                // title is read without them by visible_title.
                return (&s[lead..], range.start + lead, true);
            }
        }
    }
    (&s[lead..], range.start + lead, false)
}

const BULLETS: &[char] = &['•', '◦', '▪', '‣', '·', '●', '○', '■', '□', '➢', '→'];

fn is_bullet_line(line: &str) -> bool {
    line.trim_start().starts_with(BULLETS)
}

/// Paragraph lines that are talks: `Title, Speaker`, `Title – Speaker`, a
/// person's name alone above `•` notes (a keynote), and — where the file
/// uses this form — short lines above `•` notes with no speaker.
fn paragraph_talks(input: &TalkInput, taken: &dyn Fn(&TextRange) -> bool) -> Vec<Talk> {
    let text = input.text;
    struct Line {
        range: TextRange,
        read: TalkLine,
        notes_follow: bool,
        name_only: bool,
    }
    let mut all_lines: Vec<TextRange> = Vec::new();
    for b in input.blocks {
        match b.kind {
            BlockKind::Paragraph | BlockKind::Code { fenced: false } => {
                if taken(&b.range) {
                    continue;
                }
                all_lines.extend(lines(text, b.content.clone()));
            }
            _ => {}
        }
    }
    // Which prose lines are talk lines. `notes_follow`: the next non-blank
    // line of the file is a `•` bullet.
    let mut candidates: Vec<Line> = Vec::new();
    for (k, r) in all_lines.iter().enumerate() {
        let raw = &text[r.clone()];
        if raw.trim().is_empty() || is_bullet_line(raw) || raw.starts_with("    ") {
            continue;
        }
        if input
            .conference_line
            .as_ref()
            .is_some_and(|c| c.start <= r.start && r.end <= c.end)
        {
            continue;
        }
        if raw.len() > 200 {
            continue;
        }
        let next = all_lines[k + 1..]
            .iter()
            .map(|n| &text[n.clone()])
            .find(|l| !l.trim().is_empty());
        let gap_is_blank = all_lines
            .get(k + 1)
            .is_none_or(|n| text[r.end..n.start].lines().take(4).count() <= 3);
        let notes_follow = next.is_some_and(is_bullet_line) && gap_is_blank;
        let read = input.talk_line(raw);
        let title = &raw[read.title.clone()];
        if title.contains(". ") {
            continue;
        }
        candidates.push(Line {
            range: r.clone(),
            name_only: read.speakers.is_empty() && is_person_name(raw.trim()),
            read,
            notes_follow,
        });
    }
    let certain = candidates
        .iter()
        .filter(|c| !c.read.speakers.is_empty() && !is_section_name(&text[c.range.clone()]))
        .count();
    let style = file_style(
        candidates
            .iter()
            .filter(|c| !c.read.speakers.is_empty())
            .map(|c| c.read.separator),
        Separator::Comma,
    );
    let mut chosen: Vec<&Line> = Vec::new();
    for c in &candidates {
        let raw = &text[c.range.clone()];
        let title = &raw[c.read.title.clone()];
        if is_section_name(title) || is_section_name(raw) {
            continue;
        }
        let is_talk = if !c.read.speakers.is_empty() {
            true
        } else if c.name_only {
            c.notes_follow
        } else {
            // Only in a file that writes its talks this way.
            certain >= 2
                && c.notes_follow
                && (c.read.dangling || plausible_bare_title(title))
                && !raw.trim_end().ends_with(':')
        };
        if is_talk {
            chosen.push(c);
        }
    }
    let mut talks = Vec::new();
    for (n, c) in chosen.iter().enumerate() {
        let next_start = chosen.get(n + 1).map_or(usize::MAX, |n| n.range.start);
        let end = entry_end(input, c.range.end, next_start);
        let (title_range, speakers, keynote) = if c.name_only {
            let (s, e) = trim_range(text, c.range.start, c.range.end);
            (
                s..e,
                vec![Speaker::new(normalize_space(&text[s..e]).into(), s..e)],
                true,
            )
        } else {
            (
                c.range.start + c.read.title.start..c.range.start + c.read.title.end,
                speakers_of(text, &c.read, c.range.start),
                c.read.keynote,
            )
        };
        talks.push(Talk::new(TalkParts {
            title: visible_title(&text[title_range.clone()]).into(),
            speaker_slot: slot(title_range.end, style, &c.read),
            title_range,
            speakers,
            form: TalkForm::Paragraph,
            keynote,
            line_range: c.range.clone(),
            notes_range: (c.range.end < end).then_some(c.range.end..end),
            empty_notes: None,
            range: c.range.start..end,
        }));
    }
    talks
}

/// A paragraph talk's notes run to the next talk line, the next heading or
/// the next prose line that is not a bullet.
fn entry_end(input: &TalkInput, from: usize, next_talk: usize) -> usize {
    let text = input.text;
    let mut end = from;
    for b in input.blocks {
        if b.range.end <= from {
            continue;
        }
        if b.range.start >= next_talk {
            break;
        }
        match b.kind {
            BlockKind::Heading { .. } => break,
            BlockKind::Paragraph | BlockKind::Code { fenced: false } => {
                for l in lines(text, b.content.clone()) {
                    if l.start < from {
                        continue;
                    }
                    let raw = &text[l.clone()];
                    if raw.trim().is_empty() {
                        continue;
                    }
                    if !is_bullet_line(raw) && !raw.starts_with("  ") {
                        return end.max(from);
                    }
                    end = l.end;
                }
            }
            _ => end = end.max(b.range.end.min(next_talk)),
        }
    }
    end.max(from)
}

/// Word-level key for comparing titles loosely: lowercase letters and
/// digits, single spaces.
pub fn title_key(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    let mut space = false;
    for c in title.chars() {
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_lowercase());
        } else if c != '\'' && c != '’' {
            space = true;
        }
    }
    out
}
