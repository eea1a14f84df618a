//! Client direction of the codec, part 2: response documents → typed [`Response`]s.
//!
//! The reader is lenient on purpose, because real servers differ in small ways: elements are
//! matched by local name (default or prefixed namespaces alike), `xsi:type` may carry a `c:`
//! prefix, unknown elements are skipped, tables are read by column heading, and the text is
//! decoded per the XML declaration.

use super::messages::{
    AgentRow, DepartmentKey, DepartmentRow, GroupListEntry, InstanceDetails, InstanceListEntry,
    LoginInfo, OciError, Response, UserRow, AGENT_COLUMNS,
};
use super::xml::{decode_document, DecodeError};
use crate::model::table::{self, Presence, Ty, Value, PROFILE};
use crate::model::{Field, HuntGroup};
use quick_xml::events::Event;
use quick_xml::Reader;
use std::borrow::Cow;
use std::sync::OnceLock;

mod services;

/// A decoded response document: the session it belongs to and one response per command.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseDocument {
    /// The `sessionId` the server echoed.
    pub session_id: String,
    /// The responses, in document order.
    pub responses: Vec<Response>,
}

/// Why a document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodecError {
    /// The bytes are not text in the declared encoding.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// Not well-formed XML.
    #[error("malformed XML: {0}")]
    Xml(String),
    /// Well-formed, but not a BroadsoftDocument.
    #[error("not a BroadsoftDocument (root element {0:?})")]
    NotADocument(String),
    /// A command whose `xsi:type` this client does not know.
    #[error("unexpected response type {0:?}")]
    UnknownType(String),
    /// A required element is missing.
    #[error("{parent}: missing <{element}>")]
    Missing {
        /// The missing element.
        element: String,
        /// Where it was expected.
        parent: String,
    },
    /// An element holds a value of the wrong kind.
    #[error("<{element}>: unexpected value {value:?}")]
    BadValue {
        /// The element.
        element: String,
        /// What it held.
        value: String,
    },
}

/// A parsed element: local name, the interesting attributes, text and children. Names and
/// text borrow from the document where they can (most do), which keeps decoding fast.
#[derive(Debug, Default)]
struct Element<'a> {
    name: Cow<'a, str>,
    /// `xsi:type` (or any prefixed `type`), without its namespace prefix.
    xsi_type: Option<String>,
    nil: bool,
    text: Cow<'a, str>,
    children: Vec<Element<'a>>,
}

impl<'a> Element<'a> {
    fn child(&self, name: &str) -> Option<&Element<'a>> {
        self.children.iter().find(|c| c.name == name)
    }
    fn children<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Element<'a>> + 's {
        self.children.iter().filter(move |c| c.name == name)
    }
    fn push_text(&mut self, t: Cow<'a, str>) {
        if self.text.is_empty() {
            self.text = t;
        } else {
            self.text.to_mut().push_str(&t);
        }
    }
    fn opt_text(&self, name: &str) -> Option<String> {
        self.child(name)
            .filter(|c| !c.nil)
            .map(|c| c.text.to_string())
    }
    fn req_text(&self, name: &str) -> Result<String, CodecError> {
        self.opt_text(name).ok_or_else(|| self.missing(name))
    }
    fn missing(&self, name: &str) -> CodecError {
        CodecError::Missing {
            element: name.to_string(),
            parent: self
                .xsi_type
                .clone()
                .unwrap_or_else(|| self.name.to_string()),
        }
    }
}

fn bad(element: &str, value: &str) -> CodecError {
    CodecError::BadValue {
        element: element.to_string(),
        value: value.to_string(),
    }
}

fn parse_bool(name: &str, t: &str) -> Result<bool, CodecError> {
    match t.trim() {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(bad(name, t)),
    }
}

