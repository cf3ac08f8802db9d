//! Token counts of texts counted before, remembered in a small fixed table.
//!
//! Chat clients resend the same texts on every turn: the system prompt (tens of kilobytes for a
//! coding agent) and every earlier message of the conversation. Tokenizing them again costs far
//! more than the request's own work (tiktoken runs a backtracking regex over every byte), so a
//! text's count is remembered under a keyed hash of the text and its encoding. The table is
//! direct-mapped and lock-free: each slot is one `AtomicU64` holding a tag (more bits of the
//! hash) and the count, so a lookup is one hash and one load, memory is fixed (64 KiB), and a
//! newer text simply takes an older one's slot.
//!
//! The hash is SipHash with keys drawn at start, so a tenant cannot craft two texts that share
//! a slot and tag; an accidental match needs 40 equal bits on top of the slot's 13. A count
//! here is an estimate for admission and for answers without usage, never an invoice.

use std::hash::{BuildHasher, Hash, Hasher, RandomState};
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// Slots in the process's table (a power of two): 8192 texts, 64 KiB.
const SLOTS: usize = 1 << 13;
/// Bits of a slot's word that hold the count; the rest hold the tag.
const COUNT_BITS: u32 = 24;
/// Counts at or above this are not remembered (they would not fit): 16.7M tokens.
const COUNT_LIMIT: u64 = (1 << COUNT_BITS) - 1;

/// Which table a count was made with: the same text counts differently per encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Encoding {
    O200k,
    Cl100k,
}

pub(crate) struct TokenMemo {
    slots: Box<[AtomicU64]>,
    keys: RandomState,
}

static MEMO: LazyLock<TokenMemo> = LazyLock::new(|| TokenMemo::with_slots(SLOTS));

/// The count of `text` in `encoding`: remembered, or made by `count` and remembered.
pub(crate) fn count_with(encoding: Encoding, text: &str, count: impl FnOnce(&str) -> u64) -> u64 {
    MEMO.count_with(encoding, text, count)
}

impl TokenMemo {
    fn with_slots(slots: usize) -> Self {
        debug_assert!(slots.is_power_of_two());
        Self {
            slots: (0..slots).map(|_| AtomicU64::new(0)).collect(),
            keys: RandomState::new(),
        }
    }

    fn count_with(&self, encoding: Encoding, text: &str, count: impl FnOnce(&str) -> u64) -> u64 {
        let (slot, tag) = self.place(encoding, text);
        if let Some(known) = self.get(slot, tag) {
            return known;
        }
        let counted = count(text);
        if counted < COUNT_LIMIT {
            // Stored plus one, so that an empty slot (0) never reads as a count.
            self.slots[slot].store((tag << COUNT_BITS) | (counted + 1), Ordering::Relaxed);
        }
        counted
    }

    /// The slot and tag of a text: the hash's low bits choose the slot, its high bits tag it.
    fn place(&self, encoding: Encoding, text: &str) -> (usize, u64) {
        let mut hasher = self.keys.build_hasher();
        encoding.hash(&mut hasher);
        text.hash(&mut hasher);
        let hash = hasher.finish();
        // The slot index is within `slots.len()`, a power of two no larger than usize::MAX.
        let slot = usize::try_from(hash).unwrap_or(usize::MAX) & (self.slots.len() - 1);
        (slot, hash >> COUNT_BITS)
    }

    fn get(&self, slot: usize, tag: u64) -> Option<u64> {
        let word = self.slots[slot].load(Ordering::Relaxed);
        (word != 0 && word >> COUNT_BITS == tag).then(|| (word & COUNT_LIMIT) - 1)
    }
}

#[cfg(test)]
mod tests {
    use std::cell::{Cell, RefCell};

    use super::*;

    #[test]
    fn a_text_is_counted_once_then_remembered_per_encoding() {
        let memo = TokenMemo::with_slots(SLOTS);
        let counted = Cell::new(0);
        let count = |text: &str| {
            counted.set(counted.get() + 1);
            text.len() as u64
        };
        assert_eq!(memo.count_with(Encoding::O200k, "hello world", count), 11);
        assert_eq!(memo.count_with(Encoding::O200k, "hello world", count), 11);
        assert_eq!(counted.get(), 1);
        // The other encoding has counts of its own.
        assert_eq!(memo.count_with(Encoding::Cl100k, "hello world", count), 11);
        assert_eq!(counted.get(), 2);
        // A count of zero is remembered too, and an empty slot never reads as one.
        assert_eq!(memo.count_with(Encoding::O200k, "", count), 0);
        assert_eq!(memo.count_with(Encoding::O200k, "", count), 0);
        assert_eq!(counted.get(), 3);
    }

    #[test]
    fn a_text_that_lost_its_slot_is_counted_again_and_never_given_another_count() {
        // One slot: every text shares it, and only the tag tells them apart.
        let memo = TokenMemo::with_slots(1);
        let counted = RefCell::new(Vec::new());
        let count = |text: &str| {
            counted.borrow_mut().push(text.to_owned());
            text.len() as u64
        };
        assert_eq!(memo.count_with(Encoding::O200k, "first", count), 5);
        assert_eq!(memo.count_with(Encoding::O200k, "second text", count), 11);
        assert_eq!(memo.count_with(Encoding::O200k, "first", count), 5);
        assert_eq!(*counted.borrow(), ["first", "second text", "first"]);
    }

    #[test]
    fn counts_too_large_to_store_are_made_every_time() {
        let memo = TokenMemo::with_slots(SLOTS);
        let counted = Cell::new(0);
        let count = |_: &str| {
            counted.set(counted.get() + 1);
            COUNT_LIMIT
        };
        assert_eq!(memo.count_with(Encoding::O200k, "huge", count), COUNT_LIMIT);
        assert_eq!(memo.count_with(Encoding::O200k, "huge", count), COUNT_LIMIT);
        assert_eq!(counted.get(), 2);
    }
}
