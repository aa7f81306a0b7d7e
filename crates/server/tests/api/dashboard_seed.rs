//! What the dashboard tests share: reports to seed a project with, a form-posting helper that
//! keeps cookies by hand (so each assertion sees exactly what the server set), and a logged-in
//! dashboard session.

use crate::support::*;
use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use reqwest::{Method, Response};
use serde_json::{Value, json};

/// A finding message an audited repository could contain: it must render as text.
pub const HOSTILE: &str = "<script>alert('owned')</script>";

/// An audit report with findings of three severities in two areas, one of them hostile.
pub fn audit_with_findings(overall: i64) -> Value {
    let mut report = audit_report(overall, overall);
    report["results"] = json!([
        {"control": {"id": "DKR001", "slug": "non_root_user", "title": "Containers run as a non-root user",
                     "severity": "high", "area": "security"},
         "outcome": "fail", "remediation": "Add USER.",
         "findings": [{"path": "Dockerfile", "line": 1, "column": 1, "fingerprint": "f1",
                       "message": "final stage has no USER instruction", "snippet": "FROM python:3.12"}]},
        {"control": {"id": "CMP002", "slug": "missing_healthcheck", "title": "Compose services declare a healthcheck",
                     "severity": "medium", "area": "resilience"},
         "outcome": "fail", "remediation": "Add a healthcheck.",
         "findings": [{"path": "compose.yml", "line": 3, "column": 3, "fingerprint": "f2",
                       "message": HOSTILE, "snippet": "<img src=x onerror=alert(1)>"}]},
        {"control": {"id": "DOC001", "slug": "readme", "title": "A runbook exists",
                     "severity": "low", "area": "documentation"},
         "outcome": "fail", "remediation": "Write one.",
         "findings": [{"path": "README.md", "line": 1, "column": 1, "fingerprint": "f3",
                       "message": "no runbook section"}]}
    ]);
    report
}

/// A checklist report with a failing claim, a manual item and a recorded sign-off.
pub fn checklist_with_items() -> Value {
    let mut report = checklist_report();
    report["summary"]["claimed_but_failing"] = json!(1);
    report["items"] = json!([
        {"line": 3, "id": "SHOP-1", "text": "Containers run as a non-root user",
         "section": ["Shop launch", "Security"], "status_in_doc": "done",
         "verdict": "claimed_but_failing", "confidence": 0.9, "mapping": "mapper", "controls": [], "evidence": []},
        {"line": 6, "id": "SHOP-2", "text": "On-call rota agreed",
         "section": ["Shop launch", "Operations"], "status_in_doc": "open",
         "verdict": "manual", "confidence": 1.0, "mapping": "none", "controls": [], "evidence": []}
    ]);
    report["signoffs"] = json!([
        {"section": "Security", "name": "Grace <b>Hopper</b>", "signed_at": "2026-11-20T10:00:00Z",
         "commit": "0123456789abcdef0123456789abcdef01234567", "key": "9a1f03c2d4e5b6a7",
         "valid": true, "stale": true, "problems": []}
    ]);
    report
}

impl TestServer {
    /// Uploads a report as the admin; returns the run's id.
    pub async fn upload(&self, project: &str, report: &Value) -> i64 {
        let response = self
            .post(
                &format!("/api/v1/projects/{project}/runs"),
                &self.admin,
                report,
            )
            .await;
        assert_eq!(response.status(), 201, "{:?}", response.text().await);
        response.json::<Value>().await.unwrap()["id"]
            .as_i64()
            .unwrap()
    }

    /// `GET path` with the dashboard cookie (or none).
    pub async fn page(&self, path: &str, cookie: Option<&str>) -> Response {
        let mut request = self.request(Method::GET, path, None);
        if let Some(cookie) = cookie {
            request = request.header(COOKIE, format!("vouch_session={cookie}"));
        }
        request.send().await.unwrap()
    }

    /// A form POST with the dashboard cookie (or none).
    pub async fn form(
        &self,
        path: &str,
        cookie: Option<&str>,
        fields: &[(&str, &str)],
    ) -> Response {
        let mut request = self
            .request(Method::POST, path, None)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form_body(fields));
        if let Some(cookie) = cookie {
            request = request.header(COOKIE, format!("vouch_session={cookie}"));
        }
        request.send().await.unwrap()
    }

    /// Logs in through the dashboard's form; returns the session cookie's value.
    pub async fn dashboard_login(&self, username: &str) -> String {
        let response = self
            .form(
                "/login",
                None,
                &[("username", username), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(response.status(), 303);
        assert_eq!(response.headers()[LOCATION], "/");
        session_cookie(&response).expect("a session cookie")
    }
}

/// The value the response sets for `vouch_session`, if it sets one.
pub fn session_cookie(response: &Response) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("vouch_session="))
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
}

/// The CSRF token in a page's forms.
pub fn csrf_of(html: &str) -> String {
    let start = html
        .find("name=\"csrf\" value=\"")
        .expect("a form with a CSRF token")
        + "name=\"csrf\" value=\"".len();
    html[start..start + 64].to_string()
}

/// `application/x-www-form-urlencoded`.
pub fn form_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
