//! NTP tests on real frames of the shared corpus: the NTPv4 client request
//! and server reply of `mixed/var_services_std_ports.pcap`, and the ten
//! bytes of NTP that `ip/ipv4_fragmented_ntp.pcap` reassembles from IPv4
//! fragments. Messages of the other modes are the corpus request's frame
//! with its message replaced; each expected tree is what tshark 4.0.17
//! prints for those bytes. Then every message is cut and mangled to show no
//! input makes the dissector panic.

use super::*;
use crate::link::LinkType;
use crate::model::Packet;
use crate::testutil::{
    chain, corpus_capture, dissect_frame_fast, dissect_frame_for_test, dissect_frame_with_orig_len,
    dissect_frames, has_expert, hex, only, values, CorpusFrame,
};

/// An NTPv4 client request from 172.16.238.131 (a 48-byte message behind
/// Ethernet, IPv4 and UDP 123 -> 123).
const CLIENT: CorpusFrame = CorpusFrame::new("mixed/var_services_std_ports.pcap", 258);
/// The stratum 2 server's reply.
const SERVER: CorpusFrame = CorpusFrame::new("mixed/var_services_std_ports.pcap", 259);
/// Three IPv4 fragments whose reassembled UDP datagram (123 -> 137) holds
/// ten bytes of NTP.
const FRAGMENTED: &str = "ip/ipv4_fragmented_ntp.pcap";

/// Ethernet, IPv4 without options and UDP in front of the message.
const HEADERS: usize = 14 + 20 + 8;

fn dissect(f: CorpusFrame) -> (Packet, Vec<u8>) {
    crate::testutil::dissect_corpus_ethernet(f)
}

fn v(p: &Packet, d: &[u8], name: &str) -> Vec<String> {
    values(p, name, d)
}

/// The NTP layer as `print -V` shows it: its title and its lines.
fn layer_text(p: &Packet, d: &[u8]) -> Vec<String> {
    crate::testutil::layer_text(p, d, NTP.label)
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_string).collect()
}

/// The corpus request's frame with `message` in place of its NTP message;
/// the IPv4 and UDP lengths and the IPv4 checksum made to fit, the UDP
/// checksum left out.
fn frame_with(message: &[u8]) -> Vec<u8> {
    let mut f = CLIENT.bytes();
    f.truncate(HEADERS);
    f.extend_from_slice(message);
    let ip_len = (f.len() - 14) as u16;
    f[16..18].copy_from_slice(&ip_len.to_be_bytes());
    f[24..26].copy_from_slice(&[0, 0]);
    let sum = f[14..34]
        .chunks(2)
        .map(|w| u32::from(u16::from_be_bytes([w[0], w[1]])))
        .sum::<u32>();
    let folded = !((sum & 0xffff) + (sum >> 16)) as u16;
    f[24..26].copy_from_slice(&folded.to_be_bytes());
    let udp_len = (f.len() - 34) as u16;
    f[38..40].copy_from_slice(&udp_len.to_be_bytes());
    f[40..42].copy_from_slice(&[0, 0]);
    f
}

fn message_of(f: CorpusFrame) -> Vec<u8> {
    f.bytes()[HEADERS..].to_vec()
}

/// The corpus reply with key ID 7 and an MD5 digest of bytes 0 to 15.
fn server_with_mac() -> Vec<u8> {
    let mut m = message_of(SERVER);
    m.extend(hex("00000007 000102030405060708090a0b0c0d0e0f"));
    m
}

/// The corpus request with a 16-byte Unique Identifier extension field
/// and a 24-byte MAC (key ID 1, zero digest).
fn client_with_extension() -> Vec<u8> {
    let mut m = message_of(CLIENT);
    m.extend(hex("01040010 000102030405060708090a0b"));
    m.extend(hex("00000001"));
    m.extend([0; 20]);
    m
}

/// A read-variables response of the system (association 0).
const READVAR: &str =
    "16820002 06180000 0000001c 76657273696f6e3d226e74706420342e322e38222c206c6561703d30";
/// A read-status request, twenty bytes of authenticator after its header.
const READSTAT_REQUEST: &str =
    "16010001 00000000 00000000 00000005 000102030405060708090a0b0c0d0e0f";
/// ntpdc's monitor list request (MON_GETLIST_1), as in reflection attacks.
const MONLIST_REQUEST: &str =
    "1700032a 00000000 0000000000000000000000000000000000000000000000000000000000000000000000000000";
