//! 16-bit mono PCM encoded in-process as MP3 (LAME), FLAC (flacenc) or Ogg Opus (libopus), for speech whose upstream answers PCM only.

use std::borrow::Cow;

use crate::error::RelayError;

/// A compressed speech format the relay can make from PCM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpeechEncoding {
    Mp3,
    Flac,
    Opus,
}

impl SpeechEncoding {
    /// The format an OpenAI `response_format` names; `None` for one not encoded here.
    pub fn from_response_format(format: &str) -> Option<SpeechEncoding> {
        match format {
            "mp3" => Some(SpeechEncoding::Mp3),
            "flac" => Some(SpeechEncoding::Flac),
            "opus" => Some(SpeechEncoding::Opus),
            _ => None,
        }
    }

    /// The Content-Type OpenAI answers the format with.
    pub fn content_type(self) -> &'static str {
        match self {
            SpeechEncoding::Mp3 => "audio/mpeg",
            SpeechEncoding::Flac => "audio/flac",
            SpeechEncoding::Opus => "audio/opus",
        }
    }

    /// `pcm` (16-bit little-endian mono samples at `sample_rate`) as a whole file of this
    /// format. An encoder's refusal (a sample rate it cannot take) is the upstream's fault: the
    /// rate is the one its answer named.
    pub fn encode(self, pcm: &[u8], sample_rate: u32) -> Result<Vec<u8>, RelayError> {
        let samples: Vec<i16> = pcm
            .chunks_exact(2)
            .map(|pair| i16::from_le_bytes([pair[0], pair[1]]))
            .collect();
        match self {
            SpeechEncoding::Mp3 => mp3(&samples, sample_rate),
            SpeechEncoding::Flac => flac(&samples, sample_rate),
            SpeechEncoding::Opus => ogg_opus(&samples, sample_rate),
        }
    }
}

/// Speech bitrate: OpenAI's own mp3 speech is 64 kbit/s mono-class audio.
const MP3_BITRATE: mp3lame_encoder::Bitrate = mp3lame_encoder::Bitrate::Kbps64;

fn mp3(samples: &[i16], sample_rate: u32) -> Result<Vec<u8>, RelayError> {
    let mut builder = mp3lame_encoder::Builder::new().ok_or(RelayError::Internal)?;
    builder
        .set_num_channels(1)
        .and_then(|()| builder.set_sample_rate(sample_rate))
        .and_then(|()| builder.set_brate(MP3_BITRATE))
        .and_then(|()| builder.set_quality(mp3lame_encoder::Quality::Good))
        .map_err(|_| RelayError::UpstreamInvalid)?;
    let mut encoder = builder.build().map_err(|_| RelayError::UpstreamInvalid)?;
    // LAME's documented worst case: 1.25 bytes a sample plus 7200, and 7200 for the flush.
    let mut mp3 = Vec::with_capacity(samples.len() + samples.len() / 4 + 2 * 7200);
    encoder
        .encode_to_vec(mp3lame_encoder::MonoPcm(samples), &mut mp3)
        .map_err(|_| RelayError::Internal)?;
    encoder
        .flush_to_vec::<mp3lame_encoder::FlushNoGap>(&mut mp3)
        .map_err(|_| RelayError::Internal)?;
    Ok(mp3)
}

/// FLAC block size: the reference encoder's default for 16-bit audio.
const FLAC_BLOCK_SIZE: usize = 4096;

fn flac(samples: &[i16], sample_rate: u32) -> Result<Vec<u8>, RelayError> {
    use flacenc::component::BitRepr;
    use flacenc::error::Verify;

    // Whole blocks only, the last padded with silence (under 0.2 s at 24 kHz): flacenc's short
    // last frame is one symphonia's FLAC reader cannot sync to, so other decoders may not either.
    let mut samples: Vec<i32> = samples.iter().map(|&sample| i32::from(sample)).collect();
    samples.resize(
        samples.len().div_ceil(FLAC_BLOCK_SIZE).max(1) * FLAC_BLOCK_SIZE,
        0,
    );
    let rate = usize::try_from(sample_rate).map_err(|_| RelayError::UpstreamInvalid)?;
    let source = flacenc::source::MemSource::from_samples(&samples, 1, 16, rate);
    let config = flacenc::config::Encoder::default()
        .into_verified()
        .map_err(|_| RelayError::Internal)?;
    let stream = flacenc::encode_with_fixed_block_size(&config, source, FLAC_BLOCK_SIZE)
        .map_err(|_| RelayError::UpstreamInvalid)?;
    let mut sink = flacenc::bitsink::ByteSink::new();
    stream.write(&mut sink).map_err(|_| RelayError::Internal)?;
    Ok(sink.into_inner())
}

