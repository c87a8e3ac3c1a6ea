//! IEEE 802.11 MAC frames: frame control, the addresses named by role,
//! sequence control, QoS control, the FCS; management frames go to
//! [`mgmt`], data frames to LLC/SNAP, protected frames show their
//! CCMP/TKIP header.

pub mod ie;
pub mod mgmt;
pub mod names;
pub mod pv1;

use crate::declare_fields;
use crate::dissector::Cx;
use crate::link::radiotap::RadioInfo;
use crate::model::{Address, Packet, Protocol, Span, Value};

pub static WLAN: Protocol = Protocol {
    name: "wlan",
    label: "IEEE 802.11",
    short: "802.11",
};

declare_fields! {
    FC_TYPE_SUBTYPE = "wlan.fc.type_subtype", "Type/Subtype", U16, Hex(4), names::type_subtype;
    FC = "wlan.fc", "Frame Control Field", U16, Hex(4);
    FC_VERSION = "wlan.fc.version", "Version", U8;
    FC_TYPE = "wlan.fc.type", "Type", U8, Dec, names::frame_type;
    FC_SUBTYPE = "wlan.fc.subtype", "Subtype", U8;
    FLAGS = "wlan.flags", "Flags", U8, Hex(2);
    FC_DS = "wlan.fc.ds", "DS status", U8, Hex(2);
    FC_TODS = "wlan.fc.tods", "To DS", Bool;
    FC_FROMDS = "wlan.fc.fromds", "From DS", Bool;
    FC_FRAG = "wlan.fc.frag", "More Fragments", Bool;
    FC_RETRY = "wlan.fc.retry", "Retry", Bool;
    FC_RETRY_EXPERT = "wlan.fc.retry.expert", "Retransmission (retry)", None;
    FC_PWRMGT = "wlan.fc.pwrmgt", "PWR MGT", Bool;
    FC_MOREDATA = "wlan.fc.moredata", "More Data", Bool;
    FC_PROTECTED = "wlan.fc.protected", "Protected flag", Bool;
    FC_ORDER = "wlan.fc.order", "+HTC/Order flag", Bool;
    DURATION = "wlan.duration", "Duration", U16;
    AID = "wlan.aid", "Association ID", U16;
    RA = "wlan.ra", "Receiver address", Mac;
    RA_RESOLVED = "wlan.ra_resolved", "Receiver address (resolved)", String;
    TA = "wlan.ta", "Transmitter address", Mac;
    TA_RESOLVED = "wlan.ta_resolved", "Transmitter address (resolved)", String;
    DA = "wlan.da", "Destination address", Mac;
    DA_RESOLVED = "wlan.da_resolved", "Destination address (resolved)", String;
    SA = "wlan.sa", "Source address", Mac;
    SA_RESOLVED = "wlan.sa_resolved", "Source address (resolved)", String;
    BSSID = "wlan.bssid", "BSS Id", Mac;
    BSSID_RESOLVED = "wlan.bssid_resolved", "BSS Id (resolved)", String;
    STAA = "wlan.staa", "STA address", Mac;
    STAA_RESOLVED = "wlan.staa_resolved", "STA address (resolved)", String;
    ADDR = "wlan.addr", "Hardware address", Mac;
    ADDR_RESOLVED = "wlan.addr_resolved", "Hardware address (resolved)", String;
    FRAG = "wlan.frag", "Fragment number", U16;
    SEQ = "wlan.seq", "Sequence number", U16;
    BAR_CONTROL = "wlan.bar.control", "Block Ack Request (BAR) Control", U16, Hex(4);
    BAR_SSC = "wlan.fixed.ssc", "Block Ack Starting Sequence Control (SSC)", U16, Hex(4);
    QOS = "wlan.qos", "Qos Control", U16, Hex(4);
    QOS_TID = "wlan.qos.tid", "TID", U16;
    QOS_PRIORITY = "wlan.qos.priority", "Priority", U16, Dec, names::qos_priority;
    QOS_BIT4 = "wlan.qos.bit4", "QoS bit 4", Bool;
    QOS_EOSP = "wlan.qos.eosp", "EOSP", Bool;
    QOS_ACK = "wlan.qos.ack", "Ack Policy", U16, Hex(4);
    QOS_AMSDU = "wlan.qos.amsdupresent", "Payload Type", Bool;
    QOS_TXOP_DUR_REQ = "wlan.qos.txop_dur_req", "TXOP Duration Requested", U16;
    QOS_QUEUE_SIZE = "wlan.qos.queue_size", "Queue Size", U16;
    QOS_PS_BUF_STATE = "wlan.qos.ps_buf_state", "QAP PS Buffer State", U16, Hex(4);
    QOS_BUF_STATE_INDICATED = "wlan.qos.buf_state_indicated", "Buffer State Indicated", Bool;
    QOS_HIGHEST_PRI = "wlan.qos.highest_pri_buf_ac", "Highest-Priority Buffered AC", U16;
    QOS_BUF_LOAD = "wlan.qos.qap_buf_load", "QAP Buffered Load", U16;
    HTC = "wlan.htc", "HT Control (+HTC)", U32, Hex(8);
    FCS = "wlan.fcs", "Frame check sequence", U32, Hex(8);
    FCS_STATUS = "wlan.fcs.status", "FCS Status", U8, Dec, crate::names::checksum_status;
    CCMP_PARAMS = "wlan.ccmp", "CCMP parameters", None;
    TKIP_PARAMS = "wlan.tkip", "TKIP parameters", None;
    CCMP_EXTIV = "wlan.ccmp.extiv", "CCMP Ext. Initialization Vector", U64, Hex(12);
    TKIP_EXTIV = "wlan.tkip.extiv", "TKIP Ext. Initialization Vector", U64, Hex(12);
    WEP_IV = "wlan.wep.iv", "Initialization Vector", U32, Hex(6);
    WEP_KEY = "wlan.wep.key", "Key Index", U8;
    WEP_ICV = "wlan.wep.icv", "WEP ICV", U32, Hex(8);
}

