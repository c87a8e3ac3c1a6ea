//! The neighbour table (`wirelens stats -r F neighbours`) on corpus captures with
//! ARP and NDP; expectations read off the packets (tshark's summary lines quoted).

use wirelens::commands::stats::dissect_all;
use wirelens_dissect::flow::neighbours::{NeighState, Neighbour, Via};
use wirelens_dissect::model::Address;
use wirelens_tests::corpus_dir;

fn table(path: &str) -> (Vec<Neighbour>, wirelens_dissect::Timestamp) {
    let path = if path.starts_with('/') {
        std::path::PathBuf::from(path)
    } else {
        corpus_dir().join(path)
    };
    let d = dissect_all(&path).expect("read capture");
    let now = d.state().frame_ts;
    let entries = d
        .state()
        .neighbours
        .entries()
        .into_iter()
        .cloned()
        .collect();
    (entries, now)
}

fn find<'a>(t: &'a [Neighbour], ip: &str) -> &'a Neighbour {
    let ip: std::net::IpAddr = ip.parse().expect("address");
    let addr = match ip {
        std::net::IpAddr::V4(a) => Address::Ipv4(a.octets()),
        std::net::IpAddr::V6(a) => Address::Ipv6(a.octets()),
    };
    t.iter()
        .find(|n| n.ip == addr)
        .expect("address in the table")
}

fn mac(n: &Neighbour) -> String {
    n.mac
        .map(|m| Address::Mac(m).to_string())
        .unwrap_or_default()
}

/// link/eth_arp_icmp.pcap: 1 "Who has 10.10.10.1? Tell 10.10.10.2", 2 "10.10.10.1 is
/// at 00:1d:09:f0:92:ab", ... 5 "Who has 10.10.10.2? Tell 10.10.10.1", 6 "10.10.10.2 is
/// at 00:1a:6b:6c:0c:cc". Both answered within 30 s of the end: REACHABLE.
#[test]
fn eth_arp_icmp_both_reachable() {
    let (t, now) = table("link/eth_arp_icmp.pcap");
    assert_eq!(t.len(), 2);
    let a = find(&t, "10.10.10.1");
    assert_eq!(mac(a), "00:1d:09:f0:92:ab");
    assert_eq!((a.requests, a.replies, a.via), (1, 1, Via::Arp));
    assert_eq!(a.state_at(now), NeighState::Reachable);
    let b = find(&t, "10.10.10.2");
    assert_eq!(mac(b), "00:1a:6b:6c:0c:cc");
    assert_eq!(b.state_at(now), NeighState::Reachable);
    assert_eq!(b.first_frame, 1);
    assert_eq!(b.last_frame, 6);
}

/// link/eth_arp_who_has.pcap: the requester 10.0.0.2 is learnt from its request
/// (STALE, as the kernel does), the target from the reply (REACHABLE).
#[test]
fn eth_arp_who_has() {
    let (t, now) = table("link/eth_arp_who_has.pcap");
    assert_eq!(find(&t, "10.0.0.1").state_at(now), NeighState::Reachable);
    assert_eq!(mac(find(&t, "10.0.0.1")), "f8:ed:a5:c0:a4:f1");
    assert_eq!(find(&t, "10.0.0.2").state_at(now), NeighState::Stale);
}

/// link/sll_arp.pcap: "Who has 10.1.10.1? Tell 10.1.10.100" repeated, never
/// answered (FAILED after 3 s), and two "ARP Announcement for 192.168.22.81".
#[test]
fn sll_arp_unanswered_and_announcements() {
    let (t, now) = table("link/sll_arp.pcap");
    let gw = find(&t, "10.1.10.1");
    assert!(gw.mac.is_none());
    assert!(gw.requests >= 5);
    assert_eq!(gw.state_at(now), NeighState::Failed);
    let ann = find(&t, "192.168.22.81");
    assert_eq!(ann.announcements, 2);
    assert_eq!(mac(ann), "00:50:56:8b:3f:0d");
    assert_eq!(ann.state_at(now), NeighState::Stale);
}

/// ip/icmpv6_neighbor_solicit.pcap: "Neighbor Solicitation for fe80::babe", no
/// answer yet at the end of the capture: INCOMPLETE. ip/icmpv6_neighbor_advert.pcap:
/// an unsolicited NA for fe80::babe with no entry is discarded (RFC 4861 7.2.5).
#[test]
fn ndp_solicitation_and_unsolicited_advertisement() {
    let (t, now) = table("ip/icmpv6_neighbor_solicit.pcap");
    let n = find(&t, "fe80::babe");
    assert_eq!((n.via, n.requests), (Via::Ndp, 1));
    assert_eq!(n.state_at(now), NeighState::Incomplete);
    let (t, _) = table("ip/icmpv6_neighbor_advert.pcap");
    assert!(t.is_empty());
}

/// samples/captures/icmp_ping.pcap: ARP and NDP request/answer pairs before the pings.
#[test]
fn arp_and_ndp_together() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../samples/captures/icmp_ping.pcap"
    );
    let (t, now) = table(path);
    let v6 = find(&t, "fd00:99::2");
    assert_eq!(v6.via, Via::Ndp);
    assert_eq!(mac(v6), "02:00:5e:10:00:02");
    assert_eq!(v6.state_at(now), NeighState::Reachable);
    assert_eq!(find(&t, "10.99.0.2").state_at(now), NeighState::Reachable);
}

/// link/sll2_arp_icmp_icmpv6.pcap: 192.0.2.1 asks for 192.0.2.2, unanswered in the capture.
#[test]
fn sll2_unanswered_request() {
    let (t, now) = table("link/sll2_arp_icmp_icmpv6.pcap");
    assert_eq!(find(&t, "192.0.2.1").state_at(now), NeighState::Stale);
    let target = find(&t, "192.0.2.2");
    assert!(target.mac.is_none());
    assert_eq!(target.state_at(now), NeighState::Incomplete);
}

/// The command's table has a line per address with its state.
#[test]
fn stats_neighbours_prints_a_table() {
    use clap::Parser as _;
    let file = corpus_dir().join("link/eth_arp_icmp.pcap");
    let cli = wirelens::cli::Cli::try_parse_from([
        "wirelens",
        "stats",
        "-r",
        file.to_str().unwrap_or_default(),
        "neighbours",
    ])
    .expect("args");
    let Some(wirelens::cli::Command::Stats(args)) = cli.command else {
        panic!("not stats");
    };
    let mut out = Vec::new();
    wirelens::commands::stats::run(&args, &mut out).expect("stats");
    let text = String::from_utf8(out).expect("utf-8");
    assert!(text.contains("10.10.10.1 "), "{text}");
    assert_eq!(text.matches("REACHABLE").count(), 2, "{text}");
}
