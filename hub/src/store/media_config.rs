//! A model config's `config.media` object: images limits and media prices (image, speech character, audio minute, video, page).
//!
//! Video and audio prices may have tiers (`super::media_tiers`): by the video's size and
//! length, by the speech's characters or the audio's seconds.

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::Deserialize;

use super::ModelConfig;
use super::media_tiers::{
    AudioTier, VideoTier, check_audio_tiers, check_video_tiers, matching_audio_tier,
    matching_speech_tier, matching_video_tier,
};

/// The key of the model config's free-form `config` object that holds [`MediaConfig`].
pub const MEDIA_KEY: &str = "media";

/// The key of a price table row or column that matches any size or quality.
pub const ANY: &str = "*";

/// The `media` object; every part optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediaConfig {
    #[serde(default)]
    pub images: Option<ImagesConfig>,
    #[serde(default)]
    pub audio: Option<AudioConfig>,
    #[serde(default)]
    pub video: Option<VideoConfig>,
    #[serde(default)]
    pub documents: Option<DocumentsConfig>,
}

/// `/v1/parse/pdf`: charged per page the upstream parsed, when it succeeded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentsConfig {
    #[serde(default)]
    pub price_per_page: Option<Decimal>,
}

/// `/v1/videos` (and remixes): charged once, when the job completes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VideoConfig {
    /// Price per second of video, any size.
    #[serde(default)]
    pub price_per_second: Option<Decimal>,
    /// Price per second by size (`1280x720`, `*` for any other); wins over
    /// `price_per_second` for the sizes it names.
    #[serde(default)]
    pub price_per_second_by_size: BTreeMap<String, Decimal>,
    /// Price per video, added to the seconds' price.
    #[serde(default)]
    pub price_per_video: Option<Decimal>,
    /// Prices for some videos only (a size, a duration band, both): the last match replaces
    /// the price per second and per video it sets.
    #[serde(default)]
    pub tiers: Vec<VideoTier>,
}

/// `/v1/images/generations`, `/v1/images/edits` and `/v1/images/variations`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImagesConfig {
    /// Allowed `size` values; empty or absent allows any.
    #[serde(default)]
    pub sizes: Vec<String>,
    /// Allowed `quality` values; empty or absent allows any.
    #[serde(default)]
    pub qualities: Vec<String>,
    /// Largest `n`; absent leaves the relay's bound of 10.
    #[serde(default)]
    pub max_n: Option<u32>,
    /// The size billed when a request names none.
    #[serde(default)]
    pub default_size: Option<String>,
    /// The quality billed when a request names none.
    #[serde(default)]
    pub default_quality: Option<String>,
    /// Price of one image: size -> quality -> amount; `*` matches any size or quality.
    #[serde(default)]
    pub prices: BTreeMap<String, BTreeMap<String, Decimal>>,
}

/// `/v1/audio/speech`, `/v1/audio/transcriptions` and `/v1/audio/translations`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AudioConfig {
    /// Speech (TTS): price per 1,000,000 characters of `input`.
    #[serde(default)]
    pub price_per_million_characters: Option<Decimal>,
    /// Transcriptions and translations: price per minute of uploaded audio (billed to the
    /// millisecond).
    #[serde(default)]
    pub price_per_minute: Option<Decimal>,
    /// Transcriptions and translations: price per second instead (billed to the millisecond);
    /// exclusive with `price_per_minute`.
    #[serde(default)]
    pub price_per_second: Option<Decimal>,
    /// Prices for long speech inputs or long audio only: the last match replaces the price of
    /// its kind.
    #[serde(default)]
    pub tiers: Vec<AudioTier>,
}

impl MediaConfig {
    /// The model's media settings; `Ok(None)` when it has none.
    pub fn of(config: &ModelConfig) -> Result<Option<MediaConfig>, String> {
        let Some(value) = config.config.get(MEDIA_KEY) else {
            return Ok(None);
        };
        let media = MediaConfig::deserialize(value).map_err(|error| error.to_string())?;
        let images = media.images.iter();
        let image_prices =
            images.flat_map(|images| images.prices.values().flat_map(|row| row.values().copied()));
        let audio = media.audio.iter().flat_map(|audio| {
            [
                audio.price_per_million_characters,
                audio.price_per_minute,
                audio.price_per_second,
            ]
            .into_iter()
            .flatten()
        });
        let video = media.video.iter().flat_map(|video| {
            [video.price_per_second, video.price_per_video]
                .into_iter()
                .flatten()
                .chain(video.price_per_second_by_size.values().copied())
        });
        let documents = media
            .documents
            .iter()
            .filter_map(|documents| documents.price_per_page);
        if image_prices
            .chain(audio)
            .chain(video)
            .chain(documents)
            .any(|price| price.is_sign_negative())
        {
            return Err("prices must not be negative".to_owned());
        }
        if media
            .images
            .as_ref()
            .is_some_and(|images| images.max_n == Some(0))
        {
            return Err("images.max_n must be at least 1".to_owned());
        }
        if let Some(audio) = &media.audio {
            if audio.price_per_minute.is_some() && audio.price_per_second.is_some() {
                return Err("audio: set price_per_minute or price_per_second, not both".to_owned());
            }
            check_audio_tiers(&audio.tiers)?;
        }
        if let Some(video) = &media.video {
            check_video_tiers(&video.tiers)?;
        }
        Ok(Some(media))
    }

