//! SSH tests on real frames from the shared corpus (see `corpus_frames`), the
//! handshake timeline of each session, and hand-made streams: malformed ones,
//! and key exchanges no BSD/MIT-licensed corpus capture negotiates (the
//! sntrup761x25519 capture comes from a GPL-2.0 project: its bytes are not
//! copied here; `tests/tests/ssh.rs` reads it from the shared corpus).

use super::*;
use crate::link::LinkType;
use crate::model::{Packet, Timestamp};
use crate::testutil::TcpEnd;
use crate::testutil::{chain, has_expert, values};
use crate::{Dissector, FrameMeta, Prefs};
use corpus_frames::*;

#[path = "corpus_frames.rs"]
mod corpus_frames;

/// A capture dissected frame by frame, keeping the dissector for its state.
struct Run {
    d: Dissector,
    pkts: Vec<Packet>,
    data: Vec<Vec<u8>>,
}

impl Run {
    fn new() -> Self {
        let prefs = Prefs {
            ip_check_checksum: false,
            tcp_check_checksum: false,
            udp_check_checksum: false,
            ..Prefs::default()
        };
        Run {
            d: Dissector::new(prefs),
            pkts: Vec::new(),
            data: Vec::new(),
        }
    }

    fn frame(&mut self, ts: Timestamp, bytes: Vec<u8>) -> &Packet {
        let n = self.pkts.len() as u64 + 1;
        let meta = FrameMeta::new(n, ts, bytes.len() as u32, LinkType::ETHERNET);
        let mut pkt = Packet::new(true);
        self.d.dissect(&meta, &bytes, &mut pkt);
        self.pkts.push(pkt);
        self.data.push(bytes);
        self.pkts.last().expect("just pushed")
    }

    fn corpus(frames: CorpusFrames) -> Self {
        let mut r = Run::new();
        for rec in frames.records() {
            r.frame(rec.ts, rec.bytes);
        }
        r
    }

    /// Values of a field in frame `n` (1-based).
    fn v(&self, n: usize, name: &str) -> Vec<String> {
        values(&self.pkts[n - 1], name, &self.data[n - 1])
    }

    fn one(&self, n: usize, name: &str) -> String {
        let all = self.v(n, name);
        assert_eq!(all.len(), 1, "frame {n} {name}: {all:?}");
        all[0].clone()
    }

    fn info(&self, n: usize) -> &str {
        &self.pkts[n - 1].summary.info
    }

    fn conn(&self) -> &state::SshConnection {
        self.d
            .state()
            .ssh
            .get(0)
            .expect("the SSH connection of tcp.stream 0")
    }

    /// The timeline as `(frame, dir, kind)`.
    fn timeline(&self) -> Vec<(u64, &'static str, &'static str)> {
        self.conn()
            .timeline
            .events()
            .iter()
            .map(|e| (e.frame, e.dir.as_str(), e.kind))
            .collect()
    }
}

