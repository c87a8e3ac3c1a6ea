//! HTTPS: a TLS 1.3 handshake shaped like a browser's (ClientHello with SNI,
//! ALPN and an X25519 key share; ServerHello, ChangeCipherSpec and the
//! encrypted rest of the server's flight), then application-data records.

use super::{response_size, Exchange, Message};
use crate::gen::rng::Rng;
use crate::gen::time::MS;

const HANDSHAKE: u8 = 0x16;
const CHANGE_CIPHER_SPEC: u8 = 0x14;

const CLIENT_HELLO: u8 = 1;
const SERVER_HELLO: u8 = 2;

const TLS_AES_128_GCM_SHA256: u16 = 0x1301;
const X25519: u16 = 0x001d;

pub fn exchange(step: u32, host: &str, rng: &mut Rng) -> Exchange {
    match step {
        0 => handshake(host, rng),
        1 => first_request(rng),
        _ => request(rng),
    }
}

/// ClientHello, and the server's whole first flight.
fn handshake(host: &str, rng: &mut Rng) -> Exchange {
    let mut session_id = [0u8; 32];
    session_id.iter_mut().for_each(|b| *b = rng.next_u8());
    let client_hello = record(HANDSHAKE, 0x0301, &client_hello(host, &session_id, rng));
    let mut server_head = record(HANDSHAKE, 0x0303, &server_hello(&session_id, rng));
    server_head.extend_from_slice(&change_cipher_spec());
    // EncryptedExtensions, Certificate, CertificateVerify, Finished.
    let encrypted = rng.between(2_400, 5_200) as u32;
    Exchange {
        pause: 0,
        client: Message::bytes(client_hello),
        server_think: rng.log_uniform(MS / 2, 20 * MS),
        server: Message::tls(server_head, encrypted, rng),
    }
}

/// The client's ChangeCipherSpec and Finished, then its first request.
fn first_request(rng: &mut Rng) -> Exchange {
    let finished_and_request = 58 + rng.log_uniform(150, 1_500) as u32;
    Exchange {
        pause: 0,
        client: Message::tls(change_cipher_spec().to_vec(), finished_and_request, rng),
        server_think: rng.log_uniform(MS / 2, 60 * MS),
        server: Message::tls(Vec::new(), response_size(rng), rng),
    }
}

fn request(rng: &mut Rng) -> Exchange {
    Exchange {
        pause: rng.log_uniform(MS, 3_000 * MS),
        client: Message::tls(Vec::new(), rng.log_uniform(60, 2_000) as u32, rng),
        server_think: rng.log_uniform(MS / 2, 60 * MS),
        server: Message::tls(Vec::new(), response_size(rng), rng),
    }
}