/// A response listing one client, 192.0.2.9 port 40000.
const MONLIST_RESPONSE: &str = "d700032a00010048 0000000a 00000014 00001234 00000005 c0000209 \
    c0000201 00000000 9c40 03 04 00000000 00000000 \
    0000000000000000000000000000000000000000000000000000000000000000";

const CLIENT_TREE: &str = "\
Network Time Protocol (NTP Version 4, client)
    Flags: 0xe3, Leap Indicator: unknown (clock unsynchronized), Version number: NTP Version 4, Mode: client
        11.. .... = Leap Indicator: unknown (clock unsynchronized) (3)
        ..10 0... = Version number: NTP Version 4 (4)
        .... .011 = Mode: client (3)
    Peer Clock Stratum: unspecified or invalid (0)
    Peer Polling Interval: 6 (64 seconds)
    Peer Clock Precision: 0.000000 seconds
    Root Delay: 0.000000 seconds
    Root Dispersion: 0.007904 seconds
    Reference ID: Unidentified reference source 'STEP'
    Reference Timestamp: NULL
    Origin Timestamp: Jun 24, 2011 15:51:03.252317608 UTC
    Receive Timestamp: Jun 24, 2011 15:50:59.610181314 UTC
    Transmit Timestamp: Jun 24, 2011 15:52:03.544131391 UTC";

const SERVER_TREE: &str = "\
Network Time Protocol (NTP Version 4, server)
    Flags: 0x24, Leap Indicator: no warning, Version number: NTP Version 4, Mode: server
        00.. .... = Leap Indicator: no warning (0)
        ..10 0... = Version number: NTP Version 4 (4)
        .... .100 = Mode: server (4)
    Peer Clock Stratum: secondary reference (2)
    Peer Polling Interval: 6 (64 seconds)
    Peer Clock Precision: 0.000001 seconds
    Root Delay: 0.042343 seconds
    Root Dispersion: 0.042480 seconds
    Reference ID: 192.43.244.18
    Reference Timestamp: Jun 24, 2011 15:23:38.222427946 UTC
    Origin Timestamp: Jun 24, 2011 15:52:03.544131391 UTC
    Receive Timestamp: Jun 24, 2011 15:52:07.262539775 UTC
    Transmit Timestamp: Jun 24, 2011 15:52:07.262548922 UTC";

#[test]
fn corpus_client_request_matches_tshark() {
    let (p, d) = dissect(CLIENT);
    assert_eq!(chain(&p), "eth:ethertype:ip:udp:ntp");
    assert_eq!(p.summary.protocol, "NTP");
    assert_eq!(p.summary.info, "NTP Version 4, client");
    assert!(!p.is_malformed());
    let one = |n| only(&p, n, &d);
    assert_eq!(one("ntp.flags"), "0xe3");
    assert_eq!(one("ntp.flags.li"), "3");
    assert_eq!(one("ntp.flags.vn"), "4");
    assert_eq!(one("ntp.flags.mode"), "3");
    assert_eq!(one("ntp.stratum"), "0");
    assert_eq!(one("ntp.ppoll"), "6");
    assert_eq!(one("ntp.precision"), "234", "the byte, unsigned");
    assert_eq!(one("ntp.rootdelay"), "0");
    assert_eq!(one("ntp.rootdispersion"), "518");
    assert_eq!(one("ntp.refid"), "53:54:45:50");
    assert_eq!(one("ntp.reftime"), "NULL");
    assert_eq!(one("ntp.org"), "Jun 24, 2011 15:51:03.252317608 UTC");
    assert_eq!(one("ntp.rec"), "Jun 24, 2011 15:50:59.610181314 UTC");
    assert_eq!(one("ntp.xmt"), "Jun 24, 2011 15:52:03.544131391 UTC");
    assert!(v(&p, &d, "ntp.keyid").is_empty());
    assert_eq!(layer_text(&p, &d), lines(CLIENT_TREE));
}

