//! Small readers over the JavaScript/TypeScript tree: callee paths, arguments, literals,
//! object properties. Shared by every JS extractor module.

use crate::syntax::FieldChild;
use crate::syntax::{text, unquote};
use tree_sitter::Node;

/// Function-like node kinds (a handler, a plugin, a middleware).
pub const FUNCTION_KINDS: &[&str] = &[
    "function_declaration",
    "function_expression",
    "function",
    "arrow_function",
    "method_definition",
    "generator_function_declaration",
];

/// `a.b.c` for identifier/member chains (optional chaining flattened), `None` otherwise.
pub fn path_of(node: Node<'_>, src: &[u8]) -> Option<String> {
    path_at(node, src, 0)
}

/// Member chains longer than this are not names anyone writes by hand.
const MAX_PATH_DEPTH: usize = 24;

fn path_at(node: Node<'_>, src: &[u8], depth: usize) -> Option<String> {
    if depth > MAX_PATH_DEPTH {
        return None;
    }
    match node.kind() {
        "identifier" | "this" | "property_identifier" | "type_identifier" => {
            Some(text(node, src).to_string())
        }
        "member_expression" => {
            let object = path_at(node.field("object")?, src, depth + 1)?;
            let property = text(node.field("property")?, src);
            Some(format!("{object}.{property}"))
        }
        "non_null_expression" | "parenthesized_expression" => {
            path_at(node.named_child(0)?, src, depth + 1)
        }
        _ => None,
    }
}

/// The callee of a call or `new` expression as a dotted path (`res.status`, `express.Router`).
pub fn callee_path(call: Node<'_>, src: &[u8]) -> Option<String> {
    let function = call
        .field("function")
        .or_else(|| call.field("constructor"))?;
    path_of(function, src)
}

/// The last name of the callee: `json` for `res.status(500).json(...)`, `fetch` for `fetch()`.
pub fn callee_name<'a>(call: Node<'_>, src: &'a [u8]) -> Option<&'a str> {
    let function = call
        .field("function")
        .or_else(|| call.field("constructor"))?;
    match function.kind() {
        "identifier" => Some(text(function, src)),
        "member_expression" => Some(text(function.field("property")?, src)),
        _ => None,
    }
}

/// The object a method is called on: `res.status(500)` for `res.status(500).json(...)`.
pub fn callee_object(call: Node<'_>) -> Option<Node<'_>> {
    let function = call.field("function")?;
    (function.kind() == "member_expression")
        .then(|| function.field("object"))
        .flatten()
}

/// Whether the call is a tagged template (`sql\`...\``): its arguments are the template.
pub fn is_tagged(call: Node<'_>) -> bool {
    call.field("arguments")
        .is_some_and(|a| a.kind() == "template_string")
}

/// The argument expressions of a call or `new` (comments skipped; empty for tagged templates).
pub fn args(call: Node<'_>) -> Vec<Node<'_>> {
    let Some(arguments) = call.field("arguments") else {
        return Vec::new();
    };
    if arguments.kind() != "arguments" {
        return Vec::new();
    }
    let mut cursor = arguments.walk();
    arguments
        .named_children(&mut cursor)
        .filter(|n| n.kind() != "comment")
        .collect()
}

/// The value of a string literal or a template without substitutions.
pub fn string_value(node: Node<'_>, src: &[u8]) -> Option<String> {
    match node.kind() {
        "string" => Some(unquote(text(node, src)).to_string()),
        "template_string" => {
            let mut cursor = node.walk();
            let dynamic = node
                .named_children(&mut cursor)
                .any(|c| c.kind() == "template_substitution");
            (!dynamic).then(|| unquote(text(node, src)).to_string())
        }
        _ => None,
    }
}

/// String literals of an array literal (all elements must be strings), or of one string.
pub fn string_list(node: Node<'_>, src: &[u8]) -> Option<Vec<String>> {
    if let Some(s) = string_value(node, src) {
        return Some(vec![s]);
    }
    if node.kind() != "array" {
        return None;
    }
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|n| n.kind() != "comment")
        .map(|n| string_value(n, src))
        .collect()
}

/// The key text of an object pair (identifier, string or number key).
pub fn pair_key<'a>(pair: Node<'_>, src: &'a [u8]) -> Option<&'a str> {
    let key = pair.field("key")?;
    Some(match key.kind() {
        "string" => unquote(text(key, src)),
        _ => text(key, src),
    })
}

/// The value of `key` in an object literal; a shorthand property returns its identifier.
pub fn prop<'t>(object: Node<'t>, key: &str, src: &[u8]) -> Option<Node<'t>> {
    if object.kind() != "object" {
        return None;
    }
    let mut cursor = object.walk();
    let children: Vec<Node<'t>> = object.named_children(&mut cursor).collect();
    children.into_iter().find_map(|child| match child.kind() {
        "pair" if pair_key(child, src) == Some(key) => child.field("value"),
        "shorthand_property_identifier" if text(child, src) == key => Some(child),
        "method_definition" if child.field("name").is_some_and(|n| text(n, src) == key) => {
            Some(child)
        }
        _ => None,
    })
}

