//! Server direction of the codec: turns a received BroadsoftDocument into typed requests,
//! checking every command against the R25 schema's rules the way a BroadWorks server does.
//!
//! Reading is tolerant of envelope variations real clients produce (encoding, declaration,
//! whitespace, namespace prefixes) but strict about the commands themselves: element order,
//! required elements, simple-type lengths, ranges and enumerations, `xsi:nil` only where the
//! schema says nillable. A command that breaks a rule becomes a [`SchemaViolation`], which the
//! server answers with `[Error 6004] OCI XML Request validation error`; the other commands of
//! the document are still carried out.

use crate::codes::{self, oci_error};
use crate::messages::{
    AddInstance, Change, DepartmentKey, ModifyInstance, OciError, Request, Setting,
};
use crate::model::table::{self, Value};
use crate::model::{Agent, Field, HuntGroup, Policy, Secret};
use quick_xml::events::Event;

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

/// A command that breaks the schema: the server answers it with ErrorResponse 6004.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaViolation {
    /// The command's `xsi:type`, when it had one.
    pub command_type: Option<String>,
    /// Path of the offending element inside the command, e.g. `serviceInstanceProfile/name`.
    pub element: String,
    /// What is wrong.
    pub message: String,
}

impl SchemaViolation {
    /// The validator-style message that goes into the ErrorResponse detail.
    pub fn detail(&self) -> String {
        match &self.command_type {
            Some(t) => format!("{t}: element '{}': {}", self.element, self.message),
            None => format!("element '{}': {}", self.element, self.message),
        }
    }

    /// The ErrorResponse a BroadWorks server sends for it.
    pub fn to_oci_error(&self) -> OciError {
        validation_error(self.detail())
    }
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

/// `[Error 6004] OCI XML Request validation error` with a detail: BroadWorks' answer to a
/// document or command that breaks the schema.
pub fn validation_error(detail: String) -> OciError {
    oci_error(
        codes::SCHEMA_VIOLATION,
        "OCI XML Request validation error",
        Some(detail),
    )
}

// ---------------------------------------------------------------------------------------------
// A small element tree: enough for validation, with namespaces reduced to local names (clients
// differ in how they bind them, and the schema's element names are unique without them).

/// One element: local name, attributes by local name, children and text.
#[derive(Debug, Default, Clone)]
pub(crate) struct Elem {
    pub(crate) name: String,
    /// (prefix, local name, value)
    pub(crate) attrs: Vec<(Option<String>, String, String)>,
    pub(crate) children: Vec<Elem>,
    pub(crate) text: String,
}

impl Elem {
    /// A prefixed attribute (`xsi:type`, `xsi:nil`) by local name.
    fn xsi_attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(p, l, _)| p.is_some() && l == local)
            .map(|(_, _, v)| v.as_str())
    }
    /// An unprefixed attribute by name.
    pub(crate) fn attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(p, l, _)| p.is_none() && l == local)
            .map(|(_, _, v)| v.as_str())
    }
    /// The first descendant (depth first) with this local name.
    pub(crate) fn find(&self, name: &str) -> Option<&Elem> {
        for c in &self.children {
            if c.name == name {
                return Some(c);
            }
            if let Some(f) = c.find(name) {
                return Some(f);
            }
        }
        None
    }
}

fn split_qname(raw: &[u8]) -> (Option<String>, String) {
    let s = String::from_utf8_lossy(raw);
    match s.split_once(':') {
        Some((p, l)) => (Some(p.to_string()), l.to_string()),
        None => (None, s.into_owned()),
    }
}

/// Parses XML text into an element tree; errors are described for a 6004 detail.
pub(crate) fn parse_tree(text: &str) -> Result<Elem, String> {
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Elem> = Vec::new();
    let mut root: Option<Elem> = None;
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| format!("XML is not well-formed: {e}"))?;
        match ev {
            Event::Start(_) | Event::Empty(_) => {
                let (s, is_empty) = match ev {
                    Event::Start(s) => (s, false),
                    Event::Empty(s) => (s, true),
                    _ => continue,
                };
                if root.is_some() {
                    return Err("XML is not well-formed: content after the root element".into());
                }
                let (_, name) = split_qname(s.name().as_ref());
                let mut el = Elem {
                    name,
                    ..Default::default()
                };
                for a in s.attributes() {
                    let a = a.map_err(|e| format!("XML is not well-formed: {e}"))?;
                    let (p, l) = split_qname(a.key.as_ref());
                    if p.as_deref() == Some("xmlns") || (p.is_none() && l == "xmlns") {
                        continue;
                    }
                    let v = a
                        .unescape_value()
                        .map_err(|e| format!("XML is not well-formed: {e}"))?;
                    el.attrs.push((p, l, v.into_owned()));
                }
                if is_empty {
                    close_elem(el, &mut stack, &mut root);
                } else {
                    stack.push(el);
                }
            }
            Event::End(_) => {
                let el = stack
                    .pop()
                    .ok_or_else(|| "XML is not well-formed: unexpected end tag".to_string())?;
                close_elem(el, &mut stack, &mut root);
            }
            Event::Text(t) => {
                let s = t
                    .xml_content()
                    .map_err(|e| format!("XML is not well-formed: {e}"))?;
                push_text(&mut stack, &s)?;
            }
            Event::CData(t) => {
                let s = t
                    .decode()
                    .map_err(|e| format!("XML is not well-formed: {e}"))?;
                push_text(&mut stack, &s)?;
            }
            Event::GeneralRef(r) => {
                let ch = r
                    .resolve_char_ref()
                    .map_err(|e| format!("XML is not well-formed: {e}"))?;
                let s = match ch {
                    Some(c) => c.to_string(),
                    None => {
                        let name = r
                            .decode()
                            .map_err(|e| format!("XML is not well-formed: {e}"))?;
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| {
                                // Inside a password the "entity" is a piece of the secret.
                                match stack.last() {
                                    Some(el) if SECRET_ELEMENTS.contains(&el.name.as_str()) => {
                                        format!("XML is not well-formed: unknown entity in element '{}'", el.name)
                                    }
                                    _ => format!("XML is not well-formed: unknown entity &{name};"),
                                }
                            })?
                            .to_string()
                    }
                };
                push_text(&mut stack, &s)?;
            }
            Event::Eof => break,
            Event::DocType(_) => return Err("DOCTYPE is not allowed".into()),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err("XML is not well-formed: unexpected end of document".into());
    }
    root.ok_or_else(|| "XML is not well-formed: no root element".to_string())
}

