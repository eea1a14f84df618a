//! Where each YAML node is: a small structural scanner over the source text.
//!
//! serde_yaml 0.9 parses values but keeps no per-node positions, so this scanner walks the
//! same text (already known to be valid YAML) and records the byte span of every mapping key,
//! mapping value and sequence item. It understands block mappings and sequences, compact
//! `- key: value` items, flow collections (`[a, b]`, `{userId: x, weight: 5}`), quoted and
//! block scalars, comments, anchors and tags. When it cannot follow something exotic the
//! loader falls back to the nearest enclosing node, so a location is never wrong by more than
//! one level.

/// A node of the source: its byte span and children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SNode {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// Scalar, sequence or mapping.
    pub kind: SKind,
}

/// The shape of an [`SNode`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SKind {
    /// A scalar; `plain` when not quoted (its text is the value as written).
    Scalar {
        /// Not quoted, not a block scalar.
        plain: bool,
    },
    /// A sequence.
    Seq(Vec<SNode>),
    /// A mapping.
    Map(Vec<SEntry>),
}

/// One key of a mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SEntry {
    /// The key text (unquoted).
    pub key: String,
    /// The key's first byte.
    pub key_start: usize,
    /// One past the key's last byte.
    pub key_end: usize,
    /// The value.
    pub value: SNode,
}

impl SNode {
    /// The entry of a mapping node with this key.
    pub fn entry(&self, key: &str) -> Option<&SEntry> {
        match &self.kind {
            SKind::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// Item `i` of a sequence node.
    pub fn item(&self, i: usize) -> Option<&SNode> {
        match &self.kind {
            SKind::Seq(items) => items.get(i),
            _ => None,
        }
    }
}

struct Line {
    start: usize,
    end: usize,
    indent: usize,
    sig: bool,
}

/// Scans `src` and returns the root node (None for an empty document).
pub fn scan(src: &str) -> Option<SNode> {
    let s = Scanner::new(src);
    let first = s.next_sig(0)?;
    let indent = s.lines[first].indent;
    Some(s.node(first, indent, None).0)
}

struct Scanner<'a> {
    src: &'a str,
    b: &'a [u8],
    lines: Vec<Line>,
}

fn is_dash(rest: &str) -> bool {
    rest == "-" || rest.starts_with("- ") || rest.starts_with("-\t")
}

impl<'a> Scanner<'a> {
    fn new(src: &'a str) -> Self {
        let mut lines = Vec::new();
        let mut start = 0;
        for piece in src.split_inclusive('\n') {
            let end = start + piece.trim_end_matches(['\n', '\r']).len();
            let text = &src[start..end];
            let indent = text.len() - text.trim_start_matches(' ').len();
            let content = text[indent..].trim_end();
            let sig = !(content.is_empty()
                || content.starts_with('#')
                || content == "---"
                || content == "..."
                || content.starts_with("%"));
            lines.push(Line {
                start,
                end,
                indent,
                sig,
            });
            start += piece.len();
        }
        Scanner {
            src,
            b: src.as_bytes(),
            lines,
        }
    }

    fn next_sig(&self, from: usize) -> Option<usize> {
        (from..self.lines.len()).find(|&i| self.lines[i].sig)
    }

    fn line_of(&self, offset: usize) -> usize {
        match self.lines.binary_search_by(|l| l.start.cmp(&offset)) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    fn rest(&self, li: usize, col: usize) -> &'a str {
        let l = &self.lines[li];
        let p = self.at_char(l.start + col, l.end);
        &self.src[p..l.end]
    }

    /// `offset` capped at `end` and moved back to a character boundary: a column taken from
    /// one line can fall inside a multi-byte character of another (found by fuzzing).
    fn at_char(&self, offset: usize, end: usize) -> usize {
        let mut p = offset.min(end);
        while p > 0 && !self.src.is_char_boundary(p) {
            p -= 1;
        }
        p
    }

