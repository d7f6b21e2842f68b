//! The `same_site` value.

use crate::Violation;

/// The `SameSite` attribute of the cookies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SameSite {
    /// `SameSite=Strict`: never sent on cross-site requests.
    Strict,
    /// `SameSite=Lax`: sent on top-level cross-site navigations only (the default).
    #[default]
    Lax,
    /// `SameSite=None`: sent on every request; browsers require `Secure`.
    None,
}

impl SameSite {
    /// Every value, in the order error messages list them.
    pub const ALL: [SameSite; 3] = [SameSite::Strict, SameSite::Lax, SameSite::None];

    /// The attribute value: `"Strict"`, `"Lax"` or `"None"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            SameSite::Strict => "Strict",
            SameSite::Lax => "Lax",
            SameSite::None => "None",
        }
    }
}

impl std::fmt::Display for SameSite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Parses a `same_site` value: exactly `"Strict"`, `"Lax"` or `"None"`.
///
/// Any other spelling, `"strict"` included, is a [`Violation::UnknownSameSite`] that lists the
/// valid values and suggests the closest one (same letters in another case, or at most two
/// edits away).
pub fn parse_same_site(value: &str) -> Result<SameSite, Violation> {
    if let Some(same_site) = SameSite::ALL.into_iter().find(|s| s.as_str() == value) {
        return Ok(same_site);
    }
    Err(Violation::UnknownSameSite {
        value: value.to_owned(),
        suggestion: closest(value),
    })
}

fn closest(value: &str) -> Option<SameSite> {
    let value = value.trim().to_ascii_lowercase();
    SameSite::ALL
        .into_iter()
        .map(|s| (levenshtein(&value, &s.as_str().to_ascii_lowercase()), s))
        .filter(|&(distance, _)| distance <= 2)
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, s)| s)
}

/// The number of single-character insertions, deletions and substitutions from `a` to `b`.
pub(crate) fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::levenshtein;

    #[test]
    fn levenshtein_counts_edits() {
        assert_eq!(levenshtein("", ""), 0);
        assert_eq!(levenshtein("lax", "lax"), 0);
        assert_eq!(levenshtein("lx", "lax"), 1);
        assert_eq!(levenshtein("strikt", "strict"), 1);
        assert_eq!(levenshtein("none", "lax"), 4);
        assert_eq!(levenshtein("", "none"), 4);
    }
}
