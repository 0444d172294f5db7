//! A running Picket on a free port over a fresh database, with a memory mailer.

use crate::db::{test_db, TestDb};
use picket_domain::wall::{duplicate_key, validate, WallLimits, WallSubmission};
use picket_domain::{Division, Email, Role, WallMessageId};
use picket_mail::MemoryMailer;
use picket_store::contract::Setup;
use picket_store::prelude::*;
use picket_store::wall::{Moderation, NewWallMessage, WallPostLimits, WallStatus};
use picket_store::Branch;
use picket_web::{App, Settings};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The password every test user gets.
pub const TEST_PASSWORD: &str = "correct horse battery";

/// A served application for one test.
pub struct TestApp {
    /// Where it listens.
    pub addr: SocketAddr,
    /// The database behind it, removed when the app is dropped.
    pub db: TestDb,
    /// Every email the outbox worker delivered.
    pub mailer: Arc<MemoryMailer>,
    /// The settings it runs with.
    pub settings: Settings,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

/// Settings for tests: a free port, cheap password hashing, a fast worker.
pub fn test_settings() -> Settings {
    let mut s = Settings::default();
    s.server.addr = "127.0.0.1:0".into();
    s.security.argon2_memory_kib = 8 * 1024;
    s.security.argon2_iterations = 1;
    s.worker.poll_interval_secs = 1;
    s.mail = picket_mail::MailerSettings::Memory;
    s
}

impl TestApp {
    /// Serves Picket with [`test_settings`].
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Serves Picket with test settings adjusted by `adjust`.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Settings)) -> Self {
        let mailer = Arc::new(MemoryMailer::new());
        Self::serve(adjust, mailer.clone(), mailer).await
    }

    /// Serves Picket whose outbox worker delivers through `mailer` (a real SMTP mailer, say);
    /// [`TestApp::mailer`] then receives nothing.
    pub async fn spawn_with_mailer(
        adjust: impl FnOnce(&mut Settings),
        mailer: Arc<dyn picket_mail::Mailer>,
    ) -> Self {
        Self::serve(adjust, mailer, Arc::new(MemoryMailer::new())).await
    }

    async fn serve(
        adjust: impl FnOnce(&mut Settings),
        delivering: Arc<dyn picket_mail::Mailer>,
        mailer: Arc<MemoryMailer>,
    ) -> Self {
        let db = test_db().await;
        let mut settings = test_settings();
        adjust(&mut settings);
        let app = App::build(settings.clone(), db.dyn_store(), delivering)
            .await
            .expect("bind a free port");
        let addr = app.local_addr();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(app.serve(async move {
            let _ = stopped.await;
        }));
        TestApp {
            addr,
            db,
            mailer,
            settings,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// The store behind the app.
    pub fn store(&self) -> Arc<dyn Store> {
        self.db.dyn_store()
    }

    /// An absolute URL for `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// A client that keeps cookies, sends this site's Origin, and does not follow redirects.
    pub fn client(&self) -> reqwest::Client {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::ORIGIN,
            reqwest::header::HeaderValue::from_str(&format!("http://{}", self.addr))
                .expect("origin"),
        );
        reqwest::Client::builder()
            .cookie_store(true)
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    /// Creates a branch.
    pub async fn branch(&self, slug: &str) -> Branch {
        self.store()
            .setup_branch(
                &slug.parse().expect("slug"),
                &format!("{slug} branch"),
                Division::EnglandAndWales,
            )
            .await
            .expect("create branch")
    }

    /// Creates a user with [`TEST_PASSWORD`] and a role in `branch`.
    pub async fn user(&self, branch: &Branch, email: &str, role: Role) {
        let hasher = picket_web::account::passwords::PasswordHasher::new(8 * 1024, 1);
        let hash = hasher.hash(TEST_PASSWORD).await.expect("hash");
        let email: Email = email.parse().expect("email");
        let name = email
            .as_str()
            .split('@')
            .next()
            .unwrap_or_default()
            .to_string();
        self.store()
            .setup_branch_user(&email, &name, Some(&hash), branch.id, role)
            .await
            .expect("add user");
    }

    /// Publishes every period of action of `dispute` despite any law warning, as an
    /// organiser `publisher@example.org` (made if missing) would on the desk: for tests of
    /// what public pages show, whose periods need no ballot.
    pub async fn publish_periods(&self, branch: &Branch, dispute: picket_domain::DisputeId) {
        let store = self.store();
        let user = match store.user_by_email("publisher@example.org").await {
            Ok(u) => u,
            Err(_) => {
                self.user(branch, "publisher@example.org", Role::Organiser)
                    .await;
                store
                    .user_by_email("publisher@example.org")
                    .await
                    .expect("publisher")
            }
        };
        let every: Vec<String> = [
            "no-ballot",
            "no-ballot-result",
            "invalid",
            "no-valid-mandate",
            "action-before-result",
            "mandate-expired",
            "action-outlasts-mandate",
            "no-notice",
            "notice-before-result",
            "notice-too-late",
        ]
        .map(str::to_string)
        .to_vec();
        let periods = store
            .action_periods(branch.id, dispute)
            .await
            .expect("periods");
        let mut work = store.begin().await.expect("unit");
        for p in periods {
            work.publish_period(
                branch.id,
                dispute,
                p.id,
                &every,
                user.id,
                chrono::Utc::now(),
            )
            .await
            .expect("publish");
        }
        work.commit().await.expect("commit");
    }

    /// Stores `submission` on `branch`'s wall as posted from `ip`, approved by the user with
    /// the email `approved_by` if given; returns its id.
    pub async fn wall_post(
        &self,
        branch: &Branch,
        submission: &WallSubmission,
        ip: &str,
        approved_by: Option<&str>,
    ) -> WallMessageId {
        let store = self.store();
        let post = validate(submission, None, None, &WallLimits::default()).expect("valid post");
        let mut work = store.begin().await.expect("begin");
        let id = work
            .submit_wall_message(
                NewWallMessage {
                    branch: branch.id,
                    content_key: duplicate_key(&post.message),
                    post,
                    ip_hash: ip.into(),
                    status: WallStatus::Pending,
                },
                WallPostLimits::NONE,
            )
            .await
            .expect("submit")
            .id()
            .expect("stored");
        if let Some(moderator) = approved_by {
            let moderator = store.user_by_email(moderator).await.expect("moderator");
            work.moderate_wall_message(branch.id, id, &Moderation::Approve, moderator.id)
                .await
                .expect("approve");
        }
        work.commit().await.expect("commit");
        id
    }

    /// Fetches `path` and returns the CSRF token from its first form.
    pub async fn csrf_token(&self, client: &reqwest::Client, path: &str) -> String {
        let html = client
            .get(self.url(path))
            .send()
            .await
            .expect("get")
            .text()
            .await
            .expect("body");
        extract_csrf(&html).unwrap_or_else(|| panic!("no csrf_token on {path}"))
    }

    /// Signs `client` in; panics unless it succeeds.
    pub async fn login(&self, client: &reqwest::Client, email: &str) {
        let response = self.login_with(client, email, TEST_PASSWORD).await;
        assert_eq!(response.status(), 303, "sign-in as {email} failed");
    }

    /// Posts the sign-in form.
    pub async fn login_with(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        let token = self.csrf_token(client, "/login").await;
        client
            .post(self.url("/login"))
            .form(&[
                ("csrf_token", token.as_str()),
                ("email", email),
                ("password", password),
            ])
            .send()
            .await
            .expect("post login")
    }

    /// Creates an API token for a user and returns it.
    pub async fn api_token(&self, email: &str) -> String {
        let store = self.store();
        let user = store.user_by_email(email).await.expect("user");
        let token = picket_web::account::tokens::new_api_token();
        let mut work = store.begin().await.expect("begin");
        work.create_api_token(
            user.id,
            "test",
            &picket_web::account::tokens::hash_token(&token),
            None,
        )
        .await
        .expect("token");
        work.commit().await.expect("commit");
        token
    }

    /// Stops the server and waits for it.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The value of the first `csrf_token` hidden field in a page.
pub fn extract_csrf(html: &str) -> Option<String> {
    let start = html.find("name=\"csrf_token\" value=\"")? + "name=\"csrf_token\" value=\"".len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

/// Sends a request and reads its body, failing the test if either cannot be done:
/// `client.get(url).body_text().await`.
pub trait BodyText {
    /// The response's body as text (whatever its status).
    fn body_text(self) -> impl std::future::Future<Output = String> + Send;
}

impl BodyText for reqwest::RequestBuilder {
    async fn body_text(self) -> String {
        self.send()
            .await
            .expect("the request was sent")
            .text()
            .await
            .expect("the body was read")
    }
}

/// The JSON API as the holder of one bearer token, or as the public: each call answers with
/// the status and the body as JSON (`Null` when empty, a string when it is not JSON).
pub struct Api {
    client: reqwest::Client,
    base: String,
    token: Option<String>,
}

impl TestApp {
    /// The API as the holder of `token`.
    pub fn api(&self, token: &str) -> Api {
        Api {
            client: reqwest::Client::new(),
            base: format!("http://{}", self.addr),
            token: Some(token.to_string()),
        }
    }

    /// The API as the public: no token.
    pub fn public_api(&self) -> Api {
        Api {
            client: reqwest::Client::new(),
            base: format!("http://{}", self.addr),
            token: None,
        }
    }
}

impl Api {
    /// `method` on `path` (from the root, with its query), with `body` as JSON unless it is
    /// `Null`.
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let mut request = self.client.request(method, self.url(path));
        if !body.is_null() {
            request = request.json(body);
        }
        self.send(request).await
    }

    /// GET `path`.
    pub async fn get(&self, path: &str) -> (u16, serde_json::Value) {
        self.call(reqwest::Method::GET, path, &serde_json::Value::Null)
            .await
    }

    /// POST `body` to `path`.
    pub async fn post(&self, path: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
        self.call(reqwest::Method::POST, path, body).await
    }

    /// POST raw bytes as `application/json` (to see how a malformed body is answered).
    pub async fn post_raw(&self, path: &str, body: &'static str) -> (u16, serde_json::Value) {
        let request = self
            .client
            .post(self.url(path))
            .header("content-type", "application/json")
            .body(body);
        self.send(request).await
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> (u16, serde_json::Value) {
        let request = match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        };
        let response = request.send().await.expect("the request was sent");
        let status = response.status().as_u16();
        let text = response.text().await.expect("the body was read");
        let body = if text.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text))
        };
        (status, body)
    }
}
