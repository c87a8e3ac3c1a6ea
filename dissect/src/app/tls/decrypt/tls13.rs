//! TLS 1.3 key schedule pieces a key log leaves to compute (RFC 8446 section
//! 7): HKDF-Expand-Label, the traffic keys of a traffic secret, and the next
//! secret of a KeyUpdate.

use hkdf::Hkdf;

use super::suites::Hash;

/// HKDF-Expand-Label(secret, label, context, len) (RFC 8446 7.1). `secret`
/// is used as the PRK; `None` when it is shorter than the hash.
pub fn expand_label(
    hash: Hash,
    secret: &[u8],
    label: &str,
    context: &[u8],
    len: usize,
) -> Option<Vec<u8>> {
    let full = format!("tls13 {label}");
    let mut info = Vec::with_capacity(4 + full.len() + context.len());
    info.extend_from_slice(&u16::try_from(len).ok()?.to_be_bytes());
    info.push(u8::try_from(full.len()).ok()?);
    info.extend_from_slice(full.as_bytes());
    info.push(u8::try_from(context.len()).ok()?);
    info.extend_from_slice(context);
    let mut out = vec![0; len];
    match hash {
        Hash::Sha1 => return None,
        Hash::Sha256 => Hkdf::<sha2::Sha256>::from_prk(secret)
            .ok()?
            .expand(&info, &mut out)
            .ok()?,
        Hash::Sha384 => Hkdf::<sha2::Sha384>::from_prk(secret)
            .ok()?
            .expand(&info, &mut out)
            .ok()?,
    }
    Some(out)
}

/// The write key and IV of a traffic secret (RFC 8446 7.3).
pub fn traffic_keys(hash: Hash, secret: &[u8], key_len: usize) -> Option<(Vec<u8>, Vec<u8>)> {
    Some((
        expand_label(hash, secret, "key", &[], key_len)?,
        expand_label(hash, secret, "iv", &[], 12)?,
    ))
}

/// The traffic secret after a KeyUpdate (RFC 8446 7.2).
pub fn next_secret(hash: Hash, secret: &[u8]) -> Option<Vec<u8>> {
    expand_label(hash, secret, "traffic upd", &[], hash.len())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::testutil::hex;

    /// RFC 8448 section 3 (Simple 1-RTT Handshake): the server's handshake
    /// and application traffic keys from their secrets.
    #[test]
    fn rfc8448_traffic_keys() {
        let hs = hex("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38");
        let (key, iv) = traffic_keys(Hash::Sha256, &hs, 16).unwrap();
        assert_eq!(key, hex("3fce516009c21727d0f2e4e86ee403bc"));
        assert_eq!(iv, hex("5d313eb2671276ee13000b30"));
        let app = hex("a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643");
        let (key, iv) = traffic_keys(Hash::Sha256, &app, 16).unwrap();
        assert_eq!(key, hex("9f02283b6c9c07efc26bb9f2ac92e356"));
        assert_eq!(iv, hex("cf782b88dd83549aadf1e984"));
    }

    #[test]
    fn key_update_changes_the_secret() {
        let s = hex("a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643");
        let n = next_secret(Hash::Sha256, &s).unwrap();
        assert_eq!(n.len(), 32);
        assert_ne!(n, s);
        assert!(expand_label(Hash::Sha256, &s[..8], "key", &[], 16).is_none());
    }
}
