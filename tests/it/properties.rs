//! Property tests (issue 8): any valid hunt group survives every path huntctl sends it along.
//!
//! - HuntGroup → YAML (`desired::to_yaml`) → `desired::load_str` is the identity;
//! - HuntGroup → CSV (`desired::to_csv`) → `desired::load_str` is the identity;
//! - HuntGroup → `plan::to_create_requests` → OCI-P document → sandbox store → GetInstance reply
//!   document → `plan::from_details` equals the original on every managed field;
//! - the diff of a state with itself is empty;
//! - applying a plan (`apply::apply` through the real `Pool` against an in-process sandbox) and
//!   planning again gives no changes.

use huntctl::apply::{apply, Outcome};
use huntctl::desired;
use huntctl::model::{e164, Agent, Field, HuntGroup, Policy, Secret, ServiceInstanceProfile};
use huntctl::ocip::decode_response::decode_response_document;
use huntctl::ocip::encode_request::request_document;
use huntctl::ocip::messages::{Request, Response};
use huntctl::ocip::{CommandFailure, ConnectionSettings, Execute, Pool};
use huntctl::plan::{self, diff, fetch, Action, CurrentState, PlanOptions};
use huntctl::sandbox::decode::decode_request_document;
use huntctl::sandbox::encode::response_document;
use huntctl::sandbox::state::{GroupState, SandboxState, ServiceProviderState, UserState};
use huntctl::sandbox::store::Store;
use proptest::collection::{btree_set, vec};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use crate::support::{block_on, SandboxOpts};

// ---------------------------------------------------------------- strategies

/// The sandbox's service provider and group for the round trips through OCI-P.
const SP: &str = "Prop SP & <Co>";
const GROUP: &str = "Prop'Group \"1\"";
/// Country code of the sandbox group's numbers.
const CC: &str = "1";
/// Hunt groups per generated state; each owns a slot of numbers, extensions and aliases so that
/// any two generated states can be applied one after the other without resource conflicts.
const SLOTS: usize = 4;

/// The users the sandbox knows (the only valid agents), Unicode included.
fn users() -> Vec<String> {
    [
        "john.doe@company.com",
        "jane.smith@company.com",
        "bob.o'neil@company.com",
        "zoë.müller@company.com",
        "やまだ@company.com",
        "a&b<c>@company.com",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// Where a generated value goes: files keep any text; the OCI-P schema collapses whitespace
/// (xs:token), so text sent to the server has no leading, trailing or repeated spaces.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Target {
    Yaml,
    Csv,
    Wire,
}

fn text_char(target: Target) -> BoxedStrategy<char> {
    let common = prop_oneof![
        4 => proptest::char::range('a', 'z'),
        2 => proptest::char::range('A', 'Z'),
        2 => proptest::char::range('0', '9'),
        2 => Just(' '),
        2 => select(vec!['&', '<', '>', '"', '\'', ',', '.', '-', '_', '/', '(', ')', '#', ':', '!']),
        2 => select(vec!['é', 'è', 'à', 'ü', 'ñ', 'ç', 'Å', 'Ø', 'ß', 'Œ', '€']),
        2 => proptest::char::range('ぁ', 'ゖ'),
    ];
    match target {
        // Newlines inside a quoted CSV cell and a YAML scalar are legal.
        Target::Yaml | Target::Csv => {
            prop_oneof![40 => common, 1 => Just('\n'), 1 => Just('\r'), 1 => Just('\t')].boxed()
        }
        Target::Wire => common.boxed(),
    }
}

/// Text of `min..=max` characters.
fn text(target: Target, min: usize, max: usize) -> BoxedStrategy<String> {
    vec(text_char(target), min..=max)
        .prop_map(move |cs| {
            let s: String = cs.into_iter().collect();
            if target == Target::Wire {
                let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
                if t.is_empty() {
                    "x".to_string()
                } else {
                    t
                }
            } else {
                s
            }
        })
        .boxed()
}

fn field<T: std::fmt::Debug + Clone + 'static>(s: BoxedStrategy<T>) -> BoxedStrategy<Field<T>> {
    prop_oneof![
        1 => Just(Field::Unmanaged),
        1 => Just(Field::Absent),
        2 => s.prop_map(Field::Value),
    ]
    .boxed()
}

