//! Checks an element tree against the [`Schema`] as an XSD validator does: `xsi:nil` only on
//! nillable elements, `xsi:type` naming a type derived from the declared one and required for
//! abstract types, children matching the content model (order, minOccurs, maxOccurs, nothing
//! unknown), no text in element-only content, and simple values by their built-in type and
//! every restriction's facets. The first broken rule is reported with the element's path.

use super::{schema, Complex, ElementDecl, Facets, Particle, Schema, Simple, Type, TypeRef};
use crate::decode::{collapse, quoted, Elem, V};
use regex_automata::meta::Regex;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// The core type of `<command>`: the envelope check leaves commands to [`check_command`].
const COMMAND_TYPE: &str = "C:OCICommand";

/// Checks a request document's envelope (`BroadsoftDocument` and everything but the content
/// of its commands, which [`check_command`] checks one by one).
pub(crate) fn check_document(root: &Elem) -> Result<(), V> {
    let s = schema();
    let decl = s.document().ok_or_else(|| {
        (
            "BroadsoftDocument".to_string(),
            unknown("BroadsoftDocument"),
        )
    })?;
    Checker { s, envelope: true }.element(root, decl, "BroadsoftDocument")
}

/// Checks one `<command>` element: not nil, its `xsi:type` a concrete command type, and its
/// content as that type says. Paths inside are relative to the command.
pub(crate) fn check_command(cmd: &Elem) -> Result<(), V> {
    let s = schema();
    let decl = s
        .command_decl()
        .ok_or_else(|| ("command".to_string(), unknown(COMMAND_TYPE)))?;
    Checker { s, envelope: false }.element(cmd, decl, "")
}

fn unknown(key: &str) -> String {
    format!("type '{key}' is not in the schema files the sandbox embeds")
}

struct Checker<'s> {
    s: &'s Schema,
    /// Checking the envelope: stop at commands.
    envelope: bool,
}

/// `path/name`, or `name` at the top.
fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}/{name}")
    }
}

/// Where a violation of the element at `path` itself is reported (`command` at the top).
fn here(path: &str, e: &Elem) -> String {
    if path.is_empty() {
        e.name.clone()
    } else {
        path.to_string()
    }
}

