//! What a file imports (ESM `import`, CommonJS `require`) and exports (`export`,
//! `module.exports`, `exports.x`), so routers and plugins can be followed across files.

use super::ast::{args, callee_path, pair_key, string_value};
use crate::syntax::FieldChild;
use crate::syntax::{NodeIndex, text, walk};
use std::collections::HashMap;
use tree_sitter::Node;

/// One imported binding: `local` names `key` (`default`, a named export, or `*`) of `source`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    pub local: String,
    pub source: String,
    pub key: String,
}

#[derive(Debug, Default)]
pub struct Module {
    pub imports: Vec<Import>,
    /// Every module specifier the file loads (also bare `require('x')` calls).
    pub sources: Vec<String>,
    /// Local name → export key (`default` or the exported name).
    pub exports: HashMap<String, String>,
    /// Byte offset of an anonymous function exported as default.
    pub default_function: Option<usize>,
}

impl Module {
    pub fn import(&self, local: &str) -> Option<&Import> {
        self.imports.iter().find(|i| i.local == local)
    }

    /// Whether the file loads a package (`express`, `@nestjs/common`) or one of its subpaths.
    pub fn uses(&self, package: &str) -> bool {
        self.sources.iter().any(|s| {
            let s = s.strip_prefix("node:").unwrap_or(s);
            s == package || s.strip_prefix(package).is_some_and(|r| r.starts_with('/'))
        })
    }

    /// Local names bound to `package` (any key).
    pub fn locals_of<'a>(&'a self, package: &'a str) -> impl Iterator<Item = &'a Import> + 'a {
        self.imports.iter().filter(move |i| {
            let s = i.source.strip_prefix("node:").unwrap_or(&i.source);
            s == package || s.strip_prefix(package).is_some_and(|r| r.starts_with('/'))
        })
    }
}

/// `require("x")` → `x`.
pub fn require_source(node: Node<'_>, src: &[u8]) -> Option<String> {
    if node.kind() != "call_expression" || callee_path(node, src).as_deref() != Some("require") {
        return None;
    }
    string_value(*args(node).first()?, src)
}

pub fn collect(index: &NodeIndex<'_>, src: &[u8]) -> Module {
    let mut module = Module::default();
    let kinds = [
        "import_statement",
        "call_expression",
        "variable_declarator",
        "export_statement",
        "assignment_expression",
    ];
    for node in index.of_kinds(index.root(), &kinds) {
        match node.kind() {
            "import_statement" => import_statement(node, src, &mut module),
            "call_expression" => {
                if let Some(source) = require_source(node, src) {
                    module.sources.push(source);
                }
            }
            "variable_declarator" => require_binding(node, src, &mut module),
            "export_statement" => export_statement(node, src, &mut module),
            "assignment_expression" => commonjs_export(node, src, &mut module),
            _ => {}
        }
    }
    module.sources.sort();
    module.sources.dedup();
    module
}

fn import_statement(node: Node<'_>, src: &[u8], module: &mut Module) {
    let Some(source) = node.field("source").and_then(|s| string_value(s, src)) else {
        return;
    };
    module.sources.push(source.clone());
    let mut add = |local: &str, key: &str| {
        module.imports.push(Import {
            local: local.to_string(),
            source: source.clone(),
            key: key.to_string(),
        })
    };
    walk(node, |n| {
        match n.kind() {
            "import_clause" => {
                let mut cursor = n.walk();
                for child in n.named_children(&mut cursor) {
                    if child.kind() == "identifier" {
                        add(text(child, src), "default");
                    }
                }
            }
            "namespace_import" => {
                if let Some(id) = n.named_child(0) {
                    add(text(id, src), "*");
                }
            }
            "import_specifier" => {
                let name = n.field("name").map(|x| text(x, src));
                let alias = n.field("alias").map(|x| text(x, src));
                if let Some(name) = name {
                    add(alias.unwrap_or(name), name);
                }
            }
            _ => {}
        }
        true
    });
}

