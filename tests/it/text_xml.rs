//! Text XML cannot carry: refused offline by the validator (the bad-input corpus holds the
//! YAML and CSV cases: `control-char-*`, `csv-control-char`), refused by the sandbox as a
//! server's parser refuses it (nothing stored), and escaped wherever a value from the server
//! is shown to a person.

use crate::schema_audit::Client;
use crate::support::SandboxOpts;
use huntctl::sandbox::seed::seed_state;
use huntctl::sandbox::state::HuntGroupState;

/// An add of `id` named `name`, as a client that does not check its text would send it.
fn add_document(id: &str, name: &str) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><BroadsoftDocument protocol=\"OCI\" xmlns=\"C\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><sessionId xmlns=\"\">audit</sessionId><command xsi:type=\"GroupHuntGroupAddInstanceRequest20\" xmlns=\"\"><serviceProviderId>MyServiceProvider</serviceProviderId><groupId>SalesGroup</groupId><serviceUserId>{id}</serviceUserId><serviceInstanceProfile><name>{name}</name><callingLineIdLastName>A</callingLineIdLastName><callingLineIdFirstName>B</callingLineIdFirstName></serviceInstanceProfile><policy>Regular</policy><huntAfterNoAnswer>false</huntAfterNoAnswer><noAnswerNumberOfRings>5</noAnswerNumberOfRings><forwardAfterTimeout>false</forwardAfterTimeout><forwardTimeoutSeconds>0</forwardTimeoutSeconds><allowCallWaitingForAgents>false</allowCallWaitingForAgents><useSystemHuntGroupCLIDSetting>true</useSystemHuntGroupCLIDSetting><includeHuntGroupNameInCLID>true</includeHuntGroupNameInCLID><enableNotReachableForwarding>false</enableNotReachableForwarding><makeBusyWhenNotReachable>false</makeBusyWhenNotReachable><allowMembersToControlGroupBusy>false</allowMembersToControlGroupBusy><enableGroupBusy>false</enableGroupBusy><applyGroupBusyWhenTerminatingToAgent>false</applyGroupBusyWhenTerminatingToAgent></command></BroadsoftDocument>"
    )
    .into_bytes()
}

#[test]
fn the_sandbox_refuses_documents_that_are_not_well_formed_and_stores_nothing() {
    let sb = SandboxOpts::new().start();
    let mut c = Client::connect(sb.handle().tcp_addr().expect("the sandbox listens on TCP"));
    // The control: the same add with plain text is carried out.
    let ok = c.call_bytes(&add_document("plain@company.com", "Plain"));
    assert!(ok.contains("SuccessResponse"), "{ok}");

    let raw_bel = add_document("bell@company.com", "Bell\u{7}Group");
    let char_ref = add_document("ref@company.com", "Bell&#7;Group");
    let mut bad_utf8 = add_document("latin@company.com", "Caf_");
    let at = bad_utf8
        .iter()
        .position(|b| *b == b'_')
        .expect("the marker");
    bad_utf8[at] = 0xE9; // Latin-1 é in a document declared UTF-8
    let unbalanced = String::from_utf8(add_document("unbalanced@company.com", "Open"))
        .expect("utf-8")
        .replacen("</name>", "</nam>", 1)
        .into_bytes();
    for (what, doc, id) in [
        ("a raw U+0007", raw_bel, "bell@company.com"),
        ("a reference to U+0007", char_ref, "ref@company.com"),
        ("a byte invalid in UTF-8", bad_utf8, "latin@company.com"),
        ("unbalanced tags", unbalanced, "unbalanced@company.com"),
    ] {
        let r = c.call_bytes(&doc);
        assert!(
            r.contains("ErrorResponse") && r.contains("[Error 6004]"),
            "{what}: {r}"
        );
        assert!(
            !r.contains('\u{7}'),
            "{what}: the reply quotes the character raw"
        );
        assert!(sb.hg(id).is_none(), "{what}: the hunt group was stored");
    }
    assert!(sb.hg("plain@company.com").is_some());
}

#[test]
fn a_name_with_an_escape_sequence_read_from_the_server_prints_escaped() {
    let evil = "Evil\u{1b}[2J\u{1b}]0;pwned\u{7}";
    let mut state = seed_state();
    let mut h = HuntGroupState::with_defaults("evil@company.com", evil, "Evil", "Name");
    h.agents = vec![HuntGroupState::agent("john.doe@company.com")];
    state.service_providers[0].groups[0].hunt_groups.push(h);
    let sb = SandboxOpts::new().seed(&state).start();

    // export: a name no request could carry is not exported; the comment and the warning
    // that say so name the character, never print it.
    let out = sb.run(
        "export",
        &[
            "--service-provider",
            "MyServiceProvider",
            "--group",
            "SalesGroup",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stdout.contains('\u{1b}') && !out.stderr.contains('\u{1b}'));
    assert!(
        out.stdout.contains("# Not exported: evil@company.com") && out.stdout.contains("U+001B"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains("evil@company.com was not exported"),
        "{}",
        out.stderr
    );

    // plan: the name the server holds, shown in an update, escaped.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("evil.yaml");
    std::fs::write(
        &f,
        "defaults:\n  serviceProviderId: MyServiceProvider\n  groupId: SalesGroup\nhuntGroups:\n  - serviceUserId: evil@company.com\n    serviceInstanceProfile:\n      name: Fine\n      callingLineIdLastName: Evil\n      callingLineIdFirstName: Name\n    agentUserId: [john.doe@company.com]\n",
    )
    .unwrap();
    let f = f.to_string_lossy().into_owned();
    for format in ["text", "markdown"] {
        let out = sb.plan(&[&f, "--format", format]);
        assert!(
            !out.stdout.contains('\u{1b}') && !out.stderr.contains('\u{1b}'),
            "{format}: raw ESC in {:?}",
            out.stdout
        );
        assert!(
            out.stdout.contains("Evil\\u001b[2J") || out.stdout.contains("Evil\\u{1b}[2J"),
            "{format}: {}",
            out.stdout
        );
    }
}

#[test]
fn python_data_with_a_control_character_is_refused_at_its_path() {
    // The path Python dicts take (huntctl.load_data → api::load_data).
    let data = serde_json::json!([
        {"operation": "hunt.group.create", "service_provider_id": "MyServiceProvider",
         "group_id": "SalesGroup", "service_user_id": "ctl\u{1}x@company.com",
         "service_instance_profile": {"name": "Bell\u{7}Group", "calling_line_id_last_name": "A\u{0}B",
                                      "calling_line_id_first_name": "C"},
         "agent_user_id": ["john.doe@company.com", "jane\u{ffff}@company.com"]}
    ]);
    let d = huntctl::api::load_data("hunt_group_data", &data).unwrap_err();
    let found: Vec<(String, &str)> = d
        .items
        .iter()
        .map(|i| (i.location.path.clone().unwrap_or_default(), i.code))
        .collect();
    for path in [
        "hunt_group_data[0].service_user_id",
        "hunt_group_data[0].service_instance_profile.name",
        "hunt_group_data[0].service_instance_profile.calling_line_id_last_name",
        "hunt_group_data[0].agent_user_id[1]",
    ] {
        assert!(
            found
                .iter()
                .any(|(p, c)| p == path && *c == "huntctl::bad_character"),
            "no bad_character at {path} in {found:#?}"
        );
    }
    // The rendered diagnostics name the character and never print it.
    let text = d.render(false);
    assert!(text.contains("U+0007") && !text.contains('\u{7}'), "{text}");
}
