//! Picket sites: a place (the picket location of before, with its name, address and map
//! link), notes for those who come, and the entrances where shifts stand.

use super::{refuse, typed, PicketError, PicketPlace};
use crate::text::TextKind;
use serde::Serialize;

/// Longest notes on a site.
pub const MAX_NOTES: usize = 2000;
/// Longest name of an entrance.
pub const MAX_ENTRANCE: usize = 80;
/// Most entrances at one site.
pub const MAX_ENTRANCES: usize = 12;

/// A validated site: where it is, notes, and its entrances (at least one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SiteDetails {
    /// Its name, address, times in words (may be empty) and map link.
    #[serde(flatten)]
    pub place: PicketPlace,
    /// Notes for those who come (where to stand, parking, toilets), may be empty.
    pub notes: String,
    /// Its entrances, in the order given, each named once.
    pub entrances: Vec<String>,
}

impl SiteDetails {
    /// Checks what an organiser typed. `entrances` are names, one for each entrance; none
    /// given means one, "Main entrance".
    pub fn parse(
        name: &str,
        address: &str,
        map_url: &str,
        notes: &str,
        entrances: &[&str],
    ) -> Result<SiteDetails, PicketError> {
        let place = PicketPlace::parse_with(name, address, "", map_url, false)?;
        let notes = typed("notes", "The notes", TextKind::MultiLine, notes, MAX_NOTES)?;
        let mut names: Vec<String> = Vec::new();
        for raw in entrances {
            let entrance = entrance_name(raw)?;
            if entrance.is_empty() {
                continue;
            }
            if names
                .iter()
                .any(|n| n.to_lowercase() == entrance.to_lowercase())
            {
                return Err(refuse(
                    "entrances",
                    format!("The entrance \"{entrance}\" is named twice: give each entrance its own name."),
                ));
            }
            names.push(entrance);
        }
        if names.len() > MAX_ENTRANCES {
            return Err(refuse(
                "entrances",
                format!("A site can have at most {MAX_ENTRANCES} entrances; add another site for the rest."),
            ));
        }
        if names.is_empty() {
            names.push("Main entrance".into());
        }
        Ok(SiteDetails {
            place,
            notes,
            entrances: names,
        })
    }
}

/// Checks the name of one entrance (empty when nothing was typed).
pub fn entrance_name(raw: &str) -> Result<String, PicketError> {
    typed(
        "entrances",
        "The entrance's name",
        TextKind::Name,
        raw,
        MAX_ENTRANCE,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_has_a_name_and_at_least_one_entrance_each_named_once() {
        let site =
            SiteDetails::parse("Civic Centre", "1 High St", "", "Stand by the gate", &[]).unwrap();
        assert_eq!(site.entrances, ["Main entrance"]);
        assert_eq!(site.place.times, "");
        let two = SiteDetails::parse(
            "Civic Centre",
            "",
            "https://www.openstreetmap.org/",
            "",
            &["Front", " ", "Car park"],
        )
        .unwrap();
        assert_eq!(two.entrances, ["Front", "Car park"]);
        let err = SiteDetails::parse("Civic Centre", "", "", "", &["Front", "front"]).unwrap_err();
        assert_eq!(err.field, "entrances");
        assert!(err.message.contains("named twice"), "{err}");
        assert_eq!(
            SiteDetails::parse("", "", "", "", &[]).unwrap_err().field,
            "place"
        );
        assert_eq!(
            SiteDetails::parse("Gate", "", "", "a\u{0}", &[])
                .unwrap_err()
                .field,
            "notes"
        );
        let many: Vec<String> = (0..13).map(|i| format!("Door {i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(
            SiteDetails::parse("Gate", "", "", "", &many)
                .unwrap_err()
                .field,
            "entrances"
        );
    }
}
