//! Which packets make up a TCP stream, found in the session's index.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration as StdDuration;

use wirelens_capture::session::filter::FilterControl;
use wirelens_capture::session::index::NOT_INTERNED;
use wirelens_capture::session::Session;
use wirelens_dissect::filter::Filter;
use wirelens_dissect::model::Address;

/// Packets to dissect again: all of the stream's, perhaps with those of
/// other connections on the same addresses and ports, and one packet
/// known to be the stream's.
#[derive(Debug, PartialEq)]
pub(super) struct Candidates {
    /// (packet number, file offset), in capture order.
    pub(super) frames: Vec<(u64, u64)>,
    pub(super) anchor: u64,
}

/// The stream's packets from the index when the loader's flow table still
/// has a record of the stream (each index entry names its record);
/// otherwise by running `tcp.stream == N` over the session.
pub(super) fn candidates(
    session: &Session,
    stream: u64,
    cancel: &AtomicBool,
) -> Result<Candidates, String> {
    if let Some(c) = candidates_from_index(session, stream) {
        return Ok(c);
    }
    let numbers = frames_from_filter(session, stream, cancel)?;
    let anchor = numbers.first().copied().unwrap_or(0);
    let frames = numbers
        .into_iter()
        .filter_map(|n| Some((n, session.entry(n)?.offset)))
        .collect();
    let hosts = session
        .entry(anchor)
        .and_then(|e| session.with_analysis(|a| a.addrs.get(e.addrs).map(|x| (x.src, x.dst))));
    Ok(Candidates { frames, anchor }.with_fragments(session, hosts))
}

impl Candidates {
    /// Adds the packets between the two hosts that belong to no flow (IP
    /// fragments: a segment reassembled from them needs them dissected
    /// first), up to the last candidate.
    fn with_fragments(mut self, session: &Session, hosts: Option<(Address, Address)>) -> Self {
        let Some((a, b)) = hosts else {
            return self;
        };
        let between: HashSet<u32> = session
            .with_analysis(|an| an.addrs.snapshot())
            .iter()
            .enumerate()
            .filter(|(_, x)| {
                x.src_port.is_none() && ((x.src, x.dst) == (a, b) || (x.src, x.dst) == (b, a))
            })
            .filter_map(|(id, _)| u32::try_from(id).ok())
            .collect();
        let Some(&(last, _)) = self.frames.last() else {
            return self;
        };
        if between.is_empty() {
            return self;
        }
        let index = session.snapshot();
        let fragments = index
            .range(1, last)
            .filter(|(_, e)| e.stream == 0 && between.contains(&e.addrs))
            .map(|(n, e)| (n, e.offset));
        self.frames.extend(fragments);
        self.frames.sort_unstable();
        self.frames.dedup();
        self
    }
}

fn candidates_from_index(session: &Session, stream: u64) -> Option<Candidates> {
    let stream = u32::try_from(stream).ok()?;
    let (records, hosts, complete) = session.with_analysis(|a| {
        let table = &a.state().flows;
        let mine: Vec<_> = table
            .all()
            .into_iter()
            .filter(|f| f.tcp_stream == Some(stream))
            .collect();
        let records = mine
            .iter()
            .map(|f| Some((u32::try_from(f.first_frame).ok()?, f.last_frame)))
            .collect::<Option<Vec<Record>>>();
        let hosts = mine.first().map(|f| (f.orig.addr, f.resp.addr));
        (records, hosts, table.dropped == 0)
    });
    let records = records?;
    let found = if complete {
        by_records(session, &records)
    } else {
        by_addresses(session, &records)
    };
    Some(found?.with_fragments(session, hosts))
}

/// The packets of the connection packet `packet` is in, found from its
/// index entry, which names its flow record, without the flow table: every
/// packet with the addresses and ports of that record's packets, from the
/// start (an earlier record of the connection may exist) to the end of what
/// is loaded; the dissection keeps those of `packet`'s stream. `None` when
/// the packet is in no flow or the addresses were not interned.
pub(super) fn candidates_of_packet(session: &Session, packet: u64) -> Option<Candidates> {
    let entry = session.entry(packet)?;
    if entry.stream == 0 {
        return None;
    }
    let records = [(entry.stream, session.len())];
    let mut found = by_addresses(session, &records)?;
    found.anchor = packet;
    let hosts = session.with_analysis(|a| a.addrs.get(entry.addrs).map(|x| (x.src, x.dst)));
    Some(found.with_fragments(session, hosts))
}

/// A flow record of the stream: its first packet (the id index entries
/// carry) and its last one so far.
type Record = (u32, u64);

/// Every record of the stream is known: its packets are their packets,
/// found between the first record's first packet and the last one's last.
fn by_records(session: &Session, records: &[Record]) -> Option<Candidates> {
    let anchor = u64::from(records.iter().map(|r| r.0).min()?);
    let last = records.iter().map(|r| r.1).max()?;
    let ids: Vec<u32> = records.iter().map(|r| r.0).collect();
    let frames = session
        .snapshot()
        .range(anchor, last.saturating_sub(anchor) + 1)
        .filter(|(_, e)| ids.contains(&e.stream))
        .map(|(n, e)| (n, e.offset))
        .collect();
    Some(Candidates { frames, anchor })
}

