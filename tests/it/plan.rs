//! The plan core: fetch (against a fake server), diff, requests, saved plans, renderers.

use huntctl::model::{Agent, Field, HuntGroup, Policy, Secret};
use huntctl::ocip::messages::{self as oc, AgentRow, InstanceDetails, Request};
use huntctl::plan::{
    self, diff, fetch, fetch_scope, render, to_create_requests, to_modify_request, Action,
    CurrentState, Plan, PlanOptions, Selection,
};
use pretty_assertions::assert_eq;

use crate::support::fake::{ANY, SP};
use crate::support::{block_on, FakeServer, Fault};

// ---------------------------------------------------------------- fixtures

/// Server details with every documented default (as BroadWorks would show a defaulted group).
fn details(name: &str, policy: Policy, agents: &[(&str, u8)]) -> InstanceDetails {
    let mut h = HuntGroup::with_defaults("", "", "");
    // What a server shows: every optional field not set is absent, not unmanaged.
    for f in huntctl::model::table::settings() {
        if f.presence == huntctl::model::table::Presence::Optional {
            f.set(&mut h, Field::Absent).unwrap();
        }
    }
    h.service_instance_profile.name = name.into();
    h.policy = policy;
    h.agents = agents
        .iter()
        .map(|(id, w)| Agent {
            user_id: id.to_string(),
            weight: Some(*w),
        })
        .collect();
    InstanceDetails {
        hunt_group: h,
        agents: agents
            .iter()
            .map(|(id, w)| AgentRow {
                user_id: id.to_string(),
                weight: *w,
                ..Default::default()
            })
            .collect(),
        country_code: Some("1".into()),
        national_prefix: None,
        time_zone_display_name: None,
    }
}

/// A modify's change of one field, as text: `None` when left out, `<nil>` when cleared.
fn set(m: &oc::ModifyInstance, path: &str) -> Option<String> {
    use huntctl::model::table::Value;
    let f = huntctl::model::table::by_path(path).unwrap();
    m.get(f).map(|c| match c {
        oc::Change::Keep => "<keep>".to_string(),
        oc::Change::Clear => "<nil>".to_string(),
        oc::Change::Set(Value::Text(t)) => t.clone(),
        oc::Change::Set(Value::Policy(p)) => p.as_str().to_string(),
        oc::Change::Set(Value::Bool(b)) => b.to_string(),
        oc::Change::Set(Value::Int(n)) => n.to_string(),
        oc::Change::Set(Value::Agents(a)) => a
            .iter()
            .map(|a| a.user_id.as_str())
            .collect::<Vec<_>>()
            .join(","),
        oc::Change::Set(other) => format!("{other:?}"),
    })
}

fn hg(group: &str, id: &str, name: &str, policy: Policy, agents: &[&str]) -> HuntGroup {
    let mut h = HuntGroup::with_defaults(SP, group, id);
    h.service_instance_profile.name = name.into();
    h.policy = policy;
    h.agents = agents.iter().map(|a| Agent::new(*a)).collect();
    h
}

/// The server side of the scenario.
fn server() -> FakeServer {
    let s = FakeServer::new(&[]);
    // sales-hunt: other name, other agent order, bob missing, no alias; number in national form.
    let mut d = details(
        "Sales Hunt",
        Policy::Regular,
        &[("jane.smith@company.com", 0), ("john.doe@company.com", 0)],
    );
    d.hunt_group
        .service_instance_profile
        .calling_line_id_last_name = "Sales".into();
    d.hunt_group
        .service_instance_profile
        .calling_line_id_first_name = "Team".into();
    d.hunt_group.service_instance_profile.phone_number = Field::Value("2025550100".into());
    d.hunt_group.service_instance_profile.extension = Field::Value("0100".into());
    d.hunt_group.service_instance_profile.language = Field::Value("English".into());
    s.add("SalesGroup", "sales-hunt@company.com", d);
    // sales-vip-hunt: exactly as desired.
    let mut d = details(
        "Sales VIP Line",
        Policy::Simultaneous,
        &[
            ("alice.jones@company.com", 0),
            ("carol.white@company.com", 0),
        ],
    );
    d.hunt_group.service_instance_profile.extension = Field::Value("0101".into());
    s.add("SalesGroup", "sales-vip-hunt@company.com", d);
    // sales-weighted-hunt: weights, a forward number and a class of service to drop.
    let mut d = details(
        "Sales Weighted",
        Policy::Weighted,
        &[
            ("john.doe@company.com", 10),
            ("alice.jones@company.com", 20),
        ],
    );
    d.hunt_group.forward_after_timeout = true;
    d.hunt_group.forward_to_phone_number = Field::Value("2025550199".into());
    d.hunt_group.network_class_of_service = Field::Value("Premium".into());
    d.hunt_group.service_instance_profile.alias = vec!["weighted@company.com".into()];
    s.add("SalesGroup", "sales-weighted-hunt@company.com", d);
    // support-hunt: Circular with 5 rings (desired 3); not-reachable forwarding to a SIP URI.
    let mut d = details(
        "Support Hunt Group",
        Policy::Circular,
        &[("support1@company.com", 0), ("support2@company.com", 0)],
    );
    d.hunt_group.enable_not_reachable_forwarding = true;
    d.hunt_group.not_reachable_forward_to_phone_number =
        Field::Value("sip:overflow@company.com".into());
    d.hunt_group
        .service_instance_profile
        .calling_line_id_phone_number = Field::Value("+1-2025550200".into());
    s.add("SupportGroup", "support-hunt@company.com", d);
    // support-legacy-hunt: not in any file.
    s.add(
        "SupportGroup",
        "support-legacy-hunt@company.com",
        details("Legacy", Policy::Uniform, &[("support3@company.com", 0)]),
    );
    s
}

