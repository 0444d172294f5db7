//! The public campaign page's content, shared by the page, its live counters, the strike
//! calendar feed and the poster: the claim in one line, the counters, the action periods as
//! month grids, the picket locations and the share links. Nothing about members, ever: only
//! the dispute's public records.

pub mod ics;
pub mod pages;

use crate::cache::CachedPage;
use crate::disputes::view::{assemble, DisputeView, PeriodView};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use chrono::{Datelike, Duration, NaiveDate, Utc, Weekday};
use picket_domain::disputes::{ActionKind, ClaimKind, ClaimStatus, Named};
use picket_domain::{DisputeId, PeriodId};
use picket_store::disputes::{Dispute, TimelineEvent};
use picket_store::pickets::PicketLocation;
use picket_store::Branch;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// How long a computed campaign (and the anonymous page rendered from it) is reused. Moderating
/// the wall drops it at once; the dispute's other records show within this many seconds.
pub const FRESH_SECS: i64 = 10;

/// Most months the strike calendar draws.
const MAX_MONTHS: usize = 24;

/// The live figures. Signatures and money raised join these when petitions and the fund exist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Counters {
    /// Days on strike so far, under the desk's counting rule.
    pub strike_days: u32,
    /// Messages of support approved on the branch's wall.
    pub wall_messages: u64,
}

/// One day in a month grid.
#[derive(Debug, Clone)]
pub struct DayCell {
    /// Day of the month.
    pub day: u32,
    /// The date, for `<time>`.
    pub date: NaiveDate,
    /// `strike`, `asos`, `off` (inside a strike period but not counted) or empty.
    pub kind: &'static str,
    /// Why: "Strike day", or the reason a day is not counted.
    pub note: String,
    /// Whether it is today.
    pub today: bool,
}

impl DayCell {
    /// The cell's classes: its kind, and `today`.
    pub fn classes(&self) -> String {
        match (self.kind.is_empty(), self.today) {
            (_, false) => self.kind.to_string(),
            (true, true) => "today".to_string(),
            (false, true) => format!("{} today", self.kind),
        }
    }
}

/// A month of the strike calendar, Monday first.
#[derive(Debug, Clone)]
pub struct Month {
    /// "October 2023".
    pub title: String,
    /// Weeks of seven cells; `None` pads the first and last week.
    pub weeks: Vec<Vec<Option<DayCell>>>,
}

/// A period of action for people.
#[derive(Debug, Clone)]
pub struct ActionDates {
    /// Period id (the calendar feed's UID).
    pub id: PeriodId,
    /// `strike` or `asos`.
    pub kind: &'static str,
    /// "Strike" or "Action short of strike".
    pub label: &'static str,
    /// First day.
    pub starts: NaiveDate,
    /// Last day.
    pub ends: NaiveDate,
    /// "2 to 6 October 2023".
    pub dates: String,
    /// Days counted in it.
    pub days: u32,
    /// Days of the period not counted, and why ("Saturday 7 October (Saturday)").
    pub not_counted: Vec<String>,
}

/// Plain links that share the page: no third-party script or image.
#[derive(Debug, Clone)]
pub struct ShareLinks {
    /// `mailto:` with subject and body.
    pub email: String,
    /// WhatsApp.
    pub whatsapp: String,
    /// X (Twitter) intent.
    pub x: String,
    /// Facebook sharer.
    pub facebook: String,
    /// Bluesky intent.
    pub bluesky: String,
}

/// Everything the public campaign page shows.
#[derive(Debug, Clone)]
pub struct Campaign {
    /// The dispute.
    pub dispute: Dispute,
    /// The claim in one line.
    pub claim: String,
    /// The dispute's status for people.
    pub status: &'static str,
    /// Live figures.
    pub counters: Counters,
    /// How the strike days were counted.
    pub counting: String,
    /// Periods of action, by date.
    pub actions: Vec<ActionDates>,
    /// Periods not yet over.
    pub upcoming: Vec<ActionDates>,
    /// The strike calendar.
    pub months: Vec<Month>,
    /// The public timeline.
    pub timeline: Vec<TimelineEvent>,
    /// Where the pickets are.
    pub pickets: Vec<PicketLocation>,
    /// The donations' total, naming only donors who agreed to be named.
    pub raised: picket_store::fund::RaisedSoFar,
    /// The page's absolute address.
    pub url: String,
    /// Share links.
    pub share: ShareLinks,
    /// The day the figures are for.
    pub today: NaiveDate,
}

