//! Kustomize builds. Every kustomization that no other one references is a *root* (what
//! `kubectl apply -k` deploys); its objects are its resources (files and nested
//! kustomizations) with its patches applied, bottom-up:
//!
//! - strategic-merge patches (`patchesStrategicMerge`, `patches` with a document), merging
//!   maps and the keyed lists Kubernetes merges (containers and env by name, ...);
//! - JSON 6902 patches (`add`, `replace`, `remove`);
//! - the `replicas`, `images` and `namespace` transformers.
//!
//! Components (`components:`) add their resources and apply their patches to the resources
//! accumulated before the kustomization's own patches, as Kustomize does.
//!
//! Files a kustomization uses are *consumed*: their objects appear only through the roots, so
//! a base shared by three overlays is not reported four times (findings on base lines are the
//! same finding and collapse). Roots named like a non-production environment (`overlays/dev`)
//! are left out when a production-like root exists. Not modelled: generators,
//! `replacements`, name prefixes and common labels (they apply to both sides of a selector
//! and leave matching unchanged), remote bases.

use super::model::{Gap, non_production_name};
use super::objects::{Object, Origin, reencode};
use regex::Regex;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use vouch_workspace::yaml::parse_str;
use vouch_workspace::{
    Node, SourceText, Value, Workspace, YamlFile, YamlRole, is_docs_or_example_path, is_test_path,
};

mod patch;
mod transformers;

use patch::{json_patch, merge_map};
use transformers::{apply_images, apply_replicas};

#[derive(Default)]
pub struct Built {
    /// Files whose plain objects are replaced by the roots' objects (resources and patches).
    pub consumed: HashSet<String>,
    pub objects: Vec<Object>,
    pub gaps: Vec<Gap>,
}

pub(super) struct Kust<'a> {
    dir: String,
    pub(super) file: &'a YamlFile,
    pub(super) root: &'a Node,
}

enum Resource {
    File(String),
    Dir(usize),
    Component(usize),
}

struct Ctx<'a> {
    ws: &'a Workspace,
    kusts: Vec<Kust<'a>>,
    by_dir: HashMap<String, usize>,
    by_file: HashMap<&'a str, Vec<&'a Object>>,
}

pub fn build(ws: &Workspace, plain: &[Object]) -> Built {
    let mut built = Built::default();
    let mut kusts = Vec::new();
    for file in ws.yaml_with_role(YamlRole::Kustomization) {
        if is_test_path(&file.path) || is_docs_or_example_path(&file.path) {
            continue;
        }
        match &file.docs {
            Ok(docs) => {
                if let Some(doc) = docs.first() {
                    kusts.push(Kust {
                        dir: dir_of(&file.path),
                        file,
                        root: &doc.root,
                    });
                }
            }
            Err(e) => built.gaps.push(Gap {
                path: file.path.clone(),
                line: e.line,
                reason: format!("the kustomization does not parse ({})", e.message),
                kinds: Vec::new(),
            }),
        }
    }
    if kusts.is_empty() {
        return built;
    }
    let by_dir = kusts
        .iter()
        .enumerate()
        .map(|(i, k)| (k.dir.clone(), i))
        .collect();
    let mut by_file: HashMap<&str, Vec<&Object>> = HashMap::new();
    for o in plain {
        by_file.entry(o.path()).or_default().push(o);
    }
    let ctx = Ctx {
        ws,
        kusts,
        by_dir,
        by_file,
    };

    let mut referenced = HashSet::new();
    for (i, k) in ctx.kusts.iter().enumerate() {
        for r in ctx.resources(i) {
            match r {
                Resource::File(p) => {
                    built.consumed.insert(p);
                }
                Resource::Dir(d) | Resource::Component(d) => {
                    referenced.insert(d);
                }
            }
        }
        for (path, _) in ctx.patch_files(k) {
            built.consumed.insert(path);
        }
    }
    let roots: Vec<usize> = (0..ctx.kusts.len())
        .filter(|i| !referenced.contains(i))
        .collect();
    let production: Vec<usize> = roots
        .iter()
        .copied()
        .filter(|&i| !ctx.kusts[i].dir.split('/').any(non_production_name))
        .collect();
    let chosen = if production.is_empty() {
        roots
    } else {
        production
    };
    for root in chosen {
        let mut visiting = Vec::new();
        for mut obj in ctx.build_dir(root, &mut visiting) {
            obj.origin = Origin::Kustomize {
                root: ctx.kusts[root].dir.clone(),
            };
            built.objects.push(obj);
        }
    }
    built
}

fn dir_of(path: &str) -> String {
    path.rsplit_once('/')
        .map(|(d, _)| format!("{d}/"))
        .unwrap_or_default()
}

