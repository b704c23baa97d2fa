//! The CalDAV requests `sync` makes, over a blocking HTTP client (`ureq`, TLS verified by
//! rustls against the webpki roots): PROPFIND to list the collection with ETags, GET, PUT with
//! `If-None-Match: *` or `If-Match`, DELETE with `If-Match`. Each failure becomes one
//! [`Error::CalDav`] naming the URL and the HTTP status, with what to do about it.
//!
//! Why not `libdav`: it is async on tokio and hyper, which would bring a runtime and a second
//! HTTP stack into a CLI that is otherwise synchronous, for five plain requests. The
//! multistatus XML is read with `roxmltree`, namespace-aware.
//!
//! Redirects are not followed: a PUT or DELETE that a redirect turned into another request
//! could change the wrong resource, so a redirect is reported with its target instead. The
//! password goes only into the Authorization header; it never appears in a URL or a message.

use crate::error::{Error, Result};
use base64::Engine as _;
use std::collections::BTreeMap;
use std::time::Duration;
use ureq::http::{self, Method, Request, Response, StatusCode};

const CALDAV_NS: &str = "urn:ietf:params:xml:ns:caldav";
const DAV_NS: &str = "DAV:";
/// The most an answer may hold: a large calendar's listing is a few MB.
const MAX_BODY: u64 = 64 << 20;

/// A user name and password for HTTP Basic authentication.
pub struct Credentials {
    pub user: String,
    pub password: String,
}

/// A CalDAV calendar collection, ready for requests.
pub struct Client {
    agent: ureq::Agent,
    /// The collection's URL, ending in `/`.
    collection: String,
    /// Its path, percent-decoded, ending in `/`: hrefs in listings are compared with it.
    path: String,
    /// `scheme://host:port`, to turn an href into a URL.
    origin: String,
    authorization: Option<String>,
    timeout: Duration,
}

/// One resource of the listing: its name in the collection and its ETag.
pub type Listing = BTreeMap<String, Option<String>>;

impl Client {
    /// Check the URL and set up the client. No request yet.
    pub fn new(url: &str, credentials: Option<&Credentials>, timeout: Duration) -> Result<Self> {
        let bad = |message: String| Error::flag("--caldav", message);
        let uri: http::Uri = url
            .parse()
            .map_err(|_| bad(format!("{url:?} is not a URL")))?;
        match uri.scheme_str() {
            Some("http" | "https") => {}
            _ => {
                return Err(bad(format!(
                    "{url:?} is not an http:// or https:// URL of a calendar collection"
                )))
            }
        }
        let Some(authority) = uri.authority() else {
            return Err(bad(format!("{url:?} has no host")));
        };
        if authority.as_str().contains('@') {
            // Never keep a password that came in a URL (it would land in the state file).
            return Err(bad(
                "holds a user name or password; give the user with --user and the password in STUDYPLAN_CALDAV_PASSWORD or with --password-command".into(),
            ));
        }
        if uri.query().is_some() {
            return Err(bad(format!(
                "{url:?} has a query; give the collection's URL"
            )));
        }
        let origin = format!("{}://{}", uri.scheme_str().unwrap_or("https"), authority);
        let mut collection = format!("{origin}{}", uri.path());
        if !collection.ends_with('/') {
            collection.push('/');
        }
        let mut path = decode(uri.path());
        if !path.ends_with('/') {
            path.push('/');
        }
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .allow_non_standard_methods(true)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_global(Some(timeout))
            .user_agent(concat!("studyplan/", env!("CARGO_PKG_VERSION")))
            .build();
        let authorization = credentials.map(|c| {
            let token = base64::engine::general_purpose::STANDARD
                .encode(format!("{}:{}", c.user, c.password));
            format!("Basic {token}")
        });
        Ok(Client {
            agent: config.into(),
            collection,
            path,
            origin,
            authorization,
            timeout,
        })
    }

    /// The collection's URL, ending in `/`.
    pub fn url(&self) -> &str {
        &self.collection
    }

    /// The URL of the resource `name` in the collection.
    pub fn url_of(&self, name: &str) -> String {
        format!("{}{}", self.collection, encode(name))
    }

