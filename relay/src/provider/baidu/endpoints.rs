//! Which Wenxin Workshop endpoint serves a model: the seed's table of names that differ, and the lowercased model name for every other.

/// Models whose endpoint name is not their lowercased name (the seed's table, as Baidu's
/// documentation lists them). Matched without regard to case.
const MODEL_ENDPOINTS: &[(&str, &str)] = &[
    ("ERNIE-4.0-8K", "completions_pro"),
    ("ERNIE-4.0", "completions_pro"),
    ("ERNIE-Bot-4", "completions_pro"),
    ("ERNIE-Bot", "completions"),
    ("ERNIE-Bot-turbo", "eb-instant"),
    ("ERNIE-Speed", "ernie_speed"),
    ("ERNIE-3.5-8K", "completions"),
    ("ERNIE-Bot-8K", "ernie_bot_8k"),
    ("ERNIE-Speed-8K", "ernie_speed"),
    ("ERNIE-Lite-8K-0922", "eb-instant"),
    ("ERNIE-Lite-8K-0308", "ernie-lite-8k"),
    ("BLOOMZ-7B", "bloomz_7b1"),
    ("bge-large-zh", "bge_large_zh"),
    ("bge-large-en", "bge_large_en"),
    ("tao-8k", "tao_8k"),
    ("bce-reranker-base_v1", "bce_reranker_base"),
    ("Stable-Diffusion-XL", "sd_xl"),
    ("Fuyu-8B", "fuyu_8b"),
];

/// The endpoint name of `model` (the last segment of the URL), percent-encoded where the
/// name holds anything but letters, digits and `-_.`.
pub(super) fn endpoint_of(model: &str) -> String {
    let name = MODEL_ENDPOINTS
        .iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(model))
        .map_or_else(
            || model.to_ascii_lowercase(),
            |(_, endpoint)| (*endpoint).to_owned(),
        );
    name.bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.') {
                (byte as char).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_models_use_the_table_and_others_their_lowercased_name() {
        assert_eq!(endpoint_of("ERNIE-4.0-8K"), "completions_pro");
        assert_eq!(endpoint_of("ernie-4.0-8k"), "completions_pro");
        assert_eq!(endpoint_of("ERNIE-3.5-8K"), "completions");
        assert_eq!(endpoint_of("ERNIE-Bot-turbo"), "eb-instant");
        assert_eq!(endpoint_of("ERNIE-Speed-128K"), "ernie-speed-128k");
        assert_eq!(endpoint_of("Embedding-V1"), "embedding-v1");
        assert_eq!(endpoint_of("bge-large-zh"), "bge_large_zh");
        assert_eq!(endpoint_of("a/b c"), "a%2Fb%20c");
    }

    #[test]
    fn every_table_name_is_a_plain_path_segment() {
        for (model, endpoint) in MODEL_ENDPOINTS {
            assert_eq!(endpoint_of(model), *endpoint);
        }
    }
}
