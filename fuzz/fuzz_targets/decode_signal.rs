//! Fuzzes `decode_signal` (faultline.signals): key and value.
#![no_main]

use faultline_protocol::decode_signal;
use libfuzzer_sys::fuzz_target;

fuzz_target!(
    |data: &[u8]| faultline_fuzz::check(data, false, |key, value| {
        decode_signal(key, value.unwrap_or_default())
    })
);
