//! Counters shared by the capture threads, the file writer and the handle.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::error::LiveError;
use super::source::Batch;

/// Emptied batches kept for the capture threads to fill again: reusing
/// their memory spares the page faults of fresh allocations, a tenth of a
/// capture thread's time at full rate. Few, as each can hold MiBs.
const SPARE_BATCHES: usize = 4;

/// A snapshot of a live capture's counters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveStats {
    /// One entry per interface, in the order of the configuration.
    pub interfaces: Vec<LiveInterfaceStats>,
    /// Time since the capture started.
    pub elapsed: Duration,
    /// Bytes written to the capture files, headers included.
    pub bytes_written: u64,
    /// The capture files kept, oldest first; the last is being written.
    pub files: Vec<PathBuf>,
}

/// The counters of one interface.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LiveInterfaceStats {
    pub name: String,
    /// Packets the kernel saw pass the capture filter (libpcap's `ps_recv`).
    pub received: u64,
    /// Packets the kernel dropped because its capture buffer was full (`ps_drop`).
    pub dropped_by_kernel: u64,
    /// Packets the interface or its driver dropped (`ps_ifdrop`).
    pub dropped_by_interface: u64,
    /// Packets dropped because the queue to the file writer was full.
    pub dropped_by_queue: u64,
    /// Packets written to the capture file.
    pub written: u64,
}

impl LiveStats {
    pub fn written(&self) -> u64 {
        self.interfaces.iter().map(|i| i.written).sum()
    }
    pub fn received(&self) -> u64 {
        self.interfaces.iter().map(|i| i.received).sum()
    }
    pub fn dropped_by_kernel(&self) -> u64 {
        self.interfaces.iter().map(|i| i.dropped_by_kernel).sum()
    }
    pub fn dropped_by_interface(&self) -> u64 {
        self.interfaces.iter().map(|i| i.dropped_by_interface).sum()
    }
    pub fn dropped_by_queue(&self) -> u64 {
        self.interfaces.iter().map(|i| i.dropped_by_queue).sum()
    }
}

#[derive(Default)]
pub(super) struct Counters {
    pub received: AtomicU64,
    pub dropped_by_kernel: AtomicU64,
    pub dropped_by_interface: AtomicU64,
    pub dropped_by_queue: AtomicU64,
    pub written: AtomicU64,
}

/// State shared by every thread of one capture.
pub(super) struct Shared {
    pub names: Vec<String>,
    pub counters: Vec<Counters>,
    pub started: Instant,
    stopping: AtomicBool,
    /// Wake the capture threads out of libpcap when stopping.
    breakers: Vec<pcap::BreakLoop>,
    /// Bytes and batches between the capture threads and the writer.
    queued_bytes: AtomicUsize,
    queued_batches: AtomicUsize,
    queue_limit: usize,
    pub bytes_written: AtomicU64,
    pub files: Mutex<Vec<PathBuf>>,
    spare: Mutex<Vec<Batch>>,
    /// The first error of any thread.
    error: Mutex<Option<LiveError>>,
}

impl Shared {
    pub fn new(names: Vec<String>, breakers: Vec<pcap::BreakLoop>, queue_limit: usize) -> Self {
        Shared {
            counters: names.iter().map(|_| Counters::default()).collect(),
            names,
            started: Instant::now(),
            stopping: AtomicBool::new(false),
            breakers,
            queued_bytes: AtomicUsize::new(0),
            queued_batches: AtomicUsize::new(0),
            queue_limit,
            bytes_written: AtomicU64::new(0),
            files: Mutex::new(Vec::new()),
            spare: Mutex::new(Vec::new()),
            error: Mutex::new(None),
        }
    }

    pub fn stopping(&self) -> bool {
        self.stopping.load(Relaxed)
    }

    pub fn request_stop(&self) {
        if !self.stopping.swap(true, Relaxed) {
            for breaker in &self.breakers {
                breaker.breakloop();
            }
        }
    }

    /// Records the first error and stops the capture.
    pub fn fail(&self, error: LiveError) {
        self.error
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get_or_insert(error);
        self.request_stop();
    }

    pub fn take_error(&self) -> Option<LiveError> {
        self.error
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// Reserves room for a batch of `bytes` in the queue; false when full.
    pub fn reserve(&self, bytes: usize) -> bool {
        let mut queued = self.queued_bytes.load(Relaxed);
        loop {
            if queued + bytes > self.queue_limit {
                return false;
            }
            match self
                .queued_bytes
                .compare_exchange_weak(queued, queued + bytes, Relaxed, Relaxed)
            {
                Ok(_) => {
                    self.queued_batches.fetch_add(1, Relaxed);
                    return true;
                }
                Err(now) => queued = now,
            }
        }
    }

    /// Gives back a batch's room once it has left the queue (or never entered it).
    pub fn release(&self, bytes: usize) {
        self.queued_bytes.fetch_sub(bytes, Relaxed);
        self.queued_batches.fetch_sub(1, Relaxed);
    }

    /// An empty batch for `interface`, reusing a written one when there is one.
    pub fn empty_batch(&self, interface: u32) -> Batch {
        let spare = self
            .spare
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        match spare {
            Some(mut batch) => {
                batch.clear(interface);
                batch
            }
            None => Batch::new(interface),
        }
    }

    /// Keeps a written batch for reuse.
    pub fn recycle(&self, batch: Batch) {
        let mut spare = self.spare.lock().unwrap_or_else(PoisonError::into_inner);
        if spare.len() < SPARE_BATCHES {
            spare.push(batch);
        }
    }

    /// True when no batch waits for the writer.
    pub fn queue_is_empty(&self) -> bool {
        self.queued_batches.load(Relaxed) == 0
    }

    /// The file being written now.
    pub fn current_file(&self) -> Option<PathBuf> {
        self.files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .last()
            .cloned()
    }

    pub fn snapshot(&self) -> LiveStats {
        LiveStats {
            interfaces: self
                .names
                .iter()
                .zip(&self.counters)
                .map(|(name, c)| LiveInterfaceStats {
                    name: name.clone(),
                    received: c.received.load(Relaxed),
                    dropped_by_kernel: c.dropped_by_kernel.load(Relaxed),
                    dropped_by_interface: c.dropped_by_interface.load(Relaxed),
                    dropped_by_queue: c.dropped_by_queue.load(Relaxed),
                    written: c.written.load(Relaxed),
                })
                .collect(),
            elapsed: self.started.elapsed(),
            bytes_written: self.bytes_written.load(Relaxed),
            files: self
                .files
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
        }
    }
}