/// The desired side of the scenario.
fn desired() -> Vec<HuntGroup> {
    let mut sales = hg(
        "SalesGroup",
        "sales-hunt@company.com",
        "Sales Hunt Group",
        Policy::Regular,
        &[
            "john.doe@company.com",
            "jane.smith@company.com",
            "bob.wilson@company.com",
        ],
    );
    let p = &mut sales.service_instance_profile;
    p.calling_line_id_last_name = "Sales".into();
    p.calling_line_id_first_name = "Team".into();
    p.phone_number = Field::Value("+1-2025550100".into());
    p.extension = Field::Value("0100".into());
    p.alias = vec!["sales-team@company.com".into()];

    let mut vip = hg(
        "SalesGroup",
        "sales-vip-hunt@company.com",
        "Sales VIP Line",
        Policy::Simultaneous,
        &["alice.jones@company.com", "carol.white@company.com"],
    );
    vip.service_instance_profile.extension = Field::Value("0101".into());
    // Write-only: never compared, so this stays a no-op.
    vip.service_instance_profile.password = Some(Secret::new("vip-secret-1"));

    let mut emea = hg(
        "SalesGroup",
        "sales-emea-hunt@company.com",
        "Sales EMEA",
        Policy::Weighted,
        &[],
    );
    emea.agents = vec![
        Agent {
            user_id: "john.doe@company.com".into(),
            weight: Some(50),
        },
        Agent {
            user_id: "alice.jones@company.com".into(),
            weight: Some(30),
        },
    ];
    emea.no_answer_number_of_rings = 4;
    emea.service_instance_profile.password = Some(Secret::new("emea-secret-2"));
    emea.service_instance_profile.time_zone = Field::Value("Europe/London".into());

    let mut weighted = hg(
        "SalesGroup",
        "sales-weighted-hunt@company.com",
        "Sales Weighted",
        Policy::Weighted,
        &[],
    );
    weighted.agents = vec![
        Agent {
            user_id: "john.doe@company.com".into(),
            weight: Some(50),
        },
        // Weight unmanaged: kept as it is.
        Agent::new("alice.jones@company.com"),
    ];
    weighted.forward_after_timeout = true;
    weighted.forward_to_phone_number = Field::Absent;
    weighted.network_class_of_service = Field::Absent;
    weighted.service_instance_profile.alias = vec!["weighted@company.com".into()];

    let mut support = hg(
        "SupportGroup",
        "support-hunt@company.com",
        "Support Hunt Group",
        Policy::Circular,
        &["support1@company.com", "support2@company.com"],
    );
    support.no_answer_number_of_rings = 3;
    support.enable_not_reachable_forwarding = true;
    support.not_reachable_forward_to_phone_number = Field::Value("sip:overflow@company.com".into());
    support
        .service_instance_profile
        .calling_line_id_phone_number = Field::Value("2025550200".into());

    let mut night = hg(
        "SupportGroup",
        "support-night-hunt@company.com",
        "Support Night Line",
        Policy::Uniform,
        &["support3@company.com", "support4@company.com"],
    );
    night.forward_after_timeout = true;
    night.forward_timeout_seconds = 30;
    night.forward_to_phone_number = Field::Value("+1-2025550299".into());

    vec![sales, vip, emea, weighted, support, night]
}

