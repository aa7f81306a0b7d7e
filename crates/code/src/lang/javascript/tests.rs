//! Unit tests of the JS/TS extractor over small realistic sources.

use crate::model::{Auth, FactKind, FileCode, LinkHint, Value};

fn extract(path: &str, src: &str) -> FileCode {
    crate::extract(path, src.as_bytes()).expect("a JS/TS path")
}

fn has(file: &FileCode, pred: impl Fn(&FactKind) -> bool) -> bool {
    file.facts.iter().any(|f| pred(&f.kind))
}

fn linked(files: Vec<FileCode>) -> crate::CodeIndex {
    crate::CodeIndex::build(files)
}

#[test]
fn express_routes_with_inline_and_router_guards() {
    let f = extract(
        "src/app.js",
        r#"
const express = require('express');
const { requireAuth, requireRole } = require('./middleware/auth');
const app = express();
app.get('/healthz', (req, res) => res.send('ok'));
app.post('/orders', requireAuth, createOrder);
app.delete('/admin/users/:id', requireAuth, requireRole('admin'), (req, res) => {});
app.put('/public', (req, res) => {});
app.use(requireAuth);
app.patch('/later', (req, res) => {});
module.exports = app;
"#,
    );
    let index = linked(vec![f]);
    let routes: Vec<_> = index.routes().collect();
    assert_eq!(routes.len(), 5, "{routes:#?}");
    assert_eq!(routes[0].auth, Auth::None);
    assert!(routes[1].auth.is_required());
    assert_eq!(routes[2].roles, vec!["admin".to_string()]);
    assert_eq!(routes[3].auth, Auth::None);
    assert!(routes[4].auth.is_required(), "{:?}", routes[4]);
}

#[test]
fn router_mounted_from_another_file_gets_prefix_and_auth() {
    let users = extract(
        "src/routes/users.js",
        r#"
const express = require('express');
const router = express.Router();
router.post('/', async (req, res) => { res.json({}); });
module.exports = router;
"#,
    );
    let public = extract(
        "src/routes/public.ts",
        r#"
import { Router } from 'express';
export const publicRouter = Router();
publicRouter.post('/contact', (req, res) => res.sendStatus(204));
"#,
    );
    let orphan = extract(
        "src/routes/orphan.js",
        r#"
const router = require('express').Router();
router.post('/x', (req, res) => {});
module.exports = router;
"#,
    );
    let app = extract(
        "src/app.js",
        r#"
const express = require('express');
const usersRouter = require('./routes/users');
const { publicRouter } = require('./routes/public');
const { requireAuth } = require('./auth');
const app = express();
app.use('/api/users', requireAuth, usersRouter);
app.use('/api', publicRouter);
"#,
    );
    let index = linked(vec![users, public, app, orphan]);
    let by_path = |p: &str| index.routes().find(|r| r.path == p).cloned();
    let users = by_path("/api/users").expect("users route");
    assert!(users.auth.is_required(), "{users:?}");
    let contact = by_path("/api/contact").unwrap_or_else(|| panic!("{:#?}", index.files));
    assert_eq!(contact.auth, Auth::None);
    let orphan = by_path("/x").expect("orphan");
    assert!(matches!(orphan.auth, Auth::Unknown { .. }));
}

#[test]
fn fastify_plugins_hooks_and_options() {
    let plugin = extract(
        "src/routes/items.ts",
        r#"
import { FastifyInstance } from 'fastify';
export default async function items(fastify: FastifyInstance) {
  fastify.get('/', async () => []);
  fastify.post('/', { preHandler: [fastify.authenticate], schema: { body: ItemSchema } }, async (req) => req.body);
}
"#,
    );
    let app = extract(
        "src/server.ts",
        r#"
import Fastify from 'fastify';
import items from './routes/items';
const app = Fastify({ logger: true });
app.register(items, { prefix: '/items' });
app.route({ method: ['PUT', 'DELETE'], url: '/things/:id', handler: async () => ({}) });
"#,
    );
    assert!(has(&app, |k| *k == FactKind::HasBodySizeLimit));
    assert!(has(&app, |k| *k == FactKind::HasStructuredLogging));
    assert!(has(&plugin, |k| *k == FactKind::HasBodyValidation));
    let index = linked(vec![plugin, app]);
    let routes: Vec<_> = index.routes().collect();
    let post = routes.iter().find(|r| r.method == "POST").expect("post");
    assert_eq!(post.path, "/items");
    assert!(post.auth.is_required());
    let get = routes.iter().find(|r| r.method == "GET").expect("get");
    assert_eq!(get.auth, Auth::None);
    assert_eq!(routes.iter().filter(|r| r.path == "/things/:id").count(), 2);
}

