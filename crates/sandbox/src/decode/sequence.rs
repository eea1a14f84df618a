//! The content model of a complex type: its children in schema order, each required,
//! optional or repeated, and nothing else. Decoders walk a [`Seq`] the way the schema's
//! `xs:sequence` reads, so an element out of order or unknown is reported where it stands.

use super::tree::Elem;
use super::types::{boolean, int, token};
use super::violation::V;

/// Walks the children of a complex-type element in schema order.
pub(super) struct Seq<'a> {
    path: String,
    kids: &'a [Elem],
    i: usize,
}

impl<'a> Seq<'a> {
    /// Starts before the first child of `e`, which stands at `path` (empty for the command
    /// itself). Element-only content holds no text.
    pub(super) fn new(e: &'a Elem, path: &str) -> Result<Self, V> {
        if !e.text.trim().is_empty() {
            return Err((
                name_or(path, &e.name),
                "text is not allowed in element-only content".into(),
            ));
        }
        Ok(Seq {
            path: path.to_string(),
            kids: &e.children,
            i: 0,
        })
    }
    /// The path of a child named `name`, for what is reported.
    pub(super) fn p(&self, name: &str) -> String {
        if self.path.is_empty() {
            name.to_string()
        } else {
            format!("{}/{name}", self.path)
        }
    }
    /// The next child when it is `name` (minOccurs 0).
    pub(super) fn opt(&mut self, name: &str) -> Option<&'a Elem> {
        match self.kids.get(self.i) {
            Some(k) if k.name == name => {
                self.i += 1;
                Some(k)
            }
            _ => None,
        }
    }
    /// The next child, which must be `name`.
    pub(super) fn req(&mut self, name: &str) -> Result<&'a Elem, V> {
        match self.kids.get(self.i) {
            Some(k) if k.name == name => {
                self.i += 1;
                Ok(k)
            }
            Some(k) => Err((
                self.p(name),
                format!("missing (found '{}' where '{name}' is expected)", k.name),
            )),
            None => Err((self.p(name), "missing required element".into())),
        }
    }
    /// Every next child named `name`, at most `max` of them when given (maxOccurs).
    pub(super) fn many(&mut self, name: &str, max: Option<usize>) -> Result<Vec<&'a Elem>, V> {
        let mut out = Vec::new();
        while let Some(k) = self.opt(name) {
            out.push(k);
        }
        if let Some(m) = max {
            if out.len() > m {
                return Err((
                    self.p(name),
                    format!("{} occurrences, at most {m} are allowed", out.len()),
                ));
            }
        }
        Ok(out)
    }
    /// Checks that no child is left (unknown, or out of order).
    pub(super) fn end(self) -> Result<(), V> {
        match self.kids.get(self.i) {
            Some(k) => Err((
                self.p(&k.name),
                "unexpected element (not allowed here or out of order)".into(),
            )),
            None => Ok(()),
        }
    }
}

/// Where a violation of `e` itself is reported: its path, or its name for the command.
fn name_or(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        path.to_string()
    }
}

/// The required child `name`: an `xs:token` of (min, max) characters.
pub(super) fn tok(s: &mut Seq<'_>, name: &str, (min, max): (usize, usize)) -> Result<String, V> {
    let e = s.req(name)?;
    token(e, &s.p(name), min, max)
}

/// The optional child `name`: an `xs:token` of (min, max) characters.
pub(super) fn opt_tok(
    s: &mut Seq<'_>,
    name: &str,
    (min, max): (usize, usize),
) -> Result<Option<String>, V> {
    match s.opt(name) {
        Some(e) => token(e, &s.p(name), min, max).map(Some),
        None => Ok(None),
    }
}

/// The required child `name`: an `xs:boolean`.
pub(super) fn req_bool(s: &mut Seq<'_>, name: &str) -> Result<bool, V> {
    let e = s.req(name)?;
    boolean(e, &s.p(name))
}

/// The optional child `name`: an `xs:int` in `min..=max`.
pub(super) fn opt_int(s: &mut Seq<'_>, name: &str, min: i64, max: i64) -> Result<Option<u32>, V> {
    match s.opt(name) {
        Some(e) => int(e, &s.p(name), min, max).map(|n| Some(n as u32)),
        None => Ok(None),
    }
}