/// A number of this slot in one of the ways people write E.164 numbers.
fn phone(slot: usize) -> BoxedStrategy<String> {
    (0..10usize, 0..5usize)
        .prop_map(move |(k, form)| {
            let line = format!("01{slot}{k}");
            match form {
                0 => format!("+1202555{line}"),
                1 => format!("+1-202555{line}"),
                2 => format!("+1 (202) 555-{line}"),
                3 => format!("202555{line}"),
                _ => format!("+1.202.555.{line}"),
            }
        })
        .boxed()
}

/// A number to dial (OCI-P OutgoingDN).
fn outgoing_dn() -> BoxedStrategy<String> {
    prop_oneof![
        "\\+[1-9][0-9]{4,12}",
        "[0-9]{2,10}",
        "\\*[0-9]{2}#?[0-9]{0,8}",
        "\\+1-[0-9]{3}-[0-9]{3}-[0-9]{4}",
    ]
    .boxed()
}

/// user@host.
fn sip_uri() -> BoxedStrategy<String> {
    (
        "[a-z][a-z0-9._-]{0,12}",
        "[a-z]{1,10}\\.(com|example|ジ\\.jp)",
    )
        .prop_map(|(u, h)| format!("{u}@{h}"))
        .boxed()
}

/// One hunt group. `slot` fixes its identity and the numbers, extensions and aliases it may use;
/// `ids` names the service provider, group and agents it lives with.
fn hunt_group(
    target: Target,
    slot: usize,
    ids: (String, String, Vec<String>),
) -> BoxedStrategy<HuntGroup> {
    let (sp, group, agents_pool) = ids;
    let local = prop_oneof![
        "[a-z][a-z0-9._-]{0,20}".boxed(),
        text(Target::Wire, 1, 10)
            .prop_map(|s| s.replace(['@', ' '], "_"))
            .boxed(),
    ];
    let service_user_id = local.prop_map(move |l| format!("hg{slot}-{l}@prop.example"));
    let names = (
        text(target, 1, 30),
        text(target, 1, 30),
        text(target, 1, 30),
        field(text(target, 1, 30)),
        field(text(target, 1, 30)),
    );
    let numbers = (
        field(phone(slot)),
        field(
            (0..100usize)
                .prop_map(move |k| format!("7{slot}{k:02}"))
                .boxed(),
        ),
        field(phone(slot)),
        field(outgoing_dn()),
        field(prop_oneof![outgoing_dn(), sip_uri()].boxed()),
    );
    let others = (
        proptest::option::of(text(target, 1, 60).prop_map(Secret::new)),
        field(
            select(vec!["English", "Français", "日本語", "Deutsch (DE)"])
                .prop_map(String::from)
                .boxed(),
        ),
        field(
            select(vec![
                "America/New_York",
                "Europe/London",
                "Asia/Tokyo",
                "UTC",
            ])
            .prop_map(String::from)
            .boxed(),
        ),
        field(sip_uri()),
        field(text(target, 1, 30)),
        btree_set(0..10usize, 0..=3),
    );
    let behaviour = (
        select(Policy::ALL.to_vec()),
        any::<[bool; 12]>(),
        1..=20u32,
        prop_oneof![Just(0u32), Just(7200u32), 0..=7200u32],
    );
    let agents = (
        subsequence(agents_pool.clone(), 1..=agents_pool.len().min(5)).prop_shuffle(),
        vec(proptest::option::of(0..=100u8), 5),
    );
    // Files carry any department and activation; the sandbox's groups have departments of
    // their own, so the wire keeps both at what a new hunt group gets.
    let placement = if target == Target::Wire {
        Just((huntctl::model::Field::Unmanaged, true)).boxed()
    } else {
        (
            field(
                (text(target, 1, 50), any::<bool>())
                    .prop_map(|(name, enterprise)| huntctl::model::Department { name, enterprise })
                    .boxed(),
            ),
            any::<bool>(),
        )
            .boxed()
    };
    (
        service_user_id,
        names,
        numbers,
        others,
        behaviour,
        (agents, placement),
    )
        .prop_map(
            move |(
                id,
                names,
                numbers,
                others,
                behaviour,
                ((agent_ids, weights), (department, is_active)),
            )| {
                let (name, last, first, hira_last, hira_first) = names;
                let (phone_number, extension, clid_number, forward_to, nr_forward_to) = numbers;
                let (password, language, time_zone, pui, ncos, alias_slots) = others;
                let (policy, flags, rings, timeout) = behaviour;
                let mut hg = HuntGroup::with_defaults(sp.clone(), group.clone(), id);
                hg.service_instance_profile = ServiceInstanceProfile {
                    name,
                    calling_line_id_last_name: last,
                    calling_line_id_first_name: first,
                    hiragana_last_name: hira_last,
                    hiragana_first_name: hira_first,
                    phone_number,
                    extension,
                    password,
                    department,
                    language,
                    time_zone,
                    alias: alias_slots
                        .into_iter()
                        .map(|k| format!("alias{slot}-{k}@prop.example"))
                        .collect(),
                    public_user_identity: pui,
                    calling_line_id_phone_number: clid_number,
                };
                hg.policy = policy;
                hg.hunt_after_no_answer = flags[0];
                hg.no_answer_number_of_rings = rings;
                hg.forward_after_timeout = flags[1];
                hg.forward_timeout_seconds = timeout;
                hg.forward_to_phone_number = forward_to;
                hg.agents = agent_ids
                    .into_iter()
                    .zip(weights)
                    .map(|(user_id, w)| Agent {
                        user_id,
                        // Weights are only valid for Weighted groups.
                        weight: w.filter(|_| policy == Policy::Weighted),
                    })
                    .collect();
                hg.allow_call_waiting_for_agents = flags[2];
                hg.use_system_hunt_group_clid_setting = flags[3];
                hg.include_hunt_group_name_in_clid = flags[4];
                hg.enable_not_reachable_forwarding = flags[5];
                hg.not_reachable_forward_to_phone_number = nr_forward_to;
                hg.make_busy_when_not_reachable = flags[6];
                hg.allow_members_to_control_group_busy = flags[7];
                hg.enable_group_busy = flags[8];
                hg.apply_group_busy_when_terminating_to_agent = flags[9];
                hg.network_class_of_service = ncos;
                hg.is_active = is_active;
                hg
            },
        )
        .boxed()
}

