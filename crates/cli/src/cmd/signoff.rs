//! `vouch signoff`: a person vouches for a section of the checklist with an Ed25519 signature
//! over its items, their verdicts and evidence, and the repository commit.

use super::checklist::pipeline::{Request, verify};
use anyhow::{Result, anyhow};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use vouch_checklist::signoff::record::PAYLOAD_VERSION;
use vouch_checklist::signoff::{
    SignoffPayload, append_entry, read_signing_key, select_section, sign, signed_items,
    signoffs_path,
};
use vouch_checklist::verify::Verdict;

#[derive(Args)]
pub struct SignoffArgs {
    /// The Markdown checklist.
    file: PathBuf,
    /// The section to sign: its heading, or the start of it ("Stage 3").
    #[arg(long)]
    section: String,
    /// Who signs.
    #[arg(long = "as", value_name = "NAME")]
    name: String,
    /// Private key made by `vouch keygen`.
    #[arg(long, value_name = "PATH")]
    key: PathBuf,
    /// Repository (default: the git work tree containing FILE, else its directory).
    #[arg(long, value_name = "PATH")]
    repo: Option<PathBuf>,
    /// Configuration file (default: vouch.toml at the repository root, when present).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

pub fn run(args: SignoffArgs) -> Result<ExitCode> {
    let name = args.name.trim();
    if name.is_empty() {
        return Err(anyhow!("--as needs a name"));
    }
    // Read the key first: a wrong key should not cost a whole audit.
    let key = read_signing_key(&args.key)?;
    let verified = verify(&Request {
        file: &args.file,
        repo: args.repo.as_deref(),
        url: None,
        config: args.config.as_deref(),
        results: None,
    })?;
    let (section, covered) = select_section(&verified.report.items, &args.section)?;
    if covered.is_empty() {
        return Err(anyhow!("section \"{}\" has no items", args.section));
    }
    let failing = covered
        .iter()
        .filter(|i| matches!(i.verdict, Verdict::ClaimedButFailing | Verdict::NotDone))
        .count();
    let signed_at = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| anyhow!("cannot format the time: {e}"))?;
    let payload = SignoffPayload {
        version: PAYLOAD_VERSION,
        checklist: verified.checklist_rel.clone(),
        section: section.clone(),
        name: name.to_string(),
        signed_at,
        commit: verified.commit.clone(),
        items: signed_items(&covered),
    };
    let store = signoffs_path(&verified.repo_root);
    let total = append_entry(&store, sign(payload, &key))?;
    eprintln!(
        "signed {} items of \"{}\" as {name}{}; recorded in {} ({total} sign-offs)",
        covered.len(),
        section.join(" > "),
        verified
            .commit
            .as_deref()
            .map(|c| format!(" at {}", &c[..c.len().min(12)]))
            .unwrap_or_default(),
        store.display()
    );
    if failing > 0 {
        eprintln!("note: {failing} of these items fail their controls; the signature records that");
    }
    Ok(ExitCode::SUCCESS)
}
