//! Media price tiers of `config.media`: video prices by size and length, audio prices by characters or seconds, checked when written.
//!
//! Providers publish media prices that change with the video's resolution and length (a price
//! per second per resolution, a price per video per duration band) and with the audio's
//! length (long-audio transcription, long speech input). A tier names its conditions and the
//! prices it replaces; like the token price tiers (`crate::store::PriceTier`) tiers are kept
//! sorted with unset conditions first, so the last one a request matches is the most specific.

use rust_decimal::Decimal;
use serde::Deserialize;

/// The most tiers one media price may have.
pub const MAX_MEDIA_TIERS: usize = 16;

/// Longest `size` a video tier may name (sizes are `1792x1024`, `720p`, `*`).
const MAX_SIZE_BYTES: usize = 64;

/// A video price for some videos only: of one `size`, longer than `above_seconds`, or both.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VideoTier {
    /// The video's size (`1792x1024`), as the job reports it or the request asked.
    #[serde(default)]
    pub size: Option<String>,
    /// Videos longer than this many seconds.
    #[serde(default)]
    pub above_seconds: Option<u32>,
    /// Replaces the price per second (of every size) for the videos the tier matches.
    #[serde(default)]
    pub price_per_second: Option<Decimal>,
    /// Replaces the price per video for the videos the tier matches.
    #[serde(default)]
    pub price_per_video: Option<Decimal>,
}

impl VideoTier {
    /// Its conditions as the log row's `price_tier` names them: `1792x1024`, `seconds>8`,
    /// `1792x1024,seconds>8`.
    pub fn label(&self) -> String {
        let mut parts = Vec::new();
        if let Some(size) = &self.size {
            parts.push(size.clone());
        }
        if let Some(seconds) = self.above_seconds {
            parts.push(format!("seconds>{seconds}"));
        }
        parts.join(",")
    }

    fn order(&self) -> (Option<&str>, Option<u32>) {
        (self.size.as_deref(), self.above_seconds)
    }
}

/// An audio price for long inputs only: speech longer than `above_characters`, or uploaded
/// audio longer than `above_seconds` (exactly one of the two).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AudioTier {
    /// Speech inputs of more characters than this.
    #[serde(default)]
    pub above_characters: Option<u64>,
    /// Transcribed or translated audio longer than this many seconds.
    #[serde(default)]
    pub above_seconds: Option<u64>,
    /// A speech tier's price per 1,000,000 characters.
    #[serde(default)]
    pub price_per_million_characters: Option<Decimal>,
    /// An audio tier's price per minute (exclusive with `price_per_second`).
    #[serde(default)]
    pub price_per_minute: Option<Decimal>,
    /// An audio tier's price per second (exclusive with `price_per_minute`).
    #[serde(default)]
    pub price_per_second: Option<Decimal>,
}

impl AudioTier {
    /// `characters>100000` or `seconds>3600`.
    pub fn label(&self) -> String {
        match (self.above_characters, self.above_seconds) {
            (Some(characters), _) => format!("characters>{characters}"),
            (None, Some(seconds)) => format!("seconds>{seconds}"),
            (None, None) => String::new(),
        }
    }
}

/// The last of `tiers` a video of `seconds` at `size` matches.
pub fn matching_video_tier<'a>(
    tiers: &'a [VideoTier],
    seconds: u32,
    size: Option<&str>,
) -> Option<&'a VideoTier> {
    tiers.iter().rev().find(|tier| {
        let size_matches = tier
            .size
            .as_deref()
            .is_none_or(|wanted| size.is_some_and(|size| size == wanted));
        let length_matches = tier.above_seconds.is_none_or(|above| seconds > above);
        size_matches && length_matches
    })
}

/// The last speech tier whose threshold `characters` exceeds.
pub fn matching_speech_tier(tiers: &[AudioTier], characters: u64) -> Option<&AudioTier> {
    tiers.iter().rev().find(|tier| {
        tier.above_characters
            .is_some_and(|above| characters > above)
    })
}

