//! The neighbour table the capture shows: IPv4 ↔ MAC bindings from ARP and
//! IPv6 ↔ MAC bindings from NDP (Neighbor Solicitation / Advertisement link-layer
//! address options), with first and last time seen, and the state a Linux
//! neighbour cache watching the same packets would be in:
//!
//! - INCOMPLETE: a request (ARP request, NS) was seen and not answered yet;
//! - FAILED: that request stayed unanswered past [`UNANSWERED_AFTER`];
//! - REACHABLE: a reply (ARP reply, solicited NA) confirmed the binding less than
//!   [`REACHABLE_TIME`] ago;
//! - STALE: the binding is known but was not confirmed within [`REACHABLE_TIME`]
//!   (or was only learnt from a request or an unsolicited announcement, as the
//!   kernel does).
//!
//! The kernel's DELAY and PROBE states depend on upper-layer traffic and timers
//! the capture does not show; they are not modelled.
//!
//! Also counted: gratuitous ARPs / unsolicited NAs (announcements), duplicate
//! address detection probes (ARP probes from 0.0.0.0, NS from ::), and bindings
//! that change MAC address (a possible sign of spoofing). For ARP, a changed
//! binding is already flagged by the ARP dissector's "duplicate IP address" check
//! (Wireshark's), so only NDP changes get an expert item from here; a DAD probe
//! for an address bound to another MAC gets one for both.

use std::collections::HashMap;

use crate::model::{Address, Group, Packet, Severity, Span, Timestamp};

/// Linux's `base_reachable_time` default: a confirmed binding stays REACHABLE this long.
pub const REACHABLE_TIME_SECS: i64 = 30;
/// [`REACHABLE_TIME_SECS`] in nanoseconds.
pub const REACHABLE_TIME: i128 = REACHABLE_TIME_SECS as i128 * 1_000_000_000;

/// Linux gives up on a request after `mcast_solicit` (3) probes `retrans_time` (1 s)
/// apart: the entry becomes FAILED.
pub const UNANSWERED_AFTER: i128 = 3 * 1_000_000_000;

/// Most addresses remembered (Linux's `gc_thresh3` default); later ones are not tracked.
pub const MAX_NEIGHBOURS: usize = 1024;

/// Where a binding was learnt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    Arp,
    Ndp,
}

impl Via {
    pub fn name(self) -> &'static str {
        match self {
            Via::Arp => "ARP",
            Via::Ndp => "NDP",
        }
    }
}

/// A neighbour cache state (Linux's `NUD_*`, those the capture can tell).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NeighState {
    Incomplete,
    Reachable,
    Stale,
    Failed,
}

impl NeighState {
    pub fn name(self) -> &'static str {
        match self {
            NeighState::Incomplete => "INCOMPLETE",
            NeighState::Reachable => "REACHABLE",
            NeighState::Stale => "STALE",
            NeighState::Failed => "FAILED",
        }
    }
}

/// One IP address and what is known of its link-layer address.
#[derive(Clone, Debug)]
pub struct Neighbour {
    pub ip: Address,
    pub via: Via,
    /// The current binding (None: never answered).
    pub mac: Option<[u8; 6]>,
    pub first_seen: Timestamp,
    pub last_seen: Timestamp,
    pub first_frame: u64,
    pub last_frame: u64,
    /// Time of the last reply confirming the binding.
    confirmed: Option<Timestamp>,
    /// Time of the oldest request not answered yet.
    pending: Option<Timestamp>,
    pub requests: u32,
    pub replies: u32,
    /// Gratuitous ARPs / unsolicited NAs announcing the binding.
    pub announcements: u32,
    /// Duplicate-address-detection probes for the address.
    pub dad_probes: u32,
    /// Times the bound MAC address changed.
    pub changes: u32,
    /// The MAC address bound before the last change.
    pub previous_mac: Option<[u8; 6]>,
}

impl Neighbour {
    /// The state the cache would be in at `now`.
    pub fn state_at(&self, now: Timestamp) -> NeighState {
        if self.mac.is_none() {
            return match self.pending {
                Some(t) if now.since(t).0 <= UNANSWERED_AFTER => NeighState::Incomplete,
                Some(_) => NeighState::Failed,
                None => NeighState::Incomplete,
            };
        }
        match self.confirmed {
            Some(t) if now.since(t).0 <= REACHABLE_TIME => NeighState::Reachable,
            _ => NeighState::Stale,
        }
    }
}

