//! The route view: what each BGP speaker's peer learned from it (its
//! Adj-RIB-In for that session), over time, and — where several sessions carry
//! the same prefix — which path the BGP decision process (RFC 4271 section
//! 9.1.2.2, with the usual eBGP-over-iBGP and router-ID tie-breaks) would
//! select, and the step that decided it. Pure data: fed by the dissector,
//! tested on its own.
//!
//! The IGP metric to the NEXT_HOP (a decision step between eBGP-over-iBGP and
//! the router ID) cannot be seen in a capture; it is skipped and
//! [`Decision::igp_metric_skipped`] says so.

use std::collections::BTreeMap;
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use super::nlri::Prefix;
use crate::model::Timestamp;

/// ASNs kept per AS path (the decision length is counted on all of them).
pub const MAX_PATH_ASNS: usize = 64;
/// Communities kept per route.
pub const MAX_COMMUNITIES: usize = 32;
/// Prefixes kept per Adj-RIB-In; more are counted, not stored.
pub const MAX_ROUTES: usize = 1 << 16;
/// Announce/withdraw events kept per Adj-RIB-In, for the route view's
/// history (the announced/withdrawn counts stay exact past it). A busy
/// session sends far more: each kept event costs about 100 bytes, and a
/// capture may hold thousands of sessions.
pub const MAX_EVENTS: usize = 1024;
/// The AS number that stands in for a 4-octet one on 2-octet sessions (RFC 6793).
pub const AS_TRANS: u32 = 23456;

const AS_SET: u8 = 1;
const AS_SEQUENCE: u8 = 2;

/// An AS_PATH as segments of (type, ASN), bounded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AsPath {
    asns: Vec<(u8, u32)>,
    /// The length the decision process compares: each AS of a sequence
    /// counts 1, a whole set 1, confederation segments 0 (RFC 4271 9.1.2.2 a, RFC 5065).
    decision_len: u32,
}

impl AsPath {
    /// Appends one ASN of a segment of type `kind`; `first` for a segment's first.
    pub fn push(&mut self, kind: u8, asn: u32, first: bool) {
        match kind {
            AS_SEQUENCE => self.decision_len += 1,
            AS_SET if first => self.decision_len += 1,
            _ => {}
        }
        if self.asns.len() < MAX_PATH_ASNS {
            self.asns.push((kind, asn));
        }
    }

    pub fn asns(&self) -> &[(u8, u32)] {
        &self.asns
    }

    pub fn is_empty(&self) -> bool {
        self.asns.is_empty()
    }

    pub fn decision_len(&self) -> u32 {
        self.decision_len
    }

    /// The neighbouring AS: the leftmost AS of the path (RFC 4271 9.1.2.2 c).
    pub fn neighbour_as(&self) -> Option<u32> {
        self.asns
            .iter()
            .find(|(k, _)| *k == AS_SEQUENCE)
            .map(|(_, a)| *a)
    }
}

impl fmt::Display for AsPath {
    /// `1 2 {3,4}`: sequences spaced, sets in braces.
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut i = 0;
        while i < self.asns.len() {
            let kind = self.asns[i].0;
            let run = self.asns[i..]
                .iter()
                .take_while(|(k, _)| *k == kind)
                .count();
            if i > 0 {
                out.write_str(" ")?;
            }
            let group = &self.asns[i..i + run];
            if kind == AS_SEQUENCE {
                for (n, (_, a)) in group.iter().enumerate() {
                    write!(out, "{}{a}", if n > 0 { " " } else { "" })?;
                }
            } else {
                out.write_str("{")?;
                for (n, (_, a)) in group.iter().enumerate() {
                    write!(out, "{}{a}", if n > 0 { "," } else { "" })?;
                }
                out.write_str("}")?;
            }
            i += run;
        }
        Ok(())
    }
}

/// A route's next hop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NextHop {
    V4([u8; 4]),
    V6([u8; 16]),
}

impl fmt::Display for NextHop {
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NextHop::V4(a) => write!(out, "{}", Ipv4Addr::from(*a)),
            NextHop::V6(a) => write!(out, "{}", Ipv6Addr::from(*a)),
        }
    }
}

/// The path attributes of an UPDATE, as the route view keeps them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PathAttrs {
    pub origin: Option<u8>,
    pub as_path: AsPath,
    pub as4_path: AsPath,
    pub next_hop: Option<NextHop>,
    pub med: Option<u32>,
    pub local_pref: Option<u32>,
    pub atomic_aggregate: bool,
    pub aggregator: Option<(u32, [u8; 4])>,
    pub communities: Vec<u32>,
    pub large_communities: u32,
    pub originator_id: Option<[u8; 4]>,
    pub cluster_list_len: u32,
    pub aigp: Option<u64>,
}

