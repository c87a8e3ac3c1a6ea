//! SSH end to end on every capture of `shared/captures/ssh/`:
//! - differential: the version lines and KEXINIT name-lists wirelens shows are
//!   those `ssh-parser` (Rusticata's nom parser) finds in the same bytes, the
//!   TCP streams being rebuilt here from the raw frames independently of
//!   wirelens's reassembly;
//! - the handshake timeline of every session, as `wirelens flows` exports it in
//!   its `ssh` object, with the negotiated algorithms and fingerprints.

use serde_json::Value;
use ssh_parser::{parse_ssh_identification, parse_ssh_packet, SshPacket};
use wirelens::cli::{FlowsArgs, FlowsFormat};
use wirelens_capture::{CaptureFile, FileFormat};
use wirelens_dissect::model::{render_value, Value as FieldValue};
use wirelens_dissect::{Dissector, Packet, Prefs};
use wirelens_tests::corpus_dir;

const CAPTURES: [&str; 6] = [
    "ssh_dh_group_exchange",
    "ssh_kex_curve25519",
    "ssh_libssh_newkeys",
    "ssh_mlkem_openssh10",
    "ssh_openssh_curve25519",
    "ssh_sntrup_ed25519",
];

/// One frame: which side sent its TCP payload (true: the server, port 22), its
/// sequence number and payload, and the string fields wirelens gave it.
struct Frame {
    server: bool,
    seq: u32,
    payload: Vec<u8>,
    strings: Vec<(&'static str, String)>,
    /// Every ssh field as tshark renders it, and the text nodes' labels.
    rendered: Vec<(&'static str, String)>,
}

/// The TCP payload of an Ethernet + IPv4 frame, parsed by hand.
fn tcp_of(frame: &[u8]) -> Option<(u16, u16, u32, &[u8])> {
    let ip = frame.get(14..)?;
    if frame.get(12..14)? != [0x08, 0x00] || ip.first()? >> 4 != 4 || *ip.get(9)? != 6 {
        return None;
    }
    let ihl = (ip[0] & 0x0f) as usize * 4;
    let total = u16::from_be_bytes([ip[2], ip[3]]) as usize;
    let tcp = ip.get(ihl..total.min(ip.len()))?;
    let sport = u16::from_be_bytes([tcp[0], tcp[1]]);
    let dport = u16::from_be_bytes([tcp[2], tcp[3]]);
    let seq = u32::from_be_bytes([tcp[4], tcp[5], tcp[6], tcp[7]]);
    let off = (tcp.get(12)? >> 4) as usize * 4;
    Some((sport, dport, seq, tcp.get(off..)?))
}

fn read(name: &str) -> Vec<Frame> {
    let path = corpus_dir().join(format!("ssh/{name}.pcap"));
    let file = CaptureFile::open(&path).expect("open capture");
    let pcapng = matches!(file.format(), FileFormat::PcapNg);
    let prefs = Prefs {
        ip_check_checksum: false,
        tcp_check_checksum: false,
        udp_check_checksum: false,
        ..Prefs::default()
    };
    let mut d = Dissector::new(prefs);
    let mut out = Vec::new();
    let mut packets = file.packets();
    while let Some(item) = packets.next() {
        let frame = item.expect("frame");
        let meta = frame.meta(packets.interfaces(), pcapng);
        let mut pkt = Packet::new(true);
        d.dissect(&meta, frame.data, &mut pkt);
        let strings = pkt
            .fields
            .iter()
            .filter(|f| f.def.name.starts_with("ssh."))
            .filter_map(|f| match &f.value {
                FieldValue::Str(s) => Some((f.def.name, s.to_string())),
                _ => None,
            })
            .collect();
        let rendered = pkt
            .fields
            .iter()
            .filter(|f| f.def.name.starts_with("ssh"))
            .map(|f| {
                let mut s = String::new();
                match &f.value {
                    FieldValue::Text(t) => s.push_str(t),
                    v => render_value(&mut s, f.def, v, f.span, pkt.node_data(f, frame.data)),
                }
                (f.def.name, s)
            })
            .collect();
        let (server, seq, payload) = match tcp_of(frame.data) {
            Some((sport, _, seq, p)) => (sport == 22, seq, p.to_vec()),
            None => (false, 0, Vec::new()),
        };
        out.push(Frame {
            server,
            seq,
            payload,
            strings,
            rendered,
        });
    }
    out
}

/// A direction's byte stream: payloads in sequence order from the first,
/// retransmitted bytes skipped.
fn stream(frames: &[Frame], server: bool) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut next: Option<u32> = None;
    for f in frames
        .iter()
        .filter(|f| f.server == server && !f.payload.is_empty())
    {
        let start = *next.get_or_insert(f.seq);
        let skip = start.wrapping_sub(f.seq) as usize;
        if skip < f.payload.len() && (f.seq.wrapping_sub(start) as i32) <= 0 {
            bytes.extend_from_slice(&f.payload[skip..]);
            next = Some(f.seq.wrapping_add(f.payload.len() as u32));
        }
    }
    bytes
}

/// What ssh-parser finds in one direction: the version line (as
/// `SSH-proto-software[ comments]`) and the ten name-lists of each KEXINIT
/// before NEWKEYS.
fn reference(stream: &[u8]) -> (String, Vec<[String; 10]>) {
    let (mut rest, (_, v)) = parse_ssh_identification(stream).expect("version line");
    let mut line = format!(
        "SSH-{}-{}",
        String::from_utf8_lossy(v.proto),
        String::from_utf8_lossy(v.software)
    );
    if let Some(c) = v.comments {
        line.push(' ');
        line.push_str(&String::from_utf8_lossy(c));
    }
    let mut kexinits = Vec::new();
    while let Ok((r, (pkt, _padding))) = parse_ssh_packet(rest) {
        rest = r;
        match pkt {
            SshPacket::KeyExchange(k) => {
                let s = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
                kexinits.push([
                    s(k.kex_algs),
                    s(k.server_host_key_algs),
                    s(k.encr_algs_client_to_server),
                    s(k.encr_algs_server_to_client),
                    s(k.mac_algs_client_to_server),
                    s(k.mac_algs_server_to_client),
                    s(k.comp_algs_client_to_server),
                    s(k.comp_algs_server_to_client),
                    s(k.langs_client_to_server),
                    s(k.langs_server_to_client),
                ]);
            }
            SshPacket::NewKeys => break,
            _ => {}
        }
    }
    (line, kexinits)
}

const LISTS: [&str; 10] = [
    "ssh.kex_algorithms",
    "ssh.server_host_key_algorithms",
    "ssh.encryption_algorithms_client_to_server",
    "ssh.encryption_algorithms_server_to_client",
    "ssh.mac_algorithms_client_to_server",
    "ssh.mac_algorithms_server_to_client",
    "ssh.compression_algorithms_client_to_server",
    "ssh.compression_algorithms_server_to_client",
    "ssh.languages_client_to_server",
    "ssh.languages_server_to_client",
];

#[test]
fn banners_and_kexinits_agree_with_ssh_parser() {
    for name in CAPTURES {
        let frames = read(name);
        for server in [false, true] {
            let (line, kexinits) = reference(&stream(&frames, server));
            let ours: Vec<&Frame> = frames.iter().filter(|f| f.server == server).collect();
            let protocols: Vec<&str> = ours
                .iter()
                .flat_map(|f| &f.strings)
                .filter(|(n, _)| *n == "ssh.protocol")
                .map(|(_, v)| v.as_str())
                .collect();
            assert_eq!(protocols, [line.as_str()], "{name} server={server}");
            // Our own split of the line agrees with ssh-parser's.
            let b = wirelens_dissect::app::ssh::banner::parse(line.as_bytes());
            let terminated = format!("{line}\r\n");
            let (_, (_, v)) = parse_ssh_identification(terminated.as_bytes()).expect("line parses");
            assert_eq!(b.proto_version, v.proto, "{name}");
            assert_eq!(b.software_version, v.software, "{name}");
            assert_eq!(b.comments, v.comments, "{name}");
            assert_eq!(kexinits.len(), 1, "{name} server={server}");
            for (i, field) in LISTS.iter().enumerate() {
                let shown: Vec<&str> = ours
                    .iter()
                    .flat_map(|f| &f.strings)
                    .filter(|(n, _)| n == field)
                    .map(|(_, v)| v.as_str())
                    .collect();
                assert_eq!(shown, [kexinits[0][i].as_str()], "{name} {field}");
            }
        }
    }
}

fn ssh_objects(name: &str) -> Vec<Value> {
    let args = FlowsArgs {
        file: corpus_dir().join(format!("ssh/{name}.pcap")),
        format: FlowsFormat::Ndjson,
        display_filter: None,
        tls_keylog: None,
    };
    let mut out = Vec::new();
    wirelens::commands::flows::run(&args, &mut out).expect("flows");
    String::from_utf8(out)
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("json"))
        .filter_map(|f| f.get("ssh").cloned())
        .collect()
}

