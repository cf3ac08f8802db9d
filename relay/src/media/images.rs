//! `n`, `size` and `quality` of an images request, checked against the model's [`ImageLimits`] and kept for billing.

use bytes::Bytes;

use super::{ImageLimits, MediaUsage};
use crate::error::RelayError;
use crate::json::JsonObject;
use crate::multipart::Multipart;

/// Longest `size` or `quality` value kept: they become log-row text and price-table keys.
const MAX_VALUE_BYTES: usize = 64;

/// Largest `n` accepted when the model sets no limit (OpenAI's own bound for dall-e-2).
const DEFAULT_MAX_IMAGES: u32 = 10;

/// The billing-relevant parameters of one images request, as the client sent them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageParams {
    pub n: Option<u32>,
    pub size: Option<String>,
    pub quality: Option<String>,
}

impl ImageParams {
    /// From a JSON body (`/v1/images/generations`).
    pub(crate) fn from_json(object: &JsonObject) -> Result<ImageParams, RelayError> {
        let n = match object.get_as::<serde_json::Value>("n") {
            Err(_) => return Err(bad("n must be an integer", "n")),
            Ok(None) => None,
            Ok(Some(value)) => Some(
                value
                    .as_u64()
                    .ok_or_else(|| bad("n must be a positive integer", "n"))
                    .and_then(count)?,
            ),
        };
        Ok(ImageParams {
            n,
            size: text_field(object, "size")?,
            quality: text_field(object, "quality")?,
        })
    }

    /// From a multipart form (`/v1/images/edits`): every field is text there.
    pub(crate) fn from_form(form: &Multipart) -> Result<ImageParams, RelayError> {
        let field = |name: &'static str| -> Result<Option<String>, RelayError> {
            let value = form
                .text(name)
                .map_err(|_| bad(format!("{name} must be text"), name))?;
            Ok(value.map(str::trim).map(str::to_owned))
        };
        let n = match field("n")? {
            None => None,
            Some(text) => Some(
                text.parse::<u64>()
                    .map_err(|_| bad("n must be a positive integer", "n"))
                    .and_then(count)?,
            ),
        };
        Ok(ImageParams {
            n,
            size: field("size")?.filter(|size| !size.is_empty()),
            quality: field("quality")?.filter(|quality| !quality.is_empty()),
        })
    }
}

/// Checks the parameters against the limits and returns the usage to bill if the upstream's
/// answer cannot be read: `n` images (1 when unset) at the asked or default size and quality.
pub fn check_images(
    params: &ImageParams,
    limits: Option<&ImageLimits>,
) -> Result<MediaUsage, RelayError> {
    let default = ImageLimits::default();
    let limits = limits.unwrap_or(&default);
    let n = params.n.unwrap_or(1);
    let max = limits.max_images.unwrap_or(DEFAULT_MAX_IMAGES);
    if n == 0 || n > max {
        return Err(bad(
            format!("n must be between 1 and {max} for this model, got {n}"),
            "n",
        ));
    }
    for (value, allowed, name) in [
        (&params.size, &limits.sizes, "size"),
        (&params.quality, &limits.qualities, "quality"),
    ] {
        let Some(value) = value else { continue };
        if value.len() > MAX_VALUE_BYTES {
            return Err(bad(
                format!("{name} is longer than {MAX_VALUE_BYTES} bytes"),
                name,
            ));
        }
        if !allowed.is_empty() && !allowed.iter().any(|item| item == value) {
            return Err(bad(
                format!(
                    "{name} '{value}' is not supported by this model; supported values are: {}",
                    allowed.join(", ")
                ),
                name,
            ));
        }
    }
    Ok(MediaUsage {
        images: n,
        image_size: params.size.clone().or_else(|| limits.default_size.clone()),
        image_quality: params
            .quality
            .clone()
            .or_else(|| limits.default_quality.clone()),
        ..MediaUsage::default()
    })
}

/// How many images an images answer carries (`data` items); `None` when it is not such a body.
pub fn images_returned(body: &Bytes) -> Option<u32> {
    let object = JsonObject::parse(body.clone()).ok()?;
    let data = object.get_as::<Vec<serde::de::IgnoredAny>>("data").ok()??;
    u32::try_from(data.len()).ok()
}

fn count(value: u64) -> Result<u32, RelayError> {
    u32::try_from(value).map_err(|_| bad("n is too large", "n"))
}

fn text_field(object: &JsonObject, name: &'static str) -> Result<Option<String>, RelayError> {
    object
        .get_as::<String>(name)
        .map_err(|_| bad(format!("{name} must be a string"), name))
}

