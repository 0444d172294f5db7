//! Ballots with their steps and survey questions, and periods of industrial action.

use super::disputes::{count32, date, named, opt_date, owned_dispute};
use super::{corrupt, SqlStore};
use crate::disputes::{
    ActionPeriod, Ballot, BallotResult, BallotStep, NewActionPeriod, NewBallot, SurveyQuestion,
};
use crate::{StoreError, StoreResult};
use chrono::NaiveDate;
use picket_domain::disputes::{ActionKind, BallotKind, Named};
use picket_domain::law::IpsCategory;
use picket_domain::BranchId;
use sqlx::any::AnyRow;
use sqlx::Row;

const BALLOT: &str = "id, dispute_id, kind, title, opened, closed, entitled, ips, welsh_devolved, \
    extension_agreed, cast_votes, yes_votes, no_votes, spoiled, result_to_employer";

pub(super) const PERIOD: &str =
    "id, dispute_id, ballot_id, kind, starts, ends, teams, called_out, \
    notice_received, holidays_as_strike";

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
    Ok(Ballot {
        id: row.try_get("id")?,
        dispute_id: row.try_get("dispute_id")?,
        kind: named::<BallotKind>(row, "kind")?,
        title: row.try_get("title")?,
        opened: date(row, "opened")?,
        closed: date(row, "closed")?,
        entitled: count32(row, "entitled")?,
        ips: ips
            .map(|s| s.parse::<IpsCategory>().map_err(|_| corrupt("ips", &s)))
            .transpose()?,
        welsh_devolved: row.try_get::<i64, _>("welsh_devolved")? != 0,
        extension_agreed: row.try_get::<i64, _>("extension_agreed")? != 0,
        result,
        result_to_employer: opt_date(row, "result_to_employer")?,
    })
}

pub(super) fn period_row(row: &AnyRow) -> StoreResult<ActionPeriod> {
    let holidays: String = row.try_get("holidays_as_strike")?;
    Ok(ActionPeriod {
        id: row.try_get("id")?,
        dispute_id: row.try_get("dispute_id")?,
        ballot_id: row.try_get("ballot_id")?,
        kind: named::<ActionKind>(row, "kind")?,
        starts: date(row, "starts")?,
        ends: date(row, "ends")?,
        teams: row.try_get("teams")?,
        called_out: count32(row, "called_out")?,
        notice_received: opt_date(row, "notice_received")?,
        holidays_as_strike: holidays
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().map_err(|_| corrupt("holidays_as_strike", s)))
            .collect::<StoreResult<Vec<NaiveDate>>>()?,
    })
}

pub(super) fn result_binds(result: Option<BallotResult>) -> [Option<i64>; 4] {
    match result {
        Some(r) => [r.cast, r.yes, r.no, r.spoiled].map(|n| Some(i64::from(n))),
        None => [None; 4],
    }
}

