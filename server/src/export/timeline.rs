//! The timeline: an inline SVG, one row per conference under its year,
//! a bar as long as its talk count. Colours come from the page's CSS
//! variables, so it follows light and dark mode; the `viewBox` lets it
//! shrink to a phone's width.

use maud::{html, Markup};

use super::insights::TimelineEntry;

const WIDTH: f64 = 420.0;
const AXIS_X: f64 = 52.0;
const TEXT_X: f64 = 64.0;
const ROW: f64 = 44.0;
const EMPTY_ROW: f64 = 20.0;
/// Room kept right of the longest bar for its count.
const COUNT_ROOM: f64 = 74.0;
/// Above this many years between the first and the last conference, years
/// with no conference are left out instead of drawn as empty rows.
const MAX_SPAN: u16 = 40;

enum Row<'a> {
    Conference {
        entry: &'a TimelineEntry,
        first_of_year: bool,
    },
    EmptyYear(u16),
}

pub fn svg(entries: &[TimelineEntry]) -> Markup {
    let dated: Vec<&TimelineEntry> = entries.iter().filter(|e| e.year.is_some()).collect();
    let (Some(first), Some(last)) = (
        dated.iter().filter_map(|e| e.year).min(),
        dated.iter().filter_map(|e| e.year).max(),
    ) else {
        return html! {};
    };
    let mut rows = Vec::new();
    let years: Vec<u16> = if last - first <= MAX_SPAN {
        (first..=last).collect()
    } else {
        let mut y: Vec<u16> = dated.iter().filter_map(|e| e.year).collect();
        y.dedup();
        y
    };
    for year in years {
        let of_year: Vec<&&TimelineEntry> = dated.iter().filter(|e| e.year == Some(year)).collect();
        if of_year.is_empty() {
            rows.push(Row::EmptyYear(year));
        }
        for (i, e) in of_year.into_iter().enumerate() {
            rows.push(Row::Conference {
                entry: e,
                first_of_year: i == 0,
            });
        }
    }
    let max_talks = dated.iter().map(|e| e.talks).max().unwrap_or(0).max(1) as f64;
    let bar_room = WIDTH - TEXT_X - COUNT_ROOM;
    let height: f64 = rows
        .iter()
        .map(|r| match r {
            Row::Conference { .. } => ROW,
            Row::EmptyYear(_) => EMPTY_ROW,
        })
        .sum::<f64>()
        + 8.0;
    let talks_word = |n: usize| if n == 1 { "talk" } else { "talks" };

    let mut y = 4.0;
    let mut placed = Vec::new();
    for r in &rows {
        placed.push((y, r));
        y += match r {
            Row::Conference { .. } => ROW,
            Row::EmptyYear(_) => EMPTY_ROW,
        };
    }
    html! {
        svg class="timeline" role="img" aria-labelledby="timeline-title timeline-desc"
            viewBox={ "0 0 " (WIDTH) " " (height) } xmlns="http://www.w3.org/2000/svg" {
            title id="timeline-title" { "Conferences by year" }
            desc id="timeline-desc" {
                @for e in &dated {
                    (e.label) ": " (e.talks) " " (talks_word(e.talks)) ". "
                }
            }
            line class="axis" x1=(AXIS_X) y1="4" x2=(AXIS_X) y2=(height - 4.0) {}
            @for (top, row) in &placed {
                @match row {
                    Row::EmptyYear(year) => {
                        g class="empty-year" {
                            text class="year muted" x=(AXIS_X - 12.0) y=(top + 14.0) text-anchor="end" { (year) }
                            line class="tick" x1=(AXIS_X - 4.0) y1=(top + 10.0) x2=(AXIS_X + 4.0) y2=(top + 10.0) {}
                        }
                    }
                    Row::Conference { entry, first_of_year } => {
                        @let w = (entry.talks as f64 / max_talks * bar_room).max(3.0);
                        g class="conference" data-conference=(entry.id) {
                            title {
                                (entry.label) ": " (entry.talks) " " (talks_word(entry.talks))
                                " in " (entry.files) " " (if entry.files == 1 { "file" } else { "files" })
                            }
                            @if *first_of_year {
                                text class="year" x=(AXIS_X - 12.0) y=(top + 19.0) text-anchor="end" {
                                    (entry.year.unwrap_or_default())
                                }
                            }
                            circle class="dot" cx=(AXIS_X) cy=(top + 15.0) r="5" {}
                            text class="name" x=(TEXT_X) y=(top + 19.0) { (entry.label) }
                            rect class="bar" x=(TEXT_X) y=(top + 26.0) width=(fmt(w)) height="10" rx="3" {}
                            text class="count" x=(fmt(TEXT_X + w + 6.0)) y=(top + 35.0) {
                                (entry.talks) " " (talks_word(entry.talks))
                            }
                        }
                    }
                }
            }
        }
    }
}

/// One decimal place at most: short and stable output.
fn fmt(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, year: Option<u16>, talks: usize) -> TimelineEntry {
        TimelineEntry {
            id: id.into(),
            label: id.into(),
            year,
            talks,
            files: 1,
        }
    }

    #[test]
    fn one_row_per_conference_and_empty_years_between() {
        let svg = svg(&[
            entry("a-2014", Some(2014), 10),
            entry("b-2017", Some(2017), 5),
            entry("c-2017", Some(2017), 1),
            entry("undated", None, 3),
        ])
        .into_string();
        assert_eq!(svg.matches("class=\"conference\"").count(), 3, "{svg}");
        // 2015 and 2016 are drawn as empty years.
        assert_eq!(svg.matches("class=\"empty-year\"").count(), 2, "{svg}");
        assert!(svg.contains(">2015</text>") && svg.contains(">2016</text>"));
        // The year label is written once for 2017's two conferences.
        assert_eq!(svg.matches(">2017</text>").count(), 1, "{svg}");
        // Bars are proportional: 10 talks fill the room, 5 half of it.
        let room = WIDTH - TEXT_X - COUNT_ROOM;
        assert!(svg.contains(&format!("width=\"{}\"", fmt(room))), "{svg}");
        assert!(
            svg.contains(&format!("width=\"{}\"", fmt(room / 2.0))),
            "{svg}"
        );
        assert!(svg.contains(">1 talk</text>") && svg.contains(">10 talks</text>"));
        assert!(!svg.contains("undated"));
    }

    #[test]
    fn nothing_dated_draws_nothing() {
        assert_eq!(svg(&[entry("x", None, 2)]).into_string(), "");
    }
}