/// `dir` + a relative path, with `.` and `..` resolved; no trailing slash.
fn join(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

impl<'a> Ctx<'a> {
    fn resources(&self, i: usize) -> Vec<Resource> {
        let k = &self.kusts[i];
        let mut out = Vec::new();
        for key in ["resources", "bases", "components"] {
            for entry in k.root.get(key).map(Node::items).unwrap_or(&[]) {
                let Some(rel) = entry.as_str() else { continue };
                if rel.contains("://") || rel.contains("?ref=") || rel.starts_with("github.com/") {
                    continue;
                }
                let path = join(&k.dir, rel);
                if let Some(&d) = self.by_dir.get(&format!("{path}/")) {
                    out.push(if key == "components" {
                        Resource::Component(d)
                    } else {
                        Resource::Dir(d)
                    });
                } else if self.ws.file(&path).is_some() {
                    out.push(Resource::File(path));
                }
            }
        }
        out
    }

    /// Patch files (path and source) this kustomization uses.
    fn patch_files(&self, k: &Kust<'a>) -> Vec<(String, Arc<SourceText>)> {
        let mut out = Vec::new();
        let mut add = |rel: &str| {
            let path = join(&k.dir, rel);
            if let Some(y) = self.ws.yaml.iter().find(|y| y.path == path) {
                out.push((path, y.text.clone()));
            }
        };
        for entry in k
            .root
            .get("patchesStrategicMerge")
            .map(Node::items)
            .unwrap_or(&[])
        {
            if let Some(s) = entry.as_str().filter(|s| !s.contains('\n')) {
                add(s);
            }
        }
        for key in ["patches", "patchesJson6902"] {
            for entry in k.root.get(key).map(Node::items).unwrap_or(&[]) {
                if let Some(p) = entry.get("path").and_then(Node::as_str) {
                    add(p);
                }
            }
        }
        out
    }

    fn build_dir(&self, i: usize, visiting: &mut Vec<usize>) -> Vec<Object> {
        if visiting.contains(&i) || visiting.len() > 32 {
            return Vec::new();
        }
        visiting.push(i);
        let mut objs = Vec::new();
        let mut components = Vec::new();
        for r in self.resources(i) {
            match r {
                Resource::File(p) => objs.extend(
                    self.by_file
                        .get(p.as_str())
                        .into_iter()
                        .flatten()
                        .map(|o| (*o).clone()),
                ),
                Resource::Dir(d) => objs.extend(self.build_dir(d, visiting)),
                Resource::Component(c) => components.push(c),
            }
        }
        // A component adds its own resources, then transforms everything accumulated so far.
        for c in components {
            if visiting.contains(&c) {
                continue;
            }
            visiting.push(c);
            for r in self.resources(c) {
                match r {
                    Resource::File(p) => objs.extend(
                        self.by_file
                            .get(p.as_str())
                            .into_iter()
                            .flatten()
                            .map(|o| (*o).clone()),
                    ),
                    Resource::Dir(d) => objs.extend(self.build_dir(d, visiting)),
                    Resource::Component(_) => {}
                }
            }
            visiting.pop();
            self.transform(&self.kusts[c], &mut objs);
        }
        visiting.pop();
        self.transform(&self.kusts[i], &mut objs);
        objs
    }

    /// Patches, `replicas`, `images` and `namespace` of one kustomization.
    fn transform(&self, k: &Kust<'a>, objs: &mut Vec<Object>) {
        self.apply_patches(k, objs);
        apply_replicas(k, objs);
        apply_images(k, objs);
        if let Some(ns) = k.root.get("namespace").and_then(Node::as_str) {
            for o in objs.iter_mut() {
                o.namespace = Some(ns.to_string());
            }
        }
    }

    fn apply_patches(&self, k: &Kust<'a>, objs: &mut Vec<Object>) {
        let inline_src = k.file.text.clone();
        for entry in k
            .root
            .get("patchesStrategicMerge")
            .map(Node::items)
            .unwrap_or(&[])
        {
            let Some(s) = entry.as_str() else { continue };
            let (docs, src) = if s.contains('\n') {
                (inline_docs(s, entry), inline_src.clone())
            } else {
                match self.file_docs(&join(&k.dir, s)) {
                    Some(x) => x,
                    None => continue,
                }
            };
            for doc in &docs {
                apply_strategic(doc, None, &src, objs);
            }
        }
        for key in ["patches", "patchesJson6902"] {
            for entry in k.root.get(key).map(Node::items).unwrap_or(&[]) {
                let (docs, src) = if let Some(p) = entry.get("path").and_then(Node::as_str) {
                    match self.file_docs(&join(&k.dir, p)) {
                        Some(x) => x,
                        None => continue,
                    }
                } else if let Some(n) = entry.get("patch") {
                    (inline_docs(n.as_str().unwrap_or(""), n), inline_src.clone())
                } else {
                    continue;
                };
                let target = entry.get("target");
                for doc in &docs {
                    if doc.as_seq().is_some() {
                        for o in objs
                            .iter_mut()
                            .filter(|o| target.is_some_and(|t| targets(t, o)))
                        {
                            let s = source_index(o, &src);
                            let mut ops = doc.clone();
                            reencode(&mut ops, s);
                            json_patch(&mut o.root, &ops);
                            o.refresh_identity();
                        }
                    } else {
                        apply_strategic(doc, target, &src, objs);
                    }
                }
            }
        }
    }

    fn file_docs(&self, path: &str) -> Option<(Vec<Node>, Arc<SourceText>)> {
        let y = self.ws.yaml.iter().find(|y| y.path == path)?;
        Some((
            y.docs().iter().map(|d| d.root.clone()).collect(),
            y.text.clone(),
        ))
    }
}

/// Documents of an inline patch (a block scalar, whose node sits on its first content line),
/// with lines moved to the kustomization's.
fn inline_docs(text: &str, scalar: &Node) -> Vec<Node> {
    let Ok(docs) = parse_str(text) else {
        return Vec::new();
    };
    docs.into_iter()
        .map(|d| {
            let mut root = d.root;
            shift(&mut root, scalar.line.saturating_sub(1));
            root
        })
        .collect()
}

fn shift(node: &mut Node, by: u32) {
    node.line += by;
    match &mut node.value {
        Value::Seq(items) => items.iter_mut().for_each(|n| shift(n, by)),
        Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            shift(k, by);
            shift(v, by);
        }),
        _ => {}
    }
}

