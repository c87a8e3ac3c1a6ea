//! Reading a capture on a background thread.
//!
//! The window must stay responsive and show the first packets at once, so a
//! [`Loader`] opens the file, dissects every frame on the fast path (summary
//! only) and sends the packet-list rows back in batches over a channel. The
//! UI drains the channel once per frame with [`Loader::poll`].
//!
//! Dropping the [`Loader`] cancels the load: the thread notices at its next
//! send, when the receiving end is gone, and stops.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::thread;
use std::time::{Duration as StdDuration, Instant};

use wirelens_capture::{CaptureFile, FileFormat, ReadError};
use wirelens_dissect::model::Address;
use wirelens_dissect::{Dissector, Duration, Packet, Prefs, Timestamp};

/// One line of the packet list, kept compact: addresses and the time stay
/// typed and are formatted only when the row is on screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PacketRow {
    /// 1-based frame number.
    pub number: u64,
    /// Time since the first frame of the capture.
    pub time: Duration,
    pub src: Address,
    pub dst: Address,
    pub protocol: &'static str,
    /// Length on the wire, as Wireshark's Length column shows it.
    pub length: u32,
    pub info: Box<str>,
}

/// What the loading thread reports, in this order: `Opened` or
/// `OpenFailed`, then any number of `Rows`, then one `Finished` (or
/// `Aborted`).
#[derive(Debug)]
pub enum LoadEvent {
    /// The file header was understood; rows follow.
    Opened { format: FileFormat, file_size: u64 },
    /// The file could not be opened as a capture at all (one line).
    OpenFailed(String),
    /// The next rows in file order, and how far into the file reading got.
    Rows {
        rows: Vec<PacketRow>,
        bytes_read: u64,
    },
    /// Reading ended: at the end of the file, or at damage (`Some`), after
    /// which no packet could be read. Every row before it was sent.
    Finished { damage: Option<ReadError> },
    /// Loading broke off for a reason other than the file (never sent by the
    /// thread itself; [`Loader::poll`] reports a thread that died).
    Aborted(String),
}

/// A load in progress on its own thread.
#[derive(Debug)]
pub struct Loader {
    events: Receiver<LoadEvent>,
    /// A final event (`Finished` or `OpenFailed`) has been received.
    ended: bool,
}

/// After the first screenful, rows go out in batches about this far apart:
/// often enough for the list and the progress bar to move smoothly, without
/// a message (and a repaint) per packet.
const FLUSH_INTERVAL: StdDuration = StdDuration::from_millis(40);

/// The clock is read only every this many packets: dissection is fast enough
/// that reading it per packet would be a measurable share of the work.
const CLOCK_STRIDE: usize = 256;

impl Loader {
    /// Starts loading `path`. `notify` is called after each event is sent,
    /// from the loading thread; the GUI passes a repaint request so that new
    /// rows show without waiting for user input.
    ///
    /// # Errors
    /// Only if the operating system refuses to start a thread; everything
    /// that can go wrong with the file is reported as a [`LoadEvent`].
    pub fn spawn(path: PathBuf, notify: impl Fn() + Send + 'static) -> std::io::Result<Loader> {
        Loader::spawn_with(path, Prefs::default(), notify)
    }

    /// [`Loader::spawn`] with dissection preferences (a TLS key log, `-o` settings).
    pub fn spawn_with(
        path: PathBuf,
        prefs: Prefs,
        notify: impl Fn() + Send + 'static,
    ) -> std::io::Result<Loader> {
        let (tx, rx) = mpsc::channel();
        thread::Builder::new()
            .name("capture-loader".into())
            .spawn(move || {
                let sink = Sink { tx, notify };
                load(&path, prefs, &sink);
            })?;
        Ok(Loader {
            events: rx,
            ended: false,
        })
    }

    /// Events that arrived since the last call, without waiting.
    pub fn poll(&mut self) -> Vec<LoadEvent> {
        let mut events = Vec::new();
        loop {
            match self.events.try_recv() {
                Ok(event) => {
                    self.ended |=
                        matches!(event, LoadEvent::Finished { .. } | LoadEvent::OpenFailed(_));
                    events.push(event);
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    // The thread is gone without saying it had finished: it
                    // panicked (a dissector bug). Say so, or the UI would
                    // show "loading" forever.
                    if !self.ended {
                        self.ended = true;
                        events.push(LoadEvent::Aborted(
                            "the loading thread stopped unexpectedly".into(),
                        ));
                    }
                    break;
                }
            }
        }
        events
    }

