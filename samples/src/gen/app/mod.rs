//! What the TCP connections carry: a script of request/response exchanges
//! per service, with protocol-shaped bytes (HTTP/1.1 text, TLS 1.3 records
//! after a real ClientHello/ServerHello, SSH banners and key exchange, BGP
//! messages), so dissectors have real work to do on the generated capture.

mod bgp;
mod http;
mod ssh;
mod tls;

use std::sync::OnceLock;

use super::rng::Rng;
use super::time::MS;

/// The application bytes one side sends in one go.
///
/// Only the small, structured part (`head`) is stored; the body is defined
/// by a salt into a shared pool of bytes, so a 3 MB download costs nothing
/// to hold and a retransmission can copy the same bytes again.
#[derive(Clone, Debug, Default)]
pub struct Message {
    head: Vec<u8>,
    body: Body,
    body_len: u32,
    salt: u32,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Body {
    /// Incompressible bytes: ciphertext, compressed media.
    #[default]
    Random,
    /// Markup-like text, for plain HTTP bodies.
    Text,
    /// A sequence of TLS application-data records of random contents.
    TlsRecords,
}

/// Size of a full TLS 1.3 record on the wire: 5-byte header, 16 KiB of
/// plaintext, the inner content type and a 16-byte AEAD tag.
const TLS_RECORD: u32 = 5 + 16384 + 1 + 16;
const TLS_HEADER: u32 = 5;

impl Message {
    /// A message made of exactly these bytes.
    pub fn bytes(head: Vec<u8>) -> Message {
        Message {
            head,
            ..Message::default()
        }
    }

    /// `head` followed by `len` bytes of text.
    pub fn with_text_body(head: Vec<u8>, len: u32, rng: &mut Rng) -> Message {
        Message {
            head,
            body: Body::Text,
            body_len: len,
            salt: rng.next_u32(),
        }
    }

    /// `head` followed by `len` random bytes (an image, a compressed file).
    pub fn with_random_body(head: Vec<u8>, len: u32, rng: &mut Rng) -> Message {
        Message {
            head,
            body: Body::Random,
            body_len: len,
            salt: rng.next_u32(),
        }
    }

    /// `len` random bytes.
    pub fn random(len: u32, rng: &mut Rng) -> Message {
        Message {
            head: Vec::new(),
            body: Body::Random,
            body_len: len,
            salt: rng.next_u32(),
        }
    }

    /// About `len` bytes of TLS application-data records, after `head`
    /// (which holds any handshake records that come first).
    pub fn tls(head: Vec<u8>, len: u32, rng: &mut Rng) -> Message {
        // Every record needs at least one byte of contents.
        let len = match len % TLS_RECORD {
            r if r != 0 && r <= TLS_HEADER => len + TLS_HEADER + 1 - r,
            _ => len,
        };
        Message {
            head,
            body: Body::TlsRecords,
            body_len: len,
            salt: rng.next_u32(),
        }
    }

