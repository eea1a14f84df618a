//! The library facade (`huntctl::api`): data in memory gets the file rules with key-path
//! locations, the bulk operation's result shape, and plan/apply/export against the sandbox.

use huntctl::api::{self, Client, Sandbox, SandboxOptions};
use serde_json::{json, Value};

/// The reference page's "Create from Data" example, verbatim (snake_case keys).
fn reference_data() -> Value {
    json!([
        {
            "operation": "hunt.group.create",
            "service_provider_id": "MyServiceProvider",
            "group_id": "SalesGroup",
            "service_user_id": "sales-hunt@company.com",
            "service_instance_profile": {
                "name": "Sales Hunt Group",
                "calling_line_id_last_name": "Sales",
                "calling_line_id_first_name": "Team",
                "alias": ["sales-team", "sales-hunt"]
            },
            "policy": "Regular",
            "hunt_after_no_answer": true,
            "no_answer_number_of_rings": 5,
            "forward_after_timeout": false,
            "forward_timeout_seconds": 10,
            "allow_call_waiting_for_agents": true,
            "agent_user_id": ["john.doe@company.com", "jane.smith@company.com", "bob.wilson@company.com"]
        },
        {
            "operation": "hunt.group.create",
            "service_provider_id": "MyServiceProvider",
            "group_id": "SupportGroup",
            "service_user_id": "support-hunt@company.com",
            "service_instance_profile": {
                "name": "Support Hunt Group",
                "calling_line_id_last_name": "Support",
                "calling_line_id_first_name": "Team",
                "alias": ["support-team"]
            },
            "policy": "Circular",
            "hunt_after_no_answer": true,
            "no_answer_number_of_rings": 3,
            "agent_user_id": ["support1@company.com", "support2@company.com"]
        }
    ])
}

fn paths(d: &api::Diagnostics) -> Vec<(String, &'static str)> {
    d.items
        .iter()
        .map(|i| (i.location.path.clone().unwrap_or_default(), i.code))
        .collect()
}

#[test]
fn data_gets_the_same_hunt_groups_as_the_yaml_file() {
    let from_data = api::load_data("hunt_group_data", &reference_data()).unwrap();
    let from_file = api::load_paths(&["examples/reference/from-data.yaml"]).unwrap();
    assert_eq!(from_data.hunt_groups, from_file.hunt_groups);
    assert_eq!(from_data.hunt_groups[1].no_answer_number_of_rings, 3);
}

#[test]
fn camel_case_data_and_the_defaults_mapping_load_too() {
    let data = json!({
        "defaults": {"serviceProviderId": "MyServiceProvider", "groupId": "SalesGroup"},
        "huntGroups": [{
            "serviceUserId": "camel-hunt@company.com",
            "serviceInstanceProfile": {"name": "Camel"},
            "agentUserId": [{"userId": "john.doe@company.com", "weight": 10}],
            "policy": "Weighted"
        }]
    });
    let state = api::load_data("data", &data).unwrap();
    let g = &state.hunt_groups[0];
    assert_eq!(g.group_id, "SalesGroup");
    assert_eq!(g.agents[0].weight, Some(10));
    // A documented default the data left out.
    assert_eq!(g.forward_timeout_seconds, 10);
}

#[test]
fn problems_in_data_name_the_index_and_key_path() {
    let data = json!([
        {"service_provider_id": "MyServiceProvider", "group_id": "SalesGroup",
         "service_user_id": "ok@company.com", "agent_user_id": ["john.doe@company.com"]},
        {"service_provider_id": "MyServiceProvider", "group_id": "SalesGroup",
         "service_instance_profile": {"name": "x".repeat(31), "colour": "red"},
         "no_answer_number_of_rings": 42,
         "agent_user_id": ["john.doe@company.com", {"user_id": "jane.smith@company.com", "wieght": 3}]},
        {"operation": "hunt.group.create", "service_provider_id": "MyServiceProvider",
         "group_id": "SalesGroup", "service_user_id": "ok@company.com",
         "agent_user_id": ["john.doe@company.com"]},
        {"operation": "hunt.group.delete", "service_provider_id": "MyServiceProvider",
         "group_id": "SalesGroup", "service_user_id": "other@company.com",
         "agent_user_id": ["john.doe@company.com"]}
    ]);
    let d = api::load_data("hunt_group_data", &data).unwrap_err();
    let found = paths(&d);
    for (path, code) in [
        ("hunt_group_data[1]", "huntctl::missing_field"),
        (
            "hunt_group_data[1].no_answer_number_of_rings",
            "huntctl::out_of_range",
        ),
        (
            "hunt_group_data[1].service_instance_profile.name",
            "huntctl::length",
        ),
        (
            "hunt_group_data[1].service_instance_profile.colour",
            "huntctl::unknown_field",
        ),
        ("hunt_group_data[3].operation", "huntctl::bad_operation"),
    ] {
        assert!(
            found.iter().any(|(p, c)| p == path && *c == code),
            "no {code} at {path} in {found:#?}"
        );
    }
    assert!(
        found
            .iter()
            .any(|(p, _)| p.starts_with("hunt_group_data[1].agent_user_id[1]")),
        "{found:#?}"
    );
    // The duplicate is reported at the second definition, with the first as related.
    let dup = d
        .items
        .iter()
        .find(|i| i.code == "huntctl::duplicate_hunt_group")
        .expect("duplicate reported");
    assert_eq!(
        dup.location.path.as_deref(),
        Some("hunt_group_data[2].service_user_id")
    );
    assert_eq!(
        dup.related[0].location.path.as_deref(),
        Some("hunt_group_data[0].service_user_id")
    );
    // The one-line form and the JSON carry the path, not a line of text the user never saw.
    assert!(dup
        .to_string()
        .starts_with("hunt_group_data[2].service_user_id: "));
    let doc = d.to_json();
    assert_eq!(doc["valid"], false);
    assert!(doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["file"] == "hunt_group_data" && x["line"] == 0 && x["path"].is_string()));
}

