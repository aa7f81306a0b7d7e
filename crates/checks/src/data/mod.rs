//! Data safety (`DATA`), documentation and runbooks (`DOC`), testing (`TST`) and observability
//! (`OBS`) controls. One file per control in the submodule of its prefix; shared models of the
//! workspace (databases, backups, alert rules, ...) live in `support`.

use crate::registry::Check;

mod docs;
mod observability;
#[cfg(test)]
mod premise_tests;
mod safety;
mod support;
mod testing;

pub fn checks() -> Vec<&'static dyn Check> {
    vec![
        &safety::versioned_migrations::VersionedMigrations,
        &safety::automated_backups::AutomatedBackups,
        &safety::restore_procedure::RestoreProcedure,
        &safety::restore_drill::RestoreDrill,
        &docs::runbooks::Runbooks,
        &docs::slo_definitions::SloDefinitions,
        &docs::troubleshooting_guide::TroubleshootingGuide,
        &docs::infrastructure_as_code::InfrastructureAsCode,
        &testing::tests_per_language::TestsPerLanguage,
        &testing::integration_tests::IntegrationTests,
        &testing::end_to_end_tests::EndToEndTests,
        &testing::load_test_scripts::LoadTestScripts,
        &testing::chaos_tests::ChaosTests,
        &observability::alert_rules_well_formed::AlertRulesWellFormed,
        &observability::alert_coverage::AlertCoverage,
        &observability::grafana_dashboards_valid::GrafanaDashboardsValid,
        &observability::alertmanager_configured::AlertmanagerConfigured,
        &observability::log_shipping::LogShipping,
    ]
}
