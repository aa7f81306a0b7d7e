//! From outline blocks to checklist items and sign-off lines: section paths, markers, IDs,
//! priority, effort, owner, targets and explicit mappings, plus the anchors used to rewrite
//! an item in place.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use super::classify;
use super::ids;
use super::lines::{Lines, content_end};
use super::markers::{Vocabulary, status_word};
use super::metadata;
use super::mojibake::repair;
use super::outline::{Block, ListItemBlock, TableRowBlock};
use super::priority;
use super::signoff;
use super::tables::{self, Column};
use super::targets;
use super::tasks::{self, RawMarker, collapse};
use crate::model::{Item, ItemKind, Priority, SignoffLine, Status};

/// Where an item's status can be rewritten.
#[derive(Clone, Debug)]
pub(crate) enum MarkerSlot {
    /// Inside `[...]` of a task item.
    Bracket { inner: Range<usize> },
    /// A bare glyph (`☐`).
    Glyph { range: Range<usize> },
    /// The status cell of a table row.
    Cell {
        content: Range<usize>,
        interior: Range<usize>,
        table: usize,
    },
}

/// The byte positions needed to edit one item.
#[derive(Clone, Debug)]
pub(crate) struct Anchor {
    pub marker: Option<MarkerSlot>,
    /// The status the document had when read (styles are learnt from it).
    pub original_status: Status,
    /// An existing `<!-- vouch: ... -->` on the item.
    pub comment: Option<Range<usize>>,
    /// Where a new comment goes.
    pub annotate_at: usize,
}

pub(crate) struct Parsed {
    pub items: Vec<Item>,
    pub anchors: Vec<Anchor>,
    pub signoffs: Vec<SignoffLine>,
    pub vocabulary: Vocabulary,
}

/// Section-level facts written as paragraphs under a heading (`**Effort**: 16-24 hours`).
#[derive(Default, Clone)]
struct SectionFacts {
    effort: Option<String>,
    owner: Option<String>,
    priority: Option<Priority>,
}

struct Context<'a> {
    source: &'a str,
    blocks: &'a [Block],
    lines: Lines,
    /// For every block, the heading blocks enclosing it (outermost first).
    headings_of: Vec<Vec<usize>>,
    heading_text: HashMap<usize, String>,
    heading_level: HashMap<usize, usize>,
    facts: HashMap<Option<usize>, SectionFacts>,
    vocabulary: Vocabulary,
    legend_lists: HashSet<usize>,
    markers: HashMap<usize, RawMarker>,
}

pub(crate) fn build(source: &str, blocks: &[Block]) -> Parsed {
    let mut cx = Context::new(source, blocks);
    cx.read_legends();
    cx.find_markers();
    let mut out = Parsed {
        items: Vec::new(),
        anchors: Vec::new(),
        signoffs: Vec::new(),
        vocabulary: Vocabulary::new(),
    };
    let qualifying = cx.qualifying_plain_items();
    let mut tables_seen = HashSet::new();
    for (index, block) in blocks.iter().enumerate() {
        match block {
            Block::Paragraph(paragraph) => cx.paragraph_signoffs(index, paragraph, &mut out),
            Block::ListItem(item) => cx.list_item(index, item, &qualifying, &mut out),
            Block::TableRow(row) if tables_seen.insert(row.table) => {
                cx.table(index, row.table, &mut out)
            }
            _ => {}
        }
    }
    let mut ids: Vec<String> = out.items.iter().map(|i| i.id.clone()).collect();
    ids::deduplicate(&mut ids);
    for (item, id) in out.items.iter_mut().zip(ids) {
        item.id = id;
    }
    out.vocabulary = cx.vocabulary;
    out
}