/// Percent-encodes everything but RFC 3986's unreserved characters (spaces become `%20`, which
/// mail programs read as spaces where `+` would stay a plus).
pub fn pct(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Share links for a page at `url` described by `text`.
pub fn share_links(url: &str, title: &str, text: &str) -> ShareLinks {
    let both = format!("{text} {url}");
    ShareLinks {
        email: format!("mailto:?subject={}&body={}", pct(title), pct(&both)),
        whatsapp: format!("https://wa.me/?text={}", pct(&both)),
        x: format!(
            "https://twitter.com/intent/tweet?text={}&url={}",
            pct(text),
            pct(url)
        ),
        facebook: format!("https://www.facebook.com/sharer/sharer.php?u={}", pct(url)),
        bluesky: format!("https://bsky.app/intent/compose?text={}", pct(&both)),
    }
}

/// "2 to 6 October 2023", "30 October to 3 November 2023", "Monday 2 October 2023".
pub fn range_text(starts: NaiveDate, ends: NaiveDate) -> String {
    if starts == ends {
        picket_domain::dates::long_date_with_day(starts)
    } else {
        picket_domain::dates::date_range(starts, ends)
    }
}

/// The first line of `s`, trimmed.
fn first_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
        .to_string()
}

/// The claim in one line: the union's open claim, else the dispute's summary, else its title.
pub fn claim_line(view: &DisputeView) -> String {
    let open = view
        .claims
        .iter()
        .filter(|c| c.kind == ClaimKind::Claim && c.status == ClaimStatus::Tabled)
        .max_by_key(|c| (c.dated, c.id))
        .map(|c| first_line(&c.summary))
        .filter(|s| !s.is_empty());
    open.or_else(|| Some(first_line(&view.dispute.summary)).filter(|s| !s.is_empty()))
        .unwrap_or_else(|| view.dispute.title.clone())
}

fn action_dates(p: &PeriodView) -> ActionDates {
    ActionDates {
        id: p.period.id,
        kind: p.period.kind.as_str(),
        label: p.period.kind.label(),
        starts: p.period.starts,
        ends: p.period.ends,
        dates: range_text(p.period.starts, p.period.ends),
        days: p.days,
        not_counted: p
            .excluded
            .iter()
            .map(|e| format!("{} ({})", e.date.format("%A %-d %B"), e.reason))
            .collect(),
    }
}

