use super::committed;
use super::env_reads::{EnvRead, env_reads};
use crate::prelude::*;
use vouch_workspace::{FileEntry, FileKind};

pub struct EnvTemplateExists;

static META: ControlMeta = ControlMeta {
    id: "SEC003",
    slug: "env_template_exists",
    title: "An env template documents the configuration the code reads",
    area: Area::Deployment,
    severity: Severity::Low,
    remediation: "Commit a `.env.example` (or `.env.sample`, `.env.template`) that lists every \
                  environment variable the service reads, with placeholder values and a comment \
                  for each, and keep it next to the code that reads them.",
    references: &[
        "https://12factor.net/config",
        "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
        "https://github.com/motdotla/dotenv#should-i-commit-my-env-file",
    ],
    concepts: &[
        ".env.example",
        "env template",
        "configuration documented",
        "environment variables documented",
        "config reference",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

When application code reads an environment variable without a fallback (`os.environ[...]`,
`os.getenv(...)`, `process.env.X`, `os.Getenv`, `std::env::var(...)?`, `System.getenv`,
`ENV[...]`, `Deno.env.get`), the repository commits an env template: `.env.example`, `.env.sample`, `.env.template`, `.env.dist`, `env.example`,
`example.env` or `env.template`. Reads in tests, docs, examples, developer scripts (`scripts/`,
`tools/`, `hack/`, `benches/`, `xtask/`) and build configuration (`*.config.js`, `setup.py`, `build.rs`) do not count.
Reads with a fallback (`os.getenv("LOG_LEVEL", "info")`, `process.env.PORT || 3000`) and
presence checks (`env::var("NO_COLOR").is_ok()`, `os.LookupEnv`) are optional settings, and
variables a platform provides (`PORT`, `NODE_ENV`, `HOME`, `CI`, ...) are not the application's:
neither makes a template necessary. Not applicable when no read remains; configuration loaded by
libraries such as pydantic-settings or viper is not seen. SEC004 checks that the template is
complete.

## Why it matters in production

Whoever deploys the service, or runs it locally, has to know which settings it needs. Without a
template the list lives in someone's head or in a production `.env` that gets copied around,
and a missing variable shows up as a crash or, worse, as a silent default in production.

## Example

Bad: `src/app.py` reads `os.environ["DATABASE_URL"]`; the repository has no template.

Good: `.env.example` next to it:

```dotenv
# PostgreSQL connection string
DATABASE_URL=postgres://app:<password>@localhost:5432/app
```

## References

- The Twelve-Factor App: Config
- OWASP Secrets Management Cheat Sheet
- dotenv: should I commit my .env file?
"#,
};

impl Check for EnvTemplateExists {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let reads = env_reads(ws);
        let own: Vec<&EnvRead> = reads.required().collect();
        let Some(first) = own.first() else {
            return Outcome::not_applicable(if reads.files.is_empty() {
                "the application code reads no environment variable"
            } else {
                "the application code requires no environment variable (every read has a fallback or is a platform variable)"
            });
        };
        let templates: Vec<Finding> = templates(ws)
            .map(|f| finding_file(&f.rel, "env template"))
            .collect();
        if !templates.is_empty() {
            return Outcome::pass_with(templates);
        }
        let mut names: Vec<&str> = own.iter().map(|r| r.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        let finding = Finding::new(
            Location::at(&first.path, first.line, first.column),
            format!(
                "the code reads {} environment variable(s), starting with `{}`, but the repository has no env template",
                names.len(),
                first.name
            ),
        )
        .with_snippet(first.expr.clone());
        Outcome::Fail {
            findings: vec![finding],
        }
    }
}

/// Committed env templates outside test paths.
pub(crate) fn templates(ws: &Workspace) -> impl Iterator<Item = &FileEntry> {
    ws.files.iter().filter(|f| {
        let by_kind = f.kind == FileKind::EnvTemplate;
        let by_name = matches!(
            &*f.lowercase_name(),
            "env.template" | "env.dist" | "env.tmpl"
        );
        (by_kind || by_name) && committed(f) && !f.class.test()
    })
}
