//! The decoder end to end: documents in, requests or violations out.

use super::decode_request_document;
use crate::messages::{Change, Request};
use crate::model::table::Value;

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
