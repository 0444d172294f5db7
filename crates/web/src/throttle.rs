//! Counting a password check against the sign-in limits, the one way for sign-in and for a
//! password change: the check is counted before the password is compared, atomically with the
//! limits (see the store's `take_attempt`), and given back when the password was right.

use crate::error::AppResult;
use crate::security::keyed_hash;
use crate::state::AppState;
use chrono::{Duration, Utc};
use picket_store::{Attempt, AttemptLimit, AttemptTicket};

/// Which limit refused a password check, as the audit log names it.
pub const LIMIT_NAMES: [&str; 3] = ["per account", "per account and address", "per address"];

/// A password check counted against the limits, to be given back if the password was right.
#[derive(Debug)]
pub struct PasswordCheck {
    ticket: AttemptTicket,
    pair_key: String,
}

/// Counts one password check for `account` from `ip`: per account and per account and
/// address always, per address too when `per_address` (sign-in; a signed-in user changing
/// their password is not a stranger at that address). `Err(i)` names the limit reached
/// ([`LIMIT_NAMES`]): nothing is counted, and the password must not be checked.
pub async fn count_password_check(
    state: &AppState,
    account: &str,
    ip: &str,
    per_address: bool,
) -> AppResult<Result<PasswordCheck, usize>> {
    let sec = &state.settings.security;
    // Keyed with the instance secret, like client addresses: a stolen database cannot be
    // checked for whether a given address failed to sign in.
    let account = account.to_lowercase();
    let email_key = keyed_hash(state, &format!("login-email:{account}")).await?;
    let pair_key = keyed_hash(state, &format!("login-pair:{account}:{ip}")).await?;
    let ip_key = match per_address {
        true => Some(keyed_hash(state, &format!("login-ip:{ip}")).await?),
        false => None,
    };
    let mut limits = vec![
        AttemptLimit {
            key: &email_key,
            max: sec.max_failures_per_email,
        },
        AttemptLimit {
            key: &pair_key,
            max: sec.max_failures_per_pair,
        },
    ];
    if let Some(key) = &ip_key {
        limits.push(AttemptLimit {
            key,
            max: sec.max_failures_per_ip,
        });
    }
    let now = Utc::now();
    let since = now - Duration::minutes(sec.failure_window_minutes);
    Ok(match state.store.take_attempt(&limits, since, now).await? {
        Attempt::Counted(ticket) => Ok(PasswordCheck { ticket, pair_key }),
        Attempt::Refused(which) => Err(which),
    })
}

impl PasswordCheck {
    /// The password was right: the check is not a failure, and this address's earlier
    /// failures on the account are forgotten (failures from elsewhere still count).
    pub async fn passed(self, state: &AppState) -> AppResult<()> {
        state.store.release_attempt(&self.ticket).await?;
        state.store.clear_login_failures(&self.pair_key).await?;
        Ok(())
    }
}
