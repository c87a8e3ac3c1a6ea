#![no_main]
//! The display-filter lexer, parser and compiler, and matching what compiles.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        wirelens::fuzz::filter(text);
    }
});
