//! Ballots with their steps and survey questions, and periods of industrial action. Every
//! statement names the branch and the dispute (a step or question through its ballot's).

use super::bargaining::unit_count;
use super::decode::{count32, date, found_id, from_secs, is_set, named, opt_date};
use super::{corrupt, SqlStore};
use crate::disputes::{
    ActionPeriod, Ballot, BallotResult, BallotStep, NewActionPeriod, NewBallot, Publication,
    SurveyQuestion,
};
use crate::{StoreError, StoreResult};
use chrono::NaiveDate;
use picket_domain::bargaining::{self, Basis, HandFigure};
use picket_domain::disputes::{ActionKind, BallotKind, Named};
use picket_domain::law::IpsCategory;
use picket_domain::{BallotId, BallotStepId, BranchId, DisputeId, PeriodId, QuestionId, UserId};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Row};

/// A ballot's columns, with the members entitled to vote counted from the member records in
/// the dispute's teams on its opening day.
fn ballot_columns() -> String {
    format!(
        "id, dispute_id, kind, title, opened, closed, entitled, entitled_reason, \
         {} AS counted, ips, welsh_devolved, extension_agreed, cast_votes, yes_votes, no_votes, \
         spoiled, result_to_employer",
        unit_count("ballots.branch_id", "ballots.dispute_id", "ballots.opened")
    )
}

/// A period's columns, with the members called out counted from the member records in the
/// dispute's teams on its first day.
fn period_columns() -> String {
    format!(
        "id, dispute_id, ballot_id, kind, starts, ends, teams, called_out, called_out_reason, \
         {} AS counted, notice_received, holidays_as_strike, published_despite, published_at, \
         published_by",
        unit_count(
            "action_periods.branch_id",
            "action_periods.dispute_id",
            "action_periods.starts"
        )
    )
}

/// The figure to use from a row's hand figure (`hand`, with its reason `reason`) and its
/// count, counted on `day`.
fn figure_of(row: &AnyRow, hand: &str, reason: &str, day: NaiveDate) -> StoreResult<(u32, Basis)> {
    let reason: Option<String> = row.try_get(reason)?;
    let hand = match reason {
        Some(reason) => Some(HandFigure {
            value: count32(row, hand)?,
            reason,
        }),
        None => None,
    };
    Ok(bargaining::figure(
        hand.as_ref(),
        count32(row, "counted")?,
        day,
    ))
}

/// The hand figure's value and reason to bind (none: 0 and no reason, so it is counted).
pub(super) fn hand_binds(hand: Option<&HandFigure>) -> (i64, Option<String>) {
    match hand {
        Some(h) => (i64::from(h.value), Some(h.reason.clone())),
        None => (0, None),
    }
}

/// Of a ballot's steps or questions: those of ballot `$3` of dispute `$2` in branch `$1`.
const OF_BALLOT: &str = "branch_id = $1 AND ballot_id = $3 AND ballot_id IN \
    (SELECT id FROM ballots WHERE branch_id = $1 AND dispute_id = $2)";

fn ballot_row(row: &AnyRow) -> StoreResult<Ballot> {
    let ips: Option<String> = row.try_get("ips")?;
    let cast: Option<i64> = row.try_get("cast_votes")?;
    let result = match cast {
        Some(_) => Some(BallotResult {
            cast: count32(row, "cast_votes")?,
            yes: count32(row, "yes_votes")?,
            no: count32(row, "no_votes")?,
            spoiled: count32(row, "spoiled")?,
        }),
        None => None,
    };
    let opened = date(row, "opened")?;
    let (entitled, entitled_basis) = figure_of(row, "entitled", "entitled_reason", opened)?;
    Ok(Ballot {
        id: BallotId(row.try_get("id")?),
        dispute_id: DisputeId(row.try_get("dispute_id")?),
        kind: named::<BallotKind>(row, "kind")?,
        title: row.try_get("title")?,
        opened,
        closed: date(row, "closed")?,
        entitled,
        entitled_basis,
        ips: ips
            .map(|s| s.parse::<IpsCategory>().map_err(|_| corrupt("ips", &s)))
            .transpose()?,
        welsh_devolved: is_set(row, "welsh_devolved")?,
        extension_agreed: is_set(row, "extension_agreed")?,
        result,
        result_to_employer: opt_date(row, "result_to_employer")?,
    })
}

fn period_row(row: &AnyRow) -> StoreResult<ActionPeriod> {
    let holidays: String = row.try_get("holidays_as_strike")?;
    let starts = date(row, "starts")?;
    let (called_out, called_out_basis) = figure_of(row, "called_out", "called_out_reason", starts)?;
    Ok(ActionPeriod {
        id: PeriodId(row.try_get("id")?),
        dispute_id: DisputeId(row.try_get("dispute_id")?),
        ballot_id: row.try_get::<Option<i64>, _>("ballot_id")?.map(BallotId),
        kind: named::<ActionKind>(row, "kind")?,
        starts,
        ends: date(row, "ends")?,
        teams: row.try_get("teams")?,
        called_out,
        called_out_basis,
        notice_received: opt_date(row, "notice_received")?,
        holidays_as_strike: holidays
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().map_err(|_| corrupt("holidays_as_strike", s)))
            .collect::<StoreResult<Vec<NaiveDate>>>()?,
        publication: publication(row)?,
    })
}

