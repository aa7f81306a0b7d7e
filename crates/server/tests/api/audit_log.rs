use crate::both_backends;
use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};
use sqlx::Executor;
use vouch_server::audit_log::{self, SecurityEvent, chain, verify};
use vouch_server::repo::audit_log::AuditEntry;

both_backends!(
    key_events_are_chained_and_listed_for_admins,
    the_table_rejects_update_and_delete,
    an_edited_entry_breaks_the_chain_where_it_was_edited,
    a_deleted_entry_is_reported_missing,
    concurrent_appends_keep_one_chain,
    user_and_login_events_join_the_chain,
);

async fn key_events_are_chained_and_listed_for_admins(backend: Backend) {
    let s = start(backend).await;
    let reader = s.key(&["read"]).await;
    let response = s
        .post(
            "/api/v1/api-keys",
            &s.admin,
            &json!({"name": "ci", "scopes": ["runs:write"]}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let ci: Value = response.json().await.unwrap();
    let ci_id = ci["id"].as_i64().unwrap();
    let revoked = s.revoke_key(&ci["id"]).await;
    assert_eq!(revoked.status(), 204);

    let page: Value = s
        .get("/api/v1/audit-log", &s.admin)
        .await
        .json()
        .await
        .unwrap();
    let items = page["items"].as_array().unwrap();
    let kinds: Vec<&str> = items.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "api_key.bootstrapped",
            "api_key.created",
            "api_key.created",
            "api_key.revoked"
        ]
    );
    assert_eq!(items[0]["actor"], "system");
    assert_eq!(items[0]["subject"], "api-key:1");
    assert_eq!(
        items[0]["detail"],
        json!({"name": "initial admin", "scopes": "admin"})
    );
    assert_eq!(items[0]["prev_hash"], chain::GENESIS);
    assert_eq!(items[2]["actor"], "api-key:1");
    assert_eq!(items[2]["subject"], format!("api-key:{ci_id}"));
    assert_eq!(items[2]["detail"]["name"], "ci");
    assert_eq!(items[2]["detail"]["scopes"], "runs:write");
    assert_eq!(items[3]["subject"], format!("api-key:{ci_id}"));
    for pair in items.windows(2) {
        assert_eq!(pair[1]["prev_hash"], pair[0]["hash"]);
        assert_eq!(
            pair[1]["seq"].as_i64().unwrap(),
            pair[0]["seq"].as_i64().unwrap() + 1
        );
    }
    assert!(page.get("next").is_none(), "{page}");

    // Paginated by sequence number.
    let first: Value = s
        .get("/api/v1/audit-log?limit=3", &s.admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["items"].as_array().unwrap().len(), 3);
    assert_eq!(first["next"], "3");
    let rest: Value = s
        .get("/api/v1/audit-log?limit=3&after=3", &s.admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert_eq!(rest["items"][0]["kind"], "api_key.revoked");
    problem(s.get("/api/v1/audit-log?after=x", &s.admin).await, 400).await;

    // The chain verifies, through the API and the library.
    let report: Value = s
        .get("/api/v1/audit-log/verify", &s.admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(report["checked"], 4);
    assert_eq!(report["last_seq"], 4);
    assert_eq!(report["last_hash"], items[3]["hash"]);
    assert_eq!(report["broken"], Value::Null);
    assert!(verify(&s.running.db).await.unwrap().intact());

    // Admin only.
    let denied = problem(s.get("/api/v1/audit-log", &reader).await, 403).await;
    assert!(
        denied["detail"].as_str().unwrap().contains("admin"),
        "{denied}"
    );
    problem(s.get("/api/v1/audit-log/verify", &reader).await, 403).await;
    problem(
        s.request(Method::GET, "/api/v1/audit-log", None)
            .send()
            .await
            .unwrap(),
        401,
    )
    .await;
}

async fn append(db: &vouch_server::db::Db, n: usize) -> Vec<AuditEntry> {
    let mut entries = Vec::new();
    for i in 0..n {
        let event = SecurityEvent::new(
            "test.event",
            "user:alice",
            format!("thing:{i}"),
            json!({"i": i}),
        );
        entries.push(audit_log::record(db, event).await.unwrap());
    }
    entries
}

async fn the_table_rejects_update_and_delete(backend: Backend) {
    let fresh = fresh_db(backend).await;
    append(&fresh.db, 2).await;
    let mut raw = raw_connection(&fresh.url).await;
    for statement in [
        "UPDATE audit_log SET actor = 'mallory' WHERE seq = 1",
        "DELETE FROM audit_log WHERE seq = 2",
    ] {
        let err = raw.execute(statement).await.unwrap_err();
        assert!(
            err.to_string().contains("append-only"),
            "{statement}: {err}"
        );
    }
    let report = verify(&fresh.db).await.unwrap();
    assert_eq!((report.checked, report.broken), (2, None));
}

/// Drops the append-only triggers, as someone with direct database access could.
async fn drop_triggers(backend: Backend, raw: &mut sqlx::AnyConnection) {
    let statements: &[&str] = match backend {
        Backend::Sqlite => &[
            "DROP TRIGGER audit_log_no_update",
            "DROP TRIGGER audit_log_no_delete",
        ],
        Backend::Postgres => &["DROP TRIGGER audit_log_no_update_delete ON audit_log"],
    };
    for statement in statements {
        raw.execute(*statement).await.unwrap();
    }
}

/// A log of `n` intact entries whose triggers are gone, and a raw connection to tamper with it.
async fn unprotected_log(
    backend: Backend,
    n: usize,
) -> (FreshDb, Vec<AuditEntry>, sqlx::AnyConnection) {
    let fresh = fresh_db(backend).await;
    let entries = append(&fresh.db, n).await;
    assert!(verify(&fresh.db).await.unwrap().intact());
    let mut raw = raw_connection(&fresh.url).await;
    drop_triggers(backend, &mut raw).await;
    (fresh, entries, raw)
}

async fn an_edited_entry_breaks_the_chain_where_it_was_edited(backend: Backend) {
    let (fresh, entries, mut raw) = unprotected_log(backend, 5).await;
    raw.execute("UPDATE audit_log SET detail = '{\"i\":99}' WHERE seq = 3")
        .await
        .unwrap();
    let report = verify(&fresh.db).await.unwrap();
    let broken = report.broken.expect("tampering detected");
    assert_eq!(broken.seq, 3);
    assert_eq!(broken.reason, "its hash does not match its contents");
    assert_eq!(report.last_seq, Some(2));

    // Recomputing the edited entry's hash moves the break to the next entry.
    let mut forged = entries[2].clone();
    forged.detail = "{\"i\":99}".into();
    forged.hash = chain::hash(&forged);
    sqlx::query("UPDATE audit_log SET hash = $1 WHERE seq = 3")
        .bind(&forged.hash)
        .execute(&mut raw)
        .await
        .unwrap();
    let broken = verify(&fresh.db)
        .await
        .unwrap()
        .broken
        .expect("still detected");
    assert_eq!(broken.seq, 4);
    assert_eq!(
        broken.reason,
        "its prev_hash does not match the hash of entry 3"
    );
}

async fn a_deleted_entry_is_reported_missing(backend: Backend) {
    let (fresh, _, mut raw) = unprotected_log(backend, 4).await;
    raw.execute("DELETE FROM audit_log WHERE seq = 2")
        .await
        .unwrap();
    let report = verify(&fresh.db).await.unwrap();
    let broken = report.broken.expect("deletion detected");
    assert_eq!(broken.seq, 2);
    assert_eq!(broken.reason, "entry 2 is missing (the next entry is 3)");
}

async fn concurrent_appends_keep_one_chain(backend: Backend) {
    let fresh = fresh_db(backend).await;
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let db = fresh.db.clone();
            tokio::spawn(async move {
                let event =
                    SecurityEvent::new("test.concurrent", format!("user:{i}"), "x", json!({}));
                audit_log::record(&db, event).await.unwrap().seq
            })
        })
        .collect();
    let mut seqs = Vec::new();
    for task in tasks {
        seqs.push(task.await.unwrap());
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=40).collect::<Vec<i64>>());
    let report = verify(&fresh.db).await.unwrap();
    assert_eq!(report.checked, 40);
    assert_eq!(report.broken, None);
}

/// The users and sessions part records its security events in the same chain.
async fn user_and_login_events_join_the_chain(backend: Backend) {
    let s = start(backend).await;
    let user = s.user("auditor", "viewer").await;
    let failed = s
        .request(Method::POST, "/api/v1/auth/login", None)
        .json(&json!({"username": "auditor", "password": "not the password at all"}))
        .send()
        .await
        .unwrap();
    assert_eq!(failed.status(), 401);
    let page: Value = s
        .get("/api/v1/audit-log", &s.admin)
        .await
        .json()
        .await
        .unwrap();
    let items = page["items"].as_array().unwrap();
    let kinds: Vec<&str> = items.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "api_key.bootstrapped",
            "user.created",
            "auth.login_succeeded",
            "auth.login_failed"
        ]
    );
    assert_eq!(items[1]["subject"], format!("user:{}", user.id));
    let report = verify(&s.running.db).await.unwrap();
    assert!(report.broken.is_none(), "{report:?}");
    assert_eq!(report.checked, 4);
}
