//! DHCP tests on real frames of the shared corpus: the DHCP exchange of
//! `formats/pcapng_le_basic.pcapng`, the same messages cut by the snap length
//! in `formats/pcapng_multi_if_isb.pcapng`, and the corpus Discover with its
//! options replaced (each expected tree is what tshark 4.0.17 prints for
//! those bytes), then cut and mangled to show no input makes it panic.

use super::*;
use crate::link::LinkType;
use crate::model::Packet;
use crate::testutil::{
    chain, dissect_frame_fast, dissect_frame_for_test, dissect_frame_with_orig_len, has_expert,
    only, values, CorpusFrame,
};

/// A DHCP Discover from 00:0b:82:01:fc:42 (transaction 0x3d1d), 272 bytes
/// of BOOTP behind Ethernet, IPv4 and UDP (68 -> 67).
const DISCOVER: CorpusFrame = CorpusFrame::new("formats/pcapng_le_basic.pcapng", 1);
/// The server's Offer of 192.168.0.10.
const OFFER: CorpusFrame = CorpusFrame::new("formats/pcapng_le_basic.pcapng", 2);
const REQUEST: CorpusFrame = CorpusFrame::new("formats/pcapng_le_basic.pcapng", 3);
const ACK: CorpusFrame = CorpusFrame::new("formats/pcapng_le_basic.pcapng", 4);
/// The Discover again, captured with a snap length of 96 bytes (54 of BOOTP).
const CUT_REQUEST: CorpusFrame = CorpusFrame::new("formats/pcapng_multi_if_isb.pcapng", 1);
/// The Offer, captured with a snap length of 128 bytes (86 of BOOTP).
const CUT_REPLY: CorpusFrame = CorpusFrame::new("formats/pcapng_multi_if_isb.pcapng", 2);

/// Ethernet, IPv4 without options and UDP in front of the message.
const HEADERS: usize = 14 + 20 + 8;
/// The fixed BOOTP header and the magic cookie.
const FIXED: usize = VENDOR_OFFSET + 4;

fn dissect(f: CorpusFrame) -> (Packet, Vec<u8>) {
    crate::testutil::dissect_corpus_ethernet(f)
}

fn v(p: &Packet, d: &[u8], name: &str) -> Vec<String> {
    values(p, name, d)
}

/// The DHCP layer as `print -V` shows it: its title and its lines.
fn layer_text(p: &Packet, d: &[u8]) -> Vec<String> {
    crate::testutil::layer_text(p, d, DHCP.label)
}

/// The lines from the first option on.
fn option_lines(p: &Packet, d: &[u8]) -> Vec<String> {
    layer_text(p, d)
        .into_iter()
        .skip_while(|l| !l.starts_with("    Option: "))
        .collect()
}

fn opt(code: u8, data: &[u8]) -> Vec<u8> {
    let mut o = vec![code, data.len() as u8];
    o.extend_from_slice(data);
    o
}

/// The corpus Discover's frame with `message` in place of its BOOTP
/// message; the IPv4 and UDP lengths and the IPv4 checksum made to fit, the
/// UDP checksum left out.
fn frame_with(message: &[u8]) -> Vec<u8> {
    let mut f = DISCOVER.bytes();
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

/// The corpus Discover's header and cookie, `edits` (offset in the message,
/// bytes) applied, and `options` after them.
fn discover_with(options: &[u8], edits: &[(usize, &[u8])]) -> Vec<u8> {
    let f = DISCOVER.bytes();
    let mut msg = f[HEADERS..HEADERS + FIXED].to_vec();
    for (at, bytes) in edits {
        msg[*at..*at + bytes.len()].copy_from_slice(bytes);
    }
    msg.extend_from_slice(options);
    frame_with(&msg)
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_string).collect()
}

