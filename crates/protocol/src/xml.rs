//! Low-level XML shared by both directions of the codec: the envelope, the ISO-8859-1 output
//! with character references, decoding per the XML declaration, and stream framing.

use std::borrow::Cow;

/// The XML Schema instance namespace, bound to `xsi` in every document.
pub const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// Errors while turning bytes into text.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    /// The declaration names an encoding we cannot decode.
    #[error("unsupported XML encoding {0:?}")]
    UnsupportedEncoding(String),
    /// The bytes are not valid in the declared encoding.
    #[error("document is not valid {0}")]
    Malformed(&'static str),
}

/// Escapes text for element content and attribute values.
pub fn escape(s: &str) -> Cow<'_, str> {
    quick_xml::escape::escape(s)
}

/// Builds the XML of command elements; text is escaped, nothing is transcoded yet.
#[derive(Debug, Default, Clone)]
pub struct XmlOut {
    buf: String,
}

impl XmlOut {
    /// An empty buffer.
    pub fn new() -> Self {
        XmlOut {
            buf: String::with_capacity(512),
        }
    }
    /// `<name>`
    pub fn open(&mut self, name: &str) -> &mut Self {
        self.buf.push('<');
        self.buf.push_str(name);
        self.buf.push('>');
        self
    }
    /// `<name attrs>`, `attrs` written verbatim (already escaped).
    pub fn open_with(&mut self, name: &str, attrs: &str) -> &mut Self {
        self.buf.push('<');
        self.buf.push_str(name);
        self.buf.push(' ');
        self.buf.push_str(attrs);
        self.buf.push('>');
        self
    }
    /// `</name>`
    pub fn close(&mut self, name: &str) -> &mut Self {
        self.buf.push_str("</");
        self.buf.push_str(name);
        self.buf.push('>');
        self
    }
    /// `<name>text</name>`
    pub fn text(&mut self, name: &str, text: &str) -> &mut Self {
        self.open(name);
        self.buf.push_str(&escape(text));
        self.close(name)
    }
    /// `<name>text</name>` when `Some`.
    pub fn opt(&mut self, name: &str, text: Option<&str>) -> &mut Self {
        if let Some(t) = text {
            self.text(name, t);
        }
        self
    }
    /// `<name>true|false</name>`
    pub fn boolean(&mut self, name: &str, v: bool) -> &mut Self {
        self.text(name, if v { "true" } else { "false" })
    }
    /// `<name>n</name>`
    pub fn number(&mut self, name: &str, v: impl std::fmt::Display) -> &mut Self {
        self.text(name, &v.to_string())
    }
    /// `<name xsi:nil="true"/>`
    pub fn nil(&mut self, name: &str) -> &mut Self {
        self.buf.push('<');
        self.buf.push_str(name);
        self.buf.push_str(" xsi:nil=\"true\"/>");
        self
    }
    /// `<name/>`
    pub fn empty(&mut self, name: &str) -> &mut Self {
        self.buf.push('<');
        self.buf.push_str(name);
        self.buf.push_str("/>");
        self
    }
    /// Raw, already-escaped XML.
    pub fn raw(&mut self, xml: &str) -> &mut Self {
        self.buf.push_str(xml);
        self
    }
    /// The XML written so far.
    pub fn as_str(&self) -> &str {
        &self.buf
    }
    /// Takes the XML.
    pub fn into_string(self) -> String {
        self.buf
    }
}

/// Wraps command elements (each a complete `<command …>…</command>`) in a BroadsoftDocument
/// and encodes it as ISO-8859-1, characters outside it as character references.
pub fn write_document(session_id: &str, commands: &[String]) -> Vec<u8> {
    let mut s = String::with_capacity(256 + commands.iter().map(String::len).sum::<usize>());
    s.push_str("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n");
    s.push_str("<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\" xmlns:xsi=\"");
    s.push_str(XSI_NS);
    s.push_str("\"><sessionId xmlns=\"\">");
    s.push_str(&escape(session_id));
    s.push_str("</sessionId>");
    for c in commands {
        s.push_str(c);
    }
    s.push_str("</BroadsoftDocument>");
    to_latin1_with_refs(&s)
}

/// Encodes text as ISO-8859-1; every character above U+00FF becomes `&#N;`.
///
/// Only valid where character references are (element text, attribute values): callers never
/// write CDATA sections, whose content a reference would corrupt.
pub fn to_latin1_with_refs(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    for ch in s.chars() {
        let c = ch as u32;
        if c <= 0xFF {
            out.push(c as u8);
        } else {
            out.extend_from_slice(format!("&#{c};").as_bytes());
        }
    }
    out
}

