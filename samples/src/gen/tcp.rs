//! TCP connections, simulated closely enough for a TCP analyzer to find what
//! it looks for: a three-way handshake with the options of the client's OS,
//! slow start in flights paced by the bottleneck, delayed ACKs, SACK blocks
//! after a loss, fast retransmits and timeouts, out-of-order arrivals, and a
//! FIN or RST teardown.
//!
//! The capture point is next to the clients: a packet from the server
//! shows the reaction of the server one round-trip time after the client
//! packet that caused it, and a client reacts a LAN delay after a server
//! packet passes.
//!
//! A connection works one exchange at a time: it plans every segment of the
//! next exchange (both directions, with their capture times) into a queue,
//! and the capture draws packets from that queue in time order, interleaved
//! with every other flow. Fields that depend on what was emitted before
//! (TCP timestamps, the IPv4 identification) are filled in at emission.

use std::collections::VecDeque;

use pnet_packet::tcp::{TcpFlags, TcpOption};

use super::app::{Conversation, Exchange, Message};
use super::frame::{Frame, TcpHeader};
use super::net::{Os, Path};
use super::rng::Rng;
use super::time::{MS, US};

const FIN: u8 = TcpFlags::FIN;
const SYN: u8 = TcpFlags::SYN;
const RST: u8 = TcpFlags::RST;
const PSH: u8 = TcpFlags::PSH;
const ACK: u8 = TcpFlags::ACK;

/// Chance that a data segment is lost after the capture point (so it shows
/// once and then again as a retransmission).
const P_LOSS: f64 = 0.002;
/// Chance that a data segment overtakes the one before it.
const P_REORDER: f64 = 0.002;
/// Linux's delayed-ACK timer, and the minimum retransmission timeout.
const DELAYED_ACK: u64 = 40 * MS;
const MIN_RTO: u64 = 200 * MS;
/// Linux's initial SYN retransmission timeout.
const SYN_RTO: u64 = 1_000 * MS;
const INITIAL_CWND: u32 = 10;
const MAX_CWND: u32 = 700;
const MAX_SACK_BLOCKS: usize = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Client,
    Server,
}

impl Side {
    fn other(self) -> Side {
        match self {
            Side::Client => Side::Server,
            Side::Server => Side::Client,
        }
    }
}

/// One planned segment.
#[derive(Clone, Copy, Debug)]
struct Segment {
    at: u64,
    from: Side,
    flags: u8,
    seq: u32,
    ack: u32,
    len: u16,
    sack: [(u32, u32); MAX_SACK_BLOCKS],
    sack_len: u8,
}

/// The TCP state of one end.
#[derive(Debug)]
struct End {
    os: Os,
    port: u16,
    isn: u32,
    /// Next sequence number to send.
    nxt: u32,
    /// Next sequence number expected from the other end (what it ACKs).
    rcv: u32,
    mss: u16,
    wscale: u8,
    /// Receive window in bytes; grows with what was received, as Linux
    /// auto-tuning does.
    window: u32,
    max_window: u32,
    /// The end's TCP timestamp clock (1 kHz) at simulated time 0.
    ts_base: u32,
    cwnd: u32,
    ssthresh: u32,
    /// The message being sent, and the sequence number of its first byte.
    msg: Message,
    msg_seq: u32,
    /// Emission-time state: last TSval sent and the IPv4 identification.
    last_tsval: u32,
    ip_id: u16,
}

impl End {
    fn new(os: Os, port: u16, mss: u16, wscale: u8, max_window: u32, rng: &mut Rng) -> End {
        let isn = rng.next_u32();
        End {
            os,
            port,
            isn,
            nxt: isn,
            rcv: 0,
            mss,
            wscale,
            window: 64_240,
            max_window,
            ts_base: rng.next_u32(),
            cwnd: INITIAL_CWND,
            ssthresh: u32::MAX,
            msg: Message::default(),
            msg_seq: isn,
            last_tsval: 0,
            ip_id: rng.next_u16(),
        }
    }

    /// Whether this end sends TCP timestamps when the other end offers them
    /// (Windows does not by default).
    fn wants_timestamps(&self) -> bool {
        self.os != Os::Windows
    }

