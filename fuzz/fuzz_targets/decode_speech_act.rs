//! Fuzzes `decode_speech_act` (faultline.speech-acts): key and value.
#![no_main]

use faultline_protocol::decode_speech_act;
use libfuzzer_sys::fuzz_target;

fuzz_target!(
    |data: &[u8]| faultline_fuzz::check(data, false, |key, value| {
        decode_speech_act(key, value.unwrap_or_default())
    })
);