#[test]
fn corpus_discover_matches_tshark() {
    let (p, d) = dissect(DISCOVER);
    assert_eq!(chain(&p), "eth:ethertype:ip:udp:dhcp");
    assert_eq!(p.summary.protocol, "DHCP");
    assert_eq!(p.summary.info, "DHCP Discover - Transaction ID 0x3d1d");
    assert!(!p.is_malformed());
    let one = |n| only(&p, n, &d);
    assert_eq!(one("dhcp.type"), "1");
    assert_eq!(
        v(&p, &d, "dhcp.hw.type"),
        ["0x01", "0x01"],
        "the header's and option 61's"
    );
    assert_eq!(one("dhcp.hw.len"), "6");
    assert_eq!(one("dhcp.hops"), "0");
    assert_eq!(one("dhcp.id"), "0x00003d1d");
    assert_eq!(one("dhcp.secs"), "0");
    assert_eq!(one("dhcp.flags"), "0x0000");
    assert_eq!(one("dhcp.flags.bc"), "0");
    assert_eq!(one("dhcp.flags.reserved"), "0x0000");
    assert_eq!(one("dhcp.ip.client"), "0.0.0.0");
    assert_eq!(one("dhcp.ip.relay"), "0.0.0.0");
    assert_eq!(
        v(&p, &d, "dhcp.hw.mac_addr"),
        ["00:0b:82:01:fc:42", "00:0b:82:01:fc:42"],
        "the header's and option 61's"
    );
    assert_eq!(one("dhcp.hw.addr_padding"), "00:00:00:00:00:00:00:00:00:00");
    assert_eq!(one("dhcp.server"), "");
    assert_eq!(one("dhcp.file"), "");
    assert_eq!(one("dhcp.cookie"), "99.130.83.99");
    assert_eq!(v(&p, &d, "dhcp.option.type"), ["53", "61", "50", "55", "0"]);
    assert_eq!(v(&p, &d, "dhcp.option.length"), ["1", "7", "4", "4"]);
    assert_eq!(
        v(&p, &d, "dhcp.option.value"),
        ["01", "01:00:0b:82:01:fc:42", "00:00:00:00", "01:03:06:2a"]
    );
    assert_eq!(one("dhcp.option.dhcp"), "1");
    assert_eq!(one("dhcp.option.requested_ip_address"), "0.0.0.0");
    assert_eq!(
        v(&p, &d, "dhcp.option.request_list_item"),
        ["1", "3", "6", "42"]
    );
    assert_eq!(one("dhcp.option.end"), "255");
    assert_eq!(one("dhcp.option.padding"), "00:00:00:00:00:00:00");
    assert!(
        p.find("dhcp.bootp").is_none(),
        "a DHCP message is not BOOTP"
    );
    let text = layer_text(&p, &d);
    assert_eq!(text[0], "Dynamic Host Configuration Protocol (Discover)");
    for line in [
        "    Bootp flags: 0x0000 (Unicast)",
        "        0... .... .... .... = Broadcast flag: Unicast",
        "        .000 0000 0000 0000 = Reserved flags: 0x0000",
        "    Server host name not given",
        "    Magic cookie: DHCP",
        "    Option: (53) DHCP Message Type (Discover)",
        "        DHCP: Discover (1)",
        "    Option: (50) Requested IP Address (0.0.0.0)",
        "        Parameter Request List Item: (42) Network Time Protocol Servers",
        "    Option: (255) End",
        "    Padding: 00000000000000",
    ] {
        assert!(text.iter().any(|l| l == line), "{line:?} in {text:#?}");
    }
    assert!(
        !text.iter().any(|l| l.contains("Value:")),
        "decoded values hide the raw ones"
    );
}

#[test]
fn corpus_offer_shows_times_and_addresses() {
    let (p, d) = dissect(OFFER);
    assert_eq!(p.summary.info, "DHCP Offer    - Transaction ID 0x3d1d");
    assert_eq!(only(&p, "dhcp.type", &d), "2");
    assert_eq!(only(&p, "dhcp.ip.your", &d), "192.168.0.10");
    assert_eq!(only(&p, "dhcp.ip.server", &d), "192.168.0.1");
    assert_eq!(only(&p, "dhcp.option.subnet_mask", &d), "255.255.255.0");
    assert_eq!(only(&p, "dhcp.option.renewal_time_value", &d), "1800");
    assert_eq!(only(&p, "dhcp.option.rebinding_time_value", &d), "3150");
    assert_eq!(only(&p, "dhcp.option.ip_address_lease_time", &d), "3600");
    assert_eq!(only(&p, "dhcp.option.dhcp_server_id", &d), "192.168.0.1");
    let text = layer_text(&p, &d);
    for line in [
        "    Option: (1) Subnet Mask (255.255.255.0)",
        "        Renewal Time Value: (1800s) 30 minutes",
        "        Rebinding Time Value: (3150s) 52 minutes, 30 seconds",
        "        IP Address Lease Time: (3600s) 1 hour",
        "    Option: (54) DHCP Server Identifier (192.168.0.1)",
    ] {
        assert!(text.iter().any(|l| l == line), "{line:?} in {text:#?}");
    }
}