fn opts(prune: bool, targets: &[&str], excludes: &[&str]) -> PlanOptions {
    let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    PlanOptions {
        prune,
        selection: Selection::new(&v(targets), &v(excludes)).unwrap(),
        ..PlanOptions::default()
    }
}

fn make_plan(o: &PlanOptions) -> (Plan, CurrentState) {
    let s = server();
    let d = desired();
    let current = block_on(fetch(&s, &d, o)).unwrap();
    (diff(&d, &current, o), current)
}

fn change<'a>(p: &'a Plan, id: &str) -> &'a plan::Change {
    p.changes
        .iter()
        .find(|c| c.service_user_id == id)
        .unwrap_or_else(|| panic!("no change for {id}"))
}

fn paths(c: &plan::Change) -> Vec<&str> {
    c.changed_paths()
}

// ---------------------------------------------------------------- fetch

#[test]
fn fetch_lists_each_group_once_then_reads_managed_hunt_groups_in_one_call() {
    let s = server();
    let d = desired();
    let current = block_on(fetch(&s, &d, &opts(false, &[], &[]))).unwrap();
    let calls = s.calls();
    assert_eq!(calls.len(), 2, "one execute for listings, one for details");
    assert_eq!(calls[0].len(), 2);
    assert!(calls[0]
        .iter()
        .all(|r| matches!(r, Request::GetInstanceList { .. })));
    let mut read: Vec<String> = calls[1]
        .iter()
        .map(|r| match r {
            Request::GetInstance { service_user_id } => service_user_id.clone(),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    read.sort();
    // The legacy group is not desired and there is no prune: never read.
    assert_eq!(
        read,
        [
            "sales-hunt@company.com",
            "sales-vip-hunt@company.com",
            "sales-weighted-hunt@company.com",
            "support-hunt@company.com"
        ]
    );
    let support = &current.groups[&plan::GroupKey::new(SP, "SupportGroup")];
    assert_eq!(
        support.listed,
        [
            "support-hunt@company.com",
            "support-legacy-hunt@company.com"
        ]
    );
    // Normalised: national number + country code → E.164; optional fields Absent, never Unmanaged.
    let sales = current
        .get(
            &plan::GroupKey::new(SP, "SalesGroup"),
            "sales-hunt@company.com",
        )
        .unwrap();
    assert_eq!(
        sales.service_instance_profile.phone_number,
        Field::Value("+12025550100".into())
    );
    assert_eq!(
        sales.service_instance_profile.hiragana_last_name,
        Field::Absent
    );
    assert_eq!(sales.forward_to_phone_number, Field::Absent);
    assert_eq!(sales.agents[0].weight, None, "no weights unless Weighted");
    let weighted = current
        .get(
            &plan::GroupKey::new(SP, "SalesGroup"),
            "sales-weighted-hunt@company.com",
        )
        .unwrap();
    assert_eq!(weighted.agents[1].weight, Some(20));
    assert!(weighted.service_instance_profile.password.is_none());
}

#[test]
fn fetch_with_prune_reads_candidates_and_selection_limits_reads() {
    let s = server();
    block_on(fetch(&s, &desired(), &opts(true, &[], &["sales-*"]))).unwrap();
    let calls = s.calls();
    let mut read: Vec<String> = calls[1]
        .iter()
        .map(|r| match r {
            Request::GetInstance { service_user_id } => service_user_id.clone(),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    read.sort();
    assert_eq!(
        read,
        [
            "support-hunt@company.com",
            "support-legacy-hunt@company.com"
        ]
    );
}

#[test]
fn fetch_missing_group_is_recorded_and_desired_become_creates() {
    let s = server();
    let d = vec![hg(
        "NoSuchGroup",
        "x-hunt@company.com",
        "X",
        Policy::Regular,
        &["a@company.com"],
    )];
    let o = opts(false, &[], &[]);
    let current = block_on(fetch(&s, &d, &o)).unwrap();
    let g = &current.groups[&plan::GroupKey::new(SP, "NoSuchGroup")];
    assert!(!g.exists);
    assert!(g.error.as_deref().unwrap().contains("4008"));
    assert_eq!(s.calls().len(), 1, "nothing to read");
    let p = diff(&d, &current, &o);
    assert_eq!(p.changes[0].action, Action::Create);
    assert!(p.changes[0].warnings[0].contains("could not be listed"));
    assert!(p.warnings[0].contains("NoSuchGroup"));
}

#[test]
fn fetch_failure_is_an_error_not_a_guess() {
    let s = server();
    s.fault("GroupHuntGroupGetInstanceRequest20", ANY, Fault::LostBefore);
    let err = block_on(fetch(&s, &desired(), &opts(false, &[], &[]))).unwrap_err();
    assert!(err.to_string().contains("outcome unknown"), "{err}");
    assert!(block_on(fetch(&s, &[], &PlanOptions::default()))
        .unwrap()
        .groups
        .is_empty());
}

// ---------------------------------------------------------------- diff

#[test]
fn plan_actions_and_order() {
    let (p, _) = make_plan(&opts(false, &[], &[]));
    let got: Vec<(&str, Action)> = p
        .changes
        .iter()
        .map(|c| (c.service_user_id.as_str(), c.action))
        .collect();
    assert_eq!(
        got,
        [
            ("sales-emea-hunt@company.com", Action::Create),
            ("sales-hunt@company.com", Action::Update),
            ("sales-vip-hunt@company.com", Action::NoOp),
            ("sales-weighted-hunt@company.com", Action::Update),
            ("support-hunt@company.com", Action::Update),
            ("support-night-hunt@company.com", Action::Create),
        ]
    );
    let s = p.summary();
    assert_eq!((s.create, s.update, s.delete, s.unchanged), (2, 3, 0, 1));
    assert!(p.has_changes());
    assert_eq!(p.unmanaged.len(), 1);
    assert_eq!(
        p.unmanaged[0].service_user_id,
        "support-legacy-hunt@company.com"
    );
    assert_eq!(p.existing_hunt_groups(), 5);
}

#[test]
fn update_fields_agents_and_equal_numbers() {
    let (p, _) = make_plan(&opts(false, &[], &[]));
    let sales = change(&p, "sales-hunt@company.com");
    // Phone "+1-2025550100" equals national 2025550100 with country code 1; language is
    // unmanaged (left out, no default) so the server's "English" is not touched.
    assert_eq!(
        paths(sales),
        [
            "serviceInstanceProfile.name",
            "serviceInstanceProfile.alias",
            "agentUserId"
        ]
    );
    let a = sales.agents.as_ref().unwrap();
    assert_eq!(a.added, ["bob.wilson@company.com"]);
    assert!(a.removed.is_empty());
    assert_eq!(a.moved.len(), 1, "{a:?}");
    let after = sales.after.as_ref().unwrap();
    assert_eq!(
        after.service_instance_profile.language,
        Field::Value("English".into())
    );

    let support = change(&p, "support-hunt@company.com");
    // The CLID number "2025550200" (national) equals "+1-2025550200"; the SIP URI is equal.
    assert_eq!(paths(support), ["noAnswerNumberOfRings"]);
    assert_eq!(support.fields[0].old, serde_json::json!(5));
    assert_eq!(support.fields[0].new, serde_json::json!(3));

    let w = change(&p, "sales-weighted-hunt@company.com");
    assert_eq!(paths(w), ["forwardToPhoneNumber", "agentWeight"]);
    assert_eq!(w.fields[0].new, serde_json::Value::Null, "null clears");
    let weights = &w.agents.as_ref().unwrap().weights;
    assert_eq!(weights.len(), 1);
    assert_eq!(
        (weights[0].user_id.as_str(), weights[0].old, weights[0].new),
        ("john.doe@company.com", Some(10), 50)
    );
    // networkClassOfService cannot be cleared in R25: a warning, not a change.
    assert_eq!(w.warnings.len(), 1);
    assert!(w.warnings[0].contains("networkClassOfService"));
    let after = w.after.as_ref().unwrap();
    assert_eq!(after.agents[1].weight, Some(20), "unmanaged weight kept");
}

#[test]
fn no_op_after_defaults_and_password_never_compared() {
    let (p, _) = make_plan(&opts(false, &[], &[]));
    let vip = change(&p, "sales-vip-hunt@company.com");
    assert_eq!(vip.action, Action::NoOp);
    assert!(vip.fields.is_empty());
    assert!(to_modify_request(vip).is_empty());

    let emea = change(&p, "sales-emea-hunt@company.com");
    assert!(emea.password);
    let pw = emea
        .fields
        .iter()
        .find(|f| f.path == "serviceInstanceProfile.password")
        .unwrap();
    assert_eq!(pw.new, serde_json::json!("(sensitive, not compared)"));
}

#[test]
fn every_field_kind_is_compared() {
    let cur = hg("G", "h@x", "N", Policy::Regular, &["a@x", "b@x"]);
    let mut current = CurrentState::new();
    let mut c = cur.clone();
    c.service_instance_profile.extension = Field::Value("12".into());
    c.service_instance_profile.time_zone = Field::Value("UTC".into());
    c.service_instance_profile.hiragana_first_name = Field::Absent;
    current.insert(c);
    let mut d = cur.clone();
    d.service_instance_profile.calling_line_id_last_name = "L".into();
    d.service_instance_profile.calling_line_id_first_name = "F".into();
    d.service_instance_profile.hiragana_first_name = Field::Value("ひ".into());
    d.service_instance_profile.extension = Field::Absent;
    d.service_instance_profile.time_zone = Field::Value("Europe/Paris".into());
    d.service_instance_profile.public_user_identity = Field::Value("sip:h@x".into());
    d.policy = Policy::Uniform;
    d.hunt_after_no_answer = false;
    d.forward_after_timeout = true;
    d.forward_timeout_seconds = 20;
    d.allow_call_waiting_for_agents = false;
    d.use_system_hunt_group_clid_setting = false;
    d.include_hunt_group_name_in_clid = false;
    d.enable_not_reachable_forwarding = true;
    d.not_reachable_forward_to_phone_number = Field::Value("+33 1 23 45 67 89".into());
    d.make_busy_when_not_reachable = true;
    d.allow_members_to_control_group_busy = true;
    d.enable_group_busy = true;
    d.apply_group_busy_when_terminating_to_agent = true;
    d.network_class_of_service = Field::Value("Basic".into());
    // Uniform: order does not matter, so b, a is no agent change.
    d.agents = vec![Agent::new("b@x"), Agent::new("a@x")];
    let p = diff(&[d], &current, &PlanOptions::default());
    let c = &p.changes[0];
    assert_eq!(
        paths(c),
        [
            "serviceInstanceProfile.callingLineIdLastName",
            "serviceInstanceProfile.callingLineIdFirstName",
            "serviceInstanceProfile.hiraganaFirstName",
            "serviceInstanceProfile.extension",
            "serviceInstanceProfile.timeZone",
            "serviceInstanceProfile.publicUserIdentity",
            "policy",
            "huntAfterNoAnswer",
            "forwardAfterTimeout",
            "forwardTimeoutSeconds",
            "allowCallWaitingForAgents",
            "useSystemHuntGroupCLIDSetting",
            "includeHuntGroupNameInCLID",
            "enableNotReachableForwarding",
            "notReachableForwardToPhoneNumber",
            "makeBusyWhenNotReachable",
            "allowMembersToControlGroupBusy",
            "enableGroupBusy",
            "applyGroupBusyWhenTerminatingToAgent",
            "networkClassOfService",
        ]
    );
    let reqs = to_modify_request(c);
    assert_eq!(reqs.len(), 1);
    let Request::ModifyInstance(m) = &reqs[0] else {
        panic!("{reqs:?}")
    };
    assert_eq!(m.service_user_id, "h@x");
    assert_eq!(
        set(m, "serviceInstanceProfile.name"),
        None,
        "unchanged fields are left out"
    );
    assert_eq!(
        set(m, "serviceInstanceProfile.callingLineIdLastName").as_deref(),
        Some("L")
    );
    assert_eq!(
        set(m, "serviceInstanceProfile.hiraganaFirstName").as_deref(),
        Some("ひ")
    );
    assert_eq!(
        set(m, "serviceInstanceProfile.extension").as_deref(),
        Some("<nil>")
    );
    assert_eq!(
        set(m, "serviceInstanceProfile.timeZone").as_deref(),
        Some("Europe/Paris")
    );
    assert_eq!(set(m, "serviceInstanceProfile.phoneNumber"), None);
    assert_eq!(set(m, "policy").as_deref(), Some("Uniform"));
    assert_eq!(set(m, "noAnswerNumberOfRings"), None);
    assert_eq!(set(m, "agentUserId"), None);
    assert_eq!(
        set(m, "notReachableForwardToPhoneNumber").as_deref(),
        Some("+33 1 23 45 67 89")
    );
    assert_eq!(set(m, "networkClassOfService").as_deref(), Some("Basic"));
    assert_eq!(
        set(m, "applyGroupBusyWhenTerminatingToAgent").as_deref(),
        Some("true")
    );
}

#[test]
fn agent_reorder_matters_for_regular_and_removal_clears() {
    let mut current = CurrentState::new();
    current.insert(hg("G", "r@x", "N", Policy::Regular, &["a@x", "b@x", "c@x"]));
    current.insert(hg("G", "e@x", "N", Policy::Circular, &["a@x"]));
    let reorder = hg("G", "r@x", "N", Policy::Regular, &["c@x", "a@x", "b@x"]);
    let empty = hg("G", "e@x", "N", Policy::Circular, &[]);
    let p = diff(&[reorder, empty], &current, &PlanOptions::default());
    let e = change(&p, "e@x");
    assert_eq!(e.agents.as_ref().unwrap().removed, ["a@x"]);
    let Request::ModifyInstance(m) = &to_modify_request(e)[0] else {
        panic!()
    };
    assert_eq!(set(m, "agentUserId").as_deref(), Some("<nil>"));
    let r = change(&p, "r@x");
    let a = r.agents.as_ref().unwrap();
    assert_eq!(a.moved, ["c@x"]);
    assert!(a.added.is_empty() && a.removed.is_empty());
    let Request::ModifyInstance(m) = &to_modify_request(r)[0] else {
        panic!()
    };
    assert_eq!(set(m, "agentUserId").as_deref(), Some("c@x,a@x,b@x"));
}

#[test]
fn weights_produce_a_full_weight_request() {
    let (p, _) = make_plan(&opts(false, &[], &[]));
    let w = change(&p, "sales-weighted-hunt@company.com");
    let reqs = to_modify_request(w);
    assert_eq!(reqs.len(), 2, "{reqs:?}");
    let Request::ModifyInstance(m) = &reqs[0] else {
        panic!()
    };
    assert_eq!(set(m, "forwardToPhoneNumber").as_deref(), Some("<nil>"));
    assert_eq!(
        set(m, "networkClassOfService"),
        None,
        "never an invalid clear"
    );
    assert_eq!(
        reqs[1],
        Request::ModifyWeights {
            service_user_id: "sales-weighted-hunt@company.com".into(),
            weights: vec![
                ("john.doe@company.com".into(), 50),
                ("alice.jones@company.com".into(), 20)
            ],
        }
    );
}

#[test]
fn create_requests_carry_everything_and_weights() {
    let (p, _) = make_plan(&opts(false, &[], &[]));
    let emea = change(&p, "sales-emea-hunt@company.com");
    let reqs = to_create_requests(emea.after.as_ref().unwrap());
    assert_eq!(reqs.len(), 2);
    let Request::AddInstance(a) = &reqs[0] else {
        panic!()
    };
    assert_eq!(a.hunt_group.group_id, "SalesGroup");
    assert_eq!(a.hunt_group.no_answer_number_of_rings, 4);
    assert_eq!(
        a.hunt_group
            .service_instance_profile
            .password
            .as_ref()
            .unwrap()
            .expose(),
        "emea-secret-2"
    );
    assert_eq!(
        a.hunt_group.service_instance_profile.time_zone,
        Field::Value("Europe/London".into())
    );
    assert_eq!(
        a.hunt_group.service_instance_profile.language,
        Field::Unmanaged
    );
    assert_eq!(
        a.hunt_group
            .agents
            .iter()
            .map(|a| a.user_id.as_str())
            .collect::<Vec<_>>(),
        ["john.doe@company.com", "alice.jones@company.com"]
    );
    assert!(matches!(&reqs[1], Request::ModifyWeights { weights, .. } if weights[1].1 == 30));
    let night = change(&p, "support-night-hunt@company.com");
    let reqs = plan::to_requests(night);
    assert_eq!(reqs.len(), 1, "no weights for Uniform");
    let Request::AddInstance(a) = &reqs[0] else {
        panic!()
    };
    assert_eq!(
        a.hunt_group.forward_to_phone_number,
        Field::Value("+1-2025550299".into())
    );
}

#[test]
fn prune_deletes_only_on_request_and_selection_applies_to_all() {
    let (p, _) = make_plan(&opts(true, &[], &[]));
    let legacy = change(&p, "support-legacy-hunt@company.com");
    assert_eq!(legacy.action, Action::Delete);
    assert!(legacy.before.is_some());
    assert!(p.unmanaged.is_empty());
    assert_eq!(
        plan::to_delete_request(legacy),
        Some(Request::DeleteInstance {
            service_user_id: "support-legacy-hunt@company.com".into()
        })
    );

    let (p, _) = make_plan(&opts(true, &["support-*"], &["*-legacy-*"]));
    let ids: Vec<&str> = p
        .changes
        .iter()
        .map(|c| c.service_user_id.as_str())
        .collect();
    assert_eq!(
        ids,
        ["support-hunt@company.com", "support-night-hunt@company.com"]
    );
    assert!(p.unmanaged.is_empty());
    assert_eq!(p.targets, ["support-*"]);

    let (p, _) = make_plan(&opts(false, &["sales-vip-hunt@company.com"], &[]));
    assert!(!p.has_changes());
    assert!(p.unmanaged.is_empty());
    assert_eq!(
        render::summary_line(&p),
        "No changes. Hunt groups match the desired state."
    );
}

// ---------------------------------------------------------------- saved plans

#[test]
fn saved_plan_round_trips_without_secrets_and_detects_staleness() {
    let o = opts(true, &[], &[]);
    let (p, current) = make_plan(&o);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.json");
    p.save(&file).unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains("emea-secret-2") && !text.contains("vip-secret-1"));
    assert!(text.contains("(sensitive)"));

    let mut loaded = Plan::load(&file).unwrap();
    assert_eq!(loaded.changes.len(), p.changes.len());
    assert_eq!(loaded.fingerprint, p.fingerprint);
    assert_eq!(loaded.missing_secrets(), ["sales-emea-hunt@company.com"]);
    // Everything but the withheld password survives the round trip.
    let mut expected = p.clone();
    for c in &mut expected.changes {
        if let Some(a) = c.after.as_mut() {
            a.service_instance_profile.password = None;
        }
    }
    assert_eq!(loaded, expected);
    assert!(loaded.restore_secrets(&desired()).is_empty());
    let emea = change(&loaded, "sales-emea-hunt@company.com");
    let Request::AddInstance(a) = &to_create_requests(emea.after.as_ref().unwrap())[0] else {
        panic!()
    };
    assert_eq!(
        a.hunt_group
            .service_instance_profile
            .password
            .as_ref()
            .unwrap()
            .expose(),
        "emea-secret-2"
    );

    // Re-reading the same scope gives the same fingerprint…
    let s = server();
    let again = block_on(fetch_scope(&s, &loaded.scope)).unwrap();
    assert_eq!(again, current);
    assert!(!loaded.is_stale(&again));
    // …and any change on the server makes the plan stale.
    let s = server();
    s.edit("support-hunt@company.com", |d| {
        d.hunt_group.no_answer_number_of_rings = 7
    });
    assert!(loaded.is_stale(&block_on(fetch_scope(&s, &loaded.scope)).unwrap()));
    let s = server();
    s.add(
        "SalesGroup",
        "sales-emea-hunt@company.com",
        details("Sales EMEA", Policy::Weighted, &[]),
    );
    assert!(loaded.is_stale(&block_on(fetch_scope(&s, &loaded.scope)).unwrap()));

    std::fs::write(
        &file,
        text.replace("\"format_version\": 1", "\"format_version\": 99"),
    )
    .unwrap();
    assert!(Plan::load(&file).unwrap_err().to_string().contains("99"));
    std::fs::write(&file, "not json").unwrap();
    assert!(Plan::load(&file).is_err());
}

// ---------------------------------------------------------------- renderers

fn snapshot(name: &str, actual: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var("UPDATE_SNAPSHOTS").as_deref() == Ok("1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing snapshot {}: run with UPDATE_SNAPSHOTS=1",
            path.display()
        )
    });
    assert_eq!(
        expected, actual,
        "snapshot {name} (UPDATE_SNAPSHOTS=1 rewrites)"
    );
}

fn assert_no_secrets(s: &str) {
    for secret in ["emea-secret-2", "vip-secret-1"] {
        assert!(!s.contains(secret), "secret leaked");
    }
}

#[test]
fn text_renderer_snapshots() {
    let (p, _) = make_plan(&opts(true, &[], &[]));
    let t = render::text(&p, false);
    assert_no_secrets(&t);
    assert!(t.ends_with("Plan: 2 to create, 3 to update, 1 to delete.\n"));
    snapshot("plan_prune.txt", &t);

    let (p, _) = make_plan(&opts(false, &[], &[]));
    let t = render::text(&p, false);
    assert!(t.contains("support-legacy-hunt@company.com (MyServiceProvider / SupportGroup)"));
    snapshot("plan.txt", &t);

    let coloured = render::text(&p, true);
    assert!(coloured.contains("\u{1b}["));
    assert!(!t.contains('\u{1b}'));

    let (p, _) = make_plan(&opts(false, &["sales-vip-*"], &[]));
    snapshot("plan_no_changes.txt", &render::text(&p, false));
}

#[test]
fn json_renderer_snapshot() {
    let (p, _) = make_plan(&opts(true, &[], &[]));
    let j = render::json(&p);
    assert_no_secrets(&j);
    let v: serde_json::Value = serde_json::from_str(&j).unwrap();
    assert_eq!(v["format_version"], 1);
    assert_eq!(v["summary"]["create"], 2);
    let emea = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["serviceUserId"] == "sales-emea-hunt@company.com")
        .unwrap();
    assert_eq!(emea["action"], "create");
    assert_eq!(
        emea["after"]["serviceInstanceProfile"]["password"],
        "(sensitive)"
    );
    snapshot("plan_prune.json", &j);
}