/// `const x = require("y")`, `const { a, b: c } = require("y")`, `const x = require("y").z`.
fn require_binding(node: Node<'_>, src: &[u8], module: &mut Module) {
    let (Some(name), Some(value)) = (node.field("name"), node.field("value")) else {
        return;
    };
    let (call, member) = match value.kind() {
        "member_expression" => (
            value.field("object"),
            value.field("property").map(|p| text(p, src).to_string()),
        ),
        _ => (Some(value), None),
    };
    let Some(source) = call.and_then(|c| require_source(c, src)) else {
        return;
    };
    match name.kind() {
        "identifier" => module.imports.push(Import {
            local: text(name, src).to_string(),
            source,
            key: member.unwrap_or_else(|| "default".into()),
        }),
        "object_pattern" if member.is_none() => {
            let mut cursor = name.walk();
            for child in name.named_children(&mut cursor) {
                let (local, key) = match child.kind() {
                    "shorthand_property_identifier_pattern" => (text(child, src), text(child, src)),
                    "pair_pattern" => {
                        let key = pair_key(child, src).unwrap_or("");
                        let local = child.field("value").map(|v| text(v, src)).unwrap_or(key);
                        (local, key)
                    }
                    _ => continue,
                };
                module.imports.push(Import {
                    local: local.to_string(),
                    source: source.clone(),
                    key: key.to_string(),
                });
            }
        }
        _ => {}
    }
}

fn export_statement(node: Node<'_>, src: &[u8], module: &mut Module) {
    let is_default = {
        let mut cursor = node.walk();
        node.children(&mut cursor).any(|c| c.kind() == "default")
    };
    if let Some(declaration) = node.field("declaration") {
        let key_for = |name: &str| {
            if is_default {
                "default".to_string()
            } else {
                name.to_string()
            }
        };
        match declaration.kind() {
            "lexical_declaration" | "variable_declaration" => {
                let mut cursor = declaration.walk();
                for declarator in declaration.named_children(&mut cursor) {
                    if let Some(name) = declarator.field("name") {
                        let name = text(name, src);
                        module.exports.insert(name.to_string(), key_for(name));
                    }
                }
            }
            _ => {
                if let Some(name) = declaration.field("name") {
                    let name = text(name, src);
                    module.exports.insert(name.to_string(), key_for(name));
                } else if is_default {
                    module.default_function = Some(declaration.start_byte());
                }
            }
        }
        return;
    }
    if let Some(value) = node.field("value") {
        // `export default router` / `export default async function (fastify) {}`.
        match value.kind() {
            "identifier" => {
                module
                    .exports
                    .insert(text(value, src).to_string(), "default".into());
            }
            _ => module.default_function = Some(value.start_byte()),
        }
        return;
    }
    walk(node, |n| {
        if n.kind() == "export_specifier" {
            let name = n.field("name").map(|x| text(x, src));
            let alias = n.field("alias").map(|x| text(x, src));
            if let Some(name) = name {
                module
                    .exports
                    .insert(name.to_string(), alias.unwrap_or(name).to_string());
            }
        }
        true
    });
}

/// `module.exports = x`, `module.exports = { a, b: c }`, `exports.x = y`.
fn commonjs_export(node: Node<'_>, src: &[u8], module: &mut Module) {
    let (Some(left), Some(right)) = (node.field("left"), node.field("right")) else {
        return;
    };
    let Some(target) = super::ast::path_of(left, src) else {
        return;
    };
    let key = match target.as_str() {
        "module.exports" => "default".to_string(),
        t => match t
            .strip_prefix("module.exports.")
            .or_else(|| t.strip_prefix("exports."))
        {
            Some(name) if !name.contains('.') => name.to_string(),
            _ => return,
        },
    };
    match right.kind() {
        "identifier" => {
            module.exports.insert(text(right, src).to_string(), key);
        }
        "object" if key == "default" => {
            let mut cursor = right.walk();
            for child in right.named_children(&mut cursor) {
                match child.kind() {
                    "shorthand_property_identifier" => {
                        let name = text(child, src).to_string();
                        module.exports.insert(name.clone(), name);
                    }
                    "pair" => {
                        if let (Some(k), Some(v)) = (pair_key(child, src), child.field("value"))
                            && v.kind() == "identifier"
                        {
                            module
                                .exports
                                .insert(text(v, src).to_string(), k.to_string());
                        }
                    }
                    _ => {}
                }
            }
        }
        "function_expression" | "arrow_function" | "function" if key == "default" => {
            module.default_function = Some(right.start_byte());
        }
        _ => {}
    }
}

/// `dir/of/file.js` + `./routes/users` → `dir/of/routes/users` (no extension); `None` for
/// package imports.
pub fn resolve_relative(file: &str, source: &str) -> Option<String> {
    if !source.starts_with('.') {
        return None;
    }
    let mut parts: Vec<&str> = file.split('/').collect();
    parts.pop();
    for segment in source.split('/') {
        match segment {
            "." | "" => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    Some(strip_extension(&joined).to_string())
}

/// `routes/users.ts` → `routes/users`.
pub fn strip_extension(path: &str) -> &str {
    for ext in [".js", ".ts", ".mjs", ".cjs", ".jsx", ".tsx", ".mts", ".cts"] {
        if let Some(stem) = path.strip_suffix(ext) {
            return stem;
        }
    }
    path
}
