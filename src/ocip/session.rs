//! One logged-in OCI-P session: a connection, a client-chosen sessionId and a login.

use super::client_error::ClientError;
use super::commands::{Request, Response, LOGOUT_REASON_CLIENT};
use super::decode_response::{decode_response_document, decode_response_text, CodecError};
use super::encode_request::request_document;
use super::settings::ConnectionSettings;
use super::trace;
use super::transport::{Reply, Shared, Transport, TransportError};
use crate::cli::LoginFlow;
use crate::model::Secret;
use md5::{Digest, Md5};
use sha1::Sha1;
use std::time::Duration;

/// `hex(md5(nonce ":" hex(sha1(password))))`, lower-case: the LoginRequest14sp4 signature.
pub fn signed_password(nonce: &str, password: &str) -> String {
    let sha = hex::encode(Sha1::digest(password.as_bytes()));
    hex::encode(Md5::digest(format!("{nonce}:{sha}").as_bytes()))
}

/// Why a document got no usable reply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The round trip failed.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// The reply could not be decoded.
    #[error("unreadable reply: {0}")]
    Codec(#[from] CodecError),
    /// The reply has the wrong number of responses.
    #[error("the reply holds {got} responses for {expected} commands")]
    Count {
        /// Commands sent.
        expected: usize,
        /// Responses received.
        got: usize,
    },
}

/// A connected, logged-in session.
pub struct Session {
    id: String,
    user: String,
    transport: Transport,
    request_timeout: Duration,
}

impl Session {
    /// Connects and logs in with the flow the settings ask for (or the transport implies).
    pub async fn open(
        settings: &ConnectionSettings,
        shared: &Shared,
    ) -> Result<Session, ClientError> {
        let transport = Transport::connect(shared)
            .await
            .map_err(|e| ClientError::Connect {
                url: settings.url.clone(),
                message: e.to_string(),
            })?;
        let mut s = Session {
            id: format!("huntctl-{}", uuid::Uuid::new_v4()),
            user: settings.user.clone(),
            transport,
            request_timeout: settings.request_timeout,
        };
        s.login(settings.login_flow()?, &settings.password).await?;
        Ok(s)
    }

    /// The sessionId this session sends.
    pub fn id(&self) -> &str {
        &self.id
    }

    async fn login(&mut self, flow: LoginFlow, password: &Secret) -> Result<(), ClientError> {
        let user = self.user.clone();
        let fail = |message: String, code: Option<u32>| ClientError::Login {
            user: user.clone(),
            message,
            code,
        };
        let one = |mut r: Vec<Response>| r.pop();
        match flow {
            LoginFlow::Plain => {
                let r = self
                    .send(&[Request::Login22V5 {
                        user_id: self.user.clone(),
                        password: password.clone(),
                    }])
                    .await
                    .map_err(|e| fail(e.to_string(), None))?;
                match one(r) {
                    Some(Response::Login22V5(_)) => Ok(()),
                    Some(Response::Error(e)) => Err(fail(e.to_string(), e.code)),
                    other => Err(fail(format!("unexpected reply {other:?}"), None)),
                }
            }
            LoginFlow::Signed => {
                let r = self
                    .send(&[Request::Authentication {
                        user_id: self.user.clone(),
                    }])
                    .await
                    .map_err(|e| fail(e.to_string(), None))?;
                let nonce = match one(r) {
                    Some(Response::Authentication {
                        nonce,
                        password_algorithm,
                        ..
                    }) => {
                        if !password_algorithm.is_empty()
                            && !password_algorithm.eq_ignore_ascii_case("MD5")
                        {
                            return Err(fail(
                                format!("unsupported password algorithm {password_algorithm:?}"),
                                None,
                            ));
                        }
                        nonce
                    }
                    Some(Response::Error(e)) => return Err(fail(e.to_string(), e.code)),
                    other => return Err(fail(format!("unexpected reply {other:?}"), None)),
                };
                let signed = Secret::new(signed_password(&nonce, password.expose()));
                let r = self
                    .send(&[Request::Login14sp4 {
                        user_id: self.user.clone(),
                        signed_password: signed,
                    }])
                    .await
                    .map_err(|e| fail(e.to_string(), None))?;
                match one(r) {
                    Some(Response::Login14sp4(_)) => Ok(()),
                    Some(Response::Error(e)) => Err(fail(e.to_string(), e.code)),
                    other => Err(fail(format!("unexpected reply {other:?}"), None)),
                }
            }
        }
    }

    /// Sends one document of commands and returns one response per command, in order.
    pub async fn send(&mut self, requests: &[Request]) -> Result<Vec<Response>, SendError> {
        let doc = request_document(&self.id, requests);
        trace::document("sent", &self.id, &trace::latin1(&doc));
        let reply = self
            .transport
            .round_trip(&doc, self.request_timeout)
            .await?;
        let decoded = match &reply {
            Reply::Bytes(b) => {
                if tracing::enabled!(tracing::Level::DEBUG) {
                    let text = crate::ocip::xml::decode_document(b)
                        .unwrap_or_else(|_| String::from_utf8_lossy(b));
                    trace::document("received", &self.id, &text);
                }
                decode_response_document(b)?
            }
            Reply::Text(t) => {
                trace::document("received", &self.id, t);
                decode_response_text(t)?
            }
        };
        if decoded.session_id != self.id && !decoded.session_id.is_empty() {
            tracing::warn!(
                sent = %self.id,
                received = %decoded.session_id,
                "the reply names another sessionId"
            );
        }
        if decoded.responses.len() != requests.len() {
            return Err(SendError::Count {
                expected: requests.len(),
                got: decoded.responses.len(),
            });
        }
        Ok(decoded.responses)
    }

    /// Logs out (best effort, bounded by the request timeout) and closes the connection.
    pub async fn logout(mut self) {
        let r = self
            .send(&[Request::Logout {
                user_id: self.user.clone(),
                reason: Some(LOGOUT_REASON_CLIENT.to_string()),
            }])
            .await;
        if let Err(e) = r {
            tracing::debug!(session = %self.id, "logout: {e}");
        }
        self.transport.shutdown().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_password_test_vector() {
        assert_eq!(
            signed_password("1234567890123", "password"),
            "77e4a6de3a1e00be05e121cf0ebee860"
        );
    }
}