impl<'a> Context<'a> {
    fn new(source: &'a str, blocks: &'a [Block]) -> Self {
        let mut stack: Vec<(usize, usize)> = Vec::new();
        let mut headings_of = Vec::with_capacity(blocks.len());
        let mut heading_text = HashMap::new();
        let mut heading_level = HashMap::new();
        for (index, block) in blocks.iter().enumerate() {
            if let Block::Heading(heading) = block {
                while stack
                    .last()
                    .is_some_and(|(level, _)| *level >= heading.level)
                {
                    stack.pop();
                }
                heading_text.insert(index, collapse(&repair(&heading.inline.text())));
                heading_level.insert(index, heading.level);
                headings_of.push(stack.iter().map(|(_, i)| *i).collect());
                stack.push((heading.level, index));
            } else {
                headings_of.push(stack.iter().map(|(_, i)| *i).collect());
            }
        }
        let mut cx = Context {
            source,
            blocks,
            lines: Lines::new(source),
            headings_of,
            heading_text,
            heading_level,
            facts: HashMap::new(),
            vocabulary: Vocabulary::new(),
            legend_lists: HashSet::new(),
            markers: HashMap::new(),
        };
        cx.read_section_facts();
        cx
    }

    fn innermost_heading(&self, block: usize) -> Option<usize> {
        self.headings_of[block].last().copied()
    }

    fn section(&self, block: usize) -> Vec<String> {
        self.headings_of[block]
            .iter()
            .map(|h| self.heading_text[h].clone())
            .collect()
    }

    fn read_section_facts(&mut self) {
        for (index, block) in self.blocks.iter().enumerate() {
            let Block::Paragraph(paragraph) = block else {
                continue;
            };
            let text = repair(&paragraph.inline.text()).into_owned();
            let facts = self
                .facts
                .entry(self.headings_of[index].last().copied())
                .or_default();
            for line in text.lines() {
                if facts.effort.is_none() {
                    facts.effort = metadata::effort(line).filter(|_| starts_with_label(line));
                }
                if facts.owner.is_none() {
                    facts.owner = metadata::owner(line).filter(|_| starts_with_label(line));
                }
                if facts.priority.is_none()
                    && line.trim_start().to_lowercase().starts_with("priority")
                {
                    facts.priority = priority::from_text(line);
                }
            }
        }
    }

    /// Status keys: a list introduced by "Status Key:" / "Legend", or under such a heading,
    /// whose items are a marker and a status word; or a one-paragraph key.
    fn read_legends(&mut self) {
        let mut lists: HashMap<usize, Vec<usize>> = HashMap::new();
        for (index, block) in self.blocks.iter().enumerate() {
            match block {
                Block::ListItem(item) if item.depth == 0 => {
                    lists.entry(item.list).or_default().push(index)
                }
                Block::Paragraph(paragraph) => {
                    let text = repair(&paragraph.inline.text()).into_owned();
                    for (inner, words) in classify::inline_legend(&text) {
                        if let Some(status) = status_word(&words) {
                            self.vocabulary.declare(&inner, status);
                        }
                    }
                }
                _ => {}
            }
        }
        let mut ordered: Vec<(usize, Vec<usize>)> = lists.into_iter().collect();
        ordered.sort();
        for (list, members) in ordered {
            let first = members[0];
            let introduced = first
                .checked_sub(1)
                .and_then(|prev| match &self.blocks[prev] {
                    Block::Paragraph(p) => Some(repair(&p.inline.text()).into_owned()),
                    Block::Heading(_) => self.heading_text.get(&prev).cloned(),
                    _ => None,
                })
                .is_some_and(|text| classify::introduces_legend(&text));
            if !introduced {
                continue;
            }
            let mut entries = Vec::new();
            for &member in &members {
                let Block::ListItem(item) = &self.blocks[member] else {
                    continue;
                };
                let Some(marker) = tasks::find_marker(self.source, item) else {
                    entries.clear();
                    break;
                };
                let words = tasks::words_after(self.source, item, marker.end);
                let inner = repair(&self.source[marker.inner.clone()]).into_owned();
                match status_word(&words) {
                    Some(status) if words.split_whitespace().count() <= 5 => {
                        entries.push((inner, status))
                    }
                    _ => {
                        entries.clear();
                        break;
                    }
                }
            }
            if entries.len() >= 2 {
                for (inner, status) in entries {
                    self.vocabulary.declare(&inner, status);
                }
                self.legend_lists.insert(list);
            }
        }
    }