/// Frame types (the two type bits of frame control).
pub const TYPE_MGMT: u8 = 0;
pub const TYPE_CTRL: u8 = 1;
pub const TYPE_DATA: u8 = 2;

/// Frame control, decoded.
#[derive(Clone, Copy, Debug)]
pub struct FrameControl {
    pub version: u8,
    pub ftype: u8,
    pub subtype: u8,
    pub flags: u8,
}

impl FrameControl {
    pub fn parse(b0: u8, b1: u8) -> Self {
        FrameControl {
            version: b0 & 0x03,
            ftype: (b0 >> 2) & 0x03,
            subtype: b0 >> 4,
            flags: b1,
        }
    }
    pub fn to_ds(self) -> bool {
        self.flags & 0x01 != 0
    }
    pub fn from_ds(self) -> bool {
        self.flags & 0x02 != 0
    }
    pub fn retry(self) -> bool {
        self.flags & 0x08 != 0
    }
    pub fn protected(self) -> bool {
        self.flags & 0x40 != 0
    }
    pub fn order(self) -> bool {
        self.flags & 0x80 != 0
    }
    /// Wireshark's combined type/subtype number (`wlan.fc.type_subtype`).
    pub fn type_subtype(self) -> u16 {
        ((self.ftype as u16) << 4) | self.subtype as u16
    }
    pub fn is_qos_data(self) -> bool {
        self.ftype == TYPE_DATA && self.subtype & 0x08 != 0
    }
}

/// What the MAC header says about a frame, for the flow tables and payload dissectors.
#[derive(Clone, Copy, Debug)]
pub struct MacHeader {
    pub fc: FrameControl,
    pub addr1: [u8; 6],
    pub addr2: Option<[u8; 6]>,
    pub addr3: Option<[u8; 6]>,
    pub seq: Option<u16>,
    pub frag: Option<u16>,
}

fn mac_at(b: &[u8], at: usize) -> Option<[u8; 6]> {
    b.get(at..at + 6)?.try_into().ok()
}

fn le16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

/// Which address fields a role shows as.
#[derive(Clone, Copy)]
enum Role {
    Ra,
    Ta,
    Da,
    Sa,
    Bssid,
    Staa,
    Addr,
}

fn add_addr(p: &mut Packet, span: Span, m: [u8; 6], role: Role) {
    if !p.tree {
        return;
    }
    let (def, resolved) = match role {
        Role::Ra => (&RA, &RA_RESOLVED),
        Role::Ta => (&TA, &TA_RESOLVED),
        Role::Da => (&DA, &DA_RESOLVED),
        Role::Sa => (&SA, &SA_RESOLVED),
        Role::Bssid => (&BSSID, &BSSID_RESOLVED),
        Role::Staa => (&STAA, &STAA_RESOLVED),
        Role::Addr => (&ADDR, &ADDR_RESOLVED),
    };
    let mut s = String::with_capacity(17);
    crate::model::field::write_mac(&mut s, &m);
    p.add(def, span, Value::Mac(m));
    p.add(resolved, span, Value::Str(s.into()));
}

