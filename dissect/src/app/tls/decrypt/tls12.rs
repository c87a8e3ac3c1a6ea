//! The TLS 1.2 PRF (RFC 5246 section 5) and the key block it expands the
//! master secret into (section 6.3); TLS 1.0/1.1's MD5+SHA-1 PRF (RFC 2246
//! section 5) for older sessions.

use hmac::{Hmac, Mac};

use super::suites::{Hash, Suite};

/// P_hash(secret, seed) filled into `out`.
fn p_hash<M: Mac + hmac::digest::KeyInit + Clone>(secret: &[u8], seed: &[u8], out: &mut [u8]) {
    let Ok(base) = <M as hmac::digest::KeyInit>::new_from_slice(secret) else {
        return;
    };
    let mut a = {
        let mut m = base.clone();
        m.update(seed);
        m.finalize().into_bytes().to_vec()
    };
    let mut at = 0;
    while at < out.len() {
        let mut m = base.clone();
        m.update(&a);
        m.update(seed);
        let block = m.finalize().into_bytes();
        let n = block.len().min(out.len() - at);
        out[at..at + n].copy_from_slice(&block[..n]);
        at += n;
        let mut m = base.clone();
        m.update(&a);
        a = m.finalize().into_bytes().to_vec();
    }
}

/// PRF(secret, label, seed) of `len` bytes with the TLS 1.2 PRF of `hash`.
pub fn prf(hash: Hash, secret: &[u8], label: &[u8], seed: &[u8], len: usize) -> Vec<u8> {
    let mut full_seed = label.to_vec();
    full_seed.extend_from_slice(seed);
    let mut out = vec![0; len];
    match hash {
        Hash::Sha1 => p_hash::<Hmac<sha1::Sha1>>(secret, &full_seed, &mut out),
        Hash::Sha256 => p_hash::<Hmac<sha2::Sha256>>(secret, &full_seed, &mut out),
        Hash::Sha384 => p_hash::<Hmac<sha2::Sha384>>(secret, &full_seed, &mut out),
    }
    out
}

/// The TLS 1.0/1.1 PRF: P_MD5 over the first half of the secret XOR P_SHA1 over the second.
pub fn prf_legacy(secret: &[u8], label: &[u8], seed: &[u8], len: usize) -> Vec<u8> {
    let mut full_seed = label.to_vec();
    full_seed.extend_from_slice(seed);
    let half = secret.len().div_ceil(2);
    let (s1, s2) = (&secret[..half], &secret[secret.len() - half..]);
    let mut a = vec![0; len];
    let mut b = vec![0; len];
    p_hash::<Hmac<md5::Md5>>(s1, &full_seed, &mut a);
    p_hash::<Hmac<sha1::Sha1>>(s2, &full_seed, &mut b);
    a.iter_mut().zip(&b).for_each(|(x, y)| *x ^= y);
    a
}

/// One side's record keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Keys {
    pub mac: Vec<u8>,
    pub key: Vec<u8>,
    pub iv: Vec<u8>,
}

/// The client's and the server's keys from the master secret (RFC 5246 6.3).
pub fn key_block(
    suite: &Suite,
    version: u16,
    master: &[u8],
    client_random: &[u8; 32],
    server_random: &[u8; 32],
) -> (Keys, Keys) {
    let (mac, key, iv) = (
        suite.mac_len(),
        suite.bulk.key_len(),
        suite.bulk.fixed_iv_len(),
    );
    let len = 2 * (mac + key + iv);
    let mut seed = server_random.to_vec();
    seed.extend_from_slice(client_random);
    let block = if version < 0x0303 {
        prf_legacy(master, b"key expansion", &seed, len)
    } else {
        prf(suite.prf, master, b"key expansion", &seed, len)
    };
    let mut at = 0;
    let mut take = |n: usize| {
        let part = block[at..at + n].to_vec();
        at += n;
        part
    };
    let (cm, sm) = (take(mac), take(mac));
    let (ck, sk) = (take(key), take(key));
    let (ci, si) = (take(iv), take(iv));
    (
        Keys {
            mac: cm,
            key: ck,
            iv: ci,
        },
        Keys {
            mac: sm,
            key: sk,
            iv: si,
        },
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::testutil::hex;

    /// The TLS 1.2 PRF test vector for SHA-256 published with RFC 5246's
    /// errata discussion (IETF TLS mailing list, "TLS 1.2 PRF test vectors").
    #[test]
    fn prf_sha256_vector() {
        let secret = hex("9bbe436ba940f017b17652849a71db35");
        let seed = hex("a0ba9f936cda311827a6f796ffd5198c");
        let out = prf(Hash::Sha256, &secret, b"test label", &seed, 100);
        assert_eq!(
            out,
            hex("e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66")
        );
    }

    #[test]
    fn prf_sha384_vector() {
        let secret = hex("b80b733d6ceefcdc71566ea48e5567df");
        let seed = hex("cd665cf6a8447dd6ff8b27555edb7465");
        let out = prf(Hash::Sha384, &secret, b"test label", &seed, 148);
        assert_eq!(
            &out[..48],
            &hex("7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0")[..]
        );
    }
}
