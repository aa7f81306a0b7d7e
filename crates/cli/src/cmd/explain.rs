use anyhow::{Result, bail};
use clap::Args;
use std::process::ExitCode;

#[derive(Args)]
pub struct ExplainArgs {
    /// Control ID, e.g. DKR001 or HTTP001.
    id: String,
}

pub fn run(args: ExplainArgs) -> Result<ExitCode> {
    let Some(meta) = crate::catalog::find(&args.id) else {
        bail!("unknown control `{}` (see `vouch controls`)", args.id);
    };
    crate::output::emit(&vouch_checks::registry::render_doc(meta))?;
    Ok(ExitCode::SUCCESS)
}
