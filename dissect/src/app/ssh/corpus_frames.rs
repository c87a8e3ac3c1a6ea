//! The opening frames of shared SSH captures (shared/captures/ssh) the unit
//! tests replay, read from the corpus when a test runs.

use crate::testutil::{corpus_capture, CorpusRecord};

/// The first `count` frames of a corpus capture.
#[derive(Clone, Copy, Debug)]
pub struct CorpusFrames {
    pub file: &'static str,
    pub count: usize,
}

impl CorpusFrames {
    pub fn records(self) -> Vec<CorpusRecord> {
        let mut records = corpus_capture(self.file).records;
        assert!(records.len() >= self.count, "{}: too few frames", self.file);
        records.truncate(self.count);
        records
    }
}

/// ssh_kex_curve25519.pcap frames 1-20: curve25519-sha256 with an ssh-ed25519 certificate host key, chacha20-poly1305.
pub const KEX_CURVE25519: CorpusFrames = CorpusFrames {
    file: "ssh/ssh_kex_curve25519.pcap",
    count: 20,
};

/// ssh_dh_group_exchange.pcap frames 1-21: diffie-hellman-group-exchange-sha1, ssh-rsa host key, aes128-cbc: SSH-1.99 server.
pub const DH_GEX: CorpusFrames = CorpusFrames {
    file: "ssh/ssh_dh_group_exchange.pcap",
    count: 21,
};
