//! A YAML document as a tree of nodes that know their byte spans, built from the events of
//! `saphyr-parser` (a YAML 1.2 parser that passes the yaml-test-suite).
//!
//! Building the tree ourselves (instead of loading saphyr's `MarkedYaml`) keeps what the loader
//! needs for its diagnostics: the scalar's style (plain or quoted), mapping entries in order with
//! duplicates kept (so both places can be shown), and the span of every key. Aliases are
//! expanded to a copy of their anchor's node: the copy is placed at the alias, its contents keep
//! the spans where they are written; merge keys (`<<: *base`) are applied here too.

use saphyr::Scalar;
use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span};
use std::borrow::Cow;

/// How many nodes aliases may copy in one file: enough for any real file, and a bound for
/// "billion laughs" documents (aliases of aliases of aliases).
const ALIAS_BUDGET: usize = 1_000_000;

/// A node and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Node<'a> {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// What it holds.
    pub value: Value<'a>,
}

/// The value of a [`Node`], resolved by YAML 1.2's core schema.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// `null`, `~` or nothing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, with its text as written (`0100`, `1e3`) and its value when whole.
    Number {
        /// The scalar as written.
        text: Cow<'a, str>,
        /// Its value when it is a whole number that fits.
        int: Option<i64>,
    },
    /// Text; `plain` when it was not quoted nor a block scalar.
    Str {
        /// The text (borrowed from the file when it has no escapes or folded lines).
        text: Cow<'a, str>,
        /// Written without quotes.
        plain: bool,
    },
    /// A sequence.
    Seq(Vec<Node<'a>>),
    /// A mapping, entries in order (duplicate keys kept).
    Map(Vec<Entry<'a>>),
}

/// One entry of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry<'a> {
    /// The key node.
    pub key: Node<'a>,
    /// The value node.
    pub value: Node<'a>,
}

impl Node<'_> {
    /// The key as text, when it is a scalar that is not a collection.
    pub fn key_text(&self) -> Option<&str> {
        match &self.value {
            Value::Str { text, .. } | Value::Number { text, .. } => Some(text.as_ref()),
            _ => None,
        }
    }

    /// Whether this node is a mapping.
    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }
}

/// Why a document could not be read, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct TreeError {
    /// Byte offset.
    pub at: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when known.
    pub help: Option<&'static str>,
}

/// Converts the parser's character positions to byte offsets. Events come mostly in order, so a
/// cursor that walks from the last position is linear over a file.
struct Offsets<'a> {
    text: &'a str,
    ascii: bool,
    chars: usize,
    bytes: usize,
}

impl Offsets<'_> {
    fn byte(&mut self, char_index: usize) -> usize {
        if self.ascii {
            return char_index.min(self.text.len());
        }
        while self.chars < char_index {
            match self.text[self.bytes..].chars().next() {
                Some(c) => {
                    self.bytes += c.len_utf8();
                    self.chars += 1;
                }
                None => return self.bytes,
            }
        }
        while self.chars > char_index {
            match self.text[..self.bytes].chars().next_back() {
                Some(c) => {
                    self.bytes -= c.len_utf8();
                    self.chars -= 1;
                }
                None => break,
            }
        }
        self.bytes
    }
}

enum Frame<'a> {
    Seq {
        start: usize,
        anchor: usize,
        items: Vec<Node<'a>>,
    },
    Map {
        start: usize,
        anchor: usize,
        entries: Vec<Entry<'a>>,
        key: Option<Node<'a>>,
    },
}

struct Builder<'a> {
    offsets: Offsets<'a>,
    stack: Vec<Frame<'a>>,
    anchors: Vec<(usize, Node<'a>)>,
    budget: usize,
    root: Option<Node<'a>>,
}

impl<'a> Builder<'a> {
    fn err(&mut self, span: Span, message: impl Into<String>) -> TreeError {
        TreeError {
            at: self.offsets.byte(span.start.index()),
            message: message.into(),
            help: None,
        }
    }

