//! A small GraphQL endpoint (`POST /graphql`, JSON `{"query": ...}`) over the item API: it
//! resolves `__typename` and `items`, and answers or refuses introspection per instance.

use crate::behaviour::Graphql;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// The schema's type names, as an introspection query lists them.
const TYPES: &[&str] = &[
    "Query", "Item", "ID", "String", "Boolean", "__Schema", "__Type", "__Field",
];

pub fn answer(style: Graphql, body: &[u8]) -> Response {
    let Some(query) = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("query").and_then(Value::as_str).map(str::to_string))
    else {
        return errors(
            StatusCode::BAD_REQUEST,
            "expected a JSON body with a `query` string",
        );
    };
    if query.contains("__schema") || query.contains("__type(") {
        if style != Graphql::IntrospectionOn {
            return errors(
                StatusCode::BAD_REQUEST,
                "GraphQL introspection is not allowed",
            );
        }
        let types: Vec<Value> = TYPES.iter().map(|t| json!({ "name": t })).collect();
        return data(json!({ "__schema": { "types": types } }));
    }
    let mut out = serde_json::Map::new();
    for field in top_level_fields(&query) {
        let value = match field.as_str() {
            "__typename" => json!("Query"),
            "items" => json!([{ "id": "1", "name": "first" }]),
            other => {
                return errors(
                    StatusCode::BAD_REQUEST,
                    &format!("Cannot query field \"{other}\" on type \"Query\"."),
                );
            }
        };
        out.insert(field, value);
    }
    data(Value::Object(out))
}

/// Field names directly inside the outermost selection set (`{a b{c}}` → a, b).
fn top_level_fields(query: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut depth = 0;
    let mut word = String::new();
    for c in query.chars().chain(std::iter::once(' ')) {
        if c.is_alphanumeric() || c == '_' {
            if depth == 1 {
                word.push(c);
            }
            continue;
        }
        if !word.is_empty() {
            fields.push(std::mem::take(&mut word));
        }
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
    }
    fields
}

fn data(value: Value) -> Response {
    axum::Json(json!({ "data": value })).into_response()
}

fn errors(status: StatusCode, message: &str) -> Response {
    (
        status,
        axum::Json(json!({ "errors": [{ "message": message }] })),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_outer_fields_only() {
        assert_eq!(top_level_fields("{__typename}"), ["__typename"]);
        assert_eq!(
            top_level_fields("query { items { id name } __typename }"),
            ["items", "__typename"]
        );
    }
}
