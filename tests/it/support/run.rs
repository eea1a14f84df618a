//! The one way to run the `huntctl` binary: [`huntctl`] in a working directory outside the
//! checkout, with a clean environment, stdin closed, returning an [`Out`].
//!
//! huntctl writes beside what it is given (undo plans in `.huntctl/undo/`, the embedded
//! sandbox's `.huntctl/sandbox.json`), so a run in the checkout would leave files there: every
//! run's working directory is a test's temp dir, and [`huntctl`] refuses the checkout.

use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The binary under test. Only this module names it (the `leftovers` module checks that).
const BIN: &str = env!("CARGO_BIN_EXE_huntctl");

/// The binary's path, handed to the interop suite (tests/interop), which starts its own
/// sandboxes with it (each with `--state` in pytest's temp dir). Tests run it with [`huntctl`].
pub fn bin_for_interop_suite() -> &'static str {
    BIN
}

/// The checkout (the root package's directory), canonical.
pub fn checkout() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .canonicalize()
        .expect("the checkout exists")
}

/// Variables of the caller's environment that change what huntctl does; a run has none of
/// them unless the test sets them with [`Huntctl::env`].
fn inherited_setting(name: &OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with("BROADWORKS_")
        || name.starts_with("HUNTCTL_")
        // What cargo sets for what it runs: huntctl's hints would say `cargo run --`.
        || name == "CARGO"
        || name.starts_with("CARGO_PKG_")
        || matches!(
            name.as_ref(),
            "RUST_LOG" | "NO_COLOR" | "FORCE_COLOR" | "CLICOLOR" | "CLICOLOR_FORCE"
        )
}

/// A run of the binary being set up: see [`huntctl`].
pub struct Huntctl {
    cmd: Command,
}

/// The binary, run in `cwd`: a temp dir of the test, never the checkout (panics if it is in
/// there). None of the caller's `BROADWORKS_*`, `HUNTCTL_*`, `RUST_LOG` and colour variables;
/// stdin is closed, so it is not a terminal.
pub fn huntctl(cwd: &Path) -> Huntctl {
    let at = cwd
        .canonicalize()
        .unwrap_or_else(|e| panic!("working directory {}: {e}", cwd.display()));
    assert!(
        !at.starts_with(checkout()),
        "huntctl would run in the checkout ({}) and leave its files there: use a temp dir",
        at.display()
    );
    let mut cmd = Command::new(BIN);
    cmd.current_dir(&at).stdin(Stdio::null());
    for (name, _) in std::env::vars_os() {
        if inherited_setting(&name) {
            cmd.env_remove(name);
        }
    }
    Huntctl { cmd }
}

impl Huntctl {
    /// Sets an environment variable for this run.
    pub fn env(mut self, name: &str, value: impl AsRef<OsStr>) -> Huntctl {
        self.cmd.env(name, value);
        self
    }

    /// The BroadWorks login in the environment (`BROADWORKS_USER`, `BROADWORKS_PASSWORD`).
    pub fn login(self, user: &str, password: &str) -> Huntctl {
        self.env("BROADWORKS_USER", user)
            .env("BROADWORKS_PASSWORD", password)
    }

    /// Runs it with `args` to the end.
    pub fn run<S: AsRef<OsStr>>(mut self, args: impl IntoIterator<Item = S>) -> Out {
        let out = self
            .cmd
            .args(args)
            .output()
            .expect("the huntctl binary runs");
        Out {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Starts it with `args` in the background, its output going to `stdout` and `stderr`.
    pub fn spawn<S: AsRef<OsStr>>(
        mut self,
        args: impl IntoIterator<Item = S>,
        stdout: impl Into<Stdio>,
        stderr: impl Into<Stdio>,
    ) -> Child {
        self.cmd
            .args(args)
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .expect("the huntctl binary starts")
    }
}

/// What a run of the binary produced.
#[derive(Debug)]
pub struct Out {
    /// The exit code; -1 when a signal ended it.
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// stdout and stderr together, for checks that look at both.
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    /// The undo plan an apply wrote: the FILE of its "Undo: … huntctl apply --plan FILE"
    /// line, relative to `cwd`, the run's working directory.
    pub fn undo_file(&self, cwd: &Path) -> PathBuf {
        let line = self
            .stderr
            .lines()
            .find(|l| l.starts_with("Undo: "))
            .unwrap_or_else(|| panic!("no undo line:\n{}", self.all()));
        let file = line
            .split("huntctl apply --plan ")
            .nth(1)
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap();
        cwd.join(file)
    }
}

/// The exit code and both outputs, for assertion messages.
impl fmt::Display for Out {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}
