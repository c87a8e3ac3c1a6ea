//! LINKTYPE_RAW: the frame is an IP packet; its version nibble says which.

use crate::dissector::Cx;
use crate::model::{Protocol, Span};

/// tshark shows a `raw` layer with no fields before the IP layer.
pub static RAW: Protocol = Protocol {
    name: "raw",
    label: "Raw packet data",
    short: "N/A",
};

/// Dissects a raw IP frame; returns the bytes it covers (all of `buf`).
pub fn dissect(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> usize {
    cx.pkt.begin_layer(&RAW, Span::new(off, buf.len()));
    cx.pkt.set_title(|t| t.push_str(RAW.label));
    cx.pkt.set_info(|s| s.push_str(RAW.label));
    if buf.starts_with(&[0xff, 0x03]) {
        // PPP in HDLC-like framing; not dissected yet.
        crate::app::data::dissect(cx, off, buf);
        return buf.len();
    }
    match buf.first().map(|b| b >> 4) {
        Some(4) => {
            crate::net::ipv4::dissect_any_version(cx, off, buf);
        }
        Some(6) => {
            crate::net::ipv6::dissect(cx, off, buf);
        }
        _ => {
            crate::app::data::dissect(cx, off, buf);
        }
    }
    buf.len()
}

#[cfg(test)]
mod tests {
    use crate::testutil::{chain, dissect_frame_for_test, value};
    use crate::LinkType;

    /// Frame 1 of link/raw_ipv4_dns.pcap (link type 101, captured at 1751997551.951226000).
    const RAW_DNS: [u8; 57] = [
        0x45, 0x00, 0x00, 0x39, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0xa6, 0x95, 0xc0, 0xa8, 0x01,
        0x64, 0x09, 0x09, 0x09, 0x09, 0x30, 0x39, 0x00, 0x35, 0x00, 0x25, 0x19, 0x76, 0x12, 0x34,
        0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x65, 0x78, 0x61, 0x6d,
        0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01,
    ];

    #[test]
    fn version_4_goes_to_ipv4() {
        let pkt = dissect_frame_for_test(LinkType::RAW, &RAW_DNS);
        assert!(chain(&pkt).starts_with("raw:ip:"));
        assert_eq!(
            value(&pkt, "ip.src", &RAW_DNS).as_deref(),
            Some("192.168.1.100")
        );
        assert_eq!(pkt.layers[1].title, "Raw packet data");
        // The raw layer has no fields of its own.
        assert_eq!(pkt.layer_fields(1).count(), 0);
    }

    #[test]
    fn other_versions() {
        let mut f = RAW_DNS;
        f[0] = 0x60;
        let pkt = dissect_frame_for_test(LinkType::RAW, &f);
        assert!(!chain(&pkt).starts_with("raw:ip:"));
        f[0] = 0x20;
        let pkt = dissect_frame_for_test(LinkType::RAW, &f);
        assert_eq!(chain(&pkt), "raw:data");
        let pkt = dissect_frame_for_test(LinkType::RAW, &[]);
        assert_eq!(chain(&pkt), "raw");
    }
}