    /// PROPFIND Depth 1: every resource in the collection with its ETag. Fails unless the URL
    /// is a CalDAV calendar collection.
    pub fn list(&self) -> Result<Listing> {
        let body = concat!(
            r#"<?xml version="1.0" encoding="utf-8"?>"#,
            r#"<d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/><d:getetag/></d:prop></d:propfind>"#
        );
        let url = self.collection.clone();
        let mut response = self.send(
            Method::from_bytes(b"PROPFIND").map_err(|_| Self::fail(&url, None, "PROPFIND"))?,
            &url,
            &[
                ("Depth", "1"),
                ("Content-Type", "application/xml; charset=utf-8"),
            ],
            Some(body.to_string()),
        )?;
        let status = response.status();
        if status != StatusCode::MULTI_STATUS {
            if status.is_success() {
                return Err(Self::fail(
                    &url,
                    Some(status),
                    "answers PROPFIND without a WebDAV listing: this is not a CalDAV calendar collection",
                ));
            }
            return Err(self.status_error(&url, status, &response, Op::List));
        }
        let dav_header = header(&response, "dav").unwrap_or_default();
        let text = read_body(&mut response).map_err(|e| self.transport(&url, &e))?;
        self.parse_listing(&url, &text, &dav_header)
    }

    fn parse_listing(&self, url: &str, text: &str, dav_header: &str) -> Result<Listing> {
        let not_caldav = |why: &str| {
            Self::fail(
                url,
                None,
                &format!("is not a CalDAV calendar collection: {why}"),
            )
        };
        let doc = roxmltree::Document::parse(text)
            .map_err(|e| not_caldav(&format!("its listing is not XML ({e})")))?;
        let mut listing = Listing::new();
        let mut is_calendar = None;
        // Calendars inside the URL, to name in the error when it is an account or a folder.
        let mut calendars = Vec::new();
        for response in doc
            .descendants()
            .filter(|n| n.has_tag_name((DAV_NS, "response")))
        {
            let Some(href) = child(response, "href").and_then(|h| h.text()) else {
                continue;
            };
            let path = href_path(href.trim());
            // Only the properties the server found (status 200) count.
            let mut etag = None;
            let mut resourcetype = None;
            for propstat in response
                .children()
                .filter(|n| n.has_tag_name((DAV_NS, "propstat")))
            {
                let ok = child(propstat, "status")
                    .and_then(|s| s.text())
                    .is_some_and(|s| s.split_whitespace().nth(1) == Some("200"));
                let Some(prop) = child(propstat, "prop").filter(|_| ok) else {
                    continue;
                };
                if let Some(e) = child(prop, "getetag").and_then(|e| e.text()) {
                    etag = Some(e.trim().to_string());
                }
                if let Some(r) = child(prop, "resourcetype") {
                    resourcetype = Some(r);
                }
            }
            let is_collection = resourcetype
                .is_some_and(|r| r.children().any(|c| c.has_tag_name((DAV_NS, "collection"))));
            let calendar = resourcetype.is_some_and(|r| {
                r.children()
                    .any(|c| c.has_tag_name((CALDAV_NS, "calendar")))
            });
            if same_path(&path, &self.path) {
                is_calendar = Some(calendar);
                continue;
            }
            if is_collection {
                if calendar {
                    let href = href.trim();
                    calendars.push(if href.starts_with('/') {
                        format!("{}{href}", self.origin)
                    } else {
                        href.to_string()
                    });
                }
                continue;
            }
            let Some(name) = path.strip_prefix(&self.path).filter(|n| !n.contains('/')) else {
                continue;
            };
            if !name.is_empty() {
                listing.insert(name.to_string(), etag);
            }
        }
        match is_calendar {
            Some(true) => Ok(listing),
            Some(false) if !calendars.is_empty() => Err(not_caldav(&format!(
                "it holds calendars; give the URL of one of them: {}",
                calendars.join(", ")
            ))),
            Some(false) => Err(not_caldav(
                "its resourcetype is not a calendar (give the URL of a calendar, not of an account or a folder)",
            )),
            // No entry for the collection itself: trust the DAV header, as some servers
            // list only the members.
            None if dav_header.contains("calendar-access") => Ok(listing),
            None => Err(not_caldav("the server does not say it speaks CalDAV")),
        }
    }

