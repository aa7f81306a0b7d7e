//! FastAPI dependency chains: a dependency that depends on an authenticating one.

use crate::model::{Auth, FileCode, Route};
use crate::{CodeIndex, extract};

fn run(path: &str, src: &str) -> FileCode {
    extract(path, src.as_bytes()).expect("python file")
}

fn route(index: &CodeIndex, method: &str, path: &str) -> Route {
    index
        .routes()
        .find(|r| r.method == method && r.path == path)
        .unwrap_or_else(|| panic!("{method} {path}: {:#?}", index.files))
        .clone()
}

const DEPS: &str = r#"
from fastapi import Depends, HTTPException, Request
from app.security import get_current_user
from app.db import get_db

def require_editor(user=Depends(get_current_user)):
    if user.role != "editor":
        raise HTTPException(status_code=403)
    return user

def project_member(project_id: int, user=Depends(get_current_user), db=Depends(get_db)):
    return db.get_membership(project_id, user.id)

def request_locale(request: Request, db=Depends(get_db)):
    return request.headers.get("accept-language", "en")
"#;

#[test]
fn same_file_chain_gives_auth_and_the_checked_role() {
    let src = format!(
        "{DEPS}{}",
        r#"
from fastapi import APIRouter
router = APIRouter()

@router.post("/articles")
def publish(body: dict, editor=Depends(require_editor)):
    return body

@router.delete("/projects/{project_id}")
def leave(project_id: int, member=Depends(project_member)):
    return None

@router.post("/feedback")
def feedback(body: dict, locale=Depends(request_locale)):
    return body
"#
    );
    let index = CodeIndex::build(vec![run("app/routes.py", &src)]);
    let publish = route(&index, "POST", "/articles");
    assert!(publish.auth.is_required(), "{publish:?}");
    assert_eq!(publish.roles, vec!["editor".to_string()]);
    let leave = route(&index, "DELETE", "/projects/{project_id}");
    assert!(leave.auth.is_required(), "{leave:?}");
    assert!(leave.roles.is_empty(), "{leave:?}");
    // Trap: a dependency on resources only proves nothing either way: still unknown.
    let feedback = route(&index, "POST", "/feedback");
    assert!(
        matches!(feedback.auth, Auth::Unknown { .. }),
        "{feedback:?}"
    );
}

#[test]
fn imported_chain_resolves_across_files() {
    let deps = run("app/deps.py", DEPS);
    let routes = run(
        "app/api/articles.py",
        r#"
from fastapi import APIRouter, Depends
from app.deps import require_editor, request_locale

router = APIRouter(prefix="/articles")

@router.post("/")
def publish(body: dict, editor=Depends(require_editor)):
    return body

@router.post("/preview")
def preview(body: dict, locale=Depends(request_locale)):
    return body
"#,
    );
    // Route handlers are not dependencies: only `deps.py` exports chains.
    let exported = |f: &FileCode| {
        f.link_hints
            .iter()
            .filter(|h| matches!(h, crate::LinkHint::Guard { scope, .. } if scope.starts_with(super::depends::DEP_AUTH)))
            .count()
    };
    assert_eq!(exported(&routes), 0);
    assert_eq!(exported(&deps), 2, "{:?}", deps.link_hints);
    let index = CodeIndex::build(vec![deps, routes]);
    let publish = route(&index, "POST", "/articles");
    assert!(publish.auth.is_required(), "{publish:?}");
    assert_eq!(publish.roles, vec!["editor".to_string()]);
    let preview = route(&index, "POST", "/articles/preview");
    assert!(matches!(preview.auth, Auth::Unknown { .. }), "{preview:?}");
    // The private hints are consumed by the link.
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
fn dependency_cycle_ends() {
    let src = r#"
from fastapi import APIRouter, Depends
router = APIRouter()

def first(x=Depends(second)):
    return x

def second(y=Depends(first)):
    return y

@router.post("/loop")
def looped(v=Depends(first)):
    return v
"#;
    let index = CodeIndex::build(vec![run("app/loop.py", src)]);
    let looped = route(&index, "POST", "/loop");
    assert!(matches!(looped.auth, Auth::Unknown { .. }), "{looped:?}");
}
