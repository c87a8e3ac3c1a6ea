//! The `wirelens` binary's commands, as a library so tests can drive them in-process.

pub mod cli;
pub mod commands;
#[cfg(feature = "fuzz")]
pub mod fuzz;
pub mod input;
pub mod tui;

use std::io::IsTerminal;
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
    match cli.command {
        // `wirelens -i IFACE`: the UI on a terminal; piped, the summary
        // lines of `wirelens capture`, as tshark prints them.
        None if !cli.live.interfaces.is_empty() => {
            if std::io::stdout().is_terminal() {
                tui::run_live(&cli.live, &cli.open)
            } else {
                commands::live::capture(&cli.live, &mut std::io::stdout().lock())
            }
        }
        None => match cli.open.file {
            Some(_) => tui::run(&cli.open),
            None => {
                use clap::CommandFactory;
                // Help on a closed pipe is nobody's error.
                let _ = Cli::command().print_help();
                Ok(ExitCode::from(2))
            }
        },
        Some(Command::Open(args)) => tui::run(&args),
        Some(Command::Print(args)) => commands::print::run(&args, &mut std::io::stdout().lock()),
        Some(Command::Fields(args)) => commands::fields::run(&args, &mut std::io::stdout().lock()),
        Some(Command::Stats(args)) => commands::stats::run(&args, &mut std::io::stdout().lock()),
        Some(Command::Flows(args)) => commands::flows::run(&args, &mut std::io::stdout().lock()),
        Some(Command::Follow(args)) => commands::follow::run(&args, &mut std::io::stdout().lock()),
        Some(Command::Capture(args)) => {
            commands::live::capture(&args, &mut std::io::stdout().lock())
        }
        Some(Command::Interfaces) => commands::live::interfaces(&mut std::io::stdout().lock()),
    }
}
