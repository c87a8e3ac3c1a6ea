//! Ping sessions: ICMP echo over IPv4 and ICMPv6 echo over IPv6, with the
//! payload each OS's ping puts in them.

use super::frame::{Echo, Frame};
use super::net::{Os, Path};
use super::rng::Rng;
use super::time::{MS, SEC, US};

/// Windows fills its 32 bytes with the alphabet.
const WINDOWS_PAYLOAD: &[u8; 32] = b"abcdefghijklmnopqrstuvwabcdefghi";

pub struct PingSession {
    path: Path,
    os: Os,
    id: u16,
    /// (capture time, request or reply, sequence number), in time order.
    packets: Vec<(u64, Echo, u16)>,
    next: usize,
    start: u64,
    payload: Vec<u8>,
    ip_ids: [u16; 2],
}

impl PingSession {
    pub fn new(path: Path, os: Os, start: u64, rng: &mut Rng) -> PingSession {
        let mut rng = rng.fork();
        let count = *rng.pick(&[4u16, 4, 5, 10, 20]);
        let interval = if rng.chance(0.2) { 200 * MS } else { SEC };
        let rtt = rng.log_uniform(300 * US, 120 * MS);
        let first_seq = if os == Os::Windows {
            rng.between(1, 5_000) as u16
        } else {
            1
        };
        let mut packets = Vec::with_capacity(2 * usize::from(count));
        for i in 0..count {
            let at = start + u64::from(i) * interval + rng.below(200 * US);
            let seq = first_seq.wrapping_add(i);
            packets.push((at, Echo::Request, seq));
            if !rng.chance(0.02) {
                packets.push((at + rng.jitter(rtt, 10), Echo::Reply, seq));
            }
        }
        packets.sort_by_key(|p| p.0);
        let id = if os == Os::Windows { 1 } else { rng.next_u16() };
        PingSession {
            path,
            os,
            id,
            packets,
            next: 0,
            start,
            payload: Vec::with_capacity(56),
            ip_ids: [rng.next_u16(), rng.next_u16()],
        }
    }

    pub fn next_time(&self) -> Option<u64> {
        self.packets.get(self.next).map(|p| p.0)
    }

    pub fn emit(&mut self, frame: &mut Frame) {
        let Some(&(at, echo, seq)) = self.packets.get(self.next) else {
            return;
        };
        self.next += 1;
        // A reply carries the request's data back unchanged.
        let sent_at = match echo {
            Echo::Request => at,
            Echo::Reply => self.request_time(seq),
        };
        self.fill_payload(sent_at);
        let from_client = echo == Echo::Request;
        let id = &mut self.ip_ids[usize::from(!from_client)];
        *id = id.wrapping_add(1);
        let link = self.path.link(from_client);
        let ip = self.path.ip(from_client, *id);
        frame.echo(&link, &ip, echo, self.id, seq, &self.payload);
    }

    fn request_time(&self, seq: u16) -> u64 {
        self.packets
            .iter()
            .find(|p| p.1 == Echo::Request && p.2 == seq)
            .map_or(self.start, |p| p.0)
    }

    /// iputils and macOS ping send a `struct timeval` of the send time and
    /// then bytes counting up from 0x10 (to 56 bytes); Windows, its alphabet.
    fn fill_payload(&mut self, sent_at: u64) {
        self.payload.clear();
        if self.os == Os::Windows {
            self.payload.extend_from_slice(WINDOWS_PAYLOAD);
            return;
        }
        let ts = super::time::timestamp(sent_at);
        self.payload.extend_from_slice(&ts.secs.to_le_bytes());
        self.payload
            .extend_from_slice(&u64::from(ts.nanos / 1_000).to_le_bytes());
        self.payload.extend(16u8..56);
    }
}
