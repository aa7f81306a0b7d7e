#!/usr/bin/env python3
"""Generate a service-shaped source tree for the code-extraction benchmark (issue 3).

    python3 bench/code/generate.py --files 20000 --out /tmp/code-corpus

Five languages in equal shares (Python, TypeScript, Go, Rust, Java). Files look like the code
real services write: route handlers with auth, repositories with SQL, outbound HTTP clients,
settings modules, plain business logic. Deterministic for a given seed.
"""
import argparse
import os
import random

NOUNS = ["order", "invoice", "customer", "account", "payment", "shipment", "item", "user",
         "report", "ticket", "session", "product", "cart", "refund", "tenant", "webhook"]
VERBS = ["create", "update", "delete", "fetch", "list", "sync", "apply", "cancel", "close"]


def ident(r, n=2):
    return "_".join(r.choice(NOUNS + VERBS) for _ in range(n))


def camel(s):
    head, *rest = s.split("_")
    return head + "".join(p.title() for p in rest)


def py_file(r, i):
    noun = r.choice(NOUNS)
    out = ["import logging", "import os", "", "import httpx",
           "from fastapi import APIRouter, Depends, HTTPException",
           "from sqlalchemy import text", "",
           "from app.auth import get_current_user", "from app.db import get_session", "",
           f'router = APIRouter(prefix="/{noun}s", tags=["{noun}"])',
           "logger = logging.getLogger(__name__)", ""]
    for k in range(r.randint(4, 14)):
        fn = ident(r)
        kind = r.random()
        if kind < 0.3:
            out += [f'@router.post("/{fn.replace("_", "-")}")',
                    f"async def {fn}(payload: dict, user=Depends(get_current_user), session=Depends(get_session)):",
                    f'    row = session.execute(text("SELECT id, status FROM {noun}s WHERE id = :id"), {{"id": payload["id"]}}).first()',
                    "    if row is None:", f'        raise HTTPException(status_code=404, detail="{noun} not found")',
                    f'    logger.info("{fn} done", extra={{"id": row.id}})', "    return {\"id\": row.id, \"status\": row.status}", ""]
        elif kind < 0.5:
            out += [f'@router.get("/{{{noun}_id}}/{fn.replace("_", "-")}")',
                    f"async def {fn}({noun}_id: int, session=Depends(get_session)):",
                    f'    rows = session.execute(text(f"SELECT * FROM {noun}s WHERE tenant = {{TENANT}} LIMIT 50")).all()',
                    "    return [dict(r._mapping) for r in rows]", ""]
        elif kind < 0.7:
            out += [f"async def {fn}(client: httpx.AsyncClient, ref: str) -> dict:",
                    f'    resp = await client.get(f"{{BASE_URL}}/{noun}s/{{ref}}", timeout=5.0)',
                    "    resp.raise_for_status()", "    return resp.json()", ""]
        else:
            out += [f"def {fn}(values: list[int], factor: float = 1.5) -> list[float]:",
                    '    """Scale and clip values for the report."""',
                    "    result = []", "    for v in values:", "        if v < 0:", "            continue",
                    "        result.append(min(v * factor, 10_000.0))", "    return result", ""]
    return "\n".join(out) + "\n"


def ts_file(r, i):
    noun = r.choice(NOUNS)
    out = ["import { Router, Request, Response } from 'express';", "import axios from 'axios';",
           "import { requireAuth } from '../middleware/auth';", "import { pool } from '../db';", "",
           "export const router = Router();", "router.use(requireAuth);", ""]
    for k in range(r.randint(4, 14)):
        fn = camel(ident(r))
        kind = r.random()
        if kind < 0.35:
            out += [f"router.post('/{noun}s/{fn}', async (req: Request, res: Response) => {{",
                    f"  const {{ rows }} = await pool.query('SELECT id FROM {noun}s WHERE id = $1', [req.params.id]);",
                    "  if (rows.length === 0) {", "    return res.status(404).json({ error: 'not found' });", "  }",
                    "  res.status(201).json(rows[0]);", "});", ""]
        elif kind < 0.6:
            out += [f"export async function {fn}(ref: string): Promise<unknown> {{",
                    f"  const resp = await axios.get(`${{process.env.API_URL}}/{noun}s/${{ref}}`, {{ timeout: 5000 }});",
                    "  return resp.data;", "}", ""]
        else:
            out += [f"export function {fn}(values: number[], factor = 1.5): number[] {{",
                    "  return values.filter((v) => v >= 0).map((v) => Math.min(v * factor, 10000));", "}", ""]
    return "\n".join(out) + "\n"


