//! What a request's media units cost at its model's media prices and tiers: images, speech characters, audio time, document pages, a finished video's seconds.

use relay::media::MediaUsage;
use rust_decimal::Decimal;

use super::{Charge, ChargeLine};
use crate::store::media_config::MediaConfig;

const CHARACTERS_PER_PRICE: i64 = 1_000_000;
const MILLIS_PER_MINUTE: i64 = 60_000;
const MILLIS_PER_SECOND: i64 = 1_000;

/// `images` × the image price of their size and quality, plus `characters` at the price per
/// million characters, plus the audio's milliseconds at the price per minute (or second), plus a
/// parsed document's pages at the price per page, each at the tier it matches. Units without a
/// price are free. Saturates at [`Decimal::MAX`].
pub fn media_cost(media: &MediaConfig, usage: &MediaUsage) -> Decimal {
    let mut sum = Some(Decimal::ZERO);
    for line in media_lines(media, usage) {
        sum = add(sum, Some(line.amount));
    }
    sum.map_or(Decimal::MAX, |cost| cost.normalize())
}

/// What admission reserves for a request's media units: [`media_cost`] of what it asks for,
/// plus, for a video job's creation, the video it asks for ([`video_charge`]), which is billed
/// when the job completes.
pub fn reserved_media_cost(media: &MediaConfig, usage: &MediaUsage) -> Decimal {
    let mut cost = media_cost(media, usage);
    if usage.video_seconds > 0 {
        let video = video_charge(media, usage.video_seconds, usage.video_size.as_deref());
        cost = cost.checked_add(video.total).unwrap_or(Decimal::MAX);
    }
    cost.normalize()
}

/// [`media_cost`] line by line (`images`, `speech_characters`, `audio_millis`, `pages`), each
/// naming the price cell or tier it was charged at; a line whose amount overflows is at
/// [`Decimal::MAX`].
pub fn media_lines(media: &MediaConfig, usage: &MediaUsage) -> Vec<ChargeLine> {
    let mut lines = Vec::new();
    if usage.images > 0
        && let Some((cell, price)) =
            media.image_cell(usage.image_size.as_deref(), usage.image_quality.as_deref())
    {
        let amount = price.checked_mul(Decimal::from(usage.images));
        lines.push(line("images", u64::from(usage.images), price, amount).at(cell));
    }
    if usage.characters > 0
        && let Some((tier, price)) = media.speech_price(usage.characters)
    {
        let amount = price
            .checked_mul(Decimal::from(usage.characters))
            .and_then(|cost| cost.checked_div(Decimal::from(CHARACTERS_PER_PRICE)));
        lines.push(line("speech_characters", usage.characters, price, amount).at(tier));
    }
    if usage.audio_millis > 0
        && let Some(audio) = media.audio_price(usage.audio_millis)
    {
        let per = if audio.per_second {
            MILLIS_PER_SECOND
        } else {
            MILLIS_PER_MINUTE
        };
        let amount = audio
            .price
            .checked_mul(Decimal::from(usage.audio_millis))
            .and_then(|cost| cost.checked_div(Decimal::from(per)));
        lines.push(line("audio_millis", usage.audio_millis, audio.price, amount).at(audio.label));
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

/// A completed video of `seconds` at `size`, line by line: `video` (one, at the price per
/// video) and `video_seconds` (at the price per second of its size), both at the tier the
/// video matches. Unset prices are free. Saturates at [`Decimal::MAX`].
pub fn video_charge(media: &MediaConfig, seconds: u32, size: Option<&str>) -> Charge {
    let mut bill = Charge::default();
    let Some(prices) = media.video_prices(seconds, size) else {
        return bill;
    };
    if let Some(price) = prices.per_video {
        bill.add(ChargeLine::new("video", 1, price, price).at(prices.label.clone()));
    }
    if let Some(price) = prices.per_second {
        let amount = price.checked_mul(Decimal::from(seconds));
        bill.add(line("video_seconds", u64::from(seconds), price, amount).at(prices.label));
    }
    bill
}

fn add(sum: Option<Decimal>, cost: Option<Decimal>) -> Option<Decimal> {
    sum?.checked_add(cost?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn video_cost(media: &MediaConfig, seconds: u32, size: Option<&str>) -> Decimal {
        video_charge(media, seconds, size).total
    }

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
        let refused = |media: serde_json::Value| {
            let model = crate::store::ModelConfig {
                config: serde_json::from_value(serde_json::json!({"media": media})).unwrap(),
                ..crate::store::ModelConfig::new("sora-2")
            };
            MediaConfig::of(&model).unwrap_err()
        };
        assert!(
            refused(serde_json::json!({"video": {"price_per_second": "-1"}})).contains("negative")
        );
        let tier = |tier| serde_json::json!({"video": {"tiers": [tier]}});
        assert!(
            refused(tier(
                serde_json::json!({"above_seconds": 4, "price_per_second": "-0.1"})
            ))
            .contains("video.tiers[0].price_per_second: must not be negative")
        );
        assert!(
            refused(tier(
                serde_json::json!({"above_seconds": 4, "resolution": "720p"})
            ))
            .contains("unknown field `resolution`")
        );
        assert!(
            refused(
                serde_json::json!({"audio": {"price_per_minute": "1", "price_per_second": "1"}})
            )
            .contains("not both")
        );
    }

    #[test]
    fn video_tiers_replace_the_prices_they_set_and_name_the_cell() {
        let config: MediaConfig = serde_json::from_value(serde_json::json!({
            "video": {"price_per_second": "0.1", "price_per_video": "0.05",
                      "price_per_second_by_size": {"1792x1024": "0.5"},
                      "tiers": [{"above_seconds": 8, "price_per_video": "1"},
                                {"size": "1792x1024", "above_seconds": 8, "price_per_second": "0.7"}]}
        }))
        .unwrap();
        let bill = |seconds, size| {
            let bill = video_charge(&config, seconds, size);
            (bill.total, bill.tier_label())
        };
        assert_eq!(bill(4, None), (Decimal::new(45, 2), Some("video".into())));
        assert_eq!(
            bill(4, Some("1792x1024")),
            (Decimal::new(205, 2), Some("video:1792x1024".into()))
        );
        // The duration band sets only the price per video: the size's price per second stays.
        assert_eq!(
            bill(10, Some("1024x1792")),
            (Decimal::new(2, 0), Some("video:seconds>8".into()))
        );
        // 1 + 10 x 0.5: the size's price per second, the band's price per video.
        let both: MediaConfig = serde_json::from_value(serde_json::json!({
            "video": {"price_per_second_by_size": {"1792x1024": "0.5"},
                      "tiers": [{"above_seconds": 8, "price_per_video": "1"}]}
        }))
        .unwrap();
        let charged = video_charge(&both, 10, Some("1792x1024"));
        assert_eq!(charged.total, Decimal::new(6, 0));
        assert_eq!(
            charged.tier_label().as_deref(),
            Some("video:1792x1024,seconds>8")
        );
        // The size's own band is the last match: its price per second, and the base's price
        // per video (not the other band's): 0.05 + 10 x 0.7.
        assert_eq!(
            bill(10, Some("1792x1024")),
            (
                Decimal::new(705, 2),
                Some("video:1792x1024,seconds>8".into())
            )
        );
        // A reservation adds the asked video to the other media units.
        let asked = MediaUsage {
            video_seconds: 10,
            video_size: Some("1792x1024".into()),
            ..MediaUsage::default()
        };
        assert_eq!(reserved_media_cost(&config, &asked), Decimal::new(705, 2));
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
