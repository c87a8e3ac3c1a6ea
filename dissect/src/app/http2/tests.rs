//! HTTP/2 tests: HPACK on RFC 7541 appendix C and on hostile blocks, the
//! recorded nghttp/nghttpd session (`samples/captures/h2c_session.pcap`)
//! against what nghttp itself logged, flow-control windows, and real frames
//! from the shared corpus.

use super::hpack::{HpackDecoder, Item, Repr, MAX_HEADER_LIST_BYTES};
use super::state::Connection;
use super::stream::StreamState;
use crate::link::LinkType;
use crate::model::{Packet, Timestamp};
use crate::testutil::TcpEnd;
use crate::testutil::{
    corpus_capture, dissect_frames, has_expert, hex, values, CorpusFrame, TestFrame,
};
use crate::{Dissector, FrameMeta, Prefs};

fn decode(d: &mut HpackDecoder, h: &str) -> Vec<(String, String)> {
    let out = d.fragment(&hex(h), true, 1);
    assert!(out.error.is_none(), "{h}: {:?}", out.error);
    headers(&out.items)
}

fn headers(items: &[Item]) -> Vec<(String, String)> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Header(h) => Some((
                String::from_utf8_lossy(&h.name).into_owned(),
                String::from_utf8_lossy(&h.value).into_owned(),
            )),
            Item::SizeUpdate { .. } => None,
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn rfc7541_c2_field_representations() {
    let mut d = HpackDecoder::default();
    let out = d.fragment(
        &hex("400a637573746f6d2d6b65790d637573746f6d2d686561646572"),
        true,
        1,
    );
    assert_eq!(
        headers(&out.items),
        pairs(&[("custom-key", "custom-header")])
    );
    let Item::Header(h) = &out.items[0] else {
        panic!("a header")
    };
    assert_eq!(
        h.repr,
        Repr::Incremental {
            indexed_name: false
        }
    );
    assert_eq!(h.index, None);
    let out = d.fragment(&hex("040c2f73616d706c652f70617468"), true, 2);
    assert_eq!(headers(&out.items), pairs(&[(":path", "/sample/path")]));
    let Item::Header(h) = &out.items[0] else {
        panic!("a header")
    };
    assert_eq!(h.repr, Repr::WithoutIndexing { indexed_name: true });
    assert_eq!(h.index, Some(4));
    let out = d.fragment(&hex("100870617373776f726406736563726574"), true, 3);
    assert_eq!(headers(&out.items), pairs(&[("password", "secret")]));
    assert_eq!(
        decode(&mut HpackDecoder::default(), "82"),
        pairs(&[(":method", "GET")])
    );
}

const C3_C4_REQUESTS: [&[(&str, &str)]; 3] = [
    &[
        (":method", "GET"),
        (":scheme", "http"),
        (":path", "/"),
        (":authority", "www.example.com"),
    ],
    &[
        (":method", "GET"),
        (":scheme", "http"),
        (":path", "/"),
        (":authority", "www.example.com"),
        ("cache-control", "no-cache"),
    ],
    &[
        (":method", "GET"),
        (":scheme", "https"),
        (":path", "/index.html"),
        (":authority", "www.example.com"),
        ("custom-key", "custom-value"),
    ],
];

#[test]
fn rfc7541_c3_requests_without_huffman() {
    let mut d = HpackDecoder::default();
    let blocks = [
        "828684410f7777772e6578616d706c652e636f6d",
        "828684be58086e6f2d6361636865",
        "828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565",
    ];
    for (b, want) in blocks.iter().zip(C3_C4_REQUESTS) {
        assert_eq!(decode(&mut d, b), pairs(want));
    }
}

#[test]
fn rfc7541_c4_requests_with_huffman() {
    let mut d = HpackDecoder::default();
    let blocks = [
        "828684418cf1e3c2e5f23a6ba0ab90f4ff",
        "828684be5886a8eb10649cbf",
        "828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf",
    ];
    for (b, want) in blocks.iter().zip(C3_C4_REQUESTS) {
        assert_eq!(decode(&mut d, b), pairs(want));
    }
}

const C5_C6_RESPONSES: [&[(&str, &str)]; 3] = [
    &[
        (":status", "302"),
        ("cache-control", "private"),
        ("date", "Mon, 21 Oct 2013 20:13:21 GMT"),
        ("location", "https://www.example.com"),
    ],
    &[
        (":status", "307"),
        ("cache-control", "private"),
        ("date", "Mon, 21 Oct 2013 20:13:21 GMT"),
        ("location", "https://www.example.com"),
    ],
    &[
        (":status", "200"),
        ("cache-control", "private"),
        ("date", "Mon, 21 Oct 2013 20:13:22 GMT"),
        ("location", "https://www.example.com"),
        ("content-encoding", "gzip"),
        (
            "set-cookie",
            "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
        ),
    ],
];

/// A dynamic table size update to 256 (RFC 7541 C.5 and C.6 use that table size).
const SIZE_256: &str = "3fe101";

#[test]
fn rfc7541_c5_responses_evict_from_a_256_byte_table() {
    let mut d = HpackDecoder::default();
    let blocks = [
        "4803333032580770726976617465611d4d6f6e2c203231204f637420323031332032303a31333a323120474d546e1768747470733a2f2f7777772e6578616d706c652e636f6d",
        "4803333037c1c0bf",
        "88c1611d4d6f6e2c203231204f637420323031332032303a31333a323220474d54c05a04677a69707738666f6f3d4153444a4b48514b425a584f5157454f50495541585157454f49553b206d61782d6167653d333630303b2076657273696f6e3d31",
    ];
    let first = format!("{SIZE_256}{}", blocks[0]);
    let out = d.fragment(&hex(&first), true, 1);
    assert!(matches!(out.items[0], Item::SizeUpdate { size: 256, .. }));
    assert_eq!(headers(&out.items), pairs(C5_C6_RESPONSES[0]));
    // The second block reads entries that the first one's eviction left.
    assert_eq!(decode(&mut d, blocks[1]), pairs(C5_C6_RESPONSES[1]));
    assert_eq!(decode(&mut d, blocks[2]), pairs(C5_C6_RESPONSES[2]));
}

