//! The harness every test module shares:
//! - [`run`]: the one way to run the `huntctl` binary ([`huntctl`]: a temp working
//!   directory, a clean environment, an [`Out`]);
//! - [`sandbox`]: the one way to start a sandbox ([`SandboxOpts`]: in this process, a
//!   [`Sandbox`], or as a child process, a [`sandbox::ChildSandbox`]);
//! - [`fake`]: the one fake OCI-P server ([`FakeServer`]) of the plan and apply tests;
//! - [`ocip_schema`]: the OCI-P XML Schema check.

pub mod fake;
pub mod ocip_schema;
pub mod r25_docs;
pub mod run;
pub mod sandbox;

pub use fake::{FakeServer, Fault};
pub use run::{huntctl, Out};
pub use sandbox::{find_hg, Sandbox, SandboxOpts, Via, BOTH};

use std::future::Future;

/// The seed's sales-vip-hunt exactly as it is seeded, as a desired state: plans `No changes`
/// against the seed; what a test adds to it is the change.
pub const SALES_VIP: &str = "defaults:
  serviceProviderId: MyServiceProvider
  groupId: SalesGroup
huntGroups:
  - serviceUserId: sales-vip-hunt@company.com
    serviceInstanceProfile:
      name: Sales VIP Line
      callingLineIdLastName: Sales
      callingLineIdFirstName: VIP
      extension: \"0101\"
    policy: Simultaneous
    agentUserId: [alice.jones@company.com, carol.white@company.com]
";

/// Runs a future (of the library, or against the fake) to completion on a runtime of its own.
pub fn block_on<F: Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(f)
}

/// `n` hunt groups (`bulk-NN@bulk.example.com`, agent u1) in SP / Bulk, a group of three
/// users: for the thresholds on many deletes and updates.
pub fn bulk_seed(n: usize) -> huntctl::sandbox::state::SandboxState {
    use huntctl::sandbox::state::{
        GroupState, HuntGroupState, SandboxState, ServiceProviderState, UserState,
    };
    let users: Vec<UserState> = (1..=3)
        .map(|i| UserState {
            user_id: format!("u{i}@bulk.example.com"),
            last_name: "User".into(),
            first_name: format!("N{i}"),
            ..Default::default()
        })
        .collect();
    let hunt_groups = (0..n)
        .map(|i| {
            let mut h = HuntGroupState::with_defaults(
                &format!("bulk-{i:02}@bulk.example.com"),
                &format!("Bulk {i:02}"),
                "Bulk",
                "Team",
            );
            h.agents = vec![HuntGroupState::agent("u1@bulk.example.com")];
            h
        })
        .collect();
    SandboxState {
        format_version: 1,
        service_providers: vec![ServiceProviderState {
            id: "SP".into(),
            groups: vec![GroupState {
                id: "Bulk".into(),
                country_code: "1".into(),
                departments: vec![],
                phone_numbers: vec![],
                users,
                hunt_groups,
                ..Default::default()
            }],
            departments: vec![],
            ..Default::default()
        }],
    }
}