/// The object literal among a call's arguments at `index` (or `None`).
pub fn object_arg(call: Node<'_>, index: usize) -> Option<Node<'_>> {
    args(call)
        .get(index)
        .copied()
        .filter(|a| a.kind() == "object")
}

/// The name a function is known by: its own name, or the variable/property it is assigned to.
pub fn function_name<'a>(function: Node<'_>, src: &'a [u8]) -> Option<&'a str> {
    if let Some(name) = function.field("name") {
        return Some(text(name, src));
    }
    let parent = function.parent()?;
    match parent.kind() {
        "variable_declarator" => parent.field("name").map(|n| text(n, src)),
        "pair" => pair_key(parent, src),
        "assignment_expression" => {
            let left = parent.field("left")?;
            match left.kind() {
                "member_expression" => left.field("property").map(|n| text(n, src)),
                _ => Some(text(left, src)),
            }
        }
        _ => None,
    }
}

/// The parameter names of a function, in order (patterns and rest parameters by their text).
pub fn param_names<'a>(function: Node<'_>, src: &'a [u8]) -> Vec<&'a str> {
    let params = function
        .field("parameters")
        .or_else(|| function.field("parameter"));
    let Some(params) = params else {
        return Vec::new();
    };
    if params.kind() == "identifier" {
        return vec![text(params, src)];
    }
    let mut cursor = params.walk();
    params
        .named_children(&mut cursor)
        .filter(|p| p.kind() != "comment")
        .map(|p| {
            let inner = p.field("pattern").unwrap_or(p);
            text(inner, src)
        })
        .collect()
}

/// A function's body node (statement block or expression).
pub fn body(function: Node<'_>) -> Option<Node<'_>> {
    function.field("body")
}

/// `process.env.X` / `process.env["X"]` → `X`.
pub fn env_name(node: Node<'_>, src: &[u8]) -> Option<String> {
    match node.kind() {
        "member_expression" => {
            let object = node.field("object")?;
            if path_of(object, src)?.as_str() != "process.env" {
                return None;
            }
            Some(text(node.field("property")?, src).to_string())
        }
        "subscript_expression" => {
            let object = node.field("object")?;
            if path_of(object, src)?.as_str() != "process.env" {
                return None;
            }
            string_value(node.field("index")?, src)
        }
        "non_null_expression" | "parenthesized_expression" => {
            // One level of wrapping is what people write; deeper nesting is not an env read.
            let inner = node.named_child(0)?;
            matches!(inner.kind(), "member_expression" | "subscript_expression")
                .then(|| env_name(inner, src))
                .flatten()
        }
        _ => None,
    }
}

/// `a ?? b` / `a || b`: (left, right).
pub fn fallback_parts<'t>(node: Node<'t>, src: &[u8]) -> Option<(Node<'t>, Node<'t>)> {
    if node.kind() != "binary_expression" {
        return None;
    }
    let op = text(node.field("operator")?, src);
    if op != "??" && op != "||" {
        return None;
    }
    Some((node.field("left")?, node.field("right")?))
}

/// Lower-case with `_` and `-` removed, for matching names (`require_auth` ~ `requireAuth`).
pub fn norm(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether the identifier is written as a constant (`SORT_COLUMNS`, `Role`): upper-case.
pub fn is_constant_name(name: &str) -> bool {
    let mut letters = name.chars().filter(|c| c.is_alphabetic()).peekable();
    letters.peek().is_some() && name.chars().all(|c| !c.is_lowercase())
}
