//! huntctl: manage Cisco BroadWorks hunt groups as code.
//!
//! Data flows one way: files are loaded into desired [`model::HuntGroup`]s ([`desired`]),
//! BroadWorks is read over OCI-P ([`ocip`]) into current ones, the two are diffed into a
//! plan ([`plan`]) that renderers print and the applier carries out. [`sandbox`] is an OCI-P
//! server that behaves like BroadWorks for hunt groups, for demos and tests.
//!
//! Nothing here depends on the command line: each part takes a plain options struct
//! ([`ocip::ConnectionSettings`], [`plan::PlanOptions`], [`apply::ApplyOptions`],
//! [`export::ExportOptions`], [`sandbox::SandboxConfig`]) that the binary's `commands` module
//! fills from clap's arguments.
//! [`api`] is the blocking facade over all of it that programs (and the Python package) use.

pub mod api;
pub mod apply;
/// The command line (clap): the `huntctl` binary's front end, not part of the library's API.
#[doc(hidden)]
pub mod cli;
/// The subcommands: clap's arguments turned into the library's options structs.
#[doc(hidden)]
pub mod commands;
pub mod desired;
pub mod export;
pub mod model;
pub mod ocip;
pub mod plan;
pub mod sandbox;
