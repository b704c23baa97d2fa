#!/usr/bin/env python3
"""Expands a busy calendar into the intervals it blocks, independently of studyplan's reader.

    busy_instances.py FILE.ics ZONE FROM TO

Reads FILE.ics with `icalendar`, expands RRULE with `dateutil` (plus RDATE and EXDATE),
replaces instances that a RECURRENCE-ID override moves or cancels (with RANGE=THISANDFUTURE,
that instance and every later one take the override's shift on the wall clock and its length),
reads RDATE periods with their own length, leaves out cancelled and
transparent timed events, and blocks the whole local day (in ZONE, the plan's zone) for
all-day events. A calendar's X-WR-TIMEZONE is applied first by the `x-wr-timezone` package
(UTC and floating times on that zone's wall clock, as Google and Apple mean it); other floating
times are read in ZONE. Prints a JSON list of [start, end] pairs
(UTC, RFC 3339) of the instances that start before TO (RFC 3339) and end after FROM.
"""

import datetime as dt
import json
import sys
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
import x_wr_timezone
from dateutil.rrule import rrulestr

UTC = dt.timezone.utc


def main():
    path, zone, frm, to = sys.argv[1:5]
    plan_tz = ZoneInfo(zone)
    frm = dt.datetime.fromisoformat(frm)
    to = dt.datetime.fromisoformat(to)
    with open(path, "rb") as f:
        cal = icalendar.Calendar.from_ical(f.read())
    try:
        cal = x_wr_timezone.to_standard(cal)
    except ZoneInfoNotFoundError:
        pass  # a name no zone table knows is left aside, as calendar clients do

    def aware(v):
        if isinstance(v, dt.datetime):
            return v if v.tzinfo is not None else v.replace(tzinfo=plan_tz)
        return v

    def key(v):
        v = aware(v)
        if isinstance(v, dt.datetime):
            return v.astimezone(UTC).isoformat()
        return v.isoformat()

    def span(start, end):
        """Start and end instants (UTC) of one instance."""
        if isinstance(start, dt.datetime):
            return start.astimezone(UTC), end.astimezone(UTC)
        midnight = lambda d: dt.datetime.combine(d, dt.time(), plan_tz).astimezone(UTC)
        return midnight(start), midnight(end)

    def blocks(e, all_day):
        if str(e.get("STATUS", "")).upper() == "CANCELLED":
            return False
        return all_day or str(e.get("TRANSP", "OPAQUE")).upper() != "TRANSPARENT"

    def times(e):
        start = aware(e["DTSTART"].dt)
        if "DTEND" in e:
            end = aware(e["DTEND"].dt)
        elif "DURATION" in e:
            end = start + e["DURATION"].dt
        else:
            end = start + (dt.timedelta(days=1) if not isinstance(start, dt.datetime) else dt.timedelta())
        return start, end

    overrides = {}
    # uid -> [(recurrence-id, shift, length, override)] for RANGE=THISANDFUTURE, in order.
    onwards = {}
    masters = []
    for e in cal.walk("VEVENT"):
        rid = e.get("RECURRENCE-ID")
        if rid is not None:
            overrides[(str(e["UID"]), key(rid.dt))] = e
            if str(rid.params.get("RANGE", "")).upper() == "THISANDFUTURE":
                start, end = times(e)
                onwards.setdefault(str(e["UID"]), []).append(
                    (aware(rid.dt), start - aware(rid.dt), end - start, e)
                )
        else:
            masters.append(e)
    for v in onwards.values():
        v.sort(key=lambda x: x[0])

    out = []

    def emit(e, start, end):
        all_day = not isinstance(start, dt.datetime)
        if not blocks(e, all_day):
            return
        a, b = span(start, end)
        if a < to and b > frm:
            out.append([a.isoformat(), b.isoformat()])

    for e in masters:
        start, end = times(e)
        length = end - start
        starts = [start]
        if "RRULE" in e:
            rule = e["RRULE"].to_ical().decode()
            base = start if isinstance(start, dt.datetime) else dt.datetime.combine(start, dt.time())
            starts = []
            for s in rrulestr(rule, dtstart=base):
                if (s.astimezone(UTC) if s.tzinfo else s.replace(tzinfo=plan_tz)) > to:
                    break
                starts.append(s if isinstance(start, dt.datetime) else s.date())
        lengths = {}
        for prop in ("RDATE",):
            for v in e.get(prop, []) if isinstance(e.get(prop), list) else [e.get(prop)] if e.get(prop) else []:
                for d in v.dts:
                    if isinstance(d.dt, tuple):
                        a, b = aware(d.dt[0]), d.dt[1]
                        b = a + b if isinstance(b, dt.timedelta) else aware(b)
                        lengths[key(a)] = b - a
                        starts.append(a)
                    else:
                        starts.append(aware(d.dt))
        excluded = set()
        ex = e.get("EXDATE")
        for v in (ex if isinstance(ex, list) else [ex] if ex is not None else []):
            excluded.update(key(d.dt) for d in v.dts)
        uid = str(e["UID"])
        for s in starts:
            k = key(s)
            if k in excluded:
                continue
            o = overrides.get((uid, k))
            if o is not None:
                os_, oe = times(o)
                emit(o, os_, oe)
                continue
            here = lengths.get(k, length)
            later = [x for x in onwards.get(uid, []) if isinstance(s, dt.datetime) and x[0] <= s]
            if later:
                _, shift, here, o = later[-1]
                s = s + shift
                e_ = o
            else:
                e_ = e
            emit(e_, s, s + here)
    out.sort()
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
