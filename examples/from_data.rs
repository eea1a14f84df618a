//! Build hunt groups from data in Rust (the reference page's "Create from Data"), check them
//! with the same rules as files, and write them out as YAML and CSV.
//!
//! `cargo run --example from_data`

use huntctl::desired;
use huntctl::model::{Agent, HuntGroup, Policy};

fn main() -> std::process::ExitCode {
    // Start from the documented defaults and set what differs, like the reference page's dicts.
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

    let mut support = HuntGroup::with_defaults(
        "MyServiceProvider",
        "SupportGroup",
        "support-hunt@company.com",
    );
    support.service_instance_profile.name = "Support Hunt Group".into();
    support.service_instance_profile.calling_line_id_last_name = "Support".into();
    support.service_instance_profile.calling_line_id_first_name = "Team".into();
    support.service_instance_profile.alias = vec!["support-team".into()];
    support.policy = Policy::Circular;
    support.no_answer_number_of_rings = 3;
    support.agents = vec![
        Agent::new("support1@company.com"),
        Agent::new("support2@company.com"),
    ];

    let groups = vec![sales, support];

    // The same rules as `huntctl validate` (a "dry run").
    if let Err(d) = desired::validate(&groups) {
        eprint!("{}", d.render(false));
        return std::process::ExitCode::FAILURE;
    }

    // Or load the same data from YAML text, e.g. produced by another tool.
    let yaml = desired::to_yaml(&groups);
    match desired::load_str("generated.yaml", &yaml) {
        Ok(state) => assert_eq!(state.hunt_groups, groups),
        Err(d) => {
            eprint!("{}", d.render(false));
            return std::process::ExitCode::FAILURE;
        }
    }
    println!("{yaml}");
    println!("{}", desired::to_csv(&groups));

    // A mistake is reported with the group it belongs to.
    let mut bad = groups[0].clone();
    bad.no_answer_number_of_rings = 42;
    if let Err(d) = desired::validate(&[bad]) {
        eprint!("{}", d.render(false));
    }
    std::process::ExitCode::SUCCESS
}
