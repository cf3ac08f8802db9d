//! A model config's `config.media` object: images limits and media prices (image, speech character, audio minute, video, page).

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::Deserialize;

use super::ModelConfig;

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
            [audio.price_per_million_characters, audio.price_per_minute]
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

    /// The price of one second of video of `size`: the size's own price, else the `*` entry,
    /// else `price_per_second`; `None` when none is set.
    pub fn video_second_price(&self, size: Option<&str>) -> Option<Decimal> {
        let video = self.video.as_ref()?;
        size.and_then(|size| video.price_per_second_by_size.get(size))
            .or_else(|| video.price_per_second_by_size.get(ANY))
            .copied()
            .or(video.price_per_second)
    }

    /// The price of one image of `size` and `quality`: the exact cell, else the size's `*`
    /// column, else the `*` row's; `None` when the table has no match.
    pub fn image_price(&self, size: Option<&str>, quality: Option<&str>) -> Option<Decimal> {
        let prices = &self.images.as_ref()?.prices;
        let row = size
            .and_then(|size| prices.get(size))
            .or_else(|| prices.get(ANY))?;
        quality
            .and_then(|quality| row.get(quality))
            .or_else(|| row.get(ANY))
            .copied()
    }
}
