//! Editing and deleting one of a dispute's records from the desk's rooms (organisers): a page with the
//! record's form, filled from what is stored, shown again with the message and exactly what
//! was typed when a field is wrong, and a button to delete it. Survey questions and
//! participation records are only deleted (participation by reps too).
//!
//! `GET|POST /{branch}/disputes/{id}/items/{kind}/{item}` and
//! `POST /{branch}/disputes/{id}/items/{kind}/{item}/delete`.

use crate::disputes::edits::{self, Item, Record};
use crate::disputes::pages::{desk_names, input};
use crate::disputes::rooms::Room;
use crate::disputes::view::assemble;
use crate::disputes::{BallotForm, ClaimInput, EventInput, PartyInput, PeriodInput, RateInput};
use crate::error::{AppError, AppResult};
use crate::extract::actor::Actor;
use crate::extract::{CsrfForm, CsrfToken, CurrentUser, RequestId};
use crate::pages::{render, render_with_status, Layout};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use picket_domain::disputes::Named;
use picket_domain::{DisputeId, Role};
use picket_store::Branch;
use std::collections::HashMap;

/// One field of a record's form.
pub struct Field {
    /// Its name, as posted.
    pub name: &'static str,
    /// Its label.
    pub label: &'static str,
    /// `text`, `date`, `email`, `select`, `checkbox` or `textarea`.
    pub kind: &'static str,
    /// What it holds: stored, or as typed.
    pub value: String,
    /// A select's (value, label) pairs.
    pub options: Vec<(String, String)>,
}

impl Field {
    fn new(name: &'static str, label: &'static str, kind: &'static str) -> Self {
        Field {
            name,
            label,
            kind,
            value: String::new(),
            options: Vec::new(),
        }
    }

    fn choose(mut self, options: Vec<(&'static str, &'static str)>) -> Self {
        self.kind = "select";
        self.options = options
            .into_iter()
            .map(|(v, l)| (v.to_string(), l.to_string()))
            .collect();
        self
    }

    /// Whether a checkbox is ticked.
    pub fn ticked(&self) -> bool {
        matches!(self.value.as_str(), "on" | "true" | "1" | "yes")
    }
}

#[derive(Template)]
#[template(path = "disputes/item.html")]
struct ItemPage {
    layout: Layout,
    branch: Branch,
    dispute_id: DisputeId,
    dispute_title: String,
    kind: &'static str,
    item: i64,
    heading: String,
    fields: Vec<Field>,
    error: Option<String>,
    bad: String,
    back: String,
}

/// The desk room a kind of record is listed in, at its section.
fn back(slug: &str, id: DisputeId, what: Record) -> String {
    let (room, section) = Room::of_record(what);
    format!("{}#{section}", room.url(slug, id))
}

/// The desk room a kind of record is listed in, saying what happened (`done`).
fn done(slug: &str, id: DisputeId, what: Record, done: &str) -> Redirect {
    let (room, _) = Room::of_record(what);
    Redirect::to(&format!("{}?done={done}", room.url(slug, id)))
}

