//! `vouch`: production-readiness reviews backed by evidence.

mod catalog;
mod cmd;
mod output;
mod progress;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// The audit allocates many small strings and vectors per file on several threads at once:
/// mimalloc's thread-local free lists cost less there than glibc's allocator (see
/// docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "vouch", version, about = "Production-readiness reviews backed by evidence", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Audit a repository: Dockerfiles, compose, Kubernetes/Helm, CI, manifests and hygiene.
    Audit(Box<cmd::audit::AuditArgs>),
    /// Verify a team's readiness checklist against the repository, or generate one.
    Checklist(cmd::checklist::ChecklistArgs),
    /// List every control with its metadata.
    Controls(cmd::controls::ControlsArgs),
    /// Print a control's documentation.
    Explain(cmd::explain::ExplainArgs),
    /// Make an Ed25519 key pair for sign-offs.
    Keygen(cmd::keygen::KeygenArgs),
    /// Load a running service and gate on latency, error and throughput thresholds.
    Load(Box<cmd::load::LoadArgs>),
    /// Probe a running service: health, metrics, errors, headers, exposure (HTTP controls).
    Probe(cmd::probe::ProbeArgs),
    /// List the HTTP routes found in the code, with the auth that applies to each.
    Routes(cmd::routes::RoutesArgs),
    /// Run the readiness server: projects, runs and API keys over HTTP (SQLite or PostgreSQL).
    Serve(cmd::serve::ServeArgs),
    /// Ask a running server's /healthz (for container HEALTHCHECKs): exit 0 healthy, 1 not.
    Healthcheck(cmd::healthcheck::HealthcheckArgs),
    /// Server maintenance: backup, restore, verify a backup or the audit log.
    Admin(cmd::admin::AdminArgs),
    /// Scan the working tree (or, with --history, every commit) for credentials.
    Secrets(cmd::secrets::SecretsArgs),
    /// Sign off a section of a checklist (its items, verdicts and evidence) with your key.
    Signoff(cmd::signoff::SignoffArgs),
    /// Write a commented vouch.toml for the detected stack, and the CI snippet.
    Init(cmd::init::InitArgs),
    /// Check the environment before an audit: git, the repository, files, targets, database.
    Doctor(cmd::doctor::DoctorArgs),
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    Completions(cmd::completions::CompletionsArgs),
    /// Print the man page (roff).
    Man(cmd::man::ManArgs),
}

/// Exit codes: 0 clear, 1 gate failed, 2 usage or tool error.
fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Audit(args) => cmd::audit::run(*args),
        Command::Checklist(args) => cmd::checklist::run(args),
        Command::Controls(args) => cmd::controls::run(args),
        Command::Explain(args) => cmd::explain::run(args),
        Command::Keygen(args) => cmd::keygen::run(args),
        Command::Load(args) => cmd::load::run(*args),
        Command::Probe(args) => cmd::probe::run(args),
        Command::Routes(args) => cmd::routes::run(args),
        Command::Secrets(args) => cmd::secrets::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Healthcheck(args) => cmd::healthcheck::run(args),
        Command::Admin(args) => cmd::admin::run(args),
        Command::Signoff(args) => cmd::signoff::run(args),
        Command::Init(args) => cmd::init::run(args),
        Command::Doctor(args) => cmd::doctor::run(args),
        Command::Completions(args) => cmd::completions::run(args),
        Command::Man(args) => cmd::man::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
