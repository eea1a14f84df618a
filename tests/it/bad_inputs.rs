//! The bad-input corpus (tests/bad-inputs/): every file is refused by `huntctl plan` with exit 1,
//! the expected message at the expected location, and nothing reaches the server.
//!
//! Each `NAME.yaml` / `NAME.csv` has a `NAME.expected` next to it:
//! ```text
//! message: <a substring of the diagnostic>
//! at: <file>:<line>:<column>          (the snippet's location)
//! at: (row N, column HEADER)          (CSV: the row and column named in the message)
//! ```

use std::path::{Path, PathBuf};

use crate::support::{huntctl, SandboxOpts};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-inputs")
}

/// Diagnostics wrap long lines (`│ ` continuations); join them and collapse whitespace.
fn normalize(s: &str) -> String {
    s.replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

struct Expected {
    message: String,
    at: Vec<String>,
}

fn expected(path: &Path) -> Expected {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut message = None;
    let mut at = Vec::new();
    for line in text.lines() {
        if let Some(m) = line.strip_prefix("message: ") {
            message = Some(m.to_string());
        } else if let Some(a) = line.strip_prefix("at: ") {
            at.push(a.to_string());
        } else if !line.trim().is_empty() {
            panic!("{}: unexpected line {line:?}", path.display());
        }
    }
    let message = message.unwrap_or_else(|| panic!("{}: no message", path.display()));
    assert!(!at.is_empty(), "{}: no location", path.display());
    Expected { message, at }
}

#[test]
fn every_bad_input_is_refused_with_its_diagnostic_and_nothing_is_sent() {
    // The inputs are copied into the working directory (huntctl never runs in the checkout),
    // and named there as they are in the corpus, so the snippets show the corpus names.
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path();
    let sandbox = SandboxOpts::new().in_dir(work).record().start();
    let url = sandbox.url();

    let mut inputs: Vec<PathBuf> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "csv")))
        .collect();
    inputs.sort();
    let yaml = inputs
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .count();
    let csv = inputs.len() - yaml;
    assert!(
        inputs.len() >= 40,
        "the corpus holds {} files",
        inputs.len()
    );
    assert!(yaml >= 20 && csv >= 10, "{yaml} YAML and {csv} CSV files");

    let mut failures = Vec::new();
    for input in &inputs {
        let name = input.file_name().unwrap().to_str().unwrap();
        let exp = expected(&input.with_extension("expected"));
        std::fs::copy(input, work.join(name)).unwrap();
        let out = huntctl(work)
            .login("admin", "admin")
            .run(["plan", "--url", url, name]);
        let stderr = &out.stderr;
        let flat = normalize(stderr);
        let mut problems = Vec::new();
        if out.code != 1 {
            problems.push(format!("exit {}, expected 1", out.code));
        }
        if !out.stdout.is_empty() {
            problems.push("printed a plan".to_string());
        }
        if !flat.contains(&normalize(&exp.message)) {
            problems.push(format!("no message {:?}", exp.message));
        }
        for at in &exp.at {
            // `file:line:col` is the snippet header `[file:line:col]`.
            let found = if at.starts_with('(') {
                flat.contains(&normalize(at))
            } else {
                stderr.contains(&format!("[{at}]"))
            };
            if !found {
                problems.push(format!("no location {at}"));
            }
        }
        // Diagnostics quote the source around a problem, never a password in it.
        let text = std::fs::read_to_string(input).unwrap();
        for line in text.lines() {
            if let Some((_, secret)) = line.split_once("password: ") {
                if stderr.contains(secret.trim()) {
                    problems.push("shows a password".into());
                }
            }
        }
        if !stderr.contains("nothing was sent to the server") {
            problems.push("does not say that nothing was sent".into());
        }
        if !problems.is_empty() {
            failures.push(format!("{name}: {}\n{stderr}", problems.join("; ")));
        }
    }
    let record = sandbox.record_path().to_path_buf();
    sandbox.stop();
    assert!(
        failures.is_empty(),
        "{} of {} bad inputs:\n{}",
        failures.len(),
        inputs.len(),
        failures.join("\n")
    );
    // Not one document reached the sandbox: no login, no read, no write.
    let recorded = std::fs::read(&record).unwrap_or_default();
    assert!(
        recorded.is_empty(),
        "the sandbox received:\n{}",
        String::from_utf8_lossy(&recorded)
    );
}

#[test]
fn every_corpus_file_has_an_expectation_and_vice_versa() {
    let mut stems = std::collections::BTreeMap::<String, Vec<String>>::new();
    for e in std::fs::read_dir(corpus()).unwrap() {
        let p = e.unwrap().path();
        let stem = p.file_stem().unwrap().to_str().unwrap().to_string();
        let ext = p
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_string();
        stems.entry(stem).or_default().push(ext);
    }
    for (stem, mut exts) in stems {
        exts.sort();
        if exts == ["md"] {
            continue;
        }
        assert!(
            exts == ["csv", "expected"] || exts == ["expected", "yaml"],
            "{stem}: {exts:?}"
        );
    }
}
