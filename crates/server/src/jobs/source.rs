//! Where an audit job reads the repository: an absolute path on the server, or a git URL
//! cloned shallow with the `git` command line into a temporary directory (removed when the
//! job ends). Clone failures are transient (the remote may be back later); a missing path, a
//! missing `file://` repository or a server without git are permanent.

use super::execute::JobError;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use tempfile::TempDir;

/// Git URL schemes accepted; others (`ext::`, helpers) could run commands on the server.
const GIT_SCHEMES: [&str; 5] = ["https://", "http://", "ssh://", "git://", "file://"];
/// Characters of git's error output kept in `last_error`.
const MAX_ERROR_CHARS: usize = 500;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Path(PathBuf),
    Git(String),
}

/// A directory ready to audit; a clone is deleted when this is dropped.
pub struct Checkout {
    pub dir: PathBuf,
    _clone: Option<TempDir>,
}

impl Source {
    pub fn parse(repository: &str) -> Result<Source, String> {
        let repository = repository.trim();
        if repository.is_empty() || repository.len() > 4096 {
            return Err("must be 1 to 4096 characters".into());
        }
        if GIT_SCHEMES.iter().any(|s| repository.starts_with(s)) {
            return Ok(Source::Git(repository.to_string()));
        }
        if repository.contains("://") || repository.contains("::") {
            return Err(format!(
                "a git URL must start with one of: {}",
                GIT_SCHEMES.join(", ")
            ));
        }
        let path = Path::new(repository);
        if !path.is_absolute() {
            return Err("must be an absolute path on the server or a git URL".into());
        }
        Ok(Source::Path(path.to_path_buf()))
    }

    /// The directory to audit: the path itself, or a fresh shallow clone.
    pub async fn fetch(&self) -> Result<Checkout, JobError> {
        match self {
            Source::Path(path) => {
                if !path.is_dir() {
                    return Err(JobError::Permanent(format!(
                        "the repository path {} does not exist or is not a directory",
                        path.display()
                    )));
                }
                Ok(Checkout {
                    dir: path.clone(),
                    _clone: None,
                })
            }
            Source::Git(url) => clone(url).await,
        }
    }
}

async fn clone(url: &str) -> Result<Checkout, JobError> {
    if let Some(path) = url.strip_prefix("file://")
        && !Path::new(path).exists()
    {
        return Err(JobError::Permanent(format!(
            "the git repository {url} does not exist"
        )));
    }
    let temp = tempfile::Builder::new()
        .prefix("vouch-job-")
        .tempdir()
        .map_err(|e| JobError::Transient(format!("cannot create a temporary directory: {e}")))?;
    let dir = temp.path().join("repo");
    let output = tokio::process::Command::new("git")
        .args(["clone", "--depth", "1", "--quiet", "--no-tags", "--"])
        .arg(url)
        .arg(&dir)
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        // A timed-out or cancelled job must not leave git running.
        .kill_on_drop(true)
        .output()
        .await
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                JobError::Permanent("git is not installed on this server".into())
            }
            _ => JobError::Transient(format!("cannot run git: {e}")),
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let message: String = stderr.trim().chars().take(MAX_ERROR_CHARS).collect();
        return Err(JobError::Transient(format!(
            "git clone {url} failed: {message}"
        )));
    }
    Ok(Checkout {
        dir,
        _clone: Some(temp),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_git_urls_are_told_apart() {
        assert_eq!(
            Source::parse("/srv/repo").unwrap(),
            Source::Path(PathBuf::from("/srv/repo"))
        );
        assert_eq!(
            Source::parse("https://example.com/a.git").unwrap(),
            Source::Git("https://example.com/a.git".into())
        );
        assert!(Source::parse("relative/dir").is_err());
        assert!(Source::parse("ext::sh -c touch% /tmp/x").is_err());
        assert!(Source::parse("ftp://example.com/a.git").is_err());
        assert!(Source::parse("").is_err());
    }
}