    /// GET one resource: its text and ETag, or `None` when it is gone (404, 410).
    pub fn get(&self, name: &str) -> Result<Option<(String, Option<String>)>> {
        let url = self.url_of(name);
        let mut response = self.send(Method::GET, &url, &[], None)?;
        let status = response.status();
        if status == StatusCode::NOT_FOUND || status == StatusCode::GONE {
            return Ok(None);
        }
        if !status.is_success() {
            return Err(self.status_error(&url, status, &response, Op::Get));
        }
        let etag = header(&response, "etag");
        let text = read_body(&mut response).map_err(|e| self.transport(&url, &e))?;
        Ok(Some((text, etag)))
    }

    /// PUT a new resource with `If-None-Match: *`, so an existing one is never overwritten.
    /// Returns the new ETag when the server sends one, or that another resource of the
    /// collection holds the event's UID already (RFC 4791 5.3.2.1: 403 with
    /// `CALDAV:no-uid-conflict`, or 409 as Radicale answers) — e.g. one imported from the
    /// plan's .ics file.
    pub fn create(&self, name: &str, body: &str) -> Result<Created> {
        let url = self.url_of(name);
        let mut response = self.send_put(&url, body, ("If-None-Match", "*"))?;
        let status = response.status();
        if status.is_success() {
            return Ok(Created::Made(header(&response, "etag")));
        }
        if status == StatusCode::CONFLICT || status == StatusCode::FORBIDDEN {
            let text = read_body(&mut response).unwrap_or_default();
            if let Some(holder) = uid_conflict(&text) {
                return Ok(Created::UidTaken(holder));
            }
            if status == StatusCode::CONFLICT {
                return Ok(Created::UidTaken(None));
            }
        }
        Err(self.status_error(&url, status, &response, Op::Put))
    }

    /// PUT over our resource with `If-Match` on the ETag we saw, so a change made meanwhile
    /// is never overwritten (412 instead).
    pub fn update(&self, name: &str, body: &str, etag: Option<&str>) -> Result<Option<String>> {
        match etag {
            Some(e) => self.put(name, body, ("If-Match", e)),
            // A server that gives no ETags: the resource must at least still exist.
            None => self.put(name, body, ("If-Match", "*")),
        }
    }

    fn put(&self, name: &str, body: &str, condition: (&str, &str)) -> Result<Option<String>> {
        let url = self.url_of(name);
        let response = self.send_put(&url, body, condition)?;
        let status = response.status();
        if !status.is_success() {
            return Err(self.status_error(&url, status, &response, Op::Put));
        }
        Ok(header(&response, "etag"))
    }

    /// PUT an event with a precondition header.
    fn send_put(
        &self,
        url: &str,
        body: &str,
        condition: (&str, &str),
    ) -> Result<Response<ureq::Body>> {
        self.send(
            Method::PUT,
            url,
            &[("Content-Type", "text/calendar; charset=utf-8"), condition],
            Some(body.to_string()),
        )
    }

    /// DELETE with `If-Match`. A resource that is already gone is fine.
    pub fn delete(&self, name: &str, etag: Option<&str>) -> Result<()> {
        let url = self.url_of(name);
        let headers: Vec<(&str, &str)> = etag.map(|e| ("If-Match", e)).into_iter().collect();
        let response = self.send(Method::DELETE, &url, &headers, None)?;
        let status = response.status();
        if status.is_success() || status == StatusCode::NOT_FOUND || status == StatusCode::GONE {
            return Ok(());
        }
        Err(self.status_error(&url, status, &response, Op::Delete))
    }

    fn send(
        &self,
        method: Method,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<String>,
    ) -> Result<Response<ureq::Body>> {
        let mut builder = Request::builder().method(method).uri(url);
        if let Some(a) = &self.authorization {
            builder = builder.header("Authorization", a);
        }
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        match body {
            Some(b) => builder
                .body(b)
                .map_err(|_| Self::fail(url, None, "cannot build the request"))
                .and_then(|r| self.agent.run(r).map_err(|e| self.transport(url, &e))),
            None => builder
                .body(())
                .map_err(|_| Self::fail(url, None, "cannot build the request"))
                .and_then(|r| self.agent.run(r).map_err(|e| self.transport(url, &e))),
        }
    }

    fn fail(url: &str, status: Option<StatusCode>, message: &str) -> Error {
        Error::CalDav {
            url: url.to_string(),
            status: status.map(|s| s.as_u16()),
            message: message.to_string(),
        }
    }

