//! Ethernet II and IEEE 802.3 framing, with Wireshark's padding/trailer/FCS rules.

use nom::number::complete::{be_u16, be_u32};
use nom::Parser;

use crate::declare_fields;
use crate::dispatch;
use crate::dissector::Cx;
use crate::model::{Address, Group, Packet, Protocol, Severity, Span, Value};

pub static ETH: Protocol = Protocol {
    name: "eth",
    label: "Ethernet II",
    short: "Ethernet",
};

declare_fields! {
    DST = "eth.dst", "Destination", Mac;
    DST_RESOLVED = "eth.dst_resolved", "Destination (resolved)", String;
    DST_OUI = "eth.dst.oui", "Destination OUI", U32;
    DST_OUI_RESOLVED = "eth.dst.oui_resolved", "Destination OUI (resolved)", String;
    DST_LG = "eth.dst.lg", "LG bit", Bool;
    DST_IG = "eth.dst.ig", "IG bit", Bool;
    SRC = "eth.src", "Source", Mac;
    SRC_RESOLVED = "eth.src_resolved", "Source (resolved)", String;
    SRC_OUI = "eth.src.oui", "Source OUI", U32;
    SRC_OUI_RESOLVED = "eth.src.oui_resolved", "Source OUI (resolved)", String;
    SRC_LG = "eth.src.lg", "LG bit", Bool;
    SRC_IG = "eth.src.ig", "IG bit", Bool;
    ADDR = "eth.addr", "Address", Mac;
    ADDR_RESOLVED = "eth.addr_resolved", "Address (resolved)", String;
    ADDR_OUI = "eth.addr.oui", "Address OUI", U32;
    ADDR_OUI_RESOLVED = "eth.addr.oui_resolved", "Address OUI (resolved)", String;
    LG = "eth.lg", "LG bit", Bool;
    IG = "eth.ig", "IG bit", Bool;
    TYPE = "eth.type", "Type", U16, Hex(4), crate::names::ethertype;
    LEN = "eth.len", "Length", U16;
    PADDING = "eth.padding", "Padding", Bytes;
    TRAILER = "eth.trailer", "Trailer", Bytes;
    FCS = "eth.fcs", "Frame check sequence", U32, Hex(8);
    FCS_STATUS = "eth.fcs.status", "FCS Status", U8, Dec, crate::names::checksum_status;
}

/// Smallest Ethernet frame without FCS; shorter payloads are padded up to it.
const MIN_FRAME_LEN: usize = 60;
/// Ethernet header: two addresses and the type/length field.
pub const HEADER_LEN: usize = 14;

/// The fixed header as it is on the wire.
struct Header {
    dst: [u8; 6],
    src: [u8; 6],
    type_or_len: u16,
}

fn parse_header(buf: &[u8]) -> Option<Header> {
    let (_, (dst, src, type_or_len)) = (mac, mac, be_u16::<_, nom::error::Error<&[u8]>>)
        .parse(buf)
        .ok()?;
    Some(Header {
        dst,
        src,
        type_or_len,
    })
}

fn mac(i: &[u8]) -> nom::IResult<&[u8], [u8; 6]> {
    let (rest, b) = nom::bytes::complete::take(6usize).parse(i)?;
    let mut m = [0u8; 6];
    m.copy_from_slice(b);
    Ok((rest, m))
}

