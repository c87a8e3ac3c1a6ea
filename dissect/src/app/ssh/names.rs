//! Algorithm names: negotiation (RFC 4253 section 7.1), the HASSH client and
//! server fingerprints, OpenSSH-style host key fingerprints, and the names
//! Wireshark gives message codes.

use base64::Engine as _;
use md5::{Digest as _, Md5};
use sha2::Sha256;

/// The algorithm both sides agree on: the first of the client's list that the
/// server also offers (RFC 4253 section 7.1).
pub fn choose(client: &str, server: &str) -> Option<String> {
    client
        .split(',')
        .find(|c| !c.is_empty() && server.split(',').any(|s| s == *c))
        .map(str::to_owned)
}

/// The HASSH input string: `kex;enc;mac;comp`, with the lists of the sender's
/// own direction (client to server for a client, server to client for a server).
pub fn hassh_algorithms(kex: &str, enc: &str, mac: &str, comp: &str) -> String {
    format!("{kex};{enc};{mac};{comp}")
}

/// MD5 of the HASSH input, as 32 lowercase hex digits.
pub fn hassh(algorithms: &str) -> String {
    let digest = Md5::digest(algorithms.as_bytes());
    let mut out = String::with_capacity(32);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// `SHA256:<base64 without padding>` of a public key blob, as `ssh-keygen -l` prints it.
pub fn fingerprint_sha256(key_blob: &[u8]) -> String {
    let digest = Sha256::digest(key_blob);
    format!(
        "SHA256:{}",
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(digest)
    )
}

/// How the key exchange method shapes messages 30-49.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KexKind {
    /// Classic Diffie-Hellman on a fixed group (RFC 4253 section 8); also what
    /// Wireshark 4.0 falls back to for methods it does not know.
    Dh,
    /// Diffie-Hellman group exchange (RFC 4419).
    Gex,
    /// ECDH, curve25519 and curve448 (RFC 5656, RFC 8731).
    Ecdh,
    /// Post-quantum hybrids (sntrup761x25519, mlkem768x25519): messages 30/31
    /// carry a KEM public key or ciphertext concatenated with an X25519 key.
    /// Wireshark 4.0 shows them with its DH fields, which are kept.
    Hybrid,
}

/// The kind of a negotiated key exchange method.
pub fn kex_kind(method: &str) -> KexKind {
    match method {
        "diffie-hellman-group-exchange-sha1" | "diffie-hellman-group-exchange-sha256" => {
            KexKind::Gex
        }
        "curve25519-sha256" | "curve25519-sha256@libssh.org" | "curve448-sha512" => KexKind::Ecdh,
        m if m.starts_with("ecdh-sha2-") => KexKind::Ecdh,
        m if hybrid_kem_len(m).is_some() => KexKind::Hybrid,
        _ => KexKind::Dh,
    }
}

/// For a hybrid method: the name of its KEM and the sizes of the KEM part of
/// the client's public key and of the server's ciphertext (the X25519 key of
/// 32 bytes follows each).
pub fn hybrid_kem_len(method: &str) -> Option<(&'static str, usize, usize)> {
    match method {
        "sntrup761x25519-sha512@openssh.com" | "sntrup761x25519-sha512" => {
            Some(("sntrup761", 1158, 1039))
        }
        "mlkem768x25519-sha256" => Some(("ML-KEM-768", 1184, 1088)),
        _ => None,
    }
}

/// Wireshark's names of the generic message codes (`ssh2_msg_vals`).
pub fn msg_name(code: u8) -> Option<&'static str> {
    Some(match code {
        1 => "Disconnect",
        2 => "Ignore",
        3 => "Unimplemented",
        4 => "Debug",
        5 => "Service Request",
        6 => "Service Accept",
        7 => "Extension Information",
        20 => "Key Exchange Init",
        21 => "New Keys",
        50 => "User Authentication Request",
        51 => "User Authentication Failure",
        52 => "User Authentication Success",
        53 => "User Authentication Banner",
        80 => "Global Request",
        81 => "Request Success",
        82 => "Request Failure",
        90 => "Channel Open",
        91 => "Channel Open Confirmation",
        92 => "Channel Open Failure",
        93 => "Window Adjust",
        94 => "Channel Data",
        95 => "Channel Extended Data",
        96 => "Channel EOF",
        97 => "Channel Close",
        98 => "Channel Request",
        99 => "Channel Success",
        100 => "Channel Failure",
        _ => return None,
    })
}

