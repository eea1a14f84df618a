//! Text that XML cannot carry, and text that must not reach a terminal as it is.
//!
//! XML 1.0 (`Char`) allows tab, line feed, carriage return and every character from U+0020 up
//! but U+FFFE and U+FFFF (and surrogates, which a Rust string cannot hold). A value holding any
//! other character cannot be sent in an OCI-P document: a BroadWorks server's parser refuses
//! the whole document. The validator refuses such values before anything is sent
//! ([`first_non_xml_char`]); the sandbox refuses such documents as a server does.
//!
//! Values that came from files or from a server are shown in human-readable output through
//! [`escape_controls`], so a hostile or corrupted value cannot move the cursor, recolour or
//! rewrite the operator's terminal.

use std::borrow::Cow;

/// Whether XML 1.0 can carry `c` in text or an attribute value (production `Char`).
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// The first character of `s` XML 1.0 cannot carry: its position (in characters, 0-based)
/// and the character.
pub fn first_non_xml_char(s: &str) -> Option<(usize, char)> {
    s.chars().enumerate().find(|(_, c)| !is_xml_char(*c))
}

/// How a character is named in a message: `U+0007`.
pub fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// `s` with every control character (C0 including tab, line feed and carriage return, DEL,
/// C1) and U+FFFE/U+FFFF written as `\u{…}` (Rust's and JSON's way of naming them). Text
/// without any is returned as it is.
///
/// The one escaping function of human-readable output: plan text and markdown, apply results,
/// error messages and export comments pass every value from a file or a server through it.
/// JSON output is not escaped this way: JSON has its own escaping.
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    let bad = |c: char| c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}';
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_chars() {
        assert!(is_xml_char('\t') && is_xml_char('\n') && is_xml_char('\r'));
        assert!(!is_xml_char('\u{0}') && !is_xml_char('\u{7}') && !is_xml_char('\u{1f}'));
        assert!(!is_xml_char('\u{FFFE}') && !is_xml_char('\u{FFFF}'));
        assert!(is_xml_char('\u{FFFD}') && is_xml_char('é') && is_xml_char('\u{10000}'));
        assert_eq!(first_non_xml_char("Bell\u{7}Group"), Some((4, '\u{7}')));
        assert_eq!(first_non_xml_char("fine"), None);
    }

    #[test]
    fn escapes_controls_and_keeps_the_rest() {
        assert_eq!(escape_controls("Sales Hunt"), "Sales Hunt");
        assert!(matches!(escape_controls("plain"), Cow::Borrowed(_)));
        assert_eq!(escape_controls("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(escape_controls("x\ny\u{7}"), "x\\u{a}y\\u{7}");
        assert_eq!(escape_controls("c1\u{9b}"), "c1\\u{9b}");
    }
}
