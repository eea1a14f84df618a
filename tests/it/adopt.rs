//! Adoption: `export` → `plan` round trips against a sandbox, `convert` round trips, the CI
//! examples' huntctl command lines run against a sandbox, and `completions`.

use clap::Parser;
use huntctl::desired;
use huntctl::model::{Field, HuntGroup, Policy};
use std::path::{Path, PathBuf};

use crate::support::{huntctl, Sandbox, SandboxOpts};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

// ---------------------------------------------------------------------------------------------
// export → plan

const SP: &str = "ACME & Söhne";
const SALES: &str = "Ventes";
const TOKYO: &str = "Tokyo-営業";

fn user(id: &str) -> serde_json::Value {
    serde_json::json!({"userId": id, "lastName": "Agent", "firstName": id.split('@').next().unwrap()})
}

/// Every kind of hunt group the sandbox holds: every policy, every optional field, aliases,
/// weights, national and E.164 numbers, SIP URIs, and text with accents, hiragana, `&`, `<`,
/// quotes, commas and a newline; plus one without agents, which a desired state cannot hold.
fn seed() -> serde_json::Value {
    let sales_users: Vec<serde_json::Value> = ["a1", "a2", "a3", "a4"]
        .iter()
        .map(|u| user(&format!("{u}@acme.example")))
        .collect();
    serde_json::json!({
      "formatVersion": 1,
      "serviceProviders": [{
        "id": SP,
        "groups": [
          {
            "id": SALES, "countryCode": "1", "departments": [],
            "phoneNumbers": ["2025550100", "2025550101", "2025550102", "2025550103"],
            "users": sales_users,
            "huntGroups": [
              {"serviceUserId": "regular@acme.example", "name": "Test Group Name",
               "callingLineIdLastName": "Last Name", "callingLineIdFirstName": "First Name",
               "agents": [{"userId": "a1@acme.example"}]},
              {"serviceUserId": "circular@acme.example", "name": "Équipe Café & Co",
               "callingLineIdLastName": "O'Brien \"Q\"", "callingLineIdFirstName": "Zoë, Ann",
               "hiraganaLastName": "やまだ", "hiraganaFirstName": "たろう",
               "phoneNumber": "2025550101", "extension": "0101", "language": "English",
               "timeZone": "Europe/Paris",
               "alias": ["c1@acme.example", "c2@acme.example", "c3@acme.example"],
               "publicUserIdentity": "pui-circular@acme.example",
               "callingLineIdPhoneNumber": "+1-2025550102",
               "policy": "Circular", "huntAfterNoAnswer": false, "noAnswerNumberOfRings": 20,
               "forwardAfterTimeout": true, "forwardTimeoutSeconds": 7200,
               "forwardToPhoneNumber": "+12025550199",
               "allowCallWaitingForAgents": false, "useSystemHuntGroupCLIDSetting": false,
               "includeHuntGroupNameInCLID": false, "enableNotReachableForwarding": true,
               "notReachableForwardToPhoneNumber": "backup@acme.example",
               "makeBusyWhenNotReachable": true, "allowMembersToControlGroupBusy": true,
               "enableGroupBusy": true, "applyGroupBusyWhenTerminatingToAgent": true,
               "networkClassOfService": "Premium",
               "agents": [{"userId": "a2@acme.example"}, {"userId": "a1@acme.example"}]},
              {"serviceUserId": "simultaneous@acme.example", "name": "Line one\nLine two",
               "callingLineIdLastName": "a,b", "callingLineIdFirstName": "\"quoted\"",
               "policy": "Simultaneous",
               "agents": [{"userId": "a3@acme.example"}, {"userId": "a4@acme.example"},
                          {"userId": "a1@acme.example"}]},
              {"serviceUserId": "uniform@acme.example", "name": "<tag> & 'q'",
               "callingLineIdLastName": "Uniform", "callingLineIdFirstName": "Team",
               "phoneNumber": "+1-2025550103", "policy": "Uniform",
               "noAnswerNumberOfRings": 1, "forwardTimeoutSeconds": 0,
               "forwardToPhoneNumber": "2025550198",
               "agents": [{"userId": "a4@acme.example"}]},
              {"serviceUserId": "weighted@acme.example", "name": "Weighted",
               "callingLineIdLastName": "Weighted", "callingLineIdFirstName": "Team",
               "policy": "Weighted",
               "agents": [{"userId": "a1@acme.example", "weight": 0},
                          {"userId": "a2@acme.example", "weight": 50},
                          {"userId": "a3@acme.example", "weight": 100}]},
              {"serviceUserId": "empty@acme.example", "name": "No agents",
               "callingLineIdLastName": "No", "callingLineIdFirstName": "Agents", "agents": []}
            ]
          },
          {
            "id": TOKYO, "countryCode": "81", "departments": [],
            "phoneNumbers": ["312345678"],
            "users": [user("t1@acme.example"), user("t2@acme.example")],
            "huntGroups": [
              {"serviceUserId": "tokyo@acme.example", "name": "東京営業",
               "callingLineIdLastName": "営業", "callingLineIdFirstName": "東京",
               "hiraganaLastName": "えいぎょう", "hiraganaFirstName": "とうきょう",
               "phoneNumber": "312345678", "extension": "2001", "language": "Japanese",
               "timeZone": "Asia/Tokyo", "policy": "Weighted",
               "agents": [{"userId": "t2@acme.example", "weight": 70},
                          {"userId": "t1@acme.example", "weight": 30}]}
            ]
          }
        ]
      }]
    })
}