#[test]
fn corpus_exchange_summaries_match_tshark() {
    for (f, info) in [
        (DISCOVER, "DHCP Discover - Transaction ID 0x3d1d"),
        (OFFER, "DHCP Offer    - Transaction ID 0x3d1d"),
        (REQUEST, "DHCP Request  - Transaction ID 0x3d1e"),
        (ACK, "DHCP ACK      - Transaction ID 0x3d1e"),
    ] {
        let bytes = f.bytes();
        let fast = dissect_frame_fast(LinkType::ETHERNET, &bytes);
        assert_eq!(fast.summary.info, info, "{f:?}, fast path");
        assert_eq!(fast.summary.protocol, "DHCP");
        let full = dissect_frame_for_test(LinkType::ETHERNET, &bytes);
        assert_eq!(full.summary.info, info, "{f:?}, with the tree");
    }
}

/// tshark stops in `sname`, before the first pass reaches the options, so
/// the message stays BOOTP and its tree ends with the address padding.
#[test]
fn snaplen_cut_message_is_bootp_up_to_the_cut() {
    for (f, info, last) in [
        (
            CUT_REQUEST,
            "Boot Request from 00:0b:82:01:fc:42 (00:0b:82:01:fc:42)[Packet size limited during capture]",
            "dhcp.hw.addr_padding",
        ),
        (
            CUT_REPLY,
            "Boot Reply[Packet size limited during capture]",
            "dhcp.hw.addr_padding",
        ),
    ] {
        let (p, d) = dissect(f);
        assert_eq!(chain(&p), "eth:ethertype:ip:udp:dhcp");
        assert_eq!(p.summary.protocol, "BOOTP", "{f:?}");
        assert_eq!(p.summary.info, info);
        assert!(p.is_malformed());
        assert!(has_expert(
            &p,
            "Packet size limited during capture: DHCP/BOOTP truncated"
        ));
        let dhcp: Vec<_> = p.fields.iter().filter(|n| n.def.protocol() == "dhcp").collect();
        assert_eq!(dhcp.last().map(|n| n.def.name), Some(last), "{f:?}");
        assert!(p.find("dhcp.server").is_none());
        assert_eq!(only(&p, "dhcp.id", &d), "0x00003d1d");
        let text = layer_text(&p, &d);
        assert_eq!(text[0], "Dynamic Host Configuration Protocol");
        let rec = f.record();
        let mut fast = Packet::new(false);
        let mut dissector = crate::Dissector::default();
        let meta = crate::FrameMeta::new(1, rec.ts, rec.wire_len, LinkType::ETHERNET);
        dissector.dissect(&meta, &rec.bytes, &mut fast);
        assert_eq!(fast.summary.info, info, "fast path");
    }
}

/// A client's options (the corpus Discover with a little-endian `secs` and
/// the broadcast flag): the whole layer as tshark prints it.
#[test]
fn client_options_tree_equals_tshark() {
    let mac = [0x00, 0x0b, 0x82, 0x01, 0xfc, 0x42];
    let mut options = opt(53, &[1]);
    options.extend(opt(61, &[[1].as_slice(), &mac].concat()));
    options.extend(opt(57, &[0x05, 0xdc]));
    options.extend(opt(50, &[192, 168, 1, 100]));
    options.push(0);
    options.extend(opt(12, b"myhost"));
    options.extend(opt(81, b"\x00\x00\x00myhost.example.com"));
    options.extend(opt(60, b"MSFT 5.0"));
    options.extend(opt(
        55,
        &[1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252, 200],
    ));
    options.extend(opt(224, &[0xde, 0xad, 0xbe, 0xef]));
    options.push(255);
    options.extend([0; 5]);
    let f = discover_with(&options, &[(8, &[3, 0]), (10, &[0x80, 0])]);
    let p = dissect_frame_for_test(LinkType::ETHERNET, &f);
    assert_eq!(p.summary.info, "DHCP Discover - Transaction ID 0x3d1d");
    assert_eq!(only(&p, "dhcp.secs", &f), "3");
    assert_eq!(only(&p, "dhcp.flags.bc", &f), "1");
    assert_eq!(only(&p, "dhcp.option.hostname", &f), "myhost");
    assert_eq!(only(&p, "dhcp.fqdn.name", &f), "myhost.example.com");
    assert_eq!(only(&p, "dhcp.option.vendor_class_id", &f), "MSFT 5.0");
    assert_eq!(only(&p, "dhcp.option.dhcp_max_message_size", &f), "1500");
    assert_eq!(
        v(&p, &f, "dhcp.option.value").last().map(String::as_str),
        Some("de:ad:be:ef")
    );
    assert_eq!(layer_text(&p, &f), lines(CLIENT_OPTIONS_TREE));
}

