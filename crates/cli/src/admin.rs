//! `picket branch …`, `picket user …`, `picket token …`.

use crate::db::open_and_migrate;
use crate::usage;
use anyhow::Context;
use clap::Subcommand;
use picket_domain::{ApiTokenId, Division, Slug};
use picket_store::prelude::*;
use picket_store::{NewAuditEntry, StoreError};
use picket_web::account;
use picket_web::account::users::{add_user_to_branch, AddUser};
use picket_web::extract::actor::AccountActor;
use picket_web::{AppError, AppState, Settings};
use std::io::BufRead;
use std::sync::Arc;

/// `picket branch …`
#[derive(Debug, Subcommand)]
pub enum BranchCommand {
    /// Create a branch.
    Add {
        /// URL name: 2–40 lower-case letters, digits and hyphens (not one of Picket's own routes).
        #[arg(long)]
        slug: String,
        /// Name for people, e.g. "Northfield Local Government Branch".
        #[arg(long)]
        name: String,
        /// Where its members work: england-and-wales, scotland or northern-ireland.
        #[arg(long)]
        division: String,
    },
    /// List branches.
    List,
}

/// `picket user …`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user to a branch with a role (creating the account if the email is new).
    Add {
        /// Their email address.
        #[arg(long)]
        email: String,
        /// The branch's slug.
        #[arg(long)]
        branch: String,
        /// admin, organiser, treasurer, rep or member.
        #[arg(long)]
        role: String,
        /// Their name (defaults to the part of the email before the @).
        #[arg(long)]
        name: Option<String>,
        /// Read the password from the first line of standard input instead of a prompt.
        #[arg(long)]
        password_stdin: bool,
        /// Create the account without a password.
        #[arg(long, conflicts_with = "password_stdin")]
        no_password: bool,
    },
    /// Set a user's password; every session of theirs ends (they sign in again).
    Password {
        /// Their email address.
        #[arg(long)]
        email: String,
        /// Read the password from the first line of standard input instead of a prompt.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Sign a user out everywhere: every session of theirs ends.
    EndSessions {
        /// Their email address.
        #[arg(long)]
        email: String,
    },
}

/// `picket token …`
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user and print it once.
    Create {
        /// The user's email.
        #[arg(long)]
        email: String,
        /// A label to recognise the token by, e.g. "branch website".
        #[arg(long)]
        name: String,
        /// Days the token works (1 to 3650); without it, it works until revoked.
        #[arg(long, value_name = "N")]
        expires_days: Option<u32>,
    },
    /// List a user's API tokens: id, name, created, last used, expires, status.
    List {
        /// The user's email.
        #[arg(long)]
        email: String,
    },
    /// Revoke an API token (it stops working at once).
    Revoke {
        /// The token's id, as `picket token list` shows it.
        #[arg(long)]
        id: ApiTokenId,
    },
}

/// `picket branch …`
pub async fn branch(settings: Settings, cmd: &BranchCommand) -> anyhow::Result<()> {
    let store = open_and_migrate(&settings).await?;
    match cmd {
        BranchCommand::Add {
            slug,
            name,
            division,
        } => {
            let slug: Slug = slug.parse().map_err(|e| usage(format!("--slug: {e}")))?;
            let division: Division = division
                .parse()
                .map_err(|e| usage(format!("--division: {e}")))?;
            let name = picket_domain::text::name(name, 200)
                .map_err(|e| usage(e.message("--name: the branch's name")))?;
            if name.is_empty() {
                return Err(usage("--name: give the branch a name"));
            }
            let mut work = store.begin().await?;
            let branch = match work.create_branch(&slug, &name, division).await {
                Err(StoreError::Conflict(_)) => {
                    return Err(usage(format!("--slug: a branch `{slug}` already exists")))
                }
                other => other?,
            };
            work.audit(NewAuditEntry {
                branch: Some(branch.id),
                action: "branch.add".into(),
                subject: Some(format!("branch:{}", branch.id)),
                detail: Some("command line".into()),
                ..Default::default()
            })
            .await?;
            work.commit().await?;
            println!(
                "created branch {} ({}) in {}",
                branch.slug,
                branch.name,
                branch.division.label()
            );
        }
        BranchCommand::List => {
            for b in store.list_branches().await? {
                println!("{}\t{}\t{}", b.slug, b.division, b.name);
            }
        }
    }
    Ok(())
}

fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    } else {
        let first = rpassword::prompt_password("Password: ")
            .context("reading the password (use --password-stdin when not at a terminal)")?;
        let again = rpassword::prompt_password("Password again: ")?;
        if first != again {
            return Err(usage("the two passwords differ"));
        }
        Ok(first)
    }
}

