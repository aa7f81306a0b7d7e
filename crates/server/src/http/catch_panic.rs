//! A panic in a handler becomes a 500 problem for that request: without this, hyper drops the
//! connection and the client sees a reset with no status. The panic is logged (with the
//! request's span, so its request ID) and the server keeps serving.

use super::problem::Problem;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::FutureExt;
use std::panic::AssertUnwindSafe;

pub async fn catch_panic(request: Request, next: Next) -> Response {
    // Unwind safety: the request's state is dropped with the panic; shared state is behind
    // the database and atomics, which a panic cannot leave half-written.
    match AssertUnwindSafe(next.run(request)).catch_unwind().await {
        Ok(response) => response,
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a non-string panic payload".into());
            Problem::internal(format_args!("handler panicked: {message}")).into_response()
        }
    }
}
