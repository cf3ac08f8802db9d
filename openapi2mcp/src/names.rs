//! Unique names from wanted ones (`x`, `x_2`, `x_3`...), for tools and schema definitions, in work linear in the number of names claimed.

use std::collections::{HashMap, HashSet};

/// Names handed out so far, and for each wanted name the next suffix to try: a document may
/// want one name thousands of times (a repeated `operationId`), and probing `_2`, `_3`...
/// from the start each time would be quadratic in the repeats.
#[derive(Default)]
pub(crate) struct UniqueNames {
    used: HashSet<String>,
    next_suffix: HashMap<String, usize>,
    /// Candidates looked up, for tests that hold the work linear.
    pub(crate) probes: usize,
}

impl UniqueNames {
    /// `wanted` if free, else the first free `with_suffix(wanted, n)` for n = 2, 3...
    pub(crate) fn claim(
        &mut self,
        wanted: &str,
        with_suffix: impl Fn(&str, usize) -> String,
    ) -> String {
        self.probes += 1;
        if self.used.insert(wanted.to_owned()) {
            return wanted.to_owned();
        }
        // Suffixes below the remembered one were all taken already; names only get taken.
        let suffix = self.next_suffix.entry(wanted.to_owned()).or_insert(2);
        loop {
            let candidate = with_suffix(wanted, *suffix);
            *suffix += 1;
            self.probes += 1;
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

impl UniqueNames {
    /// `wanted` if free, else `wanted_<hash of identity>`, else that with `_2`, `_3`...:
    /// the name of something depends on what it is, not on how many took the name before.
    pub(crate) fn claim_stable(&mut self, wanted: &str, identity: &str, max_len: usize) -> String {
        self.probes += 1;
        if self.used.insert(wanted.to_owned()) {
            return wanted.to_owned();
        }
        let hashed = suffixed(wanted, identity, max_len);
        self.claim(&hashed, |base, attempt| {
            let tail = format!("_{attempt}");
            let mut head = base.to_owned();
            head.truncate(max_len.saturating_sub(tail.len()));
            format!("{head}{tail}")
        })
    }
}

/// `base_<hash of identity>`, cut so the whole fits
/// `max_len`. The hash names what the name stands for (an operation's method and path, a
/// schema's location), so the name does not depend on what else the document holds.
pub(crate) fn suffixed(base: &str, identity: &str, max_len: usize) -> String {
    let tail = format!("_{}", short_hash(identity));
    let mut head = base.to_owned();
    let keep = max_len.saturating_sub(tail.len());
    if head.len() > keep {
        // Names are ASCII here (callers replace everything else), so any byte is a boundary.
        head.truncate(keep);
        // A cut that ends on a separator would read `name-_hash`.
        head.truncate(head.trim_end_matches(['_', '-', '.']).len());
    }
    format!("{head}{tail}")
}

/// Eight hex digits of FNV-1a over `text`: the same on every machine and every release,
/// which std's hashers do not promise (names built from it are stored by clients).
pub(crate) fn short_hash(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{:08x}", (hash ^ (hash >> 32)) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(base: &str, suffix: usize) -> String {
        format!("{base}_{suffix}")
    }

    #[test]
    fn repeated_names_are_claimed_in_linear_work() {
        let mut names = UniqueNames::default();
        // Literal names that a suffix would also produce must still be skipped.
        assert_eq!(names.claim("x_3", plain), "x_3");
        let claimed: Vec<String> = (0..20_000).map(|_| names.claim("x", plain)).collect();
        assert_eq!(&claimed[..4], ["x", "x_2", "x_4", "x_5"]);
        let distinct: HashSet<&String> = claimed.iter().collect();
        assert_eq!(distinct.len(), claimed.len());
        assert!(names.probes <= 2 * 20_001 + 1, "{} probes", names.probes);
    }

    #[test]
    fn hashed_suffixes_fit_and_do_not_depend_on_order() {
        let long = "a".repeat(80);
        let first = suffixed(&long, "GET /one", 64);
        assert_eq!(first.len(), 64);
        assert_eq!(
            suffixed("ab-cd", "x", 12),
            format!("ab_{}", short_hash("x"))
        );
        assert_eq!(first, suffixed(&long, "GET /one", 64));
        assert_ne!(first, suffixed(&long, "GET /two", 64));
        // FNV-1a of "a" is 0xaf63dc4c8601ec8c; the halves folded give the digits.
        assert_eq!(short_hash("a"), "296230c0");
        let mut names = UniqueNames::default();
        assert_eq!(names.claim_stable("x", "a", 64), "x");
        let for_b = names.claim_stable("x", "b", 64);
        let for_c = names.claim_stable("x", "c", 64);
        assert_eq!(for_b, suffixed("x", "b", 64));
        assert_eq!(for_c, suffixed("x", "c", 64));
        // The same thing twice: the hashed name is taken, so a count is added.
        assert_eq!(names.claim_stable("x", "c", 64), format!("{for_c}_2"));
    }
}
