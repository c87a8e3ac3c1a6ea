//! A live capture shown in the terminal UI: `wirelens -i IFACE`.
//!
//! The capture writes every packet to a pcapng file first (its own threads,
//! never slowed by the UI); the UI's session follows that file as it grows,
//! so the packet list, trees, filters and statistics work as for a file.
//! The app sees the capture only through [`LiveFeed`], so it is drawn and
//! tested the same with or without libpcap in the build.

use std::time::{Duration, Instant};

/// The counters of a running (or stopped) capture.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LiveCounts {
    /// The interfaces captured on, joined by commas.
    pub interfaces: String,
    /// Packets written to the capture file.
    pub captured: u64,
    pub dropped_by_kernel: u64,
    pub dropped_by_interface: u64,
    /// Packets our own queue had no room for.
    pub dropped_by_queue: u64,
}

/// A capture the UI shows.
pub trait LiveFeed {
    fn counts(&self) -> LiveCounts;
    /// True once the capture stopped (a stop condition, an error, or
    /// [`stop`](Self::stop)).
    fn is_finished(&self) -> bool;
    /// Stops capturing and writes what is queued; an error is a message.
    fn stop(&mut self) -> Result<(), String>;
}

/// How far apart two rate samples are at least.
const RATE_WINDOW: Duration = Duration::from_millis(500);

/// The packet rate, from the captured count sampled as the UI ticks.
#[derive(Debug, Default)]
pub struct Rate {
    last: Option<(Instant, u64)>,
    per_sec: f64,
}

impl Rate {
    pub fn sample(&mut self, now: Instant, captured: u64) {
        match self.last {
            None => self.last = Some((now, captured)),
            Some((then, before)) => {
                let elapsed = now.saturating_duration_since(then);
                if elapsed >= RATE_WINDOW {
                    self.per_sec = captured.saturating_sub(before) as f64 / elapsed.as_secs_f64();
                    self.last = Some((now, captured));
                }
            }
        }
    }

    pub fn per_sec(&self) -> f64 {
        self.per_sec
    }
}

/// The status bar's live text: "Live on eth0: 1234 captured, 210/s,
/// dropped 0 kernel · 0 interface · 0 queue".
pub fn describe(counts: &LiveCounts, per_sec: f64, running: bool) -> String {
    let head = if running {
        format!("● Live on {}", counts.interfaces)
    } else {
        format!("Capture on {} stopped", counts.interfaces)
    };
    let rate = if running {
        format!(", {per_sec:.0}/s")
    } else {
        String::new()
    };
    format!(
        "{head}: {} captured{rate}, dropped {} kernel · {} interface · {} queue",
        counts.captured,
        counts.dropped_by_kernel,
        counts.dropped_by_interface,
        counts.dropped_by_queue
    )
}

#[cfg(feature = "live")]
pub use libpcap::run;

#[cfg(feature = "live")]
mod libpcap {
    use std::process::ExitCode;

    use wirelens_capture::live::{LiveCapture, LiveStats};
    use wirelens_capture::session::Session;

    use super::{LiveCounts, LiveFeed};
    use crate::cli::{CaptureArgs, OpenArgs};
    use crate::commands::live::{run as headless, LiveOptions};
    use crate::tui::{app::App, event_loop, session_config, TerminalGuard};
    use crate::Error;

    /// A libpcap capture as the UI's feed.
    struct Libpcap {
        capture: Option<LiveCapture>,
        interfaces: String,
        /// The final counters, once stopped.
        last: Option<LiveStats>,
    }

    impl LiveFeed for Libpcap {
        fn counts(&self) -> LiveCounts {
            let stats = match (&self.capture, &self.last) {
                (Some(capture), _) => capture.stats(),
                (None, Some(last)) => last.clone(),
                (None, None) => {
                    return LiveCounts {
                        interfaces: self.interfaces.clone(),
                        ..LiveCounts::default()
                    }
                }
            };
            LiveCounts {
                interfaces: self.interfaces.clone(),
                captured: stats.written(),
                dropped_by_kernel: stats.dropped_by_kernel(),
                dropped_by_interface: stats.dropped_by_interface(),
                dropped_by_queue: stats.dropped_by_queue(),
            }
        }

        fn is_finished(&self) -> bool {
            self.capture.as_ref().is_none_or(LiveCapture::is_finished)
        }

        fn stop(&mut self) -> Result<(), String> {
            let Some(capture) = self.capture.take() else {
                return Ok(());
            };
            self.last = Some(capture.stats());
            let stats = capture.stop().map_err(|e| e.to_string())?;
            self.last = Some(stats);
            Ok(())
        }
    }

    /// `wirelens -i IFACE ...`: captures and shows the packets as they come.
    /// The capture file is kept (the `-w` file, or a temporary one whose
    /// name is printed at the end): nothing captured is lost on quitting.
    pub fn run(capture_args: &CaptureArgs, open: &OpenArgs) -> Result<ExitCode, Error> {
        let options = LiveOptions::from_args(capture_args)?;
        // Preferences and key logs are checked before capturing starts.
        let config = session_config(open)?;
        let capture =
            LiveCapture::start(headless::config(&options)).map_err(|e| Error(e.to_string()))?;
        let file = capture.file();
        let session = match Session::follow(&file, config) {
            Ok(s) => s,
            Err(e) => {
                let _ = capture.stop();
                return Err(Error(format!("{}: {e}", file.display())));
            }
        };
        let feed = Libpcap {
            capture: Some(capture),
            interfaces: options.interfaces.join(","),
            last: None,
        };
        let mut app = App::new(session, &file, open.tls_keylog.clone()).with_live(Box::new(feed));
        let result = match TerminalGuard::enter() {
            Ok(mut terminal) => event_loop(&mut terminal.terminal, &mut app),
            Err(e) => Err(e),
        };
        // The terminal is restored (the guard is gone) before anything is said.
        let stopped = app.stop_live();
        if let Some(counts) = app.live_counts() {
            eprintln!(
                "{} packets captured to {} (dropped: {} by the kernel, {} by the interface, {} by wirelens)",
                counts.captured,
                file.display(),
                counts.dropped_by_kernel,
                counts.dropped_by_interface,
                counts.dropped_by_queue
            );
        }
        stopped.map_err(Error)?;
        result.map(|()| ExitCode::SUCCESS).map_err(Error::from)
    }
}
