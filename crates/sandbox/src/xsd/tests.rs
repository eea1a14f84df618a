use super::*;
use crate::decode::parse_tree;

fn command(xml: &str) -> Result<(), crate::decode::V> {
    let e = parse_tree(xml).expect("well-formed");
    check_command(&e)
}

#[test]
fn the_embedded_schema_reads_the_served_types() {
    let s = schema();
    assert!(s.document().is_some());
    assert!(s.command_decl().is_some_and(|d| !d.nillable));
    assert!(s.derives_from("GroupHuntGroupAddInstanceRequest20", "C:OCICommand"));
    assert!(matches!(s.get("HuntPolicy"), Some(Type::Simple(_))));
}

#[test]
fn a_nil_command_is_refused_naming_the_command() {
    let r = command(
        r#"<command xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="GroupHuntGroupGetInstanceRequest20" xsi:nil="true"/>"#,
    );
    assert_eq!(r, Err(("command".into(), "element is not nillable".into())));
}

#[test]
fn order_occurrence_type_and_facets_are_checked() {
    let ok = r#"<command xmlns:xsi="x" xsi:type="GroupHuntGroupGetInstanceListRequest"><serviceProviderId>sp</serviceProviderId><groupId>g</groupId></command>"#;
    assert_eq!(command(ok), Ok(()));
    let cases = [
        (
            "<groupId>g</groupId><serviceProviderId>sp</serviceProviderId>",
            "serviceProviderId",
        ),
        ("<serviceProviderId>sp</serviceProviderId>", "groupId"),
        (
            "<serviceProviderId>sp</serviceProviderId><groupId>g</groupId><groupId>g</groupId>",
            "groupId",
        ),
        (
            "<serviceProviderId>sp</serviceProviderId><groupId>g</groupId><x/>",
            "x",
        ),
        (
            "<serviceProviderId></serviceProviderId><groupId>g</groupId>",
            "serviceProviderId",
        ),
        (
            "<serviceProviderId>sp</serviceProviderId><groupId><a/></groupId>",
            "groupId",
        ),
    ];
    for (body, at) in cases {
        let doc = format!(
            r#"<command xmlns:xsi="x" xsi:type="GroupHuntGroupGetInstanceListRequest">{body}</command>"#
        );
        let r = command(&doc);
        assert!(matches!(&r, Err((p, _)) if p == at), "{body}: {r:?}");
    }
    let ranged = |rings: &str| {
        command(&format!(
            r#"<command xmlns:xsi="x" xsi:type="GroupHuntGroupModifyInstanceRequest"><serviceUserId>h@x</serviceUserId><noAnswerNumberOfRings>{rings}</noAnswerNumberOfRings></command>"#
        ))
    };
    assert_eq!(ranged("20"), Ok(()));
    assert!(ranged("21").is_err());
    assert!(ranged("x").is_err());
}

#[test]
fn every_embedded_file_reads() {
    for f in FILES {
        let mut s = Schema::default();
        assert_eq!(
            read::read_file(&mut s, f.text, f.core),
            Ok(()),
            "{}",
            f.path
        );
    }
}