    pub fn len(&self) -> u32 {
        self.head.len() as u32 + self.body_len
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Copies the message bytes starting at `offset` into `out`.
    pub fn copy_to(&self, offset: u32, out: &mut [u8]) {
        let mut offset = offset as usize;
        let mut out = out;
        if offset < self.head.len() {
            let n = out.len().min(self.head.len() - offset);
            out[..n].copy_from_slice(&self.head[offset..offset + n]);
            out = &mut out[n..];
            offset += n;
        }
        if out.is_empty() {
            return;
        }
        let body_offset = (offset - self.head.len()) as u32;
        match self.body {
            Body::Random => pool().random(self.salt.wrapping_add(body_offset), out),
            Body::Text => pool().text(self.salt.wrapping_add(body_offset), out),
            Body::TlsRecords => self.copy_tls(body_offset, out),
        }
    }

    fn copy_tls(&self, mut offset: u32, out: &mut [u8]) {
        let mut done = 0;
        while done < out.len() {
            let record = offset / TLS_RECORD;
            let within = offset % TLS_RECORD;
            let record_len = TLS_RECORD.min(self.body_len - record * TLS_RECORD);
            if within < TLS_HEADER {
                let contents = (record_len - TLS_HEADER) as u16;
                let [hi, lo] = contents.to_be_bytes();
                // Application data, legacy version 1.2, as TLS 1.3 sends it.
                out[done] = [0x17, 0x03, 0x03, hi, lo][within as usize];
                done += 1;
                offset += 1;
                continue;
            }
            let n = (out.len() - done).min((record_len - within) as usize);
            pool().random(self.salt.wrapping_add(offset), &mut out[done..done + n]);
            done += n;
            offset += n as u32;
        }
    }
}

/// Shared source of body bytes.
struct Pool {
    random: Vec<u8>,
    text: Vec<u8>,
}

const POOL_LEN: usize = 1 << 16;

fn pool() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| {
        let mut rng = Rng::new(0x5eed_b0d1);
        let random = (0..POOL_LEN).map(|_| rng.next_u8()).collect();
        Pool {
            random,
            text: markup(&mut rng),
        }
    })
}

impl Pool {
    fn random(&self, start: u32, out: &mut [u8]) {
        cyclic_copy(&self.random, start, out);
    }

    fn text(&self, start: u32, out: &mut [u8]) {
        cyclic_copy(&self.text, start, out);
    }
}

/// Copies from `src` as if it repeated forever, starting at `start`.
fn cyclic_copy(src: &[u8], start: u32, out: &mut [u8]) {
    let mut at = start as usize % src.len();
    let mut done = 0;
    while done < out.len() {
        let n = (out.len() - done).min(src.len() - at);
        out[done..done + n].copy_from_slice(&src[at..at + n]);
        done += n;
        at = 0;
    }
}

/// A page's worth of HTML-like text, repeated to fill the pool.
fn markup(rng: &mut Rng) -> Vec<u8> {
    const WORDS: [&str; 16] = [
        "network",
        "packet",
        "stream",
        "window",
        "segment",
        "latency",
        "router",
        "frame",
        "socket",
        "buffer",
        "handshake",
        "protocol",
        "capture",
        "filter",
        "header",
        "payload",
    ];
    let mut text = Vec::with_capacity(POOL_LEN + 256);
    while text.len() < POOL_LEN {
        text.extend_from_slice(b"<p class=\"entry\">");
        for _ in 0..rng.between(8, 30) {
            text.extend_from_slice(rng.pick(&WORDS).as_bytes());
            text.push(b' ');
        }
        text.extend_from_slice(b"</p>\n");
    }
    text.truncate(POOL_LEN);
    text
}

/// One round of a conversation: the client speaks, then the server answers.
/// Either message may be empty (the server speaks first in SSH and pushes
/// BGP updates unasked).
#[derive(Debug)]
pub struct Exchange {
    /// Idle time before this exchange starts.
    pub pause: u64,
    pub client: Message,
    /// Time the server takes before answering.
    pub server_think: u64,
    pub server: Message,
}

/// The application protocol a connection carries, chosen by port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    Https,
    Http,
    Ssh,
    Bgp,
    /// Some other TCP service on a high port carrying opaque bytes.
    Bulk(u16),
}

impl Service {
    /// A service picked with the weights of a typical office uplink.
    pub fn pick(rng: &mut Rng) -> Service {
        match rng.weighted(&[60, 14, 8, 3, 15]) {
            0 => Service::Https,
            1 => Service::Http,
            2 => Service::Ssh,
            3 => Service::Bgp,
            // Ports no common dissector claims, so the bytes stay opaque.
            _ => Service::Bulk(
                *rng.pick(&[5001, 5201, 7443, 9443, 10443, 12000, 25565]) + rng.below(2) as u16,
            ),
        }
    }