#[test]
fn nest_controllers_guards_roles_and_public() {
    let controller = extract(
        "src/users/users.controller.ts",
        r#"
import { Controller, Get, Post, Delete, Body, UseGuards } from '@nestjs/common';
@Controller('users')
export class UsersController {
  @Get()
  findAll() { return []; }

  @Post()
  @UseGuards(AuthGuard('jwt'))
  create(@Body() dto: CreateUserDto) { return dto; }

  @Delete(':id')
  @Roles('admin')
  remove() {}

  @Public()
  @Post('signup')
  signup() {}
}
"#,
    );
    let module = extract(
        "src/app.module.ts",
        r#"
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
@Module({ providers: [{ provide: APP_GUARD, useClass: JwtAuthGuard }] })
export class AppModule {}
"#,
    );
    let main = extract(
        "src/main.ts",
        r#"
import { NestFactory } from '@nestjs/core';
async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.setGlobalPrefix('api');
  await app.listen(3000);
}
bootstrap();
"#,
    );
    let index = linked(vec![controller, module, main]);
    let routes: Vec<_> = index.routes().collect();
    assert_eq!(routes.len(), 4, "{routes:#?}");
    assert!(
        routes.iter().all(|r| r.path.starts_with("/api/users")),
        "{routes:#?}"
    );
    let signup = routes
        .iter()
        .find(|r| r.path.ends_with("signup"))
        .expect("signup");
    assert_eq!(signup.auth, Auth::None);
    let remove = routes
        .iter()
        .find(|r| r.method == "DELETE")
        .expect("delete");
    assert!(remove.auth.is_required());
    assert_eq!(remove.roles, vec!["admin".to_string()]);
}

#[test]
fn next_route_handlers_and_middleware() {
    let route = extract(
        "src/app/api/posts/route.ts",
        r#"
import { NextResponse } from 'next/server';
export async function GET() { return NextResponse.json([]); }
export async function POST(req: Request) {
  const session = await getServerSession(authOptions);
  return NextResponse.json({});
}
"#,
    );
    let admin = extract(
        "src/app/admin/items/[id]/route.ts",
        r#"
export async function DELETE(req: Request) { return new Response(null); }
"#,
    );
    let middleware = extract(
        "src/middleware.ts",
        r#"
export { auth as middleware } from './auth';
export const config = { matcher: ['/admin/:path*'] };
"#,
    );
    let index = linked(vec![route, admin, middleware]);
    let routes: Vec<_> = index.routes().collect();
    let post = routes.iter().find(|r| r.method == "POST").expect("post");
    assert!(post.auth.is_required());
    let get = routes.iter().find(|r| r.method == "GET").expect("get");
    assert_eq!(get.auth, Auth::None);
    let delete = routes
        .iter()
        .find(|r| r.method == "DELETE")
        .expect("delete");
    assert_eq!(delete.path, "/admin/items/:id");
    assert!(delete.auth.is_required(), "{delete:?}");
}

