//! The login commands: AuthenticationRequest, LoginRequest14sp4, LoginRequest22V5 and
//! LogoutRequest.

use super::sequence::{opt_tok, tok, Seq};
use super::tree::Elem;
use super::types::{collapse, simple_text, string, token, PASSWORD, USER_ID};
use super::violation::V;
use crate::messages::Request;
use crate::model::Secret;

pub(super) fn decode_authentication(e: &Elem) -> Result<Request, V> {
    let mut s = Seq::new(e, "")?;
    let user_id = tok(&mut s, "userId", USER_ID)?;
    s.end()?;
    Ok(Request::Authentication { user_id })
}

pub(super) fn decode_login14(e: &Elem) -> Result<Request, V> {
    let mut s = Seq::new(e, "")?;
    let user_id = tok(&mut s, "userId", USER_ID)?;
    let signed = match s.opt("signedPassword") {
        Some(x) => Some(string(x, "signedPassword", 1)?),
        None => None,
    };
    // plainTextPassword is schema-valid, but this server (like AS data mode) only takes the
    // signed password here; a missing one fails the login with 4962 like a wrong one.
    if let Some(x) = s.opt("plainTextPassword") {
        token(x, "plainTextPassword", PASSWORD.0, PASSWORD.1)?;
    }
    s.end()?;
    Ok(Request::Login14sp4 {
        user_id,
        signed_password: Secret::new(signed.unwrap_or_default()),
    })
}

pub(super) fn decode_login22(e: &Elem) -> Result<Request, V> {
    let mut s = Seq::new(e, "")?;
    let user_id = tok(&mut s, "userId", USER_ID)?;
    let password = opt_tok(&mut s, "password", PASSWORD)?;
    if let Some(x) = s.opt("signedPassword") {
        string(x, "signedPassword", 1)?;
    }
    s.end()?;
    Ok(Request::Login22V5 {
        user_id,
        password: Secret::new(password.unwrap_or_default()),
    })
}

pub(super) fn decode_logout(e: &Elem) -> Result<Request, V> {
    let mut s = Seq::new(e, "")?;
    let user_id = tok(&mut s, "userId", USER_ID)?;
    let reason = match s.opt("reason") {
        Some(x) => {
            let r = collapse(simple_text(x, "reason")?);
            const REASONS: [&str; 3] = [
                "Client Logout",
                "Server Connection Failure",
                "Open Client Server Forced Logout",
            ];
            if !REASONS.contains(&r.as_str()) {
                return Err((
                    "reason".into(),
                    format!(
                        "value '{r}' is not one of the enumeration {}",
                        REASONS.join(", ")
                    ),
                ));
            }
            Some(r)
        }
        None => None,
    };
    s.end()?;
    Ok(Request::Logout { user_id, reason })
}