    pub fn port(self) -> u16 {
        match self {
            Service::Https => 443,
            Service::Http => 80,
            Service::Ssh => 22,
            Service::Bgp => 179,
            Service::Bulk(port) => port,
        }
    }
}

/// The exchanges of one connection, produced one at a time.
pub struct Conversation {
    service: Service,
    rng: Rng,
    host: String,
    step: u32,
    last: u32,
}

impl Conversation {
    pub fn new(service: Service, host: &str, rng: &mut Rng) -> Conversation {
        let mut rng = rng.fork();
        let last = match service {
            Service::Https => rng.between(2, 8),
            Service::Http => rng.between(1, 6),
            Service::Ssh => rng.between(6, 40),
            Service::Bgp => rng.between(3, 10),
            Service::Bulk(_) => rng.between(1, 5),
        } as u32;
        Conversation {
            service,
            rng,
            host: host.to_owned(),
            step: 0,
            last,
        }
    }

    pub fn next_exchange(&mut self) -> Option<Exchange> {
        if self.step >= self.last {
            return None;
        }
        let step = self.step;
        self.step += 1;
        let rng = &mut self.rng;
        Some(match self.service {
            Service::Https => tls::exchange(step, &self.host, rng),
            Service::Http => http::exchange(&self.host, rng),
            Service::Ssh => ssh::exchange(step, rng),
            Service::Bgp => bgp::exchange(step, rng),
            Service::Bulk(_) => bulk_exchange(rng),
        })
    }
}

/// Opaque request/response traffic of some other service.
fn bulk_exchange(rng: &mut Rng) -> Exchange {
    Exchange {
        pause: rng.log_uniform(MS, 500 * MS),
        client: Message::random(rng.log_uniform(20, 4000) as u32, rng),
        server_think: rng.log_uniform(MS / 10, 30 * MS),
        server: Message::random(rng.log_uniform(20, 400_000) as u32, rng),
    }
}

/// A heavy-tailed response size: mostly small objects, some large downloads.
pub fn response_size(rng: &mut Rng) -> u32 {
    if rng.chance(0.03) {
        rng.log_uniform(200_000, 4_000_000) as u32
    } else {
        rng.log_uniform(300, 120_000) as u32
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;

    fn all_bytes(m: &Message) -> Vec<u8> {
        let mut out = vec![0; m.len() as usize];
        m.copy_to(0, &mut out);
        out
    }

    #[test]
    fn copies_agree_at_any_offset() {
        let mut rng = Rng::new(3);
        for m in [
            Message::with_text_body(b"HTTP/1.1 200 OK\r\n\r\n".to_vec(), 200_000, &mut rng),
            Message::tls(vec![1, 2, 3], 40_000, &mut rng),
            Message::random(70_000, &mut rng),
        ] {
            let whole = all_bytes(&m);
            for (offset, len) in [(0, 10), (17, 1448), (16_380, 40), (65_530, 20)] {
                let mut part = vec![0; len];
                if offset + len <= whole.len() {
                    m.copy_to(offset as u32, &mut part);
                    assert_eq!(part, whole[offset..offset + len]);
                }
            }
        }
    }

    #[test]
    fn tls_records_tile_the_body() {
        let mut rng = Rng::new(4);
        for len in [6, 100, TLS_RECORD, TLS_RECORD + 3, 3 * TLS_RECORD + 999] {
            let m = Message::tls(Vec::new(), len, &mut rng);
            let bytes = all_bytes(&m);
            let mut at = 0;
            while at < bytes.len() {
                assert_eq!(&bytes[at..at + 3], &[0x17, 0x03, 0x03]);
                let n = u16::from_be_bytes([bytes[at + 3], bytes[at + 4]]) as usize;
                assert!(n >= 1);
                at += 5 + n;
            }
            assert_eq!(at, bytes.len());
        }
    }
}
