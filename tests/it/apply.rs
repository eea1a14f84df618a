//! The apply engine against a stateful in-memory OCI-P server: outcomes, phases, failures,
//! ambiguity after a lost connection, convergence, the delete threshold and the JSON report.

use huntctl::apply::{
    apply, check_safety, ApplyOptions, GroupResult, Outcome, Report, SafetyError,
};
use huntctl::model::{Agent, Field, HuntGroup, Policy, Secret};
use huntctl::ocip::messages::Request;
use huntctl::plan::{diff, fetch, Action, Plan, PlanOptions};
use pretty_assertions::assert_eq;
use std::sync::Mutex;

use crate::support::fake::SP;
use crate::support::{block_on, FakeServer, Fault};

const PASSWORD: &str = "Hunt-Secret-7731";

// ---------------------------------------------------------------- helpers

fn hg(group: &str, id: &str, name: &str, policy: Policy, agents: &[&str]) -> HuntGroup {
    let mut h = HuntGroup::with_defaults(SP, group, id);
    h.service_instance_profile.name = name.into();
    h.policy = policy;
    h.agents = agents.iter().map(|a| Agent::new(*a)).collect();
    h
}

fn weighted(group: &str, id: &str, agents: &[(&str, u8)]) -> HuntGroup {
    let mut h = hg(group, id, "Weighted", Policy::Weighted, &[]);
    h.agents = agents
        .iter()
        .map(|(a, w)| Agent {
            user_id: a.to_string(),
            weight: Some(*w),
        })
        .collect();
    h
}

/// fetch + diff through the fake (recorded reads are cleared afterwards).
fn plan_for(fake: &FakeServer, desired: &[HuntGroup], prune: bool) -> Plan {
    let opts = PlanOptions {
        prune,
        ..Default::default()
    };
    let current = block_on(fetch(fake, desired, &opts)).unwrap();
    fake.clear_calls();
    diff(desired, &current, &opts)
}

/// Applies and collects what `on_result` saw.
fn run(fake: &FakeServer, plan: &Plan) -> (Report, Vec<GroupResult>) {
    let seen = Mutex::new(Vec::new());
    let report = block_on(apply(fake, plan, &|r: &GroupResult| {
        seen.lock().unwrap().push(r.clone())
    }));
    (report, seen.into_inner().unwrap())
}

fn result<'a>(report: &'a Report, id: &str) -> &'a GroupResult {
    report
        .results
        .iter()
        .find(|r| r.service_user_id == id)
        .unwrap_or_else(|| panic!("no result for {id}"))
}

/// The result for `id`, after checking its outcome and note.
fn expect_result<'a>(
    report: &'a Report,
    id: &str,
    outcome: Outcome,
    note: Option<&str>,
) -> &'a GroupResult {
    let r = result(report, id);
    assert_eq!(r.outcome, outcome, "{id}");
    assert_eq!(r.note.as_deref(), note, "{id}");
    r
}

fn weights_of(fake: &FakeServer, id: &str) -> Vec<(String, u8)> {
    fake.get(id)
        .unwrap()
        .agents
        .iter()
        .map(|a| (a.user_id.clone(), a.weight))
        .collect()
}

fn assert_converged(fake: &FakeServer, desired: &[HuntGroup], prune: bool) {
    let plan = plan_for(fake, desired, prune);
    let pending: Vec<(&str, Action)> = plan
        .writes()
        .map(|c| (c.service_user_id.as_str(), c.action))
        .collect();
    assert_eq!(pending, vec![], "re-plan after apply still has changes");
}

// ---------------------------------------------------------------- tests

/// An existing hunt group with values in every kind of field.
fn rich_existing() -> HuntGroup {
    let mut h = hg(
        "Sales",
        "rich@company.com",
        "Rich Hunt",
        Policy::Regular,
        &[
            "agent1@company.com",
            "agent2@company.com",
            "agent3@company.com",
        ],
    );
    let p = &mut h.service_instance_profile;
    p.calling_line_id_last_name = "Rich".into();
    p.phone_number = Field::Value("2025550100".into());
    p.extension = Field::Value("0100".into());
    p.alias = vec!["rich-alias@company.com".into()];
    p.calling_line_id_phone_number = Field::Value("+12025550111".into());
    h.forward_after_timeout = true;
    h.forward_to_phone_number = Field::Value("+12025550199".into());
    h.enable_not_reachable_forwarding = true;
    h.not_reachable_forward_to_phone_number = Field::Value("sip:overflow@company.com".into());
    h
}

