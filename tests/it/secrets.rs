//! Secret references for hunt group passwords (issue 26): `{env: NAME}` / `{file: PATH}` in
//! YAML, `env:NAME` / `file:PATH` in CSV. Applied for real against a sandbox; the values are
//! then looked for in everything huntctl wrote or printed.

use crate::support::{huntctl, SandboxOpts};

const ENV_SECRET: &str = "EnvSecret-7341";
const FILE_SECRET: &str = "FileSecret-9926";

const YAML: &str = "\
defaults:
  serviceProviderId: MyServiceProvider
  groupId: SalesGroup
huntGroups:
  - serviceUserId: ref-env@company.com
    serviceInstanceProfile:
      name: Env Ref
      callingLineIdLastName: Env
      callingLineIdFirstName: Ref
      password: {env: HG_PASSWORD}
    agentUserId: [john.doe@company.com]
  - serviceUserId: ref-file@company.com
    serviceInstanceProfile:
      name: File Ref
      callingLineIdLastName: File
      callingLineIdFirstName: Ref
      password:
        file: secrets/hg.txt
    agentUserId: [john.doe@company.com]
";

const CSV: &str = "\
serviceProviderId,groupId,serviceUserId,serviceInstanceProfile.name,serviceInstanceProfile.callingLineIdLastName,serviceInstanceProfile.callingLineIdFirstName,serviceInstanceProfile.password,agentUserId[0]
MyServiceProvider,SupportGroup,csv-env@company.com,Csv Env,Csv,Env,env:HG_PASSWORD,support1@company.com
MyServiceProvider,SupportGroup,csv-file@company.com,Csv File,Csv,File,file:secrets/hg.txt,support1@company.com
";

/// The desired state in `dir/hg/` (the file reference relative to it).
fn write_desired(dir: &std::path::Path) {
    std::fs::create_dir_all(dir.join("hg/secrets")).unwrap();
    std::fs::write(dir.join("hg/a.yaml"), YAML).unwrap();
    std::fs::write(dir.join("hg/b.csv"), CSV).unwrap();
    std::fs::write(dir.join("hg/secrets/hg.txt"), format!("{FILE_SECRET}\n")).unwrap();
}

#[test]
fn referenced_passwords_are_set_and_appear_nowhere_huntctl_writes() {
    let sb = SandboxOpts::new().record().start();
    write_desired(sb.dir());
    let run = || sb.connected().env("HG_PASSWORD", ENV_SECRET);

    let mut seen = String::new();
    for format in ["text", "json", "markdown"] {
        let out = run().run(["plan", "hg", "--format", format]);
        assert_eq!(out.code, 0, "{}", out.all());
        seen.push_str(&out.all());
    }
    let text = run().run(["plan", "hg"]).stdout;
    assert!(
        text.contains("serviceInstanceProfile.password = (sensitive, from env HG_PASSWORD)")
            && text.contains("(sensitive, from file hg/secrets/hg.txt)"),
        "{text}"
    );
    let out = run().run(["plan", "hg", "--out", "plan.json"]);
    assert_eq!(out.code, 0, "{}", out.all());
    seen.push_str(&out.all());

    let out = run().run([
        "-vv",
        "apply",
        "--plan",
        "plan.json",
        "--auto-approve",
        "--report",
        "report.json",
        "--undo-out",
        "undo.json",
    ]);
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(out.stderr.contains("DEBUG"), "-vv logs: {}", out.stderr);
    seen.push_str(&out.all());
    for id in [
        "ref-env@company.com",
        "ref-file@company.com",
        "csv-env@company.com",
        "csv-file@company.com",
    ] {
        let hg = sb.hg(id).unwrap_or_else(|| panic!("{id} not created"));
        assert!(hg.password_set, "{id}: the sandbox has no password set");
    }
    for f in ["plan.json", "report.json", "undo.json"] {
        seen.push_str(&std::fs::read_to_string(sb.path(f)).unwrap());
    }
    seen.push_str(&sb.record());
    // The record holds the creates (their password elements masked): it is not empty.
    assert!(sb.record().contains("GroupHuntGroupAddInstanceRequest"));
    for secret in [ENV_SECRET, FILE_SECRET] {
        assert!(!seen.contains(secret), "{secret} leaked:\n{seen}");
    }
}

