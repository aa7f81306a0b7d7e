//! Small readers over tree-sitter-java nodes: annotations, string values, call chains and the
//! declarations around a node. Every walk is bounded or iterative.

use crate::syntax::FieldChild;
use crate::syntax::{self, text};
use tree_sitter::Node;

/// Everything an extractor part needs about the file being read.
pub struct Ctx<'a> {
    pub src: &'a [u8],
    pub root: Node<'a>,
    /// The tree's nodes by kind and parent, built once: the parts ask it instead of walking.
    pub index: syntax::NodeIndex<'a>,
}

impl<'a> Ctx<'a> {
    pub fn new(src: &'a [u8], root: Node<'a>) -> Ctx<'a> {
        Ctx {
            src,
            root,
            index: syntax::NodeIndex::new(root),
        }
    }

    pub fn text(&self, node: Node<'_>) -> &'a str {
        text(node, self.src)
    }

    /// Every node of one of `kinds` in the subtree, `root` included, in pre-order.
    pub fn nodes_of(&self, root: Node<'a>, kinds: &[&str]) -> Vec<Node<'a>> {
        self.index.of_kinds(root, kinds)
    }

    /// The nearest ancestor (not the node itself) of one of `kinds`, within [`MAX_CLIMB`]
    /// levels: code deeper than that inside one declaration is generated, not reviewed.
    pub fn ancestor(&self, node: Node<'a>, kinds: &[&str]) -> Option<Node<'a>> {
        self.index
            .ancestors(node)
            .take(MAX_CLIMB)
            .find(|n| kinds.contains(&n.kind()))
    }

    /// The outermost call of the fluent chain `call` belongs to (`a.b().c()` from `a.b()`).
    pub fn chain_top(&self, call: Node<'a>) -> Node<'a> {
        let mut current = call;
        for _ in 0..256 {
            match self.index.parent(current) {
                Some(p)
                    if p.kind() == "method_invocation" && p.field("object") == Some(current) =>
                {
                    current = p
                }
                _ => break,
            }
        }
        current
    }

    /// The method or constructor declaration containing `node`.
    pub fn enclosing_method(&self, node: Node<'a>) -> Option<Node<'a>> {
        self.ancestor(
            node,
            &[
                "method_declaration",
                "constructor_declaration",
                "compact_constructor_declaration",
            ],
        )
    }

    /// The class, enum, record or interface declaration containing `node`.
    pub fn enclosing_class(&self, node: Node<'a>) -> Option<Node<'a>> {
        self.ancestor(
            node,
            &[
                "class_declaration",
                "enum_declaration",
                "record_declaration",
                "interface_declaration",
            ],
        )
    }
}

/// One annotation: `@Name`, `@Name("v")` or `@Name(key = v, ...)`.
pub struct Annotation<'t> {
    pub name: String,
    pub node: Node<'t>,
    /// `(None, v)` for the single unnamed value, `(Some(key), v)` for named ones.
    pub args: Vec<(Option<String>, Node<'t>)>,
}

impl<'t> Annotation<'t> {
    /// The value of `key`, or of the unnamed value when `key` is `value`.
    pub fn arg(&self, key: &str) -> Option<Node<'t>> {
        self.args.iter().find_map(|(k, v)| match k {
            Some(k) if k == key => Some(*v),
            None if key == "value" => Some(*v),
            _ => None,
        })
    }
}

/// Annotations on a declaration (class, method, field, parameter).
pub fn annotations<'t>(decl: Node<'t>, src: &[u8]) -> Vec<Annotation<'t>> {
    let mut out = Vec::new();
    let mut cursor = decl.walk();
    let Some(modifiers) = decl
        .named_children(&mut cursor)
        .find(|c| c.kind() == "modifiers")
    else {
        return out;
    };
    let mut cursor = modifiers.walk();
    for node in modifiers.named_children(&mut cursor) {
        if !matches!(node.kind(), "annotation" | "marker_annotation") {
            continue;
        }
        let Some(name) = node.field("name") else {
            continue;
        };
        // `@org.springframework.web.bind.annotation.GetMapping` → `GetMapping`.
        let name = text(name, src).rsplit('.').next().unwrap_or("").to_string();
        let mut args = Vec::new();
        if let Some(list) = node.field("arguments") {
            let mut c = list.walk();
            for arg in list.named_children(&mut c) {
                if arg.kind() == "element_value_pair" {
                    if let (Some(k), Some(v)) = (arg.field("key"), arg.field("value")) {
                        args.push((Some(text(k, src).to_string()), v));
                    }
                } else if arg.kind() != "comment" {
                    args.push((None, arg));
                }
            }
        }
        out.push(Annotation { name, node, args });
    }
    out
}

pub fn find_annotation<'a, 't>(
    anns: &'a [Annotation<'t>],
    names: &[&str],
) -> Option<&'a Annotation<'t>> {
    anns.iter().find(|a| names.contains(&a.name.as_str()))
}

/// Whether a declaration's modifiers contain `word` (`static`, `final`).
pub fn has_modifier(decl: Node<'_>, word: &str, src: &[u8]) -> bool {
    let mut cursor = decl.walk();
    decl.named_children(&mut cursor)
        .find(|c| c.kind() == "modifiers")
        .is_some_and(|m| {
            let mut c = m.walk();
            m.children(&mut c)
                .any(|k| !k.is_named() && text(k, src) == word)
        })
}

/// The value of a string literal (escapes kept as written), a text block, or a `+`
/// concatenation of them.
pub fn string_value(node: Node<'_>, src: &[u8]) -> Option<String> {
    // Iterative: a generated 10,000-term concatenation must not overflow the stack.
    let mut out = String::new();
    let mut stack = vec![node];
    let mut pieces = 0;
    while let Some(n) = stack.pop() {
        pieces += 1;
        if pieces > 4096 {
            return None;
        }
        match n.kind() {
            "string_literal" => {
                let raw = text(n, src);
                let inner = raw
                    .strip_prefix("\"\"\"")
                    .and_then(|s| s.strip_suffix("\"\"\""))
                    .or_else(|| raw.strip_prefix('"').and_then(|s| s.strip_suffix('"')))?;
                out.push_str(&inner.replace("\\\"", "\""));
            }
            "parenthesized_expression" => stack.push(n.named_child(0)?),
            "binary_expression" if operator(n, src) == "+" => {
                stack.push(n.field("right")?);
                stack.push(n.field("left")?);
            }
            _ => return None,
        }
    }
    Some(out)
}

/// The operator token of a binary expression.
pub fn operator<'a>(node: Node<'_>, src: &'a [u8]) -> &'a str {
    node.field("operator").map(|o| text(o, src)).unwrap_or("")
}

/// Strings of an annotation value: `"a"` or `{"a", "b"}` (constants are not followed).
pub fn string_list(node: Node<'_>, src: &[u8]) -> Option<Vec<String>> {
    if node.kind() == "element_value_array_initializer" || node.kind() == "array_initializer" {
        let mut cursor = node.walk();
        return node
            .named_children(&mut cursor)
            .filter(|c| c.kind() != "comment")
            .map(|c| string_value(c, src))
            .collect();
    }
    string_value(node, src).map(|s| vec![s])
}

/// The arguments of a call or object creation.
pub fn args(call: Node<'_>) -> Vec<Node<'_>> {
    let Some(list) = call.field("arguments") else {
        return Vec::new();
    };
    let mut cursor = list.walk();
    list.named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect()
}

/// The name of a method invocation.
pub fn call_name<'a>(call: Node<'_>, src: &'a [u8]) -> &'a str {
    call.field("name").map(|n| text(n, src)).unwrap_or("")
}

/// The receiver text of a method invocation (`""` for an unqualified call).
pub fn receiver<'a>(call: Node<'_>, src: &'a [u8]) -> &'a str {
    call.field("object").map(|n| text(n, src)).unwrap_or("")
}

/// The simple type name of an object creation (`new java.util.Random()` → `Random`).
pub fn created_type<'a>(creation: Node<'_>, src: &'a [u8]) -> &'a str {
    let ty = creation.field("type").map(|t| text(t, src)).unwrap_or("");
    let ty = ty.split('<').next().unwrap_or(ty);
    ty.rsplit('.').next().unwrap_or(ty).trim()
}

/// A fluent chain ending at `call`, innermost first: `a.b(x).c()` → `[a.b(x), .c()]`, with the
/// root receiver text (`a`).
pub fn chain<'t>(call: Node<'t>, src: &[u8]) -> (String, Vec<Node<'t>>) {
    let mut calls = Vec::new();
    let mut current = call;
    let mut root = String::new();
    for _ in 0..256 {
        if current.kind() != "method_invocation" {
            root = text(current, src).to_string();
            break;
        }
        calls.push(current);
        match current.field("object") {
            Some(object) => current = object,
            None => break,
        }
    }
    calls.reverse();
    (root, calls)
}

/// How far up the tree ancestor searches go (the limit the walk-based searches had: a
/// 10,000-deep expression is generated code, not reviewed).
const MAX_CLIMB: usize = 256;

/// Where a fact about `node` is reported: a call or a method declaration at its name (the line
/// a reader looks for, past annotations and fluent chains), anything else at its start.
pub fn at(node: Node<'_>) -> crate::model::Pos {
    let anchor = if matches!(node.kind(), "method_invocation" | "method_declaration") {
        node.field("name").unwrap_or(node)
    } else {
        node
    };
    syntax::pos(anchor)
}

/// The declared name of a declaration node.
pub fn decl_name<'a>(decl: Node<'_>, src: &'a [u8]) -> &'a str {
    decl.field("name").map(|n| text(n, src)).unwrap_or("")
}

/// The formal parameters of a method: (annotations, type text, name).
pub fn parameters<'t>(
    method: Node<'t>,
    src: &'t [u8],
) -> Vec<(Vec<Annotation<'t>>, &'t str, &'t str, Node<'t>)> {
    let Some(list) = method.field("parameters") else {
        return Vec::new();
    };
    let mut cursor = list.walk();
    list.named_children(&mut cursor)
        .filter(|p| matches!(p.kind(), "formal_parameter" | "spread_parameter"))
        .map(|p| {
            let ty = p.field("type").map(|t| text(t, src)).unwrap_or("");
            let name = p.field("name").map(|t| text(t, src)).unwrap_or("");
            (annotations(p, src), ty, name, p)
        })
        .collect()
}

/// Whether a name (variable, method, field) speaks about credentials or tokens.
pub fn is_secret_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "token",
        "secret",
        "password",
        "passwd",
        "apikey",
        "api_key",
        "otp",
        "nonce",
        "salt",
        "sessionid",
        "session_id",
        "resetcode",
        "reset_code",
        "verificationcode",
        "verification_code",
        "signingkey",
        "signing_key",
    ]
    .iter()
    .any(|w| n.contains(w))
}

/// Parses a test snippet, asserting that the trigger words would let the file be parsed.
#[cfg(test)]
pub fn parse(src: &str) -> tree_sitter::Tree {
    assert!(
        crate::lang::may_have_facts(
            crate::Language::Java,
            "src/main/java/X.java",
            src.as_bytes()
        ),
        "no trigger word in test snippet: {src}"
    );
    crate::parse::parse(crate::Language::Java, src.as_bytes()).expect("parses")
}
