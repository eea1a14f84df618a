//! Server direction of the codec: turns a received BroadsoftDocument into typed requests,
//! checking every command against the R25 schema's rules the way a BroadWorks server does.
//!
//! Reading is tolerant of envelope variations real clients produce (encoding, declaration,
//! whitespace, namespace prefixes) but strict about the commands themselves: element order,
//! required elements, simple-type lengths, ranges and enumerations, `xsi:nil` only where the
//! schema says nillable. A command that breaks a rule becomes a [`SchemaViolation`], which the
//! server answers with `[Error 6004] OCI XML Request validation error`; the other commands of
//! the document are still carried out.
//!
//! The files follow a document's way in: `tree` parses the text into elements, `document`
//! checks the envelope, `command` hands each `<command>` by its `xsi:type` to its decoder
//! (`login`, `listings`, `hunt_group`). Decoders walk their children in schema order
//! (`sequence`) and check values by the schema's types (`types`, `criteria`); the hunt group
//! sequences come from the R25 tables in `elements`, which the encoder writes replies by
//! too. `violation` is how a broken rule is reported.

mod command;
mod criteria;
mod document;
pub(crate) mod elements;
mod hunt_group;
mod listings;
mod login;
mod sequence;
mod services;
mod tree;
mod types;
mod violation;

pub use command::served_request_types;
pub use document::{decode_request_document, DocumentError, RequestDocument, MAX_COMMANDS};
pub(crate) use tree::{parse_tree, Elem};
pub(crate) use types::collapse;
pub(crate) use violation::{quoted, V};
pub use violation::{validation_error, SchemaViolation};

#[cfg(test)]
mod tests;
