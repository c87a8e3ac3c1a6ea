//! Management frame bodies: the fixed parameters of each subtype, then the
//! tagged information elements ([`super::ie`]).

use super::names;
use super::{FrameControl, MacHeader};
use crate::declare_fields;
use crate::dissector::Cx;
use crate::model::{Packet, Protocol, Span, Value};

pub static WLAN_MGT: Protocol = Protocol {
    name: "wlan.mgt",
    label: "IEEE 802.11 Wireless Management",
    short: "802.11",
};

declare_fields! {
    FIXED_ALL = "wlan.fixed.all", "Fixed parameters", None;
    TAGGED_ALL = "wlan.tagged.all", "Tagged parameters", None;
    TIMESTAMP = "wlan.fixed.timestamp", "Timestamp", U64;
    BEACON = "wlan.fixed.beacon", "Beacon Interval", U16;
    CAPABILITIES = "wlan.fixed.capabilities", "Capabilities Information", U16, Hex(4);
    CAP_ESS = "wlan.fixed.capabilities.ess", "ESS capabilities", Bool;
    CAP_IBSS = "wlan.fixed.capabilities.ibss", "IBSS status", Bool;
    CAP_RESERVED1 = "wlan.fixed.capabilities.reserved1", "Reserved", Bool;
    CAP_RESERVED2 = "wlan.fixed.capabilities.reserved2", "Reserved", Bool;
    CAP_PRIVACY = "wlan.fixed.capabilities.privacy", "Privacy", Bool;
    CAP_SHORT_PREAMBLE = "wlan.fixed.capabilities.short_preamble", "Short Preamble", Bool;
    CAP_RESERVED3 = "wlan.fixed.capabilities.reserved3", "Reserved", Bool;
    CAP_RESERVED4 = "wlan.fixed.capabilities.reserved4", "Reserved", Bool;
    CAP_SPEC_MAN = "wlan.fixed.capabilities.spec_man", "Spectrum Management", Bool;
    CAP_QOS = "wlan.fixed.capabilities.qos", "QoS", Bool;
    CAP_SHORT_SLOT = "wlan.fixed.capabilities.short_slot_time", "Short Slot Time", Bool;
    CAP_APSD = "wlan.fixed.capabilities.apsd", "Automatic Power Save Delivery", Bool;
    CAP_RADIO_MEASUREMENT = "wlan.fixed.capabilities.radio_measurement", "Radio Measurement", Bool;
    CAP_EPD = "wlan.fixed.capabilities.epd", "EPD", Bool;
    CAP_RESERVED5 = "wlan.fixed.capabilities.reserved5", "Reserved", Bool;
    CAP_RESERVED6 = "wlan.fixed.capabilities.reserved6", "Reserved", Bool;
    LISTEN_IVAL = "wlan.fixed.listen_ival", "Listen Interval", U16, Hex(4);
    CURRENT_AP = "wlan.fixed.current_ap", "Current AP", Mac;
    STATUS_CODE = "wlan.fixed.status_code", "Status code", U16, Hex(4), names::status_code;
    AID = "wlan.fixed.aid", "Association ID", U16, Hex(4);
    REASON_CODE = "wlan.fixed.reason_code", "Reason code", U16, Hex(4), names::reason_code;
    AUTH_ALG = "wlan.fixed.auth.alg", "Authentication Algorithm", U16, Dec, names::auth_alg;
    AUTH_SEQ = "wlan.fixed.auth_seq", "Authentication SEQ", U16, Hex(4);
    SAE_MESSAGE_TYPE = "wlan.fixed.sae_message_type", "SAE Message Type", U16;
    SAE_GROUP = "wlan.fixed.finite_cyclic_group", "Group Id", U16;
    SAE_SCALAR = "wlan.fixed.scalar", "Scalar", Bytes;
    SAE_ELEMENT = "wlan.fixed.finite_field_element", "Finite Field Element", Bytes;
    SAE_SEND_CONFIRM = "wlan.fixed.send_confirm", "Send-Confirm", U16;
    SAE_CONFIRM = "wlan.fixed.confirm", "Confirm", Bytes;
    CATEGORY_CODE = "wlan.fixed.category_code", "Category code", U16, Dec, names::action_category;
    ACTION_CODE = "wlan.fixed.action_code", "Action code", U16;
}

/// Management subtypes.
pub const ASSOC_REQ: u8 = 0;
pub const ASSOC_RESP: u8 = 1;
pub const REASSOC_REQ: u8 = 2;
pub const REASSOC_RESP: u8 = 3;
pub const PROBE_REQ: u8 = 4;
pub const PROBE_RESP: u8 = 5;
pub const BEACON_FRAME: u8 = 8;
pub const DISASSOC: u8 = 10;
pub const AUTH: u8 = 11;
pub const DEAUTH: u8 = 12;
pub const ACTION: u8 = 13;
pub const ACTION_NO_ACK: u8 = 14;

fn le16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