    fn find_markers(&mut self) {
        for (index, block) in self.blocks.iter().enumerate() {
            if let Block::ListItem(item) = block
                && let Some(marker) = tasks::find_marker(self.source, item)
                && tasks::marker_status(self.source, &marker, &self.vocabulary).is_some()
            {
                self.markers.insert(index, marker);
            }
        }
    }

    fn label_text(&self, index: usize) -> Option<String> {
        let Block::ListItem(item) = &self.blocks[index] else {
            return None;
        };
        if self.markers.contains_key(&index) || !item.has_children {
            return None;
        }
        let text = tasks::words_after(self.source, item, item.range.start);
        let label = text.strip_suffix(':')?.trim();
        (!label.is_empty() && label.split_whitespace().count() <= 6).then(|| label.to_owned())
    }

    /// Plain (marker-less) list items that are checklist items: in a section that announces a
    /// checklist, not a document's intro or background, not a status key, not a table of
    /// contents, and not details nested under a task item.
    fn qualifying_plain_items(&self) -> HashSet<usize> {
        let has_tasks = !self.markers.is_empty();
        let deepest = self.heading_level.values().copied().max().unwrap_or(0);
        let mut list_ok: HashMap<usize, bool> = HashMap::new();
        let mut qualifying = HashSet::new();
        for (index, block) in self.blocks.iter().enumerate() {
            let Block::ListItem(item) = block else {
                continue;
            };
            if self.markers.contains_key(&index) {
                continue;
            }
            let ok = *list_ok.entry(item.list).or_insert_with(|| {
                self.plain_list_qualifies(index, item, has_tasks, deepest, &qualifying)
            });
            if ok && self.label_text(index).is_none() {
                qualifying.insert(index);
            }
        }
        qualifying
    }

    fn plain_list_qualifies(
        &self,
        index: usize,
        item: &ListItemBlock,
        has_tasks: bool,
        deepest: usize,
        qualifying: &HashSet<usize>,
    ) -> bool {
        if item.in_quote || self.legend_lists.contains(&item.list) {
            return false;
        }
        if let Some(parent) = item.parent {
            // Nested: items under a qualifying item or a group label of a qualifying list.
            let parent_is_label = self.label_text(parent).is_some();
            let parent_list_ok = match &self.blocks[parent] {
                Block::ListItem(p) => {
                    !self.markers.contains_key(&parent)
                        && (qualifying.contains(&parent)
                            || (parent_is_label
                                && self.list_qualifies_as_top(parent, p, has_tasks, deepest)))
                }
                _ => false,
            };
            return parent_list_ok;
        }
        self.list_qualifies_as_top(index, item, has_tasks, deepest)
    }

