//! The media units of a request, measured before it goes upstream: images checked and counted, speech characters, audio's duration, a video's asked length.

use std::sync::Arc;

use super::request::{ParsedRequest, Payload};
use crate::error::RelayError;
use crate::host::{Channel, VideoApi};
use crate::media::{ImageLimits, ImageParams, audio_duration, check_images};
use crate::provider::{Endpoint, VeoAsk};
use crate::usage::PendingRecord;

/// Checks an images request against the model's limits (a 400 naming the parameter) and
/// records what every media endpoint will be billed for, unless its answer says otherwise.
/// `channels` may serve the request: a video that names no length is reserved at the longest
/// default among them.
pub(super) fn measure_media(
    endpoint: Endpoint,
    request: &ParsedRequest,
    limits: Option<&ImageLimits>,
    channels: &[Arc<Channel>],
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
            media.video_seconds = seconds.unwrap_or_else(|| default_seconds(api, channels));
            media.video_size = size;
        }
        // A vendor's own body, read by the family whose channels serve it (the route keeps
        // only those).
        (Endpoint::DashScopeVideo | Endpoint::ArkVideo, Payload::Json(object)) => {
            let tasks = channels
                .iter()
                .find_map(|channel| channel.kind.video_tasks());
            let (seconds, size) = tasks.map_or((None, None), |tasks| tasks.native_request(object));
            media.video_seconds =
                seconds.unwrap_or_else(|| default_seconds(VideoApi::Videos, channels));
            media.video_size = size;
        }
        // Veo's own body: each of its videos as long as it asks, else Veo's default.
        (Endpoint::GeminiPredictLongRunning, Payload::Json(object)) => {
            let ask = VeoAsk::read(object)?;
            let seconds = ask
                .seconds
                .unwrap_or_else(|| default_seconds(VideoApi::GeminiOperation, channels));
            media.video_seconds = seconds.saturating_mul(ask.videos);
            media.video_size = ask.size;
        }
        _ => {}
    }
    Ok(())
}

/// The length of a video that names none, for its reservation: the longest default of the
/// channels that may make it (a task API's own, Veo's 8 s; else the API's, OpenAI's 4 s), since
/// the job is billed at the default of the one that does.
fn default_seconds(api: VideoApi, channels: &[Arc<Channel>]) -> u32 {
    channels
        .iter()
        .map(|channel| match channel.kind.video_tasks() {
            Some(tasks) if matches!(api, VideoApi::Videos | VideoApi::GeminiOperation) => {
                tasks.default_seconds()
            }
            _ => super::videos::default_seconds(api),
        })
        .max()
        .unwrap_or_else(|| super::videos::default_seconds(api))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::ChannelKind;

    fn channel(kind: &str) -> Arc<Channel> {
        Arc::new(Channel {
            id: 1,
            name: kind.into(),
            kind: ChannelKind::parse(kind).unwrap(),
            base_url: String::new(),
            key: "k".into(),
            model_mapping: Default::default(),
            priority: 0,
            config: Default::default(),
            proxy_url: None,
            timeouts: Default::default(),
        })
    }

    #[test]
    fn an_unnamed_length_is_the_longest_default_of_the_channels() {
        let openai = channel("openai");
        let veo = channel("gemini");
        let wan = channel("ali");
        assert_eq!(
            default_seconds(VideoApi::Videos, std::slice::from_ref(&openai)),
            4
        );
        assert_eq!(
            default_seconds(VideoApi::Videos, std::slice::from_ref(&veo)),
            8
        );
        assert_eq!(default_seconds(VideoApi::Videos, &[channel("vertexai")]), 8);
        assert_eq!(
            default_seconds(VideoApi::Videos, std::slice::from_ref(&wan)),
            5
        );
        assert_eq!(default_seconds(VideoApi::Videos, &[openai, wan, veo]), 8);
        assert_eq!(
            default_seconds(VideoApi::GenerationJobs, &[channel("azure")]),
            5
        );
        assert_eq!(default_seconds(VideoApi::Videos, &[]), 4);
    }
}
