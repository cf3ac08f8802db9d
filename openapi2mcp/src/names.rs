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
}
