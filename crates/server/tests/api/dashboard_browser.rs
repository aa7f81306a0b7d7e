//! The dashboard in headless Chromium (Debian's `chromium` and `chromedriver`), driven over
//! WebDriver: log in, open a project, filter the findings, sign off a section, move through the
//! pages with the keyboard; no console errors (a CSP violation is one), no sideways scrolling
//! at 1366×768, and a screenshot of each step in `target/dashboard-screenshots/`.
//!
//! SQLite only: the browser checks what the pages do, and the pages read through the same
//! repository functions on both databases; the HTML tests (dashboard.rs) run on both. One
//! browser session is also the slowest test of the suite, and CI has two cores.

use crate::dashboard_seed::*;
use crate::support::*;
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const WIDTH: u32 = 1366;
const HEIGHT: u32 = 768;
const LONG: Duration = Duration::from_secs(60);

/// chromedriver on a free port; stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn chromedriver() -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect(
            "chromedriver is required for the dashboard test: `apt-get install -y chromium-driver` \
             (scripts/test.sh installs it as root)",
        );
    let driver = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let status = http.get(format!("{}/status", driver.url)).send().await;
        if let Ok(response) = status
            && let Ok(body) = response.json::<Value>().await
            && body["value"]["ready"] == true
        {
            return driver;
        }
        assert!(
            Instant::now() < deadline,
            "chromedriver did not become ready"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn browser(driver: &Driver) -> Client {
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     format!("--window-size={WIDTH},{HEIGHT}"), "--force-device-scale-factor=1"]
        },
        "goog:loggingPrefs": {"browser": "ALL"}
    });
    let mut builder = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
    builder.capabilities(capabilities.as_object().unwrap().clone());
    let client = builder
        .connect(&driver.url)
        .await
        .expect("a Chromium session");
    client.set_window_size(WIDTH, HEIGHT).await.unwrap();
    client
}

fn screenshot_dir() -> PathBuf {
    // CARGO_TARGET_TMPDIR is <target>/tmp.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("dashboard-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Saves a screenshot and checks it is a PNG of the page's viewport.
async fn screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{name} is a PNG");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    let viewport = client
        .execute("return [window.innerWidth, window.innerHeight];", vec![])
        .await
        .unwrap();
    assert_eq!(viewport[0], WIDTH, "the viewport is the window's width");
    assert_eq!(
        (width, height),
        (WIDTH, viewport[1].as_u64().unwrap() as u32),
        "{name}"
    );
    assert!(height > HEIGHT / 2 && height <= HEIGHT, "{name}: {height}");
    std::fs::write(screenshot_dir().join(format!("{name}.png")), png).unwrap();
}

/// Laid out for a laptop: nothing wider than the window.
async fn fits_the_window(client: &Client) {
    let wide = client
        .execute("return document.documentElement.scrollWidth;", vec![])
        .await
        .unwrap();
    assert!(
        wide.as_u64().unwrap() <= u64::from(WIDTH),
        "scrolls sideways: {wide}"
    );
}

async fn by_id(client: &Client, id: &str) -> Element {
    client.find(Locator::Id(id)).await.unwrap()
}

/// The element once the page that has it has loaded.
async fn wait_for(client: &Client, id: &str) -> Element {
    client
        .wait()
        .at_most(LONG)
        .for_element(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("#{id} did not appear: {e}"))
}

async fn focused_id(element: Element) -> String {
    element.attr("id").await.unwrap().unwrap_or_default()
}

async fn press_tab(client: &Client) -> Element {
    client
        .active_element()
        .await
        .unwrap()
        .send_keys(&Key::Tab)
        .await
        .unwrap();
    client.active_element().await.unwrap()
}

/// Tabs until an element satisfying `wanted` has the focus; fails after `limit` presses.
async fn tab_to(client: &Client, limit: usize, what: &str, wanted: impl Fn(&str, &str) -> bool) {
    for _ in 0..limit {
        let focused = press_tab(client).await;
        let id = focused.attr("id").await.unwrap().unwrap_or_default();
        let href = focused.attr("href").await.unwrap().unwrap_or_default();
        if wanted(&id, &href) {
            return;
        }
    }
    panic!("Tab did not reach {what} within {limit} presses");
}

