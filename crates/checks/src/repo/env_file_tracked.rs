use super::gitignore::GitIgnore;
use super::{env_assignments, file_name, is_credential_name, is_placeholder};
use crate::prelude::*;
use vouch_workspace::{FileKind, is_docs_or_example_path, is_test_path};

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
            if is_test_path(&f.rel)
                || is_docs_or_example_path(&f.rel)
                || is_exempt_name(file_name(&f.rel))
            {
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
            let credentials: Vec<&str> = set
                .iter()
                .filter(|(_, k, v)| is_credential_name(k) && !is_placeholder(v))
                .map(|(_, k, _)| k.as_str())
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

fn list(names: &[&str]) -> String {
    let shown: Vec<String> = names.iter().take(5).map(|n| format!("`{n}`")).collect();
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
    fn exempt_names() {
        assert!(is_exempt_name(".env.test"));
        assert!(is_exempt_name(".env.testing"));
        assert!(is_exempt_name(".env.vault"));
        assert!(!is_exempt_name(".env.test.local"));
        assert!(!is_exempt_name(".env.production"));
        assert!(!is_exempt_name(".env.latest"));
    }
}
