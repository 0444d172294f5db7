//! An organiser's edit of a member record, a member's change of their own address (waiting
//! for the link sent to it), and a record's history from the audit log.

use super::decode::{date_text, flag};
use super::members::member_on;
use super::{from_secs, to_secs};
use crate::member_data::{ConsentSource, EmailChangeUse, NewEmailChange, PendingEmailChange};
use crate::{AuditEntry, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use picket_domain::member_data::LinkState;
use picket_domain::members::edits::changed_fields;
use picket_domain::members::{MemberDetails, MemberField};
use picket_domain::{BranchId, MemberId, TeamId, UserId};
use sqlx::{AnyConnection, Row};

/// See [`crate::members::MemberWrites::update_member`].
pub(super) async fn update_member_on(
    conn: &mut AnyConnection,
    branch: BranchId,
    id: MemberId,
    d: &MemberDetails,
    team: Option<TeamId>,
    actor: Option<UserId>,
) -> StoreResult<Vec<MemberField>> {
    let before = member_on(&mut *conn, branch, id).await?;
    if before.erased_at.is_some() {
        return Err(StoreError::NotFound);
    }
    let changed = changed_fields(&before.details, before.team_id, d, team);
    if changed.is_empty() {
        return Ok(changed);
    }
    let now = to_secs(Utc::now());
    let contact = &d.contact;
    if before.details.contact != *contact {
        sqlx::query(
            "INSERT INTO member_consents (branch_id, member_id, changed_at, by_email, by_phone, \
             wording, agreed_on, source, actor_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(branch.0)
        .bind(id.0)
        .bind(now)
        .bind(flag(contact.by_email))
        .bind(flag(contact.by_phone))
        .bind(contact.consent_wording.as_deref())
        .bind(date_text(contact.consent_date))
        .bind(ConsentSource::Organiser.as_str())
        .bind(actor.map(|a| a.0))
        .execute(&mut *conn)
        .await?;
    }
    // A team of another branch matches no row, and so changes nothing.
    let done = sqlx::query(
        "UPDATE members SET membership_number = $1, name = $2, email = $3, phone = $4, \
         employer = $5, team_id = $6, workplace = $7, job_title = $8, daily_pay_pence = $9, \
         is_rep = $10, contact_email = $11, contact_phone = $12, consent_wording = $13, \
         consent_date = $14, updated_at = $15, joined_on = $18, left_on = $19 \
         WHERE branch_id = $16 AND id = $17 AND erased_at IS NULL \
         AND ($6 IS NULL OR EXISTS (SELECT 1 FROM teams WHERE branch_id = $16 AND id = $6))",
    )
    .bind(d.membership_number.as_str())
    .bind(d.name.trim())
    .bind(d.email.as_ref().map(|e| e.as_str().to_string()))
    .bind(d.phone.as_ref().map(|p| p.as_str().to_string()))
    .bind(d.employer.clone())
    .bind(team.map(|t| t.0))
    .bind(d.workplace.clone())
    .bind(d.job_title.clone())
    .bind(d.daily_pay_pence)
    .bind(flag(d.is_rep))
    .bind(flag(contact.by_email))
    .bind(flag(contact.by_phone))
    .bind(contact.consent_wording.as_deref())
    .bind(date_text(contact.consent_date))
    .bind(now)
    .bind(branch.0)
    .bind(id.0)
    .bind(date_text(d.joined_on))
    .bind(date_text(d.left_on))
    .execute(&mut *conn)
    .await
    .map_err(|e| StoreError::conflict_on(e, "membership number"))?;
    super::found(&done)?;
    if changed.contains(&MemberField::Email) {
        // The union's records win over a change the member has not confirmed yet.
        sqlx::query(
            "DELETE FROM member_email_changes WHERE branch_id = $1 AND member_id = $2 \
             AND used_at IS NULL",
        )
        .bind(branch.0)
        .bind(id.0)
        .execute(&mut *conn)
        .await?;
        if let (Some(user), Some(email)) = (before.user_id, d.email.as_ref()) {
            follow_email(&mut *conn, user, email.as_str()).await?;
        }
    }
    Ok(changed)
}

/// The account made for sign-in links follows its record's address; an account with a
/// password is its owner's to change.
async fn follow_email(conn: &mut AnyConnection, user: UserId, email: &str) -> StoreResult<()> {
    sqlx::query("UPDATE users SET email = $1 WHERE id = $2 AND password_hash IS NULL")
        .bind(email)
        .bind(user.0)
        .execute(&mut *conn)
        .await
        .map_err(|e| StoreError::conflict_on(e, "email"))?;
    Ok(())
}

/// See [`crate::member_data::MemberDataWrites::request_email_change`].
pub(super) async fn request_email_change_on(
    conn: &mut AnyConnection,
    change: &NewEmailChange,
) -> StoreResult<()> {
    sqlx::query(
        "DELETE FROM member_email_changes WHERE branch_id = $1 AND member_id = $2 \
         AND used_at IS NULL",
    )
    .bind(change.branch.0)
    .bind(change.member_id.0)
    .execute(&mut *conn)
    .await?;
    // The record must be the branch's, not erased, and linked to the account asking.
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO member_email_changes (branch_id, member_id, new_email, token_hash, \
         created_at, expires_at) SELECT branch_id, id, $4, $5, $6, $7 FROM members \
         WHERE branch_id = $1 AND id = $2 AND user_id = $3 AND erased_at IS NULL RETURNING id",
    )
    .bind(change.branch.0)
    .bind(change.member_id.0)
    .bind(change.user.0)
    .bind(change.new_email.as_str())
    .bind(&change.token_hash)
    .bind(to_secs(Utc::now()))
    .bind(to_secs(change.expires_at))
    .fetch_optional(&mut *conn)
    .await
    .map_err(|e| StoreError::conflict_on(e, "token"))?;
    id.map(|_| ()).ok_or(StoreError::NotFound)
}

/// The branch and state of an email change link.
pub(super) async fn email_change_state_on(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<(BranchId, LinkState)> {
    let row = sqlx::query(
        "SELECT branch_id, expires_at, used_at FROM member_email_changes WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok((
        BranchId(row.try_get("branch_id")?),
        LinkState::of(
            from_secs(row.try_get("expires_at")?),
            row.try_get::<Option<i64>, _>("used_at")?.map(from_secs),
            now,
        ),
    ))
}

/// See [`crate::member_data::MemberDataWrites::confirm_email_change`].
pub(super) async fn confirm_email_change_on(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<EmailChangeUse> {
    // One statement both checks and spends the link, so two uses at once cannot both win.
    let spent = sqlx::query(
        "UPDATE member_email_changes SET used_at = $1 WHERE token_hash = $2 \
         AND used_at IS NULL AND expires_at > $1 RETURNING branch_id, member_id, new_email",
    )
    .bind(to_secs(now))
    .bind(token_hash)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(spent) = spent else {
        let (branch, state) = email_change_state_on(&mut *conn, token_hash, now).await?;
        return Ok(EmailChangeUse::Refused { branch, state });
    };
    let branch = BranchId(spent.try_get("branch_id")?);
    let member_id = MemberId(spent.try_get("member_id")?);
    let email: String = spent.try_get("new_email")?;
    let user: Option<Option<i64>> = sqlx::query_scalar(
        "UPDATE members SET email = $1, updated_at = $2 WHERE branch_id = $3 AND id = $4 \
         AND erased_at IS NULL RETURNING user_id",
    )
    .bind(&email)
    .bind(to_secs(now))
    .bind(branch.0)
    .bind(member_id.0)
    .fetch_optional(&mut *conn)
    .await?;
    let user = user.ok_or(StoreError::NotFound)?.map(UserId);
    if let Some(user) = user {
        follow_email(&mut *conn, user, &email).await?;
    }
    Ok(EmailChangeUse::Changed {
        branch,
        member_id,
        user,
    })
}

/// See [`crate::member_data::MemberDataStore::pending_email_change`].
pub(super) async fn pending_email_change_on(
    conn: &mut AnyConnection,
    branch: BranchId,
    member: MemberId,
    now: DateTime<Utc>,
) -> StoreResult<Option<PendingEmailChange>> {
    let row = sqlx::query(
        "SELECT new_email, created_at, expires_at FROM member_email_changes \
         WHERE branch_id = $1 AND member_id = $2 AND used_at IS NULL AND expires_at > $3 \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(branch.0)
    .bind(member.0)
    .bind(to_secs(now))
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|row| {
        Ok(PendingEmailChange {
            new_email: row.try_get("new_email")?,
            created_at: from_secs(row.try_get("created_at")?),
            expires_at: from_secs(row.try_get("expires_at")?),
        })
    })
    .transpose()
}

/// See [`crate::members::MemberStore::member_history`].
pub(super) async fn member_history_on(
    conn: &mut AnyConnection,
    branch: BranchId,
    id: MemberId,
    limit: u32,
) -> StoreResult<Vec<AuditEntry>> {
    sqlx::query(
        "SELECT a.id, a.at, a.actor_id, u.email AS actor_email, a.branch_id, a.action, \
         a.subject, a.detail, a.request_id FROM audit_log a \
         LEFT JOIN users u ON u.id = a.actor_id \
         WHERE a.branch_id = $1 AND a.subject = $2 ORDER BY a.id DESC LIMIT $3",
    )
    .bind(branch.0)
    .bind(format!("member:{id}"))
    .bind(i64::from(limit.max(1)))
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(super::audit::entry_from_row)
    .collect()
}
