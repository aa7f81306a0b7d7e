//! Unit tests of the Python extractor over small sources.

use crate::model::{Auth, FactKind, FileCode, Value};
use crate::{CodeIndex, extract};

fn run(path: &str, src: &str) -> FileCode {
    extract(path, src.as_bytes()).expect("python file")
}

fn has(f: &FileCode, pred: impl Fn(&FactKind) -> bool) -> bool {
    f.facts.iter().any(|x| pred(&x.kind))
}

fn count(f: &FileCode, pred: impl Fn(&FactKind) -> bool) -> usize {
    f.facts.iter().filter(|x| pred(&x.kind)).count()
}

#[test]
fn fastapi_routes_with_dependencies_and_router_guards() {
    let f = run(
        "app/routers/items.py",
        r#"
from fastapi import APIRouter, Depends
from app.deps import get_current_user, get_db, require_role, CurrentUser

router = APIRouter(prefix="/items")
admin = APIRouter(prefix="/admin", dependencies=[Depends(require_role("admin"))])

@router.get("/")
def list_items(db=Depends(get_db)):
    return []

@router.post("/", status_code=201)
def create_item(user=Depends(get_current_user), db=Depends(get_db)):
    return {}

@router.delete("/{id}")
def delete_item(id: int, user: CurrentUser):
    return {}

@router.put("/{id}")
def replace_item(id: int, db=Depends(get_db)):
    return {}

@admin.post("/purge")
def purge():
    return {}
"#,
    );
    let r: Vec<_> = f
        .routes
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str(), r.auth.is_required()))
        .collect();
    assert_eq!(
        r,
        vec![
            ("GET", "/items", false),
            ("POST", "/items", true),
            ("DELETE", "/items/{id}", true),
            ("PUT", "/items/{id}", false),
            ("POST", "/admin/purge", true),
        ]
    );
    assert_eq!(f.routes[3].auth, Auth::None);
    assert_eq!(f.routes[4].roles, vec!["admin".to_string()]);
    assert_eq!(f.routes[1].scope, "app/routers/items.py::router");
}

#[test]
fn include_router_across_files_applies_prefix_and_auth() {
    let users = run(
        "app/routers/users.py",
        "from fastapi import APIRouter\nrouter = APIRouter()\n@router.post('/{id}')\ndef update(id: int):\n    return {}\n",
    );
    let admin = run(
        "app/routers/admin.py",
        "from fastapi import APIRouter\nrouter = APIRouter()\n@router.post('/reset')\ndef reset():\n    return {}\n",
    );
    let main = run(
        "app/main.py",
        r#"
from fastapi import FastAPI, Depends
from .routers import users
from app.routers.admin import router as admin_router
from app.auth import get_current_user, get_current_admin

app = FastAPI()
app.include_router(users.router, prefix="/users", dependencies=[Depends(get_current_user)])
app.include_router(admin_router, prefix="/admin", dependencies=[Depends(get_current_admin)])
"#,
    );
    let index = CodeIndex::build(vec![users, admin, main]);
    let routes: Vec<_> = index.routes().collect();
    let update = routes.iter().find(|r| r.handler == "update").unwrap();
    assert_eq!(update.path, "/users/{id}");
    assert!(update.auth.is_required(), "{:?}", update.auth);
    let reset = routes.iter().find(|r| r.handler == "reset").unwrap();
    assert_eq!(reset.path, "/admin/reset");
    assert_eq!(reset.roles, vec!["admin".to_string()]);
}

#[test]
fn flask_blueprints_and_decorators() {
    let f = run(
        "app/views.py",
        r#"
from flask import Blueprint, request
from flask_login import login_required
from flask_jwt_extended import jwt_required
from .auth import roles_required

bp = Blueprint("orders", __name__, url_prefix="/orders")

@bp.route("/", methods=["GET", "POST"])
@login_required
def orders():
    return "ok"

@bp.route("/<id>", methods=["DELETE"])
@jwt_required()
@roles_required("admin")
def delete(id):
    return "ok"

@bp.post("/public")
def public():
    return "ok"
"#,
    );
    let r: Vec<_> = f
        .routes
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str(), r.auth.is_required()))
        .collect();
    assert_eq!(
        r,
        vec![
            ("GET", "/orders", true),
            ("POST", "/orders", true),
            ("DELETE", "/orders/<id>", true),
            ("POST", "/orders/public", false),
        ]
    );
    assert_eq!(f.routes[2].roles, vec!["admin".to_string()]);
}

