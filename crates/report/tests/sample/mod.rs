//! The one sample report every renderer test uses: each outcome, a suppressed finding, a
//! finding in several places, an expired suppression, an unreadable input, and a snippet that
//! tries to inject markup.

#![allow(dead_code)]

use vouch_core::finding::AppliedSuppression;
use vouch_core::report::{ExpiredSuppression, Gate, InputError, REPORT_SCHEMA};
use vouch_core::{
    Area, ControlMeta, ControlRef, ControlResult, Counts, Finding, Location, Outcome, Report,
    Score, Severity, Target, Tool, fingerprint,
};

pub static NON_ROOT: ControlMeta = ControlMeta {
    id: "DKR001",
    slug: "non_root_user",
    title: "Containers run as a non-root user",
    area: Area::Security,
    severity: Severity::High,
    remediation: "Create an unprivileged user in the final stage and switch to it with `USER`.",
    references: &["https://docs.docker.com/build/building/best-practices/#user"],
    concepts: &["non-root"],
    since: "0.1.0",
    doc: "## What it checks\n\nThe final stage of every Dockerfile switches to a user other\nthan root.\n\n## Why it matters in production\n\nRoot in a container is root on the kernel.\n\n## Example\n\nBad: `FROM alpine`\n\n## References\n\n- Docker docs\n",
};

pub static HEALTHCHECK: ControlMeta = ControlMeta {
    id: "CMP002",
    slug: "missing_healthcheck",
    title: "Compose services declare a healthcheck",
    area: Area::Resilience,
    severity: Severity::Medium,
    remediation: "Add a `healthcheck:` to each long-running service.",
    references: &[],
    concepts: &["healthcheck"],
    since: "0.1.0",
    doc: "## What it checks\n\nEvery long-running compose service has a healthcheck.\n",
};

pub static SECRET: ControlMeta = ControlMeta {
    id: "SEC001",
    slug: "hardcoded_secret",
    title: "No credentials committed to the repository",
    area: Area::Security,
    severity: Severity::Critical,
    remediation: "Move the credential to a secret store and rotate it.",
    references: &["https://owasp.org/Top10/A07_2021-Identification_and_Authentication_Failures/"],
    concepts: &["secrets"],
    since: "0.1.0",
    doc: "## What it checks\n\nNo credential appears in tracked files.\n",
};

/// Controls the sample report mentions (CI001, TST001, OBS001 are deliberately absent from the
/// catalog: renderers must cope with controls they have no docs for).
pub fn catalog() -> Vec<&'static ControlMeta> {
    vec![&NON_ROOT, &HEALTHCHECK, &SECRET]
}

fn control(id: &str, slug: &str, title: &str, area: Area, severity: Severity) -> ControlRef {
    ControlRef {
        id: id.into(),
        slug: slug.into(),
        title: title.into(),
        area,
        severity,
    }
}

fn finding(id: &str, loc: Location, message: &str, snippet: &str) -> Finding {
    let mut f = Finding::new(loc, message).with_snippet(snippet);
    f.fingerprint = fingerprint(id, &f.location.path, snippet);
    f
}

pub fn sample_report() -> Report {
    let mut results = Vec::new();

    results.push(ControlResult::new(
        ControlRef::from_meta(&NON_ROOT, Severity::High),
        NON_ROOT.remediation,
        Outcome::Fail {
            findings: vec![finding(
                "DKR001",
                Location::at("Dockerfile", 1, 1),
                "final stage has no USER instruction, so the container runs as root",
                "FROM python:3.12-slim",
            )],
        },
    ));

    let mut suppressed = finding(
        "CMP002",
        Location::at("deploy/dev/compose.yml", 4, 3),
        "service `worker` has no healthcheck",
        "worker:",
    );
    suppressed.suppressed = Some(AppliedSuppression {
        kind: "config".into(),
        reason: "local development stack, never deployed".into(),
        owner: Some("platform-team".into()),
        expires: Some("2027-03-31".into()),
    });
    results.push(ControlResult::new(
        ControlRef::from_meta(&HEALTHCHECK, Severity::Medium),
        HEALTHCHECK.remediation,
        Outcome::Fail {
            findings: vec![
                finding(
                    "CMP002",
                    Location::at("compose.yml", 3, 3),
                    "service `web` has no healthcheck",
                    "web:",
                ),
                suppressed,
            ],
        },
    ));

    let mut secret = finding(
        "SEC001",
        Location::at("templates/index.html", 12, 5),
        "an API token is committed; <b>rotate</b> it",
        "<script>alert('token=sk_live_****')</script>",
    );
    secret.also_at = vec![Location::at("static/app.js", 2, 9)];
    results.push(ControlResult::new(
        ControlRef::from_meta(&SECRET, Severity::Critical),
        SECRET.remediation,
        Outcome::Fail {
            findings: vec![secret],
        },
    ));

    results.push(ControlResult::new(
        control(
            "CI001",
            "actions_pinned",
            "CI actions are pinned to a commit",
            Area::Security,
            Severity::Low,
        ),
        "Pin each action to a full commit SHA.",
        Outcome::pass_with(vec![Finding::new(
            Location::at(".github/workflows/ci.yml", 9, 7),
            "actions/checkout pinned to a SHA",
        )]),
    ));
    results.push(ControlResult::new(
        control(
            "TST001",
            "tests_in_ci",
            "Tests run in CI",
            Area::Testing,
            Severity::Medium,
        ),
        "Run the test suite on every push.",
        Outcome::unknown("the CI workflow runs a script vouch cannot read"),
    ));
    results.push(ControlResult::new(
        control(
            "OBS001",
            "structured_logs",
            "Logs are structured",
            Area::Observability,
            Severity::Low,
        ),
        "Log JSON lines.",
        Outcome::not_applicable("no service code found"),
    ));
    results.push(ControlResult::new(
        control(
            "DATA001",
            "migrations_reversible",
            "Database migrations are reversible",
            Area::Data,
            Severity::High,
        ),
        "Write a down migration.",
        Outcome::error("migrations/0001.sql: invalid UTF-8"),
    ));
    results.sort_by(|a, b| a.control.id.cmp(&b.control.id));

    Report {
        schema: REPORT_SCHEMA.into(),
        tool: Tool {
            name: "vouch".into(),
            version: "0.1.0".into(),
        },
        target: Target {
            path: ".".into(),
            commit: Some("0123456789abcdef0123456789abcdef01234567".into()),
        },
        score: Score::compute(&results),
        counts: Counts::tally(&results),
        gate: Gate {
            fail_on: Some(Severity::High),
            failed: Report::gate_fails(&results, Some(Severity::High)),
        },
        results,
        expired_suppressions: vec![ExpiredSuppression {
            id: "DKR004".into(),
            path: None,
            reason: "waiting for the base image upgrade".into(),
            owner: None,
            expires: "2025-01-01".into(),
        }],
        input_errors: vec![InputError {
            path: "big.bin".into(),
            message: "over the 4 MiB size limit".into(),
        }],
        files_scanned: 42,
        duration_ms: 137,
    }
}
