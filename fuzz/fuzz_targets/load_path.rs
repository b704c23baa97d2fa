//! The path-file loader on arbitrary text: it must return a path or an error, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = studyplan::path::load::load_str(text, Path::new("fuzz.yaml"));
    }
});
