//! Strike pay: a dispute's policy, and each member's entitlement for a range of days with
//! the working shown.
//!
//! A policy pays either a flat daily rate or a share of each member's daily pay up to a cap,
//! for the days whose status counts (on strike, by default). Where the union pays national
//! strike pay from a member's Nth counted day, the branch only tops up to its rate from that
//! day on. A day already paid is shown and never paid again.

use crate::strike_days::DayStatus;
use crate::{MemberId, Pence};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// How a day is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum PayRate {
    /// The same amount for every counted day.
    Flat {
        /// Per day.
        daily: Pence,
    },
    /// A share of the member's daily pay, at most `cap` a day.
    Share {
        /// The share in hundredths of a percent (5000 is 50%).
        hundredths: u32,
        /// The most per day.
        cap: Pence,
    },
}

/// National strike pay paid by the union from a member's Nth counted day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NationalPay {
    /// The first counted day (1-based) the union pays.
    pub from_day: u32,
    /// What the union pays per day.
    pub daily: Pence,
}

/// A dispute's strike pay policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayPolicy {
    /// How a day is paid.
    pub rate: PayRate,
    /// The statuses whose days count.
    pub counts: BTreeSet<DayStatus>,
    /// National strike pay, if the union pays it.
    pub national: Option<NationalPay>,
}

/// Why a policy was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayPolicyError {
    /// A rate or cap of nothing or less.
    #[error("Give a daily rate (or cap) of more than £0.00.")]
    NotPositive,
    /// A share of nothing or more than all.
    #[error("Give a share of daily pay between 0.01% and 100%.")]
    Share,
    /// No status counts.
    #[error("Choose at least one status whose days are paid, such as on strike.")]
    NothingCounts,
    /// National pay from day 0.
    #[error("National strike pay starts from day 1 or later.")]
    NationalDay,
}

impl PayPolicy {
    /// Checks a policy.
    pub fn new(
        rate: PayRate,
        counts: BTreeSet<DayStatus>,
        national: Option<NationalPay>,
    ) -> Result<Self, PayPolicyError> {
        match rate {
            PayRate::Flat { daily } if daily <= Pence::ZERO => {
                return Err(PayPolicyError::NotPositive)
            }
            PayRate::Share { cap, .. } if cap <= Pence::ZERO => {
                return Err(PayPolicyError::NotPositive)
            }
            PayRate::Share { hundredths, .. } if hundredths == 0 || hundredths > 10_000 => {
                return Err(PayPolicyError::Share)
            }
            _ => {}
        }
        if counts.is_empty() {
            return Err(PayPolicyError::NothingCounts);
        }
        if let Some(n) = national {
            if n.from_day == 0 {
                return Err(PayPolicyError::NationalDay);
            }
            if n.daily < Pence::ZERO {
                return Err(PayPolicyError::NotPositive);
            }
        }
        Ok(Self {
            rate,
            counts,
            national,
        })
    }

    /// The day's rate for a member with this daily pay, and how it was found.
    fn day_rate(&self, daily_pay: Option<Pence>) -> (Pence, String) {
        match self.rate {
            PayRate::Flat { daily } => (daily, format!("flat rate {daily}")),
            PayRate::Share { hundredths, cap } => match daily_pay {
                None => (Pence::ZERO, "no daily pay recorded".into()),
                Some(pay) => {
                    let share = Pence::from_pence(
                        i64::try_from(i128::from(pay.pence()) * i128::from(hundredths) / 10_000)
                            .unwrap_or(i64::MAX),
                    );
                    let pct = format!("{}.{:02}%", hundredths / 100, hundredths % 100);
                    if share > cap {
                        (cap, format!("{pct} of {pay} is {share}, capped at {cap}"))
                    } else {
                        (share, format!("{pct} of {pay}"))
                    }
                }
            },
        }
    }
}

/// One day of a member's strike pay, with its working.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PayDay {
    /// The day.
    pub day: NaiveDate,
    /// Its status, if known and not in conflict.
    pub status: Option<DayStatus>,
    /// What the branch pays for it (nothing for a day that does not count or was paid).
    pub amount: Pence,
    /// How the amount was found, in words.
    pub working: String,
}

/// A member's entitlement over a pay run's days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberPay {
    /// The member.
    pub member: MemberId,
    /// Every day of theirs in the range, paid or not, with its working.
    pub days: Vec<PayDay>,
    /// What the branch pays them in all.
    pub total: Pence,
}

/// What one member's days are, for [`compute`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberDays {
    /// The member.
    pub member: MemberId,
    /// Their daily pay, if recorded.
    pub daily_pay: Option<Pence>,
    /// Every day of theirs in the dispute (not only the run's), in order, with its status
    /// (`None` for an unsettled conflict). Earlier days count towards national pay.
    pub days: Vec<(NaiveDate, Option<DayStatus>)>,
    /// The days already paid by an approved run.
    pub paid: BTreeSet<NaiveDate>,
}

/// Each member's entitlement for the days `first..=last`.
pub fn compute(
    policy: &PayPolicy,
    first: NaiveDate,
    last: NaiveDate,
    members: &[MemberDays],
) -> Vec<MemberPay> {
    members
        .iter()
        .map(|m| {
            let (rate, how) = policy.day_rate(m.daily_pay);
            let mut nth = 0_u32;
            let mut days = Vec::new();
            let mut total = Pence::ZERO;
            for (day, status) in &m.days {
                let counts = status.is_some_and(|s| policy.counts.contains(&s));
                if counts {
                    nth += 1;
                }
                if *day < first || *day > last {
                    continue;
                }
                let (amount, working) = match status {
                    None => (Pence::ZERO, "entries conflict: a rep must settle the day".into()),
                    Some(s) if !counts => (Pence::ZERO, format!("{} is not paid", s_label(*s))),
                    Some(_) if m.paid.contains(day) => {
                        (Pence::ZERO, "already paid by an earlier run".into())
                    }
                    Some(_) => match policy.national {
                        Some(n) if nth >= n.from_day => {
                            let top = Pence::from_pence((rate.pence() - n.daily.pence()).max(0));
                            (
                                top,
                                format!(
                                    "counted day {nth}: {how}, less national strike pay {} from day {}",
                                    n.daily, n.from_day
                                ),
                            )
                        }
                        _ => (rate, format!("counted day {nth}: {how}")),
                    },
                };
                total = total.checked_add(amount).unwrap_or(total);
                days.push(PayDay {
                    day: *day,
                    status: *status,
                    amount,
                    working,
                });
            }
            MemberPay {
                member: m.member,
                days,
                total,
            }
        })
        .collect()
}

fn s_label(s: DayStatus) -> &'static str {
    use crate::disputes::Named;
    s.label()
}

#[cfg(test)]
mod tests;