#[test]
fn rfc7541_c6_responses_with_huffman() {
    let mut d = HpackDecoder::default();
    let blocks = [
        "488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff6e919d29ad171863c78f0b97c8e9ae82ae43d3",
        "4883640effc1c0bf",
        "88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007",
    ];
    let first = format!("{SIZE_256}{}", blocks[0]);
    assert_eq!(decode(&mut d, &first), pairs(C5_C6_RESPONSES[0]));
    assert_eq!(decode(&mut d, blocks[1]), pairs(C5_C6_RESPONSES[1]));
    assert_eq!(decode(&mut d, blocks[2]), pairs(C5_C6_RESPONSES[2]));
}

/// A tiny block that expands to a huge header list: one 4000-byte value put
/// in the dynamic table, then referenced by its index again and again.
fn bomb(references: usize) -> Vec<u8> {
    let mut b = vec![0x40, 0x01, b'x', 0x7f];
    // Value length 4000 with a 7-bit prefix: 127 + 3873.
    let rest = 4000 - 127;
    b.extend_from_slice(&[0x80 | (rest & 0x7f) as u8, (rest >> 7) as u8]);
    b.extend(std::iter::repeat_n(b'a', 4000));
    b.extend(std::iter::repeat_n(0xbe, references));
    b
}

#[test]
fn a_header_list_bomb_is_cut_at_its_limit() {
    let block = bomb(2000);
    assert!(block.len() < 7000);
    let mut d = HpackDecoder::default();
    let out = d.fragment(&block, true, 1);
    assert!(out.error.is_none(), "{:?}", out.error);
    let kept = headers(&out.items);
    let each = 1 + 4000 + 32;
    assert_eq!(kept.len(), MAX_HEADER_LIST_BYTES / each);
    assert_eq!(out.dropped, 2001 - kept.len());
    assert_eq!(out.list_bytes, 2001 * each);
    // The table is still right for the next block.
    assert_eq!(decode(&mut d, "be"), pairs(&[("x", &"a".repeat(4000))]));
}

#[test]
fn a_size_update_above_the_negotiated_maximum_is_an_error() {
    let mut d = HpackDecoder::default();
    d.set_max_allowed(100);
    let out = d.fragment(&hex(&format!("{SIZE_256}82")), true, 7);
    assert!(out.error.is_some());
    assert_eq!(d.lost_at(), Some(7));
    // Every later block of the direction is undecodable, not wrongly decoded.
    let later = d.fragment(&hex("82"), true, 9);
    assert_eq!(later.lost_since, Some(7));
    assert!(later.items.is_empty());
    // Within the maximum it is fine.
    let mut d = HpackDecoder::default();
    d.set_max_allowed(256);
    assert_eq!(
        decode(&mut d, &format!("{SIZE_256}82")),
        pairs(&[(":method", "GET")])
    );
}

#[test]
fn a_corrupt_block_marks_the_direction_undecodable() {
    let mut d = HpackDecoder::default();
    // Index 70 does not exist in an empty dynamic table.
    let out = d.fragment(&hex("c6"), true, 3);
    assert!(out.error.is_some());
    assert_eq!(d.fragment(&hex("82"), true, 4).lost_since, Some(3));
    // A block cut inside a representation at END_HEADERS.
    let mut d = HpackDecoder::default();
    assert!(d.fragment(&hex("400a6375"), true, 5).error.is_some());
}

#[test]
fn a_block_split_across_fragments_decodes_each_complete_field() {
    let mut d = HpackDecoder::default();
    let block = hex("828684410f7777772e6578616d706c652e636f6d");
    let first = d.fragment(&block[..5], false, 1);
    assert_eq!(
        headers(&first.items),
        pairs(&[(":method", "GET"), (":scheme", "http"), (":path", "/")])
    );
    let second = d.fragment(&block[5..], true, 2);
    assert_eq!(
        headers(&second.items),
        pairs(&[(":authority", "www.example.com")])
    );
}

// ---------------------------------------------------------------------------
// Frames on the wire: synthetic connections.

/// A PSH|ACK segment between a client on port 40000 and a server on 8080.
fn tcp_frame(from_client: bool, seq: u32, payload: &[u8]) -> Vec<u8> {
    let c = TcpEnd {
        ip: [10, 0, 0, 1],
        port: 40000,
    };
    let s = TcpEnd {
        ip: [10, 0, 0, 2],
        port: 8080,
    };
    let (src, dst) = if from_client { (c, s) } else { (s, c) };
    crate::testutil::tcp_frame(src, dst, seq, 0x18, payload)
}