#[test]
fn curve25519_session_field_by_field() {
    let r = Run::corpus(KEX_CURVE25519);
    // Frame 4: the client's version line.
    assert_eq!(r.one(4, "ssh.protocol"), "SSH-2.0-OpenSSH_7.4");
    assert_eq!(r.one(4, "ssh.direction"), "0");
    assert_eq!(r.info(4), "Client: Protocol (SSH-2.0-OpenSSH_7.4)");
    assert_eq!(r.pkts[3].summary.protocol, "SSH");
    assert_eq!(chain(&r.pkts[3]), "eth:ethertype:ip:tcp:ssh");
    assert_eq!(r.pkts[5].summary.protocol, "SSHv2");
    assert_eq!(r.one(6, "ssh.direction"), "1");
    // Frame 8: the client's KEXINIT, every name-list and its HASSH.
    assert_eq!(r.one(8, "ssh.packet_length"), "1428");
    assert_eq!(r.one(8, "ssh.padding_length"), "11");
    assert_eq!(r.one(8, "ssh.message_code"), "20");
    assert_eq!(
        r.one(8, "ssh.cookie"),
        "3e:57:d3:f3:60:f5:b8:a5:3b:61:86:f3:6f:b2:0e:02"
    );
    assert_eq!(r.one(8, "ssh.kex_algorithms_length"), "304");
    assert!(r
        .one(8, "ssh.kex_algorithms")
        .starts_with("curve25519-sha256,curve25519-sha256@libssh.org,"));
    assert_eq!(
        r.one(8, "ssh.compression_algorithms_client_to_server"),
        "none,zlib@openssh.com,zlib"
    );
    assert_eq!(r.one(8, "ssh.languages_server_to_client"), "");
    assert_eq!(r.one(8, "ssh.first_kex_packet_follows"), "0");
    assert_eq!(r.one(8, "ssh.kex.reserved"), "00:00:00:00");
    assert_eq!(
        r.one(8, "ssh.kex.hassh"),
        "0df0d56bb50c6b2426d8d40234bf1826"
    );
    assert_eq!(r.one(8, "ssh.seq_num"), "0");
    assert_eq!(r.info(8), "Client: Key Exchange Init");
    assert_eq!(
        r.one(9, "ssh.kex.hasshserver"),
        "a95c22bf8e9b19ed0a5dc74bb2f9c613"
    );
    // Frame 12: ECDH init.
    assert_eq!(r.one(12, "ssh.message_code"), "30");
    assert_eq!(r.one(12, "ssh.ecdh.q_c_length"), "32");
    assert_eq!(r.one(12, "ssh.seq_num"), "1");
    assert_eq!(
        r.info(12),
        "Client: Elliptic Curve Diffie-Hellman Key Exchange Init"
    );
    // Frame 14: reply, NEWKEYS and the first encrypted bytes in one segment.
    assert_eq!(r.v(14, "ssh.message_code"), ["31", "21"]);
    assert_eq!(r.v(14, "ssh.seq_num"), ["1", "2"]);
    assert_eq!(
        r.one(14, "ssh.host_key.type"),
        "ssh-ed25519-cert-v01@openssh.com"
    );
    assert_eq!(r.one(14, "ssh.host_key.length"), "364");
    assert_eq!(r.one(14, "ssh.ecdh.q_s_length"), "32");
    assert_eq!(r.one(14, "ssh.host_sig.type"), "ssh-ed25519");
    assert_eq!(r.v(14, "ssh.encrypted_packet").len(), 1);
    assert_eq!(
        r.info(14),
        "Server: Elliptic Curve Diffie-Hellman Key Exchange Reply, New Keys"
    );
    // Frame 18: encrypted; chacha20-poly1305 hides the length.
    assert_eq!(r.v(18, "ssh.packet_length_encrypted").len(), 1);
    assert_eq!(r.v(18, "ssh.encrypted_packet")[0].split(':').count(), 40);
    assert_eq!(r.info(18), "Client: ");
    let c = r.conn();
    assert_eq!(c.kex.as_deref(), Some("curve25519-sha256"));
    assert_eq!(
        c.sides[CLIENT].algorithms.enc.as_deref(),
        Some("chacha20-poly1305@openssh.com")
    );
    assert_eq!(c.sides[CLIENT].algorithms.mac, None);
    assert_eq!(c.sides[SERVER].algorithms.comp.as_deref(), Some("none"));
}

