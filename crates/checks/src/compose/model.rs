//! The compose model: compose files grouped into projects the way `docker compose` reads them,
//! merged, interpolated, with every value's source location. Built once per audit
//! (`ws.cached(ComposeModel::build)`) and shared by every compose control.
//!
//! Grouping (per directory):
//! - the default project is the base file (`compose.yaml`, `compose.yml`, `docker-compose.yaml`,
//!   `docker-compose.yml`, first found, as compose picks it) merged with its override file
//!   (`compose.override.yml`, `docker-compose.override.yml`, ...), which `docker compose up`
//!   merges automatically;
//! - every other compose file of the directory (`docker-compose.prod.yml`, a `stack.yml`
//!   recognised by shape) is an *overlay* when it cannot stand alone (one of its services has
//!   neither `image` nor `build`: it only adds to the base), giving the project
//!   `base + overlay` (`docker compose -f base -f overlay`, which does not read the override),
//!   and a standalone project otherwise;
//! - files only referenced through `extends.file` or `include` are libraries, not projects.
//!
//! Purpose (which projects are deployments): names with `dev`, `local`, `debug` (or a
//! `.devcontainer` folder) are development, `test`, `ci`, `e2e`, `integration` are tests;
//! neither is evaluated. When a directory has a production file (`prod`, `production`,
//! `live`, `release`, `deploy`, `stack`, `swarm`, `staging`; overlay or standalone), that file
//! is the deployment and the default project is taken as the developers' setup, unless the
//! directory's `.env` names the default files with `COMPOSE_FILE` (which then replaces base +
//! override). Files under test or docs/example paths are not part of the model at all.
//!
//! `include:` brings the included files' services into the project; `extends:` is resolved
//! (same project or another file). Not modelled: `!reset`/`!override` tags (the YAML layer
//! drops tags), per-file `env_file`/`project_directory` of `include` entries, and the
//! deploying shell's environment (unset variables stay references).
//!
//! Services with `profiles:` are not started by `docker compose up` unless the profile is
//! listed in `COMPOSE_PROFILES` of the project's `.env`; `Service::default` says which run.

use super::interpolate::{EnvFile, EnvVar};
use super::tree::{CNode, CValue, Entry, Pos, merge, normalise_service};
use std::collections::BTreeMap;
use vouch_workspace::{Workspace, YamlFile, YamlRole, is_docs_or_example_path, is_test_path};

const BASE_NAMES: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];
const OVERRIDE_NAMES: [&str; 4] = [
    "compose.override.yaml",
    "compose.override.yml",
    "docker-compose.override.yaml",
    "docker-compose.override.yml",
];
const MAX_EXTENDS_DEPTH: usize = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Base + override: what `docker compose up` runs.
    Default,
    /// An explicitly production-named file.
    Production,
    /// Any other compose file (`docker-compose.monitoring.yml`): taken as deployed.
    Other,
    Development,
    Test,
}

pub struct ComposeModel {
    pub projects: Vec<Project>,
}

pub struct Project {
    pub dir: String,
    /// Files in merge order.
    pub files: Vec<String>,
    pub purpose: Purpose,
    pub services: Vec<Service>,
    /// Top-level `secrets:` entries.
    pub secrets: Vec<Entry>,
    /// The `.env` next to the compose file (interpolation values).
    pub dotenv: Option<EnvFile>,
    /// Why part of the project cannot be seen (a file that does not parse).
    pub problems: Vec<String>,
}

pub struct Service {
    pub name: String,
    /// The service's key where it is first declared.
    pub at: Pos,
    /// The merged definition (overrides and `extends` applied).
    pub body: CNode,
    /// Started by a plain `docker compose up` (no profile, or an active one).
    pub default: bool,
    pub env_files: Vec<EnvFileRef>,
    /// An `extends` that could not be followed: the definition is incomplete.
    pub problem: Option<String>,
}

/// One `env_file:` entry of a service.
pub struct EnvFileRef {
    /// As written.
    pub written: String,
    pub at: Pos,
    /// Repository path, when the entry points inside the repository.
    pub rel: Option<String>,
    /// Parsed content, when the file is in the audited tree.
    pub file: Option<EnvFile>,
    /// `required: false` entries may be absent.
    pub required: bool,
}

