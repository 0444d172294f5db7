//! Picket shifts as iCalendar (RFC 5545), made with the `icalendar` crate: one timed event per
//! shift in `Europe/London` time, with the zone's `VTIMEZONE`, stable UIDs so subscribed
//! calendars update in place, and cancelled shifts kept as `STATUS:CANCELLED` so calendars drop
//! them. Two feeds use it: a dispute's shifts open to supporters (public), and a member's own
//! shifts (at a secret address).
//!
//! Every value is cleaned first (line breaks made LF, other control characters dropped) and
//! escaped once, by the crate for the TEXT properties it knows, here for `NAME`.

use super::london::TZID;
use super::shifts::ShiftTimes;
use chrono::{DateTime, Utc};
use icalendar::{Calendar, CalendarDateTime, Component, EventLike, Property, ValueType};

/// The zone definition of `Europe/London` since 1996: summer time from 01:00 UTC on the last
/// Sunday of March to 01:00 UTC on the last Sunday of October.
const VTIMEZONE: &str = "BEGIN:VTIMEZONE\r\n\
TZID:Europe/London\r\n\
BEGIN:DAYLIGHT\r\n\
TZOFFSETFROM:+0000\r\n\
TZOFFSETTO:+0100\r\n\
TZNAME:BST\r\n\
DTSTART:19700329T010000\r\n\
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n\
END:DAYLIGHT\r\n\
BEGIN:STANDARD\r\n\
TZOFFSETFROM:+0100\r\n\
TZOFFSETTO:+0000\r\n\
TZNAME:GMT\r\n\
DTSTART:19701025T020000\r\n\
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n\
END:STANDARD\r\n\
END:VTIMEZONE\r\n";

/// One shift as a feed shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedShift {
    /// The shift's id (for its UID).
    pub id: i64,
    /// Its day and hours in UK clock time.
    pub times: ShiftTimes,
    /// The site's name.
    pub site: String,
    /// The entrance's name.
    pub entrance: String,
    /// The site's address (may be empty).
    pub address: String,
    /// What to bring (may be empty).
    pub notes: String,
    /// The dispute's title.
    pub dispute: String,
    /// Whether it was cancelled.
    pub cancelled: bool,
    /// When it last changed (the event's DTSTAMP, so the document changes only with it).
    pub updated_at: DateTime<Utc>,
    /// A page about it, if there is one.
    pub url: Option<String>,
}

/// `value` with its line breaks made one LF each and every other control character but tab
/// removed.
fn clean(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push('\n');
            }
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A TEXT property, cleaned and escaped exactly once.
fn text(key: &str, value: &str) -> Property {
    let cleaned = Property::new(key, clean(value));
    if cleaned.value_type() == Some(ValueType::Text) {
        return cleaned;
    }
    let mut out = String::new();
    for c in clean(value).chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    Property::new(key, out)
}

