//! Picket lines: where a line stands (a location, or site, with its entrances), the shifts
//! people sign up for, the duties the law puts on each line, and the turnout drive's rules
//! live in the modules below. A location itself is a place only: the people on a line are
//! never part of it.

pub mod ical;
pub mod london;
pub mod shifts;
pub mod signups;
pub mod sites;
pub mod supervisor;

use crate::text::{self, TextKind};
use serde::Serialize;

/// Longest place name.
pub const MAX_PLACE: usize = 120;
/// Longest address.
pub const MAX_ADDRESS: usize = 300;
/// Longest description of the times.
pub const MAX_TIMES: usize = 200;
/// Longest map link.
pub const MAX_MAP_URL: usize = 500;

/// A validated picket location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PicketPlace {
    /// Its name, e.g. "Civic Centre, main entrance".
    pub place: String,
    /// Its address (may be empty when the name says where).
    pub address: String,
    /// When to come, e.g. "7.30am to 10am on strike days".
    pub times: String,
    /// A link to a map (http or https), if given.
    pub map_url: Option<String>,
}

/// A picket location refused, naming the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PicketError {
    /// The field at fault: `place`, `address`, `times` or `map_url`.
    pub field: &'static str,
    /// What to fix.
    pub message: String,
}

pub(crate) fn refuse(field: &'static str, message: impl Into<String>) -> PicketError {
    PicketError {
        field,
        message: message.into(),
    }
}

pub(crate) fn typed(
    field: &'static str,
    label: &str,
    kind: TextKind,
    value: &str,
    max: usize,
) -> Result<String, PicketError> {
    text::check(kind, value, max).map_err(|e| refuse(field, e.message(label)))
}

impl PicketPlace {
    /// Checks what an organiser typed.
    pub fn parse(
        place: &str,
        address: &str,
        times: &str,
        map_url: &str,
    ) -> Result<PicketPlace, PicketError> {
        Self::parse_with(place, address, times, map_url, true)
    }

    /// Checks what an organiser typed; the times may be left empty when `times_required` is
    /// false (a site whose shifts say when to come).
    pub fn parse_with(
        place: &str,
        address: &str,
        times: &str,
        map_url: &str,
        times_required: bool,
    ) -> Result<PicketPlace, PicketError> {
        let place = typed("place", "The place", TextKind::Name, place, MAX_PLACE)?;
        if place.is_empty() {
            return Err(refuse(
                "place",
                "Name the place, e.g. \"Civic Centre, main entrance\".",
            ));
        }
        let address = typed(
            "address",
            "The address",
            TextKind::MultiLine,
            address,
            MAX_ADDRESS,
        )?;
        let times = typed("times", "The times", TextKind::SingleLine, times, MAX_TIMES)?;
        if times.is_empty() && times_required {
            return Err(refuse(
                "times",
                "Say when people should come, e.g. \"7.30am to 10am on strike days\".",
            ));
        }
        let map_url = typed(
            "map_url",
            "The map link",
            TextKind::SingleLine,
            map_url,
            MAX_MAP_URL,
        )?;
        let map_url = if map_url.is_empty() {
            None
        } else {
            let ok = url::Url::parse(&map_url)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
            if ok.is_none() {
                return Err(refuse(
                    "map_url",
                    "The map link must be a web address starting with https:// (or http://).",
                ));
            }
            Some(map_url)
        };
        Ok(PicketPlace {
            place,
            address,
            times,
            map_url,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_needs_a_name_and_times_and_a_web_map_link() {
        let ok = PicketPlace::parse(
            " Civic Centre ",
            "1 High St",
            "7.30am to 10am",
            "https://www.openstreetmap.org/#map=18/52.1/-1.2",
        )
        .unwrap();
        assert_eq!(ok.place, "Civic Centre");
        assert!(ok.map_url.is_some());
        assert_eq!(
            PicketPlace::parse("", "", "7am", "").unwrap_err().field,
            "place"
        );
        assert_eq!(
            PicketPlace::parse("Gate", "", " ", "").unwrap_err().field,
            "times"
        );
        for bad in [
            "javascript:alert(1)",
            "maps",
            "ftp://x.example/y",
            "https://",
        ] {
            assert_eq!(
                PicketPlace::parse("Gate", "", "7am", bad)
                    .unwrap_err()
                    .field,
                "map_url",
                "{bad}"
            );
        }
        assert_eq!(
            PicketPlace::parse(&"x".repeat(121), "", "7am", "")
                .unwrap_err()
                .field,
            "place"
        );
        assert_eq!(
            PicketPlace::parse("Gate", "a\u{1}b", "7am", "")
                .unwrap_err()
                .field,
            "address"
        );
        assert_eq!(
            PicketPlace::parse("Gate", "", "7am", "").unwrap().map_url,
            None
        );
    }

    #[test]
    fn nul_and_direction_controls_are_refused_and_addresses_keep_their_lines() {
        let err = PicketPlace::parse("Gate\u{0}", "", "7am", "").unwrap_err();
        assert_eq!(err.field, "place");
        assert!(err.message.starts_with("The place contains a NUL"), "{err}");
        assert_eq!(
            PicketPlace::parse("Gate\u{202E}", "", "7am", "")
                .unwrap_err()
                .field,
            "place"
        );
        assert_eq!(
            PicketPlace::parse("Gate", "", "7am\u{0}", "")
                .unwrap_err()
                .field,
            "times"
        );
        assert_eq!(
            PicketPlace::parse("Gate", "1 High St\r\nTown", "7am", "")
                .unwrap()
                .address,
            "1 High St\nTown"
        );
    }
}