/// What a service's environment says about a variable.
pub enum EnvValue<'a> {
    /// Set under `environment:` (a null value passes the deploying shell's value through).
    Inline(&'a Entry),
    /// Set by an env file.
    File(&'a EnvFile, &'a EnvVar),
    /// Not set in what can be seen, but an `env_file` outside the audited tree may set it.
    Unknown(&'a str),
    Unset,
}

impl Purpose {
    pub fn deployed(self) -> bool {
        matches!(
            self,
            Purpose::Default | Purpose::Production | Purpose::Other
        )
    }
}

impl Project {
    /// `docker-compose.yml + docker-compose.override.yml`.
    pub fn label(&self) -> String {
        self.files.join(" + ")
    }

    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.name == name)
    }

    /// Services started by a plain `docker compose up`.
    pub fn default_services(&self) -> impl Iterator<Item = &Service> {
        self.services.iter().filter(|s| s.default)
    }

    /// A one-shot job (a migration, a bucket set-up): not restarted, and either awaited by
    /// another service with `condition: service_completed_successfully`, or explicitly
    /// `restart: "no"` with a task-like name (`migrate`, `init`, `seed`, ...).
    pub fn is_one_shot(&self, svc: &Service) -> bool {
        let restart = svc.restart_value();
        if matches!(
            restart.as_deref(),
            Some("always" | "unless-stopped" | "any")
        ) {
            return false;
        }
        let awaited = self.services.iter().any(|other| {
            other
                .body
                .path(&["depends_on", &svc.name, "condition"])
                .and_then(CNode::text)
                == Some("service_completed_successfully")
        });
        let explicit_no = matches!(restart.as_deref(), Some("no" | "none"));
        let command = svc.command_line().unwrap_or_default();
        awaited || explicit_no && (task_like(&svc.name) || task_like(&command))
    }
}

/// Whether a service name or command reads like a one-off task (`db-migrate`,
/// `python manage.py migrate`, `catalog reindex --all`, `alembic upgrade head`).
fn task_like(text: &str) -> bool {
    const WORDS: [&str; 20] = [
        "reindex",
        "backfill",
        "alembic",
        "flyway",
        "liquibase",
        "collectstatic",
        "migrate",
        "migration",
        "migrations",
        "migrator",
        "init",
        "setup",
        "seed",
        "seeder",
        "bootstrap",
        "provision",
        "createbuckets",
        "createbucket",
        "job",
        "oneshot",
    ];
    text.to_ascii_lowercase()
        .split(['-', '_', '.', ':', '/', ' '])
        .any(|w| WORDS.contains(&w))
}

impl Service {
    pub fn get(&self, key: &str) -> Option<&CNode> {
        self.body.get(key)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.body.entry(key)
    }

    pub fn has_build(&self) -> bool {
        self.get("build").is_some_and(|b| !b.is_null())
    }

    /// The restart policy in force: `restart:` or `deploy.restart_policy.condition`
    /// (lower-cased, `on-failure:3` kept as written).
    pub fn restart_value(&self) -> Option<String> {
        self.get("restart")
            .or_else(|| self.body.path(&["deploy", "restart_policy", "condition"]))
            .and_then(CNode::text)
            .map(|t| t.trim().to_ascii_lowercase())
    }

    /// The image reference (interpolated), when the service names one.
    pub fn image(&self) -> Option<&CNode> {
        self.get("image").filter(|n| n.text().is_some())
    }

    /// `environment:` wins over env files; later env files win over earlier ones.
    pub fn env(&self, name: &str) -> EnvValue<'_> {
        if let Some(e) = self.get("environment").and_then(|e| e.entry(name)) {
            return EnvValue::Inline(e);
        }
        for f in self.env_files.iter().rev() {
            if let Some(file) = &f.file
                && let Some(var) = file.get(name)
            {
                return EnvValue::File(file, var);
            }
        }
        match self.env_files.iter().find(|f| f.file.is_none()) {
            Some(missing) => EnvValue::Unknown(&missing.written),
            None => EnvValue::Unset,
        }
    }

    /// `command:` as one string (list items joined with spaces).
    pub fn command_line(&self) -> Option<String> {
        self.get("command").map(|c| c.strings().join(" "))
    }
}

