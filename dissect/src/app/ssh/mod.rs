//! SSH (RFC 4251-4254): the protocol version exchange, the binary packet
//! protocol in the clear, algorithm negotiation (KEXINIT, with HASSH) and the
//! key exchange messages (classic and group-exchange Diffie-Hellman, ECDH and
//! curve25519, the sntrup761x25519 / mlkem768x25519 hybrids), NEWKEYS, and
//! after it the encrypted packets by direction and length.
//!
//! Recognised on port 22 or by its "SSH-" banner on any port; framed on the
//! byte stream by [`packet::SshFraming`] through TCP stream reassembly. Fields,
//! Info and titles follow tshark 4.0; where tshark 4.0 reports its own
//! limits as errors on valid traffic (hybrid KEM keys as "Invalid key length",
//! signatures it does not decode as "Decoded N bytes"), the traffic is shown
//! as it is instead (see docs/ARCHITECTURE.md).

pub mod banner;
pub mod kex;
pub mod names;
pub mod packet;
pub mod state;

use crate::declare_fields;
use crate::dispatch::TcpSegment;
use crate::dissector::Cx;
use crate::flow::reassembly::dissect_stream;
use crate::model::{Group, Protocol, Severity, Span, Value};
use packet::SshFraming;
use state::{Framing, SshConnection, CLIENT, SERVER};

