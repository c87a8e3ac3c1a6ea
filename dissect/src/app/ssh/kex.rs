//! Binary packets in the clear (RFC 4253 section 6) and the messages of the
//! key exchange: KEXINIT with every name-list (section 7.1), the method
//! specific messages 30-34 (DH section 8, DH group exchange RFC 4419, ECDH RFC
//! 5656 / RFC 8731, the hybrid KEMs), the server host key and signature, and
//! NEWKEYS. Fields as tshark 4.0 names and orders them.

use nom::bytes::complete::take;
use nom::number::complete::{be_u32, be_u8};
use nom::Parser;

use super::names::{self, KexKind};
use super::state::{
    bounded, DirAlgorithms, Framing, HostKey, Proposal, CLIENT, MAX_KEPT_NAME_LIST, SERVER,
};
use super::*;
use crate::model::{FieldDef, Packet};

type NomErr<'a> = nom::error::Error<&'a [u8]>;

/// A cursor over a message body: each read gives the span (absolute) and the value.
pub struct Reader<'a> {
    buf: &'a [u8],
    at: usize,
    off: usize,
}

impl<'a> Reader<'a> {
    pub fn new(off: usize, buf: &'a [u8]) -> Self {
        Reader { buf, at: 0, off }
    }

    fn rest(&self) -> &'a [u8] {
        self.buf.get(self.at..).unwrap_or(&[])
    }

    /// Absolute offset of the next byte.
    pub fn pos(&self) -> usize {
        self.off + self.at
    }

    pub fn u8(&mut self) -> Option<(Span, u8)> {
        let (_, v) = be_u8::<_, NomErr<'a>>.parse(self.rest()).ok()?;
        let span = Span::new(self.pos(), 1);
        self.at += 1;
        Some((span, v))
    }

    pub fn u32(&mut self) -> Option<(Span, u32)> {
        let (_, v) = be_u32::<_, NomErr<'a>>.parse(self.rest()).ok()?;
        let span = Span::new(self.pos(), 4);
        self.at += 4;
        Some((span, v))
    }

    pub fn bytes(&mut self, n: usize) -> Option<(Span, &'a [u8])> {
        let (_, v) = take::<_, _, NomErr<'a>>(n).parse(self.rest()).ok()?;
        let span = Span::new(self.pos(), n);
        self.at += n;
        Some((span, v))
    }

    pub fn remaining(&self) -> usize {
        self.rest().len()
    }
}

/// A body ran out before a field it announces: flagged once, fields so far kept.
fn cut_short(p: &mut Packet, r: &Reader<'_>, what: &str) {
    p.malformed(
        Span::new(r.pos(), r.remaining()),
        format!("SSH message cut short: {what} runs past the end of the packet"),
    );
}

/// A length-prefixed string: `<len_field>` then `<field>` (as bytes or text).
fn string_field<'a>(
    p: &mut Packet,
    r: &mut Reader<'a>,
    len_field: &'static FieldDef,
    field: &'static FieldDef,
    text: bool,
) -> Option<&'a [u8]> {
    let Some((span, n)) = r.u32() else {
        cut_short(p, r, len_field.label);
        return None;
    };
    p.add(len_field, span, Value::Uint(n.into()));
    let Some((span, v)) = r.bytes(n as usize) else {
        cut_short(p, r, field.label);
        return None;
    };
    if text {
        p.add_with(field, span, || {
            Value::Str(String::from_utf8_lossy(v).into_owned().into())
        });
    } else {
        p.add(field, span, Value::SpanBytes);
    }
    Some(v)
}

/// An mpint as tshark shows it: `ssh.mpint_length` then the value's bytes.
fn mpint<'a>(p: &mut Packet, r: &mut Reader<'a>, field: &'static FieldDef) -> Option<&'a [u8]> {
    string_field(p, r, &MPINT_LENGTH, field, false)
}

/// Wireshark keeps bignums of 1 to 1025 bytes (DH group 18 is 8192 bits); it
/// flags other key lengths in DH messages.
fn dh_key_length_ok(len: u32) -> bool {
    (1..=1025).contains(&len)
}

