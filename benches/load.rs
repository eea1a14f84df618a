//! Load + validate benchmark: a 100,000-row bulk sheet with every column filled, and a YAML
//! file of 10,000 hunt groups with every field filled.
//!
//! `cargo bench --bench load` (release). Prints the time of `desired::load_paths` and the
//! process's peak resident memory (VmHWM) for each case; each case runs in its own process so
//! its peak is its own. Goal for each: under 1 s and under 200 MB.
//!
//! Uses the same global allocator as the `huntctl` binary (src/main.rs), so the figures are
//! what `huntctl validate` on such a sheet costs.

use std::io::Write;
use std::time::Instant;

const ROWS: usize = 100_000;
const YAML_GROUPS: usize = 10_000;

/// The binary's allocator (see src/main.rs for why).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn vm_hwm_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// User + system CPU seconds of this process (wall time is unreliable on a shared machine).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may contain spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn write_sheet(path: &std::path::Path) -> std::io::Result<u64> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut header = String::from(
        "operation,serviceProviderId,groupId,serviceUserId,serviceInstanceProfile.name,\
         serviceInstanceProfile.callingLineIdLastName,serviceInstanceProfile.callingLineIdFirstName,\
         serviceInstanceProfile.hiraganaLastName,serviceInstanceProfile.hiraganaFirstName,\
         serviceInstanceProfile.phoneNumber,serviceInstanceProfile.extension,serviceInstanceProfile.password,\
         serviceInstanceProfile.language,serviceInstanceProfile.timeZone,serviceInstanceProfile.alias[0],\
         serviceInstanceProfile.alias[1],serviceInstanceProfile.alias[2],serviceInstanceProfile.publicUserIdentity,\
         serviceInstanceProfile.callingLineIdPhoneNumber,policy,huntAfterNoAnswer,noAnswerNumberOfRings,\
         forwardAfterTimeout,forwardTimeoutSeconds,allowCallWaitingForAgents,useSystemHuntGroupCLIDSetting,\
         includeHuntGroupNameInCLID,enableNotReachableForwarding,makeBusyWhenNotReachable,\
         allowMembersToControlGroupBusy,enableGroupBusy,applyGroupBusyWhenTerminatingToAgent,\
         forwardToPhoneNumber,notReachableForwardToPhoneNumber,networkClassOfService",
    );
    for i in 0..8 {
        header.push_str(&format!(",agentUserId[{i}]"));
    }
    for i in 0..8 {
        header.push_str(&format!(",agentWeight[{i}]"));
    }
    writeln!(w, "{header}")?;
    for r in 0..ROWS {
        let g = r / 1000;
        write!(
            w,
            "hunt.group.create,BenchProvider,Group{g:04},hunt{r:06}@bench.example.com,Hunt Group {r},\
             Hunt,Group {r},セールス,チーム,+1-202{r:07},{ext:05},secret{r},English,America/New_York,\
             hunt{r:06}-a@bench.example.com,hunt{r:06}-b@bench.example.com,hunt{r:06}-c@bench.example.com,\
             hunt{r:06}-pui@bench.example.com,+1-303{r:07},Weighted,true,{rings},false,{t},true,true,true,\
             true,false,false,false,false,+1-404{r:07},voicemail{r}@bench.example.com,Premium",
            ext = r % 100_000,
            rings = 1 + r % 20,
            t = r % 7200,
        )?;
        for a in 0..8 {
            write!(w, ",agent{a}.{r:06}@bench.example.com")?;
        }
        for a in 0..8 {
            write!(w, ",{}", (a * 13 + r) % 101)?;
        }
        writeln!(w)?;
    }
    w.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

