use anyhow::{Result, bail};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use vouch_checklist::init::{Profile, render_checklist};
use vouch_checklist::verify::atomic::write_atomically;

#[derive(Args)]
pub struct InitArgs {
    /// The kind of project: picks the relevant areas (a library has no Kubernetes).
    #[arg(long, value_enum, default_value = "web-service")]
    profile: ProfileArg,
    /// Write to FILE instead of stdout.
    #[arg(short = 'o', long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replace FILE when it exists.
    #[arg(long, requires = "output")]
    force: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum ProfileArg {
    WebService,
    Worker,
    Library,
    Frontend,
}

impl From<ProfileArg> for Profile {
    fn from(p: ProfileArg) -> Profile {
        match p {
            ProfileArg::WebService => Profile::WebService,
            ProfileArg::Worker => Profile::Worker,
            ProfileArg::Library => Profile::Library,
            ProfileArg::Frontend => Profile::Frontend,
        }
    }
}

pub fn run(args: InitArgs) -> Result<ExitCode> {
    let controls: Vec<_> = vouch_checks::all_checks()
        .iter()
        .map(|c| c.meta())
        .collect();
    let text = render_checklist(args.profile.into(), &controls, env!("CARGO_PKG_VERSION"));
    match args.output {
        None => crate::output::emit(&text)?,
        Some(path) => {
            if path.exists() && !args.force {
                bail!(
                    "{}: already exists; use --force to replace it",
                    path.display()
                );
            }
            write_atomically(&path, text.as_bytes())
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            eprintln!("wrote {}", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