#[test]
fn group_exchange_session() {
    let r = Run::corpus(DH_GEX);
    assert_eq!(r.one(4, "ssh.protocol"), "SSH-1.99-OpenSSH_3.9p1");
    assert_eq!(r.info(12), "Client: Diffie-Hellman Group Exchange Request");
    assert_eq!(r.one(12, "ssh.dh_gex.min"), "1024");
    assert_eq!(r.one(12, "ssh.dh_gex.nbits"), "1024");
    assert_eq!(r.one(12, "ssh.dh_gex.max"), "8192");
    assert_eq!(r.one(12, "ssh.seq_num"), "2");
    assert_eq!(r.v(14, "ssh.mpint_length"), ["129", "1"]);
    assert_eq!(r.one(14, "ssh.dh_gex.g"), "02");
    assert_eq!(r.one(16, "ssh.mpint_length"), "128");
    assert_eq!(r.one(16, "ssh.seq_num"), "3");
    // Frame 17: reply with an ssh-rsa key and signature, then NEWKEYS.
    assert_eq!(r.one(17, "ssh.host_key.rsa.e"), "23");
    assert_eq!(r.one(17, "ssh.host_sig.type"), "ssh-rsa");
    assert_eq!(r.v(17, "ssh.seq_num"), ["3", "3"]);
    assert!(r.pkts[16].experts.is_empty(), "{:?}", r.pkts[16].experts);
    // Frame 21: aes128-cbc, the whole segment after the 4 length bytes.
    assert_eq!(r.one(21, "ssh.packet_length_encrypted"), "6b:a6:4b:64");
    assert_eq!(r.v(21, "ssh.encrypted_packet")[0].split(':').count(), 44);
    assert_eq!(r.info(21), "Client: Encrypted packet (len=48)");
    let c = r.conn();
    assert_eq!(c.sides[CLIENT].algorithms.mac.as_deref(), Some("hmac-md5"));
    assert_eq!(
        c.host_key.as_ref().map(|k| k.key_type.as_str()),
        Some("ssh-rsa")
    );
}

#[test]
fn timelines_of_the_corpus_sessions() {
    let r = Run::corpus(KEX_CURVE25519);
    assert_eq!(
        r.timeline(),
        [
            (4, "c2s", "ssh.banner"),
            (6, "s2c", "ssh.banner"),
            (8, "c2s", "ssh.kexinit"),
            (9, "s2c", "ssh.kexinit"),
            (12, "c2s", "ssh.kex_init"),
            (14, "s2c", "ssh.kex_reply"),
            (14, "s2c", "ssh.newkeys"),
            (14, "s2c", "ssh.encrypted"),
            (16, "c2s", "ssh.newkeys"),
            (18, "c2s", "ssh.encrypted"),
        ]
    );
    let t = &r.conn().timeline;
    assert!(t.between("ssh.banner", "ssh.encrypted").is_some());
    assert!(t
        .first("ssh.newkeys")
        .is_some_and(|e| e.label.contains("chacha20-poly1305")));
    // Every corpus session's whole timeline: tests/tests/ssh.rs
    // (`every_session_has_its_handshake_timeline`).
}

#[test]
fn the_fast_path_keeps_state_and_info() {
    let mut d = Dissector::new(Prefs::default());
    let mut last = Packet::new(false);
    for (i, rec) in KEX_CURVE25519.records().into_iter().enumerate() {
        let bytes = rec.bytes;
        let meta = FrameMeta::new(i as u64 + 1, rec.ts, bytes.len() as u32, LinkType::ETHERNET);
        last = Packet::new(false);
        d.dissect(&meta, &bytes, &mut last);
        assert!(last.fields.is_empty());
    }
    assert_eq!(last.summary.protocol, "SSHv2");
    let c = d.state().ssh.get(0).expect("ssh state");
    assert_eq!(c.kex.as_deref(), Some("curve25519-sha256"));
    assert_eq!(c.timeline.events().len(), 10);
}

// ---- hand-made streams ----------------------------------------------------

/// A segment between a client on port 50000 and a server on `port`;
/// checksums are not checked in these tests.
fn tcp_frame(client: bool, seq: u32, flags: u8, payload: &[u8], port: u16) -> Vec<u8> {
    let c = TcpEnd {
        ip: [10, 0, 0, 1],
        port: 50000,
    };
    let s = TcpEnd {
        ip: [10, 0, 0, 2],
        port,
    };
    let (src, dst) = if client { (c, s) } else { (s, c) };
    crate::testutil::tcp_frame(src, dst, seq, flags, payload)
}