fn bad(message: impl Into<String>, param: &'static str) -> RelayError {
    RelayError::BadRequest {
        message: message.into(),
        param: Some(param),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> ImageLimits {
        ImageLimits {
            sizes: vec!["1024x1024".into(), "1024x1792".into()],
            qualities: vec!["standard".into(), "hd".into()],
            max_images: Some(4),
            default_size: Some("1024x1024".into()),
            default_quality: Some("standard".into()),
        }
    }

    fn json(body: &str) -> Result<ImageParams, RelayError> {
        ImageParams::from_json(&JsonObject::parse(Bytes::from(body.to_owned())).unwrap())
    }

    fn param_of(error: RelayError) -> Option<&'static str> {
        match error {
            RelayError::BadRequest { param, .. } => param,
            other => panic!("not a bad request: {other:?}"),
        }
    }

    #[test]
    fn accepted_parameters_are_kept_and_defaults_fill_the_rest() {
        let params = json(r#"{"prompt":"p","n":3,"size":"1024x1792","quality":"hd"}"#).unwrap();
        let usage = check_images(&params, Some(&limits())).unwrap();
        assert_eq!(usage.images, 3);
        assert_eq!(usage.image_size.as_deref(), Some("1024x1792"));
        assert_eq!(usage.image_quality.as_deref(), Some("hd"));
        let usage = check_images(&json(r#"{"prompt":"p"}"#).unwrap(), Some(&limits())).unwrap();
        assert_eq!(
            (usage.images, usage.image_size, usage.image_quality),
            (1, Some("1024x1024".into()), Some("standard".into()))
        );
    }

    #[test]
    fn each_refusal_names_its_parameter() {
        let refuse = |body: &str| {
            json(body)
                .and_then(|params| check_images(&params, Some(&limits())))
                .map(|_| ())
                .map_err(param_of)
        };
        assert_eq!(refuse(r#"{"n":5}"#), Err(Some("n")));
        assert_eq!(refuse(r#"{"n":0}"#), Err(Some("n")));
        assert_eq!(refuse(r#"{"n":-1}"#), Err(Some("n")));
        assert_eq!(refuse(r#"{"n":1.5}"#), Err(Some("n")));
        assert_eq!(refuse(r#"{"n":"2"}"#), Err(Some("n")));
        assert_eq!(refuse(r#"{"size":"256x256"}"#), Err(Some("size")));
        assert_eq!(refuse(r#"{"size":7}"#), Err(Some("size")));
        assert_eq!(refuse(r#"{"quality":"ultra"}"#), Err(Some("quality")));
        assert_eq!(
            refuse(r#"{"n":4,"size":"1024x1024","quality":"hd"}"#),
            Ok(())
        );
        // No limits configured: any size and quality, n up to the default bound.
        let open = |body: &str| check_images(&json(body).unwrap(), None).map(|u| u.images);
        assert_eq!(open(r#"{"n":10,"size":"9x9"}"#).ok(), Some(10));
        assert_eq!(open(r#"{"n":11}"#).map_err(param_of), Err(Some("n")));
    }

    #[test]
    fn multipart_fields_are_checked_the_same_way() {
        let body = "--B\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\n2\r\n--B\r\nContent-Disposition: form-data; name=\"size\"\r\n\r\n1024x1024\r\n--B\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n\r\nPNG\r\n--B--\r\n";
        let form = Multipart::parse("multipart/form-data; boundary=B", &Bytes::from(body)).unwrap();
        let params = ImageParams::from_form(&form).unwrap();
        assert_eq!(params.n, Some(2));
        assert_eq!(check_images(&params, Some(&limits())).unwrap().images, 2);
        let bad_n = body.replace("\r\n\r\n2\r\n", "\r\n\r\ntwo\r\n");
        let form =
            Multipart::parse("multipart/form-data; boundary=B", &Bytes::from(bad_n)).unwrap();
        assert_eq!(
            ImageParams::from_form(&form).map_err(param_of),
            Err(Some("n"))
        );
        let bad_size = body.replace("1024x1024", "512x512");
        let form =
            Multipart::parse("multipart/form-data; boundary=B", &Bytes::from(bad_size)).unwrap();
        let params = ImageParams::from_form(&form).unwrap();
        assert_eq!(
            check_images(&params, Some(&limits())).map_err(param_of),
            Err(Some("size"))
        );
    }

    #[test]
    fn returned_images_are_counted_from_the_answer() {
        let body = Bytes::from_static(br#"{"created":1,"data":[{"url":"a"},{"b64_json":"x"}]}"#);
        assert_eq!(images_returned(&body), Some(2));
        assert_eq!(images_returned(&Bytes::from_static(b"{\"data\":1}")), None);
        assert_eq!(images_returned(&Bytes::from_static(b"not json")), None);
    }
}
