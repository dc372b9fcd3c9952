//! One file of the plan → its markdown text.

use std::fmt::Write as _;

use crate::plan::{
    display_names, schedule_url, FilePlan, Header, Plan, Style, Talk, STREAM_RENDER,
};
use crate::rng::Rng;
use crate::vocab::*;
use crate::{planted_slot, Rule, PLANTED_COUNT};

pub(crate) struct FileOut {
    pub text: String,
    pub planted: [usize; PLANTED_COUNT],
    pub links: usize,
}

struct Renderer<'a> {
    plan: &'a Plan,
    f: &'a FilePlan,
    index: usize,
    r: Rng,
    out: String,
    planted: [usize; PLANTED_COUNT],
    links: usize,
    last_schedule: Option<String>,
    /// The current talk already has its "Slides:" line.
    slides_done: bool,
}

pub(crate) fn render(plan: &Plan, index: usize) -> FileOut {
    let f = &plan.files[index];
    let mut w = Renderer {
        plan,
        f,
        index,
        r: Rng::derive(plan.seed, STREAM_RENDER, index as u64),
        out: String::with_capacity(f.target + 2048),
        planted: [0; PLANTED_COUNT],
        links: 0,
        last_schedule: None,
        slides_done: false,
    };
    w.file();
    let mut text = w.out;
    if f.crlf {
        text = text.replace('\n', "\r\n");
    }
    if f.bom {
        text.insert(0, '\u{feff}');
    }
    FileOut {
        text,
        planted: w.planted,
        links: w.links,
    }
}