/// The form's fields for a kind of record, empty.
fn blank(what: Record, ballots: &[(String, String)]) -> Vec<Field> {
    let n = desk_names();
    let f = Field::new;
    match what {
        Record::Party => vec![
            f("kind", "Kind", "").choose(n.parties),
            f("name", "Name", "text"),
            f("detail", "Role or workplace", "text"),
            f("email", "Email", "email"),
            f("address", "Postal address", "textarea"),
            f("headcount", "Headcount (teams)", "text"),
        ],
        Record::Claim => vec![
            f("kind", "Kind", "").choose(n.claims),
            f("dated", "Date", "date"),
            f("summary", "What is claimed or offered", "textarea"),
            f("status", "Status", "").choose(n.claim_statuses),
        ],
        Record::Event => vec![
            f("dated", "Date", "date"),
            f("kind", "Kind", "").choose(n.events),
            f("title", "What happened", "text"),
            f("outcome", "Outcome", "textarea"),
            f("public", "Show on the public page", "checkbox"),
        ],
        Record::Rate => vec![
            f("label", "What is counted", "text"),
            f(
                "per_worker_day",
                "How many per worker per strike day",
                "text",
            ),
        ],
        Record::Ballot => vec![
            f("kind", "Kind", "").choose(n.ballots),
            f("title", "Title", "text"),
            f("opened", "Opened", "date"),
            f("closed", "Closed", "date"),
            f("entitled", "Entitled to vote", "text"),
            f("cast", "Votes cast (empty until the result)", "text"),
            f("yes", "Yes", "text"),
            f("no", "No", "text"),
            f("spoiled", "Spoiled", "text"),
            f("result_to_employer", "Employer told the result on", "date"),
            {
                let mut ips = n.ips;
                ips.insert(0, ("", "None"));
                f("ips", "Important public services", "").choose(ips)
            },
            f(
                "welsh_devolved",
                "At a devolved Welsh public authority",
                "checkbox",
            ),
            f(
                "extension_agreed",
                "Employer agreed to extend the mandate",
                "checkbox",
            ),
        ],
        Record::Period => {
            let mut ballot = f("ballot_id", "Ballot giving the mandate", "select");
            ballot.options = std::iter::once((String::new(), "The latest with a result".into()))
                .chain(ballots.iter().cloned())
                .collect();
            vec![
                f("kind", "Kind", "").choose(n.actions),
                ballot,
                f("starts", "First day", "date"),
                f("ends", "Last day", "date"),
                f("teams", "Teams called out", "text"),
                f("called_out", "Members called out", "text"),
                f(
                    "notice_received",
                    "Notice received by the employer on",
                    "date",
                ),
                f(
                    "holidays_as_strike",
                    "Bank holidays to count as strike days (YYYY-MM-DD, commas)",
                    "text",
                ),
            ]
        }
        Record::Question | Record::Participation => Vec::new(),
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn flag(b: bool) -> String {
    if b { "on" } else { "" }.into()
}

/// The stored record as form values, its heading, and the ballots a period may name.
async fn stored(
    state: &AppState,
    branch: &Branch,
    dispute: DisputeId,
    item: Item,
) -> AppResult<(HashMap<String, String>, String, Vec<(String, String)>)> {
    let today = chrono::Utc::now().date_naive();
    let view = assemble(state, branch.id, dispute, today, false).await?;
    let ballots: Vec<(String, String)> = view
        .ballots
        .iter()
        .map(|b| (b.ballot.id.to_string(), b.ballot.title.clone()))
        .collect();
    let pairs: Vec<(&str, String)> = match item {
        Item::Party(item) => {
            let p = view.parties.iter().find(|p| p.id == item);
            let p = p.ok_or(AppError::NotFound)?;
            vec![
                ("kind", p.kind.as_str().into()),
                ("name", p.name.clone()),
                ("detail", p.detail.clone()),
                ("email", opt(p.email.as_ref())),
                ("address", opt(p.address.as_ref())),
                ("headcount", opt(p.headcount)),
            ]
        }
        Item::Claim(item) => {
            let c = view.claims.iter().find(|c| c.id == item);
            let c = c.ok_or(AppError::NotFound)?;
            vec![
                ("kind", c.kind.as_str().into()),
                ("dated", c.dated.to_string()),
                ("summary", c.summary.clone()),
                ("status", c.status.as_str().into()),
            ]
        }
        Item::Event(item) => {
            let e = view.timeline.iter().find(|e| e.id == item);
            let e = e.ok_or(AppError::NotFound)?;
            vec![
                ("dated", e.dated.to_string()),
                ("kind", e.kind.as_str().into()),
                ("title", e.title.clone()),
                ("outcome", e.outcome.clone()),
                ("public", flag(e.public)),
            ]
        }
        Item::Rate(item) => {
            let r = view.rates.iter().find(|r| r.id == item);
            let r = r.ok_or(AppError::NotFound)?;
            let h = r.per_worker_day_hundredths;
            let rate = if h % 100 == 0 {
                (h / 100).to_string()
            } else {
                format!("{}.{:02}", h / 100, h % 100)
            };
            vec![("label", r.label.clone()), ("per_worker_day", rate)]
        }
        Item::Ballot(item) => {
            let b = view.ballots.iter().find(|b| b.ballot.id == item);
            let b = &b.ok_or(AppError::NotFound)?.ballot;
            let r = b.result;
            vec![
                ("kind", b.kind.as_str().into()),
                ("title", b.title.clone()),
                ("opened", b.opened.to_string()),
                ("closed", b.closed.to_string()),
                ("entitled", b.entitled.to_string()),
                ("cast", opt(r.map(|r| r.cast))),
                ("yes", opt(r.map(|r| r.yes))),
                ("no", opt(r.map(|r| r.no))),
                ("spoiled", opt(r.map(|r| r.spoiled))),
                ("result_to_employer", opt(b.result_to_employer)),
                ("ips", opt(b.ips.map(|i| i.as_str()))),
                ("welsh_devolved", flag(b.welsh_devolved)),
                ("extension_agreed", flag(b.extension_agreed)),
            ]
        }
        Item::Period(item) => {
            let p = view.periods.iter().find(|p| p.period.id == item);
            let p = &p.ok_or(AppError::NotFound)?.period;
            let holidays: Vec<String> =
                p.holidays_as_strike.iter().map(|d| d.to_string()).collect();
            vec![
                ("kind", p.kind.as_str().into()),
                ("ballot_id", opt(p.ballot_id)),
                ("starts", p.starts.to_string()),
                ("ends", p.ends.to_string()),
                ("teams", p.teams.clone()),
                ("called_out", p.called_out.to_string()),
                ("notice_received", opt(p.notice_received)),
                ("holidays_as_strike", holidays.join(", ")),
            ]
        }
        Item::Question(_) | Item::Participation(_) => return Err(AppError::NotFound),
    };
    let heading = format!("Edit {}", what_words(item.record()));
    Ok((
        pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        heading,
        ballots,
    ))
}

fn what_words(what: Record) -> &'static str {
    match what {
        Record::Party => "a decision-maker or team",
        Record::Claim => "a claim or offer",
        Record::Event => "a timeline entry",
        Record::Rate => "an impact rate",
        Record::Ballot => "a ballot",
        Record::Period => "a period of action",
        Record::Question => "a survey question",
        Record::Participation => "a participation record",
    }
}

async fn page(
    state: &AppState,
    csrf: &CsrfToken,
    user: &CurrentUser,
    branch: Branch,
    dispute: DisputeId,
    item: Item,
    typed: Option<(HashMap<String, String>, String, &'static str)>,
) -> AppResult<ItemPage> {
    let what = item.record();
    let d = state.store.dispute(branch.id, dispute).await?;
    let (values, heading, ballots) = stored(state, &branch, dispute, item).await?;
    let (values, error, bad) = match typed {
        Some((typed, message, field)) => (typed, Some(message), field.to_string()),
        None => (values, None, String::new()),
    };
    let mut fields = blank(what, &ballots);
    for field in &mut fields {
        field.value = values.get(field.name).cloned().unwrap_or_default();
    }
    Ok(ItemPage {
        layout: Layout::new(format!("{heading} · {}", d.title), csrf, Some(user)),
        dispute_id: dispute,
        dispute_title: d.title,
        kind: what.as_str(),
        item: item.id(),
        heading,
        fields,
        error,
        bad,
        back: back(&branch.slug, dispute, what),
        branch,
    })
}

fn record(kind: &str) -> AppResult<Record> {
    Record::parse(kind).ok_or(AppError::NotFound)
}

/// GET /{branch}/disputes/{id}/items/{kind}/{item}: the record's form (organisers).
pub async fn edit(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    Path((slug, id, kind, item)): Path<(String, DisputeId, String, i64)>,
) -> AppResult<Response> {
    let item = record(&kind)?.item(item);
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    render(&page(&state, &csrf, &user, branch, id, item, None).await?)
}

async fn save(
    state: &AppState,
    actor: &Actor<'_>,
    dispute: DisputeId,
    item: Item,
    values: &HashMap<String, String>,
) -> AppResult<()> {
    match item {
        Item::Party(item) => {
            edits::update_party(state, actor, dispute, item, &input::<PartyInput>(values)?).await
        }
        Item::Claim(item) => {
            edits::update_claim(state, actor, dispute, item, &input::<ClaimInput>(values)?).await
        }
        Item::Event(item) => {
            crate::disputes::ops::update_event(
                state,
                actor,
                dispute,
                item,
                &input::<EventInput>(values)?,
            )
            .await
        }
        Item::Rate(item) => {
            edits::update_rate(state, actor, dispute, item, &input::<RateInput>(values)?).await
        }
        Item::Ballot(item) => {
            edits::update_ballot(state, actor, dispute, item, &input::<BallotForm>(values)?)
                .await
                .map(|_| ())
        }
        Item::Period(item) => {
            edits::update_period(state, actor, dispute, item, &input::<PeriodInput>(values)?)
                .await
                .map(|_| ())
        }
        Item::Question(_) | Item::Participation(_) => Err(AppError::NotFound),
    }
}

/// POST /{branch}/disputes/{id}/items/{kind}/{item}: saves the record, or shows the form
/// again with the message and what was typed (organisers).
pub async fn update(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id, kind, item)): Path<(String, DisputeId, String, i64)>,
    CsrfForm(values): CsrfForm<HashMap<String, String>>,
) -> AppResult<Response> {
    let what = record(&kind)?;
    let item = what.item(item);
    let branch = user
        .branch_access(&*state.store, &slug, Role::Organiser)
        .await?;
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id,
    };
    match save(&state, &actor, id, item, &values).await {
        Ok(()) => Ok(done(&branch.slug, id, what, "saved").into_response()),
        Err(AppError::Invalid { field, message }) => {
            let typed = Some((values, crate::words::plain(field, &message), field));
            let page = page(&state, &csrf, &user, branch.clone(), id, item, typed).await?;
            render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(other),
    }
}