#[test]
fn creates_updates_and_deletes_every_field_kind_then_converge() {
    let fake = FakeServer::new(&["Sales", "Support"]);
    fake.seed(&rich_existing());
    fake.seed(&hg(
        "Sales",
        "same@company.com",
        "Same",
        Policy::Simultaneous,
        &["agent4@company.com"],
    ));
    fake.seed(&hg(
        "Support",
        "old@company.com",
        "Old",
        Policy::Uniform,
        &[],
    ));
    fake.seed(&weighted(
        "Support",
        "wupd@company.com",
        &[("agent1@company.com", 10), ("agent2@company.com", 20)],
    ));

    // Update: text, number (national ↔ E.164 equal, so unchanged), nil clears, aliases,
    // policy, integers, booleans, agent reorder + removal, SIP URI change.
    let mut rich = rich_existing();
    let p = &mut rich.service_instance_profile;
    p.name = "Rich Hunt Group".into();
    p.phone_number = Field::Value("+1-2025550100".into());
    p.extension = Field::Absent;
    p.alias = vec!["rich-a@company.com".into(), "rich-b@company.com".into()];
    p.calling_line_id_phone_number = Field::Absent;
    p.time_zone = Field::Value("America/New_York".into());
    rich.policy = Policy::Circular;
    rich.no_answer_number_of_rings = 3;
    rich.forward_timeout_seconds = 45;
    rich.forward_to_phone_number = Field::Absent;
    rich.not_reachable_forward_to_phone_number = Field::Value("sip:night@company.com".into());
    rich.enable_group_busy = true;
    rich.include_hunt_group_name_in_clid = false;
    rich.agents = vec![
        Agent::new("agent3@company.com"),
        Agent::new("agent1@company.com"),
    ];

    // Create with a password and numbers in several forms.
    let mut fresh = hg(
        "Support",
        "new@company.com",
        "New Line",
        Policy::Regular,
        &["agent5@company.com", "agent6@company.com"],
    );
    fresh.service_instance_profile.password = Some(Secret::new(PASSWORD));
    fresh.service_instance_profile.phone_number = Field::Value("+1-2025550300".into());
    fresh.service_instance_profile.extension = Field::Value("0300".into());
    fresh.forward_to_phone_number = Field::Value("2025550301".into());

    // Update of the weights and agents of a weighted group (modify, then weights).
    let wupd = weighted(
        "Support",
        "wupd@company.com",
        &[("agent2@company.com", 70), ("agent7@company.com", 30)],
    );

    let same = hg(
        "Sales",
        "same@company.com",
        "Same",
        Policy::Simultaneous,
        &["agent4@company.com"],
    );
    let desired = vec![rich, fresh, wupd, same];
    let plan = plan_for(&fake, &desired, true);
    assert_eq!(plan.summary().create, 1);
    assert_eq!(plan.summary().update, 2);
    assert_eq!(plan.summary().delete, 1);

    let (report, seen) = run(&fake, &plan);
    let outcomes: Vec<(&str, Outcome)> = report
        .results
        .iter()
        .map(|r| (r.service_user_id.as_str(), r.outcome))
        .collect();
    assert_eq!(
        outcomes,
        vec![
            ("rich@company.com", Outcome::Updated),
            ("same@company.com", Outcome::Unchanged),
            ("new@company.com", Outcome::Created),
            ("old@company.com", Outcome::Deleted),
            ("wupd@company.com", Outcome::Updated),
        ]
    );
    assert_eq!(
        report.summary_line(),
        "Apply complete: 1 created, 2 updated, 1 deleted, 0 failed."
    );
    assert_eq!(report.exit_code(), 0);
    // on_result: once per written hunt group, never for the unchanged one.
    let mut seen_ids: Vec<&str> = seen.iter().map(|r| r.service_user_id.as_str()).collect();
    seen_ids.sort();
    assert_eq!(
        seen_ids,
        vec![
            "new@company.com",
            "old@company.com",
            "rich@company.com",
            "wupd@company.com"
        ]
    );
    assert_eq!(
        result(&report, "wupd@company.com").commands,
        vec![
            "GroupHuntGroupModifyInstanceRequest",
            "GroupHuntGroupModifyInstanceWeightedCallDistributionRequest"
        ]
    );
    assert_eq!(
        result(&report, "old@company.com").commands,
        vec!["GroupHuntGroupDeleteInstanceRequest"]
    );

    // The server really holds the desired values.
    let r = fake.get("rich@company.com").unwrap();
    let rp = &r.hunt_group.service_instance_profile;
    assert_eq!(rp.extension, Field::Absent);
    assert_eq!(rp.calling_line_id_phone_number, Field::Absent);
    assert_eq!(r.hunt_group.forward_to_phone_number, Field::Absent);
    assert_eq!(r.hunt_group.policy, Policy::Circular);
    assert_eq!(rp.alias.len(), 2);
    let agents: Vec<&str> = r.agents.iter().map(|a| a.user_id.as_str()).collect();
    assert_eq!(agents, vec!["agent3@company.com", "agent1@company.com"]);
    assert!(fake.get("old@company.com").is_none());
    assert_eq!(
        weights_of(&fake, "wupd@company.com"),
        vec![
            ("agent2@company.com".to_string(), 70),
            ("agent7@company.com".to_string(), 30)
        ]
    );
    // Every phase was one execute call: phase 1 (4 writes), phase 2 (the weights).
    let calls = fake.calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].len(), 3 + 1);
    assert_eq!(calls[1].len(), 1);

    assert_converged(&fake, &desired, true);
    // And a second apply of the fresh plan writes nothing.
    let again = plan_for(&fake, &desired, true);
    let (report, seen) = run(&fake, &again);
    assert!(fake.writes().is_empty());
    assert!(seen.is_empty());
    assert!(report
        .results
        .iter()
        .all(|r| r.outcome == Outcome::Unchanged));
}

#[test]
fn zero_change_plan_sends_nothing() {
    let fake = FakeServer::new(&["Sales"]);
    let a = hg("Sales", "a@company.com", "A", Policy::Regular, &[]);
    fake.seed(&a);
    let plan = plan_for(&fake, std::slice::from_ref(&a), false);
    assert!(!plan.has_changes());
    let (report, seen) = run(&fake, &plan);
    assert_eq!(
        fake.calls(),
        Vec::<Vec<Request>>::new(),
        "no execute call at all"
    );
    assert!(seen.is_empty());
    assert_eq!(report.results.len(), 1);
    assert_eq!(report.results[0].outcome, Outcome::Unchanged);
    assert_eq!(
        report.summary_line(),
        "Apply complete: 0 created, 0 updated, 0 deleted, 0 failed."
    );
    assert_eq!(
        Report::render_line(&report.results[0]),
        "  a@company.com: unchanged"
    );
}