    /// The window field for a non-SYN segment.
    fn scaled_window(&self) -> u16 {
        (self.window >> self.wscale).min(u32::from(u16::MAX)) as u16
    }

    fn grow_window(&mut self, received: u32) {
        self.window = (self.window + received).min(self.max_window);
    }
}

/// Delays of the path as seen from the capture point.
#[derive(Clone, Copy, Debug)]
struct Timing {
    /// Capture point to server and back.
    rtt: u64,
    /// Capture point to client and back.
    lan: u64,
    /// Spacing of full-size segments at the bottleneck, per direction.
    gap_up: u64,
    gap_down: u64,
}

impl Timing {
    fn random(rng: &mut Rng) -> Timing {
        let bits_per_frame = 1514 * 8 * 1_000_000_000u64;
        Timing {
            rtt: rng.log_uniform(2 * MS, 250 * MS),
            lan: rng.log_uniform(60 * US, 800 * US),
            gap_up: bits_per_frame / rng.log_uniform(5_000_000, 500_000_000),
            gap_down: bits_per_frame / rng.log_uniform(8_000_000, 950_000_000),
        }
    }

    /// How long after a packet *to* `side` passes the capture point that
    /// side's reaction passes it.
    fn react(&self, side: Side) -> u64 {
        match side {
            Side::Client => self.lan,
            Side::Server => self.rtt,
        }
    }

