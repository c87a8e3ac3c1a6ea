#![no_main]
//! A whole capture file in, every view model out (summary, tree, JSON, flows, statistics).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    wirelens::fuzz::pipeline(data);
});
