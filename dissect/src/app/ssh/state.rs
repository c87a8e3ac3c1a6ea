//! What is remembered per SSH connection: each side's banner and KEXINIT
//! proposals, the negotiated algorithms, the server's host key, the HASSH
//! fingerprints, where each direction's framing stands (banner line, plaintext
//! binary packets, or encrypted after NEWKEYS), and the handshake timeline.
//!
//! Keyed by `tcp.stream`; side 0 is the client, side 1 the server. The table is
//! bounded by [`MAX_SSH_CONNECTIONS`], and each remembered name-list by
//! [`MAX_KEPT_NAME_LIST`], so a capture of many or odd connections cannot grow
//! memory without limit.

use std::collections::HashMap;

use crate::flow::evict_least_recent;
use crate::flow::timeline::{Direction, Timeline};

/// Connections remembered at most; the least recently seen go first.
pub const MAX_SSH_CONNECTIONS: usize = 4096;

/// Bytes of one KEXINIT name-list kept for negotiation and HASSH. Real lists are
/// well under 1 KiB; a longer one is cut (and then negotiates what it can).
pub const MAX_KEPT_NAME_LIST: usize = 4096;

/// Side indexes.
pub const CLIENT: usize = 0;
pub const SERVER: usize = 1;

/// Where a direction's byte stream stands, as its PDU parser sees it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Framing {
    /// Before the version line (RFC 4253 section 4.2).
    #[default]
    Banner,
    /// Binary packets in the clear: 4-byte packet_length, then that many bytes.
    Plain,
    /// After this side's NEWKEYS (or a stream joined in the middle): packet
    /// boundaries are unknown, each segment's bytes are shown as one packet.
    Encrypted,
    /// A packet_length was out of range: the framing is lost for good.
    Lost,
}

/// The eight name-lists of a KEXINIT that negotiation and HASSH use.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Proposal {
    pub kex: String,
    pub host_key: String,
    /// `[client to server, server to client]`.
    pub enc: [String; 2],
    pub mac: [String; 2],
    pub comp: [String; 2],
}

/// The algorithms of one direction once both KEXINITs are known.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DirAlgorithms {
    pub enc: Option<String>,
    /// None for AEAD ciphers, which bring their own MAC.
    pub mac: Option<String>,
    pub comp: Option<String>,
}

/// One side of the connection.
#[derive(Clone, Debug, Default)]
pub struct Side {
    /// The version line without its CR LF.
    pub banner: Option<String>,
    pub proposal: Option<Proposal>,
    /// HASSH (client) or HASSHServer (server): the input string and its MD5.
    pub hassh: Option<(String, String)>,
    /// The framing as the PDU dissector has reached it (the parser runs ahead
    /// of it within a segment, so it keeps its own in `parser`).
    pub framing: Framing,
    /// The framing as the PDU parser has reached it.
    pub parser: Framing,
    /// The parser waits for the rest of a PDU.
    pub parser_pending: bool,
    /// Algorithms this side sends with after its NEWKEYS.
    pub algorithms: DirAlgorithms,
    /// Wireshark's `ssh.seq_num` bookkeeping: the running counter and the value
    /// each handshake message got the first time it was seen.
    pub sequence_number: u32,
    pub seq_kexinit: u32,
    pub seq_newkeys: u32,
    pub seq_kex: [u32; 5],
    pub newkeys_frame: Option<u64>,
    pub encrypted_packets: u64,
    pub encrypted_bytes: u64,
}

/// The server's host key as the key exchange reply showed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostKey {
    pub key_type: String,
    pub fingerprint: String,
}

/// Everything remembered about one SSH connection.
#[derive(Clone, Debug, Default)]
pub struct SshConnection {
    pub sides: [Side; 2],
    /// The negotiated key exchange method, once both KEXINITs are known.
    pub kex: Option<String>,
    pub host_key_algorithm: Option<String>,
    pub host_key: Option<HostKey>,
    pub timeline: Timeline,
    pub last_frame: u64,
    /// Wireshark 4.0 sets up its ciphers at a DH or ECDH reply but not at a
    /// group exchange reply; from then on it names encrypted packets in Info
    /// only when it did not (kept to match its Info column).
    pub ws_cipher_setup: bool,
    /// The handshake's duration was reported as a latency.
    pub handshake_latency_noted: bool,
}

impl SshConnection {
    /// The version as the client announced it (Wireshark decides SSHv1/v2 by it).
    pub fn client_version(&self) -> Option<&str> {
        self.sides[CLIENT].banner.as_deref()
    }

    /// Records a timeline event in the direction `side` sent.
    pub fn event(
        &mut self,
        ts: crate::model::Timestamp,
        frame: u64,
        side: usize,
        kind: &'static str,
        label: impl Into<Box<str>>,
    ) {
        let dir = if side == CLIENT {
            Direction::ClientToServer
        } else {
            Direction::ServerToClient
        };
        self.timeline.push(ts, frame, dir, kind, label);
    }
}

/// Every SSH connection of the capture, by `tcp.stream`.
#[derive(Debug, Default)]
pub struct SshTable {
    map: HashMap<u32, SshConnection>,
}

impl SshTable {
    /// The connection of `stream`, created when new; the oldest are forgotten
    /// past [`MAX_SSH_CONNECTIONS`].
    pub fn entry(&mut self, stream: u32, frame: u64) -> &mut SshConnection {
        if !self.map.contains_key(&stream) && self.map.len() >= MAX_SSH_CONNECTIONS {
            evict_least_recent(&mut self.map, |c| c.last_frame);
        }
        let c = self.map.entry(stream).or_default();
        c.last_frame = frame;
        c
    }

    pub fn get_mut(&mut self, stream: u32) -> Option<&mut SshConnection> {
        self.map.get_mut(&stream)
    }

    /// The connection of `stream`, if it is SSH and still remembered.
    pub fn get(&self, stream: u32) -> Option<&SshConnection> {
        self.map.get(&stream)
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// Cuts `s` to at most `max` bytes on a character boundary.
pub fn bounded(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_stays_bounded() {
        let mut t = SshTable::default();
        for s in 0..(MAX_SSH_CONNECTIONS as u32 + 100) {
            t.entry(s, s as u64);
        }
        assert!(t.len() <= MAX_SSH_CONNECTIONS);
        assert!(t.get(MAX_SSH_CONNECTIONS as u32 + 99).is_some());
        assert!(t.get(0).is_none());
    }

    #[test]
    fn bounded_cuts_on_a_char_boundary() {
        assert_eq!(bounded("abc", 8), "abc");
        assert_eq!(bounded("aé", 2), "a");
    }
}
