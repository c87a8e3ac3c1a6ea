//! VXLAN (RFC 7348, with the Group Based Policy extension of
//! draft-smith-vxlan-group-policy): an 8-byte header on UDP port 4789, then a
//! whole Ethernet frame. Fields are named as Wireshark 4.0's `packet-vxlan.c`.

use nom::number::complete::{be_u16, be_u24, u8 as be_u8};
use nom::Parser;

use crate::declare_fields;
use crate::dissector::Cx;
use crate::link;
use crate::model::{Protocol, Span, Value};

/// The IANA port of VXLAN.
pub const PORT: u16 = 4789;

pub static VXLAN: Protocol = Protocol {
    name: "vxlan",
    label: "Virtual eXtensible Local Area Network",
    short: "VXLAN",
};

declare_fields! {
    FLAGS = "vxlan.flags", "Flags", U16, Hex(4);
    FLAG_G = "vxlan.flag_g", "GBP Extension", Bool;
    FLAG_D = "vxlan.flag_d", "Don't Learn", Bool;
    FLAG_I = "vxlan.flag_i", "VXLAN Network ID (VNI)", Bool;
    FLAG_A = "vxlan.flag_a", "Policy Applied", Bool;
    FLAGS_RESERVED = "vxlan.flags_reserved", "Reserved(R)", U16, Hex(4);
    GBP = "vxlan.gbp", "Group Policy ID", U16;
    VNI = "vxlan.vni", "VXLAN Network Identifier (VNI)", U32;
    RESERVED_8 = "vxlan.reserved8", "Reserved", U8;
}

/// The VXLAN header.
pub const HEADER_LEN: usize = 8;

const FLAG_G_BIT: u16 = 0x8000;
const FLAG_I_BIT: u16 = 0x0800;
const FLAG_D_BIT: u16 = 0x0040;
const FLAG_A_BIT: u16 = 0x0008;
/// Flag bits neither RFC 7348 nor the GBP draft define.
const RESERVED_BITS: u16 = 0x77b7;

/// The header as sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Header {
    flags: u16,
    /// Group Policy ID (reserved when the G flag is clear).
    gbp: u16,
    vni: u32,
    reserved: u8,
}

fn parse_header(buf: &[u8]) -> Option<Header> {
    let (_, (flags, gbp, vni, reserved)) =
        (be_u16::<_, nom::error::Error<&[u8]>>, be_u16, be_u24, be_u8)
            .parse(buf)
            .ok()?;
    Some(Header {
        flags,
        gbp,
        vni,
        reserved,
    })
}

