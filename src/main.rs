//! The huntctl binary: parse the command line, run the library, map the outcome to an exit code.

use clap::Parser;
use std::process::ExitCode;

/// mimalloc instead of glibc malloc: a 100,000-group desired state is ~3 million small
/// strings, and glibc's per-chunk header and 16-byte rounding cost ~55 MB on top of them
/// (benches/load.rs: 203 MB peak with glibc, 155 MB with mimalloc). v2: v3 peaked 166–194 MB.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = huntctl::cli::Cli::parse();
    init_logging(cli.verbose);
    tracing::debug!("started");
    match huntctl::commands::run(cli) {
        Ok(code) => code,
        Err(report) => {
            eprintln!("{report:?}");
            ExitCode::FAILURE
        }
    }
}

/// `-v` / `RUST_LOG` select the level; logs go to stderr so stdout stays machine-readable.
fn init_logging(verbose: u8) {
    use tracing_subscriber::EnvFilter;
    let default = match verbose {
        0 => "warn",
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