const CLIENT_OPTIONS_TREE: &str = "\
Dynamic Host Configuration Protocol (Discover)
    Message type: Boot Request (1)
    Hardware type: Ethernet (0x01)
    Hardware address length: 6
    Hops: 0
    Transaction ID: 0x00003d1d
    Seconds elapsed: 3
        [Expert Info (Note/Protocol): Seconds elapsed appears to be encoded as little-endian]
            [Seconds elapsed appears to be encoded as little-endian]
            [Severity level: Note]
            [Group: Protocol]
    Bootp flags: 0x8000, Broadcast flag (Broadcast)
        1... .... .... .... = Broadcast flag: Broadcast
        .000 0000 0000 0000 = Reserved flags: 0x0000
    Client IP address: 0.0.0.0
    Your (client) IP address: 0.0.0.0
    Next server IP address: 0.0.0.0
    Relay agent IP address: 0.0.0.0
    Client MAC address: 00:0b:82:01:fc:42
    Client hardware address padding: 00000000000000000000
    Server host name not given
    Boot file name not given
    Magic cookie: DHCP
    Option: (53) DHCP Message Type (Discover)
        Length: 1
        DHCP: Discover (1)
    Option: (61) Client identifier
        Length: 7
        Hardware type: Ethernet (0x01)
        Client MAC address: 00:0b:82:01:fc:42
    Option: (57) Maximum DHCP Message Size
        Length: 2
        Maximum DHCP Message Size: 1500
    Option: (50) Requested IP Address (192.168.1.100)
        Length: 4
        Requested IP Address: 192.168.1.100
    Option: (0) Padding
        Padding: 00
    Option: (12) Host Name
        Length: 6
        Host Name: myhost
    Option: (81) Client Fully Qualified Domain Name
        Length: 21
        Flags: 0x00
            0000 .... = Reserved flags: 0x0
            .... 0... = Server DDNS: Some server updates
            .... .0.. = Encoding: ASCII encoding
            .... ..0. = Server overrides: No override
            .... ...0 = Server: Client
        A-RR result: 0
        PTR-RR result: 0
        Client name: myhost.example.com
    Option: (60) Vendor class identifier
        Length: 8
        Vendor class identifier: MSFT 5.0
    Option: (55) Parameter Request List
        Length: 15
        Parameter Request List Item: (1) Subnet Mask
        Parameter Request List Item: (3) Router
        Parameter Request List Item: (6) Domain Name Server
        Parameter Request List Item: (15) Domain Name
        Parameter Request List Item: (31) Perform Router Discover
        Parameter Request List Item: (33) Static Route
        Parameter Request List Item: (43) Vendor-Specific Information
        Parameter Request List Item: (44) NetBIOS over TCP/IP Name Server
        Parameter Request List Item: (46) NetBIOS over TCP/IP Node Type
        Parameter Request List Item: (47) NetBIOS over TCP/IP Scope
        Parameter Request List Item: (119) Domain Search
        Parameter Request List Item: (121) Classless Static Route
        Parameter Request List Item: (249) Private/Classless Static Route (Microsoft)
        Parameter Request List Item: (252) Private/Proxy autodiscovery
        Parameter Request List Item: (200) Unassigned
    Option: (224) Private
        Length: 4
        Value: deadbeef
    Option: (255) End
        Option End: 255
    Padding: 0000000000";

