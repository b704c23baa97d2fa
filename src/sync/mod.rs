//! `studyplan sync`: the saved plan on a CalDAV calendar collection, one calendar object
//! resource per live session, kept in step across replans and the learner's own edits.
//!
//! This module owns the sync bookkeeping stored in the state file ([`SyncState`]) and the
//! reconciliation: given what the plan wants, what we wrote last time and what the server
//! lists now, which requests to make and what to change in the saved plan ([`reconcile`]).
//! Reconciliation is pure (no I/O, no clock), so every case is unit-tested here; the
//! requests are in [`client`], reading an event the learner may have edited in [`event`],
//! the hard-rule checks for a moved session in [`rules`], and the command in `commands/sync.rs`.
//!
//! The rules, in short:
//! - a resource is ours only when its UID is in the bookkeeping (we created it), or when it
//!   sits at the name we derive from one of our UIDs and holds that UID (a create whose
//!   answer was lost); nothing else on the server is read into the plan, changed or deleted;
//! - the server's ETag equal to the one we saw last: the learner did not touch it, so it is
//!   updated (`If-Match`) only when what we would write differs from what we wrote;
//! - an ETag that changed: the event is read; the same times as we wrote means a client only
//!   re-serialised it (the new ETag is recorded); other times mean the learner moved it, and
//!   the move is taken into the plan as pinned, never overwritten;
//! - gone from the server (or set to CANCELLED there): the learner deleted it, so the session
//!   leaves the plan and is replanned, not on that day;
//! - in the bookkeeping but no longer a live session (a replan dropped it): deleted.

pub mod client;
pub mod event;
pub mod rules;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What the state file remembers about the CalDAV calendar. Never holds a password.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncState {
    /// The calendar collection's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caldav: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The command that prints the password (run with `sh -c`); not the password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_command: Option<String>,
    /// Per session UID, the resource we created for it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub resources: BTreeMap<String, Resource>,
    /// UIDs of sessions the learner moved in their calendar: replans keep them where they are.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pinned: Vec<String>,
    /// Sessions the learner deleted in their calendar: their item is not planned again on
    /// that day.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub declined: Vec<Declined>,
}

/// One calendar object resource that studyplan created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    /// Its name in the collection (the last segment of its URL, not percent-encoded).
    pub name: String,
    /// The ETag we last saw for it; unknown when the server did not send one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// DTSTART and DTEND as we wrote them (or as the learner set them, once pinned).
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// SEQUENCE as we wrote it.
    pub sequence: u32,
    /// A digest of what we wrote, DTSTAMP left out: an unchanged session is not written again.
    pub digest: String,
}

/// A session the learner deleted from their calendar.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Declined {
    pub item: String,
    pub date: NaiveDate,
}

impl SyncState {
    pub fn is_empty(&self) -> bool {
        *self == SyncState::default()
    }

    /// What a fresh `plan` keeps when it replaces the plan in a state file: the calendar and
    /// the resources on it (so they are updated or deleted, never created twice), but not the
    /// learner's pins and deletions, which belonged to the old plan.
    #[must_use]
    pub fn for_new_plan(self) -> SyncState {
        SyncState {
            pinned: Vec::new(),
            declined: Vec::new(),
            ..self
        }
    }
}

/// What the learner's deletion of session `uid` in their calendar does to the state: the
/// session leaves the plan (kept as cancelled, so the .ics file the next replan writes cancels
/// it too), its item is not planned again on that day ([`Declined`]), and its minutes are
/// [taken out](crate::plan::Plan::take_out).
pub fn deleted_by_learner(state: &mut crate::progress::State, uid: &str) {
    if let Some(i) = state.plan.sessions.iter().position(|s| s.uid == uid) {
        let mut s = state.plan.sessions.remove(i);
        let declined = Declined {
            item: s.item.clone(),
            date: s.date,
        };
        if !state.sync.declined.contains(&declined) {
            state.sync.declined.push(declined);
        }
        let plan = &mut state.plan;
        plan.take_out(&s, s.minutes);
        s.sequence += 1;
        plan.cancelled.retain(|c| c.uid != s.uid);
        plan.cancelled.push(s);
        plan.cancelled
            .sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.uid.cmp(&b.uid)));
    }
    state.sync.pinned.retain(|p| p != uid);
    state.sync.resources.remove(uid);
}

