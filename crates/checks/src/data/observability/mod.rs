//! Observability controls (`OBS`): alert rules, alert coverage, dashboards, alert routing and
//! log shipping.

pub mod alert_coverage;
pub mod alert_rules_well_formed;
pub mod alertmanager_configured;
pub mod grafana_dashboards_valid;
pub mod log_shipping;