def go_file(r, i):
    noun = r.choice(NOUNS)
    out = [f"package {noun}", "", "import (", '\t"context"', '\t"database/sql"', '\t"net/http"', "",
           '\t"github.com/gin-gonic/gin"', ")", ""]
    out += [f"func Register(r *gin.RouterGroup, db *sql.DB) {{", f'\tg := r.Group("/{noun}s")']
    handlers = []
    for k in range(r.randint(4, 14)):
        fn = camel(ident(r)).title()
        kind = r.random()
        if kind < 0.4:
            out.append(f'\tg.POST("/{fn.lower()}", {fn}(db))')
            handlers += [f"func {fn}(db *sql.DB) gin.HandlerFunc {{", "\treturn func(c *gin.Context) {",
                         "\t\tvar id int64",
                         f'\t\tif err := db.QueryRowContext(c, "SELECT id FROM {noun}s WHERE id = $1", c.Param("id")).Scan(&id); err != nil {{',
                         "\t\t\tc.JSON(http.StatusNotFound, gin.H{\"error\": \"not found\"})", "\t\t\treturn", "\t\t}",
                         "\t\tc.JSON(http.StatusCreated, gin.H{\"id\": id})", "\t}", "}", ""]
        else:
            handlers += [f"func {fn}(ctx context.Context, values []float64) []float64 {{", "\tout := make([]float64, 0, len(values))",
                         "\tfor _, v := range values {", "\t\tif v < 0 {", "\t\t\tcontinue", "\t\t}",
                         "\t\tout = append(out, v*1.5)", "\t}", "\treturn out", "}", ""]
    out += ["}", ""] + handlers
    return "\n".join(out) + "\n"


def rust_file(r, i):
    noun = r.choice(NOUNS)
    out = ["use axum::{extract::{Path, State}, routing::{get, post}, Json, Router};",
           "use sqlx::PgPool;", "", "use crate::auth::AuthUser;", "",
           f"pub fn routes() -> Router<PgPool> {{", "    Router::new()"]
    fns = []
    for k in range(r.randint(4, 14)):
        fn = ident(r)
        if r.random() < 0.4:
            out.append(f'        .route("/{noun}s/{fn}", post({fn}))')
            fns += [f"async fn {fn}(State(pool): State<PgPool>, user: AuthUser, Path(id): Path<i64>) -> Json<i64> {{",
                    f'    let row: (i64,) = sqlx::query_as("SELECT id FROM {noun}s WHERE id = $1")',
                    "        .bind(id)", "        .fetch_one(&pool)", "        .await", "        .unwrap_or((0,));",
                    "    Json(row.0)", "}", ""]
        else:
            fns += [f"pub fn {fn}(values: &[f64]) -> Vec<f64> {{",
                    "    values.iter().filter(|v| **v >= 0.0).map(|v| v * 1.5).collect()", "}", ""]
    out += ["}", ""] + fns
    return "\n".join(out) + "\n"


def java_file(r, i):
    noun = r.choice(NOUNS)
    cls = noun.title() + "Controller" + str(i)
    out = [f"package com.acme.{noun};", "", "import java.util.List;", "import java.util.Map;",
           "import org.springframework.jdbc.core.JdbcTemplate;",
           "import org.springframework.security.access.prepost.PreAuthorize;",
           "import org.springframework.web.bind.annotation.*;", "", "@RestController",
           f'@RequestMapping("/api/{noun}s")', f"public class {cls} {{",
           "    private final JdbcTemplate jdbc;", "",
           f"    public {cls}(JdbcTemplate jdbc) {{", "        this.jdbc = jdbc;", "    }", ""]
    for k in range(r.randint(4, 14)):
        fn = camel(ident(r))
        if r.random() < 0.4:
            out += [f'    @PostMapping("/{fn}")', '    @PreAuthorize("hasRole(\'USER\')")',
                    f"    public Map<String, Object> {fn}(@RequestBody Map<String, Object> body) {{",
                    f'        return jdbc.queryForMap("SELECT id FROM {noun}s WHERE id = ?", body.get("id"));', "    }", ""]
        else:
            out += [f"    static List<Double> {fn}(List<Double> values) {{",
                    "        return values.stream().filter(v -> v >= 0).map(v -> v * 1.5).toList();", "    }", ""]
    out.append("}")
    return "\n".join(out) + "\n"


GENERATORS = [("py", "python/app/routers", py_file), ("ts", "ts/src/routes", ts_file),
              ("go", "go/internal", go_file), ("rs", "rust/src/handlers", rust_file),
              ("java", "java/src/main/java/com/acme", java_file)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=20000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    r = random.Random(args.seed)
    for i in range(args.files):
        ext, folder, gen = GENERATORS[i % len(GENERATORS)]
        sub = os.path.join(args.out, folder, f"pkg{(i // 5) % 200:03d}")
        os.makedirs(sub, exist_ok=True)
        name = f"{ident(r)}_{i}.{ext}"
        if ext == "java":
            name = f"{r.choice(NOUNS).title()}Controller{i}.java"
        with open(os.path.join(sub, name), "w") as f:
            f.write(gen(r, i))


if __name__ == "__main__":
    main()
