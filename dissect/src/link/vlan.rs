//! IEEE 802.1Q VLAN tags (TPID 0x8100, and 0x9100 as Wireshark's default Q-in-Q
//! type) and IEEE 802.1ad service tags (0x88a8). Stacked tags nest through the
//! EtherType dispatch; the innermost tag shows what follows the payload as its
//! padding and trailer, as Wireshark's `ethertype` dissector does.

use std::fmt::Write as _;

use nom::number::complete::be_u16;
use nom::Parser;

use crate::declare_fields;
use crate::dispatch;
use crate::dissector::Cx;
use crate::link::ethernet::{add_trailer, TrailerFields};
use crate::model::{FieldDef, Protocol, Span, Value};

pub static VLAN: Protocol = Protocol {
    name: "vlan",
    label: "802.1Q Virtual LAN",
    short: "VLAN",
};

pub static IEEE8021AD: Protocol = Protocol {
    name: "ieee8021ad",
    label: "IEEE 802.1ad",
    short: "802.1ad",
};

declare_fields! {
    PRIORITY = "vlan.priority", "Priority", U16, Dec, priority_name;
    DEI = "vlan.dei", "DEI", U16, Dec, dei_name;
    ID = "vlan.id", "ID", U16;
    ETYPE = "vlan.etype", "Type", U16, Hex(4), crate::names::ethertype;
    LEN = "vlan.len", "Length", U16;
    TRAILER = "vlan.trailer", "Trailer", Bytes;
    AD_PRIORITY = "ieee8021ad.priority", "Priority", U16;
    AD_DEI = "ieee8021ad.dei", "DEI", U16;
    AD_ID = "ieee8021ad.id", "ID", U16;
    AD_SVID = "ieee8021ad.svid", "ID", U16;
    AD_CVID = "ieee8021ad.cvid", "ID", U16;
    AH_ETYPE = "ieee8021ah.etype", "Type", U16, Hex(4), crate::names::ethertype;
    AH_TRAILER = "ieee8021ah.trailer", "Trailer", Bytes;
}

/// Tag control information and the type (or length) that follows it.
pub const TAG_LEN: usize = 4;

const TPID_8021AD: u16 = 0x88a8;
/// 802.3 length values end here; larger values are EtherTypes.
const MAX_802_3_LEN: u16 = 1500;

/// A tag's control information: priority, drop eligibility, VLAN id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Tci {
    priority: u8,
    dei: u8,
    id: u16,
}

impl Tci {
    fn from_u16(v: u16) -> Self {
        Tci {
            priority: (v >> 13) as u8,
            dei: ((v >> 12) & 1) as u8,
            id: v & 0x0fff,
        }
    }
}

fn parse_tag(buf: &[u8]) -> Option<(Tci, u16)> {
    let (_, (tci, etype)) = (be_u16::<_, nom::error::Error<&[u8]>>, be_u16)
        .parse(buf)
        .ok()?;
    Some((Tci::from_u16(tci), etype))
}

