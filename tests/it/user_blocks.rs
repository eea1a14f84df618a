//! Issue 25, the client side, over the wire (TCP and SOAP): the blocks of a hunt group's user — services,
//! call forwarding, selective criteria, directory number hunting — planned, applied, re-planned,
//! exported, undone; drift made by another route; pre-flight refusals with their locations.

use crate::support::{huntctl, ocip_schema, Sandbox, SandboxOpts, BOTH, SALES_VIP};
use huntctl::ocip::messages::{Change, Request, Response};
use huntctl::protocol::services::{ForwardingKind, ForwardingModify, ServiceRequest};
use huntctl::sandbox::seed::seed_state;
use serde_json::Value;

/// The seed's VIP hunt group, to which each test adds its blocks.
const HEAD: &str = SALES_VIP;

/// The hunt group forwarding busy calls, always-forwarding inactive, and an after-hours
/// criterion on `Business Hours` forwarding to `after_hours`.
fn desired(after_hours: &str) -> String {
    format!(
        "{HEAD}    callForwardingBusy:
      isActive: true
      forwardToPhoneNumber: \"+1-2025550150\"
    callForwardingAlways:
      isActive: false
    callForwardingSelective:
      isActive: true
      defaultForwardToPhoneNumber: \"+1-2025550160\"
      criteria:
        - name: after-hours
          timeSchedule: {{name: Business Hours, level: Group}}
          forwardToNumberSelection: Forward To Specified Number
          forwardToPhoneNumber: \"{after_hours}\"
"
    )
}

