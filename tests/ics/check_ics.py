#!/usr/bin/env python3
"""Checks .ics files with parsers that are not ours, strictly, and prints what they read.

    check_ics.py FILE.ics...

Each file is read by three independent Python implementations of RFC 5545 -- `icalendar`
(the reference the others are compared against), `vobject` (with its validation on) and
`ics` (ics.py) -- and checked against the rules of the project's Calendar contract:

- bytes: UTF-8, every line ends in CRLF (no bare CR or LF), no physical line over 75 octets,
  folds that survive parsers which trim a line's trailing blanks or strip a continuation's
  leading blanks, no control characters but tab;
- VCALENDAR: PRODID, VERSION:2.0, CALSCALE:GREGORIAN, METHOD:PUBLISH;
- every component: the properties RFC 5545 requires, singletons at most once, no parse errors;
- every TZID parameter has its VTIMEZONE (the calendars we write use UTC, so have none);
- VEVENT: UID, DTSTAMP (UTC), DTSTART; no floating date-time anywhere; DTEND of the same value
  type as DTSTART and after it; no UID twice in the file;
- VALARM: ACTION and TRIGGER, and DESCRIPTION for a DISPLAY alarm;
- the three parsers agree on every event's UID, SUMMARY, DESCRIPTION, start and end;
- no reader warns (warnings are errors).

Prints one JSON object, {file: {"calendar": {...}, "events": [...]}}, on stdout; each event
has uid, sequence, status, summary, description, categories, all_day, start and end (UTC
`YYYYMMDDTHHMMSSZ`, or `YYYYMMDD` for all-day events) and alarms. Exits 1 with every violation
on stderr when a file breaks a rule, 2 when a parser is not installed.
"""

import datetime as dt
import json
import sys
import warnings

try:
    import icalendar
    import ics
    import vobject
except ImportError as e:  # pragma: no cover - depends on the environment
    print(f"check_ics.py: {e}; install tests/ics/requirements.txt", file=sys.stderr)
    sys.exit(2)

MAX_OCTETS = 75
MAX_REPORTED = 40
UTC = dt.timezone.utc


class Problems:
    def __init__(self, name):
        self.name = name
        self.items = []

    def add(self, msg):
        self.items.append(f"{self.name}: {msg}")

    def check(self, ok, msg):
        if not ok:
            self.add(msg)
        return ok


def check_bytes(data, p):
    """The physical format, before any parser sees it."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        p.add(f"not UTF-8: {e}")
        return None
    p.check(text.startswith("BEGIN:VCALENDAR\r\n"), "does not start with BEGIN:VCALENDAR CRLF")
    p.check(text.endswith("END:VCALENDAR\r\n"), "does not end with END:VCALENDAR CRLF")
    for i, b in enumerate(data):
        if b == 0x0A and (i == 0 or data[i - 1] != 0x0D):
            p.add(f"bare LF at byte {i}")
            break
        if b == 0x0D and data[i + 1 : i + 2] != b"\n":
            p.add(f"bare CR at byte {i}")
            break
    lines = data.split(b"\r\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for n, line in enumerate(lines, 1):
        p.check(len(line) <= MAX_OCTETS, f"line {n} has {len(line)} octets: {line[:40]!r}...")
        p.check(line != b"", f"line {n} is empty")
        for ch in line.decode("utf-8", "replace"):
            if (ord(ch) < 0x20 and ch != "\t") or ord(ch) == 0x7F:
                p.add(f"line {n} has control character {ord(ch):#04x}")
                break
        folded = n < len(lines) and lines[n][:1] in (b" ", b"\t")
        if folded:
            # Allowed by RFC 5545, but some readers (e.g. the Rust `ical` crate) trim a
            # physical line's trailing blanks and would lose this one.
            p.check(line[-1:] not in (b" ", b"\t"), f"line {n} is folded after a blank")
        if line[:1] in (b" ", b"\t"):
            # Readers that strip every leading blank of a continuation would lose the second.
            p.check(line[1:2] not in (b" ", b"\t"), f"continuation line {n} starts with two blanks")
    return text


def stamp(value, p, what, allow_date):
    """A DATE or an absolute DATE-TIME as a UTC string; floating times are violations."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            p.add(f"{what} is a floating date-time: {value}")
            return None
        return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    if isinstance(value, dt.date):
        p.check(allow_date, f"{what} is a DATE")
        return value.strftime("%Y%m%d")
    p.add(f"{what} is not a date or date-time: {value!r}")
    return None


def text_of(prop):
    """A property's value read as TEXT, whatever type the reader gave it: as a SUMMARY."""
    raw = prop.to_ical()
    raw = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    event = icalendar.Event.from_ical(f"BEGIN:VEVENT\r\nSUMMARY:{raw}\r\nEND:VEVENT\r\n")
    return str(event["SUMMARY"])