fn close_elem(el: Elem, stack: &mut [Elem], root: &mut Option<Elem>) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(el),
        None => *root = Some(el),
    }
}

fn push_text(stack: &mut [Elem], s: &str) -> Result<(), String> {
    match stack.last_mut() {
        Some(el) => {
            el.text.push_str(s);
            Ok(())
        }
        None if s.trim().is_empty() => Ok(()),
        None => Err("XML is not well-formed: text outside the root element".into()),
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

// ---------------------------------------------------------------------------------------------

/// Decodes and validates a request document.
pub fn decode_request_document(bytes: &[u8]) -> Result<RequestDocument, DocumentError> {
    let text = crate::xml::decode_document(bytes).map_err(|e| DocumentError {
        session_id: None,
        message: e.to_string(),
    })?;
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
    let mut kids = root.children.iter().peekable();
    let session = match kids.next() {
        Some(e) if e.name == "sessionId" => {
            if !e.children.is_empty() {
                return Err(doc_err(
                    None,
                    "element 'sessionId': must be text only".into(),
                ));
            }
            collapse(&e.text)
        }
        Some(e) => {
            return Err(doc_err(
                None,
                format!("element '{}': sessionId expected first", e.name),
            ))
        }
        None => return Err(doc_err(None, "element 'sessionId': missing".into())),
    };
    match root.attr("protocol") {
        Some("OCI") => {}
        Some(p) => {
            return Err(doc_err(
                Some(session),
                format!("attribute 'protocol': value '{p}' is not 'OCI'"),
            ))
        }
        None => {
            return Err(doc_err(
                Some(session),
                "attribute 'protocol': missing on BroadsoftDocument".into(),
            ))
        }
    }
    if kids.peek().is_some_and(|e| e.name == "trackingId") {
        kids.next();
    }
    let mut commands = Vec::new();
    for e in kids {
        if e.name != "command" {
            return Err(doc_err(
                Some(session),
                format!("element '{}': unexpected in BroadsoftDocument", e.name),
            ));
        }
        commands.push(e);
    }
    if commands.is_empty() {
        return Err(doc_err(
            Some(session),
            "element 'command': at least one is required".into(),
        ));
    }
    if commands.len() > MAX_COMMANDS {
        return Err(doc_err(
            Some(session),
            format!(
                "element 'command': {} commands, at most {MAX_COMMANDS} are allowed in one document",
                commands.len()
            ),
        ));
    }
    let commands = commands.into_iter().map(decode_command).collect();
    Ok(RequestDocument {
        session_id: session,
        commands,
    })
}

/// Decodes one `<command>` element.
fn decode_command(e: &Elem) -> Result<Request, SchemaViolation> {
    let raw_type = e.xsi_attr("type").ok_or_else(|| SchemaViolation {
        command_type: None,
        element: "command".into(),
        message: "xsi:type is missing".into(),
    })?;
    let ty = raw_type.rsplit(':').next().unwrap_or(raw_type).trim();
    let v = |element: String, message: String| SchemaViolation {
        command_type: Some(ty.to_string()),
        element,
        message,
    };
    let r = match ty {
        "AuthenticationRequest" => decode_authentication(e),
        "LoginRequest14sp4" => decode_login14(e),
        "LoginRequest22V5" => decode_login22(e),
        "LogoutRequest" => decode_logout(e),
        "GroupHuntGroupGetInstanceListRequest" => decode_get_list(e),
        "GroupHuntGroupGetInstanceRequest20" => one_user_id(e).map(|id| Request::GetInstance {
            service_user_id: id,
        }),
        "GroupHuntGroupDeleteInstanceRequest" => one_user_id(e).map(|id| Request::DeleteInstance {
            service_user_id: id,
        }),
        "GroupHuntGroupAddInstanceRequest20" => decode_add(e),
        "GroupHuntGroupModifyInstanceRequest" => decode_modify(e),
        "GroupHuntGroupModifyInstanceWeightedCallDistributionRequest" => decode_weights(e),
        "GroupGetListInServiceProviderRequest" => decode_group_list(e),
        "GroupHuntGroupGetAvailableUserListRequest" => decode_available_users(e),
        "GroupDnGetAvailableListRequest" => decode_available_dns(e),
        "UserGetListInGroupRequest" => decode_users_in_group(e),
        "GroupHuntGroupModifyActiveInstanceListRequest" => decode_active_list(e),
        "GroupDepartmentGetListRequest18" => decode_department_list(e),
        other => {
            return Err(v(
                "command".into(),
                format!("Invalid xsi:type qname: '{other}' in element command"),
            ))
        }
    };
    r.map_err(|(element, message)| v(element, message))
}

/// (element path, message)
type V = (String, String);

/// Walks the children of a complex-type element in schema order.
struct Seq<'a> {
    path: String,
    kids: &'a [Elem],
    i: usize,
}

impl<'a> Seq<'a> {
    fn new(e: &'a Elem, path: &str) -> Result<Self, V> {
        if !e.text.trim().is_empty() {
            return Err((
                name_or(path, &e.name),
                "text is not allowed in element-only content".into(),
            ));
        }
        Ok(Seq {
            path: path.to_string(),
            kids: &e.children,
            i: 0,
        })
    }
    fn p(&self, name: &str) -> String {
        if self.path.is_empty() {
            name.to_string()
        } else {
            format!("{}/{name}", self.path)
        }
    }
    fn opt(&mut self, name: &str) -> Option<&'a Elem> {
        match self.kids.get(self.i) {
            Some(k) if k.name == name => {
                self.i += 1;
                Some(k)
            }
            _ => None,
        }
    }
    fn req(&mut self, name: &str) -> Result<&'a Elem, V> {
        match self.kids.get(self.i) {
            Some(k) if k.name == name => {
                self.i += 1;
                Ok(k)
            }
            Some(k) => Err((
                self.p(name),
                format!("missing (found '{}' where '{name}' is expected)", k.name),
            )),
            None => Err((self.p(name), "missing required element".into())),
        }
    }
    fn many(&mut self, name: &str, max: Option<usize>) -> Result<Vec<&'a Elem>, V> {
        let mut out = Vec::new();
        while let Some(k) = self.opt(name) {
            out.push(k);
        }
        if let Some(m) = max {
            if out.len() > m {
                return Err((
                    self.p(name),
                    format!("{} occurrences, at most {m} are allowed", out.len()),
                ));
            }
        }
        Ok(out)
    }
    fn end(self) -> Result<(), V> {
        match self.kids.get(self.i) {
            Some(k) => Err((
                self.p(&k.name),
                "unexpected element (not allowed here or out of order)".into(),
            )),
            None => Ok(()),
        }
    }
}

