//! Files on disk, in one place: size-limited reading of untrusted input, atomic replacement of
//! outputs, and the lock that keeps two processes from writing one state file at once.
//!
//! Only the command layer and the state store call this module; the planning core never
//! touches a file.

use crate::error::{Error, Result};
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Read at most `limit` bytes of `file`, plus one to tell that it is larger, so `/dev/zero` or
/// a huge file cannot fill memory. Returns `Ok(None)` when the file is larger than `limit`.
pub(crate) fn read_limited(file: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    read_limited_from(File::open(file)?, limit)
}

/// [`read_limited`] for any reader (stdin, an open file).
pub(crate) fn read_limited_from(reader: impl Read, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    reader.take(limit + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

/// Replace `file` with `bytes` atomically.
pub fn write_atomic(file: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(file, bytes, |out, bytes| out.write_all(bytes))
}

/// Replace `file` with `bytes` atomically, handing the temporary file to `write` to fill.
///
/// The bytes go to a temporary file in the same folder (so the rename cannot cross file
/// systems), which is synced and then renamed over `file`; the folder is synced after the
/// rename so the new name survives a power cut. Whatever fails on the way (`write` itself,
/// the sync, the rename), `file` keeps its old contents and the temporary file is removed.
/// `write` exists so tests can fail the write part-way; everyone else calls [`write_atomic`].
pub fn write_atomic_with(
    file: &Path,
    bytes: &[u8],
    write: impl FnOnce(&mut dyn Write, &[u8]) -> std::io::Result<()>,
) -> Result<()> {
    let write_err = |source| Error::Write {
        file: file.to_path_buf(),
        source,
    };
    let dir = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".studyplan-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(write_err)?;
    // On any early return `tmp` is dropped, which deletes the temporary file.
    write(tmp.as_file_mut(), bytes).map_err(write_err)?;
    tmp.as_file_mut().flush().map_err(write_err)?;
    tmp.as_file().sync_all().map_err(write_err)?;
    tmp.persist(file).map_err(|e| write_err(e.error))?;
    sync_dir(&dir);
    Ok(())
}

/// Make a rename in `dir` durable. Best effort: not every platform or file system lets a
/// folder be opened and synced, and the rename itself has already happened.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// An exclusive lock on `<state>.lock`, held while a command reads, changes and writes a state
/// file. The lock file exists only while a command runs: it is removed when the [`Lock`] is
/// dropped, so no litter is left next to the learner's files.
///
/// The state file itself cannot carry the lock: every save renames a new file over it, and a
/// lock on the old inode would not be seen by the next process.
#[derive(Debug)]
pub(crate) struct Lock {
    file: File,
    path: PathBuf,
}

/// The lock file that guards `state`.
pub(crate) fn lock_path(state: &Path) -> PathBuf {
    let mut name = state.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

impl Lock {
    /// Take the lock for `state`, or fail at once when another process holds it.
    pub(crate) fn acquire(state: &Path) -> Result<Lock> {
        let path = lock_path(state);
        let write_err = |source| Error::Write {
            file: path.clone(),
            source,
        };
        // The holder removes the file when it is done. A process that opened the file just
        // before that may then lock a file that no longer has a name, while a third process
        // creates and locks a new one: so after locking, check that the name still leads to the
        // locked file, and start again when it does not.
        for _ in 0..100 {
            let file = OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .map_err(write_err)?;
            match fs4::fs_std::FileExt::try_lock_exclusive(&file) {
                Ok(true) => {}
                Ok(false) => {
                    return Err(Error::State {
                        file: state.to_path_buf(),
                        line: None,
                        column: None,
                        message: format!(
                            "is in use by another studyplan process (it holds {}); try again when it has finished",
                            path.display()
                        ),
                    })
                }
                Err(source) => return Err(write_err(source)),
            }
            if same_file(&file, &path) {
                return Ok(Lock { file, path });
            }
        }
        Err(write_err(std::io::Error::other(
            "the lock file keeps being replaced by other processes",
        )))
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Remove the name while still holding the lock (see `acquire`), then unlock.
        let _ = std::fs::remove_file(&self.path);
        let _ = fs4::fs_std::FileExt::unlock(&self.file);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_limited_tells_a_larger_file() {
        let text = b"0123456789";
        assert_eq!(
            read_limited_from(&text[..], 10).unwrap(),
            Some(text.to_vec())
        );
        assert_eq!(read_limited_from(&text[..], 9).unwrap(), None);
    }

    #[test]
    fn the_lock_leaves_no_file_behind_and_refuses_a_second_holder() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("studyplan.yaml");
        let lock = Lock::acquire(&state).unwrap();
        assert!(lock_path(&state).exists());
        let second = Lock::acquire(&state).unwrap_err();
        assert!(second.to_string().contains("in use"), "{second}");
        drop(lock);
        assert!(!lock_path(&state).exists());
        // And it can be taken again.
        drop(Lock::acquire(&state).unwrap());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