fn h2_frame(ftype: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
    let len = payload.len() as u32;
    let mut f = len.to_be_bytes()[1..].to_vec();
    f.extend_from_slice(&[ftype, flags]);
    f.extend_from_slice(&stream.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

fn no_checksums() -> Prefs {
    Prefs {
        ip_check_checksum: false,
        tcp_check_checksum: false,
        ..Prefs::default()
    }
}

/// Dissects (from_client, payload) segments as one connection, each direction's
/// sequence numbers following on.
fn connection(segments: &[(bool, Vec<u8>)]) -> (Vec<Packet>, Vec<Vec<u8>>) {
    let mut seq = [1000u32, 5000u32];
    let frames: Vec<Vec<u8>> = segments
        .iter()
        .map(|(c, p)| {
            let d = usize::from(!*c);
            let f = tcp_frame(*c, seq[d], p);
            seq[d] = seq[d].wrapping_add(p.len() as u32);
            f
        })
        .collect();
    let tf: Vec<TestFrame<'_>> = frames.iter().map(|f| TestFrame::new(f)).collect();
    (
        dissect_frames(LinkType::ETHERNET, no_checksums(), true, &tf),
        frames,
    )
}

fn preface_and_settings(settings: &[(u16, u32)]) -> Vec<u8> {
    let mut p = super::frame::PREFACE.to_vec();
    let body: Vec<u8> = settings
        .iter()
        .flat_map(|(id, v)| {
            let mut b = id.to_be_bytes().to_vec();
            b.extend_from_slice(&v.to_be_bytes());
            b
        })
        .collect();
    p.extend(h2_frame(4, 0, 0, &body));
    p
}

#[test]
fn a_stream_that_exceeds_its_window_is_flagged() {
    // The server allows 10 bytes per stream; the client sends 10 on stream 1
    // (the window stalls at zero), then 10 more on stream 3 and 20 on stream 5.
    let client = preface_and_settings(&[]);
    let server = h2_frame(4, 0, 0, &[0, 4, 0, 0, 0, 10]);
    let headers = |id| h2_frame(1, 0x04, id, &hex("838684"));
    let segs = vec![
        (true, client),
        (false, server),
        (true, [headers(1), h2_frame(0, 0, 1, &[b'x'; 10])].concat()),
        (true, [headers(5), h2_frame(0, 1, 5, &[b'y'; 20])].concat()),
    ];
    let (pkts, _) = connection(&segs);
    assert!(
        has_expert(&pkts[2], "stream 1 flow-control window is zero"),
        "{:?}",
        pkts[2].experts
    );
    assert!(!has_expert(&pkts[2], "exceeds"));
    assert!(
        has_expert(
            &pkts[3],
            "DATA exceeds the stream 5 flow-control window by 10 bytes"
        ),
        "{:?}",
        pkts[3].experts
    );
}

#[test]
fn a_window_update_reopens_a_stalled_window_and_overflow_is_an_error() {
    let segs = vec![
        (true, preface_and_settings(&[])),
        (false, h2_frame(4, 0, 0, &[0, 4, 0, 0, 0, 4])),
        (
            true,
            [
                h2_frame(1, 0x04, 1, &hex("828684")),
                h2_frame(0, 0, 1, b"abcd"),
            ]
            .concat(),
        ),
        (false, h2_frame(8, 0, 1, &6u32.to_be_bytes())),
        (true, h2_frame(0, 1, 1, b"abcdef")),
        (false, h2_frame(8, 0, 0, &0x7fff_ffffu32.to_be_bytes())),
    ];
    let (pkts, _) = connection(&segs);
    assert!(has_expert(&pkts[2], "window is zero"));
    assert!(!has_expert(&pkts[4], "exceeds"), "{:?}", pkts[4].experts);
    assert!(has_expert(&pkts[4], "stream 1 flow-control window is zero"));
    assert!(
        has_expert(&pkts[5], "above 2^31-1"),
        "{:?}",
        pkts[5].experts
    );
}

#[test]
fn the_header_list_bomb_on_the_wire_gets_an_expert_item() {
    let block = bomb(2000);
    let segs = vec![
        (true, preface_and_settings(&[])),
        (true, h2_frame(1, 0x05, 1, &block)),
    ];
    let (pkts, frames) = connection(&segs);
    assert!(
        has_expert(
            &pkts[1],
            "header list cut at 262144 bytes (MAX_HEADER_LIST_BYTES)"
        ),
        "{:?}",
        pkts[1].experts
    );
    let names = values(&pkts[1], "http2.header.name", &frames[1]);
    assert_eq!(names.len(), MAX_HEADER_LIST_BYTES / 4033);
}

#[test]
fn frames_split_across_segments_and_many_per_segment() {
    let client = [
        preface_and_settings(&[(1, 4096), (4, 65535)]),
        h2_frame(1, 0x05, 1, &hex("828684410f7777772e6578616d706c652e636f6d")),
        h2_frame(6, 0, 0, &[1, 2, 3, 4, 5, 6, 7, 8]),
    ]
    .concat();
    // Cut inside the HEADERS frame's header.
    let cut = 24 + 9 + 12 + 4;
    let segs = vec![
        (true, client[..cut].to_vec()),
        (true, client[cut..].to_vec()),
    ];
    let (pkts, frames) = connection(&segs);
    assert_eq!(values(&pkts[0], "http2.type", &frames[0]), ["4"]);
    assert!(values(&pkts[0], "http2.magic", &frames[0]).len() == 1);
    // The HEADERS frame completes in the second segment, with the PING.
    assert_eq!(values(&pkts[1], "http2.type", &frames[1]), ["1", "6"]);
    assert_eq!(
        values(&pkts[1], "http2.headers.authority", &frames[1]),
        ["www.example.com"]
    );
    assert_eq!(
        values(&pkts[1], "http2.ping", &frames[1]),
        ["01:02:03:04:05:06:07:08"]
    );
    assert_eq!(pkts[1].summary.info, "HEADERS[1]: GET /, PING[0]");
}

#[test]
fn truncated_frame_fields_are_malformed_but_kept() {
    // A GOAWAY of 4 bytes, a WINDOW_UPDATE of 2, a SETTINGS of 5.
    let client = [
        preface_and_settings(&[]),
        h2_frame(7, 0, 0, &[0, 0, 0, 1]),
        h2_frame(8, 0, 0, &[0, 1]),
        h2_frame(4, 0, 0, &[0, 1, 0, 0, 0]),
        h2_frame(0, 0x08, 1, &[9, b'a']),
    ]
    .concat();
    let (pkts, frames) = connection(&[(true, client)]);
    let p = &pkts[0];
    assert_eq!(
        values(p, "http2.type", &frames[0]),
        ["4", "7", "8", "4", "0"]
    );
    assert!(has_expert(p, "GOAWAY frame shorter than 8 bytes"));
    assert!(has_expert(p, "WINDOW_UPDATE frame shorter than 4 bytes"));
    assert!(has_expert(
        p,
        "SETTINGS payload is not a multiple of 6 bytes"
    ));
    assert!(has_expert(p, "padding is longer than the frame payload"));
    assert!(p.is_malformed());
}

#[test]
fn h2c_upgrade_switches_the_connection_after_the_101() {
    let req = b"GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n".to_vec();
    let mut resp =
        b"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n".to_vec();
    resp.extend(h2_frame(4, 0, 0, &[]));
    let segs = vec![
        (true, req),
        (false, resp),
        (true, preface_and_settings(&[])),
        (
            false,
            [h2_frame(1, 0x04, 1, &hex("88")), h2_frame(0, 1, 1, b"hi")].concat(),
        ),
    ];
    let (pkts, frames) = connection(&segs);
    assert_eq!(values(&pkts[0], "http.request.method", &frames[0]), ["GET"]);
    assert_eq!(
        values(
            &pkts[0],
            "http2.settings.max_concurrent_streams",
            &frames[0]
        ),
        ["100"]
    );
    assert_eq!(values(&pkts[1], "http.response.code", &frames[1]), ["101"]);
    assert_eq!(values(&pkts[1], "http2.type", &frames[1]), ["4"]);
    assert_eq!(
        values(&pkts[3], "http2.headers.status", &frames[3]),
        ["200"]
    );
}

// ---------------------------------------------------------------------------
// The recorded session.

/// Frames (bytes, timestamp) of a little-endian microsecond pcap.
fn pcap_frames(file: &[u8]) -> Vec<(Vec<u8>, Timestamp)> {
    let u32_at =
        |at: usize| u32::from_le_bytes(file[at..at + 4].try_into().expect("4 bytes")) as usize;
    let mut out = Vec::new();
    let mut at = 24;
    while at + 16 <= file.len() {
        let (secs, usecs, caplen) = (u32_at(at), u32_at(at + 4), u32_at(at + 8));
        out.push((
            file[at + 16..at + 16 + caplen].to_vec(),
            Timestamp::new(secs as i64, usecs as u64 * 1000),
        ));
        at += 16 + caplen;
    }
    out
}

fn sample(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../samples/captures")
        .join(name)
}

/// Dissects the recorded session; returns its packets and the final state.
fn session() -> (Vec<Packet>, Dissector) {
    let file = std::fs::read(sample("h2c_session.pcap")).expect("h2c_session.pcap");
    let mut d = Dissector::new(no_checksums());
    let mut pkts = Vec::new();
    for (i, (bytes, ts)) in pcap_frames(&file).iter().enumerate() {
        let meta = FrameMeta::new(i as u64 + 1, *ts, bytes.len() as u32, LinkType::ETHERNET);
        let mut p = Packet::new(true);
        d.dissect(&meta, bytes, &mut p);
        pkts.push(p);
    }
    (pkts, d)
}

/// What nghttp -v logged, per run: requests sent (stream, headers), statuses
/// received, RST_STREAM and GOAWAY frames, DATA lengths received and
/// WINDOW_UPDATE increments sent on stream 0.
#[derive(Default, Debug)]
struct NghttpRun {
    requests: Vec<(u32, Vec<(String, String)>)>,
    statuses: Vec<(u32, String)>,
    rst: Vec<(u32, u32)>,
    goaway_sent: bool,
    data_received: u64,
    conn_updates_sent: u64,
    data_sent: u64,
}

fn nghttp_log() -> Vec<NghttpRun> {
    let text = std::fs::read_to_string(sample("h2c_session.nghttp.txt")).expect("nghttp log");
    let num = |s: &str, key: &str| -> Option<u64> {
        let at = s.find(key)? + key.len();
        let digits: String = s[at..].chars().take_while(|c| c.is_ascii_digit()).collect();
        digits.parse().ok()
    };
    // What the detail lines after an event line belong to.
    enum After {
        Nothing,
        Headers(u32),
        Rst(u32),
        ConnWindowUpdate,
    }
    let mut runs: Vec<NghttpRun> = Vec::new();
    let mut after = After::Nothing;
    for line in text.lines() {
        if line.starts_with("###") {
            runs.push(NghttpRun::default());
            continue;
        }
        let Some(run) = runs.last_mut() else {
            continue;
        };
        if !line.starts_with('[') {
            let detail = line.trim();
            match after {
                After::Headers(id) if !detail.starts_with([';', '(']) => {
                    if let (Some((n, v)), Some(r)) = (
                        detail.split_once(": "),
                        run.requests.iter_mut().find(|r| r.0 == id),
                    ) {
                        r.1.push((n.to_string(), v.to_string()));
                    }
                }
                After::Rst(id) => {
                    if let Some(at) = detail.find("(0x") {
                        let hex = detail[at + 3..].trim_end_matches("))");
                        let code = u32::from_str_radix(hex, 16).unwrap_or(u32::MAX);
                        run.rst.push((id, code));
                    }
                }
                After::ConnWindowUpdate => {
                    run.conn_updates_sent += num(detail, "window_size_increment=").unwrap_or(0);
                }
                _ => {}
            }
            continue;
        }
        let stream = num(line, "stream_id=").unwrap_or(0) as u32;
        let length = num(line, "<length=").unwrap_or(0);
        after = After::Nothing;
        if line.contains("send HEADERS frame") {
            run.requests.push((stream, Vec::new()));
            after = After::Headers(stream);
        } else if let Some(at) = line.find(") :status: ") {
            let status = line[at + ") :status: ".len()..].trim().to_string();
            run.statuses.push((stream, status));
        } else if line.contains("RST_STREAM frame") {
            after = After::Rst(stream);
        } else if line.contains("send GOAWAY frame") {
            run.goaway_sent = true;
        } else if line.contains("recv DATA frame") {
            run.data_received += length;
        } else if line.contains("send DATA frame") {
            run.data_sent += length;
        } else if line.contains("send WINDOW_UPDATE frame") && stream == 0 {
            after = After::ConnWindowUpdate;
        }
    }
    runs
}

/// The HTTP/2 connections of the session, in order of their TCP streams.
fn connections(d: &Dissector) -> Vec<&Connection> {
    let mut keys: Vec<u32> = d.state().http.connections.keys().copied().collect();
    keys.sort();
    keys.iter()
        .filter_map(|k| d.state().http.http2(*k))
        .collect()
}

#[test]
fn the_recorded_session_decodes_what_nghttp_sent_and_received() {
    let (pkts, d) = session();
    let runs = nghttp_log();
    let conns = connections(&d);
    assert_eq!(runs.len(), 2);
    assert_eq!(conns.len(), 2);
    for (run, conn) in runs.iter().zip(&conns) {
        assert!(!run.requests.is_empty());
        for (id, sent) in &run.requests {
            let s = conn
                .streams
                .get(id)
                .unwrap_or_else(|| panic!("stream {id}"));
            let client = conn.client.expect("client side known");
            assert_eq!(&s.headers[client], sent, "stream {id} request headers");
        }
        for (id, status) in &run.statuses {
            let s = &conn.streams[id];
            assert_eq!(s.status.map(|v| v.to_string()).as_ref(), Some(status));
        }
        for (id, code) in &run.rst {
            assert_eq!(conn.streams[id].reset.map(|r| r.0), Some(*code));
            assert_eq!(conn.streams[id].state, StreamState::Closed);
        }
        assert_eq!(run.goaway_sent, conn.seen_goaway[conn.client.unwrap_or(0)]);
    }
    // Run 1: three concurrent GETs on one connection, later ones reusing
    // the dynamic table.
    let first = conns[0];
    let paths: Vec<_> = [13u32, 15, 17]
        .iter()
        .map(|id| first.streams[id].path.clone().unwrap_or_default())
        .collect();
    assert_eq!(paths, ["/page.txt", "/hello.txt", "/missing"]);
    let server = 1 - first.client.unwrap_or(0);
    assert_eq!(first.streams[&13].body_len[server], 40960);
    assert_eq!(first.streams[&15].body[server], b"hello from wirelens\n");
    assert_eq!(first.streams[&17].status, Some(404));
    // The three requests overlap in time: every one was open before the first response ended.
    let last_request = [13u32, 15, 17]
        .iter()
        .filter_map(|id| first.streams[id].request_frame)
        .max();
    assert!(last_request < Some(first.streams[&13].last_frame));
    let reused = pkts
        .iter()
        .flat_map(|p| p.fields.iter())
        .filter(|f| f.def.name == "http2.header.index")
        .filter_map(|f| f.value.as_u64())
        .any(|i| i > 61);
    assert!(reused, "no header was read from the dynamic table");
    // Run 2: a POST with a 24,000-byte body, answered early and reset.
    let second = conns[1];
    let client = second.client.unwrap_or(0);
    assert_eq!(second.streams[&13].method.as_deref(), Some("POST"));
    assert_eq!(second.streams[&13].body_len[client], 24000);
    assert_eq!(second.streams[&13].reset.map(|r| r.0), Some(0));
    // Timeline: preface, SETTINGS both ways, ACKs, first HEADERS, ..., GOAWAY.
    let kinds: Vec<&str> = first.timeline.events().iter().map(|e| e.kind).collect();
    assert_eq!(kinds.first(), Some(&"http2.settings"));
    for k in [
        "http2.preface",
        "http2.settings_ack",
        "http2.headers",
        "http2.goaway",
    ] {
        assert!(kinds.contains(&k), "{kinds:?}");
    }
    assert_eq!(kinds.last(), Some(&"http2.goaway"));
}

#[test]
fn flow_control_windows_on_the_recorded_session() {
    let (pkts, d) = session();
    let runs = nghttp_log();
    let conns = connections(&d);
    let by_conn = split_by_connection(&pkts);
    for (i, (run, conn)) in runs.iter().zip(&conns).enumerate() {
        let client = conn.client.unwrap_or(0);
        let server = 1 - client;
        let pkts = &by_conn[i];
        // The server's connection send window, from what the client logged:
        // 65,535 plus the client's WINDOW_UPDATEs on stream 0, less the DATA it received.
        let want = 65_535 + run.conn_updates_sent as i64 - run.data_received as i64;
        assert_eq!(conn.conn_window[server], want, "server connection window");
        // The client's: 65,535 less the DATA it sent, plus nghttpd's
        // WINDOW_UPDATEs on stream 0 (counted from the capture: nghttp does
        // not log them all).
        let granted: i64 = conn_updates_from(pkts, server);
        assert_eq!(
            conn.conn_window[client],
            65_535 - run.data_sent as i64 + granted,
            "client connection window"
        );
    }
    // Nobody exceeded a window in the real session.

    for p in &pkts {
        assert!(!has_expert(p, "exceeds"), "{:?}", p.experts);
    }
}

/// The session's packets per TCP connection (two, one after the other), with
/// the direction of each (0: from the client's port).
fn split_by_connection(pkts: &[Packet]) -> Vec<Vec<(usize, &Packet)>> {
    let mut out: Vec<Vec<(usize, &Packet)>> = Vec::new();
    let mut ports: Vec<u16> = Vec::new();
    for p in pkts {
        let (Some(sp), Some(dp)) = (p.summary.src_port, p.summary.dst_port) else {
            continue;
        };
        let client_port = if sp == 8080 { dp } else { sp };
        let i = match ports.iter().position(|&c| c == client_port) {
            Some(i) => i,
            None => {
                ports.push(client_port);
                out.push(Vec::new());
                ports.len() - 1
            }
        };
        out[i].push((usize::from(sp == 8080), p));
    }
    out
}

/// WINDOW_UPDATE increments on stream 0 sent by direction `dir` (1: the server).
fn conn_updates_from(pkts: &[(usize, &Packet)], dir: usize) -> i64 {
    let mut total = 0;
    for (d, p) in pkts {
        if *d != dir {
            continue;
        }
        let ids: Vec<u64> = p
            .fields
            .iter()
            .filter(|f| {
                f.def.name == "http2.streamid"
                    || f.def.name == "http2.window_update.window_size_increment"
            })
            .filter_map(|f| f.value.as_u64().map(|v| (f.def.name, v)))
            .scan(0u64, |last_id, (name, v)| {
                if name == "http2.streamid" {
                    *last_id = v;
                    Some(None)
                } else {
                    Some((*last_id == 0).then_some(v))
                }
            })
            .flatten()
            .collect();
        total += ids.iter().sum::<u64>() as i64;
    }
    total
}

#[test]
fn after_lost_bytes_header_blocks_are_undecodable_not_wrong() {
    // The client's second HEADERS (which adds `x-id: 1` to the dynamic table)
    // is never captured; the segments after it are held until reassembly gives
    // the hole up at its segment limit. The block after that refers to the
    // lost entry: it must be reported undecodable, not decoded from a stale table.
    let lost_headers = h2_frame(1, 0x05, 3, &hex("4004782d69640131828684"));
    let ping = h2_frame(6, 0, 0, &[0; 8]);
    let segs = [
        (true, preface_and_settings(&[])),
        (true, h2_frame(1, 0x05, 1, &hex("828684"))),
    ];
    let held = crate::flow::reassembly::MAX_SEGMENTS_PER_DIRECTION + 1;
    let mut seq = [1000u32, 5000u32];
    let mut frames = Vec::new();
    for (c, p) in &segs {
        let d = usize::from(!*c);
        frames.push(tcp_frame(*c, seq[d], p));
        seq[d] = seq[d].wrapping_add(p.len() as u32);
    }
    // Skip the lost segment's sequence space.
    seq[0] = seq[0].wrapping_add(lost_headers.len() as u32);
    for _ in 0..held {
        frames.push(tcp_frame(true, seq[0], &ping));
        seq[0] = seq[0].wrapping_add(ping.len() as u32);
    }
    frames.push(tcp_frame(
        true,
        seq[0],
        &h2_frame(1, 0x05, 5, &hex("828684be")),
    ));
    let tf: Vec<TestFrame<'_>> = frames.iter().map(|f| TestFrame::new(f)).collect();
    let pkts = dissect_frames(LinkType::ETHERNET, no_checksums(), true, &tf);
    let gave_up = pkts
        .iter()
        .position(|p| has_expert(p, "missing in capture"))
        .expect("the hole is given up");
    assert!(gave_up > 2);
    let last = pkts.last().expect("packets");
    assert!(
        has_expert(last, "header table of this direction was lost"),
        "{:?}",
        last.experts
    );
    let data = frames.last().expect("frames");
    assert!(values(last, "http2.header.name", data).is_empty());
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    /// A connection's worth of client bytes: preface, SETTINGS, HEADERS with
    /// literals (dynamic table), CONTINUATION, DATA with padding, PRIORITY,
    /// WINDOW_UPDATE, RST_STREAM, PING, GOAWAY and an unknown type.
    fn seed() -> Vec<u8> {
        [
            preface_and_settings(&[(1, 4096), (4, 100)]),
            h2_frame(
                1,
                0x21,
                1,
                &hex("00000003108286400a637573746f6d2d6b65790d637573746f6d2d686561646572"),
            ),
            h2_frame(9, 0x04, 1, &hex("be")),
            h2_frame(0, 0x09, 1, &hex("0268690000")),
            h2_frame(2, 0, 3, &[0, 0, 0, 1, 16]),
            h2_frame(8, 0, 0, &[0, 0, 1, 0]),
            h2_frame(3, 0, 1, &[0, 0, 0, 8]),
            h2_frame(6, 1, 0, &[1; 8]),
            h2_frame(7, 0, 0, &[0, 0, 0, 1, 0, 0, 0, 0, b'b', b'y', b'e']),
            h2_frame(0x42, 0, 0, b"??"),
        ]
        .concat()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn mutated_connections_never_panic(
            flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..12),
            cuts in proptest::collection::vec(any::<usize>(), 0..4),
        ) {
            let mut data = seed();
            for (at, byte) in flips {
                let i = at % data.len();
                data[i] = byte;
            }
            // Cut into segments at arbitrary places.
            let mut at: Vec<usize> = cuts.iter().map(|c| c % data.len()).collect();
            at.push(0);
            at.push(data.len());
            at.sort_unstable();
            at.dedup();
            let segs: Vec<(bool, Vec<u8>)> =
                at.windows(2).map(|w| (true, data[w[0]..w[1]].to_vec())).collect();
            let (pkts, _) = connection(&segs);
            prop_assert_eq!(pkts.len(), segs.len());
        }

        #[test]
        fn random_header_blocks_never_panic(block in proptest::collection::vec(any::<u8>(), 0..64)) {
            let mut d = HpackDecoder::default();
            let _ = d.fragment(&block, false, 1);
            let _ = d.fragment(&block, true, 2);
        }
    }
}

#[test]
fn content_encoded_bodies_inflate_within_a_bound() {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(b"hello, gzip").expect("gzip");
    let body = gz.finish().expect("gzip");
    assert_eq!(
        super::frames::decompress("gzip", &body).as_deref(),
        Some(&b"hello, gzip"[..])
    );
    // link/null_ipv4_http2_deflate.pcap frame 25: raw deflate cut after a sync
    // flush, the 30-byte payload of the DATA frame (bytes 65..95: after the
    // 4-byte null header, IPv4, TCP with options and the 9-byte frame header).
    let frame = CorpusFrame::new("link/null_ipv4_http2_deflate.pcap", 25).bytes();
    let raw = &frame[65..95];
    assert_eq!(
        frame[56..65],
        [0, 0, 0x1e, 0, 1, 0, 0, 0, 1],
        "DATA[1], 30 bytes"
    );
    assert_eq!(
        super::frames::decompress("deflate", raw).as_deref(),
        Some(&b"Hello, /, http: true"[..])
    );
    assert_eq!(super::frames::decompress("br", raw), None);
    // A compression bomb stops at the bound.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&vec![0u8; 16 * 1024 * 1024]).expect("gzip");
    let bomb = gz.finish().expect("gzip");
    assert!(bomb.len() < 64 * 1024);
    let out = super::frames::decompress("gzip", &bomb).expect("inflates");
    assert_eq!(out.len() as u64, super::MAX_DECOMPRESSED);
}

// ---------------------------------------------------------------------------
// Real frames: shared/captures/http2/h2c_upgrade.pcap, frames 1 to 6 (curl's
// h2c upgrade against nghttp2.org).

const UPGRADE_CAPTURE: &str = "http2/h2c_upgrade.pcap";

fn upgrade_session(tree: bool) -> (Vec<Packet>, Vec<Vec<u8>>) {
    let capture = corpus_capture(UPGRADE_CAPTURE);
    let frames: Vec<Vec<u8>> = capture.records[..6]
        .iter()
        .map(|r| r.bytes.clone())
        .collect();
    let tf: Vec<TestFrame<'_>> = frames.iter().map(|f| TestFrame::new(f)).collect();
    (
        dissect_frames(LinkType::ETHERNET, no_checksums(), tree, &tf),
        frames,
    )
}

#[test]
fn real_h2c_upgrade_frames() {
    let (p, f) = upgrade_session(true);
    let v = |i: usize, name: &str| values(&p[i], name, &f[i]);
    // Frame 1: the HTTP/1.1 request with its HTTP2-Settings decoded.
    assert_eq!(v(0, "http.request.method"), ["GET"]);
    assert_eq!(v(0, "http.upgrade"), ["h2c"]);
    assert_eq!(v(0, "http2.settings.initial_window_size"), ["1073741824"]);
    assert_eq!(
        v(0, "http.request.full_uri"),
        ["http://nghttp2.org/robots.txt"]
    );
    // Frame 2: the 101 and the server's SETTINGS in one segment.
    assert_eq!(v(1, "http.response.code"), ["101"]);
    assert_eq!(v(1, "http2.type"), ["4"]);
    assert_eq!(v(1, "http2.settings.id"), ["3", "4", "1"]);
    assert_eq!(v(1, "http2.settings.header_table_size"), ["8192"]);
    assert_eq!(
        p[1].summary.info,
        "HTTP/1.1 101 Switching Protocols , SETTINGS[0]"
    );
    // Frame 3: the preface; 4: client SETTINGS; 5: SETTINGS ACK.
    assert_eq!(v(2, "http2.magic"), ["PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"]);
    assert_eq!(v(3, "http2.settings.enable_push"), ["0"]);
    assert_eq!(v(4, "http2.flags.ack.settings"), ["1"]);
    // Frame 6: the response on stream 1 (the upgraded request), HEADERS then DATA.
    assert_eq!(v(5, "http2.streamid"), ["1", "1"]);
    assert_eq!(v(5, "http2.headers.status"), ["200"]);
    assert_eq!(v(5, "http2.headers.content_type"), ["text/plain"]);
    assert_eq!(v(5, "http2.header.count"), ["13"]);
    assert_eq!(
        p[5].summary.info,
        "HEADERS[1]: 200 OK, DATA[1] (text/plain)"
    );
    assert!(!p.iter().any(|x| x.is_malformed()));
}

#[test]
fn real_frames_summary_without_tree() {
    let (fast, _) = upgrade_session(false);
    let (full, _) = upgrade_session(true);
    for (a, b) in fast.iter().zip(&full) {
        assert_eq!(a.summary.info, b.summary.info);
        assert_eq!(a.protocols, b.protocols);
        assert!(a.fields.is_empty());
    }
}

#[test]
fn real_frames_cut_at_every_frame_header_boundary() {
    // Frame 6's HTTP/2 payload cut inside the HEADERS frame's header and
    // payload, and inside the DATA frame: nothing is dissected from the
    // incomplete frame (it waits for more bytes), what came before stays.
    let (_, f) = upgrade_session(true);
    let tcp_payload_at = 14 + 20 + 32;
    for cut in [3usize, 9, 100, 9 + 196 + 5] {
        let mut frames: Vec<Vec<u8>> = f[..5].to_vec();
        let mut last = f[5][..tcp_payload_at + cut].to_vec();
        // Keep the IPv4 total length consistent with the shorter segment.
        let total = (last.len() - 14) as u16;
        last[16..18].copy_from_slice(&total.to_be_bytes());
        frames.push(last);
        let tf: Vec<TestFrame<'_>> = frames.iter().map(|x| TestFrame::new(x)).collect();
        let p = dissect_frames(LinkType::ETHERNET, no_checksums(), true, &tf);
        let types = values(&p[5], "http2.type", &frames[5]);
        let whole_frames = if cut >= 9 + 196 { 1 } else { 0 };
        assert_eq!(types.len(), whole_frames, "cut at {cut}");
        assert!(!p[5].is_malformed(), "cut at {cut}");
    }
}

#[test]
fn push_promise_reserves_a_stream_and_goaway_keeps_its_debug_data() {
    let promise = [&[0u8, 0, 0, 2][..], &hex("828684")[..]].concat();
    let segs = vec![
        (true, preface_and_settings(&[])),
        (true, h2_frame(1, 0x05, 1, &hex("828684"))),
        (
            false,
            [
                h2_frame(4, 0, 0, &[]),
                h2_frame(5, 0x04, 1, &promise),
                h2_frame(1, 0x04, 1, &hex("88")),
                h2_frame(2, 0, 2, &[0x80, 0, 0, 1, 9]),
                h2_frame(1, 0x04, 2, &hex("88")),
                h2_frame(0, 0x01, 2, b"pushed"),
                h2_frame(0, 0x01, 1, b"main"),
            ]
            .concat(),
        ),
        (
            true,
            h2_frame(7, 0, 0, &[0, 0, 0, 2, 0, 0, 0, 0xb, b'b', b'y', b'e']),
        ),
    ];
    let (p, f) = connection(&segs);
    let v = |i: usize, name: &str| values(&p[i], name, &f[i]);
    assert_eq!(v(2, "http2.push_promise.promised_stream_id"), ["2"]);
    assert_eq!(v(2, "http2.headers.path"), ["/"]);
    assert_eq!(v(2, "http2.exclusive"), ["1"]);
    assert_eq!(v(2, "http2.headers.weight_real"), ["10"]);
    assert_eq!(v(3, "http2.goaway.error"), ["11"]);
    assert_eq!(v(3, "http2.goaway.addata"), ["62:79:65"]);
    assert!(
        !p.iter().any(|x| has_expert(x, "not in a state")),
        "{:?}",
        p[2].experts
    );
    assert_eq!(
        p[2].summary.info,
        "SETTINGS[0], PUSH_PROMISE[1]: GET /, HEADERS[1]: 200 OK, PRIORITY[2], HEADERS[2]: 200 OK, DATA[2], DATA[1]"
    );
}

#[test]
fn http1_chunked_response_and_pairing() {
    let req = b"GET /a HTTP/1.1\r\nHost: h\r\n\r\n".to_vec();
    let resp =
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
            .to_vec();
    // The response split inside its second chunk.
    let segs = vec![
        (true, req),
        (false, resp[..60].to_vec()),
        (false, resp[60..].to_vec()),
        (true, b"GET /b HTTP/1.1\r\nHost: h\r\n\r\n".to_vec()),
    ];
    let (p, f) = connection(&segs);
    assert_eq!(
        values(&p[0], "http.request.full_uri", &f[0]),
        ["http://h/a"]
    );
    assert!(values(&p[1], "http.response.code", &f[1]).is_empty());
    // The response completes in the third packet, from a reassembled source.
    assert_eq!(p[2].sources.len(), 1);
    let data = &f[2];
    assert_eq!(values(&p[2], "http.chunk_size", data), ["3", "2", "0"]);
    assert_eq!(values(&p[2], "http.file_data", data), ["abcde"]);
    assert_eq!(values(&p[2], "http.request_in", data), ["1"]);
    assert_eq!(values(&p[3], "http.prev_request_in", &f[3]), ["1"]);
}

#[test]
fn only_a_first_pdu_that_looks_like_settings_switches_to_http2() {
    let segs = vec![
        (true, b"GET / HTTP/1.1\r\nHost: h\r\n\r\n".to_vec()),
        (false, b"HTTP/1.1 200 OK\r\n\r\nbody".to_vec()),
        // Body bytes that happen to look like an empty SETTINGS frame.
        (false, vec![0, 0, 0, 4, 0, 0, 0, 0, 0]),
    ];
    let (p, _) = connection(&segs);
    assert_eq!(
        crate::testutil::chain(&p[2]).rsplit(':').next(),
        Some("http")
    );
    // The same bytes first in the server's direction are a server speaking HTTP/2 first.
    let segs = vec![(false, vec![0, 0, 0, 4, 0, 0, 0, 0, 0])];
    let (p, _) = connection(&segs);
    assert_eq!(
        crate::testutil::chain(&p[0]).rsplit(':').next(),
        Some("http2")
    );
}

/// A connection caught after its preface (the capture started late) is found
/// only by port: `-o http2.tcp.port:8080` makes its frames HTTP/2 from the
/// first byte, where by default port 8080 means HTTP/1.x.
#[test]
fn a_configured_port_makes_a_connection_without_preface_http2() {
    let ping = h2_frame(6, 0, 0, b"12345678");
    let frames = [tcp_frame(true, 1000, &ping)];
    let tf: Vec<TestFrame<'_>> = frames.iter().map(|f| TestFrame::new(f)).collect();
    let by_default = dissect_frames(LinkType::ETHERNET, no_checksums(), true, &tf);
    assert!(!crate::testutil::chain(&by_default[0]).contains("http2"));
    let mut prefs = no_checksums();
    prefs.set("http2.tcp.port:8080").expect("valid preference");
    let configured = dissect_frames(LinkType::ETHERNET, prefs, true, &tf);
    assert!(
        crate::testutil::chain(&configured[0]).ends_with(":http2"),
        "{}",
        crate::testutil::chain(&configured[0])
    );
    assert_eq!(
        crate::testutil::values(&configured[0], "http2.type", &frames[0]),
        ["6"]
    );
}
