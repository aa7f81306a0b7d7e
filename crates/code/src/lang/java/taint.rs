//! Whether a string built from parts can carry caller-controlled text: constants, numbers,
//! enums declared in the file, values looked up in a `static final` allow-list (`SORT.get(k)`)
//! and variables checked against one (`ALLOWED.contains(sort)`) are safe; anything else is not.
//! Locals are followed a few hops inside the enclosing method.

use super::ast::{self, Ctx};
use crate::syntax::FieldChild;
use tree_sitter::Node;

const SAFE_TYPES: &[&str] = &[
    "int",
    "long",
    "short",
    "byte",
    "double",
    "float",
    "boolean",
    "char",
    "Integer",
    "Long",
    "Short",
    "Byte",
    "Double",
    "Float",
    "Boolean",
    "BigDecimal",
    "BigInteger",
    "UUID",
    "LocalDate",
    "LocalDateTime",
    "Instant",
    "OffsetDateTime",
];

/// Names of enums declared in the file.
pub fn enums(ctx: &Ctx<'_>) -> Vec<String> {
    ctx.nodes_of(ctx.root, &["enum_declaration"])
        .into_iter()
        .map(|e| ast::decl_name(e, ctx.src).to_string())
        .collect()
}

pub struct Taint<'c, 'a> {
    pub ctx: &'c Ctx<'a>,
    pub enums: &'c [String],
}