/// Dissects an 802.11 frame. `radio` is the radiotap information when the
/// frame came with one (it says whether an FCS ends the frame).
pub fn dissect(cx: &mut Cx<'_>, off: usize, buf: &[u8], radio: Option<&RadioInfo>) -> usize {
    let has_fcs = radio.is_some_and(|r| r.fcs_at_end());
    let datapad = radio.is_some_and(|r| r.datapad());
    let layer = cx.pkt.begin_layer(&WLAN, Span::new(off, buf.len()));
    let (Some(&b0), Some(&b1)) = (buf.first(), buf.get(1)) else {
        cx.pkt.malformed(
            Span::new(off, buf.len()),
            "802.11 frame control needs 2 bytes",
        );
        return buf.len();
    };
    let fc = FrameControl::parse(b0, b1);
    if fc.version == 1 {
        pv1::dissect(cx, off, buf);
        return buf.len();
    }
    let fc_span = Span::new(off, 2);
    let p = &mut *cx.pkt;
    p.add(
        &FC_TYPE_SUBTYPE,
        fc_span,
        Value::Uint(fc.type_subtype() as u64),
    );
    p.add_tree(
        &FC,
        fc_span,
        Value::Uint(((b0 as u64) << 8) | b1 as u64),
        |p| {
            let s0 = Span::new(off, 1);
            let s1 = Span::new(off + 1, 1);
            p.add(&FC_VERSION, s0, Value::Uint(fc.version as u64));
            p.add(&FC_TYPE, s0, Value::Uint(fc.ftype as u64));
            p.add(&FC_SUBTYPE, s0, Value::Uint(fc.subtype as u64));
            p.add_tree(&FLAGS, s1, Value::Uint(b1 as u64), |p| {
                p.add(&FC_DS, s1, Value::Uint((b1 & 0x03) as u64));
                for (def, mask) in [
                    (&FC_TODS, 0x01),
                    (&FC_FROMDS, 0x02),
                    (&FC_FRAG, 0x04),
                    (&FC_RETRY, 0x08),
                    (&FC_PWRMGT, 0x10),
                    (&FC_MOREDATA, 0x20),
                    (&FC_PROTECTED, 0x40),
                    (&FC_ORDER, 0x80),
                ] {
                    p.add(def, s1, Value::Bool(b1 & mask != 0));
                    if mask == 0x08 && b1 & mask != 0 {
                        p.subtree(|p| {
                            p.expert_field(
                                &FC_RETRY_EXPERT,
                                crate::model::Severity::Note,
                                crate::model::Group::Sequence,
                                s1,
                                "Retransmission (retry)",
                            )
                        });
                    }
                }
            });
        },
    );
    let name =
        names::type_subtype(fc.type_subtype() as u64).unwrap_or("Unrecognized (Reserved frame)");
    cx.pkt.set_title(|t| t.push_str("IEEE 802.11 "));
    cx.pkt.set_title(|t| {
        t.push_str("IEEE 802.11 ");
        t.push_str(name);
    });
    let frame_end = if has_fcs {
        buf.len().saturating_sub(4)
    } else {
        buf.len()
    };
    let body = &buf[..frame_end];
    let Some(duration) = le16(body, 2) else {
        cx.pkt.malformed(
            Span::new(off + 2, body.len().saturating_sub(2)),
            "802.11 header cut short before the duration field",
        );
        return buf.len();
    };
    let dur_span = Span::new(off + 2, 2);
    if fc.ftype == TYPE_CTRL && fc.subtype == 10 {
        cx.pkt
            .add(&AID, dur_span, Value::Uint((duration & 0x3fff) as u64));
    } else {
        cx.pkt
            .add(&DURATION, dur_span, Value::Uint((duration & 0x7fff) as u64));
    }
    let header = match fc.ftype {
        TYPE_MGMT => mgmt_header(cx, off, body, fc),
        TYPE_CTRL => ctrl_header(cx, off, body, fc),
        TYPE_DATA => data_header(cx, off, body, fc),
        _ => None,
    };
    if has_fcs {
        show_fcs(cx, layer, off, buf, radio);
    }
    let Some((hdr, mut hdr_len)) = header else {
        return buf.len();
    };
    cx.state.wifi.note_header(cx.meta, &hdr);
    if fc.is_qos_data() {
        if let Some(q) = le16(body, hdr_len) {
            show_qos(cx.pkt, off + hdr_len, q, fc);
            hdr_len += 2;
        } else {
            cx.pkt.malformed(
                Span::new(off + hdr_len, body.len().saturating_sub(hdr_len)),
                "802.11 QoS control cut short",
            );
            return buf.len();
        }
    }
    if fc.order() && (fc.is_qos_data() || fc.ftype == TYPE_MGMT) {
        if let Some(h) = body.get(hdr_len..hdr_len + 4) {
            let v = u32::from_le_bytes([h[0], h[1], h[2], h[3]]);
            cx.pkt
                .add(&HTC, Span::new(off + hdr_len, 4), Value::Uint(v as u64));
            hdr_len += 4;
        }
    }
    info_line(cx, fc, &hdr, has_fcs);
    set_columns(cx, &hdr, fc);
    if fc.ftype == TYPE_DATA && datapad {
        hdr_len = (hdr_len + 3) & !3;
    }
    let Some(payload) = body.get(hdr_len..) else {
        return buf.len();
    };
    let poff = off + hdr_len;
    if fc.protected() && fc.ftype != TYPE_CTRL {
        show_protected(cx, poff, payload);
        return buf.len();
    }
    match fc.ftype {
        TYPE_MGMT => mgmt::dissect(cx, poff, payload, fc, &hdr, radio),
        // Null-data subtypes (4..=7, 12..=15) carry no payload.
        TYPE_DATA if fc.subtype & 0x04 == 0 && !payload.is_empty() => {
            crate::link::llc::dissect(cx, poff, payload);
        }
        _ => {}
    }
    buf.len()
}