/// A server's options (the corpus Discover turned into an ACK).
#[test]
fn server_options_tree_equals_tshark() {
    let mut options = opt(53, &[5]);
    options.extend(opt(54, &[192, 168, 1, 1]));
    options.extend(opt(51, &86_400u32.to_be_bytes()));
    options.extend(opt(58, &43_200u32.to_be_bytes()));
    options.extend(opt(59, &75_600u32.to_be_bytes()));
    options.extend(opt(1, &[255, 255, 255, 0]));
    options.extend(opt(3, &[192, 168, 1, 1, 192, 168, 1, 2]));
    options.extend(opt(6, &[8, 8, 8, 8, 8, 8, 4, 4, 1, 1, 1, 1]));
    options.extend(opt(15, b"example.com"));
    options.extend(opt(28, &[192, 168, 1, 255]));
    options.extend(opt(2, &(-3600i32).to_be_bytes()));
    options.extend(opt(26, &1500u16.to_be_bytes()));
    options.extend(opt(42, &[10, 0, 0, 1]));
    options.extend(opt(51, &[0xff; 4]));
    options.push(255);
    let f = discover_with(
        &options,
        &[
            (0, &[2]),
            (8, &[0, 5]),
            (10, &[0, 1]),
            (16, &[192, 168, 1, 100]),
            (20, &[192, 168, 1, 1]),
        ],
    );
    let p = dissect_frame_for_test(LinkType::ETHERNET, &f);
    assert_eq!(p.summary.info, "DHCP ACK      - Transaction ID 0x3d1d");
    assert_eq!(
        only(&p, "dhcp.secs", &f),
        "5",
        "0x0500 read little-endian is too big"
    );
    assert_eq!(only(&p, "dhcp.flags.reserved", &f), "0x0001");
    assert_eq!(
        v(&p, &f, "dhcp.option.router"),
        ["192.168.1.1", "192.168.1.2"]
    );
    assert_eq!(
        v(&p, &f, "dhcp.option.domain_name_server"),
        ["8.8.8.8", "8.8.4.4", "1.1.1.1"]
    );
    assert_eq!(only(&p, "dhcp.option.time_offset", &f), "-3600");
    assert_eq!(
        v(&p, &f, "dhcp.option.ip_address_lease_time"),
        ["86400", "4294967295"]
    );
    assert_eq!(only(&p, "dhcp.option.domain_name", &f), "example.com");
    assert_eq!(only(&p, "dhcp.option.interface_mtu", &f), "1500");
    let text = layer_text(&p, &f);
    assert!(text.contains(&"    Bootp flags: 0x0001 (Unicast)".to_string()));
    assert!(text.contains(&"        .000 0000 0000 0001 = Reserved flags: 0x0001".to_string()));
    assert_eq!(option_lines(&p, &f), lines(SERVER_OPTIONS_TREE));
}

const SERVER_OPTIONS_TREE: &str = "    Option: (53) DHCP Message Type (ACK)
        Length: 1
        DHCP: ACK (5)
    Option: (54) DHCP Server Identifier (192.168.1.1)
        Length: 4
        DHCP Server Identifier: 192.168.1.1
    Option: (51) IP Address Lease Time
        Length: 4
        IP Address Lease Time: (86400s) 1 day
    Option: (58) Renewal Time Value
        Length: 4
        Renewal Time Value: (43200s) 12 hours
    Option: (59) Rebinding Time Value
        Length: 4
        Rebinding Time Value: (75600s) 21 hours
    Option: (1) Subnet Mask (255.255.255.0)
        Length: 4
        Subnet Mask: 255.255.255.0
    Option: (3) Router
        Length: 8
        Router: 192.168.1.1
        Router: 192.168.1.2
    Option: (6) Domain Name Server
        Length: 12
        Domain Name Server: 8.8.8.8
        Domain Name Server: 8.8.4.4
        Domain Name Server: 1.1.1.1
    Option: (15) Domain Name
        Length: 11
        Domain Name: example.com
    Option: (28) Broadcast Address (192.168.1.255)
        Length: 4
        Broadcast Address: 192.168.1.255
    Option: (2) Time Offset
        Length: 4
        Time Offset: (-3600s) -1 hour
    Option: (26) Interface MTU
        Length: 2
        Interface MTU: 1500
    Option: (42) Network Time Protocol Servers
        Length: 4
        Network Time Protocol Server: 10.0.0.1
    Option: (51) IP Address Lease Time
        Length: 4
        IP Address Lease Time: (4294967295s) infinity
    Option: (255) End
        Option End: 255";

