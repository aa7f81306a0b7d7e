//! Errors on dashboard pages are HTML pages (a person is reading), with the status a client
//! would expect. A 5xx page says nothing about the cause: that went to the log, as for the API.

use super::layout;
use crate::http::problem::Problem;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;

#[derive(Debug)]
pub enum PageError {
    NotFound(String),
    Forbidden(String),
    /// A POST form without this session's token, or from another site.
    Csrf,
    /// The request cannot be done as asked (409, 422): the message says why.
    Refused(StatusCode, String),
    Unavailable,
    Internal,
}

pub type PageResult<T> = Result<T, PageError>;

impl From<Problem> for PageError {
    /// The problem's cause was logged where it was made.
    fn from(problem: Problem) -> Self {
        match problem.status {
            404 => PageError::NotFound(problem.detail.unwrap_or_default()),
            403 => PageError::Forbidden(problem.detail.unwrap_or_default()),
            409 | 422 => {
                let status = problem.status_code();
                let mut why = problem.detail.unwrap_or_default();
                for e in &problem.errors {
                    why.push_str(&format!("; {}: {}", e.field, e.message));
                }
                PageError::Refused(status, why)
            }
            503 => PageError::Unavailable,
            _ => PageError::Internal,
        }
    }
}

impl From<sqlx::Error> for PageError {
    fn from(e: sqlx::Error) -> Self {
        Problem::from(e).into()
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            PageError::NotFound(what) => (StatusCode::NOT_FOUND, what),
            PageError::Forbidden(why) => (StatusCode::FORBIDDEN, why),
            PageError::Csrf => (
                StatusCode::FORBIDDEN,
                "the form was not sent from this dashboard session; reload the page and try again"
                    .to_string(),
            ),
            PageError::Refused(status, why) => (status, why),
            PageError::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "the database is unavailable; try again shortly".to_string(),
            ),
            PageError::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the server failed to show this page; the request ID identifies it in the logs"
                    .to_string(),
            ),
        };
        let title = status.canonical_reason().unwrap_or("Error");
        let body = html! {
            h1 { (title) }
            p.alert role="alert" { (message) }
            p { a href="/" { "Back to the overview" } }
        };
        let mut response = layout::bare(title, body);
        *response.status_mut() = status;
        response
    }
}
