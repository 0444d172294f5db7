//! The dispute desk in rooms: the overview at `/{branch}/disputes/{id}/desk` (the headline
//! figures, the warnings, the next deadlines and what needs doing) and one page per section,
//! each with its own forms beside what they add to, all reached from the rooms navigation on
//! every desk page. Every room takes `?as_of=` for its figures, and `?done=` (with `&period=`)
//! after a change says what happened.
//!
//! The rooms are listed once, in [`ROOMS`]: a room added there appears in the navigation of
//! every desk page.

use crate::disputes::api::as_of;
use crate::disputes::edits::Record;
use crate::disputes::overview::{self, Todo};
use crate::disputes::pages::{desk_names, notice, Choices, Kept, Notice};
use crate::disputes::view::{assemble, DisputeView};
use crate::error::AppResult;
use crate::extract::{CsrfToken, CurrentUser};
use crate::filters;
use crate::pages::{render, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use picket_domain::disputes::Named;
use picket_domain::{DisputeId, Role};
use picket_store::Branch;
use serde::Deserialize;

/// The desk's rooms as (path after `/{branch}/disputes/{id}/`, label), in the order the
/// navigation shows them. The first is the overview.
pub const ROOMS: &[(&str, &str)] = &[
    ("desk", "Overview"),
    ("action", "Action"),
    ("ballots", "Ballots"),
    ("timeline", "Timeline"),
    ("parties", "Parties and claims"),
    ("impact", "Impact"),
];

/// A link of the rooms navigation.
pub struct RoomLink {
    /// Where it leads (with the page's `?as_of=` when one was asked for).
    pub href: String,
    /// The room's name.
    pub label: &'static str,
    /// Whether it is the page shown.
    pub current: bool,
}

/// The rooms navigation of a desk page: `current` is the shown room's path (as in
/// [`ROOMS`]); `as_of` is the day the page was asked for, kept on every link.
pub fn room_links(
    slug: &str,
    id: DisputeId,
    current: &str,
    as_of: Option<NaiveDate>,
) -> Vec<RoomLink> {
    let query = as_of.map(|d| format!("?as_of={d}")).unwrap_or_default();
    ROOMS
        .iter()
        .map(|(path, label)| RoomLink {
            href: format!("/{slug}/disputes/{id}/{path}{query}"),
            label,
            current: *path == current,
        })
        .collect()
}

/// The rooms this module shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Room {
    /// The headline figures, warnings, deadlines and what needs doing; the dispute's own form.
    Overview,
    /// Periods of action, participation and bank holidays.
    Action,
    /// Ballots and surveys, their results, steps and questions.
    Ballots,
    /// The timeline.
    Timeline,
    /// Decision-makers, teams, claims and offers.
    Parties,
    /// Impact figures and rates.
    Impact,
}

impl Room {
    /// Its path after `/{branch}/disputes/{id}/`, as in [`ROOMS`].
    pub fn path(self) -> &'static str {
        match self {
            Room::Overview => "desk",
            Room::Action => "action",
            Room::Ballots => "ballots",
            Room::Timeline => "timeline",
            Room::Parties => "parties",
            Room::Impact => "impact",
        }
    }

    /// Its name in the navigation.
    pub fn label(self) -> &'static str {
        ROOMS
            .iter()
            .find(|(path, _)| *path == self.path())
            .map_or("Desk", |(_, label)| label)
    }

    /// The room a desk form lives in (by the form's name, as [`Kept`] records it).
    pub fn of_form(form: &str) -> Room {
        match form {
            "periods" | "holidays" | "participation" => Room::Action,
            "ballots" | "result" | "questions" | "steps" => Room::Ballots,
            "timeline" | "timeline-edit" => Room::Timeline,
            "parties" | "claims" | "claim-status" => Room::Parties,
            "rates" => Room::Impact,
            _ => Room::Overview,
        }
    }

    /// The room a kind of record is listed in, and its section there.
    pub fn of_record(what: Record) -> (Room, &'static str) {
        match what {
            Record::Party => (Room::Parties, "parties"),
            Record::Claim => (Room::Parties, "claims"),
            Record::Event => (Room::Timeline, "timeline"),
            Record::Rate => (Room::Impact, "rates"),
            Record::Ballot | Record::Question => (Room::Ballots, "ballots"),
            Record::Period | Record::Participation => (Room::Action, "periods"),
        }
    }

    /// The room's address for a dispute of a branch.
    pub fn url(self, slug: &str, id: DisputeId) -> String {
        format!("/{slug}/disputes/{id}/{}", self.path())
    }
}

/// A desk page: one room of a dispute.
#[derive(Template)]
#[template(path = "disputes/desk.html")]
pub struct DeskPage {
    layout: Layout,
    branch: Branch,
    view: DisputeView,
    room: Room,
    rooms: Vec<RoomLink>,
    /// The day asked for with `?as_of=`, if any (the figures are as of today otherwise).
    asked: Option<NaiveDate>,
    can_edit: bool,
    can_record: bool,
    choices: Choices,
    kept: Kept,
    notice: Option<Notice>,
    /// What needs doing (the overview only).
    todo: Todo,
}

impl DeskPage {
    fn status_label(&self) -> &'static str {
        self.view.dispute.status.label()
    }

    /// This room's address.
    fn here(&self) -> String {
        self.room.url(&self.branch.slug, self.view.dispute.id)
    }
}

