//! The state-file loader on arbitrary bytes. `State::load` reads a file, so each input is
//! written to one temporary file that is reused across runs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

fn scratch() -> &'static (tempfile::TempDir, PathBuf) {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("create a temporary directory");
        let file = dir.path().join("studyplan.yaml");
        (dir, file)
    })
}

fuzz_target!(|data: &[u8]| {
    let (_, file) = scratch();
    std::fs::write(file, data).expect("write the state file");
    let _ = studyplan::progress::State::load(file);
});
