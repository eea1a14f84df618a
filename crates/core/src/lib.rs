//! huntctl's operations, for every front end alike (the CLI, the Python package, programs).
//!
//! Data flows one way: files are loaded into desired [`model::HuntGroup`]s ([`desired`]),
//! BroadWorks is read over OCI-P ([`ocip`]) into current ones, the two are diffed into a
//! plan ([`plan`]) that renderers print and the applier ([`apply`]) carries out; [`export`]
//! writes what a server holds as desired state.
//!
//! Nothing here knows the command line, and nothing prints: each operation takes a plain
//! options struct and returns data (and errors that speak in library terms); the front ends
//! turn arguments into those structs and results into output.

pub mod apply;
pub mod config;
pub mod desired;
pub mod export;
pub mod ocip;
pub mod ops;
pub mod plan;

/// The hunt group model and its field table (from the protocol crate, shared with the sandbox).
pub use huntctl_protocol::model;
/// Text XML 1.0 cannot carry, and the one escaping of values in human-readable output.
pub use huntctl_protocol::text;
