//! GitLab CI: jobs across the main file and its local includes, `extends` and `!reference`
//! resolution, `default:` scripts, manual/never jobs, `allow_failure`, and the security
//! templates/components included by name.

use super::actions::gitlab_template_argv;
use super::shell::ShellState;
use super::{Builder, Origin, Place, Tolerance, UsesKind};
use std::collections::HashMap;
use std::sync::Arc;
use vouch_workspace::{CiSystem, Node, SourceText, YamlDoc};

const RESERVED: [&str; 13] = [
    "default",
    "include",
    "stages",
    "variables",
    "workflow",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
    "types",
    "spec",
    "pages:deploy",
];

/// A parsed pipeline file: (model file index, text, documents).
type Part = (usize, Arc<SourceText>, Vec<YamlDoc>);

pub fn build(b: &mut Builder<'_>, roots: &[usize]) {
    let ws = b.ws;
    let mut parts: Vec<Part> = Vec::new();
    for &f in roots {
        let path = b.model.files[f].path.clone();
        if let Some(y) = ws.yaml.iter().find(|y| y.path == path) {
            parts.push((f, y.text.clone(), y.docs().to_vec()));
        }
    }
    let mut i = 0;
    while i < parts.len() && parts.len() < 64 {
        let (file, _, docs) = &parts[i];
        let (file, docs) = (*file, docs.clone());
        for doc in &docs {
            for inc in includes(&doc.root) {
                include(b, &mut parts, file, inc);
            }
            for (_, job) in doc.root.entries() {
                if let Some(t) = job.path(&["trigger", "include"]) {
                    for inc in includes_of(t) {
                        include(b, &mut parts, file, inc);
                    }
                }
            }
        }
        i += 1;
    }

    let mut jobs: HashMap<String, (usize, &Node)> = HashMap::new();
    let mut defaults: Option<(usize, &Node)> = None;
    // Included files first, so definitions of the main file override them.
    for (file, _, docs) in parts.iter().rev() {
        for doc in docs {
            for (name, node) in doc.root.entries() {
                if name == "default" {
                    defaults = Some((*file, node));
                } else if node.as_map().is_some() && !RESERVED.contains(&name) {
                    jobs.insert(name.to_string(), (*file, node));
                }
            }
            if defaults.is_none() && doc.root.get("before_script").is_some() {
                defaults = Some((*file, &doc.root));
            }
        }
    }
    let sources: HashMap<usize, Arc<SourceText>> =
        parts.iter().map(|(f, s, _)| (*f, s.clone())).collect();
    let mut names: Vec<&String> = jobs.keys().collect();
    names.sort();
    for name in names {
        if name.starts_with('.') {
            continue;
        }
        let (file, node) = jobs[name];
        job(b, &jobs, &sources, defaults, file, node);
    }
}

#[derive(Debug)]
enum Include {
    Local(String, u32),
    Template(String, u32, u32),
    Remote(String, u32),
}

fn includes(root: &Node) -> Vec<Include> {
    root.get("include").map(includes_of).unwrap_or_default()
}

fn includes_of(node: &Node) -> Vec<Include> {
    let items: Vec<&Node> = match node.as_seq() {
        Some(items) => items.iter().collect(),
        None => vec![node],
    };
    let mut out = Vec::new();
    for item in items {
        if let Some(s) = item.as_str() {
            if s.contains("://") {
                out.push(Include::Remote(s.to_string(), item.line));
            } else {
                out.push(Include::Local(s.to_string(), item.line));
            }
            continue;
        }
        if let Some(l) = item.get("local").and_then(Node::as_str) {
            out.push(Include::Local(l.to_string(), item.line));
        } else if let Some(t) = item.get("template").or_else(|| item.get("component")) {
            if let Some(name) = t.as_str() {
                out.push(Include::Template(name.to_string(), t.line, t.column));
            }
        } else if let Some(r) = item.get("remote").and_then(Node::as_str) {
            out.push(Include::Remote(r.to_string(), item.line));
        } else if let Some(p) = item.get("project").and_then(Node::as_str) {
            out.push(Include::Remote(format!("project {p}"), item.line));
        }
    }
    out
}