impl PathAttrs {
    /// RFC 6793 4.2.3: on a 2-octet session, AS_TRANS in the AS_PATH stands for
    /// the 4-octet ASNs the AS4_PATH carries; rebuild the real path.
    pub fn merge_as4_path(&mut self) {
        if self.as4_path.is_empty() || self.as_path.decision_len() < self.as4_path.decision_len() {
            return;
        }
        if !self.as_path.asns.iter().any(|(_, a)| *a == AS_TRANS) {
            return;
        }
        let keep = self
            .as_path
            .asns
            .len()
            .saturating_sub(self.as4_path.asns.len());
        let mut merged = AsPath::default();
        for (i, (k, a)) in self.as_path.asns[..keep]
            .iter()
            .chain(self.as4_path.asns.iter())
            .enumerate()
        {
            let first = i == 0 || (i == keep && *k != AS_SEQUENCE);
            merged.push(*k, *a, first);
        }
        self.as_path = merged;
    }

    /// ORIGIN as the decision process ranks it (absent: worst).
    fn origin_rank(&self) -> u8 {
        self.origin.unwrap_or(u8::MAX)
    }

    /// LOCAL_PREF, 100 when absent (the common default for eBGP-learned routes).
    pub fn effective_local_pref(&self) -> u32 {
        self.local_pref.unwrap_or(100)
    }
}

/// What happened to a prefix in one Adj-RIB-In.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    Announced(Arc<PathAttrs>),
    Withdrawn,
}

/// One announce or withdraw, with when it was seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteEvent {
    pub frame: u64,
    pub ts: Timestamp,
    pub prefix: Prefix,
    pub change: Change,
}

/// A route as currently held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub attrs: Arc<PathAttrs>,
    pub frame: u64,
    pub ts: Timestamp,
}

/// What one receiver learned from one sender on a session.
#[derive(Clone, Debug, Default)]
pub struct AdjRibIn {
    routes: BTreeMap<Prefix, Route>,
    events: Vec<RouteEvent>,
    pub announced: u64,
    pub withdrawn: u64,
    /// Announcements not stored because [`MAX_ROUTES`] was reached.
    pub routes_dropped: u64,
    /// Events not stored because [`MAX_EVENTS`] was reached.
    pub events_dropped: u64,
}

impl AdjRibIn {
    fn event(&mut self, e: RouteEvent) {
        if self.events.len() < MAX_EVENTS {
            self.events.push(e);
        } else {
            self.events_dropped += 1;
        }
    }

    pub fn announce(&mut self, prefix: Prefix, attrs: &Arc<PathAttrs>, frame: u64, ts: Timestamp) {
        self.announced += 1;
        let route = Route {
            attrs: Arc::clone(attrs),
            frame,
            ts,
        };
        if self.routes.len() < MAX_ROUTES || self.routes.contains_key(&prefix) {
            self.routes.insert(prefix, route);
        } else {
            self.routes_dropped += 1;
        }
        self.event(RouteEvent {
            frame,
            ts,
            prefix,
            change: Change::Announced(Arc::clone(attrs)),
        });
    }

    pub fn withdraw(&mut self, prefix: Prefix, frame: u64, ts: Timestamp) {
        self.withdrawn += 1;
        self.routes.remove(&prefix);
        self.event(RouteEvent {
            frame,
            ts,
            prefix,
            change: Change::Withdrawn,
        });
    }

    /// The session went down: every route learned on it is gone (RFC 4271 8.2.2).
    pub fn clear(&mut self) {
        self.routes.clear();
    }

    pub fn routes(&self) -> &BTreeMap<Prefix, Route> {
        &self.routes
    }

    pub fn events(&self) -> &[RouteEvent] {
        &self.events
    }
}

/// A path to a prefix as the decision process sees it.
#[derive(Clone, Debug)]
pub struct Candidate<'a> {
    pub attrs: &'a PathAttrs,
    /// The AS of the speaker that sent the route.
    pub peer_as: u32,
    /// The AS of the speaker that received it (eBGP when it differs).
    pub local_as: u32,
    /// The sender's BGP identifier (or the ORIGINATOR_ID when reflected, RFC 4456 9).
    pub router_id: [u8; 4],
    /// The sender's address, as the last tie-break.
    pub peer_addr: [u8; 16],
}