/// Dissects a tag that followed EtherType `tpid`; returns the bytes it claims
/// (all of `buf`: the payload, then padding and trailer shown here).
pub fn dissect(cx: &mut Cx<'_>, off: usize, buf: &[u8], tpid: u16) -> usize {
    if tpid == TPID_8021AD {
        return dissect_8021ad(cx, off, buf);
    }
    let layer = cx
        .pkt
        .begin_layer(&VLAN, Span::new(off, buf.len().min(TAG_LEN)));
    let Some((tci, etype)) = parse_tag(buf) else {
        cx.pkt.malformed(
            Span::new(off, buf.len()),
            format!("802.1Q tag needs {TAG_LEN} bytes, {} captured", buf.len()),
        );
        return buf.len();
    };
    cx.pkt.set_info(|s| {
        let _ = write!(s, "PRI: {}  DEI: {}  ID: {}", tci.priority, tci.dei, tci.id);
    });
    cx.pkt.set_title(|t| {
        let _ = write!(
            t,
            "802.1Q Virtual LAN, PRI: {}, DEI: {}, ID: {}",
            tci.priority, tci.dei, tci.id
        );
    });
    let span = Span::new(off, 2);
    cx.pkt
        .add(&PRIORITY, span, Value::Uint(tci.priority as u64));
    cx.pkt.add(&DEI, span, Value::Uint(tci.dei as u64));
    cx.pkt.add(&ID, span, Value::Uint(tci.id as u64));
    let payload = &buf[TAG_LEN..];
    let payload_off = off + TAG_LEN;
    let type_span = Span::new(off + 2, 2);
    let used = if etype <= MAX_802_3_LEN {
        // An 802.3 length: LLC (or raw IPX) follows, shown as a named layer of data.
        cx.pkt.add(&LEN, type_span, Value::Uint(etype as u64));
        let len = (etype as usize).min(payload.len());
        crate::app::data::dissect_as(cx, payload_off, &payload[..len], &crate::app::data::LLC);
        len
    } else {
        cx.pkt.add(&ETYPE, type_span, Value::Uint(etype as u64));
        dispatch::ethertype(cx, etype, payload_off, payload)
    };
    show_trailer(cx, layer, payload_off, payload, used, &TRAILER);
    buf.len()
}

/// An 802.1ad service tag: one tag and an EtherType, or an S-tag directly followed
/// by a C-tag (both shown here), as Wireshark's `dissect_ieee8021ad`.
fn dissect_8021ad(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> usize {
    let layer = cx
        .pkt
        .begin_layer(&IEEE8021AD, Span::new(off, buf.len().min(TAG_LEN)));
    let Some((tci, etype)) = parse_tag(buf) else {
        cx.pkt.malformed(
            Span::new(off, buf.len()),
            format!("802.1ad tag needs {TAG_LEN} bytes, {} captured", buf.len()),
        );
        return buf.len();
    };
    cx.pkt.set_info(|s| {
        let _ = write!(s, "PRI: {}  DROP: {} ID: {}", tci.priority, tci.dei, tci.id);
    });
    let span = Span::new(off, 2);
    cx.pkt
        .add(&AD_PRIORITY, span, Value::Uint(tci.priority as u64));
    cx.pkt.add(&AD_DEI, span, Value::Uint(tci.dei as u64));
    let (header_len, etype) = if etype == TPID_8021AD {
        let Some((ctci, inner_etype)) = buf.get(TAG_LEN..).and_then(parse_tag) else {
            cx.pkt.add(&AD_SVID, span, Value::Uint(tci.id as u64));
            cx.pkt.malformed(
                Span::new(off, buf.len()),
                "802.1ad double tag needs 8 bytes".to_string(),
            );
            return buf.len();
        };
        cx.pkt.set_layer_len(2 * TAG_LEN);
        cx.pkt.set_title(|t| {
            let _ = write!(t, "IEEE 802.1ad, S-VID: {}, C-VID: {}", tci.id, ctci.id);
        });
        let cspan = Span::new(off + TAG_LEN, 2);
        cx.pkt.add(&AD_SVID, span, Value::Uint(tci.id as u64));
        cx.pkt
            .add(&AD_PRIORITY, cspan, Value::Uint(ctci.priority as u64));
        cx.pkt.add(&AD_DEI, cspan, Value::Uint(ctci.dei as u64));
        cx.pkt.add(&AD_CVID, cspan, Value::Uint(ctci.id as u64));
        (2 * TAG_LEN, inner_etype)
    } else {
        cx.pkt.set_title(|t| {
            let _ = write!(t, "IEEE 802.1ad, ID: {}", tci.id);
        });
        cx.pkt.add(&AD_ID, span, Value::Uint(tci.id as u64));
        (TAG_LEN, etype)
    };
    cx.pkt.add(
        &AH_ETYPE,
        Span::new(off + header_len - 2, 2),
        Value::Uint(etype as u64),
    );
    let payload = &buf[header_len..];
    let payload_off = off + header_len;
    let used = dispatch::ethertype(cx, etype, payload_off, payload);
    show_trailer(cx, layer, payload_off, payload, used, &AH_TRAILER);
    buf.len()
}

/// Shows what follows the payload's `used` bytes as padding and trailer of `layer`.
/// A tag never carries the frame check sequence itself.
fn show_trailer(
    cx: &mut Cx<'_>,
    layer: u8,
    payload_off: usize,
    payload: &[u8],
    used: usize,
    trailer: &'static FieldDef,
) {
    let used = used.min(payload.len());
    add_trailer(
        cx.pkt,
        layer,
        cx.data.len(),
        payload_off + used,
        &payload[used..],
        TrailerFields {
            trailer,
            fcs_possible: false,
        },
        cx.meta.orig_len as usize,
    );
}

/// IEEE 802.1D-2004 Table G-2 traffic types.
fn priority_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "Best Effort (default)",
        1 => "Background",
        2 => "Spare",
        3 => "Excellent Effort",
        4 => "Controlled Load",
        5 => "Video, < 100ms latency and jitter",
        6 => "Voice, < 10ms latency and jitter",
        7 => "Network Control",
        _ => return None,
    })
}