    fn list_qualifies_as_top(
        &self,
        index: usize,
        item: &ListItemBlock,
        has_tasks: bool,
        deepest: usize,
    ) -> bool {
        if item.in_quote || self.legend_lists.contains(&item.list) {
            return false;
        }
        if item.parent.is_some() {
            return false;
        }
        let path = &self.headings_of[index];
        let Some(&nearest) = path.last() else {
            return false;
        };
        if classify::is_background(&self.heading_text[&nearest]) {
            return false;
        }
        // Bullets right under the title of a document with subsections are its intro.
        if path.len() <= 1 && deepest >= 2 && self.heading_level[&nearest] == 1 {
            let has_sub = self.heading_level.values().any(|&l| l >= 2);
            if has_sub {
                return false;
            }
        }
        if has_tasks {
            // In a task-list document, plain bullets count only where the nearest heading
            // itself announces a checklist and its section has no task items.
            let section_has_tasks = self
                .markers
                .keys()
                .any(|&m| self.innermost_heading(m) == Some(nearest));
            return classify::announces_checklist(&self.heading_text[&nearest])
                && !section_has_tasks;
        }
        let announced = path
            .iter()
            .any(|h| classify::announces_checklist(&self.heading_text[h]));
        if !announced {
            return false;
        }
        // A list that is only links is a table of contents.
        let members: Vec<&ListItemBlock> = self
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::ListItem(i) if i.list == item.list => Some(i),
                _ => None,
            })
            .collect();
        let all_links = members
            .iter()
            .all(|m| classify::is_link_only(&m.inline.pieces, self.source, m.range.start));
        let too_long = members
            .iter()
            .any(|m| m.inline.text().chars().count() > 400);
        !all_links && !too_long
    }

    fn paragraph_signoffs(
        &self,
        index: usize,
        paragraph: &super::outline::ParagraphBlock,
        out: &mut Parsed,
    ) {
        // Lines as written, so each sign-off keeps its own line number.
        let Some(raw) = self.source.get(paragraph.range.clone()) else {
            return;
        };
        let mut offset = paragraph.range.start;
        for line in raw.split_inclusive('\n') {
            let text = repair(line.trim_start_matches(['>', ' ']));
            if let Some((name, date)) = signoff::parse(&text) {
                out.signoffs.push(SignoffLine {
                    line: self.lines.line_of(offset),
                    section: self.signoff_section(index),
                    name,
                    date,
                });
            }
            offset += line.len();
        }
    }

    /// A sign-off closes the section that ends with it: the one at the level of the next
    /// heading (or, at the end of the document, the outermost section below the title).
    fn signoff_section(&self, index: usize) -> Vec<String> {
        let path = &self.headings_of[index];
        let next_level = self.blocks[index + 1..]
            .iter()
            .enumerate()
            .find_map(|(i, b)| {
                matches!(b, Block::Heading(_)).then(|| self.heading_level[&(index + 1 + i)])
            });
        let keep_level = match next_level {
            Some(level) => level,
            None => path.get(1).map_or(usize::MAX, |h| self.heading_level[h]),
        };
        path.iter()
            .filter(|h| self.heading_level[h] <= keep_level)
            .map(|h| self.heading_text[h].clone())
            .collect()
    }

    fn list_item(
        &self,
        index: usize,
        item: &ListItemBlock,
        qualifying: &HashSet<usize>,
        out: &mut Parsed,
    ) {
        if self.legend_lists.contains(&item.list) {
            return;
        }
        let marker = self.markers.get(&index);
        if marker.is_none() && !qualifying.contains(&index) {
            return;
        }
        let from = marker.map_or(item.range.start, |m| m.end);
        let words = tasks::words_after(self.source, item, from);
        if words.is_empty() {
            return;
        }
        let line = self.lines.line_of(item.range.start);
        if let Some((name, date)) = signoff::parse(&words) {
            out.signoffs.push(SignoffLine {
                line,
                section: self.signoff_section(index),
                name,
                date,
            });
            return;
        }
        let mut section = self.section(index);
        section.extend(self.labels_above(item));
        let status = match marker {
            Some(m) => {
                tasks::marker_status(self.source, m, &self.vocabulary).unwrap_or(Status::None)
            }
            None => Status::None,
        };
        let kind = match (marker, item.ordered) {
            (Some(_), _) => ItemKind::Task,
            (None, true) => ItemKind::Numbered,
            (None, false) => ItemKind::Bullet,
        };
        let head = tasks::emphasized_head(item, from);
        let own = item.range.start..item.own_end.max(item.range.start);
        let comments = metadata::vouch_comments(self.source.get(own.clone()).unwrap_or(""));
        let comment = comments
            .first()
            .map(|(r, body)| (own.start + r.start..own.start + r.end, body.clone()));
        let annotate_at = content_end(self.source, item.range.start, own.end);
        let inherited = self.inherited_priority(index, item);
        let item_out = self.make_item(ItemParts {
            block: index,
            line,
            words,
            head,
            section,
            kind,
            depth: item.depth,
            status,
            inherited_priority: inherited,
            own_priority: None,
            effort: None,
            owner: None,
            explicit: comment
                .as_ref()
                .map(|(_, b)| metadata::control_ids(b))
                .unwrap_or_default(),
            id: None,
        });
        out.items.push(item_out);
        out.anchors.push(Anchor {
            marker: marker.map(|m| {
                if m.bracketed {
                    MarkerSlot::Bracket {
                        inner: m.inner.clone(),
                    }
                } else {
                    MarkerSlot::Glyph {
                        range: m.inner.clone(),
                    }
                }
            }),
            original_status: status,
            comment: comment.map(|(r, _)| r),
            annotate_at,
        });
    }

    /// Group labels (`- **Roles:**` with nested items) above an item, outermost first.
    fn labels_above(&self, item: &ListItemBlock) -> Vec<String> {
        let mut labels = Vec::new();
        let mut parent = item.parent;
        while let Some(p) = parent {
            if let Some(label) = self.label_text(p) {
                labels.push(label);
            }
            parent = match &self.blocks[p] {
                Block::ListItem(pi) => pi.parent,
                _ => None,
            };
        }
        labels.reverse();
        labels
    }

    /// Priority an item gets from its parent items, its section's paragraphs and its headings.
    fn inherited_priority(&self, index: usize, item: &ListItemBlock) -> Option<Priority> {
        let mut parent = item.parent;
        while let Some(p) = parent {
            let Block::ListItem(pi) = &self.blocks[p] else {
                break;
            };
            let text = tasks::words_after(self.source, pi, pi.range.start);
            if let Some(priority) = priority::from_text(&text) {
                return Some(priority);
            }
            parent = pi.parent;
        }
        self.section_priority(index)
    }

    fn section_priority(&self, index: usize) -> Option<Priority> {
        self.headings_of[index].iter().rev().find_map(|h| {
            self.facts
                .get(&Some(*h))
                .and_then(|f| f.priority)
                .or_else(|| priority::from_heading(&self.heading_text[h]))
        })
    }

    fn section_fact(
        &self,
        index: usize,
        pick: impl Fn(&SectionFacts) -> Option<String>,
    ) -> Option<String> {
        self.headings_of[index]
            .iter()
            .rev()
            .find_map(|h| self.facts.get(&Some(*h)).and_then(&pick))
    }

    fn table(&self, first_block: usize, table: usize, out: &mut Parsed) {
        let rows: Vec<(usize, &TableRowBlock)> = self.blocks[first_block..]
            .iter()
            .enumerate()
            .filter_map(|(i, b)| match b {
                Block::TableRow(row) if row.table == table => Some((first_block + i, row)),
                _ => None,
            })
            .collect();
        let only_rows: Vec<&TableRowBlock> = rows.iter().map(|(_, r)| *r).collect();
        let texts: Vec<Vec<String>> = only_rows.iter().map(|r| tables::cell_texts(r)).collect();
        let Some(layout) = tables::layout(&only_rows, &texts) else {
            return;
        };
        for ((index, row), cells) in rows.iter().zip(&texts).skip(1) {
            let Some(words) = cells.get(layout.text).filter(|w| !w.is_empty()) else {
                continue;
            };
            let column_value = |kind: Column| {
                layout
                    .columns
                    .iter()
                    .position(|c| *c == kind)
                    .and_then(|col| cells.get(col))
                    .filter(|v| !v.trim().is_empty())
                    .cloned()
            };
            let status_text = cells.get(layout.status).map_or("", String::as_str);
            let status = tables::cell_status(status_text, &self.vocabulary).unwrap_or(Status::None);
            let id = column_value(Column::Id).filter(|id| id.chars().any(|c| !c.is_ascii_digit()));
            let own_priority =
                column_value(Column::Priority).and_then(|p| priority::from_heading(&p));
            let row_source = self.source.get(row.range.clone()).unwrap_or("");
            let comments = metadata::vouch_comments(row_source);
            let comment = comments.first().map(|(r, body)| {
                (
                    row.range.start + r.start..row.range.start + r.end,
                    body.clone(),
                )
            });
            let Some(status_cell) = row.cells.get(layout.status) else {
                continue;
            };
            let (content, interior) = tables::cell_spans(self.source, &status_cell.range);
            let annotate_at = row.cells.get(layout.text).map_or(content.end, |cell| {
                tables::cell_spans(self.source, &cell.range).0.end
            });
            let item = self.make_item(ItemParts {
                block: *index,
                line: self.lines.line_of(row.range.start),
                words: words.clone(),
                head: None,
                section: self.section(*index),
                kind: ItemKind::TableRow,
                depth: 0,
                status,
                inherited_priority: self.section_priority(*index),
                own_priority,
                effort: column_value(Column::Effort),
                owner: column_value(Column::Owner),
                explicit: comment
                    .as_ref()
                    .map(|(_, b)| metadata::control_ids(b))
                    .unwrap_or_default(),
                id,
            });
            out.items.push(item);
            out.anchors.push(Anchor {
                marker: (status != Status::None).then_some(MarkerSlot::Cell {
                    content,
                    interior,
                    table,
                }),
                original_status: status,
                comment: comment.map(|(r, _)| r),
                annotate_at,
            });
        }
    }

    fn make_item(&self, parts: ItemParts) -> Item {
        let (id, id_in_doc, text) = match parts.id {
            Some(id) => (id, true, parts.words.clone()),
            None => match ids::find(&parts.words, parts.head.as_deref()) {
                Some(found) => (found.id, true, found.rest),
                None => (String::new(), false, parts.words.clone()),
            },
        };
        let own_priority = parts.own_priority.or_else(|| priority::from_text(&text));
        let text = strip_trailing_metadata(priority::strip_leading_tag(&text));
        let id = if id_in_doc {
            id
        } else {
            ids::derive(&parts.section, &text)
        };
        let effort = parts
            .effort
            .or_else(|| metadata::effort(&parts.words))
            .or_else(|| self.section_fact(parts.block, |f| f.effort.clone()));
        let owner = parts
            .owner
            .or_else(|| metadata::owner(&parts.words))
            .or_else(|| self.section_fact(parts.block, |f| f.owner.clone()));
        Item {
            line: parts.line,
            id,
            id_in_doc,
            targets: targets::targets(&text),
            text,
            section: parts.section,
            kind: parts.kind,
            depth: parts.depth,
            status: parts.status,
            priority: own_priority.or(parts.inherited_priority),
            effort,
            owner,
            explicit_controls: parts.explicit,
        }
    }
}

