//! Debug trace of OCI-P documents, with secrets masked.

use crate::model::MASK;
use std::borrow::Cow;

/// Elements whose text is a secret.
const SECRET_ELEMENTS: [&str; 3] = ["password", "signedPassword", "plainTextPassword"];

/// Replaces the text of every `<password>` and `<signedPassword>` element (any namespace
/// prefix, any attributes) with the mask. Other text is returned unchanged.
pub fn mask_secrets(doc: &str) -> Cow<'_, str> {
    let mut out: Option<String> = None;
    let mut copied = 0; // bytes of `doc` already handled
    let mut pos = 0;
    while let Some(rel) = doc[pos..].find('<') {
        let lt = pos + rel;
        let name_end = doc[lt + 1..]
            .find(|c: char| c == '>' || c == '/' || c.is_ascii_whitespace())
            .map(|i| lt + 1 + i);
        let Some(name_end) = name_end else { break };
        let name = &doc[lt + 1..name_end];
        let local = name.rsplit(':').next().unwrap_or(name);
        pos = name_end;
        if !SECRET_ELEMENTS.contains(&local) {
            continue;
        }
        let Some(gt) = doc[name_end..].find('>').map(|i| name_end + i) else {
            break;
        };
        if doc[..gt].ends_with('/') {
            pos = gt + 1;
            continue; // <password/>: nothing to hide
        }
        // The secret runs to the next tag; without one, mask to the end (a truncated trace).
        let end = doc[gt + 1..].find('<').map_or(doc.len(), |i| gt + 1 + i);
        let o = out.get_or_insert_with(|| String::with_capacity(doc.len()));
        o.push_str(&doc[copied..=gt]);
        o.push_str(MASK);
        copied = end;
        pos = end;
    }
    match out {
        None => Cow::Borrowed(doc),
        Some(mut o) => {
            o.push_str(&doc[copied..]);
            Cow::Owned(o)
        }
    }
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