fn client_hello(host: &str, session_id: &[u8; 32], rng: &mut Rng) -> Vec<u8> {
    let mut body = Vec::with_capacity(512);
    body.extend_from_slice(&0x0303u16.to_be_bytes());
    random_bytes(&mut body, 32, rng);
    body.push(32);
    body.extend_from_slice(session_id);
    const SUITES: [u16; 15] = [
        0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014,
        0x009c, 0x009d, 0x002f, 0x0035,
    ];
    put_u16(&mut body, (SUITES.len() * 2) as u16);
    SUITES.iter().for_each(|&s| put_u16(&mut body, s));
    body.extend_from_slice(&[1, 0]); // compression methods: null

    let mut ext = Vec::with_capacity(400);
    let name = host.as_bytes();
    let mut sni = Vec::new();
    put_u16(&mut sni, name.len() as u16 + 3);
    sni.push(0); // host_name
    put_u16(&mut sni, name.len() as u16);
    sni.extend_from_slice(name);
    extension(&mut ext, 0, &sni);
    extension(&mut ext, 23, &[]); // extended_master_secret
    extension(&mut ext, 0xff01, &[0]); // renegotiation_info
    extension(&mut ext, 10, &[0, 6, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18]); // supported_groups
    extension(&mut ext, 11, &[1, 0]); // ec_point_formats: uncompressed
    extension(&mut ext, 35, &[]); // session_ticket
    extension(&mut ext, 16, b"\x00\x0c\x02h2\x08http/1.1"); // ALPN
    extension(&mut ext, 5, &[1, 0, 0, 0, 0]); // status_request: OCSP
    let sigalgs = [
        0x0403u16, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601,
    ];
    let mut sig = Vec::new();
    put_u16(&mut sig, (sigalgs.len() * 2) as u16);
    sigalgs.iter().for_each(|&s| put_u16(&mut sig, s));
    extension(&mut ext, 13, &sig);
    extension(&mut ext, 18, &[]); // signed_certificate_timestamp
    let mut share = Vec::new();
    put_u16(&mut share, 36);
    put_u16(&mut share, X25519);
    put_u16(&mut share, 32);
    random_bytes(&mut share, 32, rng);
    extension(&mut ext, 51, &share); // key_share
    extension(&mut ext, 45, &[1, 1]); // psk_key_exchange_modes: psk_dhe_ke
    extension(&mut ext, 43, &[4, 0x03, 0x04, 0x03, 0x03]); // supported_versions
                                                           // Browsers pad the ClientHello to 512 bytes (RFC 7685) to dodge a
                                                           // middlebox bug with lengths between 256 and 511.
    let unpadded = 4 + body.len() + 2 + ext.len();
    if unpadded + 4 <= 512 {
        extension(&mut ext, 21, &vec![0; 512 - unpadded - 4]);
    }
    put_u16(&mut body, ext.len() as u16);
    body.extend_from_slice(&ext);
    handshake_message(CLIENT_HELLO, &body)
}

fn server_hello(session_id: &[u8; 32], rng: &mut Rng) -> Vec<u8> {
    let mut body = Vec::with_capacity(128);
    body.extend_from_slice(&0x0303u16.to_be_bytes());
    random_bytes(&mut body, 32, rng);
    body.push(32);
    body.extend_from_slice(session_id); // echoed, for middlebox compatibility
    put_u16(&mut body, TLS_AES_128_GCM_SHA256);
    body.push(0);
    let mut ext = Vec::new();
    extension(&mut ext, 43, &[0x03, 0x04]); // supported_versions: TLS 1.3
    let mut share = Vec::new();
    put_u16(&mut share, X25519);
    put_u16(&mut share, 32);
    random_bytes(&mut share, 32, rng);
    extension(&mut ext, 51, &share);
    put_u16(&mut body, ext.len() as u16);
    body.extend_from_slice(&ext);
    handshake_message(SERVER_HELLO, &body)
}

fn change_cipher_spec() -> [u8; 6] {
    [CHANGE_CIPHER_SPEC, 0x03, 0x03, 0, 1, 1]
}

fn handshake_message(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + body.len());
    out.push(kind);
    out.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    out.extend_from_slice(body);
    out
}

fn record(content_type: u8, version: u16, fragment: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(5 + fragment.len());
    out.push(content_type);
    put_u16(&mut out, version);
    put_u16(&mut out, fragment.len() as u16);
    out.extend_from_slice(fragment);
    out
}

fn extension(out: &mut Vec<u8>, kind: u16, data: &[u8]) {
    put_u16(out, kind);
    put_u16(out, data.len() as u16);
    out.extend_from_slice(data);
}

fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}

fn random_bytes(out: &mut Vec<u8>, n: usize, rng: &mut Rng) {
    out.extend((0..n).map(|_| rng.next_u8()));
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;

    #[test]
    fn client_hello_is_padded_to_512_and_carries_the_name() {
        let mut rng = Rng::new(9);
        let hello = client_hello("www.example.com", &[7; 32], &mut rng);
        assert_eq!(hello.len(), 512);
        assert_eq!(hello[0], CLIENT_HELLO);
        assert_eq!(
            u32::from_be_bytes([0, hello[1], hello[2], hello[3]]) as usize,
            hello.len() - 4
        );
        assert!(hello.windows(15).any(|w| w == b"www.example.com"));
    }
}
