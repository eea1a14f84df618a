//! Desired state: loading YAML and CSV, defaults, every validation rule with its location,
//! the writers, the JSON Schema and the `huntctl validate` command.

use huntctl::desired::{
    self, load_str, load_strs, raw, DesiredState, Diagnostic, Diagnostics, Location,
};
use huntctl::model::{table, Agent, Department, Field, HuntGroup, Policy};
use pretty_assertions::assert_eq;
use std::path::{Path, PathBuf};

use crate::support::huntctl;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn ok(name: &str, text: &str) -> DesiredState {
    match load_str(name, text) {
        Ok(s) => s,
        Err(d) => panic!("{name} should load:\n{}", d.render(false)),
    }
}

fn errs(name: &str, text: &str) -> Diagnostics {
    match load_str(name, text) {
        Ok(s) => panic!("{name} should fail, loaded {} groups", s.hunt_groups.len()),
        Err(d) => d,
    }
}

/// 1-based line and column of the first occurrence of `needle` in `text`.
fn pos(text: &str, needle: &str) -> (usize, usize) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in test input"));
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before[before.rfind('\n').map(|i| i + 1).unwrap_or(0)..]
        .chars()
        .count()
        + 1;
    (line, col)
}

fn find<'a>(d: &'a Diagnostics, message: &str) -> &'a Diagnostic {
    d.items
        .iter()
        .find(|x| x.message.contains(message))
        .unwrap_or_else(|| {
            panic!(
                "no diagnostic containing {message:?}; got:\n{}",
                d.items
                    .iter()
                    .map(|x| format!("  {x}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        })
}

const BASE: &str = "defaults:\n  serviceProviderId: SP\n  groupId: G\nhuntGroups:\n  - serviceUserId: hg@example.com\n    agentUserId: [a@example.com]\n";

/// A YAML case: the base hunt group plus `extra` lines; the error containing `message` must
/// point at `needle` (its first occurrence in the full text).
fn yaml_case(extra: &str, message: &str, needle: &str) -> Diagnostic {
    let text = format!("{BASE}{extra}");
    let d = errs("case.yaml", &text);
    let diag = find(&d, message).clone();
    let (line, col) = pos(&text, needle);
    assert_eq!(
        (diag.location.line, diag.location.column),
        (line, col),
        "location of {message:?} in\n{text}"
    );
    assert_eq!(diag.location.file, "case.yaml");
    diag
}

fn yaml_full(text: &str, message: &str, needle: &str) -> Diagnostic {
    let d = errs("case.yaml", text);
    let diag = find(&d, message).clone();
    assert_eq!(
        (diag.location.line, diag.location.column),
        pos(text, needle),
        "location of {message:?} in\n{text}"
    );
    diag
}

const CSV_HEAD: &str = "operation,serviceProviderId,groupId,serviceUserId,serviceInstanceProfile.name,policy,huntAfterNoAnswer,noAnswerNumberOfRings,agentUserId[0],agentWeight[0]\n";

fn csv_case(text: &str, message: &str, row: usize, header: &str) -> Diagnostic {
    let d = errs("case.csv", text);
    let diag = find(&d, message).clone();
    assert_eq!(diag.location.row, Some(row), "row of {message:?}");
    // "" = a whole-row problem, with no column.
    let want = (!header.is_empty()).then_some(header);
    assert_eq!(
        diag.location.column_header.as_deref(),
        want,
        "column of {message:?}"
    );
    diag
}

// ---------------------------------------------------------------------------------------------
// Reference examples, defaults, formats

#[test]
fn reference_csv_examples_equal_their_yaml() {
    for (csv, yaml, n) in [
        ("minimal.csv", "minimal.yaml", 1),
        ("full.csv", "full.yaml", 2),
    ] {
        let dir = root().join("examples/reference");
        let a = desired::load_paths(&[dir.join(csv)]).map_err(|d| d.render(false));
        let b = desired::load_paths(&[dir.join(yaml)]).map_err(|d| d.render(false));
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.hunt_groups.len(), n);
        assert_eq!(a.hunt_groups, b.hunt_groups, "{csv} vs {yaml}");
    }
}

#[test]
fn minimal_example_gets_the_documented_defaults() {
    let s = desired::load_paths(&[root().join("examples/reference/minimal.csv")]).unwrap();
    let mut want =
        HuntGroup::with_defaults("MyServiceProvider", "SalesGroup", "sales-hunt@company.com");
    want.service_instance_profile.name = "Sales Hunt Group".into();
    want.agents = vec![
        Agent::new("john.doe@company.com"),
        Agent::new("jane.smith@company.com"),
    ];
    assert_eq!(s.hunt_groups, vec![want]);
    let g = &s.hunt_groups[0];
    assert_eq!(
        g.service_instance_profile.calling_line_id_last_name,
        "Last Name"
    );
    assert_eq!(
        g.service_instance_profile.calling_line_id_first_name,
        "First Name"
    );
    assert_eq!(g.service_instance_profile.phone_number, Field::Unmanaged);
    assert!(g.service_instance_profile.alias.is_empty());
    assert_eq!(
        (
            g.policy,
            g.no_answer_number_of_rings,
            g.forward_timeout_seconds
        ),
        (Policy::Regular, 5, 10)
    );
}

#[test]
fn snake_case_from_data_example_loads() {
    let s = desired::load_paths(&[root().join("examples/reference/from-data.yaml")]).unwrap();
    assert_eq!(s.hunt_groups.len(), 2);
    let sales = &s.hunt_groups[0];
    assert_eq!(
        sales.service_instance_profile.alias,
        vec!["sales-team", "sales-hunt"]
    );
    assert_eq!(
        sales.service_instance_profile.calling_line_id_first_name,
        "Team"
    );
    assert_eq!(s.hunt_groups[1].policy, Policy::Circular);
    assert_eq!(s.hunt_groups[1].no_answer_number_of_rings, 3);
}

#[test]
fn project_examples_load() {
    let s = desired::load_paths(&[root().join("examples/huntgroups")]).unwrap();
    assert_eq!(s.files, 2);
    assert_eq!(s.hunt_groups.len(), 5);
    let emea = s
        .hunt_groups
        .iter()
        .find(|g| g.service_user_id == "sales-emea-hunt@company.com")
        .unwrap();
    assert_eq!(emea.policy, Policy::Weighted);
    assert_eq!(emea.agents[1].weight, Some(30));
    assert_eq!(
        emea.service_instance_profile.extension,
        Field::Value("0102".into())
    );
    let night = s
        .hunt_groups
        .iter()
        .find(|g| g.service_user_id == "support-night-hunt@company.com")
        .unwrap();
    assert_eq!(
        night.forward_to_phone_number,
        Field::Value("+1-2025550299".into())
    );
    assert!(night.forward_after_timeout);
    assert_eq!(night.agents.len(), 3);
    assert_eq!(s.summary(), "5 hunt groups in 2 files are valid");
}

#[test]
fn all_fields_example_sets_every_field() {
    let s = desired::load_paths(&[root().join("examples/reference/all-fields.yaml")]).unwrap();
    let g = &s.hunt_groups[0];
    let p = &g.service_instance_profile;
    assert_eq!(p.hiragana_last_name, Field::Value("セールス".into()));
    assert_eq!(p.calling_line_id_phone_number, Field::Absent);
    assert_eq!(
        p.password.as_ref().map(|s| s.expose()),
        Some("change-me-on-create")
    );
    assert_eq!(g.network_class_of_service, Field::Value("Premium".into()));
    assert_eq!(
        g.agents,
        vec![
            Agent {
                user_id: "john.doe@company.com".into(),
                weight: Some(60)
            },
            Agent {
                user_id: "jane.smith@company.com".into(),
                weight: Some(40)
            },
            Agent::new("bob.wilson@company.com"),
        ]
    );
    assert!(g.enable_not_reachable_forwarding && g.forward_after_timeout);
    assert_eq!(p.department, Field::Value(Department::group("Sales")));
    assert!(g.is_active);
}

#[test]
fn yaml_values_absent_unmanaged_and_quoted_numbers() {
    let text = format!(
        "{BASE}    serviceInstanceProfile:\n      extension: \"0100\"\n      phoneNumber: '+12025550100'\n      language: null\n"
    );
    let g = &ok("x.yaml", &text).hunt_groups[0];
    let p = &g.service_instance_profile;
    assert_eq!(p.extension, Field::Value("0100".into()));
    assert_eq!(p.phone_number, Field::Value("+12025550100".into()));
    assert_eq!(p.language, Field::Absent);
    assert_eq!(p.time_zone, Field::Unmanaged);
}

#[test]
fn yaml_1_1_surprises_are_refused_with_the_fix() {
    // (what is written, the message, the help) — the same whatever YAML version a reader uses.
    for (value, field, message, help) in [
        (
            "extension: 0100",
            "serviceInstanceProfile",
            "found the number 0100",
            "\"0100\"",
        ),
        (
            "phoneNumber: +12025550100",
            "serviceInstanceProfile",
            "found the number +12025550100",
            "drops the +",
        ),
        (
            "name: 1e3",
            "serviceInstanceProfile",
            "found the number 1e3",
            "\"1e3\"",
        ),
        (
            "name: 1_000",
            "serviceInstanceProfile",
            "a number in YAML 1.1",
            "\"1_000\"",
        ),
        (
            "language: on",
            "serviceInstanceProfile",
            "the boolean true in YAML 1.1",
            "\"on\"",
        ),
        (
            "huntAfterNoAnswer: yes",
            "",
            "huntAfterNoAnswer must be true or false",
            "write true",
        ),
        (
            "enableGroupBusy: Off",
            "",
            "the boolean false in YAML 1.1",
            "write false",
        ),
        (
            "forwardAfterTimeout: \"no\"",
            "",
            "found the text \"no\"",
            "write false",
        ),
    ] {
        let text = if field.is_empty() {
            format!("{BASE}    {value}\n")
        } else {
            format!("{BASE}    {field}:\n      {value}\n")
        };
        let d = load_str("x.yaml", &text).expect_err(value);
        let rendered = d.render(false);
        let flat = rendered
            .replace('│', " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(flat.contains(message), "{value}: {rendered}");
        assert!(flat.contains(help), "{value}: {rendered}");
        let line = text.lines().position(|l| l.trim() == value).unwrap() + 1;
        assert!(
            rendered.contains(&format!("x.yaml:{line}:")),
            "{value}: {rendered}"
        );
    }
}

#[test]
fn csv_format_details() {
    // BOM, CRLF, quoted comma and newline, booleans in any case, gaps in arrays, accents kept,
    // "Weighted Call Distribution", weights, null for absent.
    let text = "\u{feff}operation,serviceProviderId,groupId,serviceUserId,serviceInstanceProfile.name,serviceInstanceProfile.callingLineIdLastName,policy,huntAfterNoAnswer,serviceInstanceProfile.alias[0],serviceInstanceProfile.alias[2],agentUserId[0],agentUserId[3],agentWeight[0],agentWeight[3],serviceInstanceProfile.language\r\n\
        hunt.group.create,SP,G,cafe@example.com,\"Café, Bar\",\"Two\nLines\",Weighted Call Distribution,FALSE,a1@example.com,,x@example.com,y@example.com,70,30,null\r\n\
        ,SP,G,second@example.com,,,,True,,a3@example.com,z@example.com,,,,\r\n";
    let s = ok("f.csv", text);
    let g = &s.hunt_groups[0];
    assert_eq!(g.service_instance_profile.name, "Café, Bar");
    assert_eq!(
        g.service_instance_profile.calling_line_id_last_name,
        "Two\nLines"
    );
    assert_eq!(g.policy, Policy::Weighted);
    assert!(!g.hunt_after_no_answer);
    assert_eq!(g.service_instance_profile.alias, vec!["a1@example.com"]);
    assert_eq!(g.service_instance_profile.language, Field::Absent);
    assert_eq!(
        g.agents,
        vec![
            Agent {
                user_id: "x@example.com".into(),
                weight: Some(70)
            },
            Agent {
                user_id: "y@example.com".into(),
                weight: Some(30)
            },
        ]
    );
    let g2 = &s.hunt_groups[1];
    assert!(g2.hunt_after_no_answer);
    assert_eq!(g2.service_instance_profile.alias, vec!["a3@example.com"]);
    assert_eq!(g2.service_instance_profile.name, "Test Group Name");
    assert_eq!(g2.service_instance_profile.language, Field::Unmanaged);
}

#[test]
fn csv_template_type_hint_row_is_skipped_with_a_warning() {
    let template = "operation,serviceProviderId,groupId,serviceUserId,serviceInstanceProfile.name,policy,huntAfterNoAnswer,noAnswerNumberOfRings,agentUserId[0]\n\
        hunt.group.create,string,string,string,string,none | Circular | Regular | Simultaneous | Uniform | Weighted Call Distribution,none | boolean,none | integer,none | string\n\
        hunt.group.create,SP,G,hg@example.com,Name,Circular,true,3,a@example.com\n";
    let s = ok("t.csv", template);
    assert_eq!(s.hunt_groups.len(), 1);
    assert_eq!(s.warnings.len(), 1);
    assert!(s.warnings[0].message.contains("type-hint row"));
    assert_eq!(s.warnings[0].location.row, Some(2));
    // The real template (header + hint row only) loads to nothing, with the warning.
    let real = root().join("tests/fixtures/reference/hunt.group.create.csv");
    let s = desired::load_paths(&[real])
        .map_err(|d| d.render(false))
        .unwrap();
    assert_eq!(s.hunt_groups.len(), 0);
    assert_eq!(s.warnings.len(), 1);
}

#[test]
fn defaults_block_is_merged_and_overridden() {
    let text = "defaults:\n  serviceProviderId: SP\n  groupId: G\n  policy: Circular\n  serviceInstanceProfile:\n    language: English\nhuntGroups:\n  - serviceUserId: a@example.com\n    agentUserId: [x@example.com]\n  - serviceUserId: b@example.com\n    groupId: Other\n    policy: Uniform\n    agentUserId: [x@example.com]\n";
    let s = ok("d.yaml", text);
    assert_eq!(s.hunt_groups[0].policy, Policy::Circular);
    assert_eq!(s.hunt_groups[0].group_id, "G");
    assert_eq!(
        s.hunt_groups[0].service_instance_profile.language,
        Field::Value("English".into())
    );
    assert_eq!(s.hunt_groups[1].policy, Policy::Uniform);
    assert_eq!(s.hunt_groups[1].group_id, "Other");
}

// ---------------------------------------------------------------------------------------------
// Bad inputs: message and location

#[test]
fn bad_yaml_inputs() {
    let d = yaml_case(
        "    serviceInstanceProfile:\n      nmae: X\n",
        "unknown field `serviceInstanceProfile.nmae`",
        "nmae",
    );
    assert_eq!(d.help.as_deref(), Some("did you mean `name`?"));
    let d = yaml_case("    polcy: Regular\n", "unknown field `polcy`", "polcy");
    assert_eq!(d.help.as_deref(), Some("did you mean `policy`?"));
    let d = yaml_case(
        "    extension: \"12\"\n",
        "unknown field `extension`",
        "extension",
    );
    assert!(d
        .help
        .unwrap()
        .contains("belongs under serviceInstanceProfile"));
    let d = yaml_case(
        "    policy: Wieghted\n",
        "unknown policy \"Wieghted\"",
        "Wieghted",
    );
    assert!(d.help.unwrap().starts_with("did you mean `Weighted`?"));
    yaml_case(
        "    noAnswerNumberOfRings: 50\n",
        "noAnswerNumberOfRings must be from 1 to 20, found 50",
        "50",
    );
    yaml_case(
        "    forwardTimeoutSeconds: 9000\n",
        "forwardTimeoutSeconds must be from 0 to 7200, found 9000",
        "9000",
    );
    yaml_case(
        "    huntAfterNoAnswer: \"yes\"\n",
        "huntAfterNoAnswer must be true or false, found the text \"yes\"",
        "\"yes\"",
    );
    yaml_case(
        "    noAnswerNumberOfRings: five\n",
        "noAnswerNumberOfRings must be a whole number, found the text \"five\"",
        "five",
    );
    yaml_case(
        "    serviceInstanceProfile:\n      name: This name is far too long for BroadWorks\n",
        "serviceInstanceProfile.name must be 1–30 characters long, found 40 characters",
        "This name",
    );
    let d = yaml_case(
        "    serviceInstanceProfile:\n      name: null\n",
        "serviceInstanceProfile.name cannot be absent, it has a default",
        "null",
    );
    assert_eq!(d.field.as_deref(), Some("serviceInstanceProfile.name"));
    yaml_case(
        "    policy: ~\n",
        "policy cannot be absent, it has a default",
        "~",
    );
    yaml_case(
        "    serviceInstanceProfile:\n      name: \"\"\n",
        "serviceInstanceProfile.name cannot be empty",
        "\"\"",
    );
    yaml_case(
        "    huntAfterNoAnswer: null\n",
        "huntAfterNoAnswer cannot be absent, it has a default",
        "null",
    );
    yaml_case(
        "    serviceInstanceProfile:\n      phoneNumber: 12-abc\n",
        "serviceInstanceProfile.phoneNumber \"12-abc\" is not an E.164 phone number",
        "12-abc",
    );
    yaml_case(
        "    serviceInstanceProfile:\n      extension: \"12a\"\n",
        "extension \"12a\" must contain digits only",
        "\"12a\"",
    );
    yaml_case(
        "    serviceInstanceProfile:\n      extension: \"1\"\n",
        "serviceInstanceProfile.extension must be 2–20 characters long, found 1",
        "\"1\"",
    );
    yaml_case(
        "    forwardToPhoneNumber: call-me\n",
        "forwardToPhoneNumber \"call-me\" is not a phone number",
        "call-me",
    );
    yaml_case(
        "    notReachableForwardToPhoneNumber: sip:vm@example.com\n",
        "must not start with sip:",
        "sip:vm",
    );
    let long = "p".repeat(61);
    let d = yaml_case(
        &format!("    serviceInstanceProfile:\n      password: {long}\n"),
        "serviceInstanceProfile.password must be 1–60 characters long, found 61",
        &long,
    );
    // The secret itself never appears in a diagnostic.
    assert!(!format!("{d} {} {:?}", d.label, d.help).contains(&long));
    yaml_case(
        "    serviceInstanceProfile:\n      alias: [a@x.com, b@x.com, c@x.com, d@x.com]\n",
        "at most 3 aliases are allowed, found 4",
        "d@x.com",
    );
    yaml_case(
        "    serviceInstanceProfile:\n      alias: sales\n",
        "serviceInstanceProfile.alias must be a list, found the text \"sales\"",
        "sales",
    );
    yaml_case(
        "    serviceInstanceProfile:\n      timeZone: [Europe/Paris]\n",
        "serviceInstanceProfile.timeZone must be text, found a list",
        "[Europe/Paris]",
    );
    yaml_case(
        "    service_user_id: other@example.com\n",
        "`service_user_id` is the same field as `serviceUserId`, given twice",
        "service_user_id",
    );
    yaml_case(
        "    serviceInstanceProfile:\n      name: A\n    service_instance_profile:\n      language: English\n",
        "`service_instance_profile` is the same field as `serviceInstanceProfile`",
        "service_instance_profile",
    );
    yaml_case(
        "    serviceInstanceProfile: null\n",
        "serviceInstanceProfile cannot be null",
        "null",
    );
    yaml_case(
        "    operation: hunt.group.delete\n",
        "unsupported operation \"hunt.group.delete\"",
        "hunt.group.delete",
    );
}

#[test]
fn bad_yaml_structure_and_agents() {
    let t = "- serviceProviderId: SP\n  groupId: G\n  serviceUserId: hg\n  agentUserId: [a@example.com]\n";
    yaml_full(
        t,
        "serviceUserId \"hg\" needs a domain (name@domain)",
        "hg\n",
    );
    let t = "- serviceProviderId: SP\n  groupId: G\n  serviceUserId: hg@example.com\n  agentUserId:\n    - john\n";
    yaml_full(t, "agent user id \"john\" needs a domain", "john");
    let t = "- serviceProviderId: SP\n  groupId: G\n  serviceUserId: hg@example.com\n  agentUserId:\n    - a@example.com\n    - b@example.com\n    - A@example.com\n";
    let d = yaml_full(
        t,
        "agent \"A@example.com\" is listed twice",
        "A@example.com",
    );
    assert_eq!(d.related.len(), 1);
    assert_eq!(
        (d.related[0].location.line, d.related[0].location.column),
        pos(t, "a@example.com")
    );
    let t = "- serviceProviderId: SP\n  groupId: G\n  serviceUserId: hg@example.com\n  policy: Weighted\n  agentUserId:\n    - userId: a@example.com\n      weight: 101\n";
    yaml_full(t, "an agent weight must be from 0 to 100, found 101", "101");
    let t = "- serviceProviderId: SP\n  groupId: G\n  serviceUserId: hg@example.com\n  agentUserId:\n    - {userId: a@example.com, weight: 50}\n";
    yaml_full(
        t,
        "agent weights apply only to Weighted hunt groups, this one is Regular",
        "50",
    );
    let t = "- serviceProviderId: SP\n  groupId: G\n  serviceUserId: hg@example.com\n  policy: weighted\n  agentUserId:\n    - {userId: a@example.com, wieght: 50}\n";
    let d = yaml_full(t, "unknown agent field `wieght`", "wieght");
    assert!(d.help.unwrap().contains("did you mean `weight`?"));
    let t = "- serviceProviderId: SP\n  groupId: G\n  serviceUserId: hg@example.com\n  agentUserId:\n    - weight: 5\n";
    yaml_full(t, "this agent has no userId", "weight");
    let t = "- serviceProviderId: SP\n  groupId: G\n  serviceUserId: hg@example.com\n  agentUserId: []\n";
    yaml_full(t, "a hunt group needs at least one agent", "[]");
    let t = "- serviceProviderId: SP\n  groupId: G\n  serviceUserId: hg@example.com\n";
    let d = yaml_full(
        t,
        "a hunt group needs at least one agent",
        "serviceProviderId",
    );
    assert_eq!(d.field.as_deref(), Some("agentUserId"));
    let t = "- groupId: G\n  serviceUserId: hg@example.com\n  agentUserId: [a@example.com]\n";
    yaml_full(t, "serviceProviderId is required", "groupId");
    let t = "huntGroups:\n  - serviceProviderId: SP\n    groupId: G\n    agentUserId: [a@example.com]\n";
    yaml_full(t, "serviceUserId is required", "serviceProviderId");
    let t = "- serviceProviderId: ééééééééééééééééé\n  groupId: G\n  serviceUserId: hg@example.com\n  agentUserId: [a@example.com]\n";
    yaml_full(
        t,
        "serviceProviderId must be 1–30 bytes long, found 34 bytes",
        "ééé",
    );
    let t = "defaults:\n  groupId: G\nhuntgroup:\n  - serviceUserId: hg@example.com\n";
    let d = yaml_full(t, "unknown top-level key `huntgroup`", "huntgroup");
    assert_eq!(d.help.as_deref(), Some("did you mean `huntGroups`?"));
    let t = "huntGroups:\n  - just-a-string\n";
    yaml_full(
        t,
        "a hunt group must be a mapping of fields",
        "just-a-string",
    );
    let t = "huntGroups:\n  - serviceUserId: a@b.com\n   groupId: G\n";
    let d = yaml_full(t, "invalid YAML", "groupId");
    assert_eq!(d.code, "huntctl::yaml_syntax");
    let t = "- serviceProviderId: SP\n  groupId: G\n  serviceUserId: same@example.com\n  agentUserId: [a@example.com]\n- serviceProviderId: SP\n  groupId: G\n  serviceUserId: same@example.com\n  agentUserId: [a@example.com]\n";
    let d = errs("case.yaml", t);
    let dup = find(&d, "hunt group same@example.com is defined twice");
    assert_eq!((dup.location.line, dup.location.column), (7, 18));
    assert_eq!(
        (dup.related[0].location.line, dup.related[0].location.column),
        (3, 18)
    );
}

#[test]
fn duplicate_across_files_points_at_both() {
    let y = BASE.to_string();
    let c = format!("{CSV_HEAD}hunt.group.create,SP,G,HG@example.com,N,,,,b@example.com,\n");
    let d = load_strs(&[("a.yaml", &y), ("b.csv", &c)]).unwrap_err();
    let dup = find(&d, "is defined twice");
    assert_eq!(dup.location.file, "b.csv");
    assert_eq!(dup.location.row, Some(2));
    assert_eq!(dup.location.column_header.as_deref(), Some("serviceUserId"));
    assert_eq!(dup.related[0].location.file, "a.yaml");
    assert_eq!(
        (dup.related[0].location.line, dup.related[0].location.column),
        pos(&y, "hg@example.com")
    );
}

#[test]
fn bad_csv_inputs() {
    let row = |cells: &str| format!("{CSV_HEAD}{cells}\n");
    let d = csv_case(
        "operation,serviceProviderId,groupId,serviceUserId,serviceInstanceProfile.nmae,agentUserId[0]\nhunt.group.create,SP,G,hg@example.com,X,a@example.com\n",
        "unknown column serviceInstanceProfile.nmae",
        1,
        "serviceInstanceProfile.nmae",
    );
    assert_eq!(
        d.help.as_deref(),
        Some("did you mean `serviceInstanceProfile.name`?")
    );
    assert_eq!((d.location.line, d.location.column), (1, 51));
    let d = csv_case(
        &row("hunt.group.create,SP,G,hg@example.com,N,Regular,yes,5,a@example.com,"),
        "huntAfterNoAnswer must be true or false, found the text \"yes\"",
        2,
        "huntAfterNoAnswer",
    );
    assert_eq!((d.location.line, d.location.column), (2, 49));
    csv_case(
        &row("hunt.group.create,SP,G,hg@example.com,N,Regular,true,abc,a@example.com,"),
        "noAnswerNumberOfRings must be a whole number, found the text \"abc\"",
        2,
        "noAnswerNumberOfRings",
    );
    csv_case(
        &row("hunt.group.modify,SP,G,hg@example.com,N,,,,a@example.com,"),
        "unsupported operation \"hunt.group.modify\"",
        2,
        "operation",
    );
    csv_case(
        &row("hunt.group.create,SP,G,hg@example.com,N,Regular,true,5,a@example.com,40"),
        "agent weights apply only to Weighted hunt groups",
        2,
        "agentWeight[0]",
    );
    csv_case(
        &row("hunt.group.create,SP,G,hg@example.com,N,Random,true,5,a@example.com,"),
        "unknown policy \"Random\"",
        2,
        "policy",
    );
    csv_case(
        &row("hunt.group.create,SP,G,hg@example.com,N,,,,a@example.com,,surplus"),
        "this row has more cells than the header has columns (10)",
        2,
        "",
    );
    csv_case(
        "serviceProviderId,groupId,serviceUserId,groupId,agentUserId[0]\nSP,G,hg@example.com,G,a@example.com\n",
        "column groupId appears twice",
        1,
        "groupId",
    );
    csv_case(
        "serviceProviderId,groupId,serviceUserId,agentUserId[x]\nSP,G,hg@example.com,a@example.com\n",
        "column agentUserId[x] has a malformed index",
        1,
        "agentUserId[x]",
    );
    csv_case(
        "serviceProviderId,groupId,serviceUserId,agentUserId[0],agentWeight[1],policy\nSP,G,hg@example.com,a@example.com,5,Weighted\n",
        "agentWeight is given but the matching agentUserId cell is empty",
        2,
        "agentWeight[1]",
    );
    csv_case(
        "serviceProviderId,groupId,serviceUserId,agentUserId[0],serviceInstanceProfile.alias[0]\nSP,G,hg@example.com,a@example.com,null\n",
        "serviceInstanceProfile.alias[0] cannot be null",
        2,
        "serviceInstanceProfile.alias[0]",
    );
    csv_case(
        "serviceProviderId,groupId,serviceUserId,agentUserId[0],serviceInstanceProfile.name\nSP,G,hg@example.com,a@example.com,null\n",
        "serviceInstanceProfile.name cannot be absent, it has a default",
        2,
        "serviceInstanceProfile.name",
    );
    csv_case(
        "serviceProviderId,groupId,serviceUserId,agentUserId[0]\nSP,,hg@example.com,a@example.com\n",
        "groupId is required",
        2,
        "",
    );
    // A missing required column is reported once, at the header, not on every row.
    let text = "serviceProviderId,groupId,agentUserId[0]\nSP,G,a@example.com\nSP,G,b@example.com\n";
    let d = errs("m.csv", text);
    assert_eq!(d.items.len(), 1, "{}", d.render(false));
    assert_eq!(
        d.items[0].message,
        "required column serviceUserId is missing"
    );
    assert_eq!(d.items[0].location.row, Some(1));
}

#[test]
fn all_problems_of_all_files_are_reported() {
    let y = format!("{BASE}    policy: Bogus\n    noAnswerNumberOfRings: 0\n");
    let c = format!(
        "{CSV_HEAD}hunt.group.create,SP,G,x@example.com,N,Regular,maybe,5,a@example.com,\n"
    );
    let d = load_strs(&[("a.yaml", &y), ("b.csv", &c)]).unwrap_err();
    assert_eq!(d.error_count(), 3, "{}", d.render(false));
    let files: Vec<&str> = d.items.iter().map(|i| i.location.file.as_str()).collect();
    assert_eq!(files, vec!["a.yaml", "a.yaml", "b.csv"]);
}

#[test]
fn diagnostics_render_with_snippet_and_json() {
    let text = format!("{BASE}    policy: Wieghted\n");
    let d = errs("s.yaml", &text);
    let out = d.render(false);
    assert!(out.contains("[s.yaml:7:13]"), "{out}");
    assert!(out.contains("policy: Wieghted"), "{out}");
    assert!(out.contains("did you mean `Weighted`?"), "{out}");
    let j = d.to_json();
    assert_eq!(j["valid"], false);
    assert_eq!(j["errors"], 1);
    assert_eq!(j["diagnostics"][0]["line"], 7);
    assert_eq!(j["diagnostics"][0]["column"], 13);
    assert_eq!(j["diagnostics"][0]["code"], "huntctl::unknown_policy");
    assert_eq!(j["diagnostics"][0]["field"], "policy");
}

// ---------------------------------------------------------------------------------------------
// Writers

fn all_example_groups() -> Vec<HuntGroup> {
    let mut v = desired::load_paths(&[root().join("examples/huntgroups")])
        .unwrap()
        .hunt_groups;
    v.extend(
        desired::load_paths(&[root().join("examples/reference/all-fields.yaml")])
            .unwrap()
            .hunt_groups,
    );
    v
}

#[test]
fn yaml_writer_quotes_what_a_yaml_1_1_or_1_2_reader_would_not_read_as_text() {
    let mut g = HuntGroup::with_defaults("SP", "G", "hg@example.com");
    g.agents = vec![Agent::new("a@example.com")];
    let p = &mut g.service_instance_profile;
    p.name = "1_000".into();
    p.calling_line_id_last_name = "yes".into();
    p.calling_line_id_first_name = "Two\nLines: #x".into();
    p.extension = Field::Value("0100".into());
    p.phone_number = Field::Value("+12025550100".into());
    p.language = Field::Value("on".into());
    p.time_zone = Field::Value("1:30".into());
    let y = desired::to_yaml(std::slice::from_ref(&g));
    for quoted in [
        "\"1_000\"",
        "\"yes\"",
        "\"0100\"",
        "\"+12025550100\"",
        "\"on\"",
        "\"1:30\"",
        "\"Two\\nLines: #x\"",
    ] {
        assert!(y.contains(quoted), "{quoted} in\n{y}");
    }
    assert_eq!(ok("q.yaml", &y).hunt_groups, vec![g], "{y}");
}

#[test]
fn yaml_and_csv_writers_round_trip() {
    let groups = all_example_groups();
    let mut without_pw = groups.clone();
    for g in &mut without_pw {
        g.service_instance_profile.password = None;
    }
    let y = desired::to_yaml(&groups);
    assert!(!y.contains("change-me-on-create"), "{y}");
    assert!(y.contains("# password: write-only"), "{y}");
    assert_eq!(ok("w.yaml", &y).hunt_groups, without_pw, "{y}");
    let c = desired::to_csv(&groups);
    assert!(!c.contains("change-me-on-create"));
    assert!(c.starts_with("operation,serviceProviderId,groupId,serviceUserId,"));
    assert!(c.contains("agentWeight[0]"));
    assert_eq!(ok("w.csv", &c).hunt_groups, without_pw, "{c}");

    // One group of one provider: ids go under defaults:, default values are left out.
    let one = ok("m.csv", "serviceProviderId,groupId,serviceUserId,agentUserId[0],serviceInstanceProfile.language\nSP,G,hg@example.com,a@example.com,null\n").hunt_groups;
    let y = desired::to_yaml(&one);
    assert!(
        y.contains("defaults:\n  serviceProviderId: SP\n  groupId: G\n"),
        "{y}"
    );
    assert!(y.contains("language: null"), "{y}");
    assert!(!y.contains("policy"), "{y}");
    assert!(!y.contains("timeZone"), "{y}");
    assert_eq!(ok("m.yaml", &y).hunt_groups, one);
}

// ---------------------------------------------------------------------------------------------
// department and isActive

fn one(name: &str, text: &str) -> HuntGroup {
    let mut s = ok(name, text);
    assert_eq!(s.hunt_groups.len(), 1, "{text}");
    s.hunt_groups.remove(0)
}

fn with_profile(extra: &str) -> String {
    format!("{BASE}    serviceInstanceProfile:\n{extra}")
}

#[test]
fn department_from_yaml() {
    let dept = |text: &str| one("d.yaml", text).service_instance_profile.department;
    assert_eq!(dept(BASE), Field::Unmanaged);
    assert_eq!(
        dept(&with_profile("      department: Sales\n")),
        Field::Value(Department::group("Sales"))
    );
    assert_eq!(
        dept(&with_profile(
            "      department: {name: Sales, enterprise: true}\n"
        )),
        Field::Value(Department::enterprise("Sales"))
    );
    assert_eq!(
        dept(&with_profile(
            "      department:\n        name: Sales\n        enterprise: false\n"
        )),
        Field::Value(Department::group("Sales"))
    );
    assert_eq!(
        dept(&with_profile("      department: null\n")),
        Field::Absent
    );
    // snake_case spelling of the profile.
    let snake = "- service_provider_id: SP\n  group_id: G\n  service_user_id: hg@example.com\n  agent_user_id: [a@example.com]\n  service_instance_profile:\n    department: Sales\n";
    assert_eq!(dept(snake), Field::Value(Department::group("Sales")));

    let long = "x".repeat(51);
    let d = yaml_case(
        &format!("    serviceInstanceProfile:\n      department: {long}\n"),
        "serviceInstanceProfile.department must be 1–50 characters long, found 51",
        &long,
    );
    assert_eq!(
        d.field.as_deref(),
        Some("serviceInstanceProfile.department")
    );
    let d = yaml_case(
        "    serviceInstanceProfile:\n      department: {name: Sales, enterprize: true}\n",
        "unknown department field `enterprize`",
        "enterprize",
    );
    assert!(
        d.help
            .as_deref()
            .is_some_and(|h| h.contains("did you mean `enterprise`?")),
        "{d:?}"
    );
    yaml_case(
        "    serviceInstanceProfile:\n      department: {enterprise: true}\n",
        "serviceInstanceProfile.department needs a name",
        "{enterprise",
    );
    let d = yaml_case(
        "    serviceInstanceProfile:\n      department: {name: Sales, enterprise: yes}\n",
        "must be true or false",
        "yes}",
    );
    assert!(
        d.help.as_deref().is_some_and(|h| h.contains("YAML 1.1")),
        "{d:?}"
    );
    yaml_case(
        "    serviceInstanceProfile:\n      department: 100\n",
        "serviceInstanceProfile.department must be text, found the number 100",
        "100",
    );
    yaml_case(
        "    serviceInstanceProfile:\n      department: \"\"\n",
        "serviceInstanceProfile.department cannot be empty",
        "\"\"",
    );
    yaml_case(
        "    serviceInstanceProfile:\n      department: {name: null, enterprise: true}\n",
        "serviceInstanceProfile.department has a null name",
        "null,",
    );
    let d = yaml_case(
        "    serviceInstanceProfile:\n      department: [Sales]\n",
        "serviceInstanceProfile.department must be a department name, found a list",
        "[Sales]",
    );
    assert!(
        d.help
            .as_deref()
            .is_some_and(|h| h.contains("enterprise: true")),
        "{d:?}"
    );
    // At the wrong level, the help says where it belongs.
    let d = yaml_case(
        "    department: Sales\n",
        "unknown field `department`",
        "department",
    );
    assert!(d
        .help
        .as_deref()
        .is_some_and(|h| h.contains("belongs under serviceInstanceProfile")));
}

#[test]
fn department_from_csv() {
    let head = "serviceProviderId,groupId,serviceUserId,agentUserId[0],serviceInstanceProfile.department,serviceInstanceProfile.departmentIsEnterprise\n";
    let dept = |row: &str| {
        one(
            "d.csv",
            &format!("{head}SP,G,hg@example.com,a@example.com,{row}\n"),
        )
        .service_instance_profile
        .department
    };
    assert_eq!(dept(","), Field::Unmanaged);
    assert_eq!(dept("Sales,"), Field::Value(Department::group("Sales")));
    assert_eq!(
        dept("Sales,FALSE"),
        Field::Value(Department::group("Sales"))
    );
    assert_eq!(
        dept("Sales,TRUE"),
        Field::Value(Department::enterprise("Sales"))
    );
    assert_eq!(dept("null,"), Field::Absent);
    // Without the flag column, a department is the group's.
    let g = one(
        "d.csv",
        "serviceProviderId,groupId,serviceUserId,agentUserId[0],serviceInstanceProfile.department\nSP,G,hg@example.com,a@example.com,Sales\n",
    );
    assert_eq!(
        g.service_instance_profile.department,
        Field::Value(Department::group("Sales"))
    );

    let long = "x".repeat(51);
    csv_case(
        &format!("{head}SP,G,hg@example.com,a@example.com,{long},\n"),
        "serviceInstanceProfile.department must be 1–50 characters long, found 51",
        2,
        "serviceInstanceProfile.department",
    );
    csv_case(
        &format!("{head}SP,G,hg@example.com,a@example.com,,TRUE\n"),
        "serviceInstanceProfile.departmentIsEnterprise is given but serviceInstanceProfile.department is empty",
        2,
        "serviceInstanceProfile.departmentIsEnterprise",
    );
    csv_case(
        &format!("{head}SP,G,hg@example.com,a@example.com,Sales,maybe\n"),
        "serviceInstanceProfile.departmentIsEnterprise must be true or false, found the text \"maybe\"",
        2,
        "serviceInstanceProfile.departmentIsEnterprise",
    );
    csv_case(
        &format!("{head}SP,G,hg@example.com,a@example.com,null,TRUE\n"),
        "serviceInstanceProfile.department has a null name",
        2,
        "serviceInstanceProfile.department",
    );
    let d = csv_case(
        "serviceProviderId,groupId,serviceUserId,agentUserId[0],serviceInstanceProfile.departmentIsEnterprize\nSP,G,hg@example.com,a@example.com,TRUE\n",
        "unknown column serviceInstanceProfile.departmentIsEnterprize",
        1,
        "serviceInstanceProfile.departmentIsEnterprize",
    );
    assert!(
        d.help
            .as_deref()
            .is_some_and(|h| h.contains("departmentIsEnterprise")),
        "{d:?}"
    );
}

#[test]
fn is_active_from_yaml_and_csv() {
    assert!(one("a.yaml", BASE).is_active);
    assert!(one("a.yaml", &format!("{BASE}    isActive: true\n")).is_active);
    assert!(!one("a.yaml", &format!("{BASE}    isActive: false\n")).is_active);
    assert!(!one("a.yaml", &format!("{BASE}    is_active: false\n")).is_active);
    let d = yaml_case(
        "    isActive: maybe\n",
        "isActive must be true or false, found the text \"maybe\"",
        "maybe",
    );
    assert_eq!(d.field.as_deref(), Some("isActive"));
    let d = yaml_case(
        "    isActive: no\n",
        "isActive must be true or false",
        "no\n",
    );
    assert!(
        d.help.as_deref().is_some_and(|h| h.contains("write false")),
        "{d:?}"
    );
    yaml_case(
        "    isActive: null\n",
        "isActive cannot be absent, it has a default",
        "null",
    );
    yaml_case(
        "    serviceInstanceProfile:\n      isActive: false\n",
        "unknown field `serviceInstanceProfile.isActive`",
        "isActive",
    );

    let head = "serviceProviderId,groupId,serviceUserId,agentUserId[0],isActive\n";
    let active = |cell: &str| {
        one(
            "a.csv",
            &format!("{head}SP,G,hg@example.com,a@example.com,{cell}\n"),
        )
        .is_active
    };
    assert!(active(""));
    assert!(active("TRUE"));
    assert!(!active("FALSE"));
    assert!(!active("false"));
    csv_case(
        &format!("{head}SP,G,hg@example.com,a@example.com,maybe\n"),
        "isActive must be true or false, found the text \"maybe\"",
        2,
        "isActive",
    );
    csv_case(
        &format!("{head}SP,G,hg@example.com,a@example.com,null\n"),
        "isActive cannot be absent, it has a default",
        2,
        "isActive",
    );
}

#[test]
fn department_and_is_active_from_data_name_their_key_path() {
    let data = serde_json::json!([{
        "service_provider_id": "SP", "group_id": "G", "service_user_id": "hg@example.com",
        "agent_user_id": ["a@example.com"],
        "is_active": "maybe",
        "service_instance_profile": {"department": {"name": "Sales", "level": 1}},
    }]);
    let d = huntctl::api::load_data("data", &data).unwrap_err();
    let paths: Vec<&str> = d
        .items
        .iter()
        .filter_map(|i| i.location.path.as_deref())
        .collect();
    assert!(paths.contains(&"data[0].is_active"), "{paths:?}");
    assert!(
        paths.contains(&"data[0].service_instance_profile.department.level"),
        "{paths:?}"
    );
    let good = serde_json::json!([{
        "service_provider_id": "SP", "group_id": "G", "service_user_id": "hg@example.com",
        "agent_user_id": ["a@example.com"], "is_active": false,
        "service_instance_profile": {"department": {"name": "Sales", "enterprise": true}},
    }]);
    let s = huntctl::api::load_data("data", &good).unwrap();
    assert!(!s.hunt_groups[0].is_active);
    assert_eq!(
        s.hunt_groups[0].service_instance_profile.department,
        Field::Value(Department::enterprise("Sales"))
    );
}

#[test]
fn department_and_is_active_survive_both_writers() {
    let mut a = HuntGroup::with_defaults("SP", "G", "a@example.com");
    a.agents = vec![Agent::new("x@example.com")];
    a.service_instance_profile.department = Field::Value(Department::group("Sales"));
    a.is_active = false;
    let mut b = HuntGroup::with_defaults("SP", "G", "b@example.com");
    b.agents = vec![Agent::new("x@example.com")];
    b.service_instance_profile.department = Field::Value(Department::enterprise("HQ: Ops"));
    let mut c = HuntGroup::with_defaults("SP", "G", "c@example.com");
    c.agents = vec![Agent::new("x@example.com")];
    c.service_instance_profile.department = Field::Absent;
    let d = {
        let mut d = HuntGroup::with_defaults("SP", "G", "d@example.com");
        d.agents = vec![Agent::new("x@example.com")];
        d
    };
    let groups = vec![a, b, c, d];

    let y = desired::to_yaml(&groups);
    assert!(y.contains("      department: Sales\n"), "{y}");
    assert!(
        y.contains("      department: {name: \"HQ: Ops\", enterprise: true}\n"),
        "{y}"
    );
    assert!(y.contains("      department: null\n"), "{y}");
    assert!(y.contains("    isActive: false\n"), "{y}");
    assert_eq!(
        y.matches("isActive").count(),
        1,
        "the default is left out:\n{y}"
    );
    assert_eq!(ok("w.yaml", &y).hunt_groups, groups, "{y}");

    let c = desired::to_csv(&groups);
    let header = c.lines().next().unwrap();
    // The template's own columns come first, unchanged, so the reference sheets still load.
    let template =
        std::fs::read_to_string(root().join("tests/fixtures/reference/hunt.group.create.csv"))
            .unwrap();
    let template_header = template.lines().next().unwrap();
    assert!(header.starts_with(template_header), "{header}");
    assert_eq!(
        &header[template_header.len()..],
        ",serviceInstanceProfile.department,serviceInstanceProfile.departmentIsEnterprise,isActive"
    );
    assert_eq!(ok("w.csv", &c).hunt_groups, groups, "{c}");

    // Without the new fields, the sheet is exactly the template's columns.
    let plain = &groups[3..];
    let c = desired::to_csv(plain);
    assert_eq!(c.lines().next(), Some(template_header));
    assert!(!desired::to_yaml(plain).contains("department"));
}

#[test]
fn the_writers_template_is_the_reference_template() {
    // The CSV writer takes its column order from templates/; it must be the reference sheet.
    let ours = std::fs::read_to_string(root().join("crates/core/templates/hunt.group.create.csv"))
        .unwrap();
    let reference =
        std::fs::read_to_string(root().join("tests/fixtures/reference/hunt.group.create.csv"))
            .unwrap();
    assert_eq!(ours, reference);
    // Every template column is a field the loader knows.
    let s = ok("t.csv", &format!("{}\n", reference.lines().next().unwrap()));
    assert!(s.hunt_groups.is_empty());
}

#[test]
fn readme_lists_every_default_of_the_table() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for d in table::FIELDS {
        let table::Presence::Default(v) = d.presence else {
            continue;
        };
        let shown = match v {
            table::Default::Bool(b) => b.to_string(),
            table::Default::Int(n) => n.to_string(),
            table::Default::Text(t) => t.to_string(),
            table::Default::Policy(p) => p.as_str().to_string(),
            table::Default::Empty => "[]".to_string(),
        };
        let row = format!("| {} | `{shown}`", d.path);
        assert!(readme.contains(&row), "README.md lacks the row {row:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// JSON Schema

fn schema() -> serde_json::Value {
    let text = std::fs::read_to_string(root().join("schemas/huntgroups.schema.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn keys(v: &serde_json::Value) -> std::collections::BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

#[test]
fn committed_schema_is_the_generated_one() {
    let path = root().join("schemas/huntgroups.schema.json");
    let generated = desired::json_schema();
    if std::env::var_os("HUNTCTL_BLESS").is_some() {
        let text = serde_json::to_string_pretty(&generated).unwrap() + "\n";
        std::fs::write(&path, text).unwrap();
    }
    assert!(
        schema() == generated,
        "schemas/huntgroups.schema.json is not the schema the field table gives: run\n  \
         HUNTCTL_BLESS=1 cargo test --test desired committed_schema_is_the_generated_one"
    );
}

#[test]
fn schema_matches_the_loader_fields() {
    let s = schema();
    let group = keys(&s["$defs"]["group"]["properties"]);
    let profile = keys(&s["$defs"]["profile"]["properties"]);
    let mut want_group = std::collections::BTreeSet::new();
    let mut want_profile = std::collections::BTreeSet::new();
    for d in table::FIELDS {
        let set = if d.in_profile() {
            &mut want_profile
        } else {
            &mut want_group
        };
        set.insert(d.key().to_string());
        set.insert(d.snake.to_string());
    }
    want_group.insert(raw::PROFILE.to_string());
    want_group.insert(raw::PROFILE_SNAKE.to_string());
    want_group.insert(raw::OPERATION_KEY.to_string());
    // The lifecycle keys (issue 24): not fields, read beside them.
    let lifecycle = [
        raw::IGNORE_KEY,
        raw::RENAMED_FROM_KEY,
        raw::RENAMED_FROM_SNAKE,
        raw::PROTECT_KEY,
    ];
    want_group.extend(lifecycle.iter().map(|k| k.to_string()));
    // The blocks of the hunt group's user (issue 25), each setting from its table.
    want_group.insert(huntctl::model::services::SERVICES.to_string());
    for b in huntctl::model::services::Block::ALL {
        want_group.insert(b.key().to_string());
        want_group.insert(b.snake().to_string());
        let block = keys(&s["$defs"]["group"]["properties"][b.key()]["properties"]);
        for st in b.settings() {
            assert!(
                block.contains(st.key) && block.contains(st.snake),
                "{}",
                st.path()
            );
        }
    }
    assert_eq!(group, want_group);
    assert_eq!(profile, want_profile);
    // Every schema key is accepted by the loader, at the right level.
    for k in &group {
        assert!(
            raw::lookup_key(k, false).is_some()
                || k == raw::PROFILE
                || k == raw::PROFILE_SNAKE
                || k == raw::OPERATION_KEY
                || lifecycle.contains(&k.as_str())
                || huntctl::desired::services::is_block_key(k),
            "{k}"
        );
    }
    for k in &profile {
        assert!(raw::lookup_key(k, true).is_some(), "{k}");
    }
    // Lengths and ranges agree.
    for d in table::FIELDS {
        let props = if d.in_profile() {
            &s["$defs"]["profile"]["properties"]
        } else {
            &s["$defs"]["group"]["properties"]
        };
        let p = &props[d.key()];
        match d.ty {
            table::Ty::Text { min, max, .. } => {
                assert_eq!(p["minLength"], min, "{}", d.path);
                assert_eq!(p["maxLength"], max, "{}", d.path);
            }
            table::Ty::Int { min, max } => {
                assert_eq!(p["minimum"], min, "{}", d.path);
                assert_eq!(p["maximum"], max, "{}", d.path);
            }
            table::Ty::Bool => assert_eq!(p["type"], "boolean", "{}", d.path),
            _ => {}
        }
        assert!(
            p["description"]
                .as_str()
                .is_some_and(|t| t.starts_with(d.doc)),
            "{}",
            d.path
        );
    }
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            // examples/ci holds CI pipeline files, not desired state.
            if p.file_name().is_some_and(|n| n == "ci") {
                continue;
            }
            yaml_files(&p, out);
        } else if matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")) {
            out.push(p);
        }
    }
}

/// A YAML document as JSON (for the JSON schema), read with the loader's YAML library.
fn yaml_to_json(text: &str) -> serde_json::Value {
    use saphyr::{LoadableYamlNode, Scalar, Yaml};
    fn conv(y: &Yaml) -> serde_json::Value {
        match y {
            Yaml::Value(Scalar::Null) => serde_json::Value::Null,
            Yaml::Value(Scalar::Boolean(b)) => (*b).into(),
            Yaml::Value(Scalar::Integer(i)) => (*i).into(),
            Yaml::Value(Scalar::FloatingPoint(f)) => serde_json::json!(f.into_inner()),
            Yaml::Value(Scalar::String(s)) => s.to_string().into(),
            Yaml::Sequence(items) => items.iter().map(conv).collect(),
            Yaml::Mapping(m) => m
                .iter()
                .map(|(k, v)| (k.as_str().unwrap_or_default().to_string(), conv(v)))
                .collect::<serde_json::Map<_, _>>()
                .into(),
            Yaml::Tagged(_, inner) => conv(inner),
            other => panic!("unexpected YAML node {other:?}"),
        }
    }
    let docs = Yaml::load_from_str(text).unwrap_or_else(|e| panic!("invalid YAML: {e}\n{text}"));
    docs.first().map(conv).unwrap_or(serde_json::Value::Null)
}

#[test]
fn every_example_yaml_validates_against_the_schema() {
    let validator = jsonschema::validator_for(&schema()).unwrap();
    let mut files = Vec::new();
    yaml_files(&root().join("examples"), &mut files);
    assert!(files.len() >= 5, "{files:?}");
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let v = yaml_to_json(&text);
        let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", f.display());
    }
    // The schema really rejects what the loader rejects.
    for bad in [
        format!("{BASE}    polcy: Regular\n"),
        format!("{BASE}    noAnswerNumberOfRings: 21\n"),
        "- serviceProviderId: SP\n  groupId: G\n  serviceUserId: hg@example.com\n".to_string(),
        format!("{BASE}    serviceInstanceProfile:\n      alias: [a, b, c, d]\n"),
        format!("{BASE}    isActive: maybe\n"),
        format!("{BASE}    isActive: null\n"),
        format!(
            "{BASE}    serviceInstanceProfile:\n      department: {}\n",
            "x".repeat(51)
        ),
        format!("{BASE}    serviceInstanceProfile:\n      department: {{name: Sales, level: 2}}\n"),
        format!("{BASE}    serviceInstanceProfile:\n      department: {{enterprise: true}}\n"),
        format!("{BASE}    serviceInstanceProfile:\n      department: 7\n"),
    ] {
        let v = yaml_to_json(&bad);
        assert!(!validator.is_valid(&v), "schema accepted:\n{bad}");
        assert!(load_str("bad.yaml", &bad).is_err());
    }
    // And accepts what the loader accepts.
    for good in [
        format!("{BASE}    isActive: false\n"),
        format!("{BASE}    is_active: true\n"),
        format!("{BASE}    serviceInstanceProfile:\n      department: Sales\n"),
        format!("{BASE}    serviceInstanceProfile:\n      department: null\n"),
        format!("{BASE}    serviceInstanceProfile:\n      department: {{name: Sales, enterprise: true}}\n"),
        format!("{BASE}    serviceInstanceProfile:\n      department: {{name: Sales}}\n"),
    ] {
        let v = yaml_to_json(&good);
        let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{good}: {errors:?}");
        ok("good.yaml", &good);
    }
}

// ---------------------------------------------------------------------------------------------
// The command

#[test]
fn validate_command() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let examples = root().join("examples/huntgroups");
    let examples = examples.to_str().unwrap();
    let minimal = root().join("examples/reference/minimal.csv");
    let minimal = minimal.to_str().unwrap();
    let o = huntctl(d).run(["validate", examples]);
    assert_eq!(
        (o.code, o.stdout.trim()),
        (0, "5 hunt groups in 2 files are valid")
    );
    let o = huntctl(d).run(["validate", minimal]);
    assert_eq!(
        (o.code, o.stdout.trim()),
        (0, "1 hunt group in 1 file is valid")
    );

    let inputs = d.join("inputs");
    std::fs::create_dir(&inputs).unwrap();
    let bad = inputs.join("bad.yaml");
    std::fs::write(&bad, format!("{BASE}    policy: Wieghted\n")).unwrap();
    std::fs::write(inputs.join("notes.txt"), "ignored").unwrap();
    let bad_s = bad.to_str().unwrap();
    let o = huntctl(d).run(["validate", inputs.to_str().unwrap()]);
    let err = &o.stderr;
    assert_eq!(o.code, 1, "{}{err}", o.stdout);
    assert!(err.contains("unknown policy \"Wieghted\""), "{err}");
    assert!(err.contains(&format!("{bad_s}:7:13")), "{err}");
    assert!(err.contains("1 error: desired state is not valid"), "{err}");

    let o = huntctl(d).run(["validate", "--format", "json", bad_s]);
    assert_eq!(o.code, 1);
    let j: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(j["diagnostics"][0]["file"], bad_s);
    assert_eq!(j["diagnostics"][0]["line"], 7);

    let o = huntctl(d).run(["validate", "--format", "json", examples]);
    assert_eq!(o.code, 0);
    let j: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(
        (j["valid"].as_bool(), j["huntGroups"].as_u64()),
        (Some(true), Some(5))
    );

    let o = huntctl(d).run(["validate", "does/not/exist.yaml"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("no such file or directory"),
        "{}",
        o.stderr
    );

    let o = huntctl(d).run(["validate", "--help"]);
    assert_eq!(o.code, 0);
    assert!(o.stdout.contains("--format"), "{}", o.stdout);
}

#[test]
fn location_display_names_row_and_column() {
    let l = Location {
        file: "s.csv".into(),
        line: 3,
        column: 9,
        row: Some(3),
        column_header: Some("policy".into()),
        path: None,
        span: None,
    };
    assert_eq!(l.to_string(), "s.csv:3:9 (row 3, column policy)");
}

#[test]
fn groups_built_in_code_are_checked_with_the_same_rules() {
    let mut g = HuntGroup::with_defaults("SP", "G", "hg@example.com");
    g.agents = vec![Agent::new("a@example.com")];
    assert!(desired::validate(std::slice::from_ref(&g)).is_ok());
    let mut bad = g.clone();
    bad.no_answer_number_of_rings = 42;
    bad.agents.push(Agent {
        user_id: "b@example.com".into(),
        weight: Some(10),
    });
    let d = desired::validate(&[g.clone(), bad, g]).unwrap_err();
    let msgs: Vec<&str> = d.items.iter().map(|i| i.message.as_str()).collect();
    assert_eq!(
        msgs,
        vec![
            "noAnswerNumberOfRings must be from 1 to 20, found 42",
            "agent weights apply only to Weighted hunt groups, this one is Regular",
            "hunt group hg@example.com is defined twice",
        ]
    );
    assert_eq!(d.items[0].location.file, "hunt group #2 (hg@example.com)");
}
