pub mod audit;
pub mod controls;
pub mod explain;
pub mod probe;
pub mod routes;
pub mod secrets;

use clap::ValueEnum;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
}
