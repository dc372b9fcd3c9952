//! Lists a note keeps compressed while nothing reads them often: the links
//! of a note that is not open. A workspace's links are its largest part
//! (the benchmark's 10,000 notes hold 230,000, 33 MiB as structs and
//! strings), yet only a few requests read the links of unopened notes
//! (references, rename, moving a file), each once; the open documents'
//! diagnostics and every per-keystroke path read their own, unpacked.
//! Packed, the same links take about a quarter of that.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeOwned, Deserializer, SeqAccess, Visitor};
use serde::ser::{SerializeTuple, Serializer};
use serde::{Deserialize, Serialize};

/// A list held as is, or packed: postcard-encoded, then lz4-compressed.
/// Read with [`Packable::load`]; packed lists are never changed in place
/// ([`Packable::to_mut`] unpacks).
#[derive(Clone)]
pub struct Packable<T> {
    repr: Repr<T>,
}

#[derive(Clone)]
enum Repr<T> {
    Plain(Vec<T>),
    /// Never empty, and always decodes: built by [`Packable::pack`], or
    /// checked when read from the index cache.
    Packed {
        len: u32,
        bytes: Box<[u8]>,
    },
}

impl<T> Default for Packable<T> {
    fn default() -> Self {
        Packable {
            repr: Repr::Plain(Vec::new()),
        }
    }
}

impl<T> From<Vec<T>> for Packable<T> {
    fn from(list: Vec<T>) -> Self {
        Packable {
            repr: Repr::Plain(list),
        }
    }
}

impl<T> Packable<T> {
    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Plain(list) => list.len(),
            Repr::Packed { len, .. } => *len as usize,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn is_packed(&self) -> bool {
        matches!(self.repr, Repr::Packed { .. })
    }

    /// Drops spare capacity (a plain list's).
    pub fn shrink_to_fit(&mut self) {
        if let Repr::Plain(list) = &mut self.repr {
            list.shrink_to_fit();
        }
    }
}

impl<T: Serialize + DeserializeOwned + Clone> Packable<T> {
    /// The list: borrowed when plain, decoded when packed (bind it once
    /// where it is read many times).
    pub fn load(&self) -> Cow<'_, [T]> {
        match &self.repr {
            Repr::Plain(list) => Cow::Borrowed(list),
            Repr::Packed { bytes, .. } => {
                Cow::Owned(unpack(bytes).expect("packed lists are checked when made"))
            }
        }
    }

    /// The list, unpacked first when packed, to change it.
    pub fn to_mut(&mut self) -> &mut Vec<T> {
        if let Repr::Packed { bytes, .. } = &self.repr {
            let list = unpack(bytes).expect("packed lists are checked when made");
            self.repr = Repr::Plain(list);
        }
        match &mut self.repr {
            Repr::Plain(list) => list,
            Repr::Packed { .. } => unreachable!("unpacked above"),
        }
    }

    /// Packs the list (an empty one stays as it is: it holds nothing).
    pub fn pack(&mut self) {
        if let Repr::Plain(list) = &self.repr {
            if let Some((len, bytes)) = pack(list) {
                self.repr = Repr::Packed { len, bytes };
            }
        }
    }
}

/// The length and packed bytes of `list`; None when it is empty, or too
/// long to count in 32 bits (kept plain).
fn pack<T: Serialize>(list: &[T]) -> Option<(u32, Box<[u8]>)> {
    let len = u32::try_from(list.len()).ok().filter(|&n| n > 0)?;
    // Plain structs and strings: encoding into memory cannot fail.
    let encoded = postcard::to_allocvec(list).expect("encoding into memory");
    let bytes = lz4_flex::block::compress_prepend_size(&encoded).into_boxed_slice();
    Some((len, bytes))
}

fn unpack<T: DeserializeOwned>(bytes: &[u8]) -> Result<Vec<T>, String> {
    let encoded = lz4_flex::block::decompress_size_prepended(bytes).map_err(|e| e.to_string())?;
    postcard::from_bytes(&encoded).map_err(|e| e.to_string())
}

impl<T: Serialize + DeserializeOwned + Clone + PartialEq> PartialEq for Packable<T> {
    /// Equal lists, whether packed or not.
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.load() == other.load()
    }
}

impl<T: Serialize + DeserializeOwned + Clone + fmt::Debug> fmt::Debug for Packable<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.load().iter()).finish()
    }
}

/// In the index cache (a binary format): the packed bytes, so that a warm
/// start neither decodes nor re-packs them. In a human-readable format:
/// the list.
impl<T: Serialize + DeserializeOwned> Serialize for Packable<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            return match &self.repr {
                Repr::Plain(list) => list.serialize(s),
                Repr::Packed { bytes, .. } => {
                    let list: Vec<T> = unpack(bytes).map_err(serde::ser::Error::custom)?;
                    list.serialize(s)
                }
            };
        }
        let packed;
        let (len, bytes): (u32, &[u8]) = match &self.repr {
            Repr::Packed { len, bytes } => (*len, bytes),
            Repr::Plain(list) => match pack(list) {
                Some((len, bytes)) => {
                    packed = bytes;
                    (len, &packed)
                }
                None if list.is_empty() => (0, &[]),
                None => return Err(serde::ser::Error::custom("a list too long to count")),
            },
        };
        let mut t = s.serialize_tuple(2)?;
        t.serialize_element(&len)?;
        t.serialize_element(&Bytes(bytes))?;
        t.end()
    }
}

