//! Wired capabilities.

use super::ast::Ctx;
use super::routes::Handler;
use crate::model::FileCode;

pub const KAFKA_DLQ_SCOPE: &str = "java:kafka-dead-letter";
pub const RABBIT_DLQ_SCOPE: &str = "java:rabbit-dead-letter";
pub const WS_LIMITS_SCOPE: &str = "java:websocket-limits";

pub fn extract(_ctx: &Ctx<'_>, _handlers: &[Handler<'_>], _out: &mut FileCode) {}