    /// Waits for the rest of the load and returns every remaining event.
    /// For tests and tools that have no event loop.
    pub fn wait(self) -> Vec<LoadEvent> {
        self.events.into_iter().collect()
    }
}

/// The sending side: a channel plus the wake-up call.
struct Sink<F> {
    tx: Sender<LoadEvent>,
    notify: F,
}

impl<F: Fn()> Sink<F> {
    /// Sends one event; `false` when nobody listens any more (the load was
    /// cancelled), which tells the loop to stop.
    fn send(&self, event: LoadEvent) -> bool {
        let sent = self.tx.send(event).is_ok();
        if sent {
            (self.notify)();
        }
        sent
    }
}

fn load<F: Fn()>(path: &Path, mut prefs: Prefs, sink: &Sink<F>) {
    let file = match CaptureFile::open(path) {
        Ok(file) => file,
        Err(e) => {
            sink.send(LoadEvent::OpenFailed(e.to_string()));
            return;
        }
    };
    if !sink.send(LoadEvent::Opened {
        format: *file.format(),
        file_size: file.len(),
    }) {
        return;
    }
    let pcapng = matches!(file.format(), FileFormat::PcapNg);
    let mut packets = file.packets();
    // Secrets embedded in the capture (pcapng Decryption Secrets Blocks).
    for (kind, data) in file.decryption_secrets() {
        prefs.add_decryption_secrets(kind, &data);
    }
    let mut dissector = Dissector::new(prefs);
    // Fast path: the summary line only, no field tree.
    let mut pkt = Packet::new(false);
    let mut first_ts: Option<Timestamp> = None;
    let mut batch = Vec::new();
    let mut last_flush = Instant::now();
    let mut flushed_once = false;
    let mut damage = None;

    while let Some(item) = packets.next() {
        let frame = match item {
            Ok(frame) => frame,
            Err(e) => {
                damage = Some(e);
                break;
            }
        };
        let meta = frame.meta(packets.interfaces(), pcapng);
        dissector.dissect(&meta, frame.data, &mut pkt);
        let first = *first_ts.get_or_insert(frame.ts);
        let summary = &pkt.summary;
        batch.push(PacketRow {
            number: frame.number,
            time: frame.ts.since(first),
            src: summary.src,
            dst: summary.dst,
            protocol: summary.protocol,
            length: frame.orig_len,
            info: summary.info.as_str().into(),
        });
        // The first full stride goes out at once, so a screenful of rows
        // appears before the rest of the file is read.
        if batch.len().is_multiple_of(CLOCK_STRIDE)
            && (!flushed_once || last_flush.elapsed() >= FLUSH_INTERVAL)
        {
            let rows = std::mem::take(&mut batch);
            if !sink.send(LoadEvent::Rows {
                rows,
                bytes_read: packets.bytes_read(),
            }) {
                return;
            }
            last_flush = Instant::now();
            flushed_once = true;
        }
    }
    if !batch.is_empty()
        && !sink.send(LoadEvent::Rows {
            rows: batch,
            bytes_read: packets.bytes_read(),
        })
    {
        return;
    }
    sink.send(LoadEvent::Finished { damage });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A little-endian microsecond pcap of `count` minimal Ethernet frames,
    /// one millisecond apart.
    fn synthetic_pcap(count: u32) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&0xa1b2_c3d4_u32.to_le_bytes());
        out.extend_from_slice(&2_u16.to_le_bytes());
        out.extend_from_slice(&4_u16.to_le_bytes());
        out.extend_from_slice(&[0; 8]); // thiszone, sigfigs
        out.extend_from_slice(&65535_u32.to_le_bytes());
        out.extend_from_slice(&1_u32.to_le_bytes()); // Ethernet
        let frame = [0_u8; 60];
        for i in 0..count {
            out.extend_from_slice(&1_700_000_000_u32.to_le_bytes());
            out.extend_from_slice(&(i * 1000).to_le_bytes());
            out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
            out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
            out.extend_from_slice(&frame);
        }
        out
    }

    fn write_temp(name: &str, bytes: &[u8]) -> PathBuf {
        let path = std::env::temp_dir().join(format!("wirelens-gui-{}-{name}", std::process::id()));
        std::fs::write(&path, bytes).expect("the temporary folder is writable");
        path
    }

    fn load_all(path: PathBuf) -> Vec<LoadEvent> {
        Loader::spawn(path, || {}).expect("a thread starts").wait()
    }

    #[test]
    fn rows_arrive_in_batches_with_a_screenful_first() {
        let bytes = synthetic_pcap(1000);
        let path = write_temp("batches.pcap", &bytes);
        let events = load_all(path.clone());
        let _ = std::fs::remove_file(&path);

        assert!(matches!(
            events.first(),
            Some(LoadEvent::Opened { file_size, .. }) if *file_size == bytes.len() as u64
        ));
        assert!(matches!(
            events.last(),
            Some(LoadEvent::Finished { damage: None })
        ));
        let batches: Vec<&Vec<PacketRow>> = events
            .iter()
            .filter_map(|e| match e {
                LoadEvent::Rows { rows, .. } => Some(rows),
                _ => None,
            })
            .collect();
        // The first stride is sent at once, whatever the clock says.
        assert_eq!(batches[0].len(), CLOCK_STRIDE);
        assert!(batches.len() >= 2);
        let rows: Vec<&PacketRow> = batches.into_iter().flatten().collect();
        assert_eq!(rows.len(), 1000);
        for (i, row) in rows.iter().enumerate() {
            assert_eq!(row.number, i as u64 + 1);
            assert_eq!(row.length, 60);
            assert_eq!(row.time, Duration(i as i128 * 1_000_000));
        }
        assert_eq!(rows[2].time.to_string(), "0.002000000");
    }

    #[test]
    fn a_missing_file_fails_with_one_line() {
        let events = load_all(PathBuf::from("/nonexistent-dir/none.pcap"));
        match events.as_slice() {
            [LoadEvent::OpenFailed(message)] => {
                assert!(
                    message.starts_with("cannot read the capture file: "),
                    "{message}"
                );
                assert!(!message.contains('\n'));
            }
            other => panic!("expected one OpenFailed event, got {other:?}"),
        }
    }

    #[test]
    fn pcapng_with_several_sections_loads_every_packet() {
        let path = PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/captures/formats/pcapng_multi_section.pcapng"
        ));
        assert!(path.is_file(), "test capture {} is missing", path.display());
        let expected = CaptureFile::open(&path)
            .expect("the capture opens")
            .packets()
            .filter(Result::is_ok)
            .count();
        let events = load_all(path);
        let rows: usize = events
            .iter()
            .map(|e| match e {
                LoadEvent::Rows { rows, .. } => rows.len(),
                _ => 0,
            })
            .sum();
        assert!(expected > 0);
        assert_eq!(rows, expected);
        assert!(matches!(
            events.last(),
            Some(LoadEvent::Finished { damage: None })
        ));
    }

    #[test]
    fn a_loading_thread_that_dies_is_reported_once() {
        let bytes = synthetic_pcap(3);
        let path = write_temp("dies.pcap", &bytes);
        // The wake-up call runs on the loading thread: panicking there kills
        // it right after its first event, as a dissector bug would.
        let mut loader = Loader::spawn(path.clone(), || panic!("deliberate test panic"))
            .expect("a thread starts");
        let deadline = Instant::now() + StdDuration::from_secs(10);
        let mut events = Vec::new();
        while !matches!(events.last(), Some(LoadEvent::Aborted(_))) {
            assert!(Instant::now() < deadline, "no Aborted event: {events:?}");
            events.extend(loader.poll());
            thread::sleep(StdDuration::from_millis(1));
        }
        let _ = std::fs::remove_file(&path);
        assert!(matches!(
            events.as_slice(),
            [LoadEvent::Opened { .. }, LoadEvent::Aborted(_)]
        ));
        assert!(loader.poll().is_empty());
    }
}
