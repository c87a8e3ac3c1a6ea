//! Every file of `shared/captures/formats/`: container format, packet
//! count (MANIFEST.md), link types, first and last timestamps, and a
//! frame-by-frame comparison with tshark's output.

mod common;

use std::net::IpAddr;

use common::{assert_matches_tshark, captures_in, ground_truth, open, read_all};
use wirelens_capture::{FileFormat, Frame};
use wirelens_dissect::{LinkType, Timestamp};

struct Case {
    file: &'static str,
    format: FileFormat,
    /// Records tshark reads (MANIFEST.md "packets"); tshark counts pcapng
    /// custom blocks as records, we do not count them as packets.
    tshark_records: usize,
    custom_blocks: u64,
    /// Link type of each interface, in file order.
    link_types: &'static [u32],
    /// tshark's `frame.time_epoch` of the first and last packet; `None` for
    /// a Simple Packet Block, which has no timestamp.
    first: Option<&'static str>,
    last: Option<&'static str>,
    section_comments: &'static [&'static str],
}

const fn pcap(big_endian: bool, nanosecond: bool, modified: bool, minor: u16) -> FileFormat {
    FileFormat::Pcap {
        big_endian,
        nanosecond,
        modified,
        version: (2, minor),
    }
}

const LE: bool = false;
const BE: bool = true;
const USEC: bool = false;
const NSEC: bool = true;

const CASES: &[Case] = &[
    Case {
        file: "formats/pcap_be_pptp_gre.pcap",
        format: pcap(BE, USEC, false, 4),
        tshark_records: 23,
        custom_blocks: 0,
        link_types: &[1],
        first: Some("954147395.148077000"),
        last: Some("954147396.347775000"),
        section_comments: &[],
    },
    Case {
        file: "formats/pcap_be_nfs_udp.pcap",
        format: pcap(BE, USEC, false, 1),
        tshark_records: 128,
        custom_blocks: 0,
        link_types: &[1],
        first: Some("944207397.280000000"),
        last: Some("944207397.750000000"),
        section_comments: &[],
    },
    Case {
        file: "formats/pcap_nsec_le_sll_tcp.pcap",
        format: pcap(LE, NSEC, false, 4),
        tshark_records: 3,
        custom_blocks: 0,
        link_types: &[113],
        first: Some("1418145369.924505488"),
        last: Some("1418145370.052115157"),
        section_comments: &[],
    },
    Case {
        file: "formats/pcap_nsec_le_eth_ssh.pcap",
        format: pcap(LE, NSEC, false, 4),
        tshark_records: 9,
        custom_blocks: 0,
        link_types: &[1],
        first: Some("1770126425.732560000"),
        last: Some("1770126426.041811000"),
        section_comments: &[],
    },
    Case {
        file: "formats/pcap_modified_kuznetzov.pcap",
        format: pcap(LE, USEC, true, 4),
        tshark_records: 1,
        custom_blocks: 0,
        link_types: &[1],
        first: Some("1712763541.734807000"),
        last: Some("1712763541.734807000"),
        section_comments: &[],
    },
    Case {
        file: "formats/pcap_empty.pcap",
        format: pcap(LE, USEC, false, 4),
        tshark_records: 0,
        custom_blocks: 0,
        link_types: &[1],
        first: None,
        last: None,
        section_comments: &[],
    },
    Case {
        file: "formats/pcapng_empty.pcapng",
        format: FileFormat::PcapNg,
        tshark_records: 0,
        custom_blocks: 0,
        link_types: &[1],
        first: None,
        last: None,
        section_comments: &[],
    },
    Case {
        file: "formats/pcapng_le_basic.pcapng",
        format: FileFormat::PcapNg,
        tshark_records: 4,
        custom_blocks: 0,
        link_types: &[1],
        first: Some("0.000000000"),
        last: Some("0.000000000"),
        section_comments: &["test001"],
    },
    Case {
        file: "formats/pcapng_be_basic.pcapng",
        format: FileFormat::PcapNg,
        tshark_records: 4,
        custom_blocks: 0,
        link_types: &[1],
        first: Some("0.000000000"),
        last: Some("0.000000000"),
        section_comments: &["test001"],
    },
    Case {
        file: "formats/pcapng_packet_comments.pcapng",
        format: FileFormat::PcapNg,
        tshark_records: 2,
        custom_blocks: 0,
        link_types: &[1],
        first: Some("1340954905.298858000"),
        last: Some("1340954905.299858000"),
        section_comments: &["test009"],
    },
    Case {
        file: "formats/pcapng_spb.pcapng",
        format: FileFormat::PcapNg,
        tshark_records: 4,
        custom_blocks: 0,
        link_types: &[1],
        first: None,
        last: None,
        section_comments: &["test010"],
    },
    Case {
        file: "formats/pcapng_nrb_spb_epb.pcapng",
        format: FileFormat::PcapNg,
        tshark_records: 4,
        custom_blocks: 0,
        link_types: &[1],
        first: None,
        last: Some("1340954905.300858000"),
        section_comments: &["test016"],
    },
    Case {
        file: "formats/pcapng_multi_if_isb.pcapng",
        format: FileFormat::PcapNg,
        tshark_records: 4,
        custom_blocks: 0,
        link_types: &[1, 0, 1],
        first: Some("1340954905.298858000"),
        last: Some("1340954905.301858000"),
        section_comments: &["test101"],
    },
    Case {
        file: "formats/pcapng_custom_blocks_be.pcapng",
        format: FileFormat::PcapNg,
        tshark_records: 8,
        custom_blocks: 3,
        link_types: &[1, 0, 1],
        first: Some("1340954905.298858000"),
        last: Some("1340954905.301858000"),
        section_comments: &["test102"],
    },
    Case {
        file: "formats/pcapng_multi_section.pcapng",
        format: FileFormat::PcapNg,
        tshark_records: 11,
        custom_blocks: 3,
        link_types: &[1, 0, 1, 1, 0],
        first: Some("1340954905.298858000"),
        last: Some("1340954905.301858000"),
        section_comments: &["test202 SHB-0", "test202 SHB-1", "test202 SHB-2"],
    },
    Case {
        file: "formats/pcapng_multi_interface_real.pcapng",
        format: FileFormat::PcapNg,
        tshark_records: 6,
        custom_blocks: 0,
        link_types: &[1, 1],
        first: Some("1767663089.500330493"),
        last: Some("1767663437.140942000"),
        section_comments: &[],
    },
];

