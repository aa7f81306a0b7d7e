//! The dashboard's HTML routes without a browser, on both databases: sessions and redirects,
//! the cookie's attributes, CSRF refusals, headers, escaping of report text, the filter by
//! query parameters, and what each page shows. The browser test is dashboard_browser.rs.

use crate::both_backends;
use crate::dashboard_seed::*;
use crate::support::*;
use reqwest::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, LOCATION, SET_COOKIE};

both_backends!(
    pages_need_a_dashboard_session,
    login_sets_a_strict_cookie_and_logout_revokes_it,
    a_session_ends_when_its_token_expires_or_its_user_is_disabled,
    report_text_renders_as_text,
    pages_show_projects_findings_checklists_runs_and_jobs,
    findings_filter_through_query_parameters,
    signing_off_checks_the_csrf_token_and_the_role,
    missing_things_are_html_pages_with_their_status,
);

async fn text(response: reqwest::Response, status: u16) -> String {
    assert_eq!(response.status().as_u16(), status);
    let content_type = response.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(content_type, "text/html; charset=utf-8");
    let csp = response.headers()[CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.starts_with("default-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(response.headers()["referrer-policy"], "same-origin");
    assert_eq!(response.headers()["x-frame-options"], "DENY");
    response.text().await.unwrap()
}

async fn pages_need_a_dashboard_session(backend: Backend) {
    let s = start(backend).await;
    s.create_project("shop").await;
    let viewer = s.user("vera", "viewer").await;
    for path in [
        "/",
        "/projects/shop",
        "/projects/shop/signoffs",
        "/runs/1",
        "/jobs",
    ] {
        let anonymous = s.page(path, None).await;
        assert_eq!(anonymous.status(), 303, "{path}");
        assert_eq!(anonymous.headers()[LOCATION], "/login", "{path}");
        // A bearer credential is not a dashboard session.
        for bearer in [&s.admin, &viewer.access_token] {
            let response = s.get(path, bearer).await;
            assert_eq!(response.status(), 303, "{path}");
        }
        let forged = s.page(path, Some("vr_0000")).await;
        assert_eq!(forged.status(), 303, "{path}");
    }
    let login = text(s.page("/login", None).await, 200).await;
    assert!(login.contains("<label for=\"username\">"), "{login}");
    assert!(login.contains("<label for=\"password\">"));
    assert!(login.contains("href=\"#main\""), "a skip link");

    // The stylesheet is served under its content hash, cached for a year.
    let css = vouch_server::dashboard::assets::css_url();
    let asset = s.page(&css, None).await;
    assert_eq!(asset.status(), 200);
    assert_eq!(
        asset.headers()[CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(asset.headers()[CONTENT_TYPE], "text/css; charset=utf-8");
    assert!(asset.text().await.unwrap().contains(":focus-visible"));
    assert_eq!(s.page("/assets/dashboard-0.css", None).await.status(), 404);
}

async fn login_sets_a_strict_cookie_and_logout_revokes_it(backend: Backend) {
    let s = start(backend).await;
    s.create_user("vera", "viewer").await;
    let wrong = s
        .form(
            "/login",
            None,
            &[("username", "vera"), ("password", "not it at all")],
        )
        .await;
    assert!(session_cookie(&wrong).is_none());
    let page = text(wrong, 401).await;
    assert!(page.contains("the username or password is wrong"), "{page}");
    assert!(page.contains("value=\"vera\""), "the username is kept");

    // Another site's form cannot log a browser in (login CSRF).
    let cross = s
        .request(reqwest::Method::POST, "/login", None)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("origin", "https://evil.example")
        .body(form_body(&[("username", "vera"), ("password", PASSWORD)]))
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), 403);

    let response = s
        .form(
            "/login",
            None,
            &[("username", "vera"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(response.status(), 303);
    let set = response.headers()[SET_COOKIE].to_str().unwrap().to_string();
    let cookie = session_cookie(&response).unwrap();
    assert!(cookie.starts_with("vr_"), "{set}");
    let ttl = vouch_server::Config::default().refresh_token_ttl_secs;
    assert_eq!(
        set,
        format!("vouch_session={cookie}; Path=/; HttpOnly; SameSite=Strict; Max-Age={ttl}"),
        "development mode (plain HTTP) omits Secure"
    );
    let overview = text(s.page("/", Some(&cookie)).await, 200).await;
    assert!(overview.contains("vera (viewer)"), "{overview}");

    let csrf = csrf_of(&overview);
    let refused = s.form("/logout", Some(&cookie), &[("csrf", "nope")]).await;
    assert_eq!(refused.status(), 403);
    assert_eq!(
        s.page("/", Some(&cookie)).await.status(),
        200,
        "still logged in"
    );
    let out = s.form("/logout", Some(&cookie), &[("csrf", &csrf)]).await;
    assert_eq!(out.status(), 303);
    assert_eq!(out.headers()[LOCATION], "/login");
    assert_eq!(session_cookie(&out).as_deref(), Some(""));
    assert!(
        out.headers()[SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(s.page("/", Some(&cookie)).await.status(), 303, "revoked");
}

async fn a_session_ends_when_its_token_expires_or_its_user_is_disabled(backend: Backend) {
    let s = start(backend).await;
    let vera = s.create_user("vera", "viewer").await;
    s.create_user("eng", "engineer").await;
    let expiring = s.dashboard_login("eng").await;
    let cookie = s.dashboard_login("vera").await;
    assert_eq!(s.page("/", Some(&expiring)).await.status(), 200);

    // Expired: the next page asks to log in again.
    let hash = vouch_server::auth::keys::hash(&expiring);
    let mut conn = raw_connection(&s.database_url).await;
    let changed = sqlx::query("UPDATE refresh_tokens SET expires_at = 1 WHERE token_sha256 = $1")
        .bind(&hash)
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(changed.rows_affected(), 1);
    let after = s.page("/", Some(&expiring)).await;
    assert_eq!(after.status(), 303);
    assert_eq!(after.headers()[LOCATION], "/login");

    // A role change applies at once; a disabled user's session stops.
    let patch = |body: serde_json::Value| {
        s.request(
            reqwest::Method::PATCH,
            &format!("/api/v1/users/{vera}"),
            Some(&s.admin),
        )
        .json(&body)
        .send()
    };
    assert_eq!(
        patch(serde_json::json!({"role": "engineer"}))
            .await
            .unwrap()
            .status(),
        200
    );
    let page = text(s.page("/", Some(&cookie)).await, 200).await;
    assert!(page.contains("vera (engineer)"), "{page}");
    assert_eq!(
        patch(serde_json::json!({"disabled": true}))
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(s.page("/", Some(&cookie)).await.status(), 303);
}

async fn report_text_renders_as_text(backend: Backend) {
    let s = start(backend).await;
    s.create_project("shop").await;
    let audit = s.upload("shop", &audit_with_findings(60)).await;
    s.upload("shop", &checklist_with_items()).await;
    s.create_user("vera", "viewer").await;
    let cookie = s.dashboard_login("vera").await;
    for path in [
        "/projects/shop".to_string(),
        format!("/runs/{audit}"),
        "/projects/shop/signoffs".into(),
    ] {
        let page = text(s.page(&path, Some(&cookie)).await, 200).await;
        assert!(!page.contains("<script>alert"), "{path}");
        assert!(!page.contains("<img src=x"), "{path}");
        assert!(!page.contains("<b>Hopper"), "{path}");
        // Scripts only from this origin, by URL.
        assert_eq!(page.matches("<script").count(), 1, "{path}");
    }
    let page = text(s.page("/projects/shop", Some(&cookie)).await, 200).await;
    assert!(
        page.contains("&lt;script&gt;alert('owned')&lt;/script&gt;"),
        "{page}"
    );
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(page.contains("Grace &lt;b&gt;Hopper&lt;/b&gt;"));
}

async fn pages_show_projects_findings_checklists_runs_and_jobs(backend: Backend) {
    let s = start(backend).await;
    s.create_project("shop").await;
    s.create_project("quiet").await;
    s.upload("shop", &audit_with_findings(40)).await;
    let latest = s.upload("shop", &audit_with_findings(70)).await;
    let checklist = s.upload("shop", &checklist_with_items()).await;
    let job = s
        .post(
            "/api/v1/projects/shop/jobs",
            &s.admin,
            &serde_json::json!({"kind": "audit", "repository": "/nonexistent/shop"}),
        )
        .await;
    assert_eq!(job.status(), 202);
    let job_id = job.json::<serde_json::Value>().await.unwrap()["id"].clone();
    s.create_user("vera", "viewer").await;
    let cookie = s.dashboard_login("vera").await;

    let overview = text(s.page("/", Some(&cookie)).await, 200).await;
    assert!(
        overview.contains("<a href=\"/projects/shop\">shop</a>"),
        "{overview}"
    );
    assert!(overview.contains("70 / 100"), "latest score");
    assert!(overview.contains("score trend, oldest to newest: 40, 70"));
    assert!(
        overview.contains("<span class=\"badge pass\">PASS</span>"),
        "gate in words"
    );
    assert!(overview.contains("1 failing"), "failing claims");
    assert!(overview.contains("no checklist"), "quiet has none");
    assert!(overview.contains("no scored runs yet"));

    let project = text(s.page("/projects/shop", Some(&cookie)).await, 200).await;
    assert!(project.contains("3 of 3 findings shown"), "{project}");
    assert!(
        project.contains("<code>Dockerfile:1</code>"),
        "evidence path:line"
    );
    assert!(project.contains("<pre class=\"snippet\">FROM python:3.12</pre>"));
    assert!(project.contains("Score history of 2 runs, from 40"));
    assert!(project.contains("<caption>Score per area</caption>"));
    assert!(project.contains("claimed but failing"));
    assert!(project.contains("SHOP-2"));
    assert!(project.contains(&format!("href=\"/runs/{latest}\"")));
    assert!(project.contains(&format!("checklist run #{checklist}")));

    let run = text(
        s.page(&format!("/runs/{checklist}"), Some(&cookie)).await,
        200,
    )
    .await;
    assert!(run.contains("On-call rota agreed"), "{run}");
    assert!(run.contains("<span class=\"badge warn\">stale</span>"));

    let jobs = text(s.page("/jobs", Some(&cookie)).await, 200).await;
    assert!(jobs.contains(&format!("<td>#{job_id}</td>")), "{jobs}");
    assert!(jobs.contains("<a href=\"/projects/shop\">shop</a>"));

    // A viewer sees the sections but no sign-off form.
    let signoffs = text(s.page("/projects/shop/signoffs", Some(&cookie)).await, 200).await;
    assert!(
        signoffs.contains("<h2 id=\"section-0\">Shop launch › Security</h2>"),
        "{signoffs}"
    );
    assert!(signoffs.contains("<h2 id=\"section-1\">Shop launch › Operations</h2>"));
    assert!(!signoffs.contains("name=\"section\""));
    assert!(signoffs.contains("needs the engineer or admin role"));
}

async fn findings_filter_through_query_parameters(backend: Backend) {
    let s = start(backend).await;
    s.create_project("shop").await;
    s.upload("shop", &audit_with_findings(60)).await;
    s.create_user("vera", "viewer").await;
    let cookie = s.dashboard_login("vera").await;
    let rows = |page: &str| -> Vec<(String, bool)> {
        page.split("<tr data-severity=\"")
            .skip(1)
            .map(|row| {
                let severity = row.split('"').next().unwrap().to_string();
                let tag = &row[..row.find('>').unwrap()];
                (severity, tag.contains(" hidden"))
            })
            .collect()
    };
    let high = text(
        s.page("/projects/shop?severity=high", Some(&cookie)).await,
        200,
    )
    .await;
    assert_eq!(
        rows(&high),
        [
            ("high".into(), false),
            ("medium".into(), true),
            ("low".into(), true)
        ]
    );
    assert!(high.contains("1 of 3 findings shown"));
    assert!(
        high.contains("<option value=\"high\" selected>high</option>"),
        "{high}"
    );
    let text_and_area = text(
        s.page("/projects/shop?area=documentation&q=RUNBOOK", Some(&cookie))
            .await,
        200,
    )
    .await;
    assert_eq!(
        rows(&text_and_area),
        [
            ("high".into(), true),
            ("medium".into(), true),
            ("low".into(), false)
        ]
    );
    let none = text(
        s.page("/projects/shop?q=nothing-like-this", Some(&cookie))
            .await,
        200,
    )
    .await;
    assert!(none.contains("0 of 3 findings shown"));
}

async fn signing_off_checks_the_csrf_token_and_the_role(backend: Backend) {
    let s = start(backend).await;
    s.create_project("shop").await;
    s.upload("shop", &checklist_with_items()).await;
    s.create_user("vera", "viewer").await;
    s.create_user("eng", "engineer").await;
    let viewer = s.dashboard_login("vera").await;
    let engineer = s.dashboard_login("eng").await;
    let viewer_page = text(s.page("/projects/shop/signoffs", Some(&viewer)).await, 200).await;
    let engineer_page = text(
        s.page("/projects/shop/signoffs", Some(&engineer)).await,
        200,
    )
    .await;
    assert!(
        engineer_page.contains("name=\"section\" value=\"Shop launch\nSecurity\""),
        "{engineer_page}"
    );
    let section = [("section", "Security")];

    let no_token = s
        .form("/projects/shop/signoffs", Some(&engineer), &section)
        .await;
    assert_eq!(no_token.status(), 403);
    // Another session's token is not this session's.
    let other = csrf_of(&viewer_page);
    let wrong = s
        .form(
            "/projects/shop/signoffs",
            Some(&engineer),
            &[("csrf", &other), section[0]],
        )
        .await;
    let page = text(wrong, 403).await;
    assert!(
        page.contains("not sent from this dashboard session"),
        "{page}"
    );
    let viewer_try = s
        .form(
            "/projects/shop/signoffs",
            Some(&viewer),
            &[("csrf", &other), section[0]],
        )
        .await;
    let page = text(viewer_try, 403).await;
    assert!(page.contains("needs the engineer or admin role"), "{page}");
    let anonymous = s.form("/projects/shop/signoffs", None, &section).await;
    assert_eq!(anonymous.status(), 303);

    // The engineer's own token signs the section (the server signs for the user).
    let token = csrf_of(&engineer_page);
    let path = "Shop launch\r\nOperations";
    let signed = s
        .form(
            "/projects/shop/signoffs",
            Some(&engineer),
            &[("csrf", &token), ("section", path)],
        )
        .await;
    assert_eq!(signed.status(), 303);
    let back = signed.headers()[LOCATION].to_str().unwrap().to_string();
    assert_eq!(
        back,
        "/projects/shop/signoffs?signed=Shop%20launch%20%E2%80%BA%20Operations"
    );
    let page = text(s.page(&back, Some(&engineer)).await, 200).await;
    assert!(
        page.contains("Signed off section “Shop launch › Operations”."),
        "{page}"
    );
    let operations = &page[page.find("Shop launch › Operations</h2>").unwrap()..];
    let recorded = &operations[operations.find("<caption>Recorded sign-offs").unwrap()..];
    assert!(
        recorded.contains("<td>Shop launch › Operations</td><td>eng</td>"),
        "{recorded}"
    );
    assert!(recorded.contains("<span class=\"badge pass\">valid</span>"));
    // The API sees the same sign-off.
    let checklist = s.get_json("/api/v1/projects/shop/checklist").await;
    assert_eq!(checklist["signoffs"][0]["name"], "eng", "{checklist}");
    assert_eq!(
        checklist["signoffs"][0]["section"],
        serde_json::json!(["Shop launch", "Operations"])
    );

    // A section the checklist does not have is refused with the reason.
    let unknown = s
        .form(
            "/projects/shop/signoffs",
            Some(&engineer),
            &[("csrf", &token), ("section", "Nope")],
        )
        .await;
    let page = text(unknown, 422).await;
    assert!(page.contains("no items under"), "{page}");
}

async fn missing_things_are_html_pages_with_their_status(backend: Backend) {
    let s = start(backend).await;
    s.create_user("vera", "viewer").await;
    let cookie = s.dashboard_login("vera").await;
    let page = text(s.page("/projects/nope", Some(&cookie)).await, 404).await;
    assert!(page.contains("there is no project named nope"), "{page}");
    let page = text(s.page("/runs/999999", Some(&cookie)).await, 404).await;
    assert!(page.contains("there is no run 999999"));
    let page = text(s.page("/projects/nope/signoffs", Some(&cookie)).await, 404).await;
    assert!(page.contains("role=\"alert\""));
    // The API keeps answering problems.
    problem(s.get("/api/v1/projects/nope", &s.admin).await, 404).await;
}