    /// What the relay checks images requests against.
    pub fn image_limits(&self) -> Option<Arc<relay::media::ImageLimits>> {
        let images = self.images.as_ref()?;
        Some(Arc::new(relay::media::ImageLimits {
            sizes: images.sizes.clone(),
            qualities: images.qualities.clone(),
            max_images: images.max_n,
            default_size: images.default_size.clone(),
            default_quality: images.default_quality.clone(),
        }))
    }

    /// The prices of a video of `seconds` at `size`: the matching tier's, where it sets them;
    /// else per second the size's own price, else the `*` entry, else `price_per_second`, and
    /// `price_per_video`. `None` when the model has no video prices.
    pub fn video_prices(&self, seconds: u32, size: Option<&str>) -> Option<VideoPrices> {
        let video = self.video.as_ref()?;
        let tier = matching_video_tier(&video.tiers, seconds, size);
        let by_size = size
            .and_then(|size| video.price_per_second_by_size.get_key_value(size))
            .or_else(|| video.price_per_second_by_size.get_key_value(ANY));
        // The size's own price per second unless a tier replaces it, then the tier.
        let mut cell = Vec::new();
        if let Some((key, _)) = by_size
            && tier.is_none_or(|tier| tier.price_per_second.is_none())
        {
            cell.push(key.clone());
        }
        if let Some(tier) = tier {
            cell.push(tier.label());
        }
        let label = if cell.is_empty() {
            "video".to_owned()
        } else {
            format!("video:{}", cell.join(","))
        };
        Some(VideoPrices {
            per_second: tier
                .and_then(|tier| tier.price_per_second)
                .or(by_size.map(|(_, price)| *price))
                .or(video.price_per_second),
            per_video: tier
                .and_then(|tier| tier.price_per_video)
                .or(video.price_per_video),
            label,
        })
    }

    /// The price of one image of `size` and `quality` and the cell it came from, as the log
    /// row names it: the exact cell (`image:1024x1024/hd`), else the size's `*` column
    /// (`image:1024x1024/*`), else the `*` row's (`image:*/*`); `None` when the table has no
    /// match.
    pub fn image_cell(
        &self,
        size: Option<&str>,
        quality: Option<&str>,
    ) -> Option<(String, Decimal)> {
        let prices = &self.images.as_ref()?.prices;
        let (row_key, row) = size
            .and_then(|size| prices.get_key_value(size))
            .or_else(|| prices.get_key_value(ANY))?;
        let (column_key, price) = quality
            .and_then(|quality| row.get_key_value(quality))
            .or_else(|| row.get_key_value(ANY))?;
        Some((format!("image:{row_key}/{column_key}"), *price))
    }

    /// The price per million characters of a speech input of `characters`, and its label
    /// (`speech`, `speech:characters>100000`).
    pub fn speech_price(&self, characters: u64) -> Option<(String, Decimal)> {
        let audio = self.audio.as_ref()?;
        let tier = matching_speech_tier(&audio.tiers, characters);
        match tier.zip(tier.and_then(|tier| tier.price_per_million_characters)) {
            Some((tier, price)) => Some((format!("speech:{}", tier.label()), price)),
            None => Some(("speech".to_owned(), audio.price_per_million_characters?)),
        }
    }

    /// The price of `millis` of uploaded audio: per minute or per second, and its label
    /// (`audio:per_minute`, `audio:per_second,seconds>3600`).
    pub fn audio_price(&self, millis: u64) -> Option<AudioPrice> {
        let audio = self.audio.as_ref()?;
        let tier = matching_audio_tier(&audio.tiers, millis);
        let (minute, second, condition) = match tier {
            Some(tier) => (
                tier.price_per_minute,
                tier.price_per_second,
                Some(tier.label()),
            ),
            None => (audio.price_per_minute, audio.price_per_second, None),
        };
        let (price, per_second) = match (minute, second) {
            (Some(price), _) => (price, false),
            (None, Some(price)) => (price, true),
            (None, None) => return None,
        };
        let unit = if per_second {
            "per_second"
        } else {
            "per_minute"
        };
        let label = match condition {
            Some(condition) => format!("audio:{unit},{condition}"),
            None => format!("audio:{unit}"),
        };
        Some(AudioPrice {
            price,
            per_second,
            label,
        })
    }
}

/// What a video is charged at, and which prices those are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoPrices {
    pub per_second: Option<Decimal>,
    pub per_video: Option<Decimal>,
    /// `video` (the plain prices), `video:1792x1024` (a size's price per second, `*` for the
    /// others), `video:seconds>8` (a tier's conditions), `video:1792x1024,seconds>8` (a size's
    /// price per second and a tier's price per video).
    pub label: String,
}

/// The price of uploaded audio: per minute, or per second.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioPrice {
    pub price: Decimal,
    pub per_second: bool,
    pub label: String,
}