impl Renderer<'_> {
    fn plant(&mut self, rule: Rule) {
        self.planted[planted_slot(rule)] += 1;
    }

    fn conf(&self) -> &'static str {
        CONFERENCES[self.f.conf].0
    }

    fn names(&self, t: &Talk) -> String {
        display_names(&self.plan.speakers, t)
    }

    fn file(&mut self) {
        if self.f.style == Style::Index {
            self.index_file();
            return;
        }
        if self.f.style != Style::SingleTalk {
            self.header();
        }
        let f = self.f;
        let talks = &f.talks;
        let mut topic_left = 0;
        for (j, t) in talks.iter().enumerate() {
            // Each talk gets an equal share of what is left, so an overshoot
            // in one talk is taken back from the next ones.
            let budget = f.target.saturating_sub(self.out.len()) / (talks.len() - j);
            if self.f.style == Style::SiblingList && topic_left == 0 {
                let topic = *self.r.pick(SECTION_TOPICS);
                let _ = write!(self.out, "{topic}\n\n");
                topic_left = self.r.range(1, 4);
            }
            topic_left = topic_left.saturating_sub(1);
            self.talk(t, budget, false);
            if self.f.style == Style::Bullets && j % 6 == 5 && self.r.permille(250) {
                self.lightning_section();
            }
        }
        if let Some(k) = self.f.duplicate {
            self.talk(&talks[k], 200, true);
            self.plant(Rule::DuplicateTalk);
        }
        self.trailer();
    }

    fn header(&mut self) {
        let (conf, year) = (self.conf(), self.f.year);
        let r = &mut self.r;
        let month = r.range(3, 11);
        let day = r.range(1, 28);
        match self.f.header {
            Header::Pelican => {
                let suffix = *r.pick(&[
                    "Main conference",
                    "Talk notes",
                    "Day 1",
                    "Day 2",
                    "Tutorials and talks",
                ]);
                let _ = write!(
                    self.out,
                    "Title: {conf} {year} - {suffix}\nDate: {year}-{month:02}-{day:02} {:02}:{:02}\nCategory: python\nTags: {}, conferences\n\n",
                    r.range(8, 22),
                    r.range(0, 59),
                    CONFERENCES[self.f.conf].1,
                );
            }
            Header::Yaml => {
                let spelled = if self.f.conf == 0 && r.below(2) == 0 {
                    "Pycon"
                } else {
                    conf
                };
                let lead = *r.pick(&["Notes from", "My notes from", "Talks I liked at"]);
                let _ = write!(
                    self.out,
                    "---\ntitle: {lead} {spelled} {year}\nlayout: post\ndate: {year}-{month:02}-{day:02}\ntags: [python, conferences]\n---\n"
                );
                self.intro();
            }
            Header::FirstLine => {
                let line = match r.below(3) {
                    0 => format!("{conf} {year} Highlights"),
                    1 => format!("{conf} {year}: the talks I liked"),
                    _ => format!("{conf} {year} talk notes"),
                };
                let _ = write!(self.out, "{line}\n\n");
                self.intro();
            }
            Header::FirstSentence => {
                let city = *r.pick(CITIES);
                let line = match r.below(3) {
                    0 => format!("My notes from {conf} {year}."),
                    1 => format!("These are my notes from {conf} {year} in {city}."),
                    _ => format!("Notes I took at {conf} {year}, mostly for future me."),
                };
                let _ = write!(self.out, "{line}\n\n");
            }
            Header::Nothing => {}
        }
        if self.f.style == Style::SiblingList && self.r.permille(600) {
            self.out.push_str("Favorite Talks\n\n");
        }
        if self.f.style == Style::BoldList {
            self.out.push_str("The talks I went to:\n\n");
        }
    }

    fn intro(&mut self) {
        let city = *self.r.pick(CITIES);
        let t1 = *self.r.pick(TOPICS);
        let t2 = *self.r.pick(TOPICS);
        let _ = write!(
            self.out,
            "Back from {city}. Lots of {t1} this year, and more {t2} than I expected. Notes below, roughly in the order I saw the talks.\n\n"
        );
    }

    fn talk(&mut self, t: &Talk, budget: usize, again: bool) {
        let start = self.out.len();
        self.slides_done = false;
        let names = self.names(t);
        if t.speakers.is_empty() && !again {
            self.plant(Rule::MissingSpeaker);
        }
        if t.typo.is_some() && !again {
            self.plant(Rule::SpeakerTypo);
        }
        let style = self.f.style;
        let bullet = match style {
            Style::BoldList => "    * ",
            Style::Bullets => "  • ",
            Style::Setext if t.title.len() % 2 == 0 => "* ",
            _ => "- ",
        };
        match style {
            Style::ParenHeading | Style::ByHeading | Style::TalkLinkHeading | Style::Setext => {
                let _ = write!(self.out, "{}\n\n", t.heading.as_deref().unwrap_or(""));
                if style != Style::TalkLinkHeading && !again {
                    if let Some(url) = self.schedule_link(t) {
                        let label = *self.r.pick(&["Talk overview", "Schedule", "Talk overview"]);
                        let _ = write!(self.out, "[{label}]({url})\n\n");
                    }
                }
                if style == Style::ParenHeading && self.r.permille(250) {
                    let day = *self.r.pick(DAYS);
                    let room = *self.r.pick(ROOMS);
                    let (h, m) = (self.r.range(9, 17), self.r.pick(&["00", "15", "30", "45"]));
                    let _ = write!(self.out, "{day} {h}:{m} in {room}\n\n");
                }
                if self.r.permille(350) {
                    let _ = write!(
                        self.out,
                        "[Video](https://www.youtube.com/watch?v={})\n\n",
                        t.video
                    );
                }
                if style == Style::ParenHeading {
                    self.out.push_str("## Notes\n\n");
                    if t.empty_notes && !again {
                        self.plant(Rule::EmptyNotes);
                        return;
                    }
                }
            }
            Style::BoldList => {
                let line = if t.keynote {
                    format!("* **Keynote - {names}**\n")
                } else if names.is_empty() {
                    format!("* **{}**\n", t.title)
                } else {
                    format!("* **{} - {names}**\n", t.title)
                };
                self.out.push_str(&line);
            }
            Style::SiblingList => {
                if t.keynote {
                    let _ = writeln!(self.out, "- Keynote - {names}");
                } else {
                    let _ = writeln!(self.out, "- {} - {names}", t.title);
                }
            }
            Style::Bullets => {
                let line = if t.keynote {
                    format!("Keynote – {names}")
                } else if names.is_empty() {
                    t.title.clone()
                } else {
                    let sep = if self.r.below(2) == 0 { ", " } else { " – " };
                    let mut line = format!("{}{sep}{names}", t.title);
                    if self.r.permille(60) {
                        let _ = write!(line, ", @{}", handle(&names));
                    } else if self.r.permille(40) {
                        let _ = write!(line, " in {}", self.r.pick(ROOMS));
                    }
                    line
                };
                let _ = write!(self.out, "{line}\n\n");
            }
            Style::SingleTalk => {
                let conf = self.conf();
                let _ = write!(
                    self.out,
                    "{}\n\n## {names}\n\n{conf} {} · [video](https://www.youtube.com/watch?v={})\n\n",
                    t.heading.as_deref().unwrap_or(""),
                    self.f.year,
                    t.video
                );
                let s = self.sentence();
                let _ = write!(self.out, "{s}\n\n");
            }
            Style::Index => {}
        }

        if again {
            let _ = writeln!(
                self.out,
                "{bullet}Watched the recording again, a few more notes"
            );
            let note = self.note(t);
            let _ = writeln!(self.out, "{bullet}{note}");
            self.out.push('\n');
            return;
        }

        // Notes, until the talk has its share of the file.
        let mut count = 0;
        let mut label_left: usize = 0;
        let mut sub_done = 0;
        while self.out.len() - start < budget || count < 2 {
            match style {
                Style::ParenHeading | Style::ByHeading | Style::Setext | Style::SingleTalk
                    if count > 2 && self.r.permille(40) =>
                {
                    self.code_block();
                }
                Style::ParenHeading | Style::SingleTalk
                    if count > 3 && sub_done < 2 && self.r.permille(60) =>
                {
                    let sub = *self.r.pick(SUBHEADINGS);
                    let sub = if style == Style::SingleTalk && sub == "Takeaways" {
                        "Details"
                    } else {
                        sub
                    };
                    let _ = write!(self.out, "\n## {sub}\n\n");
                    sub_done += 1;
                }
                Style::ParenHeading if label_left == 0 && count > 1 && self.r.permille(80) => {
                    let label = match self.r.below(4) {
                        0 => "Previously:".to_string(),
                        1 => "Considerations".to_string(),
                        2 => "Projects".to_string(),
                        _ => format!(
                            "Ideally: {} + {}",
                            self.r.pick(LIBRARIES),
                            self.r.pick(LIBRARIES)
                        ),
                    };
                    let _ = write!(self.out, "\n{label}\n\n");
                    label_left = 3;
                }
                _ => {
                    let note = self.note(t);
                    if style == Style::Bullets && count > 0 && self.r.permille(100) {
                        let _ = writeln!(self.out, "    • {note}");
                    } else {
                        let _ = writeln!(self.out, "{bullet}{note}");
                    }
                    label_left = label_left.saturating_sub(1);
                }
            }
            count += 1;
        }
        match style {
            Style::BoldList => {
                if let Some(url) = self.schedule_link(t) {
                    let _ = writeln!(self.out, "    * [Presentation]({url})");
                }
                if self.r.permille(600) {
                    let _ = writeln!(
                        self.out,
                        "    * [Video](https://www.youtube.com/watch?v={})",
                        t.video
                    );
                }
            }
            Style::SiblingList => {
                if let Some(url) = self.schedule_link(t) {
                    let _ = writeln!(self.out, "- 🗓 [Schedule]({url})");
                }
                if self.r.permille(500) {
                    let _ = writeln!(
                        self.out,
                        "- 📽 [Video](https://www.youtube.com/watch?v={})",
                        t.video
                    );
                }
            }
            Style::SingleTalk => {
                self.out.push_str("\n## Takeaways\n\n");
                for _ in 0..2 {
                    let s = self.sentence();
                    let _ = writeln!(self.out, "- {s}");
                }
            }
            _ => {}
        }
        self.out.push('\n');
        if style == Style::SiblingList && self.r.permille(300) {
            // A blank line ends the list; the next talk starts a new one.
        }
    }

    fn schedule_link(&mut self, t: &Talk) -> Option<String> {
        let id = t.schedule?;
        let mut url = schedule_url(self.f.year, id);
        if self.r.permille(15) {
            let year = if self.f.year > 2010 {
                self.f.year - 1
            } else {
                self.f.year + 1
            };
            url = schedule_url(year, id);
            self.plant(Rule::ScheduleLink);
        } else if self.r.permille(10) {
            if let Some(prev) = &self.last_schedule {
                url = prev.clone();
                self.plant(Rule::ScheduleLink);
            }
        }
        self.last_schedule = Some(url.clone());
        Some(url)
    }

    fn lightning_section(&mut self) {
        let day = *self.r.pick(DAYS);
        let half = *self.r.pick(&["AM", "PM"]);
        let _ = write!(self.out, "Lightning Talks, {day} {half}\n\n");
        for _ in 0..self.r.range(3, 6) {
            let line = match self.r.below(4) {
                0 => format!("a five minute tour of `{}`", self.r.pick(LIBRARIES)),
                1 => format!("{} on a Raspberry Pi", self.r.pick(TOPICS)),
                2 => {
                    let s = self.r.skewed(self.plan.speakers.len());
                    let topic = *self.r.pick(TOPICS);
                    format!("{}, {}", cap_first(topic), self.plan.speakers[s])
                }
                _ => format!("`pip install {}`", self.r.pick(LIBRARIES)),
            };
            let _ = writeln!(self.out, "  • {line}");
        }
        self.out.push('\n');
    }

    fn trailer(&mut self) {
        match self.f.style {
            Style::ParenHeading | Style::ByHeading if self.r.permille(300) => {
                self.out.push_str("# Random notes\n\n");
                for _ in 0..self.r.range(2, 4) {
                    let s = self.sentence();
                    let _ = writeln!(self.out, "- {s}");
                }
            }
            Style::Setext if self.r.permille(300) => {
                self.out.push_str("Random notes\n============\n\n");
                let s = self.sentence();
                let _ = writeln!(self.out, "- {s}");
            }
            Style::Bullets if self.r.permille(400) => {
                self.out
                    .push_str("Talks I did not see, but looked good:\n\n");
                for _ in 0..self.r.range(2, 5) {
                    let s = self.r.skewed(self.plan.speakers.len());
                    let title = {
                        let mut r = Rng::derive(self.plan.seed, 99, s as u64);
                        let topic = *r.pick(TOPICS);
                        format!("A Tour of {}", cap_first(topic))
                    };
                    if self.r.permille(200) {
                        let _ = writeln!(self.out, "  • {title}");
                    } else {
                        let _ = writeln!(self.out, "  • {title} – {}", self.plan.speakers[s]);
                    }
                }
            }
            Style::BoldList => {
                let s = self.sentence();
                let _ = writeln!(self.out, "{s}");
            }
            _ => {}
        }
    }

    fn index_file(&mut self) {
        let (plan, f) = (self.plan, self.f);
        let year = f.year;
        let _ = write!(
            self.out,
            "Talks from {year} that got a page of their own.\n\n"
        );
        let lists = &f.lists;
        for &i in lists {
            let g = &plan.files[i as usize];
            let t = &g.talks[0];
            let file = file_name(&g.rel);
            let names = self.names(t);
            if t.typo.is_some() {
                // The index repeats the one-talk file's misspelt name.
                self.plant(Rule::SpeakerTypo);
            }
            let mut target = encode(file);
            self.links += 1;
            if self.r.permille(30) {
                target = broken_file(&target);
                self.plant(Rule::BrokenLink);
            }
            let _ = writeln!(self.out, "- [{}]({target}) - {names}", t.title);
        }
        self.out.push_str("\nJump straight to:\n\n");
        for &i in lists.iter().take(6) {
            let g = &plan.files[i as usize];
            let file = encode(file_name(&g.rel));
            self.links += 1;
            let anchor = if self.r.permille(40) {
                self.plant(Rule::BrokenLink);
                "summary"
            } else {
                "takeaways"
            };
            let short: String = g.talks[0]
                .title
                .split(':')
                .next()
                .unwrap_or("")
                .to_lowercase();
            let _ = writeln!(self.out, "- [{short}, takeaways]({file}#{anchor})");
        }
    }

    fn sentence(&mut self) -> String {
        let t = *self.r.pick(TOPICS);
        let a = *self.r.pick(ADJECTIVES);
        let l = *self.r.pick(LIBRARIES);
        match self.r.below(6) {
            0 => format!("{} is {a} once you stop fighting it", cap_first(t)),
            1 => format!("Try `{l}` for {t} at work"),
            2 => "The hallway track was better than half the talks".to_string(),
            3 => format!("Ask around about {t}, everyone has an opinion"),
            4 => format!("Sprints: looked at a `{l}` issue about {t}"),
            _ => "Slides should be posted, video in a few weeks".to_string(),
        }
    }

    /// One line of notes (without its bullet).
    fn note(&mut self, t: &Talk) -> String {
        let roll = self.r.below(100);
        let topic = *self.r.pick(TOPICS);
        let lib = *self.r.pick(LIBRARIES);
        let lib2 = *self.r.pick(LIBRARIES);
        let adj = *self.r.pick(ADJECTIVES);
        match roll {
            0..=5 => self.pep_note(),
            6..=10 => self.issue_note(),
            11..=14 if !self.plan.anchored.is_empty() => self.link_note(t),
            15..=18 => format!("“{}”", self.r.pick(QUOTES)),
            19..=24 => format!("`pip install {lib}`"),
            25..=31 => format!("{} for {topic}, `{lib2}` if you need more", cap_first(lib)),
            32..=37 => {
                let other = *self.r.pick(TOPICS);
                format!("Insight: {topic} is {adj} - {other} is where it gets hard - measure first")
            }
            38..=43 => format!(
                "{}% faster after moving {topic} to `{lib}`",
                self.r.range(5, 80)
            ),
            44..=48 => format!("Q: does this work with `{lib}`? A: mostly, with a shim"),
            49..=53 => format!(
                "Demo: `from {lib} import {}`",
                self.r.pick(&["run", "Client", "App", "load", "task"])
            ),
            54..=59 => format!(
                "Compared `{lib}` and `{lib2}`: {adj} vs {}",
                self.r.pick(ADJECTIVES)
            ),
            60..=64 => format!("Python 3.{} made {topic} {adj}", self.r.range(6, 13)),
            65..=70 => {
                let t2 = *self.r.pick(TOPICS);
                let t3 = *self.r.pick(TOPICS);
                format!("Checklist: {topic}, {t2}, {t3}")
            }
            71..=74 => {
                let first = *self.r.pick(FIRST_NAMES);
                format!("Ask {first} about {topic} later")
            }
            75..=79 => format!("Don't do {topic} by hand; `{lib}` does it"),
            80..=84 if !self.slides_done => {
                self.slides_done = true;
                let who = handle(&self.plan.speakers[t.true_speaker as usize]);
                format!(
                    "Slides: https://speakerdeck.com/{who}/{}",
                    crate::plan::ascii_slug(&t.title)
                )
            }
            _ => format!("{} makes {topic} {adj}", cap_first(lib)),
        }
    }

    fn pep_note(&mut self) -> String {
        let roll = self.r.below(1000);
        let k = self.r.below(PEPS.len());
        let (n, title) = PEPS[k];
        let lower = title.to_lowercase();
        if roll < 15 {
            self.plant(Rule::PepFormat);
            let pep = if self.r.below(2) == 0 { "PEP" } else { "Pep" };
            return format!("{pep}{n} - {lower}");
        }
        if roll < 25 && (100..1000).contains(&n) {
            self.plant(Rule::UnknownPep);
            let wrong = n * 10 + self.r.below(10) as u32;
            return format!("{} (PEP {wrong})", cap_first(&lower));
        }
        if roll < 35 && !self.plan.mismatch_pairs.is_empty() {
            self.plant(Rule::PepMismatch);
            let (wrong, described) = *self.r.pick(&self.plan.mismatch_pairs);
            let words = PEPS[described].1.to_lowercase();
            return format!("PEP {wrong} - {words}");
        }
        match self.r.below(6) {
            0 => format!("PEP {n} ({title})"),
            1 => format!("{} is PEP {n}", cap_first(&lower)),
            2 => format!("More details in PEP {n}"),
            3 => format!("[PEP {n}](https://peps.python.org/pep-{n:04}/): {lower}"),
            4 => format!("Pep {n} - {lower}"),
            _ => format!("{title}: https://www.python.org/dev/peps/pep-{n:04}/"),
        }
    }

    fn issue_note(&mut self) -> String {
        let roll = self.r.below(1000);
        let topic = *self.r.pick(TOPICS);
        if roll < 20 {
            self.plant(Rule::MalformedIssue);
            let n = self.r.range(10000, 46999);
            return match self.r.below(3) {
                0 => {
                    let s = n.to_string();
                    format!("{topic} fix landed in bpo-{}`{}", &s[..3], &s[3..])
                }
                1 => format!("one slide listed the {topic} issue as bpo- and I missed the number"),
                _ => {
                    let s = n.to_string();
                    format!(
                        "{} regression, bpo-{}O{}",
                        cap_first(topic),
                        &s[..2],
                        &s[3..]
                    )
                }
            };
        }
        match self.r.below(5) {
            0 => format!(
                "{} fix landed in bpo-{}",
                cap_first(topic),
                self.r.range(10000, 46999)
            ),
            1 => format!(
                "Faster {topic} (bpo-{}, bpo-{})",
                self.r.range(10000, 46999),
                self.r.range(10000, 46999)
            ),
            2 => format!("Issue {} is the one to follow", self.r.range(10000, 46999)),
            3 => format!("Tracking issue: gh-{}", self.r.range(80000, 139999)),
            _ => format!(
                "See gh-{} for the {topic} discussion",
                self.r.range(80000, 139999)
            ),
        }
    }

    fn link_note(&mut self, t: &Talk) -> String {
        let plan = self.plan;
        let me = self.index as u32;
        let mut target = None;
        if !t.speakers.is_empty() {
            let theirs = &plan.by_speaker[t.true_speaker as usize];
            if theirs.len() > 1 && self.r.permille(600) {
                for _ in 0..4 {
                    let c = *self.r.pick(theirs);
                    if c.0 != me {
                        target = Some((c, true));
                        break;
                    }
                }
            }
        }
        if target.is_none() {
            for _ in 0..4 {
                let c = *self.r.pick(&plan.anchored);
                if c.0 != me {
                    target = Some((c, false));
                    break;
                }
            }
        }
        let Some(((tf, tt), same_speaker)) = target else {
            return format!("Related to {}", self.r.pick(TOPICS));
        };
        let g = &plan.files[tf as usize];
        let other = &g.talks[tt as usize];
        let mut path = relative(&self.f.rel, &g.rel);
        let mut anchor = other.anchor.clone().unwrap_or_default();
        self.links += 1;
        let whole_file = self.r.permille(200);
        if self.r.permille(20) {
            self.plant(Rule::BrokenLink);
            if whole_file || self.r.below(2) == 0 {
                path = broken_file(&path);
            } else {
                anchor.push_str("-slides");
            }
        }
        let conf = CONFERENCES[g.conf].0;
        if whole_file {
            return format!("My notes from [{conf} {}]({path})", g.year);
        }
        if same_speaker && other.title == t.title {
            format!(
                "Same talk at {conf} {}: [my notes]({path}#{anchor})",
                g.year
            )
        } else if same_speaker {
            let name = &plan.speakers[t.true_speaker as usize];
            format!("Also by {name}: [{}]({path}#{anchor})", other.title)
        } else {
            format!("Related: [{}]({path}#{anchor})", other.title)
        }
    }

    fn code_block(&mut self) {
        let lib = *self.r.pick(LIBRARIES);
        let ident = lib.replace('-', "_");
        let _ = write!(
            self.out,
            "\n```python\n# {}\nimport {ident}\nresult = {ident}.run(data)  # {} here\n```\n\n",
            self.r.pick(&[
                "the slow way",
                "what the demo did",
                "don't do this",
                "setup"
            ]),
            self.r.pick(TOPICS),
        );
    }
}

