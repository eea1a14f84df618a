//! Codec micro-benchmark: encode + decode of GetInstanceResponse20 documents holding 15
//! replies of 8 agents each (goal: > 20,000 hunt group replies decoded per second per core).
//!
//! Run: `cargo bench --bench codec`.

use huntctl::ocip::commands::{Request, Response};
use huntctl::ocip::decode_response::decode_response_document;
use huntctl::ocip::encode_request::request_document;
use huntctl::ocip::xml::{escape, to_latin1_with_refs};
use std::hint::black_box;
use std::time::{Duration, Instant};

const REPLIES: usize = 15;
const AGENTS: usize = 8;

/// A bench-only encoder for the reply (the real one belongs to the sandbox).
fn instance_reply(i: usize) -> String {
    let mut s = String::with_capacity(4096);
    s.push_str("<command echo=\"\" xsi:type=\"GroupHuntGroupGetInstanceResponse20\" xmlns=\"\">");
    s.push_str(&format!(
        "<serviceInstanceProfile><name>{}</name><callingLineIdLastName>Sales</callingLineIdLastName>\
<callingLineIdFirstName>Hunt</callingLineIdFirstName><hiraganaLastName>はんばい</hiraganaLastName>\
<phoneNumber>202555{i:04}</phoneNumber><extension>{i:04}</extension><countryCode>1</countryCode>\
<language>English</language><timeZone>America/New_York</timeZone>\
<timeZoneDisplayName>(GMT-05:00) (US) Eastern Time</timeZoneDisplayName><alias>hg{i}@example.com</alias>\
</serviceInstanceProfile>",
        escape(&format!("Sales & Support {i}"))
    ));
    s.push_str(
        "<policy>Weighted</policy><huntAfterNoAnswer>true</huntAfterNoAnswer><noAnswerNumberOfRings>5</noAnswerNumberOfRings>\
<forwardAfterTimeout>false</forwardAfterTimeout><forwardTimeoutSeconds>10</forwardTimeoutSeconds><agentUserTable>",
    );
    for h in [
        "User Id",
        "Last Name",
        "First Name",
        "Hiragana Last Name",
        "Hiragana First Name",
        "Weight",
        "Phone Number",
        "Extension",
        "Department",
        "Email Address",
    ] {
        s.push_str(&format!("<colHeading>{h}</colHeading>"));
    }
    for a in 0..AGENTS {
        s.push_str(&format!(
            "<row><col>agent{a}@example.com</col><col>Smith</col><col>Agent {a}</col><col>すみす</col><col/>\
<col>{}</col><col>20255501{a:02}</col><col>01{a:02}</col><col/><col>agent{a}@example.com</col></row>",
            (a * 10) % 101
        ));
    }
    s.push_str(
        "</agentUserTable><allowCallWaitingForAgents>true</allowCallWaitingForAgents>\
<useSystemHuntGroupCLIDSetting>true</useSystemHuntGroupCLIDSetting><includeHuntGroupNameInCLID>true</includeHuntGroupNameInCLID>\
<enableNotReachableForwarding>false</enableNotReachableForwarding><makeBusyWhenNotReachable>false</makeBusyWhenNotReachable>\
<allowMembersToControlGroupBusy>false</allowMembersToControlGroupBusy><enableGroupBusy>false</enableGroupBusy>\
<applyGroupBusyWhenTerminatingToAgent>false</applyGroupBusyWhenTerminatingToAgent></command>",
    );
    s
}

fn reply_document(seed: usize) -> Vec<u8> {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\" \
xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><sessionId xmlns=\"\">bench</sessionId>",
    );
    for i in 0..REPLIES {
        s.push_str(&instance_reply(seed * REPLIES + i));
    }
    s.push_str("</BroadsoftDocument>");
    to_latin1_with_refs(&s)
}

/// CPU time this thread has used, from /proc (Linux; clock ticks assumed 100 Hz). The machine
/// is shared, so rates per CPU-second are the per-core figure; wall-clock rates are shown too.
fn thread_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Runs `f` (returning items done) for at least `min` wall time; returns items per CPU-second.
fn run(label: &str, min: Duration, mut f: impl FnMut() -> usize) -> f64 {
    for _ in 0..20 {
        black_box(f());
    }
    let (mut items, t0, c0) = (0usize, Instant::now(), thread_cpu());
    while t0.elapsed() < min {
        items += f();
    }
    let wall = items as f64 / t0.elapsed().as_secs_f64();
    let cpu = match (c0, thread_cpu()) {
        (Some(a), Some(b)) if b > a => items as f64 / (b - a).as_secs_f64(),
        _ => wall,
    };
    println!("{label:<52} {cpu:>10.0} /CPU-s {wall:>10.0} /wall-s");
    cpu
}

fn main() {
    let min = Duration::from_secs(3);
    let docs: Vec<Vec<u8>> = (0..16).map(reply_document).collect();
    let bytes = docs[0].len();
    let mut k = 0;
    let decode = run("decode: hunt group replies (15/doc, 8 agents)", min, || {
        k = (k + 1) % docs.len();
        let d = decode_response_document(&docs[k]).expect("decode");
        assert!(matches!(&d.responses[14], Response::Instance(i) if i.agents.len() == AGENTS));
        d.responses.len()
    });
    let requests: Vec<Request> = (0..REPLIES)
        .map(|i| Request::GetInstance {
            service_user_id: format!("hg{i}@example.com"),
        })
        .collect();
    let encode = run(
        "encode: GetInstanceRequest20 commands (15/doc)",
        min,
        || {
            black_box(request_document("bench-session", &requests));
            REPLIES
        },
    );
    let mut j = 0;
    let both = run(
        "encode + decode: request doc + reply doc, replies",
        min,
        || {
            j = (j + 1) % docs.len();
            black_box(request_document("bench-session", &requests));
            decode_response_document(&docs[j])
                .expect("decode")
                .responses
                .len()
        },
    );
    println!(
        "reply document: {bytes} bytes; {:.1} MB per CPU-second decoded",
        decode / REPLIES as f64 * bytes as f64 / 1e6
    );
    let goal = 20_000.0;
    println!(
        "goal > {goal:.0} replies decoded per second per core: {} (decode {decode:.0}, encode {encode:.0}, both {both:.0})",
        if decode > goal && both > goal { "met" } else { "NOT met" }
    );
}
