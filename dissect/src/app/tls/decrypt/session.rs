//! The decryption state of one connection: per direction, the cipher of the
//! current epoch and its record sequence number; for TLS 1.3 the traffic
//! secret (for key updates) and the keys that come next.

use super::cipher::{Header, RecordCipher};
use super::keylog::{KeyLog, Label};
use super::suites::{self, Suite};
use super::{tls12, tls13};

/// Which keys protect a direction's records now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Epoch {
    /// TLS 1.3 0-RTT data (client early traffic secret).
    Early,
    /// TLS 1.3 handshake traffic keys.
    Handshake,
    /// Application traffic keys: TLS 1.3 after Finished (the number of key
    /// updates so far), or TLS ≤ 1.2 after ChangeCipherSpec.
    Application(u32),
}

/// One direction's keys.
#[derive(Debug)]
pub struct DirKeys {
    pub cipher: RecordCipher,
    pub seq: u64,
    pub epoch: Epoch,
    /// TLS 1.3: the traffic secret the keys came from (key updates derive the next).
    secret: Vec<u8>,
    suite: Suite,
}

/// What the hellos of a TLS ≤ 1.2 connection negotiated that its key block depends on.
#[derive(Clone, Copy, Debug)]
pub struct Tls12Hello {
    pub client_random: [u8; 32],
    pub server_random: [u8; 32],
    pub suite: u16,
    pub version: u16,
    /// encrypt_then_mac (RFC 7366) was negotiated.
    pub encrypt_then_mac: bool,
}

/// What a decrypted record changes for its direction once it is dissected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Switch {
    /// TLS 1.3 Finished: the application traffic keys follow.
    ToApplication,
    /// KeyUpdate: the next traffic secret follows.
    KeyUpdate,
    /// EndOfEarlyData: the handshake keys follow.
    ToHandshake,
}

/// The decryption state of one TLS connection, by TCP direction.
#[derive(Debug, Default)]
pub struct Decryption {
    pub dirs: [Option<DirKeys>; 2],
    /// TLS 1.3: the secrets a direction moves to, by epoch, once its current epoch ends.
    handshake: [Option<Vec<u8>>; 2],
    application: [Option<Vec<u8>>; 2],
    /// The client's 0-RTT secret, until the first early record tells its suite.
    early_secret: Option<Vec<u8>>,
    /// TLS 1.3 suites the client offered (0-RTT uses one of them, not yet negotiated).
    pub offered: Vec<u16>,
    pub suite: Option<Suite>,
    /// A record has been decrypted on this connection.
    pub decrypted: bool,
    /// Decryption failed in a direction: later records there are not tried.
    pub failed: [bool; 2],
    /// The negotiated cipher suite, when it is one that cannot be decrypted
    /// (CCM, NULL, export, non-AES block ciphers...).
    pub unsupported: Option<u16>,
    /// The direction's next records may still be 0-RTT data (or
    /// EndOfEarlyData) whose secret is unknown: a record that does not
    /// decrypt is skipped rather than a failure.
    trial: [bool; 2],
}

/// The result of trying one record.
#[derive(Debug)]
pub enum Outcome {
    /// Not protected (no keys installed for the direction yet).
    NoKeys,
    Plain(Vec<u8>),
    /// 0-RTT data (or EndOfEarlyData) without its secret, recognised by not
    /// decrypting with the handshake keys: left encrypted.
    Skipped,
    Failed(String),
}

impl Decryption {
    /// The ClientHello: remembers the 0-RTT secret when the client offered early data.
    pub fn client_hello(&mut self, log: &KeyLog, random: &[u8; 32], offered: &[u16]) {
        self.offered = offered
            .iter()
            .copied()
            .filter(|s| (0x1301..=0x1303).contains(s))
            .collect();
        self.early_secret = log
            .get(random, Label::ClientEarlyTraffic)
            .map(<[u8]>::to_vec);
    }

    /// 0-RTT record from the client before the ServerHello: the suite is
    /// found by trying the offered ones.
    pub fn early_record(&mut self, client_dir: usize, h: Header, fragment: &[u8]) -> Outcome {
        if self.dirs[client_dir & 1].is_none() {
            let Some(secret) = self.early_secret.clone() else {
                return Outcome::NoKeys;
            };
            for id in self.offered.clone() {
                let Some(suite) = suites::lookup(id) else {
                    continue;
                };
                if suite.prf.len() != secret.len() {
                    continue;
                }
                let Some(mut keys) = tls13_keys(suite, &secret, Epoch::Early) else {
                    continue;
                };
                if keys.cipher.decrypt(0, h, fragment).is_ok() {
                    keys.seq = 0;
                    self.dirs[client_dir & 1] = Some(keys);
                    break;
                }
            }
            if self.dirs[client_dir & 1].is_none() {
                self.failed[client_dir & 1] = true;
                return Outcome::Failed(
                    "0-RTT data does not decrypt with the early traffic secret".into(),
                );
            }
        }
        self.record(client_dir, h, fragment)
    }

