//! Fuzzy matching for completion and workspace symbols, built to stay fast
//! on large workspaces: candidates are found through a word index (what a
//! person types is nearly always the start of a word: `grok`, `Rhod`), and
//! only those are scored by nucleo's matcher (the fzf algorithm, as used by
//! Helix). A full fuzzy scan (`grkgil`) runs only when the word index finds
//! too little, and then over a bounded number of candidates.

use std::collections::HashMap;

use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

/// The letters, digits and ASCII punctuation a string holds, as bits: a
/// candidate that lacks one of the query's is rejected without running the
/// matcher (which matches punctuation literally: `S. ` needs a `.`).
/// Punctuation shares 28 bits, so a bit may stand for two marks: the test
/// stays a necessary condition.
pub fn char_mask(s: &str) -> u64 {
    let mut mask = 0u64;
    for c in s.chars() {
        mask |= char_bit(c);
    }
    mask
}

fn char_bit(c: char) -> u64 {
    let c = nucleo_matcher::chars::normalize(nucleo_matcher::chars::to_lower_case(c));
    match c {
        'a'..='z' => 1 << (c as u32 - 'a' as u32),
        '0'..='9' => 1 << (26 + c as u32 - '0' as u32),
        // Not `\`: the matcher reads `\ ` as an escaped space.
        c if c.is_ascii_punctuation() && c != '\\' => 1 << (36 + c as u32 % 28),
        _ => 0,
    }
}

/// Lower case, accents folded (`Pérez` → `perez`): the form words are
/// indexed and looked up in.
pub fn fold(s: &str) -> String {
    s.chars()
        .map(|c| nucleo_matcher::chars::normalize(nucleo_matcher::chars::to_lower_case(c)))
        .collect()
}

/// The words of a text, folded: letters and digits, split at anything else.
pub fn words(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(fold)
}

/// A query compiled once and scored against many candidates.
pub struct Query {
    pattern: Pattern,
    matcher: Matcher,
    mask: u64,
    buf: Vec<char>,
    /// The first word of the query, folded (for the word index).
    pub first_word: String,
    pub is_empty: bool,
    /// Characters in the query, spaces aside.
    pub len: usize,
    /// The query is one word (letters and digits): the word index answers it.
    pub single_word: bool,
}

impl Query {
    pub fn new(query: &str) -> Query {
        // Folded, so that `Bränd` finds `Brandon` as `brand` would.
        let pattern = Pattern::new(
            &fold(query),
            CaseMatching::Ignore,
            Normalization::Smart,
            AtomKind::Fuzzy,
        );
        let mut config = Config::DEFAULT;
        config.prefer_prefix = true;
        Query {
            pattern,
            matcher: Matcher::new(config),
            mask: char_mask(query),
            buf: Vec::new(),
            first_word: words(query).next().unwrap_or_default(),
            is_empty: query.trim().is_empty(),
            len: query.chars().filter(|c| !c.is_whitespace()).count(),
            single_word: !query.trim().is_empty()
                && query.trim().chars().all(char::is_alphanumeric),
        }
    }

    /// The score of `candidate` (higher is better), None when it does not
    /// match. `mask` is the candidate's [`char_mask`].
    pub fn score(&mut self, candidate: &str, mask: u64) -> Option<u32> {
        if self.mask & !mask != 0 {
            return None;
        }
        self.pattern
            .score(Utf32Str::new(candidate, &mut self.buf), &mut self.matcher)
    }
}

/// Candidates by the words they contain, for "which entries have a word
/// starting with `rhod`" in a binary search.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WordIndex {
    /// Folded word → entry ids (ascending, no duplicates), sorted by word.
    words: Vec<(Box<str>, Vec<u32>)>,
}

