//! `vouch checklist`: verify a team's readiness checklist against the repository, or generate
//! one from the control catalogue.

mod init;
pub mod pipeline;
mod verify;

use anyhow::Result;
use clap::{Args, Subcommand};
use std::process::ExitCode;

#[derive(Args)]
pub struct ChecklistArgs {
    #[command(subcommand)]
    command: ChecklistCommand,
}

#[derive(Subcommand)]
enum ChecklistCommand {
    /// Give every item of a Markdown checklist a verdict backed by evidence.
    ///
    /// Verdicts: done, not_done, claimed_but_failing (ticked, but the evidence says no),
    /// done_but_unticked, manual (no automatic control: a person signs it off), unknown.
    /// Exit 1 when a ticked claim fails or a recorded sign-off's signature is invalid.
    ///
    /// --url is accepted for items with numeric targets (latency, throughput, coverage), but
    /// vouch has no live probes yet: such items stay manual, with the target shown.
    Verify(verify::VerifyArgs),
    /// Write a readiness checklist generated from the control catalogue.
    Init(init::InitArgs),
}

pub fn run(args: ChecklistArgs) -> Result<ExitCode> {
    match args.command {
        ChecklistCommand::Verify(args) => verify::run(args),
        ChecklistCommand::Init(args) => init::run(args),
    }
}