struct ItemParts {
    block: usize,
    line: usize,
    words: String,
    head: Option<String>,
    section: Vec<String>,
    kind: ItemKind,
    depth: usize,
    status: Status,
    inherited_priority: Option<Priority>,
    own_priority: Option<Priority>,
    effort: Option<String>,
    owner: Option<String>,
    explicit: Vec<String>,
    id: Option<String>,
}

/// "**Effort**: 16-24 hours" is a label line; "reduce effort: ..." in prose is not.
fn starts_with_label(line: &str) -> bool {
    let lower = line.trim_start().to_lowercase();
    [
        "effort",
        "estimated effort",
        "owner",
        "assignee",
        "assigned to",
        "owned by",
    ]
    .iter()
    .any(|label| lower.starts_with(label))
}

/// "(Owner: DevOps, Effort: 2h)" at the end is metadata, not part of the item's words.
fn strip_trailing_metadata(text: &str) -> String {
    use std::sync::OnceLock;
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"(?i)\s*[(\[][^()\[\]]*(?-u:\b)(?:owner|effort|priority|assignee|estimate)(?-u:\b)[^()\[\]]*[)\]]\s*\.?$")
            .expect("valid metadata pattern")
    });
    match re.find(text) {
        Some(m) if m.start() > 0 => text[..m.start()].trim().to_owned(),
        _ => text.trim().to_owned(),
    }
}
