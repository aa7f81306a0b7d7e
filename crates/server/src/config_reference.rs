//! The configuration reference in docs/server.md, generated from [`Config`]: field names,
//! types and descriptions from its schema (the doc comments), defaults from
//! `Config::default()` serialized, environment variables from [`ENV_FIELDS`]. A test keeps the
//! committed table current; `VOUCH_UPDATE_DOCS=1` rewrites it.

use crate::config::{Config, ENV_FIELDS, ENV_ONLY_FIELDS};
use serde_json::Value;
use utoipa::PartialSchema;

/// The markers around the generated table in docs/server.md.
pub const START: &str = "<!-- config-reference:start -->";
pub const END: &str = "<!-- config-reference:end -->";

/// One row of the reference.
#[derive(Debug, PartialEq)]
pub struct Field {
    pub name: String,
    /// The TOML type: `string`, `integer`, `boolean`, `array of strings`, ...
    pub kind: String,
    pub env: Vec<&'static str>,
    /// Read from the environment only, refused in the file.
    pub env_only: bool,
    /// The default as a TOML value, `None` when unset.
    pub default: Option<String>,
    pub description: String,
}

/// Every field of [`Config`], in name order (the schema's).
pub fn fields() -> Vec<Field> {
    let schema = serde_json::to_value(Config::schema()).unwrap_or_default();
    let defaults = serde_json::to_value(Config::default()).unwrap_or_default();
    let Some(properties) = schema["properties"].as_object() else {
        return Vec::new();
    };
    properties
        .iter()
        .map(|(name, property)| Field {
            name: name.clone(),
            kind: kind(property),
            env: ENV_FIELDS
                .iter()
                .filter(|(_, field)| field == name)
                .map(|(env, _)| *env)
                .collect(),
            env_only: ENV_ONLY_FIELDS.contains(&name.as_str()),
            default: toml_value(&defaults[name]),
            description: description(property),
        })
        .collect()
}

/// The Markdown table between the markers (markers excluded).
pub fn render() -> String {
    let mut out = String::from(
        "| field | type | environment | default | description |\n| --- | --- | --- | --- | --- |\n",
    );
    for field in fields() {
        let mut env: Vec<String> = field.env.iter().map(|e| format!("`{e}`")).collect();
        if field.env_only {
            env.push("(only; refused in the file)".into());
        }
        if env.is_empty() {
            env.push("none".into());
        }
        let default = field
            .default
            .map_or_else(|| "unset".to_string(), |d| format!("`{d}`"));
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            field.name,
            cell(&field.kind),
            env.join(" "),
            cell(&default),
            cell(&field.description),
        ));
    }
    out
}

/// `document` with the text between the markers replaced by `table`; `None` without markers.
pub fn splice(document: &str, table: &str) -> Option<String> {
    let start = document.find(START)? + START.len();
    let end = start + document[start..].find(END)?;
    Some(format!(
        "{}\n{}{}",
        &document[..start],
        table,
        &document[end..]
    ))
}

/// The TOML type of a schema property (its `type`, minus `null`, which only marks an option).
fn kind(property: &Value) -> String {
    if let Some(values) = property["enum"].as_array() {
        let names: Vec<String> = values
            .iter()
            .filter_map(Value::as_str)
            .map(|v| format!("`\"{v}\"`"))
            .collect();
        return names.join(" or ");
    }
    if let Some(inner) = property["oneOf"]
        .as_array()
        .or(property["allOf"].as_array())
        .and_then(|all| all.iter().find(|s| !s["enum"].is_null()))
    {
        return kind(inner);
    }
    let types: Vec<&str> = match &property["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    match types.into_iter().find(|t| *t != "null").unwrap_or("any") {
        "array" => format!("array of {}s", kind(&property["items"])),
        "object" => format!("table of {}s", kind(&property["additionalProperties"])),
        other => other.to_string(),
    }
}

/// The doc comment as one line (table cells cannot hold line breaks).
fn description(property: &Value) -> String {
    property["description"]
        .as_str()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A default as it would be written in the TOML file; `None` for an unset option.
fn toml_value(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::Object(map) if map.is_empty() => Some("{}".into()),
        other => Some(other.to_string()),
    }
}

