//! Reliability and security of the real binary against the sandbox: the fault matrix (every
//! fault ends in an honest report, no write is sent twice, a second apply converges), the
//! secrets audit (no password or signed password in any output or file), and a load test
//! (8 concurrent huntctl processes, 1,000 hunt groups).

use huntctl::sandbox::state::{self, SandboxState};
use serde_json::Value;
use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

use crate::support::run::Huntctl;
use crate::support::{huntctl, Out, Sandbox, SandboxOpts};

/// The BroadWorks administrator password: distinctive so that any leak is found.
const BW_PASSWORD: &str = "Bw-Adm1n&9f3e7c51<LEAKCHECK";
/// A hunt group password used by the secrets audit.
const HG_PASSWORD: &str = "Hg-Secr3t&4d1c8a77-LEAKCHECK";
/// Distinctive cores of the two passwords: found even if a leak escaped or re-encoded them.
const PASSWORD_CORES: [&str; 2] = ["9f3e7c51", "4d1c8a77"];

// ------------------------------------------------------------------------------------------
// helpers

/// The binary in `dir` (a temp dir), logging in as the sandboxes of this module expect.
fn as_admin(dir: &Path) -> Huntctl {
    huntctl(dir).login("admin", BW_PASSWORD)
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/huntgroups")
}

/// A sandbox in `dir` that takes [`BW_PASSWORD`] and records what it receives.
fn sandbox(dir: &Path) -> SandboxOpts {
    SandboxOpts::new()
        .in_dir(dir)
        .password(BW_PASSWORD)
        .record()
}

const WRITE_TYPES: [&str; 4] = [
    "GroupHuntGroupAddInstanceRequest20",
    "GroupHuntGroupModifyInstanceRequest",
    "GroupHuntGroupModifyInstanceWeightedCallDistributionRequest",
    "GroupHuntGroupDeleteInstanceRequest",
];

/// (command type, serviceUserId) → how many times it was received, for every write command.
fn writes(record: &str) -> BTreeMap<(String, String), usize> {
    let mut out = BTreeMap::new();
    for part in record.split("<command ").skip(1) {
        let Some(ty) = between(part, "xsi:type=\"", "\"") else {
            continue;
        };
        if !WRITE_TYPES.contains(&ty) {
            continue;
        }
        let id = between(part, "<serviceUserId>", "</serviceUserId>").unwrap_or("?");
        *out.entry((ty.to_string(), id.to_string())).or_insert(0) += 1;
    }
    out
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)? + i;
    Some(&s[i..j])
}

/// Hunt group commands (anything but login/logout) in a record.
fn hunt_group_commands(record: &str) -> usize {
    record.matches("xsi:type=\"GroupHuntGroup").count()
}

fn assert_no_write_twice(record: &str) {
    for ((ty, id), n) in writes(record) {
        assert_eq!(n, 1, "{ty} for {id} was sent {n} times");
    }
}

fn ids_written(record: &str) -> Vec<String> {
    let mut ids: Vec<String> = writes(record).into_keys().map(|(_, id)| id).collect();
    ids.dedup();
    ids
}

fn hunt_groups(
    st: &SandboxState,
    group: &str,
) -> BTreeMap<String, huntctl::sandbox::state::HuntGroupState> {
    st.service_providers
        .iter()
        .flat_map(|sp| sp.groups.iter())
        .filter(|g| g.id == group)
        .flat_map(|g| g.hunt_groups.iter())
        .map(|h| (h.service_user_id.clone(), h.clone()))
        .collect()
}

fn fault_id(i: usize) -> String {
    format!("fault-{i:02}@company.com")
}

/// 20 plain (one-command) creates in SalesGroup: one full 15-command batch and one of 5.
fn write_creates(dir: &Path) -> PathBuf {
    let mut y = String::from(
        "defaults:\n  serviceProviderId: MyServiceProvider\n  groupId: SalesGroup\nhuntGroups:\n",
    );
    for i in 1..=20 {
        y.push_str(&format!(
            "  - serviceUserId: {}\n    serviceInstanceProfile:\n      name: Fault {i}\n      callingLineIdLastName: Fault\n      callingLineIdFirstName: \"{i}\"\n    policy: Circular\n    agentUserId: [john.doe@company.com, jane.smith@company.com]\n",
            fault_id(i)
        ));
    }
    let p = dir.join("creates.yaml");
    std::fs::write(&p, y).unwrap();
    p
}

fn report_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn result_of<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["serviceUserId"] == id)
        .unwrap_or_else(|| panic!("no result for {id} in {report}"))
}

fn line_of<'a>(stdout: &'a str, id: &str) -> &'a str {
    stdout
        .lines()
        .find(|l| l.starts_with(&format!("+ {id}:")) || l.starts_with(&format!("! {id}:")))
        .unwrap_or_else(|| panic!("no result line for {id} in\n{stdout}"))
}

