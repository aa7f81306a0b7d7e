use crate::both_backends;
use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

both_backends!(
    admins_create_and_list_users_with_validated_fields,
    login_failures_are_one_uniform_401,
    user_tokens_carry_the_current_role,
    refresh_rotates_and_reuse_revokes_the_session,
    password_reset_and_disable_end_sessions,
    the_last_admin_cannot_be_demoted,
    the_first_admin_user_is_created_only_once,
);

fn fields(body: &Value) -> Vec<&str> {
    body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect()
}

async fn admins_create_and_list_users_with_validated_fields(backend: Backend) {
    let s = start(backend).await;
    let invalid = s
        .post(
            "/api/v1/users",
            &s.admin,
            &json!({"username": "Bad Name!", "email": "nope", "role": "root",
                    "password": "password1234"}),
        )
        .await;
    let body = problem(invalid, 422).await;
    assert_eq!(fields(&body), ["username", "email", "role", "password"]);
    let password_error = &body["errors"][3]["message"];
    assert!(
        password_error.as_str().unwrap().contains("common"),
        "{body}"
    );

    for (password, why) in [
        ("short", "at least 12"),
        ("aaaaaaaaaaaa", "repeats"),
        ("123456789012", "sequence"),
        ("grace-hopper-rules", "username"),
    ] {
        let refused = s
            .post(
                "/api/v1/users",
                &s.admin,
                &json!({"username": "grace", "email": "grace.hopper@navy.mil",
                        "role": "viewer", "password": password}),
            )
            .await;
        let body = problem(refused, 422).await;
        assert_eq!(fields(&body), ["password"], "{password}");
        assert!(
            body["errors"][0]["message"].as_str().unwrap().contains(why),
            "{body}"
        );
    }

    let created = s
        .post(
            "/api/v1/users",
            &s.admin,
            &json!({"username": "Grace", "email": "Grace@Navy.mil", "display_name": "Grace H.",
                    "role": "engineer", "password": PASSWORD}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let id = created.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let duplicate = s
        .post(
            "/api/v1/users",
            &s.admin,
            &json!({"username": "grace", "role": "viewer", "password": PASSWORD}),
        )
        .await;
    problem(duplicate, 409).await;

    let listed: Value = s.get("/api/v1/users", &s.admin).await.json().await.unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let user = &listed[0];
    assert_eq!(user["id"], id);
    assert_eq!(user["username"], "grace");
    assert_eq!(user["email"], "grace@navy.mil");
    assert_eq!(user["display_name"], "Grace H.");
    assert_eq!(user["role"], "engineer");
    assert_eq!(user["disabled"], false);
    assert!(
        !listed.to_string().contains("argon2"),
        "no hash is ever shown"
    );

    // The login accepts the e-mail address as well, in any case.
    s.login("GRACE@navy.mil", PASSWORD).await;
    let reader = s.key(&["read"]).await;
    problem(s.get("/api/v1/users", &reader).await, 403).await;
}

async fn login_failures_are_one_uniform_401(backend: Backend) {
    let s = start(backend).await;
    let id = s.create_user("ada", "viewer").await;
    let tokens = s.login("ada", PASSWORD).await;
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 900);
    assert_eq!(
        tokens["access_token"].as_str().unwrap().split('.').count(),
        3
    );
    assert!(tokens["refresh_token"].as_str().unwrap().starts_with("vr_"));

    s.request(
        Method::PATCH,
        &format!("/api/v1/users/{id}"),
        Some(&s.admin),
    )
    .json(&json!({"disabled": true}))
    .send()
    .await
    .unwrap();
    s.create_user("bob", "viewer").await;
    let mut bodies = Vec::new();
    for (username, password) in [
        ("bob", "not the password at all"),
        ("nobody", PASSWORD),
        ("ada", PASSWORD),
        ("", ""),
    ] {
        let response = s
            .request(Method::POST, "/api/v1/auth/login", None)
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap();
        bodies.push(problem(response, 401).await);
    }
    assert!(bodies.iter().all(|b| *b == bodies[0]), "{bodies:?}");
    assert_eq!(bodies[0]["detail"], "the username or password is wrong");
}

async fn user_tokens_carry_the_current_role(backend: Backend) {
    let s = start(backend).await;
    s.create_project("api").await;
    let user = s.user("lin", "viewer").await;
    let token = &user.access_token;
    assert_eq!(s.get("/api/v1/projects", token).await.status(), 200);
    let denied = problem(
        s.post("/api/v1/projects/api/runs", token, &audit_report(90, 90))
            .await,
        403,
    )
    .await;
    assert!(
        denied["detail"].as_str().unwrap().contains("`viewer` role"),
        "{denied}"
    );

    let promoted = s
        .request(
            Method::PATCH,
            &format!("/api/v1/users/{}", user.id),
            Some(&s.admin),
        )
        .json(&json!({"role": "engineer"}))
        .send()
        .await
        .unwrap();
    assert_eq!(promoted.status(), 200);
    // The same token, the new role: the server reads the role on each request.
    let uploaded = s
        .post("/api/v1/projects/api/runs", token, &audit_report(90, 90))
        .await;
    assert_eq!(uploaded.status(), 201);
    let run: Value = uploaded.json().await.unwrap();
    assert_eq!(run["score"], 90);
}

async fn refresh(s: &TestServer, token: &str) -> reqwest::Response {
    s.request(Method::POST, "/api/v1/auth/refresh", None)
        .json(&json!({"refresh_token": token}))
        .send()
        .await
        .unwrap()
}

async fn refresh_rotates_and_reuse_revokes_the_session(backend: Backend) {
    let s = start(backend).await;
    let user = s.user("kim", "viewer").await;
    let first = refresh(&s, &user.refresh_token).await;
    assert_eq!(first.status(), 200);
    let first: Value = first.json().await.unwrap();
    let rotated = first["refresh_token"].as_str().unwrap();
    assert_ne!(rotated, user.refresh_token);
    let access = first["access_token"].as_str().unwrap();
    assert_eq!(s.get("/api/v1/projects", access).await.status(), 200);

    // The old token again: refused, and the whole family with it.
    problem(refresh(&s, &user.refresh_token).await, 401).await;
    problem(refresh(&s, rotated).await, 401).await;

    // Another login is another family; logout ends it.
    let tokens = s.login("kim", PASSWORD).await;
    let token = tokens["refresh_token"].as_str().unwrap();
    let logout = s
        .request(Method::POST, "/api/v1/auth/logout", None)
        .json(&json!({"refresh_token": token}))
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 204);
    problem(refresh(&s, token).await, 401).await;
    problem(refresh(&s, "vr_garbage").await, 401).await;
}

