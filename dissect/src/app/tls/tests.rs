//! TLS on real frames from the corpus (see `corpus_frames`), on records and
//! messages split and joined every way TCP and the record layer allow, and on
//! malformed input. The differential tests parse the same records with
//! `tls-parser` (Rusticata) and compare every field both decode.

use super::corpus_frames::*;
use crate::link::LinkType;
use crate::model::Packet;
use crate::testutil::{chain, dissect_frames, has_expert, only, values, TestFrame};
use crate::Prefs;

/// Ethernet, IPv4 and TCP headers of [`CLIENT_HELLO`] (client → port 443).
const HEADERS: usize = 66;

fn prefs() -> Prefs {
    Prefs {
        ip_check_checksum: false,
        tcp_check_checksum: false,
        udp_check_checksum: false,
        ..Prefs::default()
    }
}

/// A client → server segment like [`CLIENT_HELLO`]'s, `offset` bytes into the
/// stream, carrying `payload` (checksums are not fixed, and not checked).
fn segment(offset: u32, payload: &[u8]) -> Vec<u8> {
    let mut f = CLIENT_HELLO[..HEADERS].to_vec();
    let ip_len = (HEADERS - 14 + payload.len()) as u16;
    f[16..18].copy_from_slice(&ip_len.to_be_bytes());
    let seq = u32::from_be_bytes([f[38], f[39], f[40], f[41]]).wrapping_add(offset);
    f[38..42].copy_from_slice(&seq.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

/// Dissects payloads as consecutive client segments of one connection.
fn stream(payloads: &[&[u8]]) -> (Vec<Packet>, Vec<Vec<u8>>) {
    let mut offset = 0u32;
    let frames: Vec<Vec<u8>> = payloads
        .iter()
        .map(|p| {
            let f = segment(offset, p);
            offset += p.len() as u32;
            f
        })
        .collect();
    let tf: Vec<TestFrame<'_>> = frames.iter().map(|f| TestFrame::new(f)).collect();
    (
        dissect_frames(LinkType::ETHERNET, prefs(), true, &tf),
        frames,
    )
}

fn one(frame: &[u8]) -> Packet {
    dissect_frames(LinkType::ETHERNET, prefs(), true, &[TestFrame::new(frame)])
        .pop()
        .expect("one packet")
}

/// The TLS record of [`CLIENT_HELLO`].
fn client_hello_record() -> &'static [u8] {
    &CLIENT_HELLO[HEADERS..]
}

/// A handshake record around `msg`.
fn handshake_record(msg: &[u8]) -> Vec<u8> {
    let mut r = vec![22, 3, 3];
    r.extend_from_slice(&(msg.len() as u16).to_be_bytes());
    r.extend_from_slice(msg);
    r
}

#[test]
fn client_hello_fields_as_tshark_shows_them() {
    let p = one(&CLIENT_HELLO);
    let d = &CLIENT_HELLO[..];
    assert_eq!(p.summary.info, "Client Hello");
    assert_eq!(p.summary.protocol, "TLSv1");
    assert_eq!(only(&p, "tls.record.version", d), "0x0301");
    assert_eq!(only(&p, "tls.record.length", d), "512");
    assert_eq!(only(&p, "tls.handshake.length", d), "508");
    assert_eq!(
        only(&p, "tls.handshake.extensions_server_name", d),
        "certauth.idrix.fr"
    );
    assert_eq!(only(&p, "tls.handshake.cipher_suites_length", d), "34");
    assert_eq!(values(&p, "tls.handshake.ciphersuite", d).len(), 17);
    assert_eq!(
        values(&p, "tls.handshake.extensions_alpn_str", d),
        ["h2", "http/1.1"]
    );
    assert_eq!(
        values(&p, "tls.handshake.extensions_key_share_group", d),
        ["29", "23"]
    );
    assert_eq!(only(&p, "tls.record_size_limit", d), "16385");
    assert_eq!(
        only(&p, "tls.handshake.random_time", d),
        "Jan 20, 2024 08:25:54.000000000 UTC"
    );
    // tshark's own JA3 for this frame.
    assert_eq!(
        only(&p, "tls.handshake.ja3", d),
        "579ccef312d18482fc42e2b822ca2430"
    );
    assert!(!p.is_malformed());
}

#[test]
fn server_hello_and_its_ja3s() {
    let frames = [TestFrame::new(&CLIENT_HELLO), TestFrame::new(&SERVER_HELLO)];
    let p = dissect_frames(LinkType::ETHERNET, prefs(), true, &frames);
    let d = &SERVER_HELLO[..];
    assert_eq!(only(&p[1], "tls.handshake.ciphersuite", d), "0xc030");
    assert_eq!(
        only(&p[1], "tls.handshake.ja3s_full", d),
        "771,49200,65281-0-11-35-16-23"
    );
    assert_eq!(
        only(&p[1], "tls.handshake.ja3s", d),
        "d154fcfa5bb4f0748e1dd1992c681104"
    );
    assert_eq!(p[1].summary.protocol, "TLSv1.2");
}

#[test]
fn hello_retry_request_and_change_cipher_spec_share_a_layer() {
    let p = one(&HELLO_RETRY);
    let d = &HELLO_RETRY[..];
    assert_eq!(p.summary.info, "Hello Retry Request, Change Cipher Spec");
    assert_eq!(
        only(&p, "tls.handshake.extensions_key_share_selected_group", d),
        "23"
    );
    assert_eq!(values(&p, "tls.record.content_type", d), ["22", "20"]);
    assert_eq!(p.layers.iter().filter(|l| l.proto.name == "tls").count(), 1);
    // TLS 1.3 random: no time in it.
    assert!(values(&p, "tls.handshake.random_time", d).is_empty());
}

#[test]
fn psk_offer_is_decoded() {
    let p = one(&PSK_CLIENT_HELLO);
    let d = &PSK_CLIENT_HELLO[..];
    assert_eq!(
        only(
            &p,
            "tls.handshake.extensions.psk.identity.identity_length",
            d
        ),
        "15"
    );
    assert_eq!(
        only(&p, "tls.handshake.extensions.psk.binders_len", d),
        "33"
    );
    assert_eq!(values(&p, "tls.extension.psk_ke_mode", d), ["1"]);
}

#[test]
fn record_spanning_segments_is_dissected_where_it_completes() {
    let rec = client_hello_record();
    let (p, frames) = stream(&[&rec[..3], &rec[3..200], &rec[200..]]);
    assert!(values(&p[0], "tls.record.length", &frames[0]).is_empty());
    assert!(values(&p[1], "tls.record.length", &frames[1]).is_empty());
    assert_eq!(
        only(&p[2], "tls.handshake.extensions_server_name", &frames[2]),
        "certauth.idrix.fr"
    );
    assert!(
        !p[2].sources.is_empty(),
        "dissected from the reassembled bytes"
    );
    assert!(!p[2].is_malformed());
}

#[test]
fn handshake_split_over_many_tiny_segments() {
    let rec = client_hello_record();
    let pieces: Vec<&[u8]> = rec.chunks(7).collect();
    let (p, frames) = stream(&pieces);
    let last = p.len() - 1;
    for (i, pkt) in p.iter().enumerate() {
        assert!(!pkt.is_malformed(), "segment {i}");
    }
    assert_eq!(
        only(&p[last], "tls.handshake.ja3", &frames[last]),
        "579ccef312d18482fc42e2b822ca2430"
    );
    assert_eq!(
        p.iter()
            .filter(|x| x.summary.info == "Client Hello")
            .count(),
        1
    );
}

#[test]
fn several_records_in_one_segment() {
    // An alert, then ChangeCipherSpec (after which this side's records are encrypted).
    let mut payload = vec![21, 3, 3, 0, 2, 2, 40];
    payload.extend_from_slice(&[20, 3, 3, 0, 1, 1]);
    payload.extend_from_slice(&[23, 3, 3, 0, 3, 0xaa, 0xbb, 0xcc]);
    let (p, f) = stream(&[&payload]);
    assert_eq!(
        values(&p[0], "tls.record.content_type", &f[0]),
        ["21", "20", "23"]
    );
    assert_eq!(only(&p[0], "tls.alert_message.desc", &f[0]), "40");
    assert_eq!(only(&p[0], "tls.app_data", &f[0]), "aa:bb:cc");
    assert_eq!(
        p[0].summary.info,
        "Alert (Level: Fatal, Description: Handshake Failure), Change Cipher Spec, Application Data"
    );
}

#[test]
fn handshake_message_spanning_records_is_reassembled() {
    let rec = client_hello_record();
    let msg = &rec[5..];
    let (a, b) = msg.split_at(100);
    let mut payload = handshake_record(a);
    payload.extend_from_slice(&handshake_record(b));
    let (p, f) = stream(&[&payload]);
    assert!(!p[0].is_malformed());
    assert_eq!(
        only(&p[0], "tls.handshake.extensions_server_name", &f[0]),
        "certauth.idrix.fr"
    );
    assert_eq!(values(&p[0], "tls.record.length", &f[0]), ["100", "412"]);
}

#[test]
fn handshake_claiming_2_pow_24_bytes() {
    // A ClientHello header announcing 0xffffff bytes in a 10-byte record.
    let payload = handshake_record(&[1, 0xff, 0xff, 0xff, 3, 3, 0, 0, 0, 0]);
    let (p, f) = stream(&[&payload]);
    assert!(has_expert(
        &p[0],
        "handshake message of 16777215 bytes runs past its record"
    ));
    assert_eq!(only(&p[0], "tls.handshake.type", &f[0]), "1");
    assert_eq!(only(&p[0], "tls.handshake.length", &f[0]), "16777215");
}

#[test]
fn record_longer_than_the_protocol_allows() {
    let mut payload = vec![23, 3, 3, 0x50, 0x00];
    payload.resize(5 + 0x5000, 0x42);
    let (p, f) = stream(&[&payload[..1400], &payload[1400..]]);
    assert!(has_expert(&p[1], "record length 20480 exceeds the maximum"));
    assert_eq!(only(&p[1], "tls.record.length", &f[1]), "20480");
}

#[test]
fn extension_running_past_the_extensions_block() {
    // The real ClientHello with its first extension's length raised past the block.
    let mut rec = client_hello_record().to_vec();
    // Record header 5, handshake header 4, version 2, random 32, session id 1+32,
    // suites 2+34, compression 1+1, extensions length 2: the first extension at 116.
    let at = 5 + 4 + 2 + 32 + 33 + 36 + 2 + 2;
    assert_eq!(&rec[at..at + 2], &[0, 0], "server_name comes first");
    rec[at + 2..at + 4].copy_from_slice(&0x2000u16.to_be_bytes());
    let (p, f) = stream(&[&rec]);
    assert!(has_expert(
        &p[0],
        "extension of 8192 bytes runs past the extensions block"
    ));
    // What came before stays.
    assert_eq!(values(&p[0], "tls.handshake.ciphersuite", &f[0]).len(), 17);
    assert_eq!(only(&p[0], "tls.handshake.extension.type", &f[0]), "0");
}

#[test]
fn client_hello_cut_at_every_field() {
    let rec = client_hello_record();
    let msg = &rec[5..];
    // Each cut keeps the message's own length consistent (the record and
    // handshake lengths announce what is there), so the hello runs out inside.
    for cut in [
        4 + 1,
        4 + 2,
        4 + 34,
        4 + 35,
        4 + 40,
        4 + 67,
        4 + 69,
        4 + 110,
        4 + 112,
    ] {
        let mut m = msg[..cut].to_vec();
        let body = (cut - 4) as u32;
        m[1..4].copy_from_slice(&body.to_be_bytes()[1..]);
        let payload = handshake_record(&m);
        let (p, f) = stream(&[&payload]);
        assert!(has_expert(&p[0], "ClientHello cut short"), "cut at {cut}");
        assert_eq!(
            only(&p[0], "tls.handshake.type", &f[0]),
            "1",
            "cut at {cut}"
        );
        if cut >= 6 {
            assert_eq!(
                only(&p[0], "tls.handshake.version", &f[0]),
                "0x0303",
                "cut at {cut}"
            );
        }
    }
}

#[test]
fn certificate_with_broken_der_keeps_the_tls_fields() {
    // A Certificate message whose one certificate claims far more DER than it has.
    let der = [0x30, 0x82, 0xff, 0xff, 0x30, 0x03, 0x02, 0x01, 0x02];
    let mut msg = vec![11, 0, 0, (3 + 3 + der.len()) as u8];
    msg.extend_from_slice(&[0, 0, (3 + der.len()) as u8, 0, 0, der.len() as u8]);
    msg.extend_from_slice(&der);
    let (p, f) = stream(&[&handshake_record(&msg)]);
    assert!(!p[0].is_malformed());
    assert_eq!(only(&p[0], "tls.handshake.certificate_length", &f[0]), "9");
    assert_eq!(
        only(&p[0], "tls.handshake.certificate", &f[0]),
        "30:82:ff:ff:30:03:02:01:02"
    );
    assert!(values(&p[0], "x509af.version", &f[0]).is_empty());
    assert!(p[0]
        .fields
        .iter()
        .any(|n| matches!(&n.value, crate::model::Value::Text(t) if t.starts_with("Certificate does not parse"))));
}

#[test]
fn handshake_header_cut_inside_a_record() {
    for n in 1..4 {
        let payload = handshake_record(&[1, 0, 0][..n]);
        let (p, _) = stream(&[&payload]);
        assert!(
            has_expert(&p[0], "TLS handshake message header cut short"),
            "{n} bytes"
        );
    }
}

#[test]
fn not_tls_stops_reassembly_without_panicking() {
    let (p, _) = stream(&[b"GET / HTTP/1.1\r\n\r\n", b"more"]);
    assert!(p.iter().all(|x| !x.summary.info.contains("Client Hello")));
}

#[test]
fn fast_path_produces_the_summary() {
    let p = dissect_frames(
        LinkType::ETHERNET,
        prefs(),
        false,
        &[TestFrame::new(&CLIENT_HELLO)],
    );
    assert_eq!(p[0].summary.info, "Client Hello");
    assert!(p[0].fields.is_empty());
}

/// Differential: tls-parser (Rusticata) on the same records.
mod differential {
    use super::*;
    use tls_parser::{
        parse_tls_extensions, parse_tls_plaintext, TlsExtension, TlsMessage, TlsMessageHandshake,
    };

    fn ours(p: &Packet, f: &[u8], name: &str) -> Vec<String> {
        values(p, name, f)
    }

    #[test]
    fn client_hello_agrees_with_tls_parser() {
        for frame in [&CLIENT_HELLO[..], &PSK_CLIENT_HELLO[..]] {
            let p = one(frame);
            let (_, plain) = parse_tls_plaintext(&frame[HEADERS..]).expect("tls-parser parses it");
            assert_eq!(
                ours(&p, frame, "tls.record.content_type"),
                [plain.hdr.record_type.0.to_string()]
            );
            assert_eq!(
                ours(&p, frame, "tls.record.version"),
                [format!("0x{:04x}", plain.hdr.version.0)]
            );
            assert_eq!(
                ours(&p, frame, "tls.record.length"),
                [plain.hdr.len.to_string()]
            );
            let Some(TlsMessage::Handshake(TlsMessageHandshake::ClientHello(ch))) =
                plain.msg.first()
            else {
                panic!("not a ClientHello");
            };
            assert_eq!(
                ours(&p, frame, "tls.handshake.version"),
                [format!("0x{:04x}", ch.version.0)]
            );
            let hex = |b: &[u8]| {
                b.iter()
                    .map(|x| format!("{x:02x}"))
                    .collect::<Vec<_>>()
                    .join(":")
            };
            assert_eq!(ours(&p, frame, "tls.handshake.random"), [hex(ch.random)]);
            if let Some(sid) = ch.session_id {
                assert_eq!(ours(&p, frame, "tls.handshake.session_id"), [hex(sid)]);
            }
            let suites: Vec<String> = ch
                .ciphers
                .iter()
                .map(|c| format!("0x{:04x}", c.0))
                .collect();
            assert_eq!(ours(&p, frame, "tls.handshake.ciphersuite"), suites);
            let comp: Vec<String> = ch.comp.iter().map(|c| c.0.to_string()).collect();
            assert_eq!(ours(&p, frame, "tls.handshake.comp_method"), comp);
            let (_, exts) =
                parse_tls_extensions(ch.ext.expect("extensions")).expect("extensions parse");
            let mut types = Vec::new();
            for e in &exts {
                types.push(u16::from(tls_parser::TlsExtensionType::from(e)).to_string());
                match e {
                    TlsExtension::SNI(names) => {
                        let sni: Vec<String> = names
                            .iter()
                            .map(|(_, n)| String::from_utf8_lossy(n).into_owned())
                            .collect();
                        assert_eq!(ours(&p, frame, "tls.handshake.extensions_server_name"), sni);
                    }
                    TlsExtension::EllipticCurves(groups) => {
                        let g: Vec<String> =
                            groups.iter().map(|g| format!("0x{:04x}", g.0)).collect();
                        assert_eq!(
                            ours(&p, frame, "tls.handshake.extensions_supported_group"),
                            g
                        );
                    }
                    TlsExtension::ALPN(protos) => {
                        let a: Vec<String> = protos
                            .iter()
                            .map(|n| String::from_utf8_lossy(n).into_owned())
                            .collect();
                        assert_eq!(ours(&p, frame, "tls.handshake.extensions_alpn_str"), a);
                    }
                    TlsExtension::SupportedVersions(v) => {
                        let v: Vec<String> = v.iter().map(|v| format!("0x{:04x}", v.0)).collect();
                        assert_eq!(
                            ours(&p, frame, "tls.handshake.extensions.supported_version"),
                            v
                        );
                    }
                    TlsExtension::SignatureAlgorithms(v) => {
                        let v: Vec<String> = v.iter().map(|v| format!("0x{v:04x}")).collect();
                        // delegated_credentials may list schemes too: find this list.
                        let all = ours(&p, frame, "tls.handshake.sig_hash_alg");
                        assert!(all.windows(v.len()).any(|w| w == &v[..]), "{all:?} / {v:?}");
                    }
                    TlsExtension::RecordSizeLimit(n) => {
                        assert_eq!(ours(&p, frame, "tls.record_size_limit"), [n.to_string()]);
                    }
                    _ => {}
                }
            }
            assert_eq!(ours(&p, frame, "tls.handshake.extension.type"), types);
        }
    }

    #[test]
    fn server_hello_agrees_with_tls_parser() {
        let frames = [TestFrame::new(&CLIENT_HELLO), TestFrame::new(&SERVER_HELLO)];
        let p = dissect_frames(LinkType::ETHERNET, prefs(), true, &frames);
        let frame = &SERVER_HELLO[..];
        let (_, plain) = parse_tls_plaintext(&frame[HEADERS..]).expect("tls-parser parses it");
        let Some(TlsMessage::Handshake(TlsMessageHandshake::ServerHello(sh))) = plain.msg.first()
        else {
            panic!("not a ServerHello");
        };
        assert_eq!(
            ours(&p[1], frame, "tls.handshake.version"),
            [format!("0x{:04x}", sh.version.0)]
        );
        assert_eq!(
            ours(&p[1], frame, "tls.handshake.ciphersuite"),
            [format!("0x{:04x}", sh.cipher.0)]
        );
        assert_eq!(
            ours(&p[1], frame, "tls.handshake.comp_method"),
            [sh.compression.0.to_string()]
        );
        let (_, exts) =
            parse_tls_extensions(sh.ext.expect("extensions")).expect("extensions parse");
        let types: Vec<String> = exts
            .iter()
            .map(|e| u16::from(tls_parser::TlsExtensionType::from(e)).to_string())
            .collect();
        assert_eq!(ours(&p[1], frame, "tls.handshake.extension.type"), types);
    }

    #[test]
    fn hello_retry_request_agrees_with_tls_parser() {
        let p = one(&HELLO_RETRY);
        let frame = &HELLO_RETRY[..];
        let (rest, plain) = parse_tls_plaintext(&frame[HEADERS..]).expect("tls-parser parses it");
        assert_eq!(
            ours(&p, frame, "tls.record.length")[0],
            plain.hdr.len.to_string()
        );
        let (_, ccs) = parse_tls_plaintext(rest).expect("the ChangeCipherSpec record");
        assert_eq!(
            ours(&p, frame, "tls.record.content_type")[1],
            ccs.hdr.record_type.0.to_string()
        );
    }
}

/// Arbitrary bytes behind a valid-looking record header, and arbitrary
/// segmentation of a real record with bytes flipped: no panic, ever.
mod no_panic {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn random_record_bodies(ct in 20u8..=24, body in proptest::collection::vec(any::<u8>(), 0..600)) {
            let mut rec = vec![ct, 3, 3];
            rec.extend_from_slice(&(body.len() as u16).to_be_bytes());
            rec.extend_from_slice(&body);
            let (p, _) = stream(&[&rec]);
            prop_assert_eq!(p.len(), 1);
        }

        #[test]
        fn mutated_client_hello_in_pieces(
            flips in proptest::collection::vec((5usize..517, any::<u8>()), 0..8),
            cuts in proptest::collection::vec(1usize..516, 0..6),
        ) {
            let mut rec = client_hello_record().to_vec();
            for (at, v) in flips {
                if let Some(b) = rec.get_mut(at) {
                    *b = v;
                }
            }
            let mut cuts = cuts;
            cuts.sort_unstable();
            cuts.dedup();
            let mut pieces = Vec::new();
            let mut from = 0;
            for c in cuts {
                pieces.push(&rec[from..c]);
                from = c;
            }
            pieces.push(&rec[from..]);
            let (p, _) = stream(&pieces);
            prop_assert_eq!(p.len(), pieces.len());
        }
    }
}

/// The certificate record of tls12_client_cert_sni_alpn.pcap completes in
/// frame 11 from four segments: the packet carries Wireshark's
/// "[4 Reassembled TCP Segments (4030 bytes): #6, #7, #9, #11]" item, values
/// as tshark 4.0 shows them.
#[test]
fn a_record_over_four_segments_lists_them() {
    let capture = crate::testutil::corpus_capture("tls/tls12_client_cert_sni_alpn.pcap");
    let frames = capture.test_frames();
    let pkts = crate::testutil::dissect_frames(capture.link, prefs(), true, &frames[..11]);
    let p = &pkts[10];
    let data = frames[10].bytes;
    assert_eq!(values(p, "tcp.segment", data), ["6", "7", "9", "11"]);
    assert_eq!(values(p, "tcp.segment.count", data), ["4"]);
    assert_eq!(values(p, "tcp.reassembled.length", data), ["4030"]);
    assert!(!chain(p).contains("tcp.segments"), "{}", chain(p));
}