fn peek_u32(r: &Reader<'_>) -> Option<u32> {
    be_u32::<_, NomErr<'_>>.parse(r.rest()).ok().map(|(_, v)| v)
}

/// One binary packet in the clear, `pdu` being packet_length and its bytes.
pub fn binary_packet(cx: &mut Cx<'_>, pc: &mut PduCx<'_>, off: usize, pdu: &[u8]) {
    let title = if cx.pkt.tree {
        version2_title(&pc.conn.sides[pc.side].algorithms)
    } else {
        String::new()
    };
    cx.pkt.add_tree(
        &VERSION2,
        Span::new(off, pdu.len()),
        Value::Text(title.into()),
        |p| packet_fields(p, pc, off, pdu),
    );
}

fn packet_fields(p: &mut Packet, pc: &mut PduCx<'_>, off: usize, pdu: &[u8]) {
    let mut r = Reader::new(off, pdu);
    let Some((span, plen)) = r.u32() else {
        cut_short(p, &r, "packet_length");
        return;
    };
    p.add(&PACKET_LENGTH, span, Value::Uint(plen.into()));
    if !packet::packet_length_ok(plen) {
        pc.conn.sides[pc.side].framing = Framing::Lost;
        p.subtree(|p| {
            p.expert_field(
                &PACKET_LENGTH_ERROR,
                Severity::Error,
                Group::Malformed,
                span,
                format!(
                    "packet_length {plen} is out of range ({}..={}): the rest of this direction cannot be framed",
                    packet::MIN_PACKET_LEN,
                    packet::MAX_PACKET_LEN
                ),
            )
        });
        if let Some(l) = p.layers.last_mut() {
            l.malformed = true;
        }
        if r.remaining() > 0 {
            p.add(
                &PAYLOAD,
                Span::new(r.pos(), r.remaining()),
                Value::SpanBytes,
            );
        }
        pc.info("Malformed packet");
        return;
    }
    let Some((span, padding)) = r.u8() else {
        cut_short(p, &r, "padding_length");
        return;
    };
    p.add(&PADDING_LENGTH, span, Value::Uint(padding.into()));
    let body_len = (plen as usize).saturating_sub(1 + padding as usize);
    if padding as u32 + 1 > plen {
        p.malformed(
            span,
            format!("padding_length {padding} does not fit in packet_length {plen}"),
        );
    }
    let body = pdu.get(5..5 + body_len).unwrap_or(&[]);
    let kex_title = if p.tree {
        match &pc.conn.kex {
            Some(m) => format!("Key Exchange (method:{m})"),
            None => "Key Exchange".to_owned(),
        }
    } else {
        String::new()
    };
    let seq = p.add_tree(
        &KEY_EXCHANGE,
        Span::new(off + 5, body_len),
        Value::Text(kex_title.into()),
        |p| message(p, pc, off + 5, body),
    );
    if let Some((span, _)) = Reader::new(off + 5 + body_len, pdu.get(5 + body_len..).unwrap_or(&[]))
        .bytes(padding as usize)
    {
        p.add(&PADDING_STRING, span, Value::SpanBytes);
    }
    p.add(
        &SEQ_NUM,
        Span::new(off + pdu.len(), 0),
        Value::Uint(seq.into()),
    );
}

/// The message inside a packet; returns tshark's `ssh.seq_num` for it.
fn message(p: &mut Packet, pc: &mut PduCx<'_>, off: usize, body: &[u8]) -> u32 {
    let mut r = Reader::new(off, body);
    let Some((span, code)) = r.u8() else {
        cut_short(p, &r, "the message code");
        return 0;
    };
    p.add(&MESSAGE_CODE, span, Value::Uint(code.into()));
    let kind = pc
        .conn
        .kex
        .as_deref()
        .map(names::kex_kind)
        .unwrap_or(KexKind::Dh);
    let seq = match code {
        20 => kexinit(p, pc, &mut r),
        21 => newkeys(pc),
        30..=39 => kex_message(p, pc, &mut r, kind, code),
        _ => {
            pc.info(names::msg_name(code).unwrap_or("Unknown"));
            0
        }
    };
    if r.remaining() > 0 {
        p.add(
            &PAYLOAD,
            Span::new(r.pos(), r.remaining()),
            Value::SpanBytes,
        );
    }
    seq
}