/// The last audio tier whose threshold `millis` exceeds (thresholds are whole seconds).
pub fn matching_audio_tier(tiers: &[AudioTier], millis: u64) -> Option<&AudioTier> {
    tiers.iter().rev().find(|tier| {
        tier.above_seconds
            .is_some_and(|above| millis > above.saturating_mul(1000))
    })
}

/// Video tiers each with a condition and a price, non-negative, sorted strictly by (size,
/// unset first; then `above_seconds`, unset first).
pub fn check_video_tiers(tiers: &[VideoTier]) -> Result<(), String> {
    check_count("video.tiers", tiers.len())?;
    for (index, tier) in tiers.iter().enumerate() {
        let at = format!("video.tiers[{index}]");
        if tier.size.is_none() && tier.above_seconds.is_none() {
            return Err(format!("{at}: needs a condition: size or above_seconds"));
        }
        if tier
            .size
            .as_ref()
            .is_some_and(|size| size.is_empty() || size.len() > MAX_SIZE_BYTES)
        {
            return Err(format!("{at}.size: must be 1 to {MAX_SIZE_BYTES} bytes"));
        }
        check_prices(
            &at,
            &[
                ("price_per_second", tier.price_per_second),
                ("price_per_video", tier.price_per_video),
            ],
        )?;
        if index > 0 {
            let (previous, current) = (tiers[index - 1].order(), tier.order());
            if previous == current {
                return Err(format!("{at}: duplicates the tier {:?}", tier.label()));
            }
            if previous > current {
                return Err(format!(
                    "{at}: tiers must be sorted by size (unset first), then above_seconds (unset first)"
                ));
            }
        }
    }
    Ok(())
}

/// Audio tiers each with exactly one condition and the price of its kind, non-negative;
/// speech tiers sorted by `above_characters` and audio tiers by `above_seconds`, strictly.
pub fn check_audio_tiers(tiers: &[AudioTier]) -> Result<(), String> {
    check_count("audio.tiers", tiers.len())?;
    let mut last_characters = None;
    let mut last_seconds = None;
    for (index, tier) in tiers.iter().enumerate() {
        let at = format!("audio.tiers[{index}]");
        check_prices(
            &at,
            &[
                (
                    "price_per_million_characters",
                    tier.price_per_million_characters,
                ),
                ("price_per_minute", tier.price_per_minute),
                ("price_per_second", tier.price_per_second),
            ],
        )?;
        let per_time = tier.price_per_minute.is_some() || tier.price_per_second.is_some();
        let (threshold, last) = match (tier.above_characters, tier.above_seconds) {
            (Some(characters), None) => {
                if per_time {
                    return Err(format!(
                        "{at}: a tier above_characters prices speech: only price_per_million_characters"
                    ));
                }
                (characters, &mut last_characters)
            }
            (None, Some(seconds)) => {
                if tier.price_per_million_characters.is_some() {
                    return Err(format!(
                        "{at}: a tier above_seconds prices audio: price_per_minute or price_per_second"
                    ));
                }
                if tier.price_per_minute.is_some() && tier.price_per_second.is_some() {
                    return Err(format!(
                        "{at}: set price_per_minute or price_per_second, not both"
                    ));
                }
                (seconds, &mut last_seconds)
            }
            _ => {
                return Err(format!(
                    "{at}: needs exactly one condition: above_characters or above_seconds"
                ));
            }
        };
        if last.is_some_and(|last| last >= threshold) {
            return Err(format!(
                "{at}: tiers of one kind must be sorted by their threshold, each above the last"
            ));
        }
        *last = Some(threshold);
    }
    Ok(())
}

fn check_count(field: &str, count: usize) -> Result<(), String> {
    if count > MAX_MEDIA_TIERS {
        return Err(format!(
            "{field}: has {count} tiers, at most {MAX_MEDIA_TIERS} are allowed"
        ));
    }
    Ok(())
}

