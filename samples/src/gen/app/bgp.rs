//! BGP-4 on port 179 (RFC 4271): OPEN with capabilities, KEEPALIVE, and
//! UPDATE messages announcing IPv4 prefixes, as between two routers.

use super::{Exchange, Message};
use crate::gen::rng::Rng;
use crate::gen::time::{MS, SEC};

const OPEN: u8 = 1;
const UPDATE: u8 = 2;
const KEEPALIVE: u8 = 4;

/// AS_TRANS (RFC 6793): the 2-byte stand-in for a 4-byte AS number.
const AS_TRANS: u16 = 23456;
const HOLD_TIME: u16 = 90;

pub fn exchange(step: u32, rng: &mut Rng) -> Exchange {
    match step {
        0 => {
            let mut server = open(*rng.pick(&[13335, 3356, 174, 6939, 2914]), rng);
            server.extend_from_slice(&message(KEEPALIVE, &[]));
            Exchange {
                pause: 0,
                client: Message::bytes(open(rng.between(64_512, 65_534) as u32, rng)),
                server_think: rng.log_uniform(MS, 20 * MS),
                server: Message::bytes(server),
            }
        }
        1 => Exchange {
            pause: 0,
            client: Message::bytes(message(KEEPALIVE, &[])),
            server_think: rng.log_uniform(MS, 50 * MS),
            server: Message::bytes(updates(rng.between(20, 600) as usize, rng)),
        },
        _ => Exchange {
            pause: rng.between(SEC, 10 * SEC),
            client: Message::bytes(if rng.chance(0.3) {
                updates(rng.between(1, 4) as usize, rng)
            } else {
                message(KEEPALIVE, &[])
            }),
            server_think: rng.log_uniform(MS, 20 * MS),
            server: Message::bytes(message(KEEPALIVE, &[])),
        },
    }
}

fn open(asn: u32, rng: &mut Rng) -> Vec<u8> {
    let mut capabilities = Vec::new();
    capability(&mut capabilities, 1, &[0, 1, 0, 1]); // multiprotocol: IPv4 unicast
    capability(&mut capabilities, 2, &[]); // route refresh
    capability(&mut capabilities, 65, &asn.to_be_bytes()); // 4-octet AS numbers
    let mut body = vec![4]; // version
    let my_as = u16::try_from(asn).unwrap_or(AS_TRANS);
    body.extend_from_slice(&my_as.to_be_bytes());
    body.extend_from_slice(&HOLD_TIME.to_be_bytes());
    body.extend_from_slice(&rng.next_u32().to_be_bytes()); // BGP identifier
    body.push(2 + capabilities.len() as u8);
    body.push(2); // optional parameter: capabilities
    body.push(capabilities.len() as u8);
    body.extend_from_slice(&capabilities);
    message(OPEN, &body)
}

fn capability(out: &mut Vec<u8>, code: u8, value: &[u8]) {
    out.push(code);
    out.push(value.len() as u8);
    out.extend_from_slice(value);
}

/// `count` UPDATE messages, each announcing a few prefixes behind one path.
fn updates(count: usize, rng: &mut Rng) -> Vec<u8> {
    let mut out = Vec::with_capacity(count * 64);
    for _ in 0..count {
        out.extend_from_slice(&update(rng));
    }
    out
}

fn update(rng: &mut Rng) -> Vec<u8> {
    let mut attrs = Vec::new();
    attribute(&mut attrs, 0x40, 1, &[0]); // ORIGIN: IGP
    let hops = rng.between(1, 6) as usize;
    let mut path = vec![2, hops as u8]; // AS_SEQUENCE
    for _ in 0..hops {
        path.extend_from_slice(&(rng.between(1_000, 400_000) as u32).to_be_bytes());
    }
    attribute(&mut attrs, 0x40, 2, &path); // AS_PATH, 4-byte AS numbers
    attribute(
        &mut attrs,
        0x40,
        3,
        &[rng.between(1, 223) as u8, rng.next_u8(), rng.next_u8(), 1],
    ); // NEXT_HOP
    if rng.chance(0.5) {
        attribute(
            &mut attrs,
            0x80,
            4,
            &(rng.below(1_000) as u32).to_be_bytes(),
        ); // MULTI_EXIT_DISC
    }
    let mut body = vec![0, 0]; // no withdrawn routes
    body.extend_from_slice(&(attrs.len() as u16).to_be_bytes());
    body.extend_from_slice(&attrs);
    for _ in 0..rng.between(1, 8) {
        let len = rng.between(16, 24) as u32;
        // A prefix has no bits set past its length.
        let prefix = (rng.between(1, 223) as u32) << 24 | (rng.next_u32() >> 8);
        let prefix = prefix & (u32::MAX << (32 - len));
        body.push(len as u8);
        body.extend_from_slice(&prefix.to_be_bytes()[..len.div_ceil(8) as usize]);
    }
    message(UPDATE, &body)
}

fn attribute(out: &mut Vec<u8>, flags: u8, code: u8, value: &[u8]) {
    out.push(flags);
    out.push(code);
    out.push(value.len() as u8);
    out.extend_from_slice(value);
}

/// The common header: all-ones marker, total length, type.
fn message(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(19 + body.len());
    out.extend_from_slice(&[0xff; 16]);
    out.extend_from_slice(&((19 + body.len()) as u16).to_be_bytes());
    out.push(kind);
    out.extend_from_slice(body);
    out
}
