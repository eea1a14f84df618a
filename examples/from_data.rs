//! The reference page's "Create from Data", in Rust, end to end against the embedded sandbox:
//! hunt groups built in code and given as data (the page's snake_case dicts), checked with the
//! same rules as files, planned, applied, and reported in the page's result format.
//!
//! `cargo run --example from_data`

use huntctl::api::{self, Client, Sandbox, SandboxOptions};
use huntctl::desired;
use huntctl::model::{Agent, HuntGroup};
use serde_json::json;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. Built in code: start from the documented defaults and set what differs.
    let mut sales =
        HuntGroup::with_defaults("MyServiceProvider", "SalesGroup", "sales-hunt@company.com");
    sales.service_instance_profile.name = "Sales Hunt Group".into();
    sales.service_instance_profile.calling_line_id_last_name = "Sales".into();
    sales.service_instance_profile.calling_line_id_first_name = "Team".into();
    sales.service_instance_profile.alias = vec!["sales-team".into(), "sales-hunt".into()];
    sales.agents = [
        "john.doe@company.com",
        "jane.smith@company.com",
        "bob.wilson@company.com",
    ]
    .into_iter()
    .map(Agent::new)
    .collect();
    // The same rules as `huntctl validate`.
    if let Err(d) = desired::validate(std::slice::from_ref(&sales)) {
        eprint!("{}", d.render(false));
        return Err("invalid".into());
    }

    // 2. Given as data, exactly as the reference page writes it.
    let hunt_group_data = json!([{
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
    }]);
    let support = match api::load_data("hunt_group_data", &hunt_group_data) {
        Ok(state) => state,
        Err(d) => {
            eprint!("{}", d.render(false));
            return Err("invalid".into());
        }
    };
    let mut state = support.clone();
    state.hunt_groups.insert(0, sales);

    // A mistake in data is reported by its key path.
    let mut bad = hunt_group_data.clone();
    bad[0]["no_answer_number_of_rings"] = json!(42);
    if let Err(d) = api::load_data("hunt_group_data", &bad) {
        for item in &d.items {
            eprintln!("expected error: {}: {}", item.location, item.message);
        }
    }

    // 3. A dry run sends nothing: it validates and lists the commands a create takes.
    for r in api::create_hunt_groups(&state, None)? {
        let id = r["serviceUserId"].as_str().unwrap_or_default();
        println!(
            "dry run #{}: {id} would be sent {}",
            r["index"], r["command"]
        );
    }

    // 4. For real, against the embedded sandbox (whose seed already holds both hunt groups in
    //    another shape, so both are updated to match).
    let sandbox = Sandbox::start(SandboxOptions::default())?;
    let client = Client::connect(sandbox.settings())?;
    let plan = client.plan(&state, &api::PlanOptions::default())?;
    print!("{}", huntctl::plan::render::text(&plan, false));
    // Like `huntctl apply`, it leaves an undo plan (here in a temporary directory).
    let undo_dir = tempfile::tempdir()?;
    let opts = api::ApplyOptions {
        undo: api::UndoTarget::File(undo_dir.path().join("undo.json")),
        ..api::ApplyOptions::default()
    };
    let applied = client.apply(&plan, &opts)?;
    println!("{}", applied.report.summary_line());
    if let api::Undo::Saved { path, .. } = &applied.undo {
        println!("undo: huntctl apply --plan {}", path.display());
    }

    // The reference page's result format, through the same engine.
    let results = api::create_hunt_groups(&state, Some(&client))?;
    for result in &results {
        if result["success"] == true {
            let name = &result["data"]["serviceInstanceProfile"]["name"];
            let action = result["action"].as_str().unwrap_or_default();
            println!(
                "✅ Created hunt group: {} ({action})",
                name.as_str().unwrap_or_default()
            );
        } else {
            let error = result["error"].as_str().unwrap_or("Unknown error");
            println!("❌ Failed to create hunt group: {error}");
        }
    }
    client.close();
    sandbox.stop();
    Ok(())
}