def one(comp, name):
    """A property that must occur at most once (a list means it occurred several times)."""
    value = comp.get(name)
    return None if isinstance(value, list) else value


def check_with_icalendar(data, p):
    cal = icalendar.Calendar.from_ical(data)
    # TZIDs: every one used needs its VTIMEZONE.
    p.check(not cal.get_missing_tzids(), f"TZID without VTIMEZONE: {sorted(cal.get_missing_tzids())}")
    for comp in cal.walk():
        for err in comp.errors:
            p.add(f"{comp.name}: parse error {err}")
        cls = type(comp)
        for name in getattr(cls, "required", ()):
            p.check(name in comp, f"{comp.name} lacks required {name}")
        for name in getattr(cls, "singletons", ()):
            p.check(not isinstance(comp.get(name), list), f"{comp.name} has {name} more than once")
        exclusive = getattr(cls, "exclusive", ())
        p.check(sum(n in comp for n in exclusive) <= 1, f"{comp.name} has all of {exclusive}")
        for name, value in comp.property_items(recursive=False, sorted=False):
            params = getattr(value, "params", {}) or {}
            if "TZID" in params:
                p.check(
                    any(str(tz.get("TZID")) == params["TZID"] for tz in cal.walk("VTIMEZONE")),
                    f"{comp.name} {name} has TZID={params['TZID']} without a VTIMEZONE",
                )
            decoded = getattr(value, "dt", None)
            if isinstance(decoded, dt.datetime) and decoded.tzinfo is None:
                p.add(f"{comp.name} {name} is a floating date-time: {decoded}")

    p.check(str(cal.get("VERSION")) == "2.0", "VERSION is not 2.0")
    p.check(bool(str(cal.get("PRODID", "")).strip()), "PRODID is empty")
    p.check(str(cal.get("CALSCALE", "GREGORIAN")) == "GREGORIAN", "CALSCALE is not GREGORIAN")
    p.check(str(cal.get("METHOD")) == "PUBLISH", "METHOD is not PUBLISH")
    calendar = {
        "prodid": str(cal.get("PRODID")),
        "version": str(cal.get("VERSION")),
        "method": str(cal.get("METHOD")),
        # An X- property has no value type to this reader; X-WR-CALNAME is TEXT by convention.
        "calname": text_of(cal.get("X-WR-CALNAME")) if "X-WR-CALNAME" in cal else None,
        "timezone": str(cal.get("X-WR-TIMEZONE")) if "X-WR-TIMEZONE" in cal else None,
        "vtimezones": len(cal.walk("VTIMEZONE")),
    }

    events = []
    seen = set()
    for ev in cal.walk("VEVENT"):
        uid = str(one(ev, "UID") or "")
        p.check(uid != "", "VEVENT without UID")
        p.check(uid not in seen, f"UID {uid} occurs twice")
        seen.add(uid)
        what = f"VEVENT {uid}"
        dtstamp = one(ev, "DTSTAMP")
        if p.check(dtstamp is not None, f"{what} lacks DTSTAMP"):
            p.check(
                isinstance(dtstamp.dt, dt.datetime) and dtstamp.dt.utcoffset() == dt.timedelta(0),
                f"{what} DTSTAMP is not UTC",
            )
        start_prop, end_prop = one(ev, "DTSTART"), one(ev, "DTEND")
        if not p.check(start_prop is not None, f"{what} lacks DTSTART"):
            continue
        start, end = start_prop.dt, end_prop.dt if end_prop is not None else None
        all_day = not isinstance(start, dt.datetime)
        p.check("DURATION" in ev or end is not None, f"{what} has neither DTEND nor DURATION")
        if end is not None:
            p.check(
                isinstance(end, dt.datetime) == isinstance(start, dt.datetime),
                f"{what} DTSTART and DTEND differ in value type",
            )
            if isinstance(end, dt.datetime) == isinstance(start, dt.datetime):
                try:
                    p.check(end > start, f"{what} DTEND {end} is not after DTSTART {start}")
                except TypeError:
                    p.add(f"{what} DTSTART/DTEND cannot be compared (floating and absolute?)")
        status = str(ev.get("STATUS", "CONFIRMED"))
        p.check(status in ("TENTATIVE", "CONFIRMED", "CANCELLED"), f"{what} STATUS {status}")
        seq = ev.get("SEQUENCE", 0)
        p.check(int(seq) >= 0, f"{what} SEQUENCE {seq} is negative")
        alarms = []
        for al in ev.walk("VALARM"):
            action = str(al.get("ACTION", ""))
            p.check(action != "", f"{what} VALARM lacks ACTION")
            p.check("TRIGGER" in al, f"{what} VALARM lacks TRIGGER")
            if action == "DISPLAY":
                p.check("DESCRIPTION" in al, f"{what} DISPLAY VALARM lacks DESCRIPTION")
            trigger = al["TRIGGER"].dt if "TRIGGER" in al else None
            alarms.append(
                {
                    "action": action,
                    "trigger_minutes": (
                        int(trigger.total_seconds() // 60)
                        if isinstance(trigger, dt.timedelta)
                        else None
                    ),
                    "description": str(al.get("DESCRIPTION", "")),
                }
            )
        cats = []
        raw_cats = ev.get("CATEGORIES")
        for c in raw_cats if isinstance(raw_cats, list) else [raw_cats] if raw_cats else []:
            cats.extend(str(x) for x in c.cats)
        events.append(
            {
                "uid": uid,
                "sequence": int(seq),
                "status": status,
                "summary": str(ev.get("SUMMARY", "")),
                "description": str(ev.get("DESCRIPTION", "")),
                "categories": cats,
                "url": str(ev.get("URL")) if "URL" in ev else None,
                "all_day": all_day,
                "start": stamp(start, p, f"{what} DTSTART", True),
                "end": stamp(end, p, f"{what} DTEND", True) if end is not None else None,
                "alarms": alarms,
            }
        )
    return calendar, events


def check_with_vobject(text, events, p):
    """vobject with validation on; it must read the same events."""
    cals = list(vobject.readComponents(text, validate=True))
    if not p.check(len(cals) == 1, f"vobject reads {len(cals)} calendars"):
        return
    got = {}
    for ev in cals[0].contents.get("vevent", []):
        uid = ev.uid.value
        start = ev.dtstart.value
        end = ev.dtend.value if hasattr(ev, "dtend") else None
        got[uid] = {
            "summary": ev.summary.value if hasattr(ev, "summary") else "",
            "description": ev.description.value if hasattr(ev, "description") else "",
            "start": stamp(start, p, f"vobject {uid} DTSTART", True),
            "end": stamp(end, p, f"vobject {uid} DTEND", True) if end is not None else None,
        }
    compare("vobject", got, events, p)
    # It must also be able to write back what it read.
    cals[0].serialize()


def check_with_ics_py(text, events, p):
    """ics.py (a separate grammar-based reader); it must read the same events."""
    cal = ics.Calendar(text)
    got = {}
    for ev in cal.events:
        if ev.all_day:
            start, end = ev.begin.date(), ev.end.date()
        else:
            start, end = ev.begin.datetime, ev.end.datetime
        got[ev.uid] = {
            "summary": ev.name or "",
            "description": ev.description or "",
            "start": stamp(start, p, f"ics.py {ev.uid} DTSTART", True),
            "end": stamp(end, p, f"ics.py {ev.uid} DTEND", True),
        }
    p.check(len(cal.events) == len(events), f"ics.py reads {len(cal.events)} events, not {len(events)}")
    compare("ics.py", got, events, p)


def compare(reader, got, events, p):
    want = {e["uid"]: e for e in events}
    p.check(set(got) == set(want), f"{reader} reads other UIDs: {sorted(set(got) ^ set(want))[:5]}")
    for uid, g in got.items():
        w = want.get(uid)
        if w is None:
            continue
        for key in ("summary", "description", "start", "end"):
            p.check(g[key] == w[key], f"{reader} reads {uid} {key} as {g[key]!r}, icalendar as {w[key]!r}")


def check_file(name):
    p = Problems(name)
    with open(name, "rb") as f:
        data = f.read()
    text = check_bytes(data, p)
    result = {"calendar": None, "events": []}
    if text is None:
        return result, p
    try:
        result["calendar"], result["events"] = check_with_icalendar(data, p)
    except Exception as e:  # noqa: BLE001 - any failure to read is a violation
        p.add(f"icalendar cannot read the file: {type(e).__name__}: {e}")
        return result, p
    for reader, run in (
        ("vobject", lambda: check_with_vobject(text, result["events"], p)),
        ("ics.py", lambda: check_with_ics_py(text, result["events"], p)),
    ):
        try:
            run()
        except Exception as e:  # noqa: BLE001
            p.add(f"{reader} cannot read the file: {type(e).__name__}: {e}")
    return result, p


def main(argv):
    if not argv:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    # A reader that warns about a file rejects it as far as these checks go.
    warnings.simplefilter("error")
    out, problems = {}, []
    for name in argv:
        out[name], p = check_file(name)
        problems.extend(p.items)
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)
    sys.stdout.write("\n")
    for msg in problems[:MAX_REPORTED]:
        print(msg, file=sys.stderr)
    if len(problems) > MAX_REPORTED:
        print(f"... and {len(problems) - MAX_REPORTED} more", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
