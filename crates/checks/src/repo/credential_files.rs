use super::{committed, file_name, is_placeholder};
use crate::prelude::*;
use regex::Regex;
use std::sync::LazyLock;
use vouch_workspace::SourceText;

pub struct CredentialFiles;

static META: ControlMeta = ControlMeta {
    id: "SEC011",
    slug: "credential_files",
    title: "No tool credential files with live credentials are committed",
    area: Area::Security,
    severity: Severity::Critical,
    remediation: "Remove the file (or the credential line) from the repository and its history, \
                  revoke the token or password, and let tools read it from the environment: \
                  `//registry.npmjs.org/:_authToken=${NPM_TOKEN}` in `.npmrc`, \
                  `npmAuthToken: ${NPM_TOKEN}` in `.yarnrc.yml`, `TWINE_PASSWORD` instead of \
                  `.pypirc`, CI secrets instead of `.netrc` or `.git-credentials`, and a remote \
                  backend instead of committed Terraform state.",
    references: &[
        "https://docs.npmjs.com/using-private-packages-in-a-ci-cd-workflow",
        "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
        "https://developer.hashicorp.com/terraform/language/state/sensitive-data",
        "https://cwe.mitre.org/data/definitions/798.html",
    ],
    concepts: &[
        "credentials in repository",
        "npm token",
        ".npmrc",
        "terraform state",
        "hardcoded credentials",
        "secrets in git",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Committed configuration files of developer tools do not carry a literal credential:

- `.npmrc`: `_authToken=`, `_auth=` or `_password=` with a value;
- `.yarnrc.yml`: `npmAuthToken:` with a value;
- `.pypirc`: `password` with a value;
- `.netrc` / `_netrc`: a `password` token;
- `.git-credentials`: a URL with a password (`https://user:token@host`);
- Docker `config.json` under `.docker/`: an `"auth"` or `"identitytoken"` value;
- AWS `credentials` files: `aws_secret_access_key`;
- Terraform state (`*.tfstate`, `*.tfstate.backup`) that has resources: state stores every
  attribute in plain text, generated passwords and private keys included.

Placeholders are fine: `${NPM_TOKEN}`, `$TOKEN`, `<token>`, `changeme`, empty values. Files under
test paths are not reported. Evidence is redacted. (SSH private keys such as `id_rsa` are
reported by SEC005.)

## Why it matters in production

These files are written by tools on a developer's machine and are easy to commit by accident.
A publish token lets anyone push a malicious version of your package; Git and netrc credentials
give repository and API access; Terraform state gives the database passwords and keys of the
whole environment.

## Example

Bad (`.npmrc`):

```ini
//registry.npmjs.org/:_authToken=npm_AbC123...
```

Good:

```ini
//registry.npmjs.org/:_authToken=${NPM_TOKEN}
```

## References

- npm: using private packages in a CI/CD workflow
- OWASP Secrets Management Cheat Sheet
- Terraform: sensitive data in state
- CWE-798: Use of Hard-coded Credentials
"#,
};

/// (line pattern with the secret in group 1, what it is) per kind of file.
struct LineRule {
    pattern: &'static LazyLock<Regex>,
    what: &'static str,
}

static NPMRC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|:)_(?:authToken|auth|password)\s*=\s*(\S+)").expect("static regex")
});
static YARNRC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*npmAuth(?:Token|Ident)\s*:\s*["']?([^"'\s#]+)"#).expect("static regex")
});
static PYPIRC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*password\s*[=:]\s*(\S.*?)\s*$").expect("static regex"));
static NETRC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|\s)password\s+(\S+)").expect("static regex"));
static GIT_CREDENTIALS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*[a-z][a-z0-9+.-]*://[^:@/\s]*:([^@\s]+)@").expect("static regex")
});
static DOCKER_AUTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#""(?:auth|identitytoken)"\s*:\s*"([^"]+)""#).expect("static regex")
});
static AWS_SECRET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*aws_secret_access_key\s*=\s*(\S+)").expect("static regex"));
static TFSTATE_RESOURCES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""resources"\s*:\s*\[\s*\{"#).expect("static regex"));

