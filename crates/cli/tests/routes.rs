//! `vouch routes`: the route inventory contract (JSON: method, path, file, line, auth
//! true/false/"unknown", roles) on a small FastAPI service with a router mounted under a prefix
//! and a guard applied at the mount in another file.

use std::process::Command;

#[test]
fn inventory_applies_mount_prefix_and_guard_across_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("app/routers")).expect("mkdir");
    std::fs::write(root.join("requirements.txt"), "fastapi==0.111.0\n").expect("write");
    std::fs::write(
        root.join("app/auth.py"),
        "from fastapi import Depends, HTTPException\nfrom fastapi.security import HTTPBearer\n\nbearer = HTTPBearer()\n\n\ndef get_current_user(token=Depends(bearer)):\n    if token is None:\n        raise HTTPException(status_code=401)\n    return token\n",
    )
    .expect("write");
    std::fs::write(
        root.join("app/routers/orders.py"),
        "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get(\"/{order_id}\")\nasync def get_order(order_id: int):\n    return {\"id\": order_id}\n\n\n@router.post(\"/\")\nasync def create_order(payload: dict):\n    return payload\n",
    )
    .expect("write");
    std::fs::write(
        root.join("app/main.py"),
        "from fastapi import Depends, FastAPI\n\nfrom app.auth import get_current_user\nfrom app.routers import orders\n\napp = FastAPI()\napp.include_router(orders.router, prefix=\"/api/orders\", dependencies=[Depends(get_current_user)])\n\n\n@app.post(\"/webhooks/payments\")\nasync def payment_webhook(event: dict):\n    return {\"ok\": True}\n\n\n@app.get(\"/healthz\")\nasync def healthz():\n    return {\"status\": \"ok\"}\n",
    )
    .expect("write");

    let out = Command::new(env!("CARGO_BIN_EXE_vouch"))
        .args(["routes", ".", "--format", "json"])
        .current_dir(root)
        .output()
        .expect("vouch runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let routes = doc["routes"].as_array().expect("routes");
    let find = |method: &str, path: &str| {
        routes
            .iter()
            .find(|r| r["method"] == method && r["path"] == path)
            .unwrap_or_else(|| panic!("{method} {path} missing: {doc:#}"))
    };
    let create = find("POST", "/api/orders");
    assert_eq!(
        create["auth"], true,
        "guard at the mount applies: {create:#}"
    );
    assert_eq!(create["file"], "app/routers/orders.py");
    assert_eq!(create["line"], 11);
    assert_eq!(find("GET", "/api/orders/{order_id}")["auth"], true);
    let webhook = find("POST", "/webhooks/payments");
    assert_eq!(webhook["auth"], false);
    assert_eq!(find("GET", "/healthz")["auth"], false);
    for r in routes {
        assert!(r["roles"].is_array());
        assert!(r["auth"].is_boolean() || r["auth"] == "unknown");
    }

    let table = Command::new(env!("CARGO_BIN_EXE_vouch"))
        .args(["routes", "."])
        .current_dir(root)
        .output()
        .expect("vouch runs");
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.contains("/api/orders"), "{text}");
    assert!(
        text.contains("4 routes, 1 POST/PUT/PATCH/DELETE routes without auth"),
        "{text}"
    );
}