/// The second apply (fault gone) converges: exit 0, it sends only writes for `may_write`,
/// and then a plan shows no changes (exit 0 with --detailed-exitcode).
fn assert_converges(sb: &Sandbox, paths: &[&str], may_write: &[String]) {
    let from = sb.record_len();
    let mut args = vec!["apply", "--url", sb.url(), "--auto-approve"];
    args.extend_from_slice(paths);
    let r = as_admin(sb.dir()).run(&args);
    assert_eq!(r.code, 0, "second apply: {r:?}");
    assert!(
        r.stdout.contains(" 0 failed.") || r.stdout.contains("No changes."),
        "{}",
        r.stdout
    );
    let rec = sb.record_since(from);
    assert_no_write_twice(&rec);
    for id in ids_written(&rec) {
        assert!(
            may_write.contains(&id),
            "the second apply wrote {id}, which the first one had already done"
        );
    }
    let mut args = vec!["plan", "--url", sb.url(), "--detailed-exitcode"];
    args.extend_from_slice(paths);
    let r = as_admin(sb.dir()).run(&args);
    assert_eq!(r.code, 0, "plan after the second apply: {r:?}");
    assert!(r.stdout.contains("No changes."), "{}", r.stdout);
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

// ------------------------------------------------------------------------------------------
// the fault matrix: faults before anything is sent

#[test]
fn connection_refused_sends_nothing_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let creates = write_creates(dir.path());
    let creates = creates.to_str().unwrap();
    let port = free_port();
    let url = format!("tcp://127.0.0.1:{port}");
    let report = dir.path().join("report.json");
    let r = as_admin(dir.path()).run([
        "apply",
        "--url",
        &url,
        "--auto-approve",
        "--connect-timeout",
        "2",
        "--report",
        report.to_str().unwrap(),
        creates,
    ]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains(&format!("cannot connect to {url}")),
        "{}",
        r.stderr
    );
    assert!(
        !report.exists(),
        "no report for an apply that never started"
    );
    // Plan fails the same way, with the same exit code.
    let r = as_admin(dir.path()).run(["plan", "--url", &url, "--format", "json", creates]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.trim().is_empty(),
        "no plan on stdout: {}",
        r.stdout
    );
    assert!(r.stderr.contains("cannot connect"), "{}", r.stderr);

    let sb = sandbox(dir.path()).start();
    let before = hunt_groups(&sb.state(), "SalesGroup").len();
    assert_converges(&sb, &[creates], &(1..=20).map(fault_id).collect::<Vec<_>>());
    assert_eq!(hunt_groups(&sb.state(), "SalesGroup").len(), before + 20);
}

#[test]
fn untrusted_tls_certificate_is_refused_before_login() {
    let dir = tempfile::tempdir().unwrap();
    let creates = write_creates(dir.path());
    let creates = creates.to_str().unwrap();
    let sb = sandbox(dir.path()).tls().start();
    let tls = sb.tls_url();
    let r = as_admin(dir.path()).run(["apply", "--url", &tls, "--auto-approve", creates]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains(&format!("cannot connect to {tls}")),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.to_lowercase().contains("certificate"),
        "the error names the certificate problem: {}",
        r.stderr
    );
    // The TLS handshake failed: the sandbox never received a document (not even the login).
    assert_eq!(sb.record_len(), 0, "{}", sb.record_since(0));
    assert!(!hunt_groups(&sb.state(), "SalesGroup").contains_key(&fault_id(1)));

    // Trusting the sandbox's certificate makes the same apply work (over TLS).
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, sb.cert_pem()).unwrap();
    let r = as_admin(dir.path()).run([
        "apply",
        "--url",
        &tls,
        "--ca-cert",
        ca.to_str().unwrap(),
        "--auto-approve",
        creates,
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("Apply complete: 20 created"),
        "{}",
        r.stdout
    );
    assert_no_write_twice(&sb.record_since(0));
    assert_converges(&sb, &[creates], &[]);
}

