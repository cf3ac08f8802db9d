//! URI templates of virtual servers' resources: which concrete URI a template stands for, and the same values in another template.
//!
//! A virtual server may rename a source's resource template (`cal://{date}` shown as
//! `box://day/{date}`): a read of `box://day/2026-01-01` must read `cal://2026-01-01`. Each
//! `{...}` expression is treated as an opaque name whose value is any non-empty text (RFC 6570
//! operators included, taken literally), so renaming works whatever level the source uses.
//! Two expressions side by side would make the split ambiguous and one name used twice would
//! need equal values: both are refused, as is a URI past [`MAX_URI_BYTES`].

use std::collections::BTreeMap;

/// The longest URI matched against a template; longer ones match nothing.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// One piece of a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part<'a> {
    Literal(&'a str),
    /// The text between the braces.
    Expression(&'a str),
}

/// Whether `uri` is a template (has an expression) rather than one resource's URI.
pub fn is_template(uri: &str) -> bool {
    uri.contains('{')
}

/// Why `template` cannot be matched, if it cannot: unbalanced braces, an empty expression,
/// two expressions side by side, or one expression twice.
pub fn check(template: &str) -> Result<(), String> {
    parse(template).map(|_| ())
}

/// The expressions of `template`, sorted (for comparing a renamed template with its source).
pub fn expressions(template: &str) -> Result<Vec<&str>, String> {
    let mut names: Vec<&str> = parse(template)?
        .into_iter()
        .filter_map(|part| match part {
            Part::Expression(name) => Some(name),
            Part::Literal(_) => None,
        })
        .collect();
    names.sort_unstable();
    Ok(names)
}

/// The values of `template`'s expressions when `uri` is one of its URIs.
pub fn match_uri<'u>(template: &str, uri: &'u str) -> Option<BTreeMap<String, &'u str>> {
    if uri.len() > MAX_URI_BYTES {
        return None;
    }
    let parts = parse(template).ok()?;
    let mut values = BTreeMap::new();
    // Positions already known not to lead to a match, per part: each (part, position) is
    // tried once, which bounds the search by parts x URI length.
    let mut failed = vec![vec![false; uri.len() + 1]; parts.len()];
    matches_from(&parts, 0, uri, 0, &mut values, &mut failed).then_some(values)
}

/// `template` with each expression replaced by its value; `None` when one has none.
pub fn expand(template: &str, values: &BTreeMap<String, &str>) -> Option<String> {
    let mut expanded = String::new();
    for part in parse(template).ok()? {
        match part {
            Part::Literal(text) => expanded.push_str(text),
            Part::Expression(name) => expanded.push_str(values.get(name)?),
        }
    }
    Some(expanded)
}

/// `uri` of template `from` as the same values in template `to`; `uri` itself when `from` is
/// no template and equals it.
pub fn translate(from: &str, to: &str, uri: &str) -> Option<String> {
    if !is_template(from) {
        return (from == uri).then(|| to.to_owned());
    }
    expand(to, &match_uri(from, uri)?)
}

fn parse(template: &str) -> Result<Vec<Part<'_>>, String> {
    let mut parts = Vec::new();
    let mut rest = template;
    while !rest.is_empty() {
        match rest.find(['{', '}']) {
            None => {
                parts.push(Part::Literal(rest));
                break;
            }
            Some(at) if rest[at..].starts_with('}') => {
                return Err(format!("unbalanced }} in {template}"));
            }
            Some(at) => {
                if at > 0 {
                    parts.push(Part::Literal(&rest[..at]));
                }
                let after = &rest[at + 1..];
                let end = after
                    .find('}')
                    .ok_or_else(|| format!("unbalanced {{ in {template}"))?;
                let name = &after[..end];
                if name.is_empty() || name.contains('{') {
                    return Err(format!("an empty or nested expression in {template}"));
                }
                if matches!(parts.last(), Some(Part::Expression(_))) {
                    return Err(format!(
                        "two expressions side by side in {template} (their values cannot be told apart)"
                    ));
                }
                if parts.contains(&Part::Expression(name)) {
                    return Err(format!("{{{name}}} appears twice in {template}"));
                }
                parts.push(Part::Expression(name));
                rest = &after[end + 1..];
            }
        }
    }
    Ok(parts)
}

fn matches_from<'u>(
    parts: &[Part<'_>],
    part_index: usize,
    uri: &'u str,
    position: usize,
    values: &mut BTreeMap<String, &'u str>,
    failed: &mut [Vec<bool>],
) -> bool {
    let Some(part) = parts.get(part_index) else {
        return position == uri.len();
    };
    if failed[part_index][position] {
        return false;
    }
    let rest = &uri[position..];
    let matched = match part {
        Part::Literal(text) => {
            rest.starts_with(text)
                && matches_from(
                    parts,
                    part_index + 1,
                    uri,
                    position + text.len(),
                    values,
                    failed,
                )
        }
        Part::Expression(name) => {
            // The value runs up to where the next literal starts (or to the end); shortest first.
            let ends: Vec<usize> = match parts.get(part_index + 1) {
                Some(Part::Literal(next)) => rest
                    .match_indices(next)
                    .map(|(at, _)| at)
                    .filter(|at| *at > 0)
                    .collect(),
                // The last part: the value is the rest, which must not be empty.
                _ if rest.is_empty() => Vec::new(),
                _ => vec![rest.len()],
            };
            ends.into_iter().any(|end| {
                values.insert((*name).to_owned(), &rest[..end]);
                matches_from(parts, part_index + 1, uri, position + end, values, failed)
            })
        }
    };
    if !matched {
        failed[part_index][position] = true;
    }
    matched
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renamed_templates_carry_their_values_across() {
        for (from, to, uri, expected) in [
            (
                "box://day/{date}",
                "cal://{date}",
                "box://day/2026-01-01",
                Some("cal://2026-01-01"),
            ),
            (
                "box://{a}/x/{b}.txt",
                "src://{b}/{a}",
                "box://one/x/two.v1.txt",
                Some("src://two.v1/one"),
            ),
            (
                "box://{+path}",
                "file:///srv/{+path}",
                "box://a/b c",
                Some("file:///srv/a/b c"),
            ),
            ("box://day/{date}", "cal://{date}", "box://day/", None),
            ("box://day/{date}", "cal://{date}", "other://day/1", None),
            (
                "box://static",
                "src://static",
                "box://static",
                Some("src://static"),
            ),
            ("box://static", "src://static", "box://static2", None),
        ] {
            assert_eq!(
                translate(from, to, uri).as_deref(),
                expected,
                "{from} -> {to} for {uri}"
            );
        }
    }

    #[test]
    fn ambiguous_or_broken_templates_are_refused() {
        for template in ["a://{x}{y}", "a://{x", "a://x}", "a://{}", "a://{x}/{x}"] {
            assert!(check(template).is_err(), "{template}");
        }
        assert_eq!(expressions("a://{y}/{x}").unwrap(), ["x", "y"]);
    }

    #[test]
    fn long_uris_match_nothing_and_matching_stays_bounded() {
        let long = format!("a://{}", "x".repeat(MAX_URI_BYTES));
        assert_eq!(match_uri("a://{x}", &long), None);
        // Many candidate splits, none matching: each (part, position) is tried once.
        let uri = format!("a://{}", "-".repeat(2000));
        assert_eq!(match_uri("a://{p}-{q}-{r}-{s}-{t}!", &uri), None);
    }
}
