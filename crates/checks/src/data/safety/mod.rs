//! Data safety controls (`DATA`): schema migrations, backups and restores.

pub mod automated_backups;
pub mod restore_drill;
pub mod restore_procedure;
pub mod versioned_migrations;
