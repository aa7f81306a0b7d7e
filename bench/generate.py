#!/usr/bin/env python3
"""Deterministic generator of a synthetic monorepo for benchmarking `vouch audit`.

The tree looks like what vouch users audit: many services (Python, Go, TypeScript, Java), each
with source, tests, a Dockerfile, dependency manifests and lock files, Kubernetes manifests,
some docker-compose files, docs and config; plus repository-level CI workflows, Helm charts,
Kubernetes deploy manifests, Markdown docs, vendored binaries and a few multi-MB assets.

Same arguments and seed -> byte-identical tree (and, with --git, the same commit hash).

    python3 bench/generate.py --files 100000 --size-mb 1024 --out /tmp/corpus
    python3 bench/generate.py --files 10000 --size-mb 100 --out /tmp/small --git

Only the standard library is used. The output directory must be empty or absent (use --force to
delete an existing one first).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import subprocess
import sys
import time

# --------------------------------------------------------------------------------------------
# Vocabulary

DOMAINS = (
    "auth billing catalog checkout cart payments orders inventory shipping search recommend "
    "notify email sms ledger invoice pricing tax fraud risk identity profile session gateway "
    "media upload thumbnail report analytics metrics audit export import scheduler worker "
    "webhook partner loyalty coupon review rating geo address warehouse fleet routing dispatch "
    "support ticket chat feed timeline graph social admin config flags experiment ab ingest etl"
).split()
SUFFIXES = ["api", "svc", "worker", "service", "consumer", "gateway", "sync", "jobs"]
NOUNS = (
    "user account order item product price invoice payment customer session token cart line "
    "shipment address event message record batch entry report metric tenant quota limit rule "
    "policy profile request response cursor page filter result job task queue cache store "
    "client handler repository service manager factory builder adapter mapper validator"
).split()
VERBS = (
    "get list create update delete find load save fetch build parse validate compute apply "
    "process handle emit publish consume refresh sync merge resolve normalize render encode "
    "decode check ensure register schedule retry cancel archive restore export import"
).split()
WORDS = (
    "the service handles requests from clients and stores results in the database when a "
    "message arrives on the queue it is validated and forwarded to the next stage errors are "
    "retried with exponential backoff and reported to the metrics pipeline each deployment runs "
    "behind a load balancer with health checks configuration comes from environment variables "
    "and a mounted config map secrets are injected at runtime by the platform see the runbook "
    "for the on call procedure latency budgets are defined per endpoint in the slo document "
    "this module is owned by the platform team migrations run before the new version starts "
    "caches are warmed on startup logs are shipped to the central cluster traces are sampled"
).split()
PY_LIBS = [
    ("fastapi", "0.110.0"), ("uvicorn", "0.29.0"), ("pydantic", "2.6.4"), ("sqlalchemy", "2.0.29"),
    ("alembic", "1.13.1"), ("redis", "5.0.3"), ("httpx", "0.27.0"), ("celery", "5.3.6"),
    ("prometheus-client", "0.20.0"), ("opentelemetry-sdk", "1.24.0"), ("structlog", "24.1.0"),
    ("boto3", "1.34.84"), ("psycopg2-binary", "2.9.9"), ("tenacity", "8.2.3"),
    ("slowapi", "0.1.9"), ("gunicorn", "21.2.0"), ("pytest", "8.1.1"), ("requests", "2.31.0"),
]
NPM_LIBS = [
    ("express", "4.19.2"), ("zod", "3.22.4"), ("pino", "8.19.0"), ("prom-client", "15.1.1"),
    ("ioredis", "5.3.2"), ("pg", "8.11.5"), ("@opentelemetry/api", "1.8.0"), ("axios", "1.6.8"),
    ("express-rate-limit", "7.2.0"), ("helmet", "7.1.0"), ("knex", "3.1.0"), ("jest", "29.7.0"),
    ("typescript", "5.4.5"), ("ts-node", "10.9.2"), ("eslint", "8.57.0"), ("kafkajs", "2.2.4"),
]
GO_LIBS = [
    ("github.com/go-chi/chi/v5", "v5.0.12"), ("github.com/prometheus/client_golang", "v1.19.0"),
    ("go.uber.org/zap", "v1.27.0"), ("github.com/jackc/pgx/v5", "v5.5.5"),
    ("github.com/redis/go-redis/v9", "v9.5.1"), ("go.opentelemetry.io/otel", "v1.25.0"),
    ("github.com/stretchr/testify", "v1.9.0"), ("golang.org/x/time", "v0.5.0"),
    ("github.com/golang-migrate/migrate/v4", "v4.17.0"), ("google.golang.org/grpc", "v1.63.2"),
]
JAVA_LIBS = [
    ("org.springframework.boot", "spring-boot-starter-web", "3.2.4"),
    ("org.springframework.boot", "spring-boot-starter-actuator", "3.2.4"),
    ("io.micrometer", "micrometer-registry-prometheus", "1.12.5"),
    ("org.flywaydb", "flyway-core", "10.11.0"), ("org.postgresql", "postgresql", "42.7.3"),
    ("io.github.resilience4j", "resilience4j-spring-boot3", "2.2.0"),
    ("org.junit.jupiter", "junit-jupiter", "5.10.2"), ("org.testcontainers", "postgresql", "1.19.7"),
]
BASE_IMAGES = {
    "python": ["python:3.12-slim", "python:3.11-slim-bookworm", "python:3.12", "python:latest"],
    "go": ["golang:1.22-bookworm", "golang:1.22-alpine"],
    "ts": ["node:20-alpine", "node:20-bookworm-slim", "node:18", "node:latest"],
    "java": ["eclipse-temurin:21-jre", "maven:3.9-eclipse-temurin-21", "openjdk:17"],
}
LANG_EXT = {"python": ".py", "go": ".go", "ts": ".ts", "java": ".java"}


class Gen:
    def __init__(self, seed: int):
        self.r = random.Random(seed)

    # ---------------------------------------------------------------- small helpers
    def ident(self, style: str = "snake") -> str:
        r = self.r
        parts = [r.choice(VERBS), r.choice(NOUNS)] + ([r.choice(NOUNS)] if r.random() < 0.4 else [])
        if style == "snake":
            return "_".join(parts)
        if style == "camel":
            return parts[0] + "".join(p.title() for p in parts[1:])
        return "".join(p.title() for p in parts)  # Pascal

    def sentence(self, lo: int = 6, hi: int = 18) -> str:
        w = self.r.choices(WORDS, k=self.r.randint(lo, hi))
        return " ".join(w).capitalize() + "."

    def hexs(self, n: int) -> str:
        return "%0*x" % (n, self.r.getrandbits(4 * n))

    def b64(self, n: int) -> str:
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        return "".join(self.r.choices(alphabet, k=n))

    # ---------------------------------------------------------------- code block pools
    def py_block(self) -> str:
        r = self.r
        name = self.ident("snake")
        args = ", ".join(r.sample(NOUNS, r.randint(1, 4)))
        body = []
        for _ in range(r.randint(3, 25)):
            v = r.choice(NOUNS)
            c = r.random()
            if c < 0.2:
                body.append(f"    if {v} is None:\n        raise ValueError(\"{v} is required\")")
            elif c < 0.4:
                body.append(f"    {v} = self.{self.ident()}({r.choice(NOUNS)}, timeout={r.randint(1, 30)})")
            elif c < 0.5:
                body.append(f"    logger.info(\"{self.sentence(3, 8)}\", extra={{\"{v}\": {v}}})")
            elif c < 0.6:
                body.append(f"    for {v} in {r.choice(NOUNS)}s:\n        result.append(self.{self.ident()}({v}))")
            elif c < 0.65:
                body.append(f"    {v} = os.environ.get(\"{v.upper()}_{r.choice(NOUNS).upper()}\", \"\")")
            elif c < 0.75:
                body.append(f"    # {self.sentence(5, 14)}")
            else:
                body.append(f"    {v} = {{\"{r.choice(NOUNS)}\": {r.randint(0, 9999)}, \"{r.choice(NOUNS)}\": \"{r.choice(WORDS)}\"}}")
        doc = f'        """{self.sentence()}"""\n' if r.random() < 0.6 else ""
        body_s = "\n".join("    " + line.replace("\n", "\n    ") for line in body)
        return f"    def {name}(self, {args}):\n{doc}{body_s}\n        return result\n\n"

    def go_block(self) -> str:
        r = self.r
        name = self.ident("pascal")
        recv = r.choice(NOUNS)[0]
        lines = []
        for _ in range(r.randint(3, 25)):
            v = r.choice(NOUNS)
            c = r.random()
            if c < 0.3:
                lines.append(f"\t{v}, err := {recv}.{self.ident('camel')}(ctx, {r.choice(NOUNS)})\n\tif err != nil {{\n\t\treturn nil, fmt.Errorf(\"{r.choice(VERBS)} {v}: %w\", err)\n\t}}\n\t_ = {v}")
            elif c < 0.45:
                lines.append(f"\t{recv}.log.Info(\"{self.sentence(3, 8)}\", zap.String(\"{v}\", {r.choice(NOUNS)}ID))")
            elif c < 0.55:
                lines.append(f"\tfor _, {v} := range {r.choice(NOUNS)}s {{\n\t\tout = append(out, {v})\n\t}}")
            elif c < 0.6:
                lines.append(f"\t{v} := os.Getenv(\"{v.upper()}_{r.choice(NOUNS).upper()}\")\n\t_ = {v}")
            elif c < 0.7:
                lines.append(f"\t// {self.sentence(5, 14)}")
            else:
                lines.append(f"\tctx, cancel := context.WithTimeout(ctx, {r.randint(1, 30)}*time.Second)\n\tdefer cancel()")
        typ = r.choice(NOUNS).title()
        return (f"// {name} {self.sentence(4, 12).lower()}\nfunc ({recv} *{typ}Service) {name}(ctx context.Context, "
                f"{r.choice(NOUNS)}ID string) ([]*{typ}, error) {{\n\tvar out []*{typ}\n" + "\n".join(lines) + "\n\treturn out, nil\n}\n\n")

    def ts_block(self) -> str:
        r = self.r
        name = self.ident("camel")
        lines = []
        for _ in range(r.randint(3, 25)):
            v = r.choice(NOUNS)
            c = r.random()
            if c < 0.3:
                lines.append(f"    const {v} = await this.{self.ident('camel')}({r.choice(NOUNS)}, {{ timeoutMs: {r.randint(100, 9000)} }});")
            elif c < 0.45:
                lines.append(f"    this.logger.info({{ {v} }}, '{self.sentence(3, 8)}');")
            elif c < 0.55:
                lines.append(f"    if (!{v}) {{\n      throw new HttpError(404, '{v} not found');\n    }}")
            elif c < 0.6:
                lines.append(f"    const {v}Url = process.env.{v.upper()}_{r.choice(NOUNS).upper()} ?? '';")
            elif c < 0.7:
                lines.append(f"    // {self.sentence(5, 14)}")
            else:
                lines.append(f"    const {v}List: {r.choice(NOUNS).title()}[] = items.filter((x) => x.{r.choice(NOUNS)}Id === {v}Id).map((x) => ({{ ...x, updatedAt: new Date() }}));")
        typ = r.choice(NOUNS).title()
        return (f"  /** {self.sentence()} */\n  async {name}({r.choice(NOUNS)}Id: string, opts: Partial<{typ}Options> = {{}}): Promise<{typ}[]> {{\n"
                + "\n".join(lines) + "\n    return [];\n  }\n\n")

    def java_block(self) -> str:
        r = self.r
        name = self.ident("camel")
        typ = r.choice(NOUNS).title()
        lines = []
        for _ in range(r.randint(3, 25)):
            v = r.choice(NOUNS)
            c = r.random()
            if c < 0.3:
                lines.append(f"        var {v} = {r.choice(NOUNS)}Repository.{self.ident('camel')}({r.choice(NOUNS)}Id);")
            elif c < 0.45:
                lines.append(f"        log.info(\"{self.sentence(3, 8)} {{}}\", {v});")
            elif c < 0.55:
                lines.append(f"        if ({v} == null) {{\n            throw new NotFoundException(\"{v} not found\");\n        }}")
            elif c < 0.6:
                lines.append(f"        String {v}Url = System.getenv(\"{v.upper()}_{r.choice(NOUNS).upper()}\");")
            elif c < 0.7:
                lines.append(f"        // {self.sentence(5, 14)}")
            else:
                lines.append(f"        List<{typ}> {v}s = items.stream().filter(x -> x.get{r.choice(NOUNS).title()}Id().equals(id)).collect(Collectors.toList());")
        return (f"    /**\n     * {self.sentence()}\n     */\n    public List<{typ}> {name}(String id) {{\n"
                + "\n".join(lines) + "\n        return List.of();\n    }\n\n")

    def md_block(self) -> str:
        r = self.r
        c = r.random()
        if c < 0.15:
            return f"## {self.sentence(2, 5)[:-1].title()}\n\n"
        if c < 0.3:
            return "".join(f"- {self.sentence(4, 12)}\n" for _ in range(r.randint(2, 7))) + "\n"
        if c < 0.4:
            return f"```sh\n{r.choice(['make', 'kubectl', 'docker compose', 'curl -sf'])} {r.choice(VERBS)} {r.choice(NOUNS)}\n```\n\n"
        return " ".join(self.sentence(8, 24) for _ in range(r.randint(2, 6))) + "\n\n"


def build_pools(g: Gen, size: int) -> dict[str, list[str]]:
    return {
        "python": [g.py_block() for _ in range(size)],
        "go": [g.go_block() for _ in range(size)],
        "ts": [g.ts_block() for _ in range(size)],
        "java": [g.java_block() for _ in range(size)],
        "md": [g.md_block() for _ in range(size)],
    }


# --------------------------------------------------------------------------------------------
# Content builders: each returns bytes of roughly `size` bytes (text is cut at a line end).

def fill(g: Gen, head: str, pool: list[str], size: int, tail: str = "") -> bytes:
    parts = [head]
    n = len(head) + len(tail)
    while n < size:
        b = pool[g.r.randrange(len(pool))]
        parts.append(b)
        n += len(b)
    text = "".join(parts)
    if len(text) + len(tail) > size and size > len(head) + 64:
        cut = text.rfind("\n", 0, max(size - len(tail), len(head)))
        if cut > 0:
            text = text[: cut + 1]
    return (text + tail).encode()


def source_file(g: Gen, pools, lang: str, svc: str, size: int, test: bool) -> bytes:
    r = g.r
    if lang == "python":
        head = ("import logging\nimport os\nfrom dataclasses import dataclass\nfrom typing import Any\n\n"
                + ("import pytest\n\n" if test else "")
                + f"from {svc.replace('-', '_')}.core import {r.choice(NOUNS).title()}Repository\n\n"
                + "logger = logging.getLogger(__name__)\n\n\n"
                + f"class {g.ident('pascal')}:\n    \"\"\"{g.sentence()}\"\"\"\n\n")
    elif lang == "go":
        head = (f"package {r.choice(NOUNS)}\n\nimport (\n\t\"context\"\n\t\"fmt\"\n\t\"os\"\n\t\"time\"\n\n"
                + ("\t\"testing\"\n\n" if test else "")
                + "\t\"go.uber.org/zap\"\n)\n\n")
    elif lang == "ts":
        head = (f"import {{ Logger }} from 'pino';\nimport {{ HttpError }} from '../errors';\n"
                + f"import type {{ {r.choice(NOUNS).title()} }} from '../model';\n\n"
                + ("import { describe, it, expect } from '@jest/globals';\n\n" if test else "")
                + f"export class {g.ident('pascal')} {{\n  constructor(private readonly logger: Logger) {{}}\n\n")
    else:
        head = (f"package com.acme.{svc.replace('-', '')};\n\nimport java.util.List;\nimport java.util.stream.Collectors;\n"
                + "import org.slf4j.Logger;\nimport org.slf4j.LoggerFactory;\n\n"
                + f"public class {g.ident('pascal')} {{\n    private static final Logger log = LoggerFactory.getLogger(Object.class);\n\n")
    tail = {"python": "", "go": "", "ts": "}\n", "java": "}\n"}[lang]
    return fill(g, head, pools[lang], size, tail)


def markdown(g: Gen, pools, title: str, size: int) -> bytes:
    return fill(g, f"# {title}\n\n{g.sentence(10, 20)}\n\n", pools["md"], size)


def dockerfile(g: Gen, lang: str, svc: str) -> bytes:
    r = g.r
    base = r.choice(BASE_IMAGES[lang])
    user = "" if r.random() < 0.3 else "USER 10001\n"
    health = f"HEALTHCHECK --interval=30s CMD wget -qO- http://localhost:8080/healthz || exit 1\n" if r.random() < 0.5 else ""
    if lang == "python":
        body = (f"FROM {base}\nWORKDIR /app\nRUN apt-get update && apt-get install -y --no-install-recommends libpq5 "
                "&& rm -rf /var/lib/apt/lists/*\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n"
                f"COPY src/ ./src/\nENV PORT=8080\nEXPOSE 8080\n{user}{health}CMD [\"gunicorn\", \"-k\", \"uvicorn.workers.UvicornWorker\", \"{svc.replace('-', '_')}.app:app\"]\n")
    elif lang == "go":
        body = (f"FROM {base} AS build\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\n"
                f"RUN CGO_ENABLED=0 go build -o /out/{svc} ./cmd/{svc}\n\nFROM gcr.io/distroless/static-debian12\n"
                f"COPY --from=build /out/{svc} /{svc}\n{user}{health}ENTRYPOINT [\"/{svc}\"]\n")
    elif lang == "ts":
        body = (f"FROM {base} AS build\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n\n"
                f"FROM {base}\nWORKDIR /app\nCOPY --from=build /app/dist ./dist\nCOPY --from=build /app/node_modules ./node_modules\n"
                f"ENV NODE_ENV=production\n{user}{health}CMD node dist/main.js\n")
    else:
        body = (f"FROM maven:3.9-eclipse-temurin-21 AS build\nWORKDIR /src\nCOPY pom.xml .\nRUN mvn -q dependency:go-offline\nCOPY src ./src\n"
                f"RUN mvn -q package -DskipTests\n\nFROM {base}\nCOPY --from=build /src/target/app.jar /app.jar\n{user}{health}"
                "ENTRYPOINT [\"java\", \"-jar\", \"/app.jar\"]\n")
    if r.random() < 0.1:
        body = body.replace("WORKDIR", "ARG API_TOKEN=changeme\nWORKDIR", 1)
    return f"# syntax=docker/dockerfile:1\n# {svc}: {g.sentence(4, 10)}\n{body}".encode()


def k8s_manifests(g: Gen, svc: str, image_tag: str) -> bytes:
    r = g.r
    replicas = r.choice([1, 2, 3, 3, 4])
    probes = r.random() < 0.7
    limits = r.random() < 0.7
    sc = r.random() < 0.5
    docs = []
    container = [
        f"        - name: {svc}",
        f"          image: registry.example.com/acme/{svc}:{image_tag}",
        "          ports:",
        "            - containerPort: 8080",
        "          env:",
        "            - name: LOG_LEVEL",
        "              value: info",
        "            - name: DATABASE_URL",
        "              valueFrom:",
        "                secretKeyRef:",
        f"                  name: {svc}-db",
        "                  key: url",
    ]
    if limits:
        container += ["          resources:", "            requests:", f"              cpu: {r.choice([50, 100, 250])}m",
                      f"              memory: {r.choice([64, 128, 256])}Mi", "            limits:",
                      f"              cpu: {r.choice([500, 1000])}m", f"              memory: {r.choice([256, 512])}Mi"]
    if probes:
        container += ["          readinessProbe:", "            httpGet:", "              path: /readyz", "              port: 8080",
                      "          livenessProbe:", "            httpGet:", "              path: /healthz", "              port: 8080"]
    if sc:
        container += ["          securityContext:", "            runAsNonRoot: true", "            allowPrivilegeEscalation: false",
                      "            readOnlyRootFilesystem: true", "            capabilities:", "              drop: [\"ALL\"]"]
    docs.append("\n".join([
        "apiVersion: apps/v1", "kind: Deployment", "metadata:", f"  name: {svc}", "  labels:", f"    app: {svc}",
        "spec:", f"  replicas: {replicas}", "  selector:", "    matchLabels:", f"      app: {svc}", "  template:",
        "    metadata:", "      labels:", f"        app: {svc}", "    spec:", "      terminationGracePeriodSeconds: 30",
        "      containers:"] + container))
    docs.append("\n".join(["apiVersion: v1", "kind: Service", "metadata:", f"  name: {svc}", "spec:", "  selector:",
                           f"    app: {svc}", "  ports:", "    - port: 80", "      targetPort: 8080"]))
    if r.random() < 0.6:
        docs.append("\n".join(["apiVersion: autoscaling/v2", "kind: HorizontalPodAutoscaler", "metadata:", f"  name: {svc}",
                               "spec:", "  scaleTargetRef:", "    apiVersion: apps/v1", "    kind: Deployment", f"    name: {svc}",
                               "  minReplicas: 2", f"  maxReplicas: {r.randint(4, 20)}", "  metrics:", "    - type: Resource",
                               "      resource:", "        name: cpu", "        target:", "          type: Utilization",
                               "          averageUtilization: 70"]))
    if r.random() < 0.5:
        docs.append("\n".join(["apiVersion: policy/v1", "kind: PodDisruptionBudget", "metadata:", f"  name: {svc}", "spec:",
                               "  minAvailable: 1", "  selector:", "    matchLabels:", f"      app: {svc}"]))
    return ("---\n".join(d + "\n" for d in docs)).encode()


def compose_file(g: Gen, svcs: list[str], lang_of: dict[str, str]) -> bytes:
    r = g.r
    out = ["services:"]
    for s in svcs:
        out += [f"  {s}:", f"    build: ./services/{s}" if r.random() < 0.5 else f"    image: acme/{s}:{r.choice(['1.4.2', 'latest', 'sha-' + g.hexs(7)])}",
                "    environment:", f"      - SERVICE_NAME={s}", "      - DATABASE_URL=${DATABASE_URL}"]
        if r.random() < 0.1:
            out.append(f"      - POSTGRES_PASSWORD={g.b64(12)}")
        if r.random() < 0.5:
            out += ["    healthcheck:", "      test: [\"CMD\", \"wget\", \"-qO-\", \"http://localhost:8080/healthz\"]",
                    "      interval: 10s", "      retries: 3"]
        if r.random() < 0.6:
            out.append("    restart: unless-stopped")
        out += ["    depends_on:", "      postgres:", "        condition: service_healthy"]
    out += ["  postgres:", "    image: postgres:16.2", "    environment:", "      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}",
            "    ports:", "      - \"5432:5432\"", "    healthcheck:", "      test: [\"CMD-SHELL\", \"pg_isready -U postgres\"]",
            "  redis:", "    image: redis:7", "    ports:", "      - \"6379:6379\""]
    return ("\n".join(out) + "\n").encode()


def requirements(g: Gen) -> bytes:
    libs = g.r.sample(PY_LIBS, g.r.randint(5, 12))
    return "".join(f"{n}=={v}\n" if g.r.random() < 0.8 else f"{n}>={v}\n" for n, v in libs).encode()


def pyproject(g: Gen, svc: str) -> bytes:
    libs = g.r.sample(PY_LIBS, g.r.randint(4, 10))
    deps = ",\n".join(f'  "{n}>={v}"' for n, v in libs)
    return (f'[project]\nname = "{svc}"\nversion = "1.{g.r.randint(0, 40)}.{g.r.randint(0, 9)}"\nrequires-python = ">=3.11"\n'
            f'dependencies = [\n{deps}\n]\n\n[tool.pytest.ini_options]\naddopts = "--cov={svc.replace("-", "_")} --cov-fail-under=80"\n\n'
            '[tool.ruff]\nline-length = 100\n').encode()


def package_json(g: Gen, svc: str) -> bytes:
    libs = g.r.sample(NPM_LIBS, g.r.randint(6, 14))
    deps = {n: "^" + v for n, v in libs}
    return json.dumps({"name": f"@acme/{svc}", "version": "2.3.1", "private": True,
                       "scripts": {"build": "tsc -p .", "test": "jest --coverage", "lint": "eslint src", "start": "node dist/main.js"},
                       "dependencies": deps, "devDependencies": {"@types/node": "^20.12.7"}}, indent=2).encode() + b"\n"


def package_lock(g: Gen, svc: str, size: int) -> bytes:
    r = g.r
    parts = ['{\n  "name": "@acme/' + svc + '",\n  "version": "2.3.1",\n  "lockfileVersion": 3,\n  "requires": true,\n  "packages": {\n']
    n = len(parts[0])
    i = 0
    while n < size:
        name = f"{r.choice(NOUNS)}-{r.choice(VERBS)}{'' if r.random() < 0.5 else '-' + r.choice(NOUNS)}"
        ver = f"{r.randint(0, 12)}.{r.randint(0, 30)}.{r.randint(0, 20)}"
        deps = ",\n".join(f'        "{r.choice(NOUNS)}-{r.choice(VERBS)}": "^{r.randint(0, 9)}.{r.randint(0, 9)}.0"' for _ in range(r.randint(0, 4)))
        entry = (f'    "node_modules/{name}": {{\n      "version": "{ver}",\n'
                 f'      "resolved": "https://registry.npmjs.org/{name}/-/{name}-{ver}.tgz",\n'
                 f'      "integrity": "sha512-{g.b64(86)}==",\n'
                 + (f'      "dev": true,\n' if r.random() < 0.3 else "")
                 + f'      "license": "{r.choice(["MIT", "ISC", "Apache-2.0", "BSD-3-Clause"])}"'
                 + (f',\n      "dependencies": {{\n{deps}\n      }}\n' if deps else "\n")
                 + "    },\n")
        parts.append(entry)
        n += len(entry)
        i += 1
    parts.append(f'    "node_modules/zzz-end-{i}": {{\n      "version": "1.0.0"\n    }}\n  }}\n}}\n')
    return "".join(parts).encode()


def go_mod(g: Gen, svc: str) -> bytes:
    libs = g.r.sample(GO_LIBS, g.r.randint(4, 9))
    req = "\n".join(f"\t{n} {v}" for n, v in libs)
    return f"module github.com/acme/monorepo/services/{svc}\n\ngo 1.22\n\nrequire (\n{req}\n)\n".encode()


def go_sum(g: Gen, size: int) -> bytes:
    lines = []
    n = 0
    while n < size:
        mod = f"github.com/{g.r.choice(NOUNS)}/{g.r.choice(VERBS)}-{g.r.choice(NOUNS)}"
        ver = f"v{g.r.randint(0, 3)}.{g.r.randint(0, 40)}.{g.r.randint(0, 20)}"
        line = f"{mod} {ver} h1:{g.b64(43)}=\n{mod} {ver}/go.mod h1:{g.b64(43)}=\n"
        lines.append(line)
        n += len(line)
    return "".join(lines).encode()


def pom_xml(g: Gen, svc: str) -> bytes:
    deps = "".join(f"    <dependency>\n      <groupId>{gid}</groupId>\n      <artifactId>{aid}</artifactId>\n      <version>{v}</version>\n    </dependency>\n"
                   for gid, aid, v in g.r.sample(JAVA_LIBS, g.r.randint(4, 8)))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<project xmlns="http://maven.apache.org/POM/4.0.0">\n  <modelVersion>4.0.0</modelVersion>\n'
            f"  <groupId>com.acme</groupId>\n  <artifactId>{svc}</artifactId>\n  <version>1.0.0</version>\n  <dependencies>\n{deps}  </dependencies>\n</project>\n").encode()


def config_yaml(g: Gen, size: int) -> bytes:
    r = g.r
    lines = []
    n = 0
    while n < size:
        sec = r.choice(NOUNS)
        block = [f"{sec}:"] + [f"  {r.choice(NOUNS)}_{r.choice(NOUNS)}: {r.choice([str(r.randint(0, 5000)), 'true', 'false', r.choice(WORDS), repr(g.sentence(2, 6))])}"
                               for _ in range(r.randint(2, 12))]
        s = "\n".join(block) + "\n"
        lines.append(s)
        n += len(s)
    return "".join(lines).encode()


def config_json(g: Gen, size: int) -> bytes:
    r = g.r
    obj = {}
    n = 0
    while n < size:
        k = f"{r.choice(NOUNS)}_{r.randint(0, 99999)}"
        obj[k] = {r.choice(NOUNS): r.randint(0, 10000), "enabled": r.random() < 0.5, "description": g.sentence(4, 12),
                  "tags": r.sample(WORDS, 3)}
        n += 130
    return json.dumps(obj, indent=2).encode() + b"\n"


def png(g: Gen, size: int) -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + g.r.randbytes(max(size - 16, 0))


def binary_blob(g: Gen, size: int, magic: bytes) -> bytes:
    return magic + g.r.randbytes(max(size - len(magic), 0))


def workflow(g: Gen, name: str, svcs: list[str]) -> bytes:
    r = g.r
    pin = "actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11" if r.random() < 0.5 else "actions/checkout@v4"
    matrix = ", ".join(svcs[:20])
    text = f"""name: {name}
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        service: [{matrix}]
    services:
      postgres:
        image: postgres:16.2
        env:
          POSTGRES_PASSWORD: postgres
    steps:
      - uses: {pin}
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: make -C services/${{{{ matrix.service }}}} lint
      - run: make -C services/${{{{ matrix.service }}}} test
      - run: pip-audit -r services/${{{{ matrix.service }}}}/requirements.txt || true
  scan:
    runs-on: ubuntu-latest
    steps:
      - uses: {pin}
      - uses: aquasecurity/trivy-action@master
        with:
          scan-type: fs
      - uses: github/codeql-action/analyze@v3
        continue-on-error: true