const PSH_ACK: u8 = 0x18;
const FIN_PSH_ACK: u8 = 0x19;

/// A connection fed segment by segment, each direction's sequence numbers kept.
struct Conn {
    run: Run,
    seq: [u32; 2],
    port: u16,
}

impl Conn {
    fn new() -> Self {
        Conn {
            run: Run::new(),
            seq: [1000, 9000],
            port: PORT,
        }
    }

    fn send(&mut self, client: bool, flags: u8, payload: &[u8]) -> &Packet {
        let i = if client { 0 } else { 1 };
        let f = tcp_frame(client, self.seq[i], flags, payload, self.port);
        self.seq[i] = self.seq[i].wrapping_add(payload.len() as u32);
        let n = self.run.pkts.len() as i64;
        self.run.frame(Timestamp::new(1_700_000_000 + n, 0), f)
    }

    fn last(&self) -> (&Packet, &[u8]) {
        (
            self.run.pkts.last().expect("a packet"),
            self.run.data.last().expect("a frame"),
        )
    }
}

/// A binary packet with `payload` and 4 bytes of padding.
fn packet(payload: &[u8]) -> Vec<u8> {
    let mut p = ((payload.len() + 5) as u32).to_be_bytes().to_vec();
    p.push(4);
    p.extend_from_slice(payload);
    p.extend_from_slice(&[0; 4]);
    p
}

fn ssh_layer_malformed(p: &Packet) -> bool {
    p.layers
        .iter()
        .any(|l| l.proto.name == "ssh" && l.malformed)
}

#[test]
fn packet_lengths_out_of_range_are_flagged_and_lose_the_framing() {
    for plen in [0u32, 1, packet::MAX_PACKET_LEN + 1, u32::MAX] {
        let mut c = Conn::new();
        c.send(true, PSH_ACK, b"SSH-2.0-test\r\n");
        let mut bad = plen.to_be_bytes().to_vec();
        bad.extend_from_slice(&[4, 20, 1, 2, 3, 4, 5, 6, 7, 8]);
        c.send(true, PSH_ACK, &bad);
        let (p, d) = c.last();
        assert_eq!(
            values(p, "ssh.packet_length", d),
            [plen.to_string()],
            "{plen}"
        );
        assert_eq!(values(p, "ssh.packet_length.error", d).len(), 1, "{plen}");
        assert!(has_expert(p, "out of range"), "{plen}: {:?}", p.experts);
        assert!(ssh_layer_malformed(p));
        // Later bytes of the direction are not taken for packets.
        c.send(true, PSH_ACK, &packet(&[21]));
        let (p, d) = c.last();
        assert!(values(p, "ssh.message_code", d).is_empty());
        assert!(has_expert(p, "framing was lost"));
        assert_eq!(c.run.conn().sides[CLIENT].parser, Framing::Lost);
    }
}

#[test]
fn a_version_line_without_end_of_line() {
    // Longer than the 255 bytes allowed: cut there and flagged.
    let mut c = Conn::new();
    let mut long = b"SSH-2.0-".to_vec();
    long.extend_from_slice(&[b'x'; 600]);
    c.send(true, PSH_ACK, &long);
    let (p, d) = c.last();
    assert_eq!(
        values(p, "ssh.protocol", d)[0].len(),
        packet::MAX_BANNER_LEN
    );
    assert!(has_expert(p, "without end of line"));
    assert!(ssh_layer_malformed(p));
    // Short, and the connection closes: complete at the FIN, flagged.
    let mut c = Conn::new();
    c.send(true, PSH_ACK, b"SSH-2.0-abc");
    assert!(values(c.last().0, "ssh.protocol", c.last().1).is_empty());
    c.send(true, FIN_PSH_ACK, b"def");
    let (p, d) = c.last();
    assert_eq!(values(p, "ssh.protocol", d), ["SSH-2.0-abcdef"]);
    assert!(has_expert(p, "without end of line"));
    // Never ending without a FIN: nothing is held past the limit.
    let mut c = Conn::new();
    c.send(true, PSH_ACK, b"SSH-2.0-");
    for _ in 0..10 {
        c.send(true, PSH_ACK, &[b'y'; 100]);
    }
    assert!(c
        .run
        .pkts
        .iter()
        .any(|p| has_expert(p, "without end of line")));
    assert_eq!(c.run.conn().sides[CLIENT].parser, Framing::Lost);
}

