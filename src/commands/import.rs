//! `import`: a checklist in the seeds' text format → a path file.

use super::to_stdout;
use crate::cli::ImportArgs;
use crate::error::{Error, Result};
use crate::path;
use crate::storage;
use std::path::PathBuf;

/// A checklist → path-file YAML on stdout or in `-o`; what was left out → stderr.
pub(super) fn import(args: &ImportArgs) -> Result<()> {
    let stdin = args.checklist.as_os_str() == "-";
    let name = if stdin {
        PathBuf::from("<stdin>")
    } else {
        args.checklist.clone()
    };
    let read_err = |source| Error::Read {
        file: name.clone(),
        source,
    };
    let limit = path::load::MAX_FILE_BYTES as u64;
    let bytes = if stdin {
        storage::read_limited_from(std::io::stdin(), limit)
    } else {
        storage::read_limited(&args.checklist, limit)
    }
    .map_err(read_err)?
    .ok_or_else(|| Error::Checklist {
        file: name.clone(),
        line: None,
        message: format!(
            "is larger than {} MB, the most a checklist may be",
            limit >> 20
        ),
    })?;
    let text = String::from_utf8(bytes).map_err(|_| Error::Checklist {
        file: name.clone(),
        line: None,
        message: "is not UTF-8 text".into(),
    })?;
    let imported = path::import::import_checklist(&text, &name, args.strict)?;
    for (line, message) in &imported.warnings {
        stderr!("warning: {}:{line}: {message}", name.display());
    }
    match &args.output {
        Some(file) if file.as_os_str() != "-" => {
            storage::write_atomic(file, imported.yaml.as_bytes())?;
            let n = imported.warnings.len();
            stderr!(
                "wrote {} ({n} warning{})",
                file.display(),
                if n == 1 { "" } else { "s" }
            );
            Ok(())
        }
        _ => to_stdout(|w| w.write_all(imported.yaml.as_bytes())),
    }
}
