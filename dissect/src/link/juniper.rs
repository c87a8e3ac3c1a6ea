//! Juniper Ethernet (LINKTYPE_JUNIPER_ETHER, 178): the header Junos adds to
//! frames it captures — a "MGC" magic number, a flags byte, optional
//! extension TLVs (interface indexes and encapsulations) — then the Ethernet
//! frame. Only what the Ethernet variant carries is decoded, as tshark shows it.

use crate::declare_fields;
use crate::dissector::Cx;
use crate::model::{Protocol, Span, Value};

pub static JUNIPER: Protocol = Protocol {
    name: "juniper",
    label: "Juniper Ethernet",
    short: "Juniper",
};

declare_fields! {
    MAGIC = "juniper.magic-number", "Magic Number", U32, Hex(6);
    DIRECTION = "juniper.direction", "Direction", U8, Hex(2), direction_name;
    L2HDR = "juniper.l2hdr", "L2 header presence", U8, Hex(2), l2hdr_name;
    EXT_TOTAL_LEN = "juniper.ext_total_len", "Extension(s) Total length", U16;
    EXT_TLV = "juniper.ext", "Extension TLV", None;
    EXT_IFD = "juniper.ext.ifd", "Device Interface Index", U32;
    EXT_IFL = "juniper.ext.ifl", "Logical Interface Index", U32;
    EXT_UNIT = "juniper.ext.unit", "Logical Unit Number", U32;
    EXT_IFMT = "juniper.ext.ifmt", "Device Media Type", U16;
    EXT_IFLE = "juniper.ext.ifle", "Logical Interface Encapsulation", U16;
    EXT_TTP_IFMT = "juniper.ext.ttp_ifmt", "TTP derived Device Media Type", U16;
    EXT_TTP_IFLE = "juniper.ext.ttp_ifle", "TTP derived Logical Interface Encapsulation", U16;
    UNKNOWN_DATA = "juniper.unknown_data", "Unknown data", Bytes;
    PAYLOAD_TYPE = "juniper.payload_type", "Payload Type", U16;
}

fn direction_name(v: u64) -> Option<&'static str> {
    Some(if v == 0 { "Out" } else { "In" })
}

fn l2hdr_name(v: u64) -> Option<&'static str> {
    Some(if v == 0 { "Present" } else { "none" })
}

const MAGIC_MGC: [u8; 3] = *b"MGC";
const FLAG_DIRECTION: u8 = 0x01;
const FLAG_NO_L2: u8 = 0x02;
const FLAG_EXT: u8 = 0x80;
/// Wireshark's JUNIPER_PROTO_ETHER, shown as the generated payload type.
const PAYLOAD_ETHERNET: u64 = 204;

/// The extension TLV types (Wireshark's names) and their fields.
fn tlv(kind: u8) -> Option<(&'static str, &'static crate::model::FieldDef)> {
    Some(match kind {
        1 => ("Device Interface Index", &EXT_IFD),
        3 => ("Device Media Type", &EXT_IFMT),
        4 => ("Logical Interface Index", &EXT_IFL),
        5 => ("Logical Unit Number", &EXT_UNIT),
        6 => ("Logical Interface Encapsulation", &EXT_IFLE),
        7 => ("TTP derived Device Media Type", &EXT_TTP_IFMT),
        8 => ("TTP derived Logical Interface Encapsulation", &EXT_TTP_IFLE),
        _ => return None,
    })
}

