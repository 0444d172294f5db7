//! A member's own access: sign-in links, own corrections with the consent history, the
//! records a subject access request returns, and erasure.

use super::decode::{date_text, flag, is_set, parse_date};
use super::directory::user_from_row;
use super::{corrupt, from_secs, to_secs, SqlStore, SqlWork};
use crate::member_data::*;
use crate::{Membership, StoreError, StoreResult, User};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use picket_domain::member_data::{erased_account_email, erased_name, LinkState};
use picket_domain::members::ContactPreferences;
use picket_domain::{
    BranchId, ConsentId, Email, MagicLinkId, MemberId, Role, UserId, WallMessageId,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

const USER_COLUMNS: &str = "u.id, u.email, u.display_name, u.password_hash, u.created_at";

fn consent_from_row(row: &AnyRow) -> StoreResult<ConsentRecord> {
    let source: String = row.try_get("source")?;
    Ok(ConsentRecord {
        id: ConsentId(row.try_get("id")?),
        changed_at: from_secs(row.try_get("changed_at")?),
        by_email: is_set(row, "by_email")?,
        by_phone: is_set(row, "by_phone")?,
        wording: row.try_get("wording")?,
        agreed_on: parse_date(row.try_get("agreed_on")?)?,
        source: match source.as_str() {
            "member" => ConsentSource::Member,
            "organiser" => ConsentSource::Organiser,
            "import" => ConsentSource::Import,
            _ => return Err(corrupt("consent source", &source)),
        },
        actor: row.try_get::<Option<i64>, _>("actor_id")?.map(UserId),
    })
}

/// Runs a `DELETE … WHERE … = $1` with `key`; how many rows went.
async fn delete_rows(conn: &mut AnyConnection, sql: &str, key: i64) -> StoreResult<u64> {
    Ok(sqlx::query(sql)
        .bind(key)
        .execute(conn)
        .await?
        .rows_affected())
}

/// The account with this email (any case), if there is one.
async fn user_by_email_on(conn: &mut AnyConnection, email: &str) -> StoreResult<Option<User>> {
    sqlx::query(&format!(
        "SELECT {USER_COLUMNS} FROM users u WHERE lower(u.email) = lower($1)"
    ))
    .bind(email)
    .fetch_optional(&mut *conn)
    .await?
    .as_ref()
    .map(user_from_row)
    .transpose()
}

async fn user_by_id_on(conn: &mut AnyConnection, id: i64) -> StoreResult<User> {
    let row = sqlx::query(&format!(
        "SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    user_from_row(&row)
}

/// A branch's sign-in links for one member (times only), oldest first.
async fn sign_in_links_on(
    conn: &mut AnyConnection,
    branch: BranchId,
    member: MemberId,
) -> StoreResult<Vec<MagicLinkRecord>> {
    sqlx::query(
        "SELECT id, created_at, expires_at, used_at FROM magic_links \
         WHERE branch_id = $1 AND member_id = $2 ORDER BY id",
    )
    .bind(branch.0)
    .bind(member.0)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|row| {
        Ok(MagicLinkRecord {
            id: MagicLinkId(row.try_get("id")?),
            created_at: from_secs(row.try_get("created_at")?),
            expires_at: from_secs(row.try_get("expires_at")?),
            used_at: row.try_get::<Option<i64>, _>("used_at")?.map(from_secs),
        })
    })
    .collect()
}

#[async_trait]
impl MemberDataStore for SqlStore {
    async fn member_for_sign_in(
        &self,
        branch: BranchId,
        email: &Email,
    ) -> StoreResult<Option<(MemberId, String)>> {
        let found: Option<(i64, String)> = sqlx::query_as(
            "SELECT id, email FROM members WHERE branch_id = $1 AND lower(email) = lower($2) \
             AND erased_at IS NULL ORDER BY id LIMIT 1",
        )
        .bind(branch.0)
        .bind(email.as_str())
        .fetch_optional(self.pool())
        .await?;
        Ok(found.map(|(id, email)| (MemberId(id), email)))
    }

    async fn magic_link_state(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<(BranchId, LinkState)> {
        let row = sqlx::query(
            "SELECT branch_id, expires_at, used_at FROM magic_links WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(self.pool())
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

    async fn email_change_state(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<(BranchId, LinkState)> {
        let mut conn = self.pool().acquire().await?;
        super::member_edits::email_change_state_on(&mut conn, token_hash, now).await
    }

    async fn pending_email_change(
        &self,
        branch: BranchId,
        member: MemberId,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<PendingEmailChange>> {
        let mut conn = self.pool().acquire().await?;
        super::member_edits::pending_email_change_on(&mut conn, branch, member, now).await
    }

    async fn consent_history(
        &self,
        branch: BranchId,
        member: MemberId,
    ) -> StoreResult<Vec<ConsentRecord>> {
        sqlx::query(
            "SELECT id, changed_at, by_email, by_phone, wording, agreed_on, source, actor_id \
             FROM member_consents WHERE branch_id = $1 AND member_id = $2 ORDER BY id",
        )
        .bind(branch.0)
        .bind(member.0)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(consent_from_row)
        .collect()
    }

    async fn subject_records(
        &self,
        branch: BranchId,
        member: MemberId,
    ) -> StoreResult<SubjectRecords> {
        let found =
            sqlx::query("SELECT email, user_id FROM members WHERE branch_id = $1 AND id = $2")
                .bind(branch.0)
                .bind(member.0)
                .fetch_optional(self.pool())
                .await?
                .ok_or(StoreError::NotFound)?;
        let email: Option<String> = found.try_get("email")?;
        let user_id: Option<i64> = found.try_get("user_id")?;
        let consents = self.consent_history(branch, member).await?;
        let (account, roles) = match user_id {
            Some(id) => {
                let mut conn = self.pool().acquire().await?;
                let user = user_by_id_on(&mut conn, id).await?;
                drop(conn);
                let roles: Vec<Membership> =
                    crate::DirectoryStore::memberships_of(self, user.id).await?;
                (Some(user), roles)
            }
            None => (None, Vec::new()),
        };
        const AUDIT: &str = "SELECT a.id, a.at, a.actor_id, u.email AS actor_email, a.branch_id, \
             a.action, a.subject, a.detail, a.request_id FROM audit_log a \
             LEFT JOIN users u ON u.id = a.actor_id";
        let audit_about = sqlx::query(&format!(
            "{AUDIT} WHERE a.branch_id = $1 AND a.subject = $2 ORDER BY a.id"
        ))
        .bind(branch.0)
        .bind(format!("member:{member}"))
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(super::audit::entry_from_row)
        .collect::<StoreResult<Vec<_>>>()?;
        let audit_by = match user_id {
            Some(id) => sqlx::query(&format!("{AUDIT} WHERE a.actor_id = $1 ORDER BY a.id"))
                .bind(id)
                .fetch_all(self.pool())
                .await?
                .iter()
                .map(super::audit::entry_from_row)
                .collect::<StoreResult<Vec<_>>>()?,
            None => Vec::new(),
        };
        let wall_messages = match &email {
            Some(email) => sqlx::query(
                "SELECT id, created_at, name, organisation, message, status, consent FROM wall_messages \
                 WHERE branch_id = $1 AND lower(email) = lower($2) ORDER BY id",
            )
            .bind(branch.0)
            .bind(email)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|row| {
                Ok(WallTrace {
                    id: WallMessageId(row.try_get("id")?),
                    created_at: from_secs(row.try_get("created_at")?),
                    name: row.try_get("name")?,
                    organisation: row.try_get("organisation")?,
                    message: row.try_get("message")?,
                    status: row.try_get("status")?,
                    consent: is_set(row, "consent")?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?,
            None => Vec::new(),
        };
        let mut conn = self.pool().acquire().await?;
        let sign_in_links = sign_in_links_on(&mut conn, branch, member).await?;
        Ok(SubjectRecords {
            consents,
            account,
            roles,
            audit_about,
            audit_by,
            wall_messages,
            sign_in_links,
        })
    }
}

#[async_trait]
impl MemberDataWrites for SqlWork {
    async fn create_magic_link(&mut self, link: &NewMagicLink) -> StoreResult<MagicLinkId> {
        // The member must be the branch's and not erased: no row, nothing inserted.
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO magic_links (branch_id, member_id, token_hash, created_at, expires_at) \
             SELECT branch_id, id, $3, $4, $5 FROM members \
             WHERE branch_id = $1 AND id = $2 AND erased_at IS NULL RETURNING id",
        )
        .bind(link.branch.0)
        .bind(link.member_id.0)
        .bind(&link.token_hash)
        .bind(to_secs(Utc::now()))
        .bind(to_secs(link.expires_at))
        .fetch_optional(self.conn())
        .await
        .map_err(|e| StoreError::conflict_on(e, "token"))?;
        id.map(MagicLinkId).ok_or(StoreError::NotFound)
    }

    async fn use_magic_link(
        &mut self,
        branch: BranchId,
        token_hash: &str,
        now: DateTime<Utc>,
        session_hash: &str,
        session_expires: DateTime<Utc>,
    ) -> StoreResult<LinkUse> {
        let conn = self.conn();
        // One statement both checks and spends the link, so two uses at once cannot both win.
        let spent: Option<i64> = sqlx::query_scalar(
            "UPDATE magic_links SET used_at = $1 WHERE branch_id = $2 AND token_hash = $3 \
             AND used_at IS NULL AND expires_at > $1 RETURNING member_id",
        )
        .bind(to_secs(now))
        .bind(branch.0)
        .bind(token_hash)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(member_id) = spent.map(MemberId) else {
            let row = sqlx::query(
                "SELECT expires_at, used_at FROM magic_links WHERE branch_id = $1 AND token_hash = $2",
            )
            .bind(branch.0)
            .bind(token_hash)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound)?;
            let state = LinkState::of(
                from_secs(row.try_get("expires_at")?),
                row.try_get::<Option<i64>, _>("used_at")?.map(from_secs),
                now,
            );
            return Ok(LinkUse::Refused(state));
        };
        // Erased since the link was sent, or the address removed: nothing to sign in to.
        let member = sqlx::query(
            "SELECT name, email, user_id FROM members WHERE branch_id = $1 AND id = $2 \
             AND erased_at IS NULL AND email IS NOT NULL",
        )
        .bind(branch.0)
        .bind(member_id.0)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?;
        let email: String = member.try_get("email")?;
        let name: String = member.try_get("name")?;
        let (user, created) = match member.try_get::<Option<i64>, _>("user_id")? {
            Some(id) => (user_by_id_on(&mut *conn, id).await?, false),
            None => match user_by_email_on(&mut *conn, &email).await? {
                Some(user) => (user, false),
                None => {
                    let row = sqlx::query(
                        "INSERT INTO users (email, display_name, password_hash, created_at) \
                         VALUES ($1, $2, NULL, $3) \
                         RETURNING id, email, display_name, password_hash, created_at",
                    )
                    .bind(&email)
                    .bind(&name)
                    .bind(to_secs(now))
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(|e| StoreError::conflict_on(e, "email"))?;
                    (user_from_row(&row)?, true)
                }
            },
        };
        // A role they already hold in the branch (a rep, an organiser) is kept.
        sqlx::query(
            "INSERT INTO memberships (user_id, branch_id, role, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id, branch_id) DO NOTHING",
        )
        .bind(user.id.0)
        .bind(branch.0)
        .bind(Role::Member.as_str())
        .bind(to_secs(now))
        .execute(&mut *conn)
        .await?;
        sqlx::query("UPDATE members SET user_id = $1 WHERE branch_id = $2 AND id = $3")
            .bind(user.id.0)
            .bind(branch.0)
            .bind(member_id.0)
            .execute(&mut *conn)
            .await?;
        if user.password_hash.is_some() {
            return Ok(LinkUse::PasswordAccount { user, member_id });
        }
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(session_hash)
        .bind(user.id.0)
        .bind(to_secs(now))
        .bind(to_secs(session_expires))
        .execute(&mut *conn)
        .await?;
        Ok(LinkUse::SignedIn {
            user,
            member_id,
            created,
        })
    }

    async fn update_own_details(
        &mut self,
        branch: BranchId,
        member: MemberId,
        user: UserId,
        details: &OwnDetails,
    ) -> StoreResult<()> {
        let conn = self.conn();
        let contact = &details.contact;
        let now = to_secs(Utc::now());
        // A change of choices goes into the consent history: compared with the record as it
        // is, before the record is changed. The record must be the branch's, not erased and
        // linked to `user`, here and in the update below.
        sqlx::query(
            "INSERT INTO member_consents (branch_id, member_id, changed_at, by_email, by_phone, \
             wording, agreed_on, source, actor_id) \
             SELECT branch_id, id, $4, $5, $6, $7, $8, $9, user_id FROM members \
             WHERE branch_id = $1 AND id = $2 AND user_id = $3 AND erased_at IS NULL \
             AND NOT (contact_email = $5 AND contact_phone = $6 \
             AND consent_wording IS NOT DISTINCT FROM $7 AND consent_date IS NOT DISTINCT FROM $8)",
        )
        .bind(branch.0)
        .bind(member.0)
        .bind(user.0)
        .bind(now)
        .bind(flag(contact.by_email))
        .bind(flag(contact.by_phone))
        .bind(contact.consent_wording.as_deref())
        .bind(date_text(contact.consent_date))
        .bind(ConsentSource::Member.as_str())
        .execute(&mut *conn)
        .await?;
        let done = sqlx::query(
            "UPDATE members SET email = $1, phone = $2, contact_email = $3, contact_phone = $4, \
             consent_wording = $5, consent_date = $6, updated_at = $7 \
             WHERE branch_id = $8 AND id = $9 AND user_id = $10 AND erased_at IS NULL",
        )
        .bind(details.email.as_ref().map(Email::as_str))
        .bind(details.phone.as_ref().map(|p| p.as_str()))
        .bind(flag(contact.by_email))
        .bind(flag(contact.by_phone))
        .bind(contact.consent_wording.as_deref())
        .bind(date_text(contact.consent_date))
        .bind(now)
        .bind(branch.0)
        .bind(member.0)
        .bind(user.0)
        .execute(&mut *conn)
        .await
        .map_err(|e| StoreError::conflict_on(e, "email"))?;
        super::found(&done)?;
        if let Some(email) = details.email.as_ref() {
            // The account made for sign-in links follows the record's address; an account with
            // a password is its owner's to change.
            sqlx::query("UPDATE users SET email = $1 WHERE id = $2 AND password_hash IS NULL")
                .bind(email.as_str())
                .bind(user.0)
                .execute(&mut *conn)
                .await
                .map_err(|e| StoreError::conflict_on(e, "email"))?;
        }
        Ok(())
    }

    async fn request_email_change(&mut self, change: &NewEmailChange) -> StoreResult<()> {
        super::member_edits::request_email_change_on(self.conn(), change).await
    }

    async fn confirm_email_change(
        &mut self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<EmailChangeUse> {
        super::member_edits::confirm_email_change_on(self.conn(), token_hash, now).await
    }

    async fn erase_member(
        &mut self,
        branch: BranchId,
        erasure: &Erasure,
    ) -> StoreResult<ErasureReport> {
        let conn = self.conn();
        let now = to_secs(Utc::now());
        let id = erasure.member_id;
        let member = sqlx::query(
            "SELECT email, user_id, membership_number FROM members WHERE branch_id = $1 AND id = $2 \
             AND erased_at IS NULL",
        )
        .bind(branch.0)
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound)?;
        let email: Option<String> = member.try_get("email")?;
        let user = member.try_get::<Option<i64>, _>("user_id")?.map(UserId);
        let number: String = member.try_get("membership_number")?;
        let placeholder = erased_number_placeholder(&erasure.number_key, branch, &number);
        let mut report = ErasureReport::default();
        if let Some(email) = &email {
            report.wall_emails = sqlx::query(
                "UPDATE wall_messages SET email = NULL, consent = 0 \
                 WHERE branch_id = $1 AND lower(email) = lower($2)",
            )
            .bind(branch.0)
            .bind(email)
            .execute(&mut *conn)
            .await?
            .rows_affected();
        }
        report.sign_in_links = delete_rows(
            &mut *conn,
            "DELETE FROM magic_links WHERE member_id = $1",
            id.0,
        )
        .await?;
        delete_rows(
            &mut *conn,
            "DELETE FROM member_email_changes WHERE member_id = $1",
            id.0,
        )
        .await?;
        report.consents = delete_rows(
            &mut *conn,
            "DELETE FROM member_consents WHERE member_id = $1",
            id.0,
        )
        .await?;
        // The row stays (team headcounts, ballot and strike figures, ledger entries refer to
        // it); everything that says who it was goes.
        sqlx::query(
            "UPDATE members SET name = $1, membership_number = $2, email = NULL, phone = NULL, \
             job_title = NULL, daily_pay_pence = NULL, is_rep = 0, contact_email = 0, \
             contact_phone = 0, consent_wording = NULL, consent_date = NULL, user_id = NULL, \
             erased_at = $3, updated_at = $3 WHERE branch_id = $4 AND id = $5",
        )
        .bind(erased_name(id))
        .bind(&placeholder)
        .bind(now)
        .bind(branch.0)
        .bind(id.0)
        .execute(&mut *conn)
        .await?;
        if let Some(user) = user {
            report.account = Some(user);
            report.sessions = delete_rows(
                &mut *conn,
                "DELETE FROM sessions WHERE user_id = $1",
                user.0,
            )
            .await?;
            report.api_tokens = delete_rows(
                &mut *conn,
                "DELETE FROM api_tokens WHERE user_id = $1",
                user.0,
            )
            .await?;
            sqlx::query("DELETE FROM rep_teams WHERE user_id = $1 AND branch_id = $2")
                .bind(user.0)
                .bind(branch.0)
                .execute(&mut *conn)
                .await?;
            sqlx::query("DELETE FROM memberships WHERE user_id = $1 AND branch_id = $2")
                .bind(user.0)
                .bind(branch.0)
                .execute(&mut *conn)
                .await?;
            let elsewhere: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM memberships WHERE user_id = $1")
                    .bind(user.0)
                    .fetch_one(&mut *conn)
                    .await?;
            if elsewhere == 0 {
                // Kept (the audit log names accounts by id) but emptied and unusable: no
                // password, an address that can never receive mail, no name.
                sqlx::query(
                    "UPDATE users SET email = $1, display_name = $2, password_hash = NULL WHERE id = $3",
                )
                .bind(erased_account_email(user))
                .bind(erased_name(id))
                .bind(user.0)
                .execute(&mut *conn)
                .await?;
            }
        }
        Ok(report)
    }
}

/// The key erased membership numbers are hashed with, if the instance has one yet (for the
/// import's check that a number does not belong to an erased record).
pub(super) async fn number_key_on(conn: &mut AnyConnection) -> StoreResult<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT value FROM instance_secrets WHERE name = $1")
            .bind(NUMBER_KEY_SECRET)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

/// Rows per statement when recording imported consent: 5 values each.
const CONSENT_CHUNK: usize = 500;

/// Adds a consent history entry (source `import`) for each imported record, by membership
/// number, whose contact choices are new or changed: one statement per chunk of rows, on the
/// import's transaction, after the records are written.
pub(super) async fn record_imported_consents(
    conn: &mut AnyConnection,
    branch: BranchId,
    changes: &[(String, ContactPreferences)],
) -> StoreResult<()> {
    let now = to_secs(Utc::now());
    for chunk in changes.chunks(CONSENT_CHUNK) {
        // Each row finds its record through the (branch, number) unique index.
        let values = (0..chunk.len())
            .map(|r| {
                let b = 3 + r * 5;
                format!(
                    "($1, (SELECT id FROM members WHERE branch_id = $1 AND membership_number = ${b}), \
                     $2, ${}, ${}, ${}, ${}, 'import')",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO member_consents (branch_id, member_id, changed_at, by_email, by_phone, \
             wording, agreed_on, source) VALUES {values}"
        );
        let mut query = sqlx::query(&sql).bind(branch.0).bind(now);
        for (number, contact) in chunk {
            query = query
                .bind(number.as_str())
                .bind(flag(contact.by_email))
                .bind(flag(contact.by_phone))
                .bind(contact.consent_wording.as_deref())
                .bind(date_text(contact.consent_date));
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}
