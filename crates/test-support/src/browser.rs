//! Debian's Chromium driven through chromedriver (WebDriver), for end-to-end tests.
//!
//! `PICKET_CHROMEDRIVER` (default: `chromedriver` on PATH) and `PICKET_CHROMIUM` (default
//! `/usr/bin/chromium`) locate them; `scripts/test` installs both. A missing browser fails the
//! test: browser tests never skip.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A chromedriver process and a WebDriver session in headless Chromium.
pub struct Browser {
    /// The WebDriver client.
    pub client: fantoccini::Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session.
    pub async fn start() -> Browser {
        let driver_bin =
            std::env::var("PICKET_CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let chromium =
            std::env::var("PICKET_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        assert!(
            std::path::Path::new(&chromium).exists(),
            "Chromium not found at {chromium}: install Debian's chromium and chromium-driver (scripts/test does)"
        );
        let port = free_port();
        let driver = Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {driver_bin}: {e}; install Debian's chromium-driver (scripts/test does)"));
        let profile = tempfile::tempdir().expect("profile dir");
        let caps = serde_json::json!({
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=390,844",
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }
        });
        let caps = caps.as_object().cloned().expect("object");
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = loop {
            // chromedriver listens on loopback over plain HTTP: no TLS stack needed.
            let mut builder = fantoccini::ClientBuilder::new(
                hyper_util::client::legacy::connect::HttpConnector::new(),
            );
            match builder.capabilities(caps.clone()).connect(&url).await {
                Ok(c) => break c,
                Err(e) if Instant::now() > deadline => {
                    panic!("chromedriver did not start a session: {e}")
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        };
        Browser {
            client,
            driver,
            _profile: profile,
        }
    }

    /// Opens the sign-in page at `login_url` and submits it with these credentials, and
    /// returns once the browser has left the sign-in page it submitted (the page that follows,
    /// or the sign-in page again with its error, is then loading or loaded), so that the
    /// caller cannot find an element of the old page.
    pub async fn sign_in(&self, login_url: &str, email: &str, password: &str) {
        use fantoccini::Locator;
        let c = &self.client;
        c.goto(login_url).await.expect("open the sign-in page");
        for (field, value) in [("email", email), ("password", password)] {
            self.type_into(Locator::Id(field), value).await;
        }
        let button = c
            .find(Locator::Css("form.stack button[type=submit]"))
            .await
            .expect("the sign-in button");
        button.click().await.expect("submit the sign-in form");
        let deadline = Instant::now() + Duration::from_secs(20);
        // The old page's button goes stale when the next document replaces it.
        while button.is_enabled().await.is_ok() {
            assert!(
                Instant::now() < deadline,
                "the sign-in form was never submitted"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Clicks the element `locator` finds, failing the test if there is none.
    pub async fn click(&self, locator: fantoccini::Locator<'_>) {
        self.client
            .find(locator)
            .await
            .unwrap_or_else(|e| panic!("no element to click ({locator:?}): {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot click {locator:?}: {e}"));
    }

    /// Types `text` into the field `locator` finds, failing the test if there is none.
    pub async fn type_into(&self, locator: fantoccini::Locator<'_>, text: &str) {
        self.client
            .find(locator)
            .await
            .unwrap_or_else(|e| panic!("no field to type into ({locator:?}): {e}"))
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("cannot type into {locator:?}: {e}"));
    }

    /// Ends the session and the driver.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}

/// Chromium's DevTools `Emulation.setDeviceMetricsOverride`, sent through chromedriver: the
/// page is laid out as on a phone's screen of this size.
#[derive(Debug)]
pub struct DeviceMetrics {
    /// CSS pixels wide.
    pub width: u32,
    /// CSS pixels high.
    pub height: u32,
}

impl fantoccini::wd::WebDriverCompatibleCommand for DeviceMetrics {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        let body = serde_json::json!({
            "cmd": "Emulation.setDeviceMetricsOverride",
            "params": {"width": self.width, "height": self.height, "deviceScaleFactor": 3, "mobile": true}
        });
        (axum::http::Method::POST, Some(body.to_string()))
    }
}

/// Lays pages out as on a phone 390 by 844 CSS pixels.
pub async fn phone(c: &fantoccini::Client) {
    c.issue_cmd(DeviceMetrics {
        width: 390,
        height: 844,
    })
    .await
    .expect("phone device metrics");
}
