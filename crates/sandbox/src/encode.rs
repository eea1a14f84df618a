//! Server direction of the codec: encodes responses in the shape BroadWorks sends them
//! (see `samples/captured-*.xml`): data responses unprefixed, Success/Error with the `c:` prefix.

use crate::decode::elements::{Element, Occurs, Rule, INSTANCE_ELEMENTS, PROFILE_ELEMENTS};
use crate::messages::{DepartmentKey, InstanceDetails, LoginInfo, OciError, Response};
use crate::model::table::{self, ValueRef};
use crate::model::Field;
use crate::xml::{write_document, XmlOut};

/// Encodes one response as a complete `<command …>…</command>` element.
pub fn encode_response(r: &Response) -> String {
    let mut x = XmlOut::new();
    match r {
        Response::Success => {
            x.raw("<command echo=\"\" xsi:type=\"c:SuccessResponse\" xmlns:c=\"C\" xmlns=\"\"/>");
        }
        Response::Error(e) => encode_error(&mut x, e),
        Response::Authentication {
            user_id,
            nonce,
            password_algorithm,
        } => {
            open_data(&mut x, r.type_name());
            x.text("userId", user_id)
                .text("nonce", nonce)
                .text("passwordAlgorithm", password_algorithm)
                .close("command");
        }
        Response::Login14sp4(info) => {
            open_data(&mut x, r.type_name());
            login_info(&mut x, info, true);
            x.close("command");
        }
        Response::Login22V5(info) => {
            open_data(&mut x, r.type_name());
            login_info(&mut x, info, false);
            x.close("command");
        }
        Response::InstanceList(rows) => {
            open_data(&mut x, r.type_name());
            x.open("huntGroupTable");
            for h in [
                "Service User Id",
                "Name",
                "Phone Number",
                "Extension",
                "Department",
                "Is Active",
                "Policy",
            ] {
                x.text("colHeading", h);
            }
            for row in rows {
                x.open("row");
                for c in [
                    row.service_user_id.as_str(),
                    &row.name,
                    &row.phone_number,
                    &row.extension,
                    &row.department,
                    if row.is_active { "true" } else { "false" },
                    &row.policy,
                ] {
                    col(&mut x, c);
                }
                x.close("row");
            }
            x.close("huntGroupTable").close("command");
        }
        Response::Instance(d) => {
            open_data(&mut x, r.type_name());
            instance(&mut x, d);
            x.close("command");
        }
        Response::GroupList(rows) => {
            open_data(&mut x, r.type_name());
            x.open("groupTable");
            for h in ["Group Id", "Group Name", "User Limit"] {
                x.text("colHeading", h);
            }
            for row in rows {
                x.open("row");
                col(&mut x, &row.group_id);
                col(&mut x, &row.group_name);
                col(
                    &mut x,
                    &row.user_limit.map(|n| n.to_string()).unwrap_or_default(),
                );
                x.close("row");
            }
            x.close("groupTable").close("command");
        }
        Response::AvailableUsers(rows) => {
            open_data(&mut x, r.type_name());
            user_table(&mut x, "userTable", rows, AVAILABLE_USER_COLUMNS);
            x.close("command");
        }
        Response::UsersInGroup(rows) => {
            open_data(&mut x, r.type_name());
            user_table(&mut x, "userTable", rows, USER_LIST_COLUMNS);
            x.close("command");
        }
        Response::AvailableDns(numbers) => {
            open_data(&mut x, r.type_name());
            for n in numbers {
                x.text("phoneNumber", n);
            }
            x.close("command");
        }
        Response::DepartmentList(rows) => {
            open_data(&mut x, r.type_name());
            department_table(&mut x, rows);
            x.close("command");
        }
        Response::Service(s) => crate::services::encode::encode(&mut x, s),
    }
    x.into_string()
}

/// The column headings of `GroupHuntGroupGetAvailableUserListResponse`, as R25 documents them.
pub const AVAILABLE_USER_COLUMNS: &[&str] = &[
    "User Id",
    "Last Name",
    "First Name",
    "Hiragana Last Name",
    "Hiragana First Name",
    "Phone Number",
    "Extension",
    "Department",
    "Email Address",
];

