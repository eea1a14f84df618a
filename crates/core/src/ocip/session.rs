//! One logged-in OCI-P session: a connection, a client-chosen sessionId and a login.

use super::client_error::ClientError;
use super::decode_response::{decode_response_document, decode_response_text, CodecError};
use super::encode_request::request_document;
use super::explain::{self, TlsFailure};
use super::messages::{Request, Response, LOGOUT_REASON_CLIENT};
use super::settings::LoginFlow;
use super::settings::{ConnectionSettings, Endpoint};
use super::trace;
use super::transport::{Reply, Shared, Transport, TransportError};
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
    /// The server URL, and its host and port when it is plain `tcp://` (where a connection
    /// closed at the first request means a TLS port).
    url: String,
    plain_tcp: Option<(String, u16)>,
}

impl Session {
    /// Connects and logs in with the flow the settings ask for (or the transport implies).
    pub async fn open(
        settings: &ConnectionSettings,
        shared: &Shared,
    ) -> Result<Session, ClientError> {
        Session::start(settings, shared)
            .await?
            .finish(&settings.password)
            .await
    }

    /// Does every login step that does not involve the password: connects and, for the
    /// signed flow, gets the nonce. The pool runs this on all its sessions at once but sends
    /// the password on one session first, so a wrong password is tried once, not N times.
    pub async fn start(
        settings: &ConnectionSettings,
        shared: &Shared,
    ) -> Result<PendingLogin, ClientError> {
        let flow = settings.login_flow()?;
        let url = settings.url.clone();
        let transport = Transport::connect(shared).await.map_err(|e| match e {
            TransportError::Tls {
                cause: TlsFailure::Untrusted,
                message,
            } => ClientError::Certificate {
                url: url.clone(),
                message,
            },
            // Said once: "cannot connect to URL: why", not "cannot connect: cannot connect".
            TransportError::Connect(message) | TransportError::Tls { message, .. } => {
                ClientError::Connect {
                    url: url.clone(),
                    message,
                }
            }
            other => ClientError::Connect {
                url: url.clone(),
                message: other.to_string(),
            },
        })?;
        let plain_tcp = match &shared.endpoint {
            Endpoint::Tcp { host, port } => Some((host.clone(), *port)),
            _ => None,
        };
        let mut session = Session {
            id: format!("huntctl-{}", uuid::Uuid::new_v4()),
            user: settings.user.clone(),
            transport,
            request_timeout: settings.request_timeout,
            url,
            plain_tcp,
        };
        let nonce = match flow {
            LoginFlow::Plain => None,
            LoginFlow::Signed => Some(session.authenticate().await?),
        };
        Ok(PendingLogin { session, nonce })
    }

    /// The sessionId this session sends.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// A failed first exchange (AuthenticationRequest, or the login when it comes first): over
    /// plain TCP a connection closed without a reply, or a reply that is not a document, is a
    /// TLS port's doing, not a wrong password.
    fn first_exchange_error(&self, e: SendError) -> ClientError {
        let not_ocip = matches!(
            e,
            SendError::Transport(TransportError::Lost(_)) | SendError::Codec(_)
        );
        match &self.plain_tcp {
            Some((host, port)) if not_ocip => ClientError::Connect {
                url: self.url.clone(),
                message: explain::closed_at_first_request(host, *port),
            },
            _ => self.login_error(e.to_string(), None),
        }
    }

    fn login_error(&self, message: String, code: Option<u32>) -> ClientError {
        ClientError::Login {
            user: self.user.clone(),
            message,
            code,
        }
    }

    /// AuthenticationRequest: returns the nonce for the signed password.
    async fn authenticate(&mut self) -> Result<String, ClientError> {
        let r = self
            .send(&[Request::Authentication {
                user_id: self.user.clone(),
            }])
            .await
            .map_err(|e| self.first_exchange_error(e))?;
        match r.into_iter().next() {
            Some(Response::Authentication {
                nonce,
                password_algorithm,
                ..
            }) => {
                if !password_algorithm.is_empty() && !password_algorithm.eq_ignore_ascii_case("MD5")
                {
                    return Err(self.login_error(
                        format!("unsupported password algorithm {password_algorithm:?}"),
                        None,
                    ));
                }
                Ok(nonce)
            }
            Some(Response::Error(e)) => Err(self.login_error(e.to_string(), e.code)),
            other => Err(self.login_error(format!("unexpected reply {other:?}"), None)),
        }
    }

    /// The login request proper: the signed password when there is a nonce, else the
    /// plain password (LoginRequest22V5, over TLS or SOAP).
    async fn prove(&mut self, nonce: Option<&str>, password: &Secret) -> Result<(), ClientError> {
        let request = match nonce {
            Some(nonce) => Request::Login14sp4 {
                user_id: self.user.clone(),
                signed_password: Secret::new(signed_password(nonce, password.expose())),
            },
            None => Request::Login22V5 {
                user_id: self.user.clone(),
                password: password.clone(),
            },
        };
        let r = self.send(&[request]).await.map_err(|e| match nonce {
            // The plain login is the first exchange.
            None => self.first_exchange_error(e),
            Some(_) => self.login_error(e.to_string(), None),
        })?;
        match r.into_iter().next() {
            Some(Response::Login14sp4(_)) if nonce.is_some() => Ok(()),
            Some(Response::Login22V5(_)) if nonce.is_none() => Ok(()),
            Some(Response::Error(e)) => Err(self.login_error(e.to_string(), e.code)),
            other => Err(self.login_error(format!("unexpected reply {other:?}"), None)),
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

    /// Logs out and closes the connection. The LogoutRequest is sent but its reply is not
    /// awaited over TCP/TLS (as other OCI-P clients do, e.g. broadworks_ocip's `close()`): it
    /// carries nothing to act on, and the server ends the session on the request or on the
    /// end of the stream that follows it. Best effort, bounded by the request timeout.
    pub async fn logout(mut self) {
        let doc = request_document(
            &self.id,
            &[Request::Logout {
                user_id: self.user.clone(),
                reason: Some(LOGOUT_REASON_CLIENT.to_string()),
            }],
        );
        trace::document("sent", &self.id, &trace::latin1(&doc));
        if let Err(e) = self.transport.send_last(&doc, self.request_timeout).await {
            tracing::debug!(session = %self.id, "logout: {e}");
        }
        self.transport.shutdown().await;
    }
}

/// A connected session whose login lacks only the step that sends the password.
pub struct PendingLogin {
    session: Session,
    /// The nonce of the signed flow; `None` for the plain flow.
    nonce: Option<String>,
}

impl PendingLogin {
    /// Sends the password (signed with the nonce, or plain) and returns the logged-in session.
    pub async fn finish(mut self, password: &Secret) -> Result<Session, ClientError> {
        let nonce = self.nonce.take();
        self.session.prove(nonce.as_deref(), password).await?;
        Ok(self.session)
    }

    /// Closes the connection without logging in (nothing to log out of).
    pub async fn abandon(mut self) {
        self.session.transport.shutdown().await;
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
