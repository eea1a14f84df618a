//! How a broken rule is reported: a [`SchemaViolation`] for one command, answered like a
//! BroadWorks server answers it (ErrorResponse 6004 naming the element), never quoting a secret.

use super::tree::Elem;
use crate::codes::{self, oci_error};
use crate::messages::OciError;

/// A command that breaks the schema: the server answers it with ErrorResponse 6004.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaViolation {
    /// The command's `xsi:type`, when it had one.
    pub command_type: Option<String>,
    /// Path of the offending element inside the command, e.g. `serviceInstanceProfile/name`.
    pub element: String,
    /// What is wrong.
    pub message: String,
}

impl SchemaViolation {
    /// The validator-style message that goes into the ErrorResponse detail.
    pub fn detail(&self) -> String {
        match &self.command_type {
            Some(t) => format!("{t}: element '{}': {}", self.element, self.message),
            None => format!("element '{}': {}", self.element, self.message),
        }
    }

    /// The ErrorResponse a BroadWorks server sends for it.
    pub fn to_oci_error(&self) -> OciError {
        validation_error(self.detail())
    }
}

/// `[Error 6004] OCI XML Request validation error` with a detail: BroadWorks' answer to a
/// document or command that breaks the schema.
pub fn validation_error(detail: String) -> OciError {
    oci_error(
        codes::SCHEMA_VIOLATION,
        "OCI XML Request validation error",
        Some(detail),
    )
}

/// What a decoder reports before the command's type is known: (element path, message).
/// `command` turns it into the command's [`SchemaViolation`].
pub(crate) type V = (String, String);

/// Elements whose value is a secret: a validation message names them but never quotes them.
pub(crate) const SECRET_ELEMENTS: [&str; 3] = ["password", "plainTextPassword", "signedPassword"];

/// How a message quotes an element's value: `value 'x'`, or just `value` for a secret.
pub(crate) fn quoted(e: &Elem, s: &str) -> String {
    if SECRET_ELEMENTS.contains(&e.name.as_str()) {
        "value".to_string()
    } else {
        format!("value '{s}'")
    }
}