/// A period's publication despite warnings: set only with its instant.
fn publication(row: &AnyRow) -> StoreResult<Option<Publication>> {
    let at: Option<i64> = row.try_get("published_at")?;
    let Some(at) = at else {
        return Ok(None);
    };
    let despite: Option<String> = row.try_get("published_despite")?;
    Ok(Some(Publication {
        despite: despite
            .unwrap_or_default()
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        at: from_secs(at),
        by: row.try_get::<Option<i64>, _>("published_by")?.map(UserId),
    }))
}

pub(super) fn result_binds(result: Option<BallotResult>) -> [Option<i64>; 4] {
    match result {
        Some(r) => [r.cast, r.yes, r.no, r.spoiled].map(|n| Some(i64::from(n))),
        None => [None; 4],
    }
}

pub(super) fn holidays_text(holidays: &[NaiveDate]) -> String {
    let list: Vec<String> = holidays.iter().map(|d| d.to_string()).collect();
    list.join(",")
}

/// One of the dispute's ballots, read on the pool or within a unit.
pub(super) async fn ballot_on<'e, E: sqlx::Executor<'e, Database = Any>>(
    ex: E,
    branch: BranchId,
    dispute: DisputeId,
    id: BallotId,
) -> StoreResult<Ballot> {
    let row = sqlx::query(&format!(
        "SELECT {} FROM ballots WHERE branch_id = $1 AND dispute_id = $2 AND id = $3",
        ballot_columns()
    ))
    .bind(branch.0)
    .bind(dispute.0)
    .bind(id.0)
    .fetch_optional(ex)
    .await?
    .ok_or(StoreError::NotFound)?;
    ballot_row(&row)
}

/// One of the dispute's periods of action, read on the pool or within a unit.
pub(super) async fn period_on<'e, E: sqlx::Executor<'e, Database = Any>>(
    ex: E,
    branch: BranchId,
    dispute: DisputeId,
    id: PeriodId,
) -> StoreResult<ActionPeriod> {
    let row = sqlx::query(&format!(
        "SELECT {} FROM action_periods WHERE branch_id = $1 AND dispute_id = $2 AND id = $3",
        period_columns()
    ))
    .bind(branch.0)
    .bind(dispute.0)
    .bind(id.0)
    .fetch_optional(ex)
    .await?
    .ok_or(StoreError::NotFound)?;
    period_row(&row)
}

/// Adds a ballot's steps checklist, each with its done date if it has one.
pub(super) async fn insert_steps(
    conn: &mut AnyConnection,
    branch: BranchId,
    ballot: BallotId,
    steps: &[(&crate::disputes::NewStep, Option<NaiveDate>)],
) -> StoreResult<()> {
    for (step, done) in steps {
        sqlx::query(
            "INSERT INTO ballot_steps (branch_id, ballot_id, name, due, done, provision) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(branch.0)
        .bind(ballot.0)
        .bind(&step.name)
        .bind(step.due.map(|d| d.to_string()))
        .bind(done.map(|d| d.to_string()))
        .bind(&step.provision)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub(super) async fn create_ballot(
    conn: &mut AnyConnection,
    branch: BranchId,
    dispute: DisputeId,
    new: &NewBallot,
) -> StoreResult<Ballot> {
    let [cast, yes, no, spoiled] = result_binds(new.result);
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO ballots (branch_id, dispute_id, kind, title, opened, closed, entitled, ips, \
         welsh_devolved, extension_agreed, cast_votes, yes_votes, no_votes, spoiled, result_to_employer, \
         entitled_reason) \
         SELECT branch_id, id, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16 \
         FROM disputes WHERE branch_id = $1 AND id = $2 RETURNING id",
    )
    .bind(branch.0)
    .bind(dispute.0)
    .bind(new.kind.as_str())
    .bind(&new.title)
    .bind(new.opened.to_string())
    .bind(new.closed.to_string())
    .bind(hand_binds(new.entitled.as_ref()).0)
    .bind(new.ips.map(|i| i.as_str()))
    .bind(i64::from(new.welsh_devolved))
    .bind(i64::from(new.extension_agreed))
    .bind(cast)
    .bind(yes)
    .bind(no)
    .bind(spoiled)
    .bind(new.result_to_employer.map(|d| d.to_string()))
    .bind(hand_binds(new.entitled.as_ref()).1)
    .fetch_optional(&mut *conn)
    .await?;
    let id = found_id(id, BallotId)?;
    let steps: Vec<_> = new.steps.iter().map(|s| (s, None)).collect();
    insert_steps(conn, branch, id, &steps).await?;
    ballot_on(conn, branch, dispute, id).await
}

pub(super) async fn ballots(
    store: &SqlStore,
    branch: BranchId,
    dispute: DisputeId,
) -> StoreResult<Vec<Ballot>> {
    let rows = sqlx::query(&format!(
        "SELECT {} FROM ballots WHERE branch_id = $1 AND dispute_id = $2 ORDER BY opened, id",
        ballot_columns()
    ))
    .bind(branch.0)
    .bind(dispute.0)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(ballot_row).collect()
}

pub(super) async fn record_result(
    conn: &mut AnyConnection,
    branch: BranchId,
    dispute: DisputeId,
    id: BallotId,
    result: BallotResult,
    result_to_employer: Option<NaiveDate>,
) -> StoreResult<Ballot> {
    let [cast, yes, no, spoiled] = result_binds(Some(result));
    let done = sqlx::query(
        "UPDATE ballots SET cast_votes = $1, yes_votes = $2, no_votes = $3, spoiled = $4, \
         result_to_employer = $5 WHERE branch_id = $6 AND dispute_id = $7 AND id = $8",
    )
    .bind(cast)
    .bind(yes)
    .bind(no)
    .bind(spoiled)
    .bind(result_to_employer.map(|d| d.to_string()))
    .bind(branch.0)
    .bind(dispute.0)
    .bind(id.0)
    .execute(&mut *conn)
    .await?;
    super::found(&done)?;
    ballot_on(conn, branch, dispute, id).await
}

pub(super) async fn questions(
    store: &SqlStore,
    branch: BranchId,
    dispute: DisputeId,
    ballot: BallotId,
) -> StoreResult<Vec<SurveyQuestion>> {
    let rows = sqlx::query(&format!(
        "SELECT id, ballot_id, question, answer, percent_hundredths FROM ballot_questions \
         WHERE {OF_BALLOT} ORDER BY id"
    ))
    .bind(branch.0)
    .bind(dispute.0)
    .bind(ballot.0)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(SurveyQuestion {
                id: QuestionId(row.try_get("id")?),
                ballot_id: BallotId(row.try_get("ballot_id")?),
                question: row.try_get("question")?,
                answer: row.try_get("answer")?,
                percent_hundredths: row.try_get("percent_hundredths")?,
            })
        })
        .collect()
}