/// Dissects an Ethernet frame starting at `off`; returns the bytes it covers (all of `buf`).
pub fn dissect(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> usize {
    let layer = cx.pkt.begin_layer(&ETH, Span::new(off, buf.len()));
    let Some(h) = parse_header(buf) else {
        cx.pkt.malformed(
            Span::new(off, buf.len()),
            format!(
                "Ethernet header needs {HEADER_LEN} bytes, frame has {}",
                buf.len()
            ),
        );
        return buf.len();
    };
    cx.pkt
        .set_addresses(Address::Mac(h.src), Address::Mac(h.dst));
    cx.pkt.note(crate::model::NetFact::Eth {
        src: h.src,
        dst: h.dst,
    });
    cx.pkt.set_title(|t| {
        t.push_str("Ethernet II, Src: ");
        crate::model::field::write_mac(t, &h.src);
        t.push_str(", Dst: ");
        crate::model::field::write_mac(t, &h.dst);
    });
    add_address(cx.pkt, off, &h.dst, Role::Dst);
    add_address(cx.pkt, off + 6, &h.src, Role::Src);
    let payload = &buf[HEADER_LEN..];
    let type_span = Span::new(off + 12, 2);
    let used = if h.type_or_len <= 1500 {
        // IEEE 802.3: a length, and an LLC header follows (shown as data for now).
        cx.pkt
            .add(&LEN, type_span, Value::Uint(h.type_or_len as u64));
        let len = (h.type_or_len as usize).min(payload.len());
        crate::app::data::dissect_as(
            cx,
            off + HEADER_LEN,
            &payload[..len],
            &crate::app::data::LLC,
        );
        len
    } else {
        cx.pkt
            .add(&TYPE, type_span, Value::Uint(h.type_or_len as u64));
        dispatch::ethertype(cx, h.type_or_len, off + HEADER_LEN, payload)
    };
    let end = HEADER_LEN + used.min(payload.len());
    add_trailer(
        cx.pkt,
        layer,
        cx.data.len(),
        off + end,
        &buf[end..],
        TrailerFields {
            trailer: &TRAILER,
            fcs_possible: true,
        },
        cx.meta.orig_len as usize,
    );
    buf.len()
}

#[derive(Clone, Copy)]
enum Role {
    Src,
    Dst,
}

fn add_address(p: &mut Packet, off: usize, m: &[u8; 6], role: Role) {
    let span = Span::new(off, 6);
    let (addr, resolved, oui, oui_resolved, lg, ig) = match role {
        Role::Dst => (
            &DST,
            &DST_RESOLVED,
            &DST_OUI,
            &DST_OUI_RESOLVED,
            &DST_LG,
            &DST_IG,
        ),
        Role::Src => (
            &SRC,
            &SRC_RESOLVED,
            &SRC_OUI,
            &SRC_OUI_RESOLVED,
            &SRC_LG,
            &SRC_IG,
        ),
    };
    if !p.tree {
        return;
    }
    let text = || {
        let mut s = String::with_capacity(17);
        crate::model::field::write_mac(&mut s, m);
        Value::Str(s.into())
    };
    let oui_value = Value::Uint(u32::from_be_bytes([0, m[0], m[1], m[2]]) as u64);
    let lg_bit = Value::Bool(m[0] & 0x02 != 0);
    let ig_bit = Value::Bool(m[0] & 0x01 != 0);
    let oui_span = Span::new(off, 3);
    let bit_span = Span::new(off, 3);
    let vendor = super::oui::vendor(m);
    p.add_tree(addr, span, Value::Mac(*m), |p| {
        p.add(resolved, span, text());
        p.add(oui, oui_span, oui_value.clone());
        if let Some(v) = &vendor {
            p.add(oui_resolved, oui_span, Value::Str(v.as_ref().into()));
        }
        p.add(&ADDR, span, Value::Mac(*m));
        p.add(&ADDR_RESOLVED, span, text());
        p.add(&ADDR_OUI, oui_span, oui_value.clone());
        if let Some(v) = &vendor {
            p.add(&ADDR_OUI_RESOLVED, oui_span, Value::Str(v.as_ref().into()));
        }
        p.add(lg, bit_span, lg_bit.clone());
        p.add(&LG, bit_span, lg_bit.clone());
        p.add(ig, bit_span, ig_bit.clone());
        p.add(&IG, bit_span, ig_bit.clone());
    });
}

/// Which fields a link layer uses for what follows its payload.
pub struct TrailerFields {
    pub trailer: &'static crate::model::FieldDef,
    /// Ethernet may carry a 4-byte FCS; Linux cooked captures never do.
    pub fcs_possible: bool,
}

/// Shows the bytes after the payload the way Wireshark's `add_ethernet_trailer` does:
/// zero padding up to the 60-byte minimum, then a trailer, then a 4-byte FCS when
/// the frame is 64 bytes or longer (the FCS is not verified: most captures strip it).
#[allow(clippy::too_many_arguments)]
pub fn add_trailer(
    p: &mut Packet,
    layer: u8,
    frame_len: usize,
    off: usize,
    rest: &[u8],
    fields: TrailerFields,
    wire_len: usize,
) {
    if rest.is_empty() {
        return;
    }
    let captured_short = wire_len > frame_len;
    let reported_trailer = rest.len() + wire_len.saturating_sub(frame_len);
    let mut padding = 0;
    let mut padding_bad = false;
    if wire_len >= MIN_FRAME_LEN {
        let before = wire_len - reported_trailer;
        if before < MIN_FRAME_LEN {
            padding = (MIN_FRAME_LEN - before).min(rest.len());
        }
        if padding > 0 && rest[..padding].iter().any(|&b| b != 0) {
            padding = 0;
            padding_bad = true;
        }
    }
    if padding > 0 {
        p.add_to_layer(layer, &PADDING, Span::new(off, padding), Value::SpanBytes);
    }
    let mut trailer_len = rest.len() - padding;
    let mut reported = reported_trailer - padding;
    let mut has_fcs = false;
    if fields.fcs_possible && wire_len >= 64 && reported >= 4 {
        reported -= 4;
        has_fcs = true;
        if captured_short {
            trailer_len = trailer_len.min(reported);
        } else {
            trailer_len -= 4;
        }
    }
    if trailer_len > 0 {
        let span = Span::new(off + padding, trailer_len);
        p.add_to_layer(layer, fields.trailer, span, Value::SpanBytes);
        if padding_bad {
            p.experts.push(crate::model::Expert {
                severity: Severity::Warn,
                group: Group::Malformed,
                message: "Didn't find padding of zeros, and an undecoded trailer exists. There may be padding of non-zeros.".into(),
                layer,
                span,
            });
        }
    }
    let fcs_at = padding + trailer_len;
    if has_fcs && !captured_short {
        if let Ok((_, fcs)) = be_u32::<_, nom::error::Error<&[u8]>>.parse(&rest[fcs_at..]) {
            let span = Span::new(off + fcs_at, 4);
            p.add_to_layer(layer, &FCS, span, Value::Uint(fcs as u64));
            p.add_to_layer(layer, &FCS_STATUS, span, Value::Uint(2));
        }
    }
}