/// The hunt groups the seed holds that a desired state can hold (all but the agentless one).
const EXPORTABLE: [&str; 6] = [
    "regular@acme.example",
    "circular@acme.example",
    "simultaneous@acme.example",
    "uniform@acme.example",
    "weighted@acme.example",
    "tokyo@acme.example",
];

fn by_id<'a>(groups: &'a [HuntGroup], id: &str) -> &'a HuntGroup {
    groups
        .iter()
        .find(|g| g.service_user_id == id)
        .unwrap_or_else(|| panic!("{id} not exported"))
}

/// What the exported files must say, read back through the loader.
fn check_loaded(groups: &[HuntGroup]) {
    let mut ids: Vec<&str> = groups.iter().map(|g| g.service_user_id.as_str()).collect();
    ids.sort_unstable();
    let mut want = EXPORTABLE.to_vec();
    want.sort_unstable();
    assert_eq!(ids, want);

    let c = by_id(groups, "circular@acme.example");
    let p = &c.service_instance_profile;
    assert_eq!(c.service_provider_id, SP);
    assert_eq!(p.name, "Équipe Café & Co");
    assert_eq!(p.calling_line_id_last_name, "O'Brien \"Q\"");
    assert_eq!(p.calling_line_id_first_name, "Zoë, Ann");
    assert_eq!(p.hiragana_last_name, Field::Value("やまだ".into()));
    assert_eq!(p.extension, Field::Value("0101".into()));
    assert_eq!(p.alias.len(), 3);
    assert_eq!(
        c.not_reachable_forward_to_phone_number,
        Field::Value("backup@acme.example".into())
    );
    assert_eq!(c.policy, Policy::Circular);
    assert_eq!(c.no_answer_number_of_rings, 20);
    assert_eq!(c.forward_timeout_seconds, 7200);
    assert!(!c.hunt_after_no_answer && c.enable_group_busy && !c.allow_call_waiting_for_agents);
    assert_eq!(
        c.agents
            .iter()
            .map(|a| a.user_id.as_str())
            .collect::<Vec<_>>(),
        ["a2@acme.example", "a1@acme.example"]
    );
    assert!(c.agents.iter().all(|a| a.weight.is_none()));

    let s = by_id(groups, "simultaneous@acme.example");
    assert_eq!(s.service_instance_profile.name, "Line one\nLine two");
    assert_eq!(s.service_instance_profile.calling_line_id_last_name, "a,b");

    let w = by_id(groups, "weighted@acme.example");
    let weights: Vec<Option<u8>> = w.agents.iter().map(|a| a.weight).collect();
    assert_eq!(weights, [Some(0), Some(50), Some(100)]);

    let t = by_id(groups, "tokyo@acme.example");
    assert_eq!(t.group_id, TOKYO);
    assert_eq!(t.service_instance_profile.name, "東京営業");
    assert_eq!(
        t.service_instance_profile.hiragana_first_name,
        Field::Value("とうきょう".into())
    );

    // Fields not set on the server are left out (unmanaged), so they stay small.
    let r = by_id(groups, "regular@acme.example");
    assert_eq!(r.service_instance_profile.language, Field::Unmanaged);
    assert_eq!(r.service_instance_profile.phone_number, Field::Unmanaged);
}