    /// No answer: a network error, TLS, or the timeout.
    fn transport(&self, url: &str, e: &ureq::Error) -> Error {
        let message = match e {
            ureq::Error::Timeout(_) => format!(
                "no answer within {} s; nothing is lost: run `studyplan sync` again",
                self.timeout.as_secs()
            ),
            ureq::Error::HostNotFound => "the host name does not resolve".to_string(),
            ureq::Error::Tls(_) | ureq::Error::Rustls(_) => {
                format!("TLS failed ({e}); the server's certificate is not trusted or not valid")
            }
            ureq::Error::Io(io) => format!(
                "cannot talk to the server ({io}); nothing is lost: run `studyplan sync` again"
            ),
            _ => format!("the request failed ({e}); nothing is lost: run `studyplan sync` again"),
        };
        Self::fail(url, None, &message)
    }

    fn status_error(
        &self,
        url: &str,
        status: StatusCode,
        response: &Response<ureq::Body>,
        op: Op,
    ) -> Error {
        let reason = status.canonical_reason().unwrap_or("");
        let message = match status.as_u16() {
            401 => {
                let digest_only = header(response, "www-authenticate")
                    .is_some_and(|h| h.trim_start().to_ascii_lowercase().starts_with("digest"));
                if digest_only {
                    "the server asks for Digest authentication, which studyplan does not speak; \
                     enable Basic authentication on the server (over HTTPS)"
                        .to_string()
                } else if self.authorization.is_none() {
                    "the server wants a user name and password: give --user, and the password \
                     in STUDYPLAN_CALDAV_PASSWORD or with --password-command"
                        .to_string()
                } else {
                    "the server refused the user name or password; check --user \
                     and the password"
                        .to_string()
                }
            }
            403 => "the server does not allow this; check that the user may write to \
                    this calendar"
                .to_string(),
            404 | 410 if op == Op::List => "there is no calendar collection at this URL; check \
                 --caldav, or create the calendar in your calendar app"
                .to_string(),
            404 | 410 => "the calendar collection is gone; check --caldav".to_string(),
            405 | 501 if op == Op::List => {
                "the server does not speak WebDAV here: this is not a CalDAV calendar collection"
                    .to_string()
            }
            412 => "the event changed on the server meanwhile (a failed precondition); \
                    nothing was overwritten: run `studyplan sync` again to take a new time or \
                    a deletion into the plan (other edits to a studyplan event are not kept)"
                .to_string(),
            300..=399 => match header(response, "location") {
                Some(to) => format!("the server redirects to {to}; give that URL with --caldav"),
                None => format!("the server redirects ({status}) without saying where"),
            },
            500..=599 => format!(
                "the server failed ({reason}); what was done so far is saved: run \
                 `studyplan sync` again later"
            ),
            _ => format!("unexpected answer {} {reason}", status.as_u16()),
        };
        Self::fail(url, Some(status), &message)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    List,
    Get,
    Put,
    Delete,
}

fn header(response: &Response<ureq::Body>, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string())
}

fn read_body(response: &mut Response<ureq::Body>) -> std::result::Result<String, ureq::Error> {
    response
        .body_mut()
        .with_config()
        .limit(MAX_BODY)
        .read_to_string()
}

/// What a create came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Created {
    /// Made, with the ETag the server sent.
    Made(Option<String>),
    /// Refused: another resource holds the UID (its href, when the server names it).
    UidTaken(Option<String>),
}

/// The href of the resource a `CALDAV:no-uid-conflict` error names (`Some(None)` when it
/// names none), or `None` when the body is not that error.
fn uid_conflict(body: &str) -> Option<Option<String>> {
    let doc = roxmltree::Document::parse(body).ok()?;
    let conflict = doc
        .descendants()
        .find(|n| n.has_tag_name((CALDAV_NS, "no-uid-conflict")))?;
    Some(
        child(conflict, "href")
            .and_then(|h| h.text())
            .map(|h| h.trim().to_string()),
    )
}

fn child<'a, 'input>(
    node: roxmltree::Node<'a, 'input>,
    name: &str,
) -> Option<roxmltree::Node<'a, 'input>> {
    node.children().find(|n| n.has_tag_name((DAV_NS, name)))
}

