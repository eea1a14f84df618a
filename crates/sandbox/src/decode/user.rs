//! The user commands a hunt group client sends: `UserModifyUserIdRequest` (R25
//! `OCISchemaUser.xsd`), which renames a real or virtual user in place.

use super::sequence::{tok, Seq};
use super::tree::Elem;
use super::types::USER_ID;
use super::violation::V;
use crate::messages::Request;

/// `UserModifyUserIdRequest`: `userId`, then `newUserId`, both `UserId` (1–161).
pub(super) fn decode_modify_user_id(e: &Elem) -> Result<Request, V> {
    let mut s = Seq::new(e, "")?;
    let user_id = tok(&mut s, "userId", USER_ID)?;
    let new_user_id = tok(&mut s, "newUserId", USER_ID)?;
    s.end()?;
    Ok(Request::ModifyUserId {
        user_id,
        new_user_id,
    })
}