fn mgmt_header(
    cx: &mut Cx<'_>,
    off: usize,
    b: &[u8],
    fc: FrameControl,
) -> Option<(MacHeader, usize)> {
    let (Some(a1), Some(a2), Some(a3), Some(sc)) =
        (mac_at(b, 4), mac_at(b, 10), mac_at(b, 16), le16(b, 22))
    else {
        cx.pkt.malformed(
            Span::new(off, b.len()),
            format!(
                "802.11 management header needs 24 bytes, frame has {}",
                b.len()
            ),
        );
        return None;
    };
    let p = &mut *cx.pkt;
    let s = |o: usize| Span::new(off + o, 6);
    add_addr(p, s(4), a1, Role::Ra);
    add_addr(p, s(4), a1, Role::Addr);
    add_addr(p, s(4), a1, Role::Da);
    add_addr(p, s(10), a2, Role::Ta);
    add_addr(p, s(10), a2, Role::Sa);
    add_addr(p, s(16), a3, Role::Bssid);
    add_addr(p, s(10), a2, Role::Addr);
    add_addr(p, s(16), a3, Role::Addr);
    show_seq(p, off + 22, sc);
    Some((
        MacHeader {
            fc,
            addr1: a1,
            addr2: Some(a2),
            addr3: Some(a3),
            seq: Some(sc >> 4),
            frag: Some(sc & 0x0f),
        },
        24,
    ))
}

fn show_seq(p: &mut Packet, at: usize, sc: u16) {
    let span = Span::new(at, 2);
    p.add(&FRAG, span, Value::Uint((sc & 0x0f) as u64));
    p.add(&SEQ, span, Value::Uint((sc >> 4) as u64));
}

fn ctrl_header(
    cx: &mut Cx<'_>,
    off: usize,
    b: &[u8],
    fc: FrameControl,
) -> Option<(MacHeader, usize)> {
    let Some(a1) = mac_at(b, 4) else {
        cx.pkt.malformed(
            Span::new(off, b.len()),
            "802.11 control frame cut short before its receiver address",
        );
        return None;
    };
    let p = &mut *cx.pkt;
    let s = |o: usize| Span::new(off + o, 6);
    // CTS and ACK carry only the receiver address.
    let two = !matches!(fc.subtype, 12 | 13);
    let a2 = if two { mac_at(b, 10) } else { None };
    match fc.subtype {
        10 => {
            // PS-Poll: the BSSID, then the transmitter.
            add_addr(p, s(4), a1, Role::Bssid);
            add_addr(p, s(4), a1, Role::Addr);
        }
        14 | 15 => {
            add_addr(p, s(4), a1, Role::Ra);
            add_addr(p, s(4), a1, Role::Addr);
        }
        _ => {
            add_addr(p, s(4), a1, Role::Ra);
            add_addr(p, s(4), a1, Role::Addr);
        }
    }
    if two {
        let Some(a2) = a2 else {
            cx.pkt.malformed(
                Span::new(off + 10, b.len().saturating_sub(10)),
                "802.11 control frame cut short before its transmitter address",
            );
            return None;
        };
        let role = if matches!(fc.subtype, 14 | 15) {
            Role::Bssid
        } else {
            Role::Ta
        };
        add_addr(p, s(10), a2, role);
        add_addr(p, s(10), a2, Role::Addr);
    }
    let mut len = if two { 16 } else { 10 };
    if matches!(fc.subtype, 8 | 9) {
        // Block Ack Request / Block Ack: control and starting sequence.
        if let (Some(ctl), Some(ssc)) = (le16(b, 16), le16(b, 18)) {
            p.add(
                &BAR_CONTROL,
                Span::new(off + 16, 2),
                Value::Uint(ctl as u64),
            );
            p.add(&BAR_SSC, Span::new(off + 18, 2), Value::Uint(ssc as u64));
            len = 20;
        }
    }
    Some((
        MacHeader {
            fc,
            addr1: a1,
            addr2: a2,
            addr3: None,
            seq: None,
            frag: None,
        },
        len,
    ))
}