/// The column headings of `UserGetListInGroupResponse`, as R25 documents them (AS data mode,
/// so "Country Code" and "National Prefix" are included).
pub const USER_LIST_COLUMNS: &[&str] = &[
    "User Id",
    "Last Name",
    "First Name",
    "Department",
    "Phone Number",
    "Phone Number Activated",
    "Email Address",
    "Hiragana Last Name",
    "Hiragana First Name",
    "In Trunk Group",
    "Extension",
    "Country Code",
    "National Prefix",
];

/// A table of users named `table` (`userTable`, `agentUserTable`) with these columns.
pub(crate) fn user_table(
    x: &mut XmlOut,
    table: &str,
    rows: &[crate::messages::UserRow],
    headings: &[&str],
) {
    x.open(table);
    for h in headings {
        x.text("colHeading", h);
    }
    for row in rows {
        x.open("row");
        for h in headings {
            let v = match *h {
                "User Id" => &row.user_id,
                "Last Name" => &row.last_name,
                "First Name" => &row.first_name,
                "Hiragana Last Name" => &row.hiragana_last_name,
                "Hiragana First Name" => &row.hiragana_first_name,
                "Phone Number" => &row.phone_number,
                "Extension" => &row.extension,
                "Department" => &row.department,
                "Email Address" => &row.email_address,
                "Phone Number Activated" => &row.phone_number_activated,
                "In Trunk Group" => &row.in_trunk_group,
                "Country Code" => &row.country_code,
                "National Prefix" => &row.national_prefix,
                _ => "",
            };
            col(x, v);
        }
        x.close("row");
    }
    x.close(table);
}

/// The column headings of `GroupDepartmentGetListResponse18`, as R25 documents them.
pub const DEPARTMENT_COLUMNS: &[&str] = &[
    "Is Enterprise Department",
    "Department Name",
    "Full Path Name",
    "Calling Line Id Name",
    "Calling Line Id Phone Number",
];

fn department_table(x: &mut XmlOut, rows: &[crate::messages::DepartmentRow]) {
    x.open("departmentTable");
    for h in DEPARTMENT_COLUMNS {
        x.text("colHeading", h);
    }
    for row in rows {
        x.open("row");
        col(x, if row.is_enterprise { "true" } else { "false" });
        col(x, &row.name);
        col(x, &row.full_path_name);
        col(x, &row.calling_line_id_name);
        col(x, &row.calling_line_id_phone_number);
        x.close("row");
    }
    x.close("departmentTable");
}

/// A whole reply document (ISO-8859-1, characters outside it as references), without the
/// trailing newline the TCP transport adds.
pub fn response_document(session_id: &str, responses: &[Response]) -> Vec<u8> {
    let cmds: Vec<String> = responses.iter().map(encode_response).collect();
    write_document(session_id, &cmds)
}

pub(crate) fn open_data(x: &mut XmlOut, ty: &str) {
    x.raw("<command echo=\"\" xsi:type=\"")
        .raw(ty)
        .raw("\" xmlns=\"\">");
}

fn encode_error(x: &mut XmlOut, e: &OciError) {
    x.raw(
        "<command type=\"Error\" echo=\"\" xsi:type=\"c:ErrorResponse\" xmlns:c=\"C\" xmlns=\"\">",
    );
    // Real servers leave errorCode out; the code lives in the summary's "[Error NNNN]" prefix.
    x.text("summary", &e.summary)
        .text("summaryEnglish", &e.summary_english);
    // Escaped text rather than CDATA: write_document turns non-Latin-1 characters into
    // character references, which CDATA would corrupt.
    x.opt("detail", e.detail.as_deref());
    x.close("command");
}

