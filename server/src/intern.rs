//! One copy per distinct speaker and library name across the notes the
//! server reads from disk. A name recurs across years of notes (a library
//! is mentioned tens of thousands of times in a large folder, a speaker in
//! every talk of theirs): each mention holds a pointer to the shared copy
//! instead of its own allocation.
//!
//! Open documents are not interned: their names change with every
//! keystroke, and a name typed letter by letter would leave each prefix
//! behind. [`prune`] drops the names no model holds any more.

use std::sync::{Arc, LazyLock};

use dashmap::DashSet;

use crate::model::FileModel;

static NAMES: LazyLock<DashSet<Arc<str>>> = LazyLock::new(DashSet::new);

/// The shared copy of `name`.
pub fn intern(name: &str) -> Arc<str> {
    if let Some(shared) = NAMES.get(name) {
        return shared.key().clone();
    }
    let shared: Arc<str> = Arc::from(name);
    // Another thread may have inserted it meanwhile: keep the first copy.
    if !NAMES.insert(shared.clone()) {
        if let Some(first) = NAMES.get(name) {
            return first.key().clone();
        }
    }
    shared
}

/// Deserializes a name as its shared copy (`deserialize_with` of the
/// model's names): a warm start decodes every cached model at once, and a
/// copy per mention until the models are interned one by one would peak
/// at tens of megabytes more.
pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Arc<str>, D::Error> {
    struct Shared;
    impl serde::de::Visitor<'_> for Shared {
        type Value = Arc<str>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a name")
        }
        fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<Arc<str>, E> {
            Ok(intern(name))
        }
    }
    d.deserialize_str(Shared)
}

/// Replaces the model's speaker and library names with their shared copies.
pub fn intern_model(model: &mut FileModel) {
    for talk in &mut model.talks {
        for speaker in &mut talk.speakers {
            speaker.name = intern(&speaker.name);
        }
    }
    for library in &mut model.libraries {
        library.name = intern(&library.name);
    }
    model.shrink_to_fit();
}

/// Forgets the names only the interner still holds (their notes were
/// edited, closed or deleted); returns how many it dropped.
pub fn prune() -> usize {
    let before = NAMES.len();
    NAMES.retain(|name| Arc::strong_count(name) > 1);
    before - NAMES.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_names_share_one_copy_until_no_one_holds_it() {
        let a = intern("Łukasz Langa (interning test)");
        let b = intern(&String::from("Łukasz Langa (interning test)"));
        assert!(Arc::ptr_eq(&a, &b));
        let other = intern("Carol Willing (interning test)");
        assert!(!Arc::ptr_eq(&a, &other));
        drop((a, b));
        prune();
        assert!(!NAMES.contains("Łukasz Langa (interning test)"));
        assert!(NAMES.contains("Carol Willing (interning test)"));
        assert!(Arc::ptr_eq(
            &other,
            &intern("Carol Willing (interning test)")
        ));
    }

    #[test]
    fn decoded_names_are_the_shared_copies() {
        #[derive(serde::Deserialize)]
        struct Named {
            #[serde(deserialize_with = "deserialize")]
            name: Arc<str>,
        }
        let held = intern("Ned Batchelder (decoding test)");
        let json = r#"{"name": "Ned Batchelder (decoding test)"}"#;
        let decoded: Named = serde_json::from_str(json).unwrap();
        assert!(Arc::ptr_eq(&decoded.name, &held));
        // The index cache's format: a struct is its fields in order.
        let bytes = postcard::to_allocvec(&("Ned Batchelder (decoding test)",)).unwrap();
        let decoded: Named = postcard::from_bytes(&bytes).unwrap();
        assert!(Arc::ptr_eq(&decoded.name, &held));
    }
}
