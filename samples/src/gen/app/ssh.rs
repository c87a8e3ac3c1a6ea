//! SSH on port 22: version banners, a cleartext key exchange (KEXINIT,
//! curve25519 ECDH, NEWKEYS) laid out as real binary packets, then encrypted
//! interactive traffic: small keystroke packets and their echoes.

use super::{Exchange, Message};
use crate::gen::rng::Rng;
use crate::gen::time::MS;

const MSG_KEXINIT: u8 = 20;
const MSG_NEWKEYS: u8 = 21;
const MSG_KEX_ECDH_INIT: u8 = 30;
const MSG_KEX_ECDH_REPLY: u8 = 31;

const CLIENT_KEX: &str = "sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,\
ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,\
diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group14-sha256,ext-info-c,\
kex-strict-c-v00@openssh.com";
const SERVER_KEX: &str = "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,\
ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,\
diffie-hellman-group18-sha512,diffie-hellman-group14-sha256,ext-info-s,kex-strict-s-v00@openssh.com";
const HOST_KEYS: &str = "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256";
const CIPHERS: &str = "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com";
const MACS: &str =
    "umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,\
hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,umac-128@openssh.com,\
hmac-sha2-256,hmac-sha2-512,hmac-sha1";
const COMPRESSION: &str = "none,zlib@openssh.com";

pub fn exchange(step: u32, rng: &mut Rng) -> Exchange {
    match step {
        // The server speaks first: its banner.
        0 => Exchange {
            pause: 0,
            client: Message::default(),
            server_think: rng.log_uniform(MS / 2, 10 * MS),
            server: Message::bytes(b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n".to_vec()),
        },
        1 => {
            let mut client = b"SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5\r\n".to_vec();
            client.extend_from_slice(&binary_packet(&kexinit(CLIENT_KEX, rng), rng));
            Exchange {
                pause: 0,
                client: Message::bytes(client),
                server_think: rng.log_uniform(MS / 5, 2 * MS),
                server: Message::bytes(binary_packet(&kexinit(SERVER_KEX, rng), rng)),
            }
        }
        2 => {
            let mut reply = binary_packet(&ecdh_reply(rng), rng);
            reply.extend_from_slice(&binary_packet(&[MSG_NEWKEYS], rng));
            Exchange {
                pause: 0,
                client: Message::bytes(binary_packet(&ecdh_init(rng), rng)),
                server_think: rng.log_uniform(MS, 5 * MS),
                server: Message::bytes(reply),
            }
        }
        3 => {
            // NEWKEYS, then the first encrypted packets (service request, auth).
            let mut head = binary_packet(&[MSG_NEWKEYS], rng);
            head.extend_from_slice(&encrypted(rng, 44));
            Exchange {
                pause: 0,
                client: Message::bytes(head),
                server_think: rng.log_uniform(MS, 40 * MS),
                server: Message::random(rng.between(2, 6) as u32 * 44, rng),
            }
        }
        _ => interactive(rng),
    }
}

/// A keystroke (or a command) and what the remote shell prints back.
fn interactive(rng: &mut Rng) -> Exchange {
    let output = if rng.chance(0.1) {
        rng.log_uniform(2_000, 200_000) as u32
    } else {
        rng.between(1, 3) as u32 * 36
    };
    Exchange {
        pause: rng.log_uniform(60 * MS, 1_500 * MS),
        client: Message::bytes(encrypted(rng, 36)),
        server_think: rng.log_uniform(MS / 10, 5 * MS),
        server: Message::random(output, rng),
    }
}

/// A chacha20-poly1305 packet: length, ciphertext, tag; the bytes are random.
fn encrypted(rng: &mut Rng, len: usize) -> Vec<u8> {
    (0..len).map(|_| rng.next_u8()).collect()
}

fn kexinit(kex: &str, rng: &mut Rng) -> Vec<u8> {
    let mut p = vec![MSG_KEXINIT];
    p.extend((0..16).map(|_| rng.next_u8())); // cookie
    for list in [
        kex,
        HOST_KEYS,
        CIPHERS,
        CIPHERS,
        MACS,
        MACS,
        COMPRESSION,
        COMPRESSION,
        "",
        "",
    ] {
        put_string(&mut p, list.as_bytes());
    }
    p.push(0); // first_kex_packet_follows
    p.extend_from_slice(&0u32.to_be_bytes()); // reserved
    p
}

fn ecdh_init(rng: &mut Rng) -> Vec<u8> {
    let mut p = vec![MSG_KEX_ECDH_INIT];
    put_string(&mut p, &random(32, rng));
    p
}

fn ecdh_reply(rng: &mut Rng) -> Vec<u8> {
    let mut host_key = Vec::new();
    put_string(&mut host_key, b"ssh-ed25519");
    put_string(&mut host_key, &random(32, rng));
    let mut signature = Vec::new();
    put_string(&mut signature, b"ssh-ed25519");
    put_string(&mut signature, &random(64, rng));
    let mut p = vec![MSG_KEX_ECDH_REPLY];
    put_string(&mut p, &host_key);
    put_string(&mut p, &random(32, rng));
    put_string(&mut p, &signature);
    p
}

/// Wraps a payload in the RFC 4253 binary packet: length, padding length,
/// payload, random padding to a multiple of 8 (at least 4 bytes), no MAC yet.
fn binary_packet(payload: &[u8], rng: &mut Rng) -> Vec<u8> {
    let unpadded = 4 + 1 + payload.len();
    let mut padding = 8 - unpadded % 8;
    if padding < 4 {
        padding += 8;
    }
    let packet_length = (1 + payload.len() + padding) as u32;
    let mut out = Vec::with_capacity(4 + packet_length as usize);
    out.extend_from_slice(&packet_length.to_be_bytes());
    out.push(padding as u8);
    out.extend_from_slice(payload);
    out.extend((0..padding).map(|_| rng.next_u8()));
    out
}

fn put_string(out: &mut Vec<u8>, s: &[u8]) {
    out.extend_from_slice(&(s.len() as u32).to_be_bytes());
    out.extend_from_slice(s);
}

fn random(n: usize, rng: &mut Rng) -> Vec<u8> {
    (0..n).map(|_| rng.next_u8()).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;

    #[test]
    fn binary_packets_are_block_aligned() {
        let mut rng = Rng::new(5);
        for len in 0..40 {
            let p = binary_packet(&vec![1; len], &mut rng);
            assert_eq!(p.len() % 8, 0);
            assert!(p[4] >= 4);
            assert_eq!(
                u32::from_be_bytes([p[0], p[1], p[2], p[3]]) as usize,
                p.len() - 4
            );
        }
    }
}