/// Service provider and group ids (1–30 bytes) and agent user ids, for files only.
fn file_ids(target: Target) -> BoxedStrategy<(String, String, Vec<String>)> {
    let id = text(target, 1, 12).prop_map(|s| {
        // Keep within 30 bytes whatever the characters.
        let mut out = String::new();
        for c in s.chars() {
            if out.len() + c.len_utf8() > 30 {
                break;
            }
            out.push(c);
        }
        out
    });
    let agent = (
        "[a-z][a-z0-9._'-]{0,15}",
        prop_oneof![Just("company.com"), Just("例え.jp")],
    )
        .prop_map(|(u, d)| format!("{u}@{d}"));
    (id.clone(), id, btree_set(agent, 1..=6))
        .prop_map(|(sp, g, agents)| (sp, g, agents.into_iter().collect()))
        .boxed()
}

/// 1–`SLOTS` hunt groups with distinct serviceUserIds, for a file.
fn file_state(target: Target) -> BoxedStrategy<Vec<HuntGroup>> {
    (file_ids(target), 1..=SLOTS)
        .prop_flat_map(move |(ids, n)| {
            (0..n)
                .map(|slot| hunt_group(target, slot, ids.clone()))
                .collect::<Vec<_>>()
        })
        .boxed()
}

/// The hunt groups of slots `slots` in the sandbox's group.
fn sandbox_state(slots: Vec<usize>) -> BoxedStrategy<Vec<HuntGroup>> {
    slots
        .into_iter()
        .map(|slot| hunt_group(Target::Wire, slot, (SP.into(), GROUP.into(), users())))
        .collect::<Vec<_>>()
        .boxed()
}

