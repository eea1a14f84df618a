//! Issue 24 over the wire against the sandbox: fields people change at run time left alone
//! (`ignore:`, member-controlled group busy), renames that keep everything (`renamedFrom:`,
//! `UserModifyUserIdRequest`), protected hunt groups, the update threshold, and `--max-rate`.

use huntctl::model::{Department, Field};
use huntctl::ocip::messages::{ModifyInstance, Request, Response, Setting};
use huntctl::sandbox::seed::seed_state;
use serde_json::Value;

use crate::support::{bulk_seed, Sandbox, SandboxOpts};

const HEAD: &str =
    "defaults:\n  serviceProviderId: MyServiceProvider\n  groupId: SalesGroup\nhuntGroups:\n";

/// A hunt group of SalesGroup as YAML, with `extra` lines (indented by 4) added.
fn night_line(id: &str, extra: &str) -> String {
    format!(
        "{HEAD}  - serviceUserId: {id}\n    serviceInstanceProfile: {{name: Night Line}}\n    agentUserId: [john.doe@company.com]\n{extra}"
    )
}

/// Sends commands to the sandbox as another OCI-P client would (a portal, a feature access
/// code), on a session of its own.
fn send(sb: &Sandbox, requests: Vec<Request>) -> Vec<Response> {
    sb.send(requests).into_iter().map(|r| r.unwrap()).collect()
}

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}):\n{s}"))
}

/// The names of the commands of `record` that are writes.
fn writes(record: &str) -> Vec<&'static str> {
    [
        "GroupHuntGroupAddInstanceRequest20",
        "GroupHuntGroupModifyInstanceRequest",
        "GroupHuntGroupDeleteInstanceRequest",
        "GroupHuntGroupModifyActiveInstanceListRequest",
        "GroupHuntGroupModifyInstanceWeightedCallDistributionRequest",
        "UserModifyUserIdRequest",
    ]
    .into_iter()
    .flat_map(|w| {
        let needle = format!("xsi:type=\"{w}\"");
        std::iter::repeat_n(w, record.matches(&needle).count())
    })
    .collect()
}

#[test]
fn ignored_is_active_survives_a_deactivation_by_another_route() {
    let sb = SandboxOpts::new().seed(&seed_state()).record().start();
    let id = "night-line@company.com";
    let with = sb.file("with.yaml", &night_line(id, "    ignore: [isActive]\n"));
    let without = sb.file("without.yaml", &night_line(id, ""));
    let (with, without) = (with.to_str().unwrap(), without.to_str().unwrap());
    let a = sb.apply(&[with, "--auto-approve"]);
    assert_eq!(a.code, 0, "{}", a.all());
    assert!(sb.hg(id).unwrap().is_active);

    // A supervisor deactivates it for the night, as a portal does.
    let r = send(
        &sb,
        vec![Request::ModifyActiveList {
            activations: vec![(id.to_string(), false)],
        }],
    );
    assert_eq!(r, [Response::Success]);
    assert!(!sb.hg(id).unwrap().is_active);

    let p = sb.plan(&[with, "--detailed-exitcode"]);
    assert_eq!(p.code, 0, "ignored: no drift\n{}", p.all());
    assert!(
        p.stdout.contains("isActive: true → false (ignored)"),
        "{}",
        p.stdout
    );
    assert!(p.stdout.contains("No changes."), "{}", p.stdout);
    let doc = json(&sb.plan(&[with, "--format", "json"]).stdout);
    let c = &doc["changes"][0];
    assert_eq!(c["action"], "no-op", "{c:#}");
    assert_eq!(c["changedFields"], serde_json::json!([]));
    assert_eq!(c["ignored"][0]["path"], "isActive", "{c:#}");
    assert_eq!(doc["has_changes"], false);

    // An apply from CI leaves it off.
    let before = sb.record_len();
    let a = sb.apply(&[with, "--auto-approve"]);
    assert_eq!(a.code, 0, "{}", a.all());
    assert!(writes(&sb.record_since(before)).is_empty());
    assert!(!sb.hg(id).unwrap().is_active);

    // Without the ignore, it is drift that apply would revert.
    let p = sb.plan(&[without, "--detailed-exitcode"]);
    assert_eq!(p.code, 2, "{}", p.all());
    assert!(
        p.stdout.contains("~ isActive: false → true"),
        "{}",
        p.stdout
    );

    // --ignore does the same for every hunt group of the plan.
    let p = sb.plan(&[without, "--detailed-exitcode", "--ignore", "isActive"]);
    assert_eq!(p.code, 0, "{}", p.all());
    let bad = sb.plan(&[without, "--ignore", "isActiv"]);
    assert_eq!(bad.code, 1, "{}", bad.all());
    assert!(
        bad.all().contains("did you mean `isActive`?"),
        "{}",
        bad.all()
    );
}

