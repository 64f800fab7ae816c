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

/// A set of ids in two halves by [`half_of_hash`] (see [`first_positions`]); each id
/// maps to its position in the list it was built from (the first, if it repeats).
pub struct SplitSet<'s, 'a> {
    values: &'s [&'a str],
    halves: [hashbrown::HashTable<usize>; 2],
}

impl<'s, 'a> SplitSet<'s, 'a> {
    pub fn new(values: &'s [&'a str]) -> SplitSet<'s, 'a> {
        let (halves, _) = first_positions(values.len(), |i| Some(values[i]));
        SplitSet { values, halves }
    }

    pub fn contains(&self, value: &str) -> bool {
        self.position(value).is_some()
    }

    /// Where `value` first is in the list the set was built from.
    pub fn position(&self, value: &str) -> Option<usize> {
        let h = hash_of(value);
        self.halves[half_of_hash(h)]
            .find(h, |&i| self.values[i] == value)
            .copied()
    }
}

/// The hash [`IdMap`] gives a value.
pub fn hash_of<T: std::hash::Hash + ?Sized>(value: &T) -> u64 {
    use std::hash::BuildHasher;
    BuildHasherDefault::<IdHasher>::default().hash_one(value)
}

/// Which of two halves a value of hash `h` falls in, by a bit of its hash that hash maps do not use
/// to place it (they take the low bits for the bucket and the top seven as a tag), so
/// that each half's map is filled evenly.
fn half_of_hash(h: u64) -> usize {
    (h >> 40) as usize & 1
}

/// Values below this many are indexed on one thread.
const SPLIT_FROM: usize = 50_000;

/// The first position of each of the `n` values `get` gives (an empty one has none), in
/// two tables by [`half_of_hash`]; and each repeat, with the position of its first value, in
/// order of position. Each value is hashed once, then each half's table is filled: the
/// same as one pass in order, because equal values fall in the same half. From
/// [`SPLIT_FROM`] values on, the hashing and the two halves run on two threads.
pub fn first_positions<'a>(
    n: usize,
    get: impl Fn(usize) -> Option<&'a str> + Sync,
) -> ([hashbrown::HashTable<usize>; 2], Vec<(usize, usize)>) {
    let hashes = |r: std::ops::Range<usize>| -> Vec<u64> {
        r.map(|i| get(i).map_or(u64::MAX, hash_of)).collect()
    };
    let hashes: Vec<u64> = if n < SPLIT_FROM {
        hashes(0..n)
    } else {
        let (mut a, b) = crate::par::both(|| hashes(0..n / 2), || hashes(n / 2..n));
        a.extend(b);
        a
    };
    let half = |h: usize| {
        let size = hashes.iter().filter(|&&x| half_of_hash(x) == h).count();
        let mut table: hashbrown::HashTable<usize> = hashbrown::HashTable::with_capacity(size);
        let mut repeats = vec![];
        for (i, &x) in hashes.iter().enumerate() {
            if half_of_hash(x) != h {
                continue;
            }
            let Some(v) = get(i) else { continue };
            match table.entry(x, |&j| get(j) == Some(v), |&j| hashes[j]) {
                hashbrown::hash_table::Entry::Occupied(first) => repeats.push((i, *first.get())),
                hashbrown::hash_table::Entry::Vacant(slot) => {
                    slot.insert(i);
                }
            }
        }
        (table, repeats)
    };
    let ((a, mut ra), (b, rb)) = if n < SPLIT_FROM {
        (half(0), half(1))
    } else {
        crate::par::both(|| half(0), || half(1))
    };
    ra.extend(rb);
    ra.sort_unstable();
    ([a, b], ra)
}