#[test]
fn markdown_renderer_snapshot_and_limit() {
    let (p, _) = make_plan(&opts(true, &[], &[]));
    let m = render::markdown(&p);
    assert_no_secrets(&m);
    assert_eq!(
        m.matches("<details>").count(),
        7,
        "6 changes + the unchanged list"
    );
    snapshot("plan_prune.md", &m);

    // 3,000 creates: far over the limit, so truncated with a visible notice.
    let many: Vec<HuntGroup> = (0..3000)
        .map(|i| {
            hg(
                "Big",
                &format!("hunt-{i:04}@company.com"),
                "A rather long hunt group name",
                Policy::Regular,
                &["a@company.com", "b@company.com", "c@company.com"],
            )
        })
        .collect();
    let big = diff(&many, &CurrentState::new(), &PlanOptions::default());
    let m = render::markdown(&big);
    assert!(m.chars().count() <= render::MARKDOWN_LIMIT, "{}", m.len());
    assert!(m.contains("**Truncated:**"));
    assert!(m.starts_with("### huntctl plan\n\n**Plan: 3000 to create"));
}

#[test]
fn planned_state_converges() {
    // If the server ends up as each change's `after`, planning again finds nothing to do.
    let o = opts(false, &[], &[]);
    let (p, _) = make_plan(&o);
    let mut next = CurrentState::new();
    for c in &p.changes {
        let mut after = c.after.clone().unwrap();
        after.service_instance_profile.password = None;
        next.insert(after);
    }
    let again = diff(&desired(), &next, &o);
    assert_eq!(again.changes.len(), 6);
    for c in &again.changes {
        assert_eq!(
            c.action,
            Action::NoOp,
            "{}: {:?}",
            c.service_user_id,
            c.fields
        );
    }
    // The class of service that cannot be cleared is still reported.
    assert_eq!(
        change(&again, "sales-weighted-hunt@company.com")
            .warnings
            .len(),
        1
    );
    assert!(
        render::text(&again, false).ends_with("No changes. Hunt groups match the desired state.\n")
    );
}