declare_fields! {
    PROTOCOL = "ssh.protocol", "Protocol", String;
    DIRECTION = "ssh.direction", "Direction", Bool, Dec, names::direction_name;
    VERSION2 = "ssh_version2", "SSH Version 2", None;
    PACKET_LENGTH = "ssh.packet_length", "Packet Length", U32;
    PACKET_LENGTH_ENCRYPTED = "ssh.packet_length_encrypted", "Packet Length (encrypted)", Bytes;
    PADDING_LENGTH = "ssh.padding_length", "Padding Length", U8;
    PAYLOAD = "ssh.payload", "Payload", Bytes;
    PADDING_STRING = "ssh.padding_string", "Padding String", Bytes;
    SEQ_NUM = "ssh.seq_num", "Sequence number", U32;
    ENCRYPTED_PACKET = "ssh.encrypted_packet", "Encrypted Packet", Bytes;
    KEY_EXCHANGE = "ssh_key_exchange", "Key Exchange", None;
    MESSAGE_CODE = "ssh.message_code", "Message Code", U8, Dec, names::any_msg_name;
    ALGORITHMS = "ssh_algorithms", "Algorithms", None;
    COOKIE = "ssh.cookie", "Cookie", Bytes;
    KEX_ALGORITHMS_LENGTH = "ssh.kex_algorithms_length", "kex_algorithms length", U32;
    KEX_ALGORITHMS = "ssh.kex_algorithms", "kex_algorithms string", String;
    HOST_KEY_ALGORITHMS_LENGTH = "ssh.server_host_key_algorithms_length", "server_host_key_algorithms length", U32;
    HOST_KEY_ALGORITHMS = "ssh.server_host_key_algorithms", "server_host_key_algorithms string", String;
    ENC_C2S_LENGTH = "ssh.encryption_algorithms_client_to_server_length", "encryption_algorithms_client_to_server length", U32;
    ENC_C2S = "ssh.encryption_algorithms_client_to_server", "encryption_algorithms_client_to_server string", String;
    ENC_S2C_LENGTH = "ssh.encryption_algorithms_server_to_client_length", "encryption_algorithms_server_to_client length", U32;
    ENC_S2C = "ssh.encryption_algorithms_server_to_client", "encryption_algorithms_server_to_client string", String;
    MAC_C2S_LENGTH = "ssh.mac_algorithms_client_to_server_length", "mac_algorithms_client_to_server length", U32;
    MAC_C2S = "ssh.mac_algorithms_client_to_server", "mac_algorithms_client_to_server string", String;
    MAC_S2C_LENGTH = "ssh.mac_algorithms_server_to_client_length", "mac_algorithms_server_to_client length", U32;
    MAC_S2C = "ssh.mac_algorithms_server_to_client", "mac_algorithms_server_to_client string", String;
    COMP_C2S_LENGTH = "ssh.compression_algorithms_client_to_server_length", "compression_algorithms_client_to_server length", U32;
    COMP_C2S = "ssh.compression_algorithms_client_to_server", "compression_algorithms_client_to_server string", String;
    COMP_S2C_LENGTH = "ssh.compression_algorithms_server_to_client_length", "compression_algorithms_server_to_client length", U32;
    COMP_S2C = "ssh.compression_algorithms_server_to_client", "compression_algorithms_server_to_client string", String;
    LANG_C2S_LENGTH = "ssh.languages_client_to_server_length", "languages_client_to_server length", U32;
    LANG_C2S = "ssh.languages_client_to_server", "languages_client_to_server string", String;
    LANG_S2C_LENGTH = "ssh.languages_server_to_client_length", "languages_server_to_client length", U32;
    LANG_S2C = "ssh.languages_server_to_client", "languages_server_to_client string", String;
    FIRST_KEX_PACKET_FOLLOWS = "ssh.first_kex_packet_follows", "First KEX Packet Follows", U8;
    KEX_RESERVED = "ssh.kex.reserved", "Reserved", Bytes;
    HASSH_ALGORITHMS = "ssh.kex.hassh_algorithms", "hassh algorithms", String;
    HASSH = "ssh.kex.hassh", "hassh", String;
    HASSHSERVER_ALGORITHMS = "ssh.kex.hasshserver_algorithms", "hasshServer algorithms", String;
    HASSHSERVER = "ssh.kex.hasshserver", "hasshServer", String;
    MPINT_LENGTH = "ssh.mpint_length", "Multi Precision Integer Length", U32;
    DH_E = "ssh.dh.e", "DH client e", Bytes;
    DH_F = "ssh.dh.f", "DH server f", Bytes;
    DH_GEX_MIN = "ssh.dh_gex.min", "DH GEX Min", U32;
    DH_GEX_NBITS = "ssh.dh_gex.nbits", "DH GEX Number of Bits", U32;
    DH_GEX_MAX = "ssh.dh_gex.max", "DH GEX Max", U32;
    DH_GEX_P = "ssh.dh_gex.p", "DH GEX modulus (P)", Bytes;
    DH_GEX_G = "ssh.dh_gex.g", "DH GEX base (G)", Bytes;
    ECDH_Q_C_LENGTH = "ssh.ecdh.q_c_length", "ECDH client's ephemeral public key length", U32;
    ECDH_Q_C = "ssh.ecdh.q_c", "ECDH client's ephemeral public key (Q_C)", Bytes;
    ECDH_Q_S_LENGTH = "ssh.ecdh.q_s_length", "ECDH server's ephemeral public key length", U32;
    ECDH_Q_S = "ssh.ecdh.q_s", "ECDH server's ephemeral public key (Q_S)", Bytes;
    HOST_KEY = "ssh_host_key", "KEX host key", None;
    HOST_KEY_LENGTH = "ssh.host_key.length", "Host key length", U32;
    HOST_KEY_TYPE_LENGTH = "ssh.host_key.type_length", "Host key type length", U32;
    HOST_KEY_TYPE = "ssh.host_key.type", "Host key type", String;
    HOST_KEY_DATA = "ssh.host_key.data", "Host key data", Bytes;
    HOST_KEY_RSA_E = "ssh.host_key.rsa.e", "RSA public exponent (e)", Bytes;
    HOST_KEY_RSA_N = "ssh.host_key.rsa.n", "RSA modulus (N)", Bytes;
    HOST_KEY_DSA_P = "ssh.host_key.dsa.p", "DSA prime modulus (p)", Bytes;
    HOST_KEY_DSA_Q = "ssh.host_key.dsa.q", "DSA prime divisor (q)", Bytes;
    HOST_KEY_DSA_G = "ssh.host_key.dsa.g", "DSA subgroup generator (g)", Bytes;
    HOST_KEY_DSA_Y = "ssh.host_key.dsa.y", "DSA public key (y)", Bytes;
    HOST_KEY_ECDSA_CURVE_ID_LENGTH = "ssh.host_key.ecdsa.id_length", "ECDSA elliptic curve identifier length", U32;
    HOST_KEY_ECDSA_CURVE_ID = "ssh.host_key.ecdsa.id", "ECDSA elliptic curve identifier", String;
    HOST_KEY_ECDSA_Q_LENGTH = "ssh.host_key.ecdsa.q_length", "ECDSA public key length", U32;
    HOST_KEY_ECDSA_Q = "ssh.host_key.ecdsa.q", "ECDSA public key (Q)", Bytes;
    HOST_KEY_EDDSA_KEY_LENGTH = "ssh.host_key.eddsa.key_length", "EdDSA public key length", U32;
    HOST_KEY_EDDSA_KEY = "ssh.host_key.eddsa.key", "EdDSA public key", Bytes;
    HOST_KEY_FINGERPRINT = "ssh.host_key.fingerprint", "Host key fingerprint", String;
    HOST_SIG = "ssh_host_sig", "KEX host signature", None;
    HOST_SIG_LENGTH = "ssh.host_sig.length", "Host signature length", U32;
    HOST_SIG_TYPE_LENGTH = "ssh.host_sig.type_length", "Host signature type length", U32;
    HOST_SIG_TYPE = "ssh.host_sig.type", "Host signature type", String;
    HOST_SIG_DATA = "ssh.host_sig.data", "Host signature data", Bytes;
    HOST_SIG_RSA = "ssh.host_sig.rsa", "RSA signature", Bytes;
    HOST_SIG_DSA = "ssh.host_sig.dsa", "DSA signature", Bytes;
    KEY_LENGTH_ERROR = "ssh.key_length.error", "Invalid key length", None;
    PACKET_LENGTH_ERROR = "ssh.packet_length.error", "Invalid packet length", None;
    BANNER_PART = "ssh_protocol_part", "Version line part", None;
    KEM_PART = "ssh_kex_hybrid_part", "Hybrid key part", None;
    PACKET_DECODE_ERROR = "ssh.packet_decode.error", "Packet decoded length not equal to packet length", None;
}