impl<'a> Taint<'_, 'a> {
    /// The parts of a `+` chain, flattened left to right.
    pub fn operands(&self, node: Node<'a>) -> Vec<Node<'a>> {
        let mut out = Vec::new();
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            if out.len() > 256 {
                break;
            }
            if n.kind() == "binary_expression"
                && ast::operator(n, self.ctx.src) == "+"
                && let (Some(l), Some(r)) = (n.field("left"), n.field("right"))
            {
                stack.push(r);
                stack.push(l);
                continue;
            }
            if n.kind() == "parenthesized_expression"
                && let Some(inner) = n.named_child(0)
            {
                stack.push(inner);
                continue;
            }
            out.push(n);
        }
        out
    }

    /// How `expr` builds text from an unsafe part, following locals: `None` when it does not.
    /// `looks_right` says whether the literal text of the build is the kind that matters (SQL).
    pub fn unsafe_build(
        &self,
        expr: Node<'a>,
        looks_right: &dyn Fn(&str) -> bool,
    ) -> Option<String> {
        self.unsafe_build_depth(expr, looks_right, 0)
    }

    fn unsafe_build_depth(
        &self,
        expr: Node<'a>,
        looks_right: &dyn Fn(&str) -> bool,
        depth: u32,
    ) -> Option<String> {
        if depth > 3 {
            return None;
        }
        let src = self.ctx.src;
        match expr.kind() {
            "binary_expression" if ast::operator(expr, src) == "+" => {
                let parts = self.operands(expr);
                let literal: String = parts
                    .iter()
                    .filter_map(|p| ast::string_value(*p, src))
                    .collect();
                let unsafe_part = parts.iter().find(|p| !self.is_safe(**p, depth))?;
                looks_right(&literal).then(|| {
                    format!(
                        "string concatenation with `{}`",
                        self.ctx.text(*unsafe_part)
                    )
                })
            }
            "method_invocation" => {
                let name = ast::call_name(expr, src);
                let recv = ast::receiver(expr, src);
                let args = ast::args(expr);
                if recv == "String" && name == "format" {
                    let fmt = args.first().and_then(|a| ast::string_value(*a, src))?;
                    let unsafe_part = args[1..].iter().find(|a| !self.is_safe(**a, depth))?;
                    return (looks_right(&fmt) && fmt.contains('%'))
                        .then(|| format!("String.format with `{}`", self.ctx.text(*unsafe_part)));
                }
                if name == "formatted" {
                    let fmt = expr
                        .field("object")
                        .and_then(|o| ast::string_value(o, src))?;
                    let unsafe_part = args.iter().find(|a| !self.is_safe(**a, depth))?;
                    return looks_right(&fmt).then(|| {
                        format!("String.formatted with `{}`", self.ctx.text(*unsafe_part))
                    });
                }
                if name == "toString" && args.is_empty() {
                    let object = expr.field("object")?;
                    if object.kind() == "identifier" {
                        return self.builder_taint(expr, self.ctx.text(object), looks_right, depth);
                    }
                }
                None
            }
            "identifier" => {
                let name = self.ctx.text(expr);
                let method = self.ctx.enclosing_method(expr)?;
                let defs = self.assignments(method, name, expr);
                let literal: String = defs.iter().map(|(v, _)| self.literal_text(*v)).collect();
                if !looks_right(&literal) {
                    return defs
                        .iter()
                        .find_map(|(v, _)| self.unsafe_build_depth(*v, looks_right, depth + 1));
                }
                defs.iter()
                    .find_map(|(v, _)| self.unsafe_build_depth(*v, &|_| true, depth + 1))
            }
            "parenthesized_expression" => {
                let mut inner = expr;
                for _ in 0..64 {
                    if inner.kind() != "parenthesized_expression" {
                        break;
                    }
                    inner = inner.named_child(0)?;
                }
                if inner.kind() == "parenthesized_expression" {
                    return None;
                }
                self.unsafe_build_depth(inner, looks_right, depth)
            }
            _ => None,
        }
    }

    /// The literal text a value is built from (its string parts, or its format string).
    fn literal_text(&self, value: Node<'a>) -> String {
        let src = self.ctx.src;
        if value.kind() == "method_invocation" {
            let args = ast::args(value);
            return match ast::call_name(value, src) {
                "format" => args.first().and_then(|a| ast::string_value(*a, src)),
                "formatted" => value
                    .field("object")
                    .and_then(|o| ast::string_value(o, src)),
                _ => None,
            }
            .unwrap_or_default();
        }
        self.operands(value)
            .iter()
            .filter_map(|p| ast::string_value(*p, src))
            .collect()
    }

    /// `StringBuilder sb = new StringBuilder("SELECT ..."); sb.append(x); ... sb.toString()`.
    fn builder_taint(
        &self,
        at: Node<'a>,
        var: &str,
        looks_right: &dyn Fn(&str) -> bool,
        depth: u32,
    ) -> Option<String> {
        let method = self.ctx.enclosing_method(at)?;
        let src = self.ctx.src;
        let mut literal = String::new();
        let mut unsafe_part = None;
        for call in self
            .ctx
            .nodes_of(method, &["method_invocation", "object_creation_expression"])
        {
            if call.start_byte() > at.start_byte() {
                break;
            }
            let is_append = call.kind() == "method_invocation"
                && ast::call_name(call, src) == "append"
                && ast::chain(call, src).0 == var;
            let is_init = call.kind() == "object_creation_expression"
                && ast::created_type(call, src) == "StringBuilder"
                && self
                    .ctx
                    .ancestor(call, &["variable_declarator"])
                    .and_then(|d| d.field("name"))
                    .is_some_and(|n| self.ctx.text(n) == var);
            if !is_append && !is_init {
                continue;
            }
            for arg in ast::args(call) {
                if let Some(s) = ast::string_value(arg, src) {
                    literal.push_str(&s);
                } else if unsafe_part.is_none() && !self.is_safe(arg, depth) {
                    unsafe_part = Some(self.ctx.text(arg).to_string());
                }
            }
        }
        let part = unsafe_part?;
        looks_right(&literal).then(|| format!("StringBuilder appending `{part}`"))
    }

    /// Initialisers and assignments (`=`, `+=`) of a local before `before`, in order.
    fn assignments(&self, method: Node<'a>, name: &str, before: Node<'a>) -> Vec<(Node<'a>, bool)> {
        let mut out = Vec::new();
        for node in self
            .ctx
            .nodes_of(method, &["variable_declarator", "assignment_expression"])
        {
            if node.start_byte() >= before.start_byte() {
                break;
            }
            if node.kind() == "variable_declarator" {
                if node.field("name").is_some_and(|n| self.ctx.text(n) == name)
                    && let Some(v) = node.field("value")
                {
                    out.push((v, false));
                }
            } else if node.field("left").is_some_and(|l| self.ctx.text(l) == name)
                && let Some(v) = node.field("right")
            {
                let append = ast::operator(node, self.ctx.src) == "+=";
                out.push((v, append));
            }
        }
        out
    }

    /// Whether one part cannot carry caller-controlled text.
    pub fn is_safe(&self, part: Node<'a>, depth: u32) -> bool {
        self.is_safe_nested(part, depth, 0)
    }

    /// `nest` bounds the recursion into sub-expressions (parentheses, ternaries, call
    /// arguments): past it, a part counts as unsafe.
    fn is_safe_nested(&self, part: Node<'a>, depth: u32, nest: u32) -> bool {
        if nest > 64 {
            return false;
        }
        let inner = |p: Node<'a>| self.is_safe_nested(p, depth, nest + 1);
        let src = self.ctx.src;
        let t = self.ctx.text(part);
        match part.kind() {
            "string_literal"
            | "decimal_integer_literal"
            | "hex_integer_literal"
            | "decimal_floating_point_literal"
            | "true"
            | "false"
            | "null_literal"
            | "character_literal"
            | "class_literal" => true,
            "parenthesized_expression" => part.named_child(0).is_some_and(inner),
            "binary_expression" => {
                ast::operator(part, src) != "+" || self.operands(part).into_iter().all(inner)
            }
            "ternary_expression" => ["consequence", "alternative"]
                .iter()
                .all(|f| part.child_by_field_name(f).is_some_and(inner)),
            "cast_expression" => part
                .field("type")
                .is_some_and(|ty| SAFE_TYPES.contains(&self.ctx.text(ty))),
            "identifier" => self.safe_identifier(part, depth),
            "field_access" => {
                let field = part.field("field").map(|f| self.ctx.text(f)).unwrap_or("");
                let on_this = part.field("object").is_some_and(|o| o.kind() == "this");
                is_constant_name(field) || (on_this && self.is_config_field(part, field))
            }
            "method_invocation" => {
                let name = ast::call_name(part, src);
                let (root, _) = ast::chain(part, src);
                // `String.valueOf(id)`, `status.trim()`: as safe as what they convert.
                let converts = matches!(
                    name,
                    "valueOf" | "toString" | "trim" | "strip" | "toUpperCase" | "toLowerCase"
                );
                let object_safe = part.field("object").is_none_or(|o| {
                    (o.kind() == "identifier" && self.ctx.text(o) == "String") || inner(o)
                });
                if converts && object_safe && ast::args(part).into_iter().all(inner) {
                    return true;
                }
                matches!(
                    name,
                    "size"
                        | "length"
                        | "count"
                        | "ordinal"
                        | "parseInt"
                        | "parseLong"
                        | "hashCode"
                        | "getId"
                        | "id"
                ) || is_constant_name(root.rsplit('.').next().unwrap_or(&root))
                    || self.enums.contains(&root)
                    || (root.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                        && self
                            .declared_type(part, &root)
                            .is_some_and(|ty| self.enums.contains(&ty)))
            }
            _ => t.is_empty(),
        }
    }

    fn safe_identifier(&self, ident: Node<'a>, depth: u32) -> bool {
        let name = self.ctx.text(ident);
        if is_constant_name(name) {
            return true;
        }
        if let Some(ty) = self.declared_type(ident, name)
            && (SAFE_TYPES.contains(&ty.as_str()) || self.enums.contains(&ty))
        {
            return true;
        }
        if self.is_config_field(ident, name) {
            return true;
        }
        let Some(method) = self.ctx.enclosing_method(ident) else {
            return false;
        };
        // Checked against an allow-list before use: `if (!ALLOWED.contains(sort)) throw`.
        let body = self.ctx.text(method);
        if body.contains(&format!(".contains({name})"))
            || body.contains(&format!(".containsKey({name})"))
        {
            return true;
        }
        let defs = self.assignments(method, name, ident);
        !defs.is_empty() && depth < 3 && defs.iter().all(|(v, _)| self.is_safe(*v, depth + 1))
    }

    /// A `final` or `@Value`-injected field of the enclosing class (not shadowed by a local):
    /// set once from code or configuration, never from a request.
    fn is_config_field(&self, at: Node<'a>, name: &str) -> bool {
        let shadowed = self.ctx.enclosing_method(at).is_some_and(|m| {
            self.ctx
                .nodes_of(m, &["formal_parameter", "variable_declarator"])
                .into_iter()
                .any(|d| d.field("name").is_some_and(|n| self.ctx.text(n) == name))
        });
        let Some(body) = self.ctx.enclosing_class(at).and_then(|c| c.field("body")) else {
            return false;
        };
        if shadowed {
            return false;
        }
        let mut cursor = body.walk();
        let found = body.named_children(&mut cursor).find(|f| {
            f.kind() == "field_declaration" && {
                let mut c = f.walk();
                f.children_by_field_name("declarator", &mut c)
                    .any(|d| d.field("name").is_some_and(|n| self.ctx.text(n) == name))
            }
        });
        found.is_some_and(|f| {
            ast::has_modifier(f, "final", self.ctx.src)
                || ast::find_annotation(&ast::annotations(f, self.ctx.src), &["Value"]).is_some()
        })
    }

    /// The declared type of a local, parameter or field named `name` visible at `at`.
    pub fn declared_type(&self, at: Node<'a>, name: &str) -> Option<String> {
        let scopes = [self.ctx.enclosing_method(at), self.ctx.enclosing_class(at)];
        for scope in scopes.into_iter().flatten() {
            for decl in self.ctx.nodes_of(
                scope,
                &[
                    "formal_parameter",
                    "local_variable_declaration",
                    "field_declaration",
                    "enhanced_for_statement",
                ],
            ) {
                let ty = decl.field("type").map(|t| self.ctx.text(t));
                let matches =
                    if matches!(decl.kind(), "formal_parameter" | "enhanced_for_statement") {
                        decl.field("name").is_some_and(|n| self.ctx.text(n) == name)
                    } else {
                        let mut c = decl.walk();
                        decl.children_by_field_name("declarator", &mut c)
                            .any(|d| d.field("name").is_some_and(|n| self.ctx.text(n) == name))
                    };
                if matches && let Some(ty) = ty {
                    return Some(ty.to_string());
                }
            }
        }
        None
    }
}

/// Java's convention for constants: `SORT_COLUMNS`, `MAX`.
pub fn is_constant_name(name: &str) -> bool {
    name.len() > 1
        && name.chars().any(|c| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}
