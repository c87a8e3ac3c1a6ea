//! Following a capture file while it is written: `Follower` reads exactly
//! the packets whose records are complete, takes a record cut short at the
//! end as "not yet written", and goes on once the rest arrives. The packets
//! are those of a recorded capture, written in pieces as a live capture
//! writes them.

mod common;

use common::growing::{pcapng_pieces, recorded_packets, TempFile};
use wirelens_capture::write::{InterfaceCounters, PcapNgWriter, PcapWriter};
use wirelens_capture::{CaptureFile, FollowError, Follower};
use wirelens_dissect::{LinkType, Timestamp};

/// Polls and returns (frame number, timestamp, bytes) of each packet read.
fn poll(follower: &mut Follower) -> (Vec<(u64, Timestamp, Vec<u8>)>, u64) {
    let mut seen = Vec::new();
    let polled = follower
        .poll(|meta, data| seen.push((meta.number, meta.ts, data.to_vec())))
        .expect("no damage");
    assert_eq!(polled.packets, seen.len() as u64);
    (seen, polled.pending_bytes)
}

#[test]
fn pcapng_packets_appear_as_their_blocks_complete() {
    let packets = recorded_packets();
    assert!(
        packets.len() >= 6,
        "the sample has {} packets",
        packets.len()
    );
    let (header, blocks) = pcapng_pieces(&packets);
    let file = TempFile::new("growing.pcapng");
    let mut follower = Follower::new(&file.0);

    // Not created yet, then only half a section header.
    assert_eq!(poll(&mut follower), (vec![], 0));
    file.append(&header[..10]);
    assert_eq!(poll(&mut follower), (vec![], 10));

    // The rest of the header, two packets and half of the third.
    file.append(&header[10..]);
    file.append(&blocks[0]);
    file.append(&blocks[1]);
    let half = blocks[2].len() / 2;
    file.append(&blocks[2][..half]);
    let (seen, pending) = poll(&mut follower);
    let expected = |i: usize| (i as u64 + 1, packets[i].0, packets[i].1.clone());
    assert_eq!(seen, vec![expected(0), expected(1)]);
    assert_eq!(pending, half as u64);
    // Nothing new: the cut-short block is still pending.
    assert_eq!(poll(&mut follower), (vec![], half as u64));

    // The block completes, and the following ones arrive.
    file.append(&blocks[2][half..]);
    for block in &blocks[3..] {
        file.append(block);
    }
    let (seen, pending) = poll(&mut follower);
    assert_eq!(seen, (2..packets.len()).map(expected).collect::<Vec<_>>());
    assert_eq!(pending, 0);
    assert_eq!(follower.frames_read(), packets.len() as u64);
    let last = follower
        .finish(|_, _| panic!("no packet left"))
        .expect("complete");
    assert_eq!(last.packets, 0);
}

#[test]
fn a_block_still_cut_short_when_the_writer_finished_is_damage() {
    let packets = recorded_packets();
    let (header, blocks) = pcapng_pieces(&packets);
    let file = TempFile::new("cut.pcapng");
    file.append(&header);
    file.append(&blocks[0]);
    file.append(&blocks[1][..7]);
    let mut follower = Follower::new(&file.0);
    let (seen, pending) = poll(&mut follower);
    assert_eq!(seen.len(), 1);
    assert_eq!(pending, 7);
    let offset = (header.len() + blocks[0].len()) as u64;
    match follower.finish(|_, _| panic!("no complete packet left")) {
        Err(FollowError::Damaged(e)) => {
            assert_eq!(e.offset, offset);
            assert!(e.reason.contains("truncated"), "{}", e.reason);
        }
        other => panic!("expected damage at byte {offset}, got {other:?}"),
    }
}

#[test]
fn damage_before_the_end_is_reported_at_once() {
    let packets = recorded_packets();
    let (header, blocks) = pcapng_pieces(&packets);
    let mut broken = blocks[1].clone();
    // A block length that is not a multiple of 4 can never be completed.
    broken[4] = broken[4].wrapping_add(1);
    let file = TempFile::new("damaged.pcapng");
    file.append(&header);
    file.append(&blocks[0]);
    file.append(&broken);
    file.append(&blocks[2]);
    let mut follower = Follower::new(&file.0);
    let mut seen = 0;
    match follower.poll(|_, _| seen += 1) {
        Err(FollowError::Damaged(e)) => {
            assert_eq!(e.offset, (header.len() + blocks[0].len()) as u64)
        }
        other => panic!("expected damage, got {other:?}"),
    }
    assert_eq!(seen, 1);
}

#[test]
fn pcap_records_are_followed_too() {
    let packets = recorded_packets();
    let mut writer = PcapWriter::new(Vec::new(), LinkType(1), 65535, false).expect("in memory");
    // A 24-byte file header, then a 16-byte header before each packet.
    let mut ends = vec![24];
    for (ts, data, orig_len) in &packets {
        writer
            .write_packet(*ts, data, *orig_len)
            .expect("in memory");
        ends.push(ends[ends.len() - 1] + 16 + data.len());
    }
    let bytes = writer.finish().expect("in memory");
    let file = TempFile::new("growing.pcap");
    let mut follower = Follower::new(&file.0);
    // The file header and the first packet and a half.
    let cut = ends[1] + (ends[2] - ends[1]) / 2;
    file.append(&bytes[..cut]);
    let (seen, pending) = poll(&mut follower);
    assert_eq!(seen, vec![(1, packets[0].0, packets[0].1.clone())]);
    assert_eq!(pending, (cut - ends[1]) as u64);
    file.append(&bytes[cut..]);
    let (seen, pending) = poll(&mut follower);
    assert_eq!(seen.len(), packets.len() - 1);
    assert_eq!(seen.last().map(|s| s.0), Some(packets.len() as u64));
    assert_eq!(pending, 0);
}

#[test]
fn interface_statistics_blocks_read_back() {
    let mut writer = PcapNgWriter::new(Vec::new()).expect("in memory");
    writer
        .add_interface(LinkType(1), 65535, Some("eth0"), false)
        .expect("in memory");
    let start = Timestamp::new(1_700_000_000, 250_000_000);
    let end = Timestamp::new(1_700_000_060, 500_000_000);
    let counters = InterfaceCounters {
        start: Some(start),
        end: Some(end),
        received: Some(1234),
        if_dropped: Some(5),
        os_dropped: Some(67),
        delivered: Some(1160),
    };
    writer
        .write_interface_statistics(0, end, &counters)
        .expect("in memory");
    let bytes = writer.finish().expect("in memory");
    let file = CaptureFile::from_bytes(bytes).expect("a pcapng file");
    let stats = &file.metadata().statistics;
    assert_eq!(stats.len(), 1);
    let isb = &stats[0];
    assert_eq!(isb.interface_id, 0);
    assert_eq!(isb.ts, end);
    assert_eq!(isb.start, Some(start));
    assert_eq!(isb.end, Some(end));
    assert_eq!(isb.received, Some(1234));
    assert_eq!(isb.if_dropped, Some(5));
    assert_eq!(isb.os_dropped, Some(67));
    assert_eq!(isb.delivered, Some(1160));
}