fn plan_json(sb: &Sandbox, file: &str) -> Value {
    let out = sb.plan(&[file, "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.all());
    serde_json::from_str(&out.stdout).unwrap()
}

fn paths(plan: &Value) -> Vec<String> {
    plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["changedFields"].as_array().cloned().unwrap_or_default())
        .map(|f| f.as_str().unwrap().to_string())
        .collect()
}

fn assert_no_changes(sb: &Sandbox, file: &str) {
    let out = sb.plan(&[file, "--detailed-exitcode"]);
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(out.stdout.contains("No changes."), "{}", out.stdout);
}

fn export(sb: &Sandbox, name: &str) -> String {
    let path = sb.path(name);
    let out = sb.run(
        "export",
        &[
            "--service-provider",
            "MyServiceProvider",
            "--group",
            "SalesGroup",
            "-o",
            path.to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 0, "{}", out.all());
    std::fs::read_to_string(path).unwrap()
}

fn count(record: &str, kind: &str) -> usize {
    record.matches(&format!("xsi:type=\"{kind}\"")).count()
}

const BLOCK_WRITES: [&str; 9] = [
    "UserServiceAssignListRequest",
    "UserServiceUnassignListRequest",
    "UserCallForwardingAlwaysModifyRequest",
    "UserCallForwardingBusyModifyRequest",
    "UserCallForwardingSelectiveModifyRequest",
    "UserCallForwardingSelectiveAddCriteriaRequest16",
    "UserCallForwardingSelectiveModifyCriteriaRequest",
    "UserCallForwardingSelectiveDeleteCriteriaRequest",
    "GroupDirectoryNumberHuntingModifyRequest",
];

#[test]
fn plan_apply_replan_change_export_undo_over_tcp_and_soap() {
    for via in BOTH {
        let sb = SandboxOpts::new()
            .seed(&seed_state())
            .via(via)
            .record()
            .start();
        let before = export(&sb, "before.yaml");
        let file = sb.file("hg.yaml", &desired("+1-2025550170"));
        let f = file.to_str().unwrap();

        let p = plan_json(&sb, f);
        let changed = paths(&p);
        for want in [
            "services",
            "callForwardingBusy.isActive",
            "callForwardingBusy.forwardToPhoneNumber",
            "callForwardingSelective.isActive",
            "callForwardingSelective.defaultForwardToPhoneNumber",
            "callForwardingSelective.criteria[after-hours]",
        ] {
            assert!(changed.iter().any(|c| c == want), "{want} in {changed:?}");
        }
        // Always-forwarding is asked inactive, as a fresh service is: only its assignment.
        assert!(!changed
            .iter()
            .any(|c| c.starts_with("callForwardingAlways.")));

        let a = sb.apply(&[f, "--auto-approve"]);
        assert_eq!(a.code, 0, "{via:?}: {}", a.all());
        assert!(a.stdout.contains("services (assign) done"), "{}", a.stdout);
        assert!(
            a.stdout
                .contains("callForwardingSelective.criteria[after-hours] (add) done"),
            "{}",
            a.stdout
        );
        let first_undo = a.undo_file(sb.dir());
        assert_no_changes(&sb, f);

        // A new after-hours number: exactly one criteria modify, nothing else written.
        let changed_file = sb.file("hg.yaml", &desired("+1-2025550171"));
        let f2 = changed_file.to_str().unwrap();
        assert_eq!(
            paths(&plan_json(&sb, f2)),
            ["callForwardingSelective.criteria[after-hours].forwardToPhoneNumber"]
        );
        let mark = sb.record_len();
        let a2 = sb.apply(&[f2, "--auto-approve"]);
        assert_eq!(a2.code, 0, "{}", a2.all());
        let second_undo = a2.undo_file(sb.dir());
        let record = sb.record_since(mark);
        let writes: Vec<(&str, usize)> = BLOCK_WRITES
            .iter()
            .map(|k| (*k, count(&record, k)))
            .filter(|(_, n)| *n > 0)
            .collect();
        assert_eq!(
            writes,
            [("UserCallForwardingSelectiveModifyCriteriaRequest", 1)]
        );
        assert_eq!(count(&record, "GroupHuntGroupModifyInstanceRequest"), 0);

        // Export keeps the routing; its plan is No changes.
        let exported = export(&sb, "exported.yaml");
        assert!(exported.contains("callForwardingBusy:"), "{exported}");
        assert!(exported.contains("after-hours"), "{exported}");
        assert!(exported.contains("Business Hours"), "{exported}");
        assert_no_changes(&sb, sb.path("exported.yaml").to_str().unwrap());

        // Undo both applies, newest first: the state before, compared by export.
        for undo in [second_undo, first_undo] {
            let u = sb.apply(&["--plan", undo.to_str().unwrap(), "--auto-approve"]);
            assert_eq!(u.code, 0, "{}", u.all());
        }
        assert_eq!(export(&sb, "after-undo.yaml"), before);
        ocip_schema::assert_valid_file(sb.record_path());
    }
}

/// Sends the service command `r` over a fresh session of `sb`'s, as another tool would; the
/// reply must be a success.
fn raw(sb: &Sandbox, r: ServiceRequest) {
    let replies = sb.send(vec![Request::Service(Box::new(r))]);
    assert!(
        matches!(replies[..], [Ok(Response::Success)]),
        "{replies:?}"
    );
}

/// Busy (or another simple) forwarding of the VIP hunt group changed by another route.
fn forward(sb: &Sandbox, kind: ForwardingKind, active: Option<bool>, number: &str) {
    raw(
        sb,
        ServiceRequest::ModifyForwarding(ForwardingModify {
            user_id: "sales-vip-hunt@company.com".into(),
            kind,
            is_active: active,
            forward_to_phone_number: Change::Set(number.into()),
            is_ring_splash_active: None,
        }),
    );
}

#[test]
fn drift_by_another_route_is_named_by_detailed_exitcode() {
    let sb = SandboxOpts::new().seed(&seed_state()).start();
    let file = sb.file("hg.yaml", &desired("+1-2025550170"));
    let f = file.to_str().unwrap();
    assert_eq!(sb.apply(&[f, "--auto-approve"]).code, 0);
    assert_no_changes(&sb, f);

    // Someone turns always-forwarding on with a raw OCI-P command.
    forward(&sb, ForwardingKind::Always, Some(true), "+1-2025550199");

    let out = sb.plan(&[f, "--detailed-exitcode"]);
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(
        out.stdout
            .contains("callForwardingAlways.isActive: true → false"),
        "{}",
        out.stdout
    );
}

#[test]
fn preflight_refuses_with_locations_and_nothing_is_sent() {
    let sb = SandboxOpts::new().seed(&seed_state()).record().start();
    let text = format!(
        "{HEAD}    services: [Call Forwarding Selective, Directory Number Hunting, Call Forwarding Always Secondary]
    callForwardingSelective:
      criteria:
        - name: support-hours
          timeSchedule: {{name: Support Hours, level: Group}}
    directoryNumberHunting:
      agentUserId: [alice.jones@company.com, bob.wilson@company.com]
"
    );
    let file = sb.file("refused.yaml", &text);
    let f = file.to_str().unwrap();
    let out = sb.plan(&[f]);
    assert_eq!(out.code, 1, "{}", out.all());
    let line_of = |needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .map(|i| i + 1)
            .unwrap()
    };
    let at = |needle: &str| {
        let l = text.lines().nth(line_of(needle) - 1).unwrap();
        let col = l.find(needle).unwrap() + 1;
        format!("refused.yaml:{}:{col}", line_of(needle))
    };
    for (what, needle) in [
        (
            "Call Forwarding Always Secondary is not authorized",
            "Call Forwarding Always Secondary",
        ),
        ("Support Hours", "Support Hours"),
        (
            "bob.wilson@company.com is not an agent",
            "bob.wilson@company.com",
        ),
    ] {
        assert!(out.stdout.contains(what), "{what}:\n{}", out.stdout);
        assert!(
            out.stdout.contains(&at(needle)),
            "{}:\n{}",
            at(needle),
            out.stdout
        );
    }
    // The schedules it can see are listed.
    assert!(
        out.stdout.contains("Business Hours (Group)"),
        "{}",
        out.stdout
    );

    let mark = sb.record_len();
    let a = sb.apply(&[f, "--auto-approve"]);
    assert_eq!(a.code, 1, "{}", a.all());
    let record = sb.record_since(mark);
    for k in BLOCK_WRITES {
        assert_eq!(count(&record, k), 0, "{k} sent:\n{}", a.all());
    }
}

#[test]
fn a_plan_managing_no_block_sends_no_block_command() {
    let sb = SandboxOpts::new().seed(&seed_state()).record().start();
    let file = sb.file("plain.yaml", HEAD);
    let out = sb.plan(&[file.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.all());
    let record = sb.record();
    for k in [
        "UserServiceGetAssignmentListRequest",
        "UserCallForwardingBusyGetRequest",
        "GroupServiceGetAuthorizationListRequest",
        "GroupScheduleGetListRequest17sp1",
    ] {
        assert_eq!(count(&record, k), 0, "{k}");
    }
}

#[test]
fn a_service_block_without_its_listed_service_is_refused_at_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{HEAD}    services: [Call Forwarding Busy]
    callForwardingAlways:
      isActive: false
"
    );
    std::fs::write(dir.path().join("bad.yaml"), &text).unwrap();
    let out = huntctl(dir.path()).run(["validate", "bad.yaml"]);
    assert_eq!(out.code, 1, "{}", out.all());
    assert!(
        out.all()
            .contains("callForwardingAlways needs the service `Call Forwarding Always`"),
        "{}",
        out.all()
    );
    assert!(out.all().contains("bad.yaml:14:5"), "{}", out.all());
}

