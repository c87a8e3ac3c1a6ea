//! Writing a generated capture of a given size through the workspace's
//! pcap and pcapng writers.

use std::cell::Cell;
use std::io::{self, Write};
use std::rc::Rc;

use wirelens_capture::write::{PcapNgWriter, PcapWriter};
use wirelens_dissect::LinkType;

use super::time::timestamp;
use super::Generator;

/// tcpdump's default snapshot length.
const SNAPLEN: u32 = 262_144;

/// Bytes a pcap record adds to its frame.
const PCAP_RECORD: u64 = 16;
/// Bytes an Enhanced Packet Block without options adds to its frame
/// (before the frame is padded to 32 bits).
const PCAPNG_RECORD: u64 = 32;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Pcap,
    PcapNg,
}

#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Upper bound on the file size in bytes; the capture stops at the last
    /// packet that fits.
    pub size: u64,
    pub seed: u64,
    pub format: Format,
    /// Nanosecond timestamps instead of microseconds.
    pub nanosecond: bool,
}

/// What was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Summary {
    pub packets: u64,
    pub bytes: u64,
    /// Simulated time from the first packet to the last, in nanoseconds.
    pub duration: u64,
}

/// Writes a capture of at most `options.size` bytes to `out` and hands `out`
/// back (flushed by the writer's `finish`).
pub fn write_capture<W: Write>(options: &Options, out: W) -> io::Result<(Summary, W)> {
    let written = Rc::new(Cell::new(0));
    let counted = Counted {
        inner: out,
        written: Rc::clone(&written),
    };
    let mut generator = Generator::new(options.seed);
    let mut summary = Summary {
        packets: 0,
        bytes: 0,
        duration: 0,
    };
    let counted = match options.format {
        Format::Pcap => {
            let mut w = PcapWriter::new(counted, LinkType::ETHERNET, SNAPLEN, options.nanosecond)?;
            loop {
                let packet = generator.next_packet();
                let record = PCAP_RECORD + packet.data.len() as u64;
                if written.get() + record > options.size {
                    break;
                }
                let len = packet.data.len() as u32;
                w.write_packet(timestamp(packet.time), packet.data, len)?;
                summary.packets += 1;
                summary.duration = packet.time;
            }
            w.finish()?
        }
        Format::PcapNg => {
            let mut w = PcapNgWriter::new(counted)?;
            let interface = w.add_interface(
                LinkType::ETHERNET,
                SNAPLEN,
                Some("eth0"),
                options.nanosecond,
            )?;
            loop {
                let packet = generator.next_packet();
                let record = PCAPNG_RECORD + (packet.data.len() as u64).next_multiple_of(4);
                if written.get() + record > options.size {
                    break;
                }
                let len = packet.data.len() as u32;
                w.write_packet(interface, timestamp(packet.time), packet.data, len, None)?;
                summary.packets += 1;
                summary.duration = packet.time;
            }
            w.finish()?
        }
    };
    summary.bytes = written.get();
    Ok((summary, counted.inner))
}

/// Counts the bytes passed to the inner writer, so the size limit holds for
/// whatever framing the capture writers add.
struct Counted<W> {
    inner: W,
    written: Rc<Cell<u64>>,
}

impl<W: Write> Write for Counted<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.written.set(self.written.get() + n as u64);
        Ok(n)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.inner.write_all(buf)?;
        self.written.set(self.written.get() + buf.len() as u64);
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