/// The percent-decoded path of an href, which may be a path or a full URL.
fn href_path(href: &str) -> String {
    if href.starts_with('/') {
        return decode(href);
    }
    match href.parse::<http::Uri>() {
        Ok(u) => decode(u.path()),
        Err(_) => decode(href),
    }
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

fn same_path(a: &str, b: &str) -> bool {
    a.trim_end_matches('/') == b.trim_end_matches('/')
}

/// Percent-encode a resource name for a URL path segment. Our names hold only
/// `[A-Za-z0-9._@-]` (see [`super::resource_name`]); anything else is encoded all the same.
fn encode(name: &str) -> String {
    const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'.')
        .remove(b'-')
        .remove(b'_')
        .remove(b'@')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(name, SEGMENT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_uid_conflict_names_the_resource_that_holds_the_uid() {
        let body = r#"<?xml version="1.0" encoding="utf-8"?>
<D:error xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <C:no-uid-conflict><D:href>/alice/study/3F2504E0.ics</D:href></C:no-uid-conflict>
</D:error>"#;
        assert_eq!(
            uid_conflict(body),
            Some(Some("/alice/study/3F2504E0.ics".to_string()))
        );
        let bare = r#"<error xmlns="DAV:"><no-uid-conflict xmlns="urn:ietf:params:xml:ns:caldav"/></error>"#;
        assert_eq!(uid_conflict(bare), Some(None));
        assert_eq!(
            uid_conflict(r#"<error xmlns="DAV:"><need-privileges/></error>"#),
            None
        );
        assert_eq!(uid_conflict("Forbidden"), None);
    }

    fn client(url: &str) -> Client {
        Client::new(url, None, Duration::from_secs(1)).expect("client")
    }

    #[test]
    fn urls_are_checked() {
        assert!(Client::new("ftp://x/cal/", None, Duration::from_secs(1)).is_err());
        assert!(
            Client::new("https://bob:pw@x/cal/", None, Duration::from_secs(1))
                .is_err_and(|e| !e.to_string().contains("pw"))
        );
        let c = client("http://127.0.0.1:5232/bob/study");
        assert_eq!(c.url(), "http://127.0.0.1:5232/bob/study/");
        assert_eq!(
            c.url_of("a.b.part1@studyplan.ics"),
            "http://127.0.0.1:5232/bob/study/a.b.part1@studyplan.ics"
        );
    }

    #[test]
    fn reads_a_multistatus_listing() {
        let c = client("http://h/dav/bob/My%20Study/");
        let xml = r#"<?xml version="1.0"?>
<D:multistatus xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
 <D:response><D:href>/dav/bob/My%20Study/</D:href>
  <D:propstat><D:prop><D:resourcetype><D:collection/><C:calendar/></D:resourcetype><D:getetag>"c"</D:getetag></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>
 <D:response><D:href>http://h/dav/bob/My%20Study/a%40studyplan.ics</D:href>
  <D:propstat><D:prop><D:resourcetype/><D:getetag>"1"</D:getetag></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>
 <D:response><D:href>/dav/bob/My%20Study/b.ics</D:href>
  <D:propstat><D:prop><D:resourcetype/></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>
  <D:propstat><D:prop><D:getetag/></D:prop><D:status>HTTP/1.1 404 Not Found</D:status></D:propstat></D:response>
 <D:response><D:href>/dav/bob/My%20Study/sub/</D:href>
  <D:propstat><D:prop><D:resourcetype><D:collection/></D:resourcetype></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>
</D:multistatus>"#;
        let listing = c.parse_listing("u", xml, "").expect("listing");
        assert_eq!(
            listing.into_iter().collect::<Vec<_>>(),
            [
                ("a@studyplan.ics".to_string(), Some("\"1\"".to_string())),
                ("b.ics".to_string(), None)
            ]
        );
    }

    #[test]
    fn a_collection_that_is_not_a_calendar_is_refused() {
        let c = client("http://h/dav/bob/");
        let xml = r#"<multistatus xmlns="DAV:"><response><href>/dav/bob/</href><propstat><prop><resourcetype><collection/></resourcetype></prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>"#;
        assert!(c
            .parse_listing("u", xml, "1, 2, 3, calendar-access")
            .is_err_and(|e| e.to_string().contains("not a CalDAV calendar")));
        assert!(c
            .parse_listing("u", "<html>hello</html>", "")
            .is_err_and(|e| e.to_string().contains("not a CalDAV calendar")));
    }
}
