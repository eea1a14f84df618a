//! The Python package's suite (python/tests, pytest) as part of `cargo test`.
//!
//! It runs in the interpreter named by `HUNTCTL_PYTHON`, a venv in which the package was built
//! from this checkout (`.ci/run` makes `.venv-python` with `maturin develop` and sets it). Without
//! it the test says so on one line and passes, except under CI (`CI=true`), where it fails.

use std::io::Write;
use std::process::Command;

#[test]
fn python_package_suite() {
    let mut err = std::io::stderr();
    let Some(python) = std::env::var_os("HUNTCTL_PYTHON") else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "HUNTCTL_PYTHON is not set: .ci/run builds the package into .venv-python and sets it"
        );
        // writeln! to stderr is not captured by the test harness: the skip is visible.
        let _ = writeln!(
            err,
            "python package suite: SKIPPED (set HUNTCTL_PYTHON=.venv-python/bin/python after \
             `maturin develop`, see README \"From Python\")"
        );
        return;
    };
    let out = Command::new(&python)
        .args([
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "python/tests",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        // Nothing written in the checkout: no __pycache__ beside the suite.
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python:?}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("(no output)");
    let _ = writeln!(err, "python package suite ({python:?}): {last}");
    assert!(
        out.status.success(),
        "pytest failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}