async fn console_errors(driver: &Driver, client: &Client) -> Vec<String> {
    let session = client.session_id().await.unwrap().unwrap();
    let logs: Value = reqwest::Client::new()
        .post(format!("{}/session/{session}/se/log", driver.url))
        .json(&json!({"type": "browser"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    logs["value"]
        .as_array()
        .expect("browser logs")
        .iter()
        .filter(|entry| entry["level"] == "SEVERE")
        .map(|entry| entry["message"].to_string())
        .collect()
}

/// Two audits of a fixture repository by the server's own workers (the real engine), and a
/// checklist report, for project `shop`.
async fn seed(s: &TestServer) {
    s.create_project("shop").await;
    let repo = fixture_repo();
    std::fs::write(
        repo.path().join("compose.yml"),
        "services:\n  web:\n    image: nginx:latest\n    privileged: true\n",
    )
    .unwrap();
    for _ in 0..2 {
        let job = s
            .post(
                "/api/v1/projects/shop/jobs",
                &s.admin,
                &json!({"kind": "audit", "repository": repo.path().display().to_string()}),
            )
            .await;
        assert_eq!(job.status(), 202);
        let path = format!("/api/v1/jobs/{}", job.json::<Value>().await.unwrap()["id"]);
        let done = wait_until(s, &path, LONG, |j| {
            j["state"] == "succeeded" || j["state"] == "failed"
        })
        .await;
        assert_eq!(done["state"], "succeeded", "{done}");
    }
    s.upload("shop", &checklist_with_items()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_logs_in_filters_findings_and_signs_off_in_chromium() {
    let s = start_with(Backend::Sqlite, |c| {
        c.job_poll_ms = 50;
        c.rate_limit_ip_per_sec = 0;
    })
    .await;
    seed(&s).await;
    s.create_user("eng", "engineer").await;
    let driver = chromedriver().await;
    let client = browser(&driver).await;

    // Any page without a session leads to the login form.
    client.goto(&s.url("/projects/shop")).await.unwrap();
    assert_eq!(client.current_url().await.unwrap().path(), "/login");
    screenshot(&client, "01-login").await;
    by_id(&client, "username")
        .await
        .send_keys("eng")
        .await
        .unwrap();
    let password = by_id(&client, "password").await;
    password.send_keys(PASSWORD).await.unwrap();
    password.send_keys(&Key::Enter).await.unwrap();
    let projects = wait_for(&client, "projects").await;
    assert!(projects.text().await.unwrap().contains("shop"));
    fits_the_window(&client).await;
    screenshot(&client, "02-overview").await;

    // Keyboard: the skip link comes first, then the navigation, then the project's link.
    let first = press_tab(&client).await;
    assert_eq!(first.text().await.unwrap(), "Skip to main content");
    tab_to(&client, 20, "the project link", |_, href| {
        href == "/projects/shop"
    })
    .await;
    client
        .active_element()
        .await
        .unwrap()
        .send_keys(&Key::Enter)
        .await
        .unwrap();
    let table = wait_for(&client, "findings").await;
    assert_eq!(client.current_url().await.unwrap().path(), "/projects/shop");
    fits_the_window(&client).await;
    screenshot(&client, "03-project").await;

    // Tab reaches each filter control in order.
    tab_to(&client, 40, "the severity filter", |id, _| {
        id == "filter-severity"
    })
    .await;
    assert_eq!(focused_id(press_tab(&client).await).await, "filter-area");
    assert_eq!(focused_id(press_tab(&client).await).await, "filter-text");
    assert_eq!(press_tab(&client).await.text().await.unwrap(), "Filter");

    // Filtering by severity hides exactly the other rows, at once (the script).
    let rows = table.find_all(Locator::Css("tbody tr")).await.unwrap();
    assert!(rows.len() >= 2, "the fixture has findings: {}", rows.len());
    let mut severities = Vec::new();
    for row in &rows {
        severities.push(row.attr("data-severity").await.unwrap().unwrap());
    }
    let chosen = severities.last().unwrap().clone();
    by_id(&client, "filter-severity")
        .await
        .select_by_value(&chosen)
        .await
        .unwrap();
    for (row, severity) in rows.iter().zip(&severities) {
        assert_eq!(
            row.is_displayed().await.unwrap(),
            *severity == chosen,
            "{severity}"
        );
    }
    let shown = severities.iter().filter(|s| **s == chosen).count();
    let count = by_id(&client, "finding-count").await;
    assert_eq!(
        count.text().await.unwrap(),
        format!("{shown} of {} findings shown", rows.len())
    );
    screenshot(&client, "04-filtered-by-severity").await;

    // Text narrows further; clearing the severity shows every row matching the text.
    by_id(&client, "filter-severity")
        .await
        .select_by_value("")
        .await
        .unwrap();
    by_id(&client, "filter-text")
        .await
        .send_keys("dockerfile")
        .await
        .unwrap();
    let mut matching = 0;
    for row in &rows {
        let text = row.attr("data-text").await.unwrap().unwrap();
        let displayed = row.is_displayed().await.unwrap();
        assert_eq!(displayed, text.contains("dockerfile"), "{text}");
        matching += usize::from(displayed);
    }
    assert!(
        matching > 0 && matching < rows.len(),
        "{matching} of {}",
        rows.len()
    );
    screenshot(&client, "05-filtered-by-text").await;

    // Sign off the Operations section; the recorded sign-off appears.
    client
        .goto(&s.url("/projects/shop/signoffs"))
        .await
        .unwrap();
    fits_the_window(&client).await;
    screenshot(&client, "06-signoffs").await;
    let button = client
        .find(Locator::XPath("//button[contains(., 'Operations')]"))
        .await
        .unwrap();
    button.click().await.unwrap();
    let notice = wait_for(&client, "signed-notice").await;
    assert_eq!(
        notice.text().await.unwrap(),
        "Signed off section “Shop launch › Operations”."
    );
    let section = client
        .find(Locator::XPath("//section[h2[contains(., 'Operations')]]"))
        .await
        .unwrap();
    let recorded = section
        .find(Locator::Css("table#signoffs"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(recorded.contains("eng"), "{recorded}");
    screenshot(&client, "07-signed-off").await;

    let errors = console_errors(&driver, &client).await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    client.close().await.unwrap();
}
