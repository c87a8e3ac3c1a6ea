//! pcapng writer: one little-endian section, interfaces added on demand,
//! Enhanced Packet Blocks.

use std::io::{self, Write};

use wirelens_dissect::{LinkType, Timestamp};

use super::{captured_len, invalid_input};

const SHB_TYPE: u32 = 0x0a0d_0d0a;
const IDB_TYPE: u32 = 0x0000_0001;
const EPB_TYPE: u32 = 0x0000_0006;
const ISB_TYPE: u32 = 0x0000_0005;
const BYTE_ORDER_MAGIC: u32 = 0x1a2b_3c4d;

const OPT_COMMENT: u16 = 1;
const SHB_USERAPPL: u16 = 4;
const IF_NAME: u16 = 2;
const IF_DESCRIPTION: u16 = 3;
const IF_TSRESOL: u16 = 9;
const IF_FILTER: u16 = 11;
const ISB_STARTTIME: u16 = 2;
const ISB_ENDTIME: u16 = 3;
const ISB_IFRECV: u16 = 4;
const ISB_IFDROP: u16 = 5;
const ISB_OSDROP: u16 = 7;
const ISB_USRDELIV: u16 = 8;
/// `if_filter`'s first byte: the filter is a libpcap filter string.
const FILTER_LIBPCAP: u8 = 0;

/// What an Interface Description Block says about a capture interface.
#[derive(Clone, Copy, Debug)]
pub struct InterfaceDescription<'a> {
    pub link_type: LinkType,
    pub snaplen: u32,
    /// `if_name`.
    pub name: Option<&'a str>,
    /// `if_description`.
    pub description: Option<&'a str>,
    /// `if_filter`: the libpcap capture filter the packets passed.
    pub capture_filter: Option<&'a str>,
    /// Keep nanosecond timestamps, else cut them to microseconds.
    pub nanosecond: bool,
}

/// The counters of an Interface Statistics Block; `None` leaves one out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InterfaceCounters {
    /// `isb_starttime`: when the capture started.
    pub start: Option<Timestamp>,
    /// `isb_endtime`: when the counters were taken.
    pub end: Option<Timestamp>,
    /// `isb_ifrecv`: packets the interface received.
    pub received: Option<u64>,
    /// `isb_ifdrop`: packets the interface or its driver dropped.
    pub if_dropped: Option<u64>,
    /// `isb_osdrop`: packets the operating system dropped (buffer full).
    pub os_dropped: Option<u64>,
    /// `isb_usrdeliv`: packets delivered to the capturing program.
    pub delivered: Option<u64>,
}

/// Writes a pcapng file with a single section.
///
/// The section header names "wirelens" as the writing application. Packets
/// are written as given (see [`PcapWriter`](super::PcapWriter)).
pub struct PcapNgWriter<W: Write> {
    out: W,
    /// Ticks per second of each interface added, by interface id.
    interfaces: Vec<u64>,
    /// Reused for each block's options, so writing allocates only while it
    /// grows.
    options: Vec<u8>,
}

impl<W: Write> PcapNgWriter<W> {
    /// Writes the section header block.
    pub fn new(mut out: W) -> io::Result<Self> {
        let mut fixed = Vec::with_capacity(16);
        fixed.extend_from_slice(&BYTE_ORDER_MAGIC.to_le_bytes());
        fixed.extend_from_slice(&1u16.to_le_bytes()); // major version
        fixed.extend_from_slice(&0u16.to_le_bytes()); // minor version
        fixed.extend_from_slice(&(-1i64).to_le_bytes()); // section length: not given
        let mut options = Vec::new();
        push_option(&mut options, SHB_USERAPPL, b"wirelens")?;
        end_options(&mut options);
        write_block(&mut out, SHB_TYPE, &fixed, &[], &options)?;
        Ok(PcapNgWriter {
            out,
            interfaces: Vec::new(),
            options,
        })
    }

