//! A test run leaves nothing in the checkout.
//!
//! huntctl writes beside what it is given: undo plans in `.huntctl/undo/` and the embedded
//! sandbox's `.huntctl/sandbox.json`, relative to its working directory. So the binary runs
//! only through the harness ([`crate::support::huntctl`]), in a temp dir, never the checkout:
//! the sources are checked for any other way of running it, and an apply through the harness
//! is checked to write in its temp dir and nowhere in the checkout.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::support::run::checkout;
use crate::support::{huntctl, SandboxOpts};

/// Every `.rs` file under `dir`, recursively.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("tests/it is readable") {
        let p = e.expect("a directory entry").path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The text of a call: from `at` (an index into `text` just after `name(`) to its closing
/// parenthesis.
fn call_at(text: &str, at: usize) -> &str {
    let mut depth = 1;
    for (i, c) in text[at..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return &text[at..at + i];
                }
            }
            _ => {}
        }
    }
    &text[at..]
}

#[test]
fn the_binary_is_run_only_by_the_harness() {
    let root = checkout().join("tests/it");
    let harness = root.join("support/run.rs");
    let mut files = Vec::new();
    sources(&root, &mut files);
    assert!(files.len() > 10, "{files:?}");
    assert!(files.contains(&harness));
    let mut problems = Vec::new();
    for f in &files {
        if *f == harness {
            continue;
        }
        let name = f.strip_prefix(&root).unwrap().display().to_string();
        let text = std::fs::read_to_string(f).unwrap();
        // The binary's path: cargo's variable for it is read by the harness alone (the
        // needle is split so that this file does not name it either).
        if text.contains(concat!("CARGO_BIN_", "EXE")) {
            problems.push(format!(
                "{name} names the binary: run it with support::huntctl"
            ));
        }
        // The one hand-off of the path: to the interop suite, whose sandboxes it starts with
        // --state in pytest's temp dir.
        let handoff = concat!("bin_for_interop_suite", "()");
        let allowed = concat!(".env(\"HUNTCTL_BIN\", bin_for_interop_suite", "())");
        if text.matches(handoff).count() != text.matches(allowed).count() {
            problems.push(format!(
                "{name} uses the binary's path for something else than HUNTCTL_BIN"
            ));
        }
        // The CLI run in this process works in the test process's directory, the checkout:
        // only what writes no file there.
        for needle in [concat!("run_cli", "("), concat!("commands::main", "(")] {
            for (i, _) in text.match_indices(needle) {
                let call = call_at(&text, i + needle.len());
                for sub in ["apply", "plan", "export", "convert", "sandbox", "undo"] {
                    if call.contains(&format!("\"{sub}\"")) {
                        problems.push(format!(
                            "{name} runs `huntctl {sub}` in the checkout through the \
                             in-process CLI (huntctl::commands::main)"
                        ));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_harness_refuses_to_run_the_binary_in_the_checkout() {
    for dir in [checkout(), checkout().join("examples")] {
        let refused = std::panic::catch_unwind(|| huntctl(&dir));
        assert!(refused.is_err(), "{} was accepted", dir.display());
    }
}

/// Every file under `dir` (recursively), relative to it; empty when `dir` does not exist.
fn listing(dir: &Path) -> BTreeSet<PathBuf> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeSet<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.insert(p.strip_prefix(base).unwrap().to_path_buf());
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, dir, &mut out);
    out
}

/// An apply through the harness (against a sandbox, and with the embedded sandbox) writes its
/// undo plan, and the embedded sandbox its state, in the run's temp dir; the checkout's
/// `.huntctl/` (which a developer's README demo may have made) gains nothing.
#[test]
fn an_apply_through_the_harness_writes_in_its_temp_dir_not_the_checkout() {
    let in_checkout = checkout().join(".huntctl");
    let before = listing(&in_checkout);
    let examples = checkout().join("examples/huntgroups");
    let examples = examples.to_str().unwrap();

    let sb = SandboxOpts::new().start();
    let applied = sb.apply(&[examples, "--auto-approve"]);
    assert_eq!(applied.code, 0, "{applied}");
    let undo = applied.undo_file(sb.dir());
    assert!(
        undo.starts_with(sb.path(".huntctl/undo")),
        "{}",
        undo.display()
    );
    assert!(undo.is_file(), "{}", undo.display());

    let dir = tempfile::tempdir().unwrap();
    let embedded = huntctl(dir.path()).run(["apply", "--sandbox", examples, "--auto-approve"]);
    assert_eq!(embedded.code, 0, "{embedded}");
    let written = listing(&dir.path().join(".huntctl"));
    assert!(written.contains(Path::new("sandbox.json")), "{written:?}");
    let embedded_undo = embedded.undo_file(dir.path());
    assert!(embedded_undo.is_file(), "{}", embedded_undo.display());
    let embedded_undo = embedded_undo
        .strip_prefix(dir.path().join(".huntctl"))
        .unwrap();
    assert!(written.contains(embedded_undo), "{written:?}");

    let after = listing(&in_checkout);
    assert_eq!(
        after.difference(&before).collect::<Vec<_>>(),
        Vec::<&PathBuf>::new(),
        "files appeared in {}",
        in_checkout.display()
    );
    let name = undo.file_name().unwrap();
    assert!(!in_checkout.join("undo").join(name).exists());
}
