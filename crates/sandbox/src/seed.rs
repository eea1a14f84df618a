//! The built-in seed state (examples/huntgroups/SEED.md): what a fresh sandbox holds so that
//! planning `examples/` shows creates, updates, an unchanged group and an unmanaged one.

use super::state::{GroupState, HuntGroupState, SandboxState, ServiceProviderState, UserState};
use crate::model::{Agent, Field, Policy};
use crate::services::{ScheduleState, DEFAULT_AUTHORIZED};

fn user(id: &str, last: &str, first: &str, ext: &str) -> UserState {
    UserState {
        user_id: id.into(),
        last_name: last.into(),
        first_name: first.into(),
        extension: Some(ext.into()),
        email_address: Some(id.into()),
        ..Default::default()
    }
}

fn agents(ids: &[&str]) -> Vec<Agent> {
    ids.iter().map(|u| HuntGroupState::agent(u)).collect()
}

fn numbers(from: u32, to: u32) -> Vec<String> {
    (from..=to).map(|n| format!("202555{n:04}")).collect()
}

/// The user services the seed's groups are authorized for: Call Forwarding Always Secondary
/// (among others) is not, so assigning it is refused.
fn authorized() -> Vec<String> {
    DEFAULT_AUTHORIZED.iter().map(|s| s.to_string()).collect()
}

/// The seed state.
pub fn seed_state() -> SandboxState {
    let mut sales_hunt =
        HuntGroupState::with_defaults("sales-hunt@company.com", "Sales Hunt", "Sales", "Team");
    sales_hunt.service_instance_profile.phone_number = Field::Value("2025550100".into());
    sales_hunt.service_instance_profile.extension = Field::Value("0100".into());
    sales_hunt.agents = agents(&["jane.smith@company.com", "john.doe@company.com"]);

    // Exactly what examples/huntgroups/sales.yaml says, documented defaults for the rest.
    let mut vip = HuntGroupState::with_defaults(
        "sales-vip-hunt@company.com",
        "Sales VIP Line",
        "Sales",
        "VIP",
    );
    vip.service_instance_profile.extension = Field::Value("0101".into());
    vip.policy = Policy::Simultaneous;
    vip.agents = agents(&["alice.jones@company.com", "carol.white@company.com"]);

    // support.csv differs from this only in its number of rings (3 there, the default 5 here).
    let mut support = HuntGroupState::with_defaults(
        "support-hunt@company.com",
        "Support Hunt Group",
        "Support",
        "Team",
    );
    support.service_instance_profile.phone_number = Field::Value("2025550200".into());
    support.service_instance_profile.extension = Field::Value("0200".into());
    support.service_instance_profile.alias = vec!["support-team@company.com".into()];
    support.policy = Policy::Circular;
    support.agents = agents(&["support1@company.com", "support2@company.com"]);

    let mut legacy = HuntGroupState::with_defaults(
        "support-legacy-hunt@company.com",
        "Support Legacy",
        "Support",
        "Legacy",
    );
    legacy.service_instance_profile.extension = Field::Value("0210".into());
    legacy.agents = agents(&["support3@company.com"]);

    SandboxState {
        format_version: 1,
        service_providers: vec![ServiceProviderState {
            id: "MyServiceProvider".into(),
            groups: vec![
                GroupState {
                    id: "SalesGroup".into(),
                    country_code: "1".into(),
                    departments: vec!["Sales".into()],
                    phone_numbers: numbers(100, 119),
                    users: vec![
                        user("john.doe@company.com", "Doe", "John", "1001"),
                        user("jane.smith@company.com", "Smith", "Jane", "1002"),
                        user("bob.wilson@company.com", "Wilson", "Bob", "1003"),
                        user("alice.jones@company.com", "Jones", "Alice", "1004"),
                        user("carol.white@company.com", "White", "Carol", "1005"),
                    ],
                    hunt_groups: vec![sales_hunt, vip],
                    // The schedules hunt group criteria reference (issue 25's examples).
                    schedules: vec![
                        ScheduleState::time("Business Hours"),
                        ScheduleState::holiday("Holidays"),
                    ],
                    authorized_user_services: Some(authorized()),
                },
                GroupState {
                    id: "SupportGroup".into(),
                    country_code: "1".into(),
                    departments: vec!["Support".into()],
                    phone_numbers: numbers(200, 219),
                    users: (1..=4)
                        .map(|i| {
                            user(
                                &format!("support{i}@company.com"),
                                "Support",
                                &format!("Agent {i}"),
                                &format!("200{i}"),
                            )
                        })
                        .collect(),
                    hunt_groups: vec![support, legacy],
                    // Not visible to SalesGroup's hunt groups.
                    schedules: vec![ScheduleState::time("Support Hours")],
                    authorized_user_services: Some(authorized()),
                },
            ],
            departments: vec!["Corporate".into(), "Operations".into()],
            schedules: vec![ScheduleState::holiday("Company Holidays")],
        }],
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn seed_is_consistent() {
        let s = super::seed_state();
        assert!(super::super::store::Store::new(s).is_ok());
    }
}
