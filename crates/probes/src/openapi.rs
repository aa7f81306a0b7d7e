//! Finds and reads the service's OpenAPI (3.x) or Swagger (2.0) document, JSON or YAML, and
//! lists its operations.

use crate::operations::{Operation, Operations, Source};
use crate::target::{Request, Target, TargetError};
use serde_json::Value;

/// Where services usually publish their document, tried in order.
pub const WELL_KNOWN: &[&str] = &[
    "/openapi.json",
    "/v3/api-docs",
    "/swagger.json",
    "/openapi.yaml",
    "/docs/openapi.json",
];

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// `explicit` (`--openapi FILE|URL`) must load; otherwise the well-known paths are tried and
/// a miss is recorded, not an error.
pub async fn discover(t: &Target, explicit: Option<&str>) -> Result<Operations, TargetError> {
    if let Some(source) = explicit {
        let fail = |reason: String| TargetError::OpenApi {
            source_name: source.to_string(),
            reason,
        };
        let text = if source.starts_with("http://") || source.starts_with("https://") {
            let ex = t
                .send(Request::get(source))
                .await
                .map_err(|e| fail(e.to_string()))?;
            if !ex.status.is_success() {
                return Err(fail(format!("answered {}", ex.status)));
            }
            ex.text().into_owned()
        } else {
            std::fs::read_to_string(source).map_err(|e| fail(e.to_string()))?
        };
        let doc = parse_document(&text).map_err(fail)?;
        let mut ops = operations(&doc, t.base().path()).map_err(fail)?;
        ops.openapi_source = Some(source.to_string());
        return Ok(ops);
    }
    let mut tried = Vec::new();
    for path in WELL_KNOWN {
        let Ok(ex) = t.send_past_auth(Request::get(*path)).await else {
            break;
        };
        tried.push(format!("{path} → {}", ex.status.as_u16()));
        if !ex.status.is_success() {
            continue;
        }
        let parsed = parse_document(&ex.text()).and_then(|doc| operations(&doc, t.base().path()));
        if let Ok(mut ops) = parsed {
            ops.openapi_source = Some(path.to_string());
            return Ok(ops);
        }
    }
    Ok(Operations {
        openapi_missing: Some(format!(
            "no OpenAPI document found ({}); pass --openapi",
            tried.join(", ")
        )),
        ..Operations::default()
    })
}

/// JSON when it looks like JSON, else YAML.
pub fn parse_document(text: &str) -> Result<Value, String> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') {
        return serde_json::from_str(trimmed).map_err(|e| format!("invalid JSON: {e}"));
    }
    let docs =
        vouch_workspace::yaml::parse_str(trimmed).map_err(|e| format!("invalid YAML: {e}"))?;
    let first = docs.into_iter().next().ok_or("empty document")?;
    Ok(yaml_to_json(&first.root))
}

fn yaml_to_json(node: &vouch_workspace::Node) -> Value {
    use vouch_workspace::Value as Y;
    match &node.value {
        Y::Null => Value::Null,
        Y::Scalar { text, .. } => Value::String(text.clone()),
        Y::Seq(items) => Value::Array(items.iter().map(yaml_to_json).collect()),
        Y::Map(entries) => Value::Object(
            entries
                .iter()
                .filter_map(|(k, v)| Some((k.as_str()?.to_string(), yaml_to_json(v))))
                .collect(),
        ),
    }
}

/// The operations of an OpenAPI 3.x or Swagger 2.0 document. `base_path` is the probed
/// URL's path: a server prefix it already contains is not added twice.
pub fn operations(doc: &Value, base_path: &str) -> Result<Operations, String> {
    let version = doc
        .get("openapi")
        .or_else(|| doc.get("swagger"))
        .and_then(Value::as_str)
        .ok_or("not an OpenAPI document (no `openapi` or `swagger` field)")?;
    let swagger2 = version.starts_with('2');
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("no `paths` object")?;
    let prefix = server_prefix(doc, swagger2);
    let prefix = if base_path.trim_end_matches('/').ends_with(&prefix) {
        String::new()
    } else {
        prefix
    };
    let mut list = Vec::new();
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for method in METHODS {
            let Some(op) = item.get(*method) else {
                continue;
            };
            list.push(Operation {
                method: method.to_ascii_uppercase(),
                path: format!("{prefix}{path}"),
                json_body: takes_json(op, swagger2),
                source: Source::OpenApi,
            });
        }
    }
    Ok(Operations {
        list,
        ..Operations::default()
    })
}

/// `/v1` from `servers[0].url` (relative or absolute) or Swagger's `basePath`.
fn server_prefix(doc: &Value, swagger2: bool) -> String {
    let raw = if swagger2 {
        doc.get("basePath").and_then(Value::as_str).unwrap_or("")
    } else {
        doc.pointer("/servers/0/url")
            .and_then(Value::as_str)
            .unwrap_or("")
    };
    let path = match raw.find("://") {
        Some(i) => raw[i + 3..].find('/').map_or("", |j| &raw[i + 3 + j..]),
        None => raw,
    };
    path.trim_end_matches('/').to_string()
}

fn takes_json(op: &Value, swagger2: bool) -> bool {
    if swagger2 {
        let body_param = op
            .get("parameters")
            .and_then(Value::as_array)
            .is_some_and(|ps| ps.iter().any(|p| p.get("in") == Some(&"body".into())));
        return body_param;
    }
    op.pointer("/requestBody/content")
        .and_then(Value::as_object)
        .is_some_and(|c| c.keys().any(|k| k.contains("json")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_openapi3_json_with_server_prefix() {
        let doc = parse_document(
            r#"{"openapi":"3.0.3","servers":[{"url":"https://api.example.com/v1/"}],
               "paths":{"/items":{"get":{},"post":{"requestBody":{"content":{"application/json":{}}}}}}}"#,
        )
        .unwrap();
        let ops = operations(&doc, "/").unwrap();
        assert_eq!(ops.list.len(), 2);
        assert_eq!(ops.list[0].path, "/v1/items");
        assert!(!ops.list[0].json_body);
        assert!(ops.list[1].json_body && ops.list[1].method == "POST");
        // Probing https://host/v1 already: the prefix is not doubled.
        assert_eq!(operations(&doc, "/v1").unwrap().list[0].path, "/items");
    }

    #[test]
    fn reads_swagger2_yaml() {
        let doc = parse_document(
            "swagger: '2.0'\nbasePath: /api\npaths:\n  /pets:\n    post:\n      parameters:\n        - in: body\n          name: pet\n",
        )
        .unwrap();
        let ops = operations(&doc, "/").unwrap();
        assert_eq!(ops.list[0].path, "/api/pets");
        assert!(ops.list[0].json_body);
    }

    #[test]
    fn rejects_documents_that_are_not_openapi() {
        assert!(operations(&parse_document("{\"a\":1}").unwrap(), "/").is_err());
        assert!(parse_document("{not json").is_err());
        assert!(
            parse_document("<!doctype html><html></html>")
                .is_ok_and(|v| operations(&v, "/").is_err())
        );
    }
}