fn data_header(
    cx: &mut Cx<'_>,
    off: usize,
    b: &[u8],
    fc: FrameControl,
) -> Option<(MacHeader, usize)> {
    let wds = fc.to_ds() && fc.from_ds();
    let need = if wds { 30 } else { 24 };
    let (Some(a1), Some(a2), Some(a3), Some(sc)) =
        (mac_at(b, 4), mac_at(b, 10), mac_at(b, 16), le16(b, 22))
    else {
        cx.pkt.malformed(
            Span::new(off, b.len()),
            format!(
                "802.11 data header needs {need} bytes, frame has {}",
                b.len()
            ),
        );
        return None;
    };
    let a4 = if wds {
        let Some(a4) = mac_at(b, 24) else {
            cx.pkt.malformed(
                Span::new(off, b.len()),
                format!(
                    "802.11 data header needs {need} bytes, frame has {}",
                    b.len()
                ),
            );
            return None;
        };
        Some(a4)
    } else {
        None
    };
    let p = &mut *cx.pkt;
    let s = |o: usize| Span::new(off + o, 6);
    add_addr(p, s(4), a1, Role::Ra);
    add_addr(p, s(4), a1, Role::Addr);
    add_addr(p, s(10), a2, Role::Ta);
    add_addr(p, s(10), a2, Role::Addr);
    // Which address is which depends on the direction through the DS.
    match (fc.to_ds(), fc.from_ds()) {
        (false, false) => {
            add_addr(p, s(4), a1, Role::Da);
            add_addr(p, s(10), a2, Role::Sa);
            add_addr(p, s(16), a3, Role::Bssid);
            show_seq(p, off + 22, sc);
            add_addr(p, s(16), a3, Role::Addr);
        }
        (false, true) => {
            add_addr(p, s(4), a1, Role::Da);
            add_addr(p, s(16), a3, Role::Sa);
            add_addr(p, s(10), a2, Role::Bssid);
            add_addr(p, s(4), a1, Role::Staa);
            show_seq(p, off + 22, sc);
            add_addr(p, s(16), a3, Role::Addr);
        }
        (true, false) => {
            add_addr(p, s(16), a3, Role::Da);
            add_addr(p, s(10), a2, Role::Sa);
            add_addr(p, s(4), a1, Role::Bssid);
            add_addr(p, s(10), a2, Role::Staa);
            show_seq(p, off + 22, sc);
            add_addr(p, s(16), a3, Role::Addr);
        }
        (true, true) => {
            add_addr(p, s(16), a3, Role::Da);
            show_seq(p, off + 22, sc);
            if let Some(a4) = a4 {
                add_addr(p, s(24), a4, Role::Sa);
                add_addr(p, s(24), a4, Role::Addr);
            }
            add_addr(p, s(16), a3, Role::Addr);
        }
    }
    Some((
        MacHeader {
            fc,
            addr1: a1,
            addr2: Some(a2),
            addr3: Some(a3),
            seq: Some(sc >> 4),
            frag: Some(sc & 0x0f),
        },
        need,
    ))
}

fn show_qos(p: &mut Packet, at: usize, q: u16, fc: FrameControl) {
    let span = Span::new(at, 2);
    p.add_tree(&QOS, span, Value::Uint(q as u64), |p| {
        let tid = q & 0x0f;
        p.add(&QOS_TID, span, Value::Uint(tid as u64));
        p.add(&QOS_PRIORITY, span, Value::Uint((tid & 0x07) as u64));
        let bit4 = q & 0x10 != 0;
        let from_ap = fc.from_ds() && !fc.to_ds();
        if from_ap {
            p.add(&QOS_EOSP, span, Value::Bool(bit4));
        } else {
            p.add(&QOS_BIT4, span, Value::Bool(bit4));
        }
        p.add(&QOS_ACK, span, Value::Uint(((q >> 5) & 0x03) as u64));
        p.add(&QOS_AMSDU, span, Value::Bool(q & 0x80 != 0));
        let high = q >> 8;
        if from_ap {
            p.add_tree(&QOS_PS_BUF_STATE, span, Value::Uint(high as u64), |p| {
                p.add(
                    &QOS_BUF_STATE_INDICATED,
                    span,
                    Value::Bool(high & 0x02 != 0),
                );
                if high & 0x02 != 0 {
                    p.add(
                        &QOS_HIGHEST_PRI,
                        span,
                        Value::Uint(((high >> 2) & 3) as u64),
                    );
                    p.add(&QOS_BUF_LOAD, span, Value::Uint((high >> 4) as u64));
                }
            });
        } else if bit4 {
            p.add(&QOS_QUEUE_SIZE, span, Value::Uint(high as u64));
        } else {
            p.add(&QOS_TXOP_DUR_REQ, span, Value::Uint(high as u64));
        }
    });
}

fn show_fcs(cx: &mut Cx<'_>, layer: u8, off: usize, buf: &[u8], radio: Option<&RadioInfo>) {
    let Some(at) = buf.len().checked_sub(4) else {
        return;
    };
    let (covered, f) = buf.split_at(at);
    let v = u32::from_le_bytes([f[0], f[1], f[2], f[3]]);
    let span = Span::new(off + at, 4);
    cx.pkt
        .add_to_layer(layer, &FCS, span, Value::Uint(v as u64));
    // The status field is tshark's default (2, not verified), but the CRC is
    // checked: a wrong one, or a radio header flagging it bad, is reported.
    let bad_flag = radio.is_some_and(|r| r.bad_fcs());
    let status = if bad_flag { 0 } else { 2 };
    cx.pkt
        .add_to_layer(layer, &FCS_STATUS, span, Value::Uint(status));
    if bad_flag {
        cx.pkt.expert(
            crate::model::Severity::Error,
            crate::model::Group::Checksum,
            span,
            "the radio header flags this frame's FCS as bad",
        );
    } else if captured_whole(cx, off + buf.len()) {
        let want = crc32(covered);
        if want != v {
            cx.pkt.expert(
                crate::model::Severity::Warn,
                crate::model::Group::Checksum,
                span,
                format!("Frame check sequence incorrect: should be 0x{want:08x}"),
            );
        }
    }
}

