//! A handler that panics answers a 500 problem like any other internal error (logged with the
//! request's ID by the outer layers) instead of dropping the client's connection.

use crate::http::problem::Problem;
use axum::response::{IntoResponse, Response};
use std::any::Any;

pub fn into_problem(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_string());
    Problem::internal(format!("a handler panicked: {message}")).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_a_500_problem_without_its_message() {
        let response = into_problem(Box::new("secret detail"));
        assert_eq!(response.status(), 500);
        assert_eq!(
            response.headers()["content-type"],
            crate::http::problem::PROBLEM_JSON
        );
    }
}
