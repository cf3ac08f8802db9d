//! What a request's media units cost at its model's media prices: images, speech characters, audio minutes, document pages, a finished video's seconds.

use relay::media::MediaUsage;
use rust_decimal::Decimal;

use super::ChargeLine;
use crate::store::media_config::MediaConfig;

const CHARACTERS_PER_PRICE: i64 = 1_000_000;
const MILLIS_PER_MINUTE: i64 = 60_000;

/// `images` × the image price of their size and quality, plus `characters` at the price per
/// million characters, plus the audio's milliseconds at the price per minute, plus a parsed
/// document's pages at the price per page. Units without a price are free. Saturates at
/// [`Decimal::MAX`].
pub fn media_cost(media: &MediaConfig, usage: &MediaUsage) -> Decimal {
    let mut sum = Some(Decimal::ZERO);
    for line in media_lines(media, usage) {
        sum = add(sum, Some(line.amount));
    }
    sum.map_or(Decimal::MAX, |cost| cost.normalize())
}

/// [`media_cost`] line by line (`images`, `speech_characters`, `audio_millis`, `pages`); a line whose
/// amount overflows is at [`Decimal::MAX`].
pub fn media_lines(media: &MediaConfig, usage: &MediaUsage) -> Vec<ChargeLine> {
    let mut lines = Vec::new();
    if usage.images > 0
        && let Some(price) =
            media.image_price(usage.image_size.as_deref(), usage.image_quality.as_deref())
    {
        let amount = price.checked_mul(Decimal::from(usage.images));
        lines.push(line("images", u64::from(usage.images), price, amount));
    }
    if let Some(audio) = &media.audio {
        if usage.characters > 0
            && let Some(price) = audio.price_per_million_characters
        {
            let amount = price
                .checked_mul(Decimal::from(usage.characters))
                .and_then(|cost| cost.checked_div(Decimal::from(CHARACTERS_PER_PRICE)));
            lines.push(line("speech_characters", usage.characters, price, amount));
        }
        if usage.audio_millis > 0
            && let Some(price) = audio.price_per_minute
        {
            let amount = price
                .checked_mul(Decimal::from(usage.audio_millis))
                .and_then(|cost| cost.checked_div(Decimal::from(MILLIS_PER_MINUTE)));
            lines.push(line("audio_millis", usage.audio_millis, price, amount));
        }
    }
    if usage.pages > 0
        && let Some(price) = media
            .documents
            .as_ref()
            .and_then(|documents| documents.price_per_page)
    {
        let amount = price.checked_mul(Decimal::from(usage.pages));
        lines.push(line("pages", u64::from(usage.pages), price, amount));
    }
    lines
}

fn line(item: &'static str, units: u64, price: Decimal, amount: Option<Decimal>) -> ChargeLine {
    ChargeLine::new(item, units, price, amount.unwrap_or(Decimal::MAX))
}

/// A completed video of `seconds` at `size`: the price per video plus the seconds at the
/// size's price per second. Unset prices are free. Saturates at [`Decimal::MAX`].
pub fn video_cost(media: &MediaConfig, seconds: u32, size: Option<&str>) -> Decimal {
    let Some(video) = &media.video else {
        return Decimal::ZERO;
    };
    let mut sum = Some(video.price_per_video.unwrap_or(Decimal::ZERO));
    if let Some(price) = media.video_second_price(size) {
        sum = add(sum, price.checked_mul(Decimal::from(seconds)));
    }
    sum.map_or(Decimal::MAX, |cost| cost.normalize())
}

