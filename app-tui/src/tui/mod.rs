//! The terminal UI: `wirelens FILE`.
//!
//! This module owns the terminal: raw mode, the alternate screen and mouse
//! reporting are switched on by [`TerminalGuard`] and switched off again on
//! every way out (return, error, panic). Everything else is in [`app::App`],
//! which knows nothing of the terminal.

pub mod actions;
pub mod app;
pub mod jobs;
pub mod line_edit;
pub mod live;
pub mod tcp_view;
pub mod theme;
pub mod views;
pub mod worker;

use std::io::{self, Stdout};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{self, DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::Terminal;
use wirelens_capture::session::{Config, Session};

use crate::cli::{CaptureArgs, OpenArgs};
use crate::Error;
use app::App;

/// How long the loop waits for input before drawing again while background
/// results are awaited (rows, a tree, loading, a job): they show this soon.
const BUSY_INTERVAL: Duration = Duration::from_millis(10);

/// The same when nothing is awaited.
const IDLE_INTERVAL: Duration = Duration::from_millis(100);

/// `wirelens -i IFACE`: the UI on a live capture (feature `live`).
pub fn run_live(capture: &CaptureArgs, open: &OpenArgs) -> Result<ExitCode, Error> {
    #[cfg(feature = "live")]
    {
        live::run(capture, open)
    }
    #[cfg(not(feature = "live"))]
    {
        let _ = (capture, open);
        Err(Error(crate::commands::live::NOT_BUILT.into()))
    }
}

/// Opens the capture and runs the UI until the user quits.
pub fn run(args: &OpenArgs) -> Result<ExitCode, Error> {
    let Some(path) = args.file.as_deref() else {
        return Err(Error("no capture file given: wirelens FILE".into()));
    };
    // Everything that can go wrong with the file is said before the
    // terminal changes, as a plain message.
    let session = open_session(path, args)?;
    let mut app = App::new(session, path, args.tls_keylog.clone());
    let mut terminal = TerminalGuard::enter()?;
    let result = event_loop(&mut terminal.terminal, &mut app);
    drop(terminal);
    result.map(|()| ExitCode::SUCCESS).map_err(Error::from)
}

/// The session configuration the command line asks for.
pub fn session_config(args: &OpenArgs) -> Result<Config, Error> {
    let mut config = Config::default();
    for p in &args.prefs {
        config.prefs.set(p).map_err(Error)?;
    }
    if let Some(keylog) = &args.tls_keylog {
        config
            .prefs
            .read_tls_keylog(&keylog.to_string_lossy())
            .map_err(Error)?;
    }
    Ok(config)
}

/// Starts loading `path` with the preferences of the command line.
pub fn open_session(path: &Path, args: &OpenArgs) -> Result<Session, Error> {
    let config = session_config(args)?;
    if path == Path::new("-") {
        // The keyboard is read from the terminal, so the capture cannot come
        // from standard input too.
        return Err(Error(
            "the terminal UI reads a capture file, not standard input (print -r - reads it)".into(),
        ));
    }
    if path.is_dir() {
        return Err(Error(format!(
            "{}: is a directory, not a capture file",
            path.display()
        )));
    }
    Session::open(path, config).map_err(|e| Error(format!("{}: {e}", path.display())))
}

pub(crate) fn event_loop(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    app: &mut App,
) -> io::Result<()> {
    // Killed politely (SIGTERM, or the terminal closed: SIGHUP), the UI
    // quits like `q`, so the terminal is put back and a capture is stopped.
    let killed = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        signal_hook::flag::register(signal, Arc::clone(&killed))?;
    }
    loop {
        app.tick();
        terminal.draw(|f| app.render(f))?;
        if app.should_quit() || killed.load(Ordering::Relaxed) {
            return Ok(());
        }
        let wait = if app.is_idle() {
            IDLE_INTERVAL
        } else {
            BUSY_INTERVAL
        };
        if event::poll(wait)? {
            // Everything queued is handled before the next draw, so held
            // keys do not lag behind.
            loop {
                app.handle_event(&event::read()?);
                if app.should_quit() || !event::poll(Duration::ZERO)? {
                    break;
                }
            }
        }
    }
}

/// The terminal in UI mode; dropping it (or a panic) puts it back.
pub(crate) struct TerminalGuard {
    pub(crate) terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl TerminalGuard {
    pub(crate) fn enter() -> io::Result<TerminalGuard> {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore_terminal();
            previous(info);
        }));
        enable_raw_mode()?;
        let mut stdout = io::stdout();
        if let Err(e) = execute!(stdout, EnterAlternateScreen, EnableMouseCapture) {
            restore_terminal();
            return Err(e);
        }
        match Terminal::new(CrosstermBackend::new(stdout)) {
            Ok(terminal) => Ok(TerminalGuard { terminal }),
            Err(e) => {
                restore_terminal();
                Err(e)
            }
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = self.terminal.show_cursor();
        restore_terminal();
    }
}

/// Leaves UI mode; harmless when not in it, so every exit path may call it.
fn restore_terminal() {
    let _ = execute!(io::stdout(), DisableMouseCapture, LeaveAlternateScreen);
    let _ = disable_raw_mode();
}
