//! Injection-style sinks: SQL/JPQL built from non-constant text (`jdbcTemplate.query`,
//! `statement.executeQuery`, `entityManager.createQuery/createNativeQuery`, `jdbcClient.sql`),
//! shell commands built from input (`Runtime.exec`, `ProcessBuilder("sh", "-c", ...)`), Java
//! deserialisation of request data (`ObjectInputStream`, `XMLDecoder`, Jackson default typing)
//! and outbound requests to a URL taken from the request (SSRF).

use super::ast::{self, Ctx};
use super::routes::Handler;
use super::taint::{self, Taint};
use crate::model::{Fact, FactKind, FileCode};
use crate::syntax::FieldChild;
use tree_sitter::Node;

const SQL_METHODS: &[&str] = &[
    "query",
    "queryForObject",
    "queryForList",
    "queryForMap",
    "queryForRowSet",
    "queryForStream",
    "update",
    "batchUpdate",
    "execute",
    "executeQuery",
    "executeUpdate",
    "executeLargeUpdate",
    "prepareStatement",
    "prepareCall",
    "addBatch",
    "createQuery",
    "createNativeQuery",
    "createSQLQuery",
    "sql",
];

/// Whether literal text reads as SQL or JPQL.
pub fn looks_like_sql(text: &str) -> bool {
    let t = format!(" {} ", text.to_ascii_lowercase().replace(['\n', '\t'], " "));
    [
        " select ",
        " insert into ",
        " update ",
        " delete from ",
        " where ",
        " order by ",
        " group by ",
        " values ",
        " values(",
        " from ",
        " set ",
        " limit ",
        " and ",
        " or ",
    ]
    .iter()
    .any(|k| t.contains(k))
}

pub fn extract(ctx: &Ctx<'_>, handlers: &[Handler<'_>], out: &mut FileCode) {
    let enums = taint::enums(ctx);
    let taint = Taint { ctx, enums: &enums };
    for node in ctx.nodes_of(
        ctx.root,
        &["method_invocation", "object_creation_expression"],
    ) {
        if node.kind() == "method_invocation" {
            sql(ctx, &taint, node, out);
            runtime_exec(ctx, &taint, node, out);
            jackson_default_typing(ctx, node, out);
            if ast::call_name(node, ctx.src) == "command" {
                shell_argv(ctx, &taint, node, "ProcessBuilder.command", out);
            }
        } else {
            match ast::created_type(node, ctx.src) {
                "ProcessBuilder" => shell_argv(ctx, &taint, node, "new ProcessBuilder", out),
                t @ ("ObjectInputStream" | "XMLDecoder") => deserialise(ctx, node, t, out),
                _ => {}
            }
        }
    }
    for handler in handlers {
        ssrf(ctx, handler.method, out);
    }
}

fn sql(ctx: &Ctx<'_>, taint: &Taint<'_, '_>, call: Node<'_>, out: &mut FileCode) {
    let name = ast::call_name(call, ctx.src);
    if !SQL_METHODS.contains(&name) || call.field("object").is_none() {
        return;
    }
    let Some(first) = ast::args(call).first().copied() else {
        return;
    };
    if let Some(how) = taint.unsafe_build(first, &looks_like_sql) {
        let recv = ast::receiver(call, ctx.src);
        let recv = recv.rsplit('.').next().unwrap_or(recv);
        out.facts.push(Fact::new(
            FactKind::RiskSqlInterpolation,
            ast::at(call),
            format!("{recv}.{name} with SQL built by {how}"),
        ));
    }
}

fn is_shell(s: &str) -> bool {
    matches!(
        s.rsplit('/').next().unwrap_or(s),
        "sh" | "bash" | "zsh" | "ksh" | "dash" | "cmd" | "cmd.exe" | "powershell" | "pwsh"
    )
}

