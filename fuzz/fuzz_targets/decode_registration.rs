//! Fuzzes `decode_registration` (`faultline.sidecars`): key, value and tombstones.
#![no_main]

use faultline_protocol::decode_registration;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| faultline_fuzz::check(data, true, decode_registration));
