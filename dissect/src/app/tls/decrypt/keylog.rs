//! NSS key log files (the `SSLKEYLOGFILE` format): one secret per line,
//! `LABEL <client_random hex> <secret hex>`, keyed by the ClientHello's random.
//! Comments, blank lines and lines that do not parse are skipped; the ones
//! that do not parse are reported with their line numbers.

use std::collections::HashMap;

/// Which secret a key log line gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Label {
    /// TLS ≤ 1.2: the 48-byte master secret.
    ClientRandom,
    ClientEarlyTraffic,
    ClientHandshakeTraffic,
    ServerHandshakeTraffic,
    ClientTraffic0,
    ServerTraffic0,
    Exporter,
}

impl Label {
    fn parse(s: &str) -> Option<Label> {
        Some(match s {
            "CLIENT_RANDOM" => Label::ClientRandom,
            "CLIENT_EARLY_TRAFFIC_SECRET" | "EARLY_TRAFFIC_SECRET" => Label::ClientEarlyTraffic,
            "CLIENT_HANDSHAKE_TRAFFIC_SECRET" => Label::ClientHandshakeTraffic,
            "SERVER_HANDSHAKE_TRAFFIC_SECRET" => Label::ServerHandshakeTraffic,
            "CLIENT_TRAFFIC_SECRET_0" => Label::ClientTraffic0,
            "SERVER_TRAFFIC_SECRET_0" => Label::ServerTraffic0,
            "EXPORTER_SECRET" => Label::Exporter,
            _ => return None,
        })
    }
}

/// Labels of valid key log lines that decryption does not use: RSA
/// pre-master secrets (the CLIENT_RANDOM line beside them gives the master
/// secret), exporter secrets, OpenSSL's later traffic secrets (derived here
/// from the first through key updates) and ECH's.
const IGNORED_LABELS: &[&str] = &[
    "RSA",
    "PMS_CLIENT_RANDOM",
    "EARLY_EXPORTER_SECRET",
    "CLIENT_TRAFFIC_SECRET_N",
    "SERVER_TRAFFIC_SECRET_N",
    "ECH_SECRET",
    "ECH_CONFIG",
];

/// Most secrets kept from one key log (a hostile file cannot grow the map past it).
pub const MAX_SECRETS: usize = 1 << 20;

/// The secrets of a key log, by client random.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct KeyLog {
    secrets: HashMap<[u8; 32], HashMap<Label, Vec<u8>>>,
    count: usize,
}

impl std::fmt::Debug for KeyLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Secrets stay out of debug output.
        write!(f, "KeyLog({} secrets)", self.count)
    }
}

/// A line that could not be read, for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadLine {
    pub line: usize,
    pub reason: String,
}

impl std::fmt::Display for BadLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

impl KeyLog {
    /// Reads a key log; lines that do not parse are skipped and returned.
    pub fn parse(text: &str) -> (KeyLog, Vec<BadLine>) {
        let mut log = KeyLog::default();
        let mut bad = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if let Err(reason) = log.add_line(line) {
                bad.push(BadLine {
                    line: i + 1,
                    reason,
                });
            }
        }
        (log, bad)
    }

    /// Adds one line; comments and blank lines are fine.
    pub fn add_line(&mut self, line: &str) -> Result<(), String> {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return Ok(());
        }
        let mut words = line.split_ascii_whitespace();
        let (Some(label), Some(random), Some(secret), None) =
            (words.next(), words.next(), words.next(), words.next())
        else {
            return Err("expected 'LABEL <client random> <secret>'".into());
        };
        let Some(label) = Label::parse(label) else {
            if IGNORED_LABELS.contains(&label) {
                // Valid lines whose secrets decryption does not need.
                return Ok(());
            }
            return Err(format!("unsupported label '{label}'"));
        };
        let random: [u8; 32] = unhex(random)
            .and_then(|r| r.try_into().ok())
            .ok_or("the client random is not 32 bytes of hex")?;
        let secret = unhex(secret).ok_or("the secret is not hex")?;
        if label == Label::ClientRandom && secret.len() != 48 {
            return Err("a master secret is 48 bytes".into());
        }
        if !(16..=64).contains(&secret.len()) {
            return Err(format!("a secret of {} bytes", secret.len()));
        }
        self.insert(random, label, secret);
        Ok(())
    }

    /// Adds one secret (from a file or a capture's Decryption Secrets Block).
    pub fn insert(&mut self, random: [u8; 32], label: Label, secret: Vec<u8>) {
        if self.count >= MAX_SECRETS {
            return;
        }
        if self
            .secrets
            .entry(random)
            .or_default()
            .insert(label, secret)
            .is_none()
        {
            self.count += 1;
        }
    }

    /// Adds every secret of `other`.
    pub fn merge(&mut self, other: &KeyLog) {
        for (random, secrets) in &other.secrets {
            for (label, secret) in secrets {
                self.insert(*random, *label, secret.clone());
            }
        }
    }

    pub fn get(&self, random: &[u8; 32], label: Label) -> Option<&[u8]> {
        self.secrets.get(random)?.get(&label).map(Vec::as_slice)
    }

    /// Secrets held.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn reads_secrets_and_reports_bad_lines() {
        let r = "216e876ea1a480c60145c4c80eb8d05c85b6806043105c391236cd4e88f79a21";
        let ms = "54a828bfc25edf47070cd48b8253e8137e88082face8d7e96960756653b57f41bc6df3f45a5746bc9c6305ccd9b35ab8";
        let text = format!(
            "# comment\n\nCLIENT_RANDOM {r} {ms}\nCLIENT_RANDOM {r}\nRSA abcd 1234\nBOGUS {r} {ms}\nSERVER_TRAFFIC_SECRET_0 {r} zz\nCLIENT_TRAFFIC_SECRET_0 {r} {}\n",
            &ms[..64]
        );
        let (log, bad) = KeyLog::parse(&text);
        assert_eq!(log.len(), 2);
        let random: [u8; 32] = unhex(r).unwrap().try_into().unwrap();
        assert_eq!(log.get(&random, Label::ClientRandom).unwrap().len(), 48);
        assert_eq!(log.get(&random, Label::ClientTraffic0).unwrap().len(), 32);
        assert_eq!(bad.iter().map(|b| b.line).collect::<Vec<_>>(), [4, 6, 7]);
        assert!(bad[1]
            .to_string()
            .contains("line 6: unsupported label 'BOGUS'"));
    }
}
