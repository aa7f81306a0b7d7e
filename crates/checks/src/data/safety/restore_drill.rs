use crate::data::support::backups::{Backups, scalar_lines, script_bodies, scripts_named};
use crate::data::support::database::{BackingServices, pod_containers};
use crate::data::support::markdown::{doc_files, fence_mask, sections};
use crate::data::support::paths::{file_name, is_product_path};
use crate::data::support::restore::{RestoreDocs, restore_command};
use crate::data::support::text::is_aspirational;
use crate::data::support::with_message;
use crate::prelude::*;
use regex::Regex;
use std::sync::LazyLock;
use vouch_workspace::{CiSystem, YamlRole};

pub struct RestoreDrill;

static META: ControlMeta = ControlMeta {
    id: "DATA004",
    slug: "restore_drill",
    title: "Restores are tested regularly (a restore drill)",
    area: Area::Data,
    severity: Severity::Medium,
    remediation: "Prove that backups restore: schedule a job that restores the latest backup \
                  into a scratch database and checks it (a CronJob or scheduled workflow running \
                  `pg_restore`), or run a restore drill and record it with its date, duration and \
                  outcome in the repository (for example `docs/runbooks/restore-drills.md`).",
    references: &[
        "https://sre.google/sre-book/data-integrity/",
        "https://www.postgresql.org/docs/current/app-pgrestore.html",
        "https://csrc.nist.gov/pubs/sp/800/84/final",
    ],
    concepts: &[
        "restore drill",
        "restore test",
        "backup verification",
        "disaster recovery test",
        "DR drill",
        "game day",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

When the service uses a database, something must show that restores were actually
exercised: either an automated restore (a Kubernetes CronJob, cron entry or scheduled GitHub
Actions workflow whose commands or scripts run a restore tool such as `pg_restore`,
`mongorestore`, `velero restore`, `wal-g backup-fetch`), or a dated record of a drill in the
documentation: a line mentioning a restore/recovery/DR drill, test or exercise with a date
(`2024-03-12`, `March 2024`), or a dated line in a section or file about restore drills.
Plans ("we should run a restore drill", "TODO: schedule a DR test") do not count.
NotApplicable without a database.

## Why it matters in production

Untested backups fail in the most expensive way: during the incident. Dumps turn out to be
empty, encrypted with a lost key, missing a schema, or too slow to restore within the recovery
time objective. Only a restore that has been done shows that the backups work and how long a
recovery takes.

## Example

Bad: the intention only.

```markdown
We should test restoring backups at some point.
```

Good: a drill log.

```markdown
## Restore drills

| Date       | Backup restored             | Duration | Result |
|------------|-----------------------------|----------|--------|
| 2024-04-18 | orders 2024-04-17 nightly   | 38 min   | OK     |
```

## References

- Google SRE book, chapter 26 "Data Integrity"
- NIST SP 800-84, Guide to Test, Training, and Exercise Programs
"#,
};

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:20\d\d-\d\d-\d\d|\d{1,2}/\d{1,2}/20\d\d|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? (?:\d{1,2}, )?20\d\d|20\d\d-q[1-4])\b").unwrap()
});
static DRILL_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:restore|restoration|recovery|dr|failover)\b[^.|]{0,40}\b(?:drill|test(?:ed)?|exercise|rehears\w*|game ?day|verified)|\b(?:drill|tested|exercised|rehearsed|verified)\b[^.|]{0,40}\b(?:restore|recovery|dr)\b").unwrap()
});
/// The words of [`DRILL_WORDS`], as the walk notes them per document.
const DRILL_WORD_LIST: [&str; 7] = [
    "drill", "game day", "gameday", "restor", "recover", "failover", "dr",
];

/// Two searches, not one alternation: `\bdr\b` beside the other words turns off the regex's
/// literal prefilter, and this runs over every document (6x slower on 28 MB of Markdown).
static DRILL_WORDS: LazyLock<[Regex; 2]> = LazyLock::new(|| {
    [
        Regex::new(r"(?i)drill|game ?day|restor|recover|failover").unwrap(),
        Regex::new(r"(?i)\bdr\b").unwrap(),
    ]
});
static DRILL_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)drill|game ?day|(?:restore|recovery|dr)[ -](?:test|exercise|verification)")
        .unwrap()
});

