//! `wirelens-gui [FILE]`: the desktop application.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use wirelens_dissect::Prefs;
use wirelens_gui::app::Startup;
use wirelens_gui::views::menu_bar::{Action, WINDOW_NAMES};
use wirelens_gui::WirelensApp;

const USAGE: &str = "usage: wirelens-gui [--tls-keylog KEYLOG] [-o NAME:VALUE]... [--packet N] [--show WINDOW]... [FILE]\n\n\
Opens the wirelens packet analyzer window, showing FILE (pcap or pcapng) if given.\n\
  --tls-keylog KEYLOG  decrypt TLS with an NSS key log (SSLKEYLOGFILE)\n\
  -o NAME:VALUE        a preference as tshark names it (tls.keylog_file:KEYLOG, ...)\n\
  --packet N           select packet N once it is loaded\n\
  --show WINDOW        open a window at start: hierarchy, conversations, endpoints,\n\
                       expert, io-graph, flows, tcp-graph, timeline, follow\n\
                       (the last three for the selected packet's connection)";

fn main() -> ExitCode {
    let launch = match parse_args(std::env::args_os().skip(1)) {
        Ok(Args::Run(launch)) => launch,
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
        Box::new(move |_cc| {
            let mut app = WirelensApp::with_prefs(launch.file, launch.prefs);
            app.tls_keylog = launch.keylog;
            app.startup = launch.startup;
            if let Some(store) = wirelens_gui::state::default_recent_store() {
                app.state.load_recent(store);
            }
            Ok(Box::new(app))
        }),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wirelens-gui: cannot open the window: {e}");
            ExitCode::FAILURE
        }
    }
}

/// What the window starts with.
#[derive(Default)]
struct Launch {
    file: Option<PathBuf>,
    prefs: Prefs,
    /// The TLS key log's path (the flow report reads it again itself).
    keylog: Option<PathBuf>,
    startup: Startup,
}

enum Args {
    Run(Launch),
    Help,
    Version,
}

fn parse_args(args: impl Iterator<Item = OsString>) -> Result<Args, String> {
    let mut launch = Launch::default();
    let mut only_files = false;
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        if !only_files {
            match arg.to_str() {
                Some("-h" | "--help") => return Ok(Args::Help),
                Some("-V" | "--version") => return Ok(Args::Version),
                Some(opt @ ("--tls-keylog" | "-o" | "--packet" | "--show")) => {
                    let value = args
                        .next()
                        .and_then(|v| v.into_string().ok())
                        .ok_or_else(|| format!("{opt} needs a value"))?;
                    option(&mut launch, opt, &value)?;
                    continue;
                }
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
        if launch.file.replace(PathBuf::from(arg)).is_some() {
            return Err("only one FILE can be opened".into());
        }
    }
    Ok(Args::Run(launch))
}

/// Applies one option that takes a value.
fn option(launch: &mut Launch, opt: &str, value: &str) -> Result<(), String> {
    match opt {
        "-o" => {
            launch.prefs.set(value)?;
            if let Some(path) = value.strip_prefix("tls.keylog_file:") {
                launch.keylog = Some(PathBuf::from(path));
            }
        }
        "--tls-keylog" => {
            launch.prefs.read_tls_keylog(value)?;
            launch.keylog = Some(PathBuf::from(value));
        }
        "--packet" => {
            let n = value
                .parse::<u64>()
                .ok()
                .filter(|&n| n > 0)
                .ok_or_else(|| {
                    format!("--packet needs a packet number (1 or more), not '{value}'")
                })?;
            launch.startup.packet = Some(n);
        }
        _ => {
            let names: Vec<&str> = WINDOW_NAMES.iter().map(|(n, _)| *n).collect();
            let action = Action::window(value).ok_or_else(|| {
                format!("unknown window '{value}' (one of: {})", names.join(", "))
            })?;
            launch.startup.windows.push(action);
        }
    }
    for w in launch.prefs.tls_keylog_warnings.drain(..) {
        eprintln!("wirelens-gui: {w}");
    }
    Ok(())
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
        assert!(matches!(
            parse(&[]),
            Ok(Args::Run(Launch { file: None, .. }))
        ));
        assert!(matches!(
            parse(&["a.pcap"]),
            Ok(Args::Run(Launch { file: Some(p), .. })) if p == Path::new("a.pcap")
        ));
    }

    #[test]
    fn double_dash_allows_a_file_named_like_an_option() {
        assert!(matches!(
            parse(&["--", "-odd.pcap"]),
            Ok(Args::Run(Launch { file: Some(p), .. })) if p == Path::new("-odd.pcap")
        ));
    }

    #[test]
    fn help_version_and_mistakes() {
        assert!(matches!(parse(&["--help"]), Ok(Args::Help)));
        assert!(matches!(parse(&["-V"]), Ok(Args::Version)));
        assert_eq!(parse(&["-x"]).err().as_deref(), Some("unknown option '-x'"));
        assert!(parse(&["a.pcap", "b.pcap"]).is_err());
        assert!(parse(&["-"]).is_err());
        assert_eq!(
            parse(&["--tls-keylog"]).err().as_deref(),
            Some("--tls-keylog needs a value")
        );
        assert!(parse(&["--tls-keylog", "/nonexistent/keys.txt"])
            .err()
            .is_some_and(|e| e.contains("cannot read the TLS key log file")));
    }

    #[test]
    fn a_key_log_is_read_by_either_spelling() {
        let keys = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../samples/captures/tls/tls12_aead.keys"
        );
        for args in [
            vec!["--tls-keylog", keys, "a.pcap"],
            vec!["-o", &format!("tls.keylog_file:{keys}"), "a.pcap"],
        ] {
            match parse(&args) {
                Ok(Args::Run(Launch {
                    file: Some(_),
                    prefs,
                    keylog: Some(_),
                    ..
                })) => assert!(prefs.tls_keylog.is_some(), "{args:?}"),
                _ => panic!("{args:?} not accepted"),
            }
        }
    }

    #[test]
    fn packet_and_windows_to_open_at_start() {
        match parse(&[
            "--packet",
            "5",
            "--show",
            "tcp-graph",
            "--show",
            "timeline",
            "a.pcap",
        ]) {
            Ok(Args::Run(launch)) => {
                assert_eq!(launch.startup.packet, Some(5));
                assert_eq!(launch.startup.windows, [Action::TcpGraph, Action::Timeline]);
            }
            _ => panic!("not accepted"),
        }
        assert!(parse(&["--packet", "0"])
            .err()
            .is_some_and(|e| e.contains("packet number")));
        assert!(parse(&["--show", "nope"])
            .err()
            .is_some_and(|e| e.contains("unknown window 'nope'")));
    }
}