fn local(name: &[u8]) -> &[u8] {
    match name.iter().rposition(|&b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

fn xml_err(e: impl std::fmt::Display) -> CodecError {
    CodecError::Xml(e.to_string())
}

/// Element names the decoder looks up besides the field table's, sorted.
const OTHER_NAMES: &[&str] = &[
    "BroadsoftDocument",
    "agentUserTable",
    "col",
    "colHeading",
    "command",
    "countryCode",
    "detail",
    "encoding",
    "errorCode",
    "huntGroupTable",
    "isEnterprise",
    "locale",
    "loginType",
    "nationalPrefix",
    "nonce",
    "passwordAlgorithm",
    "passwordExpiresDays",
    "resellerId",
    "row",
    "serviceInstanceProfile",
    "sessionId",
    "summary",
    "summaryEnglish",
    "timeZoneDisplayName",
    "tokenRevocationTime",
    "userDomain",
    "userId",
    "userTable",
];

/// Every element name the decoder looks up, sorted: matching names are not copied per element.
fn known_names() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut v: Vec<&'static str> = OTHER_NAMES.to_vec();
        v.extend(table::fields().map(|d| d.key()));
        v.sort_unstable();
        v.dedup();
        v
    })
}

fn start_element<'a>(e: &quick_xml::events::BytesStart<'_>) -> Result<Element<'a>, CodecError> {
    let mut el = Element::default();
    for a in e.attributes() {
        let a = a.map_err(xml_err)?;
        let key = a.key.as_ref();
        // Only prefixed attributes: the ErrorResponse also has a plain `type="Error"`.
        let Some(colon) = key.iter().position(|&b| b == b':') else {
            continue;
        };
        let (prefix, name) = (&key[..colon], &key[colon + 1..]);
        if prefix == b"xmlns" {
            continue;
        }
        match name {
            b"type" => {
                let v = a.unescape_value().map_err(xml_err)?;
                let v = v.rsplit(':').next().unwrap_or_default().to_string();
                el.xsi_type = Some(v);
            }
            b"nil" => {
                let v = a.unescape_value().map_err(xml_err)?;
                el.nil = matches!(v.trim(), "true" | "1");
            }
            _ => {}
        }
    }
    let qname = e.name();
    let name = local(qname.as_ref());
    el.name = match std::str::from_utf8(name) {
        Ok(n) => match known_names().binary_search(&n) {
            Ok(i) => Cow::Borrowed(known_names()[i]),
            Err(_) => Cow::Owned(n.to_string()),
        },
        Err(_) => Cow::Owned(String::from_utf8_lossy(name).into_owned()),
    };
    Ok(el)
}