/// POST /{branch}/disputes/{id}/items/{kind}/{item}/delete: deletes the record (organisers;
/// reps may delete participation records).
pub async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    RequestId(request_id): RequestId,
    Path((slug, id, kind, item)): Path<(String, DisputeId, String, i64)>,
    CsrfForm(values): CsrfForm<HashMap<String, String>>,
) -> AppResult<Response> {
    let what = record(&kind)?;
    let branch = user
        .branch_access(&*state.store, &slug, deleter(what))
        .await?;
    // Deleting asks first: without the confirmation's answer, the question.
    if values.get("confirm").map(String::as_str) != Some("yes") {
        return Ok(Redirect::to(&format!(
            "/{}/disputes/{id}/items/{kind}/{item}/delete",
            branch.slug
        ))
        .into_response());
    }
    let actor = Actor {
        user: &user,
        branch: &branch,
        request_id,
    };
    edits::delete(&state, &actor, id, what.item(item)).await?;
    let deleted = format!("deleted-{}", what.as_str());
    Ok(done(&branch.slug, id, what, &deleted).into_response())
}

/// Who may delete a kind of record: organisers, and reps for participation records.
fn deleter(what: Record) -> Role {
    if what == Record::Participation {
        Role::Rep
    } else {
        Role::Organiser
    }
}

