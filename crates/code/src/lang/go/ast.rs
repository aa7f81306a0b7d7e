//! Go syntax helpers: calls, string literals, imports and the enclosing function, so the
//! recognisers read like the Go they match.

use crate::model::Pos;
use crate::syntax::FieldChild;
use crate::syntax::{NodeIndex, pos, text, unquote};
use std::collections::HashMap;
use tree_sitter::Node;

/// One Go file being extracted.
pub struct Ctx<'a> {
    pub path: &'a str,
    /// Directory of the file (the Go package), "" at the repository root.
    pub dir: String,
    pub src: &'a [u8],
    /// Import alias → import path (`chi` → `github.com/go-chi/chi/v5`).
    pub imports: HashMap<String, String>,
    /// The tree's nodes by kind and parent, built once: the recognisers ask it instead of
    /// walking the tree or climbing with `Node::parent` (which descends from the root).
    pub index: NodeIndex<'a>,
}

impl<'a> Ctx<'a> {
    pub fn new(path: &'a str, src: &'a [u8], root: Node<'a>) -> Ctx<'a> {
        let dir = path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        let mut ctx = Ctx {
            path,
            dir: dir.to_string(),
            src,
            imports: HashMap::new(),
            index: NodeIndex::new(root),
        };
        let mut cursor = root.walk();
        for decl in root.named_children(&mut cursor) {
            if decl.kind() != "import_declaration" {
                continue;
            }
            for spec in ctx.index.of_kind(decl, "import_spec") {
                let Some(path_node) = spec.field("path") else {
                    continue;
                };
                let import = unquote(ctx.text(path_node)).to_string();
                let alias = match spec.field("name") {
                    Some(n) => ctx.text(n).to_string(),
                    None => default_alias(&import),
                };
                ctx.imports.insert(alias, import);
            }
        }
        ctx
    }

    pub fn text(&self, node: Node<'_>) -> &'a str {
        text(node, self.src)
    }

    /// Whether any import path starts with `prefix`.
    pub fn imports_any(&self, prefixes: &[&str]) -> bool {
        self.imports
            .values()
            .any(|p| prefixes.iter().any(|x| p.starts_with(x)))
    }

    /// The import path an identifier names when it is an imported package alias.
    pub fn package_of(&self, node: Node<'_>) -> Option<&str> {
        if node.kind() != "identifier" {
            return None;
        }
        self.imports.get(self.text(node)).map(String::as_str)
    }

    /// The innermost function (declaration or literal) around `node`.
    pub fn enclosing_function(&self, node: Node<'a>) -> Option<Node<'a>> {
        self.index.ancestor_of_kind(
            node,
            &["function_declaration", "method_declaration", "func_literal"],
        )
    }

    /// The top-level declaration (function or method) around `node`.
    pub fn top_function(&self, node: Node<'a>) -> Option<Node<'a>> {
        self.index
            .ancestor_of_kind(node, &["function_declaration", "method_declaration"])
    }

    /// The node's parent, from the index.
    pub fn parent(&self, node: Node<'a>) -> Option<Node<'a>> {
        self.index.parent(node)
    }

    /// The import path behind an alias name.
    pub fn package_of_alias(&self, alias: &str) -> Option<&str> {
        self.imports.get(alias).map(String::as_str)
    }
}

/// The name a Go import is referred to by when it has no explicit alias.
pub fn default_alias(import: &str) -> String {
    let mut segments = import.rsplit('/');
    let mut last = segments.next().unwrap_or(import);
    let is_version =
        |s: &str| s.len() > 1 && s.starts_with('v') && s[1..].chars().all(|c| c.is_ascii_digit());
    if is_version(last) {
        last = segments.next().unwrap_or(last);
    }
    // gopkg.in/yaml.v3 → yaml
    let last = last.split(".v").next().unwrap_or(last);
    if last == "amqp091-go" {
        return "amqp".into();
    }
    let last = last.trim_start_matches("go-").trim_end_matches("-go");
    last.replace('-', "")
}

/// A call expression split into what the recognisers ask about.
#[derive(Clone, Copy)]
pub struct Call<'t> {
    pub node: Node<'t>,
    /// `x` in `x.Method(...)`; `None` for a plain function call.
    pub recv: Option<Node<'t>>,
    /// The called function or method name.
    pub name: &'t str,
    pub args_node: Option<Node<'t>>,
}

impl<'t> Call<'t> {
    pub fn of(node: Node<'t>, src: &'t [u8]) -> Option<Call<'t>> {
        if node.kind() != "call_expression" {
            return None;
        }
        let func = node.field("function")?;
        let (recv, name) = match func.kind() {
            "selector_expression" => (func.field("operand"), text(func.field("field")?, src)),
            "identifier" => (None, text(func, src)),
            _ => return None,
        };
        Some(Call {
            node,
            recv,
            name,
            args_node: node.field("arguments"),
        })
    }

    pub fn args(&self) -> Vec<Node<'t>> {
        let Some(list) = self.args_node else {
            return Vec::new();
        };
        let mut cursor = list.walk();
        list.named_children(&mut cursor)
            .filter(|n| n.kind() != "comment")
            .collect()
    }

    pub fn arg(&self, i: usize) -> Option<Node<'t>> {
        self.args().get(i).copied()
    }

    pub fn pos(&self) -> Pos {
        pos(self.node)
    }
}

/// The literal value of a string literal node (or a `+` of literals).
pub fn string_value(node: Node<'_>, src: &[u8]) -> Option<String> {
    string_value_at(node, src, 0)
}

/// Deeper nesting than this is not followed: generated code can nest thousands deep.
const MAX_NESTING: u32 = 48;

fn string_value_at(node: Node<'_>, src: &[u8], depth: u32) -> Option<String> {
    if depth > MAX_NESTING {
        return None;
    }
    match node.kind() {
        "interpreted_string_literal" | "raw_string_literal" => {
            Some(unquote(text(node, src)).to_string())
        }
        "parenthesized_expression" => string_value_at(node.named_child(0)?, src, depth + 1),
        "binary_expression" => {
            let op = node.field("operator")?;
            if text(op, src) != "+" {
                return None;
            }
            let l = string_value_at(node.field("left")?, src, depth + 1)?;
            let r = string_value_at(node.field("right")?, src, depth + 1)?;
            Some(l + &r)
        }
        _ => None,
    }
}

/// Literal strings of a `[]string{"a", "b"}` composite literal.
pub fn string_list(node: Node<'_>, src: &[u8]) -> Option<Vec<String>> {
    if node.kind() != "composite_literal" {
        return None;
    }
    let body = node.field("body")?;
    let mut out = Vec::new();
    let mut cursor = body.walk();
    for el in body.named_children(&mut cursor) {
        if el.kind() == "comment" {
            continue;
        }
        let inner = if el.kind() == "literal_element" {
            el.named_child(0)?
        } else {
            el
        };
        out.push(string_value(inner, src)?);
    }
    Some(out)
}

/// `key: value` pairs of a composite literal body (`Options{AllowedOrigins: ...}`).
pub fn keyed_fields<'t>(node: Node<'t>, src: &'t [u8]) -> Vec<(&'t str, Node<'t>)> {
    let mut out = Vec::new();
    let body = match node.kind() {
        "composite_literal" => node.field("body"),
        "literal_value" => Some(node),
        _ => None,
    };
    let Some(body) = body else {
        return out;
    };
    let mut cursor = body.walk();
    for el in body.named_children(&mut cursor) {
        if el.kind() != "keyed_element" {
            continue;
        }
        let (Some(k), Some(v)) = (el.field("key"), el.field("value")) else {
            continue;
        };
        let v = if v.kind() == "literal_element" {
            v.named_child(0).unwrap_or(v)
        } else {
            v
        };
        out.push((text(k, src).trim(), v));
    }
    out
}