#[test]
fn busy_and_not_reachable_are_read_from_one_list_per_group_not_per_hunt_group() {
    let sb = SandboxOpts::new().seed(&seed_state()).record().start();
    let text = format!(
        "{HEAD}    callForwardingBusy:
      isActive: true
      forwardToPhoneNumber: \"+1-2025550150\"
    callForwardingNotReachable:
      isActive: false
"
    );
    let file = sb.file("busy.yaml", &text);
    let f = file.to_str().unwrap();
    // The hunt group exists, without either service: the plan assigns both.
    let head = sb.file("head.yaml", HEAD);
    assert_eq!(
        sb.apply(&[head.to_str().unwrap(), "--auto-approve"]).code,
        0
    );
    let mark = sb.record_len();
    let plan = plan_json(&sb, f);
    let p = paths(&plan);
    assert!(p.contains(&"services".to_string()), "{p:?}");
    assert!(
        p.contains(&"callForwardingBusy.isActive".to_string()),
        "{p:?}"
    );
    let record = sb.record_since(mark);
    // One list per group and block, no read per hunt group.
    assert_eq!(
        count(&record, "GroupUserCallForwardingSettingsGetListRequest"),
        2,
        "{record}"
    );
    for k in [
        "UserServiceGetAssignmentListRequest",
        "UserCallForwardingBusyGetRequest",
        "UserCallForwardingNotReachableGetRequest",
    ] {
        assert_eq!(count(&record, k), 0, "{k}");
    }
    assert_eq!(sb.apply(&[f, "--auto-approve"]).code, 0);
    assert_no_changes(&sb, f);

    // Another service, assigned by another route, is none of this plan's business (it
    // leaves `services:` unmanaged). A saved plan is checked against the same reads as it
    // was made with: applied while nothing it read moved, it is not stale.
    raw(
        &sb,
        ServiceRequest::Assign {
            user_id: "sales-vip-hunt@company.com".into(),
            services: vec!["Privacy".into()],
        },
    );
    assert_no_changes(&sb, f);
    forward(&sb, ForwardingKind::Busy, None, "+1-2025550177");
    let out = sb.plan(&[f, "--detailed-exitcode"]);
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(
        out.stdout
            .contains("callForwardingBusy.forwardToPhoneNumber"),
        "{}",
        out.stdout
    );
    let saved = sb.path("busy-plan.json");
    assert_eq!(sb.plan(&[f, "--out", saved.to_str().unwrap()]).code, 0);
    let a = sb.apply(&["--plan", saved.to_str().unwrap(), "--auto-approve"]);
    assert_eq!(a.code, 0, "{}", a.all());
    assert_no_changes(&sb, f);

    // Unassigned by another route: the list no longer shows the hunt group, so the plan
    // assigns the service again and sets it.
    raw(
        &sb,
        ServiceRequest::Unassign {
            user_id: "sales-vip-hunt@company.com".into(),
            services: vec!["Call Forwarding Busy".into()],
        },
    );
    let p = paths(&plan_json(&sb, f));
    for want in [
        "services",
        "callForwardingBusy.isActive",
        "callForwardingBusy.forwardToPhoneNumber",
    ] {
        assert!(p.contains(&want.to_string()), "{want}: {p:?}");
    }
    assert!(
        !p.iter()
            .any(|x| x.starts_with("callForwardingNotReachable")),
        "{p:?}"
    );
    ocip_schema::assert_valid_file(sb.record_path());
}

