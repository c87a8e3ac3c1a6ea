//! Classic pcap writer.

use std::io::{self, Write};

use wirelens_dissect::{LinkType, Timestamp};

use super::{captured_len, invalid_input};

const MAGIC_USEC: u32 = 0xa1b2_c3d4;
const MAGIC_NSEC: u32 = 0xa1b2_3c4d;

/// Writes a little-endian pcap file, version 2.4.
///
/// Packets are written as given; truncating them to the snaplen is the
/// caller's business, as it is a capture engine's.
pub struct PcapWriter<W: Write> {
    out: W,
    nanosecond: bool,
}

impl<W: Write> PcapWriter<W> {
    /// Writes the file header. With `nanosecond`, timestamps keep their
    /// nanoseconds; otherwise they are cut to microseconds.
    pub fn new(
        mut out: W,
        link_type: LinkType,
        snaplen: u32,
        nanosecond: bool,
    ) -> io::Result<Self> {
        let magic = if nanosecond { MAGIC_NSEC } else { MAGIC_USEC };
        let mut header = Vec::with_capacity(24);
        header.extend_from_slice(&magic.to_le_bytes());
        header.extend_from_slice(&2u16.to_le_bytes());
        header.extend_from_slice(&4u16.to_le_bytes());
        header.extend_from_slice(&0i32.to_le_bytes()); // thiszone: timestamps are UTC
        header.extend_from_slice(&0u32.to_le_bytes()); // sigfigs: unused by every tool
        header.extend_from_slice(&snaplen.to_le_bytes());
        header.extend_from_slice(&link_type.0.to_le_bytes());
        out.write_all(&header)?;
        Ok(PcapWriter { out, nanosecond })
    }

    /// Appends one record. Fails for timestamps before 1970 or after 2106,
    /// which the 32-bit seconds field cannot hold.
    pub fn write_packet(&mut self, ts: Timestamp, data: &[u8], orig_len: u32) -> io::Result<()> {
        let secs = u32::try_from(ts.secs).map_err(|_| {
            invalid_input(format!(
                "timestamp {ts} is outside the years 1970 to 2106 that pcap can store"
            ))
        })?;
        let fraction = if self.nanosecond {
            ts.nanos
        } else {
            ts.nanos / 1_000
        };
        let mut header = [0u8; 16];
        let fields = [secs, fraction, captured_len(data)?, orig_len];
        for (chunk, field) in header.chunks_exact_mut(4).zip(fields) {
            chunk.copy_from_slice(&field.to_le_bytes());
        }
        self.out.write_all(&header)?;
        self.out.write_all(data)
    }

    /// Flushes and returns the underlying writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}