/// The type name of a composite literal (`cors.Options`, `http.Client`), `&` stripped.
pub fn composite_type<'t>(node: Node<'t>, src: &'t [u8]) -> Option<&'t str> {
    let node = if node.kind() == "unary_expression" {
        node.field("operand")?
    } else {
        node
    };
    if node.kind() != "composite_literal" {
        return None;
    }
    Some(text(node.field("type")?, src))
}

/// A declaration's name (`Type.Method` for methods).
pub fn function_name(func: Node<'_>, src: &[u8]) -> String {
    let name = func.field("name").map(|n| text(n, src)).unwrap_or("");
    if func.kind() == "method_declaration"
        && let Some(recv) = func.field("receiver")
    {
        let ty = crate::syntax::descendants_of_kind(recv, "type_identifier")
            .first()
            .map(|t| text(*t, src))
            .unwrap_or("");
        return format!("{ty}.{name}");
    }
    name.to_string()
}

/// The position of `name` among a function's parameters.
pub fn param_index(func: Node<'_>, name: &str, src: &[u8]) -> Option<usize> {
    let params = func.field("parameters")?;
    let mut index = 0;
    let mut cursor = params.walk();
    for decl in params.named_children(&mut cursor) {
        let mut c2 = decl.walk();
        let names: Vec<Node<'_>> = decl.children_by_field_name("name", &mut c2).collect();
        if names.is_empty() {
            index += 1;
            continue;
        }
        for n in names {
            if text(n, src) == name {
                return Some(index);
            }
            index += 1;
        }
    }
    None
}

/// The statements of a block (tree-sitter-go wraps them in a `statement_list`).
pub fn statements(block: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = block.walk();
    let children: Vec<Node<'_>> = block
        .named_children(&mut cursor)
        .filter(|n| n.kind() != "comment")
        .collect();
    if children.len() == 1 && children[0].kind() == "statement_list" {
        let list = children[0];
        let mut c2 = list.walk();
        return list
            .named_children(&mut c2)
            .filter(|n| n.kind() != "comment")
            .collect();
    }
    children
}
