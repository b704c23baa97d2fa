//! A fault-injecting proxy in front of the real server: it passes requests through one per
//! connection, counting them, and fails the ones it is told to: an error status, a dropped
//! connection before the request reaches the server, a response lost after the server acted
//! on the request, no answer at all, or a server that is not CalDAV. Loopback only; its
//! thread stops when the proxy is dropped.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status without asking the server.
    Status(u16),
    /// Close the connection without an answer; the server never sees the request.
    Drop,
    /// Pass the request to the server, then close without passing the answer back.
    LostResponse,
    /// Never answer (until the proxy is dropped, at most 10 s).
    Hang,
    /// Answer `200 OK` with an HTML page, like a web server that is not CalDAV.
    NotDav,
}

struct Shared {
    faults: Mutex<Vec<(usize, Fault)>>,
    count: AtomicUsize,
    stop: AtomicBool,
}

pub struct Proxy {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Proxy {
    /// A proxy to `upstream`.
    pub fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let addr = listener.local_addr().expect("proxy address");
        let shared = Arc::new(Shared {
            faults: Mutex::new(Vec::new()),
            count: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
        });
        let s = Arc::clone(&shared);
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.stop.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(conn) = conn {
                    serve(conn, upstream, &s);
                }
            }
        });
        Proxy {
            addr,
            shared,
            thread: Some(thread),
        }
    }

    /// Fail the `n`th request from now on (1-based) with `fault`; all others pass.
    pub fn fail(&self, n: usize, fault: Fault) {
        let base = self.shared.count.load(Ordering::SeqCst);
        let mut faults = self.shared.faults.lock().expect("faults");
        faults.clear();
        faults.push((base.saturating_add(n), fault));
    }

    /// Pass every request from now on.
    pub fn clear(&self) {
        self.shared.faults.lock().expect("faults").clear();
    }

    /// Fail every request from now on with `fault`.
    pub fn fail_all(&self, fault: Fault) {
        let mut faults = self.shared.faults.lock().expect("faults");
        faults.clear();
        faults.push((0, fault));
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// One request per connection: read it, count it, pass it on or fail it, close.
fn serve(mut client: TcpStream, upstream: SocketAddr, s: &Shared) {
    let _ = client.set_read_timeout(Some(Duration::from_secs(10)));
    let Some(request) = read_request(&mut client) else {
        return;
    };
    let n = s.count.fetch_add(1, Ordering::SeqCst) + 1;
    let fault = s
        .faults
        .lock()
        .ok()
        .and_then(|f| f.iter().find(|(at, _)| *at == n || *at == 0).map(|x| x.1));
    match fault {
        None => {
            if let Some(answer) = forward(&request, upstream) {
                let _ = client.write_all(&answer);
            }
        }
        Some(Fault::Status(code)) => {
            let extra = if code == 401 {
                "WWW-Authenticate: Basic realm=\"test\"\r\n"
            } else {
                ""
            };
            let _ = write!(
                client,
                "HTTP/1.1 {code} Injected\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
        Some(Fault::Drop) => {}
        Some(Fault::LostResponse) => {
            let _ = forward(&request, upstream);
        }
        Some(Fault::Hang) => {
            let until = Instant::now() + Duration::from_secs(10);
            while Instant::now() < until && !s.stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        Some(Fault::NotDav) => {
            let page = "<html><body>It works!</body></html>";
            let _ = write!(
                client,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
                page.len()
            );
        }
    }
    let _ = client.shutdown(Shutdown::Both);
}

/// The request's bytes: head up to the blank line, then Content-Length bytes of body.
fn read_request(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    // The server answers and closes; make sure it does not wait for a second request.
    let mut request = Vec::with_capacity(buf.len() + 20);
    request.extend_from_slice(&buf[..head_end - 2]);
    request.extend_from_slice(b"Connection: close\r\n\r\n");
    request.extend_from_slice(&buf[head_end..]);
    Some(request)
}

fn forward(request: &[u8], upstream: SocketAddr) -> Option<Vec<u8>> {
    let mut server = TcpStream::connect(upstream).ok()?;
    let _ = server.set_read_timeout(Some(Duration::from_secs(20)));
    server.write_all(request).ok()?;
    let mut answer = Vec::new();
    server.read_to_end(&mut answer).ok()?;
    Some(answer)
}
