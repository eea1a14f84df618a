//! huntctl: manage Cisco BroadWorks hunt groups as code.
//!
//! This package is the front ends: the `huntctl` binary's command line ([`cli`] and its
//! `commands`) and [`api`], the blocking facade that programs and the Python package use.
//! The work is done in the library crates, re-exported here so that one dependency reaches
//! all of it:
//!
//! - [`model`], the OCI-P messages and XML helpers: `huntctl-protocol`, shared by client and
//!   sandbox;
//! - [`desired`], [`ocip`], [`plan`], [`apply`], [`export`]: `huntctl-core`, the operations;
//! - [`sandbox`]: `huntctl-sandbox`, an OCI-P server that behaves like BroadWorks for demos
//!   and tests.

pub mod api;
/// The command line (clap): the `huntctl` binary's front end, not part of the library's API.
#[doc(hidden)]
pub mod cli;
/// The subcommands: clap's arguments turned into the library's options structs; [`commands::main`]
/// runs the whole command line (the binary and the Python console script).
#[doc(hidden)]
pub mod commands;
/// The command line's errors: one enum, its exit codes and its rendering.
#[doc(hidden)]
pub mod error;

pub use huntctl_core::{apply, config, desired, export, model, ocip, ops, plan};
pub use huntctl_protocol as protocol;
pub use huntctl_sandbox as sandbox;