/// Wireshark's names of messages 30-49 under each kind of key exchange.
pub fn kex_msg_name(kind: KexKind, code: u8) -> Option<&'static str> {
    Some(match (kind, code) {
        (KexKind::Dh | KexKind::Hybrid, 30) => "Diffie-Hellman Key Exchange Init",
        (KexKind::Dh | KexKind::Hybrid, 31) => "Diffie-Hellman Key Exchange Reply",
        (KexKind::Gex, 30) => "Diffie-Hellman Group Exchange Request (Old)",
        (KexKind::Gex, 31) => "Diffie-Hellman Group Exchange Group",
        (KexKind::Gex, 32) => "Diffie-Hellman Group Exchange Init",
        (KexKind::Gex, 33) => "Diffie-Hellman Group Exchange Reply",
        (KexKind::Gex, 34) => "Diffie-Hellman Group Exchange Request",
        (KexKind::Ecdh, 30) => "Elliptic Curve Diffie-Hellman Key Exchange Init",
        (KexKind::Ecdh, 31) => "Elliptic Curve Diffie-Hellman Key Exchange Reply",
        _ => return None,
    })
}

/// The value names of `ssh.message_code` for the detail tree.
pub fn any_msg_name(code: u64) -> Option<&'static str> {
    u8::try_from(code).ok().and_then(msg_name)
}

/// Wireshark's names of `ssh.direction`.
pub fn direction_name(v: u64) -> Option<&'static str> {
    match v {
        0 => Some("Client-to-Server"),
        1 => Some("Server-to-Client"),
        _ => None,
    }
}

/// Ciphers that authenticate themselves: the negotiated MAC is not used.
pub fn is_aead(enc: &str) -> bool {
    matches!(
        enc,
        "chacha20-poly1305@openssh.com" | "aes128-gcm@openssh.com" | "aes256-gcm@openssh.com"
    )
}

/// Whether the packet length travels in the clear after NEWKEYS
/// (encrypt-then-MAC, and AES-GCM which authenticates but does not encrypt it).
pub fn length_in_clear(enc: &str, mac: Option<&str>) -> bool {
    enc.starts_with("aes128-gcm")
        || enc.starts_with("aes256-gcm")
        || mac.is_some_and(|m| m.contains("-etm@openssh.com"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_client_choice_the_server_knows_wins() {
        assert_eq!(choose("a,b,c", "c,b"), Some("b".into()));
        assert_eq!(choose("a", "b"), None);
        assert_eq!(choose("", ""), None);
    }

    #[test]
    fn hassh_of_a_known_client() {
        // ssh/ssh_dh_group_exchange.pcap frame 8 (Ethernet, IPv4, TCP): the
        // client's KEXINIT, whole in the segment; tshark's ssh.kex.hassh.
        let frame = crate::testutil::CorpusFrame::new("ssh/ssh_dh_group_exchange.pcap", 8).bytes();
        let ip = &frame[14..];
        let tcp = &ip[usize::from(ip[0] & 0x0f) * 4..];
        let payload = &tcp[usize::from(tcp[12] >> 4) * 4..];
        // packet_length, padding_length, message code 20 and the cookie, then
        // the ten name-lists.
        assert_eq!(payload[5], 20, "KEXINIT");
        let mut rest = &payload[22..];
        let lists: Vec<&str> = (0..10)
            .map(|_| {
                let (len, tail) = rest.split_at(4);
                let len = u32::from_be_bytes(len.try_into().expect("4 bytes")) as usize;
                let (list, tail) = tail.split_at(len);
                rest = tail;
                std::str::from_utf8(list).expect("ASCII name-list")
            })
            .collect();
        // kex, host key, encryption, MAC and compression client to server.
        let algos = hassh_algorithms(lists[0], lists[2], lists[4], lists[6]);
        assert_eq!(hassh(&algos), "c4fd9343cba76d12f0dd523fbe7c4da1");
    }

    #[test]
    fn fingerprint_is_unpadded_base64_of_sha256() {
        // sha256("") = e3b0c442...; base64 without '='.
        assert_eq!(
            fingerprint_sha256(b""),
            "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"
        );
    }

    #[test]
    fn kex_kinds() {
        assert_eq!(kex_kind("curve25519-sha256"), KexKind::Ecdh);
        assert_eq!(kex_kind("ecdh-sha2-nistp256"), KexKind::Ecdh);
        assert_eq!(kex_kind("diffie-hellman-group-exchange-sha1"), KexKind::Gex);
        assert_eq!(
            kex_kind("sntrup761x25519-sha512@openssh.com"),
            KexKind::Hybrid
        );
        assert_eq!(kex_kind("mlkem768x25519-sha256"), KexKind::Hybrid);
        assert_eq!(kex_kind("diffie-hellman-group14-sha256"), KexKind::Dh);
    }
}