fn name_or(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        path.to_string()
    }
}

/// Collapses whitespace the way `xs:token` does.
fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// True when the element carries `xsi:nil="true"`; nil elements must be empty.
fn is_nil(e: &Elem, path: &str) -> Result<bool, V> {
    match e.xsi_attr("nil").map(str::trim) {
        Some("true") | Some("1") => {
            if !e.children.is_empty() || !e.text.trim().is_empty() {
                return Err((path.into(), "an element with xsi:nil must be empty".into()));
            }
            Ok(true)
        }
        Some("false") | Some("0") | None => Ok(false),
        Some(o) => Err((path.into(), format!("xsi:nil value '{o}' is not a boolean"))),
    }
}

fn not_nil(e: &Elem, path: &str) -> Result<(), V> {
    if is_nil(e, path)? {
        return Err((path.into(), "element is not nillable".into()));
    }
    Ok(())
}

fn simple_text<'a>(e: &'a Elem, path: &str) -> Result<&'a str, V> {
    not_nil(e, path)?;
    if !e.children.is_empty() {
        return Err((
            path.into(),
            format!(
                "child element '{}' not allowed in a simple value",
                e.children[0].name
            ),
        ));
    }
    Ok(&e.text)
}

/// Elements whose value is a secret: a validation message names them but never quotes them.
const SECRET_ELEMENTS: [&str; 3] = ["password", "plainTextPassword", "signedPassword"];

/// How a message quotes an element's value: `value 'x'`, or just `value` for a secret.
fn quoted(e: &Elem, s: &str) -> String {
    if SECRET_ELEMENTS.contains(&e.name.as_str()) {
        "value".to_string()
    } else {
        format!("value '{s}'")
    }
}

/// An `xs:token` restricted to `min..=max` characters.
fn token(e: &Elem, path: &str, min: usize, max: usize) -> Result<String, V> {
    let s = collapse(simple_text(e, path)?);
    let n = s.chars().count();
    if n < min {
        return Err((
            path.into(),
            format!("{} is shorter than the minimum length {min}", quoted(e, &s)),
        ));
    }
    if n > max {
        return Err((
            path.into(),
            format!(
                "{} is {n} characters, longer than the maximum length {max}",
                quoted(e, &s)
            ),
        ));
    }
    Ok(s)
}

/// An `xs:string` with at least `min` characters (kept as sent).
fn string(e: &Elem, path: &str, min: usize) -> Result<String, V> {
    let s = simple_text(e, path)?.to_string();
    if s.chars().count() < min {
        return Err((
            path.into(),
            format!("value is shorter than the minimum length {min}"),
        ));
    }
    Ok(s)
}

fn boolean(e: &Elem, path: &str) -> Result<bool, V> {
    match simple_text(e, path)?.trim() {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        o => Err((path.into(), format!("value '{o}' is not a valid boolean"))),
    }
}

fn int(e: &Elem, path: &str, min: i64, max: i64) -> Result<i64, V> {
    let s = simple_text(e, path)?.trim();
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    let n: i64 = if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
        s.parse()
            .map_err(|_| (path.to_string(), format!("value '{s}' is out of range")))?
    } else {
        return Err((path.into(), format!("value '{s}' is not a valid integer")));
    };
    if n < min {
        return Err((
            path.into(),
            format!("value '{n}' is less than the minimum {min}"),
        ));
    }
    if n > max {
        return Err((
            path.into(),
            format!("value '{n}' is greater than the maximum {max}"),
        ));
    }
    Ok(n)
}

fn policy(e: &Elem, path: &str) -> Result<Policy, V> {
    let s = collapse(simple_text(e, path)?);
    Policy::ALL
        .into_iter()
        .find(|p| p.as_str() == s)
        .ok_or_else(|| {
            (
                path.to_string(),
                format!(
                    "value '{s}' is not one of the enumeration Circular, Regular, Simultaneous, Uniform, Weighted"
                ),
            )
        })
}

// Simple types of the schema used here, as (min, max) character lengths.
const USER_ID: (usize, usize) = (1, 161);
const SP_ID: (usize, usize) = (1, 30);
const GROUP_ID: (usize, usize) = (1, 30);
const NAME30: (usize, usize) = (1, 30);
const DN: (usize, usize) = (1, 23);
const EXTENSION: (usize, usize) = (2, 20);
const PASSWORD: (usize, usize) = (1, 60);
const LANGUAGE: (usize, usize) = (1, 40);
const TIME_ZONE: (usize, usize) = (1, 127);
const SIP_URI: (usize, usize) = (1, 161);
const OUTGOING_DN: (usize, usize) = (1, 30);
const OUTGOING_DN_OR_URI: (usize, usize) = (1, 161);
const NCOS: (usize, usize) = (1, 40);
const DEPARTMENT_NAME: (usize, usize) = (1, 50);
const GROUP_NAME: (usize, usize) = (1, 80);

fn tok(s: &mut Seq<'_>, name: &str, (min, max): (usize, usize)) -> Result<String, V> {
    let e = s.req(name)?;
    token(e, &s.p(name), min, max)
}

fn opt_tok(s: &mut Seq<'_>, name: &str, (min, max): (usize, usize)) -> Result<Option<String>, V> {
    match s.opt(name) {
        Some(e) => token(e, &s.p(name), min, max).map(Some),
        None => Ok(None),
    }
}

fn req_bool(s: &mut Seq<'_>, name: &str) -> Result<bool, V> {
    let e = s.req(name)?;
    boolean(e, &s.p(name))
}

fn opt_int(s: &mut Seq<'_>, name: &str, min: i64, max: i64) -> Result<Option<u32>, V> {
    match s.opt(name) {
        Some(e) => int(e, &s.p(name), min, max).map(|n| Some(n as u32)),
        None => Ok(None),
    }
}

