//! `vouch-testtarget [--mode NAME] [--port N] [--tls CERT] [--delay MS] [--slow N:MS]`:
//! serves one behaviour preset on 127.0.0.1. `--delay` makes every request wait MS
//! milliseconds and `--slow` every Nth request MS more: a service with a known latency
//! distribution, for comparing load generators' percentiles (`bench/load/run.sh`). With `--tls` it serves HTTPS with a generated certificate (valid, expiring-10d,
//! expiring-3d, expired, wrong-host), prints the generated CA (PEM) on stdout for
//! `vouch probe --ca-cert`, and redirects plain HTTP from a second port.

use std::process::ExitCode;
use std::time::Duration;
use vouch_testtarget::{Behaviour, CertVariant, Delay, Mode, router};

struct Options {
    mode: Mode,
    port: u16,
    tls: Option<CertVariant>,
    delay: Option<Duration>,
    slow: Option<Delay>,
}

const USAGE: &str =
    "usage: vouch-testtarget [--mode NAME] [--port N] [--tls CERT] [--delay MS] [--slow N:MS]";

fn main() -> ExitCode {
    match parse(std::env::args().skip(1).collect()) {
        Ok(options) => match serve(options) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
        Err(e) => {
            eprintln!("error: {e}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn parse(args: Vec<String>) -> Result<Options, String> {
    let mut options = Options {
        mode: Mode::Good,
        port: 0,
        tls: None,
        delay: None,
        slow: None,
    };
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        let value = it.next().ok_or_else(|| format!("`{arg}` needs a value"))?;
        match arg.as_str() {
            "--mode" => options.mode = value.parse()?,
            "--port" => {
                options.port = value.parse().map_err(|_| format!("bad port `{value}`"))?;
            }
            "--tls" => options.tls = Some(value.parse()?),
            "--delay" => options.delay = Some(millis(&value)?),
            "--slow" => {
                let (every, ms) = value
                    .split_once(':')
                    .ok_or_else(|| format!("--slow takes N:MS, not `{value}`"))?;
                let every: u64 = every
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("--slow: `{every}` is not a positive count"))?;
                options.slow = Some(Delay {
                    every,
                    by: millis(ms)?,
                });
            }
            _ => return Err(format!("unknown option `{arg}`")),
        }
    }
    if options.tls.is_some() && (options.delay.is_some() || options.slow.is_some()) {
        return Err("--delay and --slow are not supported with --tls".into());
    }
    if options.tls.is_some() && options.port != 0 {
        return Err("--port is not supported with --tls (both ports are picked)".into());
    }
    Ok(options)
}

fn millis(text: &str) -> Result<Duration, String> {
    text.trim_end_matches("ms")
        .parse()
        .map(Duration::from_millis)
        .map_err(|_| format!("`{text}` is not a number of milliseconds"))
}

fn serve(options: Options) -> std::io::Result<()> {
    let mut behaviour = Behaviour::from(options.mode);
    behaviour.base_delay = options.delay.or(behaviour.base_delay);
    behaviour.delay = options.slow.or(behaviour.delay);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        if let Some(cert) = options.tls {
            let running = vouch_testtarget::start_tls(options.mode, cert).await?;
            print!("{}", running.ca_pem);
            eprintln!(
                "vouch-testtarget ({}, {} certificate) on {} (plain HTTP redirect on {})",
                options.mode.name(),
                cert.name(),
                running.url(),
                running
                    .http_addr
                    .map_or("none".to_string(), |a| format!("http://{a}"))
            );
            // Serves until the process is stopped.
            std::future::pending::<()>().await;
            return Ok(());
        }
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", options.port)).await?;
        eprintln!(
            "vouch-testtarget ({}) on http://{}",
            options.mode.name(),
            listener.local_addr()?
        );
        axum::serve(listener, router(behaviour)).await
    })
}