#[test]
fn corpus_server_reply_matches_tshark() {
    let (p, d) = dissect(SERVER);
    assert_eq!(p.summary.info, "NTP Version 4, server");
    let one = |n| only(&p, n, &d);
    assert_eq!(one("ntp.flags"), "0x24");
    assert_eq!(one("ntp.stratum"), "2");
    assert_eq!(one("ntp.precision"), "236");
    assert_eq!(one("ntp.rootdelay"), "2775");
    assert_eq!(one("ntp.rootdispersion"), "2784");
    assert_eq!(one("ntp.refid"), "c0:2b:f4:12");
    assert_eq!(one("ntp.reftime"), "Jun 24, 2011 15:23:38.222427946 UTC");
    assert_eq!(one("ntp.xmt"), "Jun 24, 2011 15:52:07.262548922 UTC");
    assert_eq!(layer_text(&p, &d), lines(SERVER_TREE));
    // The spans are the message's bytes in the frame.
    let xmt = p.find("ntp.xmt").map(|f| f.span);
    assert_eq!(xmt, Some(Span::new(HEADERS + 40, 8)));
}

#[test]
fn fast_path_gives_the_same_summary() {
    let rec = CLIENT.record();
    let p = dissect_frame_fast(LinkType::ETHERNET, &rec.bytes);
    assert_eq!(p.summary.protocol, "NTP");
    assert_eq!(p.summary.info, "NTP Version 4, client");
    assert!(p.fields.is_empty());
}

#[test]
fn reassembled_ten_bytes_end_as_tshark_ends_them() {
    let cap = corpus_capture(FRAGMENTED);
    let frames = cap.test_frames();
    let pkts = dissect_frames(cap.link, crate::Prefs::default(), true, &frames);
    let (p, rec) = (&pkts[2], &cap.records[2]);
    assert_eq!(chain(p), "eth:ethertype:ip:udp:ntp");
    assert_eq!(p.summary.info, "reserved, reserved[Malformed Packet]");
    assert!(p.is_malformed());
    assert!(has_expert(p, "Malformed Packet: NTP"));
    let d = &rec.bytes;
    assert_eq!(only(p, "ntp.flags", d), "0x00");
    assert_eq!(only(p, "ntp.precision", d), "0");
    assert_eq!(only(p, "ntp.rootdelay", d), "0");
    assert!(
        v(p, d, "ntp.rootdispersion").is_empty(),
        "its four bytes are past the datagram's ten"
    );
    let text = layer_text(p, d);
    assert_eq!(
        text[text.len() - 3..],
        [
            "    Peer Clock Precision: 1.000000 seconds",
            "    Root Delay: 0.000000 seconds",
            "    [Expert Info (Error/Malformed): Malformed Packet: NTP needs bytes past the end of its 10 bytes (at offset 8)]",
        ]
    );
}

#[test]
fn capture_cut_short_keeps_what_was_captured() {
    let rec = SERVER.record();
    let cut = &rec.bytes[..HEADERS + 30];
    let p = dissect_frame_with_orig_len(LinkType::ETHERNET, cut, rec.wire_len);
    assert_eq!(
        p.summary.info,
        "NTP Version 4, server[Packet size limited during capture]"
    );
    assert!(has_expert(
        &p,
        "Packet size limited during capture: NTP truncated"
    ));
    assert_eq!(only(&p, "ntp.refid", cut), "c0:2b:f4:12");
    assert_eq!(
        only(&p, "ntp.reftime", cut),
        "Jun 24, 2011 15:23:38.222427946 UTC"
    );
    assert!(v(&p, cut, "ntp.org").is_empty(), "it ends past byte 30");
}

#[test]
fn datagram_shorter_than_the_header_is_malformed() {
    let msg = message_of(CLIENT);
    let f = frame_with(&msg[..20]);
    let p = dissect_frame_for_test(LinkType::ETHERNET, &f);
    assert_eq!(p.summary.info, "NTP Version 4, client[Malformed Packet]");
    assert_eq!(only(&p, "ntp.refid", &f), "53:54:45:50");
    assert!(v(&p, &f, "ntp.reftime").is_empty());
}

#[test]
fn key_id_and_digest_after_the_header() {
    let f = frame_with(&server_with_mac());
    let p = dissect_frame_for_test(LinkType::ETHERNET, &f);
    assert!(!p.is_malformed());
    assert_eq!(only(&p, "ntp.keyid", &f), "00:00:00:07");
    assert_eq!(
        only(&p, "ntp.mac", &f),
        "00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f"
    );
    let text = layer_text(&p, &f);
    assert_eq!(
        text[text.len() - 2..],
        [
            "    Key ID: 00000007",
            "    Message Authentication Code: 000102030405060708090a0b0c0d0e0f",
        ]
    );
}