#[test]
fn options_from_command_line() {
    let args = huntctl::cli::SelectionArgs {
        target: vec!["sales-*".into()],
        exclude: vec![],
        prune: true,
        ignore: vec!["is_active".into()],
    };
    let o = huntctl::commands::plan_options(&args, false).unwrap();
    assert!(o.prune && o.preflight);
    assert!(
        !huntctl::commands::plan_options(&args, true)
            .unwrap()
            .preflight
    );
    assert!(o.selection.matches("sales-x@y") && !o.selection.matches("support-x@y"));
    assert!(o.lifecycle.ignores("any@y").why("isActive").is_some());
    let bad = huntctl::cli::SelectionArgs {
        target: vec!["[".into()],
        exclude: vec![],
        prune: false,
        ignore: vec![],
    };
    assert!(huntctl::commands::plan_options(&bad, false).is_err());
    let bad_ignore = huntctl::cli::SelectionArgs {
        target: vec![],
        exclude: vec![],
        prune: false,
        ignore: vec!["serviceUserId".into()],
    };
    let e = huntctl::commands::plan_options(&bad_ignore, false).unwrap_err();
    assert!(e.to_string().contains("cannot be ignored"), "{e}");
    // The library's own constructor, without clap.
    let o = PlanOptions::new(&[], &["support-*".into()], false).unwrap();
    assert!(!o.prune && o.selection.matches("sales-x@y") && !o.selection.matches("support-x@y"));
}

#[test]
fn exit_codes_and_markdown_escaping() {
    let (p, _) = make_plan(&opts(false, &[], &[]));
    assert_eq!((p.exit_code(false), p.exit_code(true)), (0, 2));
    let (quiet, _) = make_plan(&opts(false, &["sales-vip-hunt@company.com"], &[]));
    assert_eq!(quiet.exit_code(true), 0);

    let mut odd = hg("G|x", "a<b>@x", "N", Policy::Regular, &[]);
    odd.service_instance_profile.name = "```".into();
    let m = render::markdown(&diff(&[odd], &CurrentState::new(), &PlanOptions::default()));
    assert!(m.contains("<code>a&lt;b&gt;@x</code>"), "{m}");
    assert!(m.contains("G\\|x"), "{m}");
    assert!(
        m.contains("````diff"),
        "a fence longer than any backtick run: {m}"
    );
}