pub static SSH: Protocol = Protocol {
    name: "ssh",
    label: "SSH Protocol",
    short: "SSH",
};

/// The same protocol once the client announced version 2 (tshark's Protocol column).
pub static SSHV2: Protocol = Protocol {
    name: "ssh",
    label: "SSH Protocol",
    short: "SSHv2",
};

/// The well-known port; the other side of a connection to it is the client.
pub const PORT: u16 = 22;

/// Which side sent a segment: the one on port 22 is the server (as Wireshark's
/// `is_response`); on other ports the lower port is taken as the server's.
pub fn side_of(seg: &TcpSegment) -> usize {
    let server_port = if seg.src_port == PORT || seg.dst_port == PORT {
        PORT
    } else {
        seg.src_port.min(seg.dst_port)
    };
    if seg.src_port == seg.dst_port {
        return seg.dir.min(1);
    }
    if seg.src_port == server_port {
        SERVER
    } else {
        CLIENT
    }
}

/// Dissects a TCP segment of an SSH connection: the direction's PDU parser is
/// rebuilt from the connection state, every PDU the segment completes is
/// dissected, and the parser's state is saved back.
pub fn dissect_segment(cx: &mut Cx<'_>, seg: TcpSegment, off: usize, payload: &[u8]) {
    let side = side_of(&seg);
    let frame = cx.meta.number;
    let s = &cx.state.ssh.entry(seg.stream, frame).sides[side];
    let was_pending = s.parser_pending;
    let mut parser = SshFraming {
        mode: s.parser,
        at_fin: seg.fin,
        pending: was_pending,
    };
    let outcome = dissect_stream(cx, seg, off, payload, &mut parser, dissect_pdu);
    if outcome.held {
        if outcome.offered {
            // Wireshark's SSH dissector clears Info before it asks for more.
            cx.pkt.summary.info.clear();
        }
        crate::flow::reassembly::mark_segment_of_pdu(cx.pkt);
    }
    if outcome.pdus == 0 && !was_pending && parser.pending {
        // The segment starts a PDU that ends in a later one: SSH is named in
        // the protocol chain (as tshark does), the columns stay TCP's.
        let column = cx.pkt.summary.protocol;
        cx.pkt.begin_layer(&SSH, Span::new(off, payload.len()));
        cx.pkt.set_title(|t| t.push_str(SSH.label));
        cx.pkt.summary.protocol = column;
    }
    if let Some(c) = cx.state.ssh.get_mut(seg.stream) {
        c.sides[side].parser = parser.mode;
        c.sides[side].parser_pending = parser.pending;
    }
}

