//! One pass of pulldown-cmark over the text, flattened into the blocks a checklist is made of:
//! headings, paragraphs, list items (with nesting and their own inline text) and table rows,
//! each with byte ranges into the source. Code blocks and HTML produce no blocks, so a
//! checklist quoted in a code fence yields no items.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// One run of inline text with where it came from.
#[derive(Clone, Debug)]
pub(crate) struct Piece {
    pub range: Range<usize>,
    pub text: String,
    pub kind: PieceKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PieceKind {
    Plain,
    /// Inside `**strong**` or `*emphasis*`.
    Emphasized,
    Code,
    Break,
}

/// The inline content of a block, in order.
#[derive(Clone, Debug, Default)]
pub(crate) struct Inline {
    pub pieces: Vec<Piece>,
}

impl Inline {
    /// The words as a reader sees them: emphasis dropped, code kept in backticks, line breaks
    /// as `\n`.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece.kind {
                PieceKind::Code => {
                    out.push('`');
                    out.push_str(&piece.text);
                    out.push('`');
                }
                PieceKind::Break => out.push('\n'),
                _ => out.push_str(&piece.text),
            }
        }
        out
    }
}

#[derive(Debug)]
pub(crate) struct HeadingBlock {
    pub level: usize,
    pub inline: Inline,
}

#[derive(Debug)]
pub(crate) struct ParagraphBlock {
    pub range: Range<usize>,
    pub inline: Inline,
}

#[derive(Debug)]
pub(crate) struct ListItemBlock {
    pub range: Range<usize>,
    /// Number of list items this one is nested in.
    pub depth: usize,
    /// Which list (numbered in document order) the item belongs to.
    pub list: usize,
    pub ordered: bool,
    /// Block index of the enclosing list item.
    pub parent: Option<usize>,
    /// Text of the item itself (first paragraph), not of its nested blocks.
    pub inline: Inline,
    /// End of the item's own content: the start of its first nested block, else its end.
    pub own_end: usize,
    /// The `[ ]` / `[x]` range when pulldown-cmark recognised a GFM task marker.
    pub checkbox: Option<Range<usize>>,
    pub has_children: bool,
    pub in_quote: bool,
}

#[derive(Debug)]
pub(crate) struct Cell {
    pub range: Range<usize>,
    pub inline: Inline,
}

#[derive(Debug)]
pub(crate) struct TableRowBlock {
    pub table: usize,
    pub header: bool,
    pub range: Range<usize>,
    pub cells: Vec<Cell>,
}

#[derive(Debug)]
pub(crate) enum Block {
    Heading(HeadingBlock),
    Paragraph(ParagraphBlock),
    ListItem(ListItemBlock),
    TableRow(TableRowBlock),
}

/// What is open while walking the events.
enum Open {
    List { id: usize, ordered: bool },
    Item { block: usize, paragraphs: usize },
    Paragraph { target: Option<usize> },
    Heading { block: usize },
    Row { block: usize },
    Cell { block: usize },
    Quote,
    Opaque,
    Other,
}

pub(crate) fn outline(source: &str) -> Vec<Block> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    let mut walker = Walker::default();
    for (event, range) in Parser::new_ext(source, options).into_offset_iter() {
        walker.event(event, range);
    }
    walker.blocks
}

#[derive(Default)]
struct Walker {
    blocks: Vec<Block>,
    stack: Vec<Open>,
    lists: usize,
    tables: usize,
    in_table_head: bool,
    emphasis: usize,
}

