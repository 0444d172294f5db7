//! What the desk's overview lists besides the headline figures: the periods of action kept
//! off the public pages by the law checks' warnings, the next deadlines after the day the
//! figures are for, and what needs doing (wall messages to moderate, offers to follow up,
//! notices of action to send), each with a link to where it is done.

use crate::disputes::rooms::Room;
use crate::disputes::view::{DisputeView, PeriodView};
use crate::error::AppResult;
use crate::state::AppState;
use chrono::NaiveDate;
use picket_domain::dates::date_range;
use picket_domain::disputes::Named;
use picket_store::{Branch, PageRequest};

/// How many deadlines the overview lists.
const DEADLINES: usize = 6;

/// One thing to see to, by a day, and where to see to it.
#[derive(Debug, Clone)]
pub struct Due {
    /// The day it is due (or happens).
    pub on: NaiveDate,
    /// What it is, in words.
    pub what: String,
    /// Where to see to it.
    pub link: String,
}

/// A period of action kept off the public pages.
#[derive(Debug, Clone)]
pub struct Private {
    /// The period, in words.
    pub what: String,
    /// How many warnings no organiser has confirmed.
    pub warnings: usize,
    /// Its card in the action room.
    pub link: String,
    /// Its publication page.
    pub publish: String,
}

/// What the overview lists besides the figures.
#[derive(Debug, Clone, Default)]
pub struct Todo {
    /// Wall messages waiting for moderation (organisers only).
    pub waiting: Option<u64>,
    /// Offers made on the wall and not yet followed up (organisers only).
    pub offers: Option<u64>,
    /// Notices of action to send: later periods with no notice recorded, by when the employer
    /// must receive them.
    pub notices: Vec<Due>,
    /// The next deadlines on or after the day the figures are for, soonest first.
    pub deadlines: Vec<Due>,
    /// Periods the law checks keep off the public pages.
    pub private: Vec<Private>,
}

impl Todo {
    /// Whether nothing needs doing.
    pub fn nothing(&self) -> bool {
        self.waiting.unwrap_or(0) == 0 && self.offers.unwrap_or(0) == 0 && self.notices.is_empty()
    }
}

fn period_words(p: &PeriodView) -> String {
    format!(
        "{} {}",
        p.period.kind.label(),
        date_range(p.period.starts, p.period.ends)
    )
}

/// The overview's lists for a dispute as assembled; the wall's counts for organisers.
pub async fn todo(
    state: &AppState,
    branch: &Branch,
    view: &DisputeView,
    organiser: bool,
) -> AppResult<Todo> {
    let (waiting, offers) = if organiser {
        let counts = state.store.wall_counts(branch.id).await?;
        let open = state
            .store
            .wall_pledges(branch.id, true, PageRequest::new(1, 1))
            .await?;
        (Some(counts.pending), Some(open.total))
    } else {
        (None, None)
    };
    let as_of = view.headline.as_of;
    let action = Room::Action.url(&branch.slug, view.dispute.id);
    let ballots = Room::Ballots.url(&branch.slug, view.dispute.id);
    let later: Vec<&PeriodView> = view
        .periods
        .iter()
        .filter(|p| p.period.starts > as_of)
        .collect();
    let notices: Vec<Due> = later
        .iter()
        .filter(|p| p.period.notice_received.is_none())
        .map(|p| Due {
            on: p.notice.notice_received_by,
            what: format!(
                "Notice of the {} {}",
                p.period.kind.label().to_lowercase(),
                date_range(p.period.starts, p.period.ends)
            ),
            link: format!("{action}#period-{}", p.period.id),
        })
        .collect();
    let mut deadlines = notices.clone();
    deadlines.extend(later.iter().map(|p| Due {
        on: p.period.starts,
        what: format!("{} begins", period_words(p)),
        link: format!("{action}#period-{}", p.period.id),
    }));
    for b in &view.ballots {
        let link = format!("{ballots}#ballot-{}", b.ballot.id);
        if let Some(a) = b.assessment.as_ref().filter(|a| a.valid_mandate) {
            let last = if b.ballot.extension_agreed {
                a.mandate_last_day_with_extension.or(a.mandate_last_day)
            } else {
                a.mandate_last_day
            };
            if let Some(on) = last.filter(|d| *d >= as_of) {
                deadlines.push(Due {
                    on,
                    what: format!("Last day of the mandate from \"{}\"", b.ballot.title),
                    link: link.clone(),
                });
            }
        }
        for s in b.steps.iter().filter(|s| s.done.is_none()) {
            if let Some(on) = s.due.filter(|d| *d >= as_of) {
                deadlines.push(Due {
                    on,
                    what: format!("{} (\"{}\")", s.name, b.ballot.title),
                    link: link.clone(),
                });
            }
        }
    }
    deadlines.sort_by_key(|d| d.on);
    deadlines.truncate(DEADLINES);
    let base = format!("/{}/disputes/{}", branch.slug, view.dispute.id);
    let private = view
        .periods
        .iter()
        .filter(|p| !p.public)
        .map(|p| Private {
            what: period_words(p),
            warnings: p.unconfirmed().len(),
            link: format!("{action}#period-{}", p.period.id),
            publish: format!("{base}/periods/{}/publish", p.period.id),
        })
        .collect();
    Ok(Todo {
        waiting,
        offers,
        notices,
        deadlines,
        private,
    })
}
