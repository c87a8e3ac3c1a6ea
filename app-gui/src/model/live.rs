//! A live capture in the window (cargo feature `live`, libpcap).
//!
//! The capture writes every packet to its pcapng file on its own threads;
//! the window opens a session that follows that file, so the packet list,
//! trees, filters and statistics work as for a file. Without the feature
//! every entry point answers how to build it, and the dialog shows that.

use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What a build without the `live` feature answers.
pub const NOT_BUILT: &str = "live capture is not built into this wirelens-gui; build with \
     `cargo build --release -p wirelens-gui --features live` (needs libpcap-dev)";

/// An interface to offer in the capture dialog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interface {
    pub name: String,
    pub description: Option<String>,
    /// "up, running, loopback" as `wirelens interfaces` prints them.
    pub flags: String,
    pub addresses: Vec<String>,
}

/// What the dialog asks to capture.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CaptureRequest {
    pub interfaces: Vec<String>,
    /// A libpcap (BPF) capture filter.
    pub filter: Option<String>,
    /// Stop after this many packets.
    pub count: Option<u64>,
    /// The pcapng file to keep; none: a temporary file.
    pub output: Option<PathBuf>,
}

/// The counters shown while capturing and after.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub captured: u64,
    pub dropped_by_kernel: u64,
    pub dropped_by_interface: u64,
    pub dropped_by_queue: u64,
}

/// How far apart two rate samples are at least.
const RATE_WINDOW: Duration = Duration::from_millis(500);

/// A running (or stopped) capture.
pub struct LiveRun {
    #[cfg(feature = "live")]
    capture: Option<wirelens_capture::live::LiveCapture>,
    pub file: PathBuf,
    pub interfaces: String,
    last: Counts,
    rate: (Option<(Instant, u64)>, f64),
    pub error: Option<String>,
}

impl LiveRun {
    /// Opens the interfaces and starts capturing into a file.
    pub fn start(request: &CaptureRequest) -> Result<LiveRun, String> {
        #[cfg(feature = "live")]
        {
            use wirelens_capture::live::{LiveCapture, LiveConfig};
            if request.interfaces.is_empty() {
                return Err("choose an interface to capture on".into());
            }
            let mut config = LiveConfig::new(request.interfaces.clone());
            config.capture_filter = request.filter.clone().filter(|f| !f.trim().is_empty());
            config.stop.packets = request.count;
            config.output = request.output.clone();
            let capture = LiveCapture::start(config).map_err(|e| e.to_string())?;
            Ok(LiveRun {
                file: capture.file(),
                capture: Some(capture),
                interfaces: request.interfaces.join(", "),
                last: Counts::default(),
                rate: (None, 0.0),
                error: None,
            })
        }
        #[cfg(not(feature = "live"))]
        {
            let _ = request;
            Err(NOT_BUILT.into())
        }
    }

    /// The counters now (the final ones once stopped).
    pub fn counts(&self) -> Counts {
        #[cfg(feature = "live")]
        if let Some(capture) = &self.capture {
            return counts_of(&capture.stats());
        }
        self.last
    }

    /// Packets per second over the last half second or more; sampled once
    /// a frame.
    pub fn sample_rate(&mut self) -> f64 {
        let captured = self.counts().captured;
        let now = Instant::now();
        match self.rate.0 {
            None => self.rate.0 = Some((now, captured)),
            Some((then, before)) => {
                let elapsed = now.saturating_duration_since(then);
                if elapsed >= RATE_WINDOW {
                    self.rate.1 = captured.saturating_sub(before) as f64 / elapsed.as_secs_f64();
                    self.rate.0 = Some((now, captured));
                }
            }
        }
        self.rate.1
    }

    pub fn is_running(&self) -> bool {
        #[cfg(feature = "live")]
        {
            self.capture.as_ref().is_some_and(|c| !c.is_finished())
        }
        #[cfg(not(feature = "live"))]
        {
            false
        }
    }

    /// Stops capturing and writes what is queued; keeps the final counters.
    pub fn stop(&mut self) {
        #[cfg(feature = "live")]
        if let Some(capture) = self.capture.take() {
            self.last = counts_of(&capture.stats());
            match capture.stop() {
                Ok(stats) => self.last = counts_of(&stats),
                Err(e) => self.error = Some(e.to_string()),
            }
        }
    }

    /// "Live on lo: 12 captured, 40/s, dropped 0 kernel · 0 interface · 0 queue".
    pub fn describe(&self, per_sec: f64) -> String {
        let c = self.counts();
        let head = if self.is_running() {
            format!(
                "● Live on {}: {} captured, {per_sec:.0}/s",
                self.interfaces, c.captured
            )
        } else {
            format!(
                "Capture on {} stopped: {} captured",
                self.interfaces, c.captured
            )
        };
        format!(
            "{head}, dropped {} kernel · {} interface · {} queue",
            c.dropped_by_kernel, c.dropped_by_interface, c.dropped_by_queue
        )
    }
}

#[cfg(feature = "live")]
fn counts_of(s: &wirelens_capture::live::LiveStats) -> Counts {
    Counts {
        captured: s.written(),
        dropped_by_kernel: s.dropped_by_kernel(),
        dropped_by_interface: s.dropped_by_interface(),
        dropped_by_queue: s.dropped_by_queue(),
    }
}

/// The interfaces libpcap offers, or why there are none.
pub fn interfaces() -> Result<Vec<Interface>, String> {
    #[cfg(feature = "live")]
    {
        let list = wirelens_capture::live::list_interfaces().map_err(|e| e.to_string())?;
        Ok(list
            .into_iter()
            .map(|i| {
                let flags: Vec<&str> = [
                    (i.up, "up"),
                    (i.running, "running"),
                    (i.loopback, "loopback"),
                    (i.wireless, "wireless"),
                ]
                .into_iter()
                .filter_map(|(set, name)| set.then_some(name))
                .collect();
                Interface {
                    name: i.name,
                    description: i.description,
                    flags: flags.join(", "),
                    addresses: i.addresses.iter().map(|a| a.addr.to_string()).collect(),
                }
            })
            .collect())
    }
    #[cfg(not(feature = "live"))]
    {
        Err(NOT_BUILT.into())
    }
}

/// Checks a capture filter as the user types it (no privileges needed).
pub fn check_capture_filter(filter: &str) -> Result<(), String> {
    if filter.trim().is_empty() {
        return Ok(());
    }
    #[cfg(feature = "live")]
    {
        wirelens_capture::live::check_capture_filter(filter).map_err(|e| e.to_string())
    }
    #[cfg(not(feature = "live"))]
    {
        Err(NOT_BUILT.into())
    }
}
