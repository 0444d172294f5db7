//! A user's own account, shared by the pages and the command line: API tokens (created with
//! an optional expiry, listed, revoked) and passwords (changed by their owner, reset by an
//! admin or on the command line), each change ending the sessions it should and audited.

pub mod admin;
pub mod api;
pub mod api_me;
pub mod pages;
pub mod passwords;
pub mod sign_in;
pub mod tokens;
pub mod users;

use crate::account::tokens::{hash_token, new_api_token};
use crate::error::{AppError, AppResult};
use crate::extract::actor::AccountActor;
use crate::state::AppState;
use chrono::{DateTime, Duration, Utc};
use picket_domain::{ApiTokenId, UserId};
use picket_store::{ApiToken, User};

/// The longest a token may be given, in days.
pub const MAX_TOKEN_DAYS: u32 = 3650;

/// "1 May 2024".
pub fn day(t: DateTime<Utc>) -> String {
    picket_domain::dates::long_date(t.date_naive())
}

/// Creates an API token for `user` named `name` that works for `days` days (or until revoked,
/// when `None`). Returns the token's facts and the secret, which is shown once and never kept.
pub async fn create_token(
    state: &AppState,
    actor: &AccountActor,
    user: &User,
    name: &str,
    days: Option<u32>,
) -> AppResult<(ApiToken, String)> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "name",
            "Give the token a label of 1 to 100 characters, like \"branch website\".",
        ));
    }
    let expires_at = match days {
        None => None,
        Some(d) if (1..=MAX_TOKEN_DAYS).contains(&d) => {
            Some(Utc::now() + Duration::days(i64::from(d)))
        }
        Some(_) => {
            return Err(AppError::invalid(
                "expires_days",
                format!("Give a number of days from 1 to {MAX_TOKEN_DAYS}."),
            ))
        }
    };
    let secret = new_api_token();
    let mut work = state.store.begin().await?;
    let token = work
        .create_api_token(user.id, name, &hash_token(&secret), expires_at)
        .await?;
    let expiry = token.expires_at.map_or("never expires".to_string(), |e| {
        format!("expires {}", day(e))
    });
    let mut entry = actor.entry(
        "token.create",
        format!("token:{}", token.id),
        format!("API token for user:{} created; {expiry}", user.id),
    );
    // On the command line the token's owner stands as the one acting.
    entry.actor = actor.user.or(Some(user.id));
    work.audit(entry).await?;
    work.commit().await?;
    Ok((token, secret))
}

/// Revokes token `id` (only if `owner` owns it, when given). Unknown or another's is
/// [`AppError::NotFound`].
pub async fn revoke_token(
    state: &AppState,
    actor: &AccountActor,
    id: ApiTokenId,
    owner: Option<UserId>,
) -> AppResult<ApiToken> {
    let mut work = state.store.begin().await?;
    let token = work.revoke_api_token(id, owner, Utc::now()).await?;
    work.audit(actor.entry(
        "token.revoke",
        format!("token:{}", token.id),
        format!("API token of user:{} revoked", token.user_id),
    ))
    .await?;
    work.commit().await?;
    Ok(token)
}

/// Why a new password is refused, for the field `new_password`.
fn check_new_password(new: &str, again: &str) -> AppResult<()> {
    if new != again {
        return Err(AppError::invalid(
            "new_password",
            "The two new passwords differ. Type the same one twice.",
        ));
    }
    Ok(())
}

/// Sets `user`'s password to `new` (typed twice) and ends their sessions but `keep` (the
/// session of the person changing their own password). `action` names the audit entry
/// (`password.change`, `password.reset`). Returns how many sessions ended.
pub async fn set_password(
    state: &AppState,
    actor: &AccountActor,
    user: &User,
    new: &str,
    again: &str,
    keep: Option<&str>,
    action: &str,
) -> AppResult<u64> {
    check_new_password(new, again)?;
    let hash = state
        .hasher
        .hash(new)
        .await
        .map_err(|e| AppError::invalid("new_password", sentence(&e.to_string())))?;
    let what = if action == "password.change" {
        "changed their password"
    } else {
        "password was reset"
    };
    let mut work = state.store.begin().await?;
    let ended = work.change_password(user.id, &hash, keep).await?;
    work.audit(actor.entry(
        action,
        format!("user:{}", user.id),
        format!(
            "user:{} {what}; {ended} other {} ended",
            user.id,
            if ended == 1 { "session" } else { "sessions" },
        ),
    ))
    .await?;
    work.commit().await?;
    Ok(ended)
}

/// Ends every session of `user` (an admin's action, or the command line). How many ended.
pub async fn end_sessions(state: &AppState, actor: &AccountActor, user: &User) -> AppResult<u64> {
    let mut work = state.store.begin().await?;
    let ended = work.end_sessions(user.id, None).await?;
    work.audit(actor.entry(
        "user.sessions_end",
        format!("user:{}", user.id),
        format!("all sessions of user:{} ended ({ended})", user.id),
    ))
    .await?;
    work.commit().await?;
    Ok(ended)
}

/// "the password must be …" as a sentence.
fn sentence(s: &str) -> String {
    let mut c = s.chars();
    let first: String = c
        .next()
        .map(|f| f.to_uppercase().collect())
        .unwrap_or_default();
    format!("{first}{}.", c.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_as_sentences() {
        assert_eq!(
            sentence("the password must be at least 10 characters"),
            "The password must be at least 10 characters."
        );
        assert!(check_new_password("a", "b").is_err());
        assert!(check_new_password("same", "same").is_ok());
        let t = DateTime::parse_from_rfc3339("2024-05-01T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(day(t), "1 May 2024");
    }
}