impl WordIndex {
    /// `texts[i]` is the text of entry `i`.
    pub fn build<'a>(texts: impl Iterator<Item = &'a str>) -> WordIndex {
        let mut map: HashMap<String, Vec<u32>> = HashMap::new();
        for (i, text) in texts.enumerate() {
            for w in words(text) {
                let ids = map.entry(w).or_default();
                if ids.last() != Some(&(i as u32)) {
                    ids.push(i as u32);
                }
            }
        }
        let mut words: Vec<(Box<str>, Vec<u32>)> = map
            .into_iter()
            .map(|(w, ids)| (w.into_boxed_str(), ids))
            .collect();
        words.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        WordIndex { words }
    }

    /// Replaces entries `at..at + n` (`removed`, their texts, n of them)
    /// by entries with the texts `inserted`, and renumbers the entries after
    /// them: the index then equals [`WordIndex::build`] over the list with
    /// the same splice made. Costs the words of the texts given, plus one
    /// pass over the ids when the number of entries changes.
    pub fn splice<'a>(
        &mut self,
        at: usize,
        removed: impl IntoIterator<Item = &'a str>,
        inserted: impl IntoIterator<Item = &'a str>,
    ) {
        let mut gone = 0u32;
        for (k, text) in removed.into_iter().enumerate() {
            let id = (at + k) as u32;
            gone += 1;
            for w in words(text) {
                let Ok(slot) = self.find(&w) else { continue };
                let ids = &mut self.words[slot].1;
                if let Ok(i) = ids.binary_search(&id) {
                    ids.remove(i);
                }
                if ids.is_empty() {
                    self.words.remove(slot);
                }
            }
        }
        let inserted: Vec<&str> = inserted.into_iter().collect();
        let came = inserted.len() as u32;
        if came != gone {
            let after = at as u32 + gone;
            for (_, ids) in &mut self.words {
                let from = ids.partition_point(|&id| id < after);
                for id in &mut ids[from..] {
                    *id = *id - gone + came;
                }
            }
        }
        for (k, text) in inserted.into_iter().enumerate() {
            let id = (at + k) as u32;
            for w in words(text) {
                match self.find(&w) {
                    Ok(slot) => {
                        let ids = &mut self.words[slot].1;
                        if let Err(i) = ids.binary_search(&id) {
                            ids.insert(i, id);
                        }
                    }
                    Err(slot) => self.words.insert(slot, (w.into_boxed_str(), vec![id])),
                }
            }
        }
    }

    /// Where `word` is in the sorted words (or would be).
    fn find(&self, word: &str) -> Result<usize, usize> {
        self.words.binary_search_by(|(w, _)| w.as_ref().cmp(word))
    }

    /// Entries with a word starting with `prefix` (folded), each with
    /// whether one of its words is `prefix` exactly; at most `limit` of them
    /// (then the bool is true: there were more).
    pub fn with_prefix(&self, prefix: &str, limit: usize) -> (Vec<(u32, bool)>, bool) {
        let start = self.words.partition_point(|(w, _)| w.as_ref() < prefix);
        let mut out: Vec<(u32, bool)> = Vec::new();
        let mut cut = false;
        for (w, ids) in &self.words[start..] {
            if !w.starts_with(prefix) {
                break;
            }
            let exact = w.len() == prefix.len();
            out.extend(ids.iter().map(|&id| (id, exact)));
            if out.len() > limit * 2 {
                cut = true;
                break;
            }
        }
        // One per entry, exact first.
        out.sort_unstable_by_key(|&(id, exact)| (id, !exact));
        out.dedup_by_key(|(id, _)| *id);
        if out.len() > limit {
            out.truncate(limit);
            cut = true;
        }
        (out, cut)
    }
}

/// Something that can be searched: its text and [`char_mask`].
pub trait Searchable {
    fn text(&self) -> &str;
    fn mask(&self) -> u64;
}

/// How many candidates a full fuzzy scan looks at, at most.
const SCAN_BUDGET: usize = 20_000;
/// How many word-index candidates are scored, at most.
const WORD_BUDGET: usize = 5_000;
/// The score of a word-index match: above any fuzzy score.
const WORD_SCORE: usize = 10_000;