fn set_group_busy(sb: &Sandbox, id: &str, on: bool) {
    let field = huntctl::model::table::by_path("enableGroupBusy").unwrap();
    let m = ModifyInstance {
        service_user_id: id.into(),
        service_provider_id: "MyServiceProvider".into(),
        group_id: "SalesGroup".into(),
        settings: vec![Setting {
            field,
            change: huntctl::ocip::messages::Change::Set(huntctl::model::table::Value::Bool(on)),
        }],
        department_key: None,
    };
    let r = send(sb, vec![Request::ModifyInstance(Box::new(m))]);
    assert_eq!(r, [Response::Success]);
}

#[test]
fn group_busy_set_by_the_agents_is_left_alone_when_they_control_it() {
    let sb = SandboxOpts::new().seed(&seed_state()).record().start();
    let id = "busy-line@company.com";
    let members = sb.file(
        "members.yaml",
        &night_line(id, "    allowMembersToControlGroupBusy: true\n"),
    );
    let written = sb.file(
        "written.yaml",
        &night_line(
            id,
            "    allowMembersToControlGroupBusy: true\n    enableGroupBusy: false\n",
        ),
    );
    let (members, written) = (members.to_str().unwrap(), written.to_str().unwrap());
    let a = sb.apply(&[members, "--auto-approve"]);
    assert_eq!(a.code, 0, "{}", a.all());
    // Set false on create.
    assert!(!sb.hg(id).unwrap().enable_group_busy);

    // An agent dials the feature access code.
    set_group_busy(&sb, id, true);
    let p = sb.plan(&[members, "--detailed-exitcode"]);
    assert_eq!(p.code, 0, "{}", p.all());
    assert!(
        p.stdout
            .contains("enableGroupBusy: false → true (ignored: members control group busy)"),
        "{}",
        p.stdout
    );
    let before = sb.record_len();
    assert_eq!(sb.apply(&[members, "--auto-approve"]).code, 0);
    assert!(writes(&sb.record_since(before)).is_empty());
    assert!(sb.hg(id).unwrap().enable_group_busy);

    // Written explicitly, it is managed as before.
    let p = sb.plan(&[written, "--detailed-exitcode"]);
    assert_eq!(p.code, 2, "{}", p.all());
    assert!(
        p.stdout.contains("~ enableGroupBusy: true → false"),
        "{}",
        p.stdout
    );
}

const RENAME_OLD: &str = "old-line@company.com";
const RENAME_NEW: &str = "new-line@company.com";

fn rename_yaml(id: &str, renamed_from: Option<&str>) -> String {
    let from = renamed_from.map_or(String::new(), |f| format!("    renamedFrom: {f}\n"));
    format!(
        "{HEAD}  - serviceUserId: {id}\n{from}    serviceInstanceProfile:\n      name: Main Line\n      phoneNumber: \"+1-2025550111\"\n      extension: \"0111\"\n      password: Hunt-Gr0up-pw\n      department: Sales\n      alias: [main-alias@company.com, main-alias2@company.com]\n    agentUserId: [john.doe@company.com, jane.smith@company.com, bob.wilson@company.com]\n"
    )
}

