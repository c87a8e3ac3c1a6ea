#![no_main]
//! The pcap and pcapng readers on arbitrary file bytes.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    wirelens::fuzz::capture_file(data);
});
