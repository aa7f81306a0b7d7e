//! Item text to controls: an offline, deterministic index over every control's title,
//! concepts and docs, with synonyms, compound items and negative phrasing.