fn epoch(frame: Option<&Frame<'_>>) -> Option<String> {
    frame.filter(|f| f.has_ts).map(|f| f.ts.to_string())
}

#[test]
fn every_formats_file_has_a_case() {
    let listed: Vec<&str> = CASES.iter().map(|c| c.file).collect();
    for capture in captures_in("formats") {
        assert!(
            listed.contains(&capture.as_str()),
            "{capture} has no case in tests/formats.rs"
        );
    }
}

#[test]
fn formats_read_as_tshark_reads_them() {
    for case in CASES {
        let file = open(case.file);
        assert_eq!(*file.format(), case.format, "{}: format", case.file);
        let (frames, error) = read_all(&file);
        assert_eq!(error, None, "{}: read error", case.file);

        let truth = ground_truth(case.file).expect("tshark JSON present");
        assert_eq!(
            truth.len(),
            case.tshark_records,
            "{}: tshark records",
            case.file
        );
        // Custom blocks are records of their own, as tshark shows them.
        assert_eq!(
            frames.len(),
            case.tshark_records,
            "{}: record count",
            case.file
        );
        let custom = frames.iter().filter(|f| f.custom.is_some()).count() as u64;
        assert_eq!(
            custom, case.custom_blocks,
            "{}: custom-block frames",
            case.file
        );
        assert_eq!(
            file.metadata().custom_blocks,
            case.custom_blocks,
            "{}: custom blocks",
            case.file
        );

        let link_types: Vec<u32> = file.interfaces().iter().map(|i| i.link_type.0).collect();
        assert_eq!(link_types, case.link_types, "{}: link types", case.file);
        let packets: Vec<&Frame<'_>> = frames.iter().filter(|f| f.custom.is_none()).collect();
        assert_eq!(
            epoch(packets.first().copied()).as_deref(),
            case.first,
            "{}: first",
            case.file
        );
        assert_eq!(
            epoch(packets.last().copied()).as_deref(),
            case.last,
            "{}: last",
            case.file
        );
        let comments: Vec<&str> = file.section_comments().collect();
        assert_eq!(
            comments, case.section_comments,
            "{}: section comments",
            case.file
        );

        assert_matches_tshark(case.file, &file, &frames);
    }
}

#[test]
fn multi_section_numbers_interfaces_across_sections() {
    let file = open("formats/pcapng_multi_section.pcapng");
    let (frames, _) = read_all(&file);
    // Section 0 has interfaces 0 and 1, section 1 has 2, section 2 has 3
    // and 4 (and tshark prints the numbers within each section).
    let ids: Vec<u32> = frames
        .iter()
        .filter(|f| f.custom.is_none())
        .map(|f| f.interface_id)
        .collect();
    assert_eq!(ids, [0, 0, 1, 2, 2, 2, 2, 4]);
    let local: Vec<(u32, u32)> = file
        .interfaces()
        .iter()
        .map(|i| (i.section, i.id_in_section))
        .collect();
    assert_eq!(local, [(0, 0), (0, 1), (1, 0), (2, 0), (2, 1)]);
    let big_endian: Vec<bool> = file.sections().iter().map(|s| s.big_endian).collect();
    assert_eq!(big_endian, [false, true, false]);
    // Simple packet blocks take interface 0 of their section and the
    // smallest of original length, block room and snaplen (128).
    // Frame 5 as tshark numbers it: custom blocks are frames too.
    assert!(!frames[4].has_ts);
    assert_eq!((frames[4].orig_len, frames[4].data.len()), (314, 128));
    let sections: Vec<u32> = frames.iter().map(|f| f.section).collect();
    assert_eq!(sections, [0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2]);
    assert_eq!(frames[9].custom.map(|c| c.pen), Some(36724));
}

