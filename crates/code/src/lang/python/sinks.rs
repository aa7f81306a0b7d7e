//! Risky calls: SQL built from input, shell commands built from input, unsafe deserialisation,
//! JWT verification turned off, weak password hashes and non-cryptographic tokens.

use super::ctx::{
    Ctx, args, callee, enclosing_function, fact, function_name, is_true, kwarg, literal, method,
};
use super::strings::dynamic_string;
use crate::model::{FactKind, FileCode};
use crate::syntax;
use crate::syntax::FieldChild;
use tree_sitter::Node;

pub fn extract(ctx: &Ctx<'_>, out: &mut FileCode) {
    for &call in &ctx.calls {
        let qualified = ctx.qualified(call);
        sql(ctx, call, out);
        shell(ctx, call, &qualified, out);
        deserialisation(ctx, call, &qualified, out);
        jwt(ctx, call, &qualified, out);
        weak_hash(ctx, call, &qualified, out);
        insecure_random(ctx, call, &qualified, out);
    }
}

const SQL_METHODS: &[&str] = &[
    "execute",
    "executemany",
    "executescript",
    "exec_driver_sql",
    "raw",
    "extra",
    "mogrify",
    "read_sql",
    "read_sql_query",
    "fetch",
    "fetchrow",
    "fetchval",
    "text",
];

const SQL_WORDS: &[&str] = &[
    "select ",
    "insert ",
    "update ",
    "delete ",
    " where ",
    " from ",
    "order by",
    "values",
    " set ",
    "create table",
    "drop ",
];

fn looks_like_sql(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    SQL_WORDS.iter().any(|w| lower.contains(w))
}

fn sql(ctx: &Ctx<'_>, call: Node<'_>, out: &mut FileCode) {
    let name = method(call, ctx.src);
    if !SQL_METHODS.contains(&name) {
        return;
    }
    // `text(...)` inside an `execute(...)` is reported once, at the execute.
    // `stmt = text(...)` is reported where `stmt` is executed.
    if name == "text"
        && (syntax::ancestor_of_kind(call, &["call"])
            .is_some_and(|c| SQL_METHODS.contains(&method(c, ctx.src)))
            || call.parent().is_some_and(|p| p.kind() == "assignment"))
    {
        return;
    }
    let first = match name {
        "extra" => kwarg(call, ctx.src, "where").or_else(|| kwarg(call, ctx.src, "select")),
        _ => args(call).first().copied(),
    };
    let Some(first) = first else { return };
    let Some(built) = dynamic_string(first, ctx.src) else {
        return;
    };
    if !looks_like_sql(&built.template) {
        return;
    }
    let detail = format!("{} with SQL built by {}", callee(call, ctx.src), built.how);
    fact(out, FactKind::RiskSqlInterpolation, call, &detail);
}

fn shell(ctx: &Ctx<'_>, call: Node<'_>, qualified: &str, out: &mut FileCode) {
    let command = match qualified {
        "os.system" | "os.popen" | "subprocess.getoutput" | "subprocess.getstatusoutput" => {
            args(call).first().copied()
        }
        "subprocess.run"
        | "subprocess.call"
        | "subprocess.Popen"
        | "subprocess.check_output"
        | "subprocess.check_call"
        | "asyncio.create_subprocess_shell" => {
            let shell_on = qualified == "asyncio.create_subprocess_shell"
                || is_true(kwarg(call, ctx.src, "shell"));
            let first = args(call).first().copied();
            match first {
                Some(f) if shell_on => Some(f),
                // `["sh", "-c", f"..."]`: a shell without shell=True.
                Some(f) if f.kind() == "list" => {
                    let mut cursor = f.walk();
                    let items: Vec<Node<'_>> = f.named_children(&mut cursor).collect();
                    let is_sh = items
                        .first()
                        .and_then(|i| literal(*i, ctx.src))
                        .is_some_and(|s| {
                            matches!(s.as_str(), "sh" | "bash" | "/bin/sh" | "/bin/bash")
                        })
                        && items
                            .get(1)
                            .and_then(|i| literal(*i, ctx.src))
                            .is_some_and(|s| s == "-c");
                    if is_sh { items.get(2).copied() } else { None }
                }
                _ => None,
            }
        }
        _ => None,
    };
    let Some(command) = command else { return };
    if let Some(built) = dynamic_string(command, ctx.src) {
        let detail = format!("{qualified} runs a shell command built by {}", built.how);
        fact(out, FactKind::RiskShellInjection, call, &detail);
    }
}

fn deserialisation(ctx: &Ctx<'_>, call: Node<'_>, qualified: &str, out: &mut FileCode) {
    let detail = match qualified {
        "pickle.load" | "pickle.loads" | "cPickle.load" | "cPickle.loads" | "dill.load"
        | "dill.loads" | "cloudpickle.load" | "cloudpickle.loads" | "jsonpickle.decode"
        | "pandas.read_pickle" | "shelve.open" => {
            format!("{qualified} can run code from the data it reads")
        }
        "yaml.unsafe_load" | "yaml.full_load" => {
            format!("{qualified} constructs arbitrary Python objects")
        }
        "yaml.load" | "yaml.load_all" => {
            let loader = kwarg(call, ctx.src, "Loader").or_else(|| args(call).get(1).copied());
            let safe = loader.is_some_and(|l| {
                let t = syntax::text(l, ctx.src);
                t.ends_with("SafeLoader") || t.ends_with("BaseLoader")
            });
            if safe {
                return;
            }
            match loader {
                Some(l) => format!("{qualified} with Loader={}", syntax::text(l, ctx.src)),
                None => format!("{qualified} without Loader=yaml.SafeLoader"),
            }
        }
        "torch.load" => {
            let weights_only = kwarg(call, ctx.src, "weights_only");
            if weights_only.is_some_and(|w| w.kind() == "true") {
                return;
            }
            // Only a path that is not a literal (a user-supplied or downloaded file).
            let path = args(call).first().copied();
            if path.is_none_or(|p| literal(p, ctx.src).is_some()) {
                return;
            }
            "torch.load without weights_only=True unpickles whatever the file holds".to_string()
        }
        _ => return,
    };
    fact(out, FactKind::RiskUnsafeDeserialization, call, &detail);
}

