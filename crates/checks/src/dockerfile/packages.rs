//! Package installs and removals in RUN scripts: apt, apk, yum/dnf/microdnf and pip.

use super::shell::{Command, assignments, commands, expand_word, run_script};
use std::collections::{HashMap, HashSet};
use vouch_workspace::Instruction;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Manager {
    Apt,
    Apk,
    Yum,
    Pip,
}

/// One install command, e.g. `apt-get install -y --no-install-recommends curl`.
#[derive(Clone, Debug)]
pub(crate) struct Install {
    pub manager: Manager,
    /// As written: `apt-get`, `pip3`, `python3 -m pip`, `uv pip`.
    pub program: String,
    /// Package words, variables expanded where their value is known (else left with `$`).
    pub packages: Vec<String>,
    /// Every option word (`-y`, `--no-cache`, `--no-install-recommends`).
    pub options: Vec<String>,
    /// pip requirement/constraint files (`-r`, `-c`) and editable paths (`-e`).
    pub files: Vec<String>,
    /// apk `--virtual NAME`.
    pub virtual_name: Option<String>,
    /// yum/dnf group installs (`groupinstall "Development Tools"`).
    pub group: bool,
}

impl Install {
    pub fn has_option(&self, names: &[&str]) -> bool {
        self.options.iter().any(|o| {
            names
                .iter()
                .any(|n| o == n || o.starts_with(&format!("{n}=")))
        })
    }
}

/// The commands of a RUN with the package installs found in them.
pub(crate) struct RunPackages {
    pub commands: Vec<Command>,
    pub installs: Vec<Install>,
}

pub(crate) fn of_run(instr: &Instruction, outer: &HashMap<String, String>) -> RunPackages {
    let cmds = commands(&run_script(instr));
    let vars = assignments(&cmds);
    let installs = cmds
        .iter()
        .filter_map(|c| install(c, &vars, outer))
        .collect();
    RunPackages {
        commands: cmds,
        installs,
    }
}

impl RunPackages {
    /// Packages the same RUN removes again (`apt-get purge`, `apk del`, `yum remove`), and
    /// whether apt removes everything it marked automatic (`apt-mark auto '.*'` + purge).
    pub fn removed(&self, outer: &HashMap<String, String>) -> (HashSet<String>, bool) {
        let vars = assignments(&self.commands);
        let mut names = HashSet::new();
        let mut apt_all = false;
        let mut marked_auto = false;
        for c in &self.commands {
            let words = c.program_words();
            let program = c.program();
            let args: Vec<&String> = words.iter().skip(1).collect();
            let sub = args
                .iter()
                .find(|w| !w.starts_with('-'))
                .map(|w| w.as_str());
            let removes = match program {
                "apt-get" | "apt" => {
                    if sub == Some("autoremove") || args.iter().any(|a| *a == "--auto-remove") {
                        apt_all |= marked_auto;
                    }
                    matches!(sub, Some("purge" | "remove"))
                }
                "apt-mark" => {
                    marked_auto |= sub == Some("auto");
                    false
                }
                "apk" => sub == Some("del"),
                "yum" | "dnf" | "microdnf" | "tdnf" => {
                    matches!(sub, Some("remove" | "erase" | "autoremove"))
                }
                _ => false,
            };
            if removes {
                for w in args.iter().filter(|w| !w.starts_with('-')).skip(1) {
                    match expand_word(w, &vars, outer) {
                        Some(v) => names.extend(v.split_whitespace().map(base_name)),
                        None => {
                            names.insert(w.to_string());
                        }
                    }
                }
            }
        }
        (names, apt_all)
    }
}

/// Package name without version or architecture (`gcc=4:12.2*` → `gcc`, `flask==3.0` → `flask`).
pub(crate) fn base_name(pkg: &str) -> String {
    let cut = pkg
        .find(['=', '<', '>', '~', '!', ':', '[', '@', ';'])
        .unwrap_or(pkg.len());
    pkg[..cut].trim().to_ascii_lowercase()
}

