//! Secret masking: the one implementation behind the client's debug trace and the sandbox's
//! record, so that what one hides the other hides too.

use std::borrow::Cow;

/// Elements whose content is a secret, by local name (any namespace prefix).
pub const SECRET_ELEMENTS: [&str; 3] = ["password", "signedPassword", "plainTextPassword"];

/// Replaces the content of every secret element ([`SECRET_ELEMENTS`]) with `mask`.
///
/// Any namespace prefix, attributes or whitespace in the tag, and CDATA content (which may
/// hold `<`) are covered: everything up to the element's own closing tag is masked, and to the
/// end when it has none (a truncated document). `<password/>` has nothing to hide. Other bytes
/// are returned unchanged, borrowed when nothing was masked. Works on bytes because documents
/// on the wire may be ISO-8859-1; the output is UTF-8 whenever the input is.
pub fn mask_secrets<'a>(doc: &'a [u8], mask: &str) -> Cow<'a, [u8]> {
    let mut out: Option<Vec<u8>> = None;
    let mut copied = 0; // bytes of `doc` already handled
    let mut pos = 0;
    while let Some(rel) = doc[pos..].iter().position(|&b| b == b'<') {
        let lt = pos + rel;
        let Some(name_end) = doc[lt + 1..]
            .iter()
            .position(|&b| b == b'>' || b == b'/' || b.is_ascii_whitespace())
            .map(|i| lt + 1 + i)
        else {
            break;
        };
        let name = &doc[lt + 1..name_end];
        let local = name.rsplit(|&b| b == b':').next().unwrap_or(name);
        pos = name_end;
        if !SECRET_ELEMENTS.iter().any(|s| s.as_bytes() == local) {
            continue;
        }
        let Some(gt) = doc[name_end..]
            .iter()
            .position(|&b| b == b'>')
            .map(|i| name_end + i)
        else {
            break;
        };
        pos = gt + 1;
        if doc[gt - 1] == b'/' {
            continue; // <password/>: nothing to hide
        }
        let mut close = b"</".to_vec();
        close.extend_from_slice(name);
        let end = find(&doc[pos..], &close).map_or(doc.len(), |i| pos + i);
        let o = out.get_or_insert_with(|| Vec::with_capacity(doc.len()));
        o.extend_from_slice(&doc[copied..pos]);
        o.extend_from_slice(mask.as_bytes());
        copied = end;
        pos = end;
    }
    match out {
        None => Cow::Borrowed(doc),
        Some(mut o) => {
            o.extend_from_slice(&doc[copied..]);
            Cow::Owned(o)
        }
    }
}

/// [`mask_secrets`] on text.
pub fn mask_secrets_str<'a>(doc: &'a str, mask: &str) -> Cow<'a, str> {
    match mask_secrets(doc.as_bytes(), mask) {
        Cow::Borrowed(_) => Cow::Borrowed(doc),
        // Only whole elements' content between ASCII tags was replaced by UTF-8 text.
        Cow::Owned(b) => Cow::Owned(
            String::from_utf8(b)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        ),
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(d: &str) -> String {
        mask_secrets_str(d, "********").into_owned()
    }

    #[test]
    fn masks_every_secret_element_and_nothing_else() {
        let d = "<command><userId>a</userId><signedPassword>abc</signedPassword><password>p</password><passwordX>k</passwordX><password/></command>";
        assert_eq!(masked(d), "<command><userId>a</userId><signedPassword>********</signedPassword><password>********</password><passwordX>k</passwordX><password/></command>");
        let d = "<c:password\n a=\"1\"><![CDATA[s<e>cret]]></c:password><plainTextPassword>Field(default=1)</plainTextPassword><passwordExpiresDays>5</passwordExpiresDays><password>tail";
        assert_eq!(masked(d), "<c:password\n a=\"1\">********</c:password><plainTextPassword>********</plainTextPassword><passwordExpiresDays>5</passwordExpiresDays><password>********");
        assert_eq!(
            mask_secrets_str(
                "<x:signedPassword a=\"1\">abc123</x:signedPassword>",
                "(sensitive)"
            ),
            "<x:signedPassword a=\"1\">(sensitive)</x:signedPassword>"
        );
    }

    #[test]
    fn borrows_when_there_is_nothing_to_mask() {
        assert!(matches!(
            mask_secrets_str("<a>b</a>", "*"),
            Cow::Borrowed(_)
        ));
        assert!(matches!(
            mask_secrets(b"<password/><a", "*"),
            Cow::Borrowed(_)
        ));
        assert_eq!(
            mask_secrets_str("<password>cut", "(sensitive)"),
            "<password>(sensitive)"
        );
    }

    #[test]
    fn latin1_bytes_survive() {
        let d = b"<name>M\xfcller</name><password>\xe9t\xe9</password>";
        assert_eq!(
            mask_secrets(d, "*").as_ref(),
            b"<name>M\xfcller</name><password>*</password>".as_slice()
        );
    }
}
