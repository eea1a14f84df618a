//! Named servers in `huntctl.toml`, saved plans that know their server, hints that run as
//! printed, and connection errors that name their cause (issue 26). Two sandboxes stand for a
//! lab and a production system.

use crate::support::{huntctl, Out, Sandbox, SandboxOpts};
use std::path::Path;

fn group(id: &str) -> String {
    format!(
        "- serviceProviderId: MyServiceProvider
  groupId: SalesGroup
  serviceUserId: {id}
  serviceInstanceProfile:
    name: {id}
    callingLineIdLastName: Hunt
    callingLineIdFirstName: Group
  agentUserId: [john.doe@company.com]
"
    )
}

/// A repository with `huntctl.toml` naming `lab` and `prod`, and a directory of desired state
/// for each (`hunt-groups/lab`, `hunt-groups/prod`).
fn repo(lab: &Sandbox, prod: &Sandbox, extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (name, id) in [
        ("lab", "lab-hunt@company.com"),
        ("prod", "prod-hunt@company.com"),
    ] {
        std::fs::create_dir_all(d.join("hunt-groups").join(name)).unwrap();
        std::fs::write(d.join(format!("hunt-groups/{name}/hg.yaml")), group(id)).unwrap();
    }
    let toml = format!(
        r#"default-server = "lab"

[server.lab]
url = "{}"
user = "admin"
password-env = "LAB_PASSWORD"
paths = ["hunt-groups/lab"]
parallelism = 2

[server.prod]
url = "{}"
user = "admin"
password-command = ["sh", "-c", "printf %s prod-pw"]
paths = ["hunt-groups/prod"]
max-rate = 200
{extra}"#,
        lab.url(),
        prod.url()
    );
    std::fs::write(d.join("huntctl.toml"), toml).unwrap();
    dir
}

fn two_servers() -> (Sandbox, Sandbox) {
    (
        SandboxOpts::new().password("lab-pw").record().start(),
        SandboxOpts::new().password("prod-pw").record().start(),
    )
}

fn lab_env(dir: &Path) -> crate::support::run::Huntctl {
    huntctl(dir).env("LAB_PASSWORD", "lab-pw")
}

fn ok(out: &Out) {
    assert_eq!(out.code, 0, "{}", out.all());
}

#[test]
fn server_picks_each_and_paths_refuse_the_other_before_connecting() {
    let (lab, prod) = two_servers();
    let repo = repo(&lab, &prod, "");
    let d = repo.path();

    // --server prod: prod's URL, and its password from password-command.
    let out = lab_env(d).run(["plan", "--server", "prod", "hunt-groups/prod"]);
    ok(&out);
    assert!(
        out.stdout.contains("prod-hunt@company.com will be created"),
        "{}",
        out.stdout
    );
    assert!(prod.record_len() > 0 && lab.record_len() == 0);

    // No --server: the default server, lab; HUNTCTL_SERVER picks prod the same way.
    let out = lab_env(d).run(["plan", "hunt-groups/lab"]);
    ok(&out);
    assert!(lab.record_len() > 0);
    let prod_before = prod.record_len();
    let out = lab_env(d)
        .env("HUNTCTL_SERVER", "prod")
        .run(["plan", "hunt-groups/prod"]);
    ok(&out);
    assert!(prod.record_len() > prod_before);

    // Another server's directory: refused before any connection, naming file and server.
    let (lab_len, prod_len) = (lab.record_len(), prod.record_len());
    for (server, dir) in [
        ("lab", "hunt-groups/prod"),
        ("prod", "hunt-groups/lab/hg.yaml"),
    ] {
        let out = lab_env(d).run(["apply", "--server", server, dir, "--auto-approve"]);
        assert_eq!(out.code, 1, "{}", out.all());
        assert!(
            out.stderr
                .contains(&format!("{dir} is not in the paths of server \"{server}\"")),
            "{}",
            out.stderr
        );
    }
    // Exporting into the other server's directory is refused the same way.
    let out = lab_env(d).run([
        "export",
        "--service-provider",
        "MyServiceProvider",
        "-o",
        "hunt-groups/prod/new.yaml",
    ]);
    assert_eq!(out.code, 1, "{}", out.all());
    assert!(
        out.stderr.contains("not in the paths of server \"lab\""),
        "{}",
        out.stderr
    );
    assert!(!d.join("hunt-groups/prod/new.yaml").exists());
    // The default server refuses too (run from a subdirectory: the file is found upwards).
    let out = lab_env(&d.join("hunt-groups")).run(["plan", "prod"]);
    assert_eq!(out.code, 1, "{}", out.all());
    assert!(out.stderr.contains("server \"lab\""), "{}", out.stderr);
    assert_eq!((lab.record_len(), prod.record_len()), (lab_len, prod_len));

    // Flags and BROADWORKS_* override each setting: lab's name, prod's URL and password.
    let out = huntctl(d).env("BROADWORKS_PASSWORD", "prod-pw").run([
        "plan",
        "--server",
        "lab",
        "--url",
        prod.url(),
        "hunt-groups/lab",
    ]);
    ok(&out);
    assert_eq!(lab.record_len(), lab_len, "the flag's URL was not used");
    assert!(prod.record_len() > prod_len);
}

