//! `picket demo`: a fresh database holding a branch shaped like the seeds' dispute (a London
//! borough's mental health social workers), with invented names for every person.

use crate::serve::{init_logging, shutdown_signal};
use anyhow::Context;
use clap::Args;
use picket_domain::{Division, Role};
use picket_store::prelude::*;
use picket_web::account::users::{add_user_to_branch, AddUser};
use picket_web::{App, AppState, Settings};
use std::sync::Arc;

/// Options of `picket demo`.
#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// Listen here.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "HOST:PORT")]
    pub addr: String,
    /// Use this database instead of a temporary file (it must be empty).
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
}

/// The password of every demo login.
pub const DEMO_PASSWORD: &str = "picket-demo-2024";

/// The demo branch's slug.
pub const DEMO_BRANCH: &str = "northfield";

/// Demo logins: email, invented name, role.
pub const DEMO_USERS: &[(&str, &str, Role)] = &[
    ("admin@picket.example", "Morag Lindqvist", Role::Admin),
    ("organiser@picket.example", "Dana Whitlock", Role::Organiser),
    ("treasurer@picket.example", "Priya Ashdown", Role::Treasurer),
    ("rep@picket.example", "Tomasz Hale", Role::Rep),
    ("member@picket.example", "Sam Okonjo-Reyes", Role::Member),
];

/// `picket demo`.
pub async fn run(mut settings: Settings, args: DemoArgs) -> anyhow::Result<()> {
    let dir = tempfile::Builder::new()
        .prefix("picket-demo-")
        .tempdir()
        .context("creating a temporary directory")?;
    let url = args
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", dir.path().join("demo.db").display()));
    settings.database_url = picket_mail::Secret::new(url.clone());
    settings.server.addr.clone_from(&args.addr);
    if settings.server.public_url == Settings::default().server.public_url {
        settings.server.public_url = format!("http://{}", args.addr);
    }
    settings.mail = picket_mail::MailerSettings::File {
        dir: dir.path().join("mail"),
        from: None,
    };
    settings
        .validate()
        .map_err(|e| crate::usage(e.to_string()))?;
    init_logging(&settings);

    let store = Arc::new(crate::db::open_to_serve(&url, settings.database_max_connections).await?);
    crate::db::start_events(&url, &store).await?;
    if !store.list_branches().await?.is_empty() {
        return Err(crate::usage(
            "--database-url: the demo needs an empty database",
        ));
    }
    let mailer = picket_mail::build_mailer(&settings.mail)?;
    let app = App::build(settings, store, mailer)
        .await
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    let dispute = seed(app.state()).await?;

    println!("Picket demo: http://{}", app.local_addr());
    println!(
        "Database: {}",
        if args.database_url.is_some() {
            "as given"
        } else {
            "a temporary file, removed on exit"
        }
    );
    println!(
        "Dispute desk: http://{}/{DEMO_BRANCH}/disputes/{dispute}/desk?as_of={} (figures as they stood on that day; drop as_of for today)",
        app.local_addr(),
        crate::demo_disputes::DEMO_AS_OF
    );
    println!(
        "Campaign page: http://{}/{DEMO_BRANCH}/disputes/{dispute} (poster: …/poster, strike calendar: …/strikes.ics)",
        app.local_addr()
    );
    println!("Email is written to {}", dir.path().join("mail").display());
    println!();
    println!("Logins (password for all: {DEMO_PASSWORD}):");
    for (email, name, role) in DEMO_USERS {
        println!("  {:<10} {email:<28} {name}", role.as_str());
    }
    println!();
    println!("Press Ctrl-C to stop.");
    app.serve(shutdown_signal()).await?;
    drop(dir);
    Ok(())
}

/// Fills an empty database with the demo branch, its people and its dispute; returns the
/// dispute's id.
pub async fn seed(state: &AppState) -> anyhow::Result<picket_domain::DisputeId> {
    let slug = DEMO_BRANCH.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut work = state.store.begin().await?;
    let branch = work
        .create_branch(
            &slug,
            "Northfield Local Government Branch",
            Division::EnglandAndWales,
        )
        .await?;
    work.commit().await?;
    for (email, name, role) in DEMO_USERS {
        add_user_to_branch(
            state,
            None,
            &branch,
            AddUser {
                email: (*email).into(),
                display_name: (*name).into(),
                role: role.as_str().into(),
                password: Some(DEMO_PASSWORD.into()),
            },
            None,
        )
        .await
        .map_err(|e| anyhow::anyhow!("seeding {email}: {e}"))?;
    }
    crate::demo_wall::seed(state, &branch, "organiser@picket.example").await?;
    crate::demo_members::seed(state, &branch).await?;
    let dispute = crate::demo_disputes::seed(state, &branch).await?;
    crate::demo_campaign::seed(state, &branch, dispute).await?;
    crate::demo_pickets::seed(state, &branch, dispute).await?;
    crate::demo_eactions::seed(state, &branch, dispute).await?;
    crate::demo_fund::seed(state, &branch, dispute).await?;
    Ok(dispute)
}
