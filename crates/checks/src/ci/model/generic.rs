//! CircleCI, Azure Pipelines, Buildkite, Bitbucket Pipelines and Travis CI: where each keeps its
//! scripts, how it disables a step and how it lets one fail.

use super::actions::{azure_task_argv, orb_argv, pipe_argv};
use super::shell::ShellState;
use super::{Builder, Origin, Place, Tolerance, UsesKind, inputs_of, never_runs};
use std::sync::Arc;
use vouch_workspace::{CiSystem, Node, SourceText, YamlDoc};

/// Context shared by the walkers of one file.
struct Ctx {
    file: usize,
    path: String,
    src: Arc<SourceText>,
}

pub fn build(b: &mut Builder<'_>, file: usize, system: CiSystem, docs: &[YamlDoc]) {
    let ctx = Ctx {
        file,
        path: b.model.files[file].path.clone(),
        src: b.model.files[file].text.clone(),
    };
    for doc in docs {
        match system {
            CiSystem::CircleCi => circle(b, &ctx, &doc.root),
            CiSystem::AzurePipelines => azure(b, &ctx, &doc.root, None, 0),
            CiSystem::Buildkite => {
                buildkite(b, &ctx, doc.root.get("steps").unwrap_or(&doc.root), None)
            }
            CiSystem::Bitbucket => bitbucket(b, &ctx, &doc.root),
            CiSystem::Travis => travis(b, &ctx, &doc.root),
            _ => {}
        }
    }
}

/// Runs one script value (a string or a list of strings) as one step.
fn run_script(b: &mut Builder<'_>, ctx: &Ctx, origin: &Origin, value: &Node, cwd: &str) {
    let block = b.new_block();
    let mut cwd = cwd.to_string();
    let mut state = ShellState::default();
    let items: Vec<&Node> = match value.as_seq() {
        Some(items) => items.iter().collect(),
        None => vec![value],
    };
    let texts: Vec<&str> = items.iter().filter_map(|n| n.as_str()).collect();
    for (i, item) in items.iter().enumerate() {
        state.lookahead = texts.get(i + 1..).unwrap_or(&[]).join("\n");
        if let Some(text) = item.as_str() {
            let place = Place::Yaml {
                line: item.line,
                column: item.column,
            };
            b.script(origin, &ctx.src, place, text, &mut cwd, &mut state, block);
        }
    }
}

fn tolerance(ctx: &Ctx, key: &Node, what: &str) -> Tolerance {
    Tolerance {
        path: ctx.path.clone(),
        line: key.line,
        column: key.column,
        what: what.to_string(),
    }
}

/// The key node of `key` when its value is literally `true`.
fn true_key<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    node.as_map()?
        .iter()
        .find(|(k, v)| k.as_str() == Some(key) && v.as_bool() == Some(true))
        .map(|(k, _)| k)
}

fn is_setup_name(name: &str) -> bool {
    [
        "install",
        "setup",
        "checkout",
        "login",
        "push",
        "deploy",
        "publish",
        "notify",
        "save",
        "restore",
        "cache",
        "build",
        "orb-tools",
        "persist",
        "attach",
    ]
    .iter()
    .any(|w| name.contains(w))
}