#[test]
fn mixed_batch_failures_do_not_stop_the_others() {
    let fake = FakeServer::new(&["Sales", "Other"]);
    // Exists in a group the desired state does not name: the plan says create, BroadWorks
    // says duplicate.
    fake.seed(&hg("Other", "dup@company.com", "Dup", Policy::Regular, &[]));
    fake.seed(&hg("Sales", "upd@company.com", "Upd", Policy::Regular, &[]));
    let mut upd = hg("Sales", "upd@company.com", "Upd", Policy::Regular, &[]);
    upd.no_answer_number_of_rings = 7;
    let desired = vec![
        hg(
            "Sales",
            "ok1@company.com",
            "Ok 1",
            Policy::Regular,
            &["agent1@company.com"],
        ),
        hg("Sales", "dup@company.com", "Dup", Policy::Regular, &[]),
        hg(
            "Sales",
            "bad-agent@company.com",
            "Bad",
            Policy::Regular,
            &["nobody@company.com"],
        ),
        hg("Sales", "ok2@company.com", "Ok 2", Policy::Uniform, &[]),
        upd,
        weighted("Sales", "wfail@company.com", &[("nobody@company.com", 50)]),
    ];
    let plan = plan_for(&fake, &desired, false);
    fake.fault(
        "GroupHuntGroupModifyInstanceRequest",
        "upd@company.com",
        Fault::Refuse,
    );
    let (report, seen) = run(&fake, &plan);

    assert_eq!(result(&report, "ok1@company.com").outcome, Outcome::Created);
    assert_eq!(result(&report, "ok2@company.com").outcome, Outcome::Created);
    let dup = result(&report, "dup@company.com");
    assert_eq!(dup.outcome, Outcome::Failed);
    let e = dup.error.as_ref().unwrap();
    assert_eq!(e.code, Some(4500));
    assert_eq!(e.summary, "[Error 4500] Duplicate user id");
    assert_eq!(e.detail.as_deref(), Some("dup@company.com already exists"));
    assert_eq!(dup.response, "ErrorResponse");
    let bad = result(&report, "bad-agent@company.com");
    assert_eq!(bad.error.as_ref().unwrap().code, Some(4008));
    let refused = result(&report, "upd@company.com");
    assert_eq!(refused.outcome, Outcome::Failed);
    assert_eq!(refused.error.as_ref().unwrap().code, Some(4999));
    // A weighted create whose add fails never gets its weights sent.
    let wfail = result(&report, "wfail@company.com");
    assert_eq!(wfail.outcome, Outcome::Failed);
    assert_eq!(wfail.commands, vec!["GroupHuntGroupAddInstanceRequest20"]);
    assert_eq!(
        fake.count(
            "GroupHuntGroupModifyInstanceWeightedCallDistributionRequest",
            "wfail@company.com"
        ),
        0
    );
    assert_eq!(
        fake.calls().len(),
        1,
        "all first commands in one execute call"
    );

    assert_eq!(
        report.summary_line(),
        "Apply complete: 2 created, 0 updated, 0 deleted, 4 failed."
    );
    assert_eq!(report.failed(), 4);
    assert_eq!(report.exit_code(), 1);
    assert_eq!(seen.len(), 6);
    assert_eq!(
        Report::render_line(dup).split(" (").next().unwrap(),
        "! dup@company.com: create failed: [Error 4500] Duplicate user id"
    );
    assert!(Report::render_line(dup).contains("(dup@company.com already exists)"));
    assert!(Report::render_line(result(&report, "ok1@company.com"))
        .starts_with("+ ok1@company.com: created ("));
}

#[test]
fn weighted_create_runs_in_two_phases() {
    let fake = FakeServer::new(&["Sales"]);
    let desired = vec![
        weighted(
            "Sales",
            "w1@company.com",
            &[("agent1@company.com", 60), ("agent2@company.com", 40)],
        ),
        hg("Sales", "plain@company.com", "Plain", Policy::Regular, &[]),
        weighted("Sales", "w2@company.com", &[("agent3@company.com", 100)]),
    ];
    let plan = plan_for(&fake, &desired, false);
    let (report, _) = run(&fake, &plan);
    let calls = fake.calls();
    let types = |i: usize| -> Vec<&str> { calls[i].iter().map(Request::type_name).collect() };
    assert_eq!(calls.len(), 2);
    assert_eq!(types(0), vec!["GroupHuntGroupAddInstanceRequest20"; 3]);
    assert_eq!(
        types(1),
        vec!["GroupHuntGroupModifyInstanceWeightedCallDistributionRequest"; 2]
    );
    assert_eq!(
        weights_of(&fake, "w1@company.com"),
        vec![
            ("agent1@company.com".to_string(), 60),
            ("agent2@company.com".to_string(), 40)
        ]
    );
    assert_eq!(report.count(Outcome::Created), 3);
    assert_converged(&fake, &desired, false);
}

