//! Debug trace of OCI-P documents, with secrets masked.

use crate::model::MASK;
use std::borrow::Cow;

/// The text of every secret element replaced by the model's mask (see
/// [`huntctl_protocol::mask`], shared with the sandbox's record).
pub fn mask_secrets(doc: &str) -> Cow<'_, str> {
    huntctl_protocol::mask::mask_secrets_str(doc, MASK)
}

/// Logs a document at debug level (`sent` or `received`), secrets masked. The text is only
/// built when debug logging is on.
pub fn document(direction: &str, session_id: &str, doc: &str) {
    if tracing::enabled!(tracing::Level::DEBUG) {
        tracing::debug!(
            target: "huntctl::ocip",
            session = session_id,
            "{direction}:\n{}",
            mask_secrets(doc)
        );
    }
}

/// ISO-8859-1 bytes as text, for the trace.
pub fn latin1(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) if bytes.is_ascii() => Cow::Borrowed(s),
        _ => Cow::Owned(bytes.iter().map(|&b| b as char).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_passwords_and_signed_passwords() {
        let doc = "<command><userId>admin</userId><password>hunter2</password>\
                   <x:signedPassword a=\"1\">abc123</x:signedPassword><password/>\
                   <passwordExpiresDays>5</passwordExpiresDays></command>";
        let m = mask_secrets(doc);
        assert!(!m.contains("hunter2"));
        assert!(!m.contains("abc123"));
        assert!(m.contains("<password>(sensitive)</password>"));
        assert!(m.contains("<x:signedPassword a=\"1\">(sensitive)</x:signedPassword>"));
        assert!(m.contains("<passwordExpiresDays>5</passwordExpiresDays>"));
        assert!(m.contains("<userId>admin</userId>"));
        assert!(matches!(mask_secrets("<a>b</a>"), Cow::Borrowed(_)));
        assert_eq!(mask_secrets("<password>cut"), "<password>(sensitive)");
    }
}