/// Index of `src` in the object's sources, added when new.
pub(super) fn source_index(obj: &mut Object, src: &Arc<SourceText>) -> usize {
    if let Some(i) = obj.sources.iter().position(|s| s.path == src.path) {
        return i;
    }
    obj.sources.push(src.clone());
    obj.sources.len() - 1
}

/// Applies a strategic-merge patch document to the objects it targets (by `target:` or by
/// its own kind and name).
fn apply_strategic(
    patch: &Node,
    target: Option<&Node>,
    src: &Arc<SourceText>,
    objs: &mut Vec<Object>,
) {
    let kind = patch.get("kind").and_then(Node::as_str);
    let name = patch.path(&["metadata", "name"]).and_then(Node::as_str);
    let hit = |o: &Object| match target {
        Some(t) => targets(t, o),
        None => kind == Some(o.kind.as_str()) && name.is_some() && name == o.name.as_deref(),
    };
    // `$patch: delete` at the top removes the object from the build.
    if patch.get("$patch").and_then(Node::as_str) == Some("delete") {
        objs.retain(|o| !hit(o));
        return;
    }
    for o in objs.iter_mut() {
        if !hit(o) {
            continue;
        }
        let s = source_index(o, src);
        let mut p = patch.clone();
        reencode(&mut p, s);
        // The patch's identity fields are selectors, not changes.
        if let Value::Map(entries) = &mut p.value {
            entries.retain(|(k, _)| !matches!(k.as_str(), Some("apiVersion" | "kind")));
        }
        merge_map(&mut o.root, &p);
        o.refresh_identity();
    }
}

/// A `target:` selector (kind, name — a regular expression — and label selector).
fn targets(t: &Node, o: &Object) -> bool {
    let kind_ok = t
        .get("kind")
        .and_then(Node::as_str)
        .is_none_or(|k| k == o.kind);
    let name_ok = t.get("name").and_then(Node::as_str).is_none_or(|n| {
        let name = o.name.as_deref().unwrap_or("");
        Regex::new(&format!("^(?:{n})$")).map_or(n == name, |re| re.is_match(name))
    });
    let labels_ok = t
        .get("labelSelector")
        .and_then(Node::as_str)
        .is_none_or(|sel| {
            sel.split(',').all(|term| match term.split_once('=') {
                Some((k, v)) => {
                    o.root
                        .path(&["metadata", "labels", k.trim()])
                        .and_then(Node::as_str)
                        == Some(v.trim_start_matches('=').trim())
                }
                None => false,
            })
        });
    kind_ok && name_ok && labels_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_paths() {
        assert_eq!(join("overlays/prod/", "../../base"), "base");
        assert_eq!(join("", "./deploy.yaml"), "deploy.yaml");
    }
}