fn line_rule(rel: &str) -> Option<LineRule> {
    let lower = rel.to_ascii_lowercase();
    let name = file_name(&lower);
    let rule = |pattern, what| Some(LineRule { pattern, what });
    match name {
        ".npmrc" => rule(&NPMRC, "npm registry credential"),
        ".yarnrc.yml" => rule(&YARNRC, "npm registry token"),
        ".pypirc" => rule(&PYPIRC, "PyPI password"),
        ".netrc" | "_netrc" => rule(&NETRC, "netrc password"),
        ".git-credentials" => rule(&GIT_CREDENTIALS, "git credential"),
        "config.json" if lower.ends_with(".docker/config.json") => {
            rule(&DOCKER_AUTH, "Docker registry credential")
        }
        "credentials" if lower.ends_with(".aws/credentials") || lower == "credentials" => {
            rule(&AWS_SECRET, "AWS secret access key")
        }
        _ => None,
    }
}

fn is_tfstate(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    lower.ends_with(".tfstate") || lower.ends_with(".tfstate.backup")
}

impl Check for CredentialFiles {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let mut findings = Vec::new();
        for f in &ws.files {
            if !committed(f) || f.binary || f.class.test() {
                continue;
            }
            if let Some(rule) = line_rule(&f.rel) {
                if let Some(src) = ws.text(&f.rel) {
                    scan_lines(&src, &rule, &mut findings);
                }
            } else if is_tfstate(&f.rel) {
                let Some(src) = ws.text(&f.rel) else { continue };
                if TFSTATE_RESOURCES.is_match(&src.text) {
                    findings.push(finding_file(
                        &f.rel,
                        "Terraform state committed: it holds every resource attribute in plain text, \
                         generated passwords and keys included",
                    ));
                }
            }
        }
        Outcome::from_findings(findings, Vec::new())
    }
}

fn scan_lines(src: &SourceText, rule: &LineRule, findings: &mut Vec<Finding>) {
    for (n, line) in src.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        for caps in rule.pattern.captures_iter(line) {
            let Some(secret) = caps.get(1) else { continue };
            if is_placeholder(secret.as_str()) {
                continue;
            }
            let col = line[..secret.start()].chars().count() as u32 + 1;
            findings.push(
                finding_at(src, n as u32, col, format!("{} committed", rule.what))
                    .with_snippet(redact_value(line, secret.as_str())),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(path: &str, text: &str) -> Vec<(u32, String)> {
        let src = SourceText::new(path, text.to_string());
        let mut out = Vec::new();
        scan_lines(&src, &line_rule(path).unwrap(), &mut out);
        out.into_iter()
            .map(|f| (f.location.line.unwrap(), f.snippet.unwrap_or_default()))
            .collect()
    }

    #[test]
    fn npmrc_tokens_and_placeholders() {
        let text = "registry=https://registry.npmjs.org/\n\
//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n\
//npm.pkg.github.com/:_authToken=ghp_9aB8cD7eF6gH5iJ4kL3mN2oP1qR0sT9uV8wX\n\
# //old/:_authToken=npm_oldtokenvalue123\n\
always-auth=true\n";
        assert_eq!(
            scan(".npmrc", text),
            [(3, "//npm.pkg.github.com/:_authToken=ghp*****".into())]
        );
    }

    #[test]
    fn other_formats() {
        assert_eq!(
            scan(
                ".pypirc",
                "[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmc\n"
            ),
            [(3, "password = pyp*****".into())]
        );
        assert_eq!(
            scan(
                ".netrc",
                "machine api.heroku.com login me@x.io password 01234567-89ab\n"
            ),
            [(
                1,
                "machine api.heroku.com login me@x.io password 012*****".into()
            )]
        );
        assert_eq!(
            scan(
                ".git-credentials",
                "https://bot:ghp_abcdefghijklmnop@github.com\n"
            ),
            [(1, "https://bot:ghp*****@github.com".into())]
        );
        assert_eq!(
            scan(
                "deploy/.docker/config.json",
                "{\"auths\": {\"ghcr.io\": {\"auth\": \"Ym90OnNlY3JldA==\"}}}\n"
            )
            .len(),
            1
        );
        assert!(scan(".yarnrc.yml", "npmAuthToken: \"${NPM_TOKEN}\"\n").is_empty());
        assert!(scan(".pypirc", "[pypi]\npassword = <your-pypi-token>\n").is_empty());
        assert!(
            scan(
                ".aws/credentials",
                "[default]\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
            )
            .is_empty()
        );
    }
}