#[test]
fn sql_interpolation_and_its_traps() {
    let f = extract(
        "src/repo.js",
        r#"
const SORT_COLUMNS = { name: 'name', created: 'created_at' };
async function list(db, req) {
  const dir = req.query.desc ? 'DESC' : 'ASC';
  await db.query(`SELECT * FROM users ORDER BY ${SORT_COLUMNS[req.query.sort]} ${dir}`);
  await db.query('SELECT * FROM users WHERE id = $1', [req.params.id]);
  await prisma.$queryRaw`SELECT * FROM users WHERE id = ${req.params.id}`;
  const placeholders = ids.map((_, i) => `$${i + 1}`).join(', ');
  await db.query(`SELECT * FROM users WHERE id IN (${placeholders})`, ids);
  await knex.raw('select * from users where name = ?', [req.query.name]);
}
async function bad(db, req) {
  await db.query(`SELECT * FROM users WHERE email = '${req.body.email}'`);
  const sql = "DELETE FROM sessions WHERE token = '" + req.params.token + "'";
  await pool.execute(sql);
  await prisma.$queryRawUnsafe(`SELECT * FROM orders WHERE status = '${req.query.status}'`);
}
"#,
    );
    let sql: Vec<_> = f
        .facts
        .iter()
        .filter(|x| x.kind == FactKind::RiskSqlInterpolation)
        .collect();
    assert_eq!(sql.len(), 3, "{sql:#?}");
    assert!(sql.iter().all(|x| x.at.line >= 12), "{sql:#?}");
}

#[test]
fn cors_policies_and_config_resolution() {
    let config = extract(
        "src/config.js",
        r#"
module.exports = {
  corsOrigin: process.env.CORS_ORIGIN ?? '*',
  jwtSecret: process.env.JWT_SECRET || 'dev-secret',
};
"#,
    );
    let app = extract(
        "src/app.js",
        r#"
const cors = require('cors');
const config = require('./config');
app.use(cors({ origin: config.corsOrigin, credentials: true }));
app.use(cors({ origin: true }));
app.use(cors({ origin: ['https://app.example.com'] }));
"#,
    );
    assert!(has(&config, |k| *k == FactKind::RiskJwtSecretFallback));
    let index = linked(vec![config, app]);
    let policies: Vec<_> = index
        .facts()
        .filter_map(|(_, f)| match &f.kind {
            FactKind::CorsPolicy {
                origins,
                credentials,
            } => Some((index.resolve(origins), *credentials)),
            _ => None,
        })
        .collect();
    assert_eq!(
        policies[0],
        (
            Value::Env {
                name: "CORS_ORIGIN".into(),
                default: Some("*".into())
            },
            true
        )
    );
    assert_eq!(policies[1].0, Value::Reflected);
    assert_eq!(
        policies[2].0,
        Value::List(vec!["https://app.example.com".into()])
    );
}

#[test]
fn secrets_jwt_hashing_random() {
    let f = extract(
        "src/auth.js",
        r#"
const jwt = require('jsonwebtoken');
const crypto = require('crypto');
function authenticate(req, res, next) {
  const user = jwt.decode(req.headers.authorization);
  req.user = user;
  next();
}
function verify(token) { return jwt.verify(token, key, { algorithms: ['HS256', 'none'] }); }
function hashPassword(password) { return crypto.createHash('md5').update(password).digest('hex'); }
function checksum(buf) { return crypto.createHash('sha256').update(buf).digest('hex'); }
const resetToken = Math.random().toString(36).slice(2);
const jitter = Math.random() * 100;
function requireAdmin(req, res, next) { next(); }
if (req.headers.authorization === 'Bearer s3cr3t-static-token') {}
const db = { password: 'hunter2!!' , type: 'password' };
"#,
    );
    let count = |k: FactKind| f.facts.iter().filter(|x| x.kind == k).count();
    assert_eq!(count(FactKind::RiskJwtUnverified), 2, "{:#?}", f.facts);
    assert_eq!(count(FactKind::RiskWeakPasswordHash), 1);
    assert_eq!(count(FactKind::RiskInsecureRandom), 1);
    assert_eq!(count(FactKind::RiskAuthAlwaysAllows), 1, "{:#?}", f.facts);
    assert_eq!(
        count(FactKind::RiskHardcodedCredential),
        2,
        "{:#?}",
        f.facts
    );
    assert!(
        f.facts
            .iter()
            .all(|x| x.kind != FactKind::RiskHardcodedCredential || x.secret.is_some())
    );
}