#[test]
fn packet_comments_are_borrowed_from_the_file() {
    let file = open("formats/pcapng_packet_comments.pcapng");
    let (frames, _) = read_all(&file);
    let comments: Vec<&[&str]> = frames.iter().map(|f| f.comments.as_slice()).collect();
    assert_eq!(comments, [&["test009-1"][..], &["test009-2"][..]]);
    let bytes = file.as_bytes().as_ptr_range();
    assert!(bytes.contains(&frames[0].comments[0].as_ptr()));
    assert!(bytes.contains(&frames[0].data.as_ptr()));
}

#[test]
fn interfaces_keep_their_own_timestamp_resolution() {
    let file = open("formats/pcapng_multi_interface_real.pcapng");
    let resolutions: Vec<(u64, u64)> = file
        .interfaces()
        .iter()
        .map(|i| (i.ts_units_per_sec, i.ts_resolution_nanos))
        .collect();
    assert_eq!(resolutions, [(1_000_000_000, 1), (1_000_000, 1_000)]);
    assert_eq!(file.interfaces()[0].name.as_deref(), Some("eth0"));
    assert_eq!(
        file.interfaces()[1].name.as_deref(),
        Some("\\Device\\NPF_{5AE6EDB4-EFF9-46B3-A3C2-EE50C688A9E6}")
    );
    assert_eq!(
        file.interfaces()[1].description.as_deref(),
        Some("Ethernet 2")
    );
}

#[test]
fn statistics_blocks_are_decoded_in_both_byte_orders() {
    for capture in [
        "formats/pcapng_multi_if_isb.pcapng",
        "formats/pcapng_custom_blocks_be.pcapng",
    ] {
        let file = open(capture);
        let stats = &file.metadata().statistics;
        assert_eq!(stats.len(), 6, "{capture}");
        let full = stats
            .iter()
            .find(|s| s.comments.iter().any(|c| c.ends_with("ISB-0")))
            .expect("the ISB with all counters");
        assert_eq!(full.interface_id, 0);
        assert_eq!(
            (
                full.received,
                full.if_dropped,
                full.filter_accepted,
                full.os_dropped,
                full.delivered
            ),
            (Some(100), Some(1), Some(9), Some(42), Some(6)),
            "{capture}"
        );
        assert_eq!(full.start, Some(Timestamp::new(1_340_954_905, 298_858_000)));
        assert_eq!(full.end, Some(Timestamp::new(1_340_954_905, 299_858_000)));
    }
}

#[test]
fn name_resolution_blocks_give_names() {
    let file = open("formats/pcapng_nrb_spb_epb.pcapng");
    let names = &file.metadata().names;
    assert_eq!(names.len(), 10);
    assert_eq!(names[0].address, IpAddr::from([192, 168, 1, 2]));
    assert_eq!(names[0].names, ["example.com"]);
    let file = open("formats/pcapng_multi_section.pcapng");
    let v6: IpAddr = "fc01:dead::beef".parse().expect("address");
    assert!(file.metadata().names.iter().any(|n| n.address == v6));
}

#[test]
fn pcap_interface_comes_from_the_file_header() {
    let file = open("formats/pcap_nsec_le_sll_tcp.pcap");
    let [interface] = file.interfaces() else {
        panic!("pcap has one interface");
    };
    assert_eq!(interface.link_type, LinkType::LINUX_SLL);
    assert_eq!(interface.snaplen, 262_144);
    assert_eq!(interface.ts_resolution_nanos, 1);
    assert!(file.sections().is_empty());
}

#[test]
fn progress_reaches_the_file_size() {
    for case in CASES {
        let file = open(case.file);
        let mut packets = file.packets();
        let mut last = packets.bytes_read();
        while let Some(frame) = packets.next() {
            assert!(frame.is_ok(), "{}", case.file);
            assert!(packets.bytes_read() > last, "{}: progress", case.file);
            last = packets.bytes_read();
        }
        assert_eq!(packets.bytes_read(), file.len(), "{}", case.file);
    }
}

#[test]
fn epb_flags_and_drop_count_are_read() {
    // tshark shows frame.packet_flags 0x00000000 / 0x48000000 (preamble and
    // inter-frame-gap errors) and frame.drop_count 0 / 12345 for these two EPBs.
    let file = open("formats/pcapng_packet_comments.pcapng");
    let (frames, _) = read_all(&file);
    let found: Vec<(Option<u32>, Option<u64>)> =
        frames.iter().map(|f| (f.flags, f.drop_count)).collect();
    assert_eq!(
        found,
        [(Some(0), Some(0)), (Some(0x4800_0000), Some(12345))]
    );
    // A pcap record has neither.
    let file = open("mixed/http_get.pcap");
    let (frames, _) = read_all(&file);
    assert!(frames
        .iter()
        .all(|f| f.flags.is_none() && f.drop_count.is_none()));
}
