use super::env_file_tracked::{is_encrypted, is_exempt_name, is_public_by_design};
use super::env_reads::env_reads;
use super::gitignore::GitIgnore;
use super::{env_assignments, file_name};
use crate::prelude::*;
use std::collections::BTreeSet;
use vouch_workspace::{FileKind, is_docs_or_example_path, is_test_path};

pub struct GitignoreEnvFiles;

static META: ControlMeta = ControlMeta {
    id: "SEC002",
    slug: "gitignore_env_files",
    title: ".gitignore keeps environment files out of git",
    area: Area::Security,
    severity: Severity::Medium,
    remediation: "Add the env files to `.gitignore` and re-include the template, e.g. \
                  `.env` and `.env.*` followed by `!.env.example`.",
    references: &[
        "https://git-scm.com/docs/gitignore",
        "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
        "https://github.com/github/gitignore",
    ],
    concepts: &[
        ".gitignore",
        "gitignore env",
        "ignore .env",
        "secrets not committed",
        "dotenv",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

The repository's `.gitignore` files ignore environment files: `.env` in every directory that
holds env files or env templates (the root when the code requires environment variables but
no env file exists yet), and every env file present in the tree (`.env.local`, `.env.production`,
`deploy/prod.env`). Rules are evaluated like git does: nested `.gitignore` files, anchoring,
`**`, directory patterns, and negations (`!.env` re-includes a file; a file inside an ignored
directory cannot be re-included). Test, docs and example paths are not probed. Env files that
SEC001 accepts in git may be re-included or left unignored: `.env.test`/`.env.testing` (shared
test settings), the encrypted `.env.vault`, SOPS-encrypted files, and files whose every set
variable is public by design (`NEXT_PUBLIC_`, `VITE_`, `REACT_APP_`, ...). A file that sets no
value at all is still expected to be ignored: that is where developers fill in their secrets.
`.git/info/exclude` and global excludes are not counted: other clones do not have them. Not applicable when the repository
neither has env files nor requires environment variables (reads with a fallback, presence checks
and platform variables such as `PORT` do not count; see SEC003).

## Why it matters in production

`git add -A` commits every file that is not ignored. A developer who creates `.env` with real
credentials for local work will push them unless `.gitignore` stops it; a missing rule turns one
routine commit into a credential leak that stays in history.

## Example

Bad `.gitignore` (ignores only local overrides; `.env` gets committed):

```gitignore
node_modules/
.env.local
```

Good:

```gitignore
node_modules/
.env
.env.*
!.env.example
```

## References

- gitignore documentation (pattern format)
- OWASP Secrets Management Cheat Sheet
- github/gitignore templates
"#,
};

impl Check for GitignoreEnvFiles {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let probed = |r: &&str| !is_test_path(r) && !is_docs_or_example_path(r);
        let env_files: Vec<&str> = ws
            .files_of(FileKind::EnvFile)
            .map(|f| f.rel.as_str())
            .filter(probed)
            .collect();
        let templates: Vec<&str> = ws
            .files_of(FileKind::EnvTemplate)
            .map(|f| f.rel.as_str())
            .filter(probed)
            .collect();
        let reads_env = env_reads(ws).required().next().is_some();
        if env_files.is_empty() && templates.is_empty() && !reads_env {
            return Outcome::not_applicable(
                "the repository has no env files and its code requires no environment variable",
            );
        }
        // `.env` in each directory that holds env files or templates (else the root),
        // then every env file present.
        let mut probes: BTreeSet<String> = env_files
            .iter()
            .chain(&templates)
            .map(|rel| format!("{}.env", dir_of(rel)))
            .collect();
        if probes.is_empty() {
            probes.insert(".env".into());
        }
        probes.extend(env_files.iter().map(|r| r.to_string()));

        let ignore = GitIgnore::of(ws);
        let mut findings = Vec::new();
        let mut evidence = Vec::new();
        if ignore.files.is_empty() {
            return Outcome::Fail {
                findings: vec![finding_file(
                    ".",
                    "no .gitignore: `git add -A` would commit `.env` files",
                )],
            };
        }
        for probe in &probes {
            let present = ws.file(probe).is_some();
            let shared = present.then(|| shared_by_design(ws, probe)).flatten();
            match ignore.decide(probe) {
                Some(rule) if !rule.negated => {
                    let src = ws.text(&rule.source);
                    let msg = format!("`{probe}` is ignored by `{}`", rule.raw);
                    evidence.push(match src {
                        Some(src) => finding_at(&src, rule.line, 1, msg),
                        None => finding_file(&rule.source, msg),
                    });
                }
                Some(_) | None if shared.is_some() => {
                    let why = shared.unwrap_or_default();
                    evidence.push(finding_file(
                        probe,
                        format!("`{probe}` may be committed: {why}"),
                    ));
                }
                Some(rule) => {
                    let msg = format!(
                        "`{}` re-includes `{probe}`, so git would commit it",
                        rule.raw
                    );
                    findings.push(match ws.text(&rule.source) {
                        Some(src) => finding_at(&src, rule.line, 1, msg),
                        None => finding_file(&rule.source, msg),
                    });
                }
                None if present => findings.push(finding_file(
                    probe,
                    format!("`{probe}` is not ignored by any .gitignore pattern"),
                )),
                None => findings.push(finding_file(
                    nearest_gitignore(&ignore, probe),
                    format!(
                        "no pattern ignores `{probe}`: a new env file there would be committed"
                    ),
                )),
            }
        }
        Outcome::from_findings(findings, evidence)
    }
}

/// Why committing the env file `rel` is deliberate, when SEC001 accepts it: shared test
/// settings, an encrypted vault, or only variables the frontend publishes anyway. Files that
/// set no value are not included: they are where developers fill in their own secrets.
fn shared_by_design(ws: &Workspace, rel: &str) -> Option<&'static str> {
    let name = file_name(rel);
    if is_exempt_name(name) {
        return Some(if name.eq_ignore_ascii_case(".env.vault") {
            "it is the encrypted dotenv-vault file"
        } else {
            "it holds the test suite's shared settings"
        });
    }
    let text = ws.text(rel)?;
    if is_encrypted(&text.text) {
        return Some("it is SOPS-encrypted");
    }
    let assignments = env_assignments(&text.text);
    let mut set = assignments
        .iter()
        .filter(|(_, _, v)| !v.is_empty())
        .peekable();
    set.peek()?;
    set.all(|(_, k, _)| is_public_by_design(k))
        .then_some("every variable it sets is public by design (inlined into the frontend bundle)")
}

/// `a/b/` for `a/b/.env`, `""` at the root.
fn dir_of(rel: &str) -> &str {
    rel.rfind('/').map_or("", |i| &rel[..=i])
}

/// The deepest `.gitignore` whose directory contains `path` (where the rule belongs).
fn nearest_gitignore<'a>(ignore: &'a GitIgnore, path: &str) -> &'a str {
    ignore
        .files
        .iter()
        .filter(|g| path.starts_with(dir_of(g)))
        .max_by_key(|g| g.len())
        .map_or(".gitignore", String::as_str)
}
