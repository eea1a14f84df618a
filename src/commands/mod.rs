//! One module per subcommand: each turns parsed arguments into library calls and an exit code.

pub mod sandbox;
pub mod validate;

use std::process::ExitCode;

/// What a command returns: an exit code, or an error that main renders with miette.
pub type CommandResult = miette::Result<ExitCode>;

/// Runs the parsed command line.
pub fn run(cli: crate::cli::Cli) -> CommandResult {
    use crate::cli::Command;
    match cli.command {
        Command::Validate(a) => validate::run(a),
        Command::Plan(a) => not_yet("plan", a),
        Command::Apply(a) => not_yet("apply", a),
        Command::Sandbox(a) => sandbox::run(a),
        Command::Export(a) => not_yet("export", a),
        Command::Convert(a) => not_yet("convert", a),
        Command::Completions(a) => completions(a),
    }
}

fn not_yet<T>(name: &str, _args: T) -> CommandResult {
    Err(miette::miette!("`huntctl {name}` is not implemented yet"))
}

fn completions(args: crate::cli::CompletionsArgs) -> CommandResult {
    use clap::CommandFactory;
    let mut cmd = crate::cli::Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "huntctl", &mut std::io::stdout());
    Ok(ExitCode::SUCCESS)
}
