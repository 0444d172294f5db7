//! The demo dispute's picket rota, shaped like the seeds' lines: the Civic Centre with two
//! entrances, 08:00 to 12:30 on every strike day of the festive picket week and of the
//! two-week strike that began with a mass picket; members and invented supporters signed up,
//! present on the day, a walk-up; and the re-ballot's turnout drive.

use anyhow::anyhow;
use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use picket_domain::calendar::Calendar;
use picket_domain::law::LawOverrides;
use picket_domain::pickets::shifts::{capacity, plan, PlanRequest};
use picket_domain::pickets::signups::Supporter;
use picket_domain::pickets::sites::SiteDetails;
use picket_domain::turnout::TurnoutReport;
use picket_domain::{DisputeId, Division, Nation};
use picket_store::members::MemberFilter;
use picket_store::shifts::{NewShift, SignUp, Who};
use picket_store::{Branch, PageRequest};
use picket_web::AppState;

/// The periods with a rota: (first day, last day).
const ROTA: &[(&str, &str)] = &[("2023-12-04", "2023-12-08"), ("2024-04-15", "2024-04-26")];

/// Invented supporters: name, email, phone.
const SUPPORTERS: &[(&str, &str, &str)] = &[
    ("Jo Marchetti", "jo.marchetti@supporters.example", ""),
    ("Ravi Penhallow", "", "07700 900456"),
];

fn day(s: &str) -> anyhow::Result<NaiveDate> {
    s.parse().map_err(|e| anyhow!("demo date {s}: {e}"))
}

fn time(h: u32, m: u32) -> anyhow::Result<NaiveTime> {
    NaiveTime::from_hms_opt(h, m, 0).ok_or_else(|| anyhow!("demo time"))
}

/// Adds the rota to the demo dispute, whose first picket location becomes a site with two
/// entrances.
pub async fn seed(state: &AppState, branch: &Branch, dispute: DisputeId) -> anyhow::Result<()> {
    let store = &state.store;
    let sites = store.picket_sites(branch.id, dispute).await?;
    let civic = sites
        .first()
        .ok_or_else(|| anyhow!("the demo has a picket location"))?;
    let place = &civic.details.place;
    let details = SiteDetails::parse(
        &place.place,
        &place.address,
        place.map_url.as_deref().unwrap_or(""),
        "Meet at the main entrance at 07:50. Tea and the banner are in the blue car.",
        &["Main entrance", "Car park gate"],
    )
    .map_err(|e| anyhow!("demo site: {e}"))?;
    let mut work = store.begin().await?;
    work.update_picket_site(branch.id, dispute, civic.id, &details)
        .await?;
    work.commit().await?;
    let civic = store
        .picket_sites(branch.id, dispute)
        .await?
        .into_iter()
        .find(|s| s.id == civic.id)
        .ok_or_else(|| anyhow!("the demo site"))?;

    let calendar = Calendar::new(Vec::new())?;
    let mut shifts = Vec::new();
    for (from, to) in ROTA {
        let planned = plan(
            &calendar,
            &PlanRequest {
                division: Division::EnglandAndWales,
                from: day(from)?,
                to: day(to)?,
                holidays_as_strike: &[],
                starts: time(8, 0)?,
                ends: time(12, 30)?,
                entrances: civic.entrances.len(),
            },
        )?;
        for times in planned.days {
            let places = capacity(Nation::England, times.day, &LawOverrides::default(), None)?;
            for entrance in &civic.entrances {
                shifts.push(NewShift {
                    entrance: entrance.id,
                    times,
                    capacity: places.places,
                    open_to_supporters: true,
                    notes: "Bring a warm coat and a flask; placards are provided.".into(),
                });
            }
        }
    }
    let mut work = store.begin().await?;
    let ids = work
        .add_picket_shifts(branch.id, dispute, &shifts)
        .await?
        .map_err(|e| anyhow!("demo shifts: {e}"))?;
    work.commit().await?;

    let members = store
        .search_members(branch.id, &MemberFilter::default(), PageRequest::new(1, 10))
        .await?
        .items;
    let supporters: Vec<Supporter> = SUPPORTERS
        .iter()
        .map(|(n, e, p)| Supporter::parse(n, e, p))
        .collect::<Result<_, _>>()?;
    // Sign-ups were made before the rota's first day.
    let before = Utc
        .with_ymd_and_hms(2023, 11, 20, 9, 0, 0)
        .single()
        .ok_or_else(|| anyhow!("demo instant"))?;
    let mut work = store.begin().await?;
    for (i, shift) in ids.iter().enumerate().take(6) {
        let mut people: Vec<Who<'_>> = members
            .iter()
            .skip(i % 3)
            .take(4)
            .map(|m| Who::Member(m.id))
            .collect();
        people.push(Who::Supporter(&supporters[i % supporters.len()]));
        for who in people {
            let request = SignUp {
                shift: *shift,
                who,
                waiting_list: true,
                now: before,
            };
            work.sign_up(branch.id, dispute, &request).await?;
        }
    }
    if let Some(first) = members.first() {
        for shift in ids.iter().take(2) {
            work.set_shift_supervisor(branch.id, dispute, *shift, Some(first.id))
                .await?;
        }
        work.reset_feed_key(branch.id, first.id).await?;
    }
    // The first morning: those who came, and a walk-up.
    let on_the_day = Utc
        .with_ymd_and_hms(2023, 12, 4, 8, 5, 0)
        .single()
        .ok_or_else(|| anyhow!("demo instant"))?;
    if let Some(first) = ids.first() {
        work.add_walk_up(branch.id, dispute, *first, "Alex Tremayne", on_the_day)
            .await?;
    }
    work.commit().await?;
    let mut work = store.begin().await?;
    if let Some(first) = ids.first() {
        for place in store
            .shift_signups(branch.id, dispute, *first)
            .await?
            .iter()
            .take(3)
        {
            work.mark_present(branch.id, dispute, place.id, true, on_the_day)
                .await?;
        }
    }
    // The re-ballot's turnout drive: who said their paper came, and who said they voted.
    let reballot = store
        .ballots(branch.id, dispute)
        .await?
        .into_iter()
        .find(|b| b.title == "Re-ballot")
        .ok_or_else(|| anyhow!("the demo's re-ballot"))?;
    let said = Utc
        .with_ymd_and_hms(2024, 2, 20, 18, 0, 0)
        .single()
        .ok_or_else(|| anyhow!("demo instant"))?;
    for (i, member) in members.iter().enumerate() {
        let report = if i % 3 == 2 {
            TurnoutReport::PaperArrived
        } else {
            TurnoutReport::Voted
        };
        work.report_turnout(branch.id, reballot.id, member.id, report, said)
            .await?;
    }
    work.set_turnout_reminder_days(branch.id, reballot.id, 3)
        .await?;
    work.commit().await?;
    Ok(())
}
