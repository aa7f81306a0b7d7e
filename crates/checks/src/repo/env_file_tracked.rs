use super::gitignore::GitIgnore;
use super::{env_assignments, is_credential_name};
use crate::prelude::*;
use regex::Regex;
use std::sync::LazyLock;
use vouch_workspace::FileKind;

pub struct EnvFileTracked;

static META: ControlMeta = ControlMeta {
    id: "SEC001",
    slug: "env_file_tracked",
    title: "Environment files are not committed to git",
    area: Area::Security,
    severity: Severity::High,
    remediation: "Remove the file from the index and history: `git rm --cached <file>`, add it to \
                  `.gitignore`, rotate every credential it held (it stays in the git history), and \
                  commit a `.env.example` with placeholder values instead.",
    references: &[
        "https://owasp.org/Top10/A05_2021-Security_Misconfiguration/",
        "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
        "https://12factor.net/config",
        "https://git-scm.com/docs/git-rm",
    ],
    concepts: &[
        ".env",
        "env file",
        "dotenv",
        "secrets in git",
        "no secrets in repository",
        "committed credentials",
        ".env committed",
        "env files committed",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

No environment file (`.env`, `.env.production`, `config/app.env`, ...) with at least one
non-empty value is tracked by git. Templates are fine (`.env.example`, `.env.sample`,
`.env.template`, `.env.dist`). Not reported: files under test paths (`tests/`, `fixtures/`,
`testdata/`) and in docs or examples, `.env.test`/`.env.testing` (test settings meant to be
shared), the encrypted `.env.vault` of dotenv-vault, SOPS-encrypted env files, and frontend env
files whose every variable is public by design (`NEXT_PUBLIC_`, `VITE_`, `REACT_APP_`,
`NUXT_PUBLIC_`, `EXPO_PUBLIC_`, `GATSBY_`, `VUE_APP_`, `PUBLIC_`: the framework inlines them into
the JavaScript it serves, and committing them is its documented convention). A file that is tracked although
`.gitignore` ignores it is reported too: ignoring a file does not untrack it. Outside a git
repository the control is Unknown.

The finding lists the settings that hold a credential: credential-like names
(`DB_PASSWORD`, `STRIPE_API_KEY`) and URLs with an inline password
(`DATABASE_URL=postgres://app:s3cret@db/app`, shown redacted). Decision, as in CMP006: the file is loaded as it is, so a
well-known weak value (`postgres`, `admin`, `guest`) is the credential the service really
gets and is listed, marked as weak; references (`${DB_PASSWORD}`), template markers
(`<password>`), fill-ins (`changeme`, `your-api-key`), file paths and URLs without a password
are not.

## Why it matters in production

Environment files hold the service's configuration, which in practice means its database
password, API keys and signing secrets. Once committed, every clone, fork, CI cache and backup of
the repository carries them, and they stay in the history after the file is deleted. Leaked
`.env` files are one of the most common causes of credential exposure.

## Example

Bad (`git ls-files`):

```text
.env.production
src/app.py
```

Good:

```text
.env.example        # DATABASE_URL=postgres://user:<password>@localhost/app
.gitignore          # .env*  !.env.example
src/app.py
```

## References

- OWASP Secrets Management Cheat Sheet
- The Twelve-Factor App: Config
- `git rm --cached`
"#,
};

impl Check for EnvFileTracked {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        if ws.git.is_none() {
            return Outcome::unknown("not a git repository: cannot tell which files are tracked");
        }
        let ignore = GitIgnore::of(ws);
        let mut findings = Vec::new();
        let mut evidence = Vec::new();
        for f in ws.files_of(FileKind::EnvFile) {
            if f.class.test() || f.class.docs_or_example() || is_exempt_name(f.name()) {
                continue;
            }
            let Some(text) = ws.text(&f.rel) else {
                continue;
            };
            let assignments = env_assignments(&text.text);
            let set: Vec<&(u32, String, String)> = assignments
                .iter()
                .filter(|(_, _, v)| !v.is_empty())
                .collect();
            let all_public = set.iter().all(|(_, k, _)| is_public_by_design(k));
            if set.is_empty() || all_public || is_encrypted(&text.text) {
                continue;
            }
            if f.tracked != Some(true) {
                evidence.push(finding_file(&f.rel, "present but not tracked by git"));
                continue;
            }
            let mut message = format!("`{}` is tracked by git", f.rel);
            if let Some(rule) = ignore.decide(&f.rel).filter(|r| !r.negated) {
                message.push_str(&format!(
                    " although .gitignore ignores it (`{}` at {}:{})",
                    rule.raw, rule.source, rule.line
                ));
            }
            let credentials: Vec<String> = set
                .iter()
                .filter_map(|(_, k, v)| credential(k, v))
                .collect();
            if credentials.is_empty() {
                message.push_str(&format!("; it holds {} setting(s)", set.len()));
            } else {
                message.push_str(&format!(
                    "; it holds credential-like settings: {}",
                    list(&credentials)
                ));
            }
            findings.push(finding_file(&f.rel, message));
        }
        Outcome::from_findings(findings, evidence)
    }
}

