//! What a live capture is asked to do.

use std::path::PathBuf;
use std::time::Duration;

/// libpcap's default and tcpdump's: whole packets, even jumbo and GSO ones.
pub const DEFAULT_SNAPLEN: u32 = 262_144;

/// How to run a live capture: see [`LiveCapture::start`](super::LiveCapture::start).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveConfig {
    /// Interfaces to capture on, by name; each becomes one pcapng interface,
    /// in this order.
    pub interfaces: Vec<String>,
    /// A libpcap (BPF) capture filter, applied in the kernel on every interface.
    pub capture_filter: Option<String>,
    /// Bytes kept of each packet.
    pub snaplen: u32,
    /// Put the interfaces in promiscuous mode (tshark's default; `-p` turns it off).
    pub promiscuous: bool,
    /// The kernel capture buffer, in bytes; `None` keeps libpcap's default (2 MiB).
    pub buffer_size: Option<u32>,
    /// When to stop on its own; with none, only [`stop`](super::LiveCapture::stop) does.
    pub stop: StopConditions,
    /// The pcapng file to write; `None` writes a new file in the temporary
    /// directory, which the caller removes when it no longer needs it.
    pub output: Option<PathBuf>,
    /// Write a ring of files instead of one (needs `output`).
    pub ring: Option<RingBuffer>,
    /// How many bytes of packets may wait between the capture threads and
    /// the file writer; packets beyond it are dropped and counted.
    pub queue_bytes: usize,
}

impl LiveConfig {
    /// Captures whole packets on `interfaces` in promiscuous mode until stopped.
    pub fn new(interfaces: Vec<String>) -> Self {
        LiveConfig {
            interfaces,
            capture_filter: None,
            snaplen: DEFAULT_SNAPLEN,
            promiscuous: true,
            buffer_size: None,
            stop: StopConditions::default(),
            output: None,
            ring: None,
            queue_bytes: 256 << 20,
        }
    }
}

/// tshark's `-c` and `-a`: the capture stops at the first condition met.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StopConditions {
    /// After this many packets written (over all interfaces).
    pub packets: Option<u64>,
    /// After this long.
    pub duration: Option<Duration>,
    /// Once the file (the current one, with a ring buffer) holds this many
    /// kilobytes (1000 bytes, as dumpcap counts them).
    pub filesize_kb: Option<u64>,
}

/// tshark's `-b`: go on in a new file once one is full, keeping the newest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RingBuffer {
    /// Start a new file once the current one holds this many kilobytes (1000 bytes).
    pub filesize_kb: u64,
    /// Keep at most this many files, deleting the oldest; `None` keeps all.
    pub files: Option<u32>,
}