/// Parses the text of a document into an element tree (the root element).
fn parse_tree(text: &str) -> Result<Element<'_>, CodecError> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::with_capacity(8);
    let mut root: Option<Element> = None;
    loop {
        match reader.read_event().map_err(xml_err)? {
            Event::Start(e) => stack.push(start_element(&e)?),
            Event::Empty(e) => {
                let el = start_element(&e)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::End(_) => {
                let el = stack
                    .pop()
                    .ok_or_else(|| CodecError::Xml("unbalanced end tag".into()))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.push_text(t.xml_content().map_err(xml_err)?);
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.push_text(t.decode().map_err(xml_err)?);
                }
            }
            Event::GeneralRef(r) => {
                if let Some(top) = stack.last_mut() {
                    if let Some(ch) = r.resolve_char_ref().map_err(xml_err)? {
                        top.text.to_mut().push(ch);
                    } else {
                        let name = r.decode().map_err(xml_err)?;
                        let resolved = quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| CodecError::Xml(format!("unknown entity &{name};")))?;
                        top.text.to_mut().push_str(resolved);
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(CodecError::Xml("document ends inside an element".into()));
    }
    root.ok_or_else(|| CodecError::Xml("no root element".into()))
}

/// Decodes a response document from its bytes (charset per the XML declaration).
pub fn decode_response_document(bytes: &[u8]) -> Result<ResponseDocument, CodecError> {
    let text = decode_document(bytes)?;
    decode_response_text(&text)
}

/// Decodes a response document that is already text (e.g. taken out of a SOAP envelope,
/// where the inner declaration no longer describes the bytes).
pub fn decode_response_text(text: &str) -> Result<ResponseDocument, CodecError> {
    let root = parse_tree(text)?;
    if root.name != "BroadsoftDocument" {
        return Err(CodecError::NotADocument(root.name.into_owned()));
    }
    let session_id = root.opt_text("sessionId").unwrap_or_default();
    let responses = root
        .children("command")
        .map(decode_command)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ResponseDocument {
        session_id,
        responses,
    })
}

fn decode_command(c: &Element<'_>) -> Result<Response, CodecError> {
    let ty = c.xsi_type.as_deref().unwrap_or_default();
    Ok(match ty {
        "SuccessResponse" => Response::Success,
        "ErrorResponse" => Response::Error(decode_error(c)?),
        "AuthenticationResponse" => Response::Authentication {
            user_id: c.req_text("userId")?,
            nonce: c.req_text("nonce")?,
            password_algorithm: c.opt_text("passwordAlgorithm").unwrap_or_default(),
        },
        "LoginResponse14sp4" => Response::Login14sp4(login_info(c)?),
        "LoginResponse22V5" => Response::Login22V5(login_info(c)?),
        "GroupHuntGroupGetInstanceListResponse" => Response::InstanceList(instance_list(c)?),
        "GroupHuntGroupGetInstanceResponse20" => Response::Instance(Box::new(instance(c)?)),
        "GroupGetListInServiceProviderResponse" => Response::GroupList(group_list(c)?),
        "GroupHuntGroupGetAvailableUserListResponse" => Response::AvailableUsers(user_table(c)?),
        "UserGetListInGroupResponse" => Response::UsersInGroup(user_table(c)?),
        "GroupDnGetAvailableListResponse" => Response::AvailableDns(
            c.children("phoneNumber")
                .map(|n| n.text.trim().to_string())
                .collect(),
        ),
        "GroupDepartmentGetListResponse18" => Response::DepartmentList(department_table(c)?),
        other => match services::decode_service(other, c) {
            Some(r) => Response::Service(Box::new(r?)),
            None => return Err(CodecError::UnknownType(other.to_string())),
        },
    })
}

/// The number in a leading `[Error NNNN]` (also `[Warning NNNN]`, `[Info NNNN]`).
pub fn parse_error_code(summary: &str) -> Option<u32> {
    let rest = summary.trim_start().strip_prefix('[')?;
    let close = rest.find(']')?;
    let inner = &rest[..close];
    let digits = inner.rsplit(' ').next()?;
    digits.trim().parse().ok()
}

fn decode_error(c: &Element<'_>) -> Result<OciError, CodecError> {
    let summary = c.opt_text("summary").unwrap_or_default();
    let summary_english = c
        .opt_text("summaryEnglish")
        .unwrap_or_else(|| summary.clone());
    let code = c
        .opt_text("errorCode")
        .and_then(|t| t.trim().parse().ok())
        .or_else(|| parse_error_code(&summary))
        .or_else(|| parse_error_code(&summary_english));
    Ok(OciError {
        code,
        summary,
        summary_english,
        detail: c.opt_text("detail"),
    })
}

fn login_info(c: &Element<'_>) -> Result<LoginInfo, CodecError> {
    Ok(LoginInfo {
        login_type: c.opt_text("loginType").unwrap_or_default(),
        locale: c.opt_text("locale").unwrap_or_default(),
        encoding: c.opt_text("encoding").unwrap_or_default(),
        is_enterprise: match c.opt_text("isEnterprise") {
            Some(t) => parse_bool("isEnterprise", &t)?,
            None => false,
        },
        password_expires_days: match c.opt_text("passwordExpiresDays") {
            Some(t) => Some(
                t.trim()
                    .parse()
                    .map_err(|_| bad("passwordExpiresDays", &t))?,
            ),
            None => None,
        },
        user_domain: c.opt_text("userDomain").unwrap_or_default(),
    })
}

/// An `OCITable`: headings and rows, cells looked up by heading.
struct Table<'a> {
    headings: Vec<&'a str>,
    rows: Vec<Vec<&'a str>>,
}

impl<'a> Table<'a> {
    fn read(el: &'a Element<'_>) -> Table<'a> {
        Table {
            headings: el.children("colHeading").map(|h| h.text.trim()).collect(),
            rows: el
                .children("row")
                .map(|r| r.children("col").map(|c| c.text.as_ref()).collect())
                .collect(),
        }
    }
    /// The index of a column, by exact heading, else ignoring case.
    fn column(&self, heading: &str) -> Option<usize> {
        self.headings
            .iter()
            .position(|h| *h == heading)
            .or_else(|| {
                self.headings
                    .iter()
                    .position(|h| h.eq_ignore_ascii_case(heading))
            })
    }
    /// A getter for one column: the cell text, or "" when the column or cell is missing.
    fn getter(&self, heading: &str) -> impl Fn(&[&'a str]) -> String {
        let i = self.column(heading);
        move |row: &[&'a str]| {
            i.and_then(|i| row.get(i))
                .map(|s| s.to_string())
                .unwrap_or_default()
        }
    }
}

