//! huntctl's shared vocabulary, used by the OCI-P client and by the sandbox server alike, and
//! the only thing they share: the hunt group [`model`] with its
//! field table, the OCI-P [`messages`] both sides exchange, [`xml`] helpers, and [`mask`],
//! the one secret masking every trace, record and log goes through.
//!
//! No I/O, no runtime, no command line: what is here is plain data and pure functions.

pub mod mask;
pub mod messages;
pub mod model;
pub mod services;
pub mod text;
pub mod xml;