#[test]
fn extension_field_then_mac() {
    let f = frame_with(&client_with_extension());
    let p = dissect_frame_for_test(LinkType::ETHERNET, &f);
    assert!(!p.is_malformed());
    assert_eq!(only(&p, "ntp.ext.type", &f), "0x0104");
    assert_eq!(only(&p, "ntp.ext.length", &f), "16");
    assert_eq!(only(&p, "ntp.keyid", &f), "00:00:00:01");
    let text = layer_text(&p, &f);
    assert_eq!(
        text[text.len() - 6..],
        [
            "    Extension",
            "        Field Type: Unique Identifier (0x0104)",
            "        Length: 16",
            "        Value: 000102030405060708090a0b",
            "    Key ID: 00000001",
            "    Message Authentication Code: 0000000000000000000000000000000000000000",
        ]
    );
}

#[test]
fn short_trailer_is_a_mac_not_an_extension() {
    // Sixteen bytes that would make an extension field, then eight: too few
    // for a MAC, so the sixteen are taken back as the key ID and digest.
    let mut m = message_of(CLIENT);
    m.extend(hex("01040010 000102030405060708090a0b"));
    m.extend([0; 8]);
    let f = frame_with(&m);
    let p = dissect_frame_for_test(LinkType::ETHERNET, &f);
    assert!(v(&p, &f, "ntp.ext.type").is_empty());
    assert_eq!(only(&p, "ntp.keyid", &f), "01:04:00:10");
    assert_eq!(
        only(&p, "ntp.mac", &f),
        "00:01:02:03:04:05:06:07:08:09:0a:0b:00:00:00:00:00:00:00:00"
    );
}

#[test]
fn extension_length_no_multiple_of_four_is_flagged() {
    let mut m = message_of(CLIENT);
    m.extend(hex("00020012"));
    m.extend([0; 34]);
    let f = frame_with(&m);
    let p = dissect_frame_for_test(LinkType::ETHERNET, &f);
    assert!(has_expert(&p, "Extension length 18 isn't a multiple of 4"));
    assert!(v(&p, &f, "ntp.ext.value").is_empty());
    assert!(v(&p, &f, "ntp.keyid").is_empty(), "the rest is given up");
    assert_eq!(p.worst_severity(), Some(Severity::Warn));
}

#[test]
fn control_message_with_variables_matches_tshark() {
    let f = frame_with(&hex(READVAR));
    let p = dissect_frame_for_test(LinkType::ETHERNET, &f);
    assert_eq!(p.summary.info, "NTP Version 2, control");
    assert_eq!(only(&p, "ntp.ctrl.flags2", &f), "0x82");
    assert_eq!(only(&p, "ntp.ctrl.flags2.opcode", &f), "2");
    assert_eq!(only(&p, "ntp.ctrl.status", &f), "0x0618");
    assert_eq!(only(&p, "ntp.ctrl.sys_status.clksrc", &f), "6");
    assert_eq!(only(&p, "ntp.ctrl.count", &f), "28");
    let expected = "\
Network Time Protocol (NTP Version 2, control)
    Flags: 0x16, Leap Indicator: no warning, Version number: NTP Version 2, Mode: reserved for NTP control message
        00.. .... = Leap Indicator: no warning (0)
        ..01 0... = Version number: NTP Version 2 (2)
        .... .110 = Mode: reserved for NTP control message (6)
    Flags 2: 0x82, Response bit: Response, Opcode: read variables
        1... .... = Response bit: Response (1)
        .0.. .... = Error bit: 0
        ..0. .... = More bit: 0
        ...0 0010 = Opcode: read variables (2)
    Sequence: 2
    Status: 0x0618, Leap Indicator: no warning, Clock Source: UDP/NTP, System Event Code: no system peer
        00.. .... .... .... = Leap Indicator: no warning (0)
        ..00 0110 .... .... = Clock Source: UDP/NTP (6)
        .... .... 0001 .... = System Event Counter: 1
        .... .... .... 1000 = System Event Code: no system peer (8)
    AssociationID: 0
    Offset: 0
    Count: 28
    Data
        version=\"ntpd 4.2.8\"
            version=\"ntpd 4.2.8\"
                version
                =
                \"ntpd 4.2.8\"
                    \"ntpd 4.2.8\"
                        ntpd 4.2.8
                            \"ntpd 4.2.8\"
                                \"
                                ntpd 4.2.8
                                    ntpd 4.2.8
                                        ntpd 4.2.8
                                \"
                
                    
        leap=0
            leap=0
                leap
                =
                0
                    0
                        0
                ";
    assert_eq!(layer_text(&p, &f), lines(expected));
}