/// `?as_of=`, and `?done=` (with `&period=`) after a change, on every room.
#[derive(Debug, Default, Deserialize)]
pub struct DeskQuery {
    as_of: Option<String>,
    done: Option<String>,
    period: Option<i64>,
}

/// Which room to show, as of which day, with which failed form.
pub(super) struct Open<'a> {
    /// The room.
    pub room: Room,
    /// `?as_of=` as asked (today when not given).
    pub day: Option<&'a str>,
    /// A failed form's message and what was typed.
    pub kept: Kept,
}

/// A room of the desk.
pub(super) async fn page(
    state: &AppState,
    csrf: &CsrfToken,
    user: &CurrentUser,
    branch: Branch,
    id: DisputeId,
    Open { room, day, kept }: Open<'_>,
) -> AppResult<DeskPage> {
    let on = as_of(day)?;
    let asked = day.map(|_| on);
    let view = assemble(state, branch.id, id, on, false).await?;
    let role = user.role_in(&branch.slug);
    let can_edit = role.is_some_and(|r| r.at_least(Role::Organiser)) || user.is_admin();
    let can_record = role.is_some_and(|r| r.at_least(Role::Rep)) || user.is_admin();
    let todo = if room == Room::Overview {
        overview::todo(state, &branch, &view, can_edit).await?
    } else {
        Todo::default()
    };
    Ok(DeskPage {
        layout: Layout::new(
            format!("{} · {}", room.label(), view.dispute.title),
            csrf,
            Some(user),
        ),
        rooms: room_links(&branch.slug, id, room.path(), asked),
        branch,
        view,
        room,
        asked,
        can_edit,
        can_record,
        choices: desk_names(),
        kept,
        notice: None,
        todo,
    })
}

/// Shows a room (members read; organisers and reps change).
async fn show(
    room: Room,
    state: AppState,
    csrf: CsrfToken,
    user: CurrentUser,
    (slug, id): (String, DisputeId),
    q: DeskQuery,
) -> AppResult<Response> {
    let branch = user
        .branch_access(&*state.store, &slug, Role::Member)
        .await?;
    let mut page = page(
        &state,
        &csrf,
        &user,
        branch,
        id,
        Open {
            room,
            day: q.as_of.as_deref(),
            kept: Kept::default(),
        },
    )
    .await?;
    let base = format!("/{}/disputes/{id}", page.branch.slug);
    page.notice = q.done.as_deref().and_then(|d| notice(d, q.period, &base));
    render(&page)
}

macro_rules! room {
    ($name:ident, $room:expr, $doc:literal) => {
        #[doc = $doc]
        pub async fn $name(
            State(state): State<AppState>,
            csrf: CsrfToken,
            user: CurrentUser,
            Path(at): Path<(String, DisputeId)>,
            Query(q): Query<DeskQuery>,
        ) -> AppResult<Response> {
            show($room, state, csrf, user, at, q).await
        }
    };
}

room!(
    desk,
    Room::Overview,
    "GET /{branch}/disputes/{id}/desk: the overview."
);
room!(
    action,
    Room::Action,
    "GET /{branch}/disputes/{id}/action: periods of action."
);
room!(
    ballots,
    Room::Ballots,
    "GET /{branch}/disputes/{id}/ballots: ballots and surveys."
);
room!(
    timeline,
    Room::Timeline,
    "GET /{branch}/disputes/{id}/timeline: the timeline."
);
room!(
    parties,
    Room::Parties,
    "GET /{branch}/disputes/{id}/parties: decision-makers, teams, claims and offers."
);
room!(
    impact,
    Room::Impact,
    "GET /{branch}/disputes/{id}/impact: the impact figures and rates."
);

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Room; 6] = [
        Room::Overview,
        Room::Action,
        Room::Ballots,
        Room::Timeline,
        Room::Parties,
        Room::Impact,
    ];

    #[test]
    fn every_room_is_in_the_navigation_once() {
        for room in ALL {
            let n = ROOMS.iter().filter(|(p, _)| *p == room.path()).count();
            assert_eq!(n, 1, "{room:?}");
            assert_ne!(room.label(), "Desk");
        }
        assert_eq!(ROOMS[0].0, Room::Overview.path());
    }

    #[test]
    fn the_navigation_keeps_the_day_and_marks_the_room_shown() {
        let links = room_links(
            "north",
            DisputeId(7),
            "action",
            NaiveDate::from_ymd_opt(2024, 2, 23),
        );
        assert_eq!(links.len(), ROOMS.len());
        assert_eq!(links[1].href, "/north/disputes/7/action?as_of=2024-02-23");
        assert!(links[1].current && !links[0].current);
        let plain = room_links("north", DisputeId(7), "desk", None);
        assert_eq!(plain[0].href, "/north/disputes/7/desk");
    }

    #[test]
    fn each_form_goes_back_to_its_room() {
        assert_eq!(Room::of_form("periods"), Room::Action);
        assert_eq!(Room::of_form("participation"), Room::Action);
        assert_eq!(Room::of_form("steps"), Room::Ballots);
        assert_eq!(Room::of_form("timeline-edit"), Room::Timeline);
        assert_eq!(Room::of_form("claim-status"), Room::Parties);
        assert_eq!(Room::of_form("rates"), Room::Impact);
        assert_eq!(Room::of_form("edit"), Room::Overview);
        assert_eq!(Room::of_record(Record::Rate).0, Room::Impact);
    }
}