/// Something worth an expert item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// The address moved to another MAC address.
    Changed {
        ip: Address,
        old: [u8; 6],
        new: [u8; 6],
    },
    /// A duplicate-address-detection probe (or its answer) for an address in use elsewhere.
    DuplicateAddress { ip: Address, in_use_by: [u8; 6] },
    /// The table is full: the address is not tracked.
    Full,
}

/// What one ARP or NDP packet says.
#[derive(Clone, Copy, Debug)]
pub enum Message {
    /// A request for `target` from `sender` (None: the unspecified address, a
    /// duplicate-address-detection probe) at `sender_mac` (when the packet gives it).
    Request {
        sender: Option<Address>,
        sender_mac: Option<[u8; 6]>,
        target: Address,
    },
    /// `ip` is at `mac`: a reply or a solicited advertisement when `solicited`,
    /// an announcement (gratuitous ARP, unsolicited NA) otherwise.
    Reply {
        ip: Address,
        mac: Option<[u8; 6]>,
        solicited: bool,
    },
}

/// Every neighbour seen.
#[derive(Debug, Default)]
pub struct NeighbourTable {
    entries: HashMap<Address, Neighbour>,
    /// Addresses not tracked because the table was full.
    pub untracked: u64,
}

impl NeighbourTable {
    /// The entries, ordered by address family then address.
    pub fn entries(&self) -> Vec<&Neighbour> {
        let mut v: Vec<&Neighbour> = self.entries.values().collect();
        v.sort_by_key(|n| addr_key(&n.ip));
        v
    }

    fn entry(
        &mut self,
        ip: Address,
        via: Via,
        frame: u64,
        ts: Timestamp,
    ) -> Option<&mut Neighbour> {
        if !self.entries.contains_key(&ip) && self.entries.len() >= MAX_NEIGHBOURS {
            self.untracked += 1;
            return None;
        }
        let n = self.entries.entry(ip).or_insert_with(|| Neighbour {
            ip,
            via,
            mac: None,
            first_seen: ts,
            last_seen: ts,
            first_frame: frame,
            last_frame: frame,
            confirmed: None,
            pending: None,
            requests: 0,
            replies: 0,
            announcements: 0,
            dad_probes: 0,
            changes: 0,
            previous_mac: None,
        });
        n.last_seen = n.last_seen.max(ts);
        n.last_frame = frame;
        Some(n)
    }

    /// Learns `ip` at `mac`; returns the old MAC if the binding changed.
    fn bind(n: &mut Neighbour, mac: [u8; 6]) -> Option<[u8; 6]> {
        match n.mac {
            Some(old) if old != mac => {
                n.changes += 1;
                n.previous_mac = Some(old);
                n.mac = Some(mac);
                Some(old)
            }
            Some(_) => None,
            None => {
                n.mac = Some(mac);
                None
            }
        }
    }

    /// Records one message of frame `frame` at `ts`; returns what deserves an expert item.
    pub fn observe(&mut self, via: Via, msg: Message, frame: u64, ts: Timestamp) -> Vec<Event> {
        let mut events = Vec::new();
        match msg {
            Message::Request {
                sender,
                sender_mac,
                target,
            } => {
                let probe = sender.is_none();
                if let (Some(ip), Some(mac)) = (sender, sender_mac) {
                    if ip == target {
                        // A gratuitous request: the sender announces its own binding.
                        match self.entry(ip, via, frame, ts) {
                            Some(n) => {
                                n.announcements += 1;
                                if let Some(old) = Self::bind(n, mac) {
                                    events.push(Event::Changed { ip, old, new: mac });
                                }
                            }
                            None => events.push(Event::Full),
                        }
                        return events;
                    }
                    // The kernel learns the sender of a request (as STALE).
                    match self.entry(ip, via, frame, ts) {
                        Some(n) => {
                            if let Some(old) = Self::bind(n, mac) {
                                events.push(Event::Changed { ip, old, new: mac });
                            }
                        }
                        None => events.push(Event::Full),
                    }
                }
                match self.entry(target, via, frame, ts) {
                    Some(n) => {
                        n.requests += 1;
                        if probe {
                            n.dad_probes += 1;
                            if let Some(mac) = n.mac {
                                events.push(Event::DuplicateAddress {
                                    ip: target,
                                    in_use_by: mac,
                                });
                            }
                        } else if n.mac.is_none() && n.pending.is_none() {
                            n.pending = Some(ts);
                        }
                    }
                    None => events.push(Event::Full),
                }
            }
            // RFC 4861 7.2.5: an advertisement for an address without an entry is discarded.
            Message::Reply { ip, .. } if via == Via::Ndp && !self.entries.contains_key(&ip) => {}
            Message::Reply { ip, mac, solicited } => match self.entry(ip, via, frame, ts) {
                Some(n) => {
                    if solicited {
                        n.replies += 1;
                    } else {
                        n.announcements += 1;
                    }
                    if let Some(mac) = mac {
                        if let Some(old) = Self::bind(n, mac) {
                            events.push(Event::Changed { ip, old, new: mac });
                        }
                        n.pending = None;
                        if solicited {
                            n.confirmed = Some(ts);
                        }
                    }
                }
                None => events.push(Event::Full),
            },
        }
        events
    }
}

