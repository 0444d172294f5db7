//! The strike fund's records for the backup round-trip tests: every fund table gets rows, so
//! an archive that dropped one, or a restore the ledger's triggers refused, fails the test.

use chrono::NaiveDate;
use picket_domain::bargaining::HandFigure;
use picket_domain::disputes::ActionKind;
use picket_domain::fund::hardship::NewHardshipApplication;
use picket_domain::fund::strike_pay::{PayPolicy, PayRate};
use picket_domain::fund::{DonationMethod, DonorKind, NewDonation, Restriction};
use picket_domain::members::MemberDetails;
use picket_domain::strike_days::{DaySource, DayStatus};
use picket_domain::{BranchId, Pence};
use picket_store::disputes::NewActionPeriod;
use picket_store::prelude::*;
use picket_store::strike_days::{DayEntry, NewReleaseRequest};

/// The tables the fund adds; each must hold rows after [`add_fund_records`].
pub const FUND_TABLES: &[&str] = &[
    "fund_accounts",
    "fund_transactions",
    "fund_lines",
    "fund_donations",
    "fund_hardship_grants",
    "strike_days",
    "strike_release_requests",
    "strike_pay_policies",
    "strike_pay_runs",
    "strike_pay_run_members",
    "strike_pay_days",
    "strike_pay_payments",
];

fn d(n: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 5, n).expect("a day in May 2024")
}

/// Donations (one restricted), a reversal, a member's strike days, a release request, an
/// approved and paid strike pay run and a paid hardship grant, in the branch's first dispute.
pub async fn add_fund_records(store: &dyn Store, branch: BranchId) {
    let dispute = store.disputes(branch).await.unwrap()[0].id;
    let mut w = store.begin().await.unwrap();
    let period = w
        .create_action_period(
            branch,
            dispute,
            &NewActionPeriod {
                ballot_id: None,
                kind: ActionKind::Strike,
                starts: d(13),
                ends: d(14),
                teams: String::new(),
                called_out: Some(HandFigure::new(1, "members not yet imported")),
                notice_received: None,
                holidays_as_strike: Vec::new(),
            },
        )
        .await
        .unwrap()
        .id;
    let team = w.create_team(branch, "Fund test team", None).await.unwrap();
    w.set_dispute_teams(branch, dispute, &[team.id])
        .await
        .unwrap();
    let mut details = MemberDetails::new("FUND-1".parse().unwrap(), "Fund Striker");
    details.daily_pay_pence = Some(12_000);
    let member = w
        .create_member(branch, &details, Some(team.id))
        .await
        .unwrap()
        .id;
    for (name, restriction) in [
        ("Eastfield Branch", None),
        ("Trades council", Some(Restriction::Hardship)),
    ] {
        let gift = NewDonation::new(
            DonorKind::Organisation,
            name,
            true,
            Pence::from_pence(25_000),
            d(2),
            DonationMethod::BankTransfer,
            None,
            restriction,
            d(30),
        )
        .unwrap();
        w.record_donation(branch, &gift, None).await.unwrap();
    }
    let gift = NewDonation::new(
        DonorKind::Person,
        "Entered twice",
        false,
        Pence::from_pence(500),
        d(2),
        DonationMethod::Cash,
        None,
        None,
        d(30),
    )
    .unwrap();
    let (_, twice) = w.record_donation(branch, &gift, None).await.unwrap();
    w.reverse_fund_transaction(branch, twice, d(3), "Entered twice", None)
        .await
        .unwrap();
    let days = [13, 14].map(|n| DayEntry {
        member,
        day: d(n),
        status: DayStatus::OnStrike,
    });
    w.record_strike_days(branch, dispute, period, DaySource::Rep, &days, None)
        .await
        .unwrap();
    let ask = NewReleaseRequest {
        day: d(14),
        asked_by: "Service manager".into(),
        asked_on: d(10),
        cover: "One worker".into(),
    };
    w.add_release_request(branch, dispute, period, &ask, None)
        .await
        .unwrap();
    let policy = PayPolicy::new(
        PayRate::Flat {
            daily: Pence::from_pence(5_000),
        },
        [DayStatus::OnStrike].into_iter().collect(),
        None,
    )
    .unwrap();
    w.set_pay_policy(branch, dispute, &policy, None)
        .await
        .unwrap();
    let run = w
        .create_pay_run(branch, dispute, d(13), d(14), None)
        .await
        .unwrap();
    w.approve_pay_run(branch, run, d(15), None).await.unwrap();
    w.pay_strike_pay(
        branch,
        member,
        Pence::from_pence(10_000),
        d(16),
        "bank",
        None,
    )
    .await
    .unwrap();
    let grant = NewHardshipApplication::new(member, Pence::from_pence(7_500), "Rent", d(12), d(30))
        .unwrap();
    let grant = w.apply_for_hardship(branch, &grant, None).await.unwrap();
    w.decide_hardship(branch, grant, true, d(16), None)
        .await
        .unwrap();
    w.pay_hardship(branch, grant, d(17), "hardship-fund", None)
        .await
        .unwrap();
    w.commit().await.unwrap();
}
