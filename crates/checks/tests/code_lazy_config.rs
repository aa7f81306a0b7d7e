//! Files whose only code-relevant words are environment reads are not parsed in the walk; their
//! config values are read on demand, when a CORS policy names a setting nothing else defines.
//! The verdict must be the same as if every file had been parsed.

use std::path::Path;
use vouch_core::OutcomeKind;
use vouch_workspace::{LoadOptions, Workspace, load};

fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (rel, text) in files {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    dir
}

fn workspace(root: &Path) -> Workspace {
    load(root, &LoadOptions::default()).expect("load")
}

fn parsed(ws: &Workspace, rel: &str) -> bool {
    ws.code
        .files
        .iter()
        .any(|f| f.path == rel && f.skipped.is_none())
}

fn cors_outcome(root: &Path) -> (OutcomeKind, String) {
    let ws = workspace(root);
    let check = vouch_checks::find("CODE002").expect("CODE002");
    let config = vouch_core::Config::default();
    let options = vouch_checks::EngineOptions {
        config: &config,
        today: time::macros::date!(2026 - 11 - 22),
        on_check_done: None,
    };
    let result = vouch_checks::run(&ws, &[check], &options).results.remove(0);
    let messages = result
        .findings
        .iter()
        .map(|f| f.message.clone())
        .collect::<Vec<_>>()
        .join("; ");
    (result.outcome, messages)
}

#[test]
fn python_origins_from_an_env_only_module_still_fail() {
    let dir = repo(&[
        (
            "app/core/origins.py",
            "import os\n\nALLOWED_ORIGINS = os.getenv(\"ALLOWED_ORIGINS\", \"*\")\n",
        ),
        (
            "app/main.py",
            "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\n\
             from app.core.origins import ALLOWED_ORIGINS\n\napp = FastAPI()\n\
             app.add_middleware(CORSMiddleware, allow_origins=ALLOWED_ORIGINS)\n",
        ),
    ]);
    let (outcome, messages) = cors_outcome(dir.path());
    assert_eq!(outcome, OutcomeKind::Fail, "{messages}");
    assert!(messages.contains("any origin"), "{messages}");
    assert!(parsed(&workspace(dir.path()), "app/core/origins.py"));
}

#[test]
fn javascript_origins_from_an_env_only_module_still_fail() {
    let dir = repo(&[
        (
            "src/origins.js",
            "const ALLOWED_ORIGINS = process.env.ALLOWED_ORIGINS ?? '*';\n\
             module.exports = { ALLOWED_ORIGINS };\n",
        ),
        (
            "src/app.js",
            "const express = require('express');\nconst cors = require('cors');\n\
             const { ALLOWED_ORIGINS } = require('./origins');\n\nconst app = express();\n\
             app.use(cors({ origin: ALLOWED_ORIGINS }));\nmodule.exports = app;\n",
        ),
    ]);
    let (outcome, messages) = cors_outcome(dir.path());
    assert_eq!(outcome, OutcomeKind::Fail, "{messages}");
    assert!(messages.contains("any origin"), "{messages}");
}

#[test]
fn go_origins_from_an_env_only_file_still_fail() {
    let dir = repo(&[
        (
            "internal/web/origins.go",
            "package web\n\nimport \"os\"\n\n\
             var AllowedOrigins = getEnv(\"ALLOWED_ORIGINS\", \"*\")\n\n\
             func getEnv(key, fallback string) string {\n\
             \tif v := os.Getenv(key); v != \"\" {\n\t\treturn v\n\t}\n\treturn fallback\n}\n",
        ),
        (
            "cmd/api/main.go",
            "package main\n\nimport (\n\t\"net/http\"\n\t\"strings\"\n\n\
             \t\"github.com/acme/shop/internal/web\"\n\t\"github.com/go-chi/chi/v5\"\n\
             \t\"github.com/rs/cors\"\n)\n\nfunc main() {\n\tr := chi.NewRouter()\n\
             \tr.Use(cors.New(cors.Options{\n\
             \t\tAllowedOrigins: strings.Split(web.AllowedOrigins, \",\"),\n\t}).Handler)\n\
             \thttp.ListenAndServe(\":8080\", r)\n}\n",
        ),
    ]);
    let (outcome, messages) = cors_outcome(dir.path());
    assert_eq!(outcome, OutcomeKind::Fail, "{messages}");
    assert!(messages.contains("any origin"), "{messages}");
}

#[test]
fn business_logic_with_only_env_reads_is_not_parsed() {
    let dir = repo(&[
        (
            "services/orders/app/orders.py",
            "import logging\nimport os\n\nlogger = logging.getLogger(__name__)\n\n\
             class OrderService:\n    def load(self, order_id):\n\
             \x20       url = os.environ.get(\"ORDERS_URL\", \"\")\n\
             \x20       logger.info(\"loading order\", extra={\"order\": order_id})\n\
             \x20       return url\n",
        ),
        (
            "services/orders/app/main.py",
            "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get(\"/health\")\n\
             def health():\n    return {\"ok\": True}\n",
        ),
    ]);
    let ws = workspace(dir.path());
    assert!(parsed(&ws, "services/orders/app/main.py"));
    assert!(
        !ws.code
            .files
            .iter()
            .any(|f| f.path == "services/orders/app/orders.py"),
        "nothing needed the config of orders.py, so it was never parsed"
    );
}

#[test]
fn no_source_is_parsed_when_no_code_control_is_selected() {
    let dir = repo(&[(
        "app/main.py",
        "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.post(\"/orders\")\n\
         def create():\n    return {}\n",
    )]);
    let options = LoadOptions {
        skip_code: true,
        ..LoadOptions::default()
    };
    let ws = load(dir.path(), &options).expect("load");
    assert!(ws.code.files.is_empty());
    assert_eq!(workspace(dir.path()).code.routes().count(), 1);
}