#[test]
fn rename_keeps_everything_with_one_user_modify_user_id_request_and_undoes() {
    let sb = SandboxOpts::new().seed(&seed_state()).record().start();
    let old = sb.file("old.yaml", &rename_yaml(RENAME_OLD, None));
    let a = sb.apply(&[old.to_str().unwrap(), "--auto-approve"]);
    assert_eq!(a.code, 0, "{}", a.all());
    let created = sb.hg(RENAME_OLD).unwrap();
    assert!(created.password_set);

    let new = sb.file("new.yaml", &rename_yaml(RENAME_NEW, Some(RENAME_OLD)));
    let new = new.to_str().unwrap();
    let p = sb.plan(&[new]);
    assert_eq!(p.code, 0, "{}", p.all());
    assert!(
        p.stdout
            .contains(&format!("~ {RENAME_OLD} will be renamed to {RENAME_NEW}")),
        "{}",
        p.stdout
    );
    assert!(p.stdout.contains("1 to update"), "{}", p.stdout);

    let before = sb.record_len();
    let undo = sb.path("undo.json");
    let a = sb.apply(&[new, "--auto-approve", "--undo-out", undo.to_str().unwrap()]);
    assert_eq!(a.code, 0, "{}", a.all());
    assert_eq!(
        writes(&sb.record_since(before)),
        ["UserModifyUserIdRequest"],
        "exactly one rename, no add or delete"
    );
    assert!(sb.hg(RENAME_OLD).is_none());
    let renamed = sb.hg(RENAME_NEW).unwrap();
    assert!(renamed.password_set, "the password stays");
    let mut expect = created.clone();
    expect.hunt_group.service_user_id = RENAME_NEW.into();
    assert_eq!(renamed, expect, "every setting stays");
    assert_eq!(
        renamed.service_instance_profile.department,
        Field::Value(Department::group("Sales"))
    );
    assert_eq!(renamed.agents.len(), 3);

    let p = sb.plan(&[new, "--detailed-exitcode"]);
    assert_eq!(p.code, 0, "re-plan shows no change: {}", p.all());
    assert!(p.stdout.contains("done already"), "{}", p.stdout);

    // The undo renames it back.
    let before = sb.record_len();
    let u = sb.apply(&["--plan", undo.to_str().unwrap(), "--auto-approve"]);
    assert_eq!(u.code, 0, "{}", u.all());
    assert_eq!(
        writes(&sb.record_since(before)),
        ["UserModifyUserIdRequest"]
    );
    assert!(sb.hg(RENAME_NEW).is_none());
    assert_eq!(sb.hg(RENAME_OLD).unwrap(), created);
}

#[test]
fn rename_from_nothing_creates_and_both_existing_is_refused_at_the_rename() {
    let sb = SandboxOpts::new().seed(&seed_state()).record().start();
    // Neither exists: a create, with a note.
    let f = sb.file(
        "n.yaml",
        &night_line(RENAME_NEW, "    renamedFrom: ghost@company.com\n"),
    );
    let p = sb.plan(&[f.to_str().unwrap()]);
    assert_eq!(p.code, 0, "{}", p.all());
    assert!(
        p.stdout
            .contains(&format!("+ {RENAME_NEW} will be created")),
        "{}",
        p.stdout
    );
    assert!(
        p.stdout.contains("ghost@company.com, which does not exist"),
        "{}",
        p.stdout
    );

    // Both exist: refused, located at the renamedFrom, nothing sent.
    let f = sb.file(
        "both.yaml",
        &night_line(
            "sales-vip-hunt@company.com",
            "    renamedFrom: sales-hunt@company.com\n",
        ),
    );
    let p = sb.plan(&[f.to_str().unwrap()]);
    assert_eq!(p.code, 1, "{}", p.all());
    assert!(p.all().contains("both exist"), "{}", p.all());
    assert!(p.all().contains("both.yaml:8:18"), "{}", p.all());
    let before = sb.record_len();
    let a = sb.apply(&[f.to_str().unwrap(), "--auto-approve", "--prune"]);
    assert!(a.all().contains("both exist"), "{}", a.all());
    assert!(writes(&sb.record_since(before)).is_empty(), "{}", a.all());
    assert!(
        sb.hg("sales-hunt@company.com").is_some(),
        "the old one is never pruned"
    );

    // A new id that is a user's: pre-flight predicts 4200.
    let f = sb.file(
        "user.yaml",
        &night_line(
            "carol.white@company.com",
            "    renamedFrom: sales-vip-hunt@company.com\n",
        ),
    );
    let p = sb.plan(&[f.to_str().unwrap()]);
    assert_eq!(p.code, 1, "{}", p.all());
    assert!(
        p.all().contains("[4200]") || p.all().contains("4200"),
        "{}",
        p.all()
    );
}