fn instance_list(c: &Element<'_>) -> Result<Vec<InstanceListEntry>, CodecError> {
    let Some(t) = c.child("huntGroupTable") else {
        return Err(c.missing("huntGroupTable"));
    };
    let t = Table::read(t);
    if t.column("Service User Id").is_none() {
        return Err(c.missing("colHeading Service User Id"));
    }
    let (id, name, phone, ext, dept, active, policy) = (
        t.getter("Service User Id"),
        t.getter("Name"),
        t.getter("Phone Number"),
        t.getter("Extension"),
        t.getter("Department"),
        t.getter("Is Active"),
        t.getter("Policy"),
    );
    t.rows
        .iter()
        .map(|r| {
            let a = active(r);
            Ok(InstanceListEntry {
                service_user_id: id(r),
                name: name(r),
                phone_number: phone(r),
                extension: ext(r),
                department: dept(r),
                is_active: a.is_empty() || parse_bool("Is Active", &a)?,
                policy: policy(r),
            })
        })
        .collect()
}

fn group_list(c: &Element<'_>) -> Result<Vec<GroupListEntry>, CodecError> {
    let Some(t) = c.child("groupTable") else {
        return Err(c.missing("groupTable"));
    };
    let t = Table::read(t);
    if t.column("Group Id").is_none() {
        return Err(c.missing("colHeading Group Id"));
    }
    let (id, name, limit) = (
        t.getter("Group Id"),
        t.getter("Group Name"),
        t.getter("User Limit"),
    );
    Ok(t.rows
        .iter()
        .map(|r| GroupListEntry {
            group_id: id(r),
            group_name: name(r),
            user_limit: limit(r).trim().parse().ok(),
        })
        .collect())
}

/// The `userTable` of the available-user and user-in-group listings.
fn user_table(c: &Element<'_>) -> Result<Vec<UserRow>, CodecError> {
    user_table_in(c, "userTable")
}

/// A table of users named `name` (`userTable`, `agentUserTable`), read by column heading.
fn user_table_in(c: &Element<'_>, name: &str) -> Result<Vec<UserRow>, CodecError> {
    let Some(t) = c.child(name) else {
        return Err(c.missing(name));
    };
    let t = Table::read(t);
    if t.column("User Id").is_none() {
        return Err(c.missing("colHeading User Id"));
    }
    Ok(user_rows(&t))
}

/// The user columns of a table's rows (those a table lacks read empty), in row order.
fn user_rows(t: &Table<'_>) -> Vec<UserRow> {
    let (id, last, first, hl, hf, phone, ext, dept, email) = (
        t.getter("User Id"),
        t.getter("Last Name"),
        t.getter("First Name"),
        t.getter("Hiragana Last Name"),
        t.getter("Hiragana First Name"),
        t.getter("Phone Number"),
        t.getter("Extension"),
        t.getter("Department"),
        t.getter("Email Address"),
    );
    let (activated, trunk, cc, prefix) = (
        t.getter("Phone Number Activated"),
        t.getter("In Trunk Group"),
        t.getter("Country Code"),
        t.getter("National Prefix"),
    );
    t.rows
        .iter()
        .map(|r| UserRow {
            user_id: id(r),
            last_name: last(r),
            first_name: first(r),
            hiragana_last_name: hl(r),
            hiragana_first_name: hf(r),
            phone_number: phone(r),
            extension: ext(r),
            department: dept(r),
            email_address: email(r),
            phone_number_activated: activated(r),
            in_trunk_group: trunk(r),
            country_code: cc(r),
            national_prefix: prefix(r),
        })
        .collect()
}

