//! `GET /api/openapi.json`: the OpenAPI 3.1 document, generated from the code. Each domain's
//! routes module declares its operations (`#[utoipa::path]` on the handlers, listed in its
//! `Api`); this module merges them and applies the conventions every operation shares, so a
//! handler's annotation says only what is particular to it:
//! - security: bearer (an API key or an access token) unless the operation says `security(())`;
//! - problem responses (`application/problem+json`): 401 and 403 for authenticated operations,
//!   400, 415 and 422 for operations with a JSON body, 404 for paths with parameters, 429 and
//!   500 for all.

use crate::http::problem::{FieldError, PROBLEM_JSON, Problem};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use std::sync::OnceLock;
use utoipa::OpenApi;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};

/// The security scheme's name in the document.
pub const BEARER: &str = "bearer";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "vouch serve",
        description = "The readiness server: projects, runs, jobs, webhooks, users, API keys \
                       and the security audit log. Errors are RFC 7807 problem documents.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    paths(
        crate::ops::health::healthz,
        crate::ops::health::readyz,
        crate::ops::metrics::endpoint,
        crate::auth::jwks::endpoint,
        endpoint,
    ),
    components(schemas(Problem, FieldError)),
    security(("bearer" = [])),
    tags(
        (name = "operations", description = "Health, readiness, metrics, keys, this document"),
        (name = "auth", description = "Login, tokens and API keys"),
        (name = "projects", description = "The services under review"),
        (name = "runs", description = "Audit and checklist reports"),
        (name = "jobs", description = "Audits the server runs"),
        (name = "users", description = "User accounts (admins only)"),
        (name = "webhooks", description = "Notifications on regressions (admins only)"),
        (name = "audit-log", description = "The hash-chained security audit log"),
    )
)]
struct Root;

/// The whole document: every domain's operations and the shared conventions.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = Root::openapi();
    for part in [
        crate::auth::session::Api::openapi(),
        crate::auth::routes::Api::openapi(),
        crate::projects::routes::Api::openapi(),
        crate::runs::routes::Api::openapi(),
        crate::jobs::routes::Api::openapi(),
        crate::users::routes::Api::openapi(),
        crate::webhooks::routes::Api::openapi(),
        crate::audit_log::routes::Api::openapi(),
        crate::checklists::routes::Api::openapi(),
    ] {
        doc.merge(part);
    }
    apply_conventions(&mut doc);
    doc
}

#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "operations",
    security(()),
    responses((status = 200, description = "This document (OpenAPI 3.1)", content_type = "application/json", body = serde_json::Value))
)]
pub async fn endpoint() -> Response {
    static JSON: OnceLock<String> = OnceLock::new();
    let json = JSON.get_or_init(|| document().to_json().unwrap_or_default());
    let mut response = json.clone().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn apply_conventions(doc: &mut utoipa::openapi::OpenApi) {
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        BEARER,
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some(
                    "An API key (`vk_...`), an access token from /api/v1/auth/login, or a \
                     token of the configured OIDC issuer",
                ))
                .build(),
        ),
    );
    for (path, item) in doc.paths.paths.iter_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            add_problems(path, operation);
        }
    }
}

fn add_problems(path: &str, operation: &mut Operation) {
    let public = operation
        .security
        .as_ref()
        .is_some_and(|list| list.contains(&SecurityRequirement::default()));
    let mut problems = vec![
        ("429", "Too many requests (rate limit); see `Retry-After`"),
        (
            "500",
            "The server failed; the request ID identifies it in the logs",
        ),
    ];
    if !public {
        problems.push(("401", "No, or no valid, API key or access token"));
        problems.push(("403", "The caller's scopes or role do not allow this"));
    }
    if operation.request_body.is_some() {
        problems.push(("400", "The body is not valid JSON"));
        problems.push(("415", "The body is not `application/json`"));
        problems.push(("422", "Invalid fields, each listed in `errors`"));
    }
    if path.contains('{') {
        problems.push(("404", "No such resource"));
    }
    for (status, description) in problems {
        operation
            .responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| {
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        PROBLEM_JSON,
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("Problem")))
                            .build(),
                    )
                    .build()
                    .into()
            });
    }
}
