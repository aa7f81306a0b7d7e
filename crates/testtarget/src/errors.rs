//! Error responses in the instance's [`ErrorStyle`].

use crate::behaviour::ErrorStyle;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// What a leaky framework prints when a handler blows up: a traceback, the exception and the
/// SQL it was running.
const LEAK: &str = "Traceback (most recent call last):
  File \"/app/venv/lib/python3.12/site-packages/sqlalchemy/engine/base.py\", line 1969, in _exec_single_context
    self.dialect.do_execute(cursor, str_statement, effective_parameters, context)
  File \"/app/service/handlers.py\", line 42, in create_item
    raise ValueError(\"unexpected payload\")
sqlalchemy.exc.ProgrammingError: (psycopg2.errors.SyntaxError) syntax error at or near \"WHERE\"
[SQL: SELECT id, name FROM items WHERE WHERE owner_id = %(owner_id)s]
";

/// An error response: problem+json, a plain line, or (leaky) a 500 with a traceback.
pub fn error(style: ErrorStyle, status: StatusCode, detail: &str) -> Response {
    match style {
        ErrorStyle::Problem => {
            let body = serde_json::json!({
                "type": "about:blank",
                "title": status.canonical_reason().unwrap_or("Error"),
                "status": status.as_u16(),
                "detail": detail,
            });
            let mut response = (status, body.to_string()).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/problem+json"),
            );
            response
        }
        ErrorStyle::Plain => (
            status,
            status.canonical_reason().unwrap_or("Error").to_string(),
        )
            .into_response(),
        ErrorStyle::Leaky => {
            let status = if status == StatusCode::NOT_FOUND {
                status
            } else {
                StatusCode::INTERNAL_SERVER_ERROR
            };
            (status, format!("{detail}\n\n{LEAK}")).into_response()
        }
    }
}
