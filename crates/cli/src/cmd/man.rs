//! `vouch man`: the man page (roff), generated from the clap definition. Subcommands are
//! listed in it; `--output DIR` writes one page per subcommand as well (`vouch-audit.1`).

use anyhow::{Context, Result};
use clap::{Args, CommandFactory};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct ManArgs {
    /// Write vouch.1 and one vouch-<command>.1 per subcommand into DIR instead of printing.
    #[arg(long, short = 'o', value_name = "DIR")]
    output: Option<PathBuf>,
}

fn page(command: clap::Command) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_mangen::Man::new(command)
        .render(&mut out)
        .context("rendering the man page")?;
    Ok(out)
}

pub fn run(args: ManArgs) -> Result<ExitCode> {
    let command = crate::Cli::command();
    match args.output {
        None => crate::output::emit(&String::from_utf8_lossy(&page(command)?))?,
        Some(dir) => {
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let top = page(command.clone())?;
            crate::output::write_file(&dir.join("vouch.1"), &String::from_utf8_lossy(&top))?;
            for sub in command.get_subcommands() {
                let name = format!("vouch-{}", sub.get_name());
                let text = page(sub.clone().name(name.clone()))?;
                crate::output::write_file(
                    &dir.join(format!("{name}.1")),
                    &String::from_utf8_lossy(&text),
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