/// Dissects a Juniper Ethernet frame at `off`; returns the bytes it covers.
pub fn dissect(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> usize {
    cx.pkt.begin_layer(&JUNIPER, Span::new(off, buf.len()));
    cx.pkt.set_title(|t| t.push_str(JUNIPER.label));
    let (Some(magic), Some(&flags)) = (buf.get(..3), buf.get(3)) else {
        cx.pkt.malformed(
            Span::new(off, buf.len()),
            "Juniper header shorter than its 4 bytes",
        );
        return buf.len();
    };
    if magic != MAGIC_MGC {
        cx.pkt
            .malformed(Span::new(off, 3), "No Magic-Number found!");
        return buf.len();
    }
    let fspan = Span::new(off + 3, 1);
    cx.pkt.add(&MAGIC, Span::new(off, 3), Value::Uint(0x4d4743));
    cx.pkt.add(
        &DIRECTION,
        fspan,
        Value::Uint((flags & FLAG_DIRECTION).into()),
    );
    cx.pkt.add(
        &L2HDR,
        fspan,
        Value::Uint(((flags & FLAG_NO_L2) >> 1).into()),
    );
    let mut pos = 4;
    if flags & FLAG_EXT != 0 {
        let Some(l) = buf.get(4..6) else {
            cx.pkt.malformed(
                Span::new(off + 4, buf.len() - 4),
                "Juniper extension length cut short",
            );
            return buf.len();
        };
        let total = u16::from_be_bytes([l[0], l[1]]) as usize;
        let Some(exts) = buf.get(6..6 + total) else {
            cx.pkt.malformed(
                Span::new(off + 4, buf.len() - 4),
                format!("Juniper extensions ({total} bytes) run past the frame"),
            );
            return buf.len();
        };
        cx.pkt.add_tree(
            &EXT_TOTAL_LEN,
            Span::new(off + 4, 2),
            Value::Uint(total as u64),
            |p| extensions(p, off + 6, exts),
        );
        pos = 6 + total;
    }
    if flags & FLAG_NO_L2 != 0 {
        // Without its L2 header the payload is a bare IP packet or other; not decoded here.
        crate::app::data::dissect(cx, off + pos, &buf[pos..]);
        return buf.len();
    }
    cx.pkt.add(
        &PAYLOAD_TYPE,
        Span::default(),
        Value::Uint(PAYLOAD_ETHERNET),
    );
    let rest = &buf[pos..];
    pos + crate::link::ethernet::dissect(cx, off + pos, rest)
}

/// The extension TLVs: type, length, an integer value of that many bytes.
fn extensions(p: &mut crate::model::Packet, off: usize, buf: &[u8]) {
    let mut pos = 0;
    while pos < buf.len() {
        let Some(&[kind, len]) = buf.get(pos..pos + 2) else {
            p.malformed(
                Span::new(off + pos, buf.len() - pos),
                "Juniper extension TLV cut short",
            );
            return;
        };
        let len = len as usize;
        let Some(value) = buf.get(pos + 2..pos + 2 + len) else {
            p.malformed(
                Span::new(off + pos, buf.len() - pos),
                "Juniper extension TLV runs past the extensions",
            );
            return;
        };
        let span = Span::new(off + pos + 2, len);
        match tlv(kind) {
            Some((name, def)) if len <= 4 => {
                // Types below 128 are little-endian, the others big-endian (as Junos writes them).
                let v = if kind < 128 {
                    value
                        .iter()
                        .rev()
                        .fold(0u64, |acc, b| acc << 8 | u64::from(*b))
                } else {
                    value.iter().fold(0u64, |acc, b| acc << 8 | u64::from(*b))
                };
                p.add_tree(
                    &EXT_TLV,
                    Span::new(off + pos, 2 + len),
                    Value::Text(format!("{name} Extension TLV #{kind}, length: {len}").into()),
                    |p| p.add(def, span, Value::Uint(v)),
                );
            }
            _ => p.add(&UNKNOWN_DATA, span, Value::SpanBytes),
        }
        pos += 2 + len;
    }
}

#[cfg(test)]
mod tests {
    use crate::link::LinkType;
    use crate::testutil::{chain, dissect_frame_for_test, has_expert, only, CorpusFrame};

    /// bgp/bgp_aigp_communities.pcap frame 1, its first 36 bytes: the Juniper
    /// header and the Ethernet header after it (the IP packet cut off).
    fn frame() -> Vec<u8> {
        let mut data = CorpusFrame::new("bgp/bgp_aigp_communities.pcap", 1).bytes();
        data.truncate(36);
        data
    }

    #[test]
    fn the_header_and_its_extensions_lead_to_ethernet() {
        let data = frame();
        let pkt = dissect_frame_for_test(LinkType::JUNIPER_ETHER, &data);
        assert!(chain(&pkt).starts_with("juniper:eth"), "{}", chain(&pkt));
        assert_eq!(only(&pkt, "juniper.magic-number", &data), "0x4d4743");
        assert_eq!(only(&pkt, "juniper.ext_total_len", &data), "16");
        assert_eq!(only(&pkt, "juniper.ext.ifd", &data), "140");
        assert_eq!(only(&pkt, "juniper.ext.ifl", &data), "332");
        assert_eq!(only(&pkt, "juniper.ext.ifle", &data), "14");
        assert_eq!(only(&pkt, "eth.type", &data), "0x0800");
    }

    #[test]
    fn truncation_and_a_bad_magic_are_malformed() {
        let data = frame();
        for cut in [2, 5, 10] {
            let pkt = dissect_frame_for_test(LinkType::JUNIPER_ETHER, &data[..cut]);
            assert!(pkt.is_malformed(), "cut at {cut}");
        }
        let mut bad = data.clone();
        bad[0] = b'X';
        let pkt = dissect_frame_for_test(LinkType::JUNIPER_ETHER, &bad);
        assert!(has_expert(&pkt, "Magic"));
    }
}