/// The name-lists of a KEXINIT, each with its length (RFC 4253 section 7.1).
const NAME_LISTS: [(&FieldDef, &FieldDef); 10] = [
    (&KEX_ALGORITHMS_LENGTH, &KEX_ALGORITHMS),
    (&HOST_KEY_ALGORITHMS_LENGTH, &HOST_KEY_ALGORITHMS),
    (&ENC_C2S_LENGTH, &ENC_C2S),
    (&ENC_S2C_LENGTH, &ENC_S2C),
    (&MAC_C2S_LENGTH, &MAC_C2S),
    (&MAC_S2C_LENGTH, &MAC_S2C),
    (&COMP_C2S_LENGTH, &COMP_C2S),
    (&COMP_S2C_LENGTH, &COMP_S2C),
    (&LANG_C2S_LENGTH, &LANG_C2S),
    (&LANG_S2C_LENGTH, &LANG_S2C),
];

/// SSH_MSG_KEXINIT.
fn kexinit(p: &mut Packet, pc: &mut PduCx<'_>, r: &mut Reader<'_>) -> u32 {
    pc.info("Key Exchange Init");
    let side = &mut pc.conn.sides[pc.side];
    if side.seq_kexinit == 0 {
        side.seq_kexinit = side.sequence_number;
        side.sequence_number += 1;
    }
    let seq = side.seq_kexinit;
    let start = r.pos();
    let lists = p.add_tree(
        &ALGORITHMS,
        Span::new(start, r.remaining()),
        Value::Text("Algorithms".into()),
        |p| algorithms(p, r),
    );
    let Some(lists) = lists else {
        return seq;
    };
    let text = |i: usize| bounded(&String::from_utf8_lossy(lists[i]), MAX_KEPT_NAME_LIST);
    let proposal = Proposal {
        kex: text(0),
        host_key: text(1),
        enc: [text(2), text(3)],
        mac: [text(4), text(5)],
        comp: [text(6), text(7)],
    };
    let d = if pc.side == CLIENT { 0 } else { 1 };
    let algos = names::hassh_algorithms(
        &proposal.kex,
        &proposal.enc[d],
        &proposal.mac[d],
        &proposal.comp[d],
    );
    let hash = names::hassh(&algos);
    let (f_algos, f_hash) = if pc.side == CLIENT {
        (&HASSH_ALGORITHMS, &HASSH)
    } else {
        (&HASSHSERVER_ALGORITHMS, &HASSHSERVER)
    };
    p.subtree(|p| {
        let at = Span::new(r.pos(), 0);
        p.add_with(f_algos, at, || Value::Str(algos.as_str().into()));
        p.add_with(f_hash, at, || Value::Str(hash.as_str().into()));
    });
    let label = format!(
        "KEXINIT ({} {hash})",
        if pc.side == CLIENT {
            "hassh"
        } else {
            "hasshServer"
        }
    );
    let side = &mut pc.conn.sides[pc.side];
    if side.proposal.is_none() {
        side.hassh = Some((algos, hash));
    }
    side.proposal = Some(proposal);
    pc.event("ssh.kexinit", label);
    negotiate_kex(pc.conn);
    seq
}