/// Option 52 moves options into `sname` and `file`: they are shown under it.
#[test]
fn overloaded_name_fields_hold_options() {
    let mut options = opt(53, &[5]);
    options.extend(opt(52, &[3]));
    options.push(255);
    let sname = [opt(12, b"inname"), vec![255]].concat();
    let file = [opt(15, b"dom.example"), vec![255]].concat();
    let f = discover_with(&options, &[(SNAME_OFFSET, &sname), (FILE_OFFSET, &file)]);
    let p = dissect_frame_for_test(LinkType::ETHERNET, &f);
    assert_eq!(only(&p, "dhcp.option.option_overload", &f), "3");
    assert_eq!(only(&p, "dhcp.option.hostname", &f), "inname");
    assert_eq!(only(&p, "dhcp.option.domain_name", &f), "dom.example");
    assert!(p.find("dhcp.server").is_none());
    let text = layer_text(&p, &f);
    for line in [
        "    Server name option overloaded by DHCP",
        "        [Expert Info (Note/Protocol): Server name option overloaded by DHCP]",
        "    Boot file name option overloaded by DHCP",
    ] {
        assert!(text.iter().any(|l| l == line), "{line:?} in {text:#?}");
    }
    assert_eq!(option_lines(&p, &f), lines(OVERLOAD_TREE));
}

const OVERLOAD_TREE: &str = "    Option: (53) DHCP Message Type (ACK)
        Length: 1
        DHCP: ACK (5)
    Option: (52) Option Overload
        Length: 1
        Option Overload: Boot file and server host names hold options (3)
        Server host name option overload
            Option: (12) Host Name
                Length: 6
                Host Name: inname
            Option: (255) End
                Option End: 255
        Boot file name option overload
            Option: (15) Domain Name
                Length: 11
                Domain Name: dom.example
            Option: (255) End
                Option End: 255
    Option: (255) End
        Option End: 255";

/// The forms of option 61, and a client name in DNS wire format.
#[test]
fn client_identifiers_and_binary_names() {
    let mac = [0x00, 0x0b, 0x82, 0x01, 0xfc, 0x42];
    let mut options = opt(53, &[3]);
    options.extend(opt(61, b"\x00hello"));
    options.extend(opt(
        61,
        &[[0].as_slice(), &(0..16).collect::<Vec<u8>>()].concat(),
    ));
    let llt = [
        &[0xff, 1, 2, 3, 4, 0, 1, 0, 1, 0x1a, 0x2b, 0x3c, 0x4d][..],
        &mac,
    ]
    .concat();
    options.extend(opt(61, &llt));
    let ll = [&[0xff, 1, 2, 3, 4, 0, 3, 0, 1][..], &mac].concat();
    options.extend(opt(61, &ll));
    options.extend(opt(61, &[[0x20].as_slice(), &mac].concat()));
    options.extend(opt(81, b"\x05\xff\x00\x06myhost\x07example\x03com\x00"));
    options.push(255);
    let f = discover_with(&options, &[]);
    let p = dissect_frame_for_test(LinkType::ETHERNET, &f);
    assert_eq!(only(&p, "dhcp.client_id.undef", &f), "hello");
    assert_eq!(
        only(&p, "dhcp.client_id.uuid", &f),
        "03020100-0504-0706-0809-0a0b0c0d0e0f"
    );
    assert_eq!(v(&p, &f, "dhcp.client_id.iaid"), ["01020304", "01020304"]);
    assert_eq!(v(&p, &f, "dhcp.client_id.duid_type"), ["1", "3"]);
    assert_eq!(only(&p, "dhcp.client_id.time", &f), "439041101");
    assert_eq!(
        v(&p, &f, "dhcp.client_id.link_layer_address"),
        ["00:0b:82:01:fc:42", "00:0b:82:01:fc:42"]
    );
    assert_eq!(only(&p, "dhcp.client_hardware_address", &f), "000b8201fc42");
    assert_eq!(only(&p, "dhcp.fqdn.name", &f), "myhost.example.com");
    assert_eq!(only(&p, "dhcp.fqdn.e", &f), "1");
    assert_eq!(only(&p, "dhcp.fqdn.rcode1", &f), "255");
    let text = layer_text(&p, &f);
    for line in [
        "        Type: 0",
        "        Client Identifier: hello",
        "        Client Identifier (UUID): 03020100-0504-0706-0809-0a0b0c0d0e0f",
        "        DUID Type: link-layer address plus time (1)",
        "        Hardware type: Ethernet (1)",
        "        DUID Type: link-layer address (3)",
        "        Hardware type: InfiniBand (0x20)",
        "        Client hardware address: 000b8201fc42",
        "        Flags: 0x05, Encoding, Server",
        "            .... .1.. = Encoding: Binary encoding",
        "            .... ...1 = Server: Server",
    ] {
        assert!(text.iter().any(|l| l == line), "{line:?} in {text:#?}");
    }
}