#[test]
fn http_clients_and_timeouts() {
    let f = extract(
        "src/clients.ts",
        r#"
import axios from 'axios';
const api = axios.create({ baseURL: 'https://api.example.com', timeout: 5000 });
export async function a() {
  await fetch('https://x.example.com');
  await fetch('https://x.example.com', { signal: AbortSignal.timeout(3000) });
  await axios.get('https://y.example.com');
  await axios.post('https://y.example.com', {}, { timeout: 2000 });
  await api.get('/users');
}
"#,
    );
    let calls: Vec<bool> = f
        .facts
        .iter()
        .filter_map(|x| match x.kind {
            FactKind::HttpClientCall { timeout } => Some(timeout),
            _ => None,
        })
        .collect();
    assert_eq!(calls, vec![true, false, true, false, true]);
}

#[test]
fn capabilities_are_wired() {
    let f = extract(
        "src/server.js",
        r#"
const express = require('express');
const rateLimit = require('express-rate-limit');
const pino = require('pino');
const Sentry = require('@sentry/node');
const client = require('prom-client');
Sentry.init({ dsn: process.env.SENTRY_DSN });
const logger = pino();
const app = express();
const limiter = rateLimit({ windowMs: 60000, max: 100 });
app.use(limiter);
app.use(express.json());
app.get('/metrics', async (req, res) => res.end(await client.register.metrics()));
app.use((err, req, res, next) => { res.status(500).json({ error: 'internal' }); });
const server = app.listen(3000);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
"#,
    );
    for kind in [
        FactKind::HasRateLimiter,
        FactKind::HasBodySizeLimit,
        FactKind::HasStructuredLogging,
        FactKind::HasGracefulShutdown,
        FactKind::HasRecoveryMiddleware,
        FactKind::HasStructuredErrors,
        FactKind::ErrorTracking { dsn_from_env: true },
        FactKind::MetricsEndpoint {
            path: "/metrics".into(),
        },
    ] {
        assert!(
            f.facts.iter().any(|x| x.kind == kind),
            "missing {kind:?}: {:#?}",
            f.facts
        );
    }
}

#[test]
fn unvalidated_body_versus_schema() {
    let f = extract(
        "src/routes/users.js",
        r#"
const router = require('express').Router();
router.post('/', async (req, res) => { const user = await User.create(req.body); res.json(user); });
router.put('/:id', validate(userSchema), async (req, res) => { await User.update(req.body); });
router.patch('/:id', async (req, res) => { const data = schema.parse(req.body); await User.update(data); });
module.exports = router;
"#,
    );
    let risks = f
        .facts
        .iter()
        .filter(|x| x.kind == FactKind::RiskUnvalidatedBody)
        .count();
    assert_eq!(risks, 1, "{:#?}", f.facts);
    assert!(has(&f, |k| *k == FactKind::HasBodyValidation));
}

#[test]
fn mount_hints_name_import_scopes() {
    let f = extract(
        "src/app.js",
        r#"
const express = require('express');
const app = express();
app.use('/v1', require('./routes'));
"#,
    );
    assert!(f.link_hints.iter().any(|h| matches!(h,
        LinkHint::Mount { child, prefix, .. } if child == "@import:src/routes::default" && prefix == "/v1")));
}

#[test]
fn frontend_calls_are_not_routes() {
    let f = extract(
        "src/components/Users.tsx",
        r#"
'use client';
export function Users() {
  const save = () => api.post('/users', data);
  fetch('/api/users');
  return null;
}
"#,
    );
    assert!(f.routes.is_empty());
    assert!(
        f.facts
            .iter()
            .all(|x| !matches!(x.kind, FactKind::HttpClientCall { .. }))
    );
}

