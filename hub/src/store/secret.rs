//! Masking of stored secrets (channel keys, URLs' passwords and credential query values, MCP
//! headers, query values and params, OpenAPI credentials, plugin settings' API keys) for every
//! read API, and recognising a masked value sent back so it keeps the stored secret.

use std::collections::BTreeMap;

use serde_json::Value;

use super::types::OpenApiSource;

/// Secrets shorter than this show nothing of themselves: 4 + 4 visible characters of a short
/// secret would reveal most of it.
const MIN_PARTIAL_LEN: usize = 12;
const HIDDEN: &str = "****";

/// `sk-a…f00d`: the first and last 4 characters of long secrets, `****` for short ones, empty
/// for empty.
pub fn mask(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.is_empty() {
        return String::new();
    }
    if chars.len() < MIN_PARTIAL_LEN {
        return HIDDEN.to_owned();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

/// The value to store when a client sends `incoming` for a secret currently `stored`: a value
/// equal to the mask of the stored secret means "unchanged" (a read-modify-write round trip).
pub fn keep_if_masked(incoming: &str, stored: &str) -> String {
    if !stored.is_empty() && incoming == mask(stored) {
        stored.to_owned()
    } else {
        incoming.to_owned()
    }
}

pub fn mask_map(map: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    mask_entries(map, |_| true)
}

/// Entry by entry [`keep_if_masked`].
pub fn unmask_map(
    incoming: &BTreeMap<String, String>,
    stored: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    unmask_entries(incoming, stored, |_| true)
}

/// `map` with the values of the entries `is_secret` names masked.
fn mask_entries(
    map: &BTreeMap<String, String>,
    is_secret: impl Fn(&str) -> bool,
) -> BTreeMap<String, String> {
    map.iter()
        .map(|(key, value)| {
            let value = if is_secret(key) {
                mask(value)
            } else {
                value.clone()
            };
            (key.clone(), value)
        })
        .collect()
}

/// `incoming` with each entry `is_secret` names kept as stored when it comes back masked.
fn unmask_entries(
    incoming: &BTreeMap<String, String>,
    stored: &BTreeMap<String, String>,
    is_secret: impl Fn(&str) -> bool,
) -> BTreeMap<String, String> {
    incoming
        .iter()
        .map(|(key, value)| {
            let value = match stored.get(key) {
                Some(old) if is_secret(key) => keep_if_masked(value, old),
                _ => value.clone(),
            };
            (key.clone(), value)
        })
        .collect()
}

/// Words that make a settings field a credential (`api_key`, `token`, `client_secret`, ...).
const CREDENTIAL_WORDS: &[&str] = &[
    "key",
    "token",
    "secret",
    "password",
    "authorization",
    "credential",
];

fn is_credential_field(field: &str) -> bool {
    let field = field.to_ascii_lowercase();
    CREDENTIAL_WORDS.iter().any(|word| field.contains(word))
}

/// Plugin settings with every string under a credential-named field masked, at any depth
/// (web search engines' and rewrite's `api_key`s).
pub fn mask_settings(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(field, value)| {
                    let masked = match value {
                        Value::String(secret) if is_credential_field(field) => {
                            Value::String(mask(secret))
                        }
                        other => mask_settings(other),
                    };
                    (field.clone(), masked)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(mask_settings).collect()),
        other => other.clone(),
    }
}

/// [`keep_if_masked`] for every credential field of settings sent back: a field equal to the
/// mask of the stored value at the same place (same field names, same array index) keeps it.
pub fn unmask_settings(incoming: Value, stored: &Value) -> Value {
    match incoming {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(field, value)| {
                    let old = stored.get(&field).unwrap_or(&Value::Null);
                    let value = match (value, old) {
                        (Value::String(new), Value::String(old)) if is_credential_field(&field) => {
                            Value::String(keep_if_masked(&new, old))
                        }
                        (value, old) => unmask_settings(value, old),
                    };
                    (field, value)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(idx, item)| unmask_settings(item, stored.get(idx).unwrap_or(&Value::Null)))
                .collect(),
        ),
        other => other,
    }
}

/// `text` with every one of `secrets` (as given and as encoded in a URL's query) replaced by
/// its mask: for error texts from a call that carried them, such as a failed upstream
/// request that prints its URL.
pub fn redact<'a>(text: &str, secrets: impl IntoIterator<Item = &'a str>) -> String {
    mcp::redact_secrets(text, secrets, mask)
}

/// A settings map (a channel's `config`) with the values of credential-named keys masked.
pub fn mask_credential_entries(map: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    mask_entries(map, is_credential_field)
}

/// [`unmask_map`] for the entries [`mask_credential_entries`] masks.
pub fn unmask_credential_entries(
    incoming: &BTreeMap<String, String>,
    stored: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    unmask_entries(incoming, stored, is_credential_field)
}

/// A URL with the credentials of its authority hidden: `http://user:****@host` for a password,
/// `http://****@host` for a lone user part (often a token), and the values of query parameters
/// with credential-like names (`?api_key=****`), since an upstream may take its key there. URLs
/// without any of these are unchanged.
pub fn mask_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{user}:{HIDDEN}@{host}"),
            None => format!("{HIDDEN}@{host}"),
        },
        None => authority.to_owned(),
    };
    format!("{scheme}://{authority}{}", mask_query(path))
}

/// `path` (what follows a URL's authority) with the values of credential-named query
/// parameters hidden; the fragment is left as it is.
fn mask_query(path: &str) -> String {
    let Some(query_start) = path.find('?') else {
        return path.to_owned();
    };
    if path
        .find('#')
        .is_some_and(|fragment| fragment < query_start)
    {
        return path.to_owned();
    }
    let (head, query) = path.split_at(query_start + 1);
    let (query, fragment) = match query.find('#') {
        Some(fragment_start) => query.split_at(fragment_start),
        None => (query, ""),
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) if !value.is_empty() && is_credential_query_name(name) => {
                format!("{name}={HIDDEN}")
            }
            _ => pair.to_owned(),
        })
        .collect();
    format!("{head}{}{fragment}", pairs.join("&"))
}