fn install(
    c: &Command,
    vars: &[(String, String)],
    outer: &HashMap<String, String>,
) -> Option<Install> {
    let words = c.program_words();
    let program = c.program();
    let (manager, skip, label) = match program {
        "apt-get" | "apt" | "aptitude" => (Manager::Apt, 1, program.to_string()),
        "apk" => (Manager::Apk, 1, "apk".to_string()),
        "yum" | "dnf" | "microdnf" | "tdnf" => (Manager::Yum, 1, program.to_string()),
        p if is_pip(p) => (Manager::Pip, 1, program.to_string()),
        p if is_python(p)
            && words.get(1).map(String::as_str) == Some("-m")
            && words.get(2).is_some_and(|w| is_pip(w)) =>
        {
            (Manager::Pip, 3, format!("{program} -m pip"))
        }
        "uv" if words.get(1).map(String::as_str) == Some("pip") => {
            (Manager::Pip, 2, "uv pip".to_string())
        }
        _ => return None,
    };
    let takes_value: &[&str] = match manager {
        Manager::Apt => &[
            "-o",
            "-t",
            "-c",
            "--option",
            "--target-release",
            "--default-release",
            "--config-file",
        ],
        Manager::Apk => &[
            "--virtual",
            "-t",
            "--repository",
            "-X",
            "--root",
            "-p",
            "--keys-dir",
            "--arch",
            "--repositories-file",
            "--cache-dir",
        ],
        Manager::Yum => &[
            "--enablerepo",
            "--disablerepo",
            "--setopt",
            "--installroot",
            "--releasever",
            "-c",
            "--config",
            "--repo",
            "--exclude",
            "-x",
        ],
        Manager::Pip => &[
            "-r",
            "--requirement",
            "-c",
            "--constraint",
            "-e",
            "--editable",
            "-i",
            "--index-url",
            "--extra-index-url",
            "-f",
            "--find-links",
            "-t",
            "--target",
            "--prefix",
            "--root",
            "--platform",
            "--python-version",
            "--implementation",
            "--abi",
            "--only-binary",
            "--no-binary",
            "--progress-bar",
            "--cache-dir",
            "--trusted-host",
            "--src",
            "--upgrade-strategy",
            "--python",
            "-p",
            "--log",
            "--report",
            "--config-settings",
            "-C",
            "--global-option",
            "--root-user-action",
            "--proxy",
            "--retries",
            "--timeout",
            "--cert",
            "--client-cert",
            "--exists-action",
            "--use-feature",
            "--group",
        ],
    };
    let mut out = Install {
        manager,
        program: label,
        packages: Vec::new(),
        options: Vec::new(),
        files: Vec::new(),
        virtual_name: None,
        group: false,
    };
    let mut sub: Option<&str> = None;
    let mut iter = words.iter().skip(skip);
    while let Some(w) = iter.next() {
        if w.starts_with('-') && w.len() > 1 {
            out.options.push(w.clone());
            if takes_value.contains(&w.as_str()) {
                let value = iter.next().cloned().unwrap_or_default();
                match w.as_str() {
                    "-r" | "--requirement" | "-c" | "--constraint" | "-e" | "--editable"
                        if manager == Manager::Pip =>
                    {
                        out.files.push(value)
                    }
                    "--virtual" | "-t" if manager == Manager::Apk => out.virtual_name = Some(value),
                    _ => {}
                }
            } else if let Some(v) = w
                .strip_prefix("--requirement=")
                .or(w.strip_prefix("--constraint="))
            {
                out.files.push(v.to_string());
            } else if let Some(v) = w.strip_prefix("--virtual=") {
                out.virtual_name = Some(v.to_string());
            }
            continue;
        }
        match sub {
            None => sub = Some(w.as_str()),
            Some("group") if manager == Manager::Yum && w == "install" => {
                sub = Some("groupinstall");
            }
            Some(_) => match expand_word(w, vars, outer) {
                Some(v) => out
                    .packages
                    .extend(v.split_whitespace().map(str::to_string)),
                None => out.packages.push(w.clone()),
            },
        }
    }
    let installs = match manager {
        Manager::Apk => sub == Some("add"),
        Manager::Yum if sub == Some("groupinstall") => {
            out.group = true;
            true
        }
        _ => sub == Some("install"),
    };
    installs.then_some(out)
}

fn is_pip(p: &str) -> bool {
    p == "pip"
        || p.strip_prefix("pip")
            .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

fn is_python(p: &str) -> bool {
    p == "python"
        || p.strip_prefix("python")
            .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(script: &str) -> RunPackages {
        let df = vouch_workspace::dockerfile::parse(&vouch_workspace::SourceText::new(
            "Dockerfile",
            format!("FROM a:1\nRUN {script}\n"),
        ))
        .unwrap();
        of_run(&df.instructions[1], &HashMap::new())
    }

    #[test]
    fn finds_installs() {
        let r = run(
            "apt-get -o Acquire::Retries=3 install -y --no-install-recommends curl=8.* ca-certificates > /dev/null && pip install --no-cache-dir -r requirements.txt gunicorn==22.0",
        );
        assert_eq!(r.installs.len(), 2);
        assert_eq!(r.installs[0].packages, vec!["curl=8.*", "ca-certificates"]);
        assert!(r.installs[0].has_option(&["--no-install-recommends"]));
        assert_eq!(r.installs[1].files, vec!["requirements.txt"]);
        assert_eq!(r.installs[1].packages, vec!["gunicorn==22.0"]);
        let r = run(
            "python3 -m pip install flask && apk add --no-cache --virtual .build-deps gcc musl-dev",
        );
        assert_eq!(r.installs[0].program, "python3 -m pip");
        assert_eq!(r.installs[1].virtual_name.as_deref(), Some(".build-deps"));
        assert_eq!(r.installs[1].packages, vec!["gcc", "musl-dev"]);
        assert!(run("apt-get update && pip download x").installs.is_empty());
    }

    #[test]
    fn finds_removals() {
        let r = run(
            "deps='gcc libc6-dev' && apt-get install -y $deps && pip install x && apt-get purge -y --auto-remove $deps",
        );
        assert_eq!(r.installs[0].packages, vec!["gcc", "libc6-dev"]);
        let (names, all) = r.removed(&HashMap::new());
        assert!(names.contains("gcc") && !all);
        let r = run(
            "apt-mark auto '.*' > /dev/null; apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false",
        );
        assert!(r.removed(&HashMap::new()).1);
    }
}