/// The calendar document: `name` is the calendar's name, `host` makes UIDs globally unique.
pub fn feed(name: &str, host: &str, shifts: &[FeedShift]) -> String {
    let mut cal = Calendar::empty();
    for (key, value) in [
        ("VERSION", "2.0"),
        ("PRODID", "-//Picket//Picket shifts//EN"),
        ("CALSCALE", "GREGORIAN"),
        ("METHOD", "PUBLISH"),
    ] {
        cal.append_property(text(key, value));
    }
    for key in ["NAME", "X-WR-CALNAME"] {
        cal.append_property(text(key, name));
    }
    cal.append_property(text("X-WR-TIMEZONE", TZID));
    for s in shifts {
        let at = |time| CalendarDateTime::WithTimezone {
            date_time: s.times.day.and_time(time),
            tzid: TZID.to_string(),
        };
        let mut description = format!("Picket: {}", s.dispute);
        if !s.notes.trim().is_empty() {
            description.push_str(&format!("\nWhat to bring: {}", s.notes.trim()));
        }
        if let Some(url) = &s.url {
            description.push_str(&format!("\n{url}"));
        }
        let location = if s.address.trim().is_empty() {
            format!("{} ({})", s.site, s.entrance)
        } else {
            format!(
                "{} ({}), {}",
                s.site,
                s.entrance,
                s.address.trim().replace('\n', ", ")
            )
        };
        let mut event = icalendar::Event::new();
        event
            .append_property(text("UID", &format!("picket-shift-{}@{host}", s.id)))
            .timestamp(s.updated_at)
            .append_property(text(
                "SUMMARY",
                &format!("Picket: {} ({})", s.site, s.entrance),
            ))
            .append_property(text("LOCATION", &location))
            .append_property(text("DESCRIPTION", &description))
            .starts(at(s.times.starts))
            .ends(at(s.times.ends));
        if s.cancelled {
            event.append_property(text("STATUS", "CANCELLED"));
        } else {
            event.append_property(text("STATUS", "CONFIRMED"));
        }
        if let Some(url) = &s.url {
            let kept: String = url.chars().filter(|c| !c.is_control()).collect();
            event.append_property(Property::new("URL", kept));
        }
        cal.push(event.done());
    }
    let doc = cal.done().to_string();
    // The crate writes no VTIMEZONE: it goes in before the first component.
    let at = doc
        .find("BEGIN:VEVENT\r\n")
        .or_else(|| doc.find("END:VCALENDAR\r\n"))
        .unwrap_or(doc.len());
    format!("{}{VTIMEZONE}{}", &doc[..at], &doc[at..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, NaiveTime};

    fn shift(id: i64, cancelled: bool) -> FeedShift {
        FeedShift {
            id,
            times: ShiftTimes {
                day: NaiveDate::from_ymd_opt(2024, 6, 3).unwrap(),
                starts: NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
                ends: NaiveTime::from_hms_opt(12, 30, 0).unwrap(),
            },
            site: "Civic Centre".into(),
            entrance: "Main entrance".into(),
            address: "1 High St\nNorthfield".into(),
            notes: "A flask; a coat\r\nBEGIN:VEVENT".into(),
            dispute: "Pay, now".into(),
            cancelled,
            updated_at: DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
            url: Some("https://picket.example/n/disputes/1".into()),
        }
    }

    #[test]
    fn shifts_are_timed_events_in_london_time_with_the_zone_defined() {
        let doc = feed(
            "Northfield: Pay",
            "picket.example",
            &[shift(7, false), shift(8, true)],
        );
        assert!(doc.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(doc.ends_with("END:VCALENDAR\r\n"));
        let tz = doc.find("BEGIN:VTIMEZONE").unwrap();
        assert!(tz < doc.find("BEGIN:VEVENT").unwrap());
        assert_eq!(doc.matches("BEGIN:VTIMEZONE").count(), 1);
        assert!(
            doc.contains("DTSTART;TZID=Europe/London:20240603T080000\r\n"),
            "{doc}"
        );
        assert!(
            doc.contains("DTEND;TZID=Europe/London:20240603T123000\r\n"),
            "{doc}"
        );
        assert!(doc.contains("UID:picket-shift-7@picket.example\r\n"));
        assert!(doc.contains("STATUS:CANCELLED\r\n"));
        // Text cannot break out of its property.
        assert!(!doc.contains("\r\nBEGIN:VEVENT\r\nEND"), "{doc}");
        assert_eq!(doc.matches("BEGIN:VEVENT").count(), 2);
        assert!(doc.contains("Pay\\, now"));
        assert!(doc.lines().all(|l| l.len() <= 76), "folded");
        let empty = feed("Mine", "picket.example", &[]);
        assert!(empty.contains("BEGIN:VTIMEZONE"));
        assert!(empty.ends_with("END:VTIMEZONE\r\nEND:VCALENDAR\r\n"));
    }
}
