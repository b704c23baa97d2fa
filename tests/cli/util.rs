//! A small builder for running the built `studyplan` binary in a temporary directory: write
//! files, give arguments, run, then assert on the exit status, stdout, stderr and the
//! files left behind. Every failed assertion prints the command line and both streams.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The generation time every test pins, so outputs are byte-identical.
pub const NOW: &str = "2026-11-21T12:00:00Z";

/// Noon (UTC) of a day, as `--now`: the same date in every zone the tests use, so work can be
/// recorded `--on` that day (a day after today is refused).
pub fn noon(date: &str) -> String {
    format!("{date}T12:00:00Z")
}

/// The binary under test.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_studyplan")
}

/// A temporary working directory that is removed when dropped.
pub struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let dir = tempfile::Builder::new()
            .prefix("studyplan-test-")
            .tempdir()
            .expect("create a temporary directory");
        Sandbox { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Let every user into the sandbox (for [`Cmd::unprivileged`]).
    #[cfg(unix)]
    pub fn open_to_all(&self) {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(self.path(), std::fs::Permissions::from_mode(0o777))
            .expect("chmod the sandbox");
    }

    /// Writes `contents` to `name` (relative to the sandbox), creating parent directories.
    pub fn write(&self, name: &str, contents: &str) -> PathBuf {
        let file = self.path().join(name);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).expect("create parent directory");
        }
        std::fs::write(&file, contents).expect("write fixture");
        file
    }

    pub fn read(&self, name: &str) -> String {
        let file = self.path().join(name);
        std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()))
    }

    pub fn read_bytes(&self, name: &str) -> Vec<u8> {
        let file = self.path().join(name);
        std::fs::read(&file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()))
    }

    pub fn exists(&self, name: &str) -> bool {
        self.path().join(name).exists()
    }

    /// `studyplan <args>` with the sandbox as the working directory.
    pub fn cmd<I, S>(&self, args: I) -> Cmd
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        Cmd::new(self.path()).args(args)
    }

    /// Records progress on the saved plan: `done --on <on>` for the items in `done`, then
    /// `skip` for those in `skipped` (full ids; either may be empty).
    pub fn record<'a>(
        &self,
        done: impl IntoIterator<Item = &'a String>,
        skipped: impl IntoIterator<Item = &'a String>,
        on: &str,
    ) {
        let done: Vec<&str> = done.into_iter().map(String::as_str).collect();
        let skipped: Vec<&str> = skipped.into_iter().map(String::as_str).collect();
        if !done.is_empty() {
            self.cmd(["done", "--on", on, "--now", NOW]).args(done).ok();
        }
        if !skipped.is_empty() {
            self.cmd(["skip", "--now", NOW]).args(skipped).ok();
        }
    }

    /// `studyplan plan <path> <extra>`, adding `--tz UTC` and `--now NOW` unless `extra` gives
    /// them, so every plan is deterministic whatever the machine's zone and clock.
    pub fn plan(&self, path: &str, extra: &[&str]) -> Cmd {
        let mut cmd = self.cmd(["plan", path]).args(extra.iter().copied());
        if !extra.contains(&"--tz") {
            cmd = cmd.args(["--tz", "UTC"]);
        }
        if !extra.contains(&"--now") {
            cmd = cmd.args(["--now", NOW]);
        }
        cmd
    }
}

/// One command to run.
pub struct Cmd {
    args: Vec<OsString>,
    dir: PathBuf,
    env: Vec<(String, String)>,
    /// Run as this user id (and the group of the same number).
    uid: Option<u32>,
}

impl Cmd {
    pub fn new(dir: &Path) -> Cmd {
        Cmd {
            args: Vec::new(),
            dir: dir.to_path_buf(),
            env: Vec::new(),
            uid: None,
        }
    }

