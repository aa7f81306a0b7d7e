use crate::data::support::deployable::deployment_artifact;
use crate::data::support::markdown::{content_lines, doc_files, sections, substantive_lines};
use crate::data::support::with_message;
use crate::prelude::*;

pub struct TroubleshootingGuide;

static META: ControlMeta = ControlMeta {
    id: "DOC003",
    slug: "troubleshooting_guide",
    title: "A troubleshooting guide exists",
    area: Area::Documentation,
    severity: Severity::Low,
    remediation: "Add a `TROUBLESHOOTING.md` (or a \"Troubleshooting\" section in the README or \
                  runbook) listing the failures people actually hit: the symptom, how to \
                  confirm the cause (log line, metric, command), and the fix.",
    references: &[
        "https://sre.google/sre-book/effective-troubleshooting/",
        "https://www.writethedocs.org/guide/writing/beginners-guide-to-docs/",
    ],
    concepts: &[
        "troubleshooting",
        "troubleshooting guide",
        "common problems",
        "known issues",
        "debugging guide",
        "FAQ",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

A deployed service must have troubleshooting documentation: a file whose name contains
"troubleshoot" (`TROUBLESHOOTING.md`, `docs/troubleshooting/*.md`) with content, or a section
titled "Troubleshooting", "Common problems", "Common issues", "Known issues" or "Debugging"
with at least two lines of real content in any documentation file (README and runbooks
included). Headings followed only by TODO/TBD are reported as stubs, each at its place (and
then only they are reported); without any guide, the finding is about the repository and names
the deployment artifact that makes it a deployed service. Examples and vendored documentation
do not count. NotApplicable when nothing is deployed from the repository.

## Why it matters in production

Most incidents and support requests are repeats. A troubleshooting guide turns a known failure
("connection refused on startup: the database is not ready yet") into a five-minute fix for
whoever meets it next, instead of a fresh investigation that pages the original author.

## Example

Bad: no troubleshooting section anywhere.

Good:

```markdown
## Troubleshooting

**`FATAL: too many connections for role "orders"`** — the pool is larger than the database
allows. Check `pg_stat_activity`; lower `DB_POOL_SIZE` or raise `max_connections`.
```

## References

- Google SRE book, "Effective Troubleshooting"
"#,
};

fn is_troubleshooting_title(title: &str) -> bool {
    let t = title.to_ascii_lowercase();
    t.contains("troubleshoot")
        || t.contains("common problems")
        || t.contains("common issues")
        || t.contains("known issues")
        || t.contains("debugging")
}

impl Check for TroubleshootingGuide {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let artifact = match deployment_artifact(ws) {
            Ok(a) => a,
            Err(outcome) => return outcome,
        };
        let (mut evidence, mut stubs) = (Vec::new(), Vec::new());
        for f in doc_files(ws) {
            let Some(src) = ws.text(&f.rel) else {
                continue;
            };
            if f.name().to_ascii_lowercase().contains("troubleshoot") {
                let n = content_lines(&src).len();
                if n >= 2 {
                    evidence.push(finding_file(
                        &f.rel,
                        format!("troubleshooting guide `{}` ({n} lines of content)", f.rel),
                    ));
                } else {
                    stubs.push(finding_file(
                        &f.rel,
                        format!("troubleshooting guide `{}` is a stub: no content, only headings or to-dos", f.rel),
                    ));
                }
                continue;
            }
            for s in sections(&src)
                .iter()
                .filter(|s| is_troubleshooting_title(&s.title))
            {
                let n = substantive_lines(&src, s).len();
                if n >= 2 {
                    evidence.push(finding_at(
                        &src,
                        s.line,
                        1,
                        format!("troubleshooting section `{}` ({n} lines)", s.title),
                    ));
                } else {
                    stubs.push(finding_at(
                        &src,
                        s.line,
                        1,
                        format!("troubleshooting section `{}` has no content", s.title),
                    ));
                }
            }
        }
        if !evidence.is_empty() {
            return Outcome::pass_with(evidence);
        }
        // Stubs are the finding: "there is none" next to them would contradict them.
        if !stubs.is_empty() {
            return Outcome::Fail { findings: stubs };
        }
        let findings = vec![with_message(
            &artifact,
            format!(
                "the repository deploys a service ({}), but there is no troubleshooting guide (TROUBLESHOOTING.md or a Troubleshooting section)",
                artifact.message
            ),
        )];
        Outcome::Fail { findings }
    }
}
