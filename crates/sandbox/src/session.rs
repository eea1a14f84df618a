//! Sessions and login: what one connection (TCP/TLS) or one SOAP `JSESSIONID` has proven, and
//! the login commands that change it. Which login flows a session accepts depends on its
//! transport, as on a real server.

use crate::codes::{self, oci_error};
use crate::messages::{LoginInfo, OciError, Request, Response};

/// The transport a session runs on (decides which login flows are accepted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transport {
    /// Plain TCP: LoginRequest22V5 (plain password) is refused.
    Tcp,
    /// TLS.
    Tls,
    /// SOAP over HTTP.
    Soap,
}

/// Login state of one connection (TCP/TLS) or one JSESSIONID (SOAP).
#[derive(Debug)]
pub(crate) struct Session {
    transport: Transport,
    nonce: Option<String>,
    /// The OCI sessionId the login was made with.
    logged_in: Option<String>,
}

impl Session {
    pub(crate) fn new(transport: Transport) -> Self {
        Session {
            transport,
            nonce: None,
            logged_in: None,
        }
    }

    /// Whether a document with this sessionId may run hunt group commands: a login succeeded
    /// on this session with the same sessionId.
    pub(crate) fn is_logged_in(&self, session_id: &str) -> bool {
        self.logged_in.as_deref() == Some(session_id)
    }

    /// Carries out a login command (see [`is_login`]) against the administrator `user` and
    /// `password`.
    pub(crate) fn login(
        &mut self,
        session_id: &str,
        req: &Request,
        user: &str,
        password: &str,
    ) -> Response {
        match req {
            Request::Authentication { user_id } => {
                let nonce = format!(
                    "{}",
                    rand::random::<u64>() % 9_000_000_000_000 + 1_000_000_000_000
                );
                self.nonce = Some(nonce.clone());
                Response::Authentication {
                    user_id: user_id.clone(),
                    nonce,
                    password_algorithm: "MD5".into(),
                }
            }
            Request::Login14sp4 {
                user_id,
                signed_password: signed,
            } => {
                let Some(nonce) = self.nonce.take() else {
                    return Response::Error(oci_error(
                        codes::INVALID_PASSWORD,
                        "Invalid password",
                        Some("no AuthenticationRequest before LoginRequest14sp4".into()),
                    ));
                };
                let expected = signed_password(&nonce, password);
                if user_id == user && signed.expose().eq_ignore_ascii_case(&expected) {
                    self.logged_in = Some(session_id.to_string());
                    Response::Login14sp4(login_info())
                } else {
                    self.logged_in = None;
                    Response::Error(invalid_password())
                }
            }
            Request::Login22V5 {
                user_id,
                password: given,
            } => {
                if self.transport == Transport::Tcp {
                    return Response::Error(oci_error(
                        codes::INSECURE_LOGIN,
                        "LoginRequest22V5 is not allowed on an unsecure connection",
                        Some("use AuthenticationRequest + LoginRequest14sp4 over plain TCP, or connect with TLS".into()),
                    ));
                }
                if user_id == user && given.expose() == password {
                    self.logged_in = Some(session_id.to_string());
                    Response::Login22V5(login_info())
                } else {
                    self.logged_in = None;
                    Response::Error(invalid_password())
                }
            }
            Request::Logout { .. } => {
                self.logged_in = None;
                self.nonce = None;
                Response::Success
            }
            _ => Response::Error(invalid_password()),
        }
    }
}

/// Whether a command belongs to the login flow: run by the session, never counted by fault
/// rules, and the only commands a SOAP client without a session cookie may send.
pub(crate) fn is_login(req: &Request) -> bool {
    matches!(
        req,
        Request::Authentication { .. }
            | Request::Login14sp4 { .. }
            | Request::Login22V5 { .. }
            | Request::Logout { .. }
    )
}

/// `hex(md5(nonce ":" hex(sha1(password))))`, the signed password of LoginRequest14sp4.
pub fn signed_password(nonce: &str, password: &str) -> String {
    use md5::Digest as _;
    let sha = hex::encode(sha1::Sha1::digest(password.as_bytes()));
    hex::encode(md5::Md5::digest(format!("{nonce}:{sha}").as_bytes()))
}

/// The answer to a hunt group command on a session that has not logged in with its sessionId.
pub(crate) fn not_logged_in() -> OciError {
    oci_error(
        codes::NOT_LOGGED_IN,
        "Unauthorized transaction",
        Some("Not logged in: send AuthenticationRequest and LoginRequest14sp4 (or LoginRequest22V5 over TLS/SOAP) first, with the same sessionId".into()),
    )
}

fn invalid_password() -> OciError {
    oci_error(codes::INVALID_PASSWORD, "Invalid password", None)
}

fn login_info() -> LoginInfo {
    LoginInfo {
        login_type: "System".into(),
        locale: "en_US".into(),
        encoding: "ISO-8859-1".into(),
        is_enterprise: false,
        password_expires_days: None,
        user_domain: "sandbox.huntctl.local".into(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn signed_password_vector() {
        assert_eq!(
            super::signed_password("1234567890123", "password"),
            "77e4a6de3a1e00be05e121cf0ebee860"
        );
    }
}