/// What the fixed part of a management frame said, for the station timeline.
#[derive(Clone, Copy, Debug, Default)]
pub struct Fixed {
    pub status: Option<u16>,
    pub reason: Option<u16>,
    pub auth_alg: Option<u16>,
    pub auth_seq: Option<u16>,
    pub capabilities: Option<u16>,
    pub beacon_interval: Option<u16>,
}

/// Dissects a management frame body at `off`.
pub fn dissect(
    cx: &mut Cx<'_>,
    off: usize,
    body: &[u8],
    fc: FrameControl,
    hdr: &MacHeader,
    radio: Option<&crate::link::radiotap::RadioInfo>,
) {
    cx.pkt.begin_layer(&WLAN_MGT, Span::new(off, body.len()));
    // tshark shows the management body as a layer of its own but does not
    // name it in the protocol chain.
    if cx.pkt.protocols.last() == Some(&WLAN_MGT.name) {
        cx.pkt.protocols.pop();
    }
    cx.pkt
        .set_title(|t| t.push_str("IEEE 802.11 Wireless Management"));
    let (fixed_len, fixed) = fixed_params(cx, off, body, fc.subtype);
    let Some(tags) = body.get(fixed_len..) else {
        cx.pkt.malformed(
            Span::new(off, body.len()),
            format!(
                "{} fixed parameters need {fixed_len} bytes, frame body has {}",
                names::type_subtype(fc.type_subtype() as u64).unwrap_or("management"),
                body.len()
            ),
        );
        cx.state.wifi.note_mgmt(cx.meta, hdr, &fixed, None);
        return;
    };
    let mut summary = super::ie::Summary::default();
    if !tags.is_empty() && !matches!(fc.subtype, ACTION | ACTION_NO_ACK) {
        let toff = off + fixed_len;
        cx.pkt
            .add(&TAGGED_ALL, Span::new(toff, tags.len()), Value::None);
        let pkt = &mut *cx.pkt;
        pkt.subtree(|p| super::ie::dissect_all(p, toff, tags, &mut summary));
    }
    if let (BEACON_FRAME | PROBE_RESP, Some(bi)) = (fc.subtype, fixed.beacon_interval) {
        cx.pkt.append_info_fmt(format_args!(", BI={bi}"));
    }
    if let Some(ssid) = &summary.ssid {
        if matches!(
            fc.subtype,
            BEACON_FRAME | PROBE_RESP | PROBE_REQ | ASSOC_REQ | REASSOC_REQ
        ) {
            if ssid.is_empty() {
                cx.pkt.append_info(", SSID=Wildcard (Broadcast)");
            } else {
                let text = String::from_utf8_lossy(ssid);
                cx.pkt.append_info_fmt(format_args!(", SSID=\"{text}\""));
            }
        }
    }
    if let (BEACON_FRAME | PROBE_RESP, Some(id)) = (fc.subtype, &summary.mesh_id) {
        let text = String::from_utf8_lossy(id);
        cx.pkt.append_info_fmt(format_args!(", MESHID={text}"));
    }
    cx.state
        .wifi
        .note_mgmt(cx.meta, hdr, &fixed, Some(&summary));
    if let (Some(r), Some(bssid), BEACON_FRAME | PROBE_RESP) = (radio, hdr.addr3, fc.subtype) {
        cx.state.wifi.note_bss_radio(bssid, r);
    }
}