#[test]
fn a_renamed_agent_keeps_its_memberships() {
    use huntctl::ocip::messages::Change;
    use huntctl::protocol::services::{DnhModify, ServiceRequest};
    let sb = SandboxOpts::new().seed(&seed_state()).start();
    // john.doe is also the hunt group's directory number hunting agent.
    let svc = |r: ServiceRequest| Request::Service(Box::new(r));
    let r = send(
        &sb,
        vec![
            svc(ServiceRequest::Assign {
                user_id: "sales-hunt@company.com".into(),
                services: vec!["Directory Number Hunting".into()],
            }),
            svc(ServiceRequest::ModifyDnh(DnhModify {
                service_user_id: "sales-hunt@company.com".into(),
                agent_user_ids: Change::Set(vec!["john.doe@company.com".into()]),
                use_terminate_call_to_agent_first: None,
                use_original_agent_services_for_busy_and_no_answer_calls: None,
            })),
        ],
    );
    assert_eq!(r, [Response::Success, Response::Success]);
    let r = send(
        &sb,
        vec![Request::ModifyUserId {
            user_id: "john.doe@company.com".into(),
            new_user_id: "john.d@company.com".into(),
        }],
    );
    assert_eq!(r, [Response::Success]);
    let h = sb.hg("sales-hunt@company.com").unwrap();
    let ids: Vec<&str> = h.agents.iter().map(|a| a.user_id.as_str()).collect();
    assert_eq!(ids, ["jane.smith@company.com", "john.d@company.com"]);
    let dnh = h.services.directory_number_hunting.as_ref().unwrap();
    assert_eq!(dnh.agent_user_ids, ["john.d@company.com"]);
    let st = sb.state();
    let users = &st.service_providers[0].groups[0].users;
    assert!(users.iter().any(|u| u.user_id == "john.d@company.com"));
    assert!(!users.iter().any(|u| u.user_id == "john.doe@company.com"));
    // The old id is free, a taken one is refused, an unknown one is not found.
    let r = send(
        &sb,
        vec![
            Request::ModifyUserId {
                user_id: "jane.smith@company.com".into(),
                new_user_id: "sales-vip-hunt@company.com".into(),
            },
            Request::ModifyUserId {
                user_id: "nobody@company.com".into(),
                new_user_id: "x@company.com".into(),
            },
            Request::ModifyUserId {
                user_id: "sales-hunt@company.com".into(),
                new_user_id: "john.doe@company.com".into(),
            },
        ],
    );
    let code = |r: &Response| match r {
        Response::Error(e) => e.code,
        _ => None,
    };
    assert_eq!(code(&r[0]), Some(4200), "{:?}", r[0]);
    assert_eq!(code(&r[1]), Some(4008), "{:?}", r[1]);
    assert_eq!(r[2], Response::Success);
}

/// YAML for bulk hunt groups `ids`; those in `renamed` get another display name.
fn bulk_yaml(top: &str, ids: impl Iterator<Item = usize>, renamed: &[usize]) -> String {
    let mut y = format!("{top}defaults:\n  serviceProviderId: SP\n  groupId: Bulk\nhuntGroups:\n");
    for i in ids {
        let name = if renamed.contains(&i) {
            format!("Changed {i:02}")
        } else {
            format!("Bulk {i:02}")
        };
        y.push_str(&format!(
            "  - serviceUserId: bulk-{i:02}@bulk.example.com\n    serviceInstanceProfile: {{name: {name}, callingLineIdLastName: Bulk, callingLineIdFirstName: Team}}\n    agentUserId: [u1@bulk.example.com]\n"
        ));
    }
    y
}

