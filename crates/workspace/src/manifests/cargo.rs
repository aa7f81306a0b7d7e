//! `Cargo.toml`: `[dependencies]`, `[dev-dependencies]` (dev), `[build-dependencies]`, their
//! `[target.'cfg(...)'.*]` forms and `[workspace.dependencies]`. Renamed dependencies
//! (`alias = { package = "real" }`) are recorded under the real crate name.

use super::toml_util::{self, string, table, table_at};
use super::{Dependency, Sink};
use crate::classify::Ecosystem;
use crate::source::SourceText;
use toml::de::{DeTable, DeValue};

const SECTIONS: [(&str, bool); 5] = [
    ("dependencies", false),
    ("dev-dependencies", true),
    ("dev_dependencies", true),
    ("build-dependencies", false),
    ("build_dependencies", false),
];

pub(super) fn cargo_toml(src: &SourceText) -> Result<Vec<Dependency>, String> {
    let doc = toml_util::parse(src)?;
    let root = doc.get_ref();
    let workspace_deps = table_at(root, &["workspace", "dependencies"]);
    let mut sink = Sink::new(src, Ecosystem::Cargo);
    let add_sections = |sink: &mut Sink, owner: &DeTable| {
        for (section, dev) in SECTIONS {
            if let Some(deps) = table(owner, section) {
                add_table(sink, deps, dev, workspace_deps);
            }
        }
    };
    add_sections(&mut sink, root);
    for (_, target) in table(root, "target").into_iter().flatten() {
        if let DeValue::Table(target) = target.get_ref() {
            add_sections(&mut sink, target);
        }
    }
    if let Some(deps) = workspace_deps {
        add_table(&mut sink, deps, false, None);
    }
    Ok(sink.out)
}

fn add_table(sink: &mut Sink, deps: &DeTable, dev: bool, workspace: Option<&DeTable>) {
    for (key, value) in deps.iter() {
        let alias = key.get_ref().as_ref();
        let (name, version) = match value.get_ref() {
            DeValue::String(v) => (alias, Some(v.to_string())),
            DeValue::Table(t) => {
                let name = string(t, "package").unwrap_or(alias);
                let inherited =
                    t.get("workspace").and_then(|w| w.get_ref().as_bool()) == Some(true);
                let version = match (string(t, "version"), inherited, workspace) {
                    (Some(v), _, _) => Some(v.to_string()),
                    (None, true, Some(ws)) => workspace_version(ws, alias),
                    _ => None,
                };
                (name, version)
            }
            _ => continue,
        };
        let line = sink.line_at(key.span().start);
        sink.push(name.to_ascii_lowercase(), version, line, dev);
    }
}

fn workspace_version(ws: &DeTable, name: &str) -> Option<String> {
    match ws.get(name)?.get_ref() {
        DeValue::String(v) => Some(v.to_string()),
        DeValue::Table(t) => string(t, "version").map(str::to_string),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn realistic_cargo_toml() {
        let text = r#"[package]
name = "ledger"
version = "0.3.0"
edition = "2021"

[dependencies]
tokio = { version = "1.36", features = ["full"] }
axum = "0.7"
Serde_JSON = "1"
anyhow.workspace = true
pg = { package = "tokio-postgres", version = "0.7.10" }
shared = { path = "../shared" }

[dependencies.tracing]
version = "0.1.40"

[dev-dependencies]
testcontainers = "0.15"

[build-dependencies]
tonic-build = "0.11"

[target.'cfg(unix)'.dependencies]
nix = "0.28"

[target.'cfg(windows)'.dev-dependencies]
windows-sys = "0.52"

[workspace.dependencies]
anyhow = "1.0.80"
"#;
        let src = SourceText::new("Cargo.toml", text.into());
        let mut got: Vec<_> = cargo_toml(&src)
            .unwrap()
            .into_iter()
            .map(|d| (d.name, d.version, d.line, d.dev))
            .collect();
        got.sort_by_key(|r| r.2);
        let r =
            |n: &str, v: Option<&str>, l: u32, d: bool| (n.to_string(), v.map(String::from), l, d);
        assert_eq!(
            got,
            [
                r("tokio", Some("1.36"), 7, false),
                r("axum", Some("0.7"), 8, false),
                r("serde_json", Some("1"), 9, false),
                r("anyhow", Some("1.0.80"), 10, false),
                r("tokio-postgres", Some("0.7.10"), 11, false),
                r("shared", None, 12, false),
                r("tracing", Some("0.1.40"), 14, false),
                r("testcontainers", Some("0.15"), 18, true),
                r("tonic-build", Some("0.11"), 21, false),
                r("nix", Some("0.28"), 24, false),
                r("windows-sys", Some("0.52"), 27, true),
                r("anyhow", Some("1.0.80"), 30, false),
            ]
        );
    }

    #[test]
    fn malformed_cargo_toml() {
        let src = SourceText::new(
            "Cargo.toml",
            "[package]\nname = \"x\"\n[dependencies]\nserde = \n".into(),
        );
        assert!(cargo_toml(&src).unwrap_err().starts_with("line 4:"));
    }
}