#[test]
fn a_kexinit_cut_at_every_field_keeps_what_was_decoded() {
    // The client KEXINIT of ssh_kex_curve25519.pcap frame 8, cut inside its
    // body at each field boundary but framed with a consistent packet_length.
    let frame8 = KEX_CURVE25519.records()[7].bytes.clone();
    let full = &frame8[14 + 20 + 32..];
    let plen = u32::from_be_bytes([full[0], full[1], full[2], full[3]]) as usize;
    let padding = full[4] as usize;
    let body = &full[5..4 + plen - padding];
    // Boundaries: after the code, the cookie, then each length and list.
    let mut cuts = vec![1, 17];
    let mut at = 17;
    for _ in 0..10 {
        let n = u32::from_be_bytes([body[at], body[at + 1], body[at + 2], body[at + 3]]) as usize;
        cuts.push(at + 4);
        at += 4 + n;
        cuts.push(at);
    }
    cuts.push(at + 1);
    for cut in cuts {
        let mut c = Conn::new();
        c.send(true, PSH_ACK, b"SSH-2.0-test\r\n");
        c.send(true, PSH_ACK, &packet(&body[..cut]));
        let (p, d) = c.last();
        assert_eq!(values(p, "ssh.message_code", d), ["20"], "cut {cut}");
        if cut >= 17 {
            assert_eq!(values(p, "ssh.cookie", d).len(), 1, "cut {cut}");
        }
        assert!(has_expert(p, "cut short"), "cut {cut}: {:?}", p.experts);
        assert!(values(p, "ssh.kex.hassh", d).is_empty());
    }
}

#[test]
fn padding_longer_than_the_packet_is_flagged() {
    let mut c = Conn::new();
    c.send(true, PSH_ACK, b"SSH-2.0-test\r\n");
    c.send(true, PSH_ACK, &[0, 0, 0, 8, 200, 21, 0, 0, 0, 0, 0, 0]);
    let (p, d) = c.last();
    assert_eq!(values(p, "ssh.padding_length", d), ["200"]);
    assert!(has_expert(p, "does not fit"));
}

#[test]
fn a_packet_split_over_segments_is_dissected_where_it_completes() {
    let mut c = Conn::new();
    c.send(false, PSH_ACK, b"SSH-2.0-srv\r\n");
    let ignore = packet(&[2, 0, 0, 0, 3, b'a', b'b', b'c']);
    c.send(false, PSH_ACK, &ignore[..3]);
    assert!(values(c.last().0, "ssh.packet_length", c.last().1).is_empty());
    // The first segment names SSH in the chain but keeps TCP's columns.
    assert!(chain(c.last().0).ends_with(":ssh"));
    c.send(false, PSH_ACK, &ignore[3..]);
    let (p, d) = c.last();
    assert_eq!(values(p, "ssh.message_code", d), ["2"]);
    assert_eq!(p.summary.info, "Server: Ignore");
    assert_eq!(values(p, "ssh.direction", d), ["1"]);
}