fn decode_authentication(e: &Elem) -> Result<Request, V> {
    let mut s = Seq::new(e, "")?;
    let user_id = tok(&mut s, "userId", USER_ID)?;
    s.end()?;
    Ok(Request::Authentication { user_id })
}

fn decode_login14(e: &Elem) -> Result<Request, V> {
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

fn decode_login22(e: &Elem) -> Result<Request, V> {
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

fn decode_logout(e: &Elem) -> Result<Request, V> {
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

fn decode_get_list(e: &Elem) -> Result<Request, V> {
    let mut s = Seq::new(e, "")?;
    let service_provider_id = tok(&mut s, "serviceProviderId", SP_ID)?;
    let group_id = tok(&mut s, "groupId", GROUP_ID)?;
    // Valid but not modelled: the sandbox lists every hunt group of the group.
    opt_tok(&mut s, "groupDepartmentName", DEPARTMENT_NAME)?;
    s.end()?;
    Ok(Request::GetInstanceList {
        service_provider_id,
        group_id,
    })
}

/// `GroupGetListInServiceProviderRequest`. The optional size limit and search criteria are
/// checked against the schema but not modelled: the sandbox lists every group of the provider.
fn decode_group_list(e: &Elem) -> Result<Request, V> {
    let mut s = Seq::new(e, "")?;
    let service_provider_id = tok(&mut s, "serviceProviderId", SP_ID)?;
    opt_int(&mut s, "responseSizeLimit", 1, i64::from(i32::MAX))?;
    for el in s.many("searchCriteriaGroupId", None)? {
        search_criteria(el, &s.p("searchCriteriaGroupId"), GROUP_ID)?;
    }
    for el in s.many("searchCriteriaGroupName", None)? {
        search_criteria(el, &s.p("searchCriteriaGroupName"), GROUP_NAME)?;
    }
    s.end()?;
    Ok(Request::GroupList {
        service_provider_id,
    })
}

/// A string `SearchCriteria*` element: mode, value (a token of `value_len`), isCaseInsensitive.
fn search_criteria(e: &Elem, path: &str, value_len: (usize, usize)) -> Result<(), V> {
    not_nil(e, path)?;
    let mut s = Seq::new(e, path)?;
    let mode_path = s.p("mode");
    let mode = collapse(simple_text(s.req("mode")?, &mode_path)?);
    const MODES: [&str; 3] = ["Starts With", "Contains", "Equal To"];
    if !MODES.contains(&mode.as_str()) {
        return Err((
            mode_path,
            format!(
                "value '{mode}' is not one of the enumeration {}",
                MODES.join(", ")
            ),
        ));
    }
    tok(&mut s, "value", value_len)?;
    req_bool(&mut s, "isCaseInsensitive")?;
    s.end()
}

// Value lengths of the search criteria the user listings accept.
const LAST_NAME: (usize, usize) = (1, 30);
const FIRST_NAME: (usize, usize) = (1, 30);
const EMAIL: (usize, usize) = (1, 80);
const EXTERNAL_ID: (usize, usize) = (1, 36);
const PERSON_ID: (usize, usize) = (1, 82);
const SEARCH_EXTENSION: (usize, usize) = (1, 20);

/// Every `name` element at this point of the sequence, each a string search criterion.
fn criteria(s: &mut Seq<'_>, name: &str, value_len: (usize, usize)) -> Result<(), V> {
    for el in s.many(name, None)? {
        search_criteria(el, &s.p(name), value_len)?;
    }
    Ok(())
}

/// An optional one-element search criterion holding a single required child.
fn exact_criterion(
    s: &mut Seq<'_>,
    name: &str,
    check: impl Fn(&mut Seq<'_>) -> Result<(), V>,
) -> Result<(), V> {
    if let Some(el) = s.opt(name) {
        let path = s.p(name);
        not_nil(el, &path)?;
        let mut inner = Seq::new(el, &path)?;
        check(&mut inner)?;
        inner.end()?;
    }
    Ok(())
}

fn exact_department(s: &mut Seq<'_>) -> Result<(), V> {
    let path = s.p("departmentKey");
    department(s.req("departmentKey")?, &path).map(|_| ())
}

/// `GroupHuntGroupGetAvailableUserListRequest`. The size limit and search criteria are checked
/// against the schema but not modelled: the sandbox lists every user of the group.
fn decode_available_users(e: &Elem) -> Result<Request, V> {
    let mut s = Seq::new(e, "")?;
    let service_provider_id = tok(&mut s, "serviceProviderId", SP_ID)?;
    let group_id = tok(&mut s, "groupId", GROUP_ID)?;
    opt_int(&mut s, "responseSizeLimit", 1, i64::from(i32::MAX))?;
    criteria(&mut s, "searchCriteriaUserLastName", LAST_NAME)?;
    criteria(&mut s, "searchCriteriaUserFirstName", FIRST_NAME)?;
    exact_criterion(
        &mut s,
        "searchCriteriaExactUserDepartment",
        exact_department,
    )?;
    exact_criterion(&mut s, "searchCriteriaExactUserGroup", |x| {
        tok(x, "serviceProviderId", SP_ID)?;
        tok(x, "groupId", GROUP_ID).map(|_| ())
    })?;
    criteria(&mut s, "searchCriteriaUserId", USER_ID)?;
    criteria(&mut s, "searchCriteriaDn", DN)?;
    criteria(&mut s, "searchCriteriaExtension", SEARCH_EXTENSION)?;
    s.end()?;
    Ok(Request::AvailableUsers {
        service_provider_id,
        group_id,
    })
}

/// `GroupDnGetAvailableListRequest`.
fn decode_available_dns(e: &Elem) -> Result<Request, V> {
    let mut s = Seq::new(e, "")?;
    let service_provider_id = tok(&mut s, "serviceProviderId", SP_ID)?;
    let group_id = tok(&mut s, "groupId", GROUP_ID)?;
    s.end()?;
    Ok(Request::AvailableDns {
        service_provider_id,
        group_id,
    })
}

/// `UserGetListInGroupRequest` (its group element is `GroupId` in R25). The size limit and
/// search criteria are checked against the schema but not modelled: every user is listed.
fn decode_users_in_group(e: &Elem) -> Result<Request, V> {
    let mut s = Seq::new(e, "")?;
    let service_provider_id = tok(&mut s, "serviceProviderId", SP_ID)?;
    let group_id = tok(&mut s, "GroupId", GROUP_ID)?;
    opt_int(&mut s, "responseSizeLimit", 1, i64::from(i32::MAX))?;
    criteria(&mut s, "searchCriteriaUserLastName", LAST_NAME)?;
    criteria(&mut s, "searchCriteriaUserFirstName", FIRST_NAME)?;
    criteria(&mut s, "searchCriteriaDn", DN)?;
    criteria(&mut s, "searchCriteriaEmailAddress", EMAIL)?;
    exact_criterion(
        &mut s,
        "searchCriteriaExactUserDepartment",
        exact_department,
    )?;
    exact_criterion(&mut s, "searchCriteriaExactUserInTrunkGroup", |x| {
        req_bool(x, "userInTrunkGroup").map(|_| ())
    })?;
    criteria(&mut s, "searchCriteriaUserId", USER_ID)?;
    for el in s.many("searchCriteriaUserExternalId", None)? {
        // SearchCriteriaUserExternalId has mode and value but no isCaseInsensitive.
        let path = s.p("searchCriteriaUserExternalId");
        not_nil(el, &path)?;
        let mut x = Seq::new(el, &path)?;
        search_mode(&mut x)?;
        tok(&mut x, "value", EXTERNAL_ID)?;
        x.end()?;
    }
    exact_criterion(&mut s, "searchCriteriaExactUserPersonId", |x| {
        tok(x, "userPersonId", PERSON_ID).map(|_| ())
    })?;
    criteria(&mut s, "searchCriteriaExtension", SEARCH_EXTENSION)?;
    s.end()?;
    Ok(Request::UsersInGroup {
        service_provider_id,
        group_id,
    })
}

fn search_mode(s: &mut Seq<'_>) -> Result<(), V> {
    let mode_path = s.p("mode");
    let mode = collapse(simple_text(s.req("mode")?, &mode_path)?);
    const MODES: [&str; 3] = ["Starts With", "Contains", "Equal To"];
    if !MODES.contains(&mode.as_str()) {
        return Err((
            mode_path,
            format!(
                "value '{mode}' is not one of the enumeration {}",
                MODES.join(", ")
            ),
        ));
    }
    Ok(())
}

fn one_user_id(e: &Elem) -> Result<String, V> {
    let mut s = Seq::new(e, "")?;
    let id = tok(&mut s, "serviceUserId", USER_ID)?;
    s.end()?;
    Ok(id)
}

fn department(e: &Elem, path: &str) -> Result<DepartmentKey, V> {
    let ty = e
        .xsi_attr("type")
        .map(|t| t.rsplit(':').next().unwrap_or(t));
    let enterprise = match ty {
        Some("GroupDepartmentKey") => false,
        Some("EnterpriseDepartmentKey") => true,
        Some(o) => {
            return Err((
                path.into(),
                format!("Invalid xsi:type qname: '{o}' for DepartmentKey"),
            ))
        }
        None => {
            return Err((
                path.into(),
                "DepartmentKey is abstract: xsi:type is required".into(),
            ))
        }
    };
    let mut s = Seq::new(e, path)?;
    let service_provider_id = tok(&mut s, "serviceProviderId", SP_ID)?;
    let group_id = if enterprise {
        None
    } else {
        Some(tok(&mut s, "groupId", GROUP_ID)?)
    };
    let name = tok(&mut s, "name", DEPARTMENT_NAME)?;
    s.end()?;
    Ok(DepartmentKey {
        service_provider_id,
        group_id,
        name,
    })
}

/// The simple or complex type of a hunt group element, as the sandbox reads R25.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rule {
    /// `xs:token` restricted to (min, max) characters.
    Token((usize, usize)),
    /// `xs:boolean`.
    Bool,
    /// `xs:int` in a range.
    Int(i64, i64),
    /// `HuntPolicy`.
    Policy,
    /// `Password` (a token whose value is never quoted).
    Password,
    /// `DepartmentKey`.
    Department,
    /// `SIPURI*` in Add and Get; `ReplacementSIPAliasList` (`sipAlias` items) in Modify.
    Aliases,
    /// `UserId*` in Add; `ReplacementUserIdList` (`userId` items) in Modify; `agentUserTable`
    /// in Get.
    Agents,
    /// Only in a Get reply, never stored from a request (countryCode, …).
    ReadOnly((usize, usize)),
}

/// How often an element occurs in one command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Occurs {
    /// Exactly once.
    One,
    /// At most once.
    Optional,
    /// At most once, and `xsi:nil` clears it (Modify only).
    Nillable,
    /// Not in this command.
    Never,
}

/// One element of a hunt group command's sequence: how Add20, Modify and GetResponse20 carry it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Element {
    /// The element name in Add and Get.
    pub name: &'static str,
    /// The element name in Modify when it differs.
    pub modify_name: Option<&'static str>,
    /// The type.
    pub rule: Rule,
    /// In `GroupHuntGroupAddInstanceRequest20` / `ServiceInstanceAddProfile`.
    pub add: Occurs,
    /// In `GroupHuntGroupModifyInstanceRequest` / `ServiceInstanceModifyProfile`.
    pub modify: Occurs,
    /// In `GroupHuntGroupGetInstanceResponse20` / `ServiceInstanceReadProfile19sp1`.
    pub get: Occurs,
}

const fn el(name: &'static str, rule: Rule, add: Occurs, modify: Occurs, get: Occurs) -> Element {
    Element {
        name,
        modify_name: None,
        rule,
        add,
        modify,
        get,
    }
}

use Occurs::{Never, Nillable, One, Optional};

/// The sandbox's own reading of `ServiceInstanceAddProfile`, `ServiceInstanceModifyProfile` and
/// `ServiceInstanceReadProfile19sp1` (R25 `OCISchemaDataTypes.xsd`), kept apart from the
/// client's field table on purpose: the sandbox is a second opinion on the schema.
pub(crate) const PROFILE_ELEMENTS: &[Element] = &[
    el("name", Rule::Token(NAME30), One, Optional, One),
    el(
        "callingLineIdLastName",
        Rule::Token(NAME30),
        One,
        Optional,
        One,
    ),
    el(
        "callingLineIdFirstName",
        Rule::Token(NAME30),
        One,
        Optional,
        One,
    ),
    el(
        "hiraganaLastName",
        Rule::Token(NAME30),
        Optional,
        Optional,
        Optional,
    ),
    el(
        "hiraganaFirstName",
        Rule::Token(NAME30),
        Optional,
        Optional,
        Optional,
    ),
    el("phoneNumber", Rule::Token(DN), Optional, Nillable, Optional),
    el(
        "extension",
        Rule::Token(EXTENSION),
        Optional,
        Nillable,
        Optional,
    ),
    el(
        "countryCode",
        Rule::ReadOnly((1, 3)),
        Never,
        Never,
        Optional,
    ),
    el(
        "nationalPrefix",
        Rule::ReadOnly((1, 2)),
        Never,
        Never,
        Optional,
    ),
    el("password", Rule::Password, Optional, Optional, Never),
    el("department", Rule::Department, Optional, Nillable, Optional),
    el(
        "language",
        Rule::Token(LANGUAGE),
        Optional,
        Optional,
        Optional,
    ),
    el(
        "timeZone",
        Rule::Token(TIME_ZONE),
        Optional,
        Optional,
        Optional,
    ),
    el(
        "timeZoneDisplayName",
        Rule::ReadOnly((1, 127)),
        Never,
        Never,
        Optional,
    ),
    Element {
        modify_name: Some("sipAliasList"),
        ..el("alias", Rule::Aliases, Optional, Nillable, Optional)
    },
    el(
        "publicUserIdentity",
        Rule::Token(SIP_URI),
        Optional,
        Nillable,
        Optional,
    ),
    el(
        "callingLineIdPhoneNumber",
        Rule::Token(DN),
        Optional,
        Nillable,
        Optional,
    ),
];

/// The sandbox's own reading of the hunt group commands' sequences after the profile
/// (R25 `OCISchemaServiceHuntGroup.xsd`).
pub(crate) const INSTANCE_ELEMENTS: &[Element] = &[
    el("policy", Rule::Policy, One, Optional, One),
    el("huntAfterNoAnswer", Rule::Bool, One, Optional, One),
    el(
        "noAnswerNumberOfRings",
        Rule::Int(1, 20),
        One,
        Optional,
        One,
    ),
    el("forwardAfterTimeout", Rule::Bool, One, Optional, One),
    el(
        "forwardTimeoutSeconds",
        Rule::Int(0, 7200),
        One,
        Optional,
        One,
    ),
    el(
        "forwardToPhoneNumber",
        Rule::Token(OUTGOING_DN),
        Optional,
        Nillable,
        Optional,
    ),
    Element {
        modify_name: Some("agentUserIdList"),
        ..el("agentUserId", Rule::Agents, Optional, Nillable, One)
    },
    el("allowCallWaitingForAgents", Rule::Bool, One, Optional, One),
    el(
        "useSystemHuntGroupCLIDSetting",
        Rule::Bool,
        One,
        Optional,
        One,
    ),
    el("includeHuntGroupNameInCLID", Rule::Bool, One, Optional, One),
    el(
        "enableNotReachableForwarding",
        Rule::Bool,
        One,
        Optional,
        One,
    ),
    el(
        "notReachableForwardToPhoneNumber",
        Rule::Token(OUTGOING_DN_OR_URI),
        Optional,
        Nillable,
        Optional,
    ),
    el("makeBusyWhenNotReachable", Rule::Bool, One, Optional, One),
    el(
        "allowMembersToControlGroupBusy",
        Rule::Bool,
        One,
        Optional,
        One,
    ),
    el("enableGroupBusy", Rule::Bool, One, Optional, One),
    el(
        "applyGroupBusyWhenTerminatingToAgent",
        Rule::Bool,
        One,
        Optional,
        One,
    ),
    el(
        "networkClassOfService",
        Rule::Token(NCOS),
        Optional,
        Optional,
        Optional,
    ),
];

/// The model's row for an element the sandbox read: its storage comes from the model.
fn row(el: &Element, in_profile: bool, path: &str) -> Result<&'static table::FieldDef, V> {
    table::by_element(el.name, in_profile).ok_or_else(|| {
        (
            path.to_string(),
            "this element is not kept by the sandbox".into(),
        )
    })
}