#[test]
fn protected_hunt_group_is_never_deleted_whatever_prune_and_force_say() {
    let sb = SandboxOpts::new().seed(&bulk_seed(12)).record().start();
    let f = sb.file(
        "bulk.yaml",
        &bulk_yaml("protect:\n  - \"BULK-00@*\"\n", 1..12, &[]),
    );
    let f = f.to_str().unwrap();
    let before = sb.record_len();
    for args in [
        vec![f, "--auto-approve", "--prune", "--force"],
        vec![f, "--auto-approve", "--prune"],
    ] {
        let a = sb.apply(&args);
        assert_eq!(a.code, 1, "{}", a.all());
        assert!(
            a.all().contains("bulk-00@bulk.example.com"),
            "names the hunt group: {}",
            a.all()
        );
        assert!(
            a.all().contains("bulk.yaml:2:5"),
            "names the pattern: {}",
            a.all()
        );
    }
    let p = sb.plan(&[f, "--prune"]);
    assert_eq!(p.code, 1, "{}", p.all());
    assert!(writes(&sb.record_since(before)).is_empty());
    assert!(sb.hg("bulk-00@bulk.example.com").is_some());
    // Without --prune nothing is deleted, so nothing is refused.
    assert_eq!(sb.plan(&[f]).code, 0);
}

#[test]
fn update_threshold_refuses_a_mass_update_unless_forced() {
    let sb = SandboxOpts::new().seed(&bulk_seed(20)).record().start();
    let eight: Vec<usize> = (0..8).collect();
    let f = sb.file("bulk.yaml", &bulk_yaml("", 0..20, &eight));
    let f = f.to_str().unwrap();
    let before = sb.record_len();
    let a = sb.apply(&[f, "--auto-approve"]);
    assert_eq!(a.code, 1, "{}", a.all());
    assert!(a.all().contains("update threshold"), "{}", a.all());
    assert!(a.all().contains("8 of 20"), "{}", a.all());
    assert!(writes(&sb.record_since(before)).is_empty());
    // A higher threshold, or --force, lets it through.
    let b = sb.apply(&[f, "--auto-approve", "--update-threshold", "40"]);
    assert_eq!(b.code, 0, "{}", b.all());
    let nine: Vec<usize> = (0..9).collect();
    let g = sb.file("nine.yaml", &bulk_yaml("", 0..20, &nine));
    let g = g.to_str().unwrap();
    // Only bulk-08 changes now: 1 of 20 is fine.
    assert_eq!(sb.apply(&[g, "--auto-approve"]).code, 0);
    let back = sb.file("back.yaml", &bulk_yaml("", 0..20, &[]));
    let back = back.to_str().unwrap();
    assert_eq!(sb.apply(&[back, "--auto-approve"]).code, 1);
    let c = sb.apply(&[back, "--auto-approve", "--force"]);
    assert_eq!(c.code, 0, "{}", c.all());
    assert_eq!(
        sb.hg("bulk-03@bulk.example.com")
            .unwrap()
            .service_instance_profile
            .name,
        "Bulk 03"
    );
}

#[test]
fn max_rate_caps_commands_per_second_across_sessions() {
    let sb = SandboxOpts::new().seed(&bulk_seed(20)).start();
    let f = sb.file("bulk.yaml", &bulk_yaml("", 0..20, &[]));
    let f = f.to_str().unwrap();
    // The plan reads 1 listing and 20 hunt groups (pre-flight off): 21 commands. At 10/s
    // with a burst of one 10-command document that takes at least 1.1 s.
    let t = std::time::Instant::now();
    let p = sb.plan(&[
        f,
        "--no-preflight",
        "--max-rate",
        "10",
        "--parallelism",
        "4",
    ]);
    let took = t.elapsed().as_secs_f64();
    assert_eq!(p.code, 0, "{}", p.all());
    assert!(took >= 1.0, "{took}");
    let t = std::time::Instant::now();
    assert_eq!(sb.plan(&[f, "--no-preflight"]).code, 0);
    assert!(t.elapsed().as_secs_f64() < took);
    let bad = sb.plan(&[f, "--max-rate", "0"]);
    assert_eq!(bad.code, 2, "{}", bad.all());
}

