//! IEEE 802.2 LLC with SNAP: the header in front of an 802.11 data payload.
//! SNAP with the zero OUI carries an EtherType, which picks the next dissector.

use crate::declare_fields;
use crate::dispatch;
use crate::dissector::Cx;
use crate::model::{Protocol, Span, Value};

pub static LLC: Protocol = Protocol {
    name: "llc",
    label: "Logical-Link Control",
    short: "LLC",
};

declare_fields! {
    DSAP = "llc.dsap", "DSAP", U8, Hex(2), sap_name;
    DSAP_SAP = "llc.dsap.sap", "SAP", U8;
    DSAP_IG = "llc.dsap.ig", "IG Bit", Bool;
    SSAP = "llc.ssap", "SSAP", U8, Hex(2), sap_name;
    SSAP_SAP = "llc.ssap.sap", "SAP", U8;
    SSAP_CR = "llc.ssap.cr", "CR Bit", Bool;
    CONTROL = "llc.control", "Control field", U16, Hex(4);
    CONTROL_U_MODIFIER_CMD = "llc.control.u_modifier_cmd", "Command", U8, Hex(2);
    CONTROL_FTYPE = "llc.control.ftype", "Frame type", U8, Hex(2);
    OUI = "llc.oui", "Organization Code", U32;
    TYPE = "llc.type", "Type", U16, Hex(4), crate::names::ethertype;
    PID = "llc.pid", "Protocol ID", U16, Hex(4);
}

/// SNAP's SAP (both DSAP and SSAP).
const SAP_SNAP: u8 = 0xaa;
/// Unnumbered Information, the only control value SNAP uses.
const CONTROL_UI: u8 = 0x03;
/// Spanning Tree BPDUs' SAP.
const SAP_BPDU: u8 = 0x42;

fn sap_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0x00 => "NULL LSAP",
        0x42 => "Spanning Tree BPDU",
        0xaa => "SNAP",
        0xe0 => "NetWare",
        0xf0 => "NetBIOS",
        _ => return None,
    })
}

/// Dissects an LLC header (and SNAP) at `off`, then its payload by EtherType.
pub fn dissect(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> usize {
    cx.pkt.begin_layer(&LLC, Span::new(off, buf.len()));
    let (Some(&dsap), Some(&ssap), Some(&ctl)) = (buf.first(), buf.get(1), buf.get(2)) else {
        cx.pkt.malformed(
            Span::new(off, buf.len()),
            format!("LLC header needs 3 bytes, payload has {}", buf.len()),
        );
        return buf.len();
    };
    let p = &mut *cx.pkt;
    let s = |o: usize| Span::new(off + o, 1);
    p.add_tree(&DSAP, s(0), Value::Uint(dsap as u64), |p| {
        p.add(&DSAP_SAP, s(0), Value::Uint((dsap >> 1) as u64));
        p.add(&DSAP_IG, s(0), Value::Bool(dsap & 1 != 0));
    });
    p.add_tree(&SSAP, s(1), Value::Uint(ssap as u64), |p| {
        p.add(&SSAP_SAP, s(1), Value::Uint((ssap >> 1) as u64));
        p.add(&SSAP_CR, s(1), Value::Bool(ssap & 1 != 0));
    });
    p.add_tree(&CONTROL, s(2), Value::Uint(ctl as u64), |p| {
        if ctl & 0x03 == 0x03 {
            p.add(
                &CONTROL_U_MODIFIER_CMD,
                s(2),
                Value::Uint(((ctl & 0xec) >> 2) as u64),
            );
        }
        p.add(&CONTROL_FTYPE, s(2), Value::Uint((ctl & 0x03) as u64));
    });
    if dsap != SAP_SNAP || ssap != SAP_SNAP || ctl != CONTROL_UI {
        cx.pkt.set_title(|t| t.push_str("Logical-Link Control"));
        if buf.len() > 3 {
            if dsap == SAP_BPDU && ctl == CONTROL_UI {
                crate::link::stp::dissect(cx, off + 3, &buf[3..]);
            } else {
                crate::app::data::dissect(cx, off + 3, &buf[3..]);
            }
        }
        return buf.len();
    }
    let Some(snap) = buf.get(3..8) else {
        cx.pkt.malformed(
            Span::new(off + 3, buf.len() - 3),
            "SNAP header needs 5 bytes after LLC",
        );
        return buf.len();
    };
    let oui = u32::from_be_bytes([0, snap[0], snap[1], snap[2]]);
    let etype = u16::from_be_bytes([snap[3], snap[4]]);
    cx.pkt
        .add(&OUI, Span::new(off + 3, 3), Value::Uint(oui as u64));
    cx.pkt.set_title(|t| {
        t.push_str("Logical-Link Control");
    });
    if oui != 0 {
        cx.pkt
            .add(&PID, Span::new(off + 6, 2), Value::Uint(etype as u64));
        crate::app::data::dissect(cx, off + 8, &buf[8..]);
        return buf.len();
    }
    cx.pkt
        .add(&TYPE, Span::new(off + 6, 2), Value::Uint(etype as u64));
    dispatch::ethertype_payload(cx, etype, off + 8, &buf[8..]);
    buf.len()
}