fn dei_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "Ineligible",
        1 => "Eligible",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use crate::testutil::{chain, dissect_frame_for_test, has_expert, value, values, CorpusFrame};
    use crate::LinkType;

    /// Frame 1 of link/vlan_8021ad_qinq_arp.pcap (link type 1, captured at 1575842394.599412000).
    const QINQ_ARP: CorpusFrame = CorpusFrame::new("link/vlan_8021ad_qinq_arp.pcap", 1);
    /// Frame 1 of link/vlan_qinqinq_http.pcap (link type 1, captured at 1362692526.869344000).
    const QINQINQ_TCP: CorpusFrame = CorpusFrame::new("link/vlan_qinqinq_http.pcap", 1);
    /// Frame 1 of link/vlan_pcp_dei.pcapng (link type 1, captured at 1763070394.994237000).
    const PCP_DEI: CorpusFrame = CorpusFrame::new("link/vlan_pcp_dei.pcapng", 1);

    #[test]
    fn service_tag_then_customer_tag_then_arp() {
        let qinq_arp = QINQ_ARP.bytes();
        let pkt = dissect_frame_for_test(LinkType::ETHERNET, &qinq_arp);
        let v = |n| value(&pkt, n, &qinq_arp);
        assert_eq!(
            chain(&pkt),
            "eth:ethertype:ieee8021ad:ethertype:vlan:ethertype:arp"
        );
        assert_eq!(v("ieee8021ad.priority").as_deref(), Some("0"));
        assert_eq!(v("ieee8021ad.dei").as_deref(), Some("0"));
        assert_eq!(v("ieee8021ad.id").as_deref(), Some("200"));
        assert_eq!(v("ieee8021ah.etype").as_deref(), Some("0x8100"));
        assert_eq!(v("vlan.id").as_deref(), Some("2001"));
        assert_eq!(v("vlan.etype").as_deref(), Some("0x0806"));
        // The innermost tag shows the padding and the trailer; no FCS is assumed.
        let vlan_layer = pkt.layers.iter().position(|l| l.proto.name == "vlan");
        let padding = pkt.find("eth.padding").map(|n| n.layer as usize);
        assert_eq!(padding, vlan_layer);
        assert_eq!(v("eth.padding").as_deref(), Some(&*["00"; 10].join(":")));
        assert_eq!(v("vlan.trailer").as_deref(), Some("00:00:00:00"));
        assert!(pkt.find("eth.fcs").is_none());
        assert!(pkt.find("ieee8021ah.trailer").is_none());
        assert_eq!(pkt.layers[2].title, "IEEE 802.1ad, ID: 200");
        assert_eq!(
            pkt.layers[3].title,
            "802.1Q Virtual LAN, PRI: 0, DEI: 0, ID: 2001"
        );
    }

    #[test]
    fn three_stacked_tags() {
        let qinqinq_tcp = QINQINQ_TCP.bytes();
        let pkt = dissect_frame_for_test(LinkType::ETHERNET, &qinqinq_tcp);
        assert!(chain(&pkt)
            .starts_with("eth:ethertype:vlan:ethertype:vlan:ethertype:vlan:ethertype:ip"));
        assert_eq!(values(&pkt, "vlan.id", &qinqinq_tcp), ["30", "20", "10"]);
        assert_eq!(
            values(&pkt, "vlan.etype", &qinqinq_tcp),
            ["0x8100", "0x8100", "0x0800"]
        );
    }

    #[test]
    fn priority_and_drop_eligibility() {
        let pcp_dei = PCP_DEI.bytes();
        let pkt = dissect_frame_for_test(LinkType::ETHERNET, &pcp_dei);
        assert_eq!(values(&pkt, "vlan.priority", &pcp_dei), ["7", "5"]);
        assert_eq!(values(&pkt, "vlan.dei", &pcp_dei), ["0", "1"]);
        assert_eq!(values(&pkt, "vlan.id", &pcp_dei), ["10", "20"]);
    }

    #[test]
    fn truncated_tags_are_malformed() {
        let qinq_arp = QINQ_ARP.bytes();
        let qinqinq_tcp = QINQINQ_TCP.bytes();
        for cut in 14..18 {
            let pkt = dissect_frame_for_test(LinkType::ETHERNET, &qinqinq_tcp[..cut]);
            assert!(pkt.is_malformed(), "cut at {cut}");
            assert!(has_expert(&pkt, "802.1Q tag needs 4 bytes"));
        }
        for cut in 14..18 {
            let pkt = dissect_frame_for_test(LinkType::ETHERNET, &qinq_arp[..cut]);
            assert!(
                has_expert(&pkt, "802.1ad tag needs 4 bytes"),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn length_instead_of_type_gives_llc() {
        let mut f = QINQINQ_TCP.bytes()[..18].to_vec();
        f[16..18].copy_from_slice(&3u16.to_be_bytes());
        f.extend_from_slice(&[0x42, 0x42, 0x03, 0xaa, 0xbb]);
        let pkt = dissect_frame_for_test(LinkType::ETHERNET, &f);
        assert_eq!(chain(&pkt), "eth:ethertype:vlan:llc");
        assert_eq!(value(&pkt, "vlan.len", &f).as_deref(), Some("3"));
        assert_eq!(value(&pkt, "vlan.trailer", &f).as_deref(), Some("aa:bb"));
    }

    #[test]
    fn double_service_tag_shows_both_ids() {
        // S-tag 100 followed directly by another 0x88a8-typed tag 200, then ARP.
        let mut f = QINQ_ARP.bytes();
        f[12..22].copy_from_slice(&[0x88, 0xa8, 0x00, 0x64, 0x88, 0xa8, 0x00, 0xc8, 0x08, 0x06]);
        let pkt = dissect_frame_for_test(LinkType::ETHERNET, &f);
        assert_eq!(chain(&pkt), "eth:ethertype:ieee8021ad:ethertype:arp");
        assert_eq!(value(&pkt, "ieee8021ad.svid", &f).as_deref(), Some("100"));
        assert_eq!(value(&pkt, "ieee8021ad.cvid", &f).as_deref(), Some("200"));
        assert_eq!(
            value(&pkt, "ieee8021ah.etype", &f).as_deref(),
            Some("0x0806")
        );
        assert_eq!(pkt.layers[2].title, "IEEE 802.1ad, S-VID: 100, C-VID: 200");
    }
}