/// Env files meant to be shared: test settings and encrypted vaults.
pub(crate) fn is_exempt_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let parts: Vec<&str> = lower.split('.').collect();
    let test = parts.iter().any(|p| *p == "test" || *p == "testing") && !parts.contains(&"local");
    test || lower == ".env.vault"
}

/// Frontend build variables that the framework inlines into the public bundle: committing
/// them is the documented convention (Next.js, Vite, Create React App, Nuxt, Expo, Gatsby, Vue).
pub(crate) fn is_public_by_design(key: &str) -> bool {
    const PUBLIC_PREFIXES: [&str; 8] = [
        "NEXT_PUBLIC_",
        "VITE_",
        "REACT_APP_",
        "NUXT_PUBLIC_",
        "EXPO_PUBLIC_",
        "GATSBY_",
        "VUE_APP_",
        "PUBLIC_",
    ];
    PUBLIC_PREFIXES.iter().any(|p| key.starts_with(p))
}

/// SOPS-encrypted dotenv files carry `ENC[...]` values and `sops_*` metadata keys.
pub(crate) fn is_encrypted(text: &str) -> bool {
    text.contains("ENC[AES256_GCM,") || text.contains("sops_version=")
}

/// How a credential-like setting is listed (`DB_PASSWORD`, or a URL with its password
/// redacted), or None when its value cannot be a working credential.
///
/// Decision, as in CMP006: a tracked env file is loaded as it is, so a well-known weak value
/// (`postgres`, `admin`, `guest`) is the credential the service really gets and is listed
/// (marked as weak). Not listed: empty values, references (`${DB_PASSWORD}`, `$TOKEN`),
/// template markers (`<password>`, `{{ .token }}`), fill-in text (`your-api-key`, `xxx`), file
/// paths, booleans, and URLs without a password.
fn credential(key: &str, raw: &str) -> Option<String> {
    let value = raw.trim().trim_matches(|c| c == '"' || c == '\'').trim();
    if is_credential_name(key) {
        return match strength(value)? {
            Strength::Weak => Some(format!("`{key}` (a well-known weak value)")),
            Strength::Literal => Some(format!("`{key}`")),
        };
    }
    let caps = URL_CREDENTIALS.captures(value)?;
    let url = caps.get(0)?;
    let pw = caps.get(1)?;
    let password = pw.as_str();
    let weak = match strength(password)? {
        Strength::Weak => "a well-known weak password",
        Strength::Literal => "a password",
    };
    // The URL up to its host, with the password redacted.
    let end = value[url.end()..]
        .find(['/', '?', ' '])
        .map_or(value.len(), |i| url.end() + i);
    let shown = format!(
        "{}{}{}",
        &value[..pw.start()],
        redact_value(password, password),
        &value[pw.end()..end]
    );
    Some(format!("`{key}` ({weak} in `{shown}`)"))
}

