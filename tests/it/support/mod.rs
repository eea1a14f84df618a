//! What the test modules share.

pub mod ocip_schema;
pub mod sandbox_harness;