/// Some records were dropped (the table keeps a bounded number of ended
/// flows), and a connection evicted from a full table or idle past its
/// timeout continues under a new record: the stream's first packets may
/// be under a forgotten one. They have the addresses and ports of the
/// known packets, so every packet with those is a candidate and the
/// dissection tells the streams apart.
fn by_addresses(session: &Session, records: &[Record]) -> Option<Candidates> {
    let anchor = u64::from(records.iter().map(|r| r.0).min()?);
    let last = records.iter().map(|r| r.1).max()?;
    let ids: Vec<u32> = records.iter().map(|r| r.0).collect();
    let index = session.snapshot();
    let addrs: HashSet<u32> = index
        .range(anchor, last.saturating_sub(anchor) + 1)
        .filter(|(_, e)| ids.contains(&e.stream))
        .map(|(_, e)| e.addrs)
        .collect();
    if addrs.contains(&NOT_INTERNED) {
        return None;
    }
    let frames = index
        .range(1, last)
        .filter(|(_, e)| addrs.contains(&e.addrs))
        .map(|(n, e)| (n, e.offset))
        .collect();
    Some(Candidates { frames, anchor })
}

fn frames_from_filter(
    session: &Session,
    stream: u64,
    cancel: &AtomicBool,
) -> Result<Vec<u64>, String> {
    let text = format!("tcp.stream == {stream}");
    let filter = Filter::compile(&text).map_err(|e| e.render(&text))?;
    let control = FilterControl::default();
    let outcome = thread::scope(|scope| {
        let run = scope.spawn(|| session.filter(&filter, &control));
        // The filter has its own cancel flag: pass ours on while it runs.
        while !run.is_finished() {
            if cancel.load(Ordering::Relaxed) {
                control.cancel.store(true, Ordering::Relaxed);
            }
            thread::sleep(StdDuration::from_millis(10));
        }
        run.join()
    })
    .map_err(|_| "the stream's packets could not be collected".to_string())?;
    if outcome.cancelled || cancel.load(Ordering::Relaxed) {
        return Err("cancelled".into());
    }
    Ok(outcome.matches)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::tcp_view::builder::build_from;
    use std::path::Path;
    use wirelens_capture::session::Config;

    #[test]
    fn the_filter_path_stops_when_cancelled() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/captures/tls/tls_nss_tls12_tls13.pcap");
        let session = Session::open(&path, Config::default()).expect("open");
        session.wait();
        let err = frames_from_filter(&session, 0, &AtomicBool::new(true)).expect_err("cancelled");
        assert_eq!(err, "cancelled");
        let frames = frames_from_filter(&session, 0, &AtomicBool::new(false)).expect("frames");
        assert!(!frames.is_empty());
    }

    /// The index path and the filter path find the same packets for every
    /// stream of a few corpus captures.
    #[test]
    fn index_and_filter_agree_on_a_streams_packets() {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/captures");
        assert!(
            corpus.join("MANIFEST.md").is_file(),
            "the shared capture corpus is missing: expected {}",
            corpus.display()
        );
        for rel in [
            "tls/tls_nss_tls12_tls13.pcap",
            "http2/h2c_doh_post_goaway.pcap",
            "tcp/tcp_out_of_order_sack.pcap",
            "mixed/wikipedia_dns_http.pcap",
            "mixed/icmp_and_ssh.pcap",
            "mixed/var_services_std_ports.pcap",
        ] {
            let path = corpus.join(rel);
            let session = Session::open(&path, Config::default()).expect("open");
            session.wait();
            let streams = session.with_analysis(|a| a.state().tcp.len() as u64);
            assert!(streams > 0, "{rel}");
            let no = AtomicBool::new(false);
            for n in 0..streams {
                let by_filter = frames_from_filter(&session, n, &no).expect("filter");
                assert!(!by_filter.is_empty());
                let records = session.with_analysis(|a| {
                    a.state()
                        .flows
                        .all()
                        .into_iter()
                        .filter(|f| f.tcp_stream == Some(n as u32))
                        .map(|f| (f.first_frame as u32, f.last_frame))
                        .collect::<Vec<Record>>()
                });
                // Both index paths, then the dissection that sorts out the candidates.
                let numbers = |c: &Candidates| c.frames.iter().map(|f| f.0).collect::<Vec<_>>();
                let exact = by_records(&session, &records).expect("records");
                assert_eq!(numbers(&exact), by_filter, "{rel} stream {n}");
                let wide = by_addresses(&session, &records).expect("addresses");
                assert!(by_filter.iter().all(|f| numbers(&wide).contains(f)));
                assert_eq!(wide.anchor, by_filter[0]);
                for c in [exact, wide] {
                    let data = build_from(&session, n, &c, &no).expect("build");
                    assert_eq!(data.frames(), by_filter, "{rel} stream {n}");
                }
            }
        }
    }
}
