//! What a cipher suite means for record protection: the bulk cipher, the MAC
//! (for CBC suites) and the PRF / HKDF hash. The key exchange does not matter
//! once the key log gives the secrets.

/// The record cipher.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bulk {
    Aes128Gcm,
    Aes256Gcm,
    ChaCha20Poly1305,
    Aes128Cbc,
    Aes256Cbc,
}

impl Bulk {
    pub fn key_len(self) -> usize {
        match self {
            Bulk::Aes128Gcm | Bulk::Aes128Cbc => 16,
            Bulk::Aes256Gcm | Bulk::ChaCha20Poly1305 | Bulk::Aes256Cbc => 32,
        }
    }

    /// The IV taken from a TLS 1.2 key block: GCM's 4-byte salt, ChaCha20's
    /// 12-byte IV, a CBC IV (only TLS 1.0 uses it; later ones send it).
    pub fn fixed_iv_len(self) -> usize {
        match self {
            Bulk::Aes128Gcm | Bulk::Aes256Gcm => 4,
            Bulk::ChaCha20Poly1305 => 12,
            Bulk::Aes128Cbc | Bulk::Aes256Cbc => 16,
        }
    }

    pub fn is_cbc(self) -> bool {
        matches!(self, Bulk::Aes128Cbc | Bulk::Aes256Cbc)
    }
}

/// A hash: the PRF's / HKDF's, or an HMAC's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hash {
    Sha1,
    Sha256,
    Sha384,
}

impl Hash {
    #[allow(clippy::len_without_is_empty)]
    pub fn len(self) -> usize {
        match self {
            Hash::Sha1 => 20,
            Hash::Sha256 => 32,
            Hash::Sha384 => 48,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Suite {
    pub bulk: Bulk,
    /// The record MAC of a CBC suite.
    pub mac: Option<Hash>,
    /// The TLS 1.2 PRF hash, or TLS 1.3's HKDF hash.
    pub prf: Hash,
}

impl Suite {
    pub fn mac_len(&self) -> usize {
        self.mac.map_or(0, Hash::len)
    }
}

/// The suites whose records can be decrypted.
pub fn lookup(id: u16) -> Option<Suite> {
    use Bulk::*;
    use Hash::*;
    let (bulk, mac, prf) = match id {
        // TLS 1.3
        0x1301 => (Aes128Gcm, None, Sha256),
        0x1302 => (Aes256Gcm, None, Sha384),
        0x1303 => (ChaCha20Poly1305, None, Sha256),
        // AES-GCM: RSA, DHE-RSA, DHE-DSS, ECDHE-ECDSA, ECDHE-RSA, PSK variants.
        0x009c | 0x009e | 0x00a2 | 0x00a8 | 0x00aa | 0x00ac | 0xc02b | 0xc02d | 0xc02f | 0xc031 => {
            (Aes128Gcm, None, Sha256)
        }
        0x009d | 0x009f | 0x00a3 | 0x00a9 | 0x00ab | 0x00ad | 0xc02c | 0xc02e | 0xc030 | 0xc032 => {
            (Aes256Gcm, None, Sha384)
        }
        // ChaCha20-Poly1305 (RFC 7905).
        0xcca8..=0xccae => (ChaCha20Poly1305, None, Sha256),
        // AES-CBC with HMAC-SHA1.
        0x002f | 0x0030 | 0x0031 | 0x0032 | 0x0033 | 0x0034 | 0x008c | 0xc004 | 0xc005 | 0xc009
        | 0xc00e | 0xc00f | 0xc013 | 0xc018 | 0xc035 => (Aes128Cbc, Some(Sha1), Sha256),
        0x0035 | 0x0036 | 0x0037 | 0x0038 | 0x0039 | 0x003a | 0x008d | 0xc00a | 0xc014 | 0xc019
        | 0xc036 => (Aes256Cbc, Some(Sha1), Sha256),
        // AES-CBC with HMAC-SHA256 / SHA384.
        0x003c | 0x003e | 0x003f | 0x0040 | 0x0067 | 0x00ae | 0xc023 | 0xc025 | 0xc027 | 0xc029
        | 0xc037 => (Aes128Cbc, Some(Sha256), Sha256),
        0x003d | 0x0068 | 0x0069 | 0x006a | 0x006b | 0x006c | 0x006d => {
            (Aes256Cbc, Some(Sha256), Sha256)
        }
        0x00af | 0xc024 | 0xc026 | 0xc028 | 0xc02a | 0xc038 => (Aes256Cbc, Some(Sha384), Sha384),
        _ => return None,
    };
    Some(Suite { bulk, mac, prf })
}