fn jwt(ctx: &Ctx<'_>, call: Node<'_>, qualified: &str, out: &mut FileCode) {
    let is_decode = matches!(
        qualified,
        "jwt.decode" | "jose.jwt.decode" | "jwt.api_jwt.decode" | "jose.jwt.get_unverified_claims"
    ) || (method(call, ctx.src) == "decode" && qualified.ends_with("jwt.decode"));
    if !is_decode {
        return;
    }
    if qualified.ends_with("get_unverified_claims") {
        fact(
            out,
            FactKind::RiskJwtUnverified,
            call,
            "claims read with get_unverified_claims (signature not checked)",
        );
        return;
    }
    if let Some(options) = kwarg(call, ctx.src, "options") {
        let text = syntax::text(options, ctx.src).replace(' ', "");
        if text.contains("\"verify_signature\":False") || text.contains("'verify_signature':False")
        {
            fact(
                out,
                FactKind::RiskJwtUnverified,
                call,
                "jwt.decode with options verify_signature=False",
            );
            return;
        }
    }
    if kwarg(call, ctx.src, "verify").is_some_and(|v| v.kind() == "false") {
        fact(
            out,
            FactKind::RiskJwtUnverified,
            call,
            "jwt.decode with verify=False",
        );
        return;
    }
    if let Some(algs) = kwarg(call, ctx.src, "algorithms") {
        let text = syntax::text(algs, ctx.src).to_ascii_lowercase();
        if text.contains("\"none\"") || text.contains("'none'") {
            fact(
                out,
                FactKind::RiskJwtUnverified,
                call,
                "jwt.decode accepts the `none` algorithm",
            );
        }
    }
}

fn mentions_password(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    t.contains("password") || t.contains("passwd") || t.contains("pwd")
}

fn weak_hash(ctx: &Ctx<'_>, call: Node<'_>, qualified: &str, out: &mut FileCode) {
    let algo = match qualified {
        "hashlib.md5" | "hashlib.sha1" | "hashlib.sha224" | "hashlib.sha256" | "hashlib.sha384"
        | "hashlib.sha512" | "hashlib.sha3_256" | "hashlib.sha3_512" | "hashlib.blake2b" => {
            qualified.trim_start_matches("hashlib.")
        }
        "hashlib.new" => match args(call).first().and_then(|a| literal(*a, ctx.src)) {
            Some(_) => "hashlib.new",
            None => return,
        },
        _ => return,
    };
    let hashed = args(call)
        .iter()
        .map(|a| syntax::text(*a, ctx.src))
        .collect::<String>();
    let in_password_fn = enclosing_function(call).is_some_and(|f| {
        let name = function_name(f, ctx.src).to_ascii_lowercase();
        mentions_password(&name) && !name.contains("reset_token")
    });
    if mentions_password(&hashed) || in_password_fn {
        let detail = format!("password hashed with {algo} (a fast hash, not bcrypt/argon2/scrypt)");
        fact(out, FactKind::RiskWeakPasswordHash, call, &detail);
    }
}

/// Name parts (split on `_`) that say a value is a secret: `reset_token`, `otp`, `salt`.
const SECRET_PARTS: &[&str] = &[
    "token", "tokens", "password", "passwd", "secret", "apikey", "otp", "nonce", "salt",
];

/// Whole-name fragments that say the same across two parts.
const SECRET_NAMES: &[&str] = &["api_key", "session_id", "reset_code", "verification_code"];

fn insecure_random(ctx: &Ctx<'_>, call: Node<'_>, qualified: &str, out: &mut FileCode) {
    if !matches!(
        qualified,
        "random.choice"
            | "random.choices"
            | "random.randint"
            | "random.random"
            | "random.getrandbits"
            | "random.sample"
            | "random.randrange"
    ) {
        return;
    }
    // Whole parts only: `tokenize` or `footprint` do not make secrets.
    let names_secret = |name: &str| {
        let n = name.to_ascii_lowercase();
        n.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|part| SECRET_PARTS.contains(&part))
            || SECRET_NAMES.iter().any(|w| n.contains(w))
    };
    // The variable it is assigned to, or the function it is in, says what it makes.
    let target = syntax::ancestor_of_kind(call, &["assignment", "return_statement"])
        .filter(|a| a.kind() == "assignment")
        .and_then(|a| a.field("left"))
        .map(|l| syntax::text(l, ctx.src))
        .unwrap_or("");
    let function = enclosing_function(call)
        .map(|f| function_name(f, ctx.src))
        .unwrap_or("");
    if names_secret(target) || names_secret(function) {
        let what = if names_secret(target) {
            target
        } else {
            function
        };
        let detail = format!("{qualified} used for `{what}` (not the secrets module)");
        fact(out, FactKind::RiskInsecureRandom, call, &detail);
    }
}
