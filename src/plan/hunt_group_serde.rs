//! Saved plans: reading a [`HuntGroup`] back from the JSON its `Serialize` writes.
//!
//! The model only serialises; this mirror reads the same shape. A left-out field comes back
//! `Unmanaged`, `null` comes back `Absent`. The password is never read back: a saved plan only
//! holds the mask, and sending the mask as a password would be a silent disaster.

use crate::model::{Agent, Field, HuntGroup, Policy, ServiceInstanceProfile};
use serde::{de::IgnoredAny, Deserialize, Deserializer, Serialize, Serializer};

/// `#[serde(with)]` serialiser for `Option<HuntGroup>`.
pub fn serialize<S: Serializer>(hg: &Option<HuntGroup>, s: S) -> Result<S::Ok, S::Error> {
    hg.serialize(s)
}

/// `#[serde(with)]` deserialiser for `Option<HuntGroup>`.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<HuntGroup>, D::Error> {
    Ok(Option::<HuntGroupDe>::deserialize(d)?.map(HuntGroup::from))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProfileDe {
    name: String,
    calling_line_id_last_name: String,
    calling_line_id_first_name: String,
    #[serde(default)]
    hiragana_last_name: Field<String>,
    #[serde(default)]
    hiragana_first_name: Field<String>,
    #[serde(default)]
    phone_number: Field<String>,
    #[serde(default)]
    extension: Field<String>,
    #[serde(default)]
    #[allow(dead_code)]
    password: Option<IgnoredAny>,
    #[serde(default)]
    language: Field<String>,
    #[serde(default)]
    time_zone: Field<String>,
    #[serde(default)]
    alias: Vec<String>,
    #[serde(default)]
    public_user_identity: Field<String>,
    #[serde(default)]
    calling_line_id_phone_number: Field<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HuntGroupDe {
    service_provider_id: String,
    group_id: String,
    service_user_id: String,
    service_instance_profile: ProfileDe,
    policy: Policy,
    hunt_after_no_answer: bool,
    no_answer_number_of_rings: u32,
    forward_after_timeout: bool,
    forward_timeout_seconds: u32,
    #[serde(default)]
    forward_to_phone_number: Field<String>,
    #[serde(rename = "agentUserId", default)]
    agents: Vec<Agent>,
    allow_call_waiting_for_agents: bool,
    #[serde(rename = "useSystemHuntGroupCLIDSetting")]
    use_system_hunt_group_clid_setting: bool,
    #[serde(rename = "includeHuntGroupNameInCLID")]
    include_hunt_group_name_in_clid: bool,
    enable_not_reachable_forwarding: bool,
    #[serde(default)]
    not_reachable_forward_to_phone_number: Field<String>,
    make_busy_when_not_reachable: bool,
    allow_members_to_control_group_busy: bool,
    enable_group_busy: bool,
    apply_group_busy_when_terminating_to_agent: bool,
    #[serde(default)]
    network_class_of_service: Field<String>,
}

impl From<HuntGroupDe> for HuntGroup {
    fn from(h: HuntGroupDe) -> Self {
        let p = h.service_instance_profile;
        HuntGroup {
            service_provider_id: h.service_provider_id,
            group_id: h.group_id,
            service_user_id: h.service_user_id,
            service_instance_profile: ServiceInstanceProfile {
                name: p.name,
                calling_line_id_last_name: p.calling_line_id_last_name,
                calling_line_id_first_name: p.calling_line_id_first_name,
                hiragana_last_name: p.hiragana_last_name,
                hiragana_first_name: p.hiragana_first_name,
                phone_number: p.phone_number,
                extension: p.extension,
                password: None,
                language: p.language,
                time_zone: p.time_zone,
                alias: p.alias,
                public_user_identity: p.public_user_identity,
                calling_line_id_phone_number: p.calling_line_id_phone_number,
            },
            policy: h.policy,
            hunt_after_no_answer: h.hunt_after_no_answer,
            no_answer_number_of_rings: h.no_answer_number_of_rings,
            forward_after_timeout: h.forward_after_timeout,
            forward_timeout_seconds: h.forward_timeout_seconds,
            forward_to_phone_number: h.forward_to_phone_number,
            agents: h.agents,
            allow_call_waiting_for_agents: h.allow_call_waiting_for_agents,
            use_system_hunt_group_clid_setting: h.use_system_hunt_group_clid_setting,
            include_hunt_group_name_in_clid: h.include_hunt_group_name_in_clid,
            enable_not_reachable_forwarding: h.enable_not_reachable_forwarding,
            not_reachable_forward_to_phone_number: h.not_reachable_forward_to_phone_number,
            make_busy_when_not_reachable: h.make_busy_when_not_reachable,
            allow_members_to_control_group_busy: h.allow_members_to_control_group_busy,
            enable_group_busy: h.enable_group_busy,
            apply_group_busy_when_terminating_to_agent: h
                .apply_group_busy_when_terminating_to_agent,
            network_class_of_service: h.network_class_of_service,
        }
    }
}
