//! `vouch keygen`: an Ed25519 key pair for sign-offs.

use anyhow::{Result, anyhow};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use vouch_checklist::signoff::generate_key_pair;

#[derive(Args)]
pub struct KeygenArgs {
    /// Directory for vouch-signoff.key (mode 0600) and vouch-signoff.pub
    /// (default: $XDG_CONFIG_HOME/vouch, else ~/.config/vouch).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

pub fn run(args: KeygenArgs) -> Result<ExitCode> {
    let dir = match args.out {
        Some(dir) => dir,
        None => default_dir().ok_or_else(|| {
            anyhow!("neither XDG_CONFIG_HOME nor HOME is set; say where with --out DIR")
        })?,
    };
    let (private, public, key) = generate_key_pair(&dir)?;
    crate::output::emit(&format!(
        "private key: {}\npublic key:  {}\n{key}\n",
        private.display(),
        public.display()
    ))?;
    eprintln!("keep the private key out of the repository; share the public key");
    Ok(ExitCode::SUCCESS)
}

/// Key files stay out of any repository by default.
fn default_dir() -> Option<PathBuf> {
    let non_empty = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    non_empty("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| non_empty("HOME").map(|h| PathBuf::from(h).join(".config")))
        .map(|base| base.join("vouch"))
}