    /// TLS 1.3 ServerHello: handshake keys for both directions. A client
    /// that offered early data keeps (or starts) its 0-RTT keys until
    /// EndOfEarlyData; without its early secret, its next records are tried
    /// with the handshake keys and skipped until one decrypts.
    pub fn server_hello_tls13(
        &mut self,
        log: &KeyLog,
        random: &[u8; 32],
        suite_id: u16,
        server_dir: usize,
        early_offered: bool,
    ) {
        let Some(suite) = suites::lookup(suite_id) else {
            self.unsupported = Some(suite_id);
            return;
        };
        self.suite = Some(suite);
        let get = |l| log.get(random, l).map(<[u8]>::to_vec);
        let (s, c) = (server_dir & 1, 1 - (server_dir & 1));
        self.handshake[s] = get(Label::ServerHandshakeTraffic);
        self.handshake[c] = get(Label::ClientHandshakeTraffic);
        self.application[s] = get(Label::ServerTraffic0);
        self.application[c] = get(Label::ClientTraffic0);
        self.dirs[s] = self.handshake[s]
            .take()
            .and_then(|secret| tls13_keys(suite, &secret, Epoch::Handshake));
        let client_early = self.dirs[c]
            .as_ref()
            .is_some_and(|d| d.epoch == Epoch::Early);
        if client_early {
            return;
        }
        if early_offered {
            // The early secret, with the suite now known: the client may send
            // EndOfEarlyData under it even without 0-RTT records before.
            if let Some(keys) = self
                .early_secret
                .as_ref()
                .filter(|e| e.len() == suite.prf.len())
                .and_then(|e| tls13_keys(suite, e, Epoch::Early))
            {
                self.dirs[c] = Some(keys);
                return;
            }
            self.trial[c] = true;
        }
        self.dirs[c] = self.handshake[c]
            .take()
            .and_then(|secret| tls13_keys(suite, &secret, Epoch::Handshake));
    }

    /// The server did not accept 0-RTT (no early_data in EncryptedExtensions):
    /// the client's next records use its handshake keys.
    pub fn early_data_rejected(&mut self, client_dir: usize) {
        let c = client_dir & 1;
        if self.dirs[c]
            .as_ref()
            .is_some_and(|d| d.epoch == Epoch::Early)
        {
            self.switch(c, Switch::ToHandshake);
            // 0-RTT records may still arrive after the ServerHello: skipped.
            self.trial[c] = true;
        }
    }

    /// TLS ≤ 1.2 ChangeCipherSpec in `dir` (sent by the client when
    /// `from_client`): that side's keys from the key block.
    pub fn change_cipher_spec(
        &mut self,
        log: &KeyLog,
        hello: &Tls12Hello,
        from_client: bool,
        dir: usize,
    ) {
        let Some(suite) = suites::lookup(hello.suite) else {
            self.unsupported = Some(hello.suite);
            return;
        };
        let Some(master) = log.get(&hello.client_random, Label::ClientRandom) else {
            return;
        };
        self.suite = Some(suite);
        let (client, server) = tls12::key_block(
            &suite,
            hello.version,
            master,
            &hello.client_random,
            &hello.server_random,
        );
        let k = if from_client { client } else { server };
        let cbc = suite.bulk.is_cbc();
        let cipher = RecordCipher::new(suite, k.key, k.iv, k.mac)
            .with_etm(hello.encrypt_then_mac && cbc)
            .with_implicit_iv(hello.version < 0x0302 && cbc);
        self.dirs[dir & 1] = Some(DirKeys {
            cipher,
            seq: 0,
            epoch: Epoch::Application(0),
            secret: Vec::new(),
            suite,
        });
        self.failed[dir & 1] = false;
    }

    /// Decrypts the next protected record of `dir`.
    pub fn record(&mut self, dir: usize, h: Header, fragment: &[u8]) -> Outcome {
        let Some(keys) = self.dirs[dir & 1].as_mut() else {
            return Outcome::NoKeys;
        };
        let seq = keys.seq;
        match keys.cipher.decrypt(seq, h, fragment) {
            Ok(p) => {
                keys.seq = seq.wrapping_add(1);
                self.decrypted = true;
                self.trial[dir & 1] = false;
                Outcome::Plain(p)
            }
            Err(_) if self.trial[dir & 1] => Outcome::Skipped,
            Err(e) => {
                keys.seq = seq.wrapping_add(1);
                self.failed[dir & 1] = true;
                Outcome::Failed(e)
            }
        }
    }

    /// The epoch of `dir` now.
    pub fn epoch(&self, dir: usize) -> Option<Epoch> {
        self.dirs[dir & 1].as_ref().map(|d| d.epoch)
    }

    /// Moves `dir` to its next keys after a handshake message said so.
    pub fn switch(&mut self, dir: usize, to: Switch) {
        let d = dir & 1;
        let Some(suite) = self.suite.or(self.dirs[d].as_ref().map(|k| k.suite)) else {
            return;
        };
        let next = match to {
            Switch::ToHandshake => self.handshake[d]
                .take()
                .and_then(|s| tls13_keys(suite, &s, Epoch::Handshake)),
            Switch::ToApplication => self.application[d]
                .take()
                .and_then(|s| tls13_keys(suite, &s, Epoch::Application(0))),
            Switch::KeyUpdate => self.dirs[d].as_ref().and_then(|k| {
                let n = match k.epoch {
                    Epoch::Application(n) => n.saturating_add(1),
                    _ => 1,
                };
                let secret = tls13::next_secret(suite.prf, &k.secret)?;
                tls13_keys(suite, &secret, Epoch::Application(n))
            }),
        };
        self.dirs[d] = next;
    }
}

/// The keys of a TLS 1.3 traffic secret.
fn tls13_keys(suite: Suite, secret: &[u8], epoch: Epoch) -> Option<DirKeys> {
    let (key, iv) = tls13::traffic_keys(suite.prf, secret, suite.bulk.key_len())?;
    Some(DirKeys {
        cipher: RecordCipher::tls13(suite, key, iv),
        seq: 0,
        epoch,
        secret: secret.to_vec(),
        suite,
    })
}