/// `new ProcessBuilder("sh", "-c", cmd)` / `List.of("bash", "-c", cmd)` with a built command.
fn shell_argv(
    ctx: &Ctx<'_>,
    taint: &Taint<'_, '_>,
    node: Node<'_>,
    what: &str,
    out: &mut FileCode,
) {
    let mut args = ast::args(node);
    if args.len() == 1 && args[0].kind() == "method_invocation" {
        let inner = args[0];
        if matches!(ast::call_name(inner, ctx.src), "of" | "asList") {
            args = ast::args(inner);
        }
    }
    if args.len() == 1
        && args[0].kind() == "array_creation_expression"
        && let Some(init) = args[0].field("value")
    {
        let mut c = init.walk();
        args = init.named_children(&mut c).collect();
    }
    let strings: Vec<Option<String>> = args
        .iter()
        .map(|a| ast::string_value(*a, ctx.src))
        .collect();
    let shell_flag = strings
        .get(1)
        .and_then(|s| s.as_deref())
        .is_some_and(|f| matches!(f, "-c" | "/c" | "/C" | "-Command"));
    let is_shell_call = strings
        .first()
        .and_then(|s| s.as_deref())
        .is_some_and(is_shell)
        && shell_flag;
    if !is_shell_call {
        return;
    }
    if let Some(cmd) = args.get(2)
        && !taint.is_safe(*cmd, 0)
    {
        out.facts.push(Fact::new(
            FactKind::RiskShellInjection,
            ast::at(node),
            format!("{what} runs a shell with the command `{}`", ctx.text(*cmd)),
        ));
    }
}

/// `Runtime.getRuntime().exec(cmd)` with a command built from non-constant parts.
fn runtime_exec(ctx: &Ctx<'_>, taint: &Taint<'_, '_>, call: Node<'_>, out: &mut FileCode) {
    if ast::call_name(call, ctx.src) != "exec" || !ast::receiver(call, ctx.src).contains("Runtime")
    {
        return;
    }
    let Some(cmd) = ast::args(call).first().copied() else {
        return;
    };
    if cmd.kind() == "array_creation_expression" {
        return shell_argv(ctx, taint, call, "Runtime.exec", out);
    }
    if let Some(how) = taint.unsafe_build(cmd, &|_| true) {
        out.facts.push(Fact::new(
            FactKind::RiskShellInjection,
            ast::at(call),
            format!("Runtime.exec with a command built by {how}"),
        ));
    } else if cmd.kind() == "identifier" && !taint.is_safe(cmd, 0) {
        // A parameter or field passed straight through: a command chosen by the caller.
        let is_param = ctx.enclosing_method(cmd).is_some_and(|m| {
            ast::parameters(m, ctx.src)
                .iter()
                .any(|(_, ty, name, _)| *name == ctx.text(cmd) && *ty == "String")
        });
        if is_param {
            out.facts.push(Fact::new(
                FactKind::RiskShellInjection,
                ast::at(call),
                format!(
                    "Runtime.exec runs the caller-supplied command `{}`",
                    ctx.text(cmd)
                ),
            ));
        }
    }
}

/// Words in a stream's source or its method's parameters that say the bytes come from a client.
fn from_request(ctx: &Ctx<'_>, node: Node<'_>) -> bool {
    let arg = ast::args(node)
        .first()
        .map(|a| ctx.text(*a).to_ascii_lowercase())
        .unwrap_or_default();
    let words = [
        "request",
        "getinputstream",
        "socket",
        "base64",
        "body",
        "payload",
        "upload",
        "message",
        "multipart",
    ];
    if words.iter().any(|w| arg.contains(w)) {
        return true;
    }
    ctx.enclosing_method(node).is_some_and(|m| {
        ast::parameters(m, ctx.src).iter().any(|(anns, ty, _, _)| {
            ast::find_annotation(anns, &["RequestBody", "RequestParam", "RequestPart"]).is_some()
                || [
                    "HttpServletRequest",
                    "MultipartFile",
                    "InputStream",
                    "byte[]",
                    "Socket",
                ]
                .contains(ty)
        })
    })
}

fn deserialise(ctx: &Ctx<'_>, node: Node<'_>, ty: &str, out: &mut FileCode) {
    let Some(method) = ctx.enclosing_method(node) else {
        return;
    };
    let body = ctx.text(method);
    if body.contains("setObjectInputFilter")
        || !body.contains("readObject")
        || !from_request(ctx, node)
    {
        return;
    }
    out.facts.push(Fact::new(
        FactKind::RiskUnsafeDeserialization,
        ast::at(node),
        format!("{ty}.readObject on client-supplied bytes without an ObjectInputFilter"),
    ));
}

