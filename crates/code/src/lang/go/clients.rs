use super::ast::Ctx;
use crate::model::FileCode;
use tree_sitter::Node;
pub fn extract(_ctx: &Ctx<'_>, _calls: &[Node<'_>], _c: &[Node<'_>], _out: &mut FileCode) {}
