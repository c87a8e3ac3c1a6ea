//! Per-connection TLS state: what the hellos negotiated (so later records are
//! read right: encrypted after ChangeCipherSpec, opaque after a TLS 1.3
//! ServerHello) and the handshake timeline, keyed by `tcp.stream`.

use std::collections::HashMap;

use super::decrypt::session::{Decryption, Switch};
use crate::flow::reassembly::PduAssembler;
use crate::flow::timeline::{Direction, Timeline};
use crate::model::{Duration, Timestamp};

/// TLS sessions remembered at most; past it an arbitrary one is forgotten.
pub const MAX_SESSIONS: usize = 1 << 14;

/// Longest handshake message put together from several records.
pub const MAX_HANDSHAKE_LEN: usize = 256 * 1024;

/// What one TLS connection has shown so far.
#[derive(Debug, Default)]
pub struct TlsSession {
    /// The TCP direction (0/1) the ClientHello travelled in.
    pub client_dir: Option<usize>,
    /// The handshake's duration was reported as a latency.
    pub handshake_latency_noted: bool,
    /// The version the ServerHello chose (supported_versions or its version field).
    pub version: Option<u16>,
    /// ChangeCipherSpec seen per direction: later handshake records are encrypted.
    pub ccs: [bool; 2],
    /// Encrypted (TLS 1.3 opaque) records seen per direction since the ServerHello.
    pub encrypted: [u32; 2],
    /// A handshake message being put together from several records, per direction.
    pub partial: [Vec<u8>; 2],
    pub sni: Option<String>,
    /// The ALPN protocols the client offered, and the one the server chose.
    pub alpn_offered: Vec<String>,
    pub alpn: Option<String>,
    pub cipher: Option<u16>,
    pub group: Option<u16>,
    pub ja3: Option<String>,
    pub ja3s: Option<String>,
    pub ja4: Option<String>,
    pub hello_retry: bool,
    /// The client offered a PSK (pre_shared_key) / the server accepted one.
    pub psk_offered: bool,
    pub psk_accepted: bool,
    /// TLS ≤ 1.2 resumption: the server echoed the client's session id (or a ticket was used).
    pub resumed: bool,
    pub client_session_id: Vec<u8>,
    pub early_data_offered: bool,
    pub early_data_accepted: bool,
    /// 0-RTT records were seen before the ServerHello.
    pub early_data_sent: bool,
    pub client_hello_ts: Option<Timestamp>,
    /// When each side's Finished was seen (encrypted ones included).
    pub finished: [Option<Timestamp>; 2],
    pub first_app_data: [bool; 2],
    pub timeline: Timeline,
    /// The hellos' randoms: the key log is keyed by the client's; TLS ≤ 1.2
    /// key blocks need both.
    pub client_random: Option<[u8; 32]>,
    pub server_random: Option<[u8; 32]>,
    /// The ClientHello's cipher suites (0-RTT data uses one of them).
    pub offered_suites: Vec<u16>,
    /// The server accepted encrypt_then_mac (RFC 7366).
    pub encrypt_then_mac: bool,
    /// Record decryption, when a key log has this connection's secrets.
    pub decryption: Decryption,
    /// A decrypted handshake message changes its direction's keys after its record.
    pub switch: [Option<Switch>; 2],
    /// Decrypted application data, per TCP direction, cut into the
    /// application protocol's PDUs (they may span records).
    pub app: [PduAssembler; 2],
    /// A decryption problem was reported for the direction (once).
    pub decrypt_reported: [bool; 2],
}

impl TlsSession {
    /// Whether the negotiated version is TLS 1.3 (or one of its drafts).
    pub fn is_tls13(&self) -> bool {
        matches!(self.version, Some(0x0304 | 0x7f00..=0x7fff))
    }

    /// The timeline direction of TCP direction `dir`.
    pub fn direction(&self, dir: usize) -> Direction {
        match self.client_dir {
            Some(c) if c != dir => Direction::ServerToClient,
            _ => Direction::ClientToServer,
        }
    }

    pub fn is_client(&self, dir: usize) -> bool {
        self.client_dir.is_none_or(|c| c == dir)
    }

    /// Time from the ClientHello to the last Finished: the handshake's cost.
    pub fn handshake_duration(&self) -> Option<Duration> {
        let start = self.client_hello_ts?;
        let end = match self.finished {
            [Some(a), Some(b)] => a.max(b),
            _ => return None,
        };
        Some(end.since(start))
    }
}

/// Every TLS session of the capture, by `tcp.stream`.
#[derive(Debug, Default)]
pub struct TlsTable {
    sessions: HashMap<u32, TlsSession>,
}

impl TlsTable {
    pub fn get(&self, stream: u32) -> Option<&TlsSession> {
        self.sessions.get(&stream)
    }

    /// The session of `stream`, created on first use.
    pub fn session(&mut self, stream: u32) -> &mut TlsSession {
        if self.sessions.len() >= MAX_SESSIONS && !self.sessions.contains_key(&stream) {
            if let Some(victim) = self.sessions.keys().next().copied() {
                self.sessions.remove(&victim);
            }
        }
        self.sessions.entry(stream).or_default()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&u32, &TlsSession)> {
        self.sessions.iter()
    }

    pub fn len(&self) -> usize {
        self.sessions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sessions.is_empty()
    }
}