#[test]
fn deep_nesting_does_not_overflow() {
    let depth = 5000;
    let src = format!(
        "const express = require('express');\nconst x = {}1{};\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    let f = extract("src/deep.js", &src);
    assert!(f.routes.is_empty());
}

#[test]
fn koa_router_mounted_with_routes() {
    let f = extract(
        "src/server.js",
        r#"
const Koa = require('koa');
const Router = require('@koa/router');
const app = new Koa();
const router = new Router();
router.post('/items', async (ctx) => { ctx.body = {}; });
app.use(router.routes());
"#,
    );
    let index = linked(vec![f]);
    let route = index.routes().next().expect("route");
    assert_eq!(route.framework, "koa");
    assert_eq!(route.auth, Auth::None, "{route:?}");
}

#[test]
fn auth_router_is_a_mount_not_a_guard() {
    let f = extract(
        "src/app.js",
        r#"
const express = require('express');
const authRouter = require('./routes/auth');
const app = express();
app.use('/auth', authRouter);
app.post('/orders', (req, res) => res.sendStatus(201));
"#,
    );
    assert!(
        f.link_hints
            .iter()
            .all(|h| !matches!(h, LinkHint::Guard { .. }))
    );
    let index = linked(vec![f]);
    let orders = index
        .routes()
        .find(|r| r.path == "/orders")
        .expect("orders");
    assert_eq!(orders.auth, Auth::None);
}

#[test]
fn credential_placeholders_stay_silent() {
    let f = extract(
        "src/settings.ts",
        r#"
export const REFRESH_TOKEN = 'refresh_token';
export const db = { password: '${DB_PASSWORD}', apiKey: 'YOUR_API_KEY', secret: process.env.SECRET };
export function check(token: string) { return token === 'undefined'; }
export const session = { secret: 'keyboard cat' };
// const password = 'hunter2-old';
"#,
    );
    assert!(
        f.facts
            .iter()
            .all(|x| x.kind != FactKind::RiskHardcodedCredential),
        "{:#?}",
        f.facts
    );
}

#[test]
fn unknown_global_middleware_makes_later_routes_unknown() {
    let f = extract(
        "src/app.js",
        r#"
const express = require('express');
const { tenantContext } = require('@acme/platform');
const app = express();
app.post('/early', (req, res) => {});
app.use(tenantContext);
app.post('/late', (req, res) => {});
"#,
    );
    let index = linked(vec![f]);
    let early = index.routes().find(|r| r.path == "/early").expect("early");
    let late = index.routes().find(|r| r.path == "/late").expect("late");
    assert_eq!(early.auth, Auth::None);
    assert!(matches!(late.auth, Auth::Unknown { .. }), "{late:?}");
}

#[test]
fn settings_object_resolves_through_nested_keys() {
    let settings = extract(
        "src/config/settings.ts",
        r#"
export const settings = {
  cors: { origins: process.env.CORS_ORIGINS?.split(',') ?? ['https://app.example.com'] },
};
"#,
    );
    let app = extract(
        "src/app.ts",
        r#"
import express from 'express';
import cors from 'cors';
import { settings } from './config/settings';
export const app = express();
app.use(cors({ origin: settings.cors.origins, credentials: true }));
"#,
    );
    let index = linked(vec![settings, app]);
    let origins = index
        .facts()
        .find_map(|(_, f)| match &f.kind {
            FactKind::CorsPolicy { origins, .. } => Some(index.resolve(origins)),
            _ => None,
        })
        .expect("cors");
    assert_eq!(
        origins,
        Value::Env {
            name: "CORS_ORIGINS".into(),
            default: Some("https://app.example.com".into())
        }
    );
}

#[test]
fn fetch_bound_to_another_client_is_not_global_fetch() {
    let f = extract(
        "lib/registry.js",
        r#"
const fetch = require('npm-registry-fetch');
async function packument(name) { return fetch(`/${name}`); }
function withClient(fetch) { return fetch('https://x.example.com'); }
"#,
    );
    assert!(
        f.facts
            .iter()
            .all(|x| !matches!(x.kind, FactKind::HttpClientCall { .. })),
        "{:#?}",
        f.facts
    );
}

#[test]
fn next_handler_passing_the_parsed_body_raw() {
    let f = extract(
        "app/api/products/route.ts",
        r#"
export async function POST(request: Request) {
  const body = await request.json();
  const product = await prisma.product.create({ data: body });
  return Response.json(product);
}
"#,
    );
    assert!(
        f.facts
            .iter()
            .any(|x| x.kind == FactKind::RiskUnvalidatedBody),
        "{:#?}",
        f.facts
    );
}

#[test]
fn static_authorization_header_is_a_credential() {
    let f = extract(
        "src/clients/crm.js",
        r#"
const axios = require('axios');
const crm = axios.create({ baseURL: 'https://crm.example.com', timeout: 5000, headers: { Authorization: 'Bearer 9f8e7d6c5b4a3f2e1d0c' } });
const other = { headers: { Authorization: `Bearer ${process.env.CRM_TOKEN}` } };
"#,
    );
    let creds: Vec<_> = f
        .facts
        .iter()
        .filter(|x| x.kind == FactKind::RiskHardcodedCredential)
        .collect();
    assert_eq!(creds.len(), 1, "{creds:#?}");
}

/// Express applies `app.use(mw)` only to what is registered after it: a guard added after a
/// mount does not protect the mounted router (in the same file or from another file).
#[test]
fn guard_registered_after_a_mount_does_not_protect_it() {
    let users = extract(
        "src/routes/users.js",
        r#"
const express = require('express');
const router = express.Router();
router.post('/', (req, res) => res.json({}));
module.exports = router;
"#,
    );
    let app = extract(
        "src/app.js",
        r#"
const express = require('express');
const usersRouter = require('./routes/users');
const { requireAuth } = require('./auth');
const app = express();
const local = express.Router();
local.post('/notes', (req, res) => res.json({}));
const admin = express.Router();
admin.delete('/users/:id', (req, res) => res.sendStatus(204));
app.use('/public', local);
app.use('/users', usersRouter);
app.use(requireAuth);
app.use('/admin', admin);
"#,
    );
    let index = linked(vec![users, app]);
    let route = |p: &str| {
        index
            .routes()
            .find(|r| r.path == p)
            .unwrap_or_else(|| panic!("{p}: {:#?}", index.files))
            .clone()
    };
    assert_eq!(route("/public/notes").auth, Auth::None);
    assert_eq!(route("/users").auth, Auth::None);
    assert!(route("/admin/users/:id").auth.is_required());
}

/// `app.use("/api", makeRouter())`: routes and guards of the router a factory builds and
/// returns, in another file or this one, get the mount's prefix and auth.
#[test]
fn router_factories_are_mounted_where_they_are_called() {
    let api = extract(
        "src/routes/api.js",
        r#"
const express = require('express');
const { requireAuth } = require('../auth');
function makeApiRouter() {
  const r = express.Router();
  r.use(requireAuth);
  r.post('/orders', (req, res) => res.json({}));
  return r;
}
function makePublicRouter() {
  const r = express.Router();
  r.post('/contact', (req, res) => res.sendStatus(204));
  return r;
}
module.exports = { makeApiRouter, makePublicRouter };
"#,
    );
    let app = extract(
        "src/app.js",
        r#"
const express = require('express');
const { makeApiRouter, makePublicRouter } = require('./routes/api');
const { requireAuth } = require('./auth');
const app = express();
const makeAdmin = () => {
  const router = express.Router();
  router.delete('/users/:id', (req, res) => res.sendStatus(204));
  return router;
};
function neverMounted() {
  const r = express.Router();
  r.post('/orphan', (req, res) => res.json({}));
  return r;
}
app.use('/api', makeApiRouter());
app.use('/public', makePublicRouter());
app.use('/admin', requireAuth, makeAdmin());
"#,
    );
    let index = linked(vec![api, app]);
    let route = |p: &str| {
        index
            .routes()
            .find(|r| r.path == p)
            .unwrap_or_else(|| panic!("{p}: {:#?}", index.files))
            .clone()
    };
    assert!(route("/api/orders").auth.is_required());
    assert_eq!(route("/public/contact").auth, Auth::None);
    assert!(route("/admin/users/:id").auth.is_required());
    // Trap: a factory nobody mounts keeps its routes' auth unknown.
    assert!(matches!(route("/orphan").auth, Auth::Unknown { .. }));
}