fn xs_bool(v: &str) -> Option<bool> {
    match v.trim() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

impl Checker<'_> {
    fn element(&self, e: &Elem, decl: &ElementDecl, path: &str) -> Result<(), V> {
        // Each command, its xsi:nil included, is checked on its own: a broken command fails
        // alone, the document's other commands are still carried out.
        if self.envelope && matches!(&decl.ty, TypeRef::Named(k) if k == COMMAND_TYPE) {
            return Ok(());
        }
        let at = here(path, e);
        let nil = match e.xsi_attr("nil") {
            None => false,
            Some(v) => xs_bool(v)
                .ok_or_else(|| (at.clone(), format!("xsi:nil value '{v}' is not a boolean")))?,
        };
        if nil {
            if !decl.nillable {
                return Err((at, "element is not nillable".into()));
            }
            if !e.children.is_empty() || !e.text.is_empty() {
                return Err((at, "an element with xsi:nil must be empty".into()));
            }
        }
        let owned;
        let ty: &TypeRef = match e.xsi_attr("type") {
            Some(v) => {
                let k = self
                    .s
                    .key_of_xsi_type(v)
                    .ok_or_else(|| (at.clone(), format!("Invalid xsi:type qname: '{v}'")))?;
                if let TypeRef::Named(declared) = &decl.ty {
                    if !self.s.derives_from(&k, declared) {
                        return Err((
                            at,
                            format!("xsi:type '{v}' is not derived from the element's type"),
                        ));
                    }
                }
                owned = TypeRef::Named(k);
                &owned
            }
            None => &decl.ty,
        };
        if nil {
            return Ok(());
        }
        self.typed(e, ty, path)
    }

    fn typed(&self, e: &Elem, ty: &TypeRef, path: &str) -> Result<(), V> {
        let at = here(path, e);
        match ty {
            TypeRef::Builtin(_) => self.simple_value(e, ty, path),
            TypeRef::Anonymous(t) => match t.as_ref() {
                Type::Complex(c) => self.complex(e, c, None, path),
                Type::Simple(_) => self.simple_value(e, ty, path),
            },
            TypeRef::Named(k) => match self.s.get(k) {
                Some(Type::Complex(c)) => {
                    if c.is_abstract {
                        return Err((
                            at,
                            format!(
                                "type '{}' is abstract: xsi:type must name a type derived from it",
                                k.trim_start_matches("C:")
                            ),
                        ));
                    }
                    self.complex(e, c, Some(k), path)
                }
                Some(Type::Simple(_)) => self.simple_value(e, ty, path),
                None => Err((at, unknown(k))),
            },
        }
    }

    fn complex(&self, e: &Elem, c: &Complex, key: Option<&str>, path: &str) -> Result<(), V> {
        if let Some(t) = &c.simple_content {
            return self.simple_value(e, t, path);
        }
        if !e.text.trim().is_empty() {
            return Err((
                here(path, e),
                "text is not allowed in element-only content".into(),
            ));
        }
        let particles: Vec<&Particle> = match key {
            Some(k) => self.s.content(k),
            None => c.particle.iter().collect(),
        };
        let mut i = 0;
        for p in particles {
            i = self.occurs(p, &e.children, i, path)?;
        }
        match e.children.get(i) {
            Some(k) => Err((
                join(path, &k.name),
                "unexpected element (not allowed here or out of order)".into(),
            )),
            None => Ok(()),
        }
    }

    /// Matches `p` as often as it occurs from child `i`; returns the index after it.
    fn occurs(&self, p: &Particle, kids: &[Elem], mut i: usize, path: &str) -> Result<usize, V> {
        let o = p.occurs();
        let mut n = 0u32;
        while o.max.is_none_or(|m| n < m) && kids.get(i).is_some_and(|k| starts(p, &k.name)) {
            let j = self.once(p, kids, i, path)?;
            if j == i {
                break;
            }
            i = j;
            n += 1;
        }
        if let (Particle::Element(d), Some(max)) = (p, o.max) {
            if n == max && kids.get(i).is_some_and(|k| k.name == d.name) {
                let more = kids[i..].iter().take_while(|k| k.name == d.name).count();
                return Err((
                    join(path, &d.name),
                    format!(
                        "{} occurrences, at most {max} are allowed",
                        n as usize + more
                    ),
                ));
            }
        }
        if n < o.min && !(n == 0 && emptiable(p)) {
            return Err(self.missing(p, kids.get(i), path));
        }
        Ok(i)
    }

    /// Matches one occurrence of `p` at child `i` (which `starts` it).
    fn once(&self, p: &Particle, kids: &[Elem], mut i: usize, path: &str) -> Result<usize, V> {
        match p {
            Particle::Element(d) => {
                self.element(&kids[i], d, &join(path, &d.name))?;
                Ok(i + 1)
            }
            Particle::Sequence(items, _) => {
                for it in items {
                    i = self.occurs(it, kids, i, path)?;
                }
                Ok(i)
            }
            Particle::Choice(items, _) => {
                let next = kids.get(i).map(|k| k.name.as_str());
                match items.iter().find(|a| next.is_some_and(|n| starts(a, n))) {
                    Some(a) => self.occurs(a, kids, i, path),
                    None if items.iter().any(emptiable) => Ok(i),
                    None => Err(self.missing(p, kids.get(i), path)),
                }
            }
        }
    }

    /// The violation of a required particle that is not there.
    fn missing(&self, p: &Particle, found: Option<&Elem>, path: &str) -> V {
        let names = first_names(p);
        let name = names.first().copied().unwrap_or("?");
        let expected = if names.len() > 1 {
            format!("one of {}", names.join(", "))
        } else {
            format!("'{name}'")
        };
        match found {
            Some(k) => (
                join(path, name),
                format!("missing (found '{}' where {expected} is expected)", k.name),
            ),
            None => (
                join(path, name),
                format!("missing required element ({expected} expected)"),
            ),
        }
    }

    /// A simple value: no child elements, then the type's lexical space and facets.
    fn simple_value(&self, e: &Elem, ty: &TypeRef, path: &str) -> Result<(), V> {
        let at = here(path, e);
        if let Some(k) = e.children.first() {
            return Err((
                at,
                format!("child element '{}' not allowed in a simple value", k.name),
            ));
        }
        // The restriction chain from the type up to its built-in.
        let mut steps: Vec<&Facets> = Vec::new();
        let mut cur = ty;
        let builtin = loop {
            let simple: &Simple = match cur {
                TypeRef::Builtin(b) => break b.as_str(),
                TypeRef::Anonymous(t) => match t.as_ref() {
                    Type::Simple(s) => s,
                    Type::Complex(_) => return Err((at, "complex type used as a value".into())),
                },
                TypeRef::Named(k) => match self.s.get(k) {
                    Some(Type::Simple(s)) => s,
                    Some(Type::Complex(c)) => match &c.simple_content {
                        Some(t) => {
                            cur = t;
                            continue;
                        }
                        None => return Err((at, "complex type used as a value".into())),
                    },
                    None => return Err((at, unknown(k))),
                },
            };
            steps.push(&simple.facets);
            cur = &simple.base;
        };
        let ws = steps
            .iter()
            .find_map(|f| f.white_space.as_deref())
            .unwrap_or(match builtin {
                "string" => "preserve",
                "normalizedString" => "replace",
                _ => "collapse",
            });
        let v = match ws {
            "preserve" => e.text.clone(),
            "replace" => e.text.replace(['\t', '\n', '\r'], " "),
            _ => collapse(&e.text),
        };
        lexical(builtin, &v).map_err(|m| (at.clone(), format!("{} {m}", quoted(e, &v))))?;
        for f in steps {
            facets(f, builtin, &v).map_err(|m| (at.clone(), format!("{} {m}", quoted(e, &v))))?;
        }
        Ok(())
    }
}

/// Whether `p` can begin with an element named `name`.
fn starts(p: &Particle, name: &str) -> bool {
    first_names(p).contains(&name)
}