#[test]
fn sql_interpolation_and_traps() {
    let f = run(
        "app/repo.py",
        r#"
SORT_COLUMNS = {"name": "name", "date": "created_at"}

def bad(cursor, name, table):
    cursor.execute(f"SELECT * FROM users WHERE name = '{name}'")
    query = "SELECT * FROM " + table + " WHERE id = 1"
    cursor.execute(query)
    cursor.execute("DELETE FROM t WHERE id = %s" % name)
    cursor.execute("SELECT * FROM t WHERE a = '{}'".format(name))

def good(cursor, name, ids, sort):
    cursor.execute("SELECT * FROM users WHERE name = %s", (name,))
    cursor.execute(f"SELECT * FROM users ORDER BY {SORT_COLUMNS[sort]}")
    placeholders = ", ".join(["%s"] * len(ids))
    cursor.execute(f"SELECT * FROM users WHERE id IN ({placeholders})", ids)
    if sort not in SORT_COLUMNS:
        raise ValueError(sort)
    cursor.execute(f"SELECT * FROM users ORDER BY {sort}")
    # cursor.execute(f"SELECT * FROM users WHERE name = '{name}'")
"#,
    );
    let lines: Vec<u32> = f
        .facts
        .iter()
        .filter(|x| x.kind == FactKind::RiskSqlInterpolation)
        .map(|x| x.at.line)
        .collect();
    assert_eq!(lines, vec![5, 7, 8, 9]);
}

#[test]
fn sinks() {
    let f = run(
        "app/tasks.py",
        r#"
import subprocess, os, pickle, yaml, hashlib, random, jwt
import secrets

def run(name):
    subprocess.run(f"convert {name} out.png", shell=True)
    subprocess.run(["convert", name, "out.png"])
    os.system("ls " + name)
    os.system("ls /tmp")

def load(blob, text):
    pickle.loads(blob)
    yaml.load(text)
    yaml.load(text, Loader=yaml.SafeLoader)
    yaml.safe_load(text)

def hash_password(password):
    return hashlib.sha256(password.encode()).hexdigest()

def digest(body):
    return hashlib.sha256(body).hexdigest()

def make_reset_token():
    return "".join(random.choice("abc") for _ in range(32))

def pick_color():
    return random.choice(["red", "blue"])

def api_key():
    return secrets.token_urlsafe(32)

def decode(token):
    jwt.decode(token, options={"verify_signature": False})
    jwt.decode(token, "k", algorithms=["HS256", "none"])
    jwt.decode(token, "k", algorithms=["HS256"])
"#,
    );
    assert_eq!(count(&f, |k| *k == FactKind::RiskShellInjection), 2);
    assert_eq!(count(&f, |k| *k == FactKind::RiskUnsafeDeserialization), 2);
    assert_eq!(count(&f, |k| *k == FactKind::RiskWeakPasswordHash), 1);
    assert_eq!(count(&f, |k| *k == FactKind::RiskInsecureRandom), 1);
    assert_eq!(count(&f, |k| *k == FactKind::RiskJwtUnverified), 2);
}

#[test]
fn settings_and_cors_resolve_across_files() {
    let settings = run(
        "app/core/config.py",
        r#"
from pydantic_settings import BaseSettings

class Settings(BaseSettings):
    cors_origins: list[str] = ["*"]
    jwt_secret: str = "dev-secret-change"
    database_url: str

settings = Settings()
"#,
    );
    assert!(has(&settings, |k| *k == FactKind::HasSettingsLayer));
    assert!(has(&settings, |k| *k == FactKind::RiskJwtSecretFallback));
    let main = run(
        "app/main.py",
        r#"
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from app.core.config import settings

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_credentials=True)
"#,
    );
    let index = CodeIndex::build(vec![settings, main]);
    let (_, cors) = index
        .facts()
        .find(|(_, f)| matches!(f.kind, FactKind::CorsPolicy { .. }))
        .unwrap();
    let FactKind::CorsPolicy {
        origins,
        credentials,
    } = &cors.kind
    else {
        unreachable!()
    };
    assert!(credentials);
    assert_eq!(
        index.resolve(origins),
        Value::Env {
            name: "CORS_ORIGINS".into(),
            default: Some("*".into())
        }
    );
}