async fn password_reset_and_disable_end_sessions(backend: Backend) {
    let s = start(backend).await;
    let user = s.user("max", "engineer").await;
    let path = format!("/api/v1/users/{}", user.id);
    let weak = s
        .request(Method::PATCH, &path, Some(&s.admin))
        .json(&json!({"password": "password1234"}))
        .send()
        .await
        .unwrap();
    assert_eq!(fields(&problem(weak, 422).await), ["password"]);
    let reset = s
        .request(Method::PATCH, &path, Some(&s.admin))
        .json(&json!({"password": "a whole new phrase 7"}))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 200);
    problem(refresh(&s, &user.refresh_token).await, 401).await;
    s.login("max", "a whole new phrase 7").await;

    let disabled = s
        .request(Method::PATCH, &path, Some(&s.admin))
        .json(&json!({"disabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(disabled.json::<Value>().await.unwrap()["disabled"], true);
    // A disabled user's unexpired access token stops working at once.
    let body = problem(s.get("/api/v1/projects", &user.access_token).await, 401).await;
    assert!(
        body["detail"].as_str().unwrap().contains("disabled"),
        "{body}"
    );
    let missing = s
        .request(Method::PATCH, "/api/v1/users/9999", Some(&s.admin))
        .json(&json!({"role": "viewer"}))
        .send()
        .await
        .unwrap();
    problem(missing, 404).await;
}

async fn the_last_admin_cannot_be_demoted(backend: Backend) {
    let s = start(backend).await;
    let root = s.user("root", "admin").await;
    let path = format!("/api/v1/users/{}", root.id);
    let demote = |token: String| {
        s.request(Method::PATCH, &path, Some(&token))
            .json(&json!({"role": "viewer"}))
            .send()
    };
    problem(demote(root.access_token.clone()).await.unwrap(), 409).await;
    let other = s.create_user("second", "admin").await;
    assert_eq!(
        demote(root.access_token.clone()).await.unwrap().status(),
        200
    );
    let body = problem(
        s.request(
            Method::PATCH,
            &format!("/api/v1/users/{other}"),
            Some(&s.admin),
        )
        .json(&json!({"disabled": true}))
        .send()
        .await
        .unwrap(),
        409,
    )
    .await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("last enabled admin")
    );
}

async fn the_first_admin_user_is_created_only_once(backend: Backend) {
    let s = start_with(backend, |c| {
        c.init_admin_user = Some("Boss".into());
        c.init_admin_password = Some("first admin phrase 1".into());
    })
    .await;
    let tokens = s.login("boss", "first admin phrase 1").await;
    let token = tokens["access_token"].as_str().unwrap();
    assert_eq!(s.get("/api/v1/users", token).await.status(), 200);

    // Later starts leave existing users alone, whatever the variables say.
    let again = s
        .another(|c| c.init_admin_password = Some("another admin phrase 2".into()))
        .await;
    let listed: Value = s.get("/api/v1/users", &s.admin).await.json().await.unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    s.login("boss", "first admin phrase 1").await;
    again.shutdown().await.unwrap();

    // On an empty database a weak password stops the start.
    let dir = tempfile::tempdir().unwrap();
    let mut config = s.config.clone();
    config.data_dir = dir.path().to_path_buf();
    config.database_url = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some(fresh_pg_database().await.0),
    };
    config.init_admin_password = Some("password1234".into());
    let refused = vouch_server::open_database(&config).await.unwrap_err();
    assert!(
        refused.to_string().contains("VOUCH_INIT_ADMIN_PASSWORD"),
        "{refused}"
    );
}
