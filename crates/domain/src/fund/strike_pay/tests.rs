use super::*;
use crate::strike_days::DayStatus::*;

fn d(n: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 5, n).unwrap()
}

fn p(n: i64) -> Pence {
    Pence::from_pence(n)
}

fn on_strike() -> BTreeSet<DayStatus> {
    [OnStrike].into_iter().collect()
}

fn member(pay: Option<i64>, days: &[(u32, Option<DayStatus>)], paid: &[u32]) -> MemberDays {
    MemberDays {
        member: MemberId(1),
        daily_pay: pay.map(p),
        days: days.iter().map(|(n, s)| (d(*n), *s)).collect(),
        paid: paid.iter().map(|n| d(*n)).collect(),
    }
}

#[test]
fn a_flat_rate_pays_counted_days_once() {
    let policy = PayPolicy::new(PayRate::Flat { daily: p(5_000) }, on_strike(), None).unwrap();
    let m = member(
        None,
        &[
            (13, Some(OnStrike)),
            (14, Some(Working)),
            (15, Some(OnStrike)),
            (16, None),
            (17, Some(OnStrike)),
        ],
        &[13],
    );
    let out = compute(&policy, d(13), d(16), &[m]);
    let amounts: Vec<i64> = out[0].days.iter().map(|x| x.amount.pence()).collect();
    assert_eq!(
        amounts,
        [0, 0, 5_000, 0],
        "paid, worked, counted, conflict; 17 is outside"
    );
    assert_eq!(out[0].total, p(5_000));
    assert_eq!(out[0].days[0].working, "already paid by an earlier run");
    assert_eq!(out[0].days[1].working, "Working is not paid");
    assert_eq!(out[0].days[2].working, "counted day 2: flat rate £50.00");
    assert_eq!(
        out[0].days[3].working,
        "entries conflict: a rep must settle the day"
    );
}

#[test]
fn a_share_of_pay_is_capped_and_rounded_down() {
    let policy = PayPolicy::new(
        PayRate::Share {
            hundredths: 5_000,
            cap: p(6_000),
        },
        on_strike(),
        None,
    )
    .unwrap();
    let low = compute(
        &policy,
        d(1),
        d(31),
        &[member(Some(10_001), &[(13, Some(OnStrike))], &[])],
    );
    assert_eq!(low[0].total, p(5_000));
    assert_eq!(low[0].days[0].working, "counted day 1: 50.00% of £100.01");
    let high = compute(
        &policy,
        d(1),
        d(31),
        &[member(Some(20_000), &[(13, Some(OnStrike))], &[])],
    );
    assert_eq!(high[0].total, p(6_000));
    assert!(high[0].days[0].working.contains("capped at £60.00"));
    let none = compute(
        &policy,
        d(1),
        d(31),
        &[member(None, &[(13, Some(OnStrike))], &[])],
    );
    assert_eq!(none[0].total, Pence::ZERO);
}

#[test]
fn national_pay_from_day_n_leaves_the_branch_a_top_up() {
    let policy = PayPolicy::new(
        PayRate::Flat { daily: p(10_000) },
        [OnStrike, Released].into_iter().collect(),
        Some(NationalPay {
            from_day: 3,
            daily: p(7_000),
        }),
    )
    .unwrap();
    let m = member(
        None,
        &[
            (13, Some(OnStrike)),
            (14, Some(Released)),
            (15, Some(OnStrike)),
            (16, Some(OnStrike)),
        ],
        &[],
    );
    // Days 13 and 14 fall before the run but still count towards national pay's day 3.
    let out = compute(&policy, d(15), d(16), &[m]);
    let amounts: Vec<i64> = out[0].days.iter().map(|x| x.amount.pence()).collect();
    assert_eq!(amounts, [3_000, 3_000]);
    assert!(out[0].days[0].working.starts_with("counted day 3"));
}

#[test]
fn policies_refuse_nonsense() {
    assert_eq!(
        PayPolicy::new(PayRate::Flat { daily: p(0) }, on_strike(), None),
        Err(PayPolicyError::NotPositive)
    );
    assert_eq!(
        PayPolicy::new(
            PayRate::Share {
                hundredths: 10_001,
                cap: p(1)
            },
            on_strike(),
            None
        ),
        Err(PayPolicyError::Share)
    );
    assert_eq!(
        PayPolicy::new(PayRate::Flat { daily: p(1) }, BTreeSet::new(), None),
        Err(PayPolicyError::NothingCounts)
    );
    assert_eq!(
        PayPolicy::new(
            PayRate::Flat { daily: p(1) },
            on_strike(),
            Some(NationalPay {
                from_day: 0,
                daily: p(1)
            })
        ),
        Err(PayPolicyError::NationalDay)
    );
}
