//! `vouch-testtarget [--mode NAME] [--port N]`: serves one behaviour preset on 127.0.0.1.

use std::process::ExitCode;
use vouch_testtarget::{Behaviour, Mode, router};

fn main() -> ExitCode {
    match parse(std::env::args().skip(1).collect()) {
        Ok((mode, port)) => match serve(mode, port) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
        Err(e) => {
            eprintln!("error: {e}\nusage: vouch-testtarget [--mode NAME] [--port N]");
            ExitCode::from(2)
        }
    }
}

fn parse(args: Vec<String>) -> Result<(Mode, u16), String> {
    let (mut mode, mut port) = (Mode::Good, 0);
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        let value = it.next().ok_or_else(|| format!("`{arg}` needs a value"))?;
        match arg.as_str() {
            "--mode" => mode = value.parse()?,
            "--port" => port = value.parse().map_err(|_| format!("bad port `{value}`"))?,
            _ => return Err(format!("unknown option `{arg}`")),
        }
    }
    Ok((mode, port))
}

fn serve(mode: Mode, port: u16) -> std::io::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        eprintln!(
            "vouch-testtarget ({}) on http://{}",
            mode.name(),
            listener.local_addr()?
        );
        axum::serve(listener, router(Behaviour::from(mode))).await
    })
}
