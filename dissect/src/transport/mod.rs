//! Transport layer: TCP and UDP, and the Internet checksum they share with IP and ICMP.

pub mod checksum;
pub mod tcp;
pub mod udp;

/// A transport payload's tree line, as Wireshark words it: `TCP payload (1 byte)`.
fn write_payload_text(out: &mut String, protocol: &str, len: usize) {
    use std::fmt::Write as _;
    let s = if len == 1 { "" } else { "s" };
    let _ = write!(out, "{protocol} payload ({len} byte{s})");
}