/// `picket user …`
pub async fn user(settings: Settings, cmd: &UserCommand) -> anyhow::Result<()> {
    let (email, branch, role, name, password_stdin, no_password) = match cmd {
        UserCommand::Add {
            email,
            branch,
            role,
            name,
            password_stdin,
            no_password,
        } => (email, branch, role, name, password_stdin, no_password),
        UserCommand::Password {
            email,
            password_stdin,
        } => return user_password(settings, email, *password_stdin).await,
        UserCommand::EndSessions { email } => return user_end_sessions(settings, email).await,
    };
    let store = Arc::new(open_and_migrate(&settings).await?);
    let branch = match store.branch_by_slug(branch).await {
        Err(StoreError::NotFound) => {
            return Err(usage(format!(
                "--branch: no branch `{branch}`; see `picket branch list`"
            )))
        }
        other => other?,
    };
    let exists = store.user_by_email(email).await.is_ok();
    let password = if *no_password || exists {
        None
    } else {
        Some(read_password(*password_stdin)?)
    };
    let mailer =
        picket_mail::build_mailer(&settings.mail).map_err(|e| usage(format!("`mail`: {e}")))?;
    let state = AppState::new(store, mailer, settings);
    let display_name = name
        .clone()
        .unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_string());
    let request = AddUser {
        email: email.clone(),
        display_name,
        role: role.clone(),
        password,
    };
    match add_user_to_branch(&state, None, &branch, request, None).await {
        Ok((user, created)) => {
            let what = if created {
                "added"
            } else {
                "updated the role of"
            };
            println!("{what} {} in {} as {role}", user.email, branch.slug);
            Ok(())
        }
        Err(AppError::Invalid { field, message }) => {
            Err(usage(format!("--{}: {message}", field.replace('_', "-"))))
        }
        Err(e) => Err(anyhow::anyhow!("{e}")),
    }
}

/// The app's state over the configured database, for the account commands.
async fn account_state(settings: Settings) -> anyhow::Result<AppState> {
    let store = Arc::new(open_and_migrate(&settings).await?);
    let mailer =
        picket_mail::build_mailer(&settings.mail).map_err(|e| usage(format!("`mail`: {e}")))?;
    Ok(AppState::new(store, mailer, settings))
}

/// The user with `email`, or a usage error.
async fn user_named(state: &AppState, email: &str) -> anyhow::Result<picket_store::User> {
    match state.store.user_by_email(email).await {
        Err(StoreError::NotFound) => Err(usage("--email: no user with that address")),
        other => Ok(other?),
    }
}

/// An input error as the command line says it: `--field: message`.
fn cli_error(e: AppError) -> anyhow::Error {
    match e {
        AppError::Invalid { field, message } => {
            usage(format!("--{}: {message}", field.replace('_', "-")))
        }
        e => anyhow::anyhow!("{e}"),
    }
}

/// `picket user password`
async fn user_password(settings: Settings, email: &str, from_stdin: bool) -> anyhow::Result<()> {
    let state = account_state(settings).await?;
    let user = user_named(&state, email).await?;
    let password = read_password(from_stdin)?;
    let ended = account::set_password(
        &state,
        &AccountActor::command_line(),
        &user,
        &password,
        &password,
        None,
        "password.reset",
    )
    .await
    .map_err(|e| match e {
        AppError::Invalid { message, .. } => usage(format!("the password: {message}")),
        e => anyhow::anyhow!("{e}"),
    })?;
    println!(
        "set the password of {}; {ended} {} ended",
        user.email,
        if ended == 1 { "session" } else { "sessions" }
    );
    Ok(())
}

/// `picket user end-sessions`
async fn user_end_sessions(settings: Settings, email: &str) -> anyhow::Result<()> {
    let state = account_state(settings).await?;
    let user = user_named(&state, email).await?;
    let ended = account::end_sessions(&state, &AccountActor::command_line(), &user)
        .await
        .map_err(cli_error)?;
    println!(
        "signed {} out everywhere; {ended} {} ended",
        user.email,
        if ended == 1 { "session" } else { "sessions" }
    );
    Ok(())
}

/// `picket token …`
pub async fn token(settings: Settings, cmd: &TokenCommand) -> anyhow::Result<()> {
    let state = account_state(settings).await?;
    let actor = AccountActor::command_line();
    match cmd {
        TokenCommand::Create {
            email,
            name,
            expires_days,
        } => {
            let user = user_named(&state, email).await?;
            let (token, secret) = account::create_token(&state, &actor, &user, name, *expires_days)
                .await
                .map_err(cli_error)?;
            let expiry = token
                .expires_at
                .map_or("It works until revoked".to_string(), |e| {
                    format!("It works until {}", account::day(e))
                });
            eprintln!(
                "API token `{}` (id {}) created. {expiry}. It is shown once; store it safely:",
                token.name, token.id
            );
            println!("{secret}");
        }
        TokenCommand::List { email } => {
            let user = user_named(&state, email).await?;
            let now = chrono::Utc::now();
            println!("id\tname\tcreated\tlast used\texpires\tstatus");
            for t in state.store.api_tokens_of(user.id).await? {
                let status = if t.revoked_at.is_some() {
                    "revoked"
                } else if t.is_live(now) {
                    "works"
                } else {
                    "expired"
                };
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{status}",
                    t.id,
                    t.name,
                    account::day(t.created_at),
                    t.last_used_at.map_or("never".into(), account::day),
                    t.expires_at.map_or("never".into(), account::day),
                );
            }
        }
        TokenCommand::Revoke { id } => {
            let token = match account::revoke_token(&state, &actor, *id, None).await {
                Err(AppError::NotFound) => {
                    return Err(usage(format!(
                        "--id: no token {id}; see `picket token list --email …`"
                    )))
                }
                other => other.map_err(cli_error)?,
            };
            println!("revoked token {} (`{}`)", token.id, token.name);
        }
    }
    Ok(())
}