#[test]
fn a_hunt_groups_own_schedules_are_preflighted_from_its_own_list() {
    use huntctl::sandbox::services::ScheduleState;
    let mut seed = seed_state();
    for g in &mut seed.service_providers[0].groups {
        for h in &mut g.hunt_groups {
            if h.service_user_id == "sales-vip-hunt@company.com" {
                h.services.schedules.push(ScheduleState::time("VIP Nights"));
            }
        }
    }
    let sb = SandboxOpts::new().seed(&seed).record().start();
    let with = |schedule: &str| {
        format!(
            "{HEAD}    callForwardingSelective:
      criteria:
        - name: nights
          timeSchedule: {{name: {schedule}, level: User}}
"
        )
    };
    // Its own schedule: pre-flight passes, the server takes it.
    let file = sb.file("own.yaml", &with("VIP Nights"));
    let f = file.to_str().unwrap();
    let a = sb.apply(&[f, "--auto-approve"]);
    assert_eq!(a.code, 0, "{}", a.all());
    assert_no_changes(&sb, f);
    // One it does not have: refused at the name, listing the ones it can see, nothing sent.
    let text = with("Weekend");
    let file = sb.file("weekend.yaml", &text);
    let mark = sb.record_len();
    let out = sb.plan(&[file.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.all());
    let line = text.lines().position(|l| l.contains("Weekend")).unwrap() + 1;
    let col = text.lines().nth(line - 1).unwrap().find("Weekend").unwrap() + 1;
    assert!(
        out.stdout.contains(&format!("weekend.yaml:{line}:{col}")),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("VIP Nights (User)"), "{}", out.stdout);
    assert!(
        out.stdout.contains("Business Hours (Group)"),
        "{}",
        out.stdout
    );
    let record = sb.record_since(mark);
    assert_eq!(
        count(&record, "UserScheduleGetListRequest17sp1"),
        1,
        "{record}"
    );
    for k in BLOCK_WRITES {
        assert_eq!(count(&record, k), 0, "{k}");
    }
    // A hunt group still to be created has none of its own.
    let new = text
        .replace("sales-vip-hunt@company.com", "new-vip-hunt@company.com")
        .replace("extension: \"0101\"", "extension: \"0199\"");
    let file = sb.file("new.yaml", &new);
    let out = sb.plan(&[file.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.all());
    assert!(out.stdout.contains("Weekend"), "{}", out.stdout);
    assert!(
        out.stdout.contains("new-vip-hunt@company.com cannot see"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout
            .contains("pre-flight: UserScheduleGetListRequest17sp1"),
        "{}",
        out.stdout
    );
}

#[test]
fn export_asks_the_groups_who_uses_what_and_reads_blocks_only_where_assigned() {
    let sb = SandboxOpts::new().seed(&seed_state()).record().start();
    // sales-vip-hunt forwards busy calls and has Privacy; sales-hunt has nothing.
    let text = format!(
        "{HEAD}    services: [Call Forwarding Busy, Privacy]
    callForwardingBusy: {{isActive: true, forwardToPhoneNumber: \"+1-2025550150\"}}
"
    );
    let file = sb.file("vip.yaml", &text);
    assert_eq!(
        sb.apply(&[file.to_str().unwrap(), "--auto-approve"]).code,
        0
    );
    let mark = sb.record_len();
    let exported = export(&sb, "export.yaml");
    let record = sb.record_since(mark);
    assert!(
        exported.contains("services:") && exported.contains("Privacy"),
        "{exported}"
    );
    assert!(exported.contains("callForwardingBusy:"), "{exported}");
    // Group reads only: the authorization list, four forwarding lists, and the assigned
    // users of Privacy (the one other service in use); nothing per hunt group.
    assert_eq!(count(&record, "GroupServiceGetAuthorizationListRequest"), 1);
    assert_eq!(
        count(&record, "GroupUserCallForwardingSettingsGetListRequest"),
        4
    );
    assert_eq!(
        count(&record, "GroupGetUserServiceAssignedUserListRequest"),
        1
    );
    for k in [
        "UserServiceGetAssignmentListRequest",
        "UserCallForwardingBusyGetRequest",
        "UserCallForwardingAlwaysGetRequest",
        "UserCallForwardingSelectiveGetRequest16",
        "GroupDirectoryNumberHuntingGetRequest17sp1",
    ] {
        assert_eq!(count(&record, k), 0, "{k}");
    }
    // The export plans unchanged.
    let again = sb.file("again.yaml", &exported);
    assert_no_changes(&sb, again.to_str().unwrap());
    ocip_schema::assert_valid_file(sb.record_path());
}

#[test]
fn a_dnh_agent_list_is_checked_as_agent_lists_are() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{HEAD}    directoryNumberHunting:
      agentUserId: [alice.jones@company.com, carol, ALICE.JONES@company.com]
"
    );
    std::fs::write(dir.path().join("dnh.yaml"), &text).unwrap();
    let out = huntctl(dir.path()).run(["validate", "dnh.yaml"]);
    assert_eq!(out.code, 1, "{}", out.all());
    let all = out.all();
    let line = text.lines().count();
    let col = |needle: &str| text.lines().last().unwrap().find(needle).unwrap() + 1;
    assert!(all.contains("\"carol\" needs a domain"), "{all}");
    assert!(
        all.contains(&format!("dnh.yaml:{line}:{}", col("carol"))),
        "{all}"
    );
    assert!(all.contains("huntctl::duplicate_agent"), "{all}");
    assert!(
        all.contains(&format!("dnh.yaml:{line}:{}", col("ALICE"))),
        "{all}"
    );
}
