//! End-to-end tests of `huntctl plan` and `huntctl apply` (issues 5 and 6): the real binary
//! against a sandbox started in this process, over TCP and SOAP, plus the `--sandbox` embedded
//! mode. Snapshots live in tests/snapshots/e2e-*; `UPDATE_SNAPSHOTS=1` rewrites them.

use huntctl::model::Policy;
use huntctl::sandbox;
use huntctl::sandbox::seed::seed_state;
use huntctl::sandbox::state::{GroupState, HuntGroupState, SandboxState};
use serde_json::Value;
use std::path::Path;

// ---------------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------------

use crate::support::{bulk_seed, find_hg, huntctl, Sandbox, SandboxOpts, BOTH};

fn hunt_group_count(state: &SandboxState) -> usize {
    state
        .service_providers
        .iter()
        .flat_map(|sp| &sp.groups)
        .map(|g| g.hunt_groups.len())
        .sum()
}

fn agent_ids(h: &HuntGroupState) -> Vec<&str> {
    h.agents.iter().map(|a| a.user_id.as_str()).collect()
}

fn agents(ids: &[&str]) -> Vec<huntctl::model::Agent> {
    ids.iter().map(|u| HuntGroupState::agent(u)).collect()
}

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}):\n{s}"))
}

fn plan_json(sb: &Sandbox, args: &[&str]) -> Value {
    let mut a = args.to_vec();
    a.extend(["--format", "json"]);
    let out = sb.plan(&a);
    assert_eq!(out.code, 0, "{}", out.all());
    json(&out.stdout)
}

/// The change for `id` in a JSON plan.
fn change<'a>(plan: &'a Value, id: &str) -> &'a Value {
    plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["serviceUserId"] == id)
        .unwrap_or_else(|| panic!("no change for {id} in {plan:#}"))
}

