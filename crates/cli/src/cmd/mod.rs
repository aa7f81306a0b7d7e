pub mod audit;
pub mod checklist;
pub mod controls;
pub mod explain;
pub mod keygen;
pub mod load;
pub mod probe;
pub mod routes;
pub mod secrets;
pub mod signoff;

use clap::ValueEnum;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
}
