//! Transport layer: TCP and UDP, and the Internet checksum they share with IP and ICMP.

pub mod checksum;
pub mod tcp;
pub mod udp;
