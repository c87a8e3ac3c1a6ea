//! Live capture on network interfaces, through libpcap (feature `live`).
//!
//! [`LiveCapture::start`] opens the interfaces and starts one capture
//! thread per interface and one writer thread. Capture threads read
//! packets a kernel buffer at a time and queue them without ever waiting:
//! when the queue is full the packets are dropped and counted
//! ([`LiveInterfaceStats::dropped_by_queue`]). The writer writes every
//! packet to a pcapng file before anything else looks at it, so a slow
//! dissector or user interface loses nothing: it follows the growing file
//! with [`Follower`](crate::Follower) (or reopens it).
//!
//! ```no_run
//! use wirelens_capture::live::{LiveCapture, LiveConfig};
//! use wirelens_capture::Follower;
//!
//! let mut config = LiveConfig::new(vec!["eth0".into()]);
//! config.capture_filter = Some("tcp port 443".into());
//! config.stop.packets = Some(100);
//! let capture = LiveCapture::start(config)?;
//! let mut follower = Follower::new(capture.file());
//! while !capture.is_finished() {
//!     follower.poll(|meta, data| println!("{} {} bytes", meta.number, data.len()))?;
//!     std::thread::sleep(std::time::Duration::from_millis(100));
//! }
//! let stats = capture.stop()?;
//! follower.finish(|_, _| {})?;
//! println!("{} written, {} dropped by the kernel", stats.written(), stats.dropped_by_kernel());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod config;
mod error;
mod interfaces;
mod output;
mod privileges;
mod source;
mod stats;
mod writer;

use std::path::PathBuf;
use std::sync::mpsc::sync_channel;
use std::sync::Arc;
use std::thread::JoinHandle;

pub use config::{LiveConfig, RingBuffer, StopConditions, DEFAULT_SNAPLEN};
pub use error::LiveError;
pub use interfaces::{list_interfaces, InterfaceAddress, InterfaceInfo};
pub use stats::{LiveInterfaceStats, LiveStats};

use output::{InterfaceHeader, Output, Target};
use stats::Shared;

/// Batches (one per kernel buffer read) that may wait for the writer,
/// besides the byte limit of [`LiveConfig::queue_bytes`].
const QUEUE_BATCHES: usize = 4096;

/// A running live capture. Dropping it stops the capture.
pub struct LiveCapture {
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
    writer: Option<JoinHandle<Result<(), LiveError>>>,
    first_file: PathBuf,
}

impl LiveCapture {
    /// Opens every interface (so permission, interface and filter errors
    /// come back here), creates the capture file and starts capturing.
    pub fn start(config: LiveConfig) -> Result<LiveCapture, LiveError> {
        check(&config)?;
        let mut opened = config
            .interfaces
            .iter()
            .map(|name| source::open(name, &config))
            .collect::<Result<Vec<_>, _>>()?;
        let target = match (&config.output, config.ring) {
            (Some(path), None) => Target::File(path.clone()),
            (Some(base), Some(ring)) => Target::Ring {
                base: base.clone(),
                ring,
            },
            (None, _) => Target::Temporary,
        };
        let headers = opened
            .iter()
            .map(|o| InterfaceHeader {
                name: o.name.clone(),
                link_type: o.link_type,
                snaplen: config.snaplen,
                filter: config.capture_filter.clone(),
            })
            .collect();
        let breakers = opened
            .iter_mut()
            .map(|o| o.capture.breakloop_handle())
            .collect();
        let shared = Arc::new(Shared::new(
            config.interfaces.clone(),
            breakers,
            config.queue_bytes,
        ));
        let output = Output::create(target, headers, Arc::clone(&shared))?;
        let first_file = output.path().to_path_buf();
        let (sender, receiver) = sync_channel(QUEUE_BATCHES);
        let mut capture = LiveCapture {
            shared: Arc::clone(&shared),
            threads: Vec::new(),
            writer: None,
            first_file,
        };
        let writer_shared = Arc::clone(&shared);
        let stop = config.stop;
        capture.writer = Some(spawn("wirelens-writer", move || {
            writer::run(receiver, output, &writer_shared, stop)
        })?);
        for (id, opened) in opened.into_iter().enumerate() {
            let thread_shared = Arc::clone(&shared);
            let sender = sender.clone();
            let id = u32::try_from(id).unwrap_or(u32::MAX);
            let thread = spawn(&format!("wirelens-capture-{}", opened.name), move || {
                source::run(id, opened, &thread_shared, sender)
            });
            match thread {
                Ok(thread) => capture.threads.push(thread),
                Err(e) => {
                    shared.request_stop();
                    return Err(e);
                }
            }
        }
        Ok(capture)
    }

    /// The file being written now: the first file, or with a ring buffer
    /// the newest.
    pub fn file(&self) -> PathBuf {
        self.shared
            .current_file()
            .unwrap_or_else(|| self.first_file.clone())
    }

    /// The counters so far: received, dropped by the kernel, by the
    /// interface and by our queue, and written.
    pub fn stats(&self) -> LiveStats {
        self.shared.snapshot()
    }

    /// True once the capture has stopped by itself: a stop condition was
    /// met, or an error (which [`stop`](Self::stop) returns) ended it.
    pub fn is_finished(&self) -> bool {
        self.writer.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// Asks the capture to stop without waiting for it.
    pub fn request_stop(&self) {
        self.shared.request_stop();
    }

    /// Stops capturing, writes what is queued and the interface statistics,
    /// and returns the final counters.
    pub fn stop(mut self) -> Result<LiveStats, LiveError> {
        let result = self.join();
        result.map(|()| self.shared.snapshot())
    }

    fn join(&mut self) -> Result<(), LiveError> {
        self.shared.request_stop();
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
        let written = match self.writer.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(LiveError::Config(
                "the capture writer thread panicked".into(),
            )),
            None => Ok(()),
        };
        match self.shared.take_error() {
            Some(e) => Err(e),
            None => written,
        }
    }
}

impl Drop for LiveCapture {
    fn drop(&mut self) {
        let _ = self.join();
    }
}

/// Checks a capture filter without opening an interface (so without
/// privileges), for an Ethernet link: what a user interface calls as the
/// user types.
pub fn check_capture_filter(filter: &str) -> Result<(), LiveError> {
    let error = |e: pcap::Error| LiveError::CaptureFilter {
        filter: filter.to_string(),
        detail: error::pcap_detail(&e),
    };
    let dead = pcap::Capture::dead(pcap::Linktype::ETHERNET).map_err(error)?;
    dead.compile(filter, true).map(drop).map_err(error)
}

fn check(config: &LiveConfig) -> Result<(), LiveError> {
    if config.interfaces.is_empty() {
        return Err(LiveError::Config("no interface to capture on".into()));
    }
    if config.ring.is_some() && config.output.is_none() {
        return Err(LiveError::Config(
            "a ring buffer (-b) needs an output file (-w)".into(),
        ));
    }
    if config.ring.is_some_and(|r| r.filesize_kb == 0) {
        return Err(LiveError::Config(
            "a ring buffer needs a file size above 0 kB".into(),
        ));
    }
    if config.snaplen == 0 {
        return Err(LiveError::Config(
            "the snapshot length must be above 0".into(),
        ));
    }
    Ok(())
}

fn spawn<T: Send + 'static>(
    name: &str,
    body: impl FnOnce() -> T + Send + 'static,
) -> Result<JoinHandle<T>, LiveError> {
    std::thread::Builder::new()
        .name(name.to_string())
        .spawn(body)
        .map_err(|e| LiveError::Config(format!("cannot start a capture thread: {e}")))
}