pub(super) async fn steps(
    store: &SqlStore,
    branch: BranchId,
    dispute: DisputeId,
    ballot: BallotId,
) -> StoreResult<Vec<BallotStep>> {
    let rows = sqlx::query(&format!(
        "SELECT id, ballot_id, name, due, done, provision FROM ballot_steps \
         WHERE {OF_BALLOT} ORDER BY id"
    ))
    .bind(branch.0)
    .bind(dispute.0)
    .bind(ballot.0)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(BallotStep {
                id: BallotStepId(row.try_get("id")?),
                ballot_id: BallotId(row.try_get("ballot_id")?),
                name: row.try_get("name")?,
                due: opt_date(row, "due")?,
                done: opt_date(row, "done")?,
                provision: row.try_get("provision")?,
            })
        })
        .collect()
}

pub(super) async fn create_action_period(
    conn: &mut AnyConnection,
    branch: BranchId,
    dispute: DisputeId,
    new: &NewActionPeriod,
) -> StoreResult<ActionPeriod> {
    // The dispute, and the ballot when one is named, are checked by the statement.
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO action_periods (branch_id, dispute_id, ballot_id, kind, starts, ends, teams, \
         called_out, called_out_reason, notice_received, holidays_as_strike) \
         SELECT branch_id, id, $3, $4, $5, $6, $7, $8, $11, $9, $10 FROM disputes \
         WHERE branch_id = $1 AND id = $2 AND ($3 IS NULL OR EXISTS \
         (SELECT 1 FROM ballots WHERE branch_id = $1 AND dispute_id = $2 AND id = $3)) \
         RETURNING id",
    )
    .bind(branch.0)
    .bind(dispute.0)
    .bind(new.ballot_id.map(|b| b.0))
    .bind(new.kind.as_str())
    .bind(new.starts.to_string())
    .bind(new.ends.to_string())
    .bind(&new.teams)
    .bind(hand_binds(new.called_out.as_ref()).0)
    .bind(new.notice_received.map(|d| d.to_string()))
    .bind(holidays_text(&new.holidays_as_strike))
    .bind(hand_binds(new.called_out.as_ref()).1)
    .fetch_optional(&mut *conn)
    .await?;
    let id = found_id(id, PeriodId)?;
    period_on(conn, branch, dispute, id).await
}

pub(super) async fn action_periods(
    store: &SqlStore,
    branch: BranchId,
    dispute: DisputeId,
) -> StoreResult<Vec<ActionPeriod>> {
    let rows = sqlx::query(&format!(
        "SELECT {} FROM action_periods WHERE branch_id = $1 AND dispute_id = $2 ORDER BY starts, id",
        period_columns()
    ))
    .bind(branch.0)
    .bind(dispute.0)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(period_row).collect()
}
