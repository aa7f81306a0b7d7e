//! Django and DRF views: which methods each view answers and which guard it carries
//! (decorators, auth mixins, `permission_classes`). URL confs name views in other modules, so
//! each view is recorded as a private link hint the Python linker reads and then removes.

use super::auth;
use super::ctx::{Ctx, callee, decorator_expr, decorators, function_name, literal, literal_list};
use crate::model::{FileCode, LinkHint};
use crate::syntax::FieldChild;
use tree_sitter::Node;

/// Scope prefix of a view description: `\0pyview:app/views.py::create_order`.
pub const VIEW: &str = "\0pyview:";
/// Scope prefix of a URL conf's reference to a view: `\0pyviewref:urls.py:12`.
pub const VIEW_REF: &str = "\0pyviewref:";
/// Project-wide Django settings that guard views: `\0pydjango:login-middleware`.
pub const GLOBAL: &str = "\0pydjango:";

/// What a view accepts and requires, as the linker reads it back.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ViewInfo {
    pub methods: Vec<String>,
    /// A guard on the view itself.
    pub guard: Option<String>,
    /// `AllowAny` / `login_not_required`: public on purpose.
    pub public: bool,
    /// A DRF view with no `permission_classes` (the settings default applies).
    pub drf_default: bool,
    /// The view reads an identity that could be checked in code the tool cannot follow.
    pub unclear: Option<String>,
    pub roles: Vec<String>,
}

impl ViewInfo {
    fn encode(&self) -> String {
        format!(
            "{}\n{}\n{}\n{}\n{}\n{}",
            self.methods.join(","),
            self.guard.as_deref().unwrap_or(""),
            u8::from(self.public),
            u8::from(self.drf_default),
            self.unclear.as_deref().unwrap_or(""),
            self.roles.join(",")
        )
    }

    pub fn decode(s: &str) -> ViewInfo {
        let mut parts = s.split('\n');
        let mut next = || parts.next().unwrap_or("").to_string();
        let list = |s: String| -> Vec<String> {
            s.split(',')
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect()
        };
        let methods = list(next());
        let guard = Some(next()).filter(|g| !g.is_empty());
        let public = next() == "1";
        let drf_default = next() == "1";
        let unclear = Some(next()).filter(|g| !g.is_empty());
        let roles = list(next());
        ViewInfo {
            methods,
            guard,
            public,
            drf_default,
            unclear,
            roles,
        }
    }
}

pub fn extract(ctx: &Ctx<'_>, out: &mut FileCode) {
    if !ctx.imports_any(&["django", "rest_framework"]) {
        return;
    }
    for &def in &ctx.functions {
        if def
            .parent()
            .and_then(|p| {
                if p.kind() == "decorated_definition" {
                    p.parent()
                } else {
                    Some(p)
                }
            })
            .is_none_or(|p| p.kind() != "module")
        {
            continue;
        }
        let name = function_name(def, ctx.src);
        let params = super::ctx::parameters(def, ctx.src);
        if params.first().is_none_or(|(p, _)| p != "request") {
            continue;
        }
        let info = function_view(ctx, def);
        push(ctx, out, name, &info);
    }
    for &class in &ctx.classes {
        if class.parent().is_some_and(|p| p.kind() == "block") {
            continue;
        }
        if let Some(info) = class_view(ctx, class) {
            let name = class.field("name").map(|n| ctx.text(n)).unwrap_or("");
            push(ctx, out, name, &info);
        }
    }
}

fn push(ctx: &Ctx<'_>, out: &mut FileCode, name: &str, info: &ViewInfo) {
    out.link_hints.push(LinkHint::Guard {
        scope: format!("{VIEW}{}::{name}", ctx.path),
        evidence: info.encode(),
        line: 0,
    });
}

fn function_view(ctx: &Ctx<'_>, def: Node<'_>) -> ViewInfo {
    let mut info = ViewInfo::default();
    for deco in decorators(def) {
        let Some(expr) = decorator_expr(deco) else {
            continue;
        };
        let name = match expr.kind() {
            "call" => callee(expr, ctx.src),
            _ => ctx.text(expr),
        };
        let last = name.rsplit('.').next().unwrap_or(name);
        match last {
            "require_POST" => info.methods = vec!["POST".into()],
            "require_GET" | "require_safe" => info.methods = vec!["GET".into()],
            "require_http_methods" | "api_view" => {
                if let Some(list) = super::ctx::args(expr)
                    .first()
                    .and_then(|l| literal_list(*l, ctx.src))
                {
                    info.methods = list.iter().map(|m| m.to_ascii_uppercase()).collect();
                } else if last == "api_view" {
                    info.methods = vec!["GET".into()];
                    info.drf_default = true;
                }
                if last == "api_view" {
                    info.drf_default = true;
                }
            }
            "login_not_required" => info.public = true,
            "permission_classes" => {
                permission_list(ctx, expr, &mut info);
                info.drf_default = false;
            }
            _ => {}
        }
    }
    let g = auth::decorator_guard(ctx, def);
    if g.evidence.is_some() {
        info.guard = g.evidence;
        info.roles.extend(g.roles);
    }
    let body = auth::body_guard(ctx, def);
    if info.guard.is_none() {
        info.guard = body.evidence;
    }
    info.roles.extend(body.roles);
    let body_text = ctx.text(def.field("body").unwrap_or(def));
    if info.guard.is_none() && !info.public && body_text.contains("request.user") {
        info.unclear = Some("the view reads `request.user` and may check it".into());
    }
    if info.methods.is_empty() {
        info.methods = vec!["ANY".into()];
    }
    info
}