    /// Writes an interface description block and returns the interface id
    /// to pass to [`write_packet`](Self::write_packet). Timestamps are kept
    /// in nanoseconds with `nanosecond`, else cut to microseconds.
    pub fn add_interface(
        &mut self,
        link_type: LinkType,
        snaplen: u32,
        name: Option<&str>,
        nanosecond: bool,
    ) -> io::Result<u32> {
        self.add_interface_description(&InterfaceDescription {
            link_type,
            snaplen,
            name,
            description: None,
            capture_filter: None,
            nanosecond,
        })
    }

    /// Writes an interface description block with every option given and
    /// returns the interface id.
    pub fn add_interface_description(&mut self, desc: &InterfaceDescription) -> io::Result<u32> {
        let InterfaceDescription {
            link_type,
            snaplen,
            name,
            description,
            capture_filter,
            nanosecond,
        } = *desc;
        let id = u32::try_from(self.interfaces.len())
            .map_err(|_| invalid_input("too many interfaces for one section".into()))?;
        let link = u16::try_from(link_type.0).map_err(|_| {
            invalid_input(format!(
                "link type {link_type} does not fit pcapng's 16-bit field"
            ))
        })?;
        let mut fixed = [0u8; 8];
        fixed[..2].copy_from_slice(&link.to_le_bytes());
        fixed[4..].copy_from_slice(&snaplen.to_le_bytes());

        self.options.clear();
        if let Some(name) = name {
            push_option(&mut self.options, IF_NAME, name.as_bytes())?;
        }
        if let Some(description) = description {
            push_option(&mut self.options, IF_DESCRIPTION, description.as_bytes())?;
        }
        if let Some(filter) = capture_filter {
            let mut value = Vec::with_capacity(filter.len() + 1);
            value.push(FILTER_LIBPCAP);
            value.extend_from_slice(filter.as_bytes());
            push_option(&mut self.options, IF_FILTER, &value)?;
        }
        if nanosecond {
            push_option(&mut self.options, IF_TSRESOL, &[9])?;
        }
        end_options(&mut self.options);
        write_block(&mut self.out, IDB_TYPE, &fixed, &[], &self.options)?;
        self.interfaces
            .push(if nanosecond { 1_000_000_000 } else { 1_000_000 });
        Ok(id)
    }

    /// Appends an enhanced packet block, with an optional comment.
    pub fn write_packet(
        &mut self,
        interface_id: u32,
        ts: Timestamp,
        data: &[u8],
        orig_len: u32,
        comment: Option<&str>,
    ) -> io::Result<()> {
        self.write_packet_with_comments(interface_id, ts, data, orig_len, comment.as_slice())
    }

    /// Appends an enhanced packet block with any number of comments.
    pub fn write_packet_with_comments(
        &mut self,
        interface_id: u32,
        ts: Timestamp,
        data: &[u8],
        orig_len: u32,
        comments: &[&str],
    ) -> io::Result<()> {
        let units = *self
            .interfaces
            .get(interface_id as usize)
            .ok_or_else(|| invalid_input(format!("interface {interface_id} was never added")))?;
        let ticks = ticks(ts, units)?;
        let mut fixed = [0u8; 20];
        let fields = [
            interface_id,
            (ticks >> 32) as u32,
            ticks as u32,
            captured_len(data)?,
            orig_len,
        ];
        for (chunk, field) in fixed.chunks_exact_mut(4).zip(fields) {
            chunk.copy_from_slice(&field.to_le_bytes());
        }
        self.options.clear();
        for comment in comments {
            push_option(&mut self.options, OPT_COMMENT, comment.as_bytes())?;
        }
        end_options(&mut self.options);
        write_block(&mut self.out, EPB_TYPE, &fixed, data, &self.options)
    }