#[test]
fn a_failing_password_command_is_reported_without_its_output() {
    let (lab, prod) = two_servers();
    let extra = r#"
[server.broken]
url = "tcp://127.0.0.1:9"
user = "admin"
password-command = ["sh", "-c", "echo out-leak-4411; echo err-leak-5522 >&2; exit 7"]
"#;
    let repo = repo(&lab, &prod, extra);
    let out = huntctl(repo.path()).run(["plan", "--server", "broken", "hunt-groups/lab"]);
    assert_eq!(out.code, 1, "{}", out.all());
    assert!(
        out.stderr
            .contains("server \"broken\": its password-command (sh) exited with status 7"),
        "{}",
        out.stderr
    );
    assert!(!out.all().contains("leak-"), "{}", out.all());
    // An unknown server names those that exist.
    let out = huntctl(repo.path()).run(["plan", "--server", "staging", "hunt-groups/lab"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("has no server \"staging\" (it has: broken, lab, prod)"),
        "{}",
        out.stderr
    );
    // No huntctl.toml at all.
    let empty = tempfile::tempdir().unwrap();
    std::fs::write(empty.path().join("x.yaml"), group("x@company.com")).unwrap();
    let out = huntctl(empty.path()).run(["plan", "--server", "lab", "x.yaml"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("no huntctl.toml in"), "{}", out.stderr);
}

#[test]
fn a_typod_key_is_a_diagnostic_with_its_location() {
    let (lab, prod) = two_servers();
    let repo = repo(
        &lab,
        &prod,
        "\n[server.typo]\nurl = \"tcp://h\"\npasword-env = \"X\"\n",
    );
    let out = lab_env(repo.path()).run(["plan", "hunt-groups/lab"]);
    assert_eq!(out.code, 1, "{}", out.all());
    let at = repo.path().join("huntctl.toml");
    assert!(
        out.stderr.contains(&format!(
            "{}:19:1: unknown field `pasword-env`",
            at.display()
        )),
        "{}",
        out.stderr
    );
    assert_eq!(lab.record_len() + prod.record_len(), 0);
}

/// The command a hint printed, between backticks or after `: `, split into words (no word of
/// these hints needs quoting).
fn hint_after(text: &str, marker: &str) -> Vec<String> {
    let line = text
        .lines()
        .find(|l| l.contains(marker))
        .unwrap_or_else(|| panic!("no {marker:?} in:\n{text}"));
    let cmd = line.split(marker).nth(1).unwrap();
    let cmd = cmd.split('`').next().unwrap();
    cmd.split_whitespace().map(str::to_string).collect()
}

#[test]
fn a_saved_plan_applies_where_it_was_made_and_refuses_another_server() {
    let other = SandboxOpts::new().record().start();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("hg.yaml"), group("saved-hunt@company.com")).unwrap();
    let sandbox =
        |h: crate::support::run::Huntctl| h.env("HUNTCTL_SANDBOX_STATE", d.join("state.json"));
    let planned = sandbox(huntctl(d)).run(["plan", "--sandbox", "hg.yaml", "--out", "p.json"]);
    ok(&planned);
    let plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("p.json")).unwrap()).unwrap();
    assert!(
        plan["server"]["sandbox"]
            .as_str()
            .unwrap()
            .ends_with("state.json"),
        "{plan}"
    );

    // Another server given: refused, and not one document reaches it.
    let out = huntctl(d).login("admin", "admin").run([
        "apply",
        "--plan",
        "p.json",
        "--url",
        other.url(),
        "--auto-approve",
    ]);
    assert_eq!(out.code, 1, "{}", out.all());
    assert!(
        out.stderr
            .contains("the plan was made against the embedded sandbox"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("nothing was sent"), "{}", out.stderr);
    assert_eq!(other.record_len(), 0);

    // The hint, run as printed (a pipeline adds --auto-approve): applies to that sandbox,
    // even without HUNTCTL_SANDBOX_STATE (the plan names its state file).
    let hint = hint_after(&planned.stderr, "apply it with `");
    assert_eq!(hint[..3], ["huntctl", "apply", "--plan"], "{hint:?}");
    let out = huntctl(d).run(
        hint[1..]
            .iter()
            .map(String::as_str)
            .chain(["--auto-approve"]),
    );
    ok(&out);
    assert!(
        out.stdout.contains("saved-hunt@company.com: created"),
        "{}",
        out.stdout
    );
    let state = std::fs::read_to_string(d.join("state.json")).unwrap();
    assert!(state.contains("saved-hunt@company.com"));

    // The undo line, run as printed, reverses it on the same sandbox.
    let undo = hint_after(&out.stderr, "To reverse this apply: ");
    assert_eq!(undo[..3], ["huntctl", "apply", "--plan"], "{undo:?}");
    let out = huntctl(d).run(
        undo[1..]
            .iter()
            .map(String::as_str)
            .chain(["--auto-approve"]),
    );
    ok(&out);
    let state = std::fs::read_to_string(d.join("state.json")).unwrap();
    assert!(!state.contains("saved-hunt@company.com"), "not undone");
    assert_eq!(other.record_len(), 0);
}

