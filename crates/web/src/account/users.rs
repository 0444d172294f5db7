//! Adding a user to a branch: the one code path behind the admin page and `picket user add`.

use crate::error::{AppError, AppResult};
use crate::extract::CurrentUser;
use crate::state::AppState;
use picket_domain::{Email, Role};
use picket_mail::OutgoingEmail;
use picket_store::{Branch, NewAuditEntry, NewBranchUser, StoreError, User};

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

/// Validates and adds a user to `branch`: the change, its welcome email and its audit entry
/// in one unit of work. `actor` is `None` when the command line does it.
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
    let authority = authority_of(actor, branch);
    if role == Role::Admin && authority < Role::Admin {
        return Err(AppError::invalid(
            "role",
            "Only an instance admin can make someone an admin.",
        ));
    }
    if role > authority {
        return Err(AppError::invalid(
            "role",
            format!("You can give roles up to {authority}, not {role}."),
        ));
    }
    // Said clearly here; the store refuses the same change again inside its transaction.
    check_role_replaced(state, &email, branch, authority).await?;
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
    let mut work = state.store.begin().await?;
    let (user, created) = work
        .add_branch_user_within(NewBranchUser {
            email: &email,
            display_name,
            password_hash: hash.as_deref(),
            branch: branch.id,
            role,
            authority,
        })
        .await?
        .ok_or_else(|| AppError::invalid("role", REPLACE_REFUSED))?;
    picket_jobs::queue_email(
        &mut *work,
        &welcome,
        Some(format!(
            "welcome:{}:{}",
            branch.id,
            email.as_str().to_lowercase()
        )),
        state.settings.worker.max_attempts,
    )
    .await
    .map_err(|e| AppError::failed("queueing the welcome email", e))?;
    work.audit(NewAuditEntry {
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
    work.commit().await?;
    Ok((user, created))
}

/// Why a role change was refused when the role being replaced is out of reach.
const REPLACE_REFUSED: &str =
    "You cannot change this person's role: they hold a role above yours, or administer the instance.";

/// The highest role `actor` may give or replace in `branch`: everything for the command line
/// and instance admins, else their own role there.
fn authority_of(actor: Option<&CurrentUser>, branch: &Branch) -> Role {
    match actor {
        None => Role::Admin,
        Some(a) if a.is_admin() => Role::Admin,
        Some(a) => a.role_in(&branch.slug).unwrap_or(Role::Member),
    }
}

/// Refuses, with a clear message, a change to the role someone holds in this branch when the
/// actor may not touch it: an instance admin's (unless the actor is one), or a role above the
/// actor's.
async fn check_role_replaced(
    state: &AppState,
    email: &Email,
    branch: &Branch,
    authority: Role,
) -> AppResult<()> {
    if authority == Role::Admin {
        return Ok(());
    }
    let user = match state.store.user_by_email(email.as_str()).await {
        Ok(user) => user,
        Err(StoreError::NotFound) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    let memberships = state.store.memberships_of(user.id).await?;
    // Someone not yet in this branch has no role here to replace.
    let Some(here) = memberships.iter().find(|m| m.branch.id == branch.id) else {
        return Ok(());
    };
    if memberships.iter().any(|m| m.role == Role::Admin) {
        return Err(AppError::invalid(
            "role",
            "Only an instance admin can change the role of an instance admin.",
        ));
    }
    if here.role > authority {
        return Err(AppError::invalid("role", REPLACE_REFUSED));
    }
    Ok(())
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