    /// Places a finished node in its parent (or as the root), and records its anchor.
    fn finish(&mut self, node: Node<'a>, anchor: usize) {
        if anchor != 0 {
            self.anchors.push((anchor, node.clone()));
        }
        match self.stack.last_mut() {
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                Some(k) => entries.push(Entry {
                    key: k,
                    value: node,
                }),
                None => *key = Some(node),
            },
            None => self.root = Some(node),
        }
    }

    fn scalar(
        &mut self,
        text: Cow<'a, str>,
        style: ScalarStyle,
        tag: Option<&Cow<'a, saphyr_parser::Tag>>,
        span: Span,
    ) -> Result<Node<'a>, TreeError> {
        let start = self.offsets.byte(span.start.index());
        let end = self.offsets.byte(span.end.index()).max(start);
        let plain = style == ScalarStyle::Plain;
        // The parser hands every scalar over as a new String; most are the file's own text
        // (plain, or quoted without escapes), so borrow that instead and free the copy: a
        // 10,000-group file holds a million scalars.
        let written = match style {
            ScalarStyle::Plain => self.offsets.text.get(start..end),
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted if end >= start + 2 => {
                self.offsets.text.get(start + 1..end - 1)
            }
            _ => None,
        };
        let text = match written {
            Some(w) if w == text.as_ref() => Cow::Borrowed(w),
            _ => text,
        };
        let value = match Scalar::parse_from_cow_and_metadata(Cow::Borrowed(&*text), style, tag) {
            Some(Scalar::Null) => Value::Null,
            Some(Scalar::Boolean(b)) => Value::Bool(b),
            Some(Scalar::Integer(i)) => Value::Number { text, int: Some(i) },
            Some(Scalar::FloatingPoint(_)) => Value::Number { text, int: None },
            Some(Scalar::String(_)) => Value::Str { text, plain },
            None => {
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                return Err(self.err(
                    span,
                    format!(
                        "`{text}` does not match its tag {}",
                        tag.unwrap_or_default()
                    ),
                ));
            }
        };
        Ok(Node { start, end, value })
    }

    /// A collection ends: block collections end where their last item ends (the parser's end
    /// event sits at the next token, past comments and blank lines); flow ones at `]` / `}`.
    fn end_of(&mut self, span: Span, start: usize, last: Option<usize>) -> usize {
        let end = if span.end.index() > span.start.index() {
            self.offsets.byte(span.end.index())
        } else {
            last.unwrap_or(start)
        };
        end.max(start)
    }

    fn copy_alias(&mut self, id: usize, span: Span) -> Result<Node<'a>, TreeError> {
        let Some(node) = self
            .anchors
            .iter()
            .rev()
            .find(|(a, _)| *a == id)
            .map(|(_, n)| n.clone())
        else {
            return Err(self.err(span, "this alias names no anchor defined before it"));
        };
        let size = count(&node);
        if size > self.budget {
            let mut e = self.err(span, "aliases copy too many nodes in this file");
            e.help = Some("write the values out instead of nesting aliases of aliases");
            return Err(e);
        }
        self.budget -= size;
        // The alias itself is shown where it is used (a wrong type is a wrong use); what is
        // inside it, where it is written.
        let mut node = node;
        node.start = self.offsets.byte(span.start.index());
        node.end = self.offsets.byte(span.end.index()).max(node.start);
        Ok(node)
    }
}

fn count(n: &Node) -> usize {
    1 + match &n.value {
        Value::Seq(items) => items.iter().map(count).sum(),
        Value::Map(entries) => entries
            .iter()
            .map(|e| count(&e.key) + count(&e.value))
            .sum(),
        _ => 0,
    }
}