impl Candidate<'_> {
    fn ebgp(&self) -> bool {
        self.peer_as != self.local_as
    }

    fn effective_router_id(&self) -> [u8; 4] {
        self.attrs.originator_id.unwrap_or(self.router_id)
    }
}

/// The decision step that left a single path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Only one path: nothing to decide.
    OnlyPath,
    LocalPref,
    AsPathLength,
    Origin,
    /// Lowest MED among paths from the same neighbouring AS.
    Med,
    EbgpOverIbgp,
    RouterId,
    PeerAddress,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::OnlyPath => "only path",
            Step::LocalPref => "highest LOCAL_PREF",
            Step::AsPathLength => "shortest AS_PATH",
            Step::Origin => "lowest ORIGIN",
            Step::Med => "lowest MED from the same neighbour AS",
            Step::EbgpOverIbgp => "eBGP over iBGP",
            Step::RouterId => "lowest router ID",
            Step::PeerAddress => "lowest peer address",
        }
    }
}

/// The outcome of the decision process for one prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decision {
    /// Index of the selected path in the candidates given.
    pub best: usize,
    pub step: Step,
    /// The IGP-metric step was not evaluated (always: it is not in the capture).
    pub igp_metric_skipped: bool,
}

/// Runs the decision process over `c` (no candidates: `None`).
pub fn decide(c: &[Candidate<'_>]) -> Option<Decision> {
    let mut alive: Vec<usize> = (0..c.len()).collect();
    let done = |alive: &Vec<usize>, step| {
        (alive.len() == 1).then(|| Decision {
            best: alive[0],
            step,
            igp_metric_skipped: true,
        })
    };
    if let Some(d) = done(&alive, Step::OnlyPath) {
        return Some(d);
    }
    if alive.is_empty() {
        return None;
    }
    keep_best(&mut alive, |i| {
        std::cmp::Reverse(c[i].attrs.effective_local_pref())
    });
    if let Some(d) = done(&alive, Step::LocalPref) {
        return Some(d);
    }
    keep_best(&mut alive, |i| c[i].attrs.as_path.decision_len());
    if let Some(d) = done(&alive, Step::AsPathLength) {
        return Some(d);
    }
    keep_best(&mut alive, |i| c[i].attrs.origin_rank());
    if let Some(d) = done(&alive, Step::Origin) {
        return Some(d);
    }
    // MED only compares paths from the same neighbouring AS; a missing MED is 0.
    let med = |i: usize| c[i].attrs.med.unwrap_or(0);
    let neighbour = |i: usize| c[i].attrs.as_path.neighbour_as().unwrap_or(c[i].local_as);
    let snapshot = alive.clone();
    alive.retain(|&i| {
        !snapshot
            .iter()
            .any(|&j| neighbour(j) == neighbour(i) && med(j) < med(i))
    });
    if let Some(d) = done(&alive, Step::Med) {
        return Some(d);
    }
    if alive.iter().any(|&i| c[i].ebgp()) {
        alive.retain(|&i| c[i].ebgp());
    }
    if let Some(d) = done(&alive, Step::EbgpOverIbgp) {
        return Some(d);
    }
    keep_best(&mut alive, |i| c[i].effective_router_id());
    if let Some(d) = done(&alive, Step::RouterId) {
        return Some(d);
    }
    keep_best(&mut alive, |i| c[i].peer_addr);
    Some(Decision {
        best: alive[0],
        step: Step::PeerAddress,
        igp_metric_skipped: true,
    })
}

/// Keeps the candidates whose `key` is the smallest.
fn keep_best<K: Ord>(alive: &mut Vec<usize>, key: impl Fn(usize) -> K) {
    let Some(min) = alive.iter().map(|&i| key(i)).min() else {
        return;
    };
    alive.retain(|&i| key(i) == min);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(lp: Option<u32>, path: &[u32], origin: u8, med: Option<u32>) -> PathAttrs {
        let mut a = PathAttrs {
            local_pref: lp,
            origin: Some(origin),
            med,
            ..PathAttrs::default()
        };
        for (i, asn) in path.iter().enumerate() {
            a.as_path.push(AS_SEQUENCE, *asn, i == 0);
        }
        a
    }

    fn cand(a: &PathAttrs, peer_as: u32, id: u8) -> Candidate<'_> {
        Candidate {
            attrs: a,
            peer_as,
            local_as: 100,
            router_id: [10, 0, 0, id],
            peer_addr: [id; 16],
        }
    }

    #[test]
    fn each_step_decides_when_the_earlier_ones_tie() {
        let hi = attrs(Some(200), &[1, 2, 3], 2, None);
        let lo = attrs(Some(100), &[1], 0, None);
        let d = decide(&[cand(&lo, 1, 1), cand(&hi, 1, 2)]).expect("decodes");
        assert_eq!((d.best, d.step), (1, Step::LocalPref));
        assert!(d.igp_metric_skipped);

        let short = attrs(None, &[1], 2, None);
        let long = attrs(None, &[1, 2], 0, None);
        let d = decide(&[cand(&long, 1, 1), cand(&short, 1, 2)]).expect("decodes");
        assert_eq!((d.best, d.step), (1, Step::AsPathLength));

        let igp = attrs(None, &[1], 0, None);
        let inc = attrs(None, &[2], 2, None);
        let d = decide(&[cand(&inc, 2, 1), cand(&igp, 1, 2)]).expect("decodes");
        assert_eq!((d.best, d.step), (1, Step::Origin));

        let m10 = attrs(None, &[7], 0, Some(10));
        let m5 = attrs(None, &[7], 0, Some(5));
        let d = decide(&[cand(&m10, 7, 1), cand(&m5, 7, 2)]).expect("decodes");
        assert_eq!((d.best, d.step), (1, Step::Med));

        // Different neighbour ASes: MED is not compared; eBGP beats iBGP.
        let ibgp = attrs(None, &[8], 0, Some(0));
        let ebgp = attrs(None, &[9], 0, Some(50));
        let d = decide(&[cand(&ibgp, 100, 1), cand(&ebgp, 9, 2)]).expect("decodes");
        assert_eq!((d.best, d.step), (1, Step::EbgpOverIbgp));

        let a = attrs(None, &[9], 0, None);
        let b = attrs(None, &[8], 0, None);
        let d = decide(&[cand(&a, 9, 5), cand(&b, 8, 3)]).expect("decodes");
        assert_eq!((d.best, d.step), (1, Step::RouterId));

        let d = decide(&[cand(&a, 9, 5)]).expect("decodes");
        assert_eq!((d.best, d.step), (0, Step::OnlyPath));
        assert!(decide(&[]).is_none());
    }

    #[test]
    fn as4_path_replaces_as_trans() {
        let mut a = PathAttrs::default();
        for (i, x) in [200, 1, AS_TRANS, AS_TRANS, AS_TRANS].iter().enumerate() {
            a.as_path.push(AS_SEQUENCE, *x, i == 0);
        }
        for (i, x) in [1, 222222, 333333, 4294967290].iter().enumerate() {
            a.as4_path.push(AS_SEQUENCE, *x, i == 0);
        }
        a.merge_as4_path();
        assert_eq!(a.as_path.to_string(), "200 1 222222 333333 4294967290");
        assert_eq!(a.as_path.decision_len(), 5);
    }

    #[test]
    fn as_sets_count_once_and_print_in_braces() {
        let mut p = AsPath::default();
        p.push(AS_SEQUENCE, 1, true);
        p.push(AS_SEQUENCE, 2, false);
        p.push(AS_SET, 3, true);
        p.push(AS_SET, 4, false);
        assert_eq!(p.decision_len(), 3);
        assert_eq!(p.to_string(), "1 2 {3,4}");
    }

    #[test]
    fn the_rib_follows_announcements_and_withdrawals_within_bounds() {
        let mut rib = AdjRibIn::default();
        let a = Arc::new(PathAttrs::default());
        let p = Prefix::v4([10, 0, 0, 0], 8);
        rib.announce(p, &a, 1, Timestamp::new(0, 0));
        assert_eq!(rib.routes().len(), 1);
        rib.withdraw(p, 2, Timestamp::new(1, 0));
        assert!(rib.routes().is_empty());
        assert_eq!(
            (rib.announced, rib.withdrawn, rib.events().len()),
            (1, 1, 2)
        );
        for i in 0..(MAX_ROUTES as u32 + 10) {
            let b = i.to_be_bytes();
            rib.announce(Prefix::v4(b, 32), &a, 3, Timestamp::new(2, 0));
        }
        assert_eq!(rib.routes().len(), MAX_ROUTES);
        assert_eq!(rib.routes_dropped, 10);
        assert_eq!(rib.events().len(), MAX_EVENTS);
    }
}
