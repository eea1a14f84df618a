//! The search criteria of the listing requests. They are checked against the schema but not
//! modelled: the sandbox lists everything whatever a client searches for.

use super::sequence::{req_bool, tok, Seq};
use super::tree::Elem;
use super::types::{collapse, department, not_nil, simple_text, EXTERNAL_ID};
use super::violation::V;

/// `SearchMode`, the `mode` every string criterion starts with.
fn search_mode(s: &mut Seq<'_>) -> Result<(), V> {
    let mode_path = s.p("mode");
    let mode = collapse(simple_text(s.req("mode")?, &mode_path)?);
    const MODES: [&str; 3] = ["Starts With", "Contains", "Equal To"];
    if !MODES.contains(&mode.as_str()) {
        return Err((
            mode_path,
            format!(
                "value '{mode}' is not one of the enumeration {}",
                MODES.join(", ")
            ),
        ));
    }
    Ok(())
}

/// A string `SearchCriteria*` element: mode, value (a token of `value_len`), isCaseInsensitive.
fn search_criterion(e: &Elem, path: &str, value_len: (usize, usize)) -> Result<(), V> {
    not_nil(e, path)?;
    let mut s = Seq::new(e, path)?;
    search_mode(&mut s)?;
    tok(&mut s, "value", value_len)?;
    req_bool(&mut s, "isCaseInsensitive")?;
    s.end()
}

/// Every `name` element at this point of the sequence, each a string search criterion.
pub(super) fn criteria(s: &mut Seq<'_>, name: &str, value_len: (usize, usize)) -> Result<(), V> {
    for el in s.many(name, None)? {
        search_criterion(el, &s.p(name), value_len)?;
    }
    Ok(())
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

/// An optional one-element search criterion holding a single required child.
pub(super) fn exact_criterion(
    s: &mut Seq<'_>,
    name: &str,
    check: impl Fn(&mut Seq<'_>) -> Result<(), V>,
) -> Result<(), V> {
    if let Some(el) = s.opt(name) {
        let path = s.p(name);
        not_nil(el, &path)?;
        let mut inner = Seq::new(el, &path)?;
        check(&mut inner)?;
        inner.end()?;
    }
    Ok(())
}

/// The child of `searchCriteriaExactUserDepartment`: one department key.
pub(super) fn exact_department(s: &mut Seq<'_>) -> Result<(), V> {
    let path = s.p("departmentKey");
    department(s.req("departmentKey")?, &path).map(|_| ())
}
