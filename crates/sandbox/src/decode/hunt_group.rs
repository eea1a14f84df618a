//! The hunt group commands: Add20 and Modify read by the element tables, and the commands
//! that name a hunt group (Get20, Delete, weights, the active list).

use super::elements::Occurs::{Never, Nillable, One};
use super::elements::{Element, Rule, INSTANCE_ELEMENTS, PROFILE_ELEMENTS};
use super::sequence::{req_bool, tok, Seq};
use super::tree::Elem;
use super::types::{
    boolean, department, int, is_nil, not_nil, policy, token, GROUP_ID, PASSWORD, SIP_URI, SP_ID,
    USER_ID,
};
use super::violation::V;
use crate::messages::{AddInstance, Change, DepartmentKey, ModifyInstance, Request, Setting};
use crate::model::table::{self, Value};
use crate::model::{Agent, Field, HuntGroup, Secret};

/// The one `serviceUserId` of Get20 and Delete.
pub(super) fn one_user_id(e: &Elem) -> Result<String, V> {
    let mut s = Seq::new(e, "")?;
    let id = tok(&mut s, "serviceUserId", USER_ID)?;
    s.end()?;
    Ok(id)
}

/// The model's row for an element the sandbox read: its storage comes from the model.
fn row(el: &Element, in_profile: bool, path: &str) -> Result<&'static table::FieldDef, V> {
    table::by_element(el.name, in_profile).ok_or_else(|| {
        (
            path.to_string(),
            "this element is not kept by the sandbox".into(),
        )
    })
}

/// Reads one element's value by the sandbox's rule; `key` receives a department key as sent.
fn read_value(
    s: &mut Seq<'_>,
    el: &Element,
    name: &str,
    modify: bool,
    key: &mut Option<DepartmentKey>,
) -> Result<Option<Change<Value>>, V> {
    let path = s.p(name);
    match el.rule {
        Rule::Aliases if !modify => {
            let mut v = Vec::new();
            for a in s.many(name, Some(3))? {
                v.push(token(a, &path, SIP_URI.0, SIP_URI.1)?);
            }
            return Ok(Some(Change::Set(Value::Aliases(v))));
        }
        Rule::Agents if !modify => {
            let mut v = Vec::new();
            for a in s.many(name, None)? {
                v.push(Agent::new(token(a, &path, USER_ID.0, USER_ID.1)?));
            }
            return Ok(Some(Change::Set(Value::Agents(v))));
        }
        _ => {}
    }
    let e = if !modify && el.add == One {
        s.req(name)?
    } else {
        match s.opt(name) {
            Some(e) => e,
            None => return Ok(None),
        }
    };
    let nillable = if modify { el.modify } else { el.add } == Nillable;
    if nillable && is_nil(e, &path)? {
        return Ok(Some(Change::Clear));
    }
    not_nil(e, &path)?;
    let v = match el.rule {
        Rule::Token((min, max)) | Rule::ReadOnly((min, max)) => {
            Value::Text(token(e, &path, min, max)?)
        }
        Rule::Password => Value::Password(Secret::new(token(e, &path, PASSWORD.0, PASSWORD.1)?)),
        Rule::Bool => Value::Bool(boolean(e, &path)?),
        Rule::Int(min, max) => Value::Int(int(e, &path, min, max)? as u32),
        Rule::Policy => Value::Policy(policy(e, &path)?),
        Rule::Department => {
            let k = department(e, &path)?;
            let d = k.department();
            *key = Some(k);
            Value::Department(d)
        }
        Rule::Aliases | Rule::Agents => {
            let (item, (min, max), most) = match el.rule {
                Rule::Aliases => ("sipAlias", SIP_URI, Some(3)),
                _ => ("userId", USER_ID, None),
            };
            let mut ls = Seq::new(e, &path)?;
            let items = ls.many(item, most)?;
            if items.is_empty() {
                return Err((format!("{path}/{item}"), "missing required element".into()));
            }
            let mut v = Vec::new();
            for a in items {
                v.push(token(a, &format!("{path}/{item}"), min, max)?);
            }
            ls.end()?;
            match el.rule {
                Rule::Aliases => Value::Aliases(v),
                _ => Value::Agents(v.into_iter().map(Agent::new).collect()),
            }
        }
    };
    Ok(Some(Change::Set(v)))
}

