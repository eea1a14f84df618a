//! Client direction of the codec, part 1: requests → XML, elements in the schema's order.
//!
//! Every element sequence below mirrors the R25 XSD `xs:sequence` of its type; the schema
//! validator rejects any other order, so the order here is not a style choice.

use super::messages::{AddInstance, Change, DepartmentKey, ModifyInstance, Request};
use super::xml::{write_document, XmlOut};
use crate::model::table::{self, Carrier, FieldDef, Ty, Value, ValueRef, PROFILE};
use crate::model::{Field, HuntGroup};

/// Encodes one request as a `<command xsi:type="…" xmlns="">…</command>` element.
pub fn encode_request(r: &Request) -> String {
    let mut x = XmlOut::new();
    let attrs = format!("xsi:type=\"{}\" xmlns=\"\"", r.type_name());
    x.open_with("command", &attrs);
    match r {
        Request::Authentication { user_id } => {
            x.text("userId", user_id);
        }
        Request::Login14sp4 {
            user_id,
            signed_password,
        } => {
            x.text("userId", user_id)
                .text("signedPassword", signed_password.expose());
        }
        Request::Login22V5 { user_id, password } => {
            x.text("userId", user_id)
                .text("password", password.expose());
        }
        Request::Logout { user_id, reason } => {
            x.text("userId", user_id).opt("reason", reason.as_deref());
        }
        Request::GetInstanceList {
            service_provider_id,
            group_id,
        } => {
            x.text("serviceProviderId", service_provider_id)
                .text("groupId", group_id);
        }
        Request::GroupList {
            service_provider_id,
        } => {
            x.text("serviceProviderId", service_provider_id);
        }
        Request::AvailableUsers {
            service_provider_id,
            group_id,
        }
        | Request::AvailableDns {
            service_provider_id,
            group_id,
        } => {
            x.text("serviceProviderId", service_provider_id)
                .text("groupId", group_id);
        }
        Request::UsersInGroup {
            service_provider_id,
            group_id,
        } => {
            // Not a typo: R25's UserGetListInGroupRequest names this element `GroupId`.
            x.text("serviceProviderId", service_provider_id)
                .text("GroupId", group_id);
        }
        Request::GetInstance { service_user_id } | Request::DeleteInstance { service_user_id } => {
            x.text("serviceUserId", service_user_id);
        }
        Request::AddInstance(a) => add_instance(&mut x, a),
        Request::ModifyInstance(m) => modify_instance(&mut x, m),
        Request::ModifyWeights {
            service_user_id,
            weights,
        } => {
            x.text("serviceUserId", service_user_id);
            for (agent, weight) in weights {
                x.open("agentWeight")
                    .text("agentUserId", agent)
                    .number("weight", weight)
                    .close("agentWeight");
            }
        }
        Request::ModifyActiveList { activations } => {
            for (id, active) in activations {
                x.open("serviceActivation")
                    .text("serviceUserId", id)
                    .boolean("isActive", *active)
                    .close("serviceActivation");
            }
        }
        Request::DepartmentList {
            service_provider_id,
            group_id,
            include_enterprise,
        } => {
            x.text("serviceProviderId", service_provider_id)
                .text("groupId", group_id)
                .boolean("includeEnterpriseDepartments", *include_enterprise);
        }
        Request::Service(s) => super::encode_services::encode_service_request(&mut x, s),
    }
    x.close("command");
    x.into_string()
}

/// A whole BroadsoftDocument (ISO-8859-1 bytes, character references beyond it) for a batch.
pub fn request_document(session_id: &str, requests: &[Request]) -> Vec<u8> {
    let commands: Vec<String> = requests.iter().map(encode_request).collect();
    write_document(session_id, &commands)
}

/// Opens or closes `serviceInstanceProfile` as the table's rows move in and out of it.
struct Profile {
    open: bool,
}

impl Profile {
    fn enter(&mut self, x: &mut XmlOut, d: &FieldDef) {
        if d.in_profile() && !self.open {
            x.open(PROFILE);
            self.open = true;
        } else if !d.in_profile() && self.open {
            self.close(x);
        }
    }
    fn close(&mut self, x: &mut XmlOut) {
        if self.open {
            x.close(PROFILE);
            self.open = false;
        }
    }
}

fn add_instance(x: &mut XmlOut, a: &AddInstance) {
    let h = &a.hunt_group;
    for d in table::fields().filter(|d| d.carrier == Carrier::Identity) {
        if let Field::Value(v) = d.get(h) {
            add_value(x, h, d, v);
        }
    }
    let mut profile = Profile { open: false };
    for d in table::settings() {
        profile.enter(x, d);
        // Unmanaged optional fields are left out; a required one always has a value.
        if let Field::Value(v) = d.get(h) {
            add_value(x, h, d, v);
        }
    }
    profile.close(x);
}