#[test]
fn second_command_failure_says_what_was_done() {
    let fake = FakeServer::new(&["Sales"]);
    let w = weighted("Sales", "w@company.com", &[("agent1@company.com", 60)]);
    let plan = plan_for(&fake, std::slice::from_ref(&w), false);
    fake.fault(
        "GroupHuntGroupModifyInstanceWeightedCallDistributionRequest",
        "w@company.com",
        Fault::Refuse,
    );
    let (report, _) = run(&fake, &plan);
    let r = result(&report, "w@company.com");
    assert_eq!(r.outcome, Outcome::Failed);
    assert_eq!(r.error.as_ref().unwrap().code, Some(4999));
    let note = r.note.as_deref().unwrap();
    assert!(
        note.starts_with("created, but the agent weights were refused"),
        "{note}"
    );
    assert!(fake.get("w@company.com").is_some());
    // The next run only has the weights left to do, and does them.
    fake.clear_faults();
    let plan = plan_for(&fake, std::slice::from_ref(&w), false);
    assert_eq!(plan.summary().update, 1);
    let (report, _) = run(&fake, &plan);
    assert_eq!(report.results[0].outcome, Outcome::Updated);
    assert_converged(&fake, &[w], false);
}

#[test]
fn lost_create_that_happened_is_confirmed_not_resent() {
    let fake = FakeServer::new(&["Sales"]);
    let desired = vec![
        weighted("Sales", "lost@company.com", &[("agent1@company.com", 80)]),
        hg("Sales", "fine@company.com", "Fine", Policy::Regular, &[]),
    ];
    let plan = plan_for(&fake, &desired, false);
    fake.fault(
        "GroupHuntGroupAddInstanceRequest20",
        "lost@company.com",
        Fault::LostAfter,
    );
    let (report, _) = run(&fake, &plan);
    let r = expect_result(
        &report,
        "lost@company.com",
        Outcome::Created,
        Some("created, confirmed after reconnect"),
    );
    assert_eq!(
        fake.count("GroupHuntGroupAddInstanceRequest20", "lost@company.com"),
        1,
        "a create is never sent twice"
    );
    assert_eq!(
        fake.count("GroupHuntGroupGetInstanceRequest20", "lost@company.com"),
        1
    );
    // Confirmed, so its weights still went out in phase 2.
    assert_eq!(weights_of(&fake, "lost@company.com")[0].1, 80);
    assert_eq!(
        result(&report, "fine@company.com").outcome,
        Outcome::Created
    );
    assert!(Report::render_line(r).contains("created, confirmed after reconnect"));
    assert_converged(&fake, &desired, false);
}

#[test]
fn lost_create_that_did_not_happen_is_reported_and_next_run_converges() {
    let fake = FakeServer::new(&["Sales"]);
    let desired = vec![
        weighted("Sales", "lost@company.com", &[("agent1@company.com", 80)]),
        hg("Sales", "fine@company.com", "Fine", Policy::Regular, &[]),
    ];
    let plan = plan_for(&fake, &desired, false);
    fake.fault(
        "GroupHuntGroupAddInstanceRequest20",
        "lost@company.com",
        Fault::LostBefore,
    );
    let (report, _) = run(&fake, &plan);
    let r = expect_result(
        &report,
        "lost@company.com",
        Outcome::Failed,
        Some("not created (connection lost before the server answered)"),
    );
    assert!(r
        .error
        .as_ref()
        .unwrap()
        .summary
        .starts_with("outcome unknown"));
    assert_eq!(
        fake.count("GroupHuntGroupAddInstanceRequest20", "lost@company.com"),
        1
    );
    // The GetInstance was refused, so the group listing settled it.
    assert_eq!(
        fake.count("GroupHuntGroupGetInstanceListRequest", "Sales"),
        1
    );
    assert_eq!(
        fake.count(
            "GroupHuntGroupModifyInstanceWeightedCallDistributionRequest",
            "lost@company.com"
        ),
        0
    );
    assert!(fake.get("lost@company.com").is_none());
    assert_eq!(report.failed(), 1);

    fake.clear_faults();
    let plan = plan_for(&fake, &desired, false);
    assert_eq!(plan.summary().create, 1);
    let (report, _) = run(&fake, &plan);
    assert_eq!(report.failed(), 0);
    assert_converged(&fake, &desired, false);
}

#[test]
fn lost_deletes_and_modifies_are_settled_by_reading() {
    let fake = FakeServer::new(&["Sales"]);
    for id in ["d1", "d2", "m1", "m2"] {
        fake.seed(&hg(
            "Sales",
            &format!("{id}@company.com"),
            id,
            Policy::Regular,
            &[],
        ));
    }
    let mut m1 = hg("Sales", "m1@company.com", "m1", Policy::Regular, &[]);
    m1.service_instance_profile.name = "M One".into();
    m1.enable_group_busy = true;
    let mut m2 = hg("Sales", "m2@company.com", "m2", Policy::Regular, &[]);
    m2.no_answer_number_of_rings = 9;
    let desired = vec![m1, m2];
    let plan = plan_for(&fake, &desired, true);
    assert_eq!(plan.summary().delete, 2);
    fake.fault(
        "GroupHuntGroupDeleteInstanceRequest",
        "d1@company.com",
        Fault::LostAfter,
    );
    fake.fault(
        "GroupHuntGroupDeleteInstanceRequest",
        "d2@company.com",
        Fault::LostBefore,
    );
    fake.fault(
        "GroupHuntGroupModifyInstanceRequest",
        "m1@company.com",
        Fault::LostAfter,
    );
    fake.fault(
        "GroupHuntGroupModifyInstanceRequest",
        "m2@company.com",
        Fault::LostBefore,
    );
    let (report, _) = run(&fake, &plan);

    expect_result(
        &report,
        "d1@company.com",
        Outcome::Deleted,
        Some("deleted, confirmed after reconnect"),
    );
    expect_result(
        &report,
        "d2@company.com",
        Outcome::Failed,
        Some("not deleted (connection lost before the server answered)"),
    );
    expect_result(
        &report,
        "m1@company.com",
        Outcome::Updated,
        Some("updated, confirmed after reconnect"),
    );
    expect_result(
        &report,
        "m2@company.com",
        Outcome::Failed,
        Some("not applied (connection lost before the server answered)"),
    );
    // Nothing was resent: one write per hunt group.
    assert_eq!(fake.writes().len(), 4);
    // All four read back in one call.
    let gets: Vec<usize> = fake
        .calls()
        .iter()
        .filter(|c| c[0].type_name() == "GroupHuntGroupGetInstanceRequest20")
        .map(Vec::len)
        .collect();
    assert_eq!(gets, vec![4]);

    fake.clear_faults();
    let plan = plan_for(&fake, &desired, true);
    assert_eq!(plan.writes().count(), 2);
    let (report, _) = run(&fake, &plan);
    assert_eq!(report.failed(), 0);
    assert_converged(&fake, &desired, true);
}

