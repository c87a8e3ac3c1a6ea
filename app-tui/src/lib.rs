//! The `wirelens` binary's commands, as a library so tests can drive them in-process.

pub mod cli;
pub mod commands;
#[cfg(feature = "fuzz")]
pub mod fuzz;
pub mod input;

use std::process::ExitCode;

use cli::{Cli, Command};

/// An error for the user: one clear line, printed by `main`.
#[derive(Debug)]
pub struct Error(pub String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error(e.to_string())
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode, Error> {
    let Some(command) = cli.command else {
        // `wirelens -i IFACE`: the live capture runs headless until the
        // terminal UI can show it.
        if cli.live.interfaces.is_empty() {
            return Err(Error(
                "give a command (`wirelens --help` lists them) or an interface to capture on with -i"
                    .into(),
            ));
        }
        return commands::live::capture(&cli.live, &mut std::io::stdout().lock());
    };
    match command {
        Command::Print(args) => commands::print::run(&args, &mut std::io::stdout().lock()),
        Command::Fields(args) => commands::fields::run(&args, &mut std::io::stdout().lock()),
        Command::Stats(args) => commands::stats::run(&args, &mut std::io::stdout().lock()),
        Command::Flows(args) => commands::flows::run(&args, &mut std::io::stdout().lock()),
        Command::Follow(args) => commands::follow::run(&args, &mut std::io::stdout().lock()),
        Command::Capture(args) => commands::live::capture(&args, &mut std::io::stdout().lock()),
        Command::Interfaces => commands::live::interfaces(&mut std::io::stdout().lock()),
    }
}