/// The best matches of `query` among `entries` (found through `index`), as
/// (entry id, score), best first, at most `limit`. The bool says the list
/// was cut (more matched, or not every candidate was looked at).
pub fn search<T: Searchable>(
    entries: &[T],
    index: &WordIndex,
    query: &mut Query,
    limit: usize,
) -> (Vec<(u32, u32)>, bool) {
    let mut scored: Vec<(u32, u32)> = Vec::new();
    let mut cut = false;
    if query.is_empty {
        let n = entries.len().min(limit);
        return (
            (0..n as u32).map(|i| (i, 0)).collect(),
            entries.len() > limit,
        );
    }
    if !query.first_word.is_empty() {
        let (hits, more) = index.with_prefix(&query.first_word, WORD_BUDGET);
        cut |= more;
        for (id, exact) in hits {
            let Some(e) = entries.get(id as usize) else {
                continue;
            };
            if query.single_word {
                // The word index has matched already: no need for the matcher.
                // A whole word beats a prefix; shorter texts are closer.
                let len = e.text().chars().count().min(WORD_SCORE / 2) as u32;
                scored.push((id, WORD_SCORE as u32 + u32::from(exact) * 1000 - len));
            } else if let Some(s) = query.score(e.text(), e.mask()) {
                scored.push((id, s));
            }
        }
    }
    // Little or nothing through the words: a bounded fuzzy scan (`grkgil`),
    // for queries long enough that scattered letters mean something.
    if scored.len() < 3 && query.len >= 3 {
        let mut seen: Vec<u32> = scored.iter().map(|(id, _)| *id).collect();
        seen.sort_unstable();
        for (id, e) in entries.iter().enumerate() {
            if scored.len() >= limit * 4 || id >= SCAN_BUDGET {
                cut = true;
                break;
            }
            if seen.binary_search(&(id as u32)).is_ok() {
                continue;
            }
            if let Some(s) = query.score(e.text(), e.mask()) {
                scored.push((id as u32, s));
            }
        }
    }
    let order = |a: &(u32, u32), b: &(u32, u32)| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
    if scored.len() > limit {
        scored.select_nth_unstable_by(limit, order);
        scored.truncate(limit);
        cut = true;
    }
    scored.sort_by(order);
    (scored, cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct E(String, u64);
    impl Searchable for E {
        fn text(&self) -> &str {
            &self.0
        }
        fn mask(&self) -> u64 {
            self.1
        }
    }

    fn entries(names: &[&str]) -> (Vec<E>, WordIndex) {
        let e: Vec<E> = names
            .iter()
            .map(|n| E(n.to_string(), char_mask(n)))
            .collect();
        let index = WordIndex::build(e.iter().map(|e| e.0.as_str()));
        (e, index)
    }

    proptest::proptest! {
        /// The mask only ever rejects what the matcher would reject.
        #[test]
        fn the_mask_rejects_only_non_matches(
            candidate in "[a-zA-Zé .,'()&:/\\\\!^$-]{0,16}",
            query in "[a-zA-Zé .,'()&:/\\\\!^$-]{1,5}",
        ) {
            let mut q = Query::new(&query);
            let with_mask = q.score(&candidate, char_mask(&candidate));
            let matcher = q.score(&candidate, u64::MAX);
            proptest::prop_assert_eq!(with_mask, matcher);
        }
    }

    #[test]
    fn punctuation_in_the_query_is_required_of_candidates() {
        let mut q = Query::new("z.");
        assert!(q.score("Z. Lee", char_mask("Z. Lee")).is_some());
        assert_eq!(char_mask("Zen of Python") & char_mask("."), 0);
        assert!(q
            .score("Zen of Python", char_mask("Zen of Python"))
            .is_none());
    }

    #[test]
    fn an_escaped_space_in_the_query_asks_for_no_backslash() {
        // The matcher reads `a\ b` as `a b`: the mask must not ask for `\`.
        let mut q = Query::new("a\\ b");
        assert!(q.score("a b", char_mask("a b")).is_some());
    }

    fn found(names: &[&str], q: &str) -> Vec<String> {
        let (e, index) = entries(names);
        let mut query = Query::new(q);
        search(&e, &index, &mut query, 10)
            .0
            .into_iter()
            .map(|(id, _)| e[id as usize].0.clone())
            .collect()
    }

    #[test]
    fn word_prefixes_fuzzy_and_accents() {
        let names = [
            "Brandon Rhodes",
            "Ada Example",
            "Fernando Pérez",
            "Grok the GIL",
            "Adam Englander",
        ];
        assert_eq!(found(&names, "rhod"), vec!["Brandon Rhodes"]);
        assert_eq!(found(&names, "Ada E")[0], "Ada Example");
        assert_eq!(found(&names, "perez"), vec!["Fernando Pérez"]);
        assert_eq!(found(&names, "grkgil"), vec!["Grok the GIL"]);
        assert!(found(&names, "zzz").is_empty());
        // A word start beats letters scattered inside words.
        assert_eq!(found(&names, "ad")[0..2], ["Ada Example", "Adam Englander"]);
    }

    #[test]
    fn masks_reject_missing_letters() {
        assert_eq!(char_mask("ab") & !char_mask("Bad"), 0);
        assert_ne!(char_mask("xz") & !char_mask("Bad"), 0);
        assert_eq!(char_mask("e") & !char_mask("é"), 0);
    }

    /// Every splice of a list, made to the index, equals the index built
    /// over the spliced list.
    #[test]
    fn splices_equal_a_fresh_build() {
        let pool = [
            "Ann One",
            "Anna Two",
            "Annie Three",
            "Bob Four",
            "Ann Ann",
            "Pérez Bob",
            "",
            "  ",
            "one two one",
        ];
        let mut seed = 7u64;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        let mut list: Vec<&str> = Vec::new();
        let mut index = WordIndex::default();
        for _ in 0..2000 {
            let at = next(list.len() + 1);
            let remove = next(3).min(list.len() - at);
            let inserted: Vec<&str> = (0..next(4)).map(|_| pool[next(pool.len())]).collect();
            let removed: Vec<&str> = list.splice(at..at + remove, inserted.clone()).collect();
            index.splice(at, removed, inserted);
            assert_eq!(index, WordIndex::build(list.iter().copied()), "{list:?}");
        }
        // And down to nothing.
        let all: Vec<&str> = std::mem::take(&mut list);
        index.splice(0, all, []);
        assert_eq!(index, WordIndex::default());
    }

    #[test]
    fn the_word_index_cuts_at_its_limit() {
        let (_, index) = entries(&["Ann One", "Anna Two", "Annie Three", "Bob Four"]);
        let (ids, cut) = index.with_prefix("ann", 10);
        assert_eq!((ids, cut), (vec![(0, true), (1, false), (2, false)], false));
        let (ids, cut) = index.with_prefix("ann", 2);
        assert_eq!((ids.len(), cut), (2, true));
    }
}