    /// Run as an unprivileged user (`nobody`, 65534) when the tests run as root, as CI does:
    /// root ignores file permissions, so a test of them means something only for other users.
    /// The sandbox must let that user in ([`Sandbox::open_to_all`]).
    #[cfg(unix)]
    pub fn unprivileged(mut self) -> Cmd {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } == 0 {
            self.uid = Some(65_534);
        }
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Cmd
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    pub fn current_dir(mut self, dir: &Path) -> Cmd {
        self.dir = dir.to_path_buf();
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Cmd {
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    /// The process, configured but not started: a clean environment for the variables
    /// `studyplan` reads, so the caller's shell cannot change the outcome.
    pub fn command(&self) -> Command {
        let mut c = Command::new(bin());
        c.args(&self.args)
            .current_dir(&self.dir)
            .env_remove("STUDYPLAN_STATE")
            .env_remove("STUDYPLAN_DEBUG")
            .env_remove("SOURCE_DATE_EPOCH")
            .env_remove("STUDYPLAN_CALDAV_PASSWORD")
            .env("NO_COLOR", "1")
            .env("TZ", "UTC");
        for (k, v) in &self.env {
            c.env(k, v);
        }
        #[cfg(unix)]
        if let Some(uid) = self.uid {
            use std::os::unix::process::CommandExt as _;
            c.uid(uid).gid(uid);
        }
        c
    }

    pub fn display(&self) -> String {
        let mut s = String::from("studyplan");
        for a in &self.args {
            let a = a.to_string_lossy();
            if a.contains(' ') || a.is_empty() {
                let _ = write!(s, " '{a}'");
            } else {
                let _ = write!(s, " {a}");
            }
        }
        s
    }

    /// Runs to completion and captures both streams.
    pub fn run(self) -> Run {
        let mut c = self.command();
        c.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let child = c
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin()));
        let out = child.wait_with_output().expect("wait for studyplan");
        Run {
            cmd: self.display(),
            code: out.status.code(),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        }
    }

    /// Runs and asserts exit code 0.
    pub fn ok(self) -> Run {
        self.run().code(0)
    }

    /// Runs and asserts the exit code.
    pub fn fails(self, code: i32) -> Run {
        self.run().code(code)
    }
}

/// The outcome of one run.
#[derive(Debug)]
pub struct Run {
    pub cmd: String,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn context(&self) -> String {
        format!(
            "command: {}\nexit code: {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.cmd,
            self.code,
            truncate(&self.stdout),
            truncate(&self.stderr)
        )
    }

    pub fn code(self, expected: i32) -> Run {
        assert_eq!(
            self.code,
            Some(expected),
            "unexpected exit code\n{}",
            self.context()
        );
        self
    }

    pub fn stderr_has(self, needle: &str) -> Run {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}\n{}",
            self.context()
        );
        self
    }

    pub fn stdout_has(self, needle: &str) -> Run {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}\n{}",
            self.context()
        );
        self
    }

    pub fn stdout_empty(self) -> Run {
        assert!(
            self.stdout.is_empty(),
            "stdout is not empty\n{}",
            self.context()
        );
        self
    }

    /// Stdout parsed as one JSON document (and nothing else).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document: {e}\n{}", self.context()))
    }

    /// Stdout as the contract's plan document.
    pub fn plan_doc(&self) -> crate::checker::PlanDoc {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not a plan document: {e}\n{}", self.context()))
    }

    /// The exit code and the stderr, with `dir` replaced by `[DIR]`, for error snapshots.
    pub fn redacted_stderr(&self, dir: &Path) -> String {
        let dir = dir.display().to_string();
        let canonical = std::fs::canonicalize(&dir).map(|d| d.display().to_string());
        let mut s = self.stderr.replace(&dir, "[DIR]");
        if let Ok(c) = canonical {
            s = s.replace(&c, "[DIR]");
        }
        s
    }
}

fn truncate(s: &str) -> &str {
    const MAX: usize = 6000;
    if s.len() <= MAX {
        return s;
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}
