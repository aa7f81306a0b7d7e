pub mod admin;
pub mod audit;
pub mod audit_upload;
pub mod baseline;
pub mod checklist;
pub mod completions;
pub mod controls;
pub mod doctor;
pub mod explain;
pub mod healthcheck;
pub mod init;
pub mod keygen;
pub mod load;
pub mod man;
pub mod probe;
pub mod routes;
pub mod secrets;
pub mod serve;
pub mod signoff;

use clap::ValueEnum;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
}