/// Walks one sequence (the profile's or the instance's) of an Add or a Modify.
fn read_sequence(
    s: &mut Seq<'_>,
    elements: &[Element],
    in_profile: bool,
    modify: bool,
    key: &mut Option<DepartmentKey>,
    out: &mut Vec<(&'static table::FieldDef, Change<Value>)>,
) -> Result<(), V> {
    for el in elements {
        let occurs = if modify { el.modify } else { el.add };
        if occurs == Never {
            continue;
        }
        let name = if modify {
            el.modify_name.unwrap_or(el.name)
        } else {
            el.name
        };
        if let Some(c) = read_value(s, el, name, modify, key)? {
            out.push((row(el, in_profile, &s.p(name))?, c));
        }
    }
    Ok(())
}

/// `GroupHuntGroupAddInstanceRequest20`: where the hunt group goes, then its profile and
/// instance by the element tables.
pub(super) fn decode_add(e: &Elem) -> Result<Request, V> {
    let mut s = Seq::new(e, "")?;
    let service_provider_id = tok(&mut s, "serviceProviderId", SP_ID)?;
    let group_id = tok(&mut s, "groupId", GROUP_ID)?;
    let service_user_id = tok(&mut s, "serviceUserId", USER_ID)?;
    let mut read = Vec::new();
    let mut department_key = None;
    {
        let path = "serviceInstanceProfile";
        let p = s.req(path)?;
        not_nil(p, path)?;
        let mut ps = Seq::new(p, path)?;
        read_sequence(
            &mut ps,
            PROFILE_ELEMENTS,
            true,
            false,
            &mut department_key,
            &mut read,
        )?;
        ps.end()?;
    }
    read_sequence(
        &mut s,
        INSTANCE_ELEMENTS,
        false,
        false,
        &mut department_key,
        &mut read,
    )?;
    s.end()?;
    // Optional elements left out are absent on the server, not "unchanged".
    let mut h = HuntGroup::with_defaults(service_provider_id, group_id, service_user_id);
    for d in table::settings() {
        let _ = d.set(&mut h, Field::Absent);
    }
    for (d, c) in read {
        if let Change::Set(v) = c {
            d.set(&mut h, Field::Value(v))
                .map_err(|e| (d.key().to_string(), e.to_string()))?;
        }
    }
    Ok(Request::AddInstance(Box::new(AddInstance {
        hunt_group: h,
        department_key,
    })))
}

/// `GroupHuntGroupModifyInstanceRequest`: every element optional, nillable ones cleared by
/// `xsi:nil`.
pub(super) fn decode_modify(e: &Elem) -> Result<Request, V> {
    let mut s = Seq::new(e, "")?;
    let service_user_id = tok(&mut s, "serviceUserId", USER_ID)?;
    let mut read = Vec::new();
    let mut department_key = None;
    if let Some(p) = s.opt("serviceInstanceProfile") {
        let path = "serviceInstanceProfile";
        not_nil(p, path)?;
        let mut ps = Seq::new(p, path)?;
        read_sequence(
            &mut ps,
            PROFILE_ELEMENTS,
            true,
            true,
            &mut department_key,
            &mut read,
        )?;
        ps.end()?;
    }
    read_sequence(
        &mut s,
        INSTANCE_ELEMENTS,
        false,
        true,
        &mut department_key,
        &mut read,
    )?;
    s.end()?;
    Ok(Request::ModifyInstance(Box::new(ModifyInstance {
        service_user_id,
        settings: read
            .into_iter()
            .map(|(field, change)| Setting { field, change })
            .collect(),
        department_key,
        ..ModifyInstance::default()
    })))
}

/// `GroupHuntGroupModifyInstanceWeightedCallDistributionRequest`: `agentWeight*`, each an
/// agent and its weight (0 to 100).
pub(super) fn decode_weights(e: &Elem) -> Result<Request, V> {
    let mut s = Seq::new(e, "")?;
    let service_user_id = tok(&mut s, "serviceUserId", USER_ID)?;
    let mut weights = Vec::new();
    for w in s.many("agentWeight", None)? {
        not_nil(w, "agentWeight")?;
        let mut ws = Seq::new(w, "agentWeight")?;
        let id = tok(&mut ws, "agentUserId", USER_ID)?;
        let we = ws.req("weight")?;
        let n = int(we, "agentWeight/weight", 0, 100)?;
        ws.end()?;
        weights.push((id, n as u8));
    }
    s.end()?;
    Ok(Request::ModifyWeights {
        service_user_id,
        weights,
    })
}

/// `GroupHuntGroupModifyActiveInstanceListRequest`: `serviceActivation*`, each a
/// `ServiceActivation` (serviceUserId, isActive), none of them nillable.
pub(super) fn decode_active_list(e: &Elem) -> Result<Request, V> {
    let mut s = Seq::new(e, "")?;
    let mut activations = Vec::new();
    for a in s.many("serviceActivation", None)? {
        let path = s.p("serviceActivation");
        not_nil(a, &path)?;
        let mut x = Seq::new(a, &path)?;
        let id = tok(&mut x, "serviceUserId", USER_ID)?;
        let active = req_bool(&mut x, "isActive")?;
        x.end()?;
        activations.push((id, active));
    }
    s.end()?;
    Ok(Request::ModifyActiveList { activations })
}