fn export_args<'a>(format: &'a str, out: &'a str) -> Vec<&'a str> {
    vec![
        "export",
        "--service-provider",
        SP,
        "--group",
        SALES,
        "--group",
        TOKYO,
        "--format",
        format,
        "-o",
        out,
    ]
}

fn assert_no_changes(sb: &Sandbox, path: &str) {
    let o = sb.connected().run(["plan", path, "--detailed-exitcode"]);
    assert_eq!(o.code, 0, "{o}");
    let out = &o.stdout;
    assert!(out.contains("No changes"), "{o}");
    for id in EXPORTABLE {
        assert!(out.contains(&format!("{id} is unchanged")), "{o}");
    }
    // The agentless hunt group was left out of the files, so plan leaves it alone.
    assert!(out.contains("empty@acme.example"), "{o}");
}

#[test]
fn export_then_plan_shows_no_changes_for_yaml_and_csv_files_and_directories() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sb = SandboxOpts::new().in_dir(d).seed(&seed()).start();

    for (format, out) in [
        ("yaml", "all.yaml"),
        ("csv", "all.csv"),
        ("yaml", "yaml-dir/"),
        ("csv", "csv-dir/"),
    ] {
        let o = sb.connected().run(export_args(format, out));
        assert_eq!(o.code, 0, "{o}");
        let err = &o.stderr;
        assert!(err.contains("Exported 6 of 7 hunt groups"), "{err}");
        assert!(
            err.contains("empty@acme.example was not exported") && err.contains("agent"),
            "{err}"
        );
        assert!(!err.contains("admin\n") && !o.stdout.contains("admin"));
        let loaded = desired::load_paths(&[d.join(out)]).unwrap_or_else(|e| {
            panic!("{out} does not load:\n{}", e.render(false));
        });
        check_loaded(&loaded.hunt_groups);
        assert_no_changes(&sb, out);
    }

    // The YAML says why there are no passwords and which hunt group was left out, groups its
    // hunt groups under defaults:, and leaves default values out.
    let yaml = std::fs::read_to_string(d.join("all.yaml")).unwrap();
    assert!(
        yaml.contains("# Passwords cannot be read from BroadWorks"),
        "{yaml}"
    );
    assert!(
        yaml.contains("# Not exported: empty@acme.example"),
        "{yaml}"
    );
    assert!(
        yaml.contains("defaults:\n  serviceProviderId: ACME & Söhne\n"),
        "{yaml}"
    );
    let regular = yaml
        .split("- groupId:")
        .find(|s| s.contains("regular@acme.example"))
        .unwrap();
    for default_field in [
        "policy",
        "serviceInstanceProfile",
        "noAnswerNumberOfRings",
        "huntAfterNoAnswer",
    ] {
        assert!(!regular.contains(default_field), "{regular}");
    }
    // One file per group; the file of one group holds both ids under defaults:.
    let sales = std::fs::read_to_string(d.join("yaml-dir/Ventes.yaml")).unwrap();
    assert!(
        sales.contains("defaults:\n  serviceProviderId: ACME & Söhne\n  groupId: Ventes\n"),
        "{sales}"
    );
    assert!(d.join("yaml-dir/Tokyo-__.yaml").is_file());
    assert!(d.join("csv-dir/Ventes.csv").is_file());

    // The CSV is the reference bulk sheet: the template's header, no comment lines.
    let csv = std::fs::read_to_string(d.join("csv-dir/Tokyo-__.csv")).unwrap();
    let template =
        std::fs::read_to_string(root().join("tests/fixtures/reference/hunt.group.create.csv"))
            .unwrap();
    let template_header = template
        .lines()
        .next()
        .unwrap()
        .trim_start_matches('\u{feff}');
    let header = csv.lines().next().unwrap();
    assert!(
        header.starts_with(template_header),
        "{header}\nvs\n{template_header}"
    );
    assert!(header.ends_with("agentWeight[7]"), "{header}");

    // The round trip is not vacuous: a changed value in the exported file is a change.
    let changed = yaml.replace("name: Weighted", "name: Weighted Two");
    assert_ne!(changed, yaml);
    std::fs::write(d.join("changed.yaml"), changed).unwrap();
    let o = sb
        .connected()
        .run(["plan", "changed.yaml", "--detailed-exitcode"]);
    assert_eq!(o.code, 2, "{o}");
    assert!(o.stdout.contains("weighted@acme.example will be updated"));
}