#[test]
fn failed_read_back_and_not_sent_are_reported_honestly() {
    let fake = FakeServer::new(&["Sales"]);
    let desired = vec![
        hg("Sales", "unknown@company.com", "U", Policy::Regular, &[]),
        hg("Sales", "unsent@company.com", "N", Policy::Regular, &[]),
    ];
    let plan = plan_for(&fake, &desired, false);
    fake.fault(
        "GroupHuntGroupAddInstanceRequest20",
        "unknown@company.com",
        Fault::LostAfter,
    );
    fake.fault(
        "GroupHuntGroupAddInstanceRequest20",
        "unsent@company.com",
        Fault::NotSent,
    );
    fake.fail_reads();
    let (report, _) = run(&fake, &plan);
    let u = result(&report, "unknown@company.com");
    assert_eq!(u.outcome, Outcome::Failed);
    assert!(
        u.note
            .as_deref()
            .unwrap()
            .starts_with("outcome unknown: re-run plan"),
        "{:?}",
        u.note
    );
    expect_result(
        &report,
        "unsent@company.com",
        Outcome::Failed,
        Some("not sent (safe to retry on the next run)"),
    );
    assert_eq!(
        fake.count("GroupHuntGroupAddInstanceRequest20", "unknown@company.com"),
        1
    );
    assert_eq!(
        fake.count("GroupHuntGroupAddInstanceRequest20", "unsent@company.com"),
        1
    );
    assert_eq!(report.failed(), 2);
}

#[test]
fn duplicate_create_in_a_plan_is_sent_once() {
    let fake = FakeServer::new(&["Sales"]);
    let a = hg("Sales", "twice@company.com", "Twice", Policy::Regular, &[]);
    let mut plan = plan_for(&fake, std::slice::from_ref(&a), false);
    let again = plan.changes[0].clone();
    plan.changes.push(again);
    let (report, _) = run(&fake, &plan);
    assert_eq!(
        fake.count("GroupHuntGroupAddInstanceRequest20", "twice@company.com"),
        1
    );
    assert_eq!(report.results[0].outcome, Outcome::Created);
    assert_eq!(report.results[1].outcome, Outcome::Failed);
    assert!(report.results[1].commands.is_empty());
}

#[test]
fn saved_plan_without_passwords_is_not_applied_blind() {
    let fake = FakeServer::new(&["Sales"]);
    let mut a = hg("Sales", "pw@company.com", "Pw", Policy::Regular, &[]);
    a.service_instance_profile.password = Some(Secret::new(PASSWORD));
    let plan = plan_for(&fake, std::slice::from_ref(&a), false);
    let loaded = Plan::from_saved_json(&plan.to_saved_json(), "p.json".as_ref()).unwrap();
    let (report, _) = run(&fake, &loaded);
    assert_eq!(report.results[0].outcome, Outcome::Failed);
    assert!(fake.writes().is_empty());
    // Restored from the desired state, it goes through with the password.
    let mut loaded = loaded;
    assert!(loaded.restore_secrets(std::slice::from_ref(&a)).is_empty());
    let (report, _) = run(&fake, &loaded);
    assert_eq!(report.results[0].outcome, Outcome::Created);
    let sent = fake.calls().into_iter().flatten().find_map(|r| match r {
        Request::AddInstance(a) => a.hunt_group.service_instance_profile.password.clone(),
        _ => None,
    });
    assert_eq!(
        sent.map(|s| s.expose().to_string()).as_deref(),
        Some(PASSWORD)
    );
}

fn threshold_plan(existing: usize, keep: usize) -> Plan {
    let fake = FakeServer::new(&["Sales"]);
    let all: Vec<HuntGroup> = (0..existing)
        .map(|i| {
            hg(
                "Sales",
                &format!("hg{i:02}@company.com"),
                "H",
                Policy::Regular,
                &[],
            )
        })
        .collect();
    for h in &all {
        fake.seed(h);
    }
    plan_for(&fake, &all[..keep], true)
}