/// The month grids covering the periods, each day marked.
pub fn months(periods: &[PeriodView], today: NaiveDate) -> Vec<Month> {
    let mut marks: HashMap<NaiveDate, (&'static str, String)> = HashMap::new();
    for p in periods {
        let excluded: HashMap<NaiveDate, &str> = p
            .excluded
            .iter()
            .map(|e| (e.date, e.reason.as_str()))
            .collect();
        let mut d = p.period.starts;
        while d <= p.period.ends {
            let mark = match (p.period.kind, excluded.get(&d)) {
                (ActionKind::Strike, None) => ("strike", "Strike day".to_string()),
                (ActionKind::Asos, None) => ("asos", "Action short of strike".to_string()),
                (_, Some(reason)) => ("off", format!("Not counted: {reason}")),
            };
            // A strike day outranks anything else marked on the same date.
            if marks.get(&d).is_none_or(|m| m.0 != "strike") {
                marks.insert(d, mark);
            }
            d += Duration::days(1);
        }
    }
    let mut firsts: Vec<NaiveDate> = marks
        .keys()
        .filter_map(|d| d.with_day(1))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    // Fill the gaps between months with action, unless that would draw too many.
    if let (Some(first), Some(last)) = (firsts.first().copied(), firsts.last().copied()) {
        let mut all = Vec::new();
        let mut m = first;
        while m <= last && all.len() <= MAX_MONTHS {
            all.push(m);
            m = m
                .checked_add_months(chrono::Months::new(1))
                .unwrap_or(last + Duration::days(1));
        }
        if all.len() <= MAX_MONTHS {
            firsts = all;
        }
    }
    firsts.truncate(MAX_MONTHS);
    firsts
        .into_iter()
        .map(|first| {
            let mut weeks = Vec::new();
            let mut week: Vec<Option<DayCell>> =
                vec![None; first.weekday().num_days_from_monday() as usize];
            let mut d = first;
            while d.month() == first.month() {
                let (kind, note) = marks.get(&d).cloned().unwrap_or(("", String::new()));
                week.push(Some(DayCell {
                    day: d.day(),
                    date: d,
                    kind,
                    note,
                    today: d == today,
                }));
                if d.weekday() == Weekday::Sun {
                    weeks.push(std::mem::take(&mut week));
                }
                d += Duration::days(1);
            }
            if !week.is_empty() {
                week.resize(7, None);
                weeks.push(week);
            }
            Month {
                title: first.format("%B %Y").to_string(),
                weeks,
            }
        })
        .collect()
}

/// The public page's absolute address.
pub fn page_url(state: &AppState, branch: &Branch, id: DisputeId) -> String {
    format!(
        "{}/{}/disputes/{id}",
        state.settings.public_base(),
        branch.slug
    )
}

/// Assembles the campaign as of `today`. A dispute still being prepared is not found.
pub async fn campaign(
    state: &AppState,
    branch: &Branch,
    id: DisputeId,
    today: NaiveDate,
) -> AppResult<Campaign> {
    let dispute = state.store.dispute(branch.id, id).await?;
    if !dispute.status.is_public() {
        return Err(AppError::NotFound);
    }
    let view = assemble(state, branch.id, id, today, true).await?;
    let strike_days = view.headline.days_so_far.value.parse().unwrap_or(0);
    let wall_messages = state.store.wall_counts(branch.id).await?.approved;
    let claim = claim_line(&view);
    let url = page_url(state, branch, id);
    let actions: Vec<ActionDates> = view.periods.iter().map(action_dates).collect();
    Ok(Campaign {
        status: view.dispute.status.label(),
        share: share_links(
            &url,
            &view.dispute.title,
            &format!("{}: {claim}", view.dispute.title),
        ),
        counters: Counters {
            strike_days,
            wall_messages,
        },
        counting: view.headline.days_so_far.working.clone(),
        upcoming: actions
            .iter()
            .filter(|a| a.ends >= today)
            .cloned()
            .collect(),
        months: months(&view.periods, today),
        actions,
        pickets: state.store.picket_locations(branch.id, id).await?,
        raised: state.store.raised_so_far(branch.id).await?,
        timeline: view.timeline,
        dispute: view.dispute,
        claim,
        url,
        today,
    })
}

/// What is kept per dispute: its branch, the campaign and the page anonymous visitors get.
#[derive(Debug)]
pub struct Snapshot {
    /// The dispute's branch.
    pub branch: Branch,
    /// The campaign as computed.
    pub campaign: Campaign,
    /// The page rendered for anonymous visitors, once someone asked for it.
    pub page: Mutex<Option<Arc<CachedPage>>>,
    made: i64,
    wall_generation: u64,
}

/// Computed campaigns by (branch slug, dispute id), reused for [`FRESH_SECS`] while the wall
/// has not changed: a crowd on the page (and its live counters) costs one computation per
/// process every few seconds, not one per visitor, and a fresh hit needs no database query.
#[derive(Debug, Default)]
pub struct CampaignCache {
    entries: Mutex<HashMap<(String, DisputeId), Arc<Snapshot>>>,
    /// Held while computing, so a crowd arriving as an entry goes stale computes it once.
    computing: tokio::sync::Mutex<()>,
}

impl CampaignCache {
    fn fresh(&self, key: &(String, DisputeId), generation: u64) -> Option<Arc<Snapshot>> {
        let now = Utc::now();
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|s| {
                now.timestamp() - s.made < FRESH_SECS
                    && s.wall_generation == generation
                    && s.campaign.today == now.date_naive()
            })
            .cloned()
    }

    /// The campaign of dispute `id` of the branch `slug`, computed again when stale. An
    /// unknown branch or dispute, or one still being prepared, is not found.
    pub async fn get(
        &self,
        state: &AppState,
        slug: &str,
        id: DisputeId,
    ) -> AppResult<Arc<Snapshot>> {
        let key = (slug.to_string(), id);
        let generation = state.wall_cache.generation(slug);
        if let Some(s) = self.fresh(&key, generation) {
            return Ok(s);
        }
        let _computing = self.computing.lock().await;
        // Someone else may have computed it while this request waited.
        if let Some(s) = self.fresh(&key, generation) {
            return Ok(s);
        }
        let now = Utc::now();
        let branch = state.store.branch_by_slug(slug).await?;
        let snapshot = Arc::new(Snapshot {
            campaign: campaign(state, &branch, id, now.date_naive()).await?,
            branch,
            page: Mutex::new(None),
            made: now.timestamp(),
            wall_generation: generation,
        });
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() > 256 {
            let second = now.timestamp();
            entries.retain(|_, s| second - s.made < FRESH_SECS);
        }
        entries.insert(key, snapshot.clone());
        Ok(snapshot)
    }

    /// Forgets a dispute's campaign (after an organiser changed it here).
    pub fn invalidate(&self, slug: &str, id: DisputeId) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.remove(&(slug.to_string(), id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn share_links_are_encoded_plain_links() {
        let s = share_links(
            "https://picket.example/n/disputes/1",
            "Pay & staffing",
            "Back us: 5% now",
        );
        assert_eq!(
            s.whatsapp,
            "https://wa.me/?text=Back%20us%3A%205%25%20now%20https%3A%2F%2Fpicket.example%2Fn%2Fdisputes%2F1"
        );
        assert!(s
            .email
            .starts_with("mailto:?subject=Pay%20%26%20staffing&body=Back%20us"));
        assert_eq!(
            s.facebook,
            "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fpicket.example%2Fn%2Fdisputes%2F1"
        );
        assert!(s
            .x
            .starts_with("https://twitter.com/intent/tweet?text=Back%20us"));
        assert!(s
            .bluesky
            .starts_with("https://bsky.app/intent/compose?text="));
        assert_eq!(pct("é"), "%C3%A9");
    }

    #[test]
    fn ranges_read_naturally() {
        assert_eq!(
            range_text(d("2023-10-02"), d("2023-10-06")),
            "2 to 6 October 2023"
        );
        assert_eq!(
            range_text(d("2023-10-30"), d("2023-11-03")),
            "30 October to 3 November 2023"
        );
        assert_eq!(
            range_text(d("2023-12-29"), d("2024-01-02")),
            "29 December 2023 to 2 January 2024"
        );
        assert_eq!(
            range_text(d("2023-10-02"), d("2023-10-02")),
            "Monday 2 October 2023"
        );
    }
}
