//! The bargaining unit: a dispute's teams are the branch's teams, and the members called out
//! for a period of action or entitled to vote in a ballot are counted from the member records
//! in those teams on a day. A figure typed by hand still wins where it is given, and says why
//! (for example, members not yet imported).

use chrono::NaiveDate;
use serde::Serialize;

/// The reason kept with figures typed before they were counted from member records.
pub const MIGRATED_REASON: &str = "entered before counts came from member records";

/// The longest reason for a hand figure.
pub const MAX_REASON: usize = 300;

/// The largest hand figure accepted.
pub const MAX_FIGURE: u32 = 10_000_000;

/// A figure typed by hand, with why it is not counted from member records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HandFigure {
    /// The number of members.
    pub value: u32,
    /// Why it is typed rather than counted.
    pub reason: String,
}

/// What is wrong with a typed hand figure, naming the field to fix; the message is a phrase to
/// follow the field's name ("Members called out: …").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureError {
    /// `figure` or `reason`.
    pub field: &'static str,
    /// What to fix, in words for people.
    pub message: String,
}

impl HandFigure {
    /// A figure known to be sound (from a program's own data, not typed by a person).
    pub fn new(value: u32, reason: &str) -> HandFigure {
        HandFigure {
            value,
            reason: reason.to_string(),
        }
    }

    /// Reads a typed figure and its reason: a whole number from 0, and a reason of one line.
    pub fn parse(value: &str, reason: &str) -> Result<HandFigure, FigureError> {
        let value = value.trim();
        let figure = value
            .parse::<u32>()
            .ok()
            .filter(|n| *n <= MAX_FIGURE)
            .ok_or_else(|| FigureError {
                field: "figure",
                message: if value.is_empty() {
                    "give the number of members, e.g. 15".into()
                } else if value.starts_with('-') {
                    "a number of members cannot be negative: give a whole number from 0, e.g. 15"
                        .into()
                } else {
                    format!("`{value}` is not a whole number")
                },
            })?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(FigureError {
                field: "reason",
                message: "say why the figure is typed rather than counted from member records, \
                          e.g. members not yet imported"
                    .into(),
            });
        }
        if reason.chars().count() > MAX_REASON || reason.chars().any(char::is_control) {
            return Err(FigureError {
                field: "reason",
                message: format!("give the reason on one line of at most {MAX_REASON} characters"),
            });
        }
        Ok(HandFigure {
            value: figure,
            reason: reason.to_string(),
        })
    }
}

/// Where a figure the desk uses comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum Basis {
    /// Counted from the member records in the dispute's teams on `as_of`.
    Counted {
        /// The day counted on.
        as_of: NaiveDate,
    },
    /// Typed by hand.
    Hand {
        /// Why.
        reason: String,
    },
}

impl Basis {
    /// The basis in words, e.g. "counted from member records on 1 May 2024" or "typed by hand:
    /// members not yet imported".
    pub fn words(&self) -> String {
        match self {
            Basis::Counted { as_of } => format!(
                "counted from member records on {}",
                crate::dates::long_date(*as_of)
            ),
            Basis::Hand { reason } => format!("typed by hand: {reason}"),
        }
    }

    /// The hand figure of `value` on this basis, if it is typed by hand.
    pub fn hand(&self, value: u32) -> Option<HandFigure> {
        match self {
            Basis::Counted { .. } => None,
            Basis::Hand { reason } => Some(HandFigure::new(value, reason)),
        }
    }

    /// Whether the figure is typed by hand.
    pub fn is_hand(&self) -> bool {
        matches!(self, Basis::Hand { .. })
    }
}

/// The figure to use: the hand figure where one is given, else the count.
pub fn figure(hand: Option<&HandFigure>, counted: u32, as_of: NaiveDate) -> (u32, Basis) {
    match hand {
        Some(h) => (
            h.value,
            Basis::Hand {
                reason: h.reason.clone(),
            },
        ),
        None => (counted, Basis::Counted { as_of }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hand_figure_needs_a_whole_number_and_a_reason() {
        let ok = HandFigure::parse(" 15 ", " members not yet imported ").unwrap();
        assert_eq!(ok.value, 15);
        assert_eq!(ok.reason, "members not yet imported");
        let negative = HandFigure::parse("-3", "x").unwrap_err();
        assert_eq!(negative.field, "figure");
        assert!(
            negative.message.contains("negative"),
            "{}",
            negative.message
        );
        assert_eq!(HandFigure::parse("lots", "x").unwrap_err().field, "figure");
        assert_eq!(HandFigure::parse("12", "  ").unwrap_err().field, "reason");
        assert_eq!(
            HandFigure::parse("12", &"x".repeat(MAX_REASON + 1))
                .unwrap_err()
                .field,
            "reason"
        );
        assert!(HandFigure::parse("12", "a\nb").is_err());
    }

    #[test]
    fn the_hand_figure_wins_and_says_why() {
        let day = NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
        let hand = HandFigure {
            value: 15,
            reason: "members not yet imported".into(),
        };
        let (n, basis) = figure(Some(&hand), 40, day);
        assert_eq!(n, 15);
        assert_eq!(basis.words(), "typed by hand: members not yet imported");
        let (n, basis) = figure(None, 40, day);
        assert_eq!(n, 40);
        assert_eq!(basis.words(), "counted from member records on 1 May 2024");
        assert!(!basis.is_hand());
    }
}
