//! One capture thread per interface: libpcap hands it packets a kernel
//! buffer at a time, and it passes them on as one batch, never waiting for
//! the writer; a batch that does not fit the queue is dropped and counted.

use std::sync::atomic::Ordering::Relaxed;
use std::sync::mpsc::{SyncSender, TrySendError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use pcap::{Active, Capture};
use wirelens_dissect::{LinkType, Timestamp};

use super::config::LiveConfig;
use super::error::{pcap_detail, LiveError};
use super::privileges::{is_permission_error, missing_capabilities};
use super::stats::Shared;

/// How long libpcap waits for a buffer to fill before handing over what it
/// has: the delay before a packet reaches the file on a quiet link.
const READ_TIMEOUT_MS: i32 = 100;

/// Packets read in one go at most. libpcap's "all that is ready" never
/// ends while packets arrive faster than they are copied, which would make
/// one unbounded batch; this keeps a batch of GSO-sized packets at a few MiB.
const BATCH_PACKETS: usize = 256;

/// How often the kernel's counters are read.
const STATS_EVERY: Duration = Duration::from_millis(200);

/// The packets of one interface read in one go; their bytes follow each
/// other in `bytes`.
pub(super) struct Batch {
    pub interface: u32,
    pub bytes: Vec<u8>,
    pub records: Vec<Record>,
}

#[derive(Clone, Copy)]
pub(super) struct Record {
    pub ts: Timestamp,
    pub orig_len: u32,
    pub len: u32,
}

impl Batch {
    pub(super) fn new(interface: u32) -> Self {
        Batch {
            interface,
            bytes: Vec::with_capacity(64 << 10),
            records: Vec::with_capacity(BATCH_PACKETS),
        }
    }

    pub(super) fn clear(&mut self, interface: u32) {
        self.interface = interface;
        self.bytes.clear();
        self.records.clear();
    }

    // `tv_sec` is 32 bits wide on some systems.
    #[allow(clippy::useless_conversion)]
    fn push(&mut self, packet: &pcap::Packet<'_>) {
        let header = packet.header;
        let micros = u64::try_from(header.ts.tv_usec).unwrap_or(0);
        self.records.push(Record {
            ts: Timestamp::new(i64::from(header.ts.tv_sec), micros * 1_000),
            orig_len: header.len,
            len: u32::try_from(packet.data.len()).unwrap_or(u32::MAX),
        });
        self.bytes.extend_from_slice(packet.data);
    }

    /// The room the batch takes in the queue.
    pub fn weight(&self) -> usize {
        self.bytes.len() + self.records.len() * std::mem::size_of::<Record>()
    }

    /// Each packet with its bytes.
    pub fn packets(&self) -> impl Iterator<Item = (Record, &[u8])> {
        let mut at = 0usize;
        self.records.iter().map(move |r| {
            let end = at + r.len as usize;
            let data = self.bytes.get(at..end).unwrap_or_default();
            at = end;
            (*r, data)
        })
    }
}

/// An interface opened for capture.
pub(super) struct Opened {
    pub name: String,
    pub capture: Capture<Active>,
    pub link_type: LinkType,
}

/// Opens `name` with the configuration's snaplen, buffer, promiscuous mode
/// and capture filter.
pub(super) fn open(name: &str, config: &LiveConfig) -> Result<Opened, LiveError> {
    let snaplen = i32::try_from(config.snaplen).unwrap_or(i32::MAX);
    let mut inactive = Capture::from_device(name)
        .map_err(|e| open_error(name, &e))?
        .snaplen(snaplen)
        .promisc(config.promiscuous)
        .timeout(READ_TIMEOUT_MS);
    if let Some(size) = config.buffer_size {
        inactive = inactive.buffer_size(i32::try_from(size).unwrap_or(i32::MAX));
    }
    let mut capture = inactive.open().map_err(|e| open_error(name, &e))?;
    if let Some(filter) = &config.capture_filter {
        capture
            .filter(filter, true)
            .map_err(|e| LiveError::CaptureFilter {
                filter: filter.clone(),
                detail: pcap_detail(&e),
            })?;
    }
    let link_type = LinkType(u32::try_from(capture.get_datalink().0).unwrap_or(0));
    Ok(Opened {
        name: name.to_string(),
        capture,
        link_type,
    })
}

fn open_error(interface: &str, e: &pcap::Error) -> LiveError {
    let detail = pcap_detail(e);
    let interface = interface.to_string();
    if is_permission_error(&detail) {
        LiveError::Permission {
            interface,
            missing: missing_capabilities(),
            detail,
        }
    } else if detail.contains("No such device") {
        LiveError::NoSuchInterface { interface, detail }
    } else {
        LiveError::Interface { interface, detail }
    }
}

/// Reads packets until the capture stops, then records the final counters.
pub(super) fn run(interface: u32, opened: Opened, shared: &Arc<Shared>, queue: SyncSender<Batch>) {
    let Opened {
        name, mut capture, ..
    } = opened;
    let mut counters_read = Instant::now();
    let mut failed = false;
    while !shared.stopping() {
        let mut batch = shared.empty_batch(interface);
        let result = capture.dispatch(Some(BATCH_PACKETS), |packet| batch.push(&packet));
        if let Err(e) = result {
            // A stop breaks libpcap's loop, which it reports as an error.
            if !shared.stopping() {
                failed = true;
                shared.fail(LiveError::Interface {
                    interface: name.clone(),
                    detail: pcap_detail(&e),
                });
            }
            break;
        }
        pass_on(batch, shared, &queue);
        if counters_read.elapsed() >= STATS_EVERY {
            read_counters(interface, &mut capture, shared);
            counters_read = Instant::now();
        }
    }
    read_counters(interface, &mut capture, shared);
    if !failed {
        if let Some(mut drained) = drain(interface, capture, shared, &queue) {
            read_counters(interface, &mut drained, shared);
        }
    }
}

/// Reads what the kernel already captured when the stop came, so that the
/// packets seen before the user stopped are in the file: the kernel hands
/// a buffer block over once it is full or after the read timeout, so this
/// waits one timeout, then reads without blocking until nothing is left
/// (at most `DRAIN_BATCHES` batches, as packets may keep arriving).
/// Returns the capture, unless it could not be made non-blocking.
fn drain(
    interface: u32,
    capture: Capture<Active>,
    shared: &Shared,
    queue: &SyncSender<Batch>,
) -> Option<Capture<Active>> {
    const DRAIN_BATCHES: usize = 64;
    let mut capture = capture.setnonblock().ok()?;
    std::thread::sleep(Duration::from_millis(READ_TIMEOUT_MS as u64 + 20));
    // The stop's break may still be pending: libpcap reports it once.
    let mut break_seen = false;
    for _ in 0..DRAIN_BATCHES {
        let mut batch = shared.empty_batch(interface);
        match capture.dispatch(Some(BATCH_PACKETS), |packet| batch.push(&packet)) {
            Ok(0) => {
                shared.recycle(batch);
                break;
            }
            Ok(_) => pass_on(batch, shared, queue),
            Err(_) if !break_seen => {
                break_seen = true;
                shared.recycle(batch);
            }
            Err(_) => {
                shared.recycle(batch);
                break;
            }
        }
    }
    Some(capture)
}

/// Queues a batch, or keeps it for reuse when empty.
fn pass_on(batch: Batch, shared: &Shared, queue: &SyncSender<Batch>) {
    if batch.records.is_empty() {
        shared.recycle(batch);
    } else {
        enqueue(batch, shared, queue);
    }
}

fn enqueue(batch: Batch, shared: &Shared, queue: &SyncSender<Batch>) {
    let weight = batch.weight();
    let packets = batch.records.len() as u64;
    let counters = &shared.counters[batch.interface as usize];
    if !shared.reserve(weight) {
        counters.dropped_by_queue.fetch_add(packets, Relaxed);
        shared.recycle(batch);
        return;
    }
    match queue.try_send(batch) {
        Ok(()) => {}
        Err(TrySendError::Full(batch)) => {
            shared.release(weight);
            counters.dropped_by_queue.fetch_add(packets, Relaxed);
            shared.recycle(batch);
        }
        // The writer has stopped (an error, already recorded).
        Err(TrySendError::Disconnected(_)) => shared.release(weight),
    }
}

fn read_counters(interface: u32, capture: &mut Capture<Active>, shared: &Shared) {
    let Ok(stat) = capture.stats() else {
        return;
    };
    let counters = &shared.counters[interface as usize];
    counters.received.store(u64::from(stat.received), Relaxed);
    counters
        .dropped_by_kernel
        .store(u64::from(stat.dropped), Relaxed);
    counters
        .dropped_by_interface
        .store(u64::from(stat.if_dropped), Relaxed);
}
