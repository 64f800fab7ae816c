//! Hashing for ids. Case, employee and center ids are short strings looked up millions
//! of times in an audit; SipHash, the standard library's default, was a tenth of the
//! audit's time in the profile at a million cases. A multiply-rotate hash (as in rustc)
//! with a final mix took about a quarter off the escalation rule's instruction count.
//! The input is the company's own export, not an adversary, so hash flooding is not a
//! concern; and nothing shouwen writes depends on the order of a hash map.

use std::hash::{BuildHasherDefault, Hasher};

/// A hash map keyed by ids (case, employee, center): fast on short strings.
pub type IdMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<IdHasher>>;
/// A hash set of ids; see [`IdMap`].
pub type IdSet<T> = std::collections::HashSet<T, BuildHasherDefault<IdHasher>>;

#[derive(Default, Clone, Copy)]
pub struct IdHasher(u64);

impl IdHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        // The multiply leaves the low bits (which pick the bucket) depending only on the
        // low bytes of the input ("E0…" for every id): mix the high bits down (fmix64).
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

/// Which of two halves a value falls in, by a bit of its hash that hash maps do not use
/// to place it (they take the low bits for the bucket and the top seven as a tag), so
/// that each half's map is filled evenly.
pub fn half_of<T: std::hash::Hash + ?Sized>(value: &T) -> usize {
    use std::hash::BuildHasher;
    (BuildHasherDefault::<IdHasher>::default().hash_one(value) >> 40) as usize & 1
}

/// A set of ids in two halves by [`half_of`], each built on its own thread; each id
/// maps to its position in the list it was built from (the first, if it repeats).
pub struct SplitSet<'a> {
    halves: [IdMap<&'a str, usize>; 2],
}

impl<'a> SplitSet<'a> {
    pub fn new(values: &[&'a str]) -> SplitSet<'a> {
        let half = |h: usize| -> IdMap<&'a str, usize> {
            let mut map = IdMap::with_capacity_and_hasher(values.len() / 2 + 1, Default::default());
            for (i, v) in values.iter().enumerate() {
                if half_of(*v) == h {
                    map.entry(*v).or_insert(i);
                }
            }
            map
        };
        let (a, b) = crate::par::both(|| half(0), || half(1));
        SplitSet { halves: [a, b] }
    }

    pub fn contains(&self, value: &str) -> bool {
        self.halves[half_of(value)].contains_key(value)
    }

    /// Where `value` first is in the list the set was built from.
    pub fn position(&self, value: &str) -> Option<usize> {
        self.halves[half_of(value)].get(value).copied()
    }
}