#[test]
fn control_request_pads_to_its_authenticator() {
    let f = frame_with(&hex(READSTAT_REQUEST));
    let p = dissect_frame_for_test(LinkType::ETHERNET, &f);
    assert_eq!(only(&p, "ntp.ctrl.status", &f), "0x0000");
    assert_eq!(only(&p, "ntp.padding", &f), "00:00:00:05");
    let text = layer_text(&p, &f);
    assert_eq!(
        text[text.len() - 5..],
        [
            "    AssociationID: 0",
            "    Offset: 0",
            "    Count: 0",
            "    Padding: 00000005",
            "    Authenticator",
        ]
    );
}

#[test]
fn monlist_request_and_response_match_tshark() {
    let f = frame_with(&hex(MONLIST_REQUEST));
    let p = dissect_frame_for_test(LinkType::ETHERNET, &f);
    assert_eq!(
        p.summary.info,
        "NTP Version 2, private, Request, MON_GETLIST_1"
    );
    let text = layer_text(&p, &f);
    assert_eq!(
        text[text.len() - 6..],
        [
            "    Implementation: XNTPD (3)",
            "    Request code: MON_GETLIST_1 (42)",
            "    0000 .... = Err: No error (0x00)",
            "    .... 0000  0000 0000 = Number of data items: 0",
            "    0000 .... = Reserved: 0x00",
            "    .... 0000  0000 0000 = Size of data item: 0",
        ]
    );

    let f = frame_with(&hex(MONLIST_RESPONSE));
    let p = dissect_frame_for_test(LinkType::ETHERNET, &f);
    assert_eq!(
        p.summary.info,
        "NTP Version 2, private, Response, MON_GETLIST_1"
    );
    assert_eq!(only(&p, "ntp.priv.numitems", &f), "1");
    assert_eq!(only(&p, "ntp.priv.itemsize", &f), "72");
    assert_eq!(only(&p, "ntp.priv.mode7.item", &f), "Monlist Item");
    assert_eq!(only(&p, "ntp.priv.monlist.remote_address", &f), "192.0.2.9");
    let text = layer_text(&p, &f);
    let item = text
        .iter()
        .position(|l| l.starts_with("    Monlist item"))
        .expect("the item");
    assert_eq!(
        text[item..],
        [
            "    Monlist item: address: 192.0.2.9:40000",
            "        avgint: 10",
            "        lsint: 20",
            "        restr: 0x00001234",
            "        count: 5",
            "        remote address: 192.0.2.9",
            "        local address: 192.0.2.1",
            "        flags: 0x00000000",
            "        port: 40000",
            "        mode: 3",
            "        version: 4",
            "        ipv6: 0x00000000",
            "        unused: 0x00000000",
        ]
    );
}

#[test]
fn timestamps_as_tshark_writes_them() {
    assert_eq!(ntp_time_text(0, 0), "NULL");
    // The Unix epoch in era 0, to the second.
    assert_eq!(ntp_time_text(0x83aa_7e80, 0), "NULL");
    assert_eq!(
        ntp_time_text(0x83aa_7e80, 5),
        "Jan  1, 1970 00:00:00.000000001 UTC"
    );
    // Seconds with the top bit clear count from era 1 (February 2036).
    assert_eq!(
        ntp_time_text(0, 0x8000_0000),
        "Feb  7, 2036 06:28:16.500000000 UTC"
    );
    assert_eq!(
        ntp_time_text(0x8000_0000, 0),
        "Jan 20, 1968 03:14:08.000000000 UTC"
    );
    assert_eq!(
        ntp_time_text(0xffff_ffff, 0xffff_fffe),
        "Feb  7, 2036 06:28:15.999999999 UTC"
    );
}

