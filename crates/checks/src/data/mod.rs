//! Data safety (`DATA`), documentation and runbooks (`DOC`), testing (`TST`) and observability
//! (`OBS`) controls. One file per control in the submodule of its prefix; shared models of the
//! workspace (databases, backups, alert rules, ...) live in `support`.

use crate::registry::Check;

mod safety;
mod support;

pub fn checks() -> Vec<&'static dyn Check> {
    vec![
        &safety::versioned_migrations::VersionedMigrations,
        &safety::automated_backups::AutomatedBackups,
        &safety::restore_procedure::RestoreProcedure,
        &safety::restore_drill::RestoreDrill,
    ]
}
