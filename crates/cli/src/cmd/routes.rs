//! `vouch routes PATH`: the HTTP route inventory read from the code, with the auth guard that
//! applies to each route ("unknown" when the tool cannot tell).

use super::Format;
use anyhow::Result;
use clap::Args;
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;
use vouch_code::{Auth, Route};

#[derive(Args)]
pub struct RoutesArgs {
    /// Repository to read.
    #[arg(default_value = ".")]
    path: PathBuf,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

pub fn run(args: RoutesArgs) -> Result<ExitCode> {
    let ws = vouch_workspace::load(&args.path, &vouch_workspace::LoadOptions::default())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let routes: Vec<&Route> = ws.code.routes().collect();
    let text = match args.format {
        Format::Json => format!("{}\n", serde_json::to_string_pretty(&to_json(&routes))?),
        Format::Table => table(&routes),
    };
    crate::output::emit(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// The JSON contract: `auth` is `true`, `false` or `"unknown"`; the guard or the reason beside.
pub fn to_json(routes: &[&Route]) -> serde_json::Value {
    let list: Vec<_> = routes
        .iter()
        .map(|r| {
            let (auth, why) = match &r.auth {
                Auth::Required { evidence } => (json!(true), json!(evidence)),
                Auth::None => (json!(false), serde_json::Value::Null),
                Auth::Unknown { reason } => (json!("unknown"), json!(reason)),
            };
            json!({
                "method": r.method, "path": r.path, "handler": r.handler,
                "file": r.file, "line": r.line, "column": r.column,
                "framework": r.framework, "kind": r.kind,
                "auth": auth, "auth_detail": why, "roles": r.roles,
            })
        })
        .collect();
    json!({ "routes": list })
}

fn table(routes: &[&Route]) -> String {
    if routes.is_empty() {
        return "no HTTP routes found\n".into();
    }
    let path_width = routes
        .iter()
        .map(|r| r.path.len())
        .max()
        .unwrap_or(4)
        .clamp(4, 48);
    let mut out = format!(
        "{:<7} {:<path_width$} {:<8} {:<12} LOCATION\n",
        "METHOD", "PATH", "AUTH", "ROLES"
    );
    for r in routes {
        let auth = match &r.auth {
            Auth::Required { .. } => "yes",
            Auth::None => "NO",
            Auth::Unknown { .. } => "unknown",
        };
        let roles = if r.roles.is_empty() {
            "-".to_string()
        } else {
            r.roles.join(",")
        };
        out.push_str(&format!(
            "{:<7} {:<path_width$} {:<8} {:<12} {}:{} {}\n",
            r.method, r.path, auth, roles, r.file, r.line, r.handler
        ));
    }
    let unguarded_writes = routes
        .iter()
        .filter(|r| r.is_write() && r.method != "ANY" && r.auth == Auth::None)
        .count();
    out.push_str(&format!(
        "\n{} routes, {} POST/PUT/PATCH/DELETE routes without auth\n",
        routes.len(),
        unguarded_writes
    ));
    out
}