fn circle(b: &mut Builder<'_>, ctx: &Ctx, root: &Node) {
    let orbs: Vec<(String, String)> = root
        .get("orbs")
        .map(|o| {
            o.entries()
                .filter_map(|(k, v)| Some((k.to_string(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default();
    for section in ["jobs", "commands"] {
        for (_, job) in root
            .get(section)
            .map(|j| j.entries().collect::<Vec<_>>())
            .unwrap_or_default()
        {
            if section == "jobs" {
                b.model.files[ctx.file].jobs += 1;
            }
            for img in job.get("docker").map(Node::items).unwrap_or(&[]) {
                if let Some(i) = img.get("image") {
                    let r = i.as_str().unwrap_or("");
                    b.add_uses(ctx.file, UsesKind::Image, r, &ctx.path, i.line, i.column);
                }
            }
            let wd = job
                .get("working_directory")
                .and_then(Node::as_str)
                .map(circle_dir)
                .unwrap_or_default();
            circle_steps(b, ctx, &orbs, job.get("steps"), &wd);
        }
    }
    for (_, wf) in root
        .get("workflows")
        .map(|w| w.entries().collect::<Vec<_>>())
        .unwrap_or_default()
    {
        for item in wf.get("jobs").map(Node::items).unwrap_or(&[]) {
            let (name, params, at) = match item.as_str() {
                Some(n) => (n.to_string(), Vec::new(), item),
                None => match item.as_map().and_then(|m| m.first()) {
                    Some((k, v)) => (k.as_str().unwrap_or("").to_string(), inputs_of(Some(v)), k),
                    None => continue,
                },
            };
            if name.contains('/') {
                orb_step(b, ctx, &orbs, &name, &params, at);
            }
        }
    }
}

/// `~/project/api` → `api`.
fn circle_dir(wd: &str) -> String {
    let wd = wd.trim_start_matches("~/project").trim_start_matches('/');
    super::expand::join("", wd)
}

fn circle_steps(
    b: &mut Builder<'_>,
    ctx: &Ctx,
    orbs: &[(String, String)],
    steps: Option<&Node>,
    wd: &str,
) {
    for step in steps.map(Node::items).unwrap_or(&[]) {
        if let Some(name) = step.as_str() {
            if name.contains('/') {
                orb_step(b, ctx, orbs, name, &[], step);
            }
            continue;
        }
        let Some((key, value)) = step.as_map().and_then(|m| m.first()) else {
            continue;
        };
        let key_text = key.as_str().unwrap_or("");
        match key_text {
            "run" => {
                let (command, dir) = match value.as_str() {
                    Some(_) => (value, wd.to_string()),
                    None => {
                        if matches!(value.get("when").and_then(Node::as_str), Some("on_fail")) {
                            continue;
                        }
                        let Some(c) = value.get("command") else {
                            continue;
                        };
                        let dir = value
                            .get("working_directory")
                            .and_then(Node::as_str)
                            .map_or_else(|| wd.to_string(), circle_dir);
                        (c, dir)
                    }
                };
                let s = b.add_step(ctx.file, key.line, None);
                let origin = Origin::new(ctx.file, &ctx.path, Some(s));
                run_script(b, ctx, &origin, command, &dir);
            }
            "when" | "unless" => circle_steps(b, ctx, orbs, value.get("steps"), wd),
            k if k.contains('/') => {
                let params = inputs_of(Some(value));
                orb_step(b, ctx, orbs, k, &params, key);
            }
            _ => {}
        }
    }
}

fn orb_step(
    b: &mut Builder<'_>,
    ctx: &Ctx,
    orbs: &[(String, String)],
    name: &str,
    params: &[(String, String)],
    at: &Node,
) {
    let (alias, command) = name.split_once('/').unwrap_or((name, ""));
    let orb = orbs
        .iter()
        .find(|(a, _)| a == alias)
        .map(|(_, o)| o.as_str())
        .unwrap_or(alias);
    b.add_uses(
        ctx.file,
        UsesKind::Template,
        orb,
        &ctx.path,
        at.line,
        at.column,
    );
    let s = b.add_step(ctx.file, at.line, None);
    let origin = Origin::new(ctx.file, &ctx.path, Some(s));
    match orb_argv(orb, command, params) {
        Some(argv) => {
            let dir = params
                .iter()
                .find(|(k, _)| k == "app-dir")
                .map(|(_, v)| circle_dir(v))
                .unwrap_or_default();
            b.synthetic_in(
                &origin,
                &ctx.path,
                (at.line, at.column),
                argv,
                params.to_vec(),
                &dir,
            )
        }
        None if is_setup_name(command) => {}
        None => b.opaque(
            &ctx.path,
            at.line,
            format!("orb `{name}` ({orb}) runs steps vouch cannot read"),
        ),
    }
}

const AZURE_SCRIPT_KEYS: [&str; 4] = ["script", "bash", "pwsh", "powershell"];

fn azure(b: &mut Builder<'_>, ctx: &Ctx, node: &Node, inherited: Option<Tolerance>, depth: u8) {
    for key in ["stages", "jobs", "steps"] {
        for item in node.get(key).map(Node::items).unwrap_or(&[]) {
            if key == "jobs" {
                b.model.files[ctx.file].jobs += 1;
            }
            azure_item(b, ctx, item, inherited.clone(), depth);
        }
    }
    if let Some(t) = node.path(&["extends", "template"]) {
        azure_template(b, ctx, t, inherited, depth);
    }
    if node.get("steps").is_some()
        && node.get("jobs").is_none()
        && node.get("stages").is_none()
        && depth == 0
    {
        b.model.files[ctx.file].jobs += 1;
    }
}

fn azure_item(
    b: &mut Builder<'_>,
    ctx: &Ctx,
    item: &Node,
    inherited: Option<Tolerance>,
    depth: u8,
) {
    if item.get("condition").is_some_and(never_runs)
        || item.get("enabled").and_then(Node::as_bool) == Some(false)
    {
        return;
    }
    let soft = true_key(item, "continueOnError")
        .map(|k| tolerance(ctx, k, "continueOnError: true"))
        .or(inherited);
    if let Some(t) = item.get("template") {
        azure_template(b, ctx, t, soft, depth);
        return;
    }
    if let Some(container) = item.get("container").and_then(Node::as_str) {
        let c = item.get("container").expect("checked");
        b.add_uses(
            ctx.file,
            UsesKind::Image,
            container,
            &ctx.path,
            c.line,
            c.column,
        );
    }
    for key in AZURE_SCRIPT_KEYS {
        if let Some(script) = item.get(key) {
            let s = b.add_step(ctx.file, item.line, soft.clone());
            let origin = Origin::new(ctx.file, &ctx.path, Some(s));
            let dir = item
                .get("workingDirectory")
                .and_then(Node::as_str)
                .map(azure_dir)
                .unwrap_or_default();
            run_script(b, ctx, &origin, script, &dir);
            return;
        }
    }
    if let Some(task) = item.get("task") {
        let name = task.as_str().unwrap_or("");
        b.add_uses(
            ctx.file,
            UsesKind::Template,
            name,
            &ctx.path,
            task.line,
            task.column,
        );
        let inputs = inputs_of(item.get("inputs"));
        if let Some(argv) = azure_task_argv(name, &inputs) {
            let s = b.add_step(ctx.file, item.line, soft.clone());
            let origin = Origin::new(ctx.file, &ctx.path, Some(s));
            b.synthetic(&origin, &ctx.path, task.line, task.column, argv, inputs);
        }
        return;
    }
    azure(b, ctx, item, soft, depth);
}

/// `$(Build.SourcesDirectory)/api` → `api`.
fn azure_dir(dir: &str) -> String {
    let d = dir
        .trim_start_matches("$(Build.SourcesDirectory)")
        .trim_start_matches("$(System.DefaultWorkingDirectory)")
        .trim_start_matches('/');
    super::expand::join("", d)
}

fn azure_template(b: &mut Builder<'_>, ctx: &Ctx, t: &Node, soft: Option<Tolerance>, depth: u8) {
    let Some(name) = t.as_str() else {
        return;
    };
    if name.contains('@') || name.contains("${{") {
        b.opaque(
            &ctx.path,
            t.line,
            format!("template `{name}` is not in this repository"),
        );
        return;
    }
    let base = ctx.path.rsplit_once('/').map_or("", |(d, _)| d);
    let rel = if name.starts_with('/') {
        name.trim_start_matches('/').to_string()
    } else {
        super::expand::join(base, name)
    };
    let Some(text) = b.ws.text(&rel) else {
        b.opaque(&ctx.path, t.line, format!("template `{name}` is missing"));
        return;
    };
    if depth > 3 {
        return;
    }
    let parsed = vouch_workspace::yaml::parse_str(&text.text);
    let error = parsed
        .as_ref()
        .err()
        .map(|e| (e.line, e.column, e.message.clone()));
    let existing = b.model.files.iter().position(|f| f.path == rel);
    let file =
        existing.unwrap_or_else(|| b.add_file(&rel, CiSystem::AzurePipelines, text.clone(), error));
    if let Ok(docs) = parsed {
        let inner = Ctx {
            file,
            path: rel.clone(),
            src: text.clone(),
        };
        for doc in &docs {
            azure(b, &inner, &doc.root, soft.clone(), depth + 1);
        }
    }
}

fn buildkite(b: &mut Builder<'_>, ctx: &Ctx, steps: &Node, inherited: Option<Tolerance>) {
    for step in steps.items() {
        if step.as_str().is_some() {
            continue;
        }
        if step.get("skip").is_some_and(|s| s.as_bool() != Some(false))
            || step.get("if").is_some_and(never_runs)
        {
            continue;
        }
        if let Some(inner) = step.get("steps") {
            buildkite(b, ctx, inner, inherited.clone());
            continue;
        }
        let soft = step
            .as_map()
            .and_then(|m| m.iter().find(|(k, _)| k.as_str() == Some("soft_fail")))
            .filter(|(_, v)| {
                v.as_bool() == Some(true)
                    || v.items()
                        .iter()
                        .any(|x| x.get("exit_status").and_then(Node::as_str) == Some("*"))
            })
            .map(|(k, _)| tolerance(ctx, k, "soft_fail"))
            .or_else(|| inherited.clone());
        for plugin in step.get("plugins").map(Node::items).unwrap_or(&[]) {
            for (_, cfg) in plugin.entries() {
                if let Some(img) = cfg.get("image") {
                    b.add_uses(
                        ctx.file,
                        UsesKind::Image,
                        img.as_str().unwrap_or(""),
                        &ctx.path,
                        img.line,
                        img.column,
                    );
                }
            }
        }
        let Some(cmd) = step.get("command").or_else(|| step.get("commands")) else {
            continue;
        };
        b.model.files[ctx.file].jobs += 1;
        let s = b.add_step(ctx.file, step.line, soft);
        let origin = Origin::new(ctx.file, &ctx.path, Some(s));
        run_script(b, ctx, &origin, cmd, "");
    }
}

fn bitbucket(b: &mut Builder<'_>, ctx: &Ctx, root: &Node) {
    if let Some(img) = root.get("image") {
        let r = img
            .as_str()
            .or_else(|| img.get("name").and_then(Node::as_str))
            .unwrap_or("");
        b.add_uses(
            ctx.file,
            UsesKind::Image,
            r,
            &ctx.path,
            img.line,
            img.column,
        );
    }
    if let Some(p) = root.get("pipelines") {
        bitbucket_walk(b, ctx, p, 0);
    }
}

fn bitbucket_walk(b: &mut Builder<'_>, ctx: &Ctx, node: &Node, depth: u8) {
    if depth > 12 {
        return;
    }
    if let Some(step) = node.get("step") {
        bitbucket_step(b, ctx, step);
        return;
    }
    for item in node.items() {
        bitbucket_walk(b, ctx, item, depth + 1);
    }
    for (_, v) in node.entries() {
        bitbucket_walk(b, ctx, v, depth + 1);
    }
}

fn bitbucket_step(b: &mut Builder<'_>, ctx: &Ctx, step: &Node) {
    if step.get("trigger").and_then(Node::as_str) == Some("manual") {
        return;
    }
    b.model.files[ctx.file].jobs += 1;
    if let Some(img) = step.get("image") {
        let r = img
            .as_str()
            .or_else(|| img.get("name").and_then(Node::as_str))
            .unwrap_or("");
        b.add_uses(
            ctx.file,
            UsesKind::Image,
            r,
            &ctx.path,
            img.line,
            img.column,
        );
    }
    let s = b.add_step(ctx.file, step.line, None);
    for key in ["script", "after-script"] {
        let Some(script) = step.get(key) else {
            continue;
        };
        let mut origin = Origin::new(ctx.file, &ctx.path, Some(s));
        if key == "after-script" {
            origin.tolerated = Some(tolerance(ctx, script, "after-script (failures ignored)"));
        }
        for item in script.items() {
            if let Some(pipe) = item.get("pipe") {
                let name = pipe.as_str().unwrap_or("");
                b.add_uses(
                    ctx.file,
                    UsesKind::Template,
                    name,
                    &ctx.path,
                    pipe.line,
                    pipe.column,
                );
                if let Some(argv) = pipe_argv(name) {
                    b.synthetic(
                        &origin,
                        &ctx.path,
                        pipe.line,
                        pipe.column,
                        argv,
                        inputs_of(item.get("variables")),
                    );
                }
            }
        }
        let strings: Vec<Node> = script
            .items()
            .iter()
            .filter(|i| i.as_str().is_some())
            .cloned()
            .collect();
        let list = Node {
            value: vouch_workspace::Value::Seq(strings),
            line: script.line,
            column: script.column,
        };
        run_script(b, ctx, &origin, &list, "");
    }
}

const TRAVIS_PHASES: [&str; 8] = [
    "before_install",
    "install",
    "before_script",
    "script",
    "after_success",
    "after_failure",
    "after_script",
    "before_deploy",
];

fn travis(b: &mut Builder<'_>, ctx: &Ctx, root: &Node) {
    let includes: Vec<&Node> = ["jobs", "matrix"]
        .iter()
        .filter_map(|k| root.path(&[k, "include"]))
        .flat_map(|n| n.items().iter())
        .collect();
    let allowed: Vec<(&Node, String)> = ["jobs", "matrix"]
        .iter()
        .filter_map(|k| root.path(&[k, "allow_failures"]))
        .flat_map(|n| n.items().iter())
        .filter_map(|n| Some((n, n.get("name")?.as_str()?.to_string())))
        .collect();
    let contexts: Vec<Option<&Node>> = if includes.is_empty() {
        vec![None]
    } else {
        includes.into_iter().map(Some).collect()
    };
    for job in contexts {
        b.model.files[ctx.file].jobs += 1;
        let name = job.and_then(|j| j.get("name")).and_then(Node::as_str);
        let soft = allowed
            .iter()
            .find(|(_, n)| Some(n.as_str()) == name)
            .map(|(node, _)| tolerance(ctx, node, "allow_failures"));
        let s = b.add_step(ctx.file, job.map_or(1, |j| j.line), soft);
        for phase in TRAVIS_PHASES {
            let Some(value) = job.and_then(|j| j.get(phase)).or_else(|| root.get(phase)) else {
                continue;
            };
            let mut origin = Origin::new(ctx.file, &ctx.path, Some(s));
            if phase.starts_with("after_") {
                origin.tolerated = Some(tolerance(
                    ctx,
                    value,
                    &format!("{phase} (failures ignored)"),
                ));
            }
            run_script(b, ctx, &origin, value, "");
        }
    }
}
