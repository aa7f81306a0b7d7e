use super::secret_names::{is_literal_secret, is_secret_name, url_password};
use crate::prelude::*;
use vouch_workspace::{Instruction, SourceText};

pub struct SecretLiteralInEnvArg;

static META: ControlMeta = ControlMeta {
    id: "DKR006",
    slug: "no_secrets_in_env_arg",
    title: "No secret literals in ENV or ARG instructions",
    area: Area::Security,
    severity: Severity::High,
    remediation: "Remove the value from the Dockerfile and rotate the credential: it is in the image's \
                  history and the repository's. Pass runtime secrets through the orchestrator (Kubernetes \
                  Secrets, compose `secrets:`, a secrets manager) and build-time secrets with \
                  `RUN --mount=type=secret,id=...`.",
    references: &[
        "https://docs.docker.com/build/building/secrets/",
        "https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/",
        "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
        "https://cwe.mitre.org/data/definitions/798.html",
    ],
    concepts: &[
        "hardcoded secret",
        "secret in image",
        "credentials in Dockerfile",
        "ENV password",
        "secret management",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

`ENV` and `ARG` instructions in every stage must not give a literal value to a variable whose
name says it holds a credential (`*PASSWORD*`, `*PASSWD*`, `*SECRET*`, `*TOKEN*`, `*API_KEY*`,
`*ACCESS_KEY*`, `*PRIVATE_KEY*`, `*CREDENTIALS*`, `*_PASS`, `*_PWD`, ...), and no value may
embed a password in a URL (`postgres://app:s3cret@db/app`). Fine: no value (`ARG NPM_TOKEN`),
an empty value, a reference (`${DB_PASSWORD}`), placeholders (`changeme`, `<your-token>`,
`AKIAIOSFODNN7EXAMPLE`), booleans, paths, and names that describe a setting rather than the
secret (`POSTGRES_PASSWORD_FILE`, `TOKEN_TTL`, `GPG_KEY` fingerprints). Snippets are redacted.

## Why it matters in production

Every ENV and ARG value is stored in the image metadata: anyone who can pull the image reads
it with `docker history` or `docker inspect`, and it is in git for anyone with the repository.
Such credentials are shared by every environment built from the file and are rarely rotated.

## Example

Bad:

```dockerfile
FROM node:20-slim
ENV DATABASE_PASSWORD=Pr0d-Passw0rd!
```

Good:

```dockerfile
FROM node:20-slim
# DATABASE_PASSWORD is injected at run time from the orchestrator's secret store.
ENV DATABASE_PASSWORD_FILE=/run/secrets/db_password
```

## References

- Docker docs: build secrets
- Docker build check SecretsUsedInArgOrEnv
- OWASP Secrets Management Cheat Sheet
- CWE-798: Use of Hard-coded Credentials
"#,
};

impl Check for SecretLiteralInEnvArg {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        super::each_dockerfile(ws, |df, src, review| {
            for instr in df.global_args.iter().chain(&df.instructions) {
                if instr.keyword != "ENV" && instr.keyword != "ARG" {
                    continue;
                }
                for (key, value) in instr.key_values() {
                    let Some(value) = value else {
                        continue;
                    };
                    let secret = if is_secret_name(&key) && is_literal_secret(&value) {
                        Some(value.as_str())
                    } else {
                        url_password(&value)
                    };
                    if let Some(secret) = secret {
                        review.fail(redacted(src, instr, &key, secret));
                    }
                }
            }
        })
    }
}

/// A finding on the line holding `secret`, with the secret redacted from the snippet.
fn redacted(src: &SourceText, instr: &Instruction, key: &str, secret: &str) -> Finding {
    let line = (instr.line..=instr.end_line)
        .find(|&n| src.line(n as usize).contains(secret))
        .unwrap_or(instr.line);
    let text = src.line(line as usize);
    let snippet = if text.contains(secret) {
        redact_value(text, secret)
    } else {
        format!("{} {key}=<redacted>", instr.keyword)
    };
    Finding::new(
        Location::at(&src.path, line, 1),
        format!(
            "{} `{key}` has a literal secret value baked into the image",
            instr.keyword
        ),
    )
    .with_snippet(snippet)
}
