//! UK postcodes: the shape Royal Mail gives them, checked once and kept in one spelling.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A UK postcode in its usual spelling: capitals, one space before the last three characters
/// (`SW1A 1AA`, `M1 1AE`, `B33 8TH`, `CR2 6XH`, `DN55 1PT`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Postcode(String);

/// A postcode refused. Never holds what was typed (it may be someone's address).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("that is not a UK postcode: write it like SW1A 1AA or M1 1AE")]
pub struct PostcodeError;

impl Postcode {
    /// The postcode as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The outward code (the part before the space), e.g. `SW1A`: a district, not an address.
    pub fn outward(&self) -> &str {
        self.0.split(' ').next().unwrap_or_default()
    }
}

/// Letters Royal Mail uses in the last two places of a postcode (no C, I, K, M, O or V).
const INWARD_LETTERS: &str = "ABDEFGHJLNPQRSTUWXYZ";

fn outward_ok(out: &[u8]) -> bool {
    let a = |c: u8| c.is_ascii_uppercase();
    let d = |c: u8| c.is_ascii_digit();
    match out {
        // A9, A99, A9A
        [x, y] => a(*x) && d(*y),
        [x, y, z] => a(*x) && ((d(*y) && (d(*z) || a(*z))) || (a(*y) && d(*z))),
        // AA99, AA9A
        [w, x, y, z] => a(*w) && a(*x) && d(*y) && (d(*z) || a(*z)),
        _ => false,
    }
}

impl FromStr for Postcode {
    type Err = PostcodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let squeezed: String = s
            .chars()
            .filter(|c| *c != ' ')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if !squeezed.is_ascii() || !(5..=7).contains(&squeezed.len()) {
            return Err(PostcodeError);
        }
        let (out, inward) = squeezed.split_at(squeezed.len() - 3);
        if out == "GIR" && inward == "0AA" {
            return Ok(Postcode("GIR 0AA".into()));
        }
        let inward_b = inward.as_bytes();
        let inward_ok = inward_b[0].is_ascii_digit()
            && INWARD_LETTERS.as_bytes().contains(&inward_b[1])
            && INWARD_LETTERS.as_bytes().contains(&inward_b[2]);
        // Spaces only between the two halves (or none at all).
        let spaced_ok = {
            let t = s.trim();
            !t.contains(' ')
                || t.split_whitespace().collect::<String>().len() == squeezed.len()
                    && t.split_whitespace().count() == 2
                    && t.split_whitespace().next().map(str::len) == Some(out.len())
        };
        if !outward_ok(out.as_bytes()) || !inward_ok || !spaced_ok {
            return Err(PostcodeError);
        }
        Ok(Postcode(format!("{out} {inward}")))
    }
}

impl TryFrom<String> for Postcode {
    type Error = PostcodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Postcode> for String {
    fn from(p: Postcode) -> String {
        p.0
    }
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape_is_taken_and_spelled_one_way() {
        for (typed, kept) in [
            ("SW1A 1AA", "SW1A 1AA"),
            ("sw1a1aa", "SW1A 1AA"),
            (" m1 1ae ", "M1 1AE"),
            ("B33 8TH", "B33 8TH"),
            ("CR2 6XH", "CR2 6XH"),
            ("DN55 1PT", "DN55 1PT"),
            ("W1A 0AX", "W1A 0AX"),
            ("EC1A 1BB", "EC1A 1BB"),
            ("gir 0aa", "GIR 0AA"),
        ] {
            let p: Postcode = typed.parse().unwrap_or_else(|_| panic!("{typed}"));
            assert_eq!(p.as_str(), kept);
        }
        assert_eq!("SW1A 1AA".parse::<Postcode>().unwrap().outward(), "SW1A");
    }

    #[test]
    fn what_is_not_a_postcode_is_refused() {
        for bad in [
            "",
            "12345",
            "SW1A",
            "SW1A 1A",
            "SW1A 1AAA",
            "1W1A 1AA",
            "SW1A 1CA",
            "SW1A 11A",
            "S 1 1AA",
            "SW1A\n1AA",
            "SW1A 1ÄA",
            "ABC 1AA",
            "SW1 A1AA",
            "M1  1AE x",
        ] {
            assert_eq!(bad.parse::<Postcode>(), Err(PostcodeError), "{bad:?}");
        }
    }

    #[test]
    fn the_message_says_what_to_type_and_never_echoes() {
        let m = "secret street".parse::<Postcode>().unwrap_err().to_string();
        assert!(m.contains("SW1A 1AA") && !m.contains("secret"), "{m}");
    }
}