/// Every price non-negative, and at least one set: a tier that prices nothing is a mistake.
fn check_prices(at: &str, prices: &[(&str, Option<Decimal>)]) -> Result<(), String> {
    for (name, price) in prices {
        if price.is_some_and(|price| price.is_sign_negative()) {
            return Err(format!("{at}.{name}: must not be negative"));
        }
    }
    if prices.iter().all(|(_, price)| price.is_none()) {
        return Err(format!("{at}: sets no price"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn video(size: Option<&str>, above: Option<u32>) -> VideoTier {
        VideoTier {
            size: size.map(str::to_owned),
            above_seconds: above,
            price_per_second: Some(Decimal::ONE),
            price_per_video: None,
        }
    }

    #[test]
    fn the_most_specific_video_tier_wins() {
        let tiers = [
            video(None, Some(8)),
            video(Some("1792x1024"), None),
            video(Some("1792x1024"), Some(8)),
        ];
        assert_eq!(check_video_tiers(&tiers), Ok(()));
        let label =
            |seconds, size| matching_video_tier(&tiers, seconds, size).map(VideoTier::label);
        assert_eq!(label(4, Some("720x1280")), None);
        assert_eq!(label(12, Some("720x1280")).as_deref(), Some("seconds>8"));
        assert_eq!(label(4, Some("1792x1024")).as_deref(), Some("1792x1024"));
        assert_eq!(
            label(12, Some("1792x1024")).as_deref(),
            Some("1792x1024,seconds>8")
        );
        assert_eq!(label(8, None), None);
    }

    #[test]
    fn video_tiers_are_checked() {
        let error = |tiers: &[VideoTier]| check_video_tiers(tiers).unwrap_err();
        assert!(error(&[video(None, None)]).contains("needs a condition"));
        assert!(error(&[video(Some("a"), None), video(None, Some(4))]).contains("sorted"));
        assert!(error(&[video(None, Some(4)), video(None, Some(4))]).contains("duplicates"));
        let mut negative = video(None, Some(4));
        negative.price_per_video = Some(Decimal::NEGATIVE_ONE);
        assert!(error(&[negative]).contains("price_per_video: must not be negative"));
        let mut priceless = video(None, Some(4));
        priceless.price_per_second = None;
        assert!(error(&[priceless]).contains("sets no price"));
        let many: Vec<VideoTier> = (0..17).map(|_| video(None, Some(1))).collect();
        assert!(error(&many).contains("at most 16"));
    }

    #[test]
    fn audio_tiers_are_checked_and_matched_per_kind() {
        let speech = AudioTier {
            above_characters: Some(1000),
            price_per_million_characters: Some(Decimal::TEN),
            ..AudioTier::default()
        };
        let long_audio = AudioTier {
            above_seconds: Some(60),
            price_per_second: Some(Decimal::ONE),
            ..AudioTier::default()
        };
        let tiers = [speech.clone(), long_audio.clone()];
        assert_eq!(check_audio_tiers(&tiers), Ok(()));
        assert_eq!(matching_speech_tier(&tiers, 1000), None);
        assert_eq!(matching_speech_tier(&tiers, 1001), Some(&speech));
        assert_eq!(matching_audio_tier(&tiers, 60_000), None);
        assert_eq!(matching_audio_tier(&tiers, 60_001), Some(&long_audio));
        let error = |tiers: &[AudioTier]| check_audio_tiers(tiers).unwrap_err();
        assert!(error(&[speech.clone(), speech.clone()]).contains("sorted"));
        let both = AudioTier {
            above_seconds: Some(1),
            ..speech.clone()
        };
        assert!(error(&[both]).contains("exactly one condition"));
        let mixed = AudioTier {
            price_per_minute: Some(Decimal::ONE),
            ..long_audio.clone()
        };
        assert!(error(&[mixed]).contains("not both"));
        let wrong_kind = AudioTier {
            price_per_minute: Some(Decimal::ONE),
            ..speech
        };
        assert!(error(&[wrong_kind]).contains("only price_per_million_characters"));
    }
}