/// Dissects one SSH PDU (a version line, a binary packet, or encrypted bytes)
/// at absolute offset `off`.
pub fn dissect_pdu(cx: &mut Cx<'_>, off: usize, pdu: &[u8]) -> usize {
    let Some(seg) = cx.tcp else {
        return crate::app::data::dissect(cx, off, pdu);
    };
    let side = side_of(&seg);
    let frame = cx.meta.number;
    let ts = cx.state.frame_ts;
    // Several PDUs of one segment share the Info text: "Server: A, B".
    let continuing = cx.pkt.layers.last().is_some_and(|l| l.proto.name == "ssh");
    let mut conn = std::mem::take(cx.state.ssh.entry(seg.stream, frame));
    let v2 = conn
        .client_version()
        .is_some_and(|v| banner::parse(v.as_bytes()).is_v2());
    cx.pkt
        .begin_layer(if v2 { &SSHV2 } else { &SSH }, Span::new(off, pdu.len()));
    cx.pkt.set_title(|t| t.push_str(SSH.label));
    let mut pc = PduCx {
        conn: &mut conn,
        side,
        frame,
        ts,
        info: String::new(),
    };
    match pc.conn.sides[side].framing {
        Framing::Banner if packet::starts_like_banner(pdu) => version_line(cx, &mut pc, off, pdu),
        Framing::Banner | Framing::Encrypted => encrypted(cx, &mut pc, off, pdu),
        Framing::Plain => kex::binary_packet(cx, &mut pc, off, pdu),
        Framing::Lost => lost(cx, &mut pc, off, pdu),
    }
    let who = if side == SERVER { "Server" } else { "Client" };
    let info = std::mem::take(&mut pc.info);
    if !continuing {
        cx.pkt.set_info(|s| {
            s.push_str(who);
            s.push_str(": ");
        });
    }
    if !info.is_empty() {
        // Wireshark's col_append_sep_str: a separator only after earlier text.
        let sep = !cx.pkt.summary.info.ends_with(": ");
        cx.pkt
            .append_info(&format!("{}{info}", if sep { ", " } else { "" }));
    }
    cx.pkt
        .add(&DIRECTION, Span::new(off, 0), Value::Bool(side == SERVER));
    note_handshake_latency(cx, &mut conn);
    // The parser states are saved by `dissect_segment` once the segment is done.
    if let Some(c) = cx.state.ssh.get_mut(seg.stream) {
        *c = conn;
    }
    pdu.len()
}

/// The PDU that completed the handshake (the later of the two first NEWKEYS)
/// carries its duration from the first version banner, once per connection.
fn note_handshake_latency(cx: &mut Cx<'_>, conn: &mut SshConnection) {
    use crate::flow::timeline::Direction;
    if conn.handshake_latency_noted {
        return;
    }
    let t = &conn.timeline;
    let (Some(start), Some(a), Some(b)) = (
        t.first("ssh.banner"),
        t.first_in("ssh.newkeys", Direction::ClientToServer),
        t.first_in("ssh.newkeys", Direction::ServerToClient),
    ) else {
        return;
    };
    let value = a.ts.max(b.ts).since(start.ts);
    conn.handshake_latency_noted = true;
    cx.pkt.latencies.push(crate::model::Latency {
        kind: crate::model::LatencyKind::SshHandshake,
        value,
    });
}

/// What the dissection of one PDU works on: the connection taken out of the
/// table, which side sent the PDU, and the Info text being built.
pub struct PduCx<'c> {
    pub conn: &'c mut SshConnection,
    pub side: usize,
    pub frame: u64,
    pub ts: crate::model::Timestamp,
    pub info: String,
}

impl PduCx<'_> {
    pub fn info(&mut self, text: &str) {
        if !self.info.is_empty() {
            self.info.push_str(", ");
        }
        self.info.push_str(text);
    }

    pub fn event(&mut self, kind: &'static str, label: impl Into<Box<str>>) {
        self.conn.event(self.ts, self.frame, self.side, kind, label);
    }
}

