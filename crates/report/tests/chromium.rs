//! The HTML report in a real browser (Debian's headless Chromium): the script runs (the table
//! is enhanced and the default filter applied), the console stays free of errors, and a
//! screenshot is produced. Chromium is required: scripts/test.sh installs it.

mod sample;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use vouch_report::HtmlOptions;

fn chromium() -> PathBuf {
    if let Some(path) = std::env::var_os("VOUCH_CHROMIUM") {
        return PathBuf::from(path);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    panic!(
        "Chromium is not installed, and the HTML report test needs it. Install Debian's package \
         as root: `apt-get install -y chromium` (scripts/test.sh does this), or point \
         VOUCH_CHROMIUM at a Chromium binary."
    );
}

/// Runs Chromium headless on `page` with `extra` flags, killed after a minute.
fn run_chromium(page: &Path, profile: &Path, extra: &[String]) -> Output {
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--no-first-run",
            "--disable-extensions",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=3000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("chromium did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    child.wait_with_output().expect("chromium output")
}

/// Console errors and uncaught exceptions Chromium logged for the page.
fn console_errors(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.contains("CONSOLE") || l.contains("Uncaught"))
        .filter(|l| l.contains("Uncaught") || l.contains("ERROR") || l.contains("Refused to"))
        .collect()
}

#[test]
fn console_errors_are_detected() {
    // Guards the harness: a page with a broken script must be reported.
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("broken.html");
    std::fs::write(
        &page,
        "<!doctype html><html><body><script>notDefinedAnywhere();</script></body></html>",
    )
    .unwrap();
    let out = run_chromium(&page, &dir.path().join("profile"), &["--dump-dom".into()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !console_errors(&stderr).is_empty(),
        "the broken page's error was not seen in:\n{stderr}"
    );
}

#[test]
fn report_renders_runs_its_script_and_screenshots() {
    let dir = tempfile::tempdir().unwrap();
    let report = sample::sample_report();
    let page = dir.path().join("report.html");
    std::fs::write(
        &page,
        vouch_report::render_html(
            &report,
            &HtmlOptions {
                docs_url: "docs/controls",
                baseline: None,
                checklist: None,
            },
        ),
    )
    .unwrap();

    let out = run_chromium(&page, &dir.path().join("profile"), &["--dump-dom".into()]);
    let dom = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "chromium failed: {stderr}");
    assert!(
        dom.contains("data-ready=\"yes\""),
        "the script did not finish:\n{dom}"
    );
    assert!(dom.contains("data-enhanced=\"sortable filterable\""));
    // The default filter hides the one suppressed finding: 3 of 4 rows shown.
    assert!(
        dom.contains("<span id=\"visible-count\">3</span>"),
        "filter not applied:\n{dom}"
    );
    for r in &report.results {
        for f in &r.findings {
            assert!(
                dom.contains(&format!("data-fingerprint=\"{}\"", f.fingerprint)),
                "finding {} missing",
                f.fingerprint
            );
        }
    }
    // The injected snippet is text in the DOM, not an element.
    assert!(dom.contains("&lt;script&gt;alert('token=sk_live_****')&lt;/script&gt;"));
    assert!(!dom.contains("<script>alert"));
    let errors = console_errors(&stderr);
    assert!(errors.is_empty(), "console errors:\n{}", errors.join("\n"));

    let shot = dir.path().join("report.png");
    let out = run_chromium(
        &page,
        &dir.path().join("profile"),
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,1600".into(),
            "--hide-scrollbars".into(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = std::fs::read(&shot).expect("screenshot written");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "a PNG file");
    // IHDR width and height.
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((width, height), (1280, 1600));
    // A blank page compresses to a few kilobytes; the rendered report is far larger.
    assert!(png.len() > 30_000, "screenshot only {} bytes", png.len());
}
