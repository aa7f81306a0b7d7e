//! Bytes to text and back: UTF-8 (with or without BOM), UTF-16 LE/BE with a BOM, and legacy
//! Windows-1252. Decoding is checked to be reversible so that re-encoding an edited text
//! changes no byte outside the edit.

use super::error::DocumentError;

/// How the document's bytes encode its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    /// Not valid UTF-8 but plainly text: read as Windows-1252, which maps every byte.
    Windows1252,
}

impl TextEncoding {
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf16Le => "UTF-16LE",
            TextEncoding::Utf16Be => "UTF-16BE",
            TextEncoding::Windows1252 => "windows-1252",
        }
    }
}

/// The decoded text and what is needed to write it back byte for byte.
pub(crate) struct Decoded {
    pub encoding: TextEncoding,
    /// Byte-order mark as found (empty when there is none).
    pub bom: Vec<u8>,
    pub text: String,
}

const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

pub(crate) fn decode(bytes: &[u8]) -> Result<Decoded, DocumentError> {
    if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) || bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return Err(DocumentError::Unsupported("UTF-32"));
    }
    let (encoding, bom_len) = if bytes.starts_with(UTF8_BOM) {
        (TextEncoding::Utf8, 3)
    } else if bytes.starts_with(&[0xFF, 0xFE]) {
        (TextEncoding::Utf16Le, 2)
    } else if bytes.starts_with(&[0xFE, 0xFF]) {
        (TextEncoding::Utf16Be, 2)
    } else {
        (sniff_without_bom(bytes)?, 0)
    };
    let body = &bytes[bom_len..];
    let text = match encoding {
        TextEncoding::Utf8 => match std::str::from_utf8(body) {
            Ok(text) => text.to_owned(),
            Err(err) => {
                return Err(DocumentError::InvalidEncoding {
                    encoding: "UTF-8",
                    offset: bom_len + err.valid_up_to(),
                });
            }
        },
        TextEncoding::Utf16Le | TextEncoding::Utf16Be => decode_utf16(body, encoding, bom_len)?,
        TextEncoding::Windows1252 => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(body);
            text.into_owned()
        }
    };
    reject_binary(&text)?;
    let decoded = Decoded {
        encoding,
        bom: bytes[..bom_len].to_vec(),
        text,
    };
    // Every later edit re-encodes the whole text: that is only safe when decoding lost nothing.
    if encode(&decoded.text, encoding).as_deref() != Some(body) {
        return Err(DocumentError::InvalidEncoding {
            encoding: encoding.name(),
            offset: bom_len,
        });
    }
    Ok(decoded)
}

/// Without a BOM: UTF-8 when valid, UTF-16 when the NUL pattern says so, legacy text when the
/// bytes are text-like, else binary.
fn sniff_without_bom(bytes: &[u8]) -> Result<TextEncoding, DocumentError> {
    if bytes.contains(&0) {
        return match utf16_without_bom(bytes) {
            Some(encoding) => Ok(encoding),
            None => Err(DocumentError::Binary("contains NUL bytes".into())),
        };
    }
    if std::str::from_utf8(bytes).is_ok() {
        return Ok(TextEncoding::Utf8);
    }
    let controls = bytes
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))
        .count();
    if controls > 0 {
        return Err(DocumentError::Binary(
            "invalid UTF-8 with control bytes".into(),
        ));
    }
    Ok(TextEncoding::Windows1252)
}

/// ASCII-heavy UTF-16 has a NUL in every other byte, on the odd side for little endian.
fn utf16_without_bom(bytes: &[u8]) -> Option<TextEncoding> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let pairs = bytes.len() / 2;
    let odd_nuls = bytes.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    let even_nuls = bytes.iter().step_by(2).filter(|&&b| b == 0).count();
    if odd_nuls * 10 >= pairs * 9 && even_nuls == 0 {
        Some(TextEncoding::Utf16Le)
    } else if even_nuls * 10 >= pairs * 9 && odd_nuls == 0 {
        Some(TextEncoding::Utf16Be)
    } else {
        None
    }
}

fn decode_utf16(
    body: &[u8],
    encoding: TextEncoding,
    bom_len: usize,
) -> Result<String, DocumentError> {
    let invalid = |offset| DocumentError::InvalidEncoding {
        encoding: encoding.name(),
        offset,
    };
    if !body.len().is_multiple_of(2) {
        return Err(invalid(bom_len + body.len() - 1));
    }
    let units = body.chunks_exact(2).map(|pair| match encoding {
        TextEncoding::Utf16Be => u16::from_be_bytes([pair[0], pair[1]]),
        _ => u16::from_le_bytes([pair[0], pair[1]]),
    });
    let mut text = String::with_capacity(body.len() / 2);
    let mut offset = bom_len;
    for decoded in char::decode_utf16(units) {
        match decoded {
            Ok(c) => {
                text.push(c);
                offset += c.len_utf16() * 2;
            }
            Err(_) => return Err(invalid(offset)),
        }
    }
    Ok(text)
}

/// Control characters other than whitespace mean this is not a Markdown document.
fn reject_binary(text: &str) -> Result<(), DocumentError> {
    if text.contains('\0') {
        return Err(DocumentError::Binary("contains NUL characters".into()));
    }
    let total = text.chars().count();
    let controls = text
        .chars()
        .filter(|&c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{0C}'))
        .filter(|&c| (c as u32) < 0x20 || c == '\u{7F}')
        .count();
    if controls > 0 && controls * 100 >= total.max(1) {
        return Err(DocumentError::Binary(format!(
            "{controls} control characters"
        )));
    }
    Ok(())
}

/// Text to bytes in the given encoding (without BOM); `None` when a character has no encoding.
pub(crate) fn encode(text: &str, encoding: TextEncoding) -> Option<Vec<u8>> {
    match encoding {
        TextEncoding::Utf8 => Some(text.as_bytes().to_vec()),
        TextEncoding::Utf16Le => Some(text.encode_utf16().flat_map(u16::to_le_bytes).collect()),
        TextEncoding::Utf16Be => Some(text.encode_utf16().flat_map(u16::to_be_bytes).collect()),
        TextEncoding::Windows1252 => {
            let (bytes, _, had_errors) = encoding_rs::WINDOWS_1252.encode(text);
            (!had_errors).then(|| bytes.into_owned())
        }
    }
}
