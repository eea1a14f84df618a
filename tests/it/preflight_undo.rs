//! Issue 16. Pre-flight: the plan predicts the server's refusals, with where each offending
//! value was written; apply does not send those hunt groups. Undo: every apply that changed
//! something leaves a saved plan that reverses it. The real binary against a sandbox in this
//! process, over the real wire; the sandbox's record shows what was sent.

use huntctl::sandbox::record::document_kinds;
use huntctl::sandbox::seed::seed_state;
use serde_json::Value;

use crate::support::{Sandbox, SandboxOpts};

/// Every hunt group id the sandbox holds, sorted.
fn ids(sb: &Sandbox) -> Vec<String> {
    let s = sb.state();
    let mut ids: Vec<String> = s
        .service_providers
        .iter()
        .flat_map(|sp| &sp.groups)
        .flat_map(|g| &g.hunt_groups)
        .map(|h| h.service_user_id.clone())
        .collect();
    ids.sort();
    ids
}

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}):\n{s}"))
}

/// 1-based line and column of the first `needle` after the line holding `after`.
fn line_col_of(text: &str, after: &str, needle: &str) -> String {
    let start = text.find(after).unwrap();
    let at = start + text[start..].find(needle).unwrap();
    let line = text[..at].matches('\n').count() + 1;
    let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
    format!("{line}:{col}")
}

const HEAD: &str =
    "defaults:\n  serviceProviderId: MyServiceProvider\n  groupId: SalesGroup\nhuntGroups:\n";

/// Two good hunt groups and three the server refuses: an agent that is not a user of the
/// group, a number that is no one's, and a number of another group.
fn mixed_yaml() -> String {
    format!(
        "{HEAD}  - serviceUserId: good-one@company.com
    serviceInstanceProfile: {{name: Good One, callingLineIdLastName: Good, callingLineIdFirstName: One, phoneNumber: '+1-2025550111', extension: '0111'}}
    agentUserId: [john.doe@company.com]
  - serviceUserId: bad-agent@company.com
    serviceInstanceProfile: {{name: Bad Agent, callingLineIdLastName: Bad, callingLineIdFirstName: Agent}}
    agentUserId:
      - jane.smith@company.com
      - nobody@company.com
  - serviceUserId: bad-number@company.com
    serviceInstanceProfile:
      name: Bad Number
      callingLineIdLastName: Bad
      callingLineIdFirstName: Number
      phoneNumber: '+1-2025550999'
    agentUserId: [jane.smith@company.com]
  - serviceUserId: good-two@company.com
    serviceInstanceProfile: {{name: Good Two, callingLineIdLastName: Good, callingLineIdFirstName: Two}}
    agentUserId: [jane.smith@company.com, bob.wilson@company.com]
  - serviceUserId: other-group-number@company.com
    serviceInstanceProfile:
      name: Other Number
      callingLineIdLastName: Other
      callingLineIdFirstName: Number
      phoneNumber: '2025550201'
    agentUserId: [bob.wilson@company.com]
  - serviceUserId: sales-hunt@company.com
    serviceInstanceProfile: {{name: Sales Hunt, callingLineIdLastName: Sales, callingLineIdFirstName: Team, phoneNumber: '2025550100', extension: '0100'}}
    agentUserId: [jane.smith@company.com, john.doe@company.com]
  - serviceUserId: sales-vip-hunt@company.com
    serviceInstanceProfile: {{name: Sales VIP Line, callingLineIdLastName: Sales, callingLineIdFirstName: VIP, extension: '0101'}}
    policy: Simultaneous
    agentUserId: [alice.jones@company.com, carol.white@company.com]
"
    )
}

const BAD: [&str; 3] = [
    "bad-agent@company.com",
    "bad-number@company.com",
    "other-group-number@company.com",
];

