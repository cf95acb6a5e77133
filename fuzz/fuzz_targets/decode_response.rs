//! Fuzzes `decode_response` (faultline.responses; the platform and every sidecar read it with this function): key and value.
#![no_main]

use faultline_protocol::decode_response;
use libfuzzer_sys::fuzz_target;

fuzz_target!(
    |data: &[u8]| faultline_fuzz::check(data, false, |key, value| {
        decode_response(key, value.unwrap_or_default())
    })
);