fn login_info(x: &mut XmlOut, i: &LoginInfo, is_14sp4: bool) {
    x.text("loginType", &i.login_type)
        .text("locale", &i.locale)
        .text("encoding", &i.encoding)
        .boolean("isEnterprise", i.is_enterprise);
    match i.password_expires_days {
        Some(d) => {
            x.number("passwordExpiresDays", d);
        }
        None if is_14sp4 => {
            // 14sp4 clients expect the field; BroadWorks sends i32::MIN for "never expires".
            x.number("passwordExpiresDays", i32::MIN);
        }
        None => {}
    }
    x.text("userDomain", &i.user_domain);
}

pub(crate) fn col(x: &mut XmlOut, v: &str) {
    if v.is_empty() {
        x.empty("col");
    } else {
        x.text("col", v);
    }
}

/// Writes `GroupHuntGroupGetInstanceResponse20` by the sandbox's own reading of the schema's
/// sequences ([`PROFILE_ELEMENTS`], [`INSTANCE_ELEMENTS`]), with values from the model.
fn instance(x: &mut XmlOut, d: &InstanceDetails) {
    x.open("serviceInstanceProfile");
    for el in PROFILE_ELEMENTS {
        get_element(x, d, el, true);
    }
    x.close("serviceInstanceProfile");
    for el in INSTANCE_ELEMENTS {
        get_element(x, d, el, false);
    }
}

fn get_element(x: &mut XmlOut, d: &InstanceDetails, el: &Element, in_profile: bool) {
    if el.get == Occurs::Never {
        return;
    }
    if let Rule::ReadOnly(_) = el.rule {
        let v = match el.name {
            "countryCode" => &d.country_code,
            "nationalPrefix" => &d.national_prefix,
            _ => &d.time_zone_display_name,
        };
        x.opt(el.name, v.as_deref());
        return;
    }
    if el.rule == Rule::Agents {
        agent_table(x, d);
        return;
    }
    let h = &d.hunt_group;
    let Some(row) = table::by_element(el.name, in_profile) else {
        return;
    };
    match row.get(h) {
        Field::Value(ValueRef::Aliases(list)) => {
            for a in list {
                x.text(el.name, a);
            }
        }
        Field::Value(ValueRef::Department(dep)) => {
            DepartmentKey::of(h, dep).write_xml(x, el.name);
        }
        Field::Value(v) => {
            if let Some(t) = v.scalar_text() {
                x.text(el.name, &t);
            }
        }
        Field::Absent | Field::Unmanaged => {}
    }
}

fn agent_table(x: &mut XmlOut, d: &InstanceDetails) {
    x.open("agentUserTable");
    for h in crate::messages::AGENT_COLUMNS {
        x.text("colHeading", h);
    }
    for a in &d.agents {
        x.open("row");
        let weight = a.weight.to_string();
        for v in [
            &a.user_id,
            &a.last_name,
            &a.first_name,
            &a.hiragana_last_name,
            &a.hiragana_first_name,
            &weight,
            &a.phone_number,
            &a.extension,
            &a.department,
            &a.email_address,
            &a.is_phone_number_activated,
            &a.country_code,
            &a.national_prefix,
            &a.department_name,
            &a.department_type,
            &a.parent_department,
            &a.parent_department_type,
            &a.group_id,
            &a.group_name,
        ] {
            col(x, v);
        }
        x.close("row");
    }
    x.close("agentUserTable");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_and_error_shapes() {
        let s = encode_response(&Response::Success);
        assert_eq!(
            s,
            "<command echo=\"\" xsi:type=\"c:SuccessResponse\" xmlns:c=\"C\" xmlns=\"\"/>"
        );
        let e = encode_response(&Response::Error(OciError {
            code: Some(4008),
            summary: "[Error 4008] User not found: a<b".into(),
            summary_english: "[Error 4008] User not found: a<b".into(),
            detail: Some("x & y".into()),
        }));
        assert!(e.starts_with("<command type=\"Error\" echo=\"\" xsi:type=\"c:ErrorResponse\""));
        assert!(e.contains("<summary>[Error 4008] User not found: a&lt;b</summary>"));
        assert!(e.contains("<detail>x &amp; y</detail>"));
        assert!(!e.contains("CDATA"));
    }
}
