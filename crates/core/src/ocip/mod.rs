//! OCI-P: the BroadWorks provisioning protocol (codec, sessions, transports, pool).

pub mod client_error;
// The messages and XML helpers are shared with the sandbox, so they live in the protocol crate.
pub use huntctl_protocol::{messages, xml};

pub mod decode_response;
pub mod encode_request;
mod encode_services;
pub mod explain;
pub mod pool;
pub mod session;
pub mod settings;
pub mod trace;
pub mod transport;

pub use client_error::ClientError;
pub use pool::Pool;
pub use settings::{ConnectionSettings, Endpoint, LoginFlow};

use messages::{Request, Response};
use std::future::Future;

/// Why a command has no response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandFailure {
    /// Never sent (no session could be had, or an earlier failure stopped the batch before it
    /// was written): the server did not see it. Safe to try again.
    #[error("not sent: {0}")]
    NotSent(String),
    /// Sent, but the connection was lost (or the reply timed out) before its reply: the server
    /// may or may not have carried it out. Writes must be re-checked by reading, never resent.
    #[error("outcome unknown: {0}")]
    Unknown(String),
    /// The reply could not be understood (malformed, or the wrong number of responses).
    #[error("bad reply: {0}")]
    BadReply(String),
}

/// Something that carries out OCI-P commands: the session pool, or a fake in unit tests.
///
/// Results come back in the order of `requests`. An `ErrorResponse` is `Ok(Response::Error)`:
/// the server answered. Implementations batch commands into documents and may run documents
/// concurrently; every command is independent.
pub trait Execute: Sync {
    /// Carries out the commands and returns one result per command, in order.
    fn execute(
        &self,
        requests: Vec<Request>,
    ) -> impl Future<Output = Vec<Result<Response, CommandFailure>>> + Send;
}
