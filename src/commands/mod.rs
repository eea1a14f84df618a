//! One module per subcommand: each turns clap's arguments into the library's options structs,
//! calls the operation (`huntctl_core::ops`), and prints the result. No logic of its own.

pub mod apply;
pub mod connect;
pub mod convert;
pub mod export;
pub mod plan;
pub mod sandbox;
pub mod validate;

use crate::error::{stderr_color, Error, Result};
use huntctl_core::desired::{self, DesiredState};
use huntctl_core::ops;
use std::process::ExitCode;

/// Runs `huntctl` on `args` (the first is the program name) and returns the exit code: what the
/// binary's `main` does, and what the Python package's console script calls, so both behave
/// the same. Errors are rendered here, once ([`Error::render`]).
///
/// ```
/// assert_eq!(huntctl::commands::main(["huntctl", "validate", "examples/reference/full.csv"]), 0);
/// assert_eq!(huntctl::commands::main(["huntctl", "--no-such-flag"]), 2);
/// ```
pub fn main<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    use clap::Parser;
    let cli = match crate::cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are "errors" that print to stdout and exit 0.
            let _ = e.print();
            return u8::try_from(e.exit_code()).unwrap_or(2);
        }
    };
    init_logging(cli.verbose);
    tracing::debug!("started");
    match run(cli) {
        Ok(code) => exit_code_value(code),
        Err(e) => {
            eprint!("{}", e.render());
            e.exit_code()
        }
    }
}

/// The number inside an `ExitCode` (std keeps it opaque; the codes are 0–255).
fn exit_code_value(code: ExitCode) -> u8 {
    (0..=u8::MAX)
        .find(|&c| ExitCode::from(c) == code)
        .unwrap_or(1)
}

/// `-v` / `RUST_LOG` select the level; logs go to stderr so stdout stays machine-readable.
fn init_logging(verbose: u8) {
    use tracing_subscriber::EnvFilter;
    let default = match verbose {
        0 => "warn",
        // A target prefix: `huntctl` also covers huntctl_core and huntctl_sandbox.
        1 => "huntctl=info",
        _ => "huntctl=debug",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

/// Runs the parsed command line.
pub fn run(cli: crate::cli::Cli) -> Result<ExitCode> {
    use crate::cli::Command;
    match cli.command {
        Command::Validate(a) => validate::run(a),
        Command::Plan(a) => plan::run(a),
        Command::Apply(a) => apply::run(a),
        Command::Sandbox(a) => sandbox::run(a),
        Command::Export(a) => export::run(a),
        Command::Convert(a) => convert::run(a),
        Command::Completions(a) => completions(a),
    }
}

/// The library's file format for `--format` / `--to`.
pub fn file_format(f: crate::cli::FileFormat) -> huntctl_core::export::Format {
    match f {
        crate::cli::FileFormat::Yaml => huntctl_core::export::Format::Yaml,
        crate::cli::FileFormat::Csv => huntctl_core::export::Format::Csv,
    }
}

fn completions(args: crate::cli::CompletionsArgs) -> Result<ExitCode> {
    use clap::CommandFactory;
    let mut cmd = crate::cli::Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "huntctl", &mut std::io::stdout());
    Ok(ExitCode::SUCCESS)
}

/// Loads desired state; its warnings go to stderr. Invalid state is an error that renders
/// every diagnostic.
pub fn load_desired(paths: &[std::path::PathBuf]) -> Result<DesiredState> {
    let state = desired::load_paths(paths).map_err(ops::Error::Invalid)?;
    if !state.warnings.is_empty() {
        eprint!(
            "{}",
            desired::diagnostics::render_all(&state.warnings, stderr_color())
        );
    }
    Ok(state)
}

/// The plan options of `--target`, `--exclude`, `--prune` and `--no-preflight`.
pub fn plan_options(
    args: &crate::cli::SelectionArgs,
    no_preflight: bool,
) -> Result<ops::PlanOptions> {
    let mut opts = ops::PlanOptions::new(&args.target, &args.exclude, args.prune)
        .map_err(|e| Error::Usage(e.to_string()))?;
    opts.preflight = !no_preflight;
    Ok(opts)
}

/// The runtime a command's operations run on.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    ops::runtime().map_err(|e| Error::io("cannot start the async runtime", e))
}

/// How to run huntctl again in a hint: `cargo run --` when cargo started this process (cargo
/// sets `CARGO` and the package's name for what it runs), else `huntctl`.
pub fn invocation() -> &'static str {
    let by_cargo = std::env::var_os("CARGO").is_some()
        && std::env::var("CARGO_PKG_NAME").is_ok_and(|n| n == env!("CARGO_PKG_NAME"));
    if by_cargo {
        "cargo run --"
    } else {
        "huntctl"
    }
}

/// `word` as a POSIX shell reads it back: as it is when it is plain, else in single quotes, so
/// a hint with a path holding spaces still runs as printed.
pub fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./:@%+=,".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}
