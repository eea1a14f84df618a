//! The schema's types as the sandbox checks them: simple types with their facets (lengths,
//! ranges, enumerations, whitespace collapsing, where `xsi:nil` may stand) and the abstract
//! `DepartmentKey`. Each check names the element's path in what it reports.

use super::sequence::{tok, Seq};
use super::tree::Elem;
use super::violation::{quoted, V};
use crate::messages::DepartmentKey;
use crate::model::Policy;

/// Collapses whitespace the way `xs:token` does.
pub(crate) fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// True when the element carries `xsi:nil="true"`; nil elements must be empty.
pub(super) fn is_nil(e: &Elem, path: &str) -> Result<bool, V> {
    match e.xsi_attr("nil").map(str::trim) {
        Some("true") | Some("1") => {
            if !e.children.is_empty() || !e.text.trim().is_empty() {
                return Err((path.into(), "an element with xsi:nil must be empty".into()));
            }
            Ok(true)
        }
        Some("false") | Some("0") | None => Ok(false),
        Some(o) => Err((path.into(), format!("xsi:nil value '{o}' is not a boolean"))),
    }
}

/// Refuses `xsi:nil` on an element the schema does not make nillable.
pub(super) fn not_nil(e: &Elem, path: &str) -> Result<(), V> {
    if is_nil(e, path)? {
        return Err((path.into(), "element is not nillable".into()));
    }
    Ok(())
}

/// The text of a simple-typed element (not nil, no child elements), as sent.
pub(super) fn simple_text<'a>(e: &'a Elem, path: &str) -> Result<&'a str, V> {
    not_nil(e, path)?;
    if !e.children.is_empty() {
        return Err((
            path.into(),
            format!(
                "child element '{}' not allowed in a simple value",
                e.children[0].name
            ),
        ));
    }
    Ok(&e.text)
}

/// An `xs:token` restricted to `min..=max` characters.
pub(super) fn token(e: &Elem, path: &str, min: usize, max: usize) -> Result<String, V> {
    let s = collapse(simple_text(e, path)?);
    let n = s.chars().count();
    if n < min {
        return Err((
            path.into(),
            format!("{} is shorter than the minimum length {min}", quoted(e, &s)),
        ));
    }
    if n > max {
        return Err((
            path.into(),
            format!(
                "{} is {n} characters, longer than the maximum length {max}",
                quoted(e, &s)
            ),
        ));
    }
    Ok(s)
}

/// An `xs:string` with at least `min` characters (kept as sent).
pub(super) fn string(e: &Elem, path: &str, min: usize) -> Result<String, V> {
    let s = simple_text(e, path)?.to_string();
    if s.chars().count() < min {
        return Err((
            path.into(),
            format!("value is shorter than the minimum length {min}"),
        ));
    }
    Ok(s)
}

/// An `xs:boolean`: `true`, `false`, `1` or `0`.
pub(super) fn boolean(e: &Elem, path: &str) -> Result<bool, V> {
    match simple_text(e, path)?.trim() {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        o => Err((path.into(), format!("value '{o}' is not a valid boolean"))),
    }
}

/// An `xs:int` in `min..=max`.
pub(super) fn int(e: &Elem, path: &str, min: i64, max: i64) -> Result<i64, V> {
    let s = simple_text(e, path)?.trim();
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    let n: i64 = if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
        s.parse()
            .map_err(|_| (path.to_string(), format!("value '{s}' is out of range")))?
    } else {
        return Err((path.into(), format!("value '{s}' is not a valid integer")));
    };
    if n < min {
        return Err((
            path.into(),
            format!("value '{n}' is less than the minimum {min}"),
        ));
    }
    if n > max {
        return Err((
            path.into(),
            format!("value '{n}' is greater than the maximum {max}"),
        ));
    }
    Ok(n)
}

/// A `HuntPolicy` enumeration value.
pub(super) fn policy(e: &Elem, path: &str) -> Result<Policy, V> {
    let s = collapse(simple_text(e, path)?);
    Policy::ALL
        .into_iter()
        .find(|p| p.as_str() == s)
        .ok_or_else(|| {
            (
                path.to_string(),
                format!(
                    "value '{s}' is not one of the enumeration Circular, Regular, Simultaneous, Uniform, Weighted"
                ),
            )
        })
}

// Simple types of the schema used here, as (min, max) character lengths.
pub(super) const USER_ID: (usize, usize) = (1, 161);
pub(super) const SP_ID: (usize, usize) = (1, 30);
pub(super) const GROUP_ID: (usize, usize) = (1, 30);
pub(super) const NAME30: (usize, usize) = (1, 30);
pub(super) const DN: (usize, usize) = (1, 23);
pub(super) const EXTENSION: (usize, usize) = (2, 20);
pub(super) const PASSWORD: (usize, usize) = (1, 60);
pub(super) const LANGUAGE: (usize, usize) = (1, 40);
pub(super) const TIME_ZONE: (usize, usize) = (1, 127);
pub(super) const SIP_URI: (usize, usize) = (1, 161);
pub(super) const OUTGOING_DN: (usize, usize) = (1, 30);
pub(super) const OUTGOING_DN_OR_URI: (usize, usize) = (1, 161);
pub(super) const NCOS: (usize, usize) = (1, 40);
pub(super) const DEPARTMENT_NAME: (usize, usize) = (1, 50);
pub(super) const GROUP_NAME: (usize, usize) = (1, 80);

// Value lengths of the search criteria the user listings accept.
pub(super) const LAST_NAME: (usize, usize) = (1, 30);
pub(super) const FIRST_NAME: (usize, usize) = (1, 30);
pub(super) const EMAIL: (usize, usize) = (1, 80);
pub(super) const EXTERNAL_ID: (usize, usize) = (1, 36);
pub(super) const PERSON_ID: (usize, usize) = (1, 82);
pub(super) const SEARCH_EXTENSION: (usize, usize) = (1, 20);

/// A `DepartmentKey`: abstract, so `xsi:type` says which it is (a group's department, or
/// an enterprise department without groupId).
pub(super) fn department(e: &Elem, path: &str) -> Result<DepartmentKey, V> {
    let ty = e
        .xsi_attr("type")
        .map(|t| t.rsplit(':').next().unwrap_or(t));
    let enterprise = match ty {
        Some("GroupDepartmentKey") => false,
        Some("EnterpriseDepartmentKey") => true,
        Some(o) => {
            return Err((
                path.into(),
                format!("Invalid xsi:type qname: '{o}' for DepartmentKey"),
            ))
        }
        None => {
            return Err((
                path.into(),
                "DepartmentKey is abstract: xsi:type is required".into(),
            ))
        }
    };
    let mut s = Seq::new(e, path)?;
    let service_provider_id = tok(&mut s, "serviceProviderId", SP_ID)?;
    let group_id = if enterprise {
        None
    } else {
        Some(tok(&mut s, "groupId", GROUP_ID)?)
    };
    let name = tok(&mut s, "name", DEPARTMENT_NAME)?;
    s.end()?;
    Ok(DepartmentKey {
        service_provider_id,
        group_id,
        name,
    })
}
