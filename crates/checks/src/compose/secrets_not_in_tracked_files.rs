use super::Verdict;
use super::interpolate::{EnvFile, Resolution};
use super::model::{Project, resolve_path};
use super::secret_rules::{SecretValue, classify_literal, is_secret_name, url_password};
use super::tree::{CNode, CValue, Pos};
use crate::prelude::*;
use std::collections::HashSet;

pub struct TrackedSecretFiles;

static META: ControlMeta = ControlMeta {
    id: "CMP013",
    slug: "secrets_not_in_tracked_files",
    title: "Compose secrets come from compose secrets or env files kept out of git",
    area: Area::Security,
    severity: Severity::High,
    remediation: "Stop tracking the file (`git rm --cached .env`, add it to .gitignore), commit \
                  a template with empty values instead (`.env.example`), and rotate every \
                  credential it held. Prefer compose `secrets:` sourced from the environment or \
                  from files provisioned on the host.",
    references: &[
        "https://docs.docker.com/compose/how-tos/use-secrets/",
        "https://docs.docker.com/compose/how-tos/environment-variables/set-environment-variables/",
        "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
        "https://cwe.mitre.org/data/definitions/540.html",
    ],
    concepts: &[
        "secrets management",
        "env file",
        "docker secrets",
        ".env committed",
        "credentials in git",
    ],
    since: "0.1.0",
    doc: concat!(
        r#"## What it checks

For deployed compose projects, the files that feed secrets to services must not be committed
with real values:

- every `env_file:` of a service, and the project's `.env` (which compose reads for
  interpolation): when git tracks it, no secret-named variable (`*_PASSWORD`, `*_SECRET`,
  `*_TOKEN`, `*_KEY`, ... as in CMP006) may hold a non-empty value, and no URL may embed a
  password;
- every top-level `secrets:` entry with `file:`: the file must not be tracked by git.

Passing evidence: env files that git does not track or that are not in the repository
(provided at deploy time), tracked env files holding only empty values or template markers
(`<your-token>`), secrets from `environment:` or `external: true`, and secret-named
variables the compose files interpolate (`${POSTGRES_PASSWORD:?}`, or any variable in the
value of a secret-named key) that no tracked `.env` sets: compose takes them from the
deploying shell or from a `.env` that git ignores. Template files that
compose does not read (`.env.example`) are not this control's business. As in CMP006, a
well-known weak value such as `postgres` in a file compose really reads is reported (fill-ins
such as `changeme` are not). Without git the
answer is unknown. Not applicable when the projects use no env file, no compose secret and
interpolate no secret.

"#,
        deployed_projects_note!(),
        r#"
## Why it matters in production

An env file is where teams put the real passwords precisely because it is "not code"; once
committed, it is in every clone and every backup, and rotating the credentials is the only
fix. Compose secrets mount values as files under `/run/secrets`, out of `docker inspect`
and out of the process environment that crash reporters like to dump.

## Example

Bad (`.env.db` is committed):

```yaml
services:
  db:
    image: postgres:16.3
    env_file: .env.db        # POSTGRES_PASSWORD=Pr0d-s3cret
```

Good:

```yaml
services:
  db:
    image: postgres:16.3
    environment:
      POSTGRES_PASSWORD_FILE: /run/secrets/db_password
    secrets: [db_password]
secrets:
  db_password:
    environment: DB_PASSWORD
```

## References

- Docker docs: manage secrets in Compose
- Docker docs: set environment variables (env files)
- OWASP Secrets Management Cheat Sheet
- CWE-540: Inclusion of Sensitive Information in Source Code
"#
    ),
};

impl Check for TrackedSecretFiles {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        super::evaluate(
            ws,
            Some("no env_file, .env, compose secret or interpolated secret is used"),
            |project, v| {
                let mut seen = HashSet::new();
                for svc in &project.services {
                    for f in &svc.env_files {
                        let Some(rel) = &f.rel else {
                            v.pass(f.at.finding(format!(
                                "env file `{}` is provided outside the repository",
                                f.written
                            )));
                            continue;
                        };
                        if !seen.insert(rel.clone()) {
                            continue;
                        }
                        match &f.file {
                            Some(file) => check_env_file(ws, file, &f.at, v),
                            None => v.pass(f.at.finding(format!(
                                "env file `{rel}` is not in the repository (provided at deploy \
                                 time)"
                            ))),
                        }
                    }
                }
                if let Some(dotenv) = &project.dotenv
                    && seen.insert(dotenv.src.path.clone())
                {
                    let at = Pos {
                        src: dotenv.src.clone(),
                        line: 1,
                        column: 1,
                    };
                    check_env_file(ws, dotenv, &at, v);
                }
                check_secret_files(ws, project, v);
                check_interpolated_secrets(ws, project, v);
            },
        )
    }
}