#[test]
fn http_clients_and_timeouts() {
    let f = run(
        "app/clients.py",
        r#"
import requests, httpx

client = httpx.Client(timeout=10)
session = requests.Session()

def a(url):
    requests.get(url)
    requests.post(url, json={}, timeout=5)
    client.get(url)
    session.get(url)
    httpx.get(url, timeout=None)
"#,
    );
    let t: Vec<bool> = f
        .facts
        .iter()
        .filter_map(|x| match x.kind {
            FactKind::HttpClientCall { timeout } => Some(timeout),
            _ => None,
        })
        .collect();
    assert_eq!(t, vec![false, true, true, false, false]);
}

#[test]
fn debug_and_exceptions() {
    let f = run(
        "app/main.py",
        r#"
import uvicorn
from fastapi import FastAPI, HTTPException
app = FastAPI()

@app.post("/x")
def x():
    try:
        work()
    except ValueError as e:
        raise HTTPException(400, detail=str(e))
    except Exception as e:
        return {"error": str(e)}

if __name__ == "__main__":
    uvicorn.run("app.main:app", host="0.0.0.0", reload=True)
"#,
    );
    assert_eq!(count(&f, |k| *k == FactKind::RiskExceptionToClient), 1);
    assert_eq!(count(&f, |k| *k == FactKind::RiskDebugMode), 1);
}

#[test]
fn capabilities() {
    let f = run(
        "app/main.py",
        r#"
import sentry_sdk, os, structlog
from fastapi import FastAPI
from slowapi import Limiter
from prometheus_fastapi_instrumentator import Instrumentator
from asgi_correlation_id import CorrelationIdMiddleware
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from tenacity import retry, wait_exponential

sentry_sdk.init(dsn=os.environ["SENTRY_DSN"])
structlog.configure(processors=[])
trace.set_tracer_provider(TracerProvider())
app = FastAPI(lifespan=lifespan)
app.state.limiter = Limiter(key_func=lambda r: "x")
app.add_middleware(CorrelationIdMiddleware)
Instrumentator().instrument(app).expose(app)

@retry(wait=wait_exponential(multiplier=1))
def call():
    pass
"#,
    );
    for want in [
        FactKind::ErrorTracking { dsn_from_env: true },
        FactKind::HasStructuredLogging,
        FactKind::HasTracing,
        FactKind::HasGracefulShutdown,
        FactKind::HasRateLimiter,
        FactKind::HasRequestId,
        FactKind::MetricsEndpoint {
            path: "/metrics".into(),
        },
        FactKind::HasRetryBackoff,
        FactKind::HasRecoveryMiddleware,
    ] {
        assert!(has(&f, |k| *k == want), "missing {want:?}");
    }
}

