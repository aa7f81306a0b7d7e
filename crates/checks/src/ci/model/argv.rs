//! Normalises a command's words so matchers see the tool that really runs:
//! `sudo -E env CI=1 poetry run python -m pytest` → `pytest`,
//! `npx --yes prettier@3 --check .` → `prettier --check .`,
//! `go run golang.org/x/vuln/cmd/govulncheck@latest ./...` → `govulncheck ./...`,
//! `docker compose run --rm api pytest` → `pytest`, `docker run aquasec/trivy:0.50 image x` →
//! `trivy image x`.

/// Wrapper flags that take a value, per wrapper.
fn takes_value(wrapper: &str, flag: &str) -> bool {
    let list: &[&str] = match wrapper {
        "sudo" => &["-u", "-g", "-C", "-D", "-h", "-p", "-U"],
        "env" => &["-u", "-C", "-S", "--unset", "--chdir"],
        "timeout" => &["-k", "-s", "--kill-after", "--signal"],
        "nice" => &["-n", "--adjustment"],
        "xvfb-run" => &[
            "-s",
            "--server-args",
            "-n",
            "--server-num",
            "-e",
            "--error-file",
            "-f",
        ],
        "uv" => &[
            "--with",
            "--extra",
            "--group",
            "--python",
            "-p",
            "--package",
            "--directory",
            "--project",
            "--env-file",
            "--with-requirements",
            "--index",
            "--only-group",
        ],
        "uvx" => &["--from", "--with", "--python", "-p", "--index"],
        "pipx" => &["--spec", "--python", "--index-url", "--pip-args"],
        "npx" => &["-p", "--package", "-c", "--call", "-w", "--workspace"],
        "docker-run" => &[
            "-e",
            "--env",
            "-v",
            "--volume",
            "-w",
            "--workdir",
            "-u",
            "--user",
            "--name",
            "--network",
            "--net",
            "-p",
            "--publish",
            "--entrypoint",
            "--env-file",
            "--mount",
            "--platform",
            "-l",
            "--label",
            "--add-host",
            "--cpus",
            "-m",
            "--memory",
            "--pull",
            "--hostname",
            "-h",
            "--security-opt",
            "--cap-add",
            "--cap-drop",
            "--ulimit",
            "--tmpfs",
            "--gpus",
            "--ipc",
            "--pid",
            "--log-driver",
            "--shm-size",
            "--volumes-from",
            "--group-add",
            "--cidfile",
            "--dns",
            "--expose",
            "--link",
            "--runtime",
            "--stop-signal",
        ],
        "compose-global" => &[
            "-f",
            "--file",
            "-p",
            "--project-name",
            "--profile",
            "--env-file",
            "--project-directory",
            "--ansi",
            "--progress",
            "--parallel",
        ],
        "compose-run" => &[
            "-e",
            "--env",
            "-w",
            "--workdir",
            "-u",
            "--user",
            "--entrypoint",
            "-v",
            "--volume",
            "-p",
            "--publish",
            "--name",
            "-l",
            "--label",
            "--index",
            "--cap-add",
            "--cap-drop",
        ],
        _ => &[],
    };
    list.contains(&flag)
}

/// Base name of a program path, without a `@version` suffix: `./node_modules/.bin/jest` → `jest`,
/// `@biomejs/biome@1.8` → `biome`, `./gradlew` → `gradle`.
pub fn program_name(word: &str) -> String {
    let base = word.rsplit('/').next().unwrap_or(word);
    let base = match base.split_once('@') {
        Some((name, _)) if !name.is_empty() => name,
        _ => base,
    };
    let base = base.strip_suffix(".exe").unwrap_or(base);
    match base {
        "gradlew" | "gradlew.bat" => "gradle".into(),
        "mvnw" | "mvnw.cmd" => "mvn".into(),
        "py.test" => "pytest".into(),
        b if is_python(b) => "python".into(),
        b => b.to_string(),
    }
}