fn check_env_file(ws: &Workspace, file: &EnvFile, at: &Pos, v: &mut Verdict) {
    let path = &file.src.path;
    match ws.is_tracked(path) {
        None => {
            v.unknown(format!(
                "not a git repository: cannot tell whether `{path}` is committed"
            ));
            return;
        }
        Some(false) => {
            v.pass(at.finding(format!("env file `{path}` is not tracked by git")));
            return;
        }
        Some(true) => {}
    }
    let mut clean = true;
    for var in &file.vars {
        let pos = Pos {
            src: file.src.clone(),
            line: var.line,
            column: 1,
        };
        if let Some(password) = url_password(&var.value) {
            clean = false;
            v.fail(pos.secret_finding(
                format!(
                    "`{}` embeds a password in a URL in `{path}`, which git tracks",
                    var.name
                ),
                password,
            ));
            continue;
        }
        if !is_secret_name(&var.name) {
            continue;
        }
        if let SecretValue::Literal(s) | SecretValue::Weak(s) = classify_literal(&var.value) {
            clean = false;
            v.fail(pos.secret_finding(
                format!(
                    "`{}` holds a credential in `{path}`, which git tracks",
                    var.name
                ),
                &s,
            ));
        }
    }
    if clean {
        v.pass(at.finding(format!(
            "env file `{path}` is tracked but holds no credential value"
        )));
    }
}

/// Top-level `secrets:` entries: `file:` must not be committed.
fn check_secret_files(ws: &Workspace, project: &Project, v: &mut Verdict) {
    for secret in &project.secrets {
        let name = &secret.key;
        let Some(file) = secret.value.entry("file") else {
            if secret.value.get("environment").is_some()
                || secret.value.get("external").and_then(CNode::as_bool) == Some(true)
            {
                v.pass(secret.at.finding(format!(
                    "secret `{name}` comes from the deployment environment"
                )));
            }
            continue;
        };
        let Some(rel) = file
            .value
            .text()
            .and_then(|w| resolve_path(file.at.path(), w))
        else {
            v.pass(file.at.finding(format!(
                "secret `{name}` is read from a file outside the repository"
            )));
            continue;
        };
        match (ws.file(&rel).is_some(), ws.is_tracked(&rel)) {
            (_, Some(true)) => v.fail(file.at.finding(format!(
                "secret `{name}` is read from `{rel}`, which git tracks"
            ))),
            (true, None) => v.unknown(format!(
                "not a git repository: cannot tell whether `{rel}` is committed"
            )),
            _ => v.pass(file.at.finding(format!(
                "secret `{name}` is read from `{rel}`, which git does not track"
            ))),
        }
    }
}

/// Secret-named variables the compose files interpolate (`${POSTGRES_PASSWORD:?}`) without
/// a value in a tracked `.env`: compose takes them from the deploying shell or from a `.env`
/// that git does not track, which is where secrets belong.
fn check_interpolated_secrets(ws: &Workspace, project: &Project, v: &mut Verdict) {
    let dotenv = if project.dir.is_empty() {
        ".env".to_string()
    } else {
        format!("{}/.env", project.dir)
    };
    let source = match &project.dotenv {
        Some(_) => format!("is not set in `{dotenv}`: it comes from the deploying environment"),
        None if ws.root.join(&dotenv).is_file() => {
            if ws.git.is_none() {
                v.unknown(format!(
                    "not a git repository: cannot tell whether `{dotenv}` is committed"
                ));
                return;
            }
            format!("comes from `{dotenv}`, which git does not track, or the deploying environment")
        }
        None => format!("comes from the deploying environment (no `{dotenv}` in the repository)"),
    };
    let mut seen = HashSet::new();
    for svc in &project.services {
        secret_refs(&svc.body, None, &mut |name, pos| {
            if seen.insert(name.to_string()) {
                v.pass(pos.finding(format!("`${{{name}}}` (service `{}`) {source}", svc.name)));
            }
        });
    }
}

/// Calls `found` for every unresolved reference in `node` to a secret-named variable, or
/// any unresolved reference in the value of a secret-named key (`DB_PASSWORD: ${PGPASS}`).
fn secret_refs(node: &CNode, key: Option<&str>, found: &mut dyn FnMut(&str, &Pos)) {
    match &node.value {
        CValue::Scalar(scalar) => {
            let secret_key = key.is_some_and(is_secret_name);
            for r in scalar.refs() {
                if r.resolution == Resolution::Unresolved && (secret_key || is_secret_name(&r.name))
                {
                    found(&r.name, &node.pos);
                }
            }
        }
        CValue::Seq(items) => {
            for item in items {
                secret_refs(item, key, found);
            }
        }
        CValue::Map(entries) => {
            for e in entries {
                secret_refs(&e.value, Some(&e.key), found);
            }
        }
        CValue::Null => {}
    }
}
