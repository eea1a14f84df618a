//! Codec micro-benchmark: encode + decode of GetInstanceResponse20 documents holding 15
//! replies of 8 agents each (goal: > 20,000 hunt group replies decoded per second per core).
//!
//! Run: `cargo bench --bench codec`.

use huntctl::model::{Field, HuntGroup, Policy};
use huntctl::ocip::decode_response::decode_response_document;
use huntctl::ocip::encode_request::request_document;
use huntctl::ocip::messages::{AgentRow, InstanceDetails};
use huntctl::ocip::messages::{Request, Response};
use huntctl::sandbox::encode::response_document;
use std::hint::black_box;
use std::time::{Duration, Instant};

const REPLIES: usize = 15;
const AGENTS: usize = 8;

/// One GetInstanceResponse20 with realistic values (hiragana, `&`, 8 weighted agents).
fn instance_reply(i: usize) -> Response {
    let agents = (0..AGENTS)
        .map(|a| AgentRow {
            user_id: format!("agent{a}@example.com"),
            last_name: "Smith".into(),
            first_name: format!("Agent {a}"),
            hiragana_last_name: "すみす".into(),
            weight: ((a * 10) % 101) as u8,
            phone_number: format!("20255501{a:02}"),
            extension: format!("01{a:02}"),
            email_address: format!("agent{a}@example.com"),
            ..AgentRow::default()
        })
        .collect();
    let mut h = HuntGroup::with_defaults("", "", "");
    let p = &mut h.service_instance_profile;
    p.name = format!("Sales & Support {i}");
    p.calling_line_id_last_name = "Sales".into();
    p.calling_line_id_first_name = "Hunt".into();
    p.hiragana_last_name = Field::Value("はんばい".into());
    p.phone_number = Field::Value(format!("202555{:04}", i % 10_000));
    p.extension = Field::Value(format!("{:04}", i % 10_000));
    p.language = Field::Value("English".into());
    p.time_zone = Field::Value("America/New_York".into());
    p.alias = vec![format!("hg{i}@example.com")];
    h.policy = Policy::Weighted;
    Response::Instance(Box::new(InstanceDetails {
        hunt_group: h,
        agents,
        country_code: Some("1".into()),
        national_prefix: None,
        time_zone_display_name: Some("(GMT-05:00) (US) Eastern Time".into()),
    }))
}

fn replies(seed: usize) -> Vec<Response> {
    (0..REPLIES)
        .map(|i| instance_reply(seed * REPLIES + i))
        .collect()
}

fn reply_document(seed: usize) -> Vec<u8> {
    response_document("bench", &replies(seed))
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
    let typed: Vec<Vec<Response>> = (0..16).map(replies).collect();
    let mut j = 0;
    let both = run(
        "encode + decode: GetInstanceResponse20 documents, replies",
        min,
        || {
            j = (j + 1) % typed.len();
            let doc = response_document("bench", &typed[j]);
            decode_response_document(&doc)
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
