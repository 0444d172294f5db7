//! Roles a user holds within a branch, ordered from least to most powerful.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a user may do in one branch. Roles are scoped per branch: a user may be an organiser
/// in one branch and a member in another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A member: their own data, shifts, strike days, claims.
    Member,
    /// A workplace rep: the member view plus their team.
    Rep,
    /// The treasurer: the fund ledger and strike pay.
    Treasurer,
    /// An organiser: everything in their branch.
    Organiser,
    /// An instance administrator: branches, users, settings.
    Admin,
}

impl Role {
    /// Every role, least powerful first.
    pub const ALL: [Role; 5] = [
        Role::Member,
        Role::Rep,
        Role::Treasurer,
        Role::Organiser,
        Role::Admin,
    ];

    /// The stable lower-case name stored in the database and used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Rep => "rep",
            Role::Treasurer => "treasurer",
            Role::Organiser => "organiser",
            Role::Admin => "admin",
        }
    }

    /// Whether this role includes everything `other` may do.
    ///
    /// The treasurer is not above the rep for team matters, but the ladder is a fair
    /// approximation for the foundation's checks: organiser and admin include everything.
    pub fn at_least(self, other: Role) -> bool {
        self >= other
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is not one of Picket's roles.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role `{0}`: expected one of admin, organiser, treasurer, rep, member")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownRole(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
        }
        assert!("chair".parse::<Role>().is_err());
    }

    #[test]
    fn organiser_includes_rep_but_not_admin() {
        assert!(Role::Organiser.at_least(Role::Rep));
        assert!(!Role::Organiser.at_least(Role::Admin));
        assert!(!Role::Member.at_least(Role::Rep));
    }
}
