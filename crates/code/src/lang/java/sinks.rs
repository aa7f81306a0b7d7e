//! Risky sinks.

use super::ast::Ctx;
use super::routes::Handler;
use crate::model::FileCode;

pub fn extract(_ctx: &Ctx<'_>, _handlers: &[Handler<'_>], _out: &mut FileCode) {}