    fn gap(&self, from: Side) -> u64 {
        match from {
            Side::Client => self.gap_up,
            Side::Server => self.gap_down,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Connect,
    Talk,
    Closed,
}

/// How a receiver acknowledged one message.
struct Delivery {
    /// When the receiver's reaction to the complete message can pass the
    /// capture point.
    received_at: u64,
    /// A delayed ACK still owed for the message's last segment, due then.
    delayed_ack: Option<u64>,
}

/// A data segment of the flight being planned.
#[derive(Clone, Copy, Debug)]
struct InFlight {
    /// When it passes the capture point.
    at: u64,
    seq: u32,
    len: u16,
    /// Lost beyond the capture point: the receiver never gets it.
    lost: bool,
}

/// The receiver's view during one transfer.
#[derive(Default)]
struct Reassembly {
    /// Out-of-order blocks held, most recent first (the SACK order).
    blocks: Vec<(u32, u32)>,
    /// Full segments received in order and not yet acknowledged.
    unacked: u32,
}

pub struct TcpConn {
    rng: Rng,
    path: Path,
    timing: Timing,
    timestamps: bool,
    client: End,
    server: End,
    conversation: Conversation,
    phase: Phase,
    /// Time of the latest planned event: the next exchange starts after it.
    clock: u64,
    /// Earliest time each side can send, having received what it needs.
    client_ready: u64,
    server_ready: u64,
    /// A delayed ACK owed by one side, unless its next segment carries it.
    owed_ack: Option<(Side, u64)>,
    queue: VecDeque<Segment>,
    plan: Vec<Segment>,
    options: Vec<TcpOption>,
}

impl TcpConn {
    pub fn new(
        path: Path,
        client_os: Os,
        conversation: Conversation,
        server_port: u16,
        start: u64,
        rng: &mut Rng,
    ) -> TcpConn {
        let mut rng = rng.fork();
        let v6 = path.is_ipv6();
        let client_mss = if v6 { 1440 } else { 1460 };
        let server_mss = if v6 {
            *rng.pick(&[1440, 1440, 1380])
        } else {
            *rng.pick(&[1460, 1460, 1400, 1380])
        };
        let client_wscale = match client_os {
            Os::Linux => 7,
            Os::Windows => 8,
            Os::Mac => 6,
        };
        let client_port = super::net::Network::ephemeral_port(client_os, &mut rng);
        let client = End::new(
            client_os,
            client_port,
            client_mss,
            client_wscale,
            6 << 20,
            &mut rng,
        );
        let server_wscale = *rng.pick(&[7, 9, 10]);
        let server = End::new(
            Os::Linux,
            server_port,
            server_mss,
            server_wscale,
            1 << 20,
            &mut rng,
        );
        let timestamps = client.wants_timestamps() && server.wants_timestamps();
        TcpConn {
            timing: Timing::random(&mut rng),
            rng,
            path,
            timestamps,
            client,
            server,
            conversation,
            phase: Phase::Connect,
            clock: start,
            client_ready: start,
            server_ready: start,
            owed_ack: None,
            queue: VecDeque::new(),
            plan: Vec::new(),
            options: Vec::with_capacity(8),
        }
    }

    /// Time of the next segment, planning the next exchange if needed;
    /// `None` once the connection is closed and drained.
    pub fn next_time(&mut self) -> Option<u64> {
        while self.queue.is_empty() {
            match self.phase {
                Phase::Connect => self.plan_handshake(),
                Phase::Talk => match self.conversation.next_exchange() {
                    Some(exchange) => self.plan_exchange(exchange),
                    None => self.plan_teardown(),
                },
                Phase::Closed => return None,
            }
            self.plan.sort_by_key(|s| s.at);
            self.queue.extend(self.plan.drain(..));
            // Keep a finished large transfer from pinning its memory.
            if self.queue.capacity() > 8192 && self.queue.len() < 1024 {
                self.queue.shrink_to(1024);
            }
        }
        self.queue.front().map(|s| s.at)
    }

    /// Builds the next segment into `frame`.
    pub fn emit(&mut self, frame: &mut Frame) {
        let Some(seg) = self.queue.pop_front() else {
            return;
        };
        let (me, peer) = match seg.from {
            Side::Client => (&mut self.client, &self.server),
            Side::Server => (&mut self.server, &self.client),
        };
        let tsval = me.ts_base.wrapping_add((seg.at / MS) as u32);
        let tsecr = if seg.flags == SYN { 0 } else { peer.last_tsval };
        me.last_tsval = tsval;
        me.ip_id = me.ip_id.wrapping_add(1);

        self.options.clear();
        if seg.flags & SYN != 0 {
            // A SYN offers timestamps if its OS uses them; the SYN-ACK
            // takes them up only if both ends do.
            let timestamps = if seg.flags == SYN {
                me.wants_timestamps()
            } else {
                self.timestamps
            };
            syn_options(&mut self.options, me, timestamps, tsval, tsecr);
        } else {
            if self.timestamps {
                self.options.extend([
                    TcpOption::nop(),
                    TcpOption::nop(),
                    TcpOption::timestamp(tsval, tsecr),
                ]);
            }
            if seg.sack_len > 0 {
                let mut edges = [0u32; 2 * MAX_SACK_BLOCKS];
                for (i, &(left, right)) in seg.sack[..usize::from(seg.sack_len)].iter().enumerate()
                {
                    edges[2 * i] = left;
                    edges[2 * i + 1] = right;
                }
                self.options.extend([TcpOption::nop(), TcpOption::nop()]);
                self.options.push(TcpOption::selective_ack(
                    &edges[..2 * usize::from(seg.sack_len)],
                ));
            }
        }
        let window = if seg.flags & SYN != 0 {
            // Windows in SYNs are never scaled.
            me.window.min(65_535) as u16
        } else if seg.flags & RST != 0 {
            0
        } else {
            me.scaled_window()
        };
        let header = TcpHeader {
            src_port: me.port,
            dst_port: peer.port,
            seq: seg.seq,
            ack: if seg.flags & ACK != 0 { seg.ack } else { 0 },
            flags: seg.flags,
            window,
            options: &self.options,
        };
        let from_client = seg.from == Side::Client;
        let link = self.path.link(from_client);
        let ip = self.path.ip(from_client, me.ip_id);
        let offset = seg.seq.wrapping_sub(me.msg_seq);
        let msg = &me.msg;
        frame.tcp(&link, &ip, &header, usize::from(seg.len), |out| {
            msg.copy_to(offset, out)
        });
    }

    fn end(&mut self, side: Side) -> &mut End {
        match side {
            Side::Client => &mut self.client,
            Side::Server => &mut self.server,
        }
    }

    fn push(&mut self, seg: Segment) {
        self.clock = self.clock.max(seg.at);
        self.plan.push(seg);
    }

    /// A segment with no payload and no SACK blocks from `from`.
    fn control(&mut self, at: u64, from: Side, flags: u8) {
        let end = self.end(from);
        let seg = Segment {
            at,
            from,
            flags,
            seq: end.nxt,
            ack: end.rcv,
            len: 0,
            sack: [(0, 0); MAX_SACK_BLOCKS],
            sack_len: 0,
        };
        self.push(seg);
    }

    fn plan_handshake(&mut self) {
        let mut t = self.clock;
        let rtt = self.timing.rtt;
        self.control(t, Side::Client, SYN);
        if self.rng.chance(0.01) {
            // The SYN (or its SYN-ACK) got lost beyond the capture point.
            t += SYN_RTO;
            self.control(t, Side::Client, SYN);
        }
        self.client.nxt = self.client.isn.wrapping_add(1);
        self.server.rcv = self.client.nxt;
        if self.rng.chance(0.015) {
            // Nothing listens on that port: the server refuses.
            self.server.nxt = 0;
            self.control(t + rtt, Side::Server, RST | ACK);
            self.phase = Phase::Closed;
            return;
        }
        self.control(t + rtt, Side::Server, SYN | ACK);
        self.server.nxt = self.server.isn.wrapping_add(1);
        self.client.rcv = self.server.nxt;
        let established = t + rtt + self.timing.lan;
        self.control(established, Side::Client, ACK);
        self.client_ready = established;
        self.server_ready = established + rtt;
        self.phase = Phase::Talk;
    }

    fn plan_exchange(&mut self, exchange: Exchange) {
        let Exchange {
            pause,
            client,
            server_think,
            server,
        } = exchange;
        let mut server_start = self.clock.max(self.server_ready) + pause + server_think;
        if !client.is_empty() {
            let start = self.clock.max(self.client_ready) + pause;
            self.settle_owed_ack(Side::Client, start);
            let delivery = self.transfer(Side::Client, client, start);
            server_start = delivery.received_at + server_think;
            self.owed_ack = delivery.delayed_ack.map(|at| (Side::Server, at));
            self.server_ready = delivery.received_at;
        }
        if !server.is_empty() {
            self.settle_owed_ack(Side::Server, server_start);
            let delivery = self.transfer(Side::Server, server, server_start);
            self.owed_ack = delivery.delayed_ack.map(|at| (Side::Client, at));
            self.client_ready = delivery.received_at;
        }
    }

    /// Emits the delayed ACK still owed if its timer fires before the owner
    /// sends anything else (which would carry the ACK). `side` sends next,
    /// at `next`; if the owner is the other side, its next segment is its
    /// reaction to that.
    fn settle_owed_ack(&mut self, side: Side, next: u64) {
        let Some((owner, due)) = self.owed_ack.take() else {
            return;
        };
        let owner_next = if owner == side {
            next
        } else {
            next + self.timing.react(owner)
        };
        if due < owner_next {
            self.control(due, owner, ACK);
        }
    }

    /// Plans the segments that carry `msg` from `from`, starting at `start`,
    /// and the receiver's ACKs, in flights of the congestion window.
    fn transfer(&mut self, from: Side, msg: Message, start: u64) -> Delivery {
        let to = from.other();
        let total = msg.len();
        let begin = self.end(from).nxt;
        let sender = self.end(from);
        sender.msg = msg;
        sender.msg_seq = begin;
        let seg_size = self.segment_size();
        let gap = self.timing.gap(from);
        let react_rcv = self.timing.react(to);
        let react_snd = self.timing.react(from);
        let mut rx = Reassembly::default();
        let mut flight: Vec<InFlight> = Vec::new();
        let mut t = start;
        let mut sent = 0u32;
        let mut received_at = start;
        loop {
            flight.clear();
            let cwnd = self.end(from).cwnd as usize;
            let mut at = t;
            while flight.len() < cwnd && sent < total {
                let len = seg_size.min(total - sent) as u16;
                let seq = begin.wrapping_add(sent);
                flight.push(InFlight {
                    at,
                    seq,
                    len,
                    lost: false,
                });
                sent += u32::from(len);
                // Short segments leave the bottleneck sooner.
                at += self.rng.jitter(gap, 20) * u64::from(len) / u64::from(seg_size) + 1;
            }
            let last_flight = sent == total;
            self.perturb(&mut flight);
            for (i, f) in flight.iter().enumerate() {
                let push = last_flight && i + 1 == flight.len();
                self.data(f.at, from, f.seq, f.len, push);
            }
            let last_sent = flight.last().map_or(t, |f| f.at);

            // The receiver, in the order the segments reach it, with the
            // retransmissions merged in as they are triggered.
            let mut first_ack = None;
            let mut dupacks = 0;
            let mut lost: Vec<InFlight> = flight.iter().filter(|f| f.lost).copied().collect();
            let any_lost = !lost.is_empty();
            let mut resent: VecDeque<InFlight> = VecDeque::new();
            let mut rtx_at = 0;
            for f in flight.iter().filter(|f| !f.lost) {
                while let Some(r) = resent.front().copied().filter(|r| r.at <= f.at) {
                    resent.pop_front();
                    received_at = received_at.max(r.at + react_rcv);
                    if self.receive(&mut rx, to, r.seq, r.len, r.at + react_rcv) {
                        first_ack.get_or_insert(r.at + react_rcv);
                    }
                }
                let ack_at = f.at + react_rcv;
                received_at = received_at.max(ack_at);
                let in_order = f.seq == self.end(to).rcv;
                if !self.receive(&mut rx, to, f.seq, f.len, ack_at) {
                    continue;
                }
                first_ack.get_or_insert(ack_at);
                if in_order {
                    continue;
                }
                dupacks += 1;
                if dupacks == 3 {
                    // Fast retransmit of everything the SACK blocks show
                    // missing, once the third duplicate ACK is back.
                    dupacks = 0;
                    rtx_at = rtx_at.max(ack_at + react_snd);
                    for l in lost.iter().filter(|l| l.at < ack_at) {
                        self.data(rtx_at, from, l.seq, l.len, false);
                        resent.push_back(InFlight { at: rtx_at, ..*l });
                        rtx_at += gap;
                    }
                    lost.retain(|l| l.at >= ack_at);
                }
            }
            if !lost.is_empty() {
                // Too few duplicate ACKs: the retransmission timer fires.
                rtx_at = rtx_at.max(last_sent + MIN_RTO.max(2 * self.timing.rtt));
                for l in &lost {
                    self.data(rtx_at, from, l.seq, l.len, false);
                    resent.push_back(InFlight { at: rtx_at, ..*l });
                    rtx_at += gap;
                }
            }
            for r in resent {
                received_at = received_at.max(r.at + react_rcv);
                if self.receive(&mut rx, to, r.seq, r.len, r.at + react_rcv) {
                    first_ack.get_or_insert(r.at + react_rcv);
                }
            }
            if any_lost {
                let sender = self.end(from);
                sender.cwnd = (sender.cwnd / 2).max(2);
                sender.ssthresh = sender.cwnd;
                t = t.max(rtx_at);
            } else {
                self.grow_cwnd(from, flight.len() as u32);
            }

            if rx.unacked > 0 {
                if last_flight {
                    // The odd last segment waits for the delayed-ACK timer,
                    // unless the receiver has something to send first.
                    return Delivery {
                        received_at,
                        delayed_ack: Some(received_at + DELAYED_ACK),
                    };
                }
                // Mid-transfer, Linux's quick-ACK mode answers every flight.
                self.ack(to, received_at, &rx);
                rx.unacked = 0;
                first_ack.get_or_insert(received_at);
            }
            if last_flight {
                return Delivery {
                    received_at,
                    delayed_ack: None,
                };
            }
            // The next flight leaves when the first ACK of this one reaches
            // the sender, and not before the bottleneck has drained.
            let clocked = first_ack.map_or(last_sent + self.timing.rtt, |a| a + react_snd);
            t = t.max(clocked).max(last_sent + gap);
        }
    }

    /// Marks some segments of a flight lost beyond the capture point and
    /// swaps a few neighbours, as a path with parallel links does.
    fn perturb(&mut self, flight: &mut [InFlight]) {
        let mut i = 0;
        while i < flight.len() {
            if i + 1 < flight.len() && self.rng.chance(P_REORDER) {
                // The later segment passes first, at the earlier time.
                let (a, b) = (flight[i].at, flight[i + 1].at);
                flight.swap(i, i + 1);
                flight[i].at = a;
                flight[i + 1].at = b;
                i += 2;
                continue;
            }
            flight[i].lost = self.rng.chance(P_LOSS);
            i += 1;
        }
    }

    /// A data segment from `from`.
    fn data(&mut self, at: u64, from: Side, seq: u32, len: u16, push: bool) {
        let ack = self.end(from).rcv;
        let flags = if push { ACK | PSH } else { ACK };
        self.push(Segment {
            at,
            from,
            flags,
            seq,
            ack,
            len,
            sack: [(0, 0); MAX_SACK_BLOCKS],
            sack_len: 0,
        });
        let end = self.end(from);
        let seg_end = seq.wrapping_add(u32::from(len));
        if seq_after(seg_end, end.nxt) {
            end.nxt = seg_end;
        }
    }

    /// The receiver `to` gets a segment; returns whether it ACKed at once:
    /// every second full segment, anything out of order (a duplicate ACK
    /// with SACK blocks), and anything that fills a hole.
    fn receive(&mut self, rx: &mut Reassembly, to: Side, seq: u32, len: u16, ack_at: u64) -> bool {
        let end = self.end(to);
        let seg_end = seq.wrapping_add(u32::from(len));
        if seq == end.rcv {
            let filled_hole = !rx.blocks.is_empty();
            end.rcv = seg_end;
            absorb_blocks(&mut rx.blocks, &mut end.rcv);
            end.grow_window(u32::from(len));
            rx.unacked += 1;
            if !filled_hole && rx.unacked < 2 {
                return false;
            }
        } else if seq_after(seq, end.rcv) {
            add_block(&mut rx.blocks, seq, seg_end);
        }
        // Otherwise old data came again: that is ACKed at once too.
        self.ack(to, ack_at, rx);
        rx.unacked = 0;
        true
    }

    /// A pure ACK from `from`, with SACK blocks for what it holds.
    fn ack(&mut self, from: Side, at: u64, rx: &Reassembly) {
        let end = self.end(from);
        let mut seg = Segment {
            at,
            from,
            flags: ACK,
            seq: end.nxt,
            ack: end.rcv,
            len: 0,
            sack: [(0, 0); MAX_SACK_BLOCKS],
            sack_len: 0,
        };
        for (slot, &block) in seg.sack.iter_mut().zip(&rx.blocks) {
            *slot = block;
            seg.sack_len += 1;
        }
        self.push(seg);
    }

    fn grow_cwnd(&mut self, from: Side, acked: u32) {
        let end = self.end(from);
        end.cwnd = if end.cwnd < end.ssthresh {
            end.cwnd + acked
        } else {
            end.cwnd + 1
        }
        .min(MAX_CWND);
    }

    /// Payload bytes per full segment: the smaller MSS, less the timestamp
    /// option every segment carries when timestamps are on.
    fn segment_size(&self) -> u32 {
        let mss = u32::from(self.client.mss.min(self.server.mss));
        if self.timestamps {
            mss - 12
        } else {
            mss
        }
    }

    fn plan_teardown(&mut self) {
        let rtt = self.timing.rtt;
        let lan = self.timing.lan;
        let closer = match self.rng.weighted(&[60, 25, 10, 5]) {
            0 | 2 => Side::Client,
            _ => Side::Server,
        };
        let abort = self.rng.chance(0.15);
        let ready = match closer {
            Side::Client => self.client_ready,
            Side::Server => self.server_ready,
        };
        let t = self.clock.max(ready) + self.rng.log_uniform(MS / 10, 300 * MS);
        self.settle_owed_ack(closer, t);
        self.phase = Phase::Closed;
        if abort {
            self.control(t, closer, RST | ACK);
            return;
        }
        let (react_other, react_closer) = match closer {
            Side::Client => (rtt, lan),
            Side::Server => (lan, rtt),
        };
        let other = closer.other();
        self.fin(t, closer);
        let answer = t + react_other;
        if self.rng.chance(0.3) {
            // The other end ACKs the FIN first and closes a little later.
            self.control(answer, other, ACK);
            let later = answer + self.rng.log_uniform(50 * US, 20 * MS);
            self.fin(later, other);
        } else {
            self.fin(answer, other);
        }
        let last = self.clock + react_closer;
        self.control(last, closer, ACK);
    }

    /// A FIN from `from`, taking one sequence number; the other end now
    /// expects one more.
    fn fin(&mut self, at: u64, from: Side) {
        self.control(at, from, FIN | ACK);
        let nxt = self.end(from).nxt.wrapping_add(1);
        self.end(from).nxt = nxt;
        self.end(from.other()).rcv = nxt;
    }
}

/// Options of a SYN or SYN-ACK in the order each OS sends them.
fn syn_options(out: &mut Vec<TcpOption>, end: &End, timestamps: bool, tsval: u32, tsecr: u32) {
    let mss = TcpOption::mss(end.mss);
    let ws = TcpOption::wscale(end.wscale);
    let nop = TcpOption::nop;
    match (end.os, timestamps) {
        (Os::Linux, false) => {
            out.extend([mss, nop(), nop(), TcpOption::sack_perm(), nop(), ws]);
        }
        (Os::Windows, _) | (Os::Mac, false) => {
            out.extend([mss, nop(), ws, nop(), nop(), TcpOption::sack_perm()]);
        }
        (Os::Mac, true) => {
            // macOS ends with EOL; one more zero byte pads to 24.
            let eol = || TcpOption {
                number: pnet_packet::tcp::TcpOptionNumbers::EOL,
                length: Vec::new(),
                data: Vec::new(),
            };
            out.extend([
                mss,
                nop(),
                ws,
                nop(),
                nop(),
                TcpOption::timestamp(tsval, tsecr),
            ]);
            out.extend([TcpOption::sack_perm(), eol(), eol()]);
        }
        (Os::Linux, true) => {
            out.extend([
                mss,
                TcpOption::sack_perm(),
                TcpOption::timestamp(tsval, tsecr),
                nop(),
                ws,
            ]);
        }
    }
}

/// `a` comes after `b` in sequence space (RFC 1982 arithmetic).
fn seq_after(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) > 0
}

/// Records an out-of-order block, merging with its neighbours; the newest
/// block goes first, as SACK reports them.
fn add_block(blocks: &mut Vec<(u32, u32)>, left: u32, right: u32) {
    let (mut left, mut right) = (left, right);
    blocks.retain(|&(l, r)| {
        let touches = !seq_after(l, right) && !seq_after(left, r);
        if touches {
            if seq_after(left, l) {
                left = l;
            }
            if seq_after(r, right) {
                right = r;
            }
        }
        !touches
    });
    blocks.insert(0, (left, right));
}

/// Moves `rcv` over every held block that now continues it.
fn absorb_blocks(blocks: &mut Vec<(u32, u32)>, rcv: &mut u32) {
    while let Some(i) = blocks.iter().position(|&(l, _)| !seq_after(l, *rcv)) {
        let (_, r) = blocks.remove(i);
        if seq_after(r, *rcv) {
            *rcv = r;
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;

    #[test]
    fn sack_blocks_merge_and_absorb() {
        let mut blocks = Vec::new();
        add_block(&mut blocks, 200, 300);
        add_block(&mut blocks, 400, 500);
        add_block(&mut blocks, 300, 400);
        assert_eq!(blocks, vec![(200, 500)]);
        let mut rcv = 100;
        absorb_blocks(&mut blocks, &mut rcv);
        assert_eq!(rcv, 100);
        rcv = 200;
        absorb_blocks(&mut blocks, &mut rcv);
        assert_eq!((rcv, blocks.len()), (500, 0));
    }

    #[test]
    fn sequence_comparison_wraps() {
        assert!(seq_after(5, u32::MAX - 5));
        assert!(!seq_after(u32::MAX - 5, 5));
    }
}