"""
    return text.encode()


HELM_DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "chart.fullname" . }}-%(name)s
  labels:
    {{- include "chart.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.%(key)s.replicaCount }}
  selector:
    matchLabels:
      app: %(name)s
  template:
    metadata:
      labels:
        app: %(name)s
    spec:
      containers:
        - name: %(name)s
          image: "{{ .Values.%(key)s.image.repository }}:{{ .Values.%(key)s.image.tag | default .Chart.AppVersion }}"
          resources:
            {{- toYaml .Values.%(key)s.resources | nindent 12 }}
          {{- if .Values.%(key)s.probes.enabled }}
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
          {{- end }}
"""


# --------------------------------------------------------------------------------------------
# Planning: decide every path and its target size, then scale text sizes to the budget.

class Plan:
    def __init__(self):
        self.items: list[tuple[str, str, int, tuple]] = []  # (path, kind, size, extra)

    def add(self, path: str, kind: str, size: int = 0, *extra):
        self.items.append((path, kind, size, extra))


def lognormal(r: random.Random, median: float, sigma: float, lo: int, hi: int) -> int:
    return int(min(hi, max(lo, r.lognormvariate(math.log(median), sigma))))


def plan_tree(g: Gen, files: int, total_bytes: int) -> Plan:
    r = g.r
    p = Plan()
    n_services = max(4, files // 400)
    names, seen = [], set()
    while len(names) < n_services:
        nm = f"{r.choice(DOMAINS)}-{r.choice(SUFFIXES)}"
        if nm in seen:
            nm = f"{nm}-{len(names)}"
        seen.add(nm)
        names.append(nm)
    langs = r.choices(["python", "go", "ts", "java"], weights=[30, 25, 30, 15], k=n_services)
    lang_of = dict(zip(names, langs))

    # Repository level files.
    for path, kind in [(".gitignore", "gitignore"), ("README.md", "md"), ("CONTRIBUTING.md", "md"),
                       ("LICENSE", "license"), (".github/CODEOWNERS", "codeowners"),
                       (".github/dependabot.yml", "dependabot"), ("docker-compose.yml", "compose"),
                       ("docker-compose.override.yml", "compose"), (".env.example", "envexample"),
                       ("Makefile", "makefile")]:
        p.add(path, kind, 3000)
    for wf in ["ci", "deploy", "codeql", "release", "nightly", "e2e", "lint", "docs"]:
        p.add(f".github/workflows/{wf}.yml", "workflow", 0, wf)
    for chart in ["platform", "edge-ingress"]:
        p.add(f"charts/{chart}/Chart.yaml", "chart", 0, chart)
        p.add(f"charts/{chart}/values.yaml", "helmvalues", 0, chart)
        p.add(f"charts/{chart}/values-production.yaml", "helmvalues", 0, chart)
        for s in names[: min(12, len(names))]:
            p.add(f"charts/{chart}/templates/{s}-deployment.yaml", "helmtpl", 0, s)
        p.add(f"charts/{chart}/templates/_helpers.tpl", "text", 2500)
    for i in range(max(10, files // 500)):
        p.add(f"docs/{r.choice(['adr', 'runbooks', 'guides', 'api'])}/{i:04d}-{r.choice(NOUNS)}-{r.choice(VERBS)}.md", "md",
              lognormal(r, 5000, 0.8, 500, 120_000))
    # Vendored binaries and big assets (roughly 12% of the byte budget).
    blob_budget = int(total_bytes * 0.12)
    big = [("assets/video/product-tour.mp4", b"\x00\x00\x00\x20ftypmp42"), ("vendor/lib/libgeo.so.3", b"\x7fELF\x02\x01\x01"),
           ("tools/bin/protoc-gen-acme", b"\x7fELF\x02\x01\x01"), ("data/geoip/GeoLite2-City.mmdb", b"\xab\xcd\xefMaxMind"),
           ("assets/fonts/Inter-Variable.ttf", b"\x00\x01\x00\x00"), ("vendor/jars/legacy-client-1.8.jar", b"PK\x03\x04")]
    big_share = blob_budget // 2
    for i, (path, magic) in enumerate(big):
        p.add(path, "blob", max(1 << 20, int(big_share * (0.35 if i == 0 else 0.65 / (len(big) - 1)))), magic)
    n_small_assets = max(20, files // 100)
    small_total = blob_budget - sum(it[2] for it in p.items if it[1] == "blob")
    for i in range(n_small_assets):
        p.add(f"web/static/img/{r.choice(NOUNS)}-{i:05d}.png", "png", max(200, small_total // n_small_assets))

    # Services: share the remaining file count.
    remaining = files - len(p.items)
    weights = [r.lognormvariate(0, 0.6) for _ in names]
    wsum = sum(weights)
    per_svc = [max(12, int(remaining * w / wsum)) for w in weights]
    diff = remaining - sum(per_svc)
    per_svc[0] += diff  # land exactly on the requested file count
    for s, count in zip(names, per_svc):
        plan_service(g, p, s, lang_of[s], count)
    g.services = names
    g.lang_of = lang_of
    return p


def plan_service(g: Gen, p: Plan, svc: str, lang: str, count: int):
    r = g.r
    root = f"services/{svc}"
    fixed = [(f"{root}/Dockerfile", "dockerfile", 0), (f"{root}/README.md", "md", lognormal(r, 3000, 0.6, 400, 40_000)),
             (f"{root}/k8s/{svc}.yaml", "k8s", 0), (f"{root}/.dockerignore", "dockerignore", 0)]
    if r.random() < 0.3:
        fixed.append((f"{root}/docker-compose.yml", "svc-compose", 0))
    if lang == "python":
        fixed += [(f"{root}/requirements.txt", "requirements", 0), (f"{root}/pyproject.toml", "pyproject", 0)]
    elif lang == "go":
        fixed += [(f"{root}/go.mod", "gomod", 0), (f"{root}/go.sum", "gosum", lognormal(r, 30_000, 0.6, 3000, 300_000))]
    elif lang == "ts":
        fixed += [(f"{root}/package.json", "packagejson", 0), (f"{root}/tsconfig.json", "tsconfig", 0),
                  (f"{root}/package-lock.json", "packagelock", lognormal(r, 400_000, 0.7, 40_000, 6_000_000))]
    else:
        fixed += [(f"{root}/pom.xml", "pom", 0)]
    if r.random() < 0.15:
        fixed.append((f"{root}/config/.env.staging", "envfile", 0))
    for path, kind, size in fixed:
        p.add(path, kind, size, svc, lang)
    left = max(0, count - len(fixed))
    ext = LANG_EXT[lang]
    pkg = svc.replace("-", "_")
    subdirs = [r.choice(NOUNS) + ("s" if r.random() < 0.5 else "") for _ in range(max(2, left // 25))]
    for i in range(left):
        c = r.random()
        sub = r.choice(subdirs)
        name = f"{r.choice(VERBS)}_{r.choice(NOUNS)}_{i}"
        if lang == "go":
            name = name.replace("_", "")
        elif lang in ("ts", "java"):
            name = "".join(w.title() for w in name.split("_"))
        if c < 0.62:  # source
            size = lognormal(r, 4500, 1.0, 150, 250_000)
            if r.random() < 0.003:
                size = r.randint(300_000, 1_500_000)  # generated code: protobuf stubs and the like
            if lang == "python":
                path = f"{root}/src/{pkg}/{sub}/{name}.py"
            elif lang == "go":
                path = f"{root}/internal/{sub}/{name}.go"
            elif lang == "ts":
                path = f"{root}/src/{sub}/{name}.ts"
            else:
                path = f"{root}/src/main/java/com/acme/{pkg.replace('_', '')}/{sub}/{name}.java"
            p.add(path, "src", size, svc, lang, False)
        elif c < 0.85:  # tests
            size = lognormal(r, 3500, 0.9, 200, 120_000)
            if lang == "python":
                path = f"{root}/tests/{sub}/test_{name}.py"
            elif lang == "go":
                path = f"{root}/internal/{sub}/{name}_test.go"
            elif lang == "ts":
                path = f"{root}/test/{sub}/{name}.test.ts"
            else:
                path = f"{root}/src/test/java/com/acme/{pkg.replace('_', '')}/{sub}/{name}Test.java"
            p.add(path, "src", size, svc, lang, True)
        elif c < 0.91:
            p.add(f"{root}/docs/{sub}-{name}.md", "md", lognormal(r, 3000, 0.8, 300, 60_000))
        elif c < 0.96:
            p.add(f"{root}/config/{sub}/{name}.yaml", "configyaml", lognormal(r, 1500, 0.8, 100, 60_000))
        elif c < 0.99:
            p.add(f"{root}/config/{sub}/{name}.json", "configjson", lognormal(r, 2000, 0.8, 100, 80_000))
        else:
            p.add(f"{root}/assets/{name}.png", "png", lognormal(r, 30_000, 1.0, 500, 2_000_000))


# --------------------------------------------------------------------------------------------
# Rendering

SCALED = {"src", "md", "configyaml", "configjson", "text"}


def scale_sizes(plan: Plan, total_bytes: int, estimate_fixed: int) -> None:
    """Scales the text kinds' sizes so the tree lands near `total_bytes`."""
    fixed = sum(s for _, k, s, _ in plan.items if k not in SCALED) + estimate_fixed
    scalable = sum(s for _, k, s, _ in plan.items if k in SCALED)
    if scalable <= 0:
        return
    f = max(0.05, (total_bytes - fixed) / scalable)
    plan.items = [(path, k, int(s * f) if k in SCALED else s, e) for path, k, s, e in plan.items]


def render(g: Gen, pools, path: str, kind: str, size: int, extra: tuple) -> bytes:
    r = g.r
    if kind == "src":
        svc, lang, test = extra
        data = source_file(g, pools, lang, svc, size, test)
        if r.random() < 0.0015:  # a few hard-coded credentials, as real repositories have
            data += f"\n# TODO remove\nAWS_ACCESS_KEY_ID = \"AKIA{g.b64(16).upper().replace('+', 'Q').replace('/', 'Z')}\"\n".encode()
        if r.random() < 0.0005:
            data += b"\n<<<<<<< HEAD\nreturn 1\n=======\nreturn 2\n>>>>>>> feature/retry\n"
        return data
    if kind == "md":
        return markdown(g, pools, path.rsplit("/", 1)[-1][:-3].replace("-", " ").title(), size)
    if kind == "text":
        return fill(g, "{{/* helpers */}}\n", pools["md"], size)
    if kind == "configyaml":
        return config_yaml(g, size)
    if kind == "configjson":
        return config_json(g, size)
    if kind == "png":
        return png(g, size)
    if kind == "blob":
        return binary_blob(g, size, extra[0])
    if kind == "dockerfile":
        return dockerfile(g, extra[1], extra[0])
    if kind == "dockerignore":
        return b".git\n.env\nnode_modules\n__pycache__\n*.log\n" if r.random() < 0.7 else b"node_modules\n"
    if kind == "k8s":
        return k8s_manifests(g, extra[0], r.choice(["1.4.2", "latest", "sha-" + g.hexs(12)]))
    if kind == "svc-compose":
        return compose_file(g, [extra[0]], g.lang_of)
    if kind == "compose":
        return compose_file(g, g.services[:30] if "override" not in path else g.services[:5], g.lang_of)
    if kind == "requirements":
        return requirements(g)
    if kind == "pyproject":
        return pyproject(g, extra[0])
    if kind == "packagejson":
        return package_json(g, extra[0])
    if kind == "packagelock":
        return package_lock(g, extra[0], size)
    if kind == "tsconfig":
        return b'{\n  "compilerOptions": {\n    "target": "ES2022",\n    "module": "commonjs",\n    "strict": true,\n    "outDir": "dist"\n  }\n}\n'
    if kind == "gomod":
        return go_mod(g, extra[0])
    if kind == "gosum":
        return go_sum(g, size)
    if kind == "pom":
        return pom_xml(g, extra[0])
    if kind == "envfile":
        return f"DATABASE_URL=postgres://app:{g.b64(16)}@db:5432/app\nSTRIPE_KEY=sk_live_{g.b64(24)}\nLOG_LEVEL=debug\n".encode()
    if kind == "envexample":
        return b"DATABASE_URL=postgres://user:password@localhost:5432/app\nREDIS_URL=redis://localhost:6379\nLOG_LEVEL=info\n"
    if kind == "gitignore":
        return b"# build output\nnode_modules/\ndist/\nbuild/\ntarget/\n__pycache__/\n*.pyc\n.venv/\n.env\n.env.*\n!.env.example\n*.log\ncoverage/\n.idea/\n.DS_Store\n"
    if kind == "license":
        return b"Apache License\nVersion 2.0, January 2004\nhttp://www.apache.org/licenses/\n\n" + fill(g, "", pools["md"], 9000)
    if kind == "codeowners":
        return "".join(f"/services/{s}/ @acme/{s.split('-')[0]}-team\n" for s in g.services).encode()
    if kind == "dependabot":
        return b"version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /\n    schedule:\n      interval: weekly\n  - package-ecosystem: npm\n    directory: /\n    schedule:\n      interval: weekly\n"
    if kind == "makefile":
        return b".PHONY: test lint\ntest:\n\t./scripts/test-all.sh\nlint:\n\t./scripts/lint-all.sh\n"
    if kind == "workflow":
        return workflow(g, extra[0], g.services)
    if kind == "chart":
        return f"apiVersion: v2\nname: {extra[0]}\ndescription: {g.sentence(4, 8)}\ntype: application\nversion: 0.{r.randint(1, 30)}.0\nappVersion: \"1.{r.randint(0, 20)}.0\"\n".encode()
    if kind == "helmvalues":
        out = []
        for s in g.services[:12]:
            key = s.replace("-", "_")
            out.append(f"{key}:\n  replicaCount: {r.choice([1, 2, 3])}\n  image:\n    repository: registry.example.com/acme/{s}\n    tag: \"\"\n"
                       f"  probes:\n    enabled: {r.choice(['true', 'false'])}\n  resources:\n    limits:\n      cpu: 500m\n      memory: 256Mi\n")
        return "".join(out).encode()
    if kind == "helmtpl":
        return (HELM_DEPLOY % {"name": extra[0], "key": extra[0].replace("-", "_")}).encode()
    raise ValueError(f"unknown kind {kind}")


def git_commit(out: str) -> None:
    env = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.invalid",
               GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@example.invalid",
               GIT_AUTHOR_DATE="2024-01-01T00:00:00Z", GIT_COMMITTER_DATE="2024-01-01T00:00:00Z")
    q = {"stdout": subprocess.DEVNULL, "env": env, "cwd": out}
    subprocess.run(["git", "init", "-q", "-b", "main"], check=True, **q)
    # -f: also track what .gitignore hides (a tracked .env.staging is what vouch must report).
    subprocess.run(["git", "-c", "core.autocrlf=false", "add", "-A", "-f", "."], check=True, **q)
    subprocess.run(["git", "-c", "commit.gpgsign=false", "commit", "-q", "-m", "synthetic monorepo"], check=True, **q)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=100_000, help="number of files (default 100000)")
    ap.add_argument("--size-mb", type=float, default=1024, help="approximate total size in MiB (default 1024)")
    ap.add_argument("--out", required=True, help="output directory (must be empty or absent)")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--git", action="store_true", help="git init and commit the tree")
    ap.add_argument("--force", action="store_true", help="delete --out first if it exists")
    a = ap.parse_args(argv)
    if a.files < 200:
        ap.error("--files must be at least 200")
    out = os.path.abspath(a.out)
    if os.path.exists(out) and os.listdir(out):
        if not a.force:
            ap.error(f"{out} exists and is not empty (use --force)")
        shutil.rmtree(out)
    os.makedirs(out, exist_ok=True)

    t0 = time.time()
    total = int(a.size_mb * 1024 * 1024)
    g = Gen(a.seed)
    pools = build_pools(g, 3000)
    plan = plan_tree(g, a.files, total)
    # Fixed-size kinds rendered at their natural size (manifests, Dockerfiles...): ~2 KB each.
    natural = sum(1 for _, k, s, _ in plan.items if s == 0) * 2000
    scale_sizes(plan, total, natural)

    written = 0
    made = set()
    for path, kind, size, extra in plan.items:
        data = render(g, pools, path, kind, size, extra)
        full = os.path.join(out, path)
        d = os.path.dirname(full)
        if d not in made:
            os.makedirs(d, exist_ok=True)
            made.add(d)
        with open(full, "wb") as f:
            f.write(data)
        written += len(data)
    if a.git:
        git_commit(out)
    print(f"generated {len(plan.items)} files, {written / 1048576:.1f} MiB in {out} "
          f"({time.time() - t0:.1f}s{', git committed' if a.git else ''})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