/// The `departmentTable` of `GroupDepartmentGetListResponse18`.
fn department_table(c: &Element<'_>) -> Result<Vec<DepartmentRow>, CodecError> {
    let Some(t) = c.child("departmentTable") else {
        return Err(c.missing("departmentTable"));
    };
    let t = Table::read(t);
    if t.column("Department Name").is_none() {
        return Err(c.missing("colHeading Department Name"));
    }
    let (enterprise, name, full, clid_name, clid_phone) = (
        t.getter("Is Enterprise Department"),
        t.getter("Department Name"),
        t.getter("Full Path Name"),
        t.getter("Calling Line Id Name"),
        t.getter("Calling Line Id Phone Number"),
    );
    t.rows
        .iter()
        .map(|r| {
            let e = enterprise(r);
            Ok(DepartmentRow {
                // A server without the column lists group departments only.
                is_enterprise: !e.trim().is_empty() && parse_bool("Is Enterprise Department", &e)?,
                name: name(r),
                full_path_name: full(r),
                calling_line_id_name: clid_name(r),
                calling_line_id_phone_number: clid_phone(r),
            })
        })
        .collect()
}

fn agents(t: &Element<'_>) -> Result<Vec<AgentRow>, CodecError> {
    let t = Table::read(t);
    if t.column("User Id").is_none() {
        return Err(CodecError::Missing {
            element: "colHeading User Id".into(),
            parent: "agentUserTable".into(),
        });
    }
    let (id, last, first, hl, hf, weight, phone, ext, dept, email) = (
        t.getter("User Id"),
        t.getter("Last Name"),
        t.getter("First Name"),
        t.getter("Hiragana Last Name"),
        t.getter("Hiragana First Name"),
        t.getter("Weight"),
        t.getter("Phone Number"),
        t.getter("Extension"),
        t.getter("Department"),
        t.getter("Email Address"),
    );
    // The AS-mode columns (an XS or older server leaves them out: empty).
    let as_mode: Vec<_> = AGENT_COLUMNS[10..].iter().map(|h| t.getter(h)).collect();
    t.rows
        .iter()
        .map(|r| {
            let [activated, cc, prefix, dept_name, dept_type, parent, parent_type, group_id, group_name] =
                std::array::from_fn(|i| as_mode[i](r));
            let w = weight(r);
            let w = w.trim();
            Ok(AgentRow {
                user_id: id(r),
                last_name: last(r),
                first_name: first(r),
                hiragana_last_name: hl(r),
                hiragana_first_name: hf(r),
                weight: if w.is_empty() {
                    0
                } else {
                    w.parse().map_err(|_| bad("Weight", w))?
                },
                phone_number: phone(r),
                extension: ext(r),
                department: dept(r),
                email_address: email(r),
                is_phone_number_activated: activated,
                country_code: cc,
                national_prefix: prefix,
                department_name: dept_name,
                department_type: dept_type,
                parent_department: parent,
                parent_department_type: parent_type,
                group_id,
                group_name,
            })
        })
        .collect()
}

fn department_key(d: &Element<'_>) -> Result<DepartmentKey, CodecError> {
    Ok(DepartmentKey {
        service_provider_id: d.opt_text("serviceProviderId").unwrap_or_default(),
        // EnterpriseDepartmentKey has no groupId.
        group_id: d.opt_text("groupId"),
        name: d.req_text("name")?,
    })
}

