//! NotApplicable and Unknown outcomes, which the good/bad fixtures cannot express.

use crate::registry::Check;
use vouch_core::Outcome;

/// Runs `check` on a throw-away repository made of `files`.
fn run(check: &dyn Check, files: &[(&str, &str)]) -> Outcome {
    let dir = tempfile::tempdir().expect("tempdir");
    for (rel, text) in files {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    let ws = vouch_workspace::load(dir.path(), &Default::default()).expect("load");
    check.run(&ws)
}

fn kind(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Pass { .. } => "pass",
        Outcome::Fail { .. } => "fail",
        Outcome::Unknown { .. } => "unknown",
        Outcome::NotApplicable { .. } => "not_applicable",
        Outcome::Error { .. } => "error",
    }
}

const GO_HTTP: (&str, &str) = (
    "main.go",
    "package main\n\nimport \"net/http\"\n\nfunc main() { http.ListenAndServe(\":8080\", nil) }\n",
);
const DOCKERFILE: (&str, &str) = ("Dockerfile", "FROM golang:1.22\nUSER 10001\n");

#[test]
fn no_database_means_data_controls_do_not_apply() {
    use super::safety::*;
    let files = [GO_HTTP, DOCKERFILE, ("go.mod", "module x\n\ngo 1.22\n")];
    for check in [
        &versioned_migrations::VersionedMigrations as &dyn Check,
        &automated_backups::AutomatedBackups,
        &restore_procedure::RestoreProcedure,
        &restore_drill::RestoreDrill,
    ] {
        let outcome = run(check, &files);
        assert_eq!(
            kind(&outcome),
            "not_applicable",
            "{}: {outcome:?}",
            check.meta().id
        );
    }
}

#[test]
fn schemaless_database_needs_no_migrations() {
    let compose = (
        "docker-compose.yml",
        "services:\n  db:\n    image: mongo:7.0\n",
    );
    let outcome = run(
        &super::safety::versioned_migrations::VersionedMigrations,
        &[compose],
    );
    assert_eq!(kind(&outcome), "not_applicable", "{outcome:?}");
}

#[test]
fn provider_default_backups_are_unknown() {
    let tf = (
        "infra/db.tf",
        "resource \"aws_db_instance\" \"main\" {\n  engine = \"postgres\"\n  instance_class = \"db.t4g.small\"\n}\n",
    );
    let outcome = run(&super::safety::automated_backups::AutomatedBackups, &[tf]);
    assert_eq!(kind(&outcome), "unknown", "{outcome:?}");
}

#[test]
fn libraries_are_not_deployed_services() {
    use super::{docs::*, observability::log_shipping, testing::*};
    let files = [
        (
            "pyproject.toml",
            "[project]\nname = \"lib\"\nversion = \"1.0\"\n",
        ),
        ("src/lib/__init__.py", "def f():\n    return 1\n"),
    ];
    for check in [
        &runbooks::Runbooks as &dyn Check,
        &slo_definitions::SloDefinitions,
        &troubleshooting_guide::TroubleshootingGuide,
        &infrastructure_as_code::InfrastructureAsCode,
        &end_to_end_tests::EndToEndTests,
        &load_test_scripts::LoadTestScripts,
        &chaos_tests::ChaosTests,
        &log_shipping::LogShipping,
    ] {
        let outcome = run(check, &files);
        assert_eq!(
            kind(&outcome),
            "not_applicable",
            "{}: {outcome:?}",
            check.meta().id
        );
    }
}

#[test]
fn no_code_means_no_tests_needed() {
    let outcome = run(
        &super::testing::tests_per_language::TestsPerLanguage,
        &[("README.md", "# docs only\n")],
    );
    assert_eq!(kind(&outcome), "not_applicable", "{outcome:?}");
}

#[test]
fn integration_tests_of_unknown_kind() {
    let files = [
        ("requirements.txt", "psycopg2-binary==2.9.9\n"),
        (
            "tests/integration/test_api.py",
            "def test_orders(client):\n    assert client.get('/orders').status_code == 200\n",
        ),
    ];
    let outcome = run(&super::testing::integration_tests::IntegrationTests, &files);
    assert_eq!(kind(&outcome), "unknown", "{outcome:?}");
}

#[test]
fn no_backing_service_means_no_integration_tests_needed() {
    let outcome = run(
        &super::testing::integration_tests::IntegrationTests,
        &[GO_HTTP],
    );
    assert_eq!(kind(&outcome), "not_applicable", "{outcome:?}");
}

#[test]
fn alert_controls_without_rules() {
    use super::observability::*;
    for check in [
        &alert_rules_well_formed::AlertRulesWellFormed as &dyn Check,
        &alert_coverage::AlertCoverage,
        &alertmanager_configured::AlertmanagerConfigured,
        &grafana_dashboards_valid::GrafanaDashboardsValid,
    ] {
        let outcome = run(check, &[DOCKERFILE]);
        assert_eq!(
            kind(&outcome),
            "not_applicable",
            "{}: {outcome:?}",
            check.meta().id
        );
    }
}

#[test]
fn templated_rules_are_unknown() {
    let files = [
        (
            "chart/Chart.yaml",
            "apiVersion: v2\nname: orders\nversion: 1.0.0\n",
        ),
        (
            "chart/templates/rules.yaml",
            "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  groups:\n    - name: x\n      rules:\n        - alert: Down\n          expr: up == 0\n",
        ),
    ];
    let outcome = run(
        &super::observability::alert_rules_well_formed::AlertRulesWellFormed,
        &files,
    );
    assert_eq!(kind(&outcome), "unknown", "{outcome:?}");
}

#[test]
fn external_alertmanager_is_unknown() {
    let files = [
        (
            "prometheus/rules.yml",
            "groups:\n  - name: x\n    rules:\n      - alert: Down\n        expr: up == 0\n        labels:\n          severity: page\n        annotations:\n          summary: down\n",
        ),
        (
            "prometheus/prometheus.yml",
            "rule_files: [rules.yml]\nalerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['alertmanager.monitoring:9093']\n",
        ),
    ];
    let outcome = run(
        &super::observability::alertmanager_configured::AlertmanagerConfigured,
        &files,
    );
    assert_eq!(kind(&outcome), "unknown", "{outcome:?}");
}

#[test]
fn prisma_on_mongodb_needs_no_migrations() {
    let files = [
        (
            "package.json",
            "{\"name\": \"x\", \"dependencies\": {\"@prisma/client\": \"5.12.1\"}}\n",
        ),
        (
            "prisma/schema.prisma",
            "datasource db {\n  provider = \"mongodb\"\n  url      = env(\"DATABASE_URL\")\n}\n",
        ),
    ];
    let outcome = run(
        &super::safety::versioned_migrations::VersionedMigrations,
        &files,
    );
    assert_eq!(kind(&outcome), "not_applicable", "{outcome:?}");
}

#[test]
fn seed_scripts_and_package_restores_are_not_restore_procedures() {
    let files = [
        (
            "docker-compose.yml",
            "services:\n  db:\n    image: postgres:16\n",
        ),
        (
            "README.md",
            "# app\n\n## Restore packages\n\n1. `dotnet restore`\n2. `dotnet tool restore`\n3. `npm ci`\n\n## Seed\n\n`psql -d app < db/seed.sql`\n",
        ),
    ];
    let outcome = run(&super::safety::restore_procedure::RestoreProcedure, &files);
    assert_eq!(kind(&outcome), "fail", "{outcome:?}");
}
