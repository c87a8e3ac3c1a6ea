//! EAPOL (IEEE 802.1X, EtherType 0x888e): the header, and EAPOL-Key frames
//! (RSN and WPA descriptors) with their key information bits, replay counter,
//! nonce, MIC and key data. Each key frame is placed in the 4-way handshake
//! (message 1..4, Wireshark's `wlan_rsna_eapol.keydes.msgnr`) or the group
//! key handshake, and noted in the station's association timeline.

use crate::declare_fields;
use crate::dissector::Cx;
use crate::flow::wifi::EapolMsg;
use crate::model::{Protocol, Span, Value};

pub static EAPOL: Protocol = Protocol {
    name: "eapol",
    label: "802.1X Authentication",
    short: "EAPOL",
};

declare_fields! {
    VERSION = "eapol.version", "Version", U8;
    TYPE = "eapol.type", "Type", U8, Dec, type_name;
    LEN = "eapol.len", "Length", U16;
    KEYDES_TYPE = "eapol.keydes.type", "Key Descriptor Type", U8, Dec, keydes_name;
    MSGNR = "wlan_rsna_eapol.keydes.msgnr", "Message number", U8;
    KEY_INFO = "wlan_rsna_eapol.keydes.key_info", "Key Information", U16, Hex(4);
    KI_VERSION = "wlan_rsna_eapol.keydes.key_info.keydes_version", "Key Descriptor Version", U16;
    KI_TYPE = "wlan_rsna_eapol.keydes.key_info.key_type", "Key Type", Bool;
    KI_INDEX = "wlan_rsna_eapol.keydes.key_info.key_index", "Key Index", U16;
    KI_INSTALL = "wlan_rsna_eapol.keydes.key_info.install", "Install", Bool;
    KI_ACK = "wlan_rsna_eapol.keydes.key_info.key_ack", "Key ACK", Bool;
    KI_MIC = "wlan_rsna_eapol.keydes.key_info.key_mic", "Key MIC", Bool;
    KI_SECURE = "wlan_rsna_eapol.keydes.key_info.secure", "Secure", Bool;
    KI_ERROR = "wlan_rsna_eapol.keydes.key_info.error", "Error", Bool;
    KI_REQUEST = "wlan_rsna_eapol.keydes.key_info.request", "Request", Bool;
    KI_ENCRYPTED = "wlan_rsna_eapol.keydes.key_info.encrypted_key_data", "Encrypted Key Data", Bool;
    KI_SMK = "wlan_rsna_eapol.keydes.key_info.smk_message", "SMK Message", Bool;
    KEY_LEN = "eapol.keydes.key_len", "Key Length", U16;
    REPLAY_COUNTER = "eapol.keydes.replay_counter", "Replay Counter", U64;
    NONCE = "wlan_rsna_eapol.keydes.nonce", "WPA Key Nonce", Bytes;
    KEY_IV = "eapol.keydes.key_iv", "Key IV", Bytes;
    RSC = "wlan_rsna_eapol.keydes.rsc", "WPA Key RSC", Bytes;
    ID = "wlan_rsna_eapol.keydes.id", "WPA Key ID", Bytes;
    MIC = "wlan_rsna_eapol.keydes.mic", "WPA Key MIC", Bytes;
    DATA_LEN = "wlan_rsna_eapol.keydes.data_len", "WPA Key Data Length", U16;
    DATA = "wlan_rsna_eapol.keydes.data", "WPA Key Data", Bytes;
    BODY = "eapol.body", "Packet body", Bytes;
}

pub const ETHERTYPE: u16 = 0x888e;
/// EAPOL header: version, type, body length.
const HEADER_LEN: usize = 4;
/// EAPOL-Key body up to the key data length, with a 16-byte MIC.
const KEY_FIXED_LEN: usize = 95;

fn type_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "EAP Packet",
        1 => "Start",
        2 => "Logoff",
        3 => "Key",
        4 => "Encapsulated ASF Alert",
        _ => return None,
    })
}

fn keydes_name(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "RC4 Descriptor",
        2 => "EAPOL RSN Key",
        254 => "EAPOL WPA Key",
        _ => return None,
    })
}

/// Key information bits used to tell the handshake messages apart.
const KI_PAIRWISE: u16 = 0x0008;
const KI_INSTALL_BIT: u16 = 0x0040;
const KI_ACK_BIT: u16 = 0x0080;
const KI_SECURE_BIT: u16 = 0x0200;
const KI_ENCRYPTED_BIT: u16 = 0x1000;