/// `(frame, dir, kind)` of each timeline event.
fn events(ssh: &Value) -> Vec<(u64, String, String)> {
    ssh["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|e| {
            (
                e["frame"].as_u64().expect("frame"),
                e["dir"].as_str().expect("dir").to_owned(),
                e["kind"].as_str().expect("kind").to_owned(),
            )
        })
        .collect()
}

/// A timeline event as expected: frame, direction, kind.
type Event = (u64, &'static str, &'static str);

#[test]
fn every_session_has_its_handshake_timeline() {
    // Frames and directions read off each capture with `tshark -r FILE` (the
    // Info column names each message and its sender).
    let expected: [(&str, &[Event]); 6] = [
        (
            "ssh_dh_group_exchange",
            &[
                (4, "s2c", "ssh.banner"),
                (6, "c2s", "ssh.banner"),
                (8, "c2s", "ssh.kexinit"),
                (9, "s2c", "ssh.kexinit"),
                (12, "c2s", "ssh.gex_request"),
                (14, "s2c", "ssh.gex_group"),
                (16, "c2s", "ssh.kex_init"),
                (17, "s2c", "ssh.kex_reply"),
                (17, "s2c", "ssh.newkeys"),
                (19, "c2s", "ssh.newkeys"),
                (21, "c2s", "ssh.encrypted"),
                (23, "s2c", "ssh.encrypted"),
            ],
        ),
        (
            "ssh_kex_curve25519",
            &[
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
            ],
        ),
        (
            "ssh_libssh_newkeys",
            &[
                (4, "s2c", "ssh.banner"),
                (5, "c2s", "ssh.banner"),
                (7, "s2c", "ssh.kexinit"),
                (9, "c2s", "ssh.kexinit"),
                (11, "c2s", "ssh.kex_init"),
                (13, "s2c", "ssh.kex_reply"),
                (13, "s2c", "ssh.newkeys"),
                (14, "c2s", "ssh.newkeys"),
                (16, "c2s", "ssh.encrypted"),
                (18, "s2c", "ssh.encrypted"),
            ],
        ),
        (
            // The client's KEXINIT spans frames 8 and 9: it counts where it completes.
            "ssh_mlkem_openssh10",
            &[
                (4, "c2s", "ssh.banner"),
                (6, "s2c", "ssh.banner"),
                (9, "c2s", "ssh.kexinit"),
                (10, "s2c", "ssh.kexinit"),
                (13, "c2s", "ssh.kex_init"),
                (14, "s2c", "ssh.kex_reply"),
                (14, "s2c", "ssh.newkeys"),
                (14, "s2c", "ssh.encrypted"),
                (16, "c2s", "ssh.newkeys"),
                (18, "c2s", "ssh.encrypted"),
            ],
        ),
        (
            "ssh_openssh_curve25519",
            &[
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
            ],
        ),
        (
            "ssh_sntrup_ed25519",
            &[
                (4, "c2s", "ssh.banner"),
                (6, "s2c", "ssh.banner"),
                (8, "c2s", "ssh.kexinit"),
                (9, "s2c", "ssh.kexinit"),
                (10, "c2s", "ssh.kex_init"),
                (11, "s2c", "ssh.kex_reply"),
                (11, "s2c", "ssh.newkeys"),
                (11, "s2c", "ssh.encrypted"),
                (13, "c2s", "ssh.newkeys"),
                (15, "c2s", "ssh.encrypted"),
            ],
        ),
    ];
    for (name, want) in expected {
        let all = ssh_objects(name);
        assert_eq!(all.len(), 1, "{name}: one SSH connection");
        let got = events(&all[0]);
        let want: Vec<(u64, String, String)> = want
            .iter()
            .map(|(f, d, k)| (*f, d.to_string(), k.to_string()))
            .collect();
        assert_eq!(got, want, "{name}");
        // Times never go backwards along the handshake.
        let ts: Vec<f64> = all[0]["timeline"]
            .as_array()
            .expect("timeline")
            .iter()
            .map(|e| e["ts"].as_f64().expect("ts"))
            .collect();
        assert!(ts.windows(2).all(|w| w[0] <= w[1]), "{name}: {ts:?}");
    }
}

