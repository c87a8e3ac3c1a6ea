//! Writing pcap and pcapng files.
//!
//! [`PcapWriter`] and [`PcapNgWriter`] write to any [`std::io::Write`]
//! (wrap files in a `BufWriter`); both write little-endian files. [`save()`]
//! writes frames read from a [`CaptureFile`](crate::CaptureFile) to a path,
//! atomically.

mod pcap;
mod pcapng;
mod save;

use std::io;

pub use pcap::PcapWriter;
pub use pcapng::{InterfaceCounters, InterfaceDescription, PcapNgWriter};
pub use save::{save, save_with_interfaces, SaveFormat};

fn invalid_input(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

/// A packet's captured length as the 32-bit field of both formats.
fn captured_len(data: &[u8]) -> io::Result<u32> {
    u32::try_from(data.len()).map_err(|_| {
        invalid_input(format!(
            "a packet of {} bytes does not fit a capture record",
            data.len()
        ))
    })
}