    /// Appends an interface statistics block taken at `ts`.
    pub fn write_interface_statistics(
        &mut self,
        interface_id: u32,
        ts: Timestamp,
        counters: &InterfaceCounters,
    ) -> io::Result<()> {
        let units = *self
            .interfaces
            .get(interface_id as usize)
            .ok_or_else(|| invalid_input(format!("interface {interface_id} was never added")))?;
        let mut fixed = [0u8; 12];
        let ticks_now = ticks(ts, units)?;
        let fields = [interface_id, (ticks_now >> 32) as u32, ticks_now as u32];
        for (chunk, field) in fixed.chunks_exact_mut(4).zip(fields) {
            chunk.copy_from_slice(&field.to_le_bytes());
        }
        self.options.clear();
        for (code, time) in [(ISB_STARTTIME, counters.start), (ISB_ENDTIME, counters.end)] {
            if let Some(time) = time {
                // Timestamps in options keep the block's high/low word order.
                let t = ticks(time, units)?;
                let mut value = [0u8; 8];
                value[..4].copy_from_slice(&((t >> 32) as u32).to_le_bytes());
                value[4..].copy_from_slice(&(t as u32).to_le_bytes());
                push_option(&mut self.options, code, &value)?;
            }
        }
        for (code, count) in [
            (ISB_IFRECV, counters.received),
            (ISB_IFDROP, counters.if_dropped),
            (ISB_OSDROP, counters.os_dropped),
            (ISB_USRDELIV, counters.delivered),
        ] {
            if let Some(count) = count {
                push_option(&mut self.options, code, &count.to_le_bytes())?;
            }
        }
        end_options(&mut self.options);
        write_block(&mut self.out, ISB_TYPE, &fixed, &[], &self.options)
    }

    /// Flushes the underlying writer, so a reader following the file sees
    /// every block written so far.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Appends a custom block (0x00000BAD, copyable) for enterprise `pen`.
    /// Custom blocks that must not be copied (0x40000BAD) are never written.
    pub fn write_custom_block(&mut self, pen: u32, data: &[u8]) -> io::Result<()> {
        write_block(&mut self.out, CB_TYPE, &pen.to_le_bytes(), data, &[])
    }

    /// The underlying writer.
    pub fn get_ref(&self) -> &W {
        &self.out
    }

    /// Flushes and returns the underlying writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Custom block that may be copied to new files (pcapng section 4.8).
const CB_TYPE: u32 = 0x0000_0bad;

/// A timestamp in ticks of `units` per second; pcapng's timestamps are
/// unsigned, so times before 1970 are refused.
fn ticks(ts: Timestamp, units: u64) -> io::Result<u64> {
    let fraction = u64::from(ts.nanos) / (1_000_000_000 / units);
    u64::try_from(ts.secs)
        .ok()
        .and_then(|secs| secs.checked_mul(units))
        .and_then(|ticks| ticks.checked_add(fraction))
        .ok_or_else(|| invalid_input(format!("timestamp {ts} cannot be stored in pcapng")))
}

/// Appends an option: code, length, value, zero padding to 32 bits.
fn push_option(options: &mut Vec<u8>, code: u16, value: &[u8]) -> io::Result<()> {
    let len = u16::try_from(value.len()).map_err(|_| {
        invalid_input(format!(
            "an option of {} bytes is longer than pcapng's 65535-byte limit",
            value.len()
        ))
    })?;
    options.extend_from_slice(&code.to_le_bytes());
    options.extend_from_slice(&len.to_le_bytes());
    options.extend_from_slice(value);
    options.resize(options.len().next_multiple_of(4), 0);
    Ok(())
}

/// Closes a non-empty option list with opt_endofopt.
fn end_options(options: &mut Vec<u8>) {
    if !options.is_empty() {
        options.extend_from_slice(&[0; 4]);
    }
}

/// Writes a block: type, length, fixed fields, data padded to 32 bits,
/// options, length again.
fn write_block(
    out: &mut impl Write,
    kind: u32,
    fixed: &[u8],
    data: &[u8],
    options: &[u8],
) -> io::Result<()> {
    let padded = data.len().next_multiple_of(4);
    let total = 12 + fixed.len() + padded + options.len();
    let total = u32::try_from(total)
        .map_err(|_| invalid_input(format!("a block of {total} bytes is too large for pcapng")))?;
    out.write_all(&kind.to_le_bytes())?;
    out.write_all(&total.to_le_bytes())?;
    out.write_all(fixed)?;
    out.write_all(data)?;
    out.write_all(&[0; 3][..padded - data.len()])?;
    out.write_all(options)?;
    out.write_all(&total.to_le_bytes())
}
