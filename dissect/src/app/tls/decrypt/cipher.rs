//! Decryption of one record: AEAD (AES-GCM, ChaCha20-Poly1305) with the
//! nonce and additional data of TLS 1.2 (RFC 5288, RFC 7905) or TLS 1.3
//! (RFC 8446 5.2–5.3), and AES-CBC with HMAC, MAC-then-encrypt (RFC 5246
//! 6.2.3.2) or encrypt-then-MAC (RFC 7366). Every failure is a reason, never
//! garbage plaintext.

use aes_gcm::aead::{AeadInPlace, KeyInit};
use aes_gcm::{Aes128Gcm, Aes256Gcm};
use cbc::cipher::{BlockDecryptMut, KeyIvInit};
use chacha20poly1305::ChaCha20Poly1305;
use hmac::{Hmac, Mac};

use super::suites::{Bulk, Hash, Suite};

const TAG_LEN: usize = 16;
const BLOCK: usize = 16;

/// The cipher state of one direction.
#[derive(Clone)]
pub struct RecordCipher {
    suite: Suite,
    key: Vec<u8>,
    /// AEAD: the fixed IV (TLS 1.2 GCM salt, or the full 12-byte IV). CBC under
    /// TLS 1.0: the IV of the next record (the last ciphertext block).
    iv: Vec<u8>,
    mac_key: Vec<u8>,
    /// TLS 1.3 record protection (nonce from the sequence number, header as AAD).
    tls13: bool,
    /// encrypt_then_mac was negotiated (CBC suites).
    etm: bool,
    /// TLS 1.0: CBC IVs chain from record to record instead of being sent.
    implicit_iv: bool,
}

impl std::fmt::Debug for RecordCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Keys stay out of debug output.
        f.debug_struct("RecordCipher")
            .field("suite", &self.suite)
            .field("tls13", &self.tls13)
            .field("etm", &self.etm)
            .finish_non_exhaustive()
    }
}

/// The record header fields that go into the additional data / MAC.
#[derive(Clone, Copy, Debug)]
pub struct Header {
    pub content_type: u8,
    pub version: u16,
}

impl RecordCipher {
    pub fn new(suite: Suite, key: Vec<u8>, iv: Vec<u8>, mac_key: Vec<u8>) -> Self {
        RecordCipher {
            suite,
            key,
            iv,
            mac_key,
            tls13: false,
            etm: false,
            implicit_iv: false,
        }
    }

    pub fn tls13(suite: Suite, key: Vec<u8>, iv: Vec<u8>) -> Self {
        RecordCipher {
            tls13: true,
            ..RecordCipher::new(suite, key, iv, Vec::new())
        }
    }

    pub fn with_etm(mut self, etm: bool) -> Self {
        self.etm = etm;
        self
    }

    pub fn with_implicit_iv(mut self, implicit: bool) -> Self {
        self.implicit_iv = implicit;
        self
    }

    /// Decrypts record `seq`'s fragment; returns the plaintext (TLS 1.3: the
    /// inner plaintext, content type and padding included).
    pub fn decrypt(&mut self, seq: u64, h: Header, fragment: &[u8]) -> Result<Vec<u8>, String> {
        if self.suite.bulk.is_cbc() {
            self.decrypt_cbc(seq, h, fragment)
        } else {
            self.decrypt_aead(seq, h, fragment)
        }
    }

    fn decrypt_aead(&self, seq: u64, h: Header, fragment: &[u8]) -> Result<Vec<u8>, String> {
        let explicit = !self.tls13 && self.suite.bulk != Bulk::ChaCha20Poly1305;
        let explicit_len = if explicit { 8 } else { 0 };
        if fragment.len() < explicit_len + TAG_LEN {
            return Err(format!(
                "record of {} bytes is too short for its nonce and authentication tag",
                fragment.len()
            ));
        }
        let nonce: [u8; 12] = if explicit {
            let mut n = [0; 12];
            n[..4].copy_from_slice(self.iv.get(..4).ok_or("bad IV")?);
            n[4..].copy_from_slice(&fragment[..8]);
            n
        } else {
            let mut n: [u8; 12] = self.iv.as_slice().try_into().map_err(|_| "bad IV")?;
            for (b, s) in n[4..].iter_mut().zip(seq.to_be_bytes()) {
                *b ^= s;
            }
            n
        };
        let body = &fragment[explicit_len..];
        let (ct, tag) = body.split_at(body.len() - TAG_LEN);
        let aad: Vec<u8> = if self.tls13 {
            let mut a = vec![h.content_type];
            a.extend_from_slice(&h.version.to_be_bytes());
            a.extend_from_slice(&(fragment.len() as u16).to_be_bytes());
            a
        } else {
            additional_data(seq, h, ct.len())
        };
        let mut buf = ct.to_vec();
        let nonce = aes_gcm::Nonce::from_slice(&nonce);
        let tag = aes_gcm::Tag::from_slice(tag);
        let ok = match self.suite.bulk {
            Bulk::Aes128Gcm => Aes128Gcm::new_from_slice(&self.key)
                .map_err(|_| "bad key length")?
                .decrypt_in_place_detached(nonce, &aad, &mut buf, tag),
            Bulk::Aes256Gcm => Aes256Gcm::new_from_slice(&self.key)
                .map_err(|_| "bad key length")?
                .decrypt_in_place_detached(nonce, &aad, &mut buf, tag),
            Bulk::ChaCha20Poly1305 => ChaCha20Poly1305::new_from_slice(&self.key)
                .map_err(|_| "bad key length")?
                .decrypt_in_place_detached(nonce, &aad, &mut buf, tag),
            Bulk::Aes128Cbc | Bulk::Aes256Cbc => return Err("not an AEAD cipher".into()),
        };
        ok.map_err(|_| "the authentication tag does not match (wrong keys?)".to_string())?;
        Ok(buf)
    }

