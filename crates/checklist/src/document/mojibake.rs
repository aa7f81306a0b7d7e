//! Double-encoded UTF-8 ("ðŸ”´" for 🔴): UTF-8 bytes that were decoded as Windows-1252 and
//! encoded again. Reading repairs it; writing garbles inserted text the same way so the file
//! stays consistent.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The Windows-1252 byte each character came from (every byte 0x80..=0xFF maps to one char).
fn byte_of_char() -> &'static HashMap<char, u8> {
    static TABLE: OnceLock<HashMap<char, u8>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (0x80u8..=0xFF)
            .filter_map(|byte| {
                let bytes = [byte];
                let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes);
                let c = text.chars().next();
                c.map(|c| (c, byte))
            })
            .collect()
    })
}

/// Repairs every run of characters that is the Windows-1252 reading of a UTF-8 sequence;
/// everything else is left alone.
pub(crate) fn repair(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    let table = byte_of_char();
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut i = 0;
    while i < chars.len() {
        let Some(&lead) = table.get(&chars[i]) else {
            out.push(chars[i]);
            i += 1;
            continue;
        };
        let len = match lead {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => 1,
        };
        let repaired = (len > 1 && i + len <= chars.len())
            .then(|| {
                let bytes: Option<Vec<u8>> = chars[i..i + len]
                    .iter()
                    .map(|c| table.get(c).copied())
                    .collect();
                bytes.and_then(|bytes| String::from_utf8(bytes).ok())
            })
            .flatten();
        match repaired {
            Some(fixed) => {
                out.push_str(&fixed);
                changed = true;
                i += len;
            }
            None => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

/// The inverse of [`repair`]: what a double-encoding tool would have written for `text`.
pub(crate) fn garble(text: &str) -> String {
    let (garbled, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(text.as_bytes());
    garbled.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_emoji_and_dashes_and_leaves_real_accents() {
        assert_eq!(repair("ðŸ”´ Blockers â€” now"), "🔴 Blockers — now");
        assert_eq!(repair("café déjà"), "café déjà");
        assert_eq!(garble("✅"), "âœ…");
        assert_eq!(repair(&garble("→ 🟠 ✅")), "→ 🟠 ✅");
    }
}