/// Reads one element's value by the sandbox's rule; `key` receives a department key as sent.
fn read_value(
    s: &mut Seq<'_>,
    el: &Element,
    name: &str,
    modify: bool,
    key: &mut Option<DepartmentKey>,
) -> Result<Option<Change<Value>>, V> {
    let path = s.p(name);
    match el.rule {
        Rule::Aliases if !modify => {
            let mut v = Vec::new();
            for a in s.many(name, Some(3))? {
                v.push(token(a, &path, SIP_URI.0, SIP_URI.1)?);
            }
            return Ok(Some(Change::Set(Value::Aliases(v))));
        }
        Rule::Agents if !modify => {
            let mut v = Vec::new();
            for a in s.many(name, None)? {
                v.push(Agent::new(token(a, &path, USER_ID.0, USER_ID.1)?));
            }
            return Ok(Some(Change::Set(Value::Agents(v))));
        }
        _ => {}
    }
    let e = if !modify && el.add == One {
        s.req(name)?
    } else {
        match s.opt(name) {
            Some(e) => e,
            None => return Ok(None),
        }
    };
    let nillable = if modify { el.modify } else { el.add } == Nillable;
    if nillable && is_nil(e, &path)? {
        return Ok(Some(Change::Clear));
    }
    not_nil(e, &path)?;
    let v = match el.rule {
        Rule::Token((min, max)) | Rule::ReadOnly((min, max)) => {
            Value::Text(token(e, &path, min, max)?)
        }
        Rule::Password => Value::Password(Secret::new(token(e, &path, PASSWORD.0, PASSWORD.1)?)),
        Rule::Bool => Value::Bool(boolean(e, &path)?),
        Rule::Int(min, max) => Value::Int(int(e, &path, min, max)? as u32),
        Rule::Policy => Value::Policy(policy(e, &path)?),
        Rule::Department => {
            let k = department(e, &path)?;
            let d = k.department();
            *key = Some(k);
            Value::Department(d)
        }
        Rule::Aliases | Rule::Agents => {
            let (item, (min, max), most) = match el.rule {
                Rule::Aliases => ("sipAlias", SIP_URI, Some(3)),
                _ => ("userId", USER_ID, None),
            };
            let mut ls = Seq::new(e, &path)?;
            let items = ls.many(item, most)?;
            if items.is_empty() {
                return Err((format!("{path}/{item}"), "missing required element".into()));
            }
            let mut v = Vec::new();
            for a in items {
                v.push(token(a, &format!("{path}/{item}"), min, max)?);
            }
            ls.end()?;
            match el.rule {
                Rule::Aliases => Value::Aliases(v),
                _ => Value::Agents(v.into_iter().map(Agent::new).collect()),
            }
        }
    };
    Ok(Some(Change::Set(v)))
}