#[test]
fn export_of_a_whole_provider_without_group_then_plan_shows_no_changes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A group without hunt groups, listed first: it adds nothing and breaks nothing.
    let mut seed = seed();
    seed["serviceProviders"][0]["groups"]
        .as_array_mut()
        .unwrap()
        .insert(
            0,
            serde_json::json!({"id": "Zz-Empty", "countryCode": "1", "departments": [],
                "phoneNumbers": [], "users": [], "huntGroups": []}),
        );
    let sb = SandboxOpts::new().in_dir(d).seed(&seed).start();
    for (format, out) in [("yaml", "sp.yaml"), ("csv", "sp.csv"), ("yaml", "sp-dir/")] {
        let o = sb.connected().run([
            "export",
            "--service-provider",
            SP,
            "--format",
            format,
            "-o",
            out,
        ]);
        assert_eq!(o.code, 0, "{o}");
        let err = &o.stderr;
        assert!(err.contains("Exported 6 of 7 hunt groups"), "{err}");
        let loaded = desired::load_paths(&[d.join(out)]).unwrap_or_else(|e| {
            panic!("{out} does not load:\n{}", e.render(false));
        });
        check_loaded(&loaded.hunt_groups);
        assert_no_changes(&sb, out);
    }
    // The note names every group the server listed, in id order.
    let yaml = std::fs::read_to_string(d.join("sp.yaml")).unwrap();
    assert!(
        yaml.contains(&format!("group(s) {TOKYO}, {SALES}, Zz-Empty.")),
        "{yaml}"
    );
    // One file per group that has hunt groups.
    let mut files: Vec<String> = std::fs::read_dir(d.join("sp-dir"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["Tokyo-__.yaml", "Ventes.yaml"]);
}

#[test]
fn export_to_stdout_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sb = SandboxOpts::new().in_dir(d).start();
    // The built-in seed holds the README demo's groups.
    let o = sb.connected().run([
        "export",
        "--service-provider",
        "MyServiceProvider",
        "--group",
        "SupportGroup",
    ]);
    assert_eq!(o.code, 0, "{o}");
    let out = &o.stdout;
    assert!(
        out.contains("serviceUserId: support-hunt@company.com"),
        "{out}"
    );
    assert!(out.contains("groupId: SupportGroup"), "{out}");
    assert!(desired::load_str("stdout.yaml", out).is_ok(), "{out}");

    let o = sb.connected().run([
        "export",
        "--service-provider",
        "MyServiceProvider",
        "--group",
        "NoSuchGroup",
    ]);
    assert_eq!(o.code, 1, "{o}");
    assert!(o.stderr.contains("NoSuchGroup"), "{o}");

    // Without --group, every group of the provider; an unknown provider is an error.
    let o = sb
        .connected()
        .run(["export", "--service-provider", "MyServiceProvider"]);
    assert_eq!(o.code, 0, "{o}");
    let out = &o.stdout;
    for want in [
        "groupId: SalesGroup",
        "groupId: SupportGroup",
        "serviceUserId: sales-hunt@company.com",
        "serviceUserId: support-hunt@company.com",
    ] {
        assert!(out.contains(want), "{want} in {out}");
    }
    assert!(desired::load_str("stdout.yaml", out).is_ok(), "{out}");
    let o = sb
        .connected()
        .run(["export", "--service-provider", "NoSuchSP"]);
    assert_eq!(o.code, 1, "{o}");
    let err = &o.stderr;
    assert!(
        err.contains("cannot list the groups of service provider NoSuchSP") && err.contains("4009"),
        "{}",
        o
    );

    // A file name that contradicts the format is refused before anything is read.
    let o = sb.connected().run([
        "export",
        "--service-provider",
        "MyServiceProvider",
        "--group",
        "SalesGroup",
        "-o",
        "x.csv",
    ]);
    assert_eq!(o.code, 1, "{o}");
    assert!(!d.join("x.csv").exists());

    // The CSV carries no comment; the password note goes to stderr.
    let o = sb.connected().run([
        "export",
        "--service-provider",
        "MyServiceProvider",
        "--group",
        "SalesGroup",
        "--format",
        "csv",
    ]);
    assert_eq!(o.code, 0, "{o}");
    assert!(o.stdout.starts_with("operation,serviceProviderId,"));
    assert!(o
        .stderr
        .contains("Passwords cannot be read from BroadWorks"));
}