#[test]
fn a_password_in_data_never_reaches_diagnostics_or_results() {
    let data = json!([{
        "service_provider_id": "MyServiceProvider", "group_id": "SalesGroup",
        "service_user_id": "pw@company.com",
        "service_instance_profile": {"password": "hunter2-secret", "name": "y".repeat(40)},
        "agent_user_id": ["john.doe@company.com"]
    }]);
    let d = api::load_data("data", &data).unwrap_err();
    let text = format!("{d:?}{}{}", d.render(false), d.to_json());
    assert!(!text.contains("hunter2-secret"), "{text}");

    let mut ok = data.clone();
    ok[0]["service_instance_profile"]["name"] = json!("Pw");
    let state = api::load_data("data", &ok).unwrap();
    let results = api::create_hunt_groups(&state, None).unwrap();
    assert!(!serde_json::to_string(&results)
        .unwrap()
        .contains("hunter2-secret"));
}

#[test]
fn dry_run_results_have_the_reference_keys_and_nothing_is_sent() {
    let sandbox = Sandbox::start(SandboxOptions::default()).unwrap();
    let state = api::load_data("hunt_group_data", &reference_data()).unwrap();
    let results = api::create_hunt_groups(&state, None).unwrap();
    assert_eq!(results.len(), 2);
    for (i, r) in results.iter().enumerate() {
        for key in ["index", "data", "command", "response", "success", "error"] {
            assert!(r.get(key).is_some(), "{key} missing in {r}");
        }
        assert_eq!(r["index"], i);
        assert_eq!(r["success"], true);
        assert_eq!(r["response"], "");
        assert_eq!(r["command"][0], "GroupHuntGroupAddInstanceRequest20");
    }
    assert_eq!(
        results[0]["data"]["serviceInstanceProfile"]["name"],
        "Sales Hunt Group"
    );
    let record = sandbox.record_path().unwrap();
    assert!(std::fs::read(record).map(|b| b.is_empty()).unwrap_or(true));
    sandbox.stop();
}

