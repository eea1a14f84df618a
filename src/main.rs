//! The huntctl binary: the command line (`huntctl::commands::main`), mapped to an exit code.

use std::process::ExitCode;

/// mimalloc instead of glibc malloc: a 100,000-group desired state is ~3 million small
/// strings, and glibc's per-chunk header and 16-byte rounding cost ~55 MB on top of them
/// (benches/load.rs: 203 MB peak with glibc, 155 MB with mimalloc). v2: v3 peaked 166–194 MB.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // The library runs the command line, so that the Python console script behaves the same.
    ExitCode::from(huntctl::commands::main(std::env::args_os()))
}