fn add(sum: Option<Decimal>, cost: Option<Decimal>) -> Option<Decimal> {
    sum?.checked_add(cost?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> MediaConfig {
        serde_json::from_value(serde_json::json!({
            "images": {"prices": {
                "1024x1024": {"standard": "0.04", "hd": "0.08"},
                "*": {"*": "0.12"}
            }},
            "audio": {"price_per_million_characters": "15", "price_per_minute": "0.006"}
        }))
        .unwrap()
    }

    fn images(n: u32, size: &str, quality: &str) -> MediaUsage {
        MediaUsage {
            images: n,
            image_size: Some(size.into()),
            image_quality: Some(quality.into()),
            ..MediaUsage::default()
        }
    }

    #[test]
    fn images_are_priced_by_size_and_quality_with_wildcards() {
        let config = config();
        assert_eq!(
            media_cost(&config, &images(2, "1024x1024", "hd")),
            Decimal::new(16, 2)
        );
        assert_eq!(
            media_cost(&config, &images(3, "1024x1024", "standard")),
            Decimal::new(12, 2)
        );
        // The size's row has no such quality and no `*` column: the `*` row is not consulted.
        assert_eq!(
            media_cost(&config, &images(1, "1024x1024", "low")),
            Decimal::ZERO
        );
        assert_eq!(
            media_cost(&config, &images(1, "512x512", "low")),
            Decimal::new(12, 2)
        );
        assert_eq!(
            media_cost(&config, &images(0, "1024x1024", "hd")),
            Decimal::ZERO
        );
        assert_eq!(
            media_cost(&MediaConfig::default(), &images(5, "1024x1024", "hd")),
            Decimal::ZERO
        );
    }

    #[test]
    fn videos_by_the_second_by_size_plus_per_video() {
        let config: MediaConfig = serde_json::from_value(serde_json::json!({
            "video": {"price_per_second": "0.1", "price_per_video": "0.05",
                      "price_per_second_by_size": {"1792x1024": "0.5"}}
        }))
        .unwrap();
        // 8 s at 0.1 plus 0.05.
        assert_eq!(
            video_cost(&config, 8, Some("720x1280")),
            Decimal::new(85, 2)
        );
        assert_eq!(
            video_cost(&config, 4, Some("1792x1024")),
            Decimal::new(205, 2)
        );
        assert_eq!(video_cost(&config, 4, None), Decimal::new(45, 2));
        assert_eq!(video_cost(&MediaConfig::default(), 4, None), Decimal::ZERO);
        let negative = serde_json::json!({"media": {"video": {"price_per_second": "-1"}}});
        let model = crate::store::ModelConfig {
            config: serde_json::from_value(negative).unwrap(),
            ..crate::store::ModelConfig::new("sora-2")
        };
        assert!(MediaConfig::of(&model).is_err());
    }

    #[test]
    fn documents_by_the_page() {
        let config: MediaConfig =
            serde_json::from_value(serde_json::json!({"documents": {"price_per_page": "0.015"}}))
                .unwrap();
        let pages = |pages| MediaUsage {
            pages,
            ..MediaUsage::default()
        };
        assert_eq!(media_cost(&config, &pages(3)), Decimal::new(45, 3));
        assert_eq!(media_cost(&config, &pages(0)), Decimal::ZERO);
        assert_eq!(
            media_cost(&MediaConfig::default(), &pages(3)),
            Decimal::ZERO
        );
        let negative = serde_json::json!({"media": {"documents": {"price_per_page": "-0.01"}}});
        let model = crate::store::ModelConfig {
            config: serde_json::from_value(negative).unwrap(),
            ..crate::store::ModelConfig::new("pdf")
        };
        assert!(MediaConfig::of(&model).is_err());
    }

    #[test]
    fn speech_by_characters_and_audio_by_the_millisecond() {
        let config = config();
        let speech = MediaUsage {
            characters: 1_000,
            ..MediaUsage::default()
        };
        // 1,000 characters at 15 per million: 0.015.
        assert_eq!(media_cost(&config, &speech), Decimal::new(15, 3));
        let audio = MediaUsage {
            audio_millis: 750,
            ..MediaUsage::default()
        };
        // 0.75 s at 0.006 per minute: 0.000075.
        assert_eq!(media_cost(&config, &audio), Decimal::new(75, 6));
        let huge = MediaUsage {
            audio_millis: u64::MAX,
            images: u32::MAX,
            ..images(u32::MAX, "*", "*")
        };
        let mut config = config;
        if let Some(images) = config.images.as_mut() {
            images
                .prices
                .insert("*".into(), [("*".into(), Decimal::MAX)].into());
        }
        assert_eq!(media_cost(&config, &huge), Decimal::MAX);
    }
}