/// Opus frames of 20 ms, the codec's usual size for speech.
const OPUS_FRAME_MS: u32 = 20;
/// Speech bitrate (bits per second), which Opus serves at wideband quality.
const OPUS_BITRATE: i32 = 32_000;
/// Ogg granule positions of an Opus stream count 48 kHz samples whatever the input rate
/// (RFC 7845 section 4).
const OPUS_GRANULE_RATE: u32 = 48_000;
/// The logical stream's serial number: one stream per file, any value will do.
const OGG_SERIAL: u32 = 0x6169_7078;

/// An Ogg Opus file (RFC 7845): `OpusHead`, `OpusTags`, then one 20 ms packet after another,
/// the last frame padded with silence and the end trimmed by the final granule position.
fn ogg_opus(samples: &[i16], sample_rate: u32) -> Result<Vec<u8>, RelayError> {
    use ogg::writing::{PacketWriteEndInfo, PacketWriter};

    // libopus takes 8, 12, 16, 24 or 48 kHz; the constructor refuses any other rate.
    let mut encoder =
        opus::Encoder::new(sample_rate, opus::Channels::Mono, opus::Application::Voip)
            .map_err(|_| RelayError::UpstreamInvalid)?;
    encoder
        .set_bitrate(opus::Bitrate::Bits(OPUS_BITRATE))
        .map_err(|_| RelayError::Internal)?;
    let scale = OPUS_GRANULE_RATE / sample_rate;
    // The encoder's delay, which a player skips (RFC 7845 section 4.2), in 48 kHz samples.
    let lookahead = encoder.get_lookahead().map_err(|_| RelayError::Internal)?;
    let pre_skip = u16::try_from(u32::try_from(lookahead).unwrap_or(0) * scale)
        .map_err(|_| RelayError::Internal)?;

    let mut head = Vec::with_capacity(19);
    head.extend_from_slice(b"OpusHead");
    head.push(1); // version
    head.push(1); // channels
    head.extend_from_slice(&pre_skip.to_le_bytes());
    head.extend_from_slice(&sample_rate.to_le_bytes()); // the input's rate, for information
    head.extend_from_slice(&0i16.to_le_bytes()); // output gain
    head.push(0); // channel mapping family 0: mono or stereo
    let vendor = b"aiproxy";
    let mut tags = Vec::with_capacity(16 + vendor.len());
    tags.extend_from_slice(b"OpusTags");
    tags.extend_from_slice(&(vendor.len() as u32).to_le_bytes());
    tags.extend_from_slice(vendor);
    tags.extend_from_slice(&0u32.to_le_bytes()); // no user comments

    let mut writer = PacketWriter::new(Vec::with_capacity(samples.len() / 4 + 4096));
    let ogg_error = |_| RelayError::Internal;
    writer
        .write_packet(head, OGG_SERIAL, PacketWriteEndInfo::EndPage, 0)
        .map_err(ogg_error)?;
    writer
        .write_packet(tags, OGG_SERIAL, PacketWriteEndInfo::EndPage, 0)
        .map_err(ogg_error)?;

    let frame = (sample_rate * OPUS_FRAME_MS / 1000) as usize;
    // The last granule position is the real length plus the pre-skip: a player trims the
    // padding of the last frame with it.
    let end_granule = samples.len() as u64 * u64::from(scale) + u64::from(pre_skip);
    // Largest packet libopus makes (RFC 6716 section 3.4 bounds a frame's size).
    let mut packet = vec![0u8; 1275];
    let frames = samples.len().div_ceil(frame).max(1);
    for index in 0..frames {
        let start = index * frame;
        let end = (start + frame).min(samples.len());
        let input: Cow<'_, [i16]> = if end - start == frame {
            Cow::Borrowed(&samples[start..end])
        } else {
            let mut padded = samples[start..end].to_vec();
            padded.resize(frame, 0);
            Cow::Owned(padded)
        };
        let len = encoder
            .encode(&input[..], &mut packet)
            .map_err(|_| RelayError::Internal)?;
        let last = index + 1 == frames;
        let granule = if last {
            end_granule
        } else {
            ((index + 1) * frame) as u64 * u64::from(scale) + u64::from(pre_skip)
        };
        let end_info = if last {
            PacketWriteEndInfo::EndStream
        } else {
            PacketWriteEndInfo::NormalPacket
        };
        writer
            .write_packet(packet[..len].to_vec(), OGG_SERIAL, end_info, granule)
            .map_err(ogg_error)?;
    }
    Ok(writer.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One second of a 440 Hz tone at 24 kHz, as Gemini's PCM bytes.
    fn tone(sample_rate: u32, seconds: f64) -> Vec<u8> {
        let count = (f64::from(sample_rate) * seconds) as usize;
        (0..count)
            .flat_map(|index| {
                let phase =
                    2.0 * std::f64::consts::PI * 440.0 * index as f64 / f64::from(sample_rate);
                ((phase.sin() * 8000.0) as i16).to_le_bytes()
            })
            .collect()
    }

    /// Whether an MPEG audio frame header starts at `at`: 11 sync bits, layer III.
    fn mp3_frame_at(data: &[u8], at: usize) -> bool {
        data.len() > at + 1
            && data[at] == 0xFF
            && data[at + 1] & 0xE0 == 0xE0
            && (data[at + 1] >> 1) & 0x3 == 0x1
    }

    #[test]
    fn mp3_is_mpeg_layer_three_frames_at_the_rate_asked() {
        let mp3 = SpeechEncoding::Mp3
            .encode(&tone(24_000, 1.0), 24_000)
            .unwrap();
        let first = (0..mp3.len()).find(|&at| mp3_frame_at(&mp3, at)).unwrap();
        let header = &mp3[first..first + 4];
        // MPEG-2 (version bits 10) carries 24 kHz: sample-rate index 1 of 22.05/24/16 kHz.
        assert_eq!((header[1] >> 3) & 0x3, 0b10, "MPEG version");
        assert_eq!((header[2] >> 2) & 0x3, 1, "sample-rate index");
        // 64 kbit/s is index 8 of MPEG-2 layer III's table.
        assert_eq!(header[2] >> 4, 8, "bitrate index");
        // A second of audio is dozens of 576-sample frames, each starting with a sync word.
        let frames = (0..mp3.len() - 1)
            .filter(|&at| mp3_frame_at(&mp3, at))
            .count();
        assert!(frames >= 40, "{frames} frames");
        let read = crate::media::audio_duration(&bytes::Bytes::from(mp3), Some("speech.mp3"));
        assert!(!read.estimated);
        assert!((read.duration.as_secs_f64() - 1.0).abs() < 0.15, "{read:?}");
    }

    #[test]
    fn flac_names_its_rate_and_length_in_streaminfo() {
        let flac = SpeechEncoding::Flac
            .encode(&tone(24_000, 0.5), 24_000)
            .unwrap();
        assert_eq!(&flac[..4], b"fLaC");
        // The first metadata block is STREAMINFO (type 0) of 34 bytes.
        assert_eq!(flac[4] & 0x7F, 0);
        assert_eq!(u32::from_be_bytes([0, flac[5], flac[6], flac[7]]), 34);
        let info = &flac[8..42];
        let rate =
            (u32::from(info[10]) << 12) | (u32::from(info[11]) << 4) | u32::from(info[12] >> 4);
        assert_eq!(rate, 24_000);
        let channels = ((info[12] >> 1) & 0x7) + 1;
        let bits = (((info[12] & 1) << 4) | (info[13] >> 4)) + 1;
        assert_eq!((channels, bits), (1, 16));
        let total = (u64::from(info[13] & 0x0F) << 32)
            | u64::from(u32::from_be_bytes([info[14], info[15], info[16], info[17]]));
        // 12,000 samples padded to three whole blocks of 4,096.
        assert_eq!(total, 12_288);
        let read = crate::media::audio_duration(&bytes::Bytes::from(flac), Some("speech.flac"));
        assert!(!read.estimated);
        assert!(
            (read.duration.as_secs_f64() - 0.512).abs() < 0.001,
            "{read:?}"
        );
    }

    #[test]
    fn opus_is_an_ogg_stream_with_its_head_tags_and_trimmed_end() {
        let pcm = tone(24_000, 0.55);
        let ogg = SpeechEncoding::Opus.encode(&pcm, 24_000).unwrap();
        let mut reader = ogg::reading::PacketReader::new(std::io::Cursor::new(&ogg));
        let head = reader.read_packet_expected().unwrap();
        assert_eq!(&ogg[..4], b"OggS");
        assert_eq!(&head.data[..8], b"OpusHead");
        assert_eq!(head.data[9], 1, "channels");
        let pre_skip = u16::from_le_bytes([head.data[10], head.data[11]]);
        assert_eq!(
            u32::from_le_bytes(head.data[12..16].try_into().unwrap()),
            24_000
        );
        let tags = reader.read_packet_expected().unwrap();
        assert_eq!(&tags.data[..8], b"OpusTags");
        let mut audio_packets = 0;
        let mut last_granule = 0;
        while let Some(packet) = reader.read_packet().unwrap() {
            assert!(!packet.data.is_empty());
            audio_packets += 1;
            last_granule = packet.absgp_page();
            if packet.last_in_stream() {
                break;
            }
        }
        // 0.55 s in 20 ms frames: 28 packets, the last padded, trimmed by the granule.
        assert_eq!(audio_packets, 28);
        assert_eq!(last_granule, 26_400 + u64::from(pre_skip));
        let read = crate::media::audio_duration(&bytes::Bytes::from(ogg), Some("speech.opus"));
        assert!(!read.estimated);
        assert!(
            (read.duration.as_secs_f64() - 0.55).abs() < 0.03,
            "{read:?}"
        );
    }

    #[test]
    fn a_rate_opus_cannot_take_is_the_upstreams_fault() {
        let error = SpeechEncoding::Opus
            .encode(&tone(22_050, 0.1), 22_050)
            .unwrap_err();
        assert!(matches!(error, RelayError::UpstreamInvalid), "{error:?}");
    }
}
