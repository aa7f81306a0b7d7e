//! The dashboard: server-rendered HTML pages for people (overview, project, run, jobs,
//! sign-offs, login), outside `/api`. Pages are maud templates, so every value from a report is
//! escaped; the CSS and the one script are built into the binary and served under a content
//! hash. A session is a cookie holding a refresh token from the ordinary login (see
//! [`session`]); bearer tokens and API keys are not accepted here. See docs/server.md,
//! "Dashboard".

pub mod assets;
pub mod chart;
pub mod error;
pub mod filter;
pub mod jobs;
pub mod layout;
pub mod login;
pub mod overview;
pub mod project;
pub mod report;
pub mod run;
pub mod session;
pub mod signoffs;
pub mod stored;
pub mod tables;
pub mod widgets;

use crate::app::AppState;
use axum::Router;
use axum::routing::{get, post};

/// Every dashboard route; mounted at the root (rbac_matrix.rs lists them too).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(overview::page))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/projects/{name}", get(project::page))
        .route(
            "/projects/{name}/signoffs",
            get(signoffs::page).post(signoffs::submit),
        )
        .route("/runs/{id}", get(run::page))
        .route("/jobs", get(jobs::page))
        .route("/assets/{file}", get(assets::serve))
}