#[test]
fn rejected_login_sends_no_hunt_group_command() {
    let dir = tempfile::tempdir().unwrap();
    let creates = write_creates(dir.path());
    let creates = creates.to_str().unwrap();
    let sb = sandbox(dir.path()).start();
    let seed = sb.state();
    let report = dir.path().join("report.json");
    let r = as_admin(dir.path())
        .env("BROADWORKS_PASSWORD", "not-the-password")
        .run([
            "apply",
            "--url",
            sb.url(),
            "--auto-approve",
            "--report",
            report.to_str().unwrap(),
            creates,
        ]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains("login as \"admin\" failed"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("4962") || r.stderr.contains("Invalid password"),
        "{}",
        r.stderr
    );
    assert!(!r.all().contains("not-the-password"));
    assert!(!report.exists());
    let rec = sb.record_since(0);
    assert!(rec.contains("LoginRequest14sp4"), "the login was tried");
    assert_eq!(hunt_group_commands(&rec), 0, "{rec}");
    assert_eq!(sb.state(), seed);
    assert_converges(&sb, &[creates], &(1..=20).map(fault_id).collect::<Vec<_>>());
}

#[test]
fn connection_closed_before_any_reply() {
    let dir = tempfile::tempdir().unwrap();
    let creates = write_creates(dir.path());
    let creates = creates.to_str().unwrap();
    // A server that accepts and hangs up at once, before answering anything (not even the login).
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("tcp://{}", l.local_addr().unwrap());
    let accepted = std::thread::spawn(move || {
        let mut n = 0;
        // The client may retry the login on a fresh connection; take what comes for a while.
        let deadline = Instant::now() + Duration::from_secs(8);
        l.set_nonblocking(true).unwrap();
        while Instant::now() < deadline {
            match l.accept() {
                Ok((s, _)) => {
                    n += 1;
                    drop(s);
                }
                Err(_) => std::thread::sleep(Duration::from_millis(20)),
            }
            if n >= 10 {
                break;
            }
        }
        n
    });
    let r = as_admin(dir.path()).run([
        "apply",
        "--url",
        &url,
        "--auto-approve",
        "--request-timeout",
        "2",
        creates,
    ]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains("failed") || r.stderr.contains("cannot connect"),
        "{}",
        r.stderr
    );
    assert!(!r.stdout.contains("Apply complete"), "{}", r.stdout);
    assert!(accepted.join().unwrap() >= 1, "the client did connect");

    // The sandbox (never reached) converges in one apply.
    let sb = sandbox(dir.path()).start();
    assert_converges(&sb, &[creates], &(1..=20).map(fault_id).collect::<Vec<_>>());
}

// ------------------------------------------------------------------------------------------
// the fault matrix: faults while writing (20 creates: a 15-command document and a 5-command one,
// one session so the first document is the 15-command one)

/// Runs the 20-create apply against a sandbox with `fault`; returns the sandbox, the run,
/// the JSON report, the record of this run, and the desired-state path.
fn faulty_apply(dir: &Path, fault: &str, extra: &[&str]) -> (Sandbox, Out, Value, String, String) {
    let creates = write_creates(dir).to_str().unwrap().to_string();
    let sb = sandbox(dir).faults(&[fault]).start();
    let report = dir.join("report.json");
    let mut args = vec![
        "apply",
        "--url",
        sb.url(),
        "--auto-approve",
        "--parallelism",
        "1",
        "--report",
        report.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    args.push(&creates);
    let r = as_admin(dir).run(&args);
    let rec = sb.record_since(0);
    assert_no_write_twice(&rec);
    let rep = report_json(&report);
    // The text report and the JSON report agree on every hunt group.
    for i in 1..=20 {
        let id = fault_id(i);
        let line = line_of(&r.stdout, &id);
        let res = result_of(&rep, &id);
        assert_eq!(
            line.starts_with('!'),
            res["outcome"] == "failed",
            "{line} vs {res}"
        );
    }
    (sb, r, rep, rec, creates)
}

#[test]
fn closed_in_the_middle_of_a_15_command_batch() {
    let dir = tempfile::tempdir().unwrap();
    // The 8th write is in the middle of the first (15-command) document: all 15 are carried
    // out and persisted, then the connection closes without a reply.
    let (sb, r, rep, rec, creates) = faulty_apply(dir.path(), "close-after=write:8", &[]);
    assert_eq!(
        r.code, 0,
        "every write happened, confirmed by reading back: {r:?}"
    );
    assert!(
        r.stdout
            .contains("Apply complete: 20 created, 0 updated, 0 deleted, 0 failed."),
        "{}",
        r.stdout
    );
    let confirmed: Vec<String> = (1..=20)
        .map(fault_id)
        .filter(|id| result_of(&rep, id)["note"] == "created, confirmed after reconnect")
        .collect();
    assert_eq!(
        confirmed,
        (1..=15).map(fault_id).collect::<Vec<_>>(),
        "{rep}"
    );
    for id in &confirmed {
        assert!(line_of(&r.stdout, id).contains("created, confirmed after reconnect"));
        assert_eq!(
            result_of(&rep, id)["response"],
            "",
            "no reply was received for it"
        );
    }
    assert_eq!(result_of(&rep, &fault_id(16))["outcome"], "created");
    assert_eq!(rep["summary"]["created"], 20);
    // Each create was sent exactly once (checked above), and the 15 lost replies were read back.
    assert_eq!(writes(&rec).len(), 20);
    assert!(rec.matches("GroupHuntGroupGetInstanceRequest20").count() >= 15);
    let hgs = hunt_groups(&sb.state(), "SalesGroup");
    for i in 1..=20 {
        let h = &hgs[&fault_id(i)];
        assert_eq!(h.service_instance_profile.name, format!("Fault {i}"));
        assert_eq!(h.agents.len(), 2);
    }
    assert_converges(&sb, &[&creates], &[]);
}

#[test]
fn connection_closed_before_the_reply_to_a_write() {
    let dir = tempfile::tempdir().unwrap();
    // The first write document is received but not carried out; the connection closes.
    let (sb, r, rep, _rec, creates) = faulty_apply(dir.path(), "drop-before=write:1", &[]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stdout
            .contains("Apply complete: 5 created, 0 updated, 0 deleted, 15 failed."),
        "{}",
        r.stdout
    );
    for i in 1..=15 {
        let id = fault_id(i);
        let res = result_of(&rep, &id);
        assert_eq!(res["outcome"], "failed");
        assert!(
            res["error"]
                .as_str()
                .unwrap()
                .starts_with("outcome unknown"),
            "{res}"
        );
        assert_eq!(
            res["note"],
            "not created (connection lost before the server answered)"
        );
        assert!(line_of(&r.stdout, &id).contains("create failed: outcome unknown"));
    }
    let hgs = hunt_groups(&sb.state(), "SalesGroup");
    assert!((1..=15).all(|i| !hgs.contains_key(&fault_id(i))));
    assert!((16..=20).all(|i| hgs.contains_key(&fault_id(i))));
    assert_converges(
        &sb,
        &[&creates],
        &(1..=15).map(fault_id).collect::<Vec<_>>(),
    );
}

#[test]
fn a_reply_that_never_comes_times_out() {
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let (sb, r, rep, _rec, creates) = faulty_apply(
        dir.path(),
        "stall-after=write:1",
        &["--request-timeout", "2"],
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "the timeout was honoured"
    );
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stdout
            .contains("5 created, 0 updated, 0 deleted, 15 failed."),
        "{}",
        r.stdout
    );
    for i in 1..=15 {
        let res = result_of(&rep, &fault_id(i));
        let err = res["error"].as_str().unwrap();
        assert!(err.starts_with("outcome unknown"), "{res}");
        assert!(err.contains("no reply within 2s"), "{err}");
        assert_eq!(
            res["note"],
            "not created (connection lost before the server answered)"
        );
    }
    let hgs = hunt_groups(&sb.state(), "SalesGroup");
    assert!((1..=15).all(|i| !hgs.contains_key(&fault_id(i))));
    assert!((16..=20).all(|i| hgs.contains_key(&fault_id(i))));
    assert_converges(
        &sb,
        &[&creates],
        &(1..=15).map(fault_id).collect::<Vec<_>>(),
    );
}

#[test]
fn a_malformed_reply_is_not_taken_for_success_nor_resent() {
    let dir = tempfile::tempdir().unwrap();
    let (sb, r, rep, rec, creates) = faulty_apply(dir.path(), "malformed-after=write:1", &[]);
    assert_eq!(
        r.code, 0,
        "the writes happened; reading back confirms them: {r:?}"
    );
    for i in 1..=15 {
        let res = result_of(&rep, &fault_id(i));
        assert_eq!(res["outcome"], "created", "{res}");
        assert_eq!(res["note"], "created, confirmed after reconnect");
    }
    assert_eq!(writes(&rec).len(), 20);
    assert_eq!(hunt_groups(&sb.state(), "SalesGroup").len(), 2 + 20);
    assert_converges(&sb, &[&creates], &[]);
}

#[test]
fn a_reply_with_the_wrong_number_of_responses() {
    let dir = tempfile::tempdir().unwrap();
    let (sb, r, rep, rec, creates) = faulty_apply(dir.path(), "wrong-count-after=write:1", &[]);
    assert_eq!(r.code, 0, "{r:?}");
    for i in 1..=15 {
        let res = result_of(&rep, &fault_id(i));
        assert_eq!(res["outcome"], "created", "{res}");
        // None of the 14 responses that did come is trusted: the stream is out of step.
        assert_eq!(res["note"], "created, confirmed after reconnect");
    }
    assert_eq!(writes(&rec).len(), 20);
    assert_eq!(hunt_groups(&sb.state(), "SalesGroup").len(), 2 + 20);
    assert_converges(&sb, &[&creates], &[]);
}

#[test]
fn error_response_for_some_commands_of_a_batch() {
    let dir = tempfile::tempdir().unwrap();
    let creates = write_creates(dir.path());
    let creates = creates.to_str().unwrap();
    let ex = examples();
    let ex = ex.to_str().unwrap();
    let faults = [
        "write-error=fault-0[3-5]@*:4500",
        "write-error=support-hunt@*:4500",
    ];
    let mut sb = sandbox(dir.path()).faults(&faults).start();
    let report = dir.path().join("report.json");
    let r = as_admin(dir.path()).run([
        "apply",
        "--url",
        sb.url(),
        "--auto-approve",
        "--report",
        report.to_str().unwrap(),
        "--format",
        "json",
        creates,
        ex,
    ]);
    assert_eq!(r.code, 1, "{r:?}");
    let stdout_report: Value = serde_json::from_str(&r.stdout).unwrap();
    let rep = report_json(&report);
    assert_eq!(rep["summary"], stdout_report["summary"]);
    assert_eq!(rep["summary"]["failed"], 4, "{}", rep["summary"]);
    assert_eq!(rep["summary"]["created"], 17 + 2);
    assert_eq!(rep["summary"]["updated"], 1);
    assert_eq!(rep["summary"]["unchanged"], 1);
    let failed: Vec<&str> = [
        "fault-03@company.com",
        "fault-04@company.com",
        "fault-05@company.com",
        "support-hunt@company.com",
    ]
    .to_vec();
    for id in &failed {
        let res = result_of(&rep, id);
        assert_eq!(res["outcome"], "failed");
        assert_eq!(res["success"], false);
        assert_eq!(res["errorCode"], 4500);
        assert_eq!(res["response"], "ErrorResponse");
        assert!(
            res["error"].as_str().unwrap().contains("Injected fault"),
            "{res}"
        );
        assert!(r.stderr.contains(&format!("! {id}: ")), "{}", r.stderr);
    }
    assert!(
        r.stderr
            .contains("Apply complete: 19 created, 1 updated, 0 deleted, 4 failed."),
        "{}",
        r.stderr
    );
    let rec = sb.record_since(0);
    assert_no_write_twice(&rec);
    let st = sb.state();
    let sales = hunt_groups(&st, "SalesGroup");
    assert!(!sales.contains_key("fault-04@company.com"));
    assert!(sales.contains_key("fault-06@company.com"));
    assert_eq!(
        sales["sales-emea-hunt@company.com"]
            .agents
            .iter()
            .map(|a| a.weight.unwrap_or(0))
            .collect::<Vec<_>>(),
        vec![50, 30, 20]
    );
    assert_eq!(
        hunt_groups(&st, "SupportGroup")["support-hunt@company.com"].no_answer_number_of_rings,
        5,
        "a refused modify changes nothing"
    );

    sb.restart(&[]);
    assert_converges(
        &sb,
        &[creates, ex],
        &failed.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
    );
    assert_eq!(
        hunt_groups(&sb.state(), "SupportGroup")["support-hunt@company.com"]
            .no_answer_number_of_rings,
        3
    );
}

// ------------------------------------------------------------------------------------------
// the sandbox restarted (killed) between plan --out and apply --plan

#[test]
fn sandbox_restarted_between_plan_and_apply() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let creates = write_creates(d);
    let creates = creates.to_str().unwrap();
    let ex = examples();
    let ex = ex.to_str().unwrap();
    // `huntctl sandbox` as a child process, always on the same port and state file.
    let port = free_port();
    let spawn = |reset: bool| {
        let opts = sandbox(d).port(port);
        let opts = if reset { opts.reset() } else { opts };
        opts.spawn()
    };
    let sb = spawn(true);
    let rec_path = sb.record_path().to_path_buf();
    let plan = d.join("plan.json");
    let r = as_admin(d).run([
        "plan",
        "--url",
        sb.url(),
        "--out",
        plan.to_str().unwrap(),
        creates,
        ex,
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout
            .contains("Plan: 22 to create, 2 to update, 0 to delete."),
        "{}",
        r.stdout
    );
    sb.kill();

    // Restarted on the same state: the saved plan is still current and applies.
    let sb = spawn(false);
    let from = std::fs::read(&rec_path).unwrap().len();
    let report = d.join("report.json");
    let r = as_admin(d).run([
        "apply",
        "--url",
        sb.url(),
        "--plan",
        plan.to_str().unwrap(),
        "--auto-approve",
        "--report",
        report.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout
            .contains("Apply complete: 22 created, 2 updated, 0 deleted, 0 failed."),
        "{}",
        r.stdout
    );
    let rec = String::from_utf8_lossy(&std::fs::read(&rec_path).unwrap()[from..]).into_owned();
    assert_no_write_twice(&rec);
    assert_eq!(report_json(&report)["summary"]["created"], 22);

    // A plan made now, then a crash and a restart from the seed (--reset): the server state
    // moved under the plan, which is refused, and nothing is written.
    let r = as_admin(d).run([
        "plan",
        "--url",
        sb.url(),
        "--out",
        plan.to_str().unwrap(),
        "--prune",
        ex,
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("to delete"), "{}", r.stdout);
    sb.kill();
    let sb = spawn(true);
    let from = std::fs::read(&rec_path).unwrap().len();
    let r = as_admin(d).run([
        "apply",
        "--url",
        sb.url(),
        "--plan",
        plan.to_str().unwrap(),
        "--auto-approve",
        "--force",
    ]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("saved plan is stale"), "{}", r.stderr);
    let rec = String::from_utf8_lossy(&std::fs::read(&rec_path).unwrap()[from..]).into_owned();
    assert!(
        writes(&rec).is_empty(),
        "a stale plan writes nothing: {rec}"
    );
    let st = state::load(sb.state_path()).unwrap();
    assert_eq!(st, huntctl::sandbox::seed::seed_state());

    // Re-planning from the files converges.
    let r = as_admin(d).run(["apply", "--url", sb.url(), "--auto-approve", creates, ex]);
    assert_eq!(r.code, 0, "{r:?}");
    let r = as_admin(d).run([
        "plan",
        "--url",
        sb.url(),
        "--detailed-exitcode",
        creates,
        ex,
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    sb.kill();
}

// ------------------------------------------------------------------------------------------
// the secrets audit

/// Every file under `dir` (recursively) except `skip`, with its bytes.
fn files_under(dir: &Path, skip: &[PathBuf], out: &mut Vec<(PathBuf, Vec<u8>)>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if skip.contains(&p) {
            continue;
        }
        if p.is_dir() {
            files_under(&p, skip, out);
        } else {
            out.push((p.clone(), std::fs::read(&p).unwrap()));
        }
    }
}

/// True if `text` holds 32 hex digits right after a `signedPassword` element or key.
fn has_unmasked_signed_password(text: &str) -> bool {
    text.match_indices("signedPassword").any(|(i, _)| {
        let rest = &text[i + "signedPassword".len()..];
        let rest =
            rest.trim_start_matches(|c: char| !c.is_ascii_hexdigit() && c != '<' && c != '\n');
        rest.len() >= 32 && rest[..32].chars().all(|c| c.is_ascii_hexdigit())
    })
}

#[test]
fn secrets_never_appear_in_output_logs_or_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let inputs = d.join("desired");
    std::fs::create_dir(&inputs).unwrap();
    let yaml = inputs.join("secret.yaml");
    let csv = inputs.join("secret.csv");
    let hg_yaml = |name: &str| {
        format!(
            "defaults:\n  serviceProviderId: MyServiceProvider\n  groupId: SalesGroup\nhuntGroups:\n  - serviceUserId: secret-a@company.com\n    serviceInstanceProfile:\n      name: {name}\n      callingLineIdLastName: Secret\n      callingLineIdFirstName: A\n      password: \"{HG_PASSWORD}\"\n    policy: Weighted\n    agentUserId:\n      - {{userId: john.doe@company.com, weight: 70}}\n      - {{userId: jane.smith@company.com, weight: 30}}\n  - serviceUserId: sales-hunt@company.com\n    serviceInstanceProfile:\n      name: Sales Hunt\n      callingLineIdLastName: Sales\n      callingLineIdFirstName: Team\n      phoneNumber: \"+1-2025550100\"\n      extension: \"0100\"\n      password: \"{HG_PASSWORD}\"\n    agentUserId: [jane.smith@company.com, john.doe@company.com]\n"
        )
    };
    std::fs::write(&yaml, hg_yaml("Secret A")).unwrap();
    std::fs::write(
        &csv,
        format!(
            "operation,serviceProviderId,groupId,serviceUserId,serviceInstanceProfile.name,serviceInstanceProfile.password,agentUserId[0]\nhunt.group.create,MyServiceProvider,SupportGroup,secret-b@company.com,Secret B,\"{HG_PASSWORD}\",support1@company.com\n"
        ),
    )
    .unwrap();
    let sb = sandbox(d)
        .faults(&["malformed-after=write:3"])
        .tls()
        .start();
    let ca = d.join("ca.pem");
    std::fs::write(&ca, sb.cert_pem()).unwrap();
    let ca = ca.to_str().unwrap().to_string();
    let tls = sb.tls_url();
    let (y, c) = (yaml.to_str().unwrap(), csv.to_str().unwrap());
    let out = |name: &str| d.join(name).to_str().unwrap().to_string();
    let debug = [("RUST_LOG", "huntctl=debug")];

    let mut runs: Vec<(String, Out)> = Vec::new();
    let mut run = |label: &str, args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = as_admin(d);
        for (k, v) in env {
            cmd = cmd.env(k, v);
        }
        let r = cmd.run(args);
        runs.push((label.to_string(), r));
        runs.last().map(|(_, r)| r.code).unwrap_or(-1)
    };
    assert_eq!(run("validate", &["validate", y, c], &[]), 0);
    assert_eq!(
        run(
            "validate json",
            &["validate", "--format", "json", y, c],
            &[]
        ),
        0
    );
    // A broken file with a password in it: the diagnostic must not quote it.
    let bad = d.join("bad.yaml");
    std::fs::write(
        &bad,
        hg_yaml("Secret A").replace("policy: Weighted", "policy: Wheighted"),
    )
    .unwrap();
    assert_eq!(
        run("validate bad", &["validate", bad.to_str().unwrap()], &[]),
        1
    );
    assert_eq!(
        run(
            "validate bad json",
            &["validate", "--format", "json", bad.to_str().unwrap()],
            &[]
        ),
        1
    );
    assert_eq!(
        run(
            "plan bad",
            &["plan", "--url", sb.url(), bad.to_str().unwrap()],
            &[]
        ),
        1
    );
    let plan = out("plan.json");
    for format in ["text", "json", "markdown"] {
        assert_eq!(
            run(
                &format!("plan {format}"),
                &["plan", "--url", sb.url(), "--format", format, y, c],
                &[]
            ),
            0
        );
    }
    assert_eq!(
        run(
            "plan --out -vv",
            &["-vv", "plan", "--url", sb.url(), "--out", &plan, y, c],
            &[]
        ),
        0
    );
    assert_eq!(
        run(
            "plan tls debug",
            &["plan", "--url", &tls, "--ca-cert", &ca, y, c],
            &debug
        ),
        0
    );
    // Apply the saved plan (passwords restored from the files), with the trace on and a
    // malformed reply on the way (error paths must mask too).
    let code = run(
        "apply --plan -vv",
        &[
            "-vv",
            "apply",
            "--url",
            sb.url(),
            "--plan",
            &plan,
            "--auto-approve",
            "--report",
            &out("report1.json"),
        ],
        &[],
    );
    assert!(code == 0 || code == 1, "apply --plan exited {code}");
    // A second change (a new name) over TLS with the plain-password login, JSON on stdout.
    std::fs::write(&yaml, hg_yaml("Secret A renamed")).unwrap();
    assert_eq!(
        run(
            "apply tls json debug",
            &[
                "apply",
                "--url",
                &tls,
                "--ca-cert",
                &ca,
                "--login",
                "plain",
                "--auto-approve",
                "--format",
                "json",
                "--report",
                &out("report2.json"),
                y,
                c
            ],
            &debug,
        ),
        0
    );
    assert_eq!(
        run(
            "apply converged",
            &[
                "apply",
                "--url",
                sb.url(),
                "--auto-approve",
                "--format",
                "json",
                y,
                c
            ],
            &[]
        ),
        0
    );
    // Export: whatever its state on this branch, it must not leak either.
    run(
        "export",
        &[
            "export",
            "--url",
            sb.url(),
            "--service-provider",
            "MyServiceProvider",
            "--group",
            "SalesGroup",
            "--group",
            "SupportGroup",
            "-o",
            &out("export"),
        ],
        &debug,
    );
    run(
        "export stdout",
        &[
            "-vv",
            "export",
            "--url",
            sb.url(),
            "--service-provider",
            "MyServiceProvider",
            "--group",
            "SalesGroup",
            "--format",
            "csv",
        ],
        &[],
    );

    // The runs did what they should (so the audit looked at real output).
    let all: String = runs.iter().map(|(_, r)| r.all()).collect();
    assert!(
        all.contains("GroupHuntGroupAddInstanceRequest20"),
        "the debug trace shows documents"
    );
    let mask = huntctl::model::MASK;
    assert!(
        all.contains(&format!("<password>{mask}</password>")),
        "the trace masks passwords"
    );
    assert!(all.contains(&format!("<signedPassword>{mask}</signedPassword>")));
    assert!(
        all.contains("LoginRequest22V5"),
        "the plain-password login was traced"
    );
    let report1 = report_json(&d.join("report1.json"));
    assert_eq!(
        result_of(&report1, "secret-a@company.com")["outcome"],
        "created"
    );
    let rec = sb.record_since(0);
    // The sandbox's record masks secrets itself: the password elements went out (and the
    // server holds a password, below), but the record never holds their values.
    assert!(
        rec.contains("<password>********</password>"),
        "the passwords did reach the server"
    );
    assert!(
        !rec.contains(&xml_escape(HG_PASSWORD)),
        "the record is masked"
    );
    assert!(rec.contains("<signedPassword>********</signedPassword>"));
    let st = sb.state();
    assert!(hunt_groups(&st, "SalesGroup")["secret-a@company.com"].password_set);
    assert!(hunt_groups(&st, "SupportGroup")["secret-b@company.com"].password_set);

    let leaks = |label: &str, text: &str| {
        for core in PASSWORD_CORES {
            assert!(!text.contains(core), "{label} holds a password:\n{text}");
        }
        assert!(
            !has_unmasked_signed_password(text),
            "{label} holds a signed password:\n{text}"
        );
    };
    for (label, r) in &runs {
        leaks(&format!("{label} stdout"), &r.stdout);
        leaks(&format!("{label} stderr"), &r.stderr);
    }
    // Every file written (plans, reports, exports, the sandbox state and its record), but
    // not the inputs.
    let mut files = Vec::new();
    files_under(d, &[inputs.clone(), bad.clone()], &mut files);
    assert!(
        files.len() >= 4,
        "{:?}",
        files.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for (p, bytes) in &files {
        leaks(&p.display().to_string(), &String::from_utf8_lossy(bytes));
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;")
}

// ------------------------------------------------------------------------------------------
// load: 8 huntctl processes, 1,000 hunt groups, one sandbox

const LOAD_GROUPS: usize = 8;
const LOAD_PER_GROUP: usize = 125;

fn load_seed() -> SandboxState {
    use huntctl::sandbox::state::{GroupState, ServiceProviderState, UserState};
    let groups = (1..=LOAD_GROUPS)
        .map(|g| GroupState {
            id: format!("LoadGroup{g}"),
            country_code: "1".into(),
            departments: vec!["Load".into()],
            phone_numbers: (0..LOAD_PER_GROUP)
                .map(|i| format!("3{g}55{i:06}"))
                .collect(),
            users: (1..=4)
                .map(|u| UserState {
                    user_id: format!("agent{u}.g{g}@load.example.com"),
                    last_name: "Agent".into(),
                    first_name: format!("{u}"),
                    extension: Some(format!("5{u}0{g}")),
                    ..Default::default()
                })
                .collect(),
            hunt_groups: Vec::new(),
            ..Default::default()
        })
        .collect();
    SandboxState {
        format_version: 1,
        service_providers: vec![ServiceProviderState {
            id: "LoadSP".into(),
            groups,
            departments: Vec::new(),
            ..Default::default()
        }],
    }
}

/// The desired state of one group: 125 hunt groups, every 5th Weighted (two commands), the
/// first 40 with a number.
fn load_desired(dir: &Path, g: usize) -> PathBuf {
    let mut y =
        format!("defaults:\n  serviceProviderId: LoadSP\n  groupId: LoadGroup{g}\nhuntGroups:\n");
    for i in 0..LOAD_PER_GROUP {
        let a = |u: usize| format!("agent{u}.g{g}@load.example.com");
        y.push_str(&format!(
            "  - serviceUserId: hg{i:03}.g{g}@load.example.com\n    serviceInstanceProfile:\n      name: Load {g} {i}\n      callingLineIdLastName: Load\n      callingLineIdFirstName: \"{i}\"\n"
        ));
        if i < 40 {
            y.push_str(&format!("      phoneNumber: \"+1-3{g}55{i:06}\"\n"));
        }
        if i % 5 == 0 {
            y.push_str(&format!(
                "    policy: Weighted\n    agentUserId:\n      - {{userId: {}, weight: 60}}\n      - {{userId: {}, weight: 40}}\n",
                a(1 + i % 4),
                a(1 + (i + 1) % 4)
            ));
        } else {
            y.push_str(&format!(
                "    policy: Circular\n    noAnswerNumberOfRings: {}\n    agentUserId: [{}, {}, {}]\n",
                1 + i % 20,
                a(1 + i % 4),
                a(1 + (i + 1) % 4),
                a(1 + (i + 2) % 4)
            ));
        }
    }
    let p = dir.join(format!("load-{g}.yaml"));
    std::fs::write(&p, y).unwrap();
    p
}

#[test]
fn eight_processes_apply_1000_hunt_groups_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sb = sandbox(d).seed(&load_seed()).start();
    let files: Vec<PathBuf> = (1..=LOAD_GROUPS).map(|g| load_desired(d, g)).collect();
    let started = Instant::now();
    let mut children: Vec<(usize, Child)> = files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            // Output goes to files: a full pipe nobody reads would block the child.
            let stdout = std::fs::File::create(d.join(format!("out-{i}.json"))).unwrap();
            let stderr = std::fs::File::create(d.join(format!("err-{i}.txt"))).unwrap();
            let args = [
                "apply",
                "--url",
                sb.url(),
                "--auto-approve",
                "--format",
                "json",
                f.to_str().unwrap(),
            ];
            let child = as_admin(d).spawn(args, stdout, stderr);
            (i, child)
        })
        .collect();
    // While they run, every read of the state file is complete, valid JSON (atomic writes).
    let mut reads = 0;
    while children
        .iter_mut()
        .any(|(_, c)| c.try_wait().unwrap().is_none())
    {
        if let Ok(bytes) = std::fs::read(sb.state_path()) {
            let st: SandboxState = serde_json::from_slice(&bytes)
                .unwrap_or_else(|e| panic!("state file invalid during the run: {e}"));
            assert_eq!(st.service_providers[0].groups.len(), LOAD_GROUPS);
            reads += 1;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    for (i, mut c) in children {
        let status = c.wait().unwrap();
        let stderr = std::fs::read_to_string(d.join(format!("err-{i}.txt"))).unwrap();
        assert_eq!(status.code(), Some(0), "process {i}: {stderr}");
        let rep: Value =
            serde_json::from_slice(&std::fs::read(d.join(format!("out-{i}.json"))).unwrap())
                .unwrap();
        assert_eq!(rep["summary"]["created"], LOAD_PER_GROUP, "process {i}");
        assert_eq!(rep["summary"]["failed"], 0, "process {i}");
    }
    let elapsed = started.elapsed();
    eprintln!("load: 8 processes, 1000 hunt groups in {elapsed:?} ({reads} state reads)");
    assert!(reads > 0);

    let st = sb.state();
    let total: usize = st.service_providers[0]
        .groups
        .iter()
        .map(|g| g.hunt_groups.len())
        .sum();
    assert_eq!(total, LOAD_GROUPS * LOAD_PER_GROUP);
    let h = &hunt_groups(&st, "LoadGroup3")["hg010.g3@load.example.com"];
    assert_eq!(
        h.agents
            .iter()
            .map(|a| a.weight.unwrap_or(0))
            .collect::<Vec<_>>(),
        vec![60, 40]
    );
    assert_eq!(
        h.service_instance_profile
            .phone_number
            .value()
            .map(String::as_str),
        Some("3355000010")
    );
    // Every group ends exactly as desired: one plan over all files shows no changes.
    let mut args = vec!["plan", "--url", sb.url(), "--detailed-exitcode"];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    let r = as_admin(d).run(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("No changes."));
}