// ---------------------------------------------------------------------------------------------
// convert

fn without_passwords(mut groups: Vec<HuntGroup>) -> Vec<HuntGroup> {
    for g in &mut groups {
        g.service_instance_profile.password = None;
    }
    groups
}

/// CSV → YAML → CSV through the binary; every value (but the never-written password) survives.
fn convert_round_trip(csv_path: &Path, work: &Path) {
    let name = csv_path.file_stem().unwrap().to_string_lossy().into_owned();
    let original = desired::load_paths(&[csv_path.to_path_buf()])
        .unwrap_or_else(|e| panic!("{}", e.render(false)))
        .hunt_groups;
    assert!(!original.is_empty());
    let yaml = work.join(format!("{name}.yaml"));
    let back = work.join(format!("{name}.back.csv"));
    let o = huntctl(work).run([
        "convert",
        csv_path.to_str().unwrap(),
        "--to",
        "yaml",
        "-o",
        yaml.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 0, "{o}");
    let o = huntctl(work).run([
        "convert",
        yaml.to_str().unwrap(),
        "--to",
        "csv",
        "-o",
        back.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 0, "{o}");
    let from_yaml = desired::load_paths(std::slice::from_ref(&yaml))
        .unwrap()
        .hunt_groups;
    let from_csv = desired::load_paths(std::slice::from_ref(&back))
        .unwrap()
        .hunt_groups;
    let want = without_passwords(original);
    assert_eq!(
        from_yaml,
        want,
        "{}",
        std::fs::read_to_string(&yaml).unwrap()
    );
    assert_eq!(
        from_csv,
        want,
        "{}",
        std::fs::read_to_string(&back).unwrap()
    );
    // Stable: converting the converted CSV again gives the same text.
    let again = work.join(format!("{name}.again.csv"));
    let o = huntctl(work).run([
        "convert",
        back.to_str().unwrap(),
        "--to",
        "csv",
        "-o",
        again.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 0, "{o}");
    assert_eq!(
        std::fs::read_to_string(&again).unwrap(),
        std::fs::read_to_string(&back).unwrap()
    );
}

#[test]
fn convert_round_trips_the_reference_csv_examples() {
    let dir = tempfile::tempdir().unwrap();
    let mut n = 0;
    for e in std::fs::read_dir(root().join("examples/reference")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "csv") {
            convert_round_trip(&p, dir.path());
            n += 1;
        }
    }
    assert!(n >= 2, "expected the reference CSV examples");
    // The README demo's CSV too.
    convert_round_trip(&root().join("examples/huntgroups/support.csv"), dir.path());
}

/// A CSV that fills every column of the template, plus weights, nulls, and hard text.
fn every_column_csv() -> String {
    let header = [
        "operation",
        "serviceProviderId",
        "groupId",
        "serviceUserId",
        "serviceInstanceProfile.name",
        "serviceInstanceProfile.callingLineIdLastName",
        "serviceInstanceProfile.callingLineIdFirstName",
        "serviceInstanceProfile.hiraganaLastName",
        "serviceInstanceProfile.hiraganaFirstName",
        "serviceInstanceProfile.phoneNumber",
        "serviceInstanceProfile.extension",
        "serviceInstanceProfile.password",
        "serviceInstanceProfile.language",
        "serviceInstanceProfile.timeZone",
        "serviceInstanceProfile.alias[0]",
        "serviceInstanceProfile.alias[1]",
        "serviceInstanceProfile.alias[2]",
        "serviceInstanceProfile.publicUserIdentity",
        "serviceInstanceProfile.callingLineIdPhoneNumber",
        "policy",
        "huntAfterNoAnswer",
        "noAnswerNumberOfRings",
        "forwardAfterTimeout",
        "forwardTimeoutSeconds",
        "allowCallWaitingForAgents",
        "useSystemHuntGroupCLIDSetting",
        "includeHuntGroupNameInCLID",
        "enableNotReachableForwarding",
        "makeBusyWhenNotReachable",
        "allowMembersToControlGroupBusy",
        "enableGroupBusy",
        "applyGroupBusyWhenTerminatingToAgent",
        "forwardToPhoneNumber",
        "notReachableForwardToPhoneNumber",
        "networkClassOfService",
        "agentUserId[0]",
        "agentUserId[1]",
        "agentUserId[2]",
        "agentUserId[3]",
        "agentUserId[4]",
        "agentUserId[5]",
        "agentUserId[6]",
        "agentUserId[7]",
        "agentWeight[0]",
        "agentWeight[1]",
        "agentWeight[2]",
    ];
    let rows: [&[&str]; 3] = [
        &[
            "hunt.group.create",
            "SP & Co",
            "Grüppe",
            "full@example.com",
            "\"Équipe\", \"Café\"",
            "O'Brien",
            "Zoë",
            "やまだ",
            "たろう",
            "+1-2025550100",
            "0100",
            "s3cret-pass",
            "English",
            "America/New_York",
            "a1@example.com",
            "a2@example.com",
            "a3@example.com",
            "pui@example.com",
            "+1-2025550101",
            "Weighted Call Distribution",
            "false",
            "20",
            "true",
            "7200",
            "false",
            "false",
            "false",
            "true",
            "true",
            "true",
            "true",
            "true",
            "+1-2025550199",
            "backup@example.com",
            "Premium",
            "u0@example.com",
            "u1@example.com",
            "u2@example.com",
            "u3@example.com",
            "u4@example.com",
            "u5@example.com",
            "u6@example.com",
            "u7@example.com",
            "0",
            "100",
            "55",
        ],
        &[
            "hunt.group.create",
            "SP & Co",
            "Grüppe",
            "nulls@example.com",
            "Line one\nLine two",
            "a,b",
            "\"q\"",
            "null",
            "null",
            "null",
            "null",
            "",
            "null",
            "null",
            "",
            "",
            "",
            "null",
            "null",
            "circular",
            "TRUE",
            "1",
            "False",
            "0",
            "true",
            "true",
            "true",
            "false",
            "false",
            "false",
            "false",
            "false",
            "null",
            "null",
            "null",
            "u1@example.com",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        &[
            "hunt.group.create",
            "Other SP",
            "G",
            "defaults@example.com",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "u1@example.com",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    ];
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(header).unwrap();
    for r in rows {
        assert_eq!(r.len(), header.len());
        w.write_record(r).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

#[test]
fn convert_round_trips_a_csv_with_every_column() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let path = d.join("every-column.csv");
    std::fs::write(&path, every_column_csv()).unwrap();
    let groups = desired::load_paths(std::slice::from_ref(&path))
        .unwrap_or_else(|e| panic!("{}", e.render(false)))
        .hunt_groups;
    assert_eq!(groups.len(), 3);
    // The generated sheet really fills every kind of value.
    assert_eq!(groups[0].agents.len(), 8);
    assert_eq!(groups[0].agents[1].weight, Some(100));
    assert_eq!(groups[1].service_instance_profile.language, Field::Absent);
    convert_round_trip(&path, d);

    // The password is dropped with a warning, never written.
    let o = huntctl(d).run(["convert", "every-column.csv", "--to", "yaml"]);
    assert_eq!(o.code, 0, "{o}");
    assert!(!o.stdout.contains("s3cret-pass"));
    assert!(!o.stderr.contains("s3cret-pass"));
    assert!(o.stderr.contains("full@example.com"), "{o}");
    // Two providers: ids are spelled out per hunt group.
    assert!(o.stdout.contains("serviceProviderId: Other SP"));

    // -o DIR: one file per (provider, group).
    let o = huntctl(d).run([
        "convert",
        "every-column.csv",
        "--to",
        "yaml",
        "-o",
        "split/",
    ]);
    assert_eq!(o.code, 0, "{o}");
    let mut names: Vec<String> = std::fs::read_dir(d.join("split"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["Other_SP__G.yaml", "SP___Co__Gr_ppe.yaml"]);
    let split = desired::load_paths(&[d.join("split")]).unwrap().hunt_groups;
    assert_eq!(split.len(), 3);
}

#[test]
fn convert_refuses_invalid_input_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("bad.csv"),
        "serviceProviderId,groupId,serviceUserId,policy,agentUserId[0]\nSP,G,hg@example.com,Sometimes,a@example.com\n",
    )
    .unwrap();
    let o = huntctl(d).run(["convert", "bad.csv", "--to", "yaml", "-o", "out.yaml"]);
    assert_eq!(o.code, 1, "{o}");
    assert!(o.stderr.contains("policy"), "{o}");
    assert!(!d.join("out.yaml").exists());
}

// ---------------------------------------------------------------------------------------------
// CI examples

/// Splits a shell command line into words (quotes removed), up to the first operator or
/// redirection; returns the words and where stdout is redirected, if anywhere.
fn shell_words(line: &str) -> (Vec<String>, Option<String>) {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = line.chars().peekable();
    let mut redirect = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, ' ' | '\t') => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            (None, '>') => {
                let rest: String = chars.collect();
                redirect = rest.split_whitespace().next().map(str::to_string);
                break;
            }
            (None, '|' | ';' | '&') => break,
            (None, c) => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    (words, redirect)
}

/// Every huntctl command line in a CI file: each string of the YAML (run: blocks, script:
/// items) split into lines, continuation lines joined, lines that start with `huntctl`.
fn huntctl_lines(doc: &saphyr::Yaml, out: &mut Vec<String>) {
    use saphyr::{Scalar, Yaml};
    match doc {
        Yaml::Value(Scalar::String(s)) => {
            let joined = s.replace("\\\n", " ");
            for line in joined.lines() {
                let t = line.trim();
                if t.starts_with("huntctl ") {
                    out.push(t.to_string());
                }
            }
        }
        Yaml::Sequence(items) => items.iter().for_each(|v| huntctl_lines(v, out)),
        Yaml::Mapping(m) => m.values().for_each(|v| huntctl_lines(v, out)),
        Yaml::Tagged(_, v) => huntctl_lines(v, out),
        _ => {}
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
        }
    }
}

fn run_ci_file(file: &str) -> Vec<String> {
    let text = std::fs::read_to_string(root().join("examples/ci").join(file)).unwrap();
    let docs = <saphyr::Yaml as saphyr::LoadableYamlNode>::load_from_str(&text)
        .unwrap_or_else(|e| panic!("{file} is not valid YAML: {e}"));
    let doc = docs.first().unwrap_or_else(|| panic!("{file} is empty"));
    let mut lines = Vec::new();
    huntctl_lines(doc, &mut lines);
    assert!(lines.len() >= 4, "{file}: {lines:?}");

    // A repository checkout: the desired state in huntgroups/, BroadWorks = a fresh sandbox
    // holding the README demo's seed.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_dir(&root().join("examples/huntgroups"), &d.join("huntgroups"));
    let sb = SandboxOpts::new().in_dir(d).start();
    for line in &lines {
        let (words, redirect) = shell_words(line);
        assert_eq!(words[0], "huntctl", "{line}");
        assert!(
            words.iter().all(|w| !w.contains('$')),
            "{file}: `{line}` depends on a shell variable"
        );
        if let Err(e) = huntctl::cli::Cli::try_parse_from(&words) {
            // clap reports `--version` (the install step's check) as an "error" that prints it.
            use clap::error::ErrorKind::DisplayVersion;
            assert!(
                e.kind() == DisplayVersion,
                "{file}: huntctl does not accept `{line}`:\n{e}"
            );
        }
        let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
        let o = sb.connected().run(&args);
        assert!(matches!(o.code, 0 | 2), "{file}: `{line}` failed:\n{o}");
        assert!(!o.stdout.is_empty() || redirect.is_none(), "{line}");
        if let Some(target) = redirect {
            std::fs::write(d.join(target), &o.stdout).unwrap();
        }
    }
    // The pipeline's products exist: the PR comment, the saved plan, the apply report.
    let md = std::fs::read_to_string(d.join("plan.md")).unwrap();
    assert!(md.contains("sales-hunt@company.com"), "{md}");
    assert!(d.join("plan.json").is_file());
    assert!(d.join("apply-report.json").is_file());
    // After the apply, the drift check found nothing.
    let o = sb
        .connected()
        .run(["plan", "huntgroups/", "--detailed-exitcode"]);
    assert_eq!(o.code, 0, "{o}");
    lines
}

fn has(lines: &[String], parts: &[&str]) -> bool {
    lines.iter().any(|l| parts.iter().all(|p| l.contains(p)))
}

#[test]
fn github_actions_example_runs_against_the_sandbox() {
    let lines = run_ci_file("github-actions.yml");
    assert!(has(
        &lines,
        &["plan", "--format markdown", "--out plan.json"]
    ));
    assert!(has(
        &lines,
        &["apply", "--plan plan.json", "--auto-approve"]
    ));
    assert!(has(&lines, &["plan", "--detailed-exitcode"]));
    let text = std::fs::read_to_string(root().join("examples/ci/github-actions.yml")).unwrap();
    // The comment is updated in place: found by its hidden marker.
    assert!(text.contains("<!-- huntctl-plan -->") && text.contains("updateComment"));
    assert!(text.contains("actions/upload-artifact") && text.contains("actions/download-artifact"));
    assert!(text.contains("schedule:") && text.contains("pull_request:"));
    // The BroadWorks password comes from a secret, never a command line.
    assert!(text.contains("secrets.BROADWORKS_PASSWORD"));
}

#[test]
fn gitlab_ci_example_runs_against_the_sandbox() {
    let lines = run_ci_file("gitlab-ci.yml");
    assert!(has(
        &lines,
        &["plan", "--format markdown", "--out plan.json"]
    ));
    assert!(has(
        &lines,
        &["apply", "--plan plan.json", "--auto-approve"]
    ));
    assert!(has(&lines, &["plan", "--detailed-exitcode"]));
    let text = std::fs::read_to_string(root().join("examples/ci/gitlab-ci.yml")).unwrap();
    assert!(text.contains("<!-- huntctl-plan -->") && text.contains("-X PUT"));
    assert!(text.contains("merge_request_event") && text.contains("schedule"));
}

#[test]
fn shell_words_split_like_a_shell() {
    let (w, r) = shell_words("huntctl plan 'a b' \"c\" --out plan.json > plan.md");
    assert_eq!(w, ["huntctl", "plan", "a b", "c", "--out", "plan.json"]);
    assert_eq!(r.as_deref(), Some("plan.md"));
    let (w, r) = shell_words("huntctl validate x || exit 1");
    assert_eq!(w, ["huntctl", "validate", "x"]);
    assert_eq!(r, None);
}

// ---------------------------------------------------------------------------------------------
// completions

#[test]
fn completions_for_every_shell_name_the_subcommands() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let o = huntctl(dir.path()).run(["completions", shell]);
        assert_eq!(o.code, 0, "{o}");
        let out = &o.stdout;
        for sub in ["export", "convert", "plan", "apply"] {
            assert!(out.contains(sub), "{shell}: no {sub}");
        }
    }
    let o = huntctl(dir.path()).run(["completions", "tcsh"]);
    assert_eq!(o.code, 2, "{o}");
}
