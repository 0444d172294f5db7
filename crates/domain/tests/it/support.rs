//! What several test modules use: dates written as numbers, and the seeds' first ballot.

use chrono::NaiveDate;
use picket_domain::law::{BallotInput, Nation};

/// The date `y`-`m`-`day`.
pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// The seeds' first ballot: 100% Yes on a 78.95% turnout, result notified Fri 1 Sep 2023.
pub fn seeds_ballot() -> BallotInput {
    BallotInput {
        nation: Nation::England,
        opened: d(2023, 8, 7),
        closed: d(2023, 8, 31),
        entitled: 19,
        cast: 15,
        yes: 15,
        no: 0,
        spoiled: 0,
        ips: None,
        welsh_devolved_authority: false,
    }
}
