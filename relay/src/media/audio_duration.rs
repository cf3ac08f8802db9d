//! How long an uploaded audio file plays, read from its container (WAV, MP3, FLAC, OGG/Opus, MP4/M4A, WebM) without decoding it.
//!
//! The file is already in memory, bounded by the relay's body limit, so nothing here reads more
//! than the upload. Symphonia's demuxers give the track's duration from its headers (WAV data
//! size, FLAC STREAMINFO, MP4 `mdhd`, MP3 Xing/Info, the last OGG granule); when a container does
//! not state it (a plain CBR MP3, a live-recorded WebM) the packets are walked, frame headers
//! only, from the first timestamp to the end of the last packet.
//!
//! A file no demuxer can read is billed by its size at [`FALLBACK_BYTES_PER_SECOND`] (128
//! kbit/s, a common speech-upload bitrate), rounded up to a whole second and never under one:
//! a bounded, documented charge instead of a free request.

use std::io::Cursor;
use std::time::Duration;

use bytes::Bytes;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, FormatReader, TrackType};
use symphonia::core::io::{MediaSourceStream, MediaSourceStreamOptions};
use symphonia::core::meta::MetadataOptions;

/// Bytes per second assumed for a file whose duration cannot be read (128 kbit/s).
pub const FALLBACK_BYTES_PER_SECOND: u64 = 16_000;

/// Packets walked at most when a container states no duration: an hour of 20 ms Opus frames is
/// 180,000; a crafted file of tiny packets stops here and falls back to its size.
const MAX_PACKETS: u64 = 2_000_000;

/// A file's duration and whether it was read or estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AudioDuration {
    pub duration: Duration,
    /// True when the container could not be read and the size-based fallback applied.
    pub estimated: bool,
}

/// The duration of `data`, the bytes of an uploaded file named `filename` (its extension is a
/// hint for the probe). Never fails: unreadable files get [`fallback_duration`].
pub fn audio_duration(data: &Bytes, filename: Option<&str>) -> AudioDuration {
    // A demuxer bug on hostile input must cost the request a fallback charge, not the process.
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_duration(data, filename)
    }));
    match read {
        Ok(Some(duration)) => AudioDuration {
            duration,
            estimated: false,
        },
        _ => AudioDuration {
            duration: fallback_duration(data.len()),
            estimated: true,
        },
    }
}

/// The size-based estimate for an unreadable file: `len` bytes at 128 kbit/s, rounded up to a
/// whole second, at least one second.
pub fn fallback_duration(len: usize) -> Duration {
    let seconds = (len as u64).div_ceil(FALLBACK_BYTES_PER_SECOND).max(1);
    Duration::from_secs(seconds)
}

fn read_duration(data: &Bytes, filename: Option<&str>) -> Option<Duration> {
    if data.is_empty() {
        return None;
    }
    let mut hint = Hint::new();
    if let Some(extension) = filename
        .and_then(|name| name.rsplit_once('.'))
        .map(|(_, extension)| extension)
        .filter(|extension| extension.len() <= 8)
    {
        hint.with_extension(&extension.to_ascii_lowercase());
    }
    let source = MediaSourceStream::new(
        Box::new(Cursor::new(data.clone())),
        MediaSourceStreamOptions::default(),
    );
    let mut format = symphonia::default::get_probe()
        .probe(
            &hint,
            source,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .ok()?;
    let track = format
        .default_track(TrackType::Audio)
        .or_else(|| format.tracks().first())?;
    let (track_id, time_base) = (track.id, track.time_base?);
    if let Some(duration) = track.duration
        && duration.get() > 0
    {
        let time = time_base.calc_duration(duration)?;
        return Some(Duration::from_nanos(u64::try_from(time.as_nanos()).ok()?));
    }
    let ticks = packet_span_ticks(format.as_mut(), track_id)?;
    let time = time_base.calc_duration(symphonia::core::units::Duration::new(ticks))?;
    Some(Duration::from_nanos(u64::try_from(time.as_nanos()).ok()?))
}

/// The span of one track's packets, in its time base: from the first packet's timestamp to the
/// end of the last (its timestamp plus its duration). A container that gives packets no
/// duration (Matroska blocks without `BlockDuration`) has its last packet last as long as the
/// gap before it. `None` when the track has no packets.
fn packet_span_ticks(format: &mut dyn FormatReader, track_id: u32) -> Option<u64> {
    let mut first: Option<i64> = None;
    let mut end = i64::MIN;
    let mut last_pts: Option<i64> = None;
    let mut last_gap = 0i64;
    let mut last_dur = 0i64;
    let mut packets = 0u64;
    // A read error mid-file ends the walk: what was read so far is the duration.
    while let Ok(Some(packet)) = format.next_packet() {
        packets += 1;
        if packets > MAX_PACKETS {
            return None;
        }
        if packet.track_id != track_id {
            continue;
        }
        let pts = packet.pts.get();
        let dur = i64::try_from(packet.dur.get()).unwrap_or(i64::MAX);
        if let Some(previous) = last_pts {
            last_gap = pts.saturating_sub(previous).max(0);
        }
        first = Some(first.map_or(pts, |first| first.min(pts)));
        end = end.max(pts.saturating_add(dur));
        last_pts = Some(pts);
        last_dur = dur;
    }
    if last_dur == 0 {
        end = end.saturating_add(last_gap);
    }
    let span = end.saturating_sub(first?);
    u64::try_from(span).ok().filter(|span| *span > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fallback_is_size_based_and_never_zero() {
        assert_eq!(fallback_duration(0), Duration::from_secs(1));
        assert_eq!(fallback_duration(16_000), Duration::from_secs(1));
        assert_eq!(fallback_duration(16_001), Duration::from_secs(2));
        assert_eq!(fallback_duration(160_000), Duration::from_secs(10));
        let garbage = Bytes::from(vec![0x5a; 40_000]);
        assert_eq!(
            audio_duration(&garbage, Some("x.mp3")),
            AudioDuration {
                duration: Duration::from_secs(3),
                estimated: true
            }
        );
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic_and_get_a_duration(
            body in proptest::collection::vec(proptest::arbitrary::any::<u8>(), 0..2048),
            prefix in proptest::sample::select(vec![&b""[..], b"RIFF", b"OggS", b"fLaC", b"ID3", b"\xff\xfb", b"\x1aE\xdf\xa3"]),
        ) {
            let mut data = prefix.to_vec();
            data.extend_from_slice(&body);
            let read = audio_duration(&Bytes::from(data), Some("a.bin"));
            proptest::prop_assert!(read.estimated || read.duration > Duration::ZERO);
        }
    }
}
