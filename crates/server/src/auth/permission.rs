//! The permission check as a route layer: it runs before the handler's extractors, so a caller
//! without the permission gets 403 whatever the body says (a handler's own
//! `principal.require` runs only after its body was parsed and validated).

use super::{Principal, Scope};
use crate::http::problem::Problem;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// `router.route_layer(from_fn(|r, n| permission::enforce(Scope::Admin, r, n)))`
pub async fn enforce(scope: Scope, request: Request, next: Next) -> Response {
    let allowed = match request.extensions().get::<Principal>() {
        Some(principal) => principal.require(scope),
        None => Err(Problem::unauthorized(
            "an API key or access token is required",
        )),
    };
    match allowed {
        Ok(()) => next.run(request).await,
        Err(problem) => problem.into_response(),
    }
}