pub(super) async fn create_ballot(
    store: &SqlStore,
    branch: BranchId,
    dispute: i64,
    new: &NewBallot,
) -> StoreResult<Ballot> {
    let mut tx = store.begin_write().await?;
    owned_dispute(&mut tx, branch, dispute).await?;
    let [cast, yes, no, spoiled] = result_binds(new.result);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO ballots (branch_id, dispute_id, kind, title, opened, closed, entitled, ips, \
         welsh_devolved, extension_agreed, cast_votes, yes_votes, no_votes, spoiled, result_to_employer) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
    )
    .bind(branch.0)
    .bind(dispute)
    .bind(new.kind.as_str())
    .bind(&new.title)
    .bind(new.opened.to_string())
    .bind(new.closed.to_string())
    .bind(i64::from(new.entitled))
    .bind(new.ips.map(|i| i.as_str()))
    .bind(i64::from(new.welsh_devolved))
    .bind(i64::from(new.extension_agreed))
    .bind(cast)
    .bind(yes)
    .bind(no)
    .bind(spoiled)
    .bind(new.result_to_employer.map(|d| d.to_string()))
    .fetch_one(&mut *tx)
    .await?;
    for step in &new.steps {
        sqlx::query(
            "INSERT INTO ballot_steps (branch_id, ballot_id, name, due, provision) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(branch.0)
        .bind(id)
        .bind(&step.name)
        .bind(step.due.map(|d| d.to_string()))
        .bind(&step.provision)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    ballot(store, branch, id).await
}

pub(super) async fn ballots(
    store: &SqlStore,
    branch: BranchId,
    dispute: i64,
) -> StoreResult<Vec<Ballot>> {
    let rows = sqlx::query(&format!(
        "SELECT {BALLOT} FROM ballots WHERE branch_id = $1 AND dispute_id = $2 ORDER BY opened, id"
    ))
    .bind(branch.0)
    .bind(dispute)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(ballot_row).collect()
}

pub(super) async fn ballot(store: &SqlStore, branch: BranchId, id: i64) -> StoreResult<Ballot> {
    let row = sqlx::query(&format!(
        "SELECT {BALLOT} FROM ballots WHERE branch_id = $1 AND id = $2"
    ))
    .bind(branch.0)
    .bind(id)
    .fetch_optional(store.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    ballot_row(&row)
}

pub(super) async fn record_result(
    store: &SqlStore,
    branch: BranchId,
    id: i64,
    result: BallotResult,
    result_to_employer: Option<NaiveDate>,
) -> StoreResult<Ballot> {
    let [cast, yes, no, spoiled] = result_binds(Some(result));
    let done = sqlx::query(
        "UPDATE ballots SET cast_votes = $1, yes_votes = $2, no_votes = $3, spoiled = $4, \
         result_to_employer = $5 WHERE branch_id = $6 AND id = $7",
    )
    .bind(cast)
    .bind(yes)
    .bind(no)
    .bind(spoiled)
    .bind(result_to_employer.map(|d| d.to_string()))
    .bind(branch.0)
    .bind(id)
    .execute(store.pool())
    .await?;
    super::found(&done)?;
    ballot(store, branch, id).await
}

pub(super) async fn add_question(
    store: &SqlStore,
    branch: BranchId,
    ballot: i64,
    question: &str,
    answer: &str,
    percent_hundredths: i64,
) -> StoreResult<i64> {
    let mut tx = store.begin_write().await?;
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM ballots WHERE branch_id = $1 AND id = $2")
            .bind(branch.0)
            .bind(ballot)
            .fetch_one(&mut *tx)
            .await?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    let id = sqlx::query_scalar(
        "INSERT INTO ballot_questions (branch_id, ballot_id, question, answer, percent_hundredths) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(branch.0)
    .bind(ballot)
    .bind(question)
    .bind(answer)
    .bind(percent_hundredths)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub(super) async fn questions(
    store: &SqlStore,
    branch: BranchId,
    ballot: i64,
) -> StoreResult<Vec<SurveyQuestion>> {
    let rows = sqlx::query(
        "SELECT id, ballot_id, question, answer, percent_hundredths FROM ballot_questions \
         WHERE branch_id = $1 AND ballot_id = $2 ORDER BY id",
    )
    .bind(branch.0)
    .bind(ballot)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(SurveyQuestion {
                id: row.try_get("id")?,
                ballot_id: row.try_get("ballot_id")?,
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
    ballot: i64,
) -> StoreResult<Vec<BallotStep>> {
    let rows = sqlx::query(
        "SELECT id, ballot_id, name, due, done, provision FROM ballot_steps \
         WHERE branch_id = $1 AND ballot_id = $2 ORDER BY id",
    )
    .bind(branch.0)
    .bind(ballot)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(BallotStep {
                id: row.try_get("id")?,
                ballot_id: row.try_get("ballot_id")?,
                name: row.try_get("name")?,
                due: opt_date(row, "due")?,
                done: opt_date(row, "done")?,
                provision: row.try_get("provision")?,
            })
        })
        .collect()
}

pub(super) async fn mark_step(
    store: &SqlStore,
    branch: BranchId,
    step: i64,
    done: Option<NaiveDate>,
) -> StoreResult<()> {
    let result = sqlx::query("UPDATE ballot_steps SET done = $1 WHERE branch_id = $2 AND id = $3")
        .bind(done.map(|d| d.to_string()))
        .bind(branch.0)
        .bind(step)
        .execute(store.pool())
        .await?;
    super::found(&result)?;
    Ok(())
}

pub(super) async fn create_action_period(
    store: &SqlStore,
    branch: BranchId,
    dispute: i64,
    new: &NewActionPeriod,
) -> StoreResult<ActionPeriod> {
    let mut tx = store.begin_write().await?;
    owned_dispute(&mut tx, branch, dispute).await?;
    if let Some(ballot) = new.ballot_id {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM ballots WHERE branch_id = $1 AND dispute_id = $2 AND id = $3",
        )
        .bind(branch.0)
        .bind(dispute)
        .bind(ballot)
        .fetch_one(&mut *tx)
        .await?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
    }
    let holidays: Vec<String> = new
        .holidays_as_strike
        .iter()
        .map(|d| d.to_string())
        .collect();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO action_periods (branch_id, dispute_id, ballot_id, kind, starts, ends, teams, \
         called_out, notice_received, holidays_as_strike) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(branch.0)
    .bind(dispute)
    .bind(new.ballot_id)
    .bind(new.kind.as_str())
    .bind(new.starts.to_string())
    .bind(new.ends.to_string())
    .bind(&new.teams)
    .bind(i64::from(new.called_out))
    .bind(new.notice_received.map(|d| d.to_string()))
    .bind(holidays.join(","))
    .fetch_one(&mut *tx)
    .await?;
    let row = sqlx::query(&format!(
        "SELECT {PERIOD} FROM action_periods WHERE branch_id = $1 AND id = $2"
    ))
    .bind(branch.0)
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    period_row(&row)
}

pub(super) async fn action_periods(
    store: &SqlStore,
    branch: BranchId,
    dispute: i64,
) -> StoreResult<Vec<ActionPeriod>> {
    let rows = sqlx::query(&format!(
        "SELECT {PERIOD} FROM action_periods WHERE branch_id = $1 AND dispute_id = $2 ORDER BY starts, id"
    ))
    .bind(branch.0)
    .bind(dispute)
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(period_row).collect()
}
