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
    use crate::testutil::{chain, dissect_frame_for_test, value, CorpusFrame};
    use crate::LinkType;

    /// Frame 1 of link/raw_ipv4_dns.pcap (link type 101): a DNS query over IPv4.
    fn raw_dns() -> Vec<u8> {
        CorpusFrame::new("link/raw_ipv4_dns.pcap", 1).bytes()
    }

    #[test]
    fn version_4_goes_to_ipv4() {
        let frame = raw_dns();
        let pkt = dissect_frame_for_test(LinkType::RAW, &frame);
        assert!(chain(&pkt).starts_with("raw:ip:"));
        assert_eq!(
            value(&pkt, "ip.src", &frame).as_deref(),
            Some("192.168.1.100")
        );
        assert_eq!(pkt.layers[1].title, "Raw packet data");
        // The raw layer has no fields of its own.
        assert_eq!(pkt.layer_fields(1).count(), 0);
    }

    #[test]
    fn other_versions() {
        let mut f = raw_dns();
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