/// The KEXINIT body under "Algorithms"; returns the ten name-lists when all were read.
fn algorithms<'a>(p: &mut Packet, r: &mut Reader<'a>) -> Option<[&'a [u8]; 10]> {
    let Some((span, _)) = r.bytes(16) else {
        cut_short(p, r, "the cookie");
        return None;
    };
    p.add(&COOKIE, span, Value::SpanBytes);
    let mut lists: [&[u8]; 10] = [&[]; 10];
    for (i, (len_f, f)) in NAME_LISTS.iter().enumerate() {
        lists[i] = string_field(p, r, len_f, f, true)?;
    }
    let Some((span, follows)) = r.u8() else {
        cut_short(p, r, "first_kex_packet_follows");
        return None;
    };
    p.add(&FIRST_KEX_PACKET_FOLLOWS, span, Value::Uint(follows.into()));
    let Some((span, _)) = r.bytes(4) else {
        cut_short(p, r, "the reserved field");
        return None;
    };
    p.add(&KEX_RESERVED, span, Value::SpanBytes);
    Some(lists)
}

/// Both KEXINITs known: the method and host key algorithm are chosen (RFC 4253 7.1).
fn negotiate_kex(conn: &mut SshConnection) {
    if conn.kex.is_some() {
        return;
    }
    let (Some(c), Some(s)) = (&conn.sides[CLIENT].proposal, &conn.sides[SERVER].proposal) else {
        return;
    };
    conn.kex = names::choose(&c.kex, &s.kex);
    conn.host_key_algorithm = names::choose(&c.host_key, &s.host_key);
}

/// The encryption, MAC and compression of each direction, chosen once the
/// server's key exchange reply is seen (as Wireshark does), and used from each
/// side's NEWKEYS on.
fn negotiate_directions(conn: &mut SshConnection) {
    let (Some(c), Some(s)) = (&conn.sides[CLIENT].proposal, &conn.sides[SERVER].proposal) else {
        return;
    };
    let mut chosen = [DirAlgorithms::default(), DirAlgorithms::default()];
    for (d, alg) in chosen.iter_mut().enumerate() {
        alg.enc = names::choose(&c.enc[d], &s.enc[d]);
        alg.mac = match &alg.enc {
            Some(e) if names::is_aead(e) => None,
            _ => names::choose(&c.mac[d], &s.mac[d]),
        };
        alg.comp = names::choose(&c.comp[d], &s.comp[d]);
    }
    let [c2s, s2c] = chosen;
    conn.sides[CLIENT].algorithms = c2s;
    conn.sides[SERVER].algorithms = s2c;
}

/// SSH_MSG_NEWKEYS: the sender's next packets are encrypted.
fn newkeys(pc: &mut PduCx<'_>) -> u32 {
    pc.info("New Keys");
    let frame = pc.frame;
    let side = &mut pc.conn.sides[pc.side];
    side.framing = Framing::Encrypted;
    if side.newkeys_frame.is_none() {
        side.newkeys_frame = Some(frame);
        if side.seq_newkeys == 0 {
            side.seq_newkeys = side.sequence_number;
            side.sequence_number += 1;
        }
    }
    let seq = side.seq_newkeys;
    let alg = &side.algorithms;
    let label = match (&alg.enc, &alg.mac, &alg.comp) {
        (Some(e), Some(m), Some(c)) => format!("NEWKEYS ({e}, {m}, compression {c})"),
        (Some(e), None, Some(c)) => format!("NEWKEYS ({e}, compression {c})"),
        _ => "NEWKEYS".to_owned(),
    };
    pc.event("ssh.newkeys", label);
    seq
}

/// Slots of tshark's per-message sequence bookkeeping.
const SEQ_INIT: usize = 0;
const SEQ_REPLY: usize = 1;
const SEQ_GEX_REQUEST: usize = 2;
const SEQ_GEX_GROUP: usize = 3;
const SEQ_GEX_INIT: usize = 4;

/// tshark's `ssh.seq_num` for a key exchange message: the counter of the side
/// that sends the message, taken before (`post`) or after (pre) counting it,
/// as Wireshark 4.0 does per message type. The slot keeps the first value.
fn kex_seq(pc: &mut PduCx<'_>, owner: usize, slot: usize, post: bool) -> u32 {
    let s = &mut pc.conn.sides[owner];
    let slot = slot.min(s.seq_kex.len() - 1);
    if s.seq_kex[slot] == 0 {
        if post {
            s.seq_kex[slot] = s.sequence_number;
            s.sequence_number += 1;
        } else {
            s.sequence_number += 1;
            s.seq_kex[slot] = s.sequence_number;
        }
    }
    s.seq_kex[slot]
}

