//! A small element tree of a received document: enough for validation, with namespaces
//! reduced to local names (clients differ in how they bind them, and the schema's element names
//! are unique without them). SOAP envelopes are read with it too.

use super::violation::SECRET_ELEMENTS;
use quick_xml::events::{BytesRef, BytesStart, Event};

/// One element: local name, attributes by local name, children and text.
#[derive(Debug, Default, Clone)]
pub(crate) struct Elem {
    pub(crate) name: String,
    /// (prefix, local name, value)
    pub(crate) attrs: Vec<(Option<String>, String, String)>,
    pub(crate) children: Vec<Elem>,
    pub(crate) text: String,
}

impl Elem {
    /// A prefixed attribute (`xsi:type`, `xsi:nil`) by local name.
    pub(crate) fn xsi_attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(p, l, _)| p.is_some() && l == local)
            .map(|(_, _, v)| v.as_str())
    }
    /// An unprefixed attribute by name.
    pub(crate) fn attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(p, l, _)| p.is_none() && l == local)
            .map(|(_, _, v)| v.as_str())
    }
    /// The first descendant (depth first) with this local name.
    pub(crate) fn find(&self, name: &str) -> Option<&Elem> {
        for c in &self.children {
            if c.name == name {
                return Some(c);
            }
            if let Some(f) = c.find(name) {
                return Some(f);
            }
        }
        None
    }
}

fn split_qname(raw: &[u8]) -> (Option<String>, String) {
    let s = String::from_utf8_lossy(raw);
    match s.split_once(':') {
        Some((p, l)) => (Some(p.to_string()), l.to_string()),
        None => (None, s.into_owned()),
    }
}

/// Parses XML text into an element tree; errors are described for a 6004 detail.
pub(crate) fn parse_tree(text: &str) -> Result<Elem, String> {
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Elem> = Vec::new();
    let mut root: Option<Elem> = None;
    loop {
        let ev = reader.read_event().map_err(malformed)?;
        match ev {
            Event::Start(_) | Event::Empty(_) => {
                let (s, is_empty) = match ev {
                    Event::Start(s) => (s, false),
                    Event::Empty(s) => (s, true),
                    _ => continue,
                };
                if root.is_some() {
                    return Err("XML is not well-formed: content after the root element".into());
                }
                let el = open_elem(&s)?;
                if is_empty {
                    close_elem(el, &mut stack, &mut root);
                } else {
                    stack.push(el);
                }
            }
            Event::End(_) => {
                let el = stack
                    .pop()
                    .ok_or_else(|| "XML is not well-formed: unexpected end tag".to_string())?;
                close_elem(el, &mut stack, &mut root);
            }
            Event::Text(t) => {
                let s = t.xml_content().map_err(malformed)?;
                push_text(&mut stack, &s)?;
            }
            Event::CData(t) => {
                let s = t.decode().map_err(malformed)?;
                push_text(&mut stack, &s)?;
            }
            Event::GeneralRef(r) => {
                let s = reference_text(&r, stack.last())?;
                push_text(&mut stack, &s)?;
            }
            Event::Eof => break,
            Event::DocType(_) => return Err("DOCTYPE is not allowed".into()),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err("XML is not well-formed: unexpected end of document".into());
    }
    root.ok_or_else(|| "XML is not well-formed: no root element".to_string())
}

fn malformed(e: impl std::fmt::Display) -> String {
    format!("XML is not well-formed: {e}")
}

/// A new element from its start tag: local name, and attributes without namespace
/// declarations.
fn open_elem(s: &BytesStart<'_>) -> Result<Elem, String> {
    let (_, name) = split_qname(s.name().as_ref());
    let mut el = Elem {
        name,
        ..Default::default()
    };
    for a in s.attributes() {
        let a = a.map_err(malformed)?;
        let (p, l) = split_qname(a.key.as_ref());
        if p.as_deref() == Some("xmlns") || (p.is_none() && l == "xmlns") {
            continue;
        }
        let v = a.unescape_value().map_err(malformed)?;
        el.attrs.push((p, l, v.into_owned()));
    }
    Ok(el)
}

/// The text of a character reference or predefined entity inside the element `open`.
fn reference_text(r: &BytesRef<'_>, open: Option<&Elem>) -> Result<String, String> {
    if let Some(c) = r.resolve_char_ref().map_err(malformed)? {
        // A reference must name a character XML 1.0 allows (`&#7;` is not well-formed).
        if !crate::text::is_xml_char(c) {
            return Err(format!(
                "XML is not well-formed: character reference to {}, which XML 1.0 does not allow",
                crate::text::code_point(c)
            ));
        }
        return Ok(c.to_string());
    }
    let name = r.decode().map_err(malformed)?;
    quick_xml::escape::resolve_predefined_entity(&name)
        .map(str::to_string)
        .ok_or_else(|| {
            // Inside a password the "entity" is a piece of the secret.
            match open {
                Some(el) if SECRET_ELEMENTS.contains(&el.name.as_str()) => format!(
                    "XML is not well-formed: unknown entity in element '{}'",
                    el.name
                ),
                _ => format!("XML is not well-formed: unknown entity &{name};"),
            }
        })
}

fn close_elem(el: Elem, stack: &mut [Elem], root: &mut Option<Elem>) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(el),
        None => *root = Some(el),
    }
}

fn push_text(stack: &mut [Elem], s: &str) -> Result<(), String> {
    match stack.last_mut() {
        Some(el) => {
            el.text.push_str(s);
            Ok(())
        }
        None if s.trim().is_empty() => Ok(()),
        None => Err("XML is not well-formed: text outside the root element".into()),
    }
}