/// Whether the frame was captured up to `end` (a cut frame's FCS cannot be checked).
fn captured_whole(cx: &Cx<'_>, end: usize) -> bool {
    cx.meta.orig_len as usize <= cx.frame.len() && end == cx.frame.len()
}

/// CRC-32 (IEEE 802.3 polynomial, reflected), the 802.11 FCS.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xedb8_8320 & mask);
        }
    }
    !crc
}

/// The CCMP/TKIP/WEP header of a protected frame; the rest is shown as data.
fn show_protected(cx: &mut Cx<'_>, off: usize, payload: &[u8]) {
    let Some(h) = payload.get(..4) else {
        cx.pkt.malformed(
            Span::new(off, payload.len()),
            "protected frame too short for its security header",
        );
        return;
    };
    let key = h[3] >> 6;
    let ext_iv = h[3] & 0x20 != 0;
    let mut used = 4;
    if ext_iv {
        let Some(e) = payload.get(4..8) else {
            cx.pkt.malformed(
                Span::new(off, payload.len()),
                "protected frame too short for its extended IV",
            );
            return;
        };
        // TKIP's second IV byte is derived from the first (WEP seed); CCMP's is not.
        let tkip = h[1] == ((h[0] | 0x20) & 0x7f);
        let span = Span::new(off, 8);
        if tkip {
            let pn = (h[2] as u64)
                | ((h[0] as u64) << 8)
                | ((u32::from_le_bytes([e[0], e[1], e[2], e[3]]) as u64) << 16);
            // A text node, keyed by its label as tshark's is.
            cx.pkt
                .add_with(&TKIP_PARAMS, span, || Value::Text("TKIP parameters".into()));
            cx.pkt.subtree(|p| {
                p.add(&TKIP_EXTIV, span, Value::Uint(pn));
                p.add(&WEP_KEY, Span::new(off + 3, 1), Value::Uint(key as u64));
            });
        } else {
            let pn = (h[0] as u64)
                | ((h[1] as u64) << 8)
                | ((u32::from_le_bytes([e[0], e[1], e[2], e[3]]) as u64) << 16);
            cx.pkt
                .add_with(&CCMP_PARAMS, span, || Value::Text("CCMP parameters".into()));
            cx.pkt.subtree(|p| {
                p.add(&CCMP_EXTIV, span, Value::Uint(pn));
                p.add(&WEP_KEY, Span::new(off + 3, 1), Value::Uint(key as u64));
            });
        }
        used = 8;
    } else {
        let iv = u32::from_be_bytes([0, h[0], h[1], h[2]]);
        cx.pkt
            .add(&WEP_IV, Span::new(off, 3), Value::Uint(iv as u64));
        cx.pkt
            .add(&WEP_KEY, Span::new(off + 3, 1), Value::Uint(key as u64));
    }
    if let Some(rest) = payload.get(used..) {
        crate::app::data::dissect(cx, off + used, rest);
    }
}

fn set_columns(cx: &mut Cx<'_>, h: &MacHeader, fc: FrameControl) {
    let (src, dst) = match fc.ftype {
        TYPE_DATA => match (fc.to_ds(), fc.from_ds()) {
            (false, false) => (h.addr2, Some(h.addr1)),
            (false, true) => (h.addr3, Some(h.addr1)),
            (true, false) => (h.addr2, h.addr3),
            (true, true) => (h.addr2, Some(h.addr1)),
        },
        _ => (h.addr2, Some(h.addr1)),
    };
    if let Some(d) = dst {
        match src {
            Some(s) => cx.pkt.set_addresses(Address::Mac(s), Address::Mac(d)),
            None => cx.pkt.set_addresses(Address::None, Address::Mac(d)),
        }
    }
}

fn info_line(cx: &mut Cx<'_>, fc: FrameControl, h: &MacHeader, has_fcs: bool) {
    use std::fmt::Write as _;
    let name =
        names::type_subtype(fc.type_subtype() as u64).unwrap_or("Unrecognized (Reserved frame)");
    let mut flags = flag_string(fc.flags);
    // Wireshark marks a frame that ends in an FCS with a ninth flag, `C`.
    if has_fcs {
        flags.push('C');
    }
    cx.pkt.set_info(|s| {
        s.push_str(name);
        if let (Some(seq), Some(frag)) = (h.seq, h.frag) {
            let _ = write!(s, ", SN={seq}, FN={frag}");
        }
        let _ = write!(s, ", Flags={flags}");
    });
}