fn cap_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn handle(names: &str) -> String {
    let mut h: String = names
        .split(" and ")
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    h.truncate(15);
    if h.is_empty() {
        h.push_str("speaker");
    }
    h
}

fn file_name(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}

/// Percent-encodes the spaces of a link target.
fn encode(path: &str) -> String {
    path.replace(' ', "%20")
}

/// A relative link from the file at `from` to the file at `to` (both
/// workspace-relative, `/`-separated).
pub(crate) fn relative(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> =
        from.split('/').collect::<Vec<_>>()[..from.split('/').count() - 1].to_vec();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = String::new();
    for _ in common..from_dir.len() {
        out.push_str("../");
    }
    out.push_str(&to_parts[common..].join("/"));
    encode(&out)
}

/// A link target to a file that does not exist: the name with `-draft`.
fn broken_file(path: &str) -> String {
    match path.rfind('.') {
        Some(dot) => format!("{}-draft{}", &path[..dot], &path[dot..]),
        None => format!("{path}-draft"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(relative("2017/a.md", "2017/b.md"), "b.md");
        assert_eq!(relative("2017/a.md", "2019/b.md"), "../2019/b.md");
        assert_eq!(relative("2017/talks/a.md", "2019/b.md"), "../../2019/b.md");
        assert_eq!(relative("2017/a.md", "2017/talks/b.md"), "talks/b.md");
        assert_eq!(
            relative("2017/a.md", "2016/PyCon UK notes/b.md"),
            "../2016/PyCon%20UK%20notes/b.md"
        );
    }
}
