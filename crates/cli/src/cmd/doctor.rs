//! `vouch doctor`: preflight checks of the environment, each with what to fix. Exit 0 when
//! nothing failed (warnings allowed), 1 when a check failed, 2 on usage errors.

use anyhow::Result;
use clap::Args;
use std::net::{TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Duration;

#[derive(Args)]
pub struct DoctorArgs {
    /// Repository the audit will read.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// A probe target that must be reachable (http(s)://host[:port]/...). Repeatable.
    #[arg(long = "url", value_name = "URL")]
    urls: Vec<String>,
    /// The server database: sqlite:PATH, sqlite://PATH or postgres://user@host[:port]/db.
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
    /// Configuration file (default: vouch.toml at the path, when present).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Seconds to wait for each network connection.
    #[arg(long, value_name = "SECONDS", default_value_t = 3)]
    timeout: u64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Status {
    Ok,
    Warn,
    Fail,
}

struct Check {
    status: Status,
    name: String,
    detail: String,
    fix: Option<String>,
}

impl Check {
    fn ok(name: &str, detail: impl Into<String>) -> Self {
        Check {
            status: Status::Ok,
            name: name.into(),
            detail: detail.into(),
            fix: None,
        }
    }
    fn warn(name: &str, detail: impl Into<String>, fix: impl Into<String>) -> Self {
        Check {
            status: Status::Warn,
            name: name.into(),
            detail: detail.into(),
            fix: Some(fix.into()),
        }
    }
    fn fail(name: &str, detail: impl Into<String>, fix: impl Into<String>) -> Self {
        Check {
            status: Status::Fail,
            name: name.into(),
            detail: detail.into(),
            fix: Some(fix.into()),
        }
    }
}

fn git_present() -> Check {
    match Command::new("git").arg("--version").output() {
        Ok(out) if out.status.success() => Check::ok(
            "git",
            String::from_utf8_lossy(&out.stdout).trim().to_string(),
        ),
        Ok(out) => Check::fail(
            "git",
            format!(
                "`git --version` failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ),
            "reinstall git",
        ),
        Err(e) => Check::fail(
            "git",
            format!("git not found: {e}"),
            "install git (Debian/Ubuntu: apt-get install git); vouch reads tracked files and history with it",
        ),
    }
}

fn repository(path: &Path) -> Check {
    let out = Command::new("git")
        .arg("-C")
        .arg(path)
        .args(["rev-parse", "--show-toplevel"])
        .output();
    match out {
        Ok(o) if o.status.success() => Check::ok(
            "repository",
            format!(
                "git work tree at {}",
                String::from_utf8_lossy(&o.stdout).trim()
            ),
        ),
        Ok(_) => Check::warn(
            "repository",
            format!("{} is not inside a git work tree", path.display()),
            "run `git init` (or audit the repository's checkout): without git, ignored-file rules \
             and `vouch secrets --history` are not available",
        ),
        Err(_) => Check::warn("repository", "not checked: git is missing", "install git"),
    }
}

fn config(path: &Path, explicit: Option<&Path>) -> Check {
    let file = explicit
        .map(Path::to_path_buf)
        .unwrap_or_else(|| path.join("vouch.toml"));
    if explicit.is_none() && !file.is_file() {
        return Check::ok(
            "config",
            "no vouch.toml: defaults apply (`vouch init` writes one)",
        );
    }
    match vouch_core::Config::load(&file) {
        Ok(_) => Check::ok("config", format!("{} is valid", file.display())),
        Err(e) => Check::fail(
            "config",
            e.to_string(),
            "fix the file at the line named above",
        ),
    }
}

fn files(path: &Path) -> Check {
    let ws = match vouch_workspace::load(path, &vouch_workspace::LoadOptions::default()) {
        Ok(ws) => ws,
        Err(e) => {
            return Check::fail(
                "files",
                e.to_string(),
                "give the path of a readable directory",
            );
        }
    };
    if ws.input_errors.is_empty() {
        return Check::ok("files", format!("{} files readable", ws.files.len()));
    }
    let sample: Vec<String> = ws
        .input_errors
        .iter()
        .take(3)
        .map(|e| format!("{}: {}", e.path, e.message))
        .collect();
    Check::warn(
        "files",
        format!(
            "{} of {} files not read ({}{})",
            ws.input_errors.len(),
            ws.files.len() + ws.input_errors.len(),
            sample.join("; "),
            if ws.input_errors.len() > 3 {
                "; …"
            } else {
                ""
            }
        ),
        "fix the permissions, or add the paths to `exclude` in vouch.toml; controls that needed \
         them report unknown",
    )
}

/// `scheme://[user@]host[:port]/...` → (scheme, host, port).
fn parse_url(url: &str) -> Option<(String, String, Option<u16>)> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = if let Some(v6) = host_port.strip_prefix('[') {
        let (host, after) = v6.split_once(']')?;
        (host.to_string(), after.strip_prefix(':'))
    } else {
        match host_port.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (host_port.to_string(), None),
        }
    };
    if host.is_empty() {
        return None;
    }
    let port = match port {
        Some(p) => Some(p.parse().ok()?),
        None => None,
    };
    Some((scheme.to_ascii_lowercase(), host, port))
}

fn connect(host: &str, port: u16, timeout: Duration) -> Result<(), String> {
    let addrs: Vec<_> = (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {host}: {e}"))?
        .collect();
    let mut last = format!("{host} resolved to no address");
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(_) => return Ok(()),
            Err(e) => last = format!("{addr}: {e}"),
        }
    }
    Err(last)
}

