//! Debian's nginx as an independent real server: a fixture writes its configuration into a
//! temporary directory, runs it in the foreground as the current user on a free port, and
//! stops it on drop. scripts/test.sh installs nginx when it is missing; without it these
//! tests fail (they never skip).

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// Where nginx is looked for: `PATH`, then Debian's location (not on a user's `PATH`).
fn candidates() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join("nginx")).collect())
        .unwrap_or_default();
    out.push(PathBuf::from("/usr/sbin/nginx"));
    out
}

/// The first existing binary, or the error that tells how to get one.
pub fn locate(candidates: &[PathBuf]) -> Result<PathBuf, String> {
    candidates
        .iter()
        .find(|p| p.is_file())
        .cloned()
        .ok_or_else(|| {
            "nginx is not installed: run scripts/test.sh (it installs Debian's nginx-light when \
         nginx is missing) or `apt-get install -y nginx-light`"
                .to_string()
        })
}

pub struct Nginx {
    child: Child,
    dir: PathBuf,
    pub port: u16,
}

impl Nginx {
    /// Starts nginx serving a small HTML site with `directives` inside its `server` block.
    pub fn start(directives: &str) -> Nginx {
        let binary = locate(&candidates()).unwrap_or_else(|e| panic!("{e}"));
        let mut last_error = String::new();
        // A free port can be taken between probing it and nginx binding it: retry.
        for _ in 0..3 {
            match Nginx::try_start(&binary, directives) {
                Ok(nginx) => return nginx,
                Err(e) => last_error = e,
            }
        }
        panic!("nginx did not start: {last_error}");
    }

    fn try_start(binary: &Path, directives: &str) -> Result<Nginx, String> {
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "vouch-nginx-{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        let io = |e: std::io::Error| format!("{}: {e}", dir.display());
        std::fs::create_dir_all(dir.join("html")).map_err(io)?;
        std::fs::write(dir.join("html/index.html"), INDEX).map_err(io)?;
        let port = free_port().map_err(io)?;
        let config = config(&dir, port, directives, &modules(binary));
        std::fs::write(dir.join("nginx.conf"), config).map_err(io)?;
        let child = Command::new(binary)
            .arg("-p")
            .arg(&dir)
            .arg("-e")
            .arg(dir.join("error.log"))
            .arg("-c")
            .arg(dir.join("nginx.conf"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
        let mut nginx = Nginx { child, dir, port };
        nginx.wait_for_port()?;
        Ok(nginx)
    }

    fn wait_for_port(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                let log = std::fs::read_to_string(self.dir.join("error.log")).unwrap_or_default();
                return Err(format!("nginx exited with {status}: {log}"));
            }
            if TcpStream::connect((Ipv4Addr::LOCALHOST, self.port)).is_ok() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Err(format!(
            "nginx did not listen on port {} within 10 s",
            self.port
        ))
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const INDEX: &str = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>nginx fixture</title></head><body>ok</body></html>\n";

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
        .local_addr()?
        .port())
}

/// Temp-path modules compiled into this nginx (nginx-light leaves some out).
fn modules(binary: &Path) -> Vec<&'static str> {
    let out = Command::new(binary).arg("-V").output();
    let text = out
        .map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
        .unwrap_or_default();
    ["proxy", "fastcgi", "uwsgi", "scgi"]
        .into_iter()
        .filter(|m| !text.contains(&format!("--without-http_{m}_module")))
        .collect()
}

/// Foreground, single process, every path inside `dir`, listening on 127.0.0.1 only.
fn config(dir: &Path, port: u16, directives: &str, modules: &[&str]) -> String {
    let d = dir.display();
    let temp_paths: String = modules
        .iter()
        .map(|m| format!("    {m}_temp_path {d}/{m}_temp;\n"))
        .collect();
    format!(
        "daemon off;
master_process off;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    default_type application/octet-stream;
    types {{ text/html html; }}
    client_body_temp_path {d}/client_body_temp;
{temp_paths}    server {{
        listen 127.0.0.1:{port};
        root {d}/html;
        index index.html;
{directives}
    }}
}}
"
    )
}

#[test]
fn a_missing_nginx_is_a_failure_that_names_the_install_script() {
    let err = locate(&[PathBuf::from("/nonexistent/vouch/nginx")]).unwrap_err();
    assert!(err.contains("scripts/test.sh"), "{err}");
    assert!(locate(&candidates()).is_ok(), "{err}");
}