// ---------------------------------------------------------------- helpers

fn without_passwords(groups: &[HuntGroup]) -> Vec<HuntGroup> {
    groups
        .iter()
        .cloned()
        .map(|mut g| {
            g.service_instance_profile.password = None;
            g
        })
        .collect()
}

/// A sandbox state with the service provider, group, numbers and users the strategies use.
fn seed() -> SandboxState {
    let phone_numbers = (0..SLOTS)
        .flat_map(|slot| (0..10).map(move |k| format!("20255501{slot}{k}")))
        .collect();
    let users = users()
        .into_iter()
        .enumerate()
        .map(|(i, user_id)| UserState {
            user_id,
            last_name: format!("Last{i}"),
            first_name: "Fïrst".into(),
            extension: Some(format!("90{i}")),
            ..UserState::default()
        })
        .collect();
    SandboxState {
        format_version: 1,
        service_providers: vec![ServiceProviderState {
            id: SP.into(),
            groups: vec![GroupState {
                id: GROUP.into(),
                country_code: CC.into(),
                departments: Vec::new(),
                phone_numbers,
                users,
                hunt_groups: Vec::new(),
                ..Default::default()
            }],
            departments: Vec::new(),
            ..Default::default()
        }],
    }
}

/// Runs commands against a sandbox [`Store`] through the real codec on both sides: the client's
/// request encoder, the sandbox's request decoder, the sandbox's reply encoder and the client's
/// reply decoder. Every document is checked to hold one reply per command.
struct Wire(Mutex<Store>);

impl Wire {
    fn new() -> Wire {
        Wire(Mutex::new(Store::new(seed()).unwrap()))
    }

    fn roundtrip(&self, requests: &[Request]) -> Vec<Response> {
        let doc = request_document("prop-session", requests);
        let decoded = decode_request_document(&doc).unwrap();
        assert_eq!(decoded.session_id, "prop-session");
        let mut store = self.0.lock().unwrap();
        let responses: Vec<Response> = decoded
            .commands
            .iter()
            .map(|c| match c {
                Ok(r) => store.execute(r).0,
                Err(v) => panic!("the sandbox refused a command huntctl wrote: {v:?}"),
            })
            .collect();
        let reply = response_document(&decoded.session_id, &responses);
        let parsed = decode_response_document(&reply).unwrap();
        assert_eq!(parsed.responses.len(), requests.len());
        parsed.responses
    }
}

impl Execute for Wire {
    fn execute(
        &self,
        requests: Vec<Request>,
    ) -> impl Future<Output = Vec<Result<Response, CommandFailure>>> + Send {
        let out = self.roundtrip(&requests).into_iter().map(Ok).collect();
        std::future::ready(out)
    }
}

