//! One pass over a Python tree: the nodes the extractors look at, grouped by kind, plus the
//! file's imports, and small readers over calls, strings and values.

use crate::model::{FileCode, Value};
use crate::syntax;
use crate::syntax::FieldChild;
use std::collections::HashMap;
use tree_sitter::Node;

pub struct Ctx<'t> {
    pub path: &'t str,
    pub src: &'t [u8],
    pub root: Node<'t>,
    /// Local name → dotted origin (`np` → `numpy`, `Flask` → `flask.Flask`,
    /// `users` → `app.routers.users` with relative imports made absolute).
    pub imports: HashMap<String, String>,
    pub calls: Vec<Node<'t>>,
    pub functions: Vec<Node<'t>>,
    pub classes: Vec<Node<'t>>,
    pub assignments: Vec<Node<'t>>,
    pub comparisons: Vec<Node<'t>>,
    pub excepts: Vec<Node<'t>>,
    /// `with X(...) as name` targets.
    pub as_patterns: Vec<Node<'t>>,
    /// Module-level `NAME = value` by name (aliases such as `CurrentUser = Annotated[...]`).
    pub module_assignments: HashMap<&'t str, Node<'t>>,
}

impl<'t> Ctx<'t> {
    pub fn new(path: &'t str, src: &'t [u8], root: Node<'t>) -> Ctx<'t> {
        let mut ctx = Ctx {
            path,
            src,
            root,
            imports: HashMap::new(),
            calls: Vec::new(),
            functions: Vec::new(),
            classes: Vec::new(),
            assignments: Vec::new(),
            comparisons: Vec::new(),
            excepts: Vec::new(),
            as_patterns: Vec::new(),
            module_assignments: HashMap::new(),
        };
        let mut import_nodes = Vec::new();
        syntax::walk(root, |n| {
            match n.kind() {
                "call" => ctx.calls.push(n),
                "function_definition" => ctx.functions.push(n),
                "class_definition" => ctx.classes.push(n),
                "assignment" => ctx.assignments.push(n),
                "comparison_operator" => ctx.comparisons.push(n),
                "except_clause" => ctx.excepts.push(n),
                "as_pattern" => ctx.as_patterns.push(n),
                "import_statement" | "import_from_statement" => import_nodes.push(n),
                _ => {}
            }
            true
        });
        for node in import_nodes {
            ctx.read_import(node);
        }
        for &assign in &ctx.assignments {
            let at_top = assign
                .parent()
                .and_then(|p| p.parent())
                .is_some_and(|m| m.kind() == "module");
            if let Some(left) = assign.field("left")
                && at_top
                && left.kind() == "identifier"
            {
                ctx.module_assignments
                    .insert(syntax::text(left, src), assign);
            }
        }
        ctx
    }

    pub fn text(&self, node: Node<'_>) -> &'t str {
        syntax::text(node, self.src)
    }

    fn read_import(&mut self, node: Node<'_>) {
        let mut cursor = node.walk();
        if node.kind() == "import_statement" {
            for child in node.named_children(&mut cursor) {
                match child.kind() {
                    "dotted_name" => {
                        let full = self.text(child).to_string();
                        let first = full.split('.').next().unwrap_or("").to_string();
                        self.imports.insert(first.clone(), first);
                    }
                    "aliased_import" => {
                        if let (Some(name), Some(alias)) =
                            (child.field("name"), child.field("alias"))
                        {
                            let full = self.text(name).to_string();
                            self.imports.insert(self.text(alias).to_string(), full);
                        }
                    }
                    _ => {}
                }
            }
            return;
        }
        let Some(module) = node.field("module_name") else {
            return;
        };
        let module = self.absolute_module(self.text(module));
        for child in node.children_by_field_name("name", &mut cursor) {
            let (name, local) = match child.kind() {
                "aliased_import" => {
                    let (Some(n), Some(a)) = (child.field("name"), child.field("alias")) else {
                        continue;
                    };
                    (self.text(n).to_string(), self.text(a).to_string())
                }
                _ => {
                    let n = self.text(child).to_string();
                    (n.clone(), n)
                }
            };
            let origin = if module.is_empty() {
                name
            } else {
                format!("{module}.{name}")
            };
            self.imports.insert(local, origin);
        }
    }

    /// `.routers` in `app/main.py` → `app.routers`; absolute names are kept.
    fn absolute_module(&self, module: &str) -> String {
        let dots = module.chars().take_while(|&c| c == '.').count();
        if dots == 0 {
            return module.to_string();
        }
        let mut package: Vec<&str> = self.path.split('/').collect();
        package.pop();
        for _ in 1..dots {
            package.pop();
        }
        let rest = &module[dots..];
        let mut parts: Vec<&str> = package;
        if !rest.is_empty() {
            parts.push(rest);
        }
        parts.join(".")
    }

    pub fn imports_any(&self, prefixes: &[&str]) -> bool {
        self.imports.values().any(|v| {
            prefixes.iter().any(|p| {
                v.strip_prefix(p)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
            })
        })
    }

    /// The dotted name of a call's function with its first segment resolved through the
    /// imports: `jwt.decode` → `jwt.decode`, `yaml.load` → `yaml.load`, `load` (imported from
    /// pickle) → `pickle.load`. Calls on expressions that are not names give their text.
    pub fn qualified(&self, call: Node<'_>) -> String {
        let Some(f) = call.field("function") else {
            return String::new();
        };
        self.qualify(self.text(f))
    }

    /// A dotted name as written, with its first segment resolved through the imports.
    pub fn qualify(&self, name: &str) -> String {
        let (first, rest) = match name.split_once('.') {
            Some((a, b)) => (a, Some(b)),
            None => (name, None),
        };
        match (self.imports.get(first), rest) {
            (Some(origin), Some(rest)) => format!("{origin}.{rest}"),
            (Some(origin), None) => origin.clone(),
            (None, _) => name.to_string(),
        }
    }
}

/// The called name as written (`cursor.execute`), or "" for computed callees.
pub fn callee<'a>(call: Node<'_>, src: &'a [u8]) -> &'a str {
    call.field("function")
        .map(|f| syntax::text(f, src))
        .unwrap_or("")
}

/// The last segment of the callee (`execute` for `self.db.cursor().execute`).
pub fn method<'a>(call: Node<'_>, src: &'a [u8]) -> &'a str {
    match call.field("function") {
        Some(f) if f.kind() == "attribute" => f
            .field("attribute")
            .map(|a| syntax::text(a, src))
            .unwrap_or(""),
        Some(f) if f.kind() == "identifier" => syntax::text(f, src),
        _ => "",
    }
}

/// The object a method is called on (`cursor` in `cursor.execute(...)`).
pub fn receiver(call: Node<'_>) -> Option<Node<'_>> {
    let f = call.field("function")?;
    (f.kind() == "attribute")
        .then(|| f.field("object"))
        .flatten()
}

/// Positional arguments of a call.
pub fn args(call: Node<'_>) -> Vec<Node<'_>> {
    let Some(list) = call.field("arguments") else {
        return Vec::new();
    };
    let mut cursor = list.walk();
    list.named_children(&mut cursor)
        .filter(|c| !matches!(c.kind(), "keyword_argument" | "comment"))
        .collect()
}

/// The value of keyword argument `name`.
pub fn kwarg<'t>(call: Node<'t>, src: &[u8], name: &str) -> Option<Node<'t>> {
    let list = call.field("arguments")?;
    let mut cursor = list.walk();
    list.named_children(&mut cursor)
        .filter(|c| c.kind() == "keyword_argument")
        .find(|c| {
            c.field("name")
                .is_some_and(|n| syntax::text(n, src) == name)
        })
        .and_then(|c| c.field("value"))
}

/// Keyword argument `name`, or positional argument `index` when it is not given by name.
pub fn arg<'t>(call: Node<'t>, src: &[u8], index: usize, name: &str) -> Option<Node<'t>> {
    kwarg(call, src, name).or_else(|| args(call).get(index).copied())
}