/// Applies merge keys (`<<: *base`, `<<: [*a, *b]`): the merged mappings' entries are added
/// where the `<<` entry stood, unless the mapping gives the key itself (YAML 1.1's merge type,
/// which YAML 1.2 parsers leave to the application). A `<<` whose value is not a mapping (or a
/// list of them) is kept as it is, so the loader reports it.
fn merge(entries: Vec<Entry<'_>>) -> Vec<Entry<'_>> {
    let is_merge = |e: &Entry| {
        matches!(&e.key.value, Value::Str { text, plain: true } if text == "<<")
            && match &e.value.value {
                Value::Map(_) => true,
                Value::Seq(items) => !items.is_empty() && items.iter().all(Node::is_map),
                _ => false,
            }
    };
    if !entries.iter().any(is_merge) {
        return entries;
    }
    let own: Vec<String> = entries
        .iter()
        .filter(|e| !is_merge(e))
        .filter_map(|e| e.key.key_text().map(str::to_string))
        .collect();
    let mut merged_keys: Vec<String> = Vec::new();
    let mut out = Vec::with_capacity(entries.len());
    for e in entries {
        if !is_merge(&e) {
            out.push(e);
            continue;
        }
        let sources = match e.value.value {
            Value::Map(m) => vec![m],
            Value::Seq(items) => items
                .into_iter()
                .filter_map(|n| match n.value {
                    Value::Map(m) => Some(m),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        // Earlier sources win over later ones, the mapping's own keys over all.
        for m in sources {
            for me in m {
                let Some(k) = me.key.key_text().map(str::to_string) else {
                    continue;
                };
                if own.contains(&k) || merged_keys.contains(&k) {
                    continue;
                }
                merged_keys.push(k);
                out.push(me);
            }
        }
    }
    out
}

/// Parses one YAML document. `Ok(None)` for a file without a document (empty, or comments).
pub fn parse(text: &str) -> Result<Option<Node<'_>>, TreeError> {
    let mut b = Builder {
        offsets: Offsets {
            text,
            ascii: text.is_ascii(),
            chars: 0,
            bytes: 0,
        },
        stack: Vec::new(),
        anchors: Vec::new(),
        budget: ALIAS_BUDGET,
        root: None,
    };
    let mut documents = 0;
    for ev in Parser::new_from_str(text) {
        let (ev, span) = ev.map_err(|e| scan_error(&mut b.offsets, &e))?;
        match ev {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    let mut e = b.err(span, "this file holds more than one YAML document");
                    e.help = Some(
                        "put all hunt groups in one document, or each document in its own file",
                    );
                    return Err(e);
                }
            }
            Event::Scalar(v, style, anchor, tag) => {
                let node = b.scalar(v, style, tag.as_ref(), span)?;
                b.finish(node, anchor);
            }
            Event::Alias(id) => {
                let node = b.copy_alias(id, span)?;
                b.finish(node, 0);
            }
            Event::SequenceStart(anchor, _) => {
                let start = b.offsets.byte(span.start.index());
                b.stack.push(Frame::Seq {
                    start,
                    anchor,
                    items: Vec::new(),
                });
            }
            Event::MappingStart(anchor, _) => {
                let start = b.offsets.byte(span.start.index());
                b.stack.push(Frame::Map {
                    start,
                    anchor,
                    entries: Vec::new(),
                    key: None,
                });
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq {
                    start,
                    anchor,
                    items,
                }) = b.stack.pop()
                {
                    let end = b.end_of(span, start, items.last().map(|n| n.end));
                    b.finish(
                        Node {
                            start,
                            end,
                            value: Value::Seq(items),
                        },
                        anchor,
                    );
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map {
                    start,
                    anchor,
                    entries,
                    ..
                }) = b.stack.pop()
                {
                    let end = b.end_of(span, start, entries.last().map(|e| e.value.end));
                    b.finish(
                        Node {
                            start,
                            end,
                            value: Value::Map(merge(entries)),
                        },
                        anchor,
                    );
                }
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
    }
    Ok(b.root)
}

fn scan_error(offsets: &mut Offsets<'_>, e: &ScanError) -> TreeError {
    TreeError {
        at: offsets.byte(e.marker().index()),
        message: e.info().to_string(),
        help: None,
    }
}

/// What a YAML 1.1 reader makes of a plain scalar that YAML 1.2 reads as text: `yes`/`no`/`on`/
/// `off` are booleans there, `1_000`, `0b101` and `1:30` numbers. `y`/`n` are left out, as
/// libyaml and PyYAML do.
pub fn yaml11_reading(s: &str) -> Option<&'static str> {
    match s {
        "yes" | "Yes" | "YES" | "on" | "On" | "ON" => return Some("the boolean true"),
        "no" | "No" | "NO" | "off" | "Off" | "OFF" => return Some("the boolean false"),
        _ => {}
    }
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let digits = |t: &str, ok: fn(char) -> bool| !t.is_empty() && t.chars().all(ok);
    let number = if let Some(b) = body.strip_prefix("0b") {
        digits(b, |c| matches!(c, '0' | '1' | '_'))
    } else if let Some(h) = body.strip_prefix("0x") {
        digits(h, |c| c.is_ascii_hexdigit() || c == '_')
    } else if body.starts_with(|c: char| c.is_ascii_digit()) {
        // Whole numbers and decimals with `_`, and base-60 (`1:30`, `1:30:00.5`).
        let (int, frac) = match body.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (body, None),
        };
        let mut parts = int.split(':');
        let head = parts.next().unwrap_or("");
        let sexagesimal = int.contains(':');
        digits(head, |c| c.is_ascii_digit() || c == '_')
            && parts.all(|p| {
                (1..=2).contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit()) && {
                    p.parse::<u8>().is_ok_and(|v| v < 60)
                }
            })
            && frac.is_none_or(|f| f.chars().all(|c| c.is_ascii_digit() || c == '_'))
            && (sexagesimal || s.contains('_'))
    } else {
        false
    };
    number.then_some("a number")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, n: &Node<'_>) -> String {
        text[n.start..n.end].to_string()
    }

    fn map<'n, 'a>(n: &'n Node<'a>) -> &'n [Entry<'a>] {
        match &n.value {
            Value::Map(m) => m,
            other => panic!("not a mapping: {other:?}"),
        }
    }

    #[test]
    fn spans_of_keys_values_and_items() {
        let text = "a: 1\nb:\n  - x\n  - {k: 'v', w: 5}\nc: |\n  two\n  lines\n";
        let root = parse(text).unwrap().unwrap();
        let m = map(&root);
        assert_eq!(at(text, &m[0].key), "a");
        assert_eq!(at(text, &m[0].value), "1");
        let Value::Seq(items) = &m[1].value.value else {
            panic!()
        };
        assert_eq!(at(text, &items[0]), "x");
        assert_eq!(at(text, &items[1]), "{k: 'v', w: 5}");
        assert_eq!(at(text, &map(&items[1])[0].value), "'v'");
        assert_eq!(
            m[2].value.value,
            Value::Str {
                text: "two\nlines\n".into(),
                plain: false
            }
        );
    }

    #[test]
    fn non_ascii_and_crlf_give_byte_offsets() {
        let text = "name: セールス\r\nx: 'é'\r\n";
        let m = parse(text).unwrap().unwrap();
        let m = map(&m);
        assert_eq!(at(text, &m[0].value), "セールス");
        assert_eq!(at(text, &m[1].key), "x");
        assert_eq!(at(text, &m[1].value), "'é'");
        let text = "\u{feff}a: b\n";
        let root = parse(text).unwrap().unwrap();
        assert_eq!(at(text, &map(&root)[0].key), "a");
        assert_eq!(at(text, &map(&root)[0].value), "b");
    }

    #[test]
    fn aliases_point_at_their_anchor_and_merge_keys_apply() {
        let text = "base: &b {policy: Regular, rings: 3}\ng:\n  <<: *b\n  rings: 4\n";
        let root = parse(text).unwrap().unwrap();
        let g = &map(&root)[1].value;
        let keys: Vec<_> = map(g).iter().map(|e| at(text, &e.key)).collect();
        assert_eq!(keys, ["policy", "rings"]);
        // The merged value is shown where it is written, in the anchor.
        assert_eq!(map(g)[0].value.start, text.find("Regular").unwrap());
        assert_eq!(at(text, &map(g)[1].value), "4");
    }

    #[test]
    fn resolution_is_yaml_1_2() {
        let text = "[yes, no, on, 0100, 1e3, true, ~, '12', 1_000]";
        let root = parse(text).unwrap().unwrap();
        let Value::Seq(items) = root.value else {
            panic!()
        };
        assert!(matches!(&items[0].value, Value::Str { text, plain: true } if text == "yes"));
        assert!(
            matches!(&items[3].value, Value::Number { text, int: Some(100) } if text == "0100")
        );
        assert!(matches!(&items[4].value, Value::Number { int: None, .. }));
        assert_eq!(items[5].value, Value::Bool(true));
        assert_eq!(items[6].value, Value::Null);
        assert!(matches!(&items[7].value, Value::Str { plain: false, .. }));
        assert!(matches!(&items[8].value, Value::Str { plain: true, .. }));
    }

    #[test]
    fn yaml11_readings() {
        for s in [
            "yes",
            "Off",
            "1_000",
            "0b101",
            "1:30",
            "190:20:30.15",
            "0x_1F",
        ] {
            assert!(yaml11_reading(s).is_some(), "{s}");
        }
        for s in [
            "y",
            "n",
            "1.2.3",
            "12:75",
            "abc",
            "America/New_York",
            "1-2",
            "+1-202",
        ] {
            assert!(yaml11_reading(s).is_none(), "{s}");
        }
    }

    #[test]
    fn errors_and_limits() {
        let e = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(!e.message.is_empty());
        let e = parse("a: 1\n---\nb: 2\n").unwrap_err();
        assert!(e.message.contains("more than one"), "{e:?}");
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            bomb.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let e = parse(&bomb).unwrap_err();
        assert!(e.message.contains("too many"), "{e:?}");
        assert_eq!(parse("# nothing\n").unwrap(), None);
    }
}
