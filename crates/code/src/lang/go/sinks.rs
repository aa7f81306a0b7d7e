use super::ast::Ctx;
use crate::model::FileCode;
use tree_sitter::Node;
pub fn extract(_ctx: &Ctx<'_>, _root: Node<'_>, _calls: &[Node<'_>], _out: &mut FileCode) {}