/// Adds the expert items for `events` to the packet; `changes` says whether a
/// changed binding is reported here (ARP's own duplicate check already does for ARP).
pub fn report(pkt: &mut Packet, span: Span, events: &[Event], changes: bool) {
    for e in events {
        match e {
            Event::Changed { ip, old, new } if changes => pkt.expert(
                Severity::Warn,
                Group::Sequence,
                span,
                format!(
                    "Neighbour {ip} moved from {} to {} (possible address spoofing)",
                    Address::Mac(*old),
                    Address::Mac(*new)
                ),
            ),
            Event::Changed { .. } => {}
            Event::DuplicateAddress { ip, in_use_by } => pkt.expert(
                Severity::Warn,
                Group::Sequence,
                span,
                format!(
                    "Duplicate address detection probe for {ip}, already in use by {}",
                    Address::Mac(*in_use_by)
                ),
            ),
            Event::Full => pkt.expert(
                Severity::Note,
                Group::Undecoded,
                span,
                format!(
                    "Neighbour table full ({MAX_NEIGHBOURS} addresses): this one is not tracked"
                ),
            ),
        }
    }
}

fn addr_key(a: &Address) -> (u8, [u8; 16]) {
    let mut b = [0u8; 16];
    match a {
        Address::Ipv4(x) => {
            b[..4].copy_from_slice(x);
            (4, b)
        }
        Address::Ipv6(x) => (6, *x),
        Address::Mac(x) => {
            b[..6].copy_from_slice(x);
            (9, b)
        }
        Address::None => (0, b),
    }
}

