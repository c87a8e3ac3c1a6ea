//! Memory stays bounded under a synthetic flood: IP fragments that never
//! complete, and TCP segments that never fill the hole before them. The named
//! limits hold and expert items (or reassembly notes) report them.

use wirelens_dissect::flow::defrag::{
    MAX_AGE, MAX_BYTES_HELD, MAX_FRAGMENTS_PER_DATAGRAM, MAX_PENDING_DATAGRAMS,
};
use wirelens_dissect::flow::reassembly::{
    Budget, Direction, MAX_HELD_PER_DIRECTION, MAX_HELD_TOTAL, MAX_SEGMENTS_PER_DIRECTION,
};
use wirelens_dissect::transport::checksum::checksum;
use wirelens_dissect::{Dissector, FrameMeta, LinkType, Packet, Prefs, Timestamp};

/// A raw-IP (link type 101) IPv4 fragment of UDP: `id`, offset in 8-byte units,
/// more-fragments set, `len` bytes of payload.
fn ipv4_fragment(src: [u8; 4], id: u16, offset: u16, len: usize) -> Vec<u8> {
    let total = (20 + len) as u16;
    let mut f = vec![0x45, 0];
    f.extend_from_slice(&total.to_be_bytes());
    f.extend_from_slice(&id.to_be_bytes());
    f.extend_from_slice(&(0x2000 | offset).to_be_bytes());
    f.extend_from_slice(&[64, 17, 0, 0]);
    f.extend_from_slice(&src);
    f.extend_from_slice(&[192, 0, 2, 1]);
    // A valid header checksum: fragments with a bad one are not reassembled.
    let sum = checksum(&f);
    f[10..12].copy_from_slice(&sum.to_be_bytes());
    f.resize(20 + len, 0xab);
    f
}

fn dissect(d: &mut Dissector, n: u64, ts: Timestamp, bytes: &[u8], pkt: &mut Packet) {
    let meta = FrameMeta::new(n, ts, bytes.len() as u32, LinkType::RAW);
    d.dissect(&meta, bytes, pkt);
}

fn experts_with(pkt: &Packet, text: &str) -> usize {
    pkt.experts
        .iter()
        .filter(|e| e.message.contains(text))
        .count()
}

#[test]
fn fragments_that_never_complete_stay_within_the_limits() {
    let mut d = Dissector::new(Prefs::default());
    let mut pkt = Packet::new(false);
    let ts = Timestamp::new(1_700_000_000, 0);
    let mut seen = [0usize; 3];
    // Many datagrams of 1400-byte first fragments whose rest never comes.
    for i in 0..(MAX_PENDING_DATAGRAMS as u64 * 3) {
        let src = [10, (i >> 16) as u8, (i >> 8) as u8, i as u8];
        let frame = ipv4_fragment(src, i as u16, 0, 1400);
        dissect(&mut d, i + 1, ts, &frame, &mut pkt);
        let defrag = &d.state().defrag;
        assert!(defrag.bytes_held() <= MAX_BYTES_HELD);
        assert!(defrag.pending_datagrams() <= MAX_PENDING_DATAGRAMS);
        seen[0] += experts_with(&pkt, "reach the limit");
        seen[1] += experts_with(&pkt, "datagrams wait for fragments");
        seen[2] += experts_with(&pkt, "last fragment never seen");
    }
    assert!(seen[0] + seen[1] > 0, "a limit was reported: {seen:?}");
    assert!(seen[2] > 0, "dropped datagrams say what they missed");

    // One datagram flooded with fragments that never cover offset 0.
    let mut n = 1_000_000;
    let mut too_many = 0;
    for k in 0..(MAX_FRAGMENTS_PER_DATAGRAM as u16 + 10) {
        let frame = ipv4_fragment([172, 16, 0, 1], 7, 1 + k, 8);
        n += 1;
        dissect(&mut d, n, ts, &frame, &mut pkt);
        too_many += experts_with(&pkt, "fragments: it is dropped");
    }
    assert!(too_many > 0);

    // Time passes: everything still pending is dropped as timed out.
    let later = Timestamp::new(ts.secs + (MAX_AGE.0 / 1_000_000_000) as i64 + 1, 0);
    let frame = ipv4_fragment([172, 16, 0, 2], 8, 0, 8);
    dissect(&mut d, n + 1, later, &frame, &mut pkt);
    assert!(experts_with(&pkt, "timed out") > 0);
    assert_eq!(d.state().defrag.pending_datagrams(), 1);
    assert_eq!(d.state().defrag.bytes_held(), 8);
}

#[test]
fn out_of_order_segments_that_never_fill_a_hole_stay_within_the_limits() {
    let mut budget = Budget::default();
    let mut notes = Vec::new();
    let mut dirs: Vec<Direction> = (0..200).map(|_| Direction::default()).collect();
    let chunk = [0x5au8; 1448];
    for dir in dirs.iter_mut() {
        dir.segment(&mut budget, 1000, &[], true, false, &mut notes);
    }
    // Every segment starts one byte past the end of the previous one: a hole
    // before each, none ever filled, across many connections at once.
    for round in 0..2_000u32 {
        for dir in dirs.iter_mut() {
            let seq = 1002 + round * 1449;
            dir.segment(&mut budget, seq, &chunk, false, false, &mut notes);
            assert!(dir.held_bytes() <= MAX_HELD_PER_DIRECTION);
        }
        assert!(budget.held() <= MAX_HELD_TOTAL);
    }
    assert!(notes.iter().any(|n| n.message.contains("limit")));
    assert!(notes.iter().any(|n| n.message.contains("bytes missing")));
    assert!(dirs.iter().all(|d| d.missing > 0));
    // The per-direction segment count is bounded too.
    let mut one = Direction::default();
    let mut budget = Budget::default();
    one.segment(&mut budget, 0, &[], true, false, &mut notes);
    for k in 0..(MAX_SEGMENTS_PER_DIRECTION as u32 * 2) {
        one.segment(&mut budget, 10 + k * 2, b"x", false, false, &mut notes);
    }
    assert!(one.held_bytes() <= MAX_SEGMENTS_PER_DIRECTION);
}