/// A length running past the message: tshark keeps the option's line and
/// its length, then calls the packet malformed.
#[test]
fn option_running_past_the_message_is_malformed() {
    let mut options = opt(53, &[3]);
    options.extend(b"\x0c\x20abc");
    let f = discover_with(&options, &[]);
    let p = dissect_frame_for_test(LinkType::ETHERNET, &f);
    assert_eq!(
        p.summary.info,
        "DHCP Request  - Transaction ID 0x3d1d[Malformed Packet]"
    );
    assert_eq!(p.summary.protocol, "DHCP");
    assert!(p.is_malformed());
    assert!(has_expert(&p, "Malformed Packet: DHCP/BOOTP"));
    let text = option_lines(&p, &f);
    assert_eq!(
        text,
        [
            "    Option: (53) DHCP Message Type (Request)",
            "        Length: 1",
            "        DHCP: Request (3)",
            "    Option: (12) Host Name",
            "        Length: 32",
            "    [Expert Info (Error/Malformed): Malformed Packet: DHCP/BOOTP needs bytes past the end of its 248 bytes (at offset 245)]",
        ]
    );
    assert_eq!(v(&p, &f, "dhcp.option.type"), ["53", "12"]);
}

#[test]
fn missing_end_option_is_an_error() {
    let mut options = opt(53, &[8]);
    options.extend(opt(12, b"h"));
    let f = discover_with(&options, &[]);
    let p = dissect_frame_for_test(LinkType::ETHERNET, &f);
    assert_eq!(p.summary.info, "DHCP Inform   - Transaction ID 0x3d1d");
    assert!(!p.is_malformed());
    let text = layer_text(&p, &f);
    assert_eq!(
        text[text.len() - 4..],
        [
            "    [Expert Info (Error/Protocol): End option missing]",
            "        [End option missing]",
            "        [Severity level: Error]",
            "        [Group: Protocol]",
        ]
    );
}

/// Datagrams shorter than the BOOTP header are malformed (not cut by the
/// capture): tshark's Info for 100, 30 and 1 bytes of the Discover.
#[test]
fn short_datagrams_are_malformed() {
    let msg = &DISCOVER.bytes()[HEADERS..];
    for (len, info) in [
        (
            100,
            "Boot Request from 00:0b:82:01:fc:42 (00:0b:82:01:fc:42)[Malformed Packet]",
        ),
        (30, "[Malformed Packet]"),
        (1, "[Malformed Packet]"),
    ] {
        let f = frame_with(&msg[..len]);
        let p = dissect_frame_for_test(LinkType::ETHERNET, &f);
        assert_eq!(p.summary.info, info, "{len} bytes");
        assert_eq!(p.summary.protocol, "BOOTP");
        assert!(p.is_malformed(), "{len} bytes");
        assert_eq!(chain(&p), "eth:ethertype:ip:udp:dhcp");
    }
    let p = dissect_frame_for_test(LinkType::ETHERNET, &frame_with(&msg[..100]));
    let d = frame_with(&msg[..100]);
    let names: Vec<_> = p
        .fields
        .iter()
        .filter(|n| n.def.protocol() == "dhcp")
        .map(|n| n.def.name)
        .collect();
    assert_eq!(names.last(), Some(&"dhcp.hw.addr_padding"), "{names:?}");
    assert_eq!(only(&p, "dhcp.hw.mac_addr", &d), "00:0b:82:01:fc:42");
}