    /// A node whose content starts at column `col` of line `li`; `parent` is the indentation
    /// of the enclosing block (None at the top). Returns the node and the first line after it.
    fn node(&self, li: usize, col: usize, parent: Option<usize>) -> (SNode, usize) {
        let rest = self.rest(li, col);
        if is_dash(rest) {
            return self.seq(li, col);
        }
        if rest.starts_with('[') || rest.starts_with('{') {
            let (n, end) = self.flow(self.lines[li].start + col);
            let next = self.line_of(end.saturating_sub(1)) + 1;
            return (n, next);
        }
        if map_colon(rest).is_some() {
            return self.map(li, col);
        }
        self.scalar(li, col, parent)
    }

    /// The value after `key:` or `- ` at column `col` of line `li`; `owner` is the column of
    /// the key or dash, `in_map` tells which.
    fn value_at(&self, li: usize, col: usize, owner: usize, in_map: bool) -> (SNode, usize) {
        let l = &self.lines[li];
        let mut c = col;
        loop {
            let rest = self.rest(li, c);
            let trimmed = rest.trim_start_matches([' ', '\t']);
            c += rest.len() - trimmed.len();
            // Anchors and tags come before the value; skip them.
            if trimmed.starts_with('&') || trimmed.starts_with('!') {
                let tok = trimmed.find([' ', '\t']).unwrap_or(trimmed.len());
                c += tok;
                continue;
            }
            break;
        }
        let rest = self.rest(li, c);
        let p = (l.start + c).min(l.end);
        if rest.is_empty() || rest.starts_with('#') {
            if let Some(nl) = self.next_sig(li + 1) {
                let ind = self.lines[nl].indent;
                let content = self.rest(nl, ind);
                if ind > owner || (in_map && ind == owner && is_dash(content)) {
                    return self.node(nl, ind, Some(owner));
                }
            }
            return (
                SNode {
                    start: p,
                    end: p,
                    kind: SKind::Scalar { plain: true },
                },
                li + 1,
            );
        }
        if rest.starts_with('|') || rest.starts_with('>') {
            let mut last = li;
            let mut i = li + 1;
            while i < self.lines.len() {
                let ln = &self.lines[i];
                let blank = self.src[ln.start..ln.end].trim().is_empty();
                if !blank && ln.indent <= owner {
                    break;
                }
                if !blank {
                    last = i;
                }
                i += 1;
            }
            let end = self.lines[last].end;
            return (
                SNode {
                    start: p,
                    end,
                    kind: SKind::Scalar { plain: false },
                },
                last + 1,
            );
        }
        self.node(li, c, Some(owner))
    }

    fn seq(&self, li: usize, col: usize) -> (SNode, usize) {
        let start = self.lines[li].start + col;
        let mut items = Vec::new();
        let mut li = li;
        let mut end = start + 1;
        loop {
            let (item, next) = self.value_at(li, col + 1, col, false);
            end = end.max(item.end);
            items.push(item);
            let Some(nl) = self.next_sig(next) else {
                return (self.mk_seq(start, end, items), self.lines.len());
            };
            if self.lines[nl].indent == col && is_dash(self.rest(nl, col)) {
                li = nl;
            } else {
                return (self.mk_seq(start, end, items), nl);
            }
        }
    }

    fn mk_seq(&self, start: usize, end: usize, items: Vec<SNode>) -> SNode {
        SNode {
            start,
            end,
            kind: SKind::Seq(items),
        }
    }

    fn map(&self, li: usize, col: usize) -> (SNode, usize) {
        let start = self.lines[li].start + col;
        let mut entries = Vec::new();
        let mut li = li;
        let mut end = start;
        loop {
            let rest = self.rest(li, col);
            let Some(ci) = map_colon(rest) else {
                return (self.mk_map(start, end, entries), li);
            };
            let pos = self.lines[li].start + col;
            let (key, ks, ke) = unquote_key(&rest[..ci], pos);
            let (value, next) = self.value_at(li, col + ci + 1, col, true);
            end = end.max(value.end).max(ke);
            entries.push(SEntry {
                key,
                key_start: ks,
                key_end: ke,
                value,
            });
            let Some(nl) = self.next_sig(next) else {
                return (self.mk_map(start, end, entries), self.lines.len());
            };
            let rest = self.rest(nl, col);
            if self.lines[nl].indent == col && !is_dash(rest) && map_colon(rest).is_some() {
                li = nl;
            } else {
                return (self.mk_map(start, end, entries), nl);
            }
        }
    }