/// Wireshark's flag string: `........C` style, one character per set flag.
pub fn flag_string(f: u8) -> String {
    const CH: [(u8, char); 8] = [
        (0x80, 'o'),
        (0x40, 'p'),
        (0x20, 'm'),
        (0x10, 'P'),
        (0x08, 'R'),
        (0x04, 'M'),
        (0x02, 'F'),
        (0x01, 'T'),
    ];
    CH.iter()
        .map(|&(m, c)| if f & m != 0 { c } else { '.' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::flag_string;
    use crate::testutil::{
        chain, dissect_frame_for_test, has_expert, hex, only, values, CorpusFrame,
    };
    use crate::LinkType;

    /// Frame 1 of wifi/ieee80211_noradiotap_4way.pcap: a beacon (link type 105)
    /// with SSID, rates, DS, TIM, ERP, extended rates and RSN elements.
    const BEACON: CorpusFrame = CorpusFrame::new("wifi/ieee80211_noradiotap_4way.pcap", 1);
    /// Frame 1 of wifi/radiotap_meshid.pcap: radiotap with FCS-at-end, a mesh beacon.
    const MESH_BEACON: CorpusFrame = CorpusFrame::new("wifi/radiotap_meshid.pcap", 1);
    /// Frame 12 of wifi/radiotap_wpa2_full_assoc_4way.pcap: CCMP-protected QoS data.
    const CCMP_QOS_DATA: CorpusFrame =
        CorpusFrame::new("wifi/radiotap_wpa2_full_assoc_4way.pcap", 12);
    /// Frame 1 of malformed/ieee80211_rates_oobr.pcap: radiotap version 0x30,
    /// then a PV1 frame.
    const PV1_OOBR: CorpusFrame = CorpusFrame::new("malformed/ieee80211_rates_oobr.pcap", 1);

    #[test]
    fn beacon_header_fixed_fields_and_elements() {
        let data = BEACON.bytes();
        let pkt = dissect_frame_for_test(LinkType::IEEE802_11, &data);
        assert_eq!(chain(&pkt), "wlan");
        assert_eq!(only(&pkt, "wlan.fc.type_subtype", &data), "0x0008");
        assert_eq!(only(&pkt, "wlan.bssid", &data), "00:14:6c:7e:40:80");
        assert_eq!(only(&pkt, "wlan.seq", &data), "113");
        assert_eq!(only(&pkt, "wlan.fixed.beacon", &data), "250");
        assert_eq!(only(&pkt, "wlan.fixed.capabilities.privacy", &data), "1");
        assert_eq!(only(&pkt, "wlan.ssid", &data), "48:61:72:6b:6f:6e:65:6e");
        assert_eq!(values(&pkt, "wlan.supported_rates", &data).len(), 8);
        assert_eq!(only(&pkt, "wlan.ds.current_channel", &data), "1");
        assert_eq!(only(&pkt, "wlan.rsn.akms.type", &data), "2");
        assert_eq!(only(&pkt, "wlan.rsn.pcs.type", &data), "4");
        assert!(
            pkt.find("wlan.fcs").is_none(),
            "no FCS without a radio header saying so"
        );
        assert!(pkt.summary.info.starts_with("Beacon frame, SN=113"));
        assert!(
            pkt.summary.info.ends_with("BI=250, SSID=\"Harkonen\""),
            "{}",
            pkt.summary.info
        );
        assert!(pkt.experts.is_empty(), "{:?}", pkt.experts);
    }

    #[test]
    fn element_length_past_the_frame() {
        let mut data = BEACON.bytes();
        // The RSN element (last) claims 40 bytes; 20 are there.
        let at = data.len() - 22;
        assert_eq!(data[at], 48);
        data[at + 1] = 40;
        let pkt = dissect_frame_for_test(LinkType::IEEE802_11, &data);
        assert!(pkt.is_malformed());
        assert!(
            has_expert(&pkt, "Tag length 40 is past the end"),
            "{:?}",
            pkt.experts
        );
        assert!(pkt.find("wlan.tag.length.bad").is_some());
        // Everything before it stays.
        assert_eq!(only(&pkt, "wlan.ds.current_channel", &data), "1");
        assert!(pkt.find("wlan.rsn.version").is_none());
    }

    #[test]
    fn truncated_at_every_length() {
        let data = BEACON.bytes();
        for n in 0..data.len() {
            let pkt = dissect_frame_for_test(LinkType::IEEE802_11, &data[..n]);
            if n < 36 {
                assert!(pkt.is_malformed(), "cut at {n}");
            }
            if n >= 2 {
                assert_eq!(only(&pkt, "wlan.fc.type", &data[..n]), "0");
            }
        }
    }

    #[test]
    fn protected_qos_data_shows_ccmp_header() {
        let data = CCMP_QOS_DATA.bytes();
        let pkt = dissect_frame_for_test(LinkType::IEEE802_11_RADIOTAP, &data);
        assert_eq!(chain(&pkt), "radiotap:wlan_radio:wlan:data");
        assert_eq!(only(&pkt, "wlan.fc.protected", &data), "1");
        assert_eq!(only(&pkt, "wlan.qos.tid", &data), "0");
        assert_eq!(only(&pkt, "wlan.ccmp.extiv", &data), "0x000000000001");
        assert_eq!(only(&pkt, "wlan.wep.key", &data), "0");
        assert!(pkt.find("wlan.fcs").is_none(), "this capture keeps no FCS");
        assert_eq!(only(&pkt, "wlan.staa", &data), "40:40:a7:50:73:db");
        assert_eq!(only(&pkt, "wlan_radio.phy", &data), "8");
    }

    #[test]
    fn control_frames_name_their_addresses() {
        // ACK: frame control, duration, receiver address only.
        let ack = hex("d4000000112233445566");
        let pkt = dissect_frame_for_test(LinkType::IEEE802_11, &ack);
        assert_eq!(only(&pkt, "wlan.ra", &ack), "11:22:33:44:55:66");
        assert!(pkt.find("wlan.ta").is_none());
        // RTS: receiver and transmitter.
        let rts = hex("b4002c01112233445566aabbccddeeff");
        let pkt = dissect_frame_for_test(LinkType::IEEE802_11, &rts);
        assert_eq!(only(&pkt, "wlan.ta", &rts), "aa:bb:cc:dd:ee:ff");
        assert_eq!(only(&pkt, "wlan.duration", &rts), "300");
        // PS-Poll: the duration field is the association ID.
        let pspoll = hex("a4000bc0112233445566aabbccddeeff");
        let pkt = dissect_frame_for_test(LinkType::IEEE802_11, &pspoll);
        assert_eq!(only(&pkt, "wlan.aid", &pspoll), "11");
        assert_eq!(only(&pkt, "wlan.bssid", &pspoll), "11:22:33:44:55:66");
        // Block Ack Request: control and starting sequence.
        let bar = hex("84000000112233445566aabbccddeeff04001000");
        let pkt = dissect_frame_for_test(LinkType::IEEE802_11, &bar);
        assert_eq!(only(&pkt, "wlan.fixed.ssc", &bar), "0x0010");
    }

    #[test]
    fn deauthentication_reason_is_named() {
        let deauth = hex("c0003a01112233445566aabbccddeeffaabbccddeeff10000700");
        let pkt = dissect_frame_for_test(LinkType::IEEE802_11, &deauth);
        assert_eq!(only(&pkt, "wlan.fixed.reason_code", &deauth), "0x0007");
        let f = pkt.find("wlan.fixed.reason_code").expect("reason");
        assert_eq!(
            (f.def.names.expect("names"))(7),
            Some("Class 3 frame received from nonassociated STA")
        );
    }

    #[test]
    fn fcs_is_checked_but_shown_as_tshark_does() {
        // Frame 1 of wifi/radiotap_meshid.pcap ends in a correct FCS.
        let data = MESH_BEACON.bytes();
        let pkt = dissect_frame_for_test(LinkType::IEEE802_11_RADIOTAP, &data);
        assert_eq!(only(&pkt, "wlan.fcs", &data), "0x33b406e9");
        assert_eq!(only(&pkt, "wlan.fcs.status", &data), "2");
        assert!(!has_expert(&pkt, "Frame check sequence"));
        let mut bad = data.clone();
        let n = bad.len();
        bad[n - 1] ^= 0xff;
        let pkt = dissect_frame_for_test(LinkType::IEEE802_11_RADIOTAP, &bad);
        assert!(has_expert(
            &pkt,
            "Frame check sequence incorrect: should be 0x33b406e9"
        ));
    }

    #[test]
    fn pv1_header_behind_unknown_radiotap_version() {
        let data = PV1_OOBR.bytes();
        let pkt = dissect_frame_for_test(LinkType::IEEE802_11_RADIOTAP, &data);
        assert!(pkt.find("radiotap.present.word").is_none());
        assert!(has_expert(&pkt, "unknown radiotap version 48"));
        assert_eq!(only(&pkt, "wlan.fc", &data), "0x3081");
        assert_eq!(only(&pkt, "wlan.fc.version", &data), "0x0001");
        assert_eq!(only(&pkt, "wlan.fc.ptid", &data), "0x0004");
        assert_eq!(only(&pkt, "wlan.fc.protected_frame", &data), "1");
        assert_eq!(only(&pkt, "wlan.fc.sid.association_id", &data), "0x1030");
        assert_eq!(only(&pkt, "wlan.seq", &data), "771");
        assert_eq!(only(&pkt, "wlan.da", &data), "30:30:30:30:30:30");
    }

    #[test]
    fn flags_string() {
        assert_eq!(flag_string(0x00), "........");
        assert_eq!(flag_string(0x48), ".p..R...");
        assert_eq!(flag_string(0x42), ".p....F.");
    }
}
