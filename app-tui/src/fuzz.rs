//! Entry points for fuzzing (`fuzz/`) and for the mutation tests of the stable
//! test suite: a capture file's bytes through the readers, a display filter
//! through the compiler, and a whole capture through every view the
//! commands produce. Compiled with the `fuzz` feature only.

use std::collections::HashSet;
use std::io;

use wirelens_capture::session::{Config, Session};
use wirelens_capture::{CaptureFile, FileFormat};
use wirelens_dissect::export::{json, text};
use wirelens_dissect::filter::Filter;
use wirelens_dissect::model::Packet;
use wirelens_dissect::Dissector;

use crate::commands::stats::{self, ConvKind, Stat};
use crate::commands::{bgp_report, flows, wlan_report};

/// Records read from one input at most, so an input's cost stays bounded.
pub const MAX_RECORDS: u64 = 4096;

/// The pcap/pcapng readers: opens the bytes and reads every record and the
/// metadata a full pass finds. Returns the number of records read and
/// whether the reading ended on damage.
pub fn capture_file(data: &[u8]) -> (u64, bool) {
    let Ok(file) = CaptureFile::from_bytes(data.to_vec()) else {
        return (0, false);
    };
    let mut packets = file.packets();
    let mut count = 0;
    let mut damaged = false;
    for item in packets.by_ref().take(MAX_RECORDS as usize) {
        match item {
            Ok(frame) => {
                count += 1;
                let _ = frame.meta(&[], false);
            }
            Err(e) => {
                let _ = e.to_string();
                damaged = true;
                break;
            }
        }
    }
    let _ = (
        packets.interfaces(),
        packets.statistics(),
        packets.warnings(),
    );
    let resume = packets.resume_point();
    let _ = file.packets_from(&resume).next();
    let _ = file.metadata();
    let _ = file.section_comments().count();
    (count, damaged)
}

/// A display filter: compiled, and when it compiles, matched against a few
/// packets (TCP, DNS, ARP) on both speeds.
pub fn filter(text: &str) {
    let Ok(filter) = Filter::compile(text) else {
        return;
    };
    let _ = (
        filter.text(),
        filter.needs_tree(),
        filter.summary_only(),
        filter.fields(),
    );
    let dns = wirelens_dissect::fuzz::udp_frame(
        wirelens_dissect::fuzz::CLIENT,
        wirelens_dissect::fuzz::Endpoint {
            port: 53,
            ..wirelens_dissect::fuzz::SERVER
        },
        &SAMPLE_DNS_QUERY,
    );
    let frames = wirelens_dissect::fuzz::tcp_connection_frames(
        80,
        &[wirelens_dissect::fuzz::Segment {
            dir: 0,
            shift: 0,
            fin: false,
            payload: b"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
        }],
    );
    let mut all: Vec<&[u8]> = frames.iter().map(Vec::as_slice).collect();
    all.push(&dns);
    for tree in [true, false] {
        let mut d = Dissector::new(wirelens_dissect::fuzz::prefs());
        let mut pkt = Packet::new(tree || filter.needs_tree());
        for (i, data) in all.iter().enumerate() {
            let meta = wirelens_dissect::FrameMeta::new(
                i as u64 + 1,
                wirelens_dissect::Timestamp::new(1, 0),
                data.len() as u32,
                wirelens_dissect::LinkType::ETHERNET,
            );
            d.dissect(&meta, data, &mut pkt);
            let _ = filter.matches(&pkt, &meta, data);
        }
    }
}

/// A DNS query for `a.example` (type A), as the filter target's sample.
const SAMPLE_DNS_QUERY: [u8; 27] = [
    0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 1, b'a', 7, b'e', b'x', b'a', b'm', b'p', b'l',
    b'e', 0, 0, 1, 0, 1,
];

/// The whole pipeline: a capture file's bytes in, every view model out. Each
/// record is dissected with the full tree (summary line, text tree, JSON) and
/// on the fast path; then the flows JSON and the statistics tables of what
/// the capture built.
pub fn pipeline(data: &[u8]) {
    let Ok(file) = CaptureFile::from_bytes(data.to_vec()) else {
        return;
    };
    let pcapng = matches!(file.format(), FileFormat::PcapNg);
    let mut full = Dissector::new(wirelens_dissect::fuzz::prefs());
    let mut fast = Dissector::new(stats::tshark_prefs());
    let mut pkt = Packet::new(true);
    let mut quick = Packet::new(false);
    let mut out = String::new();
    let mut first = None;
    let mut packets = file.packets();
    let mut count = 0;
    while let Some(Ok(frame)) = packets.next() {
        if count == MAX_RECORDS {
            break;
        }
        count += 1;
        let meta = frame.meta(packets.interfaces(), pcapng);
        let first = *first.get_or_insert(meta.ts);
        full.dissect(&meta, frame.data, &mut pkt);
        wirelens_dissect::fuzz::render(&mut out, &meta, &pkt, frame.data, first);
        out.clear();
        json::render_packet(&mut out, &meta, &pkt, frame.data);
        fast.dissect(&meta, frame.data, &mut quick);
        out.clear();
        text::summary_line(&mut out, &meta, meta.ts.since(first), &quick);
    }
    for state in [full.state(), fast.state()] {
        for flow in flows::flows_json(state, None) {
            let _ = serde_json::to_string(&flow);
        }
        let none = HashSet::new();
        let _ = flows::flows_json(state, Some(&none)).count();
        let mut sink = io::sink();
        for kind in [
            ConvKind::Tcp,
            ConvKind::Udp,
            ConvKind::Ipv4,
            ConvKind::Ipv6,
            ConvKind::Eth,
        ] {
            let _ = stats::write_conv(&mut sink, state, kind);
            let _ = stats::write_endpoints(&mut sink, state, kind);
        }
        let _ = stats::write_neighbours(&mut sink, state);
        let _ = bgp_report::write_bgp(&mut sink, state);
        let _ = wlan_report::write_wlan(&mut sink, state);
    }
    // The session over the same bytes: its index, statistics and one tree.
    if let Ok(file) = CaptureFile::from_bytes(data.to_vec()) {
        let session = Session::start(
            file,
            Config {
                prefs: stats::tshark_prefs(),
                ..Config::default()
            },
        );
        session.wait();
        let mut sink = io::sink();
        for stat in [Stat::Hierarchy, Stat::Latency, Stat::Expert, Stat::Io(1.0)] {
            let _ = stats::write_stat(&mut sink, &session, stat);
        }
        let _ = session.dissect(session.len() / 2 + 1);
    }
}