    fn mk_map(&self, start: usize, end: usize, entries: Vec<SEntry>) -> SNode {
        SNode {
            start,
            end,
            kind: SKind::Map(entries),
        }
    }

    fn scalar(&self, li: usize, col: usize, parent: Option<usize>) -> (SNode, usize) {
        let l = &self.lines[li];
        let p = self.at_char(l.start + col, l.end);
        let (end, plain) = match self.b.get(p) {
            Some(q @ (b'"' | b'\'')) => (self.quoted_end(p, *q), false),
            _ => {
                let rest = &self.src[p..l.end];
                let cut = rest.find(" #").unwrap_or(rest.len());
                (p + rest[..cut].trim_end().len(), true)
            }
        };
        // Continuation lines of a multi-line scalar are more indented than its owner.
        let mut next = self.line_of(end.saturating_sub(1).max(p)) + 1;
        let mut end = end;
        let owner = parent.map(|o| o as isize).unwrap_or(-1);
        while let Some(nl) = self.next_sig(next) {
            if (self.lines[nl].indent as isize) > owner && parent.is_some() {
                end = self.lines[nl].end;
                next = nl + 1;
            } else {
                break;
            }
        }
        (
            SNode {
                start: p,
                end,
                kind: SKind::Scalar { plain },
            },
            next,
        )
    }

    /// One past the closing quote of a quoted scalar starting at `p`.
    fn quoted_end(&self, p: usize, q: u8) -> usize {
        let mut j = p + 1;
        while j < self.b.len() {
            let c = self.b[j];
            if q == b'"' && c == b'\\' {
                j += 2;
                continue;
            }
            if c == q {
                if q == b'\'' && self.b.get(j + 1) == Some(&b'\'') {
                    j += 2;
                    continue;
                }
                return j + 1;
            }
            j += 1;
        }
        self.b.len()
    }

    fn skip_ws(&self, mut p: usize) -> usize {
        while p < self.b.len() {
            match self.b[p] {
                b' ' | b'\t' | b'\n' | b'\r' => p += 1,
                b'#' => {
                    while p < self.b.len() && self.b[p] != b'\n' {
                        p += 1;
                    }
                }
                _ => break,
            }
        }
        p
    }

    /// A flow node at `p`; returns it and the byte after it.
    fn flow(&self, p: usize) -> (SNode, usize) {
        let p = self.skip_ws(p);
        match self.b.get(p) {
            Some(b'[') => {
                let mut items = Vec::new();
                let mut q = p + 1;
                loop {
                    q = self.skip_ws(q);
                    match self.b.get(q) {
                        None => break,
                        Some(b']') => {
                            q += 1;
                            break;
                        }
                        Some(b',') => {
                            q += 1;
                            continue;
                        }
                        _ => {}
                    }
                    let (item, e) = self.flow(q);
                    items.push(item);
                    q = e.max(q + 1);
                }
                (self.mk_seq(p, q, items), q)
            }
            Some(b'{') => {
                let mut entries = Vec::new();
                let mut q = p + 1;
                loop {
                    q = self.skip_ws(q);
                    match self.b.get(q) {
                        None => break,
                        Some(b'}') => {
                            q += 1;
                            break;
                        }
                        Some(b',') => {
                            q += 1;
                            continue;
                        }
                        _ => {}
                    }
                    let (k, ke) = self.flow_scalar(q, true);
                    let (key, ks, kend) = unquote_key(&self.src[k.start..k.end], k.start);
                    let mut r = self.skip_ws(ke);
                    let value = if self.b.get(r) == Some(&b':') {
                        let (v, e) = self.flow(r + 1);
                        r = e;
                        v
                    } else {
                        SNode {
                            start: r,
                            end: r,
                            kind: SKind::Scalar { plain: true },
                        }
                    };
                    entries.push(SEntry {
                        key,
                        key_start: ks,
                        key_end: kend,
                        value,
                    });
                    q = r.max(q + 1);
                }
                (self.mk_map(p, q, entries), q)
            }
            _ => self.flow_scalar(p, false),
        }
    }

