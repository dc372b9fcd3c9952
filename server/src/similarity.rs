//! Edit distances for "one typo away" checks (speakers, titles, PEPs).

/// Damerau–Levenshtein (optimal string alignment) distance over chars,
/// stopping early: Some(distance) when it is at most `max`.
pub fn damerau(a: &str, b: &str, max: usize) -> Option<usize> {
    // Decided without the table (and its allocations) when the lengths
    // alone are too far apart, or no edit is allowed: most calls compare
    // a name with thousands of others.
    if a == b {
        return Some(0);
    }
    if max == 0 || a.chars().count().abs_diff(b.chars().count()) > max {
        return None;
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut prev2 = vec![0usize; w];
    let mut prev: Vec<usize> = (0..w).collect();
    let mut cur = vec![0usize; w];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= max).then_some(d)
}

pub fn damerau_within(a: &str, b: &str, max: usize) -> bool {
    damerau(a, b, max).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(damerau("Victor Stinger", "Victor Stinner", 2), Some(1));
        assert_eq!(damerau("Yuri Selivanov", "Yury Selivanov", 2), Some(1));
        assert_eq!(damerau("mighter", "mightier", 2), Some(1));
        assert_eq!(damerau("ab", "ba", 1), Some(1));
        assert_eq!(damerau("Erik Rose", "Brandon Rhodes", 2), None);
        assert_eq!(damerau("", "", 0), Some(0));
        assert_eq!(damerau("é", "e", 1), Some(1));
    }
}
