//! Adding a user to a branch: the one code path behind the admin page and `picket user add`.

use crate::error::{AppError, AppResult};
use crate::extract::CurrentUser;
use crate::state::AppState;
use chrono::Utc;
use picket_domain::{Email, Role};
use picket_mail::OutgoingEmail;
use picket_store::{Branch, NewAuditEntry, NewOutboxEmail, User};

/// A request to add someone to a branch, as typed.
#[derive(Debug, Clone)]
pub struct AddUser {
    /// Their email address.
    pub email: String,
    /// Their name.
    pub display_name: String,
    /// The role to give them.
    pub role: String,
    /// A password for a new account (none: they cannot sign in with a password yet).
    pub password: Option<String>,
}

/// Validates and adds a user to `branch`, queuing a welcome email and writing the audit entry.
/// `actor` is `None` when the command line does it.
pub async fn add_user_to_branch(
    state: &AppState,
    actor: Option<&CurrentUser>,
    branch: &Branch,
    request: AddUser,
    request_id: Option<String>,
) -> AppResult<(User, bool)> {
    let email: Email = request
        .email
        .parse()
        .map_err(|e: picket_domain::ValueError| AppError::invalid("email", e.to_string()))?;
    let display_name = picket_domain::text::name(&request.display_name, 100).map_err(|e| {
        AppError::invalid(
            "display_name",
            match e {
                picket_domain::TextError::TooLong { .. } => {
                    "Give a name of 1 to 100 characters.".to_string()
                }
                other => other.message("The name"),
            },
        )
    })?;
    let display_name = display_name.as_str();
    if display_name.is_empty() {
        return Err(AppError::invalid(
            "display_name",
            "Give a name of 1 to 100 characters.",
        ));
    }
    let role: Role = request
        .role
        .parse()
        .map_err(|e: picket_domain::role::UnknownRole| AppError::invalid("role", e.to_string()))?;
    if role == Role::Admin && actor.is_some_and(|a| !a.is_admin()) {
        return Err(AppError::invalid(
            "role",
            "Only an instance admin can make someone an admin.",
        ));
    }
    let hash = match request.password.as_deref() {
        Some(p) => Some(
            state
                .hasher
                .hash(p)
                .await
                .map_err(|e| AppError::invalid("password", capitalised(&e.to_string())))?,
        ),
        None => None,
    };
    let welcome = OutgoingEmail::new(
        email.as_str(),
        format!("You have been added to {} on Picket", branch.name),
        format!(
            "Hello {display_name},\n\nYou now have the {role} role in {} on Picket.\nSign in at {}/login\n",
            branch.name, state.settings.server.public_url
        ),
    );
    let payload = serde_json::to_string(&welcome).map_err(|e| AppError::Internal(e.to_string()))?;
    let (user, created) = state
        .store
        .add_branch_user(
            &email,
            display_name,
            hash.as_deref(),
            branch.id,
            role,
            Some(NewOutboxEmail {
                idempotency_key: Some(format!(
                    "welcome:{}:{}",
                    branch.id,
                    email.as_str().to_lowercase()
                )),
                payload,
                max_attempts: state.settings.worker.max_attempts,
                run_after: Utc::now(),
            }),
        )
        .await?;
    state
        .store
        .audit(NewAuditEntry {
            actor: actor.map(|a| a.user.id),
            branch: Some(branch.id),
            action: if created {
                "user.add".into()
            } else {
                "user.role".into()
            },
            subject: Some(format!("user:{}", user.id)),
            detail: Some(format!(
                "role {role}{}",
                if actor.is_none() {
                    " (command line)"
                } else {
                    ""
                }
            )),
            request_id,
        })
        .await?;
    Ok((user, created))
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
