//! Durations read from real small audio files (WAV, FLAC, MP3, OGG/Opus, WebM, M4A) as speech-to-text billing reads them, and the unreadable-file fallback.
//!
//! The files are under `fixtures/media/`, written by its `generate.py` (a few KB each).

use std::time::Duration;

use bytes::Bytes;
use relay::media::{AudioDuration, audio_duration, fallback_duration};

fn fixture(name: &str) -> Bytes {
    let path = format!("{}/tests/fixtures/media/{name}", env!("CARGO_MANIFEST_DIR"));
    Bytes::from(std::fs::read(path).unwrap())
}

fn read(name: &str) -> AudioDuration {
    audio_duration(&fixture(name), Some(name))
}

#[test]
fn each_container_gives_its_duration() {
    let exact = |duration: Duration| AudioDuration {
        duration,
        estimated: false,
    };
    // WAV: 6000 bytes of 8 kHz 8-bit mono.
    assert_eq!(read("tone.wav"), exact(Duration::from_millis(750)));
    // FLAC: STREAMINFO's 4000 samples at 8 kHz.
    assert_eq!(read("tone.flac"), exact(Duration::from_millis(500)));
    // OGG/Opus: the last granule, 96,312 samples at 48 kHz (the demuxer keeps the 312-sample
    // pre-skip in the track's length: 6.5 ms more than the 2 s of frames).
    assert_eq!(read("tone.opus"), exact(Duration::from_micros(2_006_500)));
    // MP3 without a Xing header: 50 frames of 1152 samples at 32 kHz, walked.
    assert_eq!(read("tone.mp3"), exact(Duration::from_millis(1800)));
    // WebM/Opus: 100 blocks of 20 ms.
    assert_eq!(read("tone.webm"), exact(Duration::from_secs(2)));
    // M4A/AAC: the media header's 25,600 samples at a timescale of 8000.
    assert_eq!(read("tone.m4a"), exact(Duration::from_millis(3200)));
}

#[test]
fn the_name_is_only_a_hint() {
    // A WAV uploaded as "speech.mp3" is still read as the WAV it is.
    let wav = fixture("tone.wav");
    assert_eq!(
        audio_duration(&wav, Some("speech.mp3")).duration,
        Duration::from_millis(750)
    );
    assert_eq!(
        audio_duration(&wav, None).duration,
        Duration::from_millis(750)
    );
}

#[test]
fn unreadable_files_are_billed_by_size() {
    let text = Bytes::from(vec![b'a'; 50_000]);
    assert_eq!(
        audio_duration(&text, Some("notes.wav")),
        AudioDuration {
            duration: fallback_duration(50_000),
            estimated: true,
        }
    );
    assert_eq!(fallback_duration(50_000), Duration::from_secs(4));
    assert!(audio_duration(&Bytes::new(), Some("empty.mp3")).estimated);
}

#[test]
fn cut_files_never_panic_and_never_bill_nothing() {
    for name in [
        "tone.wav",
        "tone.flac",
        "tone.mp3",
        "tone.opus",
        "tone.webm",
    ] {
        let whole = fixture(name);
        for cut in [1, 4, 12, 44, 100, whole.len() / 2, whole.len() - 1] {
            let read = audio_duration(&whole.slice(..cut), Some(name));
            assert!(
                read.duration > Duration::ZERO,
                "{name} cut at {cut}: {read:?}"
            );
        }
    }
}