fn is_python(name: &str) -> bool {
    name == "py"
        || name == "pypy3"
        || name
            .strip_prefix("python")
            .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// Drops `n` words and then any flags of `wrapper` (with their values).
fn drop_wrapper(words: &mut Vec<String>, n: usize, wrapper: &str) {
    words.drain(..n.min(words.len()));
    while let Some(first) = words.first() {
        if first == "--" {
            words.remove(0);
            break;
        }
        if !first.starts_with('-') {
            break;
        }
        let flag = first.split('=').next().unwrap_or(first).to_string();
        let has_inline_value = first.contains('=');
        words.remove(0);
        if takes_value(wrapper, &flag) && !has_inline_value && !words.is_empty() {
            words.remove(0);
        }
    }
}

const GO_BUILTIN_TOOLS: [&str; 17] = [
    "cover",
    "vet",
    "pprof",
    "trace",
    "nm",
    "objdump",
    "compile",
    "link",
    "asm",
    "cgo",
    "dist",
    "fix",
    "addr2line",
    "buildid",
    "covdata",
    "doc",
    "test2json",
];

/// Normalises `words` (see the module docs). Returns an empty vector for an empty command.
pub fn normalize(words: &[String]) -> Vec<String> {
    let mut w: Vec<String> = words.to_vec();
    for _ in 0..12 {
        let Some(first) = w.first() else {
            return w;
        };
        let prog = program_name(first);
        let second = w.get(1).map(String::as_str).unwrap_or("");
        match prog.as_str() {
            "sudo" | "nice" | "timeout" | "xvfb-run" | "nohup" | "exec" | "command" | "time"
            | "stdbuf" | "unbuffer" => {
                drop_wrapper(&mut w, 1, &prog);
                if prog == "timeout" && !w.is_empty() {
                    w.remove(0); // the duration
                }
            }
            "env" => {
                drop_wrapper(&mut w, 1, "env");
                while w
                    .first()
                    .is_some_and(|x| x.contains('=') && !x.starts_with('-'))
                {
                    w.remove(0);
                }
            }
            "python" => match w.iter().position(|x| x == "-m") {
                Some(i) if i + 1 < w.len() => {
                    w.drain(..=i);
                }
                _ => break,
            },
            "poetry" | "pipenv" | "pdm" | "rye" | "pixi" if second == "run" => {
                drop_wrapper(&mut w, 2, &prog)
            }
            "hatch" if second == "run" => {
                drop_wrapper(&mut w, 2, "hatch");
                // `hatch run test:pytest`: the environment prefix is not part of the command.
                if let Some(x) = w.first_mut()
                    && let Some((_, cmd)) = x.split_once(':')
                {
                    *x = cmd.to_string();
                }
            }
            "uv" if second == "run" || second == "tool" && w.get(2).is_some_and(|x| x == "run") => {
                let n = if second == "run" { 2 } else { 3 };
                drop_wrapper(&mut w, n, "uv");
            }
            "uvx" | "npx" | "pnpx" | "bunx" => {
                let wrapper = if prog == "uvx" { "uvx" } else { "npx" };
                drop_wrapper(&mut w, 1, wrapper)
            }
            "pipx" if second == "run" => drop_wrapper(&mut w, 2, "pipx"),
            "npm" if second == "exec" || second == "x" => drop_wrapper(&mut w, 2, "npx"),
            "pnpm" | "yarn" | "bun" if matches!(second, "exec" | "dlx" | "x") => {
                drop_wrapper(&mut w, 2, "npx")
            }
            "bundle" | "bundler" if second == "exec" => drop_wrapper(&mut w, 2, "bundle"),
            "dotenv" | "cross-env" => {
                w.remove(0);
                if let Some(i) = w.iter().position(|x| x == "--") {
                    w.drain(..=i);
                } else {
                    while w
                        .first()
                        .is_some_and(|x| x.contains('=') || x.starts_with('-'))
                    {
                        w.remove(0);
                    }
                }
            }
            "coverage" if second == "run" => {
                // `coverage run -m pytest` runs pytest; `coverage run manage.py test` runs Django.
                match w.iter().position(|x| x == "-m") {
                    Some(i) if i + 1 < w.len() => {
                        w.drain(..=i);
                    }
                    _ => {
                        drop_wrapper(&mut w, 2, "coverage");
                        w.insert(0, "python".into());
                    }
                }
            }
            "go" if second == "run" => {
                let pkg = w.get(2).cloned().unwrap_or_default();
                if pkg.contains('/') && !pkg.ends_with(".go") && !pkg.starts_with('.') {
                    let name = pkg.split('@').next().unwrap_or(&pkg);
                    let name = name
                        .trim_end_matches('/')
                        .rsplit('/')
                        .next()
                        .unwrap_or(name);
                    w.drain(..3);
                    w.insert(0, name.to_string());
                } else {
                    break;
                }
            }
            "go" if second == "tool"
                && w.get(2)
                    .is_some_and(|t| !GO_BUILTIN_TOOLS.contains(&t.as_str())) =>
            {
                w.drain(..2);
            }
            "docker" | "podman" | "nerdctl" if second == "run" => {
                drop_wrapper(&mut w, 2, "docker-run");
                if w.is_empty() {
                    break;
                }
                let image = image_tool(&w[0]);
                w[0] = image;
                // `docker run img semgrep scan`: the image name repeats the tool; drop it.
                if w.get(1).is_some_and(|x| program_name(x) == w[0]) {
                    w.remove(0);
                }
                break;
            }
            "docker" | "docker-compose" | "podman-compose" | "podman" => {
                let mut rest = w.clone();
                let n = if prog == "docker" || prog == "podman" {
                    1
                } else {
                    0
                };
                if n == 1 && rest.get(1).is_none_or(|x| x != "compose") {
                    break;
                }
                drop_wrapper(&mut rest, n + 1, "compose-global");
                match rest.first().map(String::as_str) {
                    Some("run" | "exec") => {
                        drop_wrapper(&mut rest, 1, "compose-run");
                        if rest.len() < 2 {
                            break;
                        }
                        rest.remove(0); // the service
                        w = rest;
                    }
                    _ => break,
                }
            }
            _ => break,
        }
    }
    if let Some(first) = w.first_mut() {
        *first = program_name(first);
    }
    w
}

/// The tool a container image stands for: `ghcr.io/aquasecurity/trivy:0.50` → `trivy`,
/// `returntocorp/semgrep` → `semgrep`, `owasp/zap2docker-stable` → `zap2docker-stable`.
fn image_tool(image: &str) -> String {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    last.split(':').next().unwrap_or(last).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> String {
        let words: Vec<String> = s.split_whitespace().map(String::from).collect();
        normalize(&words).join(" ")
    }

    #[test]
    fn wrappers() {
        assert_eq!(
            n("sudo -E env CI=1 poetry run python -m pytest -q"),
            "pytest -q"
        );
        assert_eq!(n("npx --yes prettier@3 --check ."), "prettier --check .");
        assert_eq!(n("npx @biomejs/biome ci ."), "biome ci .");
        assert_eq!(n("uv run --frozen --with pytest-cov pytest"), "pytest");
        assert_eq!(n("python3.12 -m mypy src"), "mypy src");
        assert_eq!(n("./node_modules/.bin/jest --ci"), "jest --ci");
        assert_eq!(n("./gradlew test"), "gradle test");
        assert_eq!(n("coverage run -m pytest"), "pytest");
        assert_eq!(
            n("coverage report --fail-under=90"),
            "coverage report --fail-under=90"
        );
        assert_eq!(n("timeout 10m go test ./..."), "go test ./...");
        assert_eq!(n("hatch run test:pytest"), "pytest");
    }

    #[test]
    fn go_run_and_tool() {
        assert_eq!(
            n("go run golang.org/x/vuln/cmd/govulncheck@latest ./..."),
            "govulncheck ./..."
        );
        assert_eq!(n("go run ./cmd/server"), "go run ./cmd/server");
        assert_eq!(n("go tool cover -func=c.out"), "go tool cover -func=c.out");
        assert_eq!(n("go tool golangci-lint run"), "golangci-lint run");
    }

    #[test]
    fn containers() {
        assert_eq!(
            n("docker run --rm -v /src:/src aquasec/trivy:0.50.1 image --exit-code 1 app"),
            "trivy image --exit-code 1 app"
        );
        assert_eq!(
            n("docker run -t ghcr.io/zaproxy/zaproxy:stable zap-baseline.py -t http://x"),
            "zaproxy zap-baseline.py -t http://x"
        );
        assert_eq!(
            n("docker compose -f ci.yml run --rm -T api pytest -x"),
            "pytest -x"
        );
        assert_eq!(n("docker-compose exec -T web npm test"), "npm test");
        assert_eq!(n("docker compose up -d"), "docker compose up -d");
        assert_eq!(
            n("docker run returntocorp/semgrep semgrep scan"),
            "semgrep scan"
        );
    }
}