#[test]
fn an_unset_variable_is_a_diagnostic_at_the_reference_and_nothing_is_sent() {
    let sb = SandboxOpts::new().record().start();
    write_desired(sb.dir());
    for cmd in [
        vec!["validate", "hg"],
        vec!["plan", "hg"],
        vec!["apply", "hg", "--auto-approve"],
    ] {
        let out = sb.connected().run(&cmd);
        assert_eq!(out.code, 1, "{cmd:?}: {}", out.all());
        assert!(
            out.stderr
                .contains("the environment variable HG_PASSWORD is not set"),
            "{}",
            out.stderr
        );
        // The YAML reference (line 10, column 17) and the CSV cell (row 2).
        assert!(out.stderr.contains("[hg/a.yaml:10:17]"), "{}", out.stderr);
        assert!(out.stderr.contains("[hg/b.csv:2:"), "{}", out.stderr);
        // The reference is shown (it is not the secret).
        assert!(out.stderr.contains("{env: HG_PASSWORD}"), "{}", out.stderr);
    }
    assert_eq!(sb.record_len(), 0, "sent: {}", sb.record());

    // An unreadable file, the same way.
    std::fs::remove_file(sb.path("hg/secrets/hg.txt")).unwrap();
    let out = sb
        .connected()
        .env("HG_PASSWORD", ENV_SECRET)
        .run(["plan", "hg"]);
    assert_eq!(out.code, 1, "{}", out.all());
    assert!(
        out.stderr.contains("cannot read hg/secrets/hg.txt"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("[hg/a.yaml:18:9]"), "{}", out.stderr);
    assert_eq!(sb.record_len(), 0, "sent: {}", sb.record());
}

#[test]
fn validate_warns_once_per_file_about_a_password_in_clear() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = YAML.replace("{env: HG_PASSWORD}", "clear-one").replace(
        "password:\n        file: secrets/hg.txt",
        "password: clear-two",
    );
    std::fs::write(dir.path().join("clear.yaml"), yaml).unwrap();
    let out = huntctl(dir.path()).run(["validate", "clear.yaml", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.all());
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let warnings: Vec<_> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "huntctl::password_in_clear")
        .collect();
    assert_eq!(warnings.len(), 1, "{}", out.stdout);
    assert!(!out.all().contains("clear-one") && !out.all().contains("clear-two"));
}

#[test]
fn malformed_references_are_refused_with_their_location() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = YAML.replace("{env: HG_PASSWORD}", "{vault: bw/hg}");
    std::fs::write(dir.path().join("bad.yaml"), yaml).unwrap();
    std::fs::write(
        dir.path().join("bad.csv"),
        CSV.replace("env:HG_PASSWORD", "env:"),
    )
    .unwrap();
    let out = huntctl(dir.path()).run(["validate", "bad.yaml", "bad.csv"]);
    assert_eq!(out.code, 1, "{}", out.all());
    assert!(
        out.stderr.contains("unknown reference `vault`"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("[bad.yaml:10:17]"), "{}", out.stderr);
    assert!(
        out.stderr.contains("the variable's name is empty"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("huntctl::bad_secret_ref"),
        "{}",
        out.stderr
    );
}

#[test]
fn export_writes_no_password() {
    let sb = SandboxOpts::new().start();
    write_desired(sb.dir());
    let out = sb
        .connected()
        .env("HG_PASSWORD", ENV_SECRET)
        .run(["apply", "hg", "--auto-approve"]);
    assert_eq!(out.code, 0, "{}", out.all());
    for format in ["yaml", "csv"] {
        let out = sb.connected().run([
            "export",
            "--service-provider",
            "MyServiceProvider",
            "--format",
            format,
        ]);
        assert_eq!(out.code, 0, "{}", out.all());
        assert!(out.stdout.contains("ref-env@company.com"), "{}", out.stdout);
        assert!(!out.stdout.contains(ENV_SECRET), "{}", out.stdout);
    }
}

#[test]
fn the_schema_takes_references_and_refuses_other_mappings() {
    let path = crate::support::run::checkout().join("schemas/huntgroups.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let with = |password: serde_json::Value| {
        serde_json::json!([{
            "serviceProviderId": "SP", "groupId": "G", "serviceUserId": "h@example.com",
            "serviceInstanceProfile": {"name": "H", "callingLineIdLastName": "L",
                                       "callingLineIdFirstName": "F", "password": password},
            "agentUserId": ["a@example.com"],
        }])
    };
    for ok in [
        serde_json::json!({"env": "HG_PASSWORD"}),
        serde_json::json!({"file": "secrets/hg.txt"}),
        serde_json::json!("literal-1"),
    ] {
        assert!(validator.is_valid(&with(ok.clone())), "{ok}");
    }
    for bad in [
        serde_json::json!({"vault": "x"}),
        serde_json::json!({"env": "A", "file": "b"}),
        serde_json::json!({"env": ""}),
    ] {
        assert!(!validator.is_valid(&with(bad.clone())), "{bad}");
    }
}