#[test]
fn delete_threshold() {
    let opts = ApplyOptions::default();
    assert_eq!(
        (
            opts.delete_threshold_percent,
            opts.min_groups_for_threshold,
            opts.force
        ),
        (30, 10, false)
    );
    // 9 existing: too few for the threshold, even when deleting most of them.
    let p = threshold_plan(9, 2);
    assert_eq!(p.summary().delete, 7);
    assert_eq!(check_safety(&p, &opts), Ok(()));
    // 10 existing, 4 deletes (40%): refused.
    let p = threshold_plan(10, 6);
    assert_eq!(p.summary().delete, 4);
    let err = check_safety(&p, &opts).unwrap_err();
    assert_eq!(
        err,
        SafetyError::DeleteThreshold {
            deletes: 4,
            existing: 10,
            percent: 40,
            threshold: 30
        }
    );
    let msg = err.to_string();
    // The library says what is wrong in its own terms; the CLI adds the flag (e2e).
    assert!(msg.contains("4 of 10") && msg.contains("force"), "{msg}");
    assert!(!msg.contains("--"), "{msg}");
    // With force: allowed.
    let forced = ApplyOptions {
        force: true,
        ..opts.clone()
    };
    assert_eq!(check_safety(&p, &forced), Ok(()));
    // 3 of 10 is exactly 30%: not more than the threshold.
    assert_eq!(check_safety(&threshold_plan(10, 7), &opts), Ok(()));
    // The threshold is configurable.
    let strict = ApplyOptions {
        delete_threshold_percent: 20,
        ..opts
    };
    assert!(check_safety(&threshold_plan(10, 7), &strict).is_err());
    // No deletes, no refusal.
    assert_eq!(check_safety(&threshold_plan(10, 10), &strict), Ok(()));
}

#[test]
fn json_report_has_the_peer_sdk_keys_and_no_password() {
    let fake = FakeServer::new(&["Sales"]);
    fake.seed(&hg(
        "Sales",
        "same@company.com",
        "Same",
        Policy::Regular,
        &[],
    ));
    let mut ok = hg(
        "Sales",
        "ok@company.com",
        "Ok",
        Policy::Regular,
        &["agent1@company.com"],
    );
    ok.service_instance_profile.password = Some(Secret::new(PASSWORD));
    let mut bad = hg(
        "Sales",
        "bad@company.com",
        "Bad",
        Policy::Regular,
        &["ghost@company.com"],
    );
    bad.service_instance_profile.password = Some(Secret::new(PASSWORD));
    let same = hg("Sales", "same@company.com", "Same", Policy::Regular, &[]);
    let plan = plan_for(&fake, &[ok, bad, same], false);
    let (report, seen) = run(&fake, &plan);
    let text = report.to_json();
    assert!(!text.contains(PASSWORD), "password leaked into the report");
    for r in &seen {
        assert!(!Report::render_line(r).contains(PASSWORD));
        assert!(!format!("{r:?}").contains(PASSWORD));
    }

    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["format_version"], 1);
    assert!(doc["started"].as_str().unwrap().ends_with('Z'));
    assert!(doc["duration_ms"].is_u64());
    assert_eq!(
        doc["summary"],
        serde_json::json!({"created": 1, "updated": 0, "deleted": 0, "unchanged": 1, "failed": 1})
    );
    let results = doc["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    for r in results {
        for key in [
            "index",
            "data",
            "command",
            "response",
            "success",
            "error",
            "action",
            "errorCode",
            "duration_ms",
            "note",
        ] {
            assert!(r.get(key).is_some(), "missing {key} in {r}");
        }
    }
    let by_id = |id: &str| {
        results
            .iter()
            .find(|r| r["serviceUserId"] == id)
            .unwrap()
            .clone()
    };
    let bad = by_id("bad@company.com");
    assert_eq!(bad["success"], false);
    assert_eq!(bad["action"], "create");
    assert_eq!(bad["outcome"], "failed");
    assert_eq!(bad["errorCode"], 4008);
    assert_eq!(
        bad["error"],
        "[Error 4008] User not found (agentUserId ghost@company.com is not a user)"
    );
    assert_eq!(bad["response"], "ErrorResponse");
    let ok = by_id("ok@company.com");
    assert_eq!(ok["success"], true);
    assert_eq!(ok["error"], serde_json::Value::Null);
    assert_eq!(ok["errorCode"], serde_json::Value::Null);
    assert_eq!(ok["response"], "SuccessResponse");
    assert_eq!(
        ok["command"],
        serde_json::json!(["GroupHuntGroupAddInstanceRequest20"])
    );
    // The peer SDK's scripts read result['data']['serviceInstanceProfile']['name'].
    assert_eq!(ok["data"]["serviceInstanceProfile"]["name"], "Ok");
    assert_eq!(
        ok["data"]["serviceInstanceProfile"]["password"],
        "(sensitive)"
    );
    let same = by_id("same@company.com");
    assert_eq!(same["success"], true);
    assert_eq!(same["action"], "no-op");
    assert_eq!(same["outcome"], "unchanged");
    assert_eq!(same["command"], serde_json::json!([]));
    // index is the position in the plan.
    let idx: Vec<u64> = results
        .iter()
        .map(|r| r["index"].as_u64().unwrap())
        .collect();
    assert_eq!(idx, vec![0, 1, 2]);
}