/// `scheme://user:password@`: group 1 is the password.
static URL_CREDENTIALS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b[a-z][a-z0-9+.\-]*://[^/\s:@]*:([^@\s/]+)@").expect("static regex")
});

enum Strength {
    Weak,
    Literal,
}

/// Whether a value can be a working credential, and how weak it is.
fn strength(value: &str) -> Option<Strength> {
    let lower = value.to_ascii_lowercase();
    let first = lower.chars().next()?;
    let marker = value.contains('$')
        || value.chars().all(|c| c == first)
        || lower.contains("...")
        || matches!(lower.as_str(), "true" | "false" | "yes" | "no" | "null")
        || crate::secret_values::is_fill_in(value);
    let path = (value.starts_with('/') || value.starts_with("./")) && value[1..].contains('/');
    if marker || path {
        return None;
    }
    Some(if crate::secret_values::is_weak_password(value) {
        Strength::Weak
    } else {
        Strength::Literal
    })
}

fn list(names: &[String]) -> String {
    let shown: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
    let more = names.len().saturating_sub(5);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_and_urls() {
        assert_eq!(
            credential(
                "DATABASE_URL",
                "postgres://shop:Tr0ub4dor-and-3@db.internal:5432/shop"
            )
            .as_deref(),
            Some("`DATABASE_URL` (a password in `postgres://shop:Tr0*****@db.internal:5432`)")
        );
        assert_eq!(
            credential("BROKER_URL", "\"amqp://guest:guest@rabbitmq:5672/\"").as_deref(),
            Some(
                "`BROKER_URL` (a well-known weak password in `amqp://guest:g*****@rabbitmq:5672`)"
            )
        );
        assert_eq!(
            credential("REDIS_URL", "redis://:s3cr3t-r3dis@redis:6379/0").as_deref(),
            Some("`REDIS_URL` (a password in `redis://:s3c*****@redis:6379`)")
        );
        for (k, v) in [
            (
                "DATABASE_URL",
                "postgres://shop:${DB_PASSWORD}@db:5432/shop",
            ),
            ("DATABASE_URL", "postgres://shop@db:5432/shop"),
            ("DATABASE_URL", "postgres://shop:<password>@db:5432/shop"),
            ("REDIS_URL", "redis://redis:6379/0"),
            (
                "SENTRY_DSN",
                "https://4f0a1c2b3d@o12345.ingest.sentry.io/67890",
            ),
            ("DB_PASSWORD", "${DB_PASSWORD}"),
            ("STRIPE_API_KEY", "your-stripe-key"),
            ("JWT_PRIVATE_KEY", "/run/secrets/jwt_private_key"),
            ("SMTP_PASSWORD", ""),
        ] {
            assert_eq!(credential(k, v), None, "{k}={v}");
        }
        // A fill-in asks for the real value; a well-known default is a real, weak one.
        assert_eq!(credential("POSTGRES_PASSWORD", "changeme"), None);
        assert_eq!(
            credential("POSTGRES_PASSWORD", "postgres").as_deref(),
            Some("`POSTGRES_PASSWORD` (a well-known weak value)")
        );
        assert_eq!(
            credential("SECRET_KEY", "9c1e07b2d4e8").as_deref(),
            Some("`SECRET_KEY`")
        );
    }

    #[test]
    fn exempt_names() {
        assert!(is_exempt_name(".env.test"));
        assert!(is_exempt_name(".env.testing"));
        assert!(is_exempt_name(".env.vault"));
        assert!(!is_exempt_name(".env.test.local"));
        assert!(!is_exempt_name(".env.production"));
        assert!(!is_exempt_name(".env.latest"));
    }
}
