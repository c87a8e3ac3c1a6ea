//! 802.11 protocol version 1 (802.11ah S1G) frames: the compressed MAC
//! header (frame control with PTID, receiver address, transmitter SID,
//! sequence control, optional third and fourth addresses). Only the header is
//! dissected, as tshark 4.0 does.

use super::{add_addr, le16, mac_at, Role};
use crate::declare_fields;
use crate::dissector::Cx;
use crate::model::{Group, Severity, Span, Value};

declare_fields! {
    VERSION = "wlan.fc.version", "Protocol version", U16, Hex(4);
    TYPE = "wlan.fc.type", "Type", U16, Hex(4);
    PTID = "wlan.fc.ptid", "PTID/Subtype", U16, Hex(4);
    FROM_DS = "wlan.fc.from_ds", "From DS", Bool;
    MORE_FRAGMENTS = "wlan.fc.more_fragments", "More Fragments", Bool;
    POWER_MANAGEMENT = "wlan.fc.power_management", "Power Management", Bool;
    MORE_DATA = "wlan.fc.more_data", "More Data", Bool;
    PROTECTED_FRAME = "wlan.fc.protected_frame", "Protected Frame", Bool;
    EOSP = "wlan.fc.end_of_service_period", "End of Service Period", Bool;
    RELAYED_FRAME = "wlan.fc.relayed_frame", "Relayed Frame", Bool;
    ACK_POLICY = "wlan.fc.ack_policy", "Ack Policy", Bool;
    SID_NODE = "wlan.fc.sid_text", "Transmitter SID", None;
    SEQ_NODE = "wlan.seq_text", "Sequence Control", None;
    SID = "wlan.fc.sid", "SID", U16, Hex(4);
    SID_AID = "wlan.fc.sid.association_id", "Association ID", U16, Hex(4);
    SID_A3 = "wlan.fc.sid.a3_present", "A3 Present", Bool;
    SID_A4 = "wlan.fc.sid.a4_present", "A4 Present", Bool;
    SID_AMSDU = "wlan.fc.sid.a_msdu", "A-MSDU", Bool;
}

/// Dissects a PV1 frame's header; the layer was begun by the caller.
pub fn dissect(cx: &mut Cx<'_>, off: usize, buf: &[u8]) {
    let Some(fc) = le16(buf, 0) else { return };
    let v = fc as u64;
    let s = Span::new(off, 2);
    let p = &mut *cx.pkt;
    p.add_tree(&super::FC, s, Value::Uint(v), |p| {
        p.add(&VERSION, s, Value::Uint(v & 0x3));
        p.add(&TYPE, s, Value::Uint((v >> 2) & 0x7));
        p.add(&PTID, s, Value::Uint((v >> 5) & 0x7));
        for (def, bit) in [
            (&FROM_DS, 8),
            (&MORE_FRAGMENTS, 9),
            (&POWER_MANAGEMENT, 10),
            (&MORE_DATA, 11),
            (&PROTECTED_FRAME, 12),
            (&EOSP, 13),
            (&RELAYED_FRAME, 14),
            (&ACK_POLICY, 15),
        ] {
            p.add(def, s, Value::Bool(v >> bit & 1 != 0));
        }
    });
    cx.pkt.set_info(|i| i.push_str("802.11 PV1 frame"));
    let (Some(a1), Some(sid), Some(sc)) = (mac_at(buf, 2), le16(buf, 8), le16(buf, 10)) else {
        cx.pkt.malformed(
            Span::new(off, buf.len()),
            "802.11 PV1 header needs 12 bytes",
        );
        return;
    };
    let p = &mut *cx.pkt;
    add_addr(p, Span::new(off + 2, 6), a1, Role::Ra);
    add_addr(p, Span::new(off + 2, 6), a1, Role::Addr);
    let sid_span = Span::new(off + 8, 2);
    let sv = sid as u64;
    p.add_with(&SID_NODE, sid_span, || {
        Value::Text("Transmitter SID".into())
    });
    p.subtree(|p| {
        p.add_tree(&SID, sid_span, Value::Uint(sv), |p| {
            p.add(&SID_AID, sid_span, Value::Uint(sv & 0x1fff));
            p.add(&SID_A3, sid_span, Value::Bool(sv & 0x2000 != 0));
            p.add(&SID_A4, sid_span, Value::Bool(sv & 0x4000 != 0));
            p.add(&SID_AMSDU, sid_span, Value::Bool(sv & 0x8000 != 0));
        });
    });
    let seq_span = Span::new(off + 10, 2);
    p.add_with(&SEQ_NODE, seq_span, || {
        Value::Text("Sequence Control".into())
    });
    p.subtree(|p| super::show_seq(p, off + 10, sc));
    let mut at = 12;
    for (present, role) in [(sv & 0x2000 != 0, Role::Da), (sv & 0x4000 != 0, Role::Sa)] {
        if !present {
            continue;
        }
        let Some(a) = mac_at(buf, at) else {
            cx.pkt.malformed(
                Span::new(off + at, buf.len().saturating_sub(at)),
                "802.11 PV1 header cut short before an address",
            );
            return;
        };
        add_addr(cx.pkt, Span::new(off + at, 6), a, role);
        add_addr(cx.pkt, Span::new(off + at, 6), a, Role::Addr);
        at += 6;
    }
    if buf.len() > at {
        cx.pkt.expert(
            Severity::Note,
            Group::Undecoded,
            Span::new(off + at, buf.len() - at),
            "802.11 PV1 frame body not dissected",
        );
    }
}
