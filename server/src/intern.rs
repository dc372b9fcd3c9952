//! One copy per distinct speaker and library name across the notes the
//! server reads from disk. A name recurs across years of notes (a library
//! is mentioned tens of thousands of times in a large folder, a speaker in
//! every talk of theirs): each mention holds a pointer to the shared copy
//! instead of its own allocation.
//!
//! Open documents are not interned: their names change with every
//! keystroke, and a name typed letter by letter would leave each prefix
//! behind. [`prune`] drops the names no model holds any more.

use std::borrow::Borrow;
use std::hash::Hash;
use std::sync::{Arc, LazyLock};

use dashmap::DashSet;

use crate::model::FileModel;

static NAMES: LazyLock<DashSet<Arc<str>>> = LazyLock::new(DashSet::new);
static LIBRARY_NAMES: LazyLock<DashSet<Name>> = LazyLock::new(DashSet::new);

/// The shared copy of `name`.
pub fn intern(name: &str) -> Arc<str> {
    shared(&NAMES, name)
}

/// The shared copy of a library's `name`.
pub fn intern_name(name: &str) -> Name {
    shared(&LIBRARY_NAMES, name)
}

fn shared<T>(set: &DashSet<T>, name: &str) -> T
where
    T: Clone + Eq + Hash + Borrow<str> + for<'a> From<&'a str>,
{
    if let Some(shared) = set.get(name) {
        return shared.key().clone();
    }
    let shared = T::from(name);
    // Another thread may have inserted it meanwhile: keep the first copy.
    if !set.insert(shared.clone()) {
        if let Some(first) = set.get(name) {
            return first.key().clone();
        }
    }
    shared
}

/// A name behind one pointer (an `Arc<str>` is two words): what each of
/// the ~680,000 library mentions of 10,000 notes holds, 8 bytes less per
/// mention. Equality, order and hash are the text's.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name(Arc<Box<str>>);

impl Name {
    fn strong_count(&self) -> usize {
        Arc::strong_count(&self.0)
    }

    #[cfg(test)]
    fn ptr_eq(&self, other: &Name) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl From<&str> for Name {
    fn from(name: &str) -> Name {
        Name(Arc::new(name.into()))
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(self)
    }
}

impl serde::Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self)
    }
}

/// Decoded as its shared copy, like [`deserialize`].
impl<'de> serde::Deserialize<'de> for Name {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Name, D::Error> {
        struct Shared;
        impl serde::de::Visitor<'_> for Shared {
            type Value = Name;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a name")
            }
            fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<Name, E> {
                Ok(intern_name(name))
            }
        }
        d.deserialize_str(Shared)
    }
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
        library.name = intern_name(&library.name);
    }
    model.shrink_to_fit();
}

/// Forgets the names only the interner still holds (their notes were
/// edited, closed or deleted); returns how many it dropped.
pub fn prune() -> usize {
    let before = NAMES.len() + LIBRARY_NAMES.len();
    NAMES.retain(|name| Arc::strong_count(name) > 1);
    LIBRARY_NAMES.retain(|name| name.strong_count() > 1);
    before - NAMES.len() - LIBRARY_NAMES.len()
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
    fn library_names_are_shared_thin_and_pruned() {
        assert_eq!(std::mem::size_of::<Name>(), 8);
        let a = intern_name("attrs (interning test)");
        let b = intern_name(&String::from("attrs (interning test)"));
        assert!(a.ptr_eq(&b));
        assert_eq!(&*a, "attrs (interning test)");
        assert_eq!(a, Name::from("attrs (interning test)"));
        let bytes = postcard::to_allocvec(&a).unwrap();
        let decoded: Name = postcard::from_bytes(&bytes).unwrap();
        assert!(decoded.ptr_eq(&a));
        drop((a, b, decoded));
        prune();
        assert!(!LIBRARY_NAMES.contains("attrs (interning test)"));
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