#[test]
fn lost_weights_and_partly_applied_modifies() {
    let fake = FakeServer::new(&["Sales"]);
    fake.seed(&hg(
        "Sales",
        "part@company.com",
        "Part",
        Policy::Regular,
        &[],
    ));
    let mut part = hg(
        "Sales",
        "part@company.com",
        "Part Two",
        Policy::Regular,
        &[],
    );
    part.no_answer_number_of_rings = 2;
    let desired = vec![
        weighted("Sales", "wa@company.com", &[("agent1@company.com", 10)]),
        weighted("Sales", "wb@company.com", &[("agent2@company.com", 20)]),
        part,
    ];
    let plan = plan_for(&fake, &desired, false);
    let weights = "GroupHuntGroupModifyInstanceWeightedCallDistributionRequest";
    fake.fault(weights, "wa@company.com", Fault::LostAfter);
    fake.fault(weights, "wb@company.com", Fault::LostBefore);
    fake.fault(
        "GroupHuntGroupModifyInstanceRequest",
        "part@company.com",
        Fault::PartlyLost,
    );
    let (report, _) = run(&fake, &plan);

    expect_result(
        &report,
        "wa@company.com",
        Outcome::Created,
        Some("created, confirmed after reconnect"),
    );
    expect_result(
        &report,
        "wb@company.com",
        Outcome::Failed,
        Some(
            "created, but the agent weights were not set (connection lost before the server \
             answered); re-run plan to see what is left",
        ),
    );
    assert_eq!(weights_of(&fake, "wb@company.com")[0].1, 0);
    let p = result(&report, "part@company.com");
    assert_eq!(p.outcome, Outcome::Failed);
    let note = p.note.as_deref().unwrap();
    assert!(note.starts_with("partly applied"), "{note}");
    assert!(note.contains("noAnswerNumberOfRings"), "{note}");
    assert!(!note.contains("serviceInstanceProfile.name"), "{note}");
    for (t, id) in [
        (weights, "wa@company.com"),
        (weights, "wb@company.com"),
        ("GroupHuntGroupModifyInstanceRequest", "part@company.com"),
    ] {
        assert_eq!(fake.count(t, id), 1, "{t} for {id} resent");
    }

    fake.clear_faults();
    let plan = plan_for(&fake, &desired, false);
    assert_eq!(plan.summary().update, 2);
    let (report, _) = run(&fake, &plan);
    assert_eq!(report.failed(), 0);
    assert_converged(&fake, &desired, false);
}

#[test]
fn garbled_replies_are_never_taken_for_success() {
    let fake = FakeServer::new(&["Sales"]);
    let desired = vec![
        hg("Sales", "g1@company.com", "G1", Policy::Regular, &[]),
        hg("Sales", "g2@company.com", "G2", Policy::Regular, &[]),
    ];
    let plan = plan_for(&fake, &desired, false);
    // Too few results for writes, unexpected reply types for reads.
    fake.garble();
    let report = block_on(apply(&fake, &plan, &|_| {}));
    assert_eq!(report.failed(), 2);
    for r in &report.results {
        assert!(
            r.note
                .as_deref()
                .unwrap()
                .starts_with("outcome unknown: re-run plan"),
            "{:?}",
            r.note
        );
    }
}

#[test]
fn apply_future_is_send_so_the_cli_can_spawn_it() {
    fn assert_send<T: Send>(t: T) -> T {
        t
    }
    let fake = FakeServer::new(&["Sales"]);
    let desired = vec![hg("Sales", "s@company.com", "S", Policy::Regular, &[])];
    let plan = plan_for(&fake, &desired, false);
    let report = block_on(assert_send(apply(&fake, &plan, &|_| {})));
    assert_eq!(report.count(Outcome::Created), 1);
    assert!(report.duration.as_secs() < 60);
}

// ---------------------------------------------------------------- isActive

const ACTIVE_LIST: &str = "GroupHuntGroupModifyActiveInstanceListRequest";

/// Every active-list request sent, as (serviceUserId, isActive) lists.
fn active_lists(fake: &FakeServer) -> Vec<Vec<(String, bool)>> {
    fake.calls()
        .into_iter()
        .flatten()
        .filter_map(|r| match r {
            Request::ModifyActiveList { activations } => Some(activations),
            _ => None,
        })
        .collect()
}

fn off(mut h: HuntGroup) -> HuntGroup {
    h.is_active = false;
    h
}

#[test]
fn activations_go_in_one_command_per_group_after_the_instance_commands() {
    let fake = FakeServer::new(&["Sales", "Support"]);
    let a = hg(
        "Sales",
        "a@company.com",
        "A",
        Policy::Regular,
        &["agent1@company.com"],
    );
    let b = hg(
        "Sales",
        "b@company.com",
        "B",
        Policy::Regular,
        &["agent2@company.com"],
    );
    let s = hg(
        "Support",
        "s@company.com",
        "S",
        Policy::Regular,
        &["agent3@company.com"],
    );
    for h in [&a, &b, &s] {
        fake.seed(h);
    }
    // a: only isActive; b: isActive and a name; s: another group; c, d: inactive creates.
    let mut b2 = off(b.clone());
    b2.service_instance_profile.name = "B2".into();
    let c = off(hg(
        "Sales",
        "c@company.com",
        "C",
        Policy::Regular,
        &["agent4@company.com"],
    ));
    let d = off(hg("Sales", "d@company.com", "D", Policy::Regular, &[]));
    let desired = vec![off(a.clone()), b2, off(s.clone()), c, d];
    let plan = plan_for(&fake, &desired, false);
    let fields = |id: &str| -> Vec<String> {
        plan.changes
            .iter()
            .find(|c| c.service_user_id == id)
            .unwrap()
            .fields
            .iter()
            .map(|f| f.path.clone())
            .collect()
    };
    assert_eq!(fields("a@company.com"), ["isActive"]);
    assert_eq!(
        fields("b@company.com"),
        ["serviceInstanceProfile.name", "isActive"]
    );
    assert!(fields("c@company.com").contains(&"isActive".to_string()));

    let (report, seen) = run(&fake, &plan);
    assert_eq!(report.failed(), 0, "{:?}", report.results);
    // One result per hunt group, each reported once.
    assert_eq!(seen.len(), 5);
    let r = expect_result(&report, "c@company.com", Outcome::Created, None);
    assert_eq!(
        r.commands,
        ["GroupHuntGroupAddInstanceRequest20", ACTIVE_LIST]
    );
    let r = expect_result(&report, "b@company.com", Outcome::Updated, None);
    assert_eq!(
        r.commands,
        ["GroupHuntGroupModifyInstanceRequest", ACTIVE_LIST]
    );
    let r = expect_result(&report, "a@company.com", Outcome::Updated, None);
    assert_eq!(r.commands, [ACTIVE_LIST]);
    // 5 hunt groups in 2 groups: 2 commands, sent together after the instance commands.
    let lists = active_lists(&fake);
    assert_eq!(lists.len(), 2, "{lists:?}");
    let sizes: Vec<usize> = lists.iter().map(Vec::len).collect();
    assert_eq!(sizes, [4, 1]);
    let calls = fake.calls();
    let last = calls.last().unwrap();
    assert!(
        last.iter().all(|r| r.type_name() == ACTIVE_LIST),
        "{last:?}"
    );
    assert_eq!(
        fake.count("GroupHuntGroupModifyInstanceRequest", "a@company.com"),
        0
    );
    for id in ["a", "b", "s", "c", "d"] {
        assert!(fake.is_inactive(&format!("{id}@company.com")), "{id}");
    }
    assert_converged(&fake, &desired, false);
}

