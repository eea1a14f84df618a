//! One module per subcommand: each turns parsed arguments into library calls and an exit code.

pub mod apply;
pub mod connect;
pub mod convert;
pub mod export;
pub mod plan;
pub mod sandbox;
pub mod undo;
pub mod validate;

use std::process::ExitCode;

/// What a command returns: an exit code, or an error that main renders with miette.
pub type CommandResult = miette::Result<ExitCode>;

/// Runs the parsed command line.
pub fn run(cli: crate::cli::Cli) -> CommandResult {
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
pub fn file_format(f: crate::cli::FileFormat) -> crate::export::Format {
    match f {
        crate::cli::FileFormat::Yaml => crate::export::Format::Yaml,
        crate::cli::FileFormat::Csv => crate::export::Format::Csv,
    }
}

fn completions(args: crate::cli::CompletionsArgs) -> CommandResult {
    use clap::CommandFactory;
    let mut cmd = crate::cli::Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "huntctl", &mut std::io::stdout());
    Ok(ExitCode::SUCCESS)
}

/// Loads desired state, printing diagnostics (and warnings) to stderr; `None` when invalid.
pub fn load_desired(paths: &[std::path::PathBuf]) -> Option<crate::desired::DesiredState> {
    use std::io::IsTerminal;
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    match crate::desired::load_paths(paths) {
        Ok(state) => {
            if !state.warnings.is_empty() {
                eprint!(
                    "{}",
                    crate::desired::diagnostics::render_all(&state.warnings, color)
                );
            }
            Some(state)
        }
        Err(d) => {
            eprint!("{}", d.render(color));
            eprintln!(
                "{} error(s): desired state is not valid; nothing was sent to the server",
                d.error_count()
            );
            None
        }
    }
}