/// Checks `read` (from the server) against `want` (desired) on every managed field.
fn assert_managed_fields_equal(want: &HuntGroup, read: &HuntGroup, cc: Option<&str>) {
    let (w, r) = (
        &want.service_instance_profile,
        &read.service_instance_profile,
    );
    let id = &want.service_user_id;
    let same = |name: &str, wf: &Field<String>, rf: &Field<String>, number: bool| {
        let norm = |s: &String| if number { e164(s, cc) } else { s.clone() };
        match wf {
            Field::Unmanaged => {}
            Field::Absent => assert_eq!(rf, &Field::Absent, "{id}: {name}"),
            Field::Value(v) => assert_eq!(
                rf.value().map(norm),
                Some(norm(v)),
                "{id}: {name} (read {rf:?})"
            ),
        }
    };
    assert_eq!(read.service_provider_id, want.service_provider_id);
    assert_eq!(read.group_id, want.group_id);
    assert_eq!(read.service_user_id, want.service_user_id);
    assert_eq!(r.name, w.name, "{id}: name");
    assert_eq!(r.calling_line_id_last_name, w.calling_line_id_last_name);
    assert_eq!(r.calling_line_id_first_name, w.calling_line_id_first_name);
    same(
        "hiraganaLastName",
        &w.hiragana_last_name,
        &r.hiragana_last_name,
        false,
    );
    same(
        "hiraganaFirstName",
        &w.hiragana_first_name,
        &r.hiragana_first_name,
        false,
    );
    same("phoneNumber", &w.phone_number, &r.phone_number, true);
    same("extension", &w.extension, &r.extension, false);
    same("language", &w.language, &r.language, false);
    same("timeZone", &w.time_zone, &r.time_zone, false);
    assert_eq!(r.alias, w.alias, "{id}: alias");
    same(
        "publicUserIdentity",
        &w.public_user_identity,
        &r.public_user_identity,
        false,
    );
    same(
        "callingLineIdPhoneNumber",
        &w.calling_line_id_phone_number,
        &r.calling_line_id_phone_number,
        true,
    );
    assert_eq!(r.password, None, "the password is write-only");
    assert_eq!(read.policy, want.policy);
    assert_eq!(read.hunt_after_no_answer, want.hunt_after_no_answer);
    assert_eq!(
        read.no_answer_number_of_rings,
        want.no_answer_number_of_rings
    );
    assert_eq!(read.forward_after_timeout, want.forward_after_timeout);
    assert_eq!(read.forward_timeout_seconds, want.forward_timeout_seconds);
    same(
        "forwardToPhoneNumber",
        &want.forward_to_phone_number,
        &read.forward_to_phone_number,
        true,
    );
    let ids = |g: &HuntGroup| {
        g.agents
            .iter()
            .map(|a| a.user_id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(read), ids(want), "{id}: agents in hunt order");
    for (wa, ra) in want.agents.iter().zip(&read.agents) {
        if let Some(wt) = wa.weight {
            assert_eq!(ra.weight, Some(wt), "{id}: weight of {}", wa.user_id);
        }
    }
    assert_eq!(
        read.allow_call_waiting_for_agents,
        want.allow_call_waiting_for_agents
    );
    assert_eq!(
        read.use_system_hunt_group_clid_setting,
        want.use_system_hunt_group_clid_setting
    );
    assert_eq!(
        read.include_hunt_group_name_in_clid,
        want.include_hunt_group_name_in_clid
    );
    assert_eq!(
        read.enable_not_reachable_forwarding,
        want.enable_not_reachable_forwarding
    );
    same(
        "notReachableForwardToPhoneNumber",
        &want.not_reachable_forward_to_phone_number,
        &read.not_reachable_forward_to_phone_number,
        true,
    );
    assert_eq!(
        read.make_busy_when_not_reachable,
        want.make_busy_when_not_reachable
    );
    assert_eq!(
        read.allow_members_to_control_group_busy,
        want.allow_members_to_control_group_busy
    );
    assert_eq!(read.enable_group_busy, want.enable_group_busy);
    assert_eq!(
        read.apply_group_busy_when_terminating_to_agent,
        want.apply_group_busy_when_terminating_to_agent
    );
    same(
        "networkClassOfService",
        &want.network_class_of_service,
        &read.network_class_of_service,
        false,
    );
}

fn load(name: &str, text: &str) -> Vec<HuntGroup> {
    match desired::load_str(name, text) {
        Ok(s) => s.hunt_groups,
        Err(d) => panic!(
            "{name} written by huntctl does not load:\n{}\n---\n{text}",
            d.render(false)
        ),
    }
}

/// Plans `desired` against what `exec` holds: (plan, number of writes).
fn plan_against<E: Execute>(exec: &E, desired: &[HuntGroup]) -> plan::Plan {
    let opts = PlanOptions::default();
    let current = block_on(fetch(exec, desired, &opts)).unwrap();
    diff(desired, &current, &opts)
}

fn pending(plan: &plan::Plan) -> Vec<(String, Action, Vec<String>)> {
    plan.writes()
        .map(|c| {
            (
                c.service_user_id.clone(),
                c.action,
                c.changed_paths().iter().map(|p| p.to_string()).collect(),
            )
        })
        .collect()
}

// ---------------------------------------------------------------- properties

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// HuntGroup → YAML → load is the identity (passwords are never written).
    #[test]
    fn yaml_round_trip(groups in file_state(Target::Yaml)) {
        let yaml = desired::to_yaml(&groups);
        let loaded = load("prop.yaml", &yaml);
        prop_assert_eq!(loaded, without_passwords(&groups), "YAML:\n{}", yaml);
    }

    /// HuntGroup → CSV → load is the identity (passwords are never written).
    #[test]
    fn csv_round_trip(groups in file_state(Target::Csv)) {
        let csv = desired::to_csv(&groups);
        let loaded = load("prop.csv", &csv);
        prop_assert_eq!(loaded, without_passwords(&groups), "CSV:\n{}", csv);
    }

    /// The diff of a state with itself is empty, whatever the state.
    #[test]
    fn diff_of_a_state_with_itself_is_empty(groups in file_state(Target::Yaml)) {
        let mut current = CurrentState::new();
        for g in &groups {
            current.insert(g.clone());
        }
        let plan = diff(&groups, &current, &PlanOptions { prune: true, ..PlanOptions::default() });
        prop_assert_eq!(pending(&plan), vec![]);
        prop_assert!(!plan.has_changes());
        prop_assert_eq!(plan.changes.len(), groups.len());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// HuntGroup → AddInstance (+ weights) → sandbox → GetInstance reply → from_details equals
    /// the original on managed fields; and planning it again gives no changes.
    #[test]
    fn create_then_read_back_equals_desired(groups in sandbox_state((0..SLOTS).collect())) {
        let wire = Wire::new();
        for g in &groups {
            let responses = wire.roundtrip(&plan::to_create_requests(g));
            for r in &responses {
                prop_assert_eq!(r, &Response::Success, "creating {}", g.service_user_id);
            }
            let got = wire.roundtrip(&[Request::GetInstance { service_user_id: g.service_user_id.clone() }]);
            let Some(Response::Instance(details)) = got.first() else {
                panic!("GetInstance of {} answered {got:?}", g.service_user_id);
            };
            let read = plan::from_details(SP, GROUP, &g.service_user_id, details);
            assert_managed_fields_equal(g, &read, details.country_code.as_deref());
        }
        let again = plan_against(&wire, &groups);
        prop_assert_eq!(pending(&again), vec![]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Apply a plan through the real Pool against an in-process sandbox over TCP: a first state
    /// (creates), then a second over the same and new hunt groups (updates and creates); each
    /// time every hunt group is applied and planning again gives no changes.
    #[test]
    fn apply_then_replan_has_no_changes(
        (first, second) in (sandbox_state(vec![0, 1]), sandbox_state((0..SLOTS).collect()))
    ) {
        // The second state reuses the first's serviceUserIds for slots 0 and 1: updates.
        let mut second = second;
        for (s, f) in second.iter_mut().zip(&first) {
            s.service_user_id = f.service_user_id.clone();
        }
        let sandbox = SandboxOpts::new().seed(&seed()).start();
        block_on(async {
            let mut settings =
                ConnectionSettings::new(sandbox.url(), "admin", Secret::new("admin"));
            settings.parallelism = 2;
            settings.batch_size = 3;
            settings.connect_timeout = Duration::from_secs(5);
            settings.request_timeout = Duration::from_secs(10);
            let pool = Pool::connect(settings).await.unwrap();
            for state in [&first, &second] {
                let opts = PlanOptions::default();
                let current = fetch(&pool, state, &opts).await.unwrap();
                let plan = diff(state, &current, &opts);
                let report = apply(&pool, &plan, &|_| {}).await;
                for r in &report.results {
                    assert!(
                        matches!(r.outcome, Outcome::Created | Outcome::Updated | Outcome::Unchanged),
                        "{}: {:?} {:?} {:?}",
                        r.service_user_id, r.outcome, r.error, r.note
                    );
                }
                let current = fetch(&pool, state, &opts).await.unwrap();
                let again = diff(state, &current, &opts);
                assert_eq!(pending(&again), vec![], "re-plan after apply");
            }
            pool.close().await;
        });
        sandbox.stop();
    }
}

// ---------------------------------------------------------------- fixed cases

/// The example files load, write back and load again to the same hunt groups.
#[test]
fn example_files_round_trip() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/huntgroups");
    let state = desired::load_paths(&[dir]).unwrap();
    assert!(state.hunt_groups.len() >= 5);
    let groups = without_passwords(&state.hunt_groups);
    assert_eq!(load("x.yaml", &desired::to_yaml(&groups)), groups);
    assert_eq!(load("x.csv", &desired::to_csv(&groups)), groups);
}

/// Regression (found by `yaml_round_trip`): text made only of line breaks was written as a
/// YAML block scalar nested under its key and loaded back empty.
#[test]
fn yaml_keeps_line_breaks_and_control_characters() {
    for text in ["\n", "a\nb", "\r\n", " x\n", "\ttab", "é\n\"'&<>,"] {
        let mut g = HuntGroup::with_defaults("SP", "G", "hg@x.com");
        g.agents = vec![Agent::new("a@x.com")];
        g.service_instance_profile.name = text.to_string();
        g.service_instance_profile.calling_line_id_last_name = text.to_string();
        g.network_class_of_service = Field::Value(text.to_string());
        let groups = vec![g];
        let yaml = desired::to_yaml(&groups);
        assert_eq!(load("x.yaml", &yaml), groups, "{text:?} in\n{yaml}");
        let csv = desired::to_csv(&groups);
        assert_eq!(load("x.csv", &csv), groups, "{text:?} in\n{csv}");
    }
}

// ---------------------------------------------------------------- fuzz findings

/// Every input the fuzz targets (fuzz/fuzz_targets) ever crashed on, kept under
/// tests/fuzz-regressions/<target>/ and run through the same code as the target.
#[test]
fn fuzz_findings_stay_fixed() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut checked = 0;
    for target in [
        "yaml_loader",
        "csv_loader",
        "ocip_response",
        "sandbox_request",
    ] {
        let dir = root.join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries {
            let path = e.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            let name = path.display().to_string();
            let run = std::panic::catch_unwind(|| run_fuzz_target(target, &bytes));
            assert!(run.is_ok(), "{name} panics again");
            checked += 1;
        }
    }
    assert!(
        checked >= 1,
        "no fuzz findings found under {}",
        root.display()
    );
}

/// What each fuzz target does with one input (keep in step with fuzz/fuzz_targets/*.rs).
fn run_fuzz_target(target: &str, data: &[u8]) {
    match target {
        "yaml_loader" | "csv_loader" => {
            let Ok(text) = std::str::from_utf8(data) else {
                return;
            };
            let name = if target == "yaml_loader" {
                "fuzz.yaml"
            } else {
                "fuzz.csv"
            };
            match desired::load_str(name, text) {
                Ok(s) => {
                    let _ = desired::to_yaml(&s.hunt_groups);
                    let _ = desired::to_csv(&s.hunt_groups);
                }
                Err(d) => {
                    let _ = d.render(false);
                }
            }
        }
        "ocip_response" => {
            let _ = huntctl::ocip::xml::find_document_end(data);
            let _ = decode_response_document(data);
        }
        _ => {
            let (sid, responses) = match decode_request_document(data) {
                Err(e) => (
                    e.session_id.clone().unwrap_or_default(),
                    vec![Response::Error(e.to_oci_error())],
                ),
                Ok(doc) => {
                    let mut store = Store::new(huntctl::sandbox::seed::seed_state()).unwrap();
                    let rs = doc
                        .commands
                        .iter()
                        .map(|c| match c {
                            Err(v) => Response::Error(v.to_oci_error()),
                            Ok(r) => store.execute(r).0,
                        })
                        .collect();
                    (doc.session_id, rs)
                }
            };
            let reply = response_document(&sid, &responses);
            let parsed = decode_response_document(&reply).expect("the client reads the reply");
            assert_eq!(parsed.responses.len(), responses.len());
        }
    }
}