/// Joins `written` (relative to the folder of `from_file`) into a repository path; None for
/// absolute paths, home paths and paths leaving the repository.
pub fn resolve_path(from_file: &str, written: &str) -> Option<String> {
    if written.starts_with('/') || written.starts_with('~') || written.contains('$') {
        return None;
    }
    let mut parts: Vec<&str> = from_file.split('/').collect();
    parts.pop();
    for piece in written.split('/') {
        match piece {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

fn name_of(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn in_dir(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// Purpose from the words of a file name and its folders.
fn purpose_of(path: &str) -> Purpose {
    let dir_words: Vec<String> = dir_of(path)
        .split('/')
        .map(str::to_ascii_lowercase)
        .collect();
    if dir_words.iter().any(|d| {
        matches!(
            d.as_str(),
            ".devcontainer" | "dev" | "development" | "local"
        )
    }) {
        return Purpose::Development;
    }
    if dir_words.iter().any(|d| d == "ci") {
        return Purpose::Test;
    }
    let name = name_of(path).to_ascii_lowercase();
    let stem = name
        .trim_end_matches(".yml")
        .trim_end_matches(".yaml")
        .to_string();
    let words: Vec<&str> = stem.split(['.', '-', '_']).collect();
    let has = |list: &[&str]| words.iter().any(|w| list.contains(w));
    if has(&["dev", "development", "local", "debug", "devcontainer"]) {
        Purpose::Development
    } else if has(&["test", "tests", "testing", "ci", "e2e", "integration", "it"]) {
        Purpose::Test
    } else if has(&[
        "prod",
        "production",
        "live",
        "release",
        "deploy",
        "deployment",
        "stack",
        "swarm",
        "staging",
    ]) {
        Purpose::Production
    } else {
        Purpose::Other
    }
}

impl ComposeModel {
    pub fn build(ws: &Workspace) -> ComposeModel {
        let files: Vec<&YamlFile> = ws
            .yaml_with_role(YamlRole::Compose)
            .filter(|f| !is_test_path(&f.path) && !is_docs_or_example_path(&f.path))
            .collect();
        let libraries = referenced_files(&files);
        let mut by_dir: BTreeMap<&str, Vec<&YamlFile>> = BTreeMap::new();
        for f in &files {
            by_dir.entry(dir_of(&f.path)).or_default().push(f);
        }
        let mut projects = Vec::new();
        for (dir, group) in by_dir {
            projects.extend(projects_of_dir(ws, dir, &group, &libraries));
        }
        ComposeModel { projects }
    }

    /// Projects that are deployments (see the module docs).
    pub fn deployed(&self) -> impl Iterator<Item = &Project> {
        self.projects.iter().filter(|p| p.purpose.deployed())
    }
}

fn find_named<'a>(group: &[&'a YamlFile], names: &[&str]) -> Option<&'a YamlFile> {
    names
        .iter()
        .find_map(|n| group.iter().find(|f| name_of(&f.path) == *n).copied())
}

fn projects_of_dir(
    ws: &Workspace,
    dir: &str,
    group: &[&YamlFile],
    libraries: &[String],
) -> Vec<Project> {
    let dotenv = ws.text(&in_dir(dir, ".env")).map(EnvFile::parse);
    let base = find_named(group, &BASE_NAMES);
    let over = find_named(group, &OVERRIDE_NAMES);
    // `COMPOSE_FILE` in `.env` replaces the default file list (and the automatic override).
    let from_env = compose_file_setting(dir, group, dotenv.as_ref());
    let default_files: Vec<&YamlFile> = match &from_env {
        Some(files) => files.clone(),
        None => base.into_iter().chain(over).collect(),
    };
    let mut out = Vec::new();
    if !default_files.is_empty() {
        out.push(build_project(
            ws,
            dir,
            &default_files,
            Purpose::Default,
            &dotenv,
        ));
    }
    let dir_purpose = purpose_of(&in_dir(dir, "x.yml"));
    let mut has_production = false;
    for f in group {
        let used = default_files.iter().any(|d| d.path == f.path)
            || base.is_some_and(|b| b.path == f.path)
            || over.is_some_and(|o| o.path == f.path);
        if used || libraries.contains(&f.path) {
            continue;
        }
        let purpose = purpose_of(&f.path);
        has_production |= purpose == Purpose::Production;
        let files: Vec<&YamlFile> = match base.filter(|_| is_overlay(f)) {
            Some(b) => vec![b, f],
            None => vec![f],
        };
        out.push(build_project(ws, dir, &files, purpose, &dotenv));
    }
    for p in &mut out {
        // A production file next to the default pair makes the default pair the developers'
        // setup (unless `.env` explicitly chose the default files).
        if p.purpose == Purpose::Default && has_production && from_env.is_none() {
            p.purpose = Purpose::Development;
        }
        if matches!(dir_purpose, Purpose::Development | Purpose::Test) {
            p.purpose = dir_purpose;
        }
    }
    out
}

/// The files named by `COMPOSE_FILE` in the project's `.env` (separated by `:` or by
/// `COMPOSE_PATH_SEPARATOR`), as far as they are compose files of this directory.
fn compose_file_setting<'a>(
    dir: &str,
    group: &[&'a YamlFile],
    dotenv: Option<&EnvFile>,
) -> Option<Vec<&'a YamlFile>> {
    let dotenv = dotenv?;
    let list = &dotenv.get("COMPOSE_FILE")?.value;
    let separator = dotenv
        .get("COMPOSE_PATH_SEPARATOR")
        .and_then(|v| v.value.chars().next())
        .unwrap_or(':');
    let anchor = in_dir(dir, ".env");
    let files: Vec<&YamlFile> = list
        .split(separator)
        .filter_map(|written| resolve_path(&anchor, written.trim()))
        .filter_map(|rel| group.iter().find(|f| f.path == rel).copied())
        .collect();
    (!files.is_empty()).then_some(files)
}

/// A file that only adds to a base: some service has neither `image`, `build` nor `extends`,
/// or it has no `services` at all.
fn is_overlay(f: &YamlFile) -> bool {
    let Some(root) = f.docs().first().map(|d| &d.root) else {
        return false;
    };
    match root.get("services") {
        None => true,
        Some(services) => services.entries().any(|(_, svc)| {
            svc.as_map().is_some()
                && svc.get("image").is_none()
                && svc.get("build").is_none()
                && svc.get("extends").is_none()
        }),
    }
}

/// Files named by `extends.file` or `include` in other compose files.
fn referenced_files(files: &[&YamlFile]) -> Vec<String> {
    let mut out = Vec::new();
    for f in files {
        let Some(root) = f.docs().first().map(|d| &d.root) else {
            continue;
        };
        for (_, svc) in root
            .get("services")
            .map(|s| s.entries())
            .into_iter()
            .flatten()
        {
            if let Some(file) = svc.path(&["extends", "file"]).and_then(|n| n.as_str()) {
                out.extend(resolve_path(&f.path, file));
            }
        }
        for inc in root.get("include").map(|i| i.items()).unwrap_or(&[]) {
            let written: Vec<&str> = match inc.as_str() {
                Some(p) => vec![p],
                None => match inc.get("path") {
                    Some(p) => p
                        .as_str()
                        .map(|s| vec![s])
                        .unwrap_or_else(|| p.items().iter().filter_map(|n| n.as_str()).collect()),
                    None => Vec::new(),
                },
            };
            out.extend(written.iter().filter_map(|w| resolve_path(&f.path, w)));
        }
    }
    out
}

fn build_project(
    ws: &Workspace,
    dir: &str,
    files: &[&YamlFile],
    purpose: Purpose,
    dotenv: &Option<EnvFile>,
) -> Project {
    let mut problems = Vec::new();
    let mut root: Option<CNode> = None;
    for f in files {
        let doc = match &f.docs {
            Err(e) => {
                problems.push(format!(
                    "{}:{}: does not parse ({})",
                    f.path, e.line, e.message
                ));
                continue;
            }
            Ok(docs) => match docs.first() {
                Some(d) => d,
                None => continue,
            },
        };
        let node = normalise_file(CNode::from_yaml(&doc.root, &f.text, dotenv.as_ref()));
        root = Some(match root {
            None => node,
            Some(base) => merge(base, node, &mut Vec::new()),
        });
    }
    let root = root.map(|r| add_includes(ws, r, &mut problems, 0));
    let mut project = Project {
        dir: dir.to_string(),
        files: files.iter().map(|f| f.path.clone()).collect(),
        purpose,
        services: Vec::new(),
        secrets: Vec::new(),
        dotenv: dotenv.clone(),
        problems,
    };
    let Some(root) = root else {
        return project;
    };
    project.secrets = root
        .get("secrets")
        .map_or(Vec::new(), |s| s.entries().to_vec());
    let active = active_profiles(dotenv.as_ref());
    let declared = match root.get("services") {
        Some(s) if !s.is_map() && !s.is_null() => {
            project.problems.push(format!(
                "{}:{}: `services` is not a mapping",
                s.pos.path(),
                s.pos.line
            ));
            &[][..]
        }
        Some(s) => s.entries(),
        None => &[][..],
    };
    for entry in declared {
        if !entry.value.is_map() {
            project.problems.push(format!(
                "{}:{}: service `{}` is not a mapping",
                entry.at.path(),
                entry.at.line,
                entry.key
            ));
            continue;
        }
        let (body, problem) = match resolve_extends(ws, declared, entry, dotenv.as_ref(), 0) {
            Ok(body) => (body, None),
            Err(why) => (entry.value.clone(), Some(why)),
        };
        let profiles: Vec<&str> = body
            .get("profiles")
            .map(|p| p.strings())
            .unwrap_or_default();
        let default =
            profiles.is_empty() || profiles.iter().any(|p| active.contains(&p.to_string()));
        let env_files = env_files(ws, &body);
        project.services.push(Service {
            name: entry.key.clone(),
            at: entry.at.clone(),
            body,
            default,
            env_files,
            problem,
        });
    }
    project
}

/// Files named by `include:` bring their services and secrets into the project (with their
/// own folder's `.env`); the including project's definitions win on a name clash (which
/// compose itself rejects).
fn add_includes(ws: &Workspace, root: CNode, problems: &mut Vec<String>, depth: usize) -> CNode {
    let mut wanted: Vec<(String, Pos)> = Vec::new();
    for item in root.get("include").map_or(&[][..], |i| i.items()) {
        let paths = match item.text() {
            Some(t) => vec![t],
            None => item.get("path").map(|p| p.strings()).unwrap_or_default(),
        };
        wanted.extend(paths.into_iter().map(|p| (p.to_string(), item.pos.clone())));
    }
    let mut root = root;
    for (written, pos) in wanted {
        let where_ = format!("{}:{}", pos.path(), pos.line);
        let Some(rel) = resolve_path(pos.path(), &written) else {
            problems.push(format!(
                "{where_}: includes `{written}`, outside the repository"
            ));
            continue;
        };
        let Some(doc) = ws
            .yaml
            .iter()
            .find(|y| y.path == rel)
            .and_then(|y| y.docs().first().map(|d| (y, d)))
        else {
            problems.push(format!(
                "{where_}: includes `{rel}`, which cannot be read or parsed"
            ));
            continue;
        };
        let (yaml, doc) = doc;
        let env = ws.text(&in_dir(dir_of(&rel), ".env")).map(EnvFile::parse);
        let mut included = normalise_file(CNode::from_yaml(&doc.root, &yaml.text, env.as_ref()));
        if depth < MAX_EXTENDS_DEPTH {
            included = add_includes(ws, included, problems, depth + 1);
        }
        if let CValue::Map(entries) = &mut included.value {
            entries.retain(|e| e.key == "services" || e.key == "secrets");
        }
        root = merge(included, root, &mut Vec::new());
    }
    root
}

/// Normalises every service of one file (see [`normalise_service`]).
fn normalise_file(mut root: CNode) -> CNode {
    if let CValue::Map(entries) = &mut root.value {
        for e in entries.iter_mut().filter(|e| e.key == "services") {
            if let CValue::Map(services) = &mut e.value.value {
                for s in services.iter_mut() {
                    s.value = normalise_service(s.value.clone());
                }
            }
        }
    }
    root
}

fn active_profiles(dotenv: Option<&EnvFile>) -> Vec<String> {
    dotenv
        .and_then(|d| d.get("COMPOSE_PROFILES"))
        .map(|v| {
            v.value
                .split(',')
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// The service definition with its `extends` chain applied (same project, or another file).
fn resolve_extends(
    ws: &Workspace,
    siblings: &[Entry],
    entry: &Entry,
    dotenv: Option<&EnvFile>,
    depth: usize,
) -> Result<CNode, String> {
    let body = &entry.value;
    let Some(ext) = body.get("extends") else {
        return Ok(body.clone());
    };
    if depth >= MAX_EXTENDS_DEPTH {
        return Err(format!("`extends` of `{}` nests too deeply", entry.key));
    }
    let (parent_name, file) = match ext.text() {
        Some(name) => (name.to_string(), None),
        None => (
            ext.get("service")
                .and_then(CNode::text)
                .unwrap_or_default()
                .to_string(),
            ext.get("file").and_then(CNode::text).map(str::to_string),
        ),
    };
    let parent = match file {
        None => {
            let sibling = siblings
                .iter()
                .find(|e| e.key == parent_name)
                .ok_or_else(|| {
                    format!("`{}` extends unknown service `{parent_name}`", entry.key)
                })?;
            resolve_extends(ws, siblings, sibling, dotenv, depth + 1)?
        }
        Some(file) => {
            let path = resolve_path(ext.pos.path(), &file).ok_or_else(|| {
                format!(
                    "`{}` extends a service of `{file}`, outside the repository",
                    entry.key
                )
            })?;
            let yaml = ws.yaml.iter().find(|y| y.path == path).ok_or_else(|| {
                format!(
                    "`{}` extends `{path}`, which is not readable here",
                    entry.key
                )
            })?;
            let doc = yaml
                .docs()
                .first()
                .ok_or_else(|| format!("`{path}` (extended by `{}`) does not parse", entry.key))?;
            let root = normalise_file(CNode::from_yaml(&doc.root, &yaml.text, dotenv));
            let others = root.get("services").map_or(&[][..], |s| s.entries());
            let sibling = others
                .iter()
                .find(|e| e.key == parent_name)
                .ok_or_else(|| {
                    format!(
                        "`{}` extends `{parent_name}`, not found in `{path}`",
                        entry.key
                    )
                })?;
            resolve_extends(ws, others, sibling, dotenv, depth + 1)?
        }
    };
    let mut own = body.clone();
    if let CValue::Map(entries) = &mut own.value {
        entries.retain(|e| e.key != "extends");
    }
    Ok(merge(parent, own, &mut Vec::new()))
}

fn env_files(ws: &Workspace, body: &CNode) -> Vec<EnvFileRef> {
    let Some(list) = body.get("env_file") else {
        return Vec::new();
    };
    list.items()
        .iter()
        .filter_map(|item| {
            let (written, required) = match item.text() {
                Some(t) => (t.to_string(), true),
                None => (
                    item.get("path")?.text()?.to_string(),
                    item.get("required")
                        .and_then(CNode::as_bool)
                        .unwrap_or(true),
                ),
            };
            let rel = resolve_path(item.pos.path(), &written);
            let file = rel.as_deref().and_then(|r| ws.text(r)).map(EnvFile::parse);
            Some(EnvFileRef {
                written,
                at: item.pos.clone(),
                rel,
                file,
                required,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Loads a throw-away repository made of `files` (no git).
    fn model_of(files: &[(&str, &str)]) -> ComposeModel {
        let dir = tempfile::tempdir().expect("tempdir");
        for (path, text) in files {
            let full = dir.path().join(path);
            std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
            std::fs::write(full, text).expect("write");
        }
        let ws = vouch_workspace::load(dir.path(), &Default::default()).expect("load");
        ComposeModel::build(&ws)
    }

    #[test]
    fn groups_base_override_and_overlays() {
        let model = model_of(&[
            (
                "docker-compose.yml",
                "services:\n  web:\n    image: app:1\n    ports: [\"80:80\"]\n",
            ),
            (
                "docker-compose.override.yml",
                "services:\n  web:\n    ports: [\"9229:9229\"]\n  admin:\n    image: adminer:4\n    profiles: [tools]\n",
            ),
            (
                "docker-compose.prod.yml",
                "services:\n  web:\n    restart: always\n",
            ),
            (
                "docker-compose.ci.yml",
                "services:\n  db:\n    image: postgres:16\n",
            ),
            (
                "examples/docker-compose.yml",
                "services:\n  x:\n    image: x\n",
            ),
        ]);
        let labels: Vec<(String, Purpose)> = model
            .projects
            .iter()
            .map(|p| (p.label(), p.purpose))
            .collect();
        assert_eq!(
            labels,
            vec![
                (
                    "docker-compose.yml + docker-compose.override.yml".to_string(),
                    Purpose::Development
                ),
                ("docker-compose.ci.yml".to_string(), Purpose::Test),
                (
                    "docker-compose.yml + docker-compose.prod.yml".to_string(),
                    Purpose::Production
                ),
            ]
        );
        let default = &model.projects[0];
        let web = default.service("web").expect("web");
        assert_eq!(web.get("ports").expect("ports").items().len(), 2);
        assert!(!default.service("admin").expect("admin").default);
        let prod = model.deployed().next().expect("prod");
        let restart = prod
            .service("web")
            .and_then(|s| s.get("restart"))
            .expect("restart");
        assert_eq!(restart.pos.path(), "docker-compose.prod.yml");
    }

    #[test]
    fn dotenv_interpolation_profiles_and_compose_file() {
        let model = model_of(&[
            (
                "deploy/compose.yaml",
                "services:\n  db:\n    image: postgres:${PG:-15}\n  ui:\n    image: adminer:4\n    profiles: [tools]\n",
            ),
            (
                "deploy/compose.override.yaml",
                "services:\n  dbg:\n    image: busybox:1\n",
            ),
            (
                "deploy/.env",
                "PG=16.3\nCOMPOSE_PROFILES=tools\nCOMPOSE_FILE=compose.yaml\n",
            ),
        ]);
        assert_eq!(model.projects.len(), 1);
        let p = &model.projects[0];
        assert_eq!(p.files, vec!["deploy/compose.yaml".to_string()]);
        let image = p.service("db").and_then(Service::image).expect("image");
        assert_eq!(image.text(), Some("postgres:16.3"));
        assert!(p.service("ui").expect("ui").default);
        assert!(p.service("dbg").is_none());
    }

    #[test]
    fn include_and_extends_bring_services_with_their_positions() {
        let model = model_of(&[
            (
                "compose.yaml",
                "include:\n  - infra/db.yaml\nservices:\n  api:\n    extends:\n      file: common.yml\n      service: base\n    command: [serve]\n",
            ),
            (
                "common.yml",
                "services:\n  base:\n    image: app:2\n    restart: always\n",
            ),
            ("infra/db.yaml", "services:\n  db:\n    image: redis:7\n"),
        ]);
        assert_eq!(model.projects.len(), 1, "libraries are not projects");
        let p = &model.projects[0];
        let api = p.service("api").expect("api");
        assert_eq!(api.get("restart").map(|r| r.pos.path()), Some("common.yml"));
        assert_eq!(p.service("db").map(|d| d.at.path()), Some("infra/db.yaml"));
    }

    #[test]
    fn paths_resolve_inside_the_repository() {
        assert_eq!(
            resolve_path("deploy/docker-compose.yml", "./env/db.env").as_deref(),
            Some("deploy/env/db.env")
        );
        assert_eq!(
            resolve_path("deploy/docker-compose.yml", "../.env").as_deref(),
            Some(".env")
        );
        assert_eq!(resolve_path("docker-compose.yml", "../x.env"), None);
        assert_eq!(resolve_path("docker-compose.yml", "/etc/app.env"), None);
    }

    #[test]
    fn purposes_from_names() {
        assert_eq!(purpose_of("docker-compose.yml"), Purpose::Other);
        assert_eq!(purpose_of("docker-compose.prod.yml"), Purpose::Production);
        assert_eq!(purpose_of("compose.dev.yaml"), Purpose::Development);
        assert_eq!(purpose_of("docker-compose.ci.yml"), Purpose::Test);
        assert_eq!(
            purpose_of(".devcontainer/docker-compose.yml"),
            Purpose::Development
        );
        assert_eq!(purpose_of("ops/stack.yml"), Purpose::Production);
    }

    #[test]
    fn task_names() {
        assert!(task_like("db-migrate"));
        assert!(task_like("minio_createbuckets"));
        assert!(!task_like("web"));
        assert!(!task_like("initiator"));
        assert!(task_like("bundle exec rails db:migrate"));
        assert!(task_like("catalog reindex --all"));
        assert!(!task_like("celery -A tasks worker --loglevel=info"));
    }
}
