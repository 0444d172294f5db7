//! `picket pickets remind`: queues the reminder email for tomorrow's picket shifts (or a
//! given day's), once per place, for a scheduler to run; `picket worker` runs the same pass
//! every hour, and so does `picket serve` when the outbox worker runs in the server.

use crate::db::open_and_migrate;
use clap::{Args, Subcommand};
use picket_jobs::pickets::{link_secret, queue_reminders, queue_reminders_for, Links};
use picket_store::Store;
use picket_web::Settings;
use std::time::Duration;

/// `picket pickets …`.
#[derive(Debug, Subcommand)]
pub enum PicketsCommand {
    /// Queue the reminder email to everyone with a place on tomorrow's shifts (by the UK
    /// clock). Each place is reminded once however often this runs.
    Remind(RemindArgs),
}

/// Options of `picket pickets remind`.
#[derive(Debug, Args)]
pub struct RemindArgs {
    /// Remind those on this day's shifts instead of tomorrow's (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub day: Option<String>,
}

/// The links in picket emails, from the settings and the instance's secret.
pub async fn links(settings: &Settings, store: &dyn Store) -> anyhow::Result<Links> {
    Ok(Links {
        public_url: settings.server.public_url.clone(),
        secret: link_secret(store).await?,
    })
}

/// `picket pickets …`.
pub async fn pickets(settings: &Settings, cmd: &PicketsCommand) -> anyhow::Result<()> {
    let PicketsCommand::Remind(args) = cmd;
    let day = match &args.day {
        None => None,
        Some(text) => Some(picket_domain::parse_iso_date(text).ok_or_else(|| {
            crate::usage(format!(
                "--day: `{text}` is not a date: give it as YYYY-MM-DD, e.g. 2024-05-13"
            ))
        })?),
    };
    let store = open_and_migrate(settings).await?;
    let links = links(settings, &store).await?;
    let queued = match day {
        Some(day) => queue_reminders_for(&store, &links, day).await?,
        None => queue_reminders(&store, &links, chrono::Utc::now()).await?,
    };
    println!("{queued} picket reminder(s) queued");
    Ok(())
}

/// Queues tomorrow's reminders now and then every hour, until the process ends. A failed pass
/// is logged and tried again at the next hour.
pub async fn remind_hourly(settings: Settings, store: std::sync::Arc<dyn Store>) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tick.tick().await;
        let pass = async {
            let links = links(&settings, &*store).await?;
            queue_reminders(&*store, &links, chrono::Utc::now()).await
        };
        match pass.await {
            Ok(n) => tracing::info!(queued = n, "picket reminders"),
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "picket reminders could not be queued")
            }
        }
    }
}
