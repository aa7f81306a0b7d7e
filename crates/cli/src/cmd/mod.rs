pub mod audit;
pub mod baseline;
pub mod completions;
pub mod controls;
pub mod doctor;
pub mod explain;
pub mod init;
pub mod man;
pub mod routes;
pub mod secrets;

use clap::ValueEnum;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
}