#[test]
fn a_connection_joined_mid_stream_is_shown_as_encrypted() {
    let mut c = Conn::new();
    c.send(true, PSH_ACK, &[0x9c, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66]);
    let (p, d) = c.last();
    assert_eq!(values(p, "ssh.packet_length_encrypted", d), ["9c:11:22:33"]);
    assert_eq!(values(p, "ssh.encrypted_packet", d), ["44:55:66"]);
    assert_eq!(p.summary.info, "Client: Encrypted packet (len=7)");
}

#[test]
fn messages_after_newkeys_are_encrypted_per_direction() {
    let mut c = Conn::new();
    c.send(true, PSH_ACK, b"SSH-2.0-a\r\n");
    c.send(false, PSH_ACK, b"SSH-2.0-b\r\n");
    // The client's NEWKEYS, then its encrypted bytes in the same segment.
    let mut seg = packet(&[21]);
    seg.extend_from_slice(&[0xde, 0xad, 0xbe, 0xef, 1, 2, 3]);
    c.send(true, PSH_ACK, &seg);
    let (p, d) = c.last();
    assert_eq!(values(p, "ssh.message_code", d), ["21"]);
    assert_eq!(values(p, "ssh.encrypted_packet", d), ["01:02:03"]);
    assert_eq!(p.summary.info, "Client: New Keys, Encrypted packet (len=7)");
    // The server still speaks in the clear.
    c.send(false, PSH_ACK, &packet(&[2, 0, 0, 0, 0]));
    let (p, d) = c.last();
    assert_eq!(values(p, "ssh.message_code", d), ["2"]);
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Arbitrary segments after a version line never panic, and each
        /// direction holds at most one packet's worth of bytes.
        #[test]
        fn arbitrary_segments_do_not_panic(segs in proptest::collection::vec(
            (any::<bool>(), proptest::collection::vec(any::<u8>(), 0..300)), 1..12)) {
            let mut c = Conn::new();
            c.send(true, PSH_ACK, b"SSH-2.0-x\r\n");
            c.send(false, PSH_ACK, b"SSH-2.0-y\r\n");
            for (client, bytes) in &segs {
                c.send(*client, PSH_ACK, bytes);
            }
            prop_assert!(c.run.d.state().streams.budget.held() < 1 << 20);
        }
    }
}

/// A KEXINIT payload offering `kex`, ssh-ed25519 and chacha20-poly1305.
fn kexinit_payload(kex: &str) -> Vec<u8> {
    kexinit_with(kex, "chacha20-poly1305@openssh.com", "hmac-sha2-256")
}

/// A KEXINIT payload offering `kex`, ssh-ed25519, `enc` and `mac` both ways.
fn kexinit_with(kex: &str, enc: &str, mac: &str) -> Vec<u8> {
    let mut p = vec![20];
    p.extend_from_slice(&[7; 16]);
    let lists = [
        kex,
        "ssh-ed25519",
        enc,
        enc,
        mac,
        mac,
        "none",
        "none",
        "",
        "",
    ];
    for l in lists {
        p.extend_from_slice(&(l.len() as u32).to_be_bytes());
        p.extend_from_slice(l.as_bytes());
    }
    p.extend_from_slice(&[0, 0, 0, 0, 0]);
    p
}

fn ssh_string(b: &[u8]) -> Vec<u8> {
    let mut v = (b.len() as u32).to_be_bytes().to_vec();
    v.extend_from_slice(b);
    v
}