struct Bytes<'a>(&'a [u8]);

impl Serialize for Bytes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

/// Bytes as any format gives them: borrowed, owned, or as a sequence.
struct ByteBuf(Vec<u8>);

impl<'de> Deserialize<'de> for ByteBuf {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ByteBuf;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<ByteBuf, E> {
                Ok(ByteBuf(v.to_vec()))
            }
            fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<ByteBuf, E> {
                Ok(ByteBuf(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ByteBuf, A::Error> {
                let mut out = Vec::new();
                while let Some(b) = seq.next_element()? {
                    out.push(b);
                }
                Ok(ByteBuf(out))
            }
        }
        d.deserialize_bytes(V)
    }
}

/// Reads what [`Serialize`] wrote. Packed bytes from the cache are decoded
/// once here, to check them: a list that fails to decode, or whose length
/// is not the one written, fails the whole cache (it is then rebuilt),
/// never a later read.
impl<'de, T: Serialize + DeserializeOwned + Clone> Deserialize<'de> for Packable<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            return Vec::<T>::deserialize(d).map(Packable::from);
        }
        let (len, ByteBuf(bytes)) = <(u32, ByteBuf)>::deserialize(d)?;
        if len == 0 {
            return if bytes.is_empty() {
                Ok(Packable::default())
            } else {
                Err(de::Error::custom("bytes in an empty packed list"))
            };
        }
        let list: Vec<T> = unpack(&bytes).map_err(de::Error::custom)?;
        if list.len() != len as usize {
            return Err(de::Error::custom(format!(
                "a packed list of {} items says {len}",
                list.len()
            )));
        }
        Ok(Packable {
            repr: Repr::Packed {
                len,
                bytes: bytes.into_boxed_slice(),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Link, LinkKind};

    fn links(n: usize) -> Vec<Link> {
        (0..n)
            .map(|i| {
                let target = format!("https://us.pycon.org/2017/schedule/presentation/{i}/");
                let at = i * 80;
                Link::new(
                    LinkKind::Inline,
                    "schedule",
                    &target,
                    at..at + 70,
                    at + 11..at + 69,
                )
            })
            .collect()
    }

    #[test]
    fn a_packed_list_reads_back_equal_and_smaller() {
        let plain: Packable<Link> = links(200).into();
        let mut packed = plain.clone();
        packed.pack();
        assert!(packed.is_packed() && !plain.is_packed());
        assert_eq!(packed.len(), 200);
        assert_eq!(packed.load(), plain.load());
        assert_eq!(packed, plain);
        let Repr::Packed { bytes, .. } = &packed.repr else {
            unreachable!()
        };
        // Repeated URL prefixes compress: far less than the text alone.
        assert!(bytes.len() < 200 * 50, "{} bytes", bytes.len());
    }

    #[test]
    fn changing_a_packed_list_unpacks_it() {
        let mut list: Packable<Link> = links(3).into();
        list.pack();
        list.to_mut().pop();
        assert!(!list.is_packed());
        assert_eq!(list.load().as_ref(), &links(2)[..]);
        assert_ne!(list, Packable::from(links(3)));
    }

    #[test]
    fn an_empty_list_stays_plain() {
        let mut list: Packable<Link> = Vec::new().into();
        list.pack();
        assert!(!list.is_packed() && list.is_empty());
    }

    #[test]
    fn the_index_cache_format_keeps_lists_packed_and_json_keeps_them_as_lists() {
        for n in [0, 1, 50] {
            let mut list: Packable<Link> = links(n).into();
            let bytes = postcard::to_allocvec(&list).unwrap();
            list.pack();
            assert_eq!(postcard::to_allocvec(&list).unwrap(), bytes);
            let back: Packable<Link> = postcard::from_bytes(&bytes).unwrap();
            assert_eq!(back.is_packed(), n > 0);
            assert_eq!(back, list);

            let json = serde_json::to_value(&list).unwrap();
            assert_eq!(json, serde_json::to_value(links(n)).unwrap());
            let back: Packable<Link> = serde_json::from_value(json).unwrap();
            assert_eq!(back.load().as_ref(), &links(n)[..]);
        }
    }

    #[test]
    fn damaged_packed_bytes_are_refused_when_read_not_later() {
        let mut list: Packable<Link> = links(20).into();
        list.pack();
        let good = postcard::to_allocvec(&list).unwrap();
        // The length says 21.
        let mut wrong_len = good.clone();
        wrong_len[0] = 21;
        assert!(postcard::from_bytes::<Packable<Link>>(&wrong_len).is_err());
        // A flipped byte in the compressed data, and a cut.
        let mut flipped = good.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 0xff;
        flipped[last - 40] ^= 0x5a;
        assert!(postcard::from_bytes::<Packable<Link>>(&flipped).is_err());
        assert!(postcard::from_bytes::<Packable<Link>>(&good[..good.len() / 2]).is_err());
        // Bytes under a length of zero.
        assert!(postcard::from_bytes::<Packable<Link>>(&[0, 2, 1, 2]).is_err());
    }
}