fn target(url: &str, timeout: Duration) -> Check {
    let name = format!("target {url}");
    let Some((scheme, host, port)) = parse_url(url) else {
        return Check::fail(
            &name,
            "not a URL",
            "give the target as http(s)://host[:port]/",
        );
    };
    let port = match (scheme.as_str(), port) {
        (_, Some(p)) => p,
        ("http", None) => 80,
        ("https", None) => 443,
        _ => {
            return Check::fail(
                &name,
                format!("unsupported scheme `{scheme}`"),
                "probe targets are http:// or https:// URLs",
            );
        }
    };
    match connect(&host, port, timeout) {
        Ok(()) => Check::ok(&name, format!("{host}:{port} accepts connections")),
        Err(e) => Check::fail(
            &name,
            format!("cannot connect: {e}"),
            "start the service, or check the host, port and firewall",
        ),
    }
}

fn database(url: &str, timeout: Duration) -> Check {
    let name = "database";
    if let Some(path) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        let path = Path::new(path.split('?').next().unwrap_or(path));
        if path.is_file() {
            return match std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open(path)
            {
                Ok(_) => Check::ok(name, format!("SQLite file {} is writable", path.display())),
                Err(e) => Check::fail(
                    name,
                    format!("SQLite file {}: {e}", path.display()),
                    "give the server user read and write access to the file",
                ),
            };
        }
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        return if parent.is_dir() {
            Check::ok(
                name,
                format!("{} will be created in {}", path.display(), parent.display()),
            )
        } else {
            Check::fail(
                name,
                format!("directory {} does not exist", parent.display()),
                "create the directory or change the SQLite path",
            )
        };
    }
    match parse_url(url) {
        Some((scheme, host, port)) if scheme == "postgres" || scheme == "postgresql" => {
            let port = port.unwrap_or(5432);
            match connect(&host, port, timeout) {
                Ok(()) => Check::ok(
                    name,
                    format!("PostgreSQL at {host}:{port} accepts connections"),
                ),
                Err(e) => Check::fail(
                    name,
                    format!("PostgreSQL at {host}:{port}: {e}"),
                    "start PostgreSQL or fix DATABASE_URL (host, port)",
                ),
            }
        }
        _ => Check::fail(
            name,
            format!("unsupported database URL `{url}`"),
            "use sqlite:PATH or postgres://user@host:port/db",
        ),
    }
}

pub fn run(args: DoctorArgs) -> Result<ExitCode> {
    let timeout = Duration::from_secs(args.timeout.max(1));
    let mut checks = vec![git_present()];
    if args.path.is_dir() {
        checks.push(repository(&args.path));
        checks.push(config(&args.path, args.config.as_deref()));
        checks.push(files(&args.path));
    } else {
        checks.push(Check::fail(
            "path",
            format!("{} is not a directory", args.path.display()),
            "give the repository's directory",
        ));
    }
    checks.extend(args.urls.iter().map(|u| target(u, timeout)));
    if let Some(url) = &args.database_url {
        checks.push(database(url, timeout));
    }

    let mut text = String::new();
    for c in &checks {
        let mark = match c.status {
            Status::Ok => "ok  ",
            Status::Warn => "warn",
            Status::Fail => "FAIL",
        };
        text.push_str(&format!("{mark}  {:<12} {}\n", c.name, c.detail));
        if let Some(fix) = &c.fix {
            text.push_str(&format!("      {:<12} fix: {fix}\n", ""));
        }
    }
    let failed = checks.iter().filter(|c| c.status == Status::Fail).count();
    let warned = checks.iter().filter(|c| c.status == Status::Warn).count();
    text.push_str(&format!(
        "\n{} checks: {failed} failed, {warned} warnings\n",
        checks.len()
    ));
    crate::output::emit(&text)?;
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::parse_url;

    #[test]
    fn urls_split_into_scheme_host_port() {
        assert_eq!(
            parse_url("https://user:pw@api.example.com:8443/v1?x"),
            Some(("https".into(), "api.example.com".into(), Some(8443)))
        );
        assert_eq!(
            parse_url("http://[::1]:8080/"),
            Some(("http".into(), "::1".into(), Some(8080)))
        );
        assert_eq!(
            parse_url("postgres://db/app"),
            Some(("postgres".into(), "db".into(), None))
        );
        assert_eq!(parse_url("localhost:80"), None);
        assert_eq!(parse_url("http://host:notaport/"), None);
    }
}
