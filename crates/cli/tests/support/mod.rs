//! Runs the real `vouch` binary on small repositories written by the tests.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

pub fn vouch(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vouch"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("vouch runs")
}

pub fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

pub fn result<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["control"]["id"] == id)
        .unwrap_or_else(|| panic!("{id} not in results"))
}

/// A small service repository with one Dockerfile running as root.
pub fn root_dockerfile_repo(root: &Path) {
    write(
        root,
        "Dockerfile",
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD [\"python\", \"app.py\"]\n",
    );
    write(root, "requirements.txt", "flask==3.0.3\n");
    write(
        root,
        "app.py",
        "from flask import Flask\napp = Flask(__name__)\n",
    );
}