/// Messages 30-39, whose meaning depends on the negotiated method.
fn kex_message(
    p: &mut Packet,
    pc: &mut PduCx<'_>,
    r: &mut Reader<'_>,
    kind: KexKind,
    code: u8,
) -> u32 {
    let name = names::kex_msg_name(kind, code);
    pc.info(name.unwrap_or("Unknown"));
    let method = pc.conn.kex.clone().unwrap_or_default();
    match (kind, code) {
        (KexKind::Ecdh, 30) => {
            let seq = kex_seq(pc, CLIENT, SEQ_INIT, true);
            let key = string_field(p, r, &ECDH_Q_C_LENGTH, &ECDH_Q_C, false);
            pc.event(
                "ssh.kex_init",
                format!(
                    "ECDH init ({method}, {} byte key)",
                    key.map_or(0, <[u8]>::len)
                ),
            );
            seq
        }
        (KexKind::Ecdh, 31) => {
            let seq = kex_seq(pc, SERVER, SEQ_REPLY, true);
            reply(p, pc, r, &ECDH_Q_S_LENGTH, &ECDH_Q_S, &method, "ECDH");
            seq
        }
        (KexKind::Dh | KexKind::Hybrid, 30) => {
            dh_public(p, r, &DH_E, kind, &method, true);
            let seq = kex_seq(pc, CLIENT, SEQ_INIT, false);
            let what = if kind == KexKind::Hybrid {
                "hybrid KEM init"
            } else {
                "DH init"
            };
            pc.event("ssh.kex_init", format!("{what} ({method})"));
            seq
        }
        (KexKind::Dh | KexKind::Hybrid, 31) => {
            let seq = kex_seq(pc, SERVER, SEQ_REPLY, false);
            let what = if kind == KexKind::Hybrid {
                "hybrid KEM"
            } else {
                "DH"
            };
            reply(p, pc, r, &MPINT_LENGTH, &DH_F, &method, what);
            seq
        }
        (KexKind::Gex, 30) => {
            if let Some((span, n)) = r.u32() {
                p.add(&DH_GEX_NBITS, span, Value::Uint(n.into()));
            } else {
                cut_short(p, r, "nbits");
            }
            0
        }
        (KexKind::Gex, 34) => {
            for f in [&DH_GEX_MIN, &DH_GEX_NBITS, &DH_GEX_MAX] {
                let Some((span, n)) = r.u32() else {
                    cut_short(p, r, f.label);
                    break;
                };
                p.add(f, span, Value::Uint(n.into()));
            }
            pc.event(
                "ssh.gex_request",
                format!("DH group exchange request ({method})"),
            );
            kex_seq(pc, CLIENT, SEQ_GEX_REQUEST, false)
        }
        (KexKind::Gex, 31) => {
            let p_len = mpint(p, r, &DH_GEX_P).map_or(0, <[u8]>::len);
            mpint(p, r, &DH_GEX_G);
            pc.event(
                "ssh.gex_group",
                format!("DH group ({} bit modulus)", p_len.saturating_sub(1) * 8),
            );
            kex_seq(pc, SERVER, SEQ_GEX_GROUP, false)
        }
        (KexKind::Gex, 32) => {
            dh_public(p, r, &DH_E, kind, &method, true);
            pc.event("ssh.kex_init", format!("DH group exchange init ({method})"));
            kex_seq(pc, CLIENT, SEQ_GEX_INIT, false)
        }
        (KexKind::Gex, 33) => {
            let seq = kex_seq(pc, SERVER, SEQ_REPLY, false);
            reply(p, pc, r, &MPINT_LENGTH, &DH_F, &method, "DH group exchange");
            seq
        }
        _ => 0,
    }
}