impl Check for RestoreDrill {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        let services = BackingServices::get(ws);
        let db = match services.database_premise() {
            Ok(db) => db,
            Err(outcome) => return outcome,
        };
        let mut evidence = automated_restores(ws);
        evidence.extend(drill_records(ws));
        if !evidence.is_empty() {
            return Outcome::pass_with(evidence);
        }
        let anchor = RestoreDocs::get(ws)
            .procedures
            .first()
            .map(|p| {
                with_message(
                    p,
                    format!("{}, but nothing shows a restore was ever tested (no dated drill record, no automated restore job)", p.message),
                )
            })
            .or_else(|| {
                Backups::get(ws).jobs.first().map(|j| {
                    with_message(
                        &j.finding,
                        format!("{}, but no restore of these backups was ever tested (no dated drill record, no automated restore job)", j.finding.message),
                    )
                })
            })
            .unwrap_or_else(|| {
                with_message(
                    &db.finding,
                    format!(
                        "{}, but no restore was ever tested (no dated drill record, no automated restore job)",
                        db.finding.message
                    ),
                )
            });
        Outcome::Fail {
            findings: vec![anchor],
        }
    }
}

/// Scheduled jobs (CronJobs, scheduled workflows) whose commands or scripts restore.
fn automated_restores(ws: &Workspace) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut check =
        |src: &vouch_workspace::SourceText, at: &Node, lines: Vec<(u32, String)>, what: String| {
            let mut hit = lines.iter().find_map(|(_, l)| restore_command(l));
            if hit.is_none() {
                for script in scripts_named(&lines) {
                    hit = script_bodies(ws, &script)
                        .iter()
                        .find_map(|(_, _, l)| restore_command(l));
                    if hit.is_some() {
                        break;
                    }
                }
            }
            if let Some(tool) = hit {
                out.push(finding_node(
                    src,
                    at,
                    format!("{what} restores with {tool} on a schedule"),
                ));
            }
        };
    for doc in ws.k8s_docs() {
        if doc.kind != "CronJob" || !is_product_path(&doc.file.path) {
            continue;
        }
        let lines = pod_containers(doc.root)
            .iter()
            .flat_map(|c| scalar_lines(c))
            .collect();
        let at = doc.root.get("kind").unwrap_or(doc.root);
        check(
            &doc.file.text,
            at,
            lines,
            format!("CronJob `{}`", doc.name().unwrap_or("?")),
        );
    }
    for file in ws.yaml_with_role(YamlRole::Ci(CiSystem::GithubActions)) {
        for doc in file.docs() {
            let Some(schedule) = doc.root.get("on").and_then(|on| on.get("schedule")) else {
                continue;
            };
            let Some(jobs) = doc.root.get("jobs") else {
                continue;
            };
            check(
                &file.text,
                schedule,
                scalar_lines(jobs),
                format!("scheduled workflow {}", file_name(&file.path)),
            );
        }
    }
    out
}

/// Dated records of restore drills in the documentation.
fn drill_records(ws: &Workspace) -> Vec<Finding> {
    let mut out = Vec::new();
    let words = vouch_workspace::facts::doc_words::mask_of(DRILL_WORD_LIST);
    for f in doc_files(ws) {
        let file_about_drills = DRILL_TITLE.is_match(f.name());
        // The walk noted which documents hold these words: the others are not read again.
        if !file_about_drills && !ws.facts.doc_may_hold(&f.rel, words) {
            continue;
        }
        let Some(src) = ws.text(&f.rel) else {
            continue;
        };
        // A drill record needs a drill title or a drill line: both need one of these words.
        if !file_about_drills && !DRILL_WORDS.iter().any(|w| w.is_match(&src.text)) {
            continue;
        }
        let drill_sections: Vec<(u32, u32)> = sections(&src)
            .into_iter()
            .filter(|s| DRILL_TITLE.is_match(&s.title))
            .map(|s| s.body)
            .collect();
        let fenced = fence_mask(&src);
        // A record needs a date: only lines holding one are visited (a date never spans
        // lines, and line ends are word boundaries in the text as in the line).
        let mut dated: Vec<usize> = DATE
            .find_iter(&src.text)
            .map(|m| src.position(m.start()).0)
            .collect();
        dated.dedup();
        for n in dated {
            let line = src.line(n);
            let n32 = n as u32;
            if fenced[n] || is_aspirational(line) || !DATE.is_match(line) {
                continue;
            }
            let in_drill_context =
                file_about_drills || drill_sections.iter().any(|(a, b)| (*a..*b).contains(&n32));
            if DRILL_LINE.is_match(line) || in_drill_context {
                out.push(finding_at(&src, n32, 1, "dated restore drill record"));
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_walk_notes_every_drill_word() {
        assert!(vouch_workspace::facts::doc_words::mask_of(DRILL_WORD_LIST).is_some());
        // The list is the regexes' words: a document with any of them passes both.
        for text in [
            "DR drill", "Game day", "gameday", "restored", "Recovery", "failover",
        ] {
            assert!(DRILL_WORDS.iter().any(|w| w.is_match(text)), "{text}");
            let mask = vouch_workspace::facts::doc_words::mask(text.as_bytes());
            assert!(
                vouch_workspace::facts::doc_words::mask_of(DRILL_WORD_LIST).unwrap() & mask != 0,
                "{text}"
            );
        }
    }
}