/// The element names `p` can begin with.
fn first_names(p: &Particle) -> Vec<&str> {
    let mut out = Vec::new();
    collect_first(p, &mut out);
    out
}

fn collect_first<'a>(p: &'a Particle, out: &mut Vec<&'a str>) {
    match p {
        Particle::Element(d) => out.push(&d.name),
        Particle::Choice(items, _) => items.iter().for_each(|a| collect_first(a, out)),
        Particle::Sequence(items, _) => {
            for it in items {
                collect_first(it, out);
                if !emptiable(it) {
                    break;
                }
            }
        }
    }
}

/// Whether `p` may match no element at all.
fn emptiable(p: &Particle) -> bool {
    if p.occurs().min == 0 {
        return true;
    }
    match p {
        Particle::Element(_) => false,
        Particle::Sequence(items, _) => items.iter().all(emptiable),
        Particle::Choice(items, _) => items.iter().any(emptiable),
    }
}

/// The lexical space of the built-in types R25 uses.
fn lexical(builtin: &str, v: &str) -> Result<(), String> {
    let int_range = |min: i128, max: i128| -> Result<(), String> {
        let digits = v.strip_prefix(['+', '-']).unwrap_or(v);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("is not a valid {builtin}"));
        }
        match v.parse::<i128>() {
            Ok(n) if (min..=max).contains(&n) => Ok(()),
            _ => Err(format!("is out of the range of {builtin}")),
        }
    };
    let pattern = |re: &str| -> Result<(), String> {
        if full_match(re, v) {
            Ok(())
        } else {
            Err(format!("is not a valid {builtin}"))
        }
    };
    match builtin {
        "boolean" => xs_bool(v)
            .map(|_| ())
            .ok_or_else(|| "is not a valid boolean".to_string()),
        "int" => int_range(i32::MIN.into(), i32::MAX.into()),
        "long" => int_range(i64::MIN.into(), i64::MAX.into()),
        "short" => int_range(i16::MIN.into(), i16::MAX.into()),
        "integer" => int_range(i128::MIN, i128::MAX),
        "decimal" => pattern(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"),
        "float" | "double" => {
            pattern(r"(\+|-)?([0-9]+(\.[0-9]*)?|\.[0-9]+)([Ee](\+|-)?[0-9]+)?|(\+|-)?INF|NaN")
        }
        "date" => pattern(
            r"-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?",
        ),
        "dateTime" => pattern(
            r"-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|24:00:00(\.0+)?)(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?",
        ),
        "NMTOKEN" => pattern(r"[\p{L}\p{N}._:\-\p{M}]+"),
        _ => Ok(()),
    }
}

/// One restriction step's facets.
fn facets(f: &Facets, builtin: &str, v: &str) -> Result<(), String> {
    if !f.enumeration.is_empty() && !f.enumeration.iter().any(|x| x == v) {
        return Err(format!(
            "is not one of the enumeration {}",
            f.enumeration.join(", ")
        ));
    }
    let numeric = matches!(
        builtin,
        "int" | "long" | "short" | "integer" | "decimal" | "float" | "double"
    );
    if !numeric {
        let n = v.chars().count();
        if f.length.is_some_and(|l| n != l) {
            return Err(format!("has length {n}, not {}", f.length.unwrap_or(0)));
        }
        if let Some(m) = f.min_length.filter(|&m| n < m) {
            return Err(format!("is shorter than the minimum length {m}"));
        }
        if let Some(m) = f.max_length.filter(|&m| n > m) {
            return Err(format!(
                "is {n} characters, longer than the maximum length {m}"
            ));
        }
    }
    let num = |s: &str| s.trim().parse::<f64>().ok();
    if let (Some(min), Some(x)) = (f.min_inclusive.as_deref().and_then(num), num(v)) {
        if x < min {
            return Err(format!(
                "is less than the minimum {}",
                f.min_inclusive.as_deref().unwrap_or_default()
            ));
        }
    }
    if let (Some(max), Some(x)) = (f.max_inclusive.as_deref().and_then(num), num(v)) {
        if x > max {
            return Err(format!(
                "is greater than the maximum {}",
                f.max_inclusive.as_deref().unwrap_or_default()
            ));
        }
    }
    if !f.patterns.is_empty() && !f.patterns.iter().any(|p| full_match(p, v)) {
        return Err(format!(
            "does not match the pattern {}",
            f.patterns.join(" | ")
        ));
    }
    Ok(())
}

/// Whether `v` matches the XSD pattern `re` as a whole (XSD patterns are implicitly anchored).
/// R25's patterns are plain regular expressions; each is compiled once.
fn full_match(re: &str, v: &str) -> bool {
    static CACHE: OnceLock<Mutex<HashMap<String, Option<Regex>>>> = OnceLock::new();
    let mut cache = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let compiled = cache
        .entry(re.to_string())
        .or_insert_with(|| Regex::new(&format!("^(?:{re})$")).ok());
    // A pattern the engine cannot read is not enforced (none of R25's is such).
    compiled.as_ref().is_none_or(|r| r.is_match(v))
}