/// A hand-made hybrid key exchange: `method` negotiated, the client's KEM
/// public key and the server's ciphertext (each followed by an X25519 key) of
/// the sizes the method defines, then NEWKEYS.
fn hybrid_session(method: &str, kem: &str, pk_len: usize, ct_len: usize) {
    let mut c = Conn::new();
    c.send(true, PSH_ACK, b"SSH-2.0-OpenSSH_10.0\r\n");
    c.send(false, PSH_ACK, b"SSH-2.0-OpenSSH_10.0\r\n");
    let offer = format!("{method},curve25519-sha256");
    c.send(true, PSH_ACK, &packet(&kexinit_payload(&offer)));
    c.send(false, PSH_ACK, &packet(&kexinit_payload(method)));
    let mut init = vec![30];
    init.extend(ssh_string(&vec![0x11; pk_len + 32]));
    c.send(true, PSH_ACK, &packet(&init));
    let (p, d) = c.last();
    assert_eq!(
        values(p, "ssh.mpint_length", d),
        [(pk_len + 32).to_string()]
    );
    assert_eq!(values(p, "ssh.dh.e", d).len(), 1);
    assert_eq!(values(p, "ssh.seq_num", d), ["2"]);
    // A valid hybrid key is not "invalid" (tshark 4.0 says so: it does not know the method).
    assert!(values(p, "ssh.key_length.error", d).is_empty());
    let texts = |p: &Packet| -> Vec<String> {
        p.fields
            .iter()
            .filter(|f| f.def.name == "ssh_kex_hybrid_part")
            .map(|f| match &f.value {
                Value::Text(t) => t.to_string(),
                _ => String::new(),
            })
            .collect()
    };
    assert_eq!(
        texts(p),
        [
            format!("{kem} public key ({pk_len} bytes)"),
            "X25519 public key (32 bytes)".to_owned()
        ]
    );
    let mut reply = vec![31];
    let key = [ssh_string(b"ssh-ed25519"), ssh_string(&[0x22; 32])].concat();
    reply.extend(ssh_string(&key));
    reply.extend(ssh_string(&vec![0x33; ct_len + 32]));
    reply.extend(ssh_string(
        &[ssh_string(b"ssh-ed25519"), ssh_string(&[0x44; 64])].concat(),
    ));
    let mut seg = packet(&reply);
    seg.extend(packet(&[21]));
    c.send(false, PSH_ACK, &seg);
    let (p, d) = c.last();
    assert_eq!(values(p, "ssh.host_key.type", d), ["ssh-ed25519"]);
    assert_eq!(
        values(p, "ssh.mpint_length", d),
        [(ct_len + 32).to_string()]
    );
    assert_eq!(values(p, "ssh.host_sig.type", d), ["ssh-ed25519"]);
    assert_eq!(values(p, "ssh.host_sig.data", d).len(), 1);
    assert_eq!(values(p, "ssh.seq_num", d), ["2", "2"]);
    assert_eq!(texts(p)[0], format!("{kem} ciphertext ({ct_len} bytes)"));
    assert!(p.experts.is_empty(), "{:?}", p.experts);
    assert_eq!(
        p.summary.info,
        "Server: Diffie-Hellman Key Exchange Reply, New Keys"
    );
    let conn = c.run.conn();
    assert_eq!(conn.kex.as_deref(), Some(method));
    assert_eq!(
        conn.host_key.as_ref().map(|k| k.fingerprint.clone()),
        Some(names::fingerprint_sha256(&key))
    );
    assert_eq!(
        conn.timeline
            .events()
            .iter()
            .map(|e| e.kind)
            .collect::<Vec<_>>(),
        [
            "ssh.banner",
            "ssh.banner",
            "ssh.kexinit",
            "ssh.kexinit",
            "ssh.kex_init",
            "ssh.kex_reply",
            "ssh.newkeys"
        ]
    );
}

#[test]
fn mlkem768x25519_hybrid_messages() {
    // No corpus session negotiates it (the OpenSSH 10 client of
    // ssh_mlkem_openssh10.pcap met an 8.7 server): ML-KEM-768 public key
    // 1184 bytes, ciphertext 1088 bytes.
    hybrid_session("mlkem768x25519-sha256", "ML-KEM-768", 1184, 1088);
}

#[test]
fn sntrup761x25519_hybrid_messages() {
    // The sizes of ssh_sntrup_ed25519.pcap frames 10 and 11 (mpint lengths 1190
    // and 1071 in tshark's JSON): sntrup761 public key 1158, ciphertext 1039.
    hybrid_session(
        "sntrup761x25519-sha512@openssh.com",
        "sntrup761",
        1158,
        1039,
    );
}