/// Shows the fixed parameters; returns their length and what they said.
fn fixed_params(cx: &mut Cx<'_>, off: usize, b: &[u8], subtype: u8) -> (usize, Fixed) {
    let mut fixed = Fixed::default();
    let len = match subtype {
        ASSOC_REQ => 4,
        ASSOC_RESP | REASSOC_RESP => 6,
        REASSOC_REQ => 10,
        PROBE_RESP | BEACON_FRAME => 12,
        DISASSOC | DEAUTH => 2,
        AUTH => 6,
        ACTION | ACTION_NO_ACK => 1,
        _ => 0,
    };
    if len == 0 {
        return (0, fixed);
    }
    let Some(f) = b.get(..len) else {
        return (len, fixed);
    };
    let p = &mut *cx.pkt;
    let s = |o: usize, n: usize| Span::new(off + o, n);
    let mut extra = 0;
    p.add(&FIXED_ALL, s(0, len), Value::None);
    p.subtree(|p| match subtype {
        ASSOC_REQ => {
            fixed.capabilities = show_capabilities(p, off, f);
            p.add(
                &LISTEN_IVAL,
                s(2, 2),
                Value::Uint(le16(f, 2).unwrap_or(0) as u64),
            );
        }
        ASSOC_RESP | REASSOC_RESP => {
            fixed.capabilities = show_capabilities(p, off, f);
            let st = le16(f, 2).unwrap_or(0);
            fixed.status = Some(st);
            p.add(&STATUS_CODE, s(2, 2), Value::Uint(st as u64));
            p.add(
                &AID,
                s(4, 2),
                Value::Uint((le16(f, 4).unwrap_or(0) & 0x3fff) as u64),
            );
        }
        REASSOC_REQ => {
            fixed.capabilities = show_capabilities(p, off, f);
            p.add(
                &LISTEN_IVAL,
                s(2, 2),
                Value::Uint(le16(f, 2).unwrap_or(0) as u64),
            );
            let mut ap = [0u8; 6];
            ap.copy_from_slice(&f[4..10]);
            p.add(&CURRENT_AP, s(4, 6), Value::Mac(ap));
        }
        PROBE_RESP | BEACON_FRAME => {
            let ts = u64::from_le_bytes(f[..8].try_into().unwrap_or([0; 8]));
            p.add(&TIMESTAMP, s(0, 8), Value::Uint(ts));
            let bi = le16(f, 8).unwrap_or(0);
            fixed.beacon_interval = Some(bi);
            p.add(&BEACON, s(8, 2), Value::Uint(bi as u64));
            fixed.capabilities = show_capabilities(p, off + 10, &f[10..]);
        }
        DISASSOC | DEAUTH => {
            let r = le16(f, 0).unwrap_or(0);
            fixed.reason = Some(r);
            p.add(&REASON_CODE, s(0, 2), Value::Uint(r as u64));
        }
        AUTH => {
            let alg = le16(f, 0).unwrap_or(0);
            let seq = le16(f, 2).unwrap_or(0);
            let st = le16(f, 4).unwrap_or(0);
            fixed.auth_alg = Some(alg);
            fixed.auth_seq = Some(seq);
            fixed.status = Some(st);
            p.add(&AUTH_ALG, s(0, 2), Value::Uint(alg as u64));
            p.add(&AUTH_SEQ, s(2, 2), Value::Uint(seq as u64));
            p.add(&STATUS_CODE, s(4, 2), Value::Uint(st as u64));
            if alg == 3 && st == 0 {
                extra = sae(p, off + 6, &b[6..], seq);
            }
        }
        ACTION | ACTION_NO_ACK => {
            p.add(&CATEGORY_CODE, s(0, 1), Value::Uint(f[0] as u64));
        }
        _ => {}
    });
    (len + extra, fixed)
}

/// SAE commit or confirm fields after the authentication header; returns their length.
fn sae(p: &mut Packet, off: usize, b: &[u8], seq: u16) -> usize {
    p.add(
        &SAE_MESSAGE_TYPE,
        Span::new(off - 4, 2),
        Value::Uint(seq as u64),
    );
    match seq {
        1 => {
            let Some(group) = le16(b, 0) else { return 0 };
            // Prime-order elliptic-curve groups: scalar and coordinates by prime size.
            let prime = match group {
                19 => 32,
                20 => 48,
                21 => 66,
                _ => return 0,
            };
            if b.len() < 2 + 3 * prime {
                return 0;
            }
            p.add(&SAE_GROUP, Span::new(off, 2), Value::Uint(group as u64));
            p.add(&SAE_SCALAR, Span::new(off + 2, prime), Value::SpanBytes);
            p.add(
                &SAE_ELEMENT,
                Span::new(off + 2 + prime, 2 * prime),
                Value::SpanBytes,
            );
            2 + 3 * prime
        }
        2 => {
            let Some(sc) = le16(b, 0) else { return 0 };
            // The confirm is the rest up to any elements: a hash of the group's size.
            let n = b.len().saturating_sub(2).min(32);
            p.add(&SAE_SEND_CONFIRM, Span::new(off, 2), Value::Uint(sc as u64));
            p.add(&SAE_CONFIRM, Span::new(off + 2, n), Value::SpanBytes);
            2 + n
        }
        _ => 0,
    }
}

fn show_capabilities(p: &mut Packet, off: usize, f: &[u8]) -> Option<u16> {
    let c = le16(f, 0)?;
    let span = Span::new(off, 2);
    p.add_tree(&CAPABILITIES, span, Value::Uint(c as u64), |p| {
        for (def, mask) in [
            (&CAP_ESS, 0x0001),
            (&CAP_IBSS, 0x0002),
            (&CAP_RESERVED1, 0x0004),
            (&CAP_RESERVED2, 0x0008),
            (&CAP_PRIVACY, 0x0010),
            (&CAP_SHORT_PREAMBLE, 0x0020),
            (&CAP_RESERVED3, 0x0040),
            (&CAP_RESERVED4, 0x0080),
            (&CAP_SPEC_MAN, 0x0100),
            (&CAP_QOS, 0x0200),
            (&CAP_SHORT_SLOT, 0x0400),
            (&CAP_APSD, 0x0800),
            (&CAP_RADIO_MEASUREMENT, 0x1000),
            (&CAP_EPD, 0x2000),
            (&CAP_RESERVED5, 0x4000),
            (&CAP_RESERVED6, 0x8000),
        ] {
            p.add(def, span, Value::Bool(c & mask != 0));
        }
    });
    Some(c)
}