/// A DH-style public value (an mpint-framed string); Wireshark's key length
/// check flags classic DH values it cannot hold, but not the hybrids' KEM
/// keys, which are long by design. Their two parts are named.
fn dh_public(
    p: &mut Packet,
    r: &mut Reader<'_>,
    field: &'static FieldDef,
    kind: KexKind,
    method: &str,
    client: bool,
) {
    let announced = peek_u32(r);
    if let Some(n) = announced {
        if kind != KexKind::Hybrid && !dh_key_length_ok(n) {
            p.expert_field(
                &KEY_LENGTH_ERROR,
                Severity::Error,
                Group::Malformed,
                Span::new(r.pos(), 4),
                format!("Invalid key length: {n}"),
            );
        }
    }
    let at = r.pos() + 4;
    let Some(v) = mpint(p, r, field) else {
        return;
    };
    if let Some((kem, c_len, s_len)) = names::hybrid_kem_len(method) {
        let kem_len = if client { c_len } else { s_len };
        if p.tree && v.len() == kem_len + 32 {
            let part = if client { "public key" } else { "ciphertext" };
            p.add(
                &KEM_PART,
                Span::new(at, kem_len),
                Value::Text(format!("{kem} {part} ({kem_len} bytes)").into()),
            );
            p.add(
                &KEM_PART,
                Span::new(at + kem_len, 32),
                Value::Text("X25519 public key (32 bytes)".into()),
            );
        } else if v.len() != kem_len + 32 {
            p.expert(
                Severity::Warn,
                Group::Protocol,
                Span::new(at, v.len()),
                format!(
                    "{method}: expected {} bytes ({kem} {kem_len} + X25519 32), found {}",
                    kem_len + 32,
                    v.len()
                ),
            );
        }
    }
}

/// A key exchange reply: host key, the server's public value, signature.
/// Negotiates the directions' algorithms, as Wireshark does at this point.
fn reply(
    p: &mut Packet,
    pc: &mut PduCx<'_>,
    r: &mut Reader<'_>,
    len_f: &'static FieldDef,
    f: &'static FieldDef,
    method: &str,
    what: &str,
) {
    let key = host_key(p, r);
    if len_f == &MPINT_LENGTH {
        let kind = names::kex_kind(method);
        dh_public(p, r, f, kind, method, false);
    } else {
        string_field(p, r, len_f, f, false);
    }
    if r.remaining() > 0 {
        host_signature(p, r);
    }
    negotiate_directions(pc.conn);
    pc.conn.ws_cipher_setup |= names::kex_kind(method) != KexKind::Gex;
    let label = match &key {
        Some(k) => format!(
            "{what} reply ({method}, host key {} {})",
            k.key_type, k.fingerprint
        ),
        None => format!("{what} reply ({method})"),
    };
    if pc.conn.host_key.is_none() {
        pc.conn.host_key = key;
    }
    pc.event("ssh.kex_reply", label);
}