#[test]
fn the_flow_json_ssh_object() {
    let all = ssh_objects("ssh_sntrup_ed25519");
    let s = &all[0];
    assert_eq!(s["client"], "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u1");
    assert_eq!(s["server"], "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u1");
    assert_eq!(s["version"], "2.0");
    assert_eq!(s["client_software"], "OpenSSH_9.2p1");
    assert_eq!(s["server_comments"], "Debian-2+deb12u1");
    assert_eq!(s["kex_alg"], "sntrup761x25519-sha512@openssh.com");
    assert_eq!(s["host_key"], "ssh-ed25519");
    // `ssh-keygen -lf` on the host key line prints this fingerprint.
    assert_eq!(
        s["host_key_fingerprint"],
        "SHA256:yIuj2+4Ny7rXl9GnySOyI+cEjkCIoyjEPolAPtAkWY0"
    );
    assert_eq!(s["c2s"]["enc"], "chacha20-poly1305@openssh.com");
    assert_eq!(s["s2c"]["comp"], "none");
    // tshark's ssh.kex.hasshserver for frame 9.
    assert_eq!(s["hasshServer"], "a984ff804585fabe3cd08f4b3849024a");
    assert!(s["hassh"].as_str().is_some_and(|h| h.len() == 32));
    assert!(s["c2s"]["encrypted_packets"].as_u64() > Some(0));
}