/// Decodes a document's bytes per its byte-order mark or XML declaration (default UTF-8).
///
/// ISO-8859-1 is decoded byte for byte (encoding_rs would treat it as windows-1252).
pub fn decode_document(bytes: &[u8]) -> Result<Cow<'_, str>, DecodeError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(Cow::Borrowed)
            .map_err(|_| DecodeError::Malformed("UTF-8"));
    }
    let label = declared_encoding(bytes).unwrap_or_else(|| "UTF-8".to_string());
    let lower = label.to_ascii_lowercase();
    match lower.as_str() {
        "utf-8" | "utf8" => std::str::from_utf8(bytes)
            .map(Cow::Borrowed)
            .map_err(|_| DecodeError::Malformed("UTF-8")),
        "iso-8859-1" | "iso8859-1" | "latin1" | "latin-1" | "l1" | "iso_8859-1" => {
            if bytes.is_ascii() {
                // ASCII is valid UTF-8: no copy.
                Ok(Cow::Borrowed(
                    std::str::from_utf8(bytes).map_err(|_| DecodeError::Malformed("ASCII"))?,
                ))
            } else {
                Ok(Cow::Owned(bytes.iter().map(|&b| b as char).collect()))
            }
        }
        _ => {
            let enc = encoding_rs::Encoding::for_label(label.as_bytes())
                .ok_or_else(|| DecodeError::UnsupportedEncoding(label.clone()))?;
            let (text, _, had_errors) = enc.decode(bytes);
            if had_errors {
                return Err(DecodeError::Malformed("text in the declared encoding"));
            }
            Ok(Cow::Owned(text.into_owned()))
        }
    }
}

/// The `encoding="…"` of a leading XML declaration, if any.
pub fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    let head = &bytes[start..];
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = std::str::from_utf8(&head[..end]).ok()?;
    let i = decl.find("encoding")?;
    let rest = decl[i + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?;
    let rest = rest.trim_start();
    let quote = rest.chars().next()?;
    if quote != '"' && quote != '\'' {
        return None;
    }
    let value = &rest[1..];
    let close = value.find(quote)?;
    Some(value[..close].to_string())
}

/// Finds the end of the first complete document in a byte stream: the index just past its
/// closing `</BroadsoftDocument>` (or `</prefix:BroadsoftDocument>`). `None` if not there yet.
///
/// TCP has no length prefix: a reader accumulates bytes and cuts documents here.
pub fn find_document_end(buf: &[u8]) -> Option<usize> {
    const TAG: &[u8] = b"BroadsoftDocument";
    let mut from = 0;
    while from < buf.len() {
        let rel = buf[from..].windows(2).position(|w| w == b"</")?;
        let lt = from + rel;
        let mut i = lt + 2;
        // optional prefix
        let name_start = i;
        while i < buf.len()
            && (buf[i].is_ascii_alphanumeric() || matches!(buf[i], b'_' | b'-' | b'.'))
        {
            i += 1;
        }
        let mut local_start = name_start;
        if i < buf.len() && buf[i] == b':' {
            i += 1;
            local_start = i;
            while i < buf.len()
                && (buf[i].is_ascii_alphanumeric() || matches!(buf[i], b'_' | b'-' | b'.'))
            {
                i += 1;
            }
        }
        if &buf[local_start..i] == TAG {
            while i < buf.len() && buf[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < buf.len() && buf[i] == b'>' {
                return Some(i + 1);
            }
            if i >= buf.len() {
                return None;
            }
        }
        from = lt + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_with_refs_round_trips_through_decode() {
        let text = "Café セールス & <x>";
        let doc = write_document("s1", &[format!("<command>{}</command>", escape(text))]);
        assert!(doc.contains(&0xE9));
        assert!(String::from_utf8_lossy(&doc).contains("&#12475;"));
        let decoded = decode_document(&doc).unwrap();
        assert!(decoded.contains("Caf\u{e9}"));
    }

    #[test]
    fn declared_encodings() {
        assert_eq!(
            declared_encoding(b"<?xml version=\"1.0\" encoding='UTF-8'?><a/>").as_deref(),
            Some("UTF-8")
        );
        assert_eq!(declared_encoding(b"<a/>"), None);
        let l2 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-2\"?><a>\xB1</a>";
        assert!(decode_document(l2).unwrap().contains('\u{105}'));
        let l1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\x80</a>";
        assert!(decode_document(l1).unwrap().contains('\u{80}'));
    }

    #[test]
    fn framing() {
        let s = b"<BroadsoftDocument></BroadsoftDocument>\n<c:BroadsoftDocument></c:BroadsoftDocument >x";
        let e1 = find_document_end(s).unwrap();
        assert_eq!(&s[..e1], b"<BroadsoftDocument></BroadsoftDocument>");
        let e2 = find_document_end(&s[e1..]).unwrap();
        assert!(s[e1..e1 + e2].ends_with(b"</c:BroadsoftDocument >"));
        assert_eq!(find_document_end(b"<BroadsoftDocument></Broadsoft"), None);
        assert_eq!(find_document_end(b"</sessionId></BroadsoftDocument"), None);
    }
}