/// DRF `permission_classes=[...]` in `@permission_classes([...])` or a class attribute.
fn permission_list(ctx: &Ctx<'_>, node: Node<'_>, info: &mut ViewInfo) {
    let text = ctx.text(node);
    let classes: Vec<&str> = text
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .filter(|w| w.chars().next().is_some_and(|c| c.is_ascii_uppercase()))
        .collect();
    if classes.is_empty() {
        return;
    }
    if classes.iter().all(|c| *c == "AllowAny") {
        info.public = true;
        return;
    }
    let guards: Vec<&&str> = classes.iter().filter(|c| **c != "AllowAny").collect();
    info.guard = Some(format!(
        "permission_classes [{}]",
        guards.iter().map(|c| **c).collect::<Vec<_>>().join(", ")
    ));
    for c in guards {
        match *c {
            "IsAdminUser" => info.roles.push("admin".into()),
            "IsAuthenticated" | "IsAuthenticatedOrReadOnly" => {}
            other if other.contains("Permission") || other.contains("Is") => {
                info.roles.push(other.to_string())
            }
            _ => {}
        }
    }
}

const MIXIN_GUARDS: &[&str] = &[
    "LoginRequiredMixin",
    "PermissionRequiredMixin",
    "UserPassesTestMixin",
    "StaffRequiredMixin",
    "SuperuserRequiredMixin",
];

/// Methods of class-based views by their base class or the handlers they define.
fn class_view(ctx: &Ctx<'_>, class: Node<'_>) -> Option<ViewInfo> {
    let supers = ctx.text(class.field("superclasses")?);
    let is_drf = supers.contains("APIView") || supers.contains("ViewSet");
    let is_django = supers.contains("View");
    if !is_drf && !is_django {
        return None;
    }
    let mut info = ViewInfo::default();
    let generic: &[(&str, &[&str])] = &[
        ("ModelViewSet", &["GET", "POST", "PUT", "PATCH", "DELETE"]),
        ("ReadOnlyModelViewSet", &["GET"]),
        ("ListCreateAPIView", &["GET", "POST"]),
        (
            "RetrieveUpdateDestroyAPIView",
            &["GET", "PUT", "PATCH", "DELETE"],
        ),
        ("RetrieveUpdateAPIView", &["GET", "PUT", "PATCH"]),
        ("RetrieveDestroyAPIView", &["GET", "DELETE"]),
        ("CreateAPIView", &["POST"]),
        ("UpdateAPIView", &["PUT", "PATCH"]),
        ("DestroyAPIView", &["DELETE"]),
        ("ListAPIView", &["GET"]),
        ("RetrieveAPIView", &["GET"]),
        ("CreateView", &["GET", "POST"]),
        ("UpdateView", &["GET", "POST"]),
        ("DeleteView", &["GET", "POST"]),
        ("FormView", &["GET", "POST"]),
        ("TemplateView", &["GET"]),
        ("ListView", &["GET"]),
        ("DetailView", &["GET"]),
    ];
    for (base, methods) in generic {
        if supers.split([',', '(', ')', ' ', '.']).any(|s| s == *base) {
            info.methods = methods.iter().map(|m| m.to_string()).collect();
            break;
        }
    }
    let body = class.field("body")?;
    let mut cursor = body.walk();
    for stmt in body.named_children(&mut cursor) {
        let def = match stmt.kind() {
            "function_definition" => Some(stmt),
            "decorated_definition" => stmt.field("definition"),
            _ => None,
        };
        if let Some(def) = def {
            let method = match function_name(def, ctx.src) {
                "get" | "list" | "retrieve" => "GET",
                "post" | "create" => "POST",
                "put" | "update" => "PUT",
                "patch" | "partial_update" => "PATCH",
                "delete" | "destroy" => "DELETE",
                _ => continue,
            };
            if !info.methods.iter().any(|m| m == method) {
                info.methods.push(method.to_string());
            }
            continue;
        }
        let Some(assign) = stmt.named_child(0).filter(|a| a.kind() == "assignment") else {
            continue;
        };
        let (Some(left), Some(right)) = (assign.field("left"), assign.field("right")) else {
            continue;
        };
        match ctx.text(left) {
            "permission_classes" => permission_list(ctx, right, &mut info),
            "permission_required" => {
                let perms = literal(right, ctx.src)
                    .map(|p| vec![p])
                    .or_else(|| literal_list(right, ctx.src))
                    .unwrap_or_default();
                info.roles.extend(perms);
            }
            "http_method_names" => {
                if let Some(list) = literal_list(right, ctx.src) {
                    info.methods = list.iter().map(|m| m.to_ascii_uppercase()).collect();
                }
            }
            _ => {}
        }
    }
    if let Some(mixin) = MIXIN_GUARDS.iter().find(|m| supers.contains(**m)) {
        info.guard.get_or_insert_with(|| mixin.to_string());
        if *mixin != "LoginRequiredMixin" && info.roles.is_empty() {
            info.roles
                .push(mixin.trim_end_matches("RequiredMixin").to_ascii_lowercase());
        }
    }
    if is_drf && info.guard.is_none() && !info.public {
        info.drf_default = true;
    }
    if info.methods.is_empty() {
        info.methods = vec!["ANY".into()];
    }
    Some(info)
}
