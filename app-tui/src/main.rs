//! `wirelens`: the terminal front end and its headless subcommands.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = wirelens::cli::Cli::parse();
    match wirelens::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("wirelens: {e}");
            ExitCode::from(1)
        }
    }
}