/// Every prefix of a real message, as a datagram of that length and as the
/// whole datagram cut by the capture, in both dissection modes: no panic,
/// the layer always there, and the right kind of stop.
#[test]
fn every_prefix_of_a_real_message_is_handled() {
    let full = DISCOVER.bytes();
    let msg = &full[HEADERS..];
    for len in 1..=msg.len() {
        let datagram = frame_with(&msg[..len]);
        let cut = &full[..HEADERS + len];
        for tree in [true, false] {
            let p = if tree {
                dissect_frame_for_test(LinkType::ETHERNET, &datagram)
            } else {
                dissect_frame_fast(LinkType::ETHERNET, &datagram)
            };
            assert_eq!(chain(&p), "eth:ethertype:ip:udp:dhcp", "{len}");
            assert!(
                !p.summary.info.contains("Packet size limited"),
                "{len}: {}",
                p.summary.info
            );
            let p = if tree {
                dissect_frame_with_orig_len(LinkType::ETHERNET, cut, full.len() as u32)
            } else {
                let mut p = Packet::new(false);
                let meta = crate::FrameMeta::new(
                    1,
                    crate::Timestamp::new(0, 0),
                    full.len() as u32,
                    LinkType::ETHERNET,
                );
                crate::Dissector::default().dissect(&meta, cut, &mut p);
                p
            };
            assert_eq!(chain(&p), "eth:ethertype:ip:udp:dhcp", "{len}");
            if len < msg.len() {
                assert!(p.is_malformed() || !tree, "{len}");
                assert!(
                    p.summary
                        .info
                        .ends_with("[Packet size limited during capture]")
                        || p.summary.info.ends_with("[Malformed Packet]"),
                    "{len}: {}",
                    p.summary.info
                );
            } else {
                assert_eq!(p.summary.info, "DHCP Discover - Transaction ID 0x3d1d");
            }
        }
    }
}

/// Bytes changed at random all over a message with every decoded option,
/// lengths included: never a panic, always a DHCP layer.
#[test]
fn mangled_messages_do_not_panic() {
    let mut options = opt(53, &[1]);
    for (code, data) in [
        (
            61,
            &b"\xff\x01\x02\x03\x04\x00\x01\x00\x01\x1a\x2b\x3c\x4d\x00\x0b\x82\x01\xfc\x42"[..],
        ),
        (52, b"\x03"),
        (81, b"\x05\xff\x00\x06myhost\x07example\x03com\x00"),
        (3, b"\x0a\x00\x00\x01\x0a\x00\x00\x02"),
        (21, b"\x0a\x00\x00\x01\xff\xff\xff\x00"),
        (25, b"\x05\xdc\x02\x40"),
        (55, b"\x01\x03\x06"),
        (43, b"\x01\x02"),
        (2, b"\xff\xff\xf1\xf0"),
    ] {
        options.extend(opt(code, data));
    }
    options.push(255);
    let base = discover_with(
        &options,
        &[
            (SNAME_OFFSET, b"\x0c\x01h\xff"),
            (FILE_OFFSET, b"\x00\x00\xff"),
        ],
    );
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for round in 0..3000 {
        let mut f = base.clone();
        for _ in 0..1 + next() % 6 {
            let at = HEADERS + (next() as usize) % (f.len() - HEADERS);
            f[at] = next() as u8;
        }
        let keep = HEADERS + (next() as usize) % (f.len() - HEADERS + 1);
        let cut = &f[..keep.max(HEADERS + 1)];
        let p = dissect_frame_with_orig_len(LinkType::ETHERNET, cut, f.len() as u32);
        assert!(chain(&p).ends_with(":dhcp"), "round {round}");
        let p = dissect_frame_for_test(LinkType::ETHERNET, &f);
        assert!(!p.summary.info.is_empty(), "round {round}");
        dissect_frame_fast(LinkType::ETHERNET, &f);
    }
}

#[test]
fn durations_read_as_wireshark_writes_them() {
    let text = |secs| {
        let mut s = String::new();
        fields::write_duration(&mut s, secs);
        s
    };
    assert_eq!(text(0), "0 seconds");
    assert_eq!(text(1), "1 second");
    assert_eq!(text(3150), "52 minutes, 30 seconds");
    assert_eq!(text(90_061), "1 day, 1 hour, 1 minute, 1 second");
    assert_eq!(
        text(3_232_235_777),
        "37410 days, 3 hours, 16 minutes, 17 seconds"
    );
}

#[test]
fn option_names_follow_wireshark() {
    assert_eq!(options::option_name(0), "Padding");
    assert_eq!(options::option_name(1), "Subnet Mask");
    assert_eq!(options::option_name(53), "DHCP Message Type");
    assert_eq!(options::option_name(200), "Unassigned");
    assert_eq!(
        options::option_name(249),
        "Private/Classless Static Route (Microsoft)"
    );
    assert_eq!(options::option_name(255), "End");
}
