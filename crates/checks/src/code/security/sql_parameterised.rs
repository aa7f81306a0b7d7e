use crate::code::support::risk_control;
use crate::prelude::*;
use vouch_code::FactKind;

pub struct SqlParameterised;

static META: ControlMeta = ControlMeta {
    id: "CODE001",
    slug: "sql_parameterised",
    title: "SQL and NoSQL queries are parameterised, never built from input",
    area: Area::Security,
    severity: Severity::Critical,
    remediation: "Pass values as bound parameters (`cursor.execute(\"... WHERE id = %s\", (user_id,))`, \
                  `db.query(\"... WHERE id = $1\", [id])`, `PreparedStatement` with `?`, sqlx `bind`) or \
                  use the ORM's query builder. When an identifier (a column for `ORDER BY`) must vary, \
                  pick it from a fixed allow-list (`SORT_COLUMNS[key]`), never from the request.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/SQL_Injection_Prevention_Cheat_Sheet.html",
        "https://cheatsheetseries.owasp.org/cheatsheets/Query_Parameterization_Cheat_Sheet.html",
        "https://owasp.org/www-project-application-security-verification-standard/",
        "https://cwe.mitre.org/data/definitions/89.html",
        "https://cwe.mitre.org/data/definitions/943.html",
    ],
    concepts: &[
        "SQL injection",
        "parameterized queries",
        "parameterised queries",
        "prepared statements",
        "bind parameters",
        "NoSQL injection",
        "query builder",
        "ORM",
        "input sanitization",
    ],
    since: "0.1.0",
    doc: r#"## What it checks

Every call that runs a query (`execute`, `query`, `raw`, `text()`, PostgREST/Supabase `filter`
strings, MongoDB `$where`) must receive fixed query text with the values passed separately. The
control fails at each call whose query text is built by f-strings, `%`/`.format()` formatting,
template literals, string concatenation or `fmt.Sprintf`/`format!` from values that are not
constants.

Not reported: placeholders that look like formatting but are parameters (`%s` with a separate
argument tuple, `$1`, `?`, `:name`), and interpolation of values picked from a fixed allow-list,
dict, enum or constant (`ORDER BY {SORT_COLUMNS[key]}`). Test files are not read.

## Why it matters in production

SQL injection is still among the most exploited flaws: one request parameter that reaches query
text lets an attacker read every table, bypass login (`' OR '1'='1`), or drop data. Escaping by
hand misses cases (numeric contexts, identifiers, encodings); bound parameters cannot be
confused with query syntax because the database never parses them as SQL.

## Example

Bad:

```python
@router.get("/users")
def search(name: str, db=Depends(get_db)):
    return db.execute(f"SELECT * FROM users WHERE name = '{name}'").fetchall()
```

Good:

```python
SORT_COLUMNS = {"name": "name", "created": "created_at"}

@router.get("/users")
def search(name: str, sort: str = "name", db=Depends(get_db)):
    column = SORT_COLUMNS.get(sort, "name")
    return db.execute(
        f"SELECT * FROM users WHERE name = %s ORDER BY {column}", (name,)
    ).fetchall()
```

## References

- OWASP SQL Injection Prevention Cheat Sheet and Query Parameterization Cheat Sheet
- OWASP ASVS V5.3 "Output Encoding and Injection Prevention"
- CWE-89 SQL Injection, CWE-943 Improper Neutralization in Data Query Logic
"#,
};

impl Check for SqlParameterised {
    fn meta(&self) -> &'static ControlMeta {
        &META
    }

    fn run(&self, ws: &Workspace) -> Outcome {
        risk_control(
            ws,
            |kind| matches!(kind, FactKind::RiskSqlInterpolation),
            |fact| {
                format!(
                    "query text is built from non-constant values ({}): pass the values as bound parameters",
                    fact.detail
                )
            },
            "no query built by interpolation, concatenation or formatting found",
        )
    }
}