#[test]
fn django_routes_take_methods_and_guards_from_views() {
    let urls = run(
        "shop/urls.py",
        r#"
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("orders.urls")),
]
"#,
    );
    let order_urls = run(
        "orders/urls.py",
        r#"
from django.urls import path
from rest_framework.routers import DefaultRouter

from orders import views
from orders.views import OrderViewSet

router = DefaultRouter()
router.register(r"orders", OrderViewSet)

urlpatterns = [
    path("checkout/", views.checkout),
    path("cart/", views.CartView.as_view()),
    path("ping/", views.ping),
    path("", include(router.urls)),
]
"#,
    );
    let views = run(
        "orders/views.py",
        r#"
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import JsonResponse
from django.views import View
from django.views.decorators.http import require_POST
from rest_framework import viewsets
from rest_framework.permissions import IsAdminUser


@require_POST
def checkout(request):
    return JsonResponse({})


@require_POST
def ping(request):
    return JsonResponse({"user": request.user.id})


class CartView(LoginRequiredMixin, View):
    def get(self, request):
        return JsonResponse({})

    def post(self, request):
        return JsonResponse({})


class OrderViewSet(viewsets.ModelViewSet):
    permission_classes = [IsAdminUser]
"#,
    );
    let index = CodeIndex::build(vec![urls, order_urls, views]);
    let routes: Vec<String> = index
        .routes()
        .map(|r| {
            let auth = match &r.auth {
                Auth::Required { .. } => "auth",
                Auth::None => "none",
                Auth::Unknown { .. } => "unknown",
            };
            format!("{} {} {auth} {}", r.method, r.path, r.roles.join(","))
        })
        .collect();
    assert_eq!(
        routes,
        vec![
            "POST /api/checkout/ none ",
            "GET /api/cart/ auth ",
            "POST /api/cart/ auth ",
            "POST /api/ping/ unknown ",
            "GET /api/orders auth admin",
            "POST /api/orders auth admin",
            "PUT /api/orders auth admin",
            "PATCH /api/orders auth admin",
            "DELETE /api/orders auth admin",
            "ANY /admin/ unknown ",
        ]
    );
    assert!(
        index
            .files
            .iter()
            .all(|f| f.link_hints.iter().all(|h| match h {
                crate::LinkHint::Guard { scope, .. } => !scope.starts_with('\0'),
                _ => true,
            }))
    );
}

#[test]
fn websockets_graphql_and_traps_in_comments() {
    let f = run(
        "app/main.py",
        r#"
from fastapi import FastAPI, WebSocket
from strawberry.fastapi import GraphQLRouter
from app.schema import schema

app = FastAPI()
app.include_router(GraphQLRouter(schema), prefix="/graphql")

@app.websocket("/ws")
async def ws(websocket: WebSocket):
    await websocket.accept()
    # pickle.loads(await websocket.receive_bytes())
    while True:
        await websocket.send_text(await websocket.receive_text())
"#,
    );
    let kinds: Vec<_> = f.routes.iter().map(|r| (r.kind, r.path.as_str())).collect();
    assert_eq!(
        kinds,
        vec![
            (crate::RouteKind::WebSocket, "/ws"),
            (crate::RouteKind::GraphQl, "/graphql")
        ]
    );
    assert!(has(&f, |k| *k == FactKind::WebSocketHandler { limits: false }));
    assert!(!has(&f, |k| *k == FactKind::RiskUnsafeDeserialization));
}

#[test]
fn name_based_traps_stay_silent() {
    let f = run(
        "app/config/settings.py",
        r#"
import random

CSRF_TOKEN = "csrftoken"
DEBUG = True

def tokenize(words):
    return random.sample(words, len(words))

def footprint():
    return random.randint(1, 6)
"#,
    );
    assert!(f.facts.is_empty(), "{:?}", f.facts);
    let f = run(
        "shop/settings/production.py",
        "from .base import *\nDEBUG = True\nAPI_TOKEN = \"4f8a9c2e1b7d\"\n",
    );
    assert!(has(&f, |k| *k == FactKind::RiskDebugMode));
    assert!(has(&f, |k| *k == FactKind::RiskHardcodedCredential));
}

#[test]
fn celery_project_time_limit_completes_task_limits() {
    let config = run(
        "app/celery_app.py",
        "from celery import Celery\napp = Celery('x')\napp.conf.update(task_time_limit=300, task_acks_late=True)\n",
    );
    let tasks = run(
        "app/tasks.py",
        "from app.celery_app import app\n\n@app.task(autoretry_for=(IOError,), retry_backoff=True)\ndef a():\n    pass\n\n@app.task\ndef b():\n    pass\n",
    );
    let index = CodeIndex::build(vec![config, tasks]);
    let limits: Vec<bool> = index
        .facts()
        .filter_map(|(_, f)| match f.kind {
            FactKind::JobQueue { limits } => Some(limits),
            _ => None,
        })
        .collect();
    assert_eq!(limits, vec![true, false]);
    assert!(index.files.iter().all(|f| f.link_hints.is_empty()));
}
