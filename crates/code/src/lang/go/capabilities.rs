//! Capabilities wired into a Go service.

use super::ast::Ctx;
use crate::model::{Fact, FactKind, FileCode};
use tree_sitter::Node;

pub fn extract(
    _ctx: &Ctx<'_>,
    _root: Node<'_>,
    _calls: &[Node<'_>],
    _composites: &[Node<'_>],
    _out: &mut FileCode,
) {
}

/// A Prometheus handler mounted on a route.
pub fn metrics_route(ctx: &Ctx<'_>, handler: Node<'_>, path: &str) -> Option<Fact> {
    let t = ctx.text(handler);
    let is_metrics = [
        "promhttp.Handler",
        "promhttp.HandlerFor",
        "echoprometheus.NewHandler",
        "promhttp.InstrumentMetricHandler",
    ]
    .iter()
    .any(|w| t.contains(w));
    is_metrics.then(|| {
        Fact::new(
            FactKind::MetricsEndpoint {
                path: path.to_string(),
            },
            crate::syntax::pos(handler),
            format!("Prometheus handler served at {path}"),
        )
    })
}