/// The resource name for a session UID: `<uid>.ics` when the UID holds only characters of a
/// small safe set (as UIDs of ids made from titles do); otherwise the UID with the others
/// replaced by `_` and a digest of the whole UID added, so that two UIDs that differ only
/// there (`a?b` and `a#b`, or two ids in another script) still get resources of their own.
/// The mapping must be stable: the bookkeeping records it.
pub fn resource_name(uid: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '@');
    if uid.chars().all(safe) {
        return format!("{uid}.ics");
    }
    let readable: String = uid.chars().map(|c| if safe(c) { c } else { '_' }).collect();
    format!("{readable}-{}.ics", fnv1a(uid.bytes()))
}

/// FNV-1a (64 bit), as 16 hex digits: stable across Rust versions and builds, which a std
/// hasher is not promised to be. Not a security measure.
fn fnv1a(bytes: impl IntoIterator<Item = u8>) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// A digest of the resource without its DTSTAMP line ([`fnv1a`]): it only tells whether we
/// would write something different from last time.
pub fn digest(body: &str) -> String {
    fnv1a(
        body.split("\r\n")
            .filter(|l| !l.starts_with("DTSTAMP"))
            .flat_map(|line| line.bytes().chain(*b"\n")),
    )
}

/// What the plan wants on the server for one live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    pub uid: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub digest: String,
}

/// One event as the server has it now, read with GET.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub uid: Option<String>,
    /// DTSTART and DTEND in UTC, or why they cannot be read.
    pub times: Result<(DateTime<Utc>, DateTime<Utc>), String>,
    pub sequence: Option<u32>,
    /// STATUS:CANCELLED: some clients cancel instead of deleting.
    pub cancelled: bool,
}

/// One step of a sync, in the order they are carried out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// PUT with `If-None-Match: *`.
    Create { uid: String },
    /// PUT with `If-Match: etag` (`None`: the server gave no ETag; plain PUT to our resource).
    Update { uid: String, etag: Option<String> },
    /// A resource at our name that holds our UID but is not in the bookkeeping (a create
    /// whose answer was lost): take it over and write it with `If-Match`.
    Adopt { uid: String, etag: Option<String> },
    /// DELETE with `If-Match`: a session the plan no longer has.
    Delete {
        uid: String,
        name: String,
        etag: Option<String>,
    },
    /// The learner moved the event: take the new time into the plan and pin it there.
    Pin {
        uid: String,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        etag: Option<String>,
        sequence: Option<u32>,
    },
    /// The learner deleted (or cancelled) the event: drop the session from the plan.
    Removed { uid: String },
    /// The ETag changed but the times did not: remember the new ETag.
    Record { uid: String, etag: Option<String> },
    /// Our resource is gone and the plan no longer needs it: forget it.
    Forget { uid: String },
    /// Something we leave alone, with the reason (printed as a warning).
    Leave { uid: String, reason: String },
}

impl Action {
    /// The session UID the step is about.
    pub fn uid(&self) -> &str {
        match self {
            Action::Create { uid }
            | Action::Update { uid, .. }
            | Action::Adopt { uid, .. }
            | Action::Delete { uid, .. }
            | Action::Pin { uid, .. }
            | Action::Removed { uid }
            | Action::Record { uid, .. }
            | Action::Forget { uid }
            | Action::Leave { uid, .. } => uid,
        }
    }

    /// Whether this step sends a request that changes the server.
    pub fn writes(&self) -> bool {
        matches!(
            self,
            Action::Create { .. }
                | Action::Update { .. }
                | Action::Adopt { .. }
                | Action::Delete { .. }
        )
    }
}

/// The resource names that must be read before [`reconcile`] can decide: ours whose ETag is
/// not the one we saw last, and resources at the name of a session we have no record of.
pub fn to_fetch(
    wanted: &[Wanted],
    book: &BTreeMap<String, Resource>,
    listing: &BTreeMap<String, Option<String>>,
) -> Vec<String> {
    let mut names = BTreeSet::new();
    for w in wanted {
        match book.get(&w.uid) {
            Some(r) => {
                if let Some(etag) = listing.get(&r.name) {
                    if etag.is_none() || *etag != r.etag {
                        names.insert(r.name.clone());
                    }
                }
            }
            None => {
                let name = resource_name(&w.uid);
                if listing.contains_key(&name) {
                    names.insert(name);
                }
            }
        }
    }
    // Resources of dropped sessions are deleted without being read.
    names.into_iter().collect()
}

