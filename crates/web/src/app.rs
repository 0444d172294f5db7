//! Building and running the application: one route table, the middleware stack, a bound
//! listener, graceful shutdown, and the background tasks (outbox worker, the daily retention pass).

use crate::settings::Settings;
use crate::state::AppState;
use crate::{api, assets, pages, security};
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderName, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use picket_jobs::{OutboxWorker, WorkerConfig};
use picket_mail::Mailer;
use picket_store::Store;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// A built application with its listener bound, ready to serve.
pub struct App {
    listener: TcpListener,
    state: AppState,
}

impl App {
    /// Binds `settings.server.addr` (port 0 picks a free port) over a migrated store.
    pub async fn build(
        settings: Settings,
        store: Arc<dyn Store>,
        mailer: Arc<dyn Mailer>,
    ) -> std::io::Result<App> {
        let listener = TcpListener::bind(&settings.server.addr).await?;
        Ok(App {
            listener,
            state: AppState::new(store, mailer, settings),
        })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// The shared state (for tests and commands that reuse handlers' code).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves, then finishes requests in flight. Runs the outbox
    /// worker and the e-actions desk loop alongside when `worker.in_server` is set.
    pub async fn serve(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let mut background = Vec::new();
        if self.state.settings.worker.in_server {
            let worker = OutboxWorker::new(
                self.state.store.clone(),
                self.state.mailer.clone(),
                worker_config(&self.state.settings),
            );
            let mut rx = stop_rx.clone();
            background.push(tokio::spawn(worker.run(async move {
                let _ = rx.wait_for(|stop| *stop).await;
            })));
            // The desk's timed work beside it: campaign letters and overdue reminders.
            let mut rx = stop_rx.clone();
            background.push(tokio::spawn(picket_jobs::eactions::desk_loop(
                self.state.store.clone(),
                DESK_EVERY,
                async move {
                    let _ = rx.wait_for(|stop| *stop).await;
                },
            )));
        }
        // Imports a stopped process left running are failed before the first request.
        if let Err(e) = crate::members::import::fail_abandoned(&self.state).await {
            tracing::error!(error = %e, "looking for abandoned member imports failed");
        }
        background.push(tokio::spawn(crate::members::import::keep_leases(
            self.state.clone(),
            stop_rx.clone(),
        )));
        background.push(tokio::spawn(crate::wall::forward_events(
            self.state.clone(),
            stop_rx.clone(),
        )));
        let mut rx = stop_rx.clone();
        background.push(tokio::spawn(picket_jobs::retention::retention_loop(
            self.state.store.clone(),
            self.state.settings.retention_policy(),
            RETENTION_EVERY,
            async move {
                let _ = rx.wait_for(|stop| *stop).await;
            },
        )));
        tracing::info!(addr = %self.local_addr(), backend = self.state.store.backend().as_str(), "Picket is listening");
        let router = router(self.state.clone());
        crate::server::serve(self.listener, router, shutdown).await;
        let _ = stop_tx.send(true);
        for task in background {
            let _ = task.await;
        }
        tracing::info!("Picket stopped");
        Ok(())
    }
}

/// The worker's pacing from settings.
pub fn worker_config(settings: &Settings) -> WorkerConfig {
    WorkerConfig {
        poll_interval: Duration::from_secs(settings.worker.poll_interval_secs.max(1)),
        lease: Duration::from_secs(settings.worker.lease_secs.max(10)),
        ..WorkerConfig::default()
    }
}

/// How often `picket serve` queues campaign letters and looks for overdue replies (with
/// `worker.in_server`).
const DESK_EVERY: Duration = Duration::from_secs(60);

/// How often `picket serve` applies retention.
const RETENTION_EVERY: Duration = Duration::from_secs(24 * 3600);

/// One retention pass with the instance's settings as of `now` (what the daily job does);
/// with `dry_run` it only counts.
pub async fn run_retention(
    state: &AppState,
    now: chrono::DateTime<chrono::Utc>,
    dry_run: bool,
) -> Result<Vec<picket_jobs::retention::KindOutcome>, picket_store::StoreError> {
    picket_jobs::retention::run_retention(
        &*state.store,
        &state.settings.retention_policy(),
        now,
        dry_run,
    )
    .await
}

/// The one route table.
pub fn router(state: AppState) -> Router {
    let settings = state.settings.clone();
    let pages = Router::new()
        .route("/", get(pages::home::landing))
        .route(
            "/login",
            get(crate::account::sign_in::login_form).post(crate::account::sign_in::login),
        )
        .route(
            "/logout",
            axum::routing::post(crate::account::sign_in::logout),
        )
        .route(
            "/login/link",
            get(crate::member_data::pages::link_page).post(crate::member_data::pages::use_link),
        )
        .route("/dashboard", get(pages::home::dashboard))
        .route("/account", get(crate::account::pages::index))
        .route(
            "/account/password",
            get(crate::account::pages::password_form).post(crate::account::pages::change_password),
        )
        .route(
            "/account/tokens",
            get(crate::account::pages::tokens).post(crate::account::pages::create),
        )
        .route(
            "/account/tokens/{id}/revoke",
            axum::routing::post(crate::account::pages::revoke),
        )
        .route("/admin", get(crate::account::admin::branches))
        .route("/{branch}", get(pages::home::branch_page))
        .route(
            "/{branch}/me",
            get(crate::member_data::pages::record).post(crate::member_data::pages::update),
        )
        .route(
            "/{branch}/me/confirm-email",
            get(crate::member_data::email_change::confirm_page)
                .post(crate::member_data::email_change::confirm_form),
        )
        .route(
            "/{branch}/me/login",
            get(crate::member_data::pages::login_form)
                .post(crate::member_data::pages::request_link),
        )
        .route(
            "/{branch}/me/{file}",
            get(crate::member_data::pages::download),
        )
        .route(
            "/{branch}/members/{id}/subject-access",
            get(crate::member_data::staff_pages::subject_access_form)
                .post(crate::member_data::staff_pages::subject_access),
        )
        .route(
            "/{branch}/members/{id}/erase",
            get(crate::member_data::staff_pages::erase_form)
                .post(crate::member_data::staff_pages::erase),
        )
        .route(
            "/{branch}/admin/users",
            get(crate::account::admin::users).post(crate::account::admin::add_user),
        )
        .route(
            "/{branch}/admin/users/{id}/password",
            get(crate::account::admin::reset_password_form)
                .post(crate::account::admin::reset_password),
        )
        .route(
            "/{branch}/admin/users/{id}/sessions",
            get(crate::account::admin::end_sessions_form).post(crate::account::admin::end_sessions),
        )
        .route(
            "/{branch}/wall",
            get(crate::wall::pages::wall).post(crate::wall::pages::post),
        )
        .route("/{branch}/wall/moderate", get(crate::wall::pages::queue))
        .route("/{branch}/wall/pledges", get(crate::wall::pledges::list))
        .route(
            "/{branch}/wall/{id}/follow-up",
            axum::routing::post(crate::wall::pledges::follow_up),
        )
        .route(
            "/{branch}/embed/wall",
            get(crate::wall::embed::embed).post(crate::wall::embed::post),
        )
        .route("/{branch}/wall/events", get(crate::wall::pages::events))
        .route("/{branch}/wall/feed.atom", get(crate::wall::feed::atom))
        .route(
            "/{branch}/disputes",
            get(crate::disputes::pages::list).post(crate::disputes::pages::create),
        )
        .route("/{branch}/disputes/{id}", get(crate::campaign::pages::page))
        .route(
            "/{branch}/disputes/{id}/counters",
            get(crate::campaign::pages::counters),
        )
        .route(
            "/{branch}/disputes/{id}/strikes.ics",
            get(crate::campaign::pages::ics),
        )
        .route(
            "/{branch}/disputes/{id}/poster",
            get(crate::campaign::pages::poster),
        )
        .route(
            "/{branch}/disputes/{id}/qr.svg",
            get(crate::campaign::pages::qr),
        )
        .route(
            "/{branch}/disputes/{id}/pickets",
            get(crate::pickets::list).post(crate::pickets::add),
        )
        .route(
            "/{branch}/disputes/{id}/pickets/{location}",
            axum::routing::post(crate::pickets::change),
        )
        .route(
            "/{branch}/disputes/{id}/desk",
            get(crate::disputes::rooms::desk),
        )
        .route(
            "/{branch}/disputes/{id}/action",
            get(crate::disputes::rooms::action),
        )
        .route(
            "/{branch}/disputes/{id}/impact",
            get(crate::disputes::rooms::impact),
        )
        .route(
            "/{branch}/disputes/{id}/items/{kind}/{item}",
            get(crate::disputes::items::edit).post(crate::disputes::items::update),
        )
        .route(
            "/{branch}/disputes/{id}/periods/{period}/publish",
            get(crate::disputes::publish::form).post(crate::disputes::publish::confirm),
        )
        .route(
            "/{branch}/disputes/{id}/periods/{period}/withdraw",
            axum::routing::post(crate::disputes::publish::take_back),
        )
        .route(
            "/{branch}/disputes/{id}/items/{kind}/{item}/delete",
            get(crate::disputes::items::delete_form).post(crate::disputes::items::delete),
        )
        .route(
            "/{branch}/disputes/{id}/edit",
            axum::routing::post(crate::disputes::desk_forms::edit),
        )
        .route(
            "/{branch}/disputes/{id}/timeline",
            get(crate::disputes::rooms::timeline).post(crate::disputes::desk_forms::timeline),
        )
        .route(
            "/{branch}/disputes/{id}/timeline-edit",
            axum::routing::post(crate::disputes::desk_forms::timeline_edit),
        )
        .route(
            "/{branch}/disputes/{id}/parties",
            get(crate::disputes::rooms::parties).post(crate::disputes::desk_forms::parties),
        )
        .route(
            "/{branch}/disputes/{id}/claims",
            axum::routing::post(crate::disputes::desk_forms::claims),
        )
        .route(
            "/{branch}/disputes/{id}/claim-status",
            axum::routing::post(crate::disputes::desk_forms::claim_status),
        )
        .route(
            "/{branch}/disputes/{id}/rates",
            axum::routing::post(crate::disputes::desk_forms::rates),
        )
        .route(
            "/{branch}/disputes/{id}/ballots",
            get(crate::disputes::rooms::ballots).post(crate::disputes::desk_forms::ballots),
        )
        .route(
            "/{branch}/disputes/{id}/result",
            axum::routing::post(crate::disputes::desk_forms::result),
        )
        .route(
            "/{branch}/disputes/{id}/questions",
            axum::routing::post(crate::disputes::desk_forms::questions),
        )
        .route(
            "/{branch}/disputes/{id}/steps",
            axum::routing::post(crate::disputes::desk_forms::steps),
        )
        .route(
            "/{branch}/disputes/{id}/periods",
            axum::routing::post(crate::disputes::desk_forms::periods),
        )
        .route(
            "/{branch}/disputes/{id}/holidays",
            axum::routing::post(crate::disputes::desk_forms::holidays),
        )
        .route(
            "/{branch}/disputes/{id}/participation",
            axum::routing::post(crate::disputes::desk_forms::participation),
        )
        .route("/{branch}/fund", get(crate::fund::ledger::index))
        .route(
            "/{branch}/fund/accounts/{id}",
            get(crate::fund::ledger::statement),
        )
        .route(
            "/{branch}/fund/donations",
            get(crate::fund::donations::list).post(crate::fund::donations::add),
        )
        .route(
            "/{branch}/fund/summary",
            get(crate::fund::reports::summary_page),
        )
        .route(
            "/{branch}/fund/hardship",
            get(crate::fund::hardship::list).post(crate::fund::hardship::add),
        )
        .route(
            "/{branch}/fund/hardship/{id}",
            axum::routing::post(crate::fund::hardship::act),
        )
        .route(
            "/{branch}/fund/strike-pay",
            get(crate::fund::payments::list),
        )
        .route(
            "/{branch}/fund/strike-pay/payments",
            axum::routing::post(crate::fund::payments::add),
        )
        .route(
            "/{branch}/fund/strike-pay/payments.csv",
            get(crate::fund::payments::csv),
        )
        .route(
            "/{branch}/disputes/{id}/strike-days",
            get(crate::fund::participation::page).post(crate::fund::participation::save),
        )
        .route(
            "/{branch}/disputes/{id}/strike-days/settle",
            axum::routing::post(crate::fund::participation::settle),
        )
        .route(
            "/{branch}/disputes/{id}/releases",
            get(crate::fund::releases::list).post(crate::fund::releases::create),
        )
        .route(
            "/{branch}/disputes/{id}/releases/{request}/decide",
            axum::routing::post(crate::fund::releases::decide_form),
        )
        .route(
            "/{branch}/disputes/{id}/strike-pay",
            get(crate::fund::strike_pay::page),
        )
        .route(
            "/{branch}/disputes/{id}/strike-pay/policy",
            axum::routing::post(crate::fund::strike_pay::save_policy),
        )
        .route(
            "/{branch}/disputes/{id}/strike-pay/runs",
            axum::routing::post(crate::fund::strike_pay::new_run),
        )
        .route(
            "/{branch}/disputes/{id}/strike-pay/runs/{run}",
            get(crate::fund::strike_pay::show_run),
        )
        .route(
            "/{branch}/disputes/{id}/strike-pay/runs/{run}/approve",
            axum::routing::post(crate::fund::strike_pay::approve_form),
        )
        .route(
            "/{branch}/me/strike-days",
            axum::routing::post(crate::fund::participation::declare_own),
        )
        .route(
            "/{branch}/me/hardship",
            axum::routing::post(crate::fund::own_hardship::apply_page),
        )
        .route(
            "/{branch}/fund/transactions",
            axum::routing::post(crate::fund::transactions::create),
        )
        .route(
            "/{branch}/fund/transactions/new",
            get(crate::fund::transactions::new_form),
        )
        .route(
            "/{branch}/fund/transactions/{id}",
            get(crate::fund::transactions::show),
        )
        .route(
            "/{branch}/fund/transactions/{id}/reverse",
            axum::routing::post(crate::fund::transactions::reverse_form),
        )
        .route("/{branch}/members", get(crate::members::pages::directory))
        .route(
            "/{branch}/members/export.csv",
            get(crate::members::pages::export),
        )
        .route("/{branch}/members/audit", get(crate::members::pages::audit))
        .route(
            "/{branch}/members/teams",
            get(crate::members::teams::list).post(crate::members::teams::add),
        )
        .route(
            "/{branch}/members/teams/reps",
            axum::routing::post(crate::members::teams::set_reps),
        )
        .route(
            "/{branch}/members/import",
            get(crate::members::import_pages::form)
                .post(crate::members::import_pages::upload)
                .layer(DefaultBodyLimit::max(settings.members.import_max_bytes)),
        )
        .route(
            "/{branch}/members/import/{id}",
            get(crate::members::import_pages::status),
        )
        .route("/{branch}/members/{id}", get(crate::members::pages::record))
        .route(
            "/{branch}/members/{id}/edit",
            get(crate::members::edit_pages::form).post(crate::members::edit_pages::save),
        )
        .route(
            "/{branch}/members/{id}/history",
            get(crate::members::edit_pages::history),
        )
        .merge(crate::eactions::page_routes())
        .route("/{branch}/wall/{id}", get(crate::wall::pages::message))
        .route(
            "/{branch}/wall/{id}/moderate",
            axum::routing::post(crate::wall::pages::moderate),
        )
        .merge(crate::disputes::unit::routes())
        .merge(crate::pickets::page_routes())
        .fallback(|| async { crate::error::AppError::NotFound })
        .layer(from_fn(crate::extract::nul::refuse_nul))
        .layer(from_fn(pages::render_errors));

    let request_id = HeaderName::from_static("x-request-id");
    Router::new()
        .route("/healthz", get(healthz))
        .route("/assets/{name}", get(assets::serve))
        .nest("/api/v1", api::router())
        .merge(pages)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(request_id.clone(), crate::extract::MakeRequestIds::default()))
                .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
                    // Method, path and request id only: no query strings, no bodies, no people.
                    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path())
                }))
                .layer(PropagateRequestIdLayer::new(request_id))
                .layer(CompressionLayer::new())
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
                    Duration::from_secs(settings.server.request_timeout_secs.max(1)),
                ))
                .layer(DefaultBodyLimit::max(settings.server.body_limit_bytes))
                .layer(from_fn_with_state(state.clone(), security::protect)),
        )
        .with_state(state)
}

/// GET /healthz: 200 when the database answers, 503 when it does not.
async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.health().await {
        Ok(()) => {
            Json(serde_json::json!({"status": "ok", "database": state.store.backend().as_str()}))
                .into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"status": "unavailable", "database": state.store.backend().as_str()})),
            )
                .into_response()
        }
    }
}