/// The protocol version exchange line.
fn version_line(cx: &mut Cx<'_>, pc: &mut PduCx<'_>, off: usize, pdu: &[u8]) {
    let b = banner::parse(pdu);
    let text = banner::display_text(b.line);
    let span = Span::new(off, b.line.len());
    cx.pkt
        .add_with(&PROTOCOL, span, || Value::Str(text.as_str().into()));
    if cx.pkt.tree {
        // Its parts (RFC 4253 4.2), as text: tshark 4.0 has no fields for them.
        let parts = [
            ("Protocol version", Some(b.proto_version)),
            ("Software version", Some(b.software_version)),
            ("Comments", b.comments),
        ];
        cx.pkt.subtree(|p| {
            for (label, v) in parts {
                if let Some(v) = v {
                    let t = format!("{label}: {}", banner::display_text(v));
                    p.add(&BANNER_PART, span, Value::Text(t.into()));
                }
            }
        });
    }
    pc.info(&format!("Protocol ({text})"));
    let side = &mut pc.conn.sides[pc.side];
    side.framing = Framing::Plain;
    if !b.terminated {
        side.framing = Framing::Lost;
        cx.pkt.malformed(
            Span::new(off, pdu.len()),
            format!(
                "SSH version line without end of line ({} bytes; at most {} are allowed)",
                pdu.len(),
                packet::MAX_BANNER_LEN
            ),
        );
    }
    if side.banner.is_none() {
        side.banner = Some(state::bounded(&text, packet::MAX_BANNER_LEN));
        pc.event("ssh.banner", text);
    }
}

/// The algorithms a side sends with, as the title of its SSH Version 2 tree shows them.
pub fn version2_title(alg: &state::DirAlgorithms) -> String {
    let mut t = String::from("SSH Version 2");
    let parts: Vec<String> = [
        alg.enc.as_ref().map(|e| format!("encryption:{e}")),
        alg.mac.as_ref().map(|m| format!("mac:{m}")),
        alg.comp.as_ref().map(|c| format!("compression:{c}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !parts.is_empty() {
        t.push_str(" (");
        t.push_str(&parts.join(" "));
        t.push(')');
    }
    t
}

/// Bytes after the sender's NEWKEYS (or of a connection joined in the middle):
/// shown by direction and length with the algorithms negotiated for them.
fn encrypted(cx: &mut Cx<'_>, pc: &mut PduCx<'_>, off: usize, pdu: &[u8]) {
    let side = &mut pc.conn.sides[pc.side];
    if side.framing == Framing::Banner {
        side.framing = Framing::Encrypted;
    }
    side.encrypted_packets += 1;
    side.encrypted_bytes += pdu.len() as u64;
    let first = side.encrypted_packets == 1;
    let alg = side.algorithms.clone();
    let title = if cx.pkt.tree {
        version2_title(&alg)
    } else {
        String::new()
    };
    cx.pkt.add_tree(
        &VERSION2,
        Span::new(off, pdu.len()),
        Value::Text(title.into()),
        |p| {
            let mut r = kex::Reader::new(off, pdu);
            let length = if pdu.len() > 4 { r.u32() } else { None };
            if let Some((span, plen)) = length {
                let clear = alg
                    .enc
                    .as_deref()
                    .is_some_and(|e| names::length_in_clear(e, alg.mac.as_deref()));
                if clear {
                    p.add(&PACKET_LENGTH, span, Value::Uint(plen.into()));
                } else {
                    p.add(&PACKET_LENGTH_ENCRYPTED, span, Value::SpanBytes);
                }
            }
            let body_at = r.pos() - off;
            p.add(
                &ENCRYPTED_PACKET,
                Span::new(off + body_at, pdu.len() - body_at),
                Value::SpanBytes,
            );
        },
    );
    // tshark 4.0 names the packet in Info only while the cipher is unknown;
    // once negotiated it tries to decrypt and, without keys, adds nothing.
    if !pc.conn.ws_cipher_setup {
        pc.info(&format!("Encrypted packet (len={})", pdu.len()));
    }
    if first {
        let label = match &alg.enc {
            Some(e) => format!("first encrypted packet ({} bytes, {e})", pdu.len()),
            None => format!("first encrypted packet ({} bytes)", pdu.len()),
        };
        pc.event("ssh.encrypted", label);
    }
}

/// Bytes after a framing error: nothing in them can be trusted to be a packet boundary.
fn lost(cx: &mut Cx<'_>, _pc: &mut PduCx<'_>, off: usize, pdu: &[u8]) {
    cx.pkt
        .add(&PAYLOAD, Span::new(off, pdu.len()), Value::SpanBytes);
    cx.pkt.expert(
        Severity::Note,
        Group::Undecoded,
        Span::new(off, pdu.len()),
        format!(
            "{} bytes not dissected: the SSH packet framing was lost earlier in this direction",
            pdu.len()
        ),
    );
}

#[cfg(test)]
mod tests;