#[test]
fn a_hybrid_key_of_the_wrong_size_is_noted() {
    let mut c = Conn::new();
    c.send(true, PSH_ACK, b"SSH-2.0-a\r\n");
    c.send(false, PSH_ACK, b"SSH-2.0-b\r\n");
    c.send(
        true,
        PSH_ACK,
        &packet(&kexinit_payload("sntrup761x25519-sha512@openssh.com")),
    );
    c.send(
        false,
        PSH_ACK,
        &packet(&kexinit_payload("sntrup761x25519-sha512@openssh.com")),
    );
    let mut init = vec![30];
    init.extend(ssh_string(&[1; 100]));
    c.send(true, PSH_ACK, &packet(&init));
    assert!(has_expert(c.last().0, "expected 1190 bytes"));
}

#[test]
fn ssh_on_another_port_is_recognised_by_its_banner() {
    let mut c = Conn::new();
    c.port = 2222;
    c.send(false, PSH_ACK, b"SSH-2.0-OpenSSH_9.6\r\n");
    let (p, d) = c.last();
    assert_eq!(values(p, "ssh.protocol", d), ["SSH-2.0-OpenSSH_9.6"]);
    assert_eq!(values(p, "ssh.direction", d), ["1"]);
    assert_eq!(p.summary.info, "Server: Protocol (SSH-2.0-OpenSSH_9.6)");
    c.send(true, PSH_ACK, b"SSH-2.0-PuTTY_Release_0.80\r\n");
    let (p, d) = c.last();
    assert_eq!(values(p, "ssh.direction", d), ["0"]);
    assert_eq!(p.summary.protocol, "SSH");
}

#[test]
fn encrypt_then_mac_shows_the_length_in_the_clear() {
    let mut c = Conn::new();
    c.send(true, PSH_ACK, b"SSH-2.0-a\r\n");
    c.send(false, PSH_ACK, b"SSH-2.0-b\r\n");
    let kexinit = kexinit_with(
        "curve25519-sha256",
        "aes128-ctr",
        "hmac-sha2-256-etm@openssh.com",
    );
    c.send(true, PSH_ACK, &packet(&kexinit));
    c.send(false, PSH_ACK, &packet(&kexinit));
    c.send(
        true,
        PSH_ACK,
        &packet(&[[30].as_slice(), &ssh_string(&[5; 32])].concat()),
    );
    let mut reply = vec![31];
    reply.extend(ssh_string(
        &[ssh_string(b"ssh-ed25519"), ssh_string(&[6; 32])].concat(),
    ));
    reply.extend(ssh_string(&[8; 32]));
    reply.extend(ssh_string(
        &[ssh_string(b"ssh-ed25519"), ssh_string(&[9; 64])].concat(),
    ));
    c.send(false, PSH_ACK, &packet(&reply));
    c.send(true, PSH_ACK, &packet(&[21]));
    c.send(true, PSH_ACK, &[0, 0, 0, 32, 0xaa, 0xbb]);
    let (p, d) = c.last();
    assert_eq!(values(p, "ssh.packet_length", d), ["32"]);
    assert!(values(p, "ssh.packet_length_encrypted", d).is_empty());
    assert_eq!(values(p, "ssh.encrypted_packet", d), ["aa:bb"]);
    let alg = &c.run.conn().sides[CLIENT].algorithms;
    assert_eq!(alg.mac.as_deref(), Some("hmac-sha2-256-etm@openssh.com"));
    // The title carries the algorithms over.
    assert!(p.fields.iter().any(|f| matches!(&f.value, Value::Text(t)
        if &**t == "SSH Version 2 (encryption:aes128-ctr mac:hmac-sha2-256-etm@openssh.com compression:none)")));
}