fn include(b: &mut Builder<'_>, parts: &mut Vec<Part>, from: usize, inc: Include) {
    let from_path = b.model.files[from].path.clone();
    match inc {
        Include::Local(path, line) => {
            let rel = path.trim_start_matches('/').to_string();
            let matches: Vec<String> = if rel.contains('*') {
                let re = glob_regex(&rel);
                b.ws.files
                    .iter()
                    .map(|f| f.rel.clone())
                    .filter(|p| re.is_match(p))
                    .collect()
            } else {
                vec![rel.clone()]
            };
            if matches.is_empty() || b.ws.file(&matches[0]).is_none() {
                b.opaque(
                    &from_path,
                    line,
                    format!("included file `{path}` is missing"),
                );
                return;
            }
            for m in matches {
                if parts.iter().any(|(f, _, _)| b.model.files[*f].path == m) {
                    continue;
                }
                let Some(text) = b.ws.text(&m) else {
                    continue;
                };
                let parsed = vouch_workspace::yaml::parse_str(&text.text);
                let error = parsed
                    .as_ref()
                    .err()
                    .map(|e| (e.line, e.column, e.message.clone()));
                let f = b.add_file(&m, CiSystem::GitlabCi, text.clone(), error);
                if let Ok(docs) = parsed {
                    parts.push((f, text, docs));
                }
            }
        }
        Include::Template(name, line, column) => {
            b.add_uses(from, UsesKind::Template, &name, &from_path, line, column);
            let s = b.add_step(from, line, None);
            let origin = Origin::new(from, &from_path, Some(s));
            for argv in gitlab_template_argv(&name) {
                b.synthetic(&origin, &from_path, line, column, argv, Vec::new());
            }
        }
        Include::Remote(what, line) => {
            b.opaque(
                &from_path,
                line,
                format!("remote include `{what}` cannot be read"),
            );
        }
    }
}

fn glob_regex(glob: &str) -> regex::Regex {
    let mut re = String::from("^");
    let mut chars = glob.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                re.push_str(".*");
            }
            '*' => re.push_str("[^/]*"),
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    regex::Regex::new(&re).unwrap_or_else(|_| regex::Regex::new("^$").expect("static regex"))
}

type Jobs<'a> = HashMap<String, (usize, &'a Node)>;

/// `key` of a job, following `extends` (last parent wins): (file, key node, value node).
fn lookup<'a>(
    jobs: &Jobs<'a>,
    file: usize,
    job: &'a Node,
    key: &str,
    depth: u8,
) -> Option<(usize, &'a Node, &'a Node)> {
    if let Some((k, v)) = job.as_map()?.iter().find(|(k, _)| k.as_str() == Some(key)) {
        return Some((file, k, v));
    }
    if depth > 10 {
        return None;
    }
    let parents: Vec<&str> = match job.get("extends") {
        Some(e) if e.as_str().is_some() => vec![e.as_str().unwrap_or("")],
        Some(e) => e.items().iter().filter_map(Node::as_str).collect(),
        None => Vec::new(),
    };
    parents.iter().rev().find_map(|p| {
        let (f, n) = jobs.get(*p)?;
        lookup(jobs, *f, n, key, depth + 1)
    })
}