fn changed_fields(plan: &Value, id: &str) -> Vec<String> {
    let mut v: Vec<String> = change(plan, id)["changedFields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

fn summary(plan: &Value) -> (u64, u64, u64) {
    let s = &plan["summary"];
    (
        s["create"].as_u64().unwrap(),
        s["update"].as_u64().unwrap(),
        s["delete"].as_u64().unwrap(),
    )
}

/// Asserts a plan with no changes, in text and with `--detailed-exitcode`.
fn assert_converged(sb: &Sandbox, files: &[&str]) {
    let mut a = files.to_vec();
    a.push("--detailed-exitcode");
    let out = sb.plan(&a);
    assert_eq!(out.code, 0, "expected no changes:\n{}", out.all());
    assert!(
        out.stdout
            .contains("No changes. Hunt groups match the desired state."),
        "{}",
        out.stdout
    );
}

/// Names of the write requests in a recorded stream.
fn writes_in(record: &str) -> Vec<&'static str> {
    let kinds = [
        "GroupHuntGroupAddInstanceRequest20",
        "GroupHuntGroupModifyInstanceRequest",
        "GroupHuntGroupModifyInstanceWeightedCallDistributionRequest",
        "GroupHuntGroupDeleteInstanceRequest",
    ];
    let mut out = Vec::new();
    for k in kinds {
        let needle = format!("\"{k}\"");
        for _ in record.matches(&needle) {
            out.push(k);
        }
    }
    out
}

use crate::support::ocip_schema;

/// Masks what changes from run to run: durations, ports, times, fingerprints.
fn mask(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for line in s.lines() {
        let mut l = line.to_string();
        // "(38 ms)" and "duration_ms": 38
        if let Some(i) = l.find("\"duration_ms\": ") {
            let end = l[i..].find(',').map(|e| i + e).unwrap_or(l.len());
            l.replace_range(i..end, "\"duration_ms\": 0");
        }
        l = mask_ms(&l);
        if let Some(i) = l.find("\"started\": \"") {
            l.replace_range(i.., "\"started\": \"TIME\",");
        }
        // The undo plan's default name is the apply's UTC time.
        if let Some(i) = l.find(".huntctl/undo/") {
            let end = l[i..].find(".json").map_or(l.len(), |e| i + e);
            l.replace_range(i..end, ".huntctl/undo/TIME");
        }
        if let Some(i) = l.find("127.0.0.1:") {
            let end = l[i + 10..]
                .find(|c: char| !c.is_ascii_digit())
                .map(|e| i + 10 + e)
                .unwrap_or(l.len());
            l.replace_range(i..end, "127.0.0.1:PORT");
        }
        out.push_str(&l);
        out.push('\n');
    }
    out
}

/// "(38 ms)" → "(N ms)".
fn mask_ms(l: &str) -> String {
    let mut out = String::new();
    let mut rest = l;
    while let Some(i) = rest.find('(') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let digits = after.chars().take_while(|c| c.is_ascii_digit()).count();
        if digits > 0 && after[digits..].starts_with(" ms)") {
            out.push_str("(N ms)");
            rest = &after[digits + 4..];
        } else {
            out.push('(');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

fn snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var("UPDATE_SNAPSHOTS").as_deref() == Ok("1") {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing snapshot {}: run with UPDATE_SNAPSHOTS=1", name));
    pretty_assertions::assert_eq!(
        expected,
        actual,
        "snapshot {name} differs (UPDATE_SNAPSHOTS=1 rewrites)"
    );
}

fn examples() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/huntgroups")
        .display()
        .to_string()
}

fn reference(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/reference")
        .join(name)
        .display()
        .to_string()
}

// ---------------------------------------------------------------------------------------------
// Seeds
// ---------------------------------------------------------------------------------------------

fn sales(state: &mut SandboxState) -> &mut GroupState {
    state.service_providers[0]
        .groups
        .iter_mut()
        .find(|g| g.id == "SalesGroup")
        .unwrap()
}

/// The built-in seed plus `e2e-hunt@company.com` in SalesGroup with many fields set.
fn field_seed() -> SandboxState {
    let mut s = seed_state();
    let mut h = HuntGroupState::with_defaults("e2e-hunt@company.com", "E2E Hunt", "E2E", "Team");
    h.service_instance_profile.phone_number = huntctl::model::Field::Value("2025550110".into());
    h.service_instance_profile.extension = huntctl::model::Field::Value("0110".into());
    h.service_instance_profile.language = huntctl::model::Field::Value("English".into());
    h.service_instance_profile.time_zone = huntctl::model::Field::Value("America/New_York".into());
    h.service_instance_profile.alias = vec!["e2e-a@company.com".into()];
    h.service_instance_profile.public_user_identity =
        huntctl::model::Field::Value("e2e-pui@company.com".into());
    h.network_class_of_service = huntctl::model::Field::Value("Premium".into());
    h.forward_to_phone_number = huntctl::model::Field::Value("+1-2025550199".into());
    h.agents = agents(&[
        "john.doe@company.com",
        "jane.smith@company.com",
        "bob.wilson@company.com",
    ]);
    sales(&mut s).hunt_groups.push(h);
    s
}

/// Users of the reference page (create-hunt-groups.md) and numbers, no hunt groups.
fn reference_seed() -> SandboxState {
    let mut s = seed_state();
    for g in &mut s.service_providers[0].groups {
        g.hunt_groups.clear();
    }
    s
}

fn many_yaml(ids: impl Iterator<Item = usize>) -> String {
    let mut y = String::from("defaults:\n  serviceProviderId: SP\n  groupId: Bulk\nhuntGroups:\n");
    for i in ids {
        y.push_str(&format!(
            "  - serviceUserId: bulk-{i:02}@bulk.example.com\n    serviceInstanceProfile: {{name: Bulk {i:02}, callingLineIdLastName: Bulk, callingLineIdFirstName: Team}}\n    agentUserId: [u1@bulk.example.com]\n"
        ));
    }
    y
}

const SALES_HEAD: &str =
    "defaults:\n  serviceProviderId: MyServiceProvider\n  groupId: SalesGroup\nhuntGroups:\n";

// ---------------------------------------------------------------------------------------------
// plan (issue 5)
// ---------------------------------------------------------------------------------------------

#[test]
fn readme_demo_embedded_sandbox_plan_apply_converge() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("sandbox.json");
    let run = |args: &[&str]| {
        huntctl(dir.path())
            .env("HUNTCTL_SANDBOX_STATE", &state)
            .run(args)
    };
    let ex = examples();

    let text = run(&["plan", "--sandbox", &ex]);
    assert_eq!(text.code, 0, "{}", text.all());
    assert!(text
        .stderr
        .contains("Using the embedded sandbox on tcp://127.0.0.1:"));
    assert!(text
        .stdout
        .contains("+ sales-emea-hunt@company.com will be created"));
    assert!(text
        .stdout
        .contains("~ sales-hunt@company.com will be updated in place"));
    assert!(text
        .stdout
        .contains("sales-vip-hunt@company.com is unchanged"));
    assert!(text
        .stdout
        .contains("Plan: 2 to create, 2 to update, 0 to delete."));
    snapshot("e2e-plan.txt", &mask(&text.stdout));

    let j = run(&["plan", "--sandbox", &ex, "--format", "json"]);
    assert_eq!(j.code, 0);
    let v = json(&j.stdout);
    assert_eq!(v["format_version"], 1);
    snapshot("e2e-plan.json", &mask(&j.stdout));

    let md = run(&["plan", "--sandbox", &ex, "--format", "markdown"]);
    assert_eq!(md.code, 0);
    assert!(md.stdout.contains("<details>"));
    assert!(md.stdout.len() <= 65_536);
    snapshot("e2e-plan.md", &mask(&md.stdout));

    // Drift detector: 2 with changes, then apply, then 0.
    assert_eq!(
        run(&["plan", "--sandbox", &ex, "--detailed-exitcode"]).code,
        2
    );
    let a = run(&["apply", "--sandbox", &ex, "--auto-approve"]);
    assert_eq!(a.code, 0, "{}", a.all());
    assert!(a
        .stdout
        .contains("Apply complete: 2 created, 2 updated, 0 deleted, 0 failed."));
    let again = run(&["plan", "--sandbox", &ex, "--detailed-exitcode"]);
    assert_eq!(again.code, 0, "{}", again.all());
    assert!(again.stdout.contains("No changes."));
    // The embedded state file is where HUNTCTL_SANDBOX_STATE said.
    let st = sandbox::state::load(&state).unwrap();
    assert!(find_hg(&st, "sales-emea-hunt@company.com").is_some());
}

#[test]
fn plan_update_of_each_field_kind_then_apply_converges() {
    for via in BOTH {
        let sb = SandboxOpts::new()
            .seed(&field_seed())
            .via(via)
            .record()
            .start();
        let f = sb.file(
            "e2e.yaml",
            &format!(
                "{SALES_HEAD}  - serviceUserId: e2e-hunt@company.com
    serviceInstanceProfile:
      name: E2E Hunt Renamed            # string
      callingLineIdLastName: E2E
      callingLineIdFirstName: Team
      phoneNumber: \"+1-2025550111\"      # phone number
      extension: \"0111\"
      alias: [e2e-a@company.com, e2e-b@company.com]   # list
      timeZone: null                    # not nillable in R25: a warning, not a change
      publicUserIdentity: null          # null removal
      # language left out: unmanaged, English stays
    policy: Circular                    # enum
    huntAfterNoAnswer: false            # bool
    noAnswerNumberOfRings: 7            # number
    forwardTimeoutSeconds: 10
    enableGroupBusy: true
    agentUserId: [bob.wilson@company.com, john.doe@company.com, jane.smith@company.com]  # reorder
"
            ),
        );
        let f = f.to_str().unwrap();
        let p = plan_json(&sb, &[f]);
        assert_eq!(summary(&p), (0, 1, 0), "{via:?}");
        assert_eq!(change(&p, "e2e-hunt@company.com")["action"], "update");
        let fields = changed_fields(&p, "e2e-hunt@company.com");
        for want in [
            "serviceInstanceProfile.name",
            "serviceInstanceProfile.phoneNumber",
            "serviceInstanceProfile.extension",
            "serviceInstanceProfile.alias",
            "serviceInstanceProfile.publicUserIdentity",
            "policy",
            "huntAfterNoAnswer",
            "noAnswerNumberOfRings",
            "enableGroupBusy",
            "agentUserId",
        ] {
            assert!(
                fields.iter().any(|x| x == want),
                "{via:?}: {want} in {fields:?}"
            );
        }
        // Unmanaged and unchanged fields never show.
        for absent in [
            "serviceInstanceProfile.language",
            "serviceInstanceProfile.timeZone",
            "networkClassOfService",
            "forwardToPhoneNumber",
            "forwardTimeoutSeconds",
            "serviceInstanceProfile.callingLineIdLastName",
        ] {
            assert!(!fields.iter().any(|x| x == absent), "{via:?}: {absent}");
        }
        assert_eq!(fields.len(), 10, "{via:?}: {fields:?}");
        let text = sb.plan(&[f]);
        assert!(
            text.all().contains("cannot clear it with a modify"),
            "a null that R25 cannot clear is a warning: {}",
            text.all()
        );
        assert!(
            text.stdout.contains("\"E2E Hunt\" → \"E2E Hunt Renamed\""),
            "{}",
            text.stdout
        );
        assert!(text.stdout.contains("moved"), "{}", text.stdout);

        let a = sb.apply(&[f, "--auto-approve"]);
        assert_eq!(a.code, 0, "{via:?}: {}", a.all());
        assert!(a
            .stdout
            .contains("Apply complete: 0 created, 1 updated, 0 deleted, 0 failed."));
        let h = sb.hg("e2e-hunt@company.com").unwrap();
        assert_eq!(h.service_instance_profile.name, "E2E Hunt Renamed");
        assert_eq!(
            h.service_instance_profile
                .phone_number
                .value()
                .map(String::as_str),
            Some("2025550111")
        );
        assert_eq!(
            h.service_instance_profile
                .extension
                .value()
                .map(String::as_str),
            Some("0111")
        );
        assert_eq!(
            h.service_instance_profile.alias,
            ["e2e-a@company.com", "e2e-b@company.com"]
        );
        assert_eq!(
            opt(&h.service_instance_profile.time_zone),
            Some("America/New_York")
        );
        assert_eq!(opt(&h.service_instance_profile.public_user_identity), None);
        assert_eq!(
            opt(&h.service_instance_profile.language),
            Some("English"),
            "unmanaged stays"
        );
        assert_eq!(opt(&h.network_class_of_service), Some("Premium"));
        assert_eq!(opt(&h.forward_to_phone_number), Some("+1-2025550199"));
        assert_eq!(h.policy, Policy::Circular);
        assert!(!h.hunt_after_no_answer);
        assert_eq!(h.no_answer_number_of_rings, 7);
        assert!(h.enable_group_busy);
        assert_eq!(
            agent_ids(&h),
            [
                "bob.wilson@company.com",
                "john.doe@company.com",
                "jane.smith@company.com"
            ]
        );
        assert_converged(&sb, &[f]);
    }
}

#[test]
fn no_op_after_defaults_equal_phone_forms_and_password_never_compared() {
    for via in BOTH {
        for number in ["+1-2025550110", "+12025550110", "2025550110"] {
            let sb = SandboxOpts::new()
                .seed(&field_seed())
                .via(via)
                .record()
                .start();
            let f = sb.file(
                "same.yaml",
                &format!(
                    "{SALES_HEAD}  - serviceUserId: e2e-hunt@company.com
    serviceInstanceProfile:
      name: E2E Hunt
      callingLineIdLastName: E2E
      callingLineIdFirstName: Team
      phoneNumber: \"{number}\"
      extension: \"0110\"
      alias: [e2e-a@company.com]
      password: Sup3r-Secret-pw
    agentUserId: [john.doe@company.com, jane.smith@company.com, bob.wilson@company.com]
"
                ),
            );
            let f = f.to_str().unwrap();
            let out = sb.plan(&[f, "--detailed-exitcode"]);
            assert_eq!(out.code, 0, "{via:?} {number}: {}", out.all());
            assert!(out.stdout.contains("e2e-hunt@company.com is unchanged"));
            assert!(!out.all().contains("Sup3r-Secret-pw"));
            let j = plan_json(&sb, &[f]);
            assert_eq!(j["has_changes"], false);
            assert!(!j.to_string().contains("Sup3r-Secret-pw"));
            // Not one write when applied.
            let before = sb.record().len();
            let a = sb.apply(&[f, "--auto-approve"]);
            assert_eq!(a.code, 0, "{}", a.all());
            assert!(a.stdout.contains("No changes."));
            assert!(writes_in(&sb.record()[before..]).is_empty());
        }
    }
}

#[test]
fn password_is_sent_on_create_and_shown_as_sensitive() {
    let sb = SandboxOpts::new().seed(&reference_seed()).record().start();
    let f = sb.file(
        "pw.yaml",
        &format!(
            "{SALES_HEAD}  - serviceUserId: pw-hunt@company.com
    serviceInstanceProfile: {{name: PW, callingLineIdLastName: P, callingLineIdFirstName: W, password: Sup3r-Secret-pw}}
    agentUserId: [john.doe@company.com]
"
        ),
    );
    let f = f.to_str().unwrap();
    let out = sb.plan(&[f]);
    assert!(
        out.stdout.contains("(sensitive, not compared)"),
        "{}",
        out.stdout
    );
    let report = sb.path("report.json");
    let a = sb.apply(&[f, "--auto-approve", "--report", report.to_str().unwrap()]);
    assert_eq!(a.code, 0, "{}", a.all());
    assert!(!a.all().contains("Sup3r-Secret-pw"));
    assert!(!std::fs::read_to_string(&report)
        .unwrap()
        .contains("Sup3r-Secret-pw"));
    // The sandbox masks passwords in its record; that a password element went out with the
    // create, and the server holds one, shows it was sent.
    let record = sb.record();
    assert!(!record.contains("Sup3r-Secret-pw"), "record is masked");
    assert!(
        record.contains("<password>********</password>"),
        "sent on create"
    );
    assert!(sb.hg("pw-hunt@company.com").unwrap().password_set);
    // Changing only the password is no change (write-only, never compared).
    let g = sb.file(
        "pw2.yaml",
        &std::fs::read_to_string(f)
            .unwrap()
            .replace("Sup3r", "Other"),
    );
    assert_converged(&sb, &[g.to_str().unwrap()]);
}

#[test]
fn weights_are_compared_and_applied_when_weighted() {
    for via in BOTH {
        let sb = SandboxOpts::new()
            .seed(&reference_seed())
            .via(via)
            .record()
            .start();
        let yaml = |a: u8, b: u8| {
            format!(
                "{SALES_HEAD}  - serviceUserId: w-hunt@company.com
    serviceInstanceProfile: {{name: W, callingLineIdLastName: W, callingLineIdFirstName: H}}
    policy: Weighted
    agentUserId:
      - {{userId: john.doe@company.com, weight: {a}}}
      - {{userId: jane.smith@company.com, weight: {b}}}
"
            )
        };
        let f = sb.file("w.yaml", &yaml(70, 30));
        let f = f.to_str().unwrap();
        let a = sb.apply(&[f, "--auto-approve"]);
        assert_eq!(a.code, 0, "{via:?}: {}", a.all());
        let w: Vec<u8> = sb
            .hg("w-hunt@company.com")
            .unwrap()
            .agents
            .iter()
            .map(|a| a.weight.unwrap_or(0))
            .collect();
        assert_eq!(w, [70, 30]);
        assert_converged(&sb, &[f]);

        let g = sb.file("w2.yaml", &yaml(40, 60));
        let g = g.to_str().unwrap();
        let p = plan_json(&sb, &[g]);
        assert_eq!(changed_fields(&p, "w-hunt@company.com"), ["agentWeight"]);
        let a = sb.apply(&[g, "--auto-approve"]);
        assert_eq!(a.code, 0, "{}", a.all());
        let h = sb.hg("w-hunt@company.com").unwrap();
        assert_eq!(
            h.agents
                .iter()
                .map(|a| a.weight.unwrap_or(0))
                .collect::<Vec<_>>(),
            [40, 60]
        );
        assert_eq!(
            agent_ids(&h),
            ["john.doe@company.com", "jane.smith@company.com"]
        );
        assert_converged(&sb, &[g]);
    }
}

#[test]
fn agent_reorder_add_and_remove() {
    for via in BOTH {
        let sb = SandboxOpts::new()
            .seed(&field_seed())
            .via(via)
            .record()
            .start();
        let f = sb.file(
            "r.yaml",
            &format!(
                "{SALES_HEAD}  - serviceUserId: e2e-hunt@company.com
    serviceInstanceProfile: {{name: E2E Hunt, callingLineIdLastName: E2E, callingLineIdFirstName: Team, alias: [e2e-a@company.com]}}
    agentUserId: [jane.smith@company.com, alice.jones@company.com, john.doe@company.com]
"
            ),
        );
        let f = f.to_str().unwrap();
        let text = sb.plan(&[f]);
        assert!(
            text.stdout.contains("added: alice.jones@company.com"),
            "{}",
            text.stdout
        );
        assert!(
            text.stdout.contains("removed: bob.wilson@company.com"),
            "{}",
            text.stdout
        );
        assert_eq!(
            changed_fields(&plan_json(&sb, &[f]), "e2e-hunt@company.com"),
            ["agentUserId"]
        );
        assert_eq!(sb.apply(&[f, "--auto-approve"]).code, 0);
        assert_eq!(
            agent_ids(&sb.hg("e2e-hunt@company.com").unwrap()),
            [
                "jane.smith@company.com",
                "alice.jones@company.com",
                "john.doe@company.com"
            ]
        );
        assert_converged(&sb, &[f]);
    }
}

#[test]
fn prune_off_lists_unmanaged_prune_on_deletes() {
    for via in BOTH {
        let sb = SandboxOpts::new()
            .seed(&seed_state())
            .via(via)
            .record()
            .start();
        let ex = examples();
        let off = sb.plan(&[&ex]);
        assert!(
            off.stdout.contains("Not managed: 1 hunt group"),
            "{}",
            off.stdout
        );
        assert!(off.stdout.contains("support-legacy-hunt@company.com"));
        assert!(!off.stdout.contains("- support-legacy-hunt"));
        assert_eq!(summary(&plan_json(&sb, &[&ex])), (2, 2, 0));
        let on = plan_json(&sb, &[&ex, "--prune"]);
        assert_eq!(summary(&on), (2, 2, 1));
        assert_eq!(
            change(&on, "support-legacy-hunt@company.com")["action"],
            "delete"
        );
        let text = sb.plan(&[&ex, "--prune"]);
        assert!(text
            .stdout
            .contains("Plan: 2 to create, 2 to update, 1 to delete."));

        // Apply without --prune keeps it; with --prune deletes it.
        assert_eq!(sb.apply(&[&ex, "--auto-approve"]).code, 0);
        assert!(sb.hg("support-legacy-hunt@company.com").is_some());
        let a = sb.apply(&[&ex, "--auto-approve", "--prune"]);
        assert_eq!(a.code, 0, "{}", a.all());
        assert!(a
            .stdout
            .contains("Apply complete: 0 created, 0 updated, 1 deleted, 0 failed."));
        assert!(sb.hg("support-legacy-hunt@company.com").is_none());
        assert_converged(&sb, &[&ex, "--prune"]);
    }
}

#[test]
fn target_and_exclude_select_hunt_groups() {
    for via in BOTH {
        let sb = SandboxOpts::new()
            .seed(&seed_state())
            .via(via)
            .record()
            .start();
        let ex = examples();
        let t = plan_json(&sb, &[&ex, "--target", "sales-*"]);
        assert_eq!(summary(&t), (1, 1, 0));
        let ids: Vec<&str> = t["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["serviceUserId"].as_str().unwrap())
            .collect();
        assert!(ids.iter().all(|i| i.starts_with("sales-")), "{ids:?}");
        let e = plan_json(
            &sb,
            &[&ex, "--exclude", "support-*", "--exclude", "sales-emea*"],
        );
        assert_eq!(summary(&e), (0, 1, 0));
        let two = plan_json(
            &sb,
            &[
                &ex,
                "--target",
                "support-night-hunt@company.com",
                "--target",
                "sales-hunt@*",
            ],
        );
        assert_eq!(summary(&two), (1, 1, 0));
        // Apply honours the selection too.
        let a = sb.apply(&[&ex, "--auto-approve", "--target", "support-*"]);
        assert_eq!(a.code, 0, "{}", a.all());
        assert!(sb.hg("support-night-hunt@company.com").is_some());
        assert!(sb.hg("sales-emea-hunt@company.com").is_none());
        assert_eq!(
            sb.hg("sales-hunt@company.com")
                .unwrap()
                .service_instance_profile
                .name,
            "Sales Hunt"
        );
    }
}

#[test]
fn detailed_exitcode_and_errors() {
    let sb = SandboxOpts::new().seed(&seed_state()).record().start();
    let ex = examples();
    assert_eq!(sb.plan(&[&ex]).code, 0);
    assert_eq!(sb.plan(&[&ex, "--detailed-exitcode"]).code, 2);
    // Errors are 1, with or without --detailed-exitcode.
    let bad = sb.file("bad.yaml", "huntGroups: [{serviceUserId: nope}]\n");
    assert_eq!(
        sb.plan(&[bad.to_str().unwrap(), "--detailed-exitcode"])
            .code,
        1
    );
    let wrong = huntctl(sb.dir()).env("BROADWORKS_PASSWORD", "wrong").run([
        "plan",
        "--url",
        sb.url(),
        "--user",
        "admin",
        &ex,
        "--detailed-exitcode",
    ]);
    assert_eq!(wrong.code, 1, "{}", wrong.all());
    assert!(!wrong.all().contains("wrong\n"));
}

#[test]
fn saved_plan_applies_then_converges() {
    for via in BOTH {
        let sb = SandboxOpts::new()
            .seed(&seed_state())
            .via(via)
            .record()
            .start();
        let ex = examples();
        let saved = sb.path("plan.json");
        let p = sb.plan(&[&ex, "--out", saved.to_str().unwrap()]);
        assert_eq!(p.code, 0, "{}", p.all());
        assert!(saved.exists());
        let a = sb.apply(&["--plan", saved.to_str().unwrap(), "--auto-approve"]);
        assert_eq!(a.code, 0, "{via:?}: {}", a.all());
        assert!(a
            .stdout
            .contains("Apply complete: 2 created, 2 updated, 0 deleted, 0 failed."));
        assert_converged(&sb, &[&ex]);
    }
}

#[test]
fn stale_saved_plan_is_refused() {
    for via in BOTH {
        let sb = SandboxOpts::new()
            .seed(&seed_state())
            .via(via)
            .record()
            .start();
        let ex = examples();
        let saved = sb.path("plan.json");
        assert_eq!(sb.plan(&[&ex, "--out", saved.to_str().unwrap()]).code, 0);
        // Someone else renames sales-hunt meanwhile.
        let other = sb.file(
            "other.yaml",
            &format!(
                "{SALES_HEAD}  - serviceUserId: sales-hunt@company.com
    serviceInstanceProfile: {{name: Changed Elsewhere, callingLineIdLastName: Sales, callingLineIdFirstName: Team, phoneNumber: \"2025550100\", extension: \"0100\"}}
    agentUserId: [jane.smith@company.com, john.doe@company.com]
"
            ),
        );
        assert_eq!(
            sb.apply(&[other.to_str().unwrap(), "--auto-approve"]).code,
            0
        );
        let before = sb.record().len();
        let a = sb.apply(&["--plan", saved.to_str().unwrap(), "--auto-approve"]);
        assert_eq!(a.code, 1, "{}", a.all());
        assert!(a.all().contains("saved plan is stale"), "{}", a.all());
        assert!(writes_in(&sb.record()[before..]).is_empty());
        assert_eq!(
            sb.hg("sales-hunt@company.com")
                .unwrap()
                .service_instance_profile
                .name,
            "Changed Elsewhere"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// apply (issue 6)
// ---------------------------------------------------------------------------------------------

const EVERY_FIELD: &str = "  - serviceUserId: every-hunt@company.com
    serviceInstanceProfile:
      name: Every Field
      callingLineIdLastName: Every
      callingLineIdFirstName: Field
      hiraganaLastName: セールス
      hiraganaFirstName: チーム
      phoneNumber: \"+1-2025550112\"
      extension: \"0112\"
      password: create-only-pw
      language: English
      timeZone: America/New_York
      alias: [every-a@company.com, every-b@company.com]
      publicUserIdentity: every-pui@company.com
      callingLineIdPhoneNumber: \"+12025550113\"
    policy: Weighted
    huntAfterNoAnswer: false
    noAnswerNumberOfRings: 4
    forwardAfterTimeout: true
    forwardTimeoutSeconds: 30
    forwardToPhoneNumber: \"+1-2025550199\"
    allowCallWaitingForAgents: false
    useSystemHuntGroupCLIDSetting: false
    includeHuntGroupNameInCLID: false
    enableNotReachableForwarding: true
    notReachableForwardToPhoneNumber: voicemail@company.com
    makeBusyWhenNotReachable: true
    allowMembersToControlGroupBusy: true
    enableGroupBusy: true
    applyGroupBusyWhenTerminatingToAgent: true
    networkClassOfService: Premium
    agentUserId:
      - {userId: john.doe@company.com, weight: 60}
      - {userId: jane.smith@company.com, weight: 40}
";

#[test]
fn create_update_delete_every_field_kind() {
    for via in BOTH {
        let sb = SandboxOpts::new()
            .seed(&reference_seed())
            .via(via)
            .record()
            .start();
        let f = sb.file("every.yaml", &format!("{SALES_HEAD}{EVERY_FIELD}"));
        let f = f.to_str().unwrap();
        let a = sb.apply(&[f, "--auto-approve"]);
        assert_eq!(a.code, 0, "{via:?}: {}", a.all());
        assert!(a.stdout.contains("Apply complete: 1 created"));
        let h = sb.hg("every-hunt@company.com").unwrap();
        assert_eq!(h.service_instance_profile.name, "Every Field");
        assert_eq!(
            opt(&h.service_instance_profile.hiragana_last_name),
            Some("セールス")
        );
        assert_eq!(
            h.service_instance_profile
                .phone_number
                .value()
                .map(String::as_str),
            Some("2025550112")
        );
        assert!(h.password_set);
        assert_eq!(
            opt(&h.service_instance_profile.time_zone),
            Some("America/New_York")
        );
        assert_eq!(h.service_instance_profile.alias.len(), 2);
        assert_eq!(
            opt(&h.service_instance_profile.calling_line_id_phone_number),
            Some("+12025550113")
        );
        assert_eq!(h.policy, Policy::Weighted);
        assert!(!h.hunt_after_no_answer && h.forward_after_timeout);
        assert_eq!(
            (h.no_answer_number_of_rings, h.forward_timeout_seconds),
            (4, 30)
        );
        assert!(!h.allow_call_waiting_for_agents && !h.use_system_hunt_group_clid_setting);
        assert!(!h.include_hunt_group_name_in_clid && h.enable_not_reachable_forwarding);
        assert_eq!(
            opt(&h.not_reachable_forward_to_phone_number),
            Some("voicemail@company.com")
        );
        assert!(h.make_busy_when_not_reachable && h.allow_members_to_control_group_busy);
        assert!(h.enable_group_busy && h.apply_group_busy_when_terminating_to_agent);
        assert_eq!(opt(&h.network_class_of_service), Some("Premium"));
        assert_eq!(
            h.agents
                .iter()
                .map(|a| a.weight.unwrap_or(0))
                .collect::<Vec<_>>(),
            [60, 40]
        );
        assert_converged(&sb, &[f]);

        // Update: every field to another value, nulls remove, back to defaults.
        let updated = EVERY_FIELD
            .replace("name: Every Field", "name: Every Field 2")
            .replace("hiraganaLastName: セールス", "hiraganaLastName: エイギョウ")
            .replace("\"+1-2025550112\"", "\"+1-2025550114\"")
            .replace("\"0112\"", "\"0114\"")
            .replace("language: English", "language: French")
            .replace("timeZone: America/New_York", "timeZone: Europe/London")
            .replace("[every-a@company.com, every-b@company.com]", "[]")
            .replace("publicUserIdentity: every-pui@company.com", "publicUserIdentity: null")
            .replace("callingLineIdPhoneNumber: \"+12025550113\"", "callingLineIdPhoneNumber: null")
            .replace("policy: Weighted", "policy: Uniform")
            .replace("huntAfterNoAnswer: false", "huntAfterNoAnswer: true")
            .replace("noAnswerNumberOfRings: 4", "noAnswerNumberOfRings: 9")
            .replace("forwardAfterTimeout: true", "forwardAfterTimeout: false")
            .replace("forwardToPhoneNumber: \"+1-2025550199\"", "forwardToPhoneNumber: null")
            .replace("enableGroupBusy: true", "enableGroupBusy: false")
            .replace("networkClassOfService: Premium", "networkClassOfService: Basic")
            .replace(
                "notReachableForwardToPhoneNumber: voicemail@company.com",
                "notReachableForwardToPhoneNumber: \"+1-2025550198\"",
            )
            .replace(
                "      - {userId: john.doe@company.com, weight: 60}\n      - {userId: jane.smith@company.com, weight: 40}\n",
                "      - bob.wilson@company.com\n      - john.doe@company.com\n",
            );
        let g = sb.file("every.yaml", &format!("{SALES_HEAD}{updated}"));
        let g = g.to_str().unwrap();
        let a = sb.apply(&[g, "--auto-approve"]);
        assert_eq!(a.code, 0, "{via:?}: {}", a.all());
        assert!(a.stdout.contains("0 created, 1 updated"), "{}", a.stdout);
        let h = sb.hg("every-hunt@company.com").unwrap();
        assert_eq!(h.service_instance_profile.name, "Every Field 2");
        assert_eq!(
            opt(&h.service_instance_profile.hiragana_last_name),
            Some("エイギョウ")
        );
        assert_eq!(
            opt(&h.service_instance_profile.hiragana_first_name),
            Some("チーム")
        );
        assert_eq!(
            h.service_instance_profile
                .phone_number
                .value()
                .map(String::as_str),
            Some("2025550114")
        );
        assert_eq!(
            h.service_instance_profile
                .extension
                .value()
                .map(String::as_str),
            Some("0114")
        );
        assert_eq!(opt(&h.service_instance_profile.language), Some("French"));
        assert_eq!(
            opt(&h.service_instance_profile.time_zone),
            Some("Europe/London")
        );
        assert!(h.service_instance_profile.alias.is_empty());
        assert_eq!(opt(&h.service_instance_profile.public_user_identity), None);
        assert_eq!(
            opt(&h.service_instance_profile.calling_line_id_phone_number),
            None
        );
        assert_eq!(h.policy, Policy::Uniform);
        assert!(h.hunt_after_no_answer && !h.forward_after_timeout);
        assert_eq!(h.no_answer_number_of_rings, 9);
        assert_eq!(opt(&h.forward_to_phone_number), None);
        assert!(!h.enable_group_busy);
        assert_eq!(opt(&h.network_class_of_service), Some("Basic"));
        assert_eq!(
            opt(&h.not_reachable_forward_to_phone_number),
            Some("+1-2025550198")
        );
        assert_eq!(
            agent_ids(&h),
            ["bob.wilson@company.com", "john.doe@company.com"]
        );
        assert_converged(&sb, &[g]);

        // Delete: leave it out and prune.
        let empty = sb.file(
            "every.yaml",
            &format!(
                "{SALES_HEAD}  - serviceUserId: keep-hunt@company.com\n    agentUserId: [john.doe@company.com]\n"
            ),
        );
        let e = empty.to_str().unwrap();
        // One existing hunt group, deleting it is 100% but there are fewer than 10: allowed.
        let a = sb.apply(&[e, "--auto-approve", "--prune"]);
        assert_eq!(a.code, 0, "{}", a.all());
        assert!(
            a.stdout.contains("1 created, 0 updated, 1 deleted"),
            "{}",
            a.stdout
        );
        assert!(sb.hg("every-hunt@company.com").is_none());
        assert_converged(&sb, &[e, "--prune"]);
    }
}

#[test]
fn reference_csv_examples_end_to_end() {
    for via in BOTH {
        for name in ["minimal.csv", "full.csv"] {
            let sb = SandboxOpts::new()
                .seed(&reference_seed())
                .via(via)
                .record()
                .start();
            let f = reference(name);
            let a = sb.apply(&[&f, "--auto-approve"]);
            assert_eq!(a.code, 0, "{via:?} {name}: {}", a.all());
            let h = sb.hg("sales-hunt@company.com").unwrap();
            assert_eq!(h.service_instance_profile.name, "Sales Hunt Group");
            assert_eq!(
                agent_ids(&h)[..2],
                ["john.doe@company.com", "jane.smith@company.com"]
            );
            if name == "full.csv" {
                assert!(a.stdout.contains("Apply complete: 2 created, 0 updated"));
                let s = sb.hg("support-hunt@company.com").unwrap();
                assert_eq!(s.policy, Policy::Circular);
                assert_eq!(s.no_answer_number_of_rings, 3);
                assert_eq!(h.no_answer_number_of_rings, 5);
                assert_eq!(agent_ids(&h).len(), 3);
            } else {
                assert!(a.stdout.contains("Apply complete: 1 created, 0 updated"));
                // Defaults of the reference page for everything else.
                assert_eq!(
                    h.service_instance_profile.calling_line_id_last_name,
                    "Last Name"
                );
                assert_eq!(h.policy, Policy::Regular);
            }
            assert_converged(&sb, &[&f]);
        }
    }
}

#[test]
fn apply_twice_sends_no_write_the_second_time() {
    for via in BOTH {
        let sb = SandboxOpts::new()
            .seed(&seed_state())
            .via(via)
            .record()
            .start();
        let ex = examples();
        let a = sb.apply(&[&ex, "--auto-approve"]);
        assert_eq!(a.code, 0, "{}", a.all());
        let first = sb.record();
        assert!(
            writes_in(&first).len() >= 4,
            "{via:?}: {:?}",
            writes_in(&first)
        );
        let b = sb.apply(&[&ex, "--auto-approve"]);
        assert_eq!(b.code, 0, "{}", b.all());
        assert!(b.stdout.contains("No changes."));
        let second = &sb.record()[first.len()..];
        assert!(
            second.contains("GroupHuntGroupGetInstanceRequest"),
            "it did read"
        );
        assert_eq!(writes_in(second), Vec::<&str>::new(), "{via:?}");
    }
}

#[test]
fn mixed_batch_failures_do_not_stop_the_others() {
    for via in BOTH {
        let sb = SandboxOpts::new()
            .seed(&reference_seed())
            .via(via)
            .record()
            .start();
        let f = sb.file(
            "mixed.yaml",
            &format!(
                "{SALES_HEAD}  - serviceUserId: good-hunt@company.com
    agentUserId: [john.doe@company.com]
  - serviceUserId: ghost-agent-hunt@company.com
    agentUserId: [nobody@company.com]
  - serviceUserId: john.doe@company.com
    agentUserId: [jane.smith@company.com]
  - serviceUserId: good2-hunt@company.com
    agentUserId: [jane.smith@company.com]
"
            ),
        );
        let report = sb.path("report.json");
        let a = sb.apply(&[
            f.to_str().unwrap(),
            "--auto-approve",
            "--report",
            report.to_str().unwrap(),
        ]);
        assert_eq!(a.code, 1, "{via:?}: {}", a.all());
        assert!(
            a.stdout
                .contains("Apply complete: 2 created, 0 updated, 0 deleted, 2 failed."),
            "{}",
            a.stdout
        );
        assert!(sb.hg("good-hunt@company.com").is_some());
        assert!(sb.hg("good2-hunt@company.com").is_some());
        assert!(sb.hg("ghost-agent-hunt@company.com").is_none());
        let r = json(&std::fs::read_to_string(&report).unwrap());
        let results = r["results"].as_array().unwrap();
        assert_eq!(results.len(), 4);
        let by = |id: &str| {
            results
                .iter()
                .find(|x| x["data"]["serviceUserId"] == id)
                .unwrap_or_else(|| panic!("{id} in {r:#}"))
        };
        assert_eq!(by("good-hunt@company.com")["success"], true);
        assert_eq!(by("good-hunt@company.com")["outcome"], "created");
        for bad in ["ghost-agent-hunt@company.com", "john.doe@company.com"] {
            let e = by(bad);
            assert_eq!(e["success"], false, "{e:#}");
            assert_eq!(e["outcome"], "failed");
            assert!(e["errorCode"].is_u64(), "{e:#}");
            assert!(e["error"].is_string(), "{e:#}");
        }
        assert_eq!(by("ghost-agent-hunt@company.com")["errorCode"], 4008);
        assert_eq!(by("john.doe@company.com")["errorCode"], 4200);
    }
}

#[test]
fn json_report_keys_and_text_snapshot() {
    let sb = SandboxOpts::new().seed(&seed_state()).record().start();
    let ex = examples();
    let report = sb.path("report.json");
    let a = sb.apply(&[
        &ex,
        "--auto-approve",
        "--prune",
        "--format",
        "json",
        "--report",
        report.to_str().unwrap(),
    ]);
    assert_eq!(a.code, 0, "{}", a.all());
    // stdout is only the report; the plan and per-group lines go to stderr.
    let out = json(&a.stdout);
    let file = json(&std::fs::read_to_string(&report).unwrap());
    // 5 hunt groups in the files (one unchanged) and the pruned one.
    assert_eq!(out["results"].as_array().unwrap().len(), 6);
    assert_eq!(file["results"], out["results"]);
    assert!(a
        .stderr
        .contains("Apply complete: 2 created, 2 updated, 1 deleted, 0 failed."));
    for (i, e) in out["results"].as_array().unwrap().iter().enumerate() {
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
        ] {
            assert!(e.get(key).is_some(), "result {i} lacks {key}: {e:#}");
        }
        assert_eq!(e["index"], i as u64);
        assert_eq!(e["success"], true);
    }
    let unchanged = out["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["data"]["serviceUserId"] == "sales-vip-hunt@company.com")
        .unwrap();
    assert_eq!(unchanged["outcome"], "unchanged");
    let actions: Vec<&str> = out["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for want in ["create", "update", "delete"] {
        assert!(actions.contains(&want), "{actions:?}");
    }
    snapshot("e2e-apply-report.json", &mask(&a.stdout));

    // Text output of a fresh apply, durations masked.
    let sb = SandboxOpts::new().seed(&seed_state()).record().start();
    let t = sb.apply(&[&ex, "--auto-approve"]);
    assert_eq!(t.code, 0);
    let mut lines: Vec<&str> = t.stdout.lines().collect();
    // Per-group lines arrive in completion order: sort them for a stable snapshot.
    let start = lines
        .iter()
        .position(|l| l.contains(": created (") || l.contains(": updated ("))
        .unwrap();
    let end = lines
        .iter()
        .position(|l| l.starts_with("Apply complete"))
        .unwrap();
    lines[start..end].sort();
    snapshot("e2e-apply.txt", &mask(&(lines.join("\n") + "\n")));
}

#[test]
fn non_tty_without_auto_approve_refuses() {
    let sb = SandboxOpts::new().seed(&seed_state()).record().start();
    let ex = examples();
    let a = sb.apply(&[&ex]);
    assert_eq!(a.code, 1, "{}", a.all());
    assert!(a.stderr.contains("not on a terminal"), "{}", a.stderr);
    assert!(a.stderr.contains("--auto-approve"));
    assert!(writes_in(&sb.record()).is_empty());
    assert!(sb.hg("sales-emea-hunt@company.com").is_none());
}

#[test]
fn delete_threshold_refuses_unless_forced() {
    let sb = SandboxOpts::new().seed(&bulk_seed(10)).record().start();
    // Keep 6 of 10: deleting 4 is 40% > 30%.
    let f = sb.file("six.yaml", &many_yaml(0..6));
    let f = f.to_str().unwrap();
    let a = sb.apply(&[f, "--auto-approve", "--prune"]);
    assert_eq!(a.code, 1, "{}", a.all());
    assert!(a.all().contains("--force"), "{}", a.all());
    assert!(writes_in(&sb.record()).is_empty());
    assert_eq!(hunt_group_count(&sb.state()), 10);
    // A higher threshold lets it through ...
    let seven = sb.file("seven.yaml", &many_yaml(0..7));
    let b = sb.apply(&[
        seven.to_str().unwrap(),
        "--auto-approve",
        "--prune",
        "--delete-threshold",
        "30",
    ]);
    assert_eq!(b.code, 0, "3 of 10 is not more than 30%: {}", b.all());
    assert_eq!(hunt_group_count(&sb.state()), 7);
    // ... and so does --force (7 existing: fewer than 10, so also allowed; use a fresh one).
    let sb = SandboxOpts::new().seed(&bulk_seed(12)).record().start();
    let two = sb.file("two.yaml", &many_yaml(0..2));
    let two = two.to_str().unwrap();
    assert_eq!(sb.apply(&[two, "--auto-approve", "--prune"]).code, 1);
    assert_eq!(
        sb.apply(&[two, "--auto-approve", "--prune", "--delete-threshold", "90"])
            .code,
        0
    );
    assert_eq!(hunt_group_count(&sb.state()), 2);
    let sb = SandboxOpts::new().seed(&bulk_seed(12)).record().start();
    let f = sb.file("two.yaml", &many_yaml(0..2));
    let c = sb.apply(&[f.to_str().unwrap(), "--auto-approve", "--prune", "--force"]);
    assert_eq!(c.code, 0, "{}", c.all());
    assert!(c.stdout.contains("10 deleted"), "{}", c.stdout);
    assert_eq!(hunt_group_count(&sb.state()), 2);
}

/// Checks a report against the server state: every success is really there.
fn assert_report_matches_state(sb: &Sandbox, report: &Value) {
    let st = sb.state();
    for e in report["results"].as_array().unwrap() {
        let id = e["data"]["serviceUserId"].as_str().unwrap();
        let exists = find_hg(&st, id).is_some();
        match e["outcome"].as_str().unwrap() {
            "created" | "updated" | "unchanged" => assert!(exists, "{id}: {e:#}"),
            "deleted" => assert!(!exists, "{id}: {e:#}"),
            "failed" => {
                if e["action"] == "create" {
                    assert!(!exists, "{id} reported not created but exists: {e:#}");
                }
            }
            o => panic!("unknown outcome {o}"),
        }
    }
}

#[test]
fn connection_dropped_mid_batch_reports_truth_and_second_apply_converges() {
    // Reads: 2 GetInstanceList + 3 GetInstance = 5 commands; the writes start at 6.
    for fault in ["close-after=6", "drop-before=6", "close-after=8"] {
        for via in BOTH {
            let sb = SandboxOpts::new()
                .seed(&seed_state())
                .via(via)
                .faults(&[fault])
                .record()
                .start();
            let ex = examples();
            let report = sb.path("report.json");
            let a = sb.apply(&[
                &ex,
                "--auto-approve",
                "--report",
                report.to_str().unwrap(),
                "--request-timeout",
                "5",
            ]);
            assert!(a.code == 0 || a.code == 1, "{fault} {via:?}: {}", a.all());
            assert!(
                a.stdout.contains("Apply complete:"),
                "{fault} {via:?}: {}",
                a.all()
            );
            let r = json(&std::fs::read_to_string(&report).unwrap());
            // One entry per hunt group of the desired state, unchanged ones too.
            assert_eq!(r["results"].as_array().unwrap().len(), 5, "{r:#}");
            assert_report_matches_state(&sb, &r);
            // Never the same create twice.
            let rec = sb.record();
            for id in [
                "sales-emea-hunt@company.com",
                "support-night-hunt@company.com",
            ] {
                let adds = rec
                    .split("GroupHuntGroupAddInstanceRequest20")
                    .skip(1)
                    .filter(|s| s.split("</command>").next().unwrap_or("").contains(id))
                    .count();
                assert!(adds <= 1, "{fault} {via:?}: {id} created {adds} times");
            }
            let b = sb.apply(&[&ex, "--auto-approve"]);
            assert_eq!(b.code, 0, "{fault} {via:?}: {}", b.all());
            assert_converged(&sb, &[&ex]);
        }
    }
}

#[test]
fn record_of_a_full_scenario_validates_against_the_schema() {
    let sb = SandboxOpts::new().seed(&seed_state()).record().start();
    let ex = examples();
    let extra = sb.file("every.yaml", &format!("{SALES_HEAD}{EVERY_FIELD}"));
    let dir = sb.path("desired");
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["sales.yaml", "support.csv"] {
        std::fs::copy(Path::new(&ex).join(f), dir.join(f)).unwrap();
    }
    std::fs::copy(&extra, dir.join("every.yaml")).unwrap();
    let d = dir.to_str().unwrap();
    assert_eq!(sb.plan(&[d, "--prune"]).code, 0);
    let a = sb.apply(&[d, "--auto-approve", "--prune"]);
    assert_eq!(a.code, 0, "{}", a.all());
    assert!(
        a.stdout.contains("3 created, 2 updated, 1 deleted"),
        "{}",
        a.stdout
    );
    // Then updates with weights and nulls.
    let every = std::fs::read_to_string(dir.join("every.yaml"))
        .unwrap()
        .replace("weight: 60", "weight: 10")
        .replace("timeZone: America/New_York", "timeZone: null");
    std::fs::write(dir.join("every.yaml"), every).unwrap();
    let b = sb.apply(&[d, "--auto-approve"]);
    assert_eq!(b.code, 0, "{}", b.all());
    let rec = sb.record();
    let w = writes_in(&rec);
    for k in [
        "GroupHuntGroupAddInstanceRequest20",
        "GroupHuntGroupModifyInstanceRequest",
        "GroupHuntGroupModifyInstanceWeightedCallDistributionRequest",
        "GroupHuntGroupDeleteInstanceRequest",
    ] {
        assert!(w.contains(&k), "{k} not recorded: {w:?}");
    }
    ocip_schema::assert_valid_file(sb.record_path());
}

/// A stored optional text as `Option<&str>` (absent and unmanaged alike are `None`).
fn opt(f: &huntctl::model::Field<String>) -> Option<&str> {
    f.value().map(String::as_str)
}

// ---------------------------------------------------------------------------------------------
// isActive and departments against the sandbox: through the binary from YAML, and through the
// library where a test needs the plan, the report or the undo as values
// ---------------------------------------------------------------------------------------------

mod active_and_departments {
    use super::*;
    use huntctl::apply::{apply, undo::make_undo, Outcome, Report};
    use huntctl::model::{Department, Field, HuntGroup, Secret};
    use huntctl::ocip::{ConnectionSettings, Pool};
    use huntctl::plan::preflight::Rule;
    use huntctl::plan::{read_and_plan, render, Plan, PlanOptions};

    const ACTIVE_LIST: &str = "GroupHuntGroupModifyActiveInstanceListRequest";
    const DEPARTMENTS: &str = "GroupDepartmentGetListRequest18";

    use crate::support::SALES_VIP as VIP;

    /// The seed's sales-hunt and support-hunt exactly as they are, and three new ones.
    const SEVERAL: &str = "defaults:
  serviceProviderId: MyServiceProvider
huntGroups:
  - serviceUserId: sales-hunt@company.com
    groupId: SalesGroup
    serviceInstanceProfile:
      name: Sales Hunt
      callingLineIdLastName: Sales
      callingLineIdFirstName: Team
      phoneNumber: \"2025550100\"
      extension: \"0100\"
    agentUserId: [jane.smith@company.com, john.doe@company.com]
  - serviceUserId: support-hunt@company.com
    groupId: SupportGroup
    serviceInstanceProfile:
      name: Support Hunt Group
      callingLineIdLastName: Support
      callingLineIdFirstName: Team
      phoneNumber: \"2025550200\"
      extension: \"0200\"
      alias: [support-team@company.com]
    policy: Circular
    agentUserId: [support1@company.com, support2@company.com]
  - {serviceUserId: new1@company.com, groupId: SalesGroup, agentUserId: [bob.wilson@company.com]}
  - {serviceUserId: new2@company.com, groupId: SalesGroup, agentUserId: [bob.wilson@company.com]}
  - {serviceUserId: new3@company.com, groupId: SalesGroup, agentUserId: [bob.wilson@company.com]}
";

    /// A client of the sandbox on its own runtime.
    struct Client {
        rt: tokio::runtime::Runtime,
        pool: Option<Pool>,
    }

    impl Client {
        fn new(sb: &Sandbox) -> Client {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let settings = ConnectionSettings::new(sb.url(), "admin", Secret::new("admin"));
            let pool = rt.block_on(Pool::connect(settings)).unwrap();
            Client {
                rt,
                pool: Some(pool),
            }
        }
        fn pool(&self) -> &Pool {
            self.pool.as_ref().unwrap()
        }
        fn plan(&self, desired: &[HuntGroup], preflight: bool) -> Plan {
            self.plan_with(desired, &PlanOptions::default(), preflight)
        }
        fn plan_with(&self, desired: &[HuntGroup], opts: &PlanOptions, preflight: bool) -> Plan {
            let opts = PlanOptions {
                preflight,
                ..opts.clone()
            };
            self.rt
                .block_on(read_and_plan(self.pool(), desired, &opts))
                .unwrap()
        }
        fn apply(&self, plan: &Plan) -> Report {
            self.rt.block_on(apply(self.pool(), plan, &|_| {}))
        }
        fn undo(&self, plan: &Plan, report: &Report) -> Plan {
            make_undo(plan, report).unwrap()
        }
    }

    impl Drop for Client {
        fn drop(&mut self) {
            if let Some(p) = self.pool.take() {
                self.rt.block_on(p.close());
            }
        }
    }

    fn load(sb: &Sandbox, name: &str, yaml: &str) -> Vec<HuntGroup> {
        let f = sb.file(name, yaml);
        huntctl::api::load_paths(&[f]).unwrap().hunt_groups
    }

    fn count(record: &str, kind: &str) -> usize {
        record.matches(&format!("\"{kind}\"")).count()
    }

    fn is_active(sb: &Sandbox, id: &str) -> bool {
        sb.hg(id)
            .unwrap_or_else(|| panic!("{id} missing"))
            .is_active
    }

    fn text(plan: &Plan) -> String {
        render::text(plan, false)
    }

    #[test]
    fn deactivate_plan_apply_converge_and_undo() {
        for via in BOTH {
            let sb = SandboxOpts::new()
                .seed(&seed_state())
                .via(via)
                .record()
                .start();
            let c = Client::new(&sb);
            let id = "sales-vip-hunt@company.com";
            let mut desired = load(&sb, "vip.yaml", VIP);
            assert!(!c.plan(&desired, true).has_changes(), "{via:?}");
            desired[0].is_active = false;
            let plan = c.plan(&desired, true);
            let t = text(&plan);
            assert!(t.contains("~ isActive: true → false"), "{via:?}: {t}");
            assert_eq!(plan.writes().count(), 1);
            let report = c.apply(&plan);
            assert_eq!(report.failed(), 0, "{via:?}: {:?}", report.results);
            assert_eq!(report.results[0].outcome, Outcome::Updated);
            assert_eq!(report.results[0].commands, [ACTIVE_LIST]);
            assert!(!is_active(&sb, id));
            let again = c.plan(&desired, true);
            assert!(!again.has_changes(), "{via:?}: {}", text(&again));
            assert!(text(&again).contains("No changes."));

            // The undo puts it back.
            let undo = c.undo(&plan, &report);
            assert!(
                text(&undo).contains("~ isActive: false → true"),
                "{}",
                text(&undo)
            );
            let r = c.apply(&undo);
            assert_eq!(r.failed(), 0, "{:?}", r.results);
            assert!(is_active(&sb, id));
            assert_eq!(count(&sb.record(), ACTIVE_LIST), 2);
            drop(c);
            let rec = sb.record_path();
            ocip_schema::assert_valid_file(rec);
        }
    }

    #[test]
    fn the_undo_of_deleting_an_inactive_hunt_group_recreates_it_inactive() {
        let legacy = "support-legacy-hunt@company.com";
        let mut seed = seed_state();
        seed.service_providers[0].groups[1]
            .hunt_groups
            .iter_mut()
            .find(|h| h.service_user_id == legacy)
            .unwrap()
            .hunt_group
            .is_active = false;
        let sb = SandboxOpts::new().seed(&seed).record().start();
        let c = Client::new(&sb);
        let desired: Vec<HuntGroup> = load(&sb, "several.yaml", SEVERAL)
            .into_iter()
            .filter(|h| h.service_user_id == "support-hunt@company.com")
            .collect();
        let opts = PlanOptions {
            prune: true,
            ..Default::default()
        };
        let plan = c.plan_with(&desired, &opts, true);
        assert_eq!(plan.summary().delete, 1, "{}", text(&plan));
        let report = c.apply(&plan);
        assert_eq!(report.failed(), 0, "{:?}", report.results);
        assert!(sb.hg(legacy).is_none());
        let undo = c.undo(&plan, &report);
        assert_eq!(undo.summary().create, 1, "{}", text(&undo));
        let r = c.apply(&undo);
        assert_eq!(r.failed(), 0, "{:?}", r.results);
        assert_eq!(r.results.len(), 1);
        assert_eq!(r.results[0].outcome, Outcome::Created);
        assert_eq!(
            r.results[0].commands,
            ["GroupHuntGroupAddInstanceRequest20", ACTIVE_LIST]
        );
        assert!(!is_active(&sb, legacy));
    }

    const FILE_FIELDS: &str = "defaults:
  serviceProviderId: MyServiceProvider
  groupId: SalesGroup
huntGroups:
  - serviceUserId: sales-vip-hunt@company.com
    isActive: false
    serviceInstanceProfile:
      name: Sales VIP Line
      callingLineIdLastName: Sales
      callingLineIdFirstName: VIP
      extension: \"0101\"
      department: Sales
    policy: Simultaneous
    agentUserId: [alice.jones@company.com, carol.white@company.com]
  - serviceUserId: new5@company.com
    isActive: false
    serviceInstanceProfile:
      department: {name: Corporate, enterprise: true}
    agentUserId: [bob.wilson@company.com]
";

    #[test]
    fn is_active_and_department_from_yaml_apply_export_and_plan_the_export_with_no_changes() {
        for via in BOTH {
            let sb = SandboxOpts::new()
                .seed(&seed_state())
                .via(via)
                .record()
                .start();
            let f = sb.file("hg.yaml", FILE_FIELDS);
            let f = f.to_str().unwrap();
            let p = sb.plan(&[f]);
            assert_eq!(p.code, 0, "{via:?}: {}", p.all());
            assert!(
                p.stdout.contains("~ isActive: true → false"),
                "{}",
                p.stdout
            );
            assert!(p.stdout.contains("+ isActive = false"), "{}", p.stdout);
            let a = sb.apply(&[f, "--auto-approve"]);
            assert_eq!(a.code, 0, "{via:?}: {}", a.all());
            assert!(a.stdout.contains("1 created, 1 updated"), "{}", a.stdout);
            assert!(!is_active(&sb, "sales-vip-hunt@company.com"));
            assert!(!is_active(&sb, "new5@company.com"));
            assert_converged(&sb, &[f]);
            // Both hunt groups of the group in one command.
            let record = sb.record();
            assert_eq!(count(&record, ACTIVE_LIST), 1, "{via:?}");
            assert_eq!(record.matches("<serviceActivation>").count(), 2);

            let e = sb.path("export.yaml");
            let out = sb.run(
                "export",
                &[
                    "--service-provider",
                    "MyServiceProvider",
                    "--group",
                    "SalesGroup",
                    "-o",
                    e.to_str().unwrap(),
                ],
            );
            assert_eq!(out.code, 0, "{}", out.all());
            let exported = std::fs::read_to_string(sb.path("export.yaml")).unwrap();
            assert_eq!(exported.matches("isActive: false").count(), 2, "{exported}");
            assert!(exported.contains("enterprise: true"), "{exported}");
            assert_converged(&sb, &[e.to_str().unwrap()]);
            ocip_schema::assert_valid_file(sb.record_path());
        }
    }

    #[test]
    fn an_unknown_department_in_a_file_is_refused_at_its_line_and_column() {
        let sb = SandboxOpts::new().seed(&seed_state()).record().start();
        let yaml = FILE_FIELDS.replace("department: Sales", "department: Marketing");
        let f = sb.file("hg.yaml", &yaml);
        let f = f.to_str().unwrap();
        let p = sb.plan(&[f]);
        assert_eq!(p.code, 1, "{}", p.all());
        let all = p.all();
        assert!(
            all.contains("✗ sales-vip-hunt@company.com would be refused: department Marketing is not a department of MyServiceProvider / SalesGroup (its departments: Sales)"),
            "{all}"
        );
        // Line 12, column 19: the value in `      department: Marketing`.
        assert!(
            all.contains(&format!(
                "at {f}:12:19 (serviceInstanceProfile.department = Marketing)"
            )),
            "{all}"
        );
        let a = sb.apply(&[f, "--auto-approve"]);
        assert_eq!(a.code, 1, "{}", a.all());
        // The refused one is not sent; the other is created (and deactivated).
        assert!(is_active(&sb, "sales-vip-hunt@company.com"));
        assert!(!is_active(&sb, "new5@company.com"));
        assert!(!sb.record().contains("<name>Marketing</name>"));
    }

    #[test]
    fn an_inactive_hunt_group_is_planned_active_by_default_from_yaml_with_the_binary() {
        let mut seed = seed_state();
        let vip = sales(&mut seed)
            .hunt_groups
            .iter_mut()
            .find(|h| h.service_user_id == "sales-vip-hunt@company.com")
            .unwrap();
        vip.is_active = false;
        let sb = SandboxOpts::new().seed(&seed).record().start();
        let f = sb.file("vip.yaml", VIP);
        let f = f.to_str().unwrap();
        let p = sb.plan(&[f]);
        assert_eq!(p.code, 0, "{}", p.all());
        assert!(
            p.stdout.contains("~ isActive: false → true"),
            "{}",
            p.stdout
        );
        let a = sb.apply(&[f, "--auto-approve"]);
        assert_eq!(a.code, 0, "{}", a.all());
        assert!(a.stdout.contains("0 created, 1 updated"), "{}", a.stdout);
        assert!(is_active(&sb, "sales-vip-hunt@company.com"));
        assert_converged(&sb, &[f]);
        assert_eq!(count(&sb.record(), ACTIVE_LIST), 1);
    }

    #[test]
    fn creates_and_updates_of_two_groups_take_one_active_list_command_per_group() {
        let sb = SandboxOpts::new().seed(&seed_state()).record().start();
        let c = Client::new(&sb);
        let desired: Vec<HuntGroup> = load(&sb, "several.yaml", SEVERAL)
            .into_iter()
            .map(|mut h| {
                h.is_active = false;
                h
            })
            .collect();
        let plan = c.plan(&desired, true);
        let s = plan.summary();
        assert_eq!((s.create, s.update), (3, 2), "{}", text(&plan));
        let report = c.apply(&plan);
        assert_eq!(report.failed(), 0, "{:?}", report.results);
        assert_eq!(report.results.len(), 5);
        for r in &report.results {
            let expect: &[&str] = if r.outcome == Outcome::Created {
                &["GroupHuntGroupAddInstanceRequest20", ACTIVE_LIST]
            } else {
                &[ACTIVE_LIST]
            };
            assert_eq!(r.commands, expect, "{}", r.service_user_id);
        }
        // 5 hunt groups in 2 groups: 2 commands, the SalesGroup one with 4 activations.
        let record = sb.record();
        assert_eq!(count(&record, ACTIVE_LIST), 2);
        assert_eq!(record.matches("<serviceActivation>").count(), 5);
        for h in &desired {
            assert!(!is_active(&sb, &h.service_user_id), "{}", h.service_user_id);
        }
        assert!(!c.plan(&desired, true).has_changes());
        // No desired hunt group names a department: no department read was made.
        assert_eq!(count(&record, DEPARTMENTS), 0);
    }

    #[test]
    fn a_hunt_group_the_server_refuses_does_not_fail_the_others_of_its_batch() {
        let sb = SandboxOpts::new()
            .seed(&seed_state())
            .faults(&["write-error=sales-hunt@*:4008"])
            .record()
            .start();
        let c = Client::new(&sb);
        let desired: Vec<HuntGroup> = load(&sb, "several.yaml", SEVERAL)
            .into_iter()
            .filter(|h| h.group_id == "SalesGroup")
            .map(|mut h| {
                h.is_active = false;
                h
            })
            .collect();
        let plan = c.plan(&desired, true);
        let report = c.apply(&plan);
        let failed: Vec<&str> = report
            .results
            .iter()
            .filter(|r| r.outcome == Outcome::Failed)
            .map(|r| r.service_user_id.as_str())
            .collect();
        assert_eq!(failed, ["sales-hunt@company.com"]);
        let r = &report.results[report
            .results
            .iter()
            .position(|r| r.service_user_id == "sales-hunt@company.com")
            .unwrap()];
        assert_eq!(r.error.as_ref().unwrap().code, Some(4008));
        assert!(
            r.note.as_deref().unwrap().contains("still active"),
            "{:?}",
            r.note
        );
        // The batch of 4, then one each.
        assert_eq!(count(&sb.record(), ACTIVE_LIST), 5);
        assert!(is_active(&sb, "sales-hunt@company.com"));
        for id in ["new1", "new2", "new3"] {
            assert!(!is_active(&sb, &format!("{id}@company.com")), "{id}");
        }
    }

    fn with_department(mut h: HuntGroup, d: Department) -> HuntGroup {
        h.service_instance_profile.department = Field::Value(d);
        h
    }

    #[test]
    fn preflight_refuses_unknown_departments_and_says_which_there_are() {
        let mut seed = seed_state();
        // SupportGroup without departments.
        seed.service_providers[0].groups[1].departments.clear();
        let sb = SandboxOpts::new().seed(&seed).record().start();
        let c = Client::new(&sb);
        let base = load(&sb, "several.yaml", SEVERAL);
        let pick = |id: &str| {
            base.iter()
                .find(|h| h.service_user_id == id)
                .unwrap()
                .clone()
        };
        let desired = vec![
            with_department(pick("new1@company.com"), Department::group("Marketing")),
            with_department(pick("new2@company.com"), Department::group("Sales")),
            with_department(pick("new3@company.com"), Department::group("Corporate")),
            with_department(
                {
                    let mut h = pick("new1@company.com");
                    h.service_user_id = "new4@company.com".into();
                    h
                },
                Department::enterprise("Corporate"),
            ),
            with_department(
                {
                    let mut h = pick("new1@company.com");
                    h.service_user_id = "sup1@company.com".into();
                    h.group_id = "SupportGroup".into();
                    h.agents.clear();
                    h
                },
                Department::group("Support"),
            ),
        ];
        let plan = c.plan(&desired, true);
        let by_id = |id: &str| -> Vec<String> {
            plan.refusals
                .iter()
                .filter(|r| r.service_user_id == id)
                .map(|r| {
                    assert_eq!(r.rule, Rule::UnknownDepartment);
                    assert_eq!(r.field, "serviceInstanceProfile.department");
                    r.message()
                })
                .collect()
        };
        let m = by_id("new1@company.com");
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(
            m[0].contains(
                "department Marketing is not a department of MyServiceProvider / SalesGroup"
            ),
            "{}",
            m[0]
        );
        assert!(m[0].contains("its departments: Sales"), "{}", m[0]);
        assert!(m[0].contains("4417"), "{}", m[0]);
        assert!(by_id("new2@company.com").is_empty());
        let m = by_id("new3@company.com");
        assert!(
            m[0].contains(
                "Corporate is an enterprise department: write {name: Corporate, enterprise: true}"
            ),
            "{}",
            m[0]
        );
        assert!(by_id("new4@company.com").is_empty());
        let m = by_id("sup1@company.com");
        assert!(m[0].contains("the group has no departments"), "{}", m[0]);
        // One department read per group that names a department, in the plan's documents.
        assert_eq!(count(&sb.record(), DEPARTMENTS), 2);
        let t = text(&plan);
        assert!(t.contains("✗ new1@company.com would be refused"), "{t}");

        // Apply does not send the refused ones.
        let report = c.apply(&plan);
        let created: Vec<&str> = report
            .results
            .iter()
            .filter(|r| r.outcome == Outcome::Created)
            .map(|r| r.service_user_id.as_str())
            .collect();
        assert_eq!(created, ["new2@company.com", "new4@company.com"]);
        assert!(sb.hg("new1@company.com").is_none());
        assert!(sb.hg("sup1@company.com").is_none());

        // --no-preflight: no department read, the server is the judge.
        let before = count(&sb.record(), DEPARTMENTS);
        let off = c.plan(&desired[..1], false);
        assert!(off.refusals.is_empty());
        assert_eq!(count(&sb.record(), DEPARTMENTS), before);
        let r = c.apply(&off);
        assert_eq!(r.results[0].outcome, Outcome::Failed);
        assert_eq!(r.results[0].error.as_ref().unwrap().code, Some(4417));
        assert!(sb.hg("new1@company.com").is_none());
    }
}

// ---------------------------------------------------------------------------------------------
// department and isActive (issue 15)
// ---------------------------------------------------------------------------------------------

const DEPT_YAML: &str = "  - serviceUserId: dept-hunt@company.com
    serviceInstanceProfile:
      name: Dept Hunt
      department: Sales
    isActive: false
    agentUserId: [john.doe@company.com]
  - serviceUserId: dept-active-hunt@company.com
    serviceInstanceProfile:
      name: Dept Active
    agentUserId: [jane.smith@company.com]
";

#[test]
fn department_and_is_active_round_trip_through_apply_plan_export_csv_and_yaml() {
    for via in BOTH {
        let sb = SandboxOpts::new()
            .seed(&seed_state())
            .via(via)
            .record()
            .start();
        let f = sb.file("dept.yaml", &format!("{SALES_HEAD}{DEPT_YAML}"));
        let f = f.to_str().unwrap();
        let p = sb.plan(&[f]);
        assert!(p.stdout.contains("department"), "{via:?}: {}", p.all());
        let a = sb.apply(&[f, "--auto-approve"]);
        assert_eq!(a.code, 0, "{via:?}: {}", a.all());
        assert!(a.stdout.contains("2 created"), "{via:?}: {}", a.stdout);
        let h = sb.hg("dept-hunt@company.com").unwrap();
        assert_eq!(
            h.service_instance_profile.department,
            huntctl::model::Field::Value(huntctl::model::Department::group("Sales"))
        );
        assert!(!h.is_active, "{via:?}: created inactive");
        assert!(sb.hg("dept-active-hunt@company.com").unwrap().is_active);
        assert_converged(&sb, &[f]);

        // Reactivate one, deactivate the other, take the department away.
        let changed = DEPT_YAML
            .replace("      department: Sales\n", "      department: null\n")
            .replace("    isActive: false\n", "")
            .replace(
                "      name: Dept Active\n",
                "      name: Dept Active\n    isActive: false\n",
            );
        let g = sb.file("dept2.yaml", &format!("{SALES_HEAD}{changed}"));
        let g = g.to_str().unwrap();
        let p = sb.plan(&[g]);
        assert!(
            p.stdout.contains("isActive") && p.stdout.contains("department"),
            "{via:?}: {}",
            p.all()
        );
        let a = sb.apply(&[g, "--auto-approve"]);
        assert_eq!(a.code, 0, "{via:?}: {}", a.all());
        assert!(sb.hg("dept-hunt@company.com").unwrap().is_active);
        assert!(!sb.hg("dept-active-hunt@company.com").unwrap().is_active);
        assert_eq!(
            sb.hg("dept-hunt@company.com")
                .unwrap()
                .service_instance_profile
                .department,
            huntctl::model::Field::Absent
        );
        assert_converged(&sb, &[g]);

        // Put the department back, then export: the files say it, and plan them is a no-op.
        let a = sb.apply(&[f, "--auto-approve"]);
        assert_eq!(a.code, 0, "{via:?}: {}", a.all());
        for out in ["export.yaml", "export.csv"] {
            let path = sb.path(out);
            let path = path.to_str().unwrap();
            let format = if out.ends_with("csv") { "csv" } else { "yaml" };
            let e = sb.run(
                "export",
                &[
                    "--service-provider",
                    "MyServiceProvider",
                    "--group",
                    "SalesGroup",
                    "--format",
                    format,
                    "-o",
                    path,
                ],
            );
            assert_eq!(e.code, 0, "{via:?}: {}", e.all());
            let text = std::fs::read_to_string(path).unwrap();
            assert!(text.contains("Sales"), "{via:?} {out}: {text}");
            assert!(text.contains("isActive"), "{via:?} {out}: {text}");
            assert_converged(&sb, &[path]);
        }
        ocip_schema::assert_valid_file(sb.record_path());
    }
}
