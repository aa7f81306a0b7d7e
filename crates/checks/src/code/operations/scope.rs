//! Which code directory a deployed container runs, so that in a monorepo a probe or scrape
//! target is compared with the routes of the service it deploys, not with any service's.
//!
//! The repository says so in two ways: a compose service's `build:` context, and a container
//! image named like a directory that serves routes (`ghcr.io/acme/orders-api:1.4` and
//! `services/orders-api/`, or `services/orders/` for the `-api`/`-service` forms), or like a
//! compose service that both builds and tags it (`image: acme/orders` with `build:`). When
//! no such link is unique, there is no scope and every route in the repository counts.

use crate::dockerfile::orchestrators::{join, parent_dir};
use crate::kubernetes::image_ref;
use crate::prelude::*;
use std::collections::{BTreeSet, HashMap};
use vouch_workspace::{FileKind, YamlRole};

/// Compose services and route directories, read once per workspace.
#[derive(Debug, Default)]
pub struct Deployments {
    /// Compose service name → its build context (a directory relative to the root).
    compose_builds: HashMap<String, String>,
    /// Image repository name (last path segment, no tag) → build context of the compose
    /// service that builds it.
    image_builds: HashMap<String, String>,
    /// Project directories (below the root) holding files that serve routes, by their last
    /// component.
    route_dirs: HashMap<String, BTreeSet<String>>,
}

impl Deployments {
    pub fn build(ws: &Workspace) -> Deployments {
        let mut out = Deployments::default();
        for file in ws.yaml_with_role(YamlRole::Compose) {
            let base = parent_dir(&file.path);
            for doc in file.docs() {
                for (name, service) in doc.root.get("services").into_iter().flat_map(Node::entries)
                {
                    let Some(context) = build_context(service) else {
                        continue;
                    };
                    let Some(dir) = context_dir(&base, context) else {
                        continue;
                    };
                    // The same name built from two places (two compose projects) links to
                    // neither: an empty scope.
                    let link = |map: &mut HashMap<String, String>, key: String| {
                        let entry = map.entry(key).or_insert_with(|| dir.clone());
                        if *entry != dir {
                            entry.clear();
                        }
                    };
                    link(&mut out.compose_builds, name.to_string());
                    if let Some(image) = service.get("image").and_then(Node::as_str) {
                        link(&mut out.image_builds, image_name(image));
                    }
                }
            }
        }
        // A service's directory is the project that holds its routes: the nearest ancestor
        // with a dependency manifest or a Dockerfile (`services/orders/`, not the Java package
        // directory `src/main/java/com/acme/orders/`).
        let projects: BTreeSet<String> = ws
            .files
            .iter()
            .filter(|f| matches!(f.kind, FileKind::Manifest(_) | FileKind::Dockerfile))
            .map(|f| parent_dir(&f.rel))
            .collect();
        for route in ws.code.routes() {
            let mut dir = parent_dir(&route.file);
            while !dir.is_empty() && !projects.contains(&dir) {
                dir = parent_dir(&dir);
            }
            if dir.is_empty() {
                continue;
            }
            let last = dir.rsplit('/').next().unwrap_or(&dir).to_ascii_lowercase();
            out.route_dirs.entry(last).or_default().insert(dir);
        }
        out
    }

    /// The build context of compose service `name` (None for the repository root).
    pub fn for_compose_service(&self, name: &str) -> Option<String> {
        self.compose_builds
            .get(name)
            .filter(|d| !d.is_empty())
            .cloned()
    }

    /// The code directory an image is built from, when exactly one matches.
    pub fn for_image(&self, image: &str) -> Option<String> {
        let name = image_name(image);
        if name.is_empty() {
            return None;
        }
        if let Some(dir) = self.image_builds.get(&name) {
            return (!dir.is_empty()).then(|| dir.clone());
        }
        let mut candidates = vec![name.clone()];
        for suffix in [
            "-api", "-service", "-svc", "-server", "-app", "_api", "_service",
        ] {
            if let Some(stem) = name.strip_suffix(suffix) {
                candidates.push(stem.to_string());
            }
        }
        for candidate in candidates {
            match self.route_dirs.get(&candidate) {
                Some(dirs) if dirs.len() == 1 => return dirs.iter().next().cloned(),
                Some(_) => return None,
                None => {}
            }
        }
        None
    }

    /// One scope shared by every image (a pod's containers), else none.
    pub fn for_images<'a>(&self, images: impl IntoIterator<Item = &'a str>) -> Option<String> {
        // Sidecars (a proxy, an exporter) match no directory and do not decide.
        let scopes: BTreeSet<String> = images
            .into_iter()
            .filter_map(|i| self.for_image(i))
            .collect();
        match scopes.len() {
            1 => scopes.into_iter().next(),
            _ => None,
        }
    }
}

/// `build: ./api` or `build: {context: ./api}`.
fn build_context(service: &Node) -> Option<&str> {
    let build = service.get("build")?;
    build
        .as_str()
        .or_else(|| build.get("context").and_then(Node::as_str))
}

/// `ghcr.io/acme/orders-api:1.4@sha256:…` → `orders-api`.
fn image_name(image: &str) -> String {
    let name = image_ref::parse(image).name;
    name.rsplit('/').next().unwrap_or(name).to_ascii_lowercase()
}

/// The build context as a directory of the repository: None for a URL, an absolute path or
/// an interpolated one (`${CONTEXT}`). A context outside the repository (`../other`) names a
/// directory that serves no routes here, so targets linked to it are judged on every route.
fn context_dir(base: &str, context: &str) -> Option<String> {
    let outside = context.contains("://") || context.starts_with('/') || context.contains('$');
    (!outside).then(|| join(base, context))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_images() {
        assert_eq!(
            context_dir("", "./services/orders/").as_deref(),
            Some("services/orders")
        );
        assert_eq!(context_dir("deploy", "../api").as_deref(), Some("api"));
        assert_eq!(context_dir("", "."), Some(String::new()));
        assert_eq!(context_dir("", "https://github.com/x/y.git"), None);
        assert_eq!(context_dir("", "${API_CONTEXT}"), None);
        assert_eq!(
            image_name("ghcr.io/acme/orders-api:1.4@sha256:ab"),
            "orders-api"
        );
        assert_eq!(image_name("localhost:5000/users"), "users");
    }

    #[test]
    fn images_match_one_route_directory_only() {
        let mut d = Deployments::default();
        for dir in ["services/orders", "services/users", "libs/users"] {
            let last = dir.rsplit('/').next().unwrap();
            d.route_dirs
                .entry(last.into())
                .or_default()
                .insert(dir.into());
        }
        assert_eq!(
            d.for_image("ghcr.io/acme/orders-api:2.0").as_deref(),
            Some("services/orders")
        );
        // Two directories are called `users`: no scope rather than a guess.
        assert_eq!(d.for_image("acme/users:1"), None);
        assert_eq!(d.for_image("acme/billing:1"), None);
        d.image_builds
            .insert("billing".into(), "apps/billing".into());
        assert_eq!(
            d.for_image("acme/billing:1").as_deref(),
            Some("apps/billing")
        );
        assert_eq!(
            d.for_images(["acme/orders:1", "ghcr.io/acme/orders-api:2"])
                .as_deref(),
            Some("services/orders")
        );
        assert_eq!(d.for_images(["acme/orders:1", "acme/billing:1"]), None);
        assert_eq!(
            d.for_images(["envoyproxy/envoy:v1.30", "acme/orders:1"])
                .as_deref(),
            Some("services/orders")
        );
    }
}
