//! A small JSON reader that keeps the byte offset of every object key, which serde_json does
//! not expose. Input is validated by serde_json first (for its precise error messages), so
//! this reader only needs to be correct on valid JSON; it still never panics on bad input.

/// A JSON value with offsets of object keys.
#[derive(Debug, PartialEq)]
pub(super) enum Json {
    Str(String),
    /// Members in source order: (key, offset of the key's opening quote, value).
    Obj(Vec<(String, usize, Json)>),
    Arr(Vec<Json>),
    /// Numbers, booleans and null: not needed by manifests.
    Scalar,
}

impl Json {
    pub(super) fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(members) => members.iter().find(|(k, _, _)| k == key).map(|(_, _, v)| v),
            _ => None,
        }
    }

    pub(super) fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// Deeper documents are refused rather than risking the stack.
const MAX_DEPTH: usize = 256;

/// Parses a whole document; Err(offset) where it stopped making sense.
pub(super) fn parse(text: &str) -> Result<Json, usize> {
    let mut p = Parser {
        bytes: text.as_bytes(),
        pos: 0,
    };
    let value = p.value(0)?;
    p.skip_ws();
    if p.pos != p.bytes.len() {
        return Err(p.pos);
    }
    Ok(value)
}

struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn skip_ws(&mut self) {
        while self.pos < self.bytes.len() && self.bytes[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Result<(), usize> {
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.pos)
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.bytes.get(self.pos).copied()
    }

    fn value(&mut self, depth: usize) -> Result<Json, usize> {
        if depth > MAX_DEPTH {
            return Err(self.pos);
        }
        match self.peek().ok_or(self.pos)? {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => self.string().map(Json::Str),
            _ => {
                let start = self.pos;
                while self.pos < self.bytes.len()
                    && !matches!(self.bytes[self.pos], b',' | b'}' | b']')
                    && !self.bytes[self.pos].is_ascii_whitespace()
                {
                    self.pos += 1;
                }
                if self.pos == start {
                    return Err(start);
                }
                Ok(Json::Scalar)
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Json, usize> {
        self.eat(b'{')?;
        let mut members = Vec::new();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Json::Obj(members));
        }
        loop {
            self.skip_ws();
            let key_offset = self.pos;
            let key = self.string()?;
            self.eat(b':')?;
            let value = self.value(depth + 1)?;
            members.push((key, key_offset, value));
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Json::Obj(members));
                }
                _ => return Err(self.pos),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Json, usize> {
        self.eat(b'[')?;
        let mut items = Vec::new();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Json::Arr(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Json::Arr(items));
                }
                _ => return Err(self.pos),
            }
        }
    }

    fn string(&mut self) -> Result<String, usize> {
        self.eat(b'"')?;
        let mut out: Vec<u8> = Vec::new();
        let mut pending_high: Option<u32> = None;
        while let Some(&b) = self.bytes.get(self.pos) {
            self.pos += 1;
            match b {
                b'"' => return String::from_utf8(out).map_err(|_| self.pos),
                b'\\' => {
                    let esc = *self.bytes.get(self.pos).ok_or(self.pos)?;
                    self.pos += 1;
                    let simple = match esc {
                        b'n' => Some('\n'),
                        b't' => Some('\t'),
                        b'r' => Some('\r'),
                        b'b' => Some('\u{8}'),
                        b'f' => Some('\u{c}'),
                        b'/' => Some('/'),
                        b'\\' => Some('\\'),
                        b'"' => Some('"'),
                        b'u' => None,
                        _ => return Err(self.pos),
                    };
                    let c = match simple {
                        Some(c) => c,
                        None => {
                            let hex = self.bytes.get(self.pos..self.pos + 4).ok_or(self.pos)?;
                            let hex = std::str::from_utf8(hex).map_err(|_| self.pos)?;
                            let unit = u32::from_str_radix(hex, 16).map_err(|_| self.pos)?;
                            self.pos += 4;
                            if (0xD800..0xDC00).contains(&unit) {
                                pending_high = Some(unit);
                                continue;
                            }
                            let code = match pending_high.take() {
                                Some(high) if (0xDC00..0xE000).contains(&unit) => {
                                    0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00)
                                }
                                _ => unit,
                            };
                            char::from_u32(code).unwrap_or('\u{FFFD}')
                        }
                    };
                    let mut buf = [0u8; 4];
                    out.extend(c.encode_utf8(&mut buf).as_bytes());
                }
                _ => out.push(b),
            }
        }
        Err(self.pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_key_offsets() {
        let text = r#"{"a": {"b\u00e9": "x\"y"}, "c": [1, true, null, "\ud83d\ude00"]}"#;
        let v = parse(text).unwrap();
        let Some(Json::Obj(inner)) = v.get("a") else {
            panic!("object expected")
        };
        assert_eq!(inner[0].0, "bé");
        assert_eq!(inner[0].1, 7);
        assert_eq!(inner[0].2, Json::Str("x\"y".into()));
        let Some(Json::Arr(items)) = v.get("c") else {
            panic!("array expected")
        };
        assert_eq!(items[3], Json::Str("😀".into()));
    }

    #[test]
    fn bad_input_is_an_error() {
        for bad in ["", "{", "{\"a\" 1}", "[1,", "\"abc", "{} x", "[\"\\q\"]"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        let deep = "[".repeat(10_000);
        assert!(parse(&deep).is_err());
    }
}
