//! `wirelens-gui [FILE]`: the desktop application.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use wirelens_dissect::Prefs;
use wirelens_gui::WirelensApp;

const USAGE: &str = "usage: wirelens-gui [--tls-keylog KEYLOG] [-o NAME:VALUE]... [FILE]\n\n\
Opens the wirelens packet analyzer window, showing FILE (pcap or pcapng) if given.\n\
  --tls-keylog KEYLOG  decrypt TLS with an NSS key log (SSLKEYLOGFILE)\n\
  -o NAME:VALUE        a preference as tshark names it (tls.keylog_file:KEYLOG, ...)";

fn main() -> ExitCode {
    let (file, prefs, keylog) = match parse_args(std::env::args_os().skip(1)) {
        Ok(Args::Run(file, prefs, keylog)) => (file, prefs, keylog),
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
            let mut app = WirelensApp::with_prefs(file, prefs);
            app.tls_keylog = keylog;
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

enum Args {
    /// The file, the preferences, and the TLS key log's path (the flow
    /// report reads it again itself).
    Run(Option<PathBuf>, Prefs, Option<PathBuf>),
    Help,
    Version,
}

fn parse_args(args: impl Iterator<Item = OsString>) -> Result<Args, String> {
    let mut file = None;
    let mut only_files = false;
    let mut prefs = Prefs::default();
    let mut keylog = None;
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        if !only_files {
            match arg.to_str() {
                Some("-h" | "--help") => return Ok(Args::Help),
                Some("-V" | "--version") => return Ok(Args::Version),
                Some(opt @ ("--tls-keylog" | "-o")) => {
                    let value = args
                        .next()
                        .and_then(|v| v.into_string().ok())
                        .ok_or_else(|| format!("{opt} needs a value"))?;
                    if opt == "-o" {
                        prefs.set(&value)?;
                        if let Some(path) = value.strip_prefix("tls.keylog_file:") {
                            keylog = Some(PathBuf::from(path));
                        }
                    } else {
                        prefs.read_tls_keylog(&value)?;
                        keylog = Some(PathBuf::from(&value));
                    }
                    for w in prefs.tls_keylog_warnings.drain(..) {
                        eprintln!("wirelens-gui: {w}");
                    }
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
        if file.replace(PathBuf::from(arg)).is_some() {
            return Err("only one FILE can be opened".into());
        }
    }
    Ok(Args::Run(file, prefs, keylog))
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
        assert!(matches!(parse(&[]), Ok(Args::Run(None, _, _))));
        assert!(matches!(
            parse(&["a.pcap"]),
            Ok(Args::Run(Some(p), _, _)) if p == Path::new("a.pcap")
        ));
    }

    #[test]
    fn double_dash_allows_a_file_named_like_an_option() {
        assert!(matches!(
            parse(&["--", "-odd.pcap"]),
            Ok(Args::Run(Some(p), _, _)) if p == Path::new("-odd.pcap")
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
                Ok(Args::Run(Some(_), prefs, Some(_))) => {
                    assert!(prefs.tls_keylog.is_some(), "{args:?}")
                }
                _ => panic!("{args:?} not accepted"),
            }
        }
    }
}
