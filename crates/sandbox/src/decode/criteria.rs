//! The search criteria of the listing requests. Most listings check them against the schema
//! but do not model them (the sandbox lists everything whatever a client searches for); the
//! group forwarding settings list models them, from the values these return.

use super::sequence::{req_bool, tok, Seq};
use super::tree::Elem;
use super::types::{collapse, department, not_nil, simple_text, EXTERNAL_ID};
use super::violation::V;
use crate::messages::DepartmentKey;
use crate::svc::SearchMode;

/// `SearchMode`, the `mode` every string criterion starts with.
fn search_mode(s: &mut Seq<'_>) -> Result<SearchMode, V> {
    let mode_path = s.p("mode");
    let mode = collapse(simple_text(s.req("mode")?, &mode_path)?);
    SearchMode::ALL
        .iter()
        .find(|(_, v)| *v == mode)
        .map(|(m, _)| *m)
        .ok_or_else(|| {
            let all: Vec<&str> = SearchMode::ALL.iter().map(|(_, v)| *v).collect();
            (
                mode_path,
                format!(
                    "value '{mode}' is not one of the enumeration {}",
                    all.join(", ")
                ),
            )
        })
}

/// A string `SearchCriteria*` element: mode, value (a token of `value_len`), isCaseInsensitive.
fn search_criterion(
    e: &Elem,
    path: &str,
    value_len: (usize, usize),
) -> Result<(SearchMode, String, bool), V> {
    not_nil(e, path)?;
    let mut s = Seq::new(e, path)?;
    let mode = search_mode(&mut s)?;
    let value = tok(&mut s, "value", value_len)?;
    let case_insensitive = req_bool(&mut s, "isCaseInsensitive")?;
    s.end()?;
    Ok((mode, value, case_insensitive))
}

/// Every `name` element at this point of the sequence, each a string search criterion:
/// (mode, value, isCaseInsensitive).
pub(super) fn criteria_values(
    s: &mut Seq<'_>,
    name: &str,
    value_len: (usize, usize),
) -> Result<Vec<(SearchMode, String, bool)>, V> {
    s.many(name, None)?
        .into_iter()
        .map(|el| search_criterion(el, &s.p(name), value_len))
        .collect()
}

/// [`criteria_values`] for a listing that does not model them.
pub(super) fn criteria(s: &mut Seq<'_>, name: &str, value_len: (usize, usize)) -> Result<(), V> {
    criteria_values(s, name, value_len).map(|_| ())
}

/// Every `searchCriteriaUserExternalId` at this point: `SearchCriteriaUserExternalId` has mode
/// and value but, unlike the other string criteria, no isCaseInsensitive.
pub(super) fn external_id_criteria(s: &mut Seq<'_>) -> Result<(), V> {
    for el in s.many("searchCriteriaUserExternalId", None)? {
        let path = s.p("searchCriteriaUserExternalId");
        not_nil(el, &path)?;
        let mut x = Seq::new(el, &path)?;
        search_mode(&mut x)?;
        tok(&mut x, "value", EXTERNAL_ID)?;
        x.end()?;
    }
    Ok(())
}

/// An optional one-element search criterion holding a single required child, read by
/// `read`.
pub(super) fn exact_criterion<T>(
    s: &mut Seq<'_>,
    name: &str,
    read: impl Fn(&mut Seq<'_>) -> Result<T, V>,
) -> Result<Option<T>, V> {
    let Some(el) = s.opt(name) else {
        return Ok(None);
    };
    let path = s.p(name);
    not_nil(el, &path)?;
    let mut inner = Seq::new(el, &path)?;
    let v = read(&mut inner)?;
    inner.end()?;
    Ok(Some(v))
}

/// The child of `searchCriteriaExactUserDepartment`: one department key.
pub(super) fn exact_department(s: &mut Seq<'_>) -> Result<DepartmentKey, V> {
    let path = s.p("departmentKey");
    department(s.req("departmentKey")?, &path)
}