    fn decrypt_cbc(&mut self, seq: u64, h: Header, fragment: &[u8]) -> Result<Vec<u8>, String> {
        let mac_len = self.suite.mac_len();
        let (enc, mac) = if self.etm {
            if fragment.len() < mac_len {
                return Err("record shorter than its MAC".into());
            }
            let (enc, mac) = fragment.split_at(fragment.len() - mac_len);
            let want = self.mac(seq, h, enc);
            if want.as_slice() != mac {
                return Err("the record MAC does not match (wrong keys?)".into());
            }
            (enc, None)
        } else {
            (fragment, Some(()))
        };
        let (iv, ct) = if self.implicit_iv {
            (self.iv.clone(), enc)
        } else {
            if enc.len() < BLOCK {
                return Err("record shorter than its IV".into());
            }
            (enc[..BLOCK].to_vec(), &enc[BLOCK..])
        };
        if ct.is_empty() || !ct.len().is_multiple_of(BLOCK) {
            return Err(format!(
                "CBC ciphertext of {} bytes is not a whole number of blocks",
                ct.len()
            ));
        }
        let mut buf = ct.to_vec();
        let blocks = buf.chunks_exact_mut(BLOCK).map(|b| {
            let b: &mut [u8; BLOCK] = b.try_into().expect("exact chunk");
            b.into()
        });
        let blocks: Vec<_> = blocks.collect();
        decrypt_blocks(self.suite.bulk, &self.key, &iv, blocks)?;
        if self.implicit_iv {
            self.iv = ct[ct.len() - BLOCK..].to_vec();
        }
        let pad = usize::from(*buf.last().unwrap_or(&0));
        if pad + 1 > buf.len()
            || !buf[buf.len() - pad - 1..]
                .iter()
                .all(|&b| b as usize == pad)
        {
            return Err("bad CBC padding (wrong keys?)".into());
        }
        buf.truncate(buf.len() - pad - 1);
        if mac.is_some() {
            if buf.len() < mac_len {
                return Err("record shorter than its MAC".into());
            }
            let content_len = buf.len() - mac_len;
            let want = self.mac(seq, h, &buf[..content_len]);
            if want.as_slice() != &buf[content_len..] {
                return Err("the record MAC does not match (wrong keys?)".into());
            }
            buf.truncate(content_len);
        }
        Ok(buf)
    }

    /// HMAC(mac_key, seq || type || version || length || data).
    fn mac(&self, seq: u64, h: Header, data: &[u8]) -> Vec<u8> {
        let ad = additional_data(seq, h, data.len());
        match self.suite.mac {
            Some(Hash::Sha1) => hmac::<Hmac<sha1::Sha1>>(&self.mac_key, &ad, data),
            Some(Hash::Sha256) => hmac::<Hmac<sha2::Sha256>>(&self.mac_key, &ad, data),
            Some(Hash::Sha384) => hmac::<Hmac<sha2::Sha384>>(&self.mac_key, &ad, data),
            None => Vec::new(),
        }
    }
}

