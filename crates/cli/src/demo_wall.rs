//! The demo's solidarity wall: messages of the kinds the seeds' branch received (branches,
//! regional committees, MPs, peers, residents, service users, nurses, workers elsewhere),
//! from invented senders. Most are approved; a few wait in the moderation queue. Each is
//! dated within the dispute (October 2023 to July 2024), on the days its words fit.

use anyhow::Context;
use picket_domain::wall::{duplicate_key, validate, WallLimits, WallSubmission};
use picket_store::wall::{Moderation, NewWallMessage, WallPostLimits, WallStatus};
use picket_store::Branch;
use picket_web::AppState;

/// (name, organisation, kind, message, pledge, amount, approved)
type DemoPost = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
);

const POSTS: &[DemoPost] = &[
    ("Harbourside Health Branch", "", "union-body", "Solidarity from the hospital branch. Your fight for safe staffing is our fight too. We have sent £150 to your hardship fund.", "donation", "150", true),
    ("Eastmoor Local Government Branch", "", "union-body", "Our executive voted unanimously to support you. £250 is on its way to the strike fund, and our banner is yours for the next mass picket.", "donation", "250", true),
    ("Regional Women's Committee", "", "union-body", "The committee sends its warmest solidarity to the mental health social workers. You are standing up for the people who rely on you.", "", "", true),
    ("Regional Black Members' Committee", "", "union-body", "Solidarity from the committee. A fair recruitment and retention payment is a matter of safety for service users.", "", "", true),
    ("Lorna Achterberg MP", "", "politician", "I have written to the Chief Executive urging a settlement. Social workers should not have to strike to be heard.", "", "", true),
    ("Deepak Harrow MP", "", "politician", "Proud to stand with you. A service that loses nine of twenty-two staff in three months is a service in crisis.", "", "", true),
    ("Baroness Whitcombe", "House of Lords", "politician", "Every good wish from the Lords. Your dispute is about public safety, and the council should listen.", "", "", true),
    ("Cllr Imogen Sayer", "", "politician", "As a local councillor I will raise the waiting list at the scrutiny sub-committee. Solidarity.", "", "", true),
    ("Northfield Residents' and Service Users' Voice", "", "service-user", "Waiting 17 months for a Care Act assessment is not acceptable. We stand with the social workers who are trying to fix it.", "", "", true),
    ("A carer in Northfield", "", "service-user", "My son's social worker has changed four times in a year. Please keep going: you are fighting for families like ours.", "", "", true),
    ("Rosa Quennell", "Nurse, Northfield General", "worker", "From the ward to the picket line: solidarity. We know exactly what unsafe staffing feels like.", "", "", true),
    ("Ifeoma Brandt", "Medical student", "worker", "Sending solidarity and a promise to visit the picket line next week.", "visit", "", true),
    ("Theo Marchetti", "School nurse", "worker", "School nurses across the borough are behind you.", "", "", true),
    ("Social workers at Westdale Council", "", "worker", "Your strike gives all of us courage. We would love to invite one of you to speak at our branch meeting.", "speaker", "", true),
    ("Library and schools reps", "", "union-body", "Solidarity from the library and school reps. See you on the picket line on Monday.", "", "", true),
    ("Gwen Ashby", "", "resident", "I walk past your picket every morning. Thank you for standing up for the service.", "", "", true),
    ("Half-marathon runners", "", "other", "We ran the half marathon for your hardship fund and passed our £500 target!", "donation", "500", true),
    ("Samir Okafor", "", "resident", "Solidarity! Happy to bring a banner from our tenants' association.", "banner", "", false),
    ("Hollybrook Trades Council", "", "union-body", "Trades council delegates voted to send a delegation to your next rally.", "", "", false),
];

/// When each of [`POSTS`] was sent (UK time in summer, UTC in winter: close enough for a
/// demonstration), within the dispute's dates.
pub const POSTED: &[&str] = &[
    "2023-10-05 09:40",
    "2023-10-12 13:05",
    "2023-10-19 18:20",
    "2023-11-08 10:15",
    "2023-12-05 11:30",
    "2023-12-06 09:10",
    "2023-12-07 16:45",
    "2024-01-16 12:00",
    "2024-01-18 19:30",
    "2024-02-20 08:55",
    "2024-02-22 21:10",
    "2024-04-16 14:25",
    "2024-04-18 17:50",
    "2024-04-25 12:40",
    "2024-05-10 15:35",
    "2024-05-22 08:20",
    "2024-06-09 13:15",
    "2024-07-08 10:05",
    "2024-07-10 19:45",
];

/// The instant a [`POSTED`] entry names.
fn posted(i: usize) -> anyhow::Result<chrono::DateTime<chrono::Utc>> {
    let text = POSTED
        .get(i)
        .with_context(|| format!("demo post {i} has no date"))?;
    Ok(
        chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
            .with_context(|| format!("demo post date {text}"))?
            .and_utc(),
    )
}

/// Fills the demo branch's wall.
pub async fn seed(state: &AppState, branch: &Branch, moderator_email: &str) -> anyhow::Result<()> {
    let moderator = state
        .store
        .user_by_email(moderator_email)
        .await
        .context("demo moderator")?;
    for (i, (name, organisation, kind, message, pledge, amount, approved)) in
        POSTS.iter().enumerate()
    {
        let submission = WallSubmission {
            name: (*name).into(),
            organisation: Some((*organisation).into()),
            kind: (*kind).into(),
            message: (*message).into(),
            email: (!pledge.is_empty()).then(|| format!("supporter{i}@picket.example")),
            pledge: Some((*pledge).into()),
            pledge_amount: Some((*amount).into()),
            consent: !pledge.is_empty(),
        };
        let post = validate(&submission, None, None, &WallLimits::default())
            .map_err(|e| anyhow::anyhow!("demo post {i}: {e}"))?;
        // Each post with its moderation is one change.
        let mut work = state.store.begin().await?;
        let id = work
            .submit_wall_message(
                NewWallMessage {
                    branch: branch.id,
                    content_key: duplicate_key(&post.message),
                    post,
                    ip_hash: "demo".into(),
                    status: WallStatus::Pending,
                },
                WallPostLimits::NONE,
            )
            .await?
            .id()
            .ok_or_else(|| anyhow::anyhow!("demo post {i} was refused"))?;
        if *approved {
            work.moderate_wall_message(branch.id, id, &Moderation::Approve, moderator.id)
                .await?;
        }
        if i == 1 {
            work.moderate_wall_message(branch.id, id, &Moderation::Feature(true), moderator.id)
                .await?;
        }
        // Sent on its day in the dispute, and approved within the hour.
        work.set_wall_message_posted(branch.id, id, posted(i)?, chrono::Duration::minutes(40))
            .await?;
        work.commit().await?;
    }
    Ok(())
}