fn add_value(x: &mut XmlOut, h: &HuntGroup, d: &FieldDef, v: ValueRef<'_>) {
    match v {
        // alias{0,3}: callers validate earlier; the encoder never truncates.
        ValueRef::Aliases(list) => {
            for a in list {
                x.text(d.key(), a);
            }
        }
        ValueRef::Agents(list) => {
            for a in list {
                x.text(d.key(), &a.user_id);
            }
        }
        ValueRef::Password(p) => {
            x.text(d.key(), p.expose());
        }
        ValueRef::Department(dep) => DepartmentKey::of(h, dep).write_xml(x, d.key()),
        other => {
            if let Some(t) = other.scalar_text() {
                x.text(d.key(), &t);
            }
        }
    }
}

fn modify_instance(x: &mut XmlOut, m: &ModifyInstance) {
    x.text("serviceUserId", &m.service_user_id);
    let mut profile = Profile { open: false };
    for d in table::settings() {
        let Some(c) = m.get(d) else { continue };
        profile.enter(x, d);
        modify_value(x, m, d, c);
    }
    profile.close(x);
}

fn modify_value(x: &mut XmlOut, m: &ModifyInstance, d: &FieldDef, c: &Change<Value>) {
    let name = d.modify_key();
    // The replacement lists' item elements (ReplacementSIPAliasList, ReplacementUserIdList).
    let item = match d.ty {
        Ty::Aliases { .. } => "sipAlias",
        _ => "userId",
    };
    match c {
        Change::Keep => {}
        Change::Clear if d.ty == Ty::Department => {
            // Even a nil element of an abstract type must name a concrete type to be valid.
            x.raw(&format!(
                "<{name} xsi:type=\"GroupDepartmentKey\" xsi:nil=\"true\"/>"
            ));
        }
        // The replacement list types require at least one item: "none" can only be nil.
        Change::Clear => {
            x.nil(name);
        }
        Change::Set(Value::Aliases(v)) if v.is_empty() => {
            x.nil(name);
        }
        Change::Set(Value::Agents(v)) if v.is_empty() => {
            x.nil(name);
        }
        Change::Set(Value::Aliases(v)) => {
            x.open(name);
            for i in v {
                x.text(item, i);
            }
            x.close(name);
        }
        Change::Set(Value::Agents(v)) => {
            x.open(name);
            for a in v {
                x.text(item, &a.user_id);
            }
            x.close(name);
        }
        Change::Set(Value::Password(p)) => {
            x.text(name, p.expose());
        }
        Change::Set(Value::Department(dep)) => {
            let key = DepartmentKey {
                service_provider_id: m.service_provider_id.clone(),
                group_id: (!dep.enterprise).then(|| m.group_id.clone()),
                name: dep.name.clone(),
            };
            key.write_xml(x, name);
        }
        Change::Set(v) => {
            if let Some(t) = v.as_ref().scalar_text() {
                x.text(name, &t);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Secret;

    #[test]
    fn modify_uses_nil_and_keeps_order() {
        let set = |path: &str, change| crate::ocip::messages::Setting {
            field: table::by_path(path).unwrap(),
            change,
        };
        let m = ModifyInstance {
            service_user_id: "hg@x.com".into(),
            // Listed out of order on purpose: the encoder writes table order.
            settings: vec![
                set(
                    "agentUserId",
                    Change::Set(Value::Agents(vec![
                        crate::model::Agent::new("a@x.com"),
                        crate::model::Agent::new("b@x.com"),
                    ])),
                ),
                set(
                    "serviceInstanceProfile.alias",
                    Change::Set(Value::Aliases(vec![])),
                ),
                set("serviceInstanceProfile.extension", Change::Clear),
                set("forwardToPhoneNumber", Change::Clear),
            ],
            ..Default::default()
        };
        let s = encode_request(&Request::ModifyInstance(Box::new(m)));
        assert!(s.contains("<extension xsi:nil=\"true\"/><sipAliasList xsi:nil=\"true\"/>"));
        let fwd = s.find("<forwardToPhoneNumber").unwrap();
        let list = s.find("<agentUserIdList><userId>a@x.com</userId>").unwrap();
        assert!(fwd < list);
        assert!(!s.contains("policy"));
    }

    #[test]
    fn text_is_escaped_and_hiragana_becomes_references() {
        let r = Request::Login22V5 {
            user_id: "a&<\"b\"".into(),
            password: Secret::new("p"),
        };
        let doc = request_document("sess", &[r]);
        let text = String::from_utf8(doc).unwrap();
        assert!(text.contains("<userId>a&amp;&lt;&quot;b&quot;</userId>"));
        let g = Request::GetInstance {
            service_user_id: "せーるす@x.com".into(),
        };
        let doc = request_document("s", &[g]);
        assert!(String::from_utf8_lossy(&doc).contains("&#12379;"));
    }
}
