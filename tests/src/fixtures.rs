//! Small notes files for the tests, written for them in the styles of
//! examples/notes: a Pelican-header file with `# Title (Speaker)` headings,
//! and a YAML-front-matter file with `* **Title - Speaker**` items.

/// Pelican header, `# Title (Speaker)` talks. Line numbers (0-based) that
/// the tests rely on are given by text search, not hard-coded.
pub const PYCONF: &str = "\
Title: PyConf 2023 - Main track
Date: 2023-06-10 10:00

# Keynote: Ada Lovelace

## Notes

- Engines that weave algebra like looms weave flowers

# Shipping Wheels Without Tears (Grace Hopper)

## Notes

- The event loop from PEP3156 is old news by now
- PEP 9999 does not exist, I made it up
- The fix landed as bpo-262`49 according to the slide
- Details in [the write-up](missing.md)

# Caching All The Things

## Notes

- Invalidate on write, not on read
";

/// YAML front matter, `* **Title - Speaker**` talks; notes the talk that
/// [`PYCONF`] has without a speaker.
pub const EUROCONF: &str = "\
---
title: EuroConf 2023 notes
layout: post
---
Back from the conference. The talks I went to:

* **Caching All The Things - Margaret Hamilton**
    * Memoize pure functions, measure before and after
    * TTLs are a guess; events are better

* **Type Hints In Anger - Barbara Liskov**
    * Protocols instead of abstract base classes
";

/// [`EUROCONF`] without the cached talk.
pub const EUROCONF_WITHOUT_CACHING: &str = "\
---
title: EuroConf 2023 notes
layout: post
---
Back from the conference. The talks I went to:

* **Type Hints In Anger - Barbara Liskov**
    * Protocols instead of abstract base classes
";
