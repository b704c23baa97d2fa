//! Real CalDAV servers for the sync tests, from the test virtualenv (`tests/ics/setup-venv.sh`
//! installs them), each on 127.0.0.1 at a free port with its storage in a temporary folder,
//! killed when dropped: Radicale with htpasswd authentication on, and Xandikos (a second,
//! independent implementation, git-backed, without authentication).
//!
//! [`Dav`] is the test's own client, the learner's calendar app: it lists, reads, writes and
//! deletes events with plain WebDAV requests, independently of studyplan's client.

use std::collections::BTreeMap;
use std::io::Read;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use ureq::http::{Method, Request};

pub const USER: &str = "alice";
pub const PASSWORD: &str = "correct horse battery staple";

/// The virtualenv's python with `module`, or a failed test that says how to install it.
fn python(module: &str) -> PathBuf {
    let python = match std::env::var_os("STUDYPLAN_ICS_PYTHON") {
        Some(p) => PathBuf::from(p),
        None => std::path::Path::new(crate::util::bin())
            .parent()
            .and_then(std::path::Path::parent)
            .expect("the binary lives in <target>/<profile>/")
            .join("ics-venv")
            .join("bin")
            .join("python"),
    };
    let has_module = python.exists()
        && Command::new(&python)
            .args(["-c", &format!("import {module}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
    assert!(
        has_module,
        "the CalDAV test server is not installed ({module} in {}); run \
         `bash tests/ics/setup-venv.sh` (the README's test command and .ci/run do)",
        python.display()
    );
    python
}

/// A server process on 127.0.0.1 at a free port, with its folder and log, killed when dropped.
struct Process {
    child: Child,
    addr: SocketAddr,
    dir: tempfile::TempDir,
}

impl Process {
    /// Run `command(folder, port)` until it listens. A port taken between our probe and the
    /// server's bind makes it exit: try again, five times.
    fn start(name: &str, command: impl Fn(&Path, u16) -> Command) -> Process {
        for _ in 0..5 {
            let dir = tempfile::Builder::new()
                .prefix(&format!("studyplan-{name}-"))
                .tempdir()
                .expect("temp dir");
            let port = TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("a free port")
                .port();
            let log = std::fs::File::create(dir.path().join("log")).expect("log file");
            let child = command(dir.path(), port)
                .stdin(Stdio::null())
                .stdout(log.try_clone().expect("log"))
                .stderr(log)
                .spawn()
                .unwrap_or_else(|e| panic!("start {name}: {e}"));
            let addr: SocketAddr = ([127, 0, 0, 1], port).into();
            let mut process = Process { child, addr, dir };
            if process.wait_ready(name) {
                return process;
            }
        }
        panic!("{name} did not start five times in a row");
    }

    /// Poll until the port accepts connections (bounded), or the process has exited.
    fn wait_ready(&mut self, name: &str) -> bool {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            if TcpStream::connect_timeout(&self.addr, Duration::from_millis(200)).is_ok() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "{name} did not answer within 30 s; its log:\n{}",
            self.log()
        );
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("log")).unwrap_or_default()
    }

    fn base(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A running Radicale.
pub struct Radicale {
    process: Process,
    pub addr: SocketAddr,
}

impl Radicale {
    /// Start Radicale with one user and one calendar, `/alice/study/`.
    pub fn start() -> Radicale {
        let python = python("radicale");
        let process = Process::start("radicale", |dir, port| {
            let users = dir.join("users");
            std::fs::write(&users, format!("{USER}:{PASSWORD}\n")).expect("users file");
            let config = dir.join("config");
            std::fs::write(
                &config,
                format!(
                    "[server]\nhosts = 127.0.0.1:{port}\n\
                     [auth]\ntype = htpasswd\nhtpasswd_filename = {}\nhtpasswd_encryption = plain\ndelay = 0\n\
                     [rights]\ntype = owner_only\n\
                     [storage]\nfilesystem_folder = {}\n\
                     [web]\ntype = none\n\
                     [logging]\nlevel = warning\n",
                    users.display(),
                    dir.join("collections").display()
                ),
            )
            .expect("config file");
            let mut command = Command::new(&python);
            command.args(["-m", "radicale", "--config"]).arg(&config);
            command
        });
        let server = Radicale {
            addr: process.addr,
            process,
        };
        server.dav().mkcalendar("/alice/study/");
        server
    }

    pub fn base(&self) -> String {
        self.process.base()
    }

    /// The calendar studyplan syncs to.
    pub fn url(&self) -> String {
        format!("{}/alice/study/", self.base())
    }

    /// The learner's own client.
    pub fn dav(&self) -> Dav {
        Dav::new(&self.base())
    }
}

/// The calendar Xandikos makes with `--defaults`.
pub const XANDIKOS_CALENDAR: &str = "/user/calendars/calendar/";

/// A running Xandikos.
pub struct Xandikos {
    process: Process,
}

impl Xandikos {
    pub fn start() -> Xandikos {
        let python = python("xandikos");
        let process = Process::start("xandikos", |dir, port| {
            let mut command = Command::new(&python);
            command
                .args([
                    "-m",
                    "xandikos",
                    "serve",
                    "--defaults",
                    "--no-detect-systemd",
                ])
                .arg("-d")
                .arg(dir.join("data"))
                .arg("--state-dir")
                .arg(dir.join("state"))
                .args(["-l", "127.0.0.1", "-p", &port.to_string()]);
            command
        });
        Xandikos { process }
    }

    pub fn url(&self) -> String {
        format!("{}{XANDIKOS_CALENDAR}", self.process.base())
    }

    pub fn dav(&self) -> Dav {
        Dav::new(&self.process.base())
    }
}

/// One event on the server, as the learner's app sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub name: String,
    pub etag: String,
    pub body: String,
    pub uid: String,
    pub start: String,
    pub end: String,
}

/// Plain WebDAV requests, authenticated as the test user.
pub struct Dav {
    agent: ureq::Agent,
    base: String,
    auth: String,
}

impl Dav {
    pub fn new(base: &str) -> Dav {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .allow_non_standard_methods(true)
            .timeout_global(Some(Duration::from_secs(20)))
            .build()
            .into();
        use base64::Engine as _;
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"));
        Dav {
            agent,
            base: base.to_string(),
            auth: format!("Basic {token}"),
        }
    }

    fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, BTreeMap<String, String>, String) {
        let mut b = Request::builder()
            .method(Method::from_bytes(method.as_bytes()).expect("method"))
            .uri(format!("{}{path}", self.base))
            .header("Authorization", &self.auth);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let mut response = self
            .agent
            .run(b.body(body.to_string()).expect("request"))
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        let status = response.status().as_u16();
        let mut text = String::new();
        response
            .body_mut()
            .as_reader()
            .read_to_string(&mut text)
            .expect("body");
        (status, headers, text)
    }

    pub fn mkcalendar(&self, path: &str) {
        let (status, _, text) = self.request("MKCALENDAR", path, &[], "");
        assert_eq!(status, 201, "MKCALENDAR {path}: {text}");
    }

    /// Resource names and ETags in a collection.
    pub fn list(&self, collection: &str) -> BTreeMap<String, String> {
        let body =
            r#"<?xml version="1.0"?><propfind xmlns="DAV:"><prop><getetag/></prop></propfind>"#;
        let (status, _, text) = self.request(
            "PROPFIND",
            collection,
            &[("Depth", "1"), ("Content-Type", "application/xml")],
            body,
        );
        assert_eq!(status, 207, "PROPFIND {collection}: {text}");
        let doc = roxmltree::Document::parse(&text).expect("multistatus XML");
        let mut out = BTreeMap::new();
        for r in doc
            .descendants()
            .filter(|n| n.has_tag_name(("DAV:", "response")))
        {
            let href = r
                .descendants()
                .find(|n| n.has_tag_name(("DAV:", "href")))
                .and_then(|n| n.text())
                .unwrap_or_default();
            let etag = r
                .descendants()
                .find(|n| n.has_tag_name(("DAV:", "getetag")))
                .and_then(|n| n.text())
                .unwrap_or_default();
            let name = percent_encoding::percent_decode_str(href.trim_end_matches('/'))
                .decode_utf8_lossy()
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_string();
            if !href.ends_with('/') {
                out.insert(name, etag.to_string());
            }
        }
        out
    }

    /// Every event in a collection, read with GET and parsed with the `ical` crate.
    pub fn events(&self, collection: &str) -> Vec<Event> {
        let mut out = Vec::new();
        for (name, etag) in self.list(collection) {
            let body = self.get(&format!("{collection}{name}"));
            let reader = ical::IcalParser::new(body.as_bytes());
            for cal in reader {
                let cal = cal.expect("an iCalendar resource");
                for e in cal.events {
                    let prop = |n: &str| {
                        e.properties
                            .iter()
                            .find(|p| p.name == n)
                            .and_then(|p| p.value.clone())
                            .unwrap_or_default()
                    };
                    out.push(Event {
                        name: name.clone(),
                        etag: etag.clone(),
                        body: body.clone(),
                        uid: prop("UID"),
                        start: prop("DTSTART"),
                        end: prop("DTEND"),
                    });
                }
            }
        }
        out
    }

    pub fn get(&self, path: &str) -> String {
        let (status, _, text) = self.request("GET", path, &[], "");
        assert_eq!(status, 200, "GET {path}");
        text
    }

    pub fn put(&self, path: &str, body: &str, if_match: Option<&str>) -> u16 {
        let mut headers = vec![("Content-Type", "text/calendar; charset=utf-8")];
        if let Some(e) = if_match {
            headers.push(("If-Match", e));
        }
        self.request("PUT", path, &headers, body).0
    }

    pub fn delete(&self, path: &str) -> u16 {
        self.request("DELETE", path, &[], "").0
    }
}