#[test]
fn plan_lists_exactly_three_refusals_with_locations_in_every_format_and_exits_1() {
    let sb = SandboxOpts::new().seed(&seed_state()).record().start();
    let yaml = mixed_yaml();
    let f = sb.file("sales.yaml", &yaml);
    let f = f.to_str().unwrap();
    let name = f;

    let text = sb.run("plan", &[f]);
    assert_eq!(text.code, 1, "{}", text.all());
    let lines: Vec<&str> = text.stdout.lines().filter(|l| l.starts_with('✗')).collect();
    assert_eq!(lines.len(), 3, "{}", text.stdout);
    // The change itself is marked too, so a long plan shows it where it is.
    assert!(
        text.stdout.contains(
            "  + bad-agent@company.com will be created\n      ✗ would be refused: agent \
             nobody@company.com is not a user of MyServiceProvider / SalesGroup (apply will not send it)\n"
        ),
        "{}",
        text.stdout
    );
    assert!(lines.contains(
        &"✗ bad-agent@company.com would be refused: agent nobody@company.com is not a user of \
          MyServiceProvider / SalesGroup (BroadWorks: 4008)"
    ));
    let agent_at = line_col_of(&yaml, "bad-agent@", "nobody@company.com");
    let number_at = line_col_of(&yaml, "bad-number@", "'+1-2025550999'");
    let other_at = line_col_of(&yaml, "other-group-number@", "'2025550201'");
    for at in [&agent_at, &number_at, &other_at] {
        assert!(
            text.stdout.contains(&format!("    at {name}:{at} (")),
            "no location {at} in:\n{}",
            text.stdout
        );
    }
    assert!(
        text.stdout
            .contains("phone number +1-2025550999 is not an available number of MyServiceProvider / SalesGroup"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("3 hunt groups would be refused by the server and will not be sent."),
        "{}",
        text.stdout
    );
    // The good ones and the existing (unchanged, own-number) ones are not refused.
    for ok in ["good-one@", "good-two@", "sales-hunt@", "sales-vip-hunt@"] {
        assert!(
            !lines.iter().any(|l| l.contains(ok)),
            "{ok} refused: {lines:?}"
        );
    }

    let j = sb.run("plan", &[f, "--format", "json"]);
    assert_eq!(j.code, 1, "{}", j.all());
    let doc = json(&j.stdout);
    assert_eq!(doc["preflight"], "checked");
    let refusals = doc["refusals"].as_array().unwrap();
    assert_eq!(refusals.len(), 3, "{refusals:#?}");
    let got: Vec<(String, u64, String, String)> = refusals
        .iter()
        .map(|r| {
            (
                r["serviceUserId"].as_str().unwrap().to_string(),
                r["code"].as_u64().unwrap(),
                r["value"].as_str().unwrap().to_string(),
                r["location"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                BAD[0].to_string(),
                4008,
                "nobody@company.com".to_string(),
                format!("{name}:{agent_at}")
            ),
            (
                BAD[1].to_string(),
                4413,
                "+1-2025550999".to_string(),
                format!("{name}:{number_at}")
            ),
            (
                BAD[2].to_string(),
                4413,
                "2025550201".to_string(),
                format!("{name}:{other_at}")
            ),
        ]
    );
    assert_eq!(refusals[0]["rule"], "unknown-agent");
    assert_eq!(refusals[0]["field"], "agentUserId");
    assert_eq!(refusals[1]["field"], "serviceInstanceProfile.phoneNumber");

    let md = sb.run("plan", &[f, "--format", "markdown"]);
    assert_eq!(md.code, 1, "{}", md.all());
    assert_eq!(
        md.stdout.matches("would be refused: ").count(),
        3,
        "{}",
        md.stdout
    );
    assert!(
        md.stdout.contains(&format!("at {name}:{agent_at}")),
        "{}",
        md.stdout
    );

    // A saved plan keeps the refusals: applying it later does not send them either.
    let saved = sb.path("saved.json");
    let out = sb.run("plan", &[f, "--out", saved.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.all());
    let saved_doc = json(&std::fs::read_to_string(&saved).unwrap());
    assert_eq!(saved_doc["refusals"].as_array().unwrap().len(), 3);
}

#[test]
fn apply_creates_the_good_ones_and_sends_nothing_for_the_refused() {
    let sb = SandboxOpts::new().seed(&seed_state()).record().start();
    let f = sb.file("sales.yaml", &mixed_yaml());
    let f = f.to_str().unwrap();
    let before = sb.record().len();
    let out = sb.run("apply", &[f, "--auto-approve", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.all());
    let report = json(&out.stdout);
    assert_eq!(report["summary"]["created"], 2, "{report:#}");
    assert_eq!(report["summary"]["failed"], 3, "{report:#}");
    for r in report["results"].as_array().unwrap() {
        let id = r["serviceUserId"].as_str().unwrap();
        if BAD.contains(&id) {
            assert_eq!(r["outcome"], "failed", "{r:#}");
            assert_eq!(r["command"], Value::Array(vec![]), "{id} was sent: {r:#}");
            assert!(
                r["note"]
                    .as_str()
                    .unwrap()
                    .starts_with("not sent: pre-flight"),
                "{r:#}"
            );
            let code = r["errorCode"].as_u64().unwrap();
            assert_eq!(code, if id == BAD[0] { 4008 } else { 4413 }, "{r:#}");
        }
    }
    // The sandbox saw no write (no command at all) about the refused hunt groups.
    let record = &sb.record()[before..];
    assert!(record.contains("GroupHuntGroupAddInstanceRequest20"));
    for id in BAD {
        assert!(!record.contains(id), "{id} was sent to the server");
    }
    let ids = ids(&sb);
    assert!(ids.contains(&"good-one@company.com".to_string()), "{ids:?}");
    assert!(ids.contains(&"good-two@company.com".to_string()), "{ids:?}");
    for id in BAD {
        assert!(!ids.contains(&id.to_string()));
    }
}

#[test]
fn predictions_match_what_the_server_answers_when_sent_anyway() {
    // With --no-preflight the same writes go out; the server refuses exactly those three, with
    // the predicted codes — the prediction is the server's own rule, not a guess.
    let sb = SandboxOpts::new().seed(&seed_state()).record().start();
    let f = sb.file("sales.yaml", &mixed_yaml());
    let f = f.to_str().unwrap();
    let plan = sb.run("plan", &[f, "--no-preflight"]);
    assert_eq!(plan.code, 0, "{}", plan.all());
    assert!(
        plan.stdout.contains("Pre-flight: off (--no-preflight)"),
        "{}",
        plan.stdout
    );
    assert!(!plan.stdout.contains('✗'), "{}", plan.stdout);
    let record = sb.record();
    for r in [
        "GroupHuntGroupGetAvailableUserListRequest",
        "GroupDnGetAvailableListRequest",
        "UserGetListInGroupRequest",
    ] {
        assert!(!record.contains(r), "{r} sent with --no-preflight");
    }
    let out = sb.run(
        "apply",
        &[f, "--auto-approve", "--no-preflight", "--format", "json"],
    );
    assert_eq!(out.code, 1, "{}", out.all());
    let report = json(&out.stdout);
    let failed: Vec<(String, u64)> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["outcome"] == "failed")
        .map(|r| {
            (
                r["serviceUserId"].as_str().unwrap().to_string(),
                r["errorCode"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        failed,
        vec![
            (BAD[0].to_string(), 4008),
            (BAD[1].to_string(), 4413),
            (BAD[2].to_string(), 4413),
        ]
    );
}

#[test]
fn extension_user_id_and_number_in_use_are_predicted_like_the_server_answers() {
    let yaml = format!(
        "{HEAD}  - serviceUserId: ext-taken@company.com
    serviceInstanceProfile: {{name: Ext, callingLineIdLastName: Ext, callingLineIdFirstName: Taken, extension: '1001'}}
    agentUserId: [john.doe@company.com]
  - serviceUserId: john.doe@company.com
    serviceInstanceProfile: {{name: Id, callingLineIdLastName: Id, callingLineIdFirstName: Taken}}
    agentUserId: [jane.smith@company.com]
  - serviceUserId: number-taken@company.com
    serviceInstanceProfile: {{name: Num, callingLineIdLastName: Num, callingLineIdFirstName: Taken, phoneNumber: '+12025550100'}}
    agentUserId: [jane.smith@company.com]
  - serviceUserId: hg-ext-taken@company.com
    serviceInstanceProfile: {{name: HgExt, callingLineIdLastName: Hg, callingLineIdFirstName: Ext, extension: '0101'}}
    agentUserId: [jane.smith@company.com]
  - serviceUserId: twice-a@company.com
    serviceInstanceProfile: {{name: Twice A, callingLineIdLastName: Twice, callingLineIdFirstName: A, phoneNumber: '2025550115'}}
    agentUserId: [jane.smith@company.com]
  - serviceUserId: twice-b@company.com
    serviceInstanceProfile: {{name: Twice B, callingLineIdLastName: Twice, callingLineIdFirstName: B, phoneNumber: '+1-2025550115'}}
    agentUserId: [jane.smith@company.com]
  - serviceUserId: sales-vip-hunt@company.com
    serviceInstanceProfile: {{name: Sales VIP Line, callingLineIdLastName: Sales, callingLineIdFirstName: VIP, extension: '0101', phoneNumber: '2025550116', callingLineIdPhoneNumber: '+12025550100'}}
    policy: Simultaneous
    agentUserId: [alice.jones@company.com, carol.white@company.com]
"
    );
    let sb = SandboxOpts::new().seed(&seed_state()).record().start();
    let f = sb.file("more.yaml", &yaml);
    let f = f.to_str().unwrap();
    let plan = sb.run("plan", &[f, "--format", "json"]);
    assert_eq!(plan.code, 1, "{}", plan.all());
    let doc = json(&plan.stdout);
    let predicted: Vec<(String, String, u64)> = doc["refusals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["serviceUserId"].as_str().unwrap().to_string(),
                r["rule"].as_str().unwrap().to_string(),
                r["code"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected = |id: &str, rule: &str, code: u64| (id.to_string(), rule.to_string(), code);
    // Sorted like the plan: by serviceUserId within the group. The VIP line's update (a new
    // free number; its own extension; a CLID number that is someone else's) is fine.
    assert_eq!(
        predicted,
        vec![
            expected("ext-taken@company.com", "extension-in-use", 4415),
            expected("hg-ext-taken@company.com", "extension-in-use", 4415),
            expected("john.doe@company.com", "user-id-in-use", 4200),
            expected("number-taken@company.com", "number-in-use", 4414),
            expected("twice-b@company.com", "number-in-use", 4414),
        ],
        "{doc:#}"
    );
    let text = sb.run("plan", &[f]);
    assert!(
        text.stdout.contains(
            "phone number +12025550100 is already used by hunt group sales-hunt@company.com"
        ),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("extension 1001 is already used by user john.doe@company.com"),
        "{}",
        text.stdout
    );

    // Sent anyway, the server refuses the same hunt groups with the same codes.
    let out = sb.run(
        "apply",
        &[f, "--auto-approve", "--no-preflight", "--format", "json"],
    );
    let report = json(&out.stdout);
    let mut actual: Vec<(String, u64)> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["outcome"] == "failed")
        .map(|r| {
            (
                r["serviceUserId"].as_str().unwrap().to_string(),
                r["errorCode"].as_u64().unwrap(),
            )
        })
        .collect();
    actual.sort();
    let mut want: Vec<(String, u64)> = predicted.into_iter().map(|(i, _, c)| (i, c)).collect();
    want.sort();
    // twice-a and twice-b go out together: which one the server refuses depends on the order
    // it runs them in; exactly one of the two is refused.
    let twice = |v: &mut Vec<(String, u64)>| {
        v.retain(|(i, _)| !i.starts_with("twice-"));
    };
    let refused_twice = actual
        .iter()
        .filter(|(i, _)| i.starts_with("twice-"))
        .count();
    assert_eq!(refused_twice, 1, "{report:#}");
    twice(&mut actual);
    twice(&mut want);
    assert_eq!(actual, want, "{report:#}");
    assert_eq!(report["summary"]["updated"], 1, "{report:#}");
}

#[test]
fn preflight_adds_no_document_when_the_reads_fit_the_listing_document() {
    // One managed group: the listing and the three pre-flight reads fit one document, so
    // pre-flight costs no round trip at all; --no-preflight sends the same number of documents.
    let sb = SandboxOpts::new().seed(&seed_state()).record().start();
    let f = sb.file("sales.yaml", &mixed_yaml());
    let f = f.to_str().unwrap();
    // Logouts are left out: a run does not wait for its logout's reply, so under load it can
    // reach the record after the next run's mark.
    let docs = |sb: &Sandbox, args: &[&str]| {
        let mark = sb.record_len();
        sb.run("plan", args);
        let rec = sb.record_since(mark);
        let logouts = rec.matches("xsi:type=\"LogoutRequest\"").count();
        (rec.matches("<BroadsoftDocument").count() - logouts, rec)
    };
    let (with, rec) = docs(&sb, &[f, "--parallelism", "1"]);
    let (without, _) = docs(&sb, &[f, "--parallelism", "1", "--no-preflight"]);
    assert!(rec.contains("GroupDnGetAvailableListRequest"));
    assert_eq!(with, without, "pre-flight added documents");
}

// ---------------------------------------------------------------------------------------------
// Undo
// ---------------------------------------------------------------------------------------------

/// 2 creates (one with a password, one weighted), 2 updates (one to Weighted), and with
/// `--prune` 1 delete (support-legacy-hunt, not desired).
fn undo_yaml() -> String {
    format!(
        "{HEAD}  - serviceUserId: sales-hunt@company.com
    serviceInstanceProfile: {{name: Sales Hunt Renamed, callingLineIdLastName: Sales, callingLineIdFirstName: Team, phoneNumber: '2025550100', extension: '0100'}}
    agentUserId: [jane.smith@company.com, john.doe@company.com, bob.wilson@company.com]
  - serviceUserId: sales-vip-hunt@company.com
    serviceInstanceProfile: {{name: Sales VIP Line, callingLineIdLastName: Sales, callingLineIdFirstName: VIP, extension: '0101'}}
    policy: Weighted
    agentUserId:
      - {{userId: alice.jones@company.com, weight: 70}}
      - {{userId: carol.white@company.com, weight: 30}}
  - serviceUserId: new-one@company.com
    serviceInstanceProfile: {{name: New One, callingLineIdLastName: New, callingLineIdFirstName: One, phoneNumber: '2025550112', extension: '0112', password: 'S3cret-undo-pw'}}
    agentUserId: [john.doe@company.com]
  - serviceUserId: new-two@company.com
    serviceInstanceProfile: {{name: New Two, callingLineIdLastName: New, callingLineIdFirstName: Two}}
    policy: Weighted
    agentUserId:
      - {{userId: bob.wilson@company.com, weight: 40}}
      - {{userId: carol.white@company.com, weight: 60}}
  - serviceUserId: support-hunt@company.com
    groupId: SupportGroup
    serviceInstanceProfile: {{name: Support Hunt Group, callingLineIdLastName: Support, callingLineIdFirstName: Team, phoneNumber: '2025550200', extension: '0200', alias: [support-team@company.com]}}
    policy: Circular
    agentUserId: [support1@company.com, support2@company.com]
"
    )
}

fn export(sb: &Sandbox) -> String {
    let out = sb.run("export", &["--service-provider", "MyServiceProvider"]);
    assert_eq!(out.code, 0, "{}", out.all());
    out.stdout
}

fn changes(plan: &Value) -> Vec<Value> {
    plan["changes"].as_array().unwrap().clone()
}

#[test]
fn undo_puts_back_creates_updates_and_a_delete_exactly() {
    let sb = SandboxOpts::new().seed(&seed_state()).record().start();
    let f = sb.file("desired.yaml", &undo_yaml());
    let f = f.to_str().unwrap();
    let before = export(&sb);
    let first = sb.run("plan", &[f, "--prune", "--format", "json"]);
    assert_eq!(first.code, 0, "{}", first.all());
    let first = json(&first.stdout);
    assert_eq!(first["summary"]["create"], 2, "{first:#}");
    assert_eq!(first["summary"]["update"], 2, "{first:#}");
    assert_eq!(first["summary"]["delete"], 1, "{first:#}");

    let applied = sb.run("apply", &[f, "--prune", "--auto-approve"]);
    assert_eq!(applied.code, 0, "{}", applied.all());
    let undo = applied.undo_file(sb.dir());
    assert!(
        undo.starts_with(sb.path(".huntctl/undo")),
        "{}",
        undo.display()
    );
    let undo_text = std::fs::read_to_string(&undo).unwrap();
    assert!(
        !undo_text.contains("S3cret-undo-pw"),
        "a secret in the undo file"
    );
    let undo_doc = json(&undo_text);
    let actions: Vec<(String, String)> = undo_doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["serviceUserId"].as_str().unwrap().to_string(),
                c["action"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let a = |id: &str, action: &str| (id.to_string(), action.to_string());
    assert_eq!(
        actions,
        vec![
            a("new-one@company.com", "delete"),
            a("new-two@company.com", "delete"),
            a("sales-hunt@company.com", "update"),
            a("sales-vip-hunt@company.com", "update"),
            a("support-legacy-hunt@company.com", "create"),
        ]
    );
    // Said plainly: the recreated hunt group gets no password back.
    assert!(
        applied.stderr.contains(
            "Undo cannot restore: support-legacy-hunt@company.com: recreated without a password"
        ),
        "{}",
        applied.stderr
    );
    assert_ne!(export(&sb), before, "the apply changed nothing?");

    // It shows what it will do before doing it, then puts everything back.
    let undone = sb.run(
        "apply",
        &["--plan", undo.to_str().unwrap(), "--auto-approve"],
    );
    assert_eq!(undone.code, 0, "{}", undone.all());
    assert!(
        undone
            .stdout
            .contains("- new-one@company.com will be deleted"),
        "{}",
        undone.stdout
    );
    assert!(
        undone
            .stdout
            .contains("Cannot restore: support-legacy-hunt@company.com"),
        "{}",
        undone.stdout
    );
    assert!(
        undone
            .stdout
            .contains("Apply complete: 1 created, 2 updated, 2 deleted, 0 failed."),
        "{}",
        undone.stdout
    );
    assert_eq!(export(&sb), before, "the undo did not restore the state");

    // And the original desired state plans exactly the same changes as the first time.
    let again = sb.run("plan", &[f, "--prune", "--format", "json"]);
    assert_eq!(again.code, 0, "{}", again.all());
    let again = json(&again.stdout);
    assert_eq!(again["summary"], first["summary"]);
    assert_eq!(changes(&again), changes(&first));
}

#[test]
fn a_stale_undo_is_refused_and_writes_nothing() {
    let sb = SandboxOpts::new().seed(&seed_state()).record().start();
    let f = sb.file("desired.yaml", &undo_yaml());
    let f = f.to_str().unwrap();
    let undo = sb.path("undo.json");
    let applied = sb.run(
        "apply",
        &[f, "--auto-approve", "--undo-out", undo.to_str().unwrap()],
    );
    assert_eq!(applied.code, 0, "{}", applied.all());
    assert_eq!(applied.undo_file(sb.dir()), undo);
    // The server moves on: one of the hunt groups the undo would touch changes again.
    let moved = sb.file(
        "moved.yaml",
        &format!(
            "{HEAD}  - serviceUserId: new-two@company.com
    serviceInstanceProfile: {{name: New Two Moved, callingLineIdLastName: New, callingLineIdFirstName: Two}}
    agentUserId: [bob.wilson@company.com]
"
        ),
    );
    let other_undo = sb.path("other-undo.json");
    let out = sb.run(
        "apply",
        &[
            moved.to_str().unwrap(),
            "--auto-approve",
            "--undo-out",
            other_undo.to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 0, "{}", out.all());
    let before = sb.record().len();
    let state = export(&sb);
    let stale = sb.run(
        "apply",
        &["--plan", undo.to_str().unwrap(), "--auto-approve"],
    );
    assert_ne!(stale.code, 0, "{}", stale.all());
    assert!(
        stale.all().contains("saved plan is stale"),
        "{}",
        stale.all()
    );
    // The undo says what it expects: it names the hunt group and the field that moved.
    assert!(
        stale
            .all()
            .contains("new-two@company.com: serviceInstanceProfile.name, policy"),
        "{}",
        stale.all()
    );
    let record = &sb.record()[before..];
    for w in [
        "GroupHuntGroupAddInstanceRequest20",
        "GroupHuntGroupModifyInstanceRequest",
        "GroupHuntGroupDeleteInstanceRequest",
        "GroupHuntGroupModifyInstanceWeightedCallDistributionRequest",
    ] {
        assert!(!record.contains(w), "{w} sent by a stale undo");
    }
    assert_eq!(export(&sb), state);
    // The undo of the later apply is not stale: it applies.
    let ok = sb.run(
        "apply",
        &["--plan", other_undo.to_str().unwrap(), "--auto-approve"],
    );
    assert_eq!(ok.code, 0, "{}", ok.all());
}

#[test]
fn an_undo_ignores_hunt_groups_it_does_not_cover_and_old_files_are_never_misapplied() {
    let sb = SandboxOpts::new().seed(&seed_state()).record().start();
    let f = sb.file("desired.yaml", &undo_yaml());
    let undo = sb.path("undo.json");
    let applied = sb.run(
        "apply",
        &[
            f.to_str().unwrap(),
            "--auto-approve",
            "--undo-out",
            undo.to_str().unwrap(),
        ],
    );
    assert_eq!(applied.code, 0, "{}", applied.all());
    // A hunt group the undo does not cover changes (support-hunt was unchanged by the apply).
    let elsewhere = sb.file(
        "elsewhere.yaml",
        "defaults:\n  serviceProviderId: MyServiceProvider\n  groupId: SupportGroup\nhuntGroups:
  - serviceUserId: support-hunt@company.com
    serviceInstanceProfile: {name: Support Renamed Elsewhere, callingLineIdLastName: Support, callingLineIdFirstName: Team, phoneNumber: '2025550200', extension: '0200', alias: [support-team@company.com]}
    policy: Circular
    agentUserId: [support1@company.com, support2@company.com]
",
    );
    let out = sb.run(
        "apply",
        &[
            elsewhere.to_str().unwrap(),
            "--auto-approve",
            "--undo-out",
            sb.path("other.json").to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(out.stdout.contains("1 updated"), "{}", out.all());

    // A file as an earlier huntctl would read it (no stale_check: the fingerprint decides)
    // is refused: its fingerprint is no read's, so it is never applied by mistake.
    let mut doc = json(&std::fs::read_to_string(&undo).unwrap());
    assert_eq!(doc["stale_check"], "expected-state", "{doc:#}");
    doc.as_object_mut().unwrap().remove("stale_check");
    let old = sb.path("old-format.json");
    std::fs::write(&old, doc.to_string()).unwrap();
    let before = sb.record().len();
    let refused = sb.run(
        "apply",
        &["--plan", old.to_str().unwrap(), "--auto-approve"],
    );
    assert_eq!(refused.code, 1, "{}", refused.all());
    assert!(refused.all().contains("stale"), "{}", refused.all());
    assert!(!sb.record()[before..].contains("GroupHuntGroupModifyInstanceRequest"));

    // The undo itself still applies: what it touches is as the apply left it.
    let undone = sb.run(
        "apply",
        &["--plan", undo.to_str().unwrap(), "--auto-approve"],
    );
    assert_eq!(undone.code, 0, "{}", undone.all());
    assert!(undone.stdout.contains("0 failed"), "{}", undone.stdout);
}

#[test]
fn an_apply_sends_logins_listing_reads_for_the_diff_and_writes_only() {
    let sb = SandboxOpts::new().seed(&seed_state()).record().start();
    let hg = |id: &str, name: &str| {
        format!(
            "  - serviceUserId: {id}@company.com\n    serviceInstanceProfile: {{name: {name}, callingLineIdLastName: L, callingLineIdFirstName: F}}\n    agentUserId: [john.doe@company.com]\n"
        )
    };
    // 15 hunt groups to start from: 10 will be updated, 5 deleted (with --prune).
    let mut old = String::from(HEAD);
    for i in 0..15 {
        old.push_str(&hg(&format!("old-{i:02}"), &format!("Old {i}")));
    }
    let f = sb.file("old.yaml", &old);
    let out = sb.run(
        "apply",
        &[
            f.to_str().unwrap(),
            "--auto-approve",
            "--exclude",
            "sales-*",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.all());

    let mut new = String::from(HEAD);
    for i in 0..10 {
        new.push_str(&hg(&format!("old-{i:02}"), &format!("Renamed {i}")));
    }
    for i in 0..50 {
        new.push_str(&hg(&format!("new-{i:02}"), &format!("New {i}")));
    }
    let f = sb.file("new.yaml", &new);
    let before = sb.record().len();
    let out = sb.run(
        "apply",
        &[
            f.to_str().unwrap(),
            "--auto-approve",
            "--prune",
            // 10 updates of 17 hunt groups: past the update threshold, and meant.
            "--force",
            "--exclude",
            "sales-*",
            "--parallelism",
            "1",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(
        out.stdout
            .contains("Apply complete: 50 created, 10 updated, 5 deleted, 0 failed."),
        "{}",
        out.stdout
    );
    let record = &sb.record()[before..];
    let kinds: Vec<&str> = document_kinds(record).iter().map(|k| k.as_str()).collect();
    // The first apply's logout is not waited for: on a loaded machine it reaches the record
    // after `before` was taken. It is that run's, not this one's.
    let kinds: Vec<&str> = kinds
        .iter()
        .copied()
        .skip_while(|k| *k == "logout")
        .collect();
    let count = |k: &str| kinds.iter().filter(|x| **x == k).count();
    // One session: authentication and login; one listing document for the one group (the
    // pre-flight reads ride in it); the details of the 15 existing hunt groups the diff
    // compares, 15 to a document; 65 writes, 15 to a document; the logout.
    let summary = format!("{kinds:?}");
    assert_eq!(count("login"), 2, "{summary}");
    assert_eq!(count("list"), 1, "{summary}");
    assert_eq!(count("read"), 1, "{summary}");
    assert_eq!(count("write"), 65_usize.div_ceil(15), "{summary}");
    assert_eq!(count("logout"), 1, "{summary}");
    assert_eq!(count("other"), 0, "{summary}");
    assert_eq!(
        record.matches("GroupHuntGroupGetInstanceRequest20").count(),
        15
    );
    // Nothing is read once the writes begin: no read-back for the undo plan.
    let first_write = kinds.iter().position(|k| *k == "write").unwrap();
    assert!(
        kinds[first_write..]
            .iter()
            .all(|k| *k == "write" || *k == "logout"),
        "{summary}"
    );
    // And the undo plan was still written, from the plan alone.
    assert!(
        out.stderr.contains("Undo: 65 changes saved to"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_partly_failed_apply_gets_an_undo_of_what_succeeded_only() {
    let sb = SandboxOpts::new()
        .seed(&seed_state())
        .faults(&["write-error=new-two@company.com:4500"])
        .record()
        .start();
    let f = sb.file("desired.yaml", &undo_yaml());
    let f = f.to_str().unwrap();
    let applied = sb.run("apply", &[f, "--auto-approve"]);
    assert_eq!(applied.code, 1, "{}", applied.all());
    assert!(applied.stdout.contains("1 failed"), "{}", applied.stdout);
    let undo = json(&std::fs::read_to_string(applied.undo_file(sb.dir())).unwrap());
    let ids: Vec<&str> = undo["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["serviceUserId"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "new-one@company.com",
            "sales-hunt@company.com",
            "sales-vip-hunt@company.com"
        ]
    );
    // An apply that changes nothing leaves no undo.
    let out = sb.run(
        "apply",
        &[f, "--auto-approve", "--target", "sales-hunt@company.com"],
    );
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(!out.stderr.contains("Undo: "), "{}", out.stderr);
}

#[test]
fn csv_refusals_name_the_row_and_column_and_a_saved_plan_keeps_them() {
    let sb = SandboxOpts::new().seed(&seed_state()).record().start();
    let csv = "operation,serviceProviderId,groupId,serviceUserId,serviceInstanceProfile.name,serviceInstanceProfile.callingLineIdLastName,serviceInstanceProfile.callingLineIdFirstName,serviceInstanceProfile.phoneNumber,agentUserId[0],agentUserId[1]\n\
hunt.group.create,MyServiceProvider,SupportGroup,night@company.com,Night,Support,Night,,support1@company.com,ghost@company.com\n\
hunt.group.create,MyServiceProvider,SupportGroup,day@company.com,Day,Support,Day,+1-2025550205,support2@company.com,\n";
    let f = sb.file("support.csv", csv);
    let f = f.to_str().unwrap();
    let saved = sb.path("saved.json");
    let plan = sb.run("plan", &[f, "--out", saved.to_str().unwrap()]);
    assert_eq!(plan.code, 1, "{}", plan.all());
    let at = format!("    at {f}:2:");
    let line = plan
        .stdout
        .lines()
        .find(|l| l.starts_with(&at))
        .unwrap_or_else(|| panic!("no location on line 2:\n{}", plan.stdout));
    assert!(
        line.contains("(row 2, column agentUserId[1]) (agentUserId = ghost@company.com)"),
        "{line}"
    );
    // The saved plan is applied later: the refused create is still not sent, the other is.
    let before = sb.record().len();
    let out = sb.run(
        "apply",
        &["--plan", saved.to_str().unwrap(), "--auto-approve"],
    );
    assert_eq!(out.code, 1, "{}", out.all());
    assert!(
        out.stdout
            .contains("Apply complete: 1 created, 0 updated, 0 deleted, 1 failed."),
        "{}",
        out.stdout
    );
    let record = &sb.record()[before..];
    assert!(!record.contains("night@company.com"), "refused create sent");
    assert!(record.contains("day@company.com"));
}
