//! `picket branch …`, `picket user …`, `picket token …`.

use crate::db::open_and_migrate;
use crate::usage;
use anyhow::Context;
use clap::Subcommand;
use picket_domain::{Division, Slug};
use picket_store::prelude::*;
use picket_store::{NewAuditEntry, StoreError};
use picket_web::users::{add_user_to_branch, AddUser};
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
            let branch = match store.create_branch(&slug, &name, division).await {
                Err(StoreError::Conflict(_)) => {
                    return Err(usage(format!("--slug: a branch `{slug}` already exists")))
                }
                other => other?,
            };
            store
                .audit(NewAuditEntry {
                    branch: Some(branch.id),
                    action: "branch.add".into(),
                    subject: Some(format!("branch:{}", branch.id)),
                    detail: Some("command line".into()),
                    ..Default::default()
                })
                .await?;
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
    let UserCommand::Add {
        email,
        branch,
        role,
        name,
        password_stdin,
        no_password,
    } = cmd;
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

/// `picket token …`
pub async fn token(settings: Settings, cmd: &TokenCommand) -> anyhow::Result<()> {
    let TokenCommand::Create { email, name } = cmd;
    if name.trim().is_empty() {
        return Err(usage("--name: give the token a label"));
    }
    let store = open_and_migrate(&settings).await?;
    let user = match store.user_by_email(email).await {
        Err(StoreError::NotFound) => return Err(usage("--email: no user with that address")),
        other => other?,
    };
    let secret = picket_web::tokens::new_api_token();
    let token = store
        .create_api_token(user.id, name, &picket_web::tokens::hash_token(&secret))
        .await?;
    store
        .audit(NewAuditEntry {
            actor: Some(user.id),
            action: "token.create".into(),
            subject: Some(format!("token:{}", token.id)),
            detail: Some("command line".into()),
            ..Default::default()
        })
        .await?;
    eprintln!(
        "API token `{}` created. It is shown once; store it safely:",
        token.name
    );
    println!("{secret}");
    Ok(())
}
