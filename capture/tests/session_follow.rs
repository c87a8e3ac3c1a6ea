//! A session following a capture file while it is written (`Session::follow`)
//! indexes each packet once its record is complete, waits at a record cut
//! short, and ends up with exactly the packets and trees of a session on the
//! finished file.

mod common;

use std::time::Duration;

use common::growing::{pcapng_pieces, recorded_packets, TempFile};
use wirelens_capture::session::{Config, LoadState, Session};
use wirelens_dissect::export::text;

/// Summary lines of packets 1..=n as the session dissects them on demand.
fn summaries(session: &Session, n: u64) -> Vec<String> {
    let first = session.dissect(1).expect("packet 1").frame.ts;
    (1..=n)
        .map(|k| {
            let d = session.dissect(k).expect("an indexed packet");
            let meta = d.meta();
            let mut line = String::new();
            text::summary_line(&mut line, &meta, meta.ts.since(first), &d.packet);
            line
        })
        .collect()
}

#[test]
fn a_followed_file_is_indexed_as_it_grows() {
    let packets = recorded_packets();
    let total = packets.len() as u64;
    let (header, blocks) = pcapng_pieces(&packets);
    let file = TempFile::new("session_follow.pcapng");
    file.append(&header);
    for block in &blocks[..3] {
        file.append(block);
    }
    let half = blocks[3].len() / 2;
    file.append(&blocks[3][..half]);

    let session = Session::follow(&file.0, Config::default()).expect("the header is complete");
    assert_eq!(session.wait_for_packets(3), 3);
    // The fourth block is cut short: it is not a packet yet, nor damage.
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(session.len(), 3);
    assert_eq!(session.progress().state, LoadState::Loading);
    assert!(session.is_following());

    file.append(&blocks[3][half..]);
    for block in &blocks[4..] {
        file.append(block);
    }
    assert_eq!(session.wait_for_packets(total), total);
    assert_eq!(session.progress().state, LoadState::Loading);

    // The same packets and trees as a session on the finished file.
    let whole = Session::open(&file.0, Config::default()).expect("a complete file");
    whole.wait();
    assert_eq!(whole.len(), total);
    assert_eq!(summaries(&session, total), summaries(&whole, total));
    let stats = |s: &Session| s.with_analysis(|a| format!("{:?}", a.hierarchy()));
    assert_eq!(stats(&session), stats(&whole));

    session.stop_following();
    let done = session.wait();
    assert_eq!(done.state, LoadState::Done);
    assert_eq!(done.packets, total);
    assert!(!session.is_following());
}

#[test]
fn a_record_still_cut_short_when_following_stops_is_damage() {
    let packets = recorded_packets();
    let (header, blocks) = pcapng_pieces(&packets);
    let file = TempFile::new("session_cut.pcapng");
    file.append(&header);
    file.append(&blocks[0]);
    file.append(&blocks[1]);
    file.append(&blocks[2][..9]);
    let session = Session::follow(&file.0, Config::default()).expect("the header is complete");
    assert_eq!(session.wait_for_packets(2), 2);
    session.stop_following();
    let done = session.wait();
    let offset = (header.len() + blocks[0].len() + blocks[1].len()) as u64;
    match done.state {
        LoadState::Damaged(e) => {
            assert_eq!(e.offset, offset);
            assert!(e.reason.contains("truncated"), "{}", e.reason);
        }
        other => panic!("expected damage at byte {offset}, got {other:?}"),
    }
    assert_eq!(done.packets, 2);
}

#[test]
fn dropping_a_following_session_stops_its_loader() {
    let packets = recorded_packets();
    let (header, blocks) = pcapng_pieces(&packets);
    let file = TempFile::new("session_drop.pcapng");
    file.append(&header);
    file.append(&blocks[0]);
    let session = Session::follow(&file.0, Config::default()).expect("the header is complete");
    assert_eq!(session.wait_for_packets(1), 1);
    // Returns once the waiting loader has seen the cancel, not never.
    drop(session);
}
