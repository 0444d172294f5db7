//! `picket serve` and `picket worker`.

use crate::db::open_and_migrate;
use anyhow::Context;
use clap::Args;
use picket_jobs::OutboxWorker;
use picket_web::{App, Settings};
use std::sync::Arc;
use tracing_subscriber::EnvFilter;

/// Options of `picket serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Listen on this address instead of `server.addr`.
    #[arg(long, value_name = "HOST:PORT")]
    pub addr: Option<String>,
}

/// Starts logging as the settings say. Logs carry no personal data: request logs hold the
/// method, path and request id only.
pub fn init_logging(settings: &Settings) {
    let filter = EnvFilter::try_new(&settings.log.level).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if settings.log.format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}

/// `picket serve`.
pub async fn serve(mut settings: Settings, args: &ServeArgs) -> anyhow::Result<()> {
    if let Some(addr) = &args.addr {
        settings.server.addr.clone_from(addr);
        settings
            .validate()
            .map_err(|e| crate::usage(e.to_string()))?;
    }
    init_logging(&settings);
    let store = Arc::new(
        crate::db::open_to_serve(
            settings.database_url.expose(),
            settings.database_max_connections,
        )
        .await?,
    );
    crate::db::start_events(settings.database_url.expose(), &store).await?;
    let mailer = picket_mail::build_mailer(&settings.mail)
        .map_err(|e| crate::usage(format!("`mail`: {e}")))?;
    let addr = settings.server.addr.clone();
    // With the outbox worker in the server, tomorrow's picket reminders are queued here too
    // (each place is reminded once, so a separate `picket worker` doing the same is harmless).
    let reminders = settings.worker.in_server.then(|| {
        tokio::spawn(crate::pickets::remind_hourly(
            settings.clone(),
            store.clone(),
        ))
    });
    let app = App::build(settings, store, mailer)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    eprintln!("Picket is serving on http://{}", app.local_addr());
    let served = app.serve(shutdown_signal()).await;
    if let Some(task) = reminders {
        task.abort();
    }
    served?;
    Ok(())
}

/// How often `picket worker` queues campaign letters and looks for overdue replies.
const DESK_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// `picket worker`.
pub async fn worker(settings: Settings) -> anyhow::Result<()> {
    init_logging(&settings);
    let store = Arc::new(open_and_migrate(&settings).await?);
    let mailer = picket_mail::build_mailer(&settings.mail)
        .map_err(|e| crate::usage(format!("`mail`: {e}")))?;
    // The desk's timed work (campaign letters, overdue reminders) and the picket reminders
    // run beside the outbox; they end with the process.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut desk_stopped = stopped.clone();
    let desk = tokio::spawn(picket_jobs::eactions::desk_loop(
        store.clone(),
        DESK_EVERY,
        async move {
            let _ = desk_stopped.wait_for(|s| *s).await;
        },
    ));
    let reminders = tokio::spawn(crate::pickets::remind_hourly(
        settings.clone(),
        store.clone(),
    ));
    let worker = OutboxWorker::new(store, mailer, picket_web::app::worker_config(&settings));
    worker.run(shutdown_signal()).await;
    reminders.abort();
    let _ = stop.send(true);
    let _ = desk.await;
    drop(stopped);
    Ok(())
}