/// Reads `GroupHuntGroupGetInstanceResponse20` by walking the field table: each setting is
/// looked up by its element name, in the profile or at the top level, in whatever order the
/// server wrote them.
fn instance(c: &Element<'_>) -> Result<InstanceDetails, CodecError> {
    let profile = c.child(PROFILE).ok_or_else(|| c.missing(PROFILE))?;
    let agent_rows = match c.child("agentUserTable") {
        Some(t) => agents(t)?,
        None => Vec::new(),
    };
    // Not `with_defaults`: its default names would be allocated only to be replaced, 10,000
    // times in a plan of 10,000 hunt groups.
    let mut h = HuntGroup::default();
    let wrong = |e: table::WrongType| bad(e.path, "");
    for d in table::settings() {
        let parent = if d.in_profile() { profile } else { c };
        let value = match d.ty {
            Ty::Password => continue,
            Ty::Aliases { .. } => Field::Value(Value::Aliases(
                parent
                    .children(d.key())
                    .map(|a| a.text.to_string())
                    .collect(),
            )),
            // The agents are the rows of agentUserTable, kept once, in `agents`.
            Ty::Agents => continue,
            Ty::Department => match parent.child(d.key()).filter(|e| !e.nil) {
                Some(e) => Field::Value(Value::Department(department_key(e)?.department())),
                None => Field::Absent,
            },
            _ => match parent.opt_text(d.key()) {
                Some(t) => Field::Value(d.parse_scalar(&t).map_err(|_| bad(d.key(), &t))?),
                None => match (d.presence, d.ty) {
                    (Presence::Optional, _) => Field::Absent,
                    // Booleans that AS data mode alone returns: BroadWorks' own defaults.
                    (_, Ty::Bool) => match d.default_value() {
                        Some(v) => Field::Value(v),
                        None => return Err(parent.missing(d.key())),
                    },
                    (_, Ty::Text { .. }) if d.key() != "name" => {
                        Field::Value(Value::Text(String::new()))
                    }
                    _ => return Err(parent.missing(d.key())),
                },
            },
        };
        d.set(&mut h, value).map_err(wrong)?;
    }
    Ok(InstanceDetails {
        hunt_group: h,
        agents: agent_rows,
        country_code: profile.opt_text("countryCode"),
        national_prefix: profile.opt_text("nationalPrefix"),
        time_zone_display_name: profile.opt_text("timeZoneDisplayName"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_names_are_sorted() {
        assert!(OTHER_NAMES.windows(2).all(|w| w[0] < w[1]));
        assert!(known_names().windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn error_codes() {
        assert_eq!(parse_error_code("[Error 4008] User not found"), Some(4008));
        assert_eq!(parse_error_code("[Warning 12] x"), Some(12));
        assert_eq!(parse_error_code("User not found"), None);
    }

    #[test]
    fn prefixed_root_unknown_elements_and_refs() {
        let doc = r#"<?xml version="1.0" encoding="UTF-8"?>
<c:BroadsoftDocument xmlns:c="C" protocol="OCI" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<sessionId>s&amp;1</sessionId>
<command xsi:type="c:ErrorResponse" type="Error"><futureThing>x</futureThing><errorCode>6004</errorCode>
<summary>[Error 1] A &lt;b&gt; &#12475;</summary><summaryEnglish>e</summaryEnglish><detail><![CDATA[<raw & stuff>]]></detail></command>
</c:BroadsoftDocument>"#;
        let d = decode_response_document(doc.as_bytes()).unwrap();
        assert_eq!(d.session_id, "s&1");
        let Response::Error(e) = &d.responses[0] else {
            panic!("not an error: {:?}", d.responses)
        };
        assert_eq!(e.code, Some(6004));
        assert_eq!(e.summary, "[Error 1] A <b> \u{30bb}");
        assert_eq!(e.detail.as_deref(), Some("<raw & stuff>"));
    }

    #[test]
    fn unknown_type_and_missing_fields_are_errors() {
        let doc = br#"<BroadsoftDocument xmlns:xsi="x"><sessionId>s</sessionId><command xsi:type="Nope"/></BroadsoftDocument>"#;
        assert_eq!(
            decode_response_document(doc),
            Err(CodecError::UnknownType("Nope".into()))
        );
        let doc = br#"<BroadsoftDocument xmlns:xsi="x"><command xsi:type="AuthenticationResponse"><userId>u</userId></command></BroadsoftDocument>"#;
        assert!(matches!(
            decode_response_document(doc),
            Err(CodecError::Missing { .. })
        ));
        assert!(matches!(
            decode_response_document(b"<a><b></a>"),
            Err(CodecError::Xml(_))
        ));
    }

    #[test]
    fn table_columns_by_heading_in_any_order() {
        let doc = br#"<BroadsoftDocument xmlns:xsi="x"><sessionId>s</sessionId>
<command xsi:type="GroupHuntGroupGetInstanceListResponse"><huntGroupTable>
<colHeading>Policy</colHeading><colHeading>Name</colHeading><colHeading>Service User Id</colHeading><colHeading>Is Active</colHeading>
<row><col>Circular</col><col/><col>hg@x</col><col>false</col></row></huntGroupTable></command></BroadsoftDocument>"#;
        let d = decode_response_document(doc).unwrap();
        let Response::InstanceList(rows) = &d.responses[0] else {
            panic!()
        };
        assert_eq!(rows[0].service_user_id, "hg@x");
        assert_eq!(rows[0].policy, "Circular");
        assert_eq!(rows[0].name, "");
        assert!(!rows[0].is_active);
    }
}