/// A query parameter name, percent-decoded as a server would read it, that names a credential.
fn is_credential_query_name(name: &str) -> bool {
    url::form_urlencoded::parse(name.as_bytes())
        .next()
        .is_some_and(|(decoded, _)| is_credential_field(&decoded))
}

/// [`keep_if_masked`] for URLs masked with [`mask_url`].
pub fn keep_url_if_masked(incoming: &str, stored: &str) -> String {
    if incoming != stored && incoming == mask_url(stored) {
        stored.to_owned()
    } else {
        incoming.to_owned()
    }
}

/// An OpenAPI source as read back: its credentials masked, and the credential query values of
/// its document and API URLs (a `spec_url` or `base_url` may carry a key).
pub fn mask_openapi(source: &OpenApiSource) -> OpenApiSource {
    OpenApiSource {
        spec_url: source.spec_url.as_deref().map(mask_url),
        base_url: source.base_url.as_deref().map(mask_url),
        credentials: mask_map(&source.credentials),
        ..source.clone()
    }
}

/// `incoming` with every value that is the mask of the `stored` one (see [`mask_openapi`])
/// replaced by the stored secret.
pub fn unmask_openapi(incoming: OpenApiSource, stored: Option<&OpenApiSource>) -> OpenApiSource {
    let Some(stored) = stored else {
        return incoming;
    };
    let keep = |incoming: Option<String>, stored: Option<&str>| match (incoming, stored) {
        (Some(incoming), Some(stored)) => Some(keep_url_if_masked(&incoming, stored)),
        (incoming, _) => incoming,
    };
    OpenApiSource {
        spec_url: keep(incoming.spec_url, stored.spec_url.as_deref()),
        base_url: keep(incoming.base_url, stored.base_url.as_deref()),
        credentials: unmask_map(&incoming.credentials, &stored.credentials),
        ..incoming
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_and_recognises_masks() {
        let cases = [
            ("", ""),
            ("short", "****"),
            ("sk-upstream", "****"),
            ("sk-abcdefghf00d", "sk-a…f00d"),
        ];
        for (secret, masked) in cases {
            assert_eq!(mask(secret), masked, "{secret}");
        }
        assert_eq!(
            keep_if_masked("sk-a…f00d", "sk-abcdefghf00d"),
            "sk-abcdefghf00d"
        );
        assert_eq!(keep_if_masked("sk-new", "sk-abcdefghf00d"), "sk-new");
        assert_eq!(keep_if_masked("****", ""), "****");
    }

    #[test]
    fn redacts_secrets_as_given_and_url_encoded() {
        let text = "error sending request for url (http://h/mcp?key=a+b%2Fc&t=tok-12345678), 1";
        let redacted = redact(text, ["a b/c", "tok-12345678", "1", ""]);
        assert_eq!(
            redacted,
            "error sending request for url (http://h/mcp?key=****&t=tok-…5678), 1"
        );
    }

    #[test]
    fn masks_urls_and_settings_and_keeps_them_when_sent_back() {
        let cases = [
            ("http://127.0.0.1:3128", "http://127.0.0.1:3128"),
            (
                "socks5://user:pa:ss@proxy:1080",
                "socks5://user:****@proxy:1080",
            ),
            ("http://tok@proxy/x?a=b@c", "http://****@proxy/x?a=b@c"),
            ("not a url", "not a url"),
            (
                "https://h/mcp?api_key=k-1234567890&region=eu&Access%5FToken=t#k=v",
                "https://h/mcp?api_key=****&region=eu&Access%5FToken=****#k=v",
            ),
            ("https://h/mcp?key=&debug", "https://h/mcp?key=&debug"),
            ("https://h/a#x?token=t", "https://h/a#x?token=t"),
        ];
        for (url, masked) in cases {
            assert_eq!(mask_url(url), masked, "{url}");
        }
        let stored = "http://user:secret@proxy:3128";
        assert_eq!(
            keep_url_if_masked("http://user:****@proxy:3128", stored),
            stored
        );
        assert_eq!(
            keep_url_if_masked("http://other:new@proxy", stored),
            "http://other:new@proxy"
        );
        let stored = "https://h/mcp?api_key=k-1234567890";
        assert_eq!(
            keep_url_if_masked("https://h/mcp?api_key=****", stored),
            stored
        );
        assert_eq!(
            keep_url_if_masked("https://h/mcp?api_key=new", stored),
            "https://h/mcp?api_key=new"
        );

        let stored = serde_json::json!({"web_search": {
            "engines": [{"type": "google", "api_key": "google-secret-key-1", "cx": "c"}],
            "rewrite": {"model": "m", "api_key": "rewrite-secret-key-2"}, "max_results": 5}});
        let masked = mask_settings(&stored);
        assert!(!masked.to_string().contains("secret-key"), "{masked}");
        assert_eq!(masked["web_search"]["engines"][0]["cx"], "c");
        assert_eq!(masked["web_search"]["max_results"], 5);
        assert_eq!(unmask_settings(masked.clone(), &stored), stored);
        let mut edited = masked;
        edited["web_search"]["rewrite"]["api_key"] = "new-key".into();
        let kept = unmask_settings(edited, &stored);
        assert_eq!(kept["web_search"]["rewrite"]["api_key"], "new-key");
        assert_eq!(
            kept["web_search"]["engines"][0]["api_key"],
            "google-secret-key-1"
        );
    }
}
