//! The media units of a request, measured before it goes upstream: images checked and counted, speech characters, audio's duration, a video's asked length.

use super::request::{ParsedRequest, Payload};
use crate::error::RelayError;
use crate::host::VideoApi;
use crate::media::{ImageLimits, ImageParams, audio_duration, check_images};
use crate::provider::Endpoint;
use crate::usage::PendingRecord;

/// Checks an images request against the model's limits (a 400 naming the parameter) and
/// records what every media endpoint will be billed for, unless its answer says otherwise.
pub(super) fn measure_media(
    endpoint: Endpoint,
    request: &ParsedRequest,
    limits: Option<&ImageLimits>,
    pending: &mut PendingRecord,
) -> Result<(), RelayError> {
    let media = &mut pending.record().media;
    match (endpoint, &request.payload) {
        (Endpoint::ImagesGenerations, Payload::Json(object)) => {
            *media = check_images(&ImageParams::from_json(object)?, limits)?;
        }
        (Endpoint::ImagesEdits | Endpoint::ImagesVariations, Payload::Multipart { form, .. }) => {
            *media = check_images(&ImageParams::from_form(form)?, limits)?;
        }
        (Endpoint::AudioSpeech, Payload::Json(object)) => {
            let input = object.get_as::<String>("input").ok().flatten();
            media.characters = input.map_or(0, |input| input.chars().count() as u64);
        }
        (
            Endpoint::AudioTranscriptions | Endpoint::AudioTranslations,
            Payload::Multipart { form, .. },
        ) => {
            let file = form
                .parts
                .iter()
                .find(|part| part.name == "file" && part.filename.is_some())
                .or_else(|| form.parts.iter().find(|part| part.filename.is_some()));
            if let Some(file) = file {
                let read = audio_duration(&file.data, file.filename.as_deref());
                media.audio_millis = u64::try_from(read.duration.as_millis()).unwrap_or(u64::MAX);
                media.audio_duration_estimated = read.estimated;
            }
        }
        (Endpoint::Videos | Endpoint::VideoGenerationJobs, _) => {
            let api = if endpoint == Endpoint::Videos {
                VideoApi::Videos
            } else {
                VideoApi::GenerationJobs
            };
            let (seconds, size) = super::videos::requested_video(request);
            media.video_seconds = seconds.unwrap_or_else(|| super::videos::default_seconds(api));
            media.video_size = size;
        }
        _ => {}
    }
    Ok(())
}