fn jackson_default_typing(ctx: &Ctx<'_>, call: Node<'_>, out: &mut FileCode) {
    let name = ast::call_name(call, ctx.src);
    let args = ctx.text(call.field("arguments").unwrap_or(call));
    let risky = name == "enableDefaultTyping"
        || (name == "activateDefaultTyping" && args.contains("LaissezFaireSubTypeValidator"));
    if risky {
        out.facts.push(Fact::new(
            FactKind::RiskUnsafeDeserialization,
            ast::at(call),
            format!("ObjectMapper.{name} lets JSON choose any class to instantiate"),
        ));
    }
}

const URL_WORDS: &[&str] = &[
    "url", "uri", "link", "callback", "webhook", "endpoint", "target", "feed", "host",
];

/// An outbound call in a handler whose URL is a request parameter (or a URL field of the body),
/// with no allow-list check in the handler.
fn ssrf(ctx: &Ctx<'_>, method: Node<'_>, out: &mut FileCode) {
    let params = ast::parameters(method, ctx.src);
    let mut sources: Vec<String> = Vec::new();
    let mut bodies: Vec<String> = Vec::new();
    for (anns, ty, name, _) in &params {
        let from_request = ast::find_annotation(
            anns,
            &[
                "RequestParam",
                "PathVariable",
                "RequestHeader",
                "QueryParam",
                "FormParam",
            ],
        )
        .is_some();
        let lname = name.to_ascii_lowercase();
        if from_request
            && matches!(*ty, "String" | "URI" | "URL")
            && URL_WORDS.iter().any(|w| lname.contains(w))
        {
            sources.push(name.to_string());
        }
        if ast::find_annotation(anns, &["RequestBody"]).is_some() {
            bodies.push(name.to_string());
        }
    }
    if sources.is_empty() && bodies.is_empty() {
        return;
    }
    let body = ctx.text(method);
    let lower = body.to_ascii_lowercase();
    if [
        "allowlist",
        "allow_list",
        "whitelist",
        "allowed",
        "gethost()",
        "isallowed",
        "trusted",
    ]
    .iter()
    .any(|w| lower.contains(w))
    {
        return;
    }
    let is_source = |arg: &str| {
        let inner = arg
            .trim_start_matches("URI.create(")
            .trim_start_matches("new URI(")
            .trim_start_matches("new URL(")
            .trim_end_matches(')');
        sources.iter().any(|s| s == inner)
            || bodies.iter().any(|b| {
                inner.starts_with(&format!("{b}.")) && {
                    let rest = inner[b.len() + 1..].to_ascii_lowercase();
                    URL_WORDS.iter().any(|w| rest.contains(w))
                }
            })
    };
    for node in ctx.nodes_of(method, &["method_invocation", "object_creation_expression"]) {
        let outbound = if node.kind() == "method_invocation" {
            matches!(
                ast::call_name(node, ctx.src),
                "getForObject"
                    | "getForEntity"
                    | "postForObject"
                    | "postForEntity"
                    | "exchange"
                    | "uri"
                    | "connect"
                    | "newBuilder"
                    | "execute"
            )
        } else {
            ast::created_type(node, ctx.src) == "URL"
                && ctx.index.parent(node).is_some_and(|p| {
                    p.kind() == "method_invocation" && ctx.text(p).contains(".open")
                })
        };
        if !outbound {
            continue;
        }
        let Some(first) = ast::args(node).first().copied() else {
            continue;
        };
        if is_source(ctx.text(first)) {
            out.facts.push(Fact::new(
                FactKind::RiskSsrf,
                ast::at(node),
                format!(
                    "outbound request to `{}`, a URL taken from the request, with no allow-list",
                    ctx.text(first)
                ),
            ));
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(src: &str) -> Vec<Fact> {
        let tree = ast::parse(src);
        let mut out = FileCode::default();
        super::super::extract("src/main/java/Repo.java", src.as_bytes(), &tree, &mut out);
        out.facts
    }

    fn kinds(src: &str, kind: FactKind) -> Vec<Fact> {
        facts(src).into_iter().filter(|f| f.kind == kind).collect()
    }

    #[test]
    fn sql_concatenation_and_format_are_found() {
        let f = kinds(
            r#"
@Repository
class OrderRepository {
    List<Order> byCustomer(String name, String status) {
        String sql = "SELECT * FROM orders WHERE customer = '" + name + "'";
        jdbcTemplate.query(sql, mapper);
        entityManager.createNativeQuery(String.format("DELETE FROM orders WHERE status = '%s'", status)).executeUpdate();
        StringBuilder sb = new StringBuilder("SELECT id FROM orders WHERE 1=1");
        sb.append(" AND note LIKE '%").append(name).append("%'");
        return jdbcTemplate.queryForList(sb.toString());
    }
}
"#,
            FactKind::RiskSqlInterpolation,
        );
        assert_eq!(f.len(), 3, "{f:?}");
        assert!(
            f[0].detail.contains("jdbcTemplate.query"),
            "{}",
            f[0].detail
        );
    }

    #[test]
    fn sql_traps_stay_silent() {
        let f = kinds(
            r#"
@Repository
class OrderRepository {
    private static final Map<String, String> SORT_COLUMNS = Map.of("date", "created_at");
    private static final String TABLE = "orders";
    enum Direction { ASC, DESC }
    List<Order> page(String sort, Direction dir, long customerId, int limit) {
        String column = SORT_COLUMNS.getOrDefault(sort, "created_at");
        jdbcTemplate.query("SELECT * FROM " + TABLE + " WHERE customer_id = ? ORDER BY " + column + " " + dir.name() + " LIMIT " + limit, mapper, customerId);
        entityManager.createQuery("SELECT o FROM Order o WHERE o.id = :id").setParameter("id", customerId);
        if (!ALLOWED.contains(sort)) throw new IllegalArgumentException();
        jdbcTemplate.query("SELECT * FROM orders ORDER BY " + sort, mapper);
        cache.update("key-" + sort);
        return null;
    }
}
"#,
            FactKind::RiskSqlInterpolation,
        );
        assert!(f.is_empty(), "{f:?}");
    }

    #[test]
    fn config_fields_and_conversions_are_safe() {
        let f = kinds(
            r#"
@Repository
class AuditRepository {
    @Value("${audit.table}") private String table;
    private final String schema;
    private String lastFilter;
    int purge(long days, String actor) {
        jdbc.update("DELETE FROM " + schema + "." + this.table + " WHERE age > " + String.valueOf(days));
        return jdbc.update("DELETE FROM audit WHERE actor = '" + lastFilter + "'");
    }
}
"#,
            FactKind::RiskSqlInterpolation,
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].detail.contains("lastFilter"), "{}", f[0].detail);
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let depth = 10_000;
        let concat = vec!["\"a\""; depth].join(" + ");
        let parens = format!("{}x{}", "(".repeat(depth), ")".repeat(depth));
        let src = format!(
            "class Deep {{ void f(String x) {{ jdbcTemplate.query(\"SELECT \" + {concat} + x); \
             jdbcTemplate.query(\"SELECT * FROM t WHERE a = \" + {parens}); }} }}"
        );
        let tree = ast::parse(&src);
        let mut out = FileCode::default();
        let started = std::time::Instant::now();
        super::super::extract("src/main/java/Deep.java", src.as_bytes(), &tree, &mut out);
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    }

    #[test]
    fn shell_and_deserialisation() {
        let all = facts(
            r#"
class Tools {
    void convert(@RequestParam String file) throws Exception {
        new ProcessBuilder("sh", "-c", "convert " + file + " out.png").start();
        new ProcessBuilder("convert", file, "out.png").start();
        new ProcessBuilder("sh", "-c", "uptime").start();
        Runtime.getRuntime().exec("ping -c 1 " + file);
    }
    Object load(HttpServletRequest request) throws Exception {
        ObjectInputStream in = new ObjectInputStream(request.getInputStream());
        return in.readObject();
    }
}
"#,
        );
        let shell = all
            .iter()
            .filter(|f| f.kind == FactKind::RiskShellInjection)
            .count();
        let deser = all
            .iter()
            .filter(|f| f.kind == FactKind::RiskUnsafeDeserialization)
            .count();
        assert_eq!((shell, deser), (2, 1), "{all:?}");
    }

    #[test]
    fn ssrf_from_request_param_unless_allow_listed() {
        let f = kinds(
            r#"
@RestController
class Preview {
    @GetMapping("/preview")
    String preview(@RequestParam String url) { return restTemplate.getForObject(url, String.class); }
    @GetMapping("/safe")
    String safe(@RequestParam String url) {
        if (!ALLOWED_HOSTS.contains(URI.create(url).getHost())) throw new IllegalArgumentException();
        return restTemplate.getForObject(url, String.class);
    }
}
"#,
            FactKind::RiskSsrf,
        );
        assert_eq!(f.len(), 1, "{f:?}");
    }
}