#[derive(Template)]
#[template(path = "disputes/delete.html")]
struct DeletePage {
    layout: Layout,
    branch: Branch,
    dispute_id: DisputeId,
    dispute_title: String,
    kind: &'static str,
    item: i64,
    what: &'static str,
    described: String,
    consequence: &'static str,
    back: String,
}

/// A record in a line, for the question before deleting it.
fn describe(view: &crate::disputes::view::DisputeView, item: Item) -> AppResult<String> {
    let day = picket_domain::dates::long_date;
    let found = match item {
        Item::Party(i) => view
            .parties
            .iter()
            .find(|p| p.id == i)
            .map(|p| p.name.clone()),
        Item::Claim(i) => view
            .claims
            .iter()
            .find(|c| c.id == i)
            .map(|c| format!("{} of {}: {}", c.kind.label(), day(c.dated), c.summary)),
        Item::Event(i) => view
            .timeline
            .iter()
            .find(|e| e.id == i)
            .map(|e| format!("{}: {}", day(e.dated), e.title)),
        Item::Rate(i) => view
            .rates
            .iter()
            .find(|r| r.id == i)
            .map(|r| r.label.clone()),
        Item::Ballot(i) => view
            .ballots
            .iter()
            .find(|b| b.ballot.id == i)
            .map(|b| b.ballot.title.clone()),
        Item::Question(i) => view
            .ballots
            .iter()
            .flat_map(|b| &b.questions)
            .find(|q| q.id == i)
            .map(|q| q.question.clone()),
        Item::Period(i) => view.periods.iter().find(|p| p.period.id == i).map(|p| {
            format!(
                "{}: {}",
                p.period.kind.label(),
                picket_domain::dates::date_range(p.period.starts, p.period.ends)
            )
        }),
        Item::Participation(i) => view
            .periods
            .iter()
            .flat_map(|p| &p.participation)
            .find(|r| r.id == i)
            .map(|r| match r.day {
                Some(d) => format!("{} took part on {}", r.took_part, day(d)),
                None => format!("{} took part over the whole period", r.took_part),
            }),
    };
    found.ok_or(AppError::NotFound)
}

/// GET /{branch}/disputes/{id}/items/{kind}/{item}/delete: what would be deleted, and the
/// question (organisers; reps for participation records).
pub async fn delete_form(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    Path((slug, id, kind, item)): Path<(String, DisputeId, String, i64)>,
) -> AppResult<Response> {
    let what = record(&kind)?;
    let branch = user
        .branch_access(&*state.store, &slug, deleter(what))
        .await?;
    let today = chrono::Utc::now().date_naive();
    let view = assemble(&state, branch.id, id, today, false).await?;
    let described = describe(&view, what.item(item))?;
    let consequence = match what {
        Record::Ballot => "Its steps and survey questions are deleted with it; periods of action that named it are checked against the latest ballot with a result instead.",
        Record::Period => "The participation records entered for it are deleted with it, and it leaves the public page.",
        _ => "",
    };
    render(&DeletePage {
        layout: Layout::new(
            format!("Delete {} · {}", what_words(what), view.dispute.title),
            &csrf,
            Some(&user),
        ),
        dispute_id: id,
        dispute_title: view.dispute.title.clone(),
        kind: what.as_str(),
        item,
        what: what_words(what),
        described,
        consequence,
        back: back(&branch.slug, id, what),
        branch,
    })
}
