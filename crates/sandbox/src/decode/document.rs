//! The document envelope: `BroadsoftDocument protocol="OCI"` holding a sessionId, an optional
//! trackingId and 1 to 15 commands. A broken envelope makes the whole document a
//! [`DocumentError`]; a broken command only that command's [`SchemaViolation`].

use super::command::decode_command;
use super::tree::{parse_tree, Elem};
use super::types::collapse;
use super::violation::{validation_error, SchemaViolation};
use crate::messages::{OciError, Request};

/// The most commands one document may hold (schema `maxOccurs="15"`).
pub const MAX_COMMANDS: usize = 15;

/// A decoded request document: the session id and one result per `<command>`, in order.
#[derive(Debug)]
pub struct RequestDocument {
    /// The client's session id (whitespace-normalised).
    pub session_id: String,
    /// Each command, or why it breaks the schema.
    pub commands: Vec<Result<Request, SchemaViolation>>,
}

/// A document that cannot be read at all (not XML, wrong root, too many commands, ...).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DocumentError {
    /// The session id, when it could still be found (the reply echoes it).
    pub session_id: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl DocumentError {
    /// The ErrorResponse a server sends for the whole document.
    pub fn to_oci_error(&self) -> OciError {
        validation_error(self.message.clone())
    }
}

/// Finds `<sessionId>…</sessionId>` textually, for replies to documents that do not parse.
fn scrape_session_id(text: &str) -> Option<String> {
    let start = text.find("sessionId")?;
    let rest = &text[start..];
    let gt = rest.find('>')?;
    let body = &rest[gt + 1..];
    let end = body.find('<')?;
    Some(collapse(body[..end].trim()))
}

/// The first character XML 1.0 cannot carry, with its 1-based line and column.
fn non_xml_char(text: &str) -> Option<(usize, usize, char)> {
    let (mut line, mut col) = (1, 0);
    for c in text.chars() {
        if c == '\n' {
            (line, col) = (line + 1, 0);
            continue;
        }
        col += 1;
        if !crate::text::is_xml_char(c) {
            return Some((line, col, c));
        }
    }
    None
}

/// Decodes and validates a request document.
pub fn decode_request_document(bytes: &[u8]) -> Result<RequestDocument, DocumentError> {
    let text = crate::xml::decode_document(bytes).map_err(|e| DocumentError {
        session_id: None,
        message: e.to_string(),
    })?;
    // A character XML 1.0 cannot carry makes the document not well-formed: a server's parser
    // stops there, before any command is read.
    if let Some((line, col, c)) = non_xml_char(&text) {
        return Err(DocumentError {
            session_id: scrape_session_id(&text),
            message: format!(
                "XML is not well-formed: character {} is not allowed in XML 1.0 (line {line}, column {col})",
                crate::text::code_point(c)
            ),
        });
    }
    let root = parse_tree(&text).map_err(|message| DocumentError {
        session_id: scrape_session_id(&text),
        message,
    })?;
    let doc_err = |session_id: Option<String>, message: String| DocumentError {
        session_id,
        message,
    };
    if root.name != "BroadsoftDocument" {
        return Err(doc_err(
            None,
            format!(
                "root element must be BroadsoftDocument, not '{}'",
                root.name
            ),
        ));
    }
    let mut kids = root.children.iter();
    let session_id = session_id(kids.next()).map_err(|m| doc_err(None, m))?;
    let commands = match command_elements(&root, kids) {
        Ok(c) => c,
        Err(m) => return Err(doc_err(Some(session_id), m)),
    };
    // The envelope as R25 declares it (nillability of the root and its children, types of
    // sessionId and trackingId); the commands are checked one by one.
    if let Err((element, message)) = crate::xsd::check_document(&root) {
        return Err(doc_err(
            Some(session_id),
            format!("element '{element}': {message}"),
        ));
    }
    Ok(RequestDocument {
        session_id,
        commands: commands.into_iter().map(decode_command).collect(),
    })
}

/// The root's first child, which must be `sessionId` (text only, whitespace collapsed).
fn session_id(first: Option<&Elem>) -> Result<String, String> {
    match first {
        Some(e) if e.name == "sessionId" => {
            if !e.children.is_empty() {
                return Err("element 'sessionId': must be text only".into());
            }
            Ok(collapse(&e.text))
        }
        Some(e) => Err(format!("element '{}': sessionId expected first", e.name)),
        None => Err("element 'sessionId': missing".into()),
    }
}

/// Checks the rest of the envelope: `protocol="OCI"`, then after an optional trackingId the
/// `<command>` elements (1 to [`MAX_COMMANDS`]) and nothing else.
fn command_elements<'a>(
    root: &'a Elem,
    rest: impl Iterator<Item = &'a Elem>,
) -> Result<Vec<&'a Elem>, String> {
    match root.attr("protocol") {
        Some("OCI") => {}
        Some(p) => return Err(format!("attribute 'protocol': value '{p}' is not 'OCI'")),
        None => return Err("attribute 'protocol': missing on BroadsoftDocument".into()),
    }
    let mut kids = rest.peekable();
    if kids.peek().is_some_and(|e| e.name == "trackingId") {
        kids.next();
    }
    let mut commands = Vec::new();
    for e in kids {
        if e.name != "command" {
            return Err(format!(
                "element '{}': unexpected in BroadsoftDocument",
                e.name
            ));
        }
        commands.push(e);
    }
    if commands.is_empty() {
        return Err("element 'command': at least one is required".into());
    }
    if commands.len() > MAX_COMMANDS {
        return Err(format!(
            "element 'command': {} commands, at most {MAX_COMMANDS} are allowed in one document",
            commands.len()
        ));
    }
    Ok(commands)
}
