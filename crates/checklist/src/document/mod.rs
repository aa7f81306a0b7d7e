//! A Markdown checklist as a lossless document: items with their section path, status marker,
//! ID, priority and targets, and the byte spans needed to rewrite status markers in place.