/// The text of a plain string literal (no interpolation), implicit concatenation joined.
pub fn literal(node: Node<'_>, src: &[u8]) -> Option<String> {
    match node.kind() {
        "string" => {
            let mut cursor = node.walk();
            if node
                .named_children(&mut cursor)
                .any(|c| c.kind() == "interpolation")
            {
                return None;
            }
            Some(syntax::unquote(syntax::text(node, src)).to_string())
        }
        "concatenated_string" => {
            let mut cursor = node.walk();
            let parts: Option<Vec<String>> = node
                .named_children(&mut cursor)
                .map(|c| literal(c, src))
                .collect();
            parts.map(|p| p.concat())
        }
        "parenthesized_expression" => node.named_child(0).and_then(|c| literal(c, src)),
        _ => None,
    }
}

pub fn is_true(node: Option<Node<'_>>) -> bool {
    node.is_some_and(|n| n.kind() == "true")
}

/// Literal strings of a list/tuple/set (None when an element is not a literal).
pub fn literal_list(node: Node<'_>, src: &[u8]) -> Option<Vec<String>> {
    if !matches!(node.kind(), "list" | "tuple" | "set") {
        return None;
    }
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .map(|c| literal(c, src))
        .collect()
}

/// An environment read: `os.getenv("N", "d")`, `os.environ.get("N")`, `os.environ["N"]`,
/// `environ.get(...)`, `config("N", default=...)` (python-decouple), `env("N", default=...)`.
pub fn env_read(node: Node<'_>, src: &[u8]) -> Option<(String, Option<String>)> {
    match node.kind() {
        "call" => {
            let name = callee(node, src);
            let is_env = matches!(
                name,
                "os.getenv" | "getenv" | "os.environ.get" | "environ.get" | "env.str" | "env"
            ) || (name == "config" && kwarg(node, src, "default").is_some());
            if !is_env {
                return None;
            }
            let var = literal(*args(node).first()?, src)?;
            let default = arg(node, src, 1, "default").and_then(|d| literal(d, src));
            Some((var, default))
        }
        "subscript" => {
            let value = node.field("value")?;
            if !matches!(syntax::text(value, src), "os.environ" | "environ") {
                return None;
            }
            let key = node.field("subscript")?;
            Some((literal(key, src)?, None))
        }
        _ => None,
    }
}