/// The MAC address in the first NDP option of type `ty` (1: source, 2: target
/// link-layer address) among the options in `opts`, if it is an Ethernet one.
pub fn ndp_link_address(opts: &[u8], ty: u8) -> Option<[u8; 6]> {
    let mut pos = 0;
    while let (Some(&t), Some(&len)) = (opts.get(pos), opts.get(pos + 1)) {
        let len = usize::from(len) * 8;
        if len == 0 {
            return None;
        }
        if t == ty && len == 8 {
            let mac = opts.get(pos + 2..pos + 8)?;
            let mut m = [0u8; 6];
            m.copy_from_slice(mac);
            return Some(m);
        }
        pos += len;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAC_A: [u8; 6] = [0, 1, 2, 3, 4, 5];
    const MAC_B: [u8; 6] = [0, 1, 2, 3, 4, 6];

    fn v4(last: u8) -> Address {
        Address::Ipv4([192, 168, 0, last])
    }

    #[test]
    fn request_reply_and_ageing() {
        let mut t = NeighbourTable::default();
        let t0 = Timestamp::new(100, 0);
        let req = Message::Request {
            sender: Some(v4(1)),
            sender_mac: Some(MAC_A),
            target: v4(2),
        };
        assert!(t.observe(Via::Arp, req, 1, t0).is_empty());
        let e = t.entries();
        assert_eq!(e[0].state_at(t0), NeighState::Stale); // the requester, learnt from its request
        assert_eq!(e[1].state_at(t0), NeighState::Incomplete);
        assert_eq!(e[1].state_at(Timestamp::new(104, 0)), NeighState::Failed);
        let rep = Message::Reply {
            ip: v4(2),
            mac: Some(MAC_B),
            solicited: true,
        };
        t.observe(Via::Arp, rep, 2, Timestamp::new(101, 0));
        let n = t.entries()[1];
        assert_eq!(n.state_at(Timestamp::new(101, 0)), NeighState::Reachable);
        let later = Timestamp::new(101 + REACHABLE_TIME_SECS + 1, 0);
        assert_eq!(n.state_at(later), NeighState::Stale);
    }

    #[test]
    fn a_changed_binding_and_a_dad_conflict_are_events() {
        let mut t = NeighbourTable::default();
        let ts = Timestamp::new(1, 0);
        let rep = |mac| Message::Reply {
            ip: v4(9),
            mac: Some(mac),
            solicited: true,
        };
        t.observe(Via::Arp, rep(MAC_A), 1, ts);
        let ev = t.observe(Via::Arp, rep(MAC_B), 2, ts);
        assert_eq!(
            ev,
            vec![Event::Changed {
                ip: v4(9),
                old: MAC_A,
                new: MAC_B
            }]
        );
        let probe = Message::Request {
            sender: None,
            sender_mac: None,
            target: v4(9),
        };
        let ev = t.observe(Via::Arp, probe, 3, ts);
        assert_eq!(
            ev,
            vec![Event::DuplicateAddress {
                ip: v4(9),
                in_use_by: MAC_B
            }]
        );
        assert_eq!(t.entries()[0].changes, 1);
        assert_eq!(t.entries()[0].dad_probes, 1);
    }

    #[test]
    fn the_table_is_bounded() {
        let mut t = NeighbourTable::default();
        let ts = Timestamp::new(1, 0);
        for i in 0..(MAX_NEIGHBOURS as u32 + 10) {
            let b = i.to_be_bytes();
            let msg = Message::Reply {
                ip: Address::Ipv4([10, b[1], b[2], b[3]]),
                mac: Some(MAC_A),
                solicited: true,
            };
            t.observe(Via::Arp, msg, 1, ts);
        }
        assert_eq!(t.entries().len(), MAX_NEIGHBOURS);
        assert_eq!(t.untracked, 10);
    }

    #[test]
    fn ndp_options() {
        let opts = [1, 1, 0, 1, 2, 3, 4, 5, 2, 1, 9, 9, 9, 9, 9, 9];
        assert_eq!(ndp_link_address(&opts, 1), Some(MAC_A));
        assert_eq!(ndp_link_address(&opts, 2), Some([9; 6]));
        assert_eq!(ndp_link_address(&[1, 0, 0, 0], 1), None);
        assert_eq!(ndp_link_address(&[1, 1, 0], 1), None);
    }

    /// link/eth_arp_who_has.pcap frames 1-2 (read from the corpus) through the
    /// ARP dissector: "Who has 10.0.0.1? Tell 10.0.0.2", then "10.0.0.1 is at
    /// f8:ed:a5:c0:a4:f1".
    #[test]
    fn arp_request_and_reply_through_the_dissector() {
        use crate::testutil::corpus_capture;
        let capture = corpus_capture("link/eth_arp_who_has.pcap");
        let frames = capture.test_frames();
        let mut d = crate::Dissector::new(crate::Prefs::default());
        for (i, f) in frames[..2].iter().enumerate() {
            let wire_len = f.wire_len.unwrap_or(f.bytes.len() as u32);
            let meta = crate::FrameMeta::new(i as u64 + 1, f.ts, wire_len, capture.link);
            let mut pkt = Packet::new(true);
            d.dissect(&meta, f.bytes, &mut pkt);
            if i == 0 {
                let e = d.state().neighbours.entries();
                assert_eq!(e[0].ip, v4a([10, 0, 0, 1]));
                assert_eq!(e[0].state_at(meta.ts), NeighState::Incomplete);
            }
        }
        let now = d.state().frame_ts;
        let e = d.state().neighbours.entries();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].mac, Some([0xf8, 0xed, 0xa5, 0xc0, 0xa4, 0xf1]));
        assert_eq!(e[0].state_at(now), NeighState::Reachable);
        assert_eq!(e[1].ip, v4a([10, 0, 0, 2]));
        assert_eq!(e[1].state_at(now), NeighState::Stale);
    }

    fn v4a(a: [u8; 4]) -> Address {
        Address::Ipv4(a)
    }

    /// A truncated ARP packet (cut inside the addresses) teaches the table nothing.
    #[test]
    fn truncated_arp_is_ignored() {
        use crate::link::LinkType;
        use crate::testutil::CorpusFrame;
        // The request of link/eth_arp_who_has.pcap frame 1 cut after 38 of its 42
        // bytes, before the target IP address.
        let full = CorpusFrame::new("link/eth_arp_who_has.pcap", 1).bytes();
        let req = &full[..38];
        let mut d = crate::Dissector::new(crate::Prefs::default());
        let meta = crate::FrameMeta::new(
            1,
            Timestamp::new(1, 0),
            req.len() as u32,
            LinkType::ETHERNET,
        );
        let mut pkt = Packet::new(false);
        d.dissect(&meta, req, &mut pkt);
        assert!(d.state().neighbours.entries().is_empty());
    }
}
