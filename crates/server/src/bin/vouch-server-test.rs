//! Test harness entry point: runs the server in its own process so fault tests can kill it
//! (`kill -9`) and start it again on the same database. Not the production entry point (that is
//! `vouch serve`); it has no flags.
//!
//! Usage: `vouch-server-test CONFIG.toml` (the TOML of `Config`, then the environment, as
//! `vouch serve --config` reads it). Prints `listening on ADDR` on stdout once it accepts
//! connections; stops on SIGTERM or Ctrl-C like `vouch serve`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use vouch_server::Config;

#[tokio::main]
async fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: vouch-server-test CONFIG.toml");
        return ExitCode::from(2);
    };
    let config = match Config::load(Some(Path::new(&path))) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    vouch_server::ops::logging::init(&config.log, false);
    match serve(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}

async fn serve(config: Config) -> Result<(), vouch_server::ServeError> {
    let db = vouch_server::open_database(&config).await?;
    let running = vouch_server::start(config, db).await?;
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "listening on {}", running.addr);
    let _ = stdout.flush();
    drop(stdout);
    vouch_server::ops::shutdown::signal().await;
    running.shutdown().await
}