/// Dissects a VXLAN header at `off` and the Ethernet frame after it. Claims all of `buf`.
pub fn dissect(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> usize {
    cx.pkt
        .begin_layer(&VXLAN, Span::new(off, buf.len().min(HEADER_LEN)));
    cx.pkt.summary.protocol = "VxLAN";
    cx.pkt.summary.info.clear();
    cx.pkt.set_title(|t| t.push_str(VXLAN.label));
    let Some(h) = parse_header(buf) else {
        cx.pkt.malformed(
            Span::new(off, buf.len()),
            format!(
                "VXLAN header needs {HEADER_LEN} bytes, {} captured",
                buf.len()
            ),
        );
        return buf.len();
    };
    add_header(cx, off, &h);
    let inner = &buf[HEADER_LEN..];
    if !inner.is_empty() {
        // RFC 7348 5: the inner frame carries no FCS.
        link::ethernet::dissect(cx, off + HEADER_LEN, inner);
    }
    buf.len()
}

fn add_header(cx: &mut Cx<'_>, off: usize, h: &Header) {
    let p = &mut *cx.pkt;
    let flags_span = Span::new(off, 2);
    let bit = |mask: u16| Value::Bool(h.flags & mask != 0);
    p.add_tree(&FLAGS, flags_span, Value::Uint(h.flags.into()), |p| {
        p.add(&FLAG_G, flags_span, bit(FLAG_G_BIT));
        p.add(&FLAG_D, flags_span, bit(FLAG_D_BIT));
        p.add(&FLAG_I, flags_span, bit(FLAG_I_BIT));
        p.add(&FLAG_A, flags_span, bit(FLAG_A_BIT));
        p.add(
            &FLAGS_RESERVED,
            flags_span,
            Value::Uint((h.flags & RESERVED_BITS).into()),
        );
    });
    p.add(&GBP, Span::new(off + 2, 2), Value::Uint(h.gbp.into()));
    p.add(&VNI, Span::new(off + 4, 3), Value::Uint(h.vni.into()));
    p.add(
        &RESERVED_8,
        Span::new(off + 7, 1),
        Value::Uint(h.reserved.into()),
    );
}

#[cfg(test)]
mod tests {
    use crate::model::Packet;
    use crate::transport::tcp::testing::{has_expert, value, Seg, Session};

    // No capture of the shared corpus carries VXLAN, so this frame is built by hand
    // from RFC 7348 section 5: UDP 54321 -> 4789, VXLAN with the I flag and VNI
    // 0x123456, then an inner Ethernet frame 66:77:88:99:aa:bb -> 00:11:22:33:44:55
    // carrying an (all-zero) ARP body.
    fn frame() -> Vec<u8> {
        let mut f = vec![0xd4, 0x31, 0x12, 0xb5, 0x00, 0x00, 0x00, 0x00];
        f.extend_from_slice(&[0x08, 0x00, 0x00, 0x00, 0x12, 0x34, 0x56, 0x00]);
        f.extend_from_slice(&[
            0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
        ]);
        f.extend_from_slice(&[0x08, 0x06]);
        f.extend_from_slice(&[0u8; 28]);
        let len = f.len() as u16;
        f[4..6].copy_from_slice(&len.to_be_bytes());
        f
    }

    fn run(bytes: &[u8]) -> Packet {
        Session::tshark().run(
            Seg::new([10, 0, 0, 1], [10, 0, 0, 2], (1, 0), bytes),
            crate::transport::udp::dissect,
        )
    }

    fn v(p: &Packet, d: &[u8], name: &str) -> String {
        value(p, d, name).unwrap_or_else(|| panic!("{name} missing"))
    }

    #[test]
    fn udp_4789_carries_vxlan_and_an_ethernet_frame() {
        let f = frame();
        let p = run(&f);
        let names: Vec<&str> = p.layers.iter().map(|l| l.proto.name).collect();
        assert_eq!(&names[..3], ["udp", "vxlan", "eth"]);
        assert_eq!(v(&p, &f, "vxlan.flags"), "0x0800");
        assert_eq!(v(&p, &f, "vxlan.flag_i"), "1");
        assert_eq!(v(&p, &f, "vxlan.flag_g"), "0");
        assert_eq!(v(&p, &f, "vxlan.flags_reserved"), "0x0000");
        assert_eq!(v(&p, &f, "vxlan.gbp"), "0");
        assert_eq!(v(&p, &f, "vxlan.vni"), "1193046");
        assert_eq!(v(&p, &f, "vxlan.reserved8"), "0");
        assert_eq!(v(&p, &f, "eth.src"), "66:77:88:99:aa:bb");
        assert_eq!(v(&p, &f, "eth.type"), "0x0806");
        assert!(!p.is_malformed());
    }

    #[test]
    fn group_policy_flags() {
        let mut f = frame();
        // G, I, D and A set; group policy 0x1234.
        f[8..12].copy_from_slice(&[0x88, 0x48, 0x12, 0x34]);
        let p = run(&f);
        assert_eq!(v(&p, &f, "vxlan.flags"), "0x8848");
        assert_eq!(v(&p, &f, "vxlan.flag_g"), "1");
        assert_eq!(v(&p, &f, "vxlan.flag_d"), "1");
        assert_eq!(v(&p, &f, "vxlan.flag_a"), "1");
        assert_eq!(v(&p, &f, "vxlan.gbp"), "4660");
    }

    #[test]
    fn truncated_header_is_malformed() {
        let whole = frame();
        let cut_at = |n: usize| {
            let mut f = whole[..n].to_vec();
            f[4..6].copy_from_slice(&(n as u16).to_be_bytes());
            f
        };
        for n in 9..16 {
            let f = cut_at(n);
            let p = run(&f);
            assert!(p.layers.iter().any(|l| l.proto.name == "vxlan"), "cut {n}");
            assert!(p.is_malformed(), "cut {n}");
            assert!(has_expert(&p, "VXLAN header needs 8 bytes"), "cut {n}");
            assert!(p.find("vxlan.vni").is_none());
        }
        // A header and nothing else: no inner frame, nothing wrong.
        let p = run(&cut_at(16));
        assert!(!p.is_malformed());
        assert!(!p.layers.iter().any(|l| l.proto.name == "eth"));
    }
}