/// Walks one sequence (the profile's or the instance's) of an Add or a Modify.
fn read_sequence(
    s: &mut Seq<'_>,
    elements: &[Element],
    in_profile: bool,
    modify: bool,
    key: &mut Option<DepartmentKey>,
    out: &mut Vec<(&'static table::FieldDef, Change<Value>)>,
) -> Result<(), V> {
    for el in elements {
        let occurs = if modify { el.modify } else { el.add };
        if occurs == Never {
            continue;
        }
        let name = if modify {
            el.modify_name.unwrap_or(el.name)
        } else {
            el.name
        };
        if let Some(c) = read_value(s, el, name, modify, key)? {
            out.push((row(el, in_profile, &s.p(name))?, c));
        }
    }
    Ok(())
}

fn decode_add(e: &Elem) -> Result<Request, V> {
    let mut s = Seq::new(e, "")?;
    let service_provider_id = tok(&mut s, "serviceProviderId", SP_ID)?;
    let group_id = tok(&mut s, "groupId", GROUP_ID)?;
    let service_user_id = tok(&mut s, "serviceUserId", USER_ID)?;
    let mut read = Vec::new();
    let mut department_key = None;
    {
        let path = "serviceInstanceProfile";
        let p = s.req(path)?;
        not_nil(p, path)?;
        let mut ps = Seq::new(p, path)?;
        read_sequence(
            &mut ps,
            PROFILE_ELEMENTS,
            true,
            false,
            &mut department_key,
            &mut read,
        )?;
        ps.end()?;
    }
    read_sequence(
        &mut s,
        INSTANCE_ELEMENTS,
        false,
        false,
        &mut department_key,
        &mut read,
    )?;
    s.end()?;
    // Optional elements left out are absent on the server, not "unchanged".
    let mut h = HuntGroup::with_defaults(service_provider_id, group_id, service_user_id);
    for d in table::settings() {
        let _ = d.set(&mut h, Field::Absent);
    }
    for (d, c) in read {
        if let Change::Set(v) = c {
            d.set(&mut h, Field::Value(v))
                .map_err(|e| (d.key().to_string(), e.to_string()))?;
        }
    }
    Ok(Request::AddInstance(Box::new(AddInstance {
        hunt_group: h,
        department_key,
    })))
}

fn decode_modify(e: &Elem) -> Result<Request, V> {
    let mut s = Seq::new(e, "")?;
    let service_user_id = tok(&mut s, "serviceUserId", USER_ID)?;
    let mut read = Vec::new();
    let mut department_key = None;
    if let Some(p) = s.opt("serviceInstanceProfile") {
        let path = "serviceInstanceProfile";
        not_nil(p, path)?;
        let mut ps = Seq::new(p, path)?;
        read_sequence(
            &mut ps,
            PROFILE_ELEMENTS,
            true,
            true,
            &mut department_key,
            &mut read,
        )?;
        ps.end()?;
    }
    read_sequence(
        &mut s,
        INSTANCE_ELEMENTS,
        false,
        true,
        &mut department_key,
        &mut read,
    )?;
    s.end()?;
    Ok(Request::ModifyInstance(Box::new(ModifyInstance {
        service_user_id,
        settings: read
            .into_iter()
            .map(|(field, change)| Setting { field, change })
            .collect(),
        department_key,
        ..ModifyInstance::default()
    })))
}

fn decode_weights(e: &Elem) -> Result<Request, V> {
    let mut s = Seq::new(e, "")?;
    let service_user_id = tok(&mut s, "serviceUserId", USER_ID)?;
    let mut weights = Vec::new();
    for w in s.many("agentWeight", None)? {
        not_nil(w, "agentWeight")?;
        let mut ws = Seq::new(w, "agentWeight")?;
        let id = tok(&mut ws, "agentUserId", USER_ID)?;
        let we = ws.req("weight")?;
        let n = int(we, "agentWeight/weight", 0, 100)?;
        ws.end()?;
        weights.push((id, n as u8));
    }
    s.end()?;
    Ok(Request::ModifyWeights {
        service_user_id,
        weights,
    })
}

/// `GroupHuntGroupModifyActiveInstanceListRequest`: `serviceActivation*`, each a
/// `ServiceActivation` (serviceUserId, isActive), none of them nillable.
fn decode_active_list(e: &Elem) -> Result<Request, V> {
    let mut s = Seq::new(e, "")?;
    let mut activations = Vec::new();
    for a in s.many("serviceActivation", None)? {
        let path = s.p("serviceActivation");
        not_nil(a, &path)?;
        let mut x = Seq::new(a, &path)?;
        let id = tok(&mut x, "serviceUserId", USER_ID)?;
        let active = req_bool(&mut x, "isActive")?;
        x.end()?;
        activations.push((id, active));
    }
    s.end()?;
    Ok(Request::ModifyActiveList { activations })
}

/// `GroupDepartmentGetListRequest18`.
fn decode_department_list(e: &Elem) -> Result<Request, V> {
    let mut s = Seq::new(e, "")?;
    let service_provider_id = tok(&mut s, "serviceProviderId", SP_ID)?;
    let group_id = tok(&mut s, "groupId", GROUP_ID)?;
    let include_enterprise = req_bool(&mut s, "includeEnterpriseDepartments")?;
    s.end()?;
    Ok(Request::DepartmentList {
        service_provider_id,
        group_id,
        include_enterprise,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(cmds: &str) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><BroadsoftDocument protocol=\"OCI\" xmlns=\"C\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><sessionId xmlns=\"\">s1</sessionId>{cmds}</BroadsoftDocument>"
        )
    }

    #[test]
    fn decodes_samples() {
        for f in [
            "hg-add.xml",
            "hg-add.prefixed.xml",
            "hg-get.xml",
            "hg-modify.xml",
            "login-flow.xml",
            "login.xml",
        ] {
            let p = format!(
                "{}/../../tests/fixtures/ocip/samples/{f}",
                env!("CARGO_MANIFEST_DIR")
            );
            let bytes = std::fs::read(&p).unwrap();
            let d = decode_request_document(&bytes).unwrap();
            for c in &d.commands {
                assert!(c.is_ok(), "{f}: {c:?}");
            }
        }
    }

    #[test]
    fn password_values_are_never_quoted() {
        let long = "Secret".repeat(11);
        for (ty, body) in [
            (
                "LoginRequest22V5",
                format!("<userId>a</userId><password>{long}</password>"),
            ),
            (
                "LoginRequest14sp4",
                format!("<userId>a</userId><plainTextPassword>{long}</plainTextPassword>"),
            ),
            (
                "LoginRequest14sp4",
                "<userId>a</userId><plainTextPassword>  </plainTextPassword>".into(),
            ),
        ] {
            let d = doc(&format!(
                "<command xsi:type=\"{ty}\" xmlns=\"\">{body}</command>"
            ));
            let r = decode_request_document(d.as_bytes()).unwrap();
            let detail = r.commands[0].as_ref().unwrap_err().detail();
            assert!(detail.contains("assword'"), "names the element: {detail}");
            assert!(
                !detail.contains("Secret") && !detail.contains("'  '"),
                "{detail}"
            );
        }
        // An unescaped & inside a password: the "entity" is a piece of the secret.
        let d = doc("<command xsi:type=\"LoginRequest22V5\" xmlns=\"\"><userId>a</userId><password>ab&cSecret;d</password></command>");
        let e = decode_request_document(d.as_bytes()).unwrap_err();
        assert!(e.message.contains("'password'"), "{}", e.message);
        assert!(!e.message.contains("Secret"), "{}", e.message);
        // Elsewhere the entity is named, to help.
        let d = doc(
            "<command xsi:type=\"LoginRequest22V5\" xmlns=\"\"><userId>a&bogus;</userId></command>",
        );
        let e = decode_request_document(d.as_bytes()).unwrap_err();
        assert!(e.message.contains("&bogus;"), "{}", e.message);
    }

    #[test]
    fn ring_range_names_element() {
        let d = doc("<command xsi:type=\"GroupHuntGroupModifyInstanceRequest\" xmlns=\"\"><serviceUserId>a@b</serviceUserId><noAnswerNumberOfRings>21</noAnswerNumberOfRings></command>");
        let r = decode_request_document(d.as_bytes()).unwrap();
        let v = r.commands[0].as_ref().unwrap_err();
        assert_eq!(v.element, "noAnswerNumberOfRings");
        assert!(v.detail().contains("maximum 20"), "{}", v.detail());
    }

    #[test]
    fn nil_only_where_nillable() {
        let d = doc("<command xsi:type=\"GroupHuntGroupModifyInstanceRequest\" xmlns=\"\"><serviceUserId>a@b</serviceUserId><policy xsi:nil=\"true\"/></command>");
        let r = decode_request_document(d.as_bytes()).unwrap();
        assert!(r.commands[0]
            .as_ref()
            .unwrap_err()
            .message
            .contains("nillable"));
        let d = doc("<command xsi:type=\"GroupHuntGroupModifyInstanceRequest\" xmlns=\"\"><serviceUserId>a@b</serviceUserId><forwardToPhoneNumber xsi:nil=\"true\"/><agentUserIdList xsi:nil=\"true\"/></command>");
        let r = decode_request_document(d.as_bytes()).unwrap();
        match r.commands[0].as_ref().unwrap() {
            Request::ModifyInstance(m) => {
                let changes: Vec<(&str, &Change<Value>)> = m
                    .settings
                    .iter()
                    .map(|s| (s.field.path, &s.change))
                    .collect();
                assert_eq!(
                    changes,
                    [
                        ("forwardToPhoneNumber", &Change::Clear),
                        ("agentUserId", &Change::Clear)
                    ]
                );
            }
            o => panic!("{o:?}"),
        }
    }

    #[test]
    fn order_and_unknown_type() {
        let d = doc("<command xsi:type=\"GroupHuntGroupGetInstanceListRequest\" xmlns=\"\"><groupId>g</groupId><serviceProviderId>s</serviceProviderId></command><command xsi:type=\"Bogus\" xmlns=\"\"/>");
        let r = decode_request_document(d.as_bytes()).unwrap();
        assert_eq!(
            r.commands[0].as_ref().unwrap_err().element,
            "serviceProviderId"
        );
        assert!(r.commands[1]
            .as_ref()
            .unwrap_err()
            .message
            .contains("Bogus"));
    }

    #[test]
    fn malformed_and_too_many() {
        let e = decode_request_document(
            b"<BroadsoftDocument protocol=\"OCI\"><sessionId>x</sessionId><command>",
        )
        .unwrap_err();
        assert_eq!(e.session_id.as_deref(), Some("x"));
        let many = "<command xsi:type=\"GroupHuntGroupGetInstanceRequest20\" xmlns=\"\"><serviceUserId>a@b</serviceUserId></command>".repeat(16);
        let e = decode_request_document(doc(&many).as_bytes()).unwrap_err();
        assert!(e.message.contains("at most 15"));
    }

    #[test]
    fn entities_and_latin1() {
        let mut bytes = doc("<command xsi:type=\"AuthenticationRequest\" xmlns=\"\"><userId>caf\u{e9}&amp;&#12475;</userId></command>").into_bytes();
        // re-encode é as a single Latin-1 byte
        let s = String::from_utf8(bytes.clone()).unwrap();
        bytes = s.chars().map(|c| c as u32 as u8).collect();
        let r = decode_request_document(&bytes).unwrap();
        match r.commands[0].as_ref().unwrap() {
            Request::Authentication { user_id } => assert_eq!(user_id, "caf\u{e9}&\u{30bb}"),
            o => panic!("{o:?}"),
        }
    }
}
