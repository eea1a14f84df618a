//! Client direction of the codec, part 1: requests → XML, elements in the schema's order.
//!
//! Every element sequence below mirrors the R25 XSD `xs:sequence` of its type; the schema
//! validator rejects any other order, so the order here is not a style choice.

use super::commands::{AddInstance, AddProfile, Change, DepartmentKey, ModifyInstance, Request};
use super::xml::{write_document, XmlOut};

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
    }
    x.close("command");
    x.into_string()
}

/// A whole BroadsoftDocument (ISO-8859-1 bytes, character references beyond it) for a batch.
pub fn request_document(session_id: &str, requests: &[Request]) -> Vec<u8> {
    let commands: Vec<String> = requests.iter().map(encode_request).collect();
    write_document(session_id, &commands)
}

fn department(x: &mut XmlOut, d: &DepartmentKey) {
    // DepartmentKey is abstract in the schema: the concrete type must be named.
    x.open_with("department", "xsi:type=\"GroupDepartmentKey\"")
        .text("serviceProviderId", &d.service_provider_id)
        .text("groupId", &d.group_id)
        .text("name", &d.name)
        .close("department");
}

fn add_profile(x: &mut XmlOut, p: &AddProfile) {
    x.open("serviceInstanceProfile")
        .text("name", &p.name)
        .text("callingLineIdLastName", &p.calling_line_id_last_name)
        .text("callingLineIdFirstName", &p.calling_line_id_first_name)
        .opt("hiraganaLastName", p.hiragana_last_name.as_deref())
        .opt("hiraganaFirstName", p.hiragana_first_name.as_deref())
        .opt("phoneNumber", p.phone_number.as_deref())
        .opt("extension", p.extension.as_deref())
        .opt("password", p.password.as_ref().map(|s| s.expose()));
    if let Some(d) = &p.department {
        department(x, d);
    }
    x.opt("language", p.language.as_deref())
        .opt("timeZone", p.time_zone.as_deref());
    // alias{0,3}: the schema caps it; callers validate earlier, the encoder never truncates.
    for a in &p.alias {
        x.text("alias", a);
    }
    x.opt("publicUserIdentity", p.public_user_identity.as_deref())
        .opt(
            "callingLineIdPhoneNumber",
            p.calling_line_id_phone_number.as_deref(),
        )
        .close("serviceInstanceProfile");
}

fn add_instance(x: &mut XmlOut, a: &AddInstance) {
    x.text("serviceProviderId", &a.service_provider_id)
        .text("groupId", &a.group_id)
        .text("serviceUserId", &a.service_user_id);
    add_profile(x, &a.profile);
    x.text("policy", a.policy.as_str())
        .boolean("huntAfterNoAnswer", a.hunt_after_no_answer)
        .number("noAnswerNumberOfRings", a.no_answer_number_of_rings)
        .boolean("forwardAfterTimeout", a.forward_after_timeout)
        .number("forwardTimeoutSeconds", a.forward_timeout_seconds)
        .opt("forwardToPhoneNumber", a.forward_to_phone_number.as_deref());
    for agent in &a.agent_user_ids {
        x.text("agentUserId", agent);
    }
    x.boolean("allowCallWaitingForAgents", a.allow_call_waiting_for_agents)
        .boolean(
            "useSystemHuntGroupCLIDSetting",
            a.use_system_hunt_group_clid_setting,
        )
        .boolean(
            "includeHuntGroupNameInCLID",
            a.include_hunt_group_name_in_clid,
        )
        .boolean(
            "enableNotReachableForwarding",
            a.enable_not_reachable_forwarding,
        )
        .opt(
            "notReachableForwardToPhoneNumber",
            a.not_reachable_forward_to_phone_number.as_deref(),
        )
        .boolean("makeBusyWhenNotReachable", a.make_busy_when_not_reachable)
        .boolean(
            "allowMembersToControlGroupBusy",
            a.allow_members_to_control_group_busy,
        )
        .boolean("enableGroupBusy", a.enable_group_busy)
        .boolean(
            "applyGroupBusyWhenTerminatingToAgent",
            a.apply_group_busy_when_terminating_to_agent,
        )
        .opt(
            "networkClassOfService",
            a.network_class_of_service.as_deref(),
        );
}

/// A nillable text element: left out, `xsi:nil`, or the value.
fn change_text(x: &mut XmlOut, name: &str, c: &Change<String>) {
    match c {
        Change::Keep => {}
        Change::Clear => {
            x.nil(name);
        }
        Change::Set(v) => {
            x.text(name, v);
        }
    }
}