#[test]
fn create_plan_apply_and_export_against_the_sandbox() {
    let sandbox = Sandbox::start(SandboxOptions::default()).unwrap();
    let client = Client::connect(sandbox.settings()).unwrap();
    let mut data = reference_data();
    // Two new hunt groups next to the seed's sales-hunt and support-hunt.
    data[0]["service_user_id"] = json!("api-sales@company.com");
    data[1]["service_user_id"] = json!("api-support@company.com");
    let state = api::load_data("hunt_group_data", &data).unwrap();
    let results = api::create_hunt_groups(&state, Some(&client)).unwrap();
    assert_eq!(results.len(), 2);
    for r in &results {
        assert_eq!(r["success"], true, "{r}");
        assert_eq!(r["action"], "create");
        assert_eq!(r["response"], "SuccessResponse");
    }
    // Re-running is safe: nothing left to do.
    let plan = client.plan(&state, &api::PlanOptions::default()).unwrap();
    assert!(!plan.has_changes());
    let doc = api::plan_json(&plan);
    assert_eq!(doc["summary"]["unchanged"], 2);

    let export = client
        .export("MyServiceProvider", &["SupportGroup".to_string()])
        .unwrap();
    let g = export
        .hunt_groups
        .iter()
        .find(|g| g.service_user_id == "api-support@company.com")
        .expect("exported");
    assert_eq!(g.no_answer_number_of_rings, 3);
    assert_eq!(g.service_instance_profile.name, "Support Hunt Group");
    assert!(export.to_yaml(&[]).contains("api-support@company.com"));

    // A plan made earlier is refused once the server changed under it.
    let mut changed = state.clone();
    changed.hunt_groups[0].no_answer_number_of_rings = 7;
    let stale = client.plan(&changed, &api::PlanOptions::default()).unwrap();
    let mut other = state.clone();
    other.hunt_groups[0].no_answer_number_of_rings = 9;
    let plan2 = client.plan(&other, &api::PlanOptions::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let undo = dir.path().join("undo.json");
    let opts = api::ApplyOptions {
        undo: api::UndoTarget::File(undo.clone()),
        ..api::ApplyOptions::default()
    };
    let applied = client.apply(&plan2, &opts).unwrap();
    assert_eq!(applied.report.failed(), 0);
    let doc = applied.to_json_value();
    assert_eq!(doc["summary"]["updated"], 1);
    // The undo plan is where it was asked to go, and the report says so.
    assert_eq!(doc["undo"]["path"], undo.display().to_string());
    assert_eq!(doc["undo"]["summary"]["update"], 1);
    assert!(undo.exists());
    assert!(matches!(
        client.apply_saved(&stale, &opts),
        Err(api::Error::Op(huntctl::ops::Error::Stale(_)))
    ));
    client.close();
    sandbox.stop();
}

#[test]
fn a_wrong_password_is_a_connect_error_that_does_not_show_it() {
    let sandbox = Sandbox::start(SandboxOptions::default()).unwrap();
    let mut s = sandbox.settings();
    s.password = api::Secret::new("wrong-pass-123");
    let e = Client::connect(s).unwrap_err();
    assert!(matches!(e, api::Error::Connect(_)), "{e:?}");
    assert!(!format!("{e} {e:?}").contains("wrong-pass-123"));
    sandbox.stop();
}

#[test]
fn the_cli_entry_point_returns_the_exit_codes_of_the_binary() {
    use huntctl::commands::main as run_cli;
    assert_eq!(run_cli(["huntctl", "--version"]), 0);
    assert_eq!(run_cli(["huntctl", "no-such-command"]), 2);
    assert_eq!(
        run_cli(["huntctl", "validate", "examples/reference/full.csv"]),
        0
    );
    assert_eq!(
        run_cli([
            "huntctl",
            "validate",
            "tests/bad-inputs/boolean-as-text.yaml"
        ]),
        1
    );
}

#[test]
fn validation_json_is_the_cli_document() {
    let source = |p: &str| huntctl::ops::Source::Paths(vec![p.into()]);
    let doc = api::validate(source("examples/reference/full.csv")).to_json();
    assert_eq!(doc["valid"], true);
    assert_eq!(doc["huntGroups"], 2);
    assert_eq!(doc["summary"], "2 hunt groups in 1 file are valid");
    let doc = api::validate(source("tests/bad-inputs/boolean-as-text.yaml")).to_json();
    assert_eq!(doc["valid"], false);
    assert!(doc["errors"].as_u64().unwrap() >= 1);
}

/// The library names what is missing in its own terms; the command line adds its flags, and
/// Python its keyword arguments (python/tests). Nothing is sent: there is no server at all.
#[test]
fn missing_connection_settings_name_the_flags_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/reference/full.csv");
    let file = file.to_str().unwrap();
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut h = crate::support::huntctl(dir.path());
        for (k, v) in env {
            h = h.env(k, v);
        }
        h.run(args)
    };
    let no_url = run(&["plan", file], &[("BROADWORKS_PASSWORD", "x")]);
    assert_eq!(no_url.code, 1, "{no_url}");
    assert!(
        no_url.stderr.contains("BROADWORKS_URL is not set"),
        "{no_url}"
    );
    assert!(
        no_url
            .stderr
            .contains("help: pass --url or set BROADWORKS_URL"),
        "{no_url}"
    );
    let no_password = run(
        &["plan", file, "--url", "tcp://127.0.0.1:9", "--user", "a"],
        &[],
    );
    assert_eq!(no_password.code, 1, "{no_password}");
    assert!(
        no_password.stderr.contains("--password-file"),
        "{no_password}"
    );
    // The library's own message has no flag in it.
    let e = huntctl::ocip::settings::ConnectionInput::default()
        .resolve(|_| None)
        .unwrap_err()
        .to_string();
    assert!(!e.contains("--"), "{e}");
}