    fn flow_scalar(&self, p: usize, key: bool) -> (SNode, usize) {
        if let Some(q @ (b'"' | b'\'')) = self.b.get(p) {
            let e = self.quoted_end(p, *q);
            return (
                SNode {
                    start: p,
                    end: e,
                    kind: SKind::Scalar { plain: false },
                },
                e,
            );
        }
        let mut j = p;
        while j < self.b.len() {
            let c = self.b[j];
            let next = self.b.get(j + 1).copied().unwrap_or(b' ');
            let stop = matches!(c, b',' | b'[' | b']' | b'{' | b'}' | b'\n')
                || (c == b':' && (key || matches!(next, b' ' | b',' | b']' | b'}' | b'\n')))
                || (c == b'#' && j > p && self.b[j - 1] == b' ');
            if stop {
                break;
            }
            j += 1;
        }
        let text = &self.src[p..j];
        let end = p + text.trim_end().len();
        (
            SNode {
                start: p,
                end,
                kind: SKind::Scalar { plain: true },
            },
            j,
        )
    }
}

/// The byte index of the `:` that makes `rest` a `key: value` line, if any.
fn map_colon(rest: &str) -> Option<usize> {
    let b = rest.as_bytes();
    let mut i = 0;
    if let Some(q @ (b'"' | b'\'')) = b.first() {
        i = 1;
        while i < b.len() && b[i] != *q {
            if *q == b'"' && b[i] == b'\\' {
                i += 1;
            }
            i += 1;
        }
        i += 1;
        let after = rest.get(i..)?.trim_start_matches(' ');
        let colon = i + (rest.len() - i - after.len());
        return (after.starts_with(':')
            && matches!(b.get(colon + 1), None | Some(b' ') | Some(b'\t')))
        .then_some(colon);
    }
    if matches!(b.first(), Some(b'[' | b'{' | b'#' | b'|' | b'>')) {
        return None;
    }
    while i < b.len() {
        if b[i] == b':' && matches!(b.get(i + 1), None | Some(b' ') | Some(b'\t')) {
            return Some(i);
        }
        if b[i] == b'#' && i > 0 && b[i - 1] == b' ' {
            return None;
        }
        i += 1;
    }
    None
}

/// Unquotes a key written at byte `pos`: returns the text and its span.
fn unquote_key(raw: &str, pos: usize) -> (String, usize, usize) {
    let t = raw.trim_end();
    let lead = raw.len() - raw.trim_start().len();
    let t = t.trim_start();
    let start = pos + lead;
    let end = start + t.len();
    let key = if t.len() >= 2
        && ((t.starts_with('"') && t.ends_with('"')) || (t.starts_with('\'') && t.ends_with('\'')))
    {
        t[1..t.len() - 1].replace("''", "'").replace("\\\"", "\"")
    } else {
        t.to_string()
    };
    (key, start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of<'a>(src: &'a str, n: &SNode) -> &'a str {
        &src[n.start..n.end]
    }

    #[test]
    fn block_and_flow() {
        let src = "# c\ndefaults:\n  groupId: G   # note\nhuntGroups:\n- serviceUserId: a@b\n  alias: [x, 'y']\n  agentUserId:\n    - u@b\n    - {userId: v@b, weight: 5}\n  name: |\n    long\n    text\n  policy: Regular\n";
        let root = scan(src).unwrap();
        let d = root.entry("defaults").unwrap();
        assert_eq!(text_of(src, &d.value.entry("groupId").unwrap().value), "G");
        let hg = &root.entry("huntGroups").unwrap().value;
        let g = hg.item(0).unwrap();
        assert_eq!(
            text_of(src, &g.entry("serviceUserId").unwrap().value),
            "a@b"
        );
        let alias = &g.entry("alias").unwrap().value;
        assert_eq!(text_of(src, alias.item(1).unwrap()), "'y'");
        let agents = &g.entry("agentUserId").unwrap().value;
        assert_eq!(text_of(src, agents.item(0).unwrap()), "u@b");
        let w = &agents.item(1).unwrap().entry("weight").unwrap().value;
        assert_eq!(text_of(src, w), "5");
        assert_eq!(text_of(src, &g.entry("policy").unwrap().value), "Regular");
    }
}