#[test]
fn hints_say_cargo_run_when_cargo_started_huntctl() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("hg.yaml"), group("cargo-hunt@company.com")).unwrap();
    let out = huntctl(d)
        .env("HUNTCTL_SANDBOX_STATE", d.join("state.json"))
        .env("CARGO", "cargo")
        .env("CARGO_PKG_NAME", "huntctl")
        .run(["plan", "--sandbox", "hg.yaml", "--out", "my plan.json"]);
    ok(&out);
    assert!(
        out.stderr
            .contains("apply it with `cargo run -- apply --plan 'my plan.json'`"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_readmes_start_over_instruction_works() {
    let readme =
        std::fs::read_to_string(crate::support::run::checkout().join("README.md")).unwrap();
    let line = "Delete `.huntctl/sandbox.json` to start over";
    assert!(readme.contains(line), "the README no longer says {line:?}");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("hg.yaml"), group("reset-hunt@company.com")).unwrap();
    ok(&huntctl(d).run(["apply", "--sandbox", "hg.yaml", "--auto-approve"]));
    let out = huntctl(d).run(["plan", "--sandbox", "hg.yaml"]);
    assert!(out.stdout.contains("No changes"), "{}", out.stdout);
    std::fs::remove_file(d.join(".huntctl/sandbox.json")).unwrap();
    let out = huntctl(d).run(["plan", "--sandbox", "hg.yaml"]);
    ok(&out);
    assert!(
        out.stdout
            .contains("reset-hunt@company.com will be created"),
        "{}",
        out.stdout
    );
}

#[test]
fn connection_errors_name_their_cause_and_fix() {
    let sb = SandboxOpts::new().tls().record().start();
    let tls_addr = sb.tls_url().trim_start_matches("tls://").to_string();
    let tcp_addr = sb.url().trim_start_matches("tcp://").to_string();
    let run = |url: String| {
        huntctl(sb.dir()).login("admin", sb.password()).run([
            "plan",
            "--url",
            &url,
            "x.yaml",
            "--connect-timeout",
            "5",
        ])
    };
    std::fs::write(sb.path("x.yaml"), group("x@company.com")).unwrap();
    let cases = [
        (
            format!("tcp://{tls_addr}"),
            format!("it is likely a TLS port, so use tls://{tls_addr}"),
        ),
        (
            format!("tls://{tcp_addr}"),
            format!("it is likely a plain OCI-P port, so use tcp://{tcp_addr}"),
        ),
        (
            sb.tls_url(),
            "not signed by a CA this system trusts".to_string(),
        ),
    ];
    for (url, cause) in cases {
        let out = run(url.clone());
        assert_eq!(out.code, 1, "{}", out.all());
        assert!(out.stderr.contains(&cause), "{url}: {}", out.stderr);
        assert_eq!(
            out.stderr.matches("cannot connect").count(),
            1,
            "{}",
            out.stderr
        );
        assert!(
            !out.stderr.contains("check the user id and the password"),
            "{}",
            out.stderr
        );
    }
    let out = run(sb.tls_url());
    assert!(out.stderr.contains("--ca-cert FILE"), "{}", out.stderr);
    // With the CA given, the same URL works.
    std::fs::write(sb.path("ca.pem"), sb.cert_pem()).unwrap();
    let out = huntctl(sb.dir()).login("admin", sb.password()).run([
        "plan",
        "--url",
        &sb.tls_url(),
        "--ca-cert",
        "ca.pem",
        "x.yaml",
    ]);
    ok(&out);
}

#[test]
fn the_toml_schema_lists_exactly_the_keys_huntctl_reads() {
    let path = crate::support::run::checkout().join("schemas/huntctl.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let keys: std::collections::BTreeSet<&str> = schema["$defs"]["server"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let read: std::collections::BTreeSet<&str> = huntctl::config::SERVER_KEYS.into_iter().collect();
    assert_eq!(keys, read);
    let validator = jsonschema::validator_for(&schema).unwrap();
    // The issue's example, as an editor's TOML plugin hands it to the schema.
    let example = serde_json::json!({
        "default-server": "lab",
        "server": {
            "lab": {"url": "tls://bw-lab.example.net:2209", "user": "admin@lab",
                    "password-env": "BW_LAB_PASSWORD", "paths": ["hunt-groups/lab"]},
            "prod": {"url": "https://bw.example.net/webservice/services/ProvisioningService",
                     "user": "huntctl@prod",
                     "password-command": ["vault", "kv", "get", "-field=password", "secret/bw/prod"],
                     "paths": ["hunt-groups/prod"], "parallelism": 8, "max-rate": 200},
        },
    });
    assert!(validator.is_valid(&example));
    let typo = serde_json::json!({"server": {"lab": {"pasword-env": "X"}}});
    assert!(!validator.is_valid(&typo));
    let both = serde_json::json!({"server": {"lab": {"password-env": "X", "password-file": "f"}}});
    assert!(!validator.is_valid(&both));
}
