//! `wirelens-gui [FILE]`: the desktop application.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use wirelens_gui::WirelensApp;

const USAGE: &str = "usage: wirelens-gui [FILE]\n\n\
Opens the wirelens packet analyzer window, showing FILE (pcap or pcapng) if given.";

fn main() -> ExitCode {
    let file = match parse_args(std::env::args_os().skip(1)) {
        Ok(Args::Run(file)) => file,
        Ok(Args::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(Args::Version) => {
            println!("wirelens-gui {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("wirelens-gui: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };

    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("wirelens")
            .with_app_id("wirelens")
            .with_inner_size([1200.0, 760.0])
            .with_min_inner_size([480.0, 240.0]),
        ..Default::default()
    };
    let result = eframe::run_native(
        "wirelens",
        options,
        Box::new(move |_cc| Ok(Box::new(WirelensApp::new(file)))),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wirelens-gui: cannot open the window: {e}");
            ExitCode::FAILURE
        }
    }
}

enum Args {
    Run(Option<PathBuf>),
    Help,
    Version,
}

fn parse_args(args: impl Iterator<Item = OsString>) -> Result<Args, String> {
    let mut file = None;
    let mut only_files = false;
    for arg in args {
        if !only_files {
            match arg.to_str() {
                Some("-h" | "--help") => return Ok(Args::Help),
                Some("-V" | "--version") => return Ok(Args::Version),
                Some("--") => {
                    only_files = true;
                    continue;
                }
                Some("-") => {
                    return Err(
                        "reading a capture from standard input is not supported here".into(),
                    );
                }
                Some(s) if s.starts_with('-') => {
                    return Err(format!("unknown option '{s}'"));
                }
                _ => {}
            }
        }
        if file.replace(PathBuf::from(arg)).is_some() {
            return Err("only one FILE can be opened".into());
        }
    }
    Ok(Args::Run(file))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn parse(args: &[&str]) -> Result<Args, String> {
        parse_args(args.iter().map(OsString::from))
    }

    #[test]
    fn file_is_optional() {
        assert!(matches!(parse(&[]), Ok(Args::Run(None))));
        assert!(matches!(
            parse(&["a.pcap"]),
            Ok(Args::Run(Some(p))) if p == Path::new("a.pcap")
        ));
    }

    #[test]
    fn double_dash_allows_a_file_named_like_an_option() {
        assert!(matches!(
            parse(&["--", "-odd.pcap"]),
            Ok(Args::Run(Some(p))) if p == Path::new("-odd.pcap")
        ));
    }

    #[test]
    fn help_version_and_mistakes() {
        assert!(matches!(parse(&["--help"]), Ok(Args::Help)));
        assert!(matches!(parse(&["-V"]), Ok(Args::Version)));
        assert_eq!(parse(&["-x"]).err().as_deref(), Some("unknown option '-x'"));
        assert!(parse(&["a.pcap", "b.pcap"]).is_err());
        assert!(parse(&["-"]).is_err());
    }
}