/// Which handshake message a key frame is, from its key information (and,
/// for a secure-less message 4 some supplicants send, an all-zero nonce and
/// no key data), as Wireshark decides it.
pub fn message_number(key_info: u16, nonce_zero: bool, data_len: u16) -> EapolMsg {
    if key_info & KI_PAIRWISE == 0 {
        return EapolMsg::Group(if key_info & KI_ACK_BIT != 0 { 1 } else { 2 });
    }
    if key_info & KI_ACK_BIT != 0 {
        return EapolMsg::FourWay(if key_info & KI_INSTALL_BIT != 0 { 3 } else { 1 });
    }
    if key_info & KI_SECURE_BIT != 0 || (nonce_zero && data_len == 0) {
        EapolMsg::FourWay(4)
    } else {
        EapolMsg::FourWay(2)
    }
}

/// Dissects an EAPOL frame at `off`; returns the bytes it claims.
pub fn dissect(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> usize {
    cx.pkt.begin_layer(&EAPOL, Span::new(off, buf.len()));
    cx.pkt.set_title(|t| t.push_str("802.1X Authentication"));
    let Some(h) = buf.get(..HEADER_LEN) else {
        cx.pkt.malformed(
            Span::new(off, buf.len()),
            format!(
                "EAPOL header needs {HEADER_LEN} bytes, payload has {}",
                buf.len()
            ),
        );
        return buf.len();
    };
    let (version, ptype) = (h[0], h[1]);
    let len = u16::from_be_bytes([h[2], h[3]]) as usize;
    cx.pkt
        .add(&VERSION, Span::new(off, 1), Value::Uint(version as u64));
    cx.pkt
        .add(&TYPE, Span::new(off + 1, 1), Value::Uint(ptype as u64));
    cx.pkt
        .add(&LEN, Span::new(off + 2, 2), Value::Uint(len as u64));
    let claimed = (HEADER_LEN + len).min(buf.len());
    cx.pkt.set_layer_len(claimed);
    let body = &buf[HEADER_LEN..claimed];
    if HEADER_LEN + len > buf.len() {
        cx.pkt.malformed(
            Span::new(off + 2, 2),
            format!(
                "EAPOL length {len} runs past the {} bytes of the frame",
                buf.len() - HEADER_LEN
            ),
        );
    }
    let name = type_name(ptype as u64).unwrap_or("Unknown");
    cx.pkt.set_info(|s| s.push_str(name));
    if ptype == 3 {
        key(cx, off + HEADER_LEN, body);
    } else if !body.is_empty() {
        cx.pkt.add(
            &BODY,
            Span::new(off + HEADER_LEN, body.len()),
            Value::SpanBytes,
        );
    }
    claimed
}

fn key(cx: &mut Cx<'_>, off: usize, b: &[u8]) {
    let Some(&desc) = b.first() else {
        cx.pkt
            .malformed(Span::new(off, 0), "EAPOL-Key body is empty");
        return;
    };
    cx.pkt
        .add(&KEYDES_TYPE, Span::new(off, 1), Value::Uint(desc as u64));
    if !matches!(desc, 2 | 254) {
        if b.len() > 1 {
            cx.pkt
                .add(&BODY, Span::new(off + 1, b.len() - 1), Value::SpanBytes);
        }
        return;
    }
    let Some(f) = b.get(..KEY_FIXED_LEN) else {
        cx.pkt.malformed(
            Span::new(off, b.len()),
            format!(
                "EAPOL-Key descriptor needs {KEY_FIXED_LEN} bytes, has {}",
                b.len()
            ),
        );
        return;
    };
    let key_info = u16::from_be_bytes([f[1], f[2]]);
    let nonce = &f[13..45];
    let data_len = u16::from_be_bytes([f[93], f[94]]);
    let msg = message_number(key_info, nonce.iter().all(|&x| x == 0), data_len);
    let (nr, info) = match msg {
        EapolMsg::FourWay(n) => (n, format!("Key (Message {n} of 4)")),
        EapolMsg::Group(n) => (n, format!("Key (Group Message {n} of 2)")),
    };
    cx.pkt.set_info(|s| s.push_str(&info));
    cx.state.wifi.note_eapol(cx.meta, msg);
    let p = &mut *cx.pkt;
    let s = |o: usize, n: usize| Span::new(off + o, n);
    p.add(&MSGNR, s(0, 1), Value::Uint(nr as u64));
    let v = key_info as u64;
    p.add_tree(&KEY_INFO, s(1, 2), Value::Uint(v), |p| {
        let sp = s(1, 2);
        p.add(&KI_VERSION, sp, Value::Uint(v & 0x0007));
        p.add(&KI_TYPE, sp, Value::Bool(v & 0x0008 != 0));
        p.add(&KI_INDEX, sp, Value::Uint((v & 0x0030) >> 4));
        for (def, mask) in [
            (&KI_INSTALL, 0x0040),
            (&KI_ACK, 0x0080),
            (&KI_MIC, 0x0100),
            (&KI_SECURE, 0x0200),
            (&KI_ERROR, 0x0400),
            (&KI_REQUEST, 0x0800),
            (&KI_ENCRYPTED, 0x1000),
            (&KI_SMK, 0x2000),
        ] {
            p.add(def, sp, Value::Bool(v & mask != 0));
        }
    });
    p.add(
        &KEY_LEN,
        s(3, 2),
        Value::Uint(u16::from_be_bytes([f[3], f[4]]) as u64),
    );
    let rc = u64::from_be_bytes(f[5..13].try_into().unwrap_or([0; 8]));
    p.add(&REPLAY_COUNTER, s(5, 8), Value::Uint(rc));
    p.add(&NONCE, s(13, 32), Value::SpanBytes);
    p.add(&KEY_IV, s(45, 16), Value::SpanBytes);
    p.add(&RSC, s(61, 8), Value::SpanBytes);
    p.add(&ID, s(69, 8), Value::SpanBytes);
    p.add(&MIC, s(77, 16), Value::SpanBytes);
    p.add(&DATA_LEN, s(93, 2), Value::Uint(data_len as u64));
    let n = data_len as usize;
    let Some(data) = b.get(KEY_FIXED_LEN..KEY_FIXED_LEN + n) else {
        p.malformed(
            s(93, 2),
            format!(
                "key data length {n} runs past the {} bytes left",
                b.len() - KEY_FIXED_LEN
            ),
        );
        return;
    };
    if n == 0 {
        return;
    }
    let doff = off + KEY_FIXED_LEN;
    p.add(&DATA, Span::new(doff, n), Value::SpanBytes);
    if key_info & KI_ENCRYPTED_BIT == 0 {
        // Unencrypted key data is a list of elements (RSN IE, KDEs).
        let mut sum = crate::link::ieee80211::ie::Summary::default();
        p.subtree(|p| crate::link::ieee80211::ie::dissect_all(p, doff, data, &mut sum));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{dissect_frame_for_test, has_expert, only};
    use crate::LinkType;

    /// Message 1 of the handshake in wifi/radiotap_wpa2_full_assoc_4way.pcap (frame 8).
    fn m1() -> Vec<u8> {
        crate::link::radiotap::tests::EAPOL_M1.bytes()
    }

    #[test]
    fn key_frame_fields_and_message_number() {
        let data = m1();
        let pkt = dissect_frame_for_test(LinkType::IEEE802_11_RADIOTAP, &data);
        assert_eq!(only(&pkt, "eapol.type", &data), "3");
        assert_eq!(only(&pkt, "eapol.keydes.type", &data), "2");
        assert_eq!(only(&pkt, "wlan_rsna_eapol.keydes.msgnr", &data), "1");
        assert_eq!(
            only(&pkt, "wlan_rsna_eapol.keydes.key_info", &data),
            "0x008a"
        );
        assert_eq!(only(&pkt, "eapol.keydes.replay_counter", &data), "1");
        assert_eq!(only(&pkt, "wlan_rsna_eapol.keydes.data_len", &data), "22");
        assert_eq!(
            only(&pkt, "wlan.rsn.ie.pmkid", &data),
            "b9:c9:f7:1f:0c:96:f6:2b:6c:11:f5:45:d2:df:f4:1b"
        );
        assert_eq!(pkt.summary.info, "Key (Message 1 of 4)");
    }

    #[test]
    fn message_numbers_from_key_information() {
        assert_eq!(message_number(0x008a, false, 0), EapolMsg::FourWay(1));
        assert_eq!(message_number(0x010a, false, 22), EapolMsg::FourWay(2));
        assert_eq!(message_number(0x13ca, false, 56), EapolMsg::FourWay(3));
        assert_eq!(message_number(0x030a, true, 0), EapolMsg::FourWay(4));
        // WPA1 supplicants send message 4 without the secure bit: zero nonce, no data.
        assert_eq!(message_number(0x010a, true, 0), EapolMsg::FourWay(4));
        assert_eq!(message_number(0x1382, false, 32), EapolMsg::Group(1));
        assert_eq!(message_number(0x0302, true, 0), EapolMsg::Group(2));
    }

    #[test]
    fn truncated_key_frames_keep_what_was_read() {
        let data = m1();
        // 36 radiotap+802.11 header bytes, 8 of LLC/SNAP: EAPOL starts at 68.
        let eapol_at = data.len() - 121;
        for n in eapol_at..data.len() {
            let pkt = dissect_frame_for_test(LinkType::IEEE802_11_RADIOTAP, &data[..n]);
            if n >= eapol_at + 4 {
                assert_eq!(only(&pkt, "eapol.version", &data[..n]), "2");
            }
            if n < data.len() - 4 {
                assert!(pkt.is_malformed(), "cut at {n}");
            }
        }
        let pkt = dissect_frame_for_test(LinkType::IEEE802_11_RADIOTAP, &data[..eapol_at + 50]);
        assert!(has_expert(&pkt, "EAPOL-Key descriptor needs 95 bytes"));
    }
}
