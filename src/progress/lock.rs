//! An exclusive lock on a sidecar `<state>.lock` file, so two processes never write the same
//! state file at once. The lock is released when the [`Lock`] is dropped (or the process ends).

use crate::error::{Error, Result};
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

/// Held while a command reads, changes and writes a state file.
#[derive(Debug)]
pub struct Lock {
    _file: File,
    pub path: PathBuf,
}

/// The lock file that guards `state`.
pub fn lock_path(state: &Path) -> PathBuf {
    let mut name = state.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

impl Lock {
    /// Take the lock for `state`, or fail at once when another process holds it.
    pub fn acquire(state: &Path) -> Result<Lock> {
        let path = lock_path(state);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|source| Error::Write {
                file: path.clone(),
                source,
            })?;
        match fs4::fs_std::FileExt::try_lock_exclusive(&file) {
            Ok(true) => Ok(Lock { _file: file, path }),
            Ok(false) => Err(Error::State {
                file: state.to_path_buf(),
                line: None,
                column: None,
                message: format!(
                    "is in use by another studyplan process (it holds {}); try again when it has finished",
                    path.display()
                ),
            }),
            Err(source) => Err(Error::Write { file: path, source }),
        }
    }
}