#[test]
fn variable_lists_parse_as_tshark_does() {
    let texts = |data: &[u8]| -> Vec<String> {
        let m = Msg {
            buf: data,
            reported: data.len(),
            off: 0,
        };
        let found = vars::parse(&m, 0, data.len());
        assert!(found.stop.is_none());
        found
            .elems
            .iter()
            .map(|e| String::from_utf8_lossy(&data[e.at..e.at + e.len]).into_owned())
            .collect()
    };
    // Blanks before a comma are skipped but not covered.
    assert_eq!(texts(b" a = \"x, y\" ,b"), ["a = \"x, y\"", "b"]);
    // A value may hold blanks at its end, which are then covered.
    assert_eq!(texts(b"z=1 ,y"), ["z=1 ", "y"]);
    // The escape is not special inside quotes: the quote ends the value.
    assert_eq!(texts(b"k=\"a\\\"b\", z=1"), ["k=\"a\\\"b\"", "z=1"]);
    // A comma two bytes from the end is looked for; one at the end only
    // right after the value.
    assert_eq!(texts(b"a=@,"), ["a="]);
    assert_eq!(texts(b"a=@,b"), ["a=@", "b"]);
    assert_eq!(texts(b"a=1,"), ["a=1"]);
    // What is neither an identifier nor an assignment ends the list.
    assert!(texts(b",a").is_empty());
}

#[test]
fn variable_list_cut_short_stops_the_message() {
    let mut m = hex(READVAR);
    // The count says 40 bytes; the datagram has 28.
    m[11] = 40;
    let f = frame_with(&m);
    let p = dissect_frame_for_test(LinkType::ETHERNET, &f);
    assert_eq!(p.summary.info, "NTP Version 2, control[Malformed Packet]");
    let text = layer_text(&p, &f);
    assert!(text.contains(&"    Data".to_string()));
    assert!(
        text.contains(&"        version=\"ntpd 4.2.8\"".to_string()),
        "the first variable ends within the bytes"
    );
    assert!(!text.iter().any(|l| l.contains("leap=0")));
}

/// Every message of the tests above, whole.
fn messages() -> Vec<Vec<u8>> {
    vec![
        message_of(CLIENT),
        message_of(SERVER),
        server_with_mac(),
        client_with_extension(),
        hex(READVAR),
        hex(READSTAT_REQUEST),
        hex(MONLIST_REQUEST),
        hex(MONLIST_RESPONSE),
    ]
}

#[test]
fn every_prefix_of_every_message_is_safe() {
    for msg in messages() {
        let whole = frame_with(&msg);
        for n in 0..=msg.len() {
            // The datagram itself shorter...
            let f = frame_with(&msg[..n]);
            let p = dissect_frame_for_test(LinkType::ETHERNET, &f);
            let fast = dissect_frame_fast(LinkType::ETHERNET, &f);
            assert_eq!(p.summary.info, fast.summary.info, "{n} of {}", msg.len());
            if n > 0 {
                assert_eq!(chain(&p), "eth:ethertype:ip:udp:ntp");
            }
            // ...or cut by the capture.
            let cut = &whole[..HEADERS + n];
            let p = dissect_frame_with_orig_len(LinkType::ETHERNET, cut, whole.len() as u32);
            if n < msg.len() && n > 0 {
                let cut_short = p
                    .summary
                    .info
                    .ends_with("[Packet size limited during capture]");
                assert!(
                    cut_short || !p.is_malformed(),
                    "{n} of {}: {}",
                    msg.len(),
                    p.summary.info
                );
            }
        }
    }
}

#[test]
fn standard_messages_cut_in_the_header_say_so() {
    let msg = message_of(SERVER);
    let whole = frame_with(&msg);
    for n in 1..HEADER_LEN {
        let p = dissect_frame_for_test(LinkType::ETHERNET, &frame_with(&msg[..n]));
        assert!(p.is_malformed(), "{n}");
        assert!(p.summary.info.ends_with("[Malformed Packet]"), "{n}");
        let cut = &whole[..HEADERS + n];
        let p = dissect_frame_with_orig_len(LinkType::ETHERNET, cut, whole.len() as u32);
        assert!(
            p.summary
                .info
                .ends_with("[Packet size limited during capture]"),
            "{n}"
        );
    }
}

#[test]
fn mangled_messages_do_not_panic() {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for msg in messages() {
        for _ in 0..300 {
            let mut m = msg.clone();
            for _ in 0..1 + next() % 6 {
                let at = (next() % m.len() as u64) as usize;
                m[at] = next() as u8;
            }
            // Counts and sizes at their extremes too.
            if next() % 4 == 0 && m.len() > 11 {
                m[10] = 0xff;
                m[11] = next() as u8;
            }
            let f = frame_with(&m);
            let p = dissect_frame_for_test(LinkType::ETHERNET, &f);
            assert_eq!(p.protocols.last(), Some(&"ntp"));
        }
    }
}