/// Decide every step. `listing` maps resource names in the collection to their ETags;
/// `seen` holds what [`to_fetch`] asked for (a name missing from it was gone by the time it
/// was read). Steps come in a fixed order: changes to the plan first, then writes in the
/// order of `wanted`, then deletions by UID.
pub fn reconcile(
    wanted: &[Wanted],
    book: &BTreeMap<String, Resource>,
    listing: &BTreeMap<String, Option<String>>,
    seen: &BTreeMap<String, Seen>,
) -> Vec<Action> {
    let mut local = Vec::new();
    let mut writes = Vec::new();
    for w in wanted {
        let uid = w.uid.clone();
        let Some(r) = book.get(&w.uid) else {
            let name = resource_name(&w.uid);
            match listing.get(&name) {
                None => writes.push(Action::Create { uid }),
                Some(etag) => match seen.get(&name) {
                    // Listed, then gone before it could be read: create it afresh.
                    None => writes.push(Action::Create { uid }),
                    Some(s) if s.uid.as_deref() == Some(w.uid.as_str()) => {
                        writes.push(Action::Adopt {
                            uid,
                            etag: etag.clone(),
                        });
                    }
                    Some(_) => local.push(Action::Leave {
                        uid,
                        reason: format!(
                            "the calendar already has a resource named {name} that holds another event; it is left alone and this session is not synced"
                        ),
                    }),
                },
            }
            continue;
        };
        let Some(etag) = listing.get(&r.name) else {
            local.push(Action::Removed { uid });
            continue;
        };
        let untouched = etag.is_some() && *etag == r.etag;
        if untouched {
            if w.digest != r.digest {
                writes.push(Action::Update {
                    uid,
                    etag: etag.clone(),
                });
            }
            continue;
        }
        match seen.get(&r.name) {
            None => local.push(Action::Removed { uid }),
            Some(s) if s.cancelled => local.push(Action::Removed { uid }),
            Some(s) if s.uid.as_deref() != Some(w.uid.as_str()) => local.push(Action::Leave {
                uid,
                reason: format!(
                    "the resource {} now holds another event; it is left alone",
                    r.name
                ),
            }),
            Some(s) => {
                match &s.times {
                    Err(why) => {
                        local.push(Action::Leave {
                        uid: uid.clone(),
                        reason: format!("its time on the server cannot be read ({why}); it is left as it is"),
                    });
                        local.push(Action::Record {
                            uid,
                            etag: etag.clone(),
                        });
                    }
                    // At the time we recorded, or at the time the plan wants (our own update
                    // whose answer was lost, or the learner put it where the plan has it):
                    // nothing to pin. Record the new ETag, and write what we hold if it
                    // differs from what we recorded writing.
                    Ok((start, end))
                        if (*start, *end) == (r.start, r.end)
                            || (*start, *end) == (w.start, w.end) =>
                    {
                        local.push(Action::Record {
                            uid: uid.clone(),
                            etag: etag.clone(),
                        });
                        if w.digest != r.digest {
                            writes.push(Action::Update {
                                uid,
                                etag: etag.clone(),
                            });
                        }
                    }
                    Ok((start, end)) => local.push(Action::Pin {
                        uid,
                        start: *start,
                        end: *end,
                        etag: etag.clone(),
                        sequence: s.sequence,
                    }),
                }
            }
        }
    }
    let live: BTreeSet<&str> = wanted.iter().map(|w| w.uid.as_str()).collect();
    let mut deletes = Vec::new();
    for (uid, r) in book {
        if live.contains(uid.as_str()) {
            continue;
        }
        match listing.get(&r.name) {
            Some(etag) => deletes.push(Action::Delete {
                uid: uid.clone(),
                name: r.name.clone(),
                etag: etag.clone(),
            }),
            None => local.push(Action::Forget { uid: uid.clone() }),
        }
    }
    local.extend(writes);
    local.extend(deletes);
    local
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, h, 0, 0)
            .single()
            .expect("time")
    }

    fn wanted(uid: &str, h: u32, digest: &str) -> Wanted {
        Wanted {
            uid: uid.into(),
            start: t(h),
            end: t(h + 1),
            digest: digest.into(),
        }
    }

    fn resource(uid: &str, h: u32, etag: &str, digest: &str) -> (String, Resource) {
        (
            uid.to_string(),
            Resource {
                name: resource_name(uid),
                etag: Some(etag.into()),
                start: t(h),
                end: t(h + 1),
                sequence: 0,
                digest: digest.into(),
            },
        )
    }

    fn listed(entries: &[(&str, &str)]) -> BTreeMap<String, Option<String>> {
        entries
            .iter()
            .map(|(uid, etag)| (resource_name(uid), Some((*etag).to_string())))
            .collect()
    }

    fn seen(uid: &str, h: u32) -> Seen {
        Seen {
            uid: Some(uid.into()),
            times: Ok((t(h), t(h + 1))),
            sequence: Some(3),
            cancelled: false,
        }
    }

    fn run(
        wanted: &[Wanted],
        book: &[(String, Resource)],
        listing: &BTreeMap<String, Option<String>>,
        seen: &[(&str, Seen)],
    ) -> (Vec<String>, Vec<Action>) {
        let book: BTreeMap<String, Resource> = book.iter().cloned().collect();
        let seen: BTreeMap<String, Seen> = seen
            .iter()
            .map(|(uid, s)| (resource_name(uid), s.clone()))
            .collect();
        (
            to_fetch(wanted, &book, listing),
            reconcile(wanted, &book, listing, &seen),
        )
    }

    /// What reconciliation does with an event re-read at an acceptable time whose body we then
    /// write again: record its new ETag, then update it with that ETag.
    fn record_then_update(uid: &str, etag: &str) -> [Action; 2] {
        [
            Action::Record {
                uid: uid.into(),
                etag: Some(etag.into()),
            },
            Action::Update {
                uid: uid.into(),
                etag: Some(etag.into()),
            },
        ]
    }

    #[test]
    fn new_sessions_are_created_and_nothing_is_read() {
        let (fetch, actions) = run(&[wanted("a", 19, "d")], &[], &listed(&[]), &[]);
        assert!(fetch.is_empty());
        assert_eq!(actions, [Action::Create { uid: "a".into() }]);
    }

    #[test]
    fn an_unchanged_calendar_needs_nothing() {
        let (fetch, actions) = run(
            &[wanted("a", 19, "d")],
            &[resource("a", 19, "e1", "d")],
            &listed(&[("a", "e1"), ("foreign", "x")]),
            &[],
        );
        assert!(fetch.is_empty());
        assert!(actions.is_empty(), "{actions:?}");
    }

    #[test]
    fn a_changed_session_is_updated_with_the_etag_we_saw() {
        let (fetch, actions) = run(
            &[wanted("a", 20, "d2")],
            &[resource("a", 19, "e1", "d1")],
            &listed(&[("a", "e1")]),
            &[],
        );
        assert!(fetch.is_empty());
        assert_eq!(
            actions,
            [Action::Update {
                uid: "a".into(),
                etag: Some("e1".into())
            }]
        );
    }

    #[test]
    fn a_moved_event_is_pinned_not_overwritten() {
        let (fetch, actions) = run(
            &[wanted("a", 20, "d2")],
            &[resource("a", 19, "e1", "d1")],
            &listed(&[("a", "e2")]),
            &[("a", seen("a", 7))],
        );
        assert_eq!(fetch, [resource_name("a")]);
        assert_eq!(
            actions,
            [Action::Pin {
                uid: "a".into(),
                start: t(7),
                end: t(8),
                etag: Some("e2".into()),
                sequence: Some(3),
            }]
        );
    }

    /// An update that reached the server but whose answer was lost leaves a new ETag and the
    /// plan's new time there: that is our write, not the learner's move. It used to be pinned.
    #[test]
    fn an_update_whose_answer_was_lost_is_not_a_move() {
        let (_, actions) = run(
            &[wanted("a", 20, "d2")],
            &[resource("a", 19, "e1", "d1")],
            &listed(&[("a", "e2")]),
            &[("a", seen("a", 20))],
        );
        assert_eq!(actions, record_then_update("a", "e2"));
    }

    #[test]
    fn a_reserialised_event_is_recorded_then_updated_if_we_changed_it() {
        let (_, same) = run(
            &[wanted("a", 19, "d1")],
            &[resource("a", 19, "e1", "d1")],
            &listed(&[("a", "e2")]),
            &[("a", seen("a", 19))],
        );
        assert_eq!(
            same,
            [Action::Record {
                uid: "a".into(),
                etag: Some("e2".into())
            }]
        );
        let (_, changed) = run(
            &[wanted("a", 19, "d2")],
            &[resource("a", 19, "e1", "d1")],
            &listed(&[("a", "e2")]),
            &[("a", seen("a", 19))],
        );
        assert_eq!(changed, record_then_update("a", "e2"));
    }

    #[test]
    fn a_deleted_or_cancelled_event_leaves_the_plan() {
        let (_, gone) = run(
            &[wanted("a", 19, "d")],
            &[resource("a", 19, "e1", "d")],
            &listed(&[]),
            &[],
        );
        assert_eq!(gone, [Action::Removed { uid: "a".into() }]);
        let mut cancelled = seen("a", 19);
        cancelled.cancelled = true;
        let (_, cancelled) = run(
            &[wanted("a", 19, "d")],
            &[resource("a", 19, "e1", "d")],
            &listed(&[("a", "e2")]),
            &[("a", cancelled)],
        );
        assert_eq!(cancelled, [Action::Removed { uid: "a".into() }]);
    }

    #[test]
    fn dropped_sessions_are_deleted_or_forgotten() {
        let (fetch, actions) = run(
            &[],
            &[resource("a", 19, "e1", "d"), resource("b", 20, "e1", "d")],
            &listed(&[("a", "e9")]),
            &[],
        );
        assert!(fetch.is_empty(), "deleted without reading");
        assert_eq!(
            actions,
            [
                Action::Forget { uid: "b".into() },
                Action::Delete {
                    uid: "a".into(),
                    name: resource_name("a"),
                    etag: Some("e9".into())
                },
            ]
        );
    }

    #[test]
    fn a_lost_create_is_adopted_and_a_stranger_left_alone() {
        let (fetch, adopted) = run(
            &[wanted("a", 19, "d")],
            &[],
            &listed(&[("a", "e1")]),
            &[("a", seen("a", 19))],
        );
        assert_eq!(fetch, [resource_name("a")]);
        assert_eq!(
            adopted,
            [Action::Adopt {
                uid: "a".into(),
                etag: Some("e1".into())
            }]
        );
        let (_, stranger) = run(
            &[wanted("a", 19, "d")],
            &[],
            &listed(&[("a", "e1")]),
            &[("a", seen("other", 19))],
        );
        assert!(
            matches!(&stranger[..], [Action::Leave { .. }]),
            "{stranger:?}"
        );
    }

    #[test]
    fn foreign_resources_are_never_touched() {
        let (fetch, actions) = run(
            &[wanted("a", 19, "d")],
            &[resource("a", 19, "e1", "d")],
            &listed(&[("a", "e1"), ("x", "e"), ("y", "e")]),
            &[],
        );
        assert!(fetch.is_empty());
        assert!(actions.is_empty());
    }

    #[test]
    fn digest_ignores_dtstamp_only() {
        let a = "BEGIN:VEVENT\r\nDTSTAMP:20261121T120000Z\r\nSUMMARY:x\r\n";
        let b = "BEGIN:VEVENT\r\nDTSTAMP:20270101T000000Z\r\nSUMMARY:x\r\n";
        let c = "BEGIN:VEVENT\r\nDTSTAMP:20261121T120000Z\r\nSUMMARY:y\r\n";
        assert_eq!(digest(a), digest(b));
        assert_ne!(digest(a), digest(c));
    }

    #[test]
    fn resource_names_are_safe_and_stable() {
        assert_eq!(
            resource_name("be.db.storage.part1@studyplan"),
            "be.db.storage.part1@studyplan.ics"
        );
        let odd = ["a?b", "a#b", "日本", "中文", "a_b"].map(resource_name);
        assert!(
            odd[0].starts_with("a_b-") && odd[0].ends_with(".ics"),
            "{odd:?}"
        );
        assert_eq!(odd[4], "a_b.ics");
        let distinct: BTreeSet<&String> = odd.iter().collect();
        assert_eq!(distinct.len(), odd.len(), "{odd:?}");
        assert_eq!(resource_name("a?b"), odd[0]);
    }
}
