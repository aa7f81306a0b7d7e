//! Rust syntax helpers shared by the extractor's parts: the file context (module path, test
//! ranges), call and method-chain shapes, macro arguments and string literals.

use crate::model::Pos;
use crate::syntax;
use crate::syntax::FieldChild;
use std::collections::HashSet;
use tree_sitter::Node;

/// What every part of the extractor needs about the file being read.
pub struct Ctx<'a> {
    pub path: &'a str,
    pub src: &'a [u8],
    /// Crate root directory (the part of the path before `src/`) and module segments.
    root: String,
    module: Vec<String>,
    /// Byte ranges of `#[cfg(test)]` modules and `#[test]` functions: never production code.
    tests: Vec<(usize, usize)>,
    /// The tree's nodes by kind and parent, built once: the parts ask it instead of each
    /// walking the whole tree.
    pub index: syntax::NodeIndex<'a>,
    /// Ids of the production calls that are the outermost call of their method chain.
    chain_tops: HashSet<usize>,
    /// Byte ranges of `use` declarations (their paths are imports, not calls or values).
    uses: Vec<(usize, usize)>,
}

impl<'a> Ctx<'a> {
    pub fn new(path: &'a str, src: &'a [u8], root_node: Node<'a>) -> Ctx<'a> {
        let (root, module) = module_of_path(path);
        let index = syntax::NodeIndex::new(root_node);
        let tests = test_ranges(&index, src);
        let uses = index
            .of_kind(root_node, "use_declaration")
            .iter()
            .map(|n| (n.start_byte(), n.end_byte()))
            .collect();
        let mut ctx = Ctx {
            path,
            src,
            root,
            module,
            tests,
            index,
            chain_tops: HashSet::new(),
            uses,
        };
        let mut tops = ChainTops::default();
        ctx.chain_tops = ctx
            .production_nodes(root_node, &["call_expression"])
            .into_iter()
            .filter(|n| tops.is_top(*n, src))
            .map(|n| n.id())
            .collect();
        ctx
    }

    /// Whether `call` (a production call of this file) is the outermost call of its chain.
    pub fn is_chain_top(&self, call: Node<'_>) -> bool {
        self.chain_tops.contains(&call.id())
    }

    /// Whether `node` lies inside a `use` declaration.
    pub fn in_use_declaration(&self, node: Node<'_>) -> bool {
        let (s, e) = (node.start_byte(), node.end_byte());
        self.uses.iter().any(|&(us, ue)| s >= us && e <= ue)
    }

    pub fn text(&self, node: Node<'_>) -> &'a str {
        syntax::text(node, self.src)
    }

    pub fn in_test(&self, node: Node<'_>) -> bool {
        let (s, e) = (node.start_byte(), node.end_byte());
        self.tests.iter().any(|&(ts, te)| s >= ts && e <= te)
    }

    /// The nodes of `kinds` under `root` outside test code, in pre-order: what a walk that
    /// skips test modules and functions visits (a node inside a test range is itself in it).
    pub fn production_nodes(&self, root: Node<'a>, kinds: &[&str]) -> Vec<Node<'a>> {
        let mut nodes = self.index.of_kinds(root, kinds);
        nodes.retain(|n| !self.in_test(*n));
        nodes
    }

    /// The scope key of a function: `<crate root>#<module>::<inline mods>::<name>`.
    pub fn fn_key(&self, func: Node<'a>) -> String {
        let name = func.field("name").map(|n| self.text(n)).unwrap_or("");
        let mut segments = self.module.clone();
        let mut inline = Vec::new();
        for n in self.index.ancestors(func) {
            if n.kind() == "mod_item"
                && let Some(m) = n.field("name")
            {
                inline.push(self.text(m).to_string());
            }
        }
        inline.reverse();
        segments.extend(inline);
        segments.push(name.to_string());
        scope_key(&self.root, &segments)
    }

    /// Key of the function enclosing `node` (the file's root scope when none).
    pub fn enclosing_key(&self, node: Node<'a>) -> String {
        match self.index.ancestor_of_kind(node, &["function_item"]) {
            Some(f) => self.fn_key(f),
            None => scope_key(&self.root, &self.module),
        }
    }
}

pub fn scope_key(root: &str, segments: &[String]) -> String {
    format!("{root}#{}", segments.join("::"))
}

/// `crates/api/src/routes/users.rs` → (`crates/api/`, [`routes`, `users`]);
/// `src/main.rs`/`src/lib.rs` → the crate root module; `src/bin/x.rs` is its own crate.
pub fn module_of_path(path: &str) -> (String, Vec<String>) {
    let stem = path.strip_suffix(".rs").unwrap_or(path);
    let (root, rest) = match stem.rfind("src/") {
        Some(i) if i == 0 || stem.as_bytes()[i - 1] == b'/' => (&stem[..i], &stem[i + 4..]),
        _ => match stem.rfind('/') {
            Some(i) => (&stem[..=i], &stem[i + 1..]),
            None => ("", stem),
        },
    };
    if let Some(bin) = rest.strip_prefix("bin/") {
        return (format!("{root}src/bin/{bin}/"), Vec::new());
    }
    let mut segments: Vec<String> = rest.split('/').map(str::to_string).collect();
    if matches!(segments.last().map(String::as_str), Some("mod")) {
        segments.pop();
    }
    if segments.len() == 1 && matches!(segments[0].as_str(), "main" | "lib") {
        segments.clear();
    }
    (root.to_string(), segments)
}

fn test_ranges(index: &syntax::NodeIndex<'_>, src: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    // An attribute item holds no other attribute item: its kind list is the walk's visits.
    for n in index.of_kind(index.root(), "attribute_item") {
        let t = syntax::text(n, src);
        let is_test = t.contains("cfg(test)")
            || t == "#[test]"
            || t.ends_with("::test]")
            || t.starts_with("#[test(");
        if is_test && let Some(item) = next_item(n) {
            out.push((n.start_byte(), item.end_byte()));
        }
    }
    out
}

/// The item an attribute belongs to (skipping further attributes and comments).
pub fn next_item(attr: Node<'_>) -> Option<Node<'_>> {
    let mut s = attr.next_named_sibling();
    while let Some(n) = s {
        if !matches!(
            n.kind(),
            "attribute_item" | "line_comment" | "block_comment"
        ) {
            return Some(n);
        }
        s = n.next_named_sibling();
    }
    None
}

/// The attributes written directly above an item.
pub fn attributes_of<'t>(item: Node<'t>) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let mut s = item.prev_named_sibling();
    while let Some(n) = s {
        match n.kind() {
            "attribute_item" => out.push(n),
            "line_comment" | "block_comment" => {}
            _ => break,
        }
        s = n.prev_named_sibling();
    }
    out.reverse();
    out
}

pub fn enclosing_fn<'t>(ctx: &Ctx<'t>, node: Node<'t>) -> Option<Node<'t>> {
    ctx.index.ancestor_of_kind(node, &["function_item"])
}

/// The callee of a call as written, without generic arguments: `sqlx::query`,
/// `reqwest::get`. A method call gives its method name only: the receiver's text can be a
/// whole chain, and scanning it at every link would be quadratic.
pub fn callee<'a>(call: Node<'_>, src: &'a [u8]) -> &'a str {
    let Some(f) = call.field("function") else {
        return "";
    };
    let f = if f.kind() == "generic_function" {
        f.field("function").unwrap_or(f)
    } else {
        f
    };
    if f.kind() == "field_expression" {
        return f.field("field").map(|n| syntax::text(n, src)).unwrap_or("");
    }
    syntax::text(f, src)
}

/// The method name of `x.method(...)`, or the last path segment of `a::b::f(...)`.
pub fn call_name<'a>(call: Node<'_>, src: &'a [u8]) -> &'a str {
    let Some(mut f) = call.field("function") else {
        return "";
    };
    if f.kind() == "generic_function"
        && let Some(inner) = f.field("function")
    {
        f = inner;
    }
    match f.kind() {
        "field_expression" => f.field("field").map(|n| syntax::text(n, src)).unwrap_or(""),
        "scoped_identifier" => f.field("name").map(|n| syntax::text(n, src)).unwrap_or(""),
        _ => syntax::text(f, src),
    }
}

/// The receiver of a method call `recv.method(...)`.
pub fn receiver(call: Node<'_>) -> Option<Node<'_>> {
    let mut f = call.field("function")?;
    if f.kind() == "generic_function" {
        f = f.field("function")?;
    }
    (f.kind() == "field_expression")
        .then(|| f.field("value"))
        .flatten()
}

/// The named argument nodes of a call.
pub fn args(call: Node<'_>) -> Vec<Node<'_>> {
    let Some(a) = call.field("arguments") else {
        return Vec::new();
    };
    let mut cursor = a.walk();
    a.named_children(&mut cursor)
        .filter(|n| {
            !matches!(
                n.kind(),
                "line_comment" | "block_comment" | "attribute_item"
            )
        })
        .collect()
}

/// One link of a method chain: the method name, its call node.
pub struct Link<'t, 's> {
    /// Borrowed from the source: chains are split per call, so no allocation per link.
    pub method: &'s str,
    pub call: Node<'t>,
}

/// Splits `base.a(..).b(..)` into its base expression and links in source order. The walk
/// goes down receivers iteratively, so a 10,000-link chain is fine.
pub fn chain<'t, 's>(top: Node<'t>, src: &'s [u8]) -> (Node<'t>, Vec<Link<'t, 's>>) {
    let mut links = Vec::new();
    let mut node = top;
    loop {
        if node.kind() == "call_expression"
            && let Some(recv) = receiver(node)
        {
            links.push(Link {
                method: call_name(node, src),
                call: node,
            });
            node = recv;
            continue;
        }
        if matches!(node.kind(), "try_expression" | "await_expression")
            && let Some(inner) = node.named_child(0)
        {
            node = inner;
            continue;
        }
        break;
    }
    links.reverse();
    (node, links)
}

/// Finds the outermost call of each method chain during a pre-order walk without asking
/// tree-sitter for parents (a parent lookup descends from the root: quadratic on long chains).
#[derive(Default)]
struct ChainTops {
    inner: HashSet<usize>,
}

impl ChainTops {
    /// Call for every `call_expression` in pre-order: whether it is its chain's outermost call.
    fn is_top(&mut self, call: Node<'_>, src: &[u8]) -> bool {
        if self.inner.remove(&call.id()) {
            return false;
        }
        let (base, links) = chain(call, src);
        for link in &links {
            if link.call.id() != call.id() {
                self.inner.insert(link.call.id());
            }
        }
        // The chain's first call (`Client::builder()`) is part of it too.
        if base.id() != call.id() {
            self.inner.insert(base.id());
        }
        true
    }
}

/// The outermost call of the method chain `node` is part of.
pub fn chain_top<'t>(ctx: &Ctx<'t>, node: Node<'t>) -> Node<'t> {
    let mut top = node;
    while let Some(p) = ctx.index.parent(top) {
        let call = ctx
            .index
            .parent(p)
            .filter(|c| c.kind() == "call_expression");
        let is_receiver = p.kind() == "field_expression" && p.field("value") == Some(top);
        let is_wrapper = matches!(p.kind(), "try_expression" | "await_expression");
        if let Some(call) = call.filter(|_| is_receiver) {
            top = call;
        } else if is_wrapper {
            top = p;
        } else {
            break;
        }
    }
    top
}

/// The text of a string literal's content (`"x"`, `r#"x"#`), or None when not a literal.
pub fn string_value<'a>(node: Node<'_>, src: &'a [u8]) -> Option<&'a str> {
    match node.kind() {
        "string_literal" | "raw_string_literal" => {
            let mut cursor = node.walk();
            let content = node
                .named_children(&mut cursor)
                .find(|c| c.kind() == "string_content");
            Some(content.map(|c| syntax::text(c, src)).unwrap_or(""))
        }
        _ => None,
    }
}

/// A literal string possibly wrapped in `.to_string()`, `.into()`, `String::from(..)`,
/// `.to_owned()`, `&`: its content.
pub fn literal_string<'a>(node: Node<'_>, src: &'a [u8]) -> Option<&'a str> {
    let mut n = node;
    for _ in 0..4 {
        if let Some(s) = string_value(n, src) {
            return Some(s);
        }
        match n.kind() {
            "reference_expression" => n = n.field("value")?,
            "call_expression" => {
                let name = call_name(n, src);
                if let Some(recv) = receiver(n) {
                    if !matches!(name, "to_string" | "into" | "to_owned" | "parse" | "unwrap") {
                        return None;
                    }
                    n = recv;
                } else if matches!(callee(n, src), "String::from" | "HeaderValue::from_static") {
                    n = *args(n).first()?;
                } else {
                    return None;
                }
            }
            _ => return None,
        }
    }
    None
}

/// Macro name without path (`format` for `std::format!`).
pub fn macro_name<'a>(mac: Node<'_>, src: &'a [u8]) -> &'a str {
    let t = mac
        .field("macro")
        .map(|n| syntax::text(n, src))
        .unwrap_or("");
    t.rsplit("::").next().unwrap_or(t)
}

/// A macro's arguments split at top-level commas (text of each).
pub fn macro_args<'a>(mac: Node<'_>, src: &'a [u8]) -> Vec<&'a str> {
    let mut cursor = mac.walk();
    let Some(tt) = mac
        .named_children(&mut cursor)
        .find(|c| c.kind() == "token_tree")
    else {
        return Vec::new();
    };
    let t = syntax::text(tt, src);
    if t.len() < 2 {
        return Vec::new();
    }
    split_top_level(&t[1..t.len() - 1])
}

/// Splits at commas outside brackets and string literals.
pub fn split_top_level(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start, mut in_str, mut escaped) = (0i32, 0usize, false, false);
    for (i, c) in s.char_indices() {
        if in_str {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(s[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    let last = s[start..].trim();
    if !last.is_empty() {
        out.push(last);
    }
    out
}

/// Unquotes a string literal written as text (`"abc"` → `abc`), None when it is not one.
pub fn unquote_text(t: &str) -> Option<&str> {
    let t = t.trim();
    if t.len() >= 2 && t.starts_with('"') && t.ends_with('"') {
        return Some(&t[1..t.len() - 1]);
    }
    None
}

/// The identifiers a `format!`-style macro interpolates: inline `{name}` captures and the
/// positional/named arguments after the format string (as expression text).
pub fn format_inputs(mac: Node<'_>, src: &[u8]) -> Option<(String, Vec<String>)> {
    let args = macro_args(mac, src);
    let fmt = unquote_text(args.first()?)?.to_string();
    let mut inputs: Vec<String> = args[1..]
        .iter()
        .map(|a| match a.split_once('=') {
            Some((name, value)) if is_ident(name.trim()) && !value.starts_with('=') => {
                value.trim().to_string()
            }
            _ => a.to_string(),
        })
        .collect();
    let mut rest = fmt.as_str();
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        if let Some(stripped) = after.strip_prefix('{') {
            rest = stripped;
            continue;
        }
        let end = after.find('}').unwrap_or(after.len());
        let name = after[..end].split(':').next().unwrap_or("").trim();
        if is_ident(name) && !name.chars().all(|c| c.is_ascii_digit()) {
            inputs.push(name.to_string());
        }
        rest = &after[end.min(after.len())..];
    }
    Some((fmt, inputs))
}

pub fn is_ident(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !s.starts_with(|c: char| c.is_ascii_digit())
}

/// A `SCREAMING_CASE` name: a constant.
pub fn is_const_name(s: &str) -> bool {
    let last = s.rsplit("::").next().unwrap_or(s);
    last.chars().any(|c| c.is_ascii_uppercase())
        && last
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// The root identifier of an expression written as text: `body.url.as_str()` → `body`.
pub fn root_ident(expr: &str) -> &str {
    let e = expr.trim().trim_start_matches(['&', '*']).trim();
    let e = e.strip_prefix("mut ").unwrap_or(e);
    let end = e
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(e.len());
    &e[..end]
}

/// The text of the first descendant of `kind` (pre-order).
pub fn descendant_text_of_kind<'a>(node: Node<'_>, kind: &str, src: &'a [u8]) -> Option<&'a str> {
    let mut found = None;
    syntax::walk(node, |n| {
        if found.is_none() && n.kind() == kind {
            found = Some(syntax::text(n, src));
        }
        found.is_none()
    });
    found
}

pub fn pos(node: Node<'_>) -> Pos {
    syntax::pos(node)
}

/// Functions of the file (outside tests), by name.
pub fn functions<'t>(root: Node<'t>, ctx: &Ctx<'t>) -> Vec<Node<'t>> {
    ctx.production_nodes(root, &["function_item"])
}

/// The `let` in the enclosing function that binds `name` before `at` (the last one).
pub fn local_binding<'t>(ctx: &Ctx<'t>, at: Node<'t>, name: &str) -> Option<Node<'t>> {
    let src = ctx.src;
    let func = enclosing_fn(ctx, at)?;
    let body = func.field("body")?;
    let mut found = None;
    for n in ctx.index.of_kind(body, "let_declaration") {
        if n.start_byte() >= at.start_byte() {
            break;
        }
        if let Some(p) = n.field("pattern") {
            let p = if p.kind() == "mut_pattern" {
                p.named_child(0).unwrap_or(p)
            } else {
                p
            };
            if p.kind() == "identifier" && syntax::text(p, src) == name {
                found = n.field("value");
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_paths() {
        assert_eq!(
            module_of_path("crates/api/src/routes/users.rs"),
            ("crates/api/".into(), vec!["routes".into(), "users".into()])
        );
        assert_eq!(module_of_path("src/main.rs"), ("".into(), vec![]));
        assert_eq!(
            module_of_path("src/routes/mod.rs"),
            ("".into(), vec!["routes".into()])
        );
        assert_eq!(
            module_of_path("src/bin/worker.rs"),
            ("src/bin/worker/".into(), vec![])
        );
    }

    #[test]
    fn splits_and_reads_format_inputs() {
        assert_eq!(
            split_top_level(r#""a, {}", f(x, y), z"#),
            vec![r#""a, {}""#, "f(x, y)", "z"]
        );
        assert_eq!(root_ident("&body.url.as_str()"), "body");
        assert!(is_const_name("SORT_COLUMNS"));
        assert!(!is_const_name("sort"));
    }
}
