//! What an error response's body is: an RFC 7807 problem, a JSON error object, or something
//! a client cannot parse.

use crate::target::Exchange;
use serde_json::Value;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorShape {
    /// `application/problem+json` with `title` or `type`, and `status`.
    Problem,
    /// A JSON object with an error field (`error`, `message`, `detail`, ...).
    JsonError,
    /// Anything else; the text says what it is.
    Unstructured(String),
}

impl ErrorShape {
    pub fn is_structured(&self) -> bool {
        !matches!(self, ErrorShape::Unstructured(_))
    }
}

/// Fields a JSON error body names its error with.
const ERROR_FIELDS: &[&str] = &[
    "error",
    "errors",
    "message",
    "detail",
    "title",
    "code",
    "error_description",
    "reason",
];

pub fn shape(ex: &Exchange) -> ErrorShape {
    if ex.body.trim_ascii().is_empty() {
        return ErrorShape::Unstructured("an empty body".into());
    }
    let media = ex.media_type().unwrap_or_default();
    let json = ex.json();
    match (&json, media.as_str()) {
        (Some(Value::Object(o)), "application/problem+json") => {
            if (o.contains_key("title") || o.contains_key("type")) && o.contains_key("status") {
                ErrorShape::Problem
            } else {
                ErrorShape::Unstructured(
                    "a problem+json body without `title`/`type` and `status`".into(),
                )
            }
        }
        (Some(Value::Object(o)), _) if ex.is_json() => {
            if ERROR_FIELDS.iter().any(|f| o.contains_key(*f)) {
                ErrorShape::JsonError
            } else {
                ErrorShape::Unstructured("a JSON object without an error field".into())
            }
        }
        (Some(_), _) if ex.is_json() => {
            ErrorShape::Unstructured("JSON that is not an object".into())
        }
        (Some(Value::Object(_)), m) => ErrorShape::Unstructured(format!(
            "a JSON body declared as `{}`",
            if m.is_empty() { "no content type" } else { m }
        )),
        _ if ex.is_html() => ErrorShape::Unstructured("an HTML page".into()),
        _ => ErrorShape::Unstructured(format!(
            "a `{}` body",
            if media.is_empty() { "untyped" } else { &media }
        )),
    }
}
