//! The checklist importer on arbitrary text, strict and lenient: an import or an error, never
//! a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let file = Path::new("fuzz.md");
        let _ = studyplan::path::import::import_checklist(text, file, false);
        let _ = studyplan::path::import::import_checklist(text, file, true);
    }
});
