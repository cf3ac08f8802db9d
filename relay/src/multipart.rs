//! `multipart/form-data` bodies (audio transcriptions, image edits): read the model and check a
//! file is present, and rebuild the body only when the model name has to change.

use bytes::{Bytes, BytesMut};

/// One part of a form.
#[derive(Debug, Clone)]
pub struct Part {
    /// The part's header block as sent, without the blank line that ends it.
    headers: Bytes,
    pub name: String,
    pub filename: Option<String>,
    pub data: Bytes,
}

/// A parsed form; parts keep their order and bytes.
#[derive(Debug, Clone)]
pub struct Multipart {
    boundary: String,
    pub parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MultipartError {
    #[error("content type must be multipart/form-data with a boundary")]
    NotMultipart,
    #[error("malformed multipart body: {0}")]
    Malformed(&'static str),
    #[error("multipart field {0} is not valid utf-8 text")]
    NotText(String),
}

impl Multipart {
    pub fn parse(content_type: &str, body: &Bytes) -> Result<Multipart, MultipartError> {
        let boundary = boundary_of(content_type).ok_or(MultipartError::NotMultipart)?;
        let delimiter = format!("--{boundary}");
        let delimiter = delimiter.as_bytes();
        let mut position =
            find(body, delimiter, 0).ok_or(MultipartError::Malformed("no boundary found"))?;
        let mut parts = Vec::new();
        loop {
            position += delimiter.len();
            let rest = &body[position..];
            if rest.starts_with(b"--") {
                break;
            }
            position += line_break_len(rest).ok_or(MultipartError::Malformed(
                "boundary not followed by a line break",
            ))?;
            let header_end = find(body, b"\r\n\r\n", position)
                .ok_or(MultipartError::Malformed("part headers never end"))?;
            let headers = body.slice(position..header_end);
            let data_start = header_end + 4;
            let mut closing = Vec::with_capacity(delimiter.len() + 2);
            closing.extend_from_slice(b"\r\n");
            closing.extend_from_slice(delimiter);
            let data_end = find(body, &closing, data_start)
                .ok_or(MultipartError::Malformed("part is not terminated"))?;
            let (name, filename) =
                disposition(&headers).ok_or(MultipartError::Malformed("part has no name"))?;
            parts.push(Part {
                headers,
                name,
                filename,
                data: body.slice(data_start..data_end),
            });
            position = data_end + 2;
        }
        Ok(Multipart {
            boundary: boundary.to_owned(),
            parts,
        })
    }

    /// A text field's value; `Ok(None)` when absent.
    pub fn text(&self, name: &str) -> Result<Option<&str>, MultipartError> {
        match self
            .parts
            .iter()
            .find(|part| part.name == name && part.filename.is_none())
        {
            None => Ok(None),
            Some(part) => std::str::from_utf8(&part.data)
                .map(Some)
                .map_err(|_| MultipartError::NotText(name.to_owned())),
        }
    }

    pub fn has_file(&self) -> bool {
        self.parts
            .iter()
            .any(|part| part.filename.is_some() && !part.data.is_empty())
    }

    pub fn set_text(&mut self, name: &str, value: &str) {
        for part in self
            .parts
            .iter_mut()
            .filter(|part| part.name == name && part.filename.is_none())
        {
            part.data = Bytes::copy_from_slice(value.as_bytes());
        }
    }

    pub fn to_bytes(&self) -> Bytes {
        let size = self
            .parts
            .iter()
            .map(|p| p.headers.len() + p.data.len() + self.boundary.len() + 10)
            .sum::<usize>();
        let mut out = BytesMut::with_capacity(size + self.boundary.len() + 8);
        for part in &self.parts {
            out.extend_from_slice(b"--");
            out.extend_from_slice(self.boundary.as_bytes());
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(&part.headers);
            out.extend_from_slice(b"\r\n\r\n");
            out.extend_from_slice(&part.data);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"--");
        out.extend_from_slice(self.boundary.as_bytes());
        out.extend_from_slice(b"--\r\n");
        out.freeze()
    }
}

fn boundary_of(content_type: &str) -> Option<&str> {
    let mut params = content_type.split(';');
    let mime = params.next()?.trim();
    if !mime.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params
        .filter_map(|param| param.trim().split_once('='))
        .find(|(key, _)| key.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, value)| value.trim().trim_matches('"'))
        .filter(|boundary| !boundary.is_empty() && boundary.len() <= 200)
}

fn line_break_len(rest: &[u8]) -> Option<usize> {
    if rest.starts_with(b"\r\n") {
        Some(2)
    } else if rest.starts_with(b"\n") {
        Some(1)
    } else {
        None
    }
}

/// `name` and `filename` of a part's `Content-Disposition` header.
fn disposition(headers: &[u8]) -> Option<(String, Option<String>)> {
    let text = String::from_utf8_lossy(headers);
    let line = text.lines().find(|line| {
        line.split_once(':')
            .is_some_and(|(key, _)| key.trim().eq_ignore_ascii_case("content-disposition"))
    })?;
    let (_, value) = line.split_once(':')?;
    let mut name = None;
    let mut filename = None;
    for param in value.split(';').skip(1) {
        let Some((key, value)) = param.trim().split_once('=') else {
            continue;
        };
        let value = value.trim().trim_matches('"').to_owned();
        match key.trim().to_ascii_lowercase().as_str() {
            "name" => name = Some(value),
            "filename" => filename = Some(value),
            _ => {}
        }
    }
    Some((name?, filename))
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    find_counting(haystack, needle, from, &mut 0)
}

/// The first `needle` in `haystack` at or after `from` (Knuth-Morris-Pratt). The needle is a
/// client-chosen boundary of up to 200 bytes: a naive search that restarts after each partial
/// match costs up to 200 comparisons per body byte on a crafted body, this one at most two.
/// `steps` counts comparisons, for tests.
fn find_counting(haystack: &[u8], needle: &[u8], from: usize, steps: &mut u64) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    // fallback[i]: length of the longest proper prefix of needle[..=i] that is also its suffix.
    let mut fallback = vec![0usize; needle.len()];
    let mut matched = 0;
    for index in 1..needle.len() {
        while matched > 0 && needle[index] != needle[matched] {
            matched = fallback[matched - 1];
        }
        if needle[index] == needle[matched] {
            matched += 1;
        }
        fallback[index] = matched;
    }
    let mut matched = 0;
    for (index, &byte) in haystack.iter().enumerate().skip(from) {
        *steps += 1;
        while matched > 0 && byte != needle[matched] {
            *steps += 1;
            matched = fallback[matched - 1];
        }
        if byte == needle[matched] {
            matched += 1;
            if matched == needle.len() {
                return Some(index + 1 - needle.len());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\nContent-Type: audio/wav\r\n\r\nRIFF\r\n--XyZ\r\n\r\n--XyZ--\r\n";

    #[test]
    fn parses_and_rebuilds() {
        let body = Bytes::from(BODY.replace("--XyZ\r\n\r\n--XyZ--", "--XyZ--"));
        let mut form = Multipart::parse("multipart/form-data; boundary=\"XyZ\"", &body).unwrap();
        assert_eq!(form.text("model").unwrap(), Some("whisper-1"));
        assert!(form.has_file());
        form.set_text("model", "whisper-large");
        let rebuilt = form.to_bytes();
        let again = Multipart::parse("multipart/form-data; boundary=XyZ", &rebuilt).unwrap();
        assert_eq!(again.text("model").unwrap(), Some("whisper-large"));
        assert_eq!(&again.parts[1].data[..], b"RIFF");
        assert_eq!(
            Multipart::parse("application/json", &body).unwrap_err(),
            MultipartError::NotMultipart
        );
        assert!(Multipart::parse("multipart/form-data; boundary=other", &body).is_err());
        assert!(
            Multipart::parse(
                "multipart/form-data; boundary=XyZ",
                &Bytes::from_static(b"--XyZ\r\nbroken")
            )
            .is_err()
        );
        assert!(Multipart::parse("multipart/form-data; boundary=XyZ", &Bytes::from(BODY)).is_err());
    }

    #[test]
    fn boundary_search_is_linear_on_crafted_bodies() {
        assert_eq!(find(b"xx--ab--abc", b"--abc", 0), Some(6));
        assert_eq!(find(b"--abc--abc", b"--abc", 1), Some(5));
        assert_eq!(find(b"--ab", b"--abc", 0), None);
        // Runs of almost-delimiters: a naive search compares ~200 bytes at each position.
        let needle = format!("\r\n--{}", "-".repeat(200));
        let chunk = format!("\r\n--{}x", "-".repeat(199));
        let haystack = chunk.repeat(5_000);
        let mut steps = 0;
        assert_eq!(
            find_counting(haystack.as_bytes(), needle.as_bytes(), 0, &mut steps),
            None
        );
        assert!(
            steps <= 2 * haystack.len() as u64,
            "{steps} steps for {} bytes",
            haystack.len()
        );
    }

    // Cases: proptest's default of 256, or `PROPTEST_CASES` (read by proptest itself).
    proptest::proptest! {
        #[test]
        fn arbitrary_bodies_never_panic_and_parts_stay_inside_the_body(
            body in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just(b'-'), proptest::strategy::Just(b'\r'),
                    proptest::strategy::Just(b'\n'), proptest::strategy::Just(b'B'),
                    proptest::arbitrary::any::<u8>(),
                ],
                0..512,
            ),
            header in "(name=\"[a-z]{0,3}\"|filename=\"f\"|Content-Disposition: form-data; )*",
            boundary in "[-B]{1,4}",
        ) {
            // Sprinkle well-formed pieces so some cases get past the first checks.
            let mut full = format!("--{boundary}\r\nContent-Disposition: form-data; {header}\r\n\r\n")
                .into_bytes();
            full.extend_from_slice(&body);
            let body = Bytes::from(full);
            let content_type = format!("multipart/form-data; boundary={boundary}");
            if let Ok(mut form) = Multipart::parse(&content_type, &body) {
                let inside: usize = form.parts.iter().map(|p| p.data.len() + p.headers.len()).sum();
                proptest::prop_assert!(inside <= body.len());
                let _ = form.text("model");
                form.set_text("model", "m");
                let rebuilt = form.to_bytes();
                proptest::prop_assert!(rebuilt.len() <= body.len() + 16 * (form.parts.len() + 1) + 8 * boundary.len() * (form.parts.len() + 1));
            }
        }

        #[test]
        fn search_agrees_with_a_naive_one(
            haystack in proptest::collection::vec(proptest::sample::select(&b"ab-"[..]), 0..64),
            needle in proptest::collection::vec(proptest::sample::select(&b"ab-"[..]), 1..5),
            from in 0usize..8,
        ) {
            let naive = (from..=haystack.len().saturating_sub(needle.len()))
                .find(|&i| haystack.get(i..i + needle.len()) == Some(&needle[..]));
            proptest::prop_assert_eq!(find(&haystack, &needle, from), naive);
        }
    }
}