/// A Markdown table cell: `|` would end it.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ENV_FIELDS;
    use std::cell::RefCell;

    #[test]
    fn every_field_has_a_type_and_a_description() {
        let fields = fields();
        assert!(fields.len() > 40, "{fields:?}");
        for field in &fields {
            assert!(
                !field.description.is_empty(),
                "{} has no doc comment",
                field.name
            );
            assert_ne!(field.kind, "any", "{}", field.name);
        }
        let listen = fields.iter().find(|f| f.name == "listen").unwrap();
        assert_eq!(listen.kind, "string");
        assert_eq!(listen.env, ["VOUCH_LISTEN"]);
        assert_eq!(listen.default.as_deref(), Some("\"127.0.0.1:8080\""));
        let mode = fields.iter().find(|f| f.name == "mode").unwrap();
        assert_eq!(mode.kind, "`\"development\"` or `\"production\"`");
        let workers = fields.iter().find(|f| f.name == "job_workers").unwrap();
        assert_eq!(
            (workers.kind.as_str(), workers.default.as_deref()),
            ("integer", Some("2"))
        );
        let keys = fields
            .iter()
            .find(|f| f.name == "signoff_trusted_keys")
            .unwrap();
        assert_eq!(keys.kind, "array of strings");
        let map = fields.iter().find(|f| f.name == "oidc_role_map").unwrap();
        assert_eq!(
            (map.kind.as_str(), map.default.as_deref()),
            ("table of strings", Some("{}"))
        );
        let password = fields
            .iter()
            .find(|f| f.name == "init_admin_password")
            .unwrap();
        assert!(
            password.env_only && password.default.is_none(),
            "{password:?}"
        );
    }

    /// Each listed variable sets exactly its field, and `apply_env` reads no other variable.
    #[test]
    fn the_environment_table_is_what_apply_env_reads() {
        let asked = RefCell::new(Vec::new());
        Config::default()
            .apply_env(|name| {
                asked.borrow_mut().push(name.to_string());
                None
            })
            .unwrap();
        let mut asked = asked.into_inner();
        let mut listed: Vec<String> = ENV_FIELDS.iter().map(|(e, _)| e.to_string()).collect();
        asked.sort();
        listed.sort();
        assert_eq!(asked, listed);

        let before = serde_json::to_value(Config::default()).unwrap();
        for (env, field) in ENV_FIELDS {
            let sample = match *env {
                "VOUCH_LISTEN" => "0.0.0.0:9999",
                "VOUCH_MODE" => "production",
                "VOUCH_JOB_WORKERS" => "7",
                "VOUCH_OIDC_ROLE_MAP" => "sre=engineer",
                _ => "/drill/sample",
            };
            let mut config = Config::default();
            config
                .apply_env(|name| (name == *env).then(|| sample.to_string()))
                .unwrap();
            let after = serde_json::to_value(config).unwrap();
            let changed: Vec<&String> = after
                .as_object()
                .unwrap()
                .iter()
                .filter(|(k, v)| before[k.as_str()] != **v)
                .map(|(k, _)| k)
                .collect();
            assert_eq!(changed, [field], "{env}");
        }
    }

    #[test]
    fn secrets_serialize_redacted() {
        let config = Config {
            signing_key: Some("seed".into()),
            ..Config::default()
        };
        let text = serde_json::to_string(&config).unwrap();
        assert!(!text.contains("seed"), "{text}");
        assert!(text.contains("\"signing_key\":\"(redacted)\""), "{text}");
    }

    #[test]
    fn splice_replaces_only_between_the_markers() {
        let doc = format!("intro\n{START}\nold\n{END}\noutro\n");
        assert_eq!(
            splice(&doc, "new\n").unwrap(),
            format!("intro\n{START}\nnew\n{END}\noutro\n")
        );
        assert_eq!(splice("no markers", "x"), None);
    }

    /// docs/server.md holds the table generated from `Config`; set VOUCH_UPDATE_DOCS=1 to
    /// rewrite it (`VOUCH_UPDATE_DOCS=1 cargo test -p vouch-server --lib config_reference`).
    #[test]
    fn docs_server_md_has_the_current_configuration_reference() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/server.md");
        let document = std::fs::read_to_string(&path).unwrap();
        let wanted = splice(&document, &render())
            .unwrap_or_else(|| panic!("docs/server.md lacks the markers {START} and {END}"));
        if document == wanted {
            return;
        }
        if std::env::var_os("VOUCH_UPDATE_DOCS").is_some() {
            std::fs::write(&path, wanted).unwrap();
            return;
        }
        panic!(
            "the configuration reference in docs/server.md is stale: run \
             `VOUCH_UPDATE_DOCS=1 cargo test -p vouch-server --lib config_reference`"
        );
    }
}