/// Values of field `name` in frame `n` (1-based).
fn field(frames: &[Frame], n: usize, name: &str) -> Vec<String> {
    frames[n - 1]
        .rendered
        .iter()
        .filter(|(f, _)| *f == name)
        .map(|(_, v)| v.clone())
        .collect()
}

#[test]
fn the_sntrup761x25519_session() {
    // Read from the shared corpus at run time (the capture comes from a
    // GPL-2.0 project; its bytes are not copied into this repository).
    let frames = read("ssh_sntrup_ed25519");
    assert_eq!(field(&frames, 10, "ssh.message_code"), ["30"]);
    assert_eq!(field(&frames, 10, "ssh.mpint_length"), ["1190"]);
    assert_eq!(field(&frames, 10, "ssh.seq_num"), ["2"]);
    // tshark 4.0 flags the KEM key as "Invalid key length: 1190"; it is valid.
    assert!(field(&frames, 10, "ssh.key_length.error").is_empty());
    assert_eq!(
        field(&frames, 10, "ssh_kex_hybrid_part"),
        [
            "sntrup761 public key (1158 bytes)",
            "X25519 public key (32 bytes)"
        ]
    );
    assert_eq!(field(&frames, 11, "ssh.message_code"), ["31", "21"]);
    assert_eq!(field(&frames, 11, "ssh.mpint_length"), ["1071"]);
    assert_eq!(
        field(&frames, 11, "ssh_kex_hybrid_part")[0],
        "sntrup761 ciphertext (1039 bytes)"
    );
    assert_eq!(field(&frames, 11, "ssh.host_key.type"), ["ssh-ed25519"]);
    assert_eq!(
        field(&frames, 11, "ssh.host_key.fingerprint"),
        ["SHA256:yIuj2+4Ny7rXl9GnySOyI+cEjkCIoyjEPolAPtAkWY0"]
    );
    assert_eq!(field(&frames, 11, "ssh.seq_num"), ["2", "2"]);
}