/// A YAML file as people write it: `defaults:`, comments, block and flow lists, quoted text.
fn write_yaml(path: &std::path::Path) -> std::io::Result<u64> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(w, "# {YAML_GROUPS} hunt groups, every field filled\ndefaults:\n  serviceProviderId: BenchProvider\n\nhuntGroups:")?;
    for r in 0..YAML_GROUPS {
        let g = r / 100;
        write!(
            w,
            "  - groupId: Group{g:04}
    serviceUserId: hunt{r:06}@bench.example.com
    serviceInstanceProfile:
      name: Hunt Group {r}
      callingLineIdLastName: Hunt
      callingLineIdFirstName: Group {r}
      hiraganaLastName: セールス
      hiraganaFirstName: チーム
      phoneNumber: \"+1-202{r:07}\"
      extension: \"{ext:05}\"   # quoted: text with leading zeros
      password: secret{r}
      language: English
      timeZone: America/New_York
      alias: [hunt{r:06}-a@bench.example.com, hunt{r:06}-b@bench.example.com, hunt{r:06}-c@bench.example.com]
      publicUserIdentity: hunt{r:06}-pui@bench.example.com
      callingLineIdPhoneNumber: \"+1-303{r:07}\"
    policy: Weighted
    huntAfterNoAnswer: true
    noAnswerNumberOfRings: {rings}
    forwardAfterTimeout: false
    forwardTimeoutSeconds: {t}
    allowCallWaitingForAgents: true
    useSystemHuntGroupCLIDSetting: true
    includeHuntGroupNameInCLID: true
    enableNotReachableForwarding: true
    makeBusyWhenNotReachable: false
    allowMembersToControlGroupBusy: false
    enableGroupBusy: false
    applyGroupBusyWhenTerminatingToAgent: false
    forwardToPhoneNumber: \"+1-404{r:07}\"
    notReachableForwardToPhoneNumber: voicemail{r}@bench.example.com
    networkClassOfService: Premium
    agentUserId:
",
            ext = r % 100_000,
            rings = 1 + r % 20,
            t = r % 7200,
        )?;
        for a in 0..8 {
            writeln!(
                w,
                "      - {{userId: agent{a}.{r:06}@bench.example.com, weight: {}}}",
                (a * 13 + r) % 101
            )?;
        }
    }
    w.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

fn main() {
    // Without an argument, run each case in a child process so each has its own peak memory.
    let case = std::env::args().skip(1).find(|a| a == "csv" || a == "yaml");
    let Some(case) = case else {
        let exe = std::env::current_exe().expect("own path");
        for case in ["csv", "yaml"] {
            let status = std::process::Command::new(&exe)
                .arg(case)
                .status()
                .expect("run a case");
            assert!(status.success(), "the {case} case failed");
        }
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let (path, size, count, what) = if case == "csv" {
        let path = dir.path().join("bench.csv");
        let size = write_sheet(&path).expect("write the sheet");
        (path, size, ROWS, "rows (CSV, every column)")
    } else {
        let path = dir.path().join("bench.yaml");
        let size = write_yaml(&path).expect("write the YAML file");
        (path, size, YAML_GROUPS, "hunt groups (YAML, every field)")
    };
    let before = vm_hwm_kb().unwrap_or(0);
    let cpu_before = cpu_seconds().unwrap_or(0.0);
    let start = Instant::now();
    let state = huntctl::desired::load_paths(&[path]);
    let elapsed = start.elapsed();
    let cpu = cpu_seconds().unwrap_or(0.0) - cpu_before;
    let peak = vm_hwm_kb().unwrap_or(0);
    match state {
        Ok(s) => {
            assert_eq!(s.hunt_groups.len(), count);
            println!(
                "load+validate {count} {what}, {:.1} MB: {:.3} s wall, {:.2} s CPU, peak memory (VmHWM) {:.1} MB (before load {:.1} MB); goal: under 1 s and 200 MB",
                size as f64 / 1e6,
                elapsed.as_secs_f64(),
                cpu,
                peak as f64 / 1024.0,
                before as f64 / 1024.0,
            );
        }
        Err(d) => {
            eprintln!("{}", d.render(false));
            std::process::exit(1);
        }
    }
}
