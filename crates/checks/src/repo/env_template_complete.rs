use super::env_reads::{EnvRead, env_reads};
use super::env_template_exists::templates;
use crate::prelude::*;
use std::collections::BTreeMap;

pub struct EnvTemplateComplete;

static META: ControlMeta = ControlMeta {
    id: "SEC004",
    slug: "env_template_complete",
    title: "The env template lists every variable the code reads without a fallback",
    area: Area::Deployment,
    severity: Severity::Low,
    remediation: "Add each missing variable to the env template with a placeholder value and a \
                  one-line comment (a commented-out line `# NAME=` is enough for optional ones).",
    references: &[
        "https://12factor.net/config",
        "https://github.com/motdotla/dotenv#should-i-commit-my-env-file",
        "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
    ],
    concepts: &[
        "env template complete",
        "environment variables documented",
        "configuration reference",
        ".env.example",
        "required settings",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every environment variable that application code reads by a literal name, without a fallback
value, is mentioned in one of the committed env templates (`.env.example`, `.env.sample`, ...;
a commented-out `# NAME=` line counts). Each missing variable is reported where the code first
reads it. Not required: reads with a fallback (`os.getenv("LOG_LEVEL", "info")`,
`process.env.PORT || 3000`, `ENV.fetch("X", 2)`, `.unwrap_or(...)`), presence checks
(`env::var("NO_COLOR").is_ok()`, `os.LookupEnv`), variables the platform
provides (`PORT`, `HOME`, `NODE_ENV`, `CI`, `GITHUB_*`, `KUBERNETES_*`, ...), names computed at
run time, and reads in tests, docs, examples, developer scripts and build configuration. Not
applicable without a template (SEC003 reports that) or without such reads.

## Why it matters in production

A template that is missing half the settings is worse than none: it looks authoritative, so the
next deployment copies it and starts without `SENTRY_DSN` or with an empty `JWT_SECRET`. Keeping
it complete is what makes a new environment reproducible.

## Example

Bad: `src/config.py` reads `os.environ["STRIPE_API_KEY"]`; `.env.example` has only
`DATABASE_URL=`.

Good:

```dotenv
DATABASE_URL=postgres://app:<password>@localhost:5432/app
# Stripe secret key (sk_test_... locally)
STRIPE_API_KEY=<stripe-key>
```

## References

- The Twelve-Factor App: Config
- dotenv documentation
- OWASP Secrets Management Cheat Sheet
"#,
};

impl Check for EnvTemplateComplete {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let templates: Vec<(String, String)> = templates(ws)
            .filter_map(|f| Some((f.rel.clone(), ws.text(&f.rel)?.text.clone())))
            .collect();
        if templates.is_empty() {
            return Outcome::not_applicable("no env template (see SEC003)");
        }
        let reads = env_reads(ws);
        // First read of each required variable.
        let mut required: BTreeMap<&str, &EnvRead> = BTreeMap::new();
        for read in reads.required() {
            required.entry(read.name.as_str()).or_insert(read);
        }
        if required.is_empty() {
            return Outcome::not_applicable(
                "the application code reads no environment variable without a fallback",
            );
        }
        let listed = words(templates.iter().map(|(_, text)| text.as_str()));
        let mut findings = Vec::new();
        for (name, read) in &required {
            if !listed.contains(name) {
                findings.push(
                    Finding::new(
                        Location::at(&read.path, read.line, read.column),
                        format!(
                            "`{name}` is read here but no env template lists it ({})",
                            template_names(&templates)
                        ),
                    )
                    .with_snippet(read.expr.clone()),
                );
            }
        }
        let evidence = templates
            .iter()
            .map(|(path, _)| {
                finding_file(
                    path,
                    format!(
                        "env templates list all {} variables the code requires",
                        required.len()
                    ),
                )
            })
            .collect();
        Outcome::from_findings(findings, evidence)
    }
}

/// Every identifier-like word in the templates (a `NAME=` line, `# NAME=` or prose
/// mentioning it), so a variable is listed when its name appears as a whole word.
fn words<'a>(texts: impl Iterator<Item = &'a str>) -> std::collections::HashSet<&'a str> {
    texts
        .flat_map(|t| t.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')))
        .filter(|w| !w.is_empty())
        .collect()
}

fn template_names(templates: &[(String, String)]) -> String {
    let names: Vec<String> = templates.iter().map(|(p, _)| format!("`{p}`")).collect();
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_word_mentions() {
        let text = "DATABASE_URL=postgres://x\n# SENTRY_DSN=\nREDIS_URL_CACHE=x\n";
        let listed = words([text].into_iter());
        assert!(listed.contains("DATABASE_URL"));
        assert!(listed.contains("SENTRY_DSN"));
        assert!(!listed.contains("REDIS_URL"));
        assert!(!listed.contains("URL"));
    }
}
