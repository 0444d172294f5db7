"""Validates an iCalendar document (RFC 5545) with the `icalendar` package, then checks the
rules calendar apps rely on: CRLF line endings, lines folded at 75 octets, VERSION 2.0 and a
PRODID, and in every VEVENT a UID, a DTSTAMP in UTC and a DTSTART, with a DTEND after it.
Prints the events as JSON; exits 1 with the problems otherwise.
"""
import datetime
import json
import re
import sys

import icalendar

problems = []


def need(cond, msg):
    if not cond:
        problems.append(msg)


raw = open(sys.argv[1], "rb").read()
need(raw.endswith(b"\r\n"), "the document does not end with CRLF")
for n, line in enumerate(raw.split(b"\r\n")[:-1], 1):
    need(b"\n" not in line and b"\r" not in line, f"line {n}: a bare LF or CR")
    need(len(line) <= 75, f"line {n}: {len(line)} octets, not folded at 75")

try:
    cal = icalendar.Calendar.from_ical(raw)
except Exception as e:  # noqa: BLE001 - any parse failure is the finding
    print(f"icalendar cannot parse it: {e!r}")
    sys.exit(1)

need(cal.name == "VCALENDAR", f"the outer component is {cal.name}")
need(str(cal.get("VERSION")) == "2.0", "VERSION is not 2.0")
need(bool(cal.get("PRODID")), "no PRODID")
events = []
uids = set()
for ev in cal.walk("VEVENT"):
    uid = str(ev.get("UID") or "")
    need(uid, "a VEVENT without UID")
    need(uid not in uids, f"UID {uid} twice")
    uids.add(uid)
    stamp = ev.get("DTSTAMP")
    need(stamp is not None, f"{uid}: no DTSTAMP")
    if stamp is not None:
        need(isinstance(stamp.dt, datetime.datetime) and stamp.dt.utcoffset() == datetime.timedelta(0),
             f"{uid}: DTSTAMP is not a UTC date-time")
    start = ev.get("DTSTART")
    need(start is not None, f"{uid}: no DTSTART")
    end = ev.get("DTEND")
    if start is not None and end is not None:
        need(type(start.dt) is type(end.dt), f"{uid}: DTSTART and DTEND of different types")
        need(end.dt > start.dt, f"{uid}: DTEND is not after DTSTART")
    events.append({
        "uid": uid,
        "summary": str(ev.get("SUMMARY") or ""),
        "description": str(ev.get("DESCRIPTION") or ""),
        "start": start.dt.isoformat() if start is not None else None,
        "end": end.dt.isoformat() if end is not None else None,
        "all_day": start is not None and not isinstance(start.dt, datetime.datetime),
        "url": str(ev.get("URL") or ""),
    })

if problems:
    print("\n".join(problems))
    sys.exit(1)


def text(prop):
    """A calendar-level TEXT value. NAME (RFC 7986) and X- properties are TEXT (RFC 5545
    3.8.8.2), but this package keeps them as written, escapes and all: read them as TEXT."""
    if prop is None:
        return ""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), str(prop))


print(json.dumps({
    "name": text(cal.get("X-WR-CALNAME")),
    "rfc7986_name": text(cal.get("NAME")),
    "description": str(cal.get("DESCRIPTION") or ""),
    "events": events,
}))