impl Walker {
    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(end) => self.end(end),
            Event::Text(text) => {
                let kind = if self.emphasis > 0 {
                    PieceKind::Emphasized
                } else {
                    PieceKind::Plain
                };
                self.push_piece(range, text.into_string(), kind);
            }
            Event::Code(code) => self.push_piece(range, code.into_string(), PieceKind::Code),
            Event::SoftBreak | Event::HardBreak => {
                self.push_piece(range, "\n".into(), PieceKind::Break)
            }
            Event::TaskListMarker(_) => {
                if let Some(Open::Item { block, .. }) = self.stack.last()
                    && let Some(Block::ListItem(item)) = self.blocks.get_mut(*block)
                {
                    item.checkbox = Some(range);
                }
            }
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>, range: Range<usize>) {
        if !matches!(tag, Tag::Paragraph | Tag::Item) && is_block(&tag) {
            self.close_item_content(range.start);
        }
        let open = match tag {
            Tag::List(first) => {
                self.lists += 1;
                Open::List {
                    id: self.lists - 1,
                    ordered: first.is_some(),
                }
            }
            Tag::Item => self.start_item(range),
            Tag::Paragraph => self.start_paragraph(range),
            Tag::Heading { level, .. } => {
                self.blocks.push(Block::Heading(HeadingBlock {
                    level: level as usize,
                    inline: Inline::default(),
                }));
                Open::Heading {
                    block: self.blocks.len() - 1,
                }
            }
            Tag::Table(_) => {
                self.tables += 1;
                Open::Other
            }
            Tag::TableHead => {
                self.in_table_head = true;
                self.push_row(range)
            }
            Tag::TableRow => self.push_row(range),
            Tag::TableCell => self.push_cell(range),
            Tag::BlockQuote(_) => Open::Quote,
            Tag::CodeBlock(_) | Tag::HtmlBlock | Tag::MetadataBlock(_) => Open::Opaque,
            Tag::Emphasis | Tag::Strong | Tag::Strikethrough => {
                self.emphasis += 1;
                Open::Other
            }
            _ => Open::Other,
        };
        self.stack.push(open);
    }

    fn end(&mut self, end: TagEnd) {
        match end {
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => {
                self.emphasis = self.emphasis.saturating_sub(1)
            }
            TagEnd::TableHead => self.in_table_head = false,
            _ => {}
        }
        self.stack.pop();
    }

    fn start_item(&mut self, range: Range<usize>) -> Open {
        let depth = self
            .stack
            .iter()
            .filter(|open| matches!(open, Open::Item { .. }))
            .count();
        let parent = self.stack.iter().rev().find_map(|open| match open {
            Open::Item { block, .. } => Some(*block),
            _ => None,
        });
        let (list, ordered) = self
            .stack
            .iter()
            .rev()
            .find_map(|open| match open {
                Open::List { id, ordered } => Some((*id, *ordered)),
                _ => None,
            })
            .unwrap_or((usize::MAX, false));
        if let Some(Block::ListItem(parent)) = parent.and_then(|p| self.blocks.get_mut(p)) {
            parent.has_children = true;
        }
        self.blocks.push(Block::ListItem(ListItemBlock {
            own_end: range.end,
            range,
            depth,
            list,
            ordered,
            parent,
            inline: Inline::default(),
            checkbox: None,
            has_children: false,
            in_quote: self.in_quote(),
        }));
        Open::Item {
            block: self.blocks.len() - 1,
            paragraphs: 0,
        }
    }

    fn start_paragraph(&mut self, range: Range<usize>) -> Open {
        if let Some(Open::Item { block, paragraphs }) = self.stack.last_mut() {
            *paragraphs += 1;
            let first = *paragraphs == 1;
            let block = *block;
            if !first {
                self.close_item_content(range.start);
            }
            return Open::Paragraph {
                target: first.then_some(block),
            };
        }
        if self
            .stack
            .iter()
            .any(|open| matches!(open, Open::Row { .. }))
        {
            return Open::Paragraph { target: None };
        }
        self.blocks.push(Block::Paragraph(ParagraphBlock {
            range,
            inline: Inline::default(),
        }));
        Open::Paragraph {
            target: Some(self.blocks.len() - 1),
        }
    }

    fn push_row(&mut self, range: Range<usize>) -> Open {
        self.blocks.push(Block::TableRow(TableRowBlock {
            table: self.tables.saturating_sub(1),
            header: self.in_table_head,
            range,
            cells: Vec::new(),
        }));
        Open::Row {
            block: self.blocks.len() - 1,
        }
    }

    fn push_cell(&mut self, range: Range<usize>) -> Open {
        let row = self.stack.iter().rev().find_map(|open| match open {
            Open::Row { block } => Some(*block),
            _ => None,
        });
        match row.and_then(|row| self.blocks.get_mut(row).map(|b| (row, b))) {
            Some((row, Block::TableRow(table_row))) => {
                table_row.cells.push(Cell {
                    range,
                    inline: Inline::default(),
                });
                Open::Cell { block: row }
            }
            _ => Open::Other,
        }
    }

    fn in_quote(&self) -> bool {
        self.stack.iter().any(|open| matches!(open, Open::Quote))
    }

    /// A nested block ends the innermost item's own text.
    fn close_item_content(&mut self, at: usize) {
        let item = self.stack.iter().rev().find_map(|open| match open {
            Open::Item { block, .. } => Some(*block),
            _ => None,
        });
        if let Some(Block::ListItem(item)) = item.and_then(|i| self.blocks.get_mut(i)) {
            item.own_end = item.own_end.min(at);
        }
    }

    fn push_piece(&mut self, range: Range<usize>, text: String, kind: PieceKind) {
        let piece = Piece { range, text, kind };
        for open in self.stack.iter().rev() {
            let inline = match open {
                Open::Opaque => return,
                Open::Heading { block } => match self.blocks.get_mut(*block) {
                    Some(Block::Heading(h)) => &mut h.inline,
                    _ => return,
                },
                Open::Cell { block } => match self.blocks.get_mut(*block) {
                    Some(Block::TableRow(row)) => match row.cells.last_mut() {
                        Some(cell) => &mut cell.inline,
                        None => return,
                    },
                    _ => return,
                },
                Open::Paragraph { target: None } => return,
                Open::Paragraph {
                    target: Some(block),
                }
                | Open::Item {
                    block,
                    paragraphs: 0,
                } => match self.blocks.get_mut(*block) {
                    Some(Block::Paragraph(p)) => &mut p.inline,
                    Some(Block::ListItem(item)) if piece.range.start < item.own_end => {
                        &mut item.inline
                    }
                    _ => return,
                },
                Open::Item { .. } | Open::List { .. } | Open::Row { .. } => return,
                Open::Quote | Open::Other => continue,
            };
            inline.pieces.push(piece);
            return;
        }
    }
}

fn is_block(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::BlockQuote(_)
            | Tag::CodeBlock(_)
            | Tag::HtmlBlock
            | Tag::List(_)
            | Tag::Item
            | Tag::Table(_)
            | Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
    )
}