fn hmac<M: Mac + hmac::digest::KeyInit>(key: &[u8], ad: &[u8], data: &[u8]) -> Vec<u8> {
    let Ok(mut m) = <M as hmac::digest::KeyInit>::new_from_slice(key) else {
        return Vec::new();
    };
    m.update(ad);
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

type Block = aes::cipher::generic_array::GenericArray<u8, aes::cipher::consts::U16>;

fn decrypt_blocks(
    bulk: Bulk,
    key: &[u8],
    iv: &[u8],
    mut blocks: Vec<&mut Block>,
) -> Result<(), String> {
    let bad = |_| "bad key or IV length".to_string();
    match bulk {
        Bulk::Aes128Cbc => {
            let mut d = cbc::Decryptor::<aes::Aes128>::new_from_slices(key, iv).map_err(bad)?;
            for b in blocks.iter_mut() {
                d.decrypt_block_mut(b);
            }
        }
        Bulk::Aes256Cbc => {
            let mut d = cbc::Decryptor::<aes::Aes256>::new_from_slices(key, iv).map_err(bad)?;
            for b in blocks.iter_mut() {
                d.decrypt_block_mut(b);
            }
        }
        _ => return Err("not a CBC cipher".into()),
    }
    Ok(())
}

/// seq_num || type || version || length: TLS 1.2's AEAD additional data and MAC prefix.
fn additional_data(seq: u64, h: Header, len: usize) -> Vec<u8> {
    let mut a = seq.to_be_bytes().to_vec();
    a.push(h.content_type);
    a.extend_from_slice(&h.version.to_be_bytes());
    a.extend_from_slice(&(len as u16).to_be_bytes());
    a
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::suites::lookup;
    use super::*;
    use aes_gcm::aead::Aead;
    use cbc::cipher::BlockEncryptMut;

    fn suite(id: u16) -> Suite {
        lookup(id).unwrap()
    }

    #[test]
    fn tls13_aead_round_trip_and_bad_tag() {
        let key = vec![7u8; 16];
        let iv = vec![9u8; 12];
        let h = Header {
            content_type: 23,
            version: 0x0303,
        };
        // Encrypt as a TLS 1.3 sender would, with record 3's nonce.
        let mut nonce = [9u8; 12];
        for (b, s) in nonce[4..].iter_mut().zip(3u64.to_be_bytes()) {
            *b ^= s;
        }
        let plain = b"hello\x17";
        let len = (plain.len() + 16) as u16;
        let aad = [23, 3, 3, (len >> 8) as u8, len as u8];
        let ct = Aes128Gcm::new_from_slice(&key)
            .unwrap()
            .encrypt(
                aes_gcm::Nonce::from_slice(&nonce),
                aes_gcm::aead::Payload {
                    msg: plain,
                    aad: &aad,
                },
            )
            .unwrap();
        let mut c = RecordCipher::tls13(suite(0x1301), key, iv);
        assert_eq!(c.decrypt(3, h, &ct).unwrap(), plain);
        let err = c.decrypt(4, h, &ct).unwrap_err();
        assert!(err.contains("authentication tag"), "{err}");
        assert!(c
            .decrypt(3, h, &ct[..10])
            .unwrap_err()
            .contains("too short"));
    }

    #[test]
    fn cbc_mac_then_encrypt_and_encrypt_then_mac() {
        let s = suite(0x002f); // AES128-SHA
        let key = vec![1u8; 16];
        let mac_key = vec![2u8; 20];
        let h = Header {
            content_type: 23,
            version: 0x0303,
        };
        let content = b"GET / HTTP/1.1\r\n\r\n";
        let iv = [5u8; 16];
        let encrypt = |plain: &[u8]| {
            let mut p = plain.to_vec();
            let pad = 15 - (p.len() % 16);
            p.extend(std::iter::repeat_n(pad as u8, pad + 1));
            let mut e = cbc::Encryptor::<aes::Aes128>::new_from_slices(&key, &iv).unwrap();
            for b in p.chunks_exact_mut(16) {
                e.encrypt_block_mut(b.into());
            }
            let mut out = iv.to_vec();
            out.extend(p);
            out
        };
        // MAC-then-encrypt.
        let mut plain = content.to_vec();
        plain.extend(hmac::<Hmac<sha1::Sha1>>(
            &mac_key,
            &additional_data(0, h, content.len()),
            content,
        ));
        let rec = encrypt(&plain);
        let mut c = RecordCipher::new(s, key.clone(), Vec::new(), mac_key.clone());
        assert_eq!(c.decrypt(0, h, &rec).unwrap(), content);
        assert!(c.decrypt(1, h, &rec).unwrap_err().contains("MAC"));
        // Encrypt-then-MAC.
        let mut rec = encrypt(content);
        let mac = hmac::<Hmac<sha1::Sha1>>(&mac_key, &additional_data(0, h, rec.len()), &rec);
        rec.extend(mac);
        let mut c = RecordCipher::new(s, key, Vec::new(), mac_key).with_etm(true);
        assert_eq!(c.decrypt(0, h, &rec).unwrap(), content);
        rec[20] ^= 1;
        assert!(c.decrypt(0, h, &rec).unwrap_err().contains("MAC"));
    }
}
