//! The Python package's suite (python/tests, pytest) as part of `cargo test`.
//!
//! It runs in the interpreter named by `HUNTCTL_PYTHON`: in CI (`.ci/run`) a fresh venv into which
//! the wheel built once by `maturin build` was installed; by hand, a venv with `maturin develop`.
//! Everything here runs with a PATH on which no `cargo` or `rustc` can be found, so the package is
//! shown to work as installed on a machine without Rust: the module imports, the console script
//! runs, and the suite passes. Without `HUNTCTL_PYTHON` the test says so on one line and passes,
//! except under CI (`CI=true`), where it fails.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The Rust tools that must not be reachable: a wheel that needed them would not install on a
/// user's machine.
const RUST_TOOLS: [&str; 2] = ["cargo", "rustc"];

/// `path` without the directories that hold a Rust tool, `first` in front (the venv's scripts).
fn path_without_rust(first: &Path, path: &OsString) -> OsString {
    let has_rust = |dir: &Path| {
        RUST_TOOLS.iter().any(|t| {
            dir.join(format!("{t}{}", std::env::consts::EXE_SUFFIX))
                .exists()
        })
    };
    let dirs = std::iter::once(first.to_path_buf())
        .chain(std::env::split_paths(path).filter(|d| !has_rust(d)));
    std::env::join_paths(dirs).expect("PATH entries joined again")
}

fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).trim().to_string()
}

#[test]
fn python_package_suite() {
    let mut err = std::io::stderr();
    let Some(python) = std::env::var_os("HUNTCTL_PYTHON") else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "HUNTCTL_PYTHON is not set: .ci/run installs the wheel into .venv-python and sets it"
        );
        // writeln! to stderr is not captured by the test harness: the skip is visible.
        let _ = writeln!(
            err,
            "python package suite: SKIPPED (set HUNTCTL_PYTHON=.venv-python/bin/python after \
             installing the package, see README \"Development\")"
        );
        return;
    };
    let python = PathBuf::from(python);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));

    // Where the venv keeps console scripts (bin/ or Scripts/), from the interpreter itself.
    let o = run(Command::new(&python).args([
        "-c",
        "import sysconfig; print(sysconfig.get_path('scripts'))",
    ]));
    assert!(o.status.success(), "{python:?}: {}", text(&o.stderr));
    let scripts = PathBuf::from(text(&o.stdout));
    let path = path_without_rust(&scripts, &std::env::var_os("PATH").unwrap_or_default());
    let cmd = |program: &Path| {
        let mut c = Command::new(program);
        c.current_dir(root)
            .env("PATH", &path)
            // Nothing written in the checkout: no __pycache__ beside the suite.
            .env("PYTHONDONTWRITEBYTECODE", "1");
        c
    };

    // As a shell would see it: `command -v cargo rustc` finds nothing.
    #[cfg(unix)]
    {
        let o = run(cmd(Path::new("/bin/sh")).args(["-c", "command -v cargo rustc"]));
        assert!(
            o.stdout.is_empty() && !o.status.success(),
            "a Rust tool is still on the suite's PATH: {}",
            text(&o.stdout)
        );
    }

    // The module imports, at this checkout's version; where it was imported from is reported
    // (an installed wheel in site-packages, or the checkout for `maturin develop`).
    let o = run(cmd(&python).args([
        "-c",
        "import huntctl; print(huntctl.__version__); print(huntctl.__file__)",
    ]));
    assert!(o.status.success(), "import huntctl: {}", text(&o.stderr));
    let out = text(&o.stdout);
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some(env!("CARGO_PKG_VERSION")), "{out}");
    let module = PathBuf::from(lines.next().unwrap_or_default());
    let from = if module.starts_with(root.join("python")) {
        "the checkout (maturin develop)"
    } else {
        "an installed wheel"
    };

    // The console script is the CLI.
    let exe = scripts.join(format!("huntctl{}", std::env::consts::EXE_SUFFIX));
    let o = run(cmd(&exe).arg("--version"));
    assert!(o.status.success(), "{exe:?} --version: {}", text(&o.stderr));
    assert_eq!(
        text(&o.stdout),
        concat!("huntctl ", env!("CARGO_PKG_VERSION")),
        "{exe:?} --version"
    );

    let out = run(cmd(&python).args([
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "python/tests",
    ]));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("(no output)");
    let _ = writeln!(
        err,
        "python package suite ({python:?}, huntctl from {from}, no cargo or rustc on PATH): {last}"
    );
    assert!(
        out.status.success(),
        "pytest failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}
