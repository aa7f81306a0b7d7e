//! `vouch completions SHELL`: completion scripts generated from the clap definition, so they
//! never drift from the real options.

use anyhow::Result;
use clap::{Args, CommandFactory};
use clap_complete::Shell;
use std::process::ExitCode;

#[derive(Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, elvish or powershell.
    shell: Shell,
}

pub fn run(args: CompletionsArgs) -> Result<ExitCode> {
    let mut command = crate::Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "vouch", &mut out);
    crate::output::emit(&String::from_utf8_lossy(&out))?;
    Ok(ExitCode::SUCCESS)
}