/// The server's public host key (RFC 4253 section 6.6) with its fingerprint.
fn host_key(p: &mut Packet, r: &mut Reader<'_>) -> Option<HostKey> {
    let start = r.pos();
    let Some((len_span, key_len)) = r.u32() else {
        cut_short(p, r, "the host key");
        return None;
    };
    let Some((blob_span, blob)) = r.bytes(key_len as usize) else {
        p.add(&HOST_KEY_LENGTH, len_span, Value::Uint(key_len.into()));
        cut_short(p, r, "the host key");
        return None;
    };
    let mut k = Reader::new(blob_span.start as usize, blob);
    let key_type = k
        .u32()
        .and_then(|(_, n)| k.bytes(n as usize))
        .map(|(_, t)| String::from_utf8_lossy(t).into_owned())
        .unwrap_or_default();
    let fingerprint = names::fingerprint_sha256(blob);
    let title = if p.tree {
        format!("KEX host key (type: {key_type})")
    } else {
        String::new()
    };
    p.add_tree(
        &HOST_KEY,
        Span::new(start, 4 + blob.len()),
        Value::Text(title.into()),
        |p| {
            p.add(&HOST_KEY_LENGTH, len_span, Value::Uint(key_len.into()));
            let mut k = Reader::new(blob_span.start as usize, blob);
            if string_field(p, &mut k, &HOST_KEY_TYPE_LENGTH, &HOST_KEY_TYPE, true).is_none() {
                return;
            }
            match key_type.as_str() {
                "ssh-rsa" => {
                    let _ = mpint(p, &mut k, &HOST_KEY_RSA_E)
                        .and_then(|_| mpint(p, &mut k, &HOST_KEY_RSA_N));
                }
                "ssh-dss" => {
                    for f in [
                        &HOST_KEY_DSA_P,
                        &HOST_KEY_DSA_Q,
                        &HOST_KEY_DSA_G,
                        &HOST_KEY_DSA_Y,
                    ] {
                        if mpint(p, &mut k, f).is_none() {
                            break;
                        }
                    }
                }
                t if t.starts_with("ecdsa-sha2-") => {
                    let _ = string_field(
                        p,
                        &mut k,
                        &HOST_KEY_ECDSA_CURVE_ID_LENGTH,
                        &HOST_KEY_ECDSA_CURVE_ID,
                        true,
                    )
                    .and_then(|_| {
                        string_field(
                            p,
                            &mut k,
                            &HOST_KEY_ECDSA_Q_LENGTH,
                            &HOST_KEY_ECDSA_Q,
                            false,
                        )
                    });
                }
                t if t.starts_with("ssh-ed") => {
                    string_field(
                        p,
                        &mut k,
                        &HOST_KEY_EDDSA_KEY_LENGTH,
                        &HOST_KEY_EDDSA_KEY,
                        false,
                    );
                }
                _ => {
                    if k.remaining() > 0 {
                        p.add(
                            &HOST_KEY_DATA,
                            Span::new(k.pos(), k.remaining()),
                            Value::SpanBytes,
                        );
                    }
                }
            }
            p.add_with(&HOST_KEY_FINGERPRINT, blob_span, || {
                Value::Str(fingerprint.as_str().into())
            });
        },
    );
    Some(HostKey {
        key_type,
        fingerprint,
    })
}

/// The signature of the exchange hash: type, then the signature blob
/// (an mpint for ssh-rsa and ssh-dss as Wireshark shows them).
fn host_signature(p: &mut Packet, r: &mut Reader<'_>) {
    let start = r.pos();
    let Some((len_span, sig_len)) = r.u32() else {
        cut_short(p, r, "the host signature");
        return;
    };
    let Some((blob_span, blob)) = r.bytes(sig_len as usize) else {
        p.add(&HOST_SIG_LENGTH, len_span, Value::Uint(sig_len.into()));
        cut_short(p, r, "the host signature");
        return;
    };
    let mut s = Reader::new(blob_span.start as usize, blob);
    let sig_type = s
        .u32()
        .and_then(|(_, n)| s.bytes(n as usize))
        .map(|(_, t)| String::from_utf8_lossy(t).into_owned())
        .unwrap_or_default();
    let title = if p.tree {
        format!("KEX host signature (type: {sig_type})")
    } else {
        String::new()
    };
    p.add_tree(
        &HOST_SIG,
        Span::new(start, 4 + blob.len()),
        Value::Text(title.into()),
        |p| {
            p.add(&HOST_SIG_LENGTH, len_span, Value::Uint(sig_len.into()));
            let mut s = Reader::new(blob_span.start as usize, blob);
            if string_field(p, &mut s, &HOST_SIG_TYPE_LENGTH, &HOST_SIG_TYPE, true).is_none() {
                return;
            }
            match sig_type.as_str() {
                "ssh-rsa" => {
                    mpint(p, &mut s, &HOST_SIG_RSA);
                }
                "ssh-dss" => {
                    mpint(p, &mut s, &HOST_SIG_DSA);
                }
                _ => {
                    if s.remaining() > 0 {
                        p.add(
                            &HOST_SIG_DATA,
                            Span::new(s.pos(), s.remaining()),
                            Value::SpanBytes,
                        );
                    }
                }
            }
        },
    );
}
