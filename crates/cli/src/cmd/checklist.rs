//! `vouch checklist`: verify a team's readiness checklist against the repository, or generate
//! one from the control catalogue.

mod init;
mod live;
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
    /// With --url, the HTTP probes the items name run against the service, and items with a
    /// numeric runtime target (p95/p99 latency, error rate, throughput) are measured by one
    /// bounded load run (default 10 s at 20 requests/s, open model). Without --url those items
    /// stay manual, and items judged on static controls say their live part was not checked.
    Verify(Box<verify::VerifyArgs>),
    /// Write a readiness checklist generated from the control catalogue.
    Init(init::InitArgs),
}

pub fn run(args: ChecklistArgs) -> Result<ExitCode> {
    match args.command {
        ChecklistCommand::Verify(args) => verify::run(*args),
        ChecklistCommand::Init(args) => init::run(args),
    }
}