/// What a value expression is, as far as this file tells.
pub fn value_of(node: Node<'_>, src: &[u8]) -> Value {
    if let Some(s) = literal(node, src) {
        return Value::Literal(s);
    }
    if let Some(list) = literal_list(node, src) {
        return Value::List(list);
    }
    if let Some((name, default)) = env_read(node, src) {
        return Value::Env { name, default };
    }
    match node.kind() {
        "identifier" => Value::Config(syntax::text(node, src).to_ascii_lowercase()),
        "attribute" => node
            .field("attribute")
            .map(|a| Value::Config(syntax::text(a, src).to_ascii_lowercase()))
            .unwrap_or(Value::Unknown),
        // `os.getenv("X", "*").split(",")` and `[o.strip() for o in ...split(",")]`.
        "call" if method(node, src) == "split" => receiver(node)
            .map(|r| value_of(r, src))
            .unwrap_or(Value::Unknown),
        "list_comprehension" => {
            let mut cursor = node.walk();
            node.named_children(&mut cursor)
                .find(|c| c.kind() == "for_in_clause")
                .and_then(|f| f.field("right"))
                .map(|r| value_of(r, src))
                .unwrap_or(Value::Unknown)
        }
        "parenthesized_expression" => node
            .named_child(0)
            .map(|c| value_of(c, src))
            .unwrap_or(Value::Unknown),
        _ => Value::Unknown,
    }
}

/// The innermost function definition around `node`.
pub fn enclosing_function(node: Node<'_>) -> Option<Node<'_>> {
    syntax::ancestor_of_kind(node, &["function_definition"])
}

/// Decorators of a function or class definition (empty when undecorated).
pub fn decorators(def: Node<'_>) -> Vec<Node<'_>> {
    match def.parent() {
        Some(p) if p.kind() == "decorated_definition" => {
            let mut cursor = p.walk();
            p.named_children(&mut cursor)
                .filter(|c| c.kind() == "decorator")
                .collect()
        }
        _ => Vec::new(),
    }
}

/// The expression inside a decorator (`app.get("/x")` for `@app.get("/x")`).
pub fn decorator_expr(decorator: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = decorator.walk();
    decorator
        .named_children(&mut cursor)
        .find(|c| c.kind() != "comment")
}

pub fn function_name<'a>(def: Node<'_>, src: &'a [u8]) -> &'a str {
    def.field("name")
        .map(|n| syntax::text(n, src))
        .unwrap_or("")
}

/// Parameter names of a function definition.
pub fn parameters<'t>(def: Node<'t>, src: &[u8]) -> Vec<(String, Node<'t>)> {
    let Some(params) = def.field("parameters") else {
        return Vec::new();
    };
    let mut cursor = params.walk();
    params
        .named_children(&mut cursor)
        .filter_map(|p| {
            let name = match p.kind() {
                "identifier" => syntax::text(p, src).to_string(),
                "typed_parameter" => p.named_child(0).map(|n| syntax::text(n, src).to_string())?,
                _ => p.field("name").map(|n| syntax::text(n, src).to_string())?,
            };
            Some((name, p))
        })
        .collect()
}

/// Whether `node` sits in a module-level `if __name__ == "__main__":` block.
pub fn in_main_block(node: Node<'_>, src: &[u8]) -> bool {
    let mut current = node.parent();
    while let Some(n) = current {
        if n.kind() == "if_statement"
            && n.field("condition").is_some_and(|c| {
                let t = syntax::text(c, src);
                t.contains("__name__") && t.contains("__main__")
            })
        {
            return true;
        }
        current = n.parent();
    }
    false
}

/// Whether the node is at module level (not inside a function or class body).
pub fn at_module_level(node: Node<'_>) -> bool {
    syntax::ancestor_of_kind(node, &["function_definition", "class_definition"]).is_none()
}

/// Records a fact at `node`.
pub fn fact(out: &mut FileCode, kind: crate::model::FactKind, node: Node<'_>, detail: &str) {
    out.facts
        .push(crate::model::Fact::new(kind, syntax::pos(node), detail));
}
