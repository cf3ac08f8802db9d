//! Media requests' own units: images checked against the model's limits and counted by size and quality, speech characters, audio seconds, document pages.
//!
//! The relay only measures; the host prices what [`MediaUsage`] carries (per image by size and
//! quality, per character of speech input, per minute of transcribed audio, per page of a
//! parsed document).

mod audio_duration;
mod images;
mod speech_encoding;

pub use audio_duration::{
    AudioDuration, FALLBACK_BYTES_PER_SECOND, audio_duration, fallback_duration,
};
pub use images::{ImageParams, check_images, images_returned};
pub use speech_encoding::SpeechEncoding;

/// What the model config allows on `/v1/images/generations` and `/v1/images/edits`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageLimits {
    /// Allowed `size` values; empty allows any.
    pub sizes: Vec<String>,
    /// Allowed `quality` values; empty allows any.
    pub qualities: Vec<String>,
    /// Largest `n`; `None` leaves it to the upstream.
    pub max_images: Option<u32>,
    /// The size billed when a request names none (the upstream's default).
    pub default_size: Option<String>,
    /// The quality billed when a request names none.
    pub default_quality: Option<String>,
}

/// The media units of one request, beside its tokens.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MediaUsage {
    /// Images the answer carried (or, when it cannot be read, the `n` asked for).
    pub images: u32,
    /// The size the images were asked at (or the model's default), for the per-image price.
    pub image_size: Option<String>,
    /// The quality the images were asked at (or the model's default).
    pub image_quality: Option<String>,
    /// Characters (Unicode scalar values) of a speech request's `input`.
    pub characters: u64,
    /// Duration of the audio uploaded for a transcription or translation, in milliseconds.
    pub audio_millis: u64,
    /// True when the duration could not be read from the file and was estimated from its size.
    pub audio_duration_estimated: bool,
    /// Pages of a parsed document, as the upstream counted them.
    pub pages: u32,
    /// Seconds of video a job creation asks for (or its API's default): reserved at admission
    /// only. The video is billed when its job completes, by the host's job bill, not by the
    /// record of the request that created it.
    pub video_seconds: u32,
    /// The size a job creation asks for (`1280x720`), for the reservation's price per second.
    pub video_size: Option<String>,
}
