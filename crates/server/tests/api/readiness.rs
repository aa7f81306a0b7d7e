use crate::both_backends;
use crate::support::*;
use reqwest::Method;
use sqlx::Connection;

both_backends!(readyz_is_503_when_the_database_is_not_usable);

/// SQLite: the migrations table is dropped under the server (the file stays open, so removing
/// it would not be noticed). PostgreSQL: the database itself is dropped, connections killed.
async fn readyz_is_503_when_the_database_is_not_usable(backend: Backend) {
    let s = start(backend).await;
    let ready = s
        .request(Method::GET, "/readyz", None)
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);

    match backend {
        Backend::Sqlite => {
            let mut conn = sqlx::AnyConnection::connect(&s.database_url).await.unwrap();
            sqlx::query("DROP TABLE _sqlx_migrations")
                .execute(&mut conn)
                .await
                .unwrap();
            let body = problem(
                s.request(Method::GET, "/readyz", None)
                    .send()
                    .await
                    .unwrap(),
                503,
            )
            .await;
            assert!(
                body["detail"].as_str().unwrap().contains("migrations"),
                "{body}"
            );
        }
        Backend::Postgres => {
            let (admin_url, name) = s.pg_database.clone().unwrap();
            let mut conn = sqlx::AnyConnection::connect(&admin_url).await.unwrap();
            sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
                .execute(&mut conn)
                .await
                .unwrap();
            let body = problem(
                s.request(Method::GET, "/readyz", None)
                    .send()
                    .await
                    .unwrap(),
                503,
            )
            .await;
            assert!(
                body["detail"].as_str().unwrap().contains("unreachable"),
                "{body}"
            );
            // API requests fail as 503 problems too, without internal detail.
            let body = problem(s.get("/api/v1/projects", &s.admin).await, 503).await;
            assert!(!body["detail"].as_str().unwrap().contains(&name), "{body}");
        }
    }
    // Liveness is about the process, not the database.
    let alive = s
        .request(Method::GET, "/healthz", None)
        .send()
        .await
        .unwrap();
    assert_eq!(alive.status(), 200);
}
