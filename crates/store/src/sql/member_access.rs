//! A member's own access: sign-in links, own corrections with the consent history, the
//! records a subject access request returns, and erasure.

use super::directory::user_from_row;
use super::{corrupt, from_secs, to_secs, SqlStore};
use crate::member_access::*;
use crate::{Membership, NewOutboxEmail, StoreError, StoreResult, User};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use picket_domain::member_access::{erased_account_email, erased_name, LinkState};
use picket_domain::members::ContactPreferences;
use picket_domain::{BranchId, Email, Role, UserId};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

const USER_COLUMNS: &str = "u.id, u.email, u.display_name, u.password_hash, u.created_at";

fn flag(b: bool) -> i64 {
    i64::from(b)
}

fn date_text(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

fn parse_date(text: Option<String>) -> StoreResult<Option<NaiveDate>> {
    text.map(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|_| corrupt("consent date", &t)))
        .transpose()
}

fn consent_from_row(row: &AnyRow) -> StoreResult<ConsentRecord> {
    let source: String = row.try_get("source")?;
    Ok(ConsentRecord {
        id: row.try_get("id")?,
        changed_at: from_secs(row.try_get("changed_at")?),
        by_email: row.try_get::<i64, _>("by_email")? != 0,
        by_phone: row.try_get::<i64, _>("by_phone")? != 0,
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

/// Inserts a consent history entry on a connection or in a transaction.
async fn insert_consent(
    conn: &mut AnyConnection,
    branch: BranchId,
    member_id: i64,
    contact: &ContactPreferences,
    source: ConsentSource,
    actor: Option<UserId>,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO member_consents (branch_id, member_id, changed_at, by_email, by_phone, wording, \
         agreed_on, source, actor_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(branch.0)
    .bind(member_id)
    .bind(to_secs(Utc::now()))
    .bind(flag(contact.by_email))
    .bind(flag(contact.by_phone))
    .bind(contact.consent_wording.as_deref())
    .bind(date_text(contact.consent_date))
    .bind(source.as_str())
    .bind(actor.map(|a| a.0))
    .execute(&mut *conn)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
        _ => e.into(),
    })?;
    Ok(())
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

#[async_trait]
impl MemberAccessStore for SqlStore {
    async fn member_for_sign_in(
        &self,
        branch: BranchId,
        email: &Email,
    ) -> StoreResult<Option<(i64, String)>> {
        Ok(sqlx::query_as(
            "SELECT id, email FROM members WHERE branch_id = $1 AND lower(email) = lower($2) \
             AND erased_at IS NULL ORDER BY id LIMIT 1",
        )
        .bind(branch.0)
        .bind(email.as_str())
        .fetch_optional(self.pool())
        .await?)
    }

    async fn create_magic_link(
        &self,
        link: NewMagicLink,
        email: NewOutboxEmail,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO magic_links (branch_id, member_id, token_hash, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(link.branch.0)
        .bind(link.member_id)
        .bind(&link.token_hash)
        .bind(to_secs(Utc::now()))
        .bind(to_secs(link.expires_at))
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::conflict_on(e, "token"))?;
        super::enqueue_email_on(&mut tx, email).await?;
        tx.commit().await?;
        Ok(())
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

    async fn use_magic_link(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        session_hash: &str,
        session_expires: DateTime<Utc>,
    ) -> StoreResult<LinkUse> {
        let mut tx = self.begin_write().await?;
        // One statement both checks and spends the link, so two uses at once cannot both win.
        let spent = sqlx::query(
            "UPDATE magic_links SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL \
             AND expires_at > $1 RETURNING branch_id, member_id",
        )
        .bind(to_secs(now))
        .bind(token_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(spent) = spent else {
            let row =
                sqlx::query("SELECT expires_at, used_at FROM magic_links WHERE token_hash = $1")
                    .bind(token_hash)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or(StoreError::NotFound)?;
            let state = LinkState::of(
                from_secs(row.try_get("expires_at")?),
                row.try_get::<Option<i64>, _>("used_at")?.map(from_secs),
                now,
            );
            return Ok(LinkUse::Refused(state));
        };
        let branch: i64 = spent.try_get("branch_id")?;
        let member_id: i64 = spent.try_get("member_id")?;
        // Erased since the link was sent, or the address removed: nothing to sign in to.
        let member = sqlx::query(
            "SELECT name, email, user_id FROM members WHERE id = $1 AND branch_id = $2 \
             AND erased_at IS NULL AND email IS NOT NULL",
        )
        .bind(member_id)
        .bind(branch)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let email: String = member.try_get("email")?;
        let name: String = member.try_get("name")?;
        let (user, created) = match member.try_get::<Option<i64>, _>("user_id")? {
            Some(id) => (user_by_id_on(&mut tx, id).await?, false),
            None => match user_by_email_on(&mut tx, &email).await? {
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
                    .fetch_one(&mut *tx)
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
        .bind(branch)
        .bind(Role::Member.as_str())
        .bind(to_secs(now))
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE members SET user_id = $1 WHERE id = $2")
            .bind(user.id.0)
            .bind(member_id)
            .execute(&mut *tx)
            .await?;
        let outcome = if user.password_hash.is_some() {
            LinkUse::PasswordAccount { user, member_id }
        } else {
            sqlx::query(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(session_hash)
            .bind(user.id.0)
            .bind(to_secs(now))
            .bind(to_secs(session_expires))
            .execute(&mut *tx)
            .await?;
            LinkUse::SignedIn {
                user,
                member_id,
                created,
            }
        };
        tx.commit().await?;
        Ok(outcome)
    }

    async fn update_own_details(
        &self,
        branch: BranchId,
        member_id: i64,
        details: &OwnDetails,
        actor: UserId,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "SELECT user_id, contact_email, contact_phone, consent_wording, consent_date FROM members \
             WHERE id = $1 AND branch_id = $2 AND erased_at IS NULL",
        )
        .bind(member_id)
        .bind(branch.0)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let before = ContactPreferences {
            by_email: row.try_get::<i64, _>("contact_email")? != 0,
            by_phone: row.try_get::<i64, _>("contact_phone")? != 0,
            consent_wording: row.try_get("consent_wording")?,
            consent_date: parse_date(row.try_get("consent_date")?)?,
        };
        let contact = &details.contact;
        sqlx::query(
            "UPDATE members SET email = $1, phone = $2, contact_email = $3, contact_phone = $4, \
             consent_wording = $5, consent_date = $6, updated_at = $7 WHERE id = $8 AND branch_id = $9",
        )
        .bind(details.email.as_ref().map(Email::as_str))
        .bind(details.phone.as_ref().map(|p| p.as_str()))
        .bind(flag(contact.by_email))
        .bind(flag(contact.by_phone))
        .bind(contact.consent_wording.as_deref())
        .bind(date_text(contact.consent_date))
        .bind(to_secs(Utc::now()))
        .bind(member_id)
        .bind(branch.0)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::conflict_on(e, "email"))?;
        if before != *contact {
            insert_consent(
                &mut tx,
                branch,
                member_id,
                contact,
                ConsentSource::Member,
                Some(actor),
            )
            .await?;
        }
        if let (Some(user), Some(email)) = (
            row.try_get::<Option<i64>, _>("user_id")?,
            details.email.as_ref(),
        ) {
            // The account made for sign-in links follows the record's address; an account with
            // a password is its owner's to change.
            sqlx::query("UPDATE users SET email = $1 WHERE id = $2 AND password_hash IS NULL")
                .bind(email.as_str())
                .bind(user)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::conflict_on(e, "email"))?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn record_consent(
        &self,
        branch: BranchId,
        member_id: i64,
        contact: &ContactPreferences,
        source: ConsentSource,
        actor: Option<UserId>,
    ) -> StoreResult<()> {
        let mut conn = self.pool().acquire().await?;
        insert_consent(&mut conn, branch, member_id, contact, source, actor).await
    }

    async fn consent_history(
        &self,
        branch: BranchId,
        member_id: i64,
    ) -> StoreResult<Vec<ConsentRecord>> {
        sqlx::query(
            "SELECT id, changed_at, by_email, by_phone, wording, agreed_on, source, actor_id \
             FROM member_consents WHERE branch_id = $1 AND member_id = $2 ORDER BY id",
        )
        .bind(branch.0)
        .bind(member_id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(consent_from_row)
        .collect()
    }

    async fn subject_records(
        &self,
        branch: BranchId,
        member_id: i64,
    ) -> StoreResult<SubjectRecords> {
        let member =
            sqlx::query("SELECT email, user_id FROM members WHERE id = $1 AND branch_id = $2")
                .bind(member_id)
                .bind(branch.0)
                .fetch_optional(self.pool())
                .await?
                .ok_or(StoreError::NotFound)?;
        let email: Option<String> = member.try_get("email")?;
        let user_id: Option<i64> = member.try_get("user_id")?;
        let consents = self.consent_history(branch, member_id).await?;
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
        .bind(format!("member:{member_id}"))
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
                    id: row.try_get("id")?,
                    created_at: from_secs(row.try_get("created_at")?),
                    name: row.try_get("name")?,
                    organisation: row.try_get("organisation")?,
                    message: row.try_get("message")?,
                    status: row.try_get("status")?,
                    consent: row.try_get::<i64, _>("consent")? != 0,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?,
            None => Vec::new(),
        };
        let sign_in_links = sqlx::query(
            "SELECT id, created_at, expires_at, used_at FROM magic_links \
             WHERE branch_id = $1 AND member_id = $2 ORDER BY id",
        )
        .bind(branch.0)
        .bind(member_id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|row| {
            Ok(MagicLinkRecord {
                id: row.try_get("id")?,
                created_at: from_secs(row.try_get("created_at")?),
                expires_at: from_secs(row.try_get("expires_at")?),
                used_at: row.try_get::<Option<i64>, _>("used_at")?.map(from_secs),
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
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

    async fn erase_member(&self, branch: BranchId, erasure: Erasure) -> StoreResult<ErasureReport> {
        let mut tx = self.begin_write().await?;
        let now = to_secs(Utc::now());
        let id = erasure.member_id;
        let member = sqlx::query(
            "SELECT email, user_id, membership_number FROM members WHERE id = $1 AND branch_id = $2 \
             AND erased_at IS NULL",
        )
        .bind(id)
        .bind(branch.0)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let email: Option<String> = member.try_get("email")?;
        let user: Option<i64> = member.try_get("user_id")?;
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
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        report.sign_in_links =
            delete_rows(&mut tx, "DELETE FROM magic_links WHERE member_id = $1", id).await?;
        report.consents = delete_rows(
            &mut tx,
            "DELETE FROM member_consents WHERE member_id = $1",
            id,
        )
        .await?;
        // The row stays (team headcounts, ballot and strike figures, ledger entries refer to
        // it); everything that says who it was goes.
        sqlx::query(
            "UPDATE members SET name = $1, membership_number = $2, email = NULL, phone = NULL, \
             job_title = NULL, daily_pay_pence = NULL, is_rep = 0, contact_email = 0, \
             contact_phone = 0, consent_wording = NULL, consent_date = NULL, user_id = NULL, \
             erased_at = $3, updated_at = $3 WHERE id = $4 AND branch_id = $5",
        )
        .bind(erased_name(id))
        .bind(&placeholder)
        .bind(now)
        .bind(id)
        .bind(branch.0)
        .execute(&mut *tx)
        .await?;
        if let Some(user) = user {
            report.account = Some(UserId(user));
            report.sessions =
                delete_rows(&mut tx, "DELETE FROM sessions WHERE user_id = $1", user).await?;
            report.api_tokens =
                delete_rows(&mut tx, "DELETE FROM api_tokens WHERE user_id = $1", user).await?;
            sqlx::query("DELETE FROM rep_teams WHERE user_id = $1 AND branch_id = $2")
                .bind(user)
                .bind(branch.0)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM memberships WHERE user_id = $1 AND branch_id = $2")
                .bind(user)
                .bind(branch.0)
                .execute(&mut *tx)
                .await?;
            let elsewhere: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM memberships WHERE user_id = $1")
                    .bind(user)
                    .fetch_one(&mut *tx)
                    .await?;
            if elsewhere == 0 {
                // Kept (the audit log names accounts by id) but emptied and unusable: no
                // password, an address that can never receive mail, no name.
                sqlx::query(
                    "UPDATE users SET email = $1, display_name = $2, password_hash = NULL WHERE id = $3",
                )
                .bind(erased_account_email(user))
                .bind(erased_name(id))
                .bind(user)
                .execute(&mut *tx)
                .await?;
            }
        }
        sqlx::query(
            "INSERT INTO audit_log (at, actor_id, branch_id, action, subject, detail, request_id) \
             VALUES ($1, $2, $3, 'member.erase', $4, $5, $6)",
        )
        .bind(now)
        .bind(erasure.actor.0)
        .bind(branch.0)
        .bind(format!("member:{id}"))
        .bind(format!(
            "reason: {}; removed {} sign-in links, {} consent entries, {} sessions, {} API tokens, \
             {} wall addresses{}",
            erasure.reason,
            report.sign_in_links,
            report.consents,
            report.sessions,
            report.api_tokens,
            report.wall_emails,
            report
                .account
                .map(|u| format!("; account user:{u} unlinked"))
                .unwrap_or_default()
        ))
        .bind(erasure.request_id.as_deref())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
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
