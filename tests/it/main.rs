#![recursion_limit = "512"]
//! huntctl's integration tests: one binary (each test binary links the whole library, and
//! on two cores linking was most of the build), one module per area, one harness in [`support`].

mod support;

mod adopt;
mod api;
mod apply;
mod bad_inputs;
mod codes;
mod desired;
mod e2e;
mod faults;
mod leftovers;
mod lifecycle;
mod ocip;
mod plan;
mod preflight_undo;
mod properties;
mod python;
mod sandbox;
mod schema_audit;
mod secrets;
mod servers;
mod services;
mod text_xml;
mod user_blocks;
