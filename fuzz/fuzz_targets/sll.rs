#![no_main]
//! See wirelens_dissect::fuzz::sll for how the input is framed.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    wirelens_dissect::fuzz::sll(data);
});