fn job(
    b: &mut Builder<'_>,
    jobs: &Jobs<'_>,
    sources: &HashMap<usize, Arc<SourceText>>,
    defaults: Option<(usize, &Node)>,
    file: usize,
    node: &Node,
) {
    b.model.files[file].jobs += 1;
    let get = |key: &str| lookup(jobs, file, node, key, 0);
    if let Some((_, _, when)) = get("when")
        && matches!(when.as_str(), Some("manual" | "never"))
    {
        return;
    }
    if let Some((_, _, rules)) = get("rules") {
        let items = rules.items();
        let inert = |r: &Node| {
            matches!(
                r.get("when").and_then(Node::as_str),
                Some("manual" | "never")
            )
        };
        if !items.is_empty() && items.iter().all(inert) {
            return;
        }
    }
    let soft = get("allow_failure").and_then(|(f, k, v)| {
        (v.as_bool() == Some(true)).then(|| Tolerance {
            path: b.model.files[f].path.clone(),
            line: k.line,
            column: k.column,
            what: "allow_failure: true".to_string(),
        })
    });
    let path = b.model.files[file].path.clone();
    for key in ["image", "services"] {
        if let Some((f, _, v)) = get(key) {
            let fp = b.model.files[f].path.clone();
            let items: Vec<&Node> = match v.as_seq() {
                Some(items) => items.iter().collect(),
                None => vec![v],
            };
            for it in items {
                if let Some(img) = it
                    .as_str()
                    .or_else(|| it.get("name").and_then(Node::as_str))
                {
                    b.add_uses(f, UsesKind::Image, img, &fp, it.line, it.column);
                }
            }
        }
    }
    let s = b.add_step(file, node.line, soft);
    let origin = Origin::new(file, &path, Some(s));
    let block = b.new_block();
    let mut cwd = String::new();
    let mut state = ShellState::default();
    let default_key = |key: &str| {
        defaults.and_then(|(f, d)| {
            d.as_map()?
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(k, v)| (f, k, v))
        })
    };
    for key in ["before_script", "script", "after_script"] {
        let found = get(key).or_else(|| {
            if key == "script" {
                None
            } else {
                default_key(key)
            }
        });
        let Some((f, _, value)) = found else {
            continue;
        };
        let mut items = Vec::new();
        flatten(jobs, f, value, &mut items, 0);
        let mut o = origin.clone();
        if key == "after_script" {
            // after_script failures never fail the job.
            o.tolerated = Some(Tolerance {
                path: b.model.files[f].path.clone(),
                line: value.line,
                column: value.column,
                what: "after_script (failures ignored)".to_string(),
            });
        }
        let texts: Vec<&str> = items.iter().filter_map(|(_, n)| n.as_str()).collect();
        for (i, (item_file, item)) in items.iter().enumerate() {
            let Some(text) = item.as_str() else {
                continue;
            };
            state.lookahead = texts.get(i + 1..).unwrap_or(&[]).join("\n");
            let item_file = *item_file;
            let Some(src) = sources.get(&item_file).cloned() else {
                continue;
            };
            let place = Place::Yaml {
                line: item.line,
                column: item.column,
            };
            b.script(&o, &src, place, text, &mut cwd, &mut state, block);
        }
    }
}

/// Script items: strings, nested lists (from anchors), and `!reference [.job, key]`.
fn flatten<'a>(
    jobs: &Jobs<'a>,
    file: usize,
    node: &'a Node,
    out: &mut Vec<(usize, &'a Node)>,
    depth: u8,
) {
    if depth > 10 {
        return;
    }
    match node.as_seq() {
        None => out.push((file, node)),
        Some(items) => {
            let scalars: Vec<&str> = items.iter().filter_map(Node::as_str).collect();
            let is_reference = scalars.len() == items.len()
                && (2..=3).contains(&items.len())
                && jobs.contains_key(scalars[0])
                && matches!(
                    scalars[items.len() - 1],
                    "script" | "before_script" | "after_script"
                );
            if is_reference {
                let (f, n) = jobs[scalars[0]];
                if let Some((f2, _, v)) = lookup(jobs, f, n, scalars[items.len() - 1], 0) {
                    flatten(jobs, f2, v, out, depth + 1);
                }
                return;
            }
            for it in items {
                flatten(jobs, file, it, out, depth + 1);
            }
        }
    }
}