#[test]
fn a_refused_batch_is_resent_one_by_one_and_a_failed_deactivation_after_a_create_says_so() {
    let fake = FakeServer::new(&["Sales"]);
    let a = hg("Sales", "a@company.com", "A", Policy::Regular, &[]);
    fake.seed(&a);
    let new1 = off(hg("Sales", "new1@company.com", "N1", Policy::Regular, &[]));
    let new2 = off(hg("Sales", "new2@company.com", "N2", Policy::Regular, &[]));
    let desired = vec![off(a), new1, new2];
    let plan = plan_for(&fake, &desired, false);
    fake.fault(ACTIVE_LIST, "new1@company.com", Fault::Refuse);
    let (report, _) = run(&fake, &plan);
    let r = result(&report, "new1@company.com");
    assert_eq!(r.outcome, Outcome::Failed);
    let note = r.note.as_deref().unwrap();
    assert!(
        note.starts_with("created, but it is still active"),
        "{note}"
    );
    assert!(note.contains(ACTIVE_LIST), "{note}");
    assert!(r
        .error
        .as_ref()
        .unwrap()
        .summary
        .contains("Refused by test"));
    // Sent in the batch, then alone.
    assert_eq!(
        r.commands,
        [
            "GroupHuntGroupAddInstanceRequest20",
            ACTIVE_LIST,
            ACTIVE_LIST
        ]
    );
    expect_result(&report, "new2@company.com", Outcome::Created, None);
    expect_result(&report, "a@company.com", Outcome::Updated, None);
    // 1 batch of 3, then 3 singles.
    let sizes: Vec<usize> = active_lists(&fake).iter().map(Vec::len).collect();
    assert_eq!(sizes, [3, 1, 1, 1]);
    // What was done stays done: new1 exists (active), the others are inactive.
    assert!(fake.get("new1@company.com").is_some());
    assert!(!fake.is_inactive("new1@company.com"));
    assert!(fake.is_inactive("new2@company.com") && fake.is_inactive("a@company.com"));
    // The re-plan asks for the one deactivation left.
    fake.clear_faults();
    let again = plan_for(&fake, &desired, false);
    let left: Vec<(&str, Vec<&str>)> = again
        .writes()
        .map(|c| (c.service_user_id.as_str(), c.changed_paths()))
        .collect();
    assert_eq!(left, [("new1@company.com", vec!["isActive"])]);
}

#[test]
fn activations_are_chunked_and_a_lost_reply_is_read_back_not_resent() {
    let fake = FakeServer::new(&["Sales"]);
    let ids: Vec<String> = (0..150).map(|i| format!("hg{i:03}@company.com")).collect();
    let current: Vec<HuntGroup> = ids
        .iter()
        .map(|id| hg("Sales", id, "H", Policy::Regular, &[]))
        .collect();
    for h in &current {
        fake.seed(h);
    }
    let desired: Vec<HuntGroup> = current.iter().cloned().map(off).collect();
    let plan = plan_for(&fake, &desired, false);
    // The first batch is carried out but its reply is lost.
    fake.fault(ACTIVE_LIST, "hg000@company.com", Fault::LostAfter);
    let (report, _) = run(&fake, &plan);
    assert_eq!(report.failed(), 0, "{:?}", report.results);
    let sizes: Vec<usize> = active_lists(&fake).iter().map(Vec::len).collect();
    assert_eq!(sizes, [huntctl::apply::ACTIVATION_BATCH, 50]);
    let r = expect_result(
        &report,
        "hg000@company.com",
        Outcome::Updated,
        Some("deactivated, confirmed after reconnect"),
    );
    assert_eq!(r.commands, [ACTIVE_LIST]);
    expect_result(&report, "hg149@company.com", Outcome::Updated, None);
    assert!(ids.iter().all(|id| fake.is_inactive(id)));

    // Lost before it was carried out: the read-back shows it was not, and nothing is resent.
    let fake = FakeServer::new(&["Sales"]);
    let a = hg("Sales", "a@company.com", "A", Policy::Regular, &[]);
    fake.seed(&a);
    let plan = plan_for(&fake, &[off(a.clone())], false);
    fake.fault(ACTIVE_LIST, "a@company.com", Fault::LostBefore);
    let (report, _) = run(&fake, &plan);
    let r = result(&report, "a@company.com");
    assert_eq!(r.outcome, Outcome::Failed);
    assert!(
        r.note.as_deref().unwrap().contains("it is still active"),
        "{:?}",
        r.note
    );
    assert_eq!(active_lists(&fake).len(), 1);
    assert!(!fake.is_inactive("a@company.com"));
}