/// A nillable replacement list; an empty `Set` means "no entries", which the schema can only
/// express as `xsi:nil` (the list types require at least one item).
fn change_list(x: &mut XmlOut, name: &str, item: &str, c: &Change<Vec<String>>) {
    match c {
        Change::Keep => {}
        Change::Set(v) if !v.is_empty() => {
            x.open(name);
            for i in v {
                x.text(item, i);
            }
            x.close(name);
        }
        Change::Clear | Change::Set(_) => {
            x.nil(name);
        }
    }
}

fn opt_bool(x: &mut XmlOut, name: &str, v: Option<bool>) {
    if let Some(b) = v {
        x.boolean(name, b);
    }
}

fn opt_num(x: &mut XmlOut, name: &str, v: Option<u32>) {
    if let Some(n) = v {
        x.number(name, n);
    }
}

fn modify_instance(x: &mut XmlOut, m: &ModifyInstance) {
    x.text("serviceUserId", &m.service_user_id);
    let p = &m.profile;
    if !p.is_empty() {
        x.open("serviceInstanceProfile")
            .opt("name", p.name.as_deref())
            .opt(
                "callingLineIdLastName",
                p.calling_line_id_last_name.as_deref(),
            )
            .opt(
                "callingLineIdFirstName",
                p.calling_line_id_first_name.as_deref(),
            )
            .opt("hiraganaLastName", p.hiragana_last_name.as_deref())
            .opt("hiraganaFirstName", p.hiragana_first_name.as_deref());
        change_text(x, "phoneNumber", &p.phone_number);
        change_text(x, "extension", &p.extension);
        x.opt("password", p.password.as_ref().map(|s| s.expose()));
        match &p.department {
            Change::Keep => {}
            Change::Clear => {
                // Even a nil element of an abstract type must name a concrete type to be valid.
                x.raw("<department xsi:type=\"GroupDepartmentKey\" xsi:nil=\"true\"/>");
            }
            Change::Set(d) => department(x, d),
        }
        x.opt("language", p.language.as_deref())
            .opt("timeZone", p.time_zone.as_deref());
        change_list(x, "sipAliasList", "sipAlias", &p.sip_alias_list);
        change_text(x, "publicUserIdentity", &p.public_user_identity);
        change_text(
            x,
            "callingLineIdPhoneNumber",
            &p.calling_line_id_phone_number,
        );
        x.close("serviceInstanceProfile");
    }
    x.opt("policy", m.policy.map(|p| p.as_str()));
    opt_bool(x, "huntAfterNoAnswer", m.hunt_after_no_answer);
    opt_num(x, "noAnswerNumberOfRings", m.no_answer_number_of_rings);
    opt_bool(x, "forwardAfterTimeout", m.forward_after_timeout);
    opt_num(x, "forwardTimeoutSeconds", m.forward_timeout_seconds);
    change_text(x, "forwardToPhoneNumber", &m.forward_to_phone_number);
    change_list(x, "agentUserIdList", "userId", &m.agent_user_id_list);
    opt_bool(
        x,
        "allowCallWaitingForAgents",
        m.allow_call_waiting_for_agents,
    );
    opt_bool(
        x,
        "useSystemHuntGroupCLIDSetting",
        m.use_system_hunt_group_clid_setting,
    );
    opt_bool(
        x,
        "includeHuntGroupNameInCLID",
        m.include_hunt_group_name_in_clid,
    );
    opt_bool(
        x,
        "enableNotReachableForwarding",
        m.enable_not_reachable_forwarding,
    );
    change_text(
        x,
        "notReachableForwardToPhoneNumber",
        &m.not_reachable_forward_to_phone_number,
    );
    opt_bool(
        x,
        "makeBusyWhenNotReachable",
        m.make_busy_when_not_reachable,
    );
    opt_bool(
        x,
        "allowMembersToControlGroupBusy",
        m.allow_members_to_control_group_busy,
    );
    opt_bool(x, "enableGroupBusy", m.enable_group_busy);
    opt_bool(
        x,
        "applyGroupBusyWhenTerminatingToAgent",
        m.apply_group_busy_when_terminating_to_agent,
    );
    x.opt(
        "networkClassOfService",
        m.network_class_of_service.as_deref(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Secret;

    #[test]
    fn modify_uses_nil_and_keeps_order() {
        let m = ModifyInstance {
            service_user_id: "hg@x.com".into(),
            profile: crate::ocip::commands::ModifyProfile {
                extension: Change::Clear,
                sip_alias_list: Change::Set(vec![]),
                ..Default::default()
            },
            agent_user_id_list: Change::Set(vec!["a@x.com".into(), "b@x.com".into()]),
            forward_to_phone_number: Change::Clear,
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
