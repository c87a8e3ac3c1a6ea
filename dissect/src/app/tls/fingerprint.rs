//! TLS client and server fingerprints. These identify *software* (a TLS
//! library and its configuration), not users or hosts, and are easily forged:
//! treat them as hints.
//!
//! - JA3 (Salesforce): `version,ciphers,extensions,groups,ec_point_formats` of a
//!   ClientHello, decimal values joined by `-`, GREASE left out; the
//!   fingerprint is the MD5 of that string. Wireshark shows both
//!   (`tls.handshake.ja3_full`, `tls.handshake.ja3`).
//! - JA3S: `version,cipher,extensions` of a ServerHello, and its MD5.
//! - JA4 (FoxIO, `tls.handshake.ja4`): `t13d1516h2_<a>_<b>`: transport `t`,
//!   highest offered version, `d`/`i` for SNI present or not, the counts of
//!   cipher suites and extensions, the first and last characters of the first
//!   ALPN value; `<a>` is the first 12 hex digits of the SHA-256 of the sorted
//!   cipher suites, `<b>` that of the sorted extensions (without SNI and ALPN)
//!   then `_` and the signature algorithms in order. GREASE is left out.

use std::fmt::Write as _;

use md5::{Digest as _, Md5};
use sha2::Sha256;

use super::extensions::Hello;
use super::names::is_grease;

/// What a ClientHello contributes to its fingerprints.
#[derive(Debug, Default, Clone)]
pub struct ClientHelloFacts {
    pub version: u16,
    pub ciphers: Vec<u16>,
    pub hello: Hello,
}

fn join<T: std::fmt::Display>(values: impl Iterator<Item = T>, sep: &str) -> String {
    let mut s = String::new();
    for (i, v) in values.enumerate() {
        if i > 0 {
            s.push_str(sep);
        }
        let _ = write!(s, "{v}");
    }
    s
}

fn md5_hex(s: &str) -> String {
    let digest = Md5::digest(s.as_bytes());
    let mut out = String::with_capacity(32);
    for b in digest {
        let _ = write!(out, "{b:02x}");
    }
    out
}

fn sha256_12(s: &str) -> String {
    let digest = Sha256::digest(s.as_bytes());
    let mut out = String::with_capacity(12);
    for b in digest.iter().take(6) {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// The JA3 string and its MD5.
pub fn ja3(f: &ClientHelloFacts) -> (String, String) {
    let h = &f.hello;
    let full = format!(
        "{},{},{},{},{}",
        f.version,
        join(f.ciphers.iter().filter(|c| !is_grease(**c)), "-"),
        join(h.ext_types.iter().filter(|c| !is_grease(**c)), "-"),
        join(h.groups.iter().filter(|c| !is_grease(**c)), "-"),
        join(h.ec_point_formats.iter(), "-"),
    );
    let hash = md5_hex(&full);
    (full, hash)
}

/// The JA3S string and its MD5.
pub fn ja3s(version: u16, cipher: u16, ext_types: &[u16]) -> (String, String) {
    let full = format!(
        "{version},{cipher},{}",
        join(ext_types.iter().filter(|c| !is_grease(**c)), "-")
    );
    let hash = md5_hex(&full);
    (full, hash)
}

fn ja4_version(v: u16) -> &'static str {
    match v {
        0x0304 => "13",
        0x0303 => "12",
        0x0302 => "11",
        0x0301 => "10",
        0x0300 => "s3",
        0x7f00..=0x7fff => "13",
        _ => "00",
    }
}

/// The JA4 fingerprint of a ClientHello over TCP.
pub fn ja4(f: &ClientHelloFacts) -> String {
    let h = &f.hello;
    let version = h
        .versions
        .iter()
        .copied()
        .filter(|v| !is_grease(*v))
        .max()
        .unwrap_or(f.version);
    let ciphers: Vec<u16> = f
        .ciphers
        .iter()
        .copied()
        .filter(|c| !is_grease(*c))
        .collect();
    let exts: Vec<u16> = h
        .ext_types
        .iter()
        .copied()
        .filter(|c| !is_grease(*c))
        .collect();
    let alpn = match h.alpn.first().map(|a| a.as_bytes()) {
        Some([first, .., last]) => format!("{}{}", *first as char, *last as char),
        Some([only]) => format!("{}{}", *only as char, *only as char),
        _ => "00".into(),
    };
    let a = {
        let mut sorted = ciphers.clone();
        sorted.sort_unstable();
        if sorted.is_empty() {
            "000000000000".into()
        } else {
            sha256_12(&join(sorted.iter().map(|c| format!("{c:04x}")), ","))
        }
    };
    let b = {
        let mut sorted: Vec<u16> = exts
            .iter()
            .copied()
            .filter(|e| *e != 0 && *e != 16)
            .collect();
        sorted.sort_unstable();
        let mut s = join(sorted.iter().map(|e| format!("{e:04x}")), ",");
        if !h.sig_algs.is_empty() {
            s.push('_');
            s.push_str(&join(h.sig_algs.iter().map(|e| format!("{e:04x}")), ","));
        }
        if sorted.is_empty() {
            "000000000000".into()
        } else {
            sha256_12(&s)
        }
    };
    format!(
        "t{}{}{:02}{:02}{}_{a}_{b}",
        ja4_version(version),
        if h.sni.is_some() { 'd' } else { 'i' },
        ciphers.len().min(99),
        exts.len().min(99),
        alpn
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ja4_of_the_reference_example() {
        // The example from the JA4 specification (FoxIO, technical details):
        // Chrome's ClientHello gives t13d1516h2_8daaf6152771_e5627efa2ab1.
        let ciphers = vec![
            0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014,
            0x009c, 0x009d, 0x002f, 0x0035,
        ];
        let ext_types = vec![
            0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005, 0x0023, 0x0012,
            0x002b, 0xff01, 0x000b, 0x000a, 0x0015,
        ];
        let sig_algs = vec![
            0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601,
        ];
        let f = ClientHelloFacts {
            version: 0x0303,
            ciphers,
            hello: Hello {
                ext_types,
                sig_algs,
                alpn: vec!["h2".into()],
                versions: vec![0x0304, 0x0303],
                sni: Some("example.com".into()),
                ..Hello::default()
            },
        };
        assert_eq!(ja4(&f), "t13d1516h2_8daaf6152771_e5627efa2ab1");
    }
}
