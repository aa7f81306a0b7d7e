use super::Verdict;
use super::model::Service;
use super::secret_rules::{SecretValue, classify, classify_literal, is_secret_name, url_password};
use super::tree::{CNode, Entry};
use crate::prelude::*;

pub struct HardcodedCredentials;

static META: ControlMeta = ControlMeta {
    id: "CMP006",
    slug: "no_hardcoded_credentials",
    title: "Compose services take credentials from references, not literals",
    area: Area::Security,
    severity: Severity::High,
    remediation: "Replace the literal with a reference resolved at deploy time: \
                  `POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it}` (from the deploying shell or \
                  an untracked `.env`), or a compose secret with the image's `_FILE` variant \
                  (`POSTGRES_PASSWORD_FILE: /run/secrets/db_password`). Rotate any credential \
                  that was committed.",
    references: &[
        "https://docs.docker.com/compose/how-tos/use-secrets/",
        "https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/",
        "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
        "https://cwe.mitre.org/data/definitions/798.html",
    ],
    concepts: &[
        "hardcoded credentials",
        "hardcoded password",
        "secrets in environment",
        "secret management",
        "default password",
    ],
    since: "0.1.0",
    doc: concat!(
        r#"## What it checks

In deployed compose projects (every service, including those behind a profile, since the
file itself carries the value), a variable whose name denotes a secret (`*_PASSWORD`,
`*_PASS`, `*_SECRET`, `*_TOKEN`, `*_API_KEY`, other `*_KEY`s such as
`AWS_SECRET_ACCESS_KEY`, `SECRET_KEY_BASE`, `ME_CONFIG_BASICAUTH_PASSWORD`,
`ME_CONFIG_MONGODB_ADMINPASSWORD`) must not hold a literal under `environment:` or
`build.args:`. Also reported: a password inside a URL (`postgres://app:s3cret@db/app`) in
any variable, a `${VAR:-literal}` whose fallback is a credential, and
`redis-server --requirepass <literal>` in `command:`.

Not reported: references (`${POSTGRES_PASSWORD}`, `${TOKEN:?required}`,
`${PW:-}`), variables passed through from the shell (`- API_TOKEN` without a value), empty
values, the `_FILE` variants (`POSTGRES_PASSWORD_FILE: /run/secrets/db_password`), names
that only describe a secret (`PASSWORD_MIN_LENGTH`, `TOKEN_TTL`, `AWS_ACCESS_KEY_ID`), and
template markers that cannot be a working credential (`<your-token>`, `{{ .token }}`), and
file paths (`JWT_PRIVATE_KEY: /run/secrets/jwt_private_key`).

Decision on placeholders (shared by every domain): fill-ins such as `changeme`, `replace-me`
or `example` only ask for the real value and are not reported; well-known defaults such as
`postgres`, `admin` or `secret` are the password the container really gets, so they are
reported (as well-known weak passwords). Values are never shown: snippets are redacted.

"#,
        deployed_projects_note!(),
        r#"
## Why it matters in production

A credential in a compose file is in every clone, fork, CI log and backup of the repository,
forever (rewriting history does not reach the copies). Well-known values are worse: they are
the first thing scanners try against an exposed port. References keep the value in the
deployment environment, where it can be rotated without a commit.

## Example

Bad:

```yaml
services:
  db:
    image: postgres:16.3
    environment:
      POSTGRES_PASSWORD: s3cr3t-pr0d
  web:
    environment:
      DATABASE_URL: postgres://app:s3cr3t-pr0d@db:5432/app
```

Good:

```yaml
services:
  db:
    image: postgres:16.3
    environment:
      POSTGRES_PASSWORD_FILE: /run/secrets/db_password
    secrets: [db_password]
  web:
    environment:
      DATABASE_URL: postgres://app:${DB_PASSWORD:?}@db:5432/app
secrets:
  db_password:
    environment: DB_PASSWORD
```

## References

- Docker docs: manage secrets securely in Docker Compose
- Docker docs: variable interpolation
- OWASP Secrets Management Cheat Sheet
- CWE-798: Use of Hard-coded Credentials
"#
    ),
};

impl Check for HardcodedCredentials {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        super::evaluate(ws, None, |project, v| {
            for svc in &project.services {
                if let Some(env) = svc.get("environment") {
                    check_variables(svc, env.entries(), "", v);
                }
                if let Some(args) = svc.body.path(&["build", "args"]) {
                    check_variables(svc, args.entries(), "build argument ", v);
                }
                check_requirepass(svc, v);
            }
        })
    }
}

fn check_variables(svc: &Service, vars: &[Entry], what: &str, v: &mut Verdict) {
    let service = &svc.name;
    for var in vars {
        let Some(value) = var.value.scalar() else {
            continue;
        };
        let name = &var.key;
        if let Some(password) = url_password(&value.raw) {
            v.fail(var.value.pos.secret_finding(
                format!("{what}`{name}` of service `{service}` embeds a password in a URL"),
                password,
            ));
            continue;
        }
        if !is_secret_name(name) {
            continue;
        }
        let class = classify(value);
        let message = match &class {
            SecretValue::Literal(_) => "is a hardcoded credential",
            SecretValue::Weak(_) => "is a well-known weak password written in the file",
            SecretValue::Fallback(_) => {
                "falls back to a hardcoded credential when the variable is unset"
            }
            SecretValue::Reference => {
                v.pass(var.at.finding(format!(
                    "{what}`{name}` of service `{service}` is a reference"
                )));
                continue;
            }
            SecretValue::Empty | SecretValue::Marker => continue,
        };
        let literal = class.literal().unwrap_or_default();
        let secret = if value.raw.contains(literal) {
            literal
        } else {
            value.raw.as_str()
        };
        v.fail(var.value.pos.secret_finding(
            format!("{what}`{name}` of service `{service}` {message}"),
            secret,
        ));
    }
}

/// `redis-server --requirepass <literal>` (string or list form, also inside `sh -c`).
fn check_requirepass(svc: &Service, v: &mut Verdict) {
    let Some(command) = svc.get("command") else {
        return;
    };
    let pieces: Vec<&CNode> = match command.scalar() {
        Some(_) => vec![command],
        None => command.items().iter().collect(),
    };
    let tokens: Vec<(&str, &CNode)> = pieces
        .iter()
        .filter_map(|n| n.scalar().map(|s| (s.raw.as_str(), *n)))
        .flat_map(|(raw, n)| raw.split_whitespace().map(move |t| (t, n)))
        .collect();
    for (i, (token, _)) in tokens.iter().enumerate() {
        if *token != "--requirepass" {
            continue;
        }
        let Some((next, node)) = tokens.get(i + 1) else {
            continue;
        };
        let password = next.trim_matches(|c| c == '"' || c == '\'');
        if password.contains('$') {
            continue;
        }
        if matches!(
            classify_literal(password),
            SecretValue::Literal(_) | SecretValue::Weak(_)
        ) {
            v.fail(node.pos.secret_finding(
                format!(
                    "service `{}` passes a hardcoded password to `--requirepass`",
                    svc.name
                ),
                password,
            ));
        }
    }
}