#[test]
fn convert_keeps_ignore_renamed_from_and_protect() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = format!(
        "protect: [\"main-*\"]\n{}",
        night_line(
            "main-line@company.com",
            "    renamedFrom: old-main@company.com\n    ignore: [isActive, agentUserId]\n"
        )
    );
    std::fs::write(dir.path().join("in.yaml"), &yaml).unwrap();
    let run = |args: &[&str]| {
        let out = crate::support::huntctl(dir.path()).run(args);
        assert_eq!(out.code, 0, "{}", out.all());
        out
    };
    let to_csv = run(&["convert", "in.yaml", "--to", "csv", "-o", "out.csv"]);
    assert!(to_csv.stderr.contains("protect"), "{}", to_csv.all());
    let csv = std::fs::read_to_string(dir.path().join("out.csv")).unwrap();
    assert!(
        csv.lines().next().unwrap().ends_with(",ignore,renamedFrom"),
        "{csv}"
    );
    assert!(
        csv.contains(",isActive;agentUserId,old-main@company.com"),
        "{csv}"
    );
    run(&["convert", "out.csv", "--to", "yaml", "-o", "back.yaml"]);
    run(&["convert", "in.yaml", "--to", "yaml", "-o", "same.yaml"]);
    for f in ["back.yaml", "same.yaml"] {
        let state = huntctl::desired::load_paths(&[dir.path().join(f)]).unwrap();
        let l = &state.lifecycle;
        let id = "main-line@company.com";
        assert_eq!(l.listed_ignores(id), ["isActive", "agentUserId"], "{f}");
        assert_eq!(l.rename_of(id).unwrap().from, "old-main@company.com", "{f}");
    }
    let same = huntctl::desired::load_paths(&[dir.path().join("same.yaml")]).unwrap();
    assert_eq!(same.lifecycle.protections()[0].pattern, "main-*");
}

#[test]
fn a_renamed_hunt_groups_blocks_are_read_under_its_old_id_and_kept() {
    let sb = SandboxOpts::new().seed(&seed_state()).record().start();
    let busy =
        "    callForwardingBusy: {isActive: true, forwardToPhoneNumber: \"+1-2025550150\"}\n";
    let old = sb.file(
        "old.yaml",
        &format!("{}{busy}", rename_yaml(RENAME_OLD, None)),
    );
    let a = sb.apply(&[old.to_str().unwrap(), "--auto-approve"]);
    assert_eq!(a.code, 0, "{}", a.all());

    let new = sb.file(
        "new.yaml",
        &format!("{}{busy}", rename_yaml(RENAME_NEW, Some(RENAME_OLD))),
    );
    let new = new.to_str().unwrap();
    let p = sb.plan(&[new, "--format", "json"]);
    assert_eq!(p.code, 0, "{}", p.all());
    let plan: Value = serde_json::from_str(&p.stdout).unwrap();
    let fields: Vec<&str> = plan["changes"][0]["changedFields"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    // The forwarding is already there under the old id: nothing to assign or set.
    assert!(
        !fields
            .iter()
            .any(|f| f.starts_with("services") || f.starts_with("callForwardingBusy")),
        "{fields:?}"
    );
    let before = sb.record_len();
    let a = sb.apply(&[new, "--auto-approve"]);
    assert_eq!(a.code, 0, "{}", a.all());
    let rec = sb.record_since(before);
    assert_eq!(writes(&rec), ["UserModifyUserIdRequest"]);
    for w in [
        "UserServiceAssignListRequest",
        "UserCallForwardingBusyModifyRequest",
    ] {
        assert!(!rec.contains(&format!("xsi:type=\"{w}\"")), "{w} sent");
    }
    let h = sb.hg(RENAME_NEW).unwrap();
    let f = h.services.call_forwarding_busy.as_ref().unwrap();
    assert!(f.is_active);
    let out = sb.plan(&[new, "--detailed-exitcode"]);
    assert_eq!(out.code, 0, "{}", out.all());
}
