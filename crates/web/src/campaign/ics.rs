//! The strike calendar as iCalendar (RFC 5545), made with the `icalendar` crate: one all-day
//! event per period of action, stable UIDs so subscribed calendars update in place, and a
//! `DTSTAMP` from the dispute's last change so the document (and its ETag) only changes when
//! the dispute does. Every value goes in through [`crate::ical_text`], the one escaping path.

use crate::campaign::Campaign;
use crate::ical_text::{text, uri};
use chrono::Duration;
use icalendar::{Calendar, Component, EventLike};
use picket_store::Branch;

/// The calendar document for a campaign; `host` makes the UIDs globally unique.
pub fn calendar(branch: &Branch, c: &Campaign, host: &str) -> String {
    let mut cal = Calendar::empty();
    for (key, value) in [
        ("VERSION", "2.0"),
        ("PRODID", "-//Picket//Strike calendar//EN"),
        ("CALSCALE", "GREGORIAN"),
        ("METHOD", "PUBLISH"),
    ] {
        cal.append_property(text(key, value));
    }
    let name = format!("{}: {}", branch.name, c.dispute.title);
    for key in ["NAME", "X-WR-CALNAME"] {
        cal.append_property(text(key, &name));
    }
    for key in ["DESCRIPTION", "X-WR-CALDESC"] {
        cal.append_property(text(key, &c.claim));
    }
    for a in &c.actions {
        let counted = if a.kind == "strike" {
            format!(
                "{} strike day{}",
                a.days,
                if a.days == 1 { "" } else { "s" }
            )
        } else {
            format!(
                "{} day{} of action",
                a.days,
                if a.days == 1 { "" } else { "s" }
            )
        };
        let mut description = format!("{}: {counted}.", a.dates);
        if !a.not_counted.is_empty() {
            description.push_str(&format!(" Not counted: {}.", a.not_counted.join(", ")));
        }
        description.push_str(&format!(" {}\n{}", c.claim, c.url));
        let event = icalendar::Event::new()
            .append_property(text(
                "UID",
                &format!("period-{}-{}@{host}", c.dispute.id, a.id),
            ))
            .timestamp(c.dispute.updated_at)
            .append_property(text(
                "SUMMARY",
                &format!("{}: {}", a.label, c.dispute.title),
            ))
            .append_property(text("DESCRIPTION", &description))
            .starts(a.starts)
            // DTEND of an all-day event is the day after the last.
            .ends(a.ends + Duration::days(1))
            .append_property(uri("URL", &c.url))
            .append_property(text("TRANSP", "TRANSPARENT"))
            .done();
        cal.push(event);
    }
    cal.done().to_string()
}
