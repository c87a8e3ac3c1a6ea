//! Spanning Tree Protocol BPDUs (IEEE 802.1D, 802.1w, 802.1s) behind LLC
//! SAP 0x42: configuration, topology change notification and RST/MST BPDUs,
//! with fields, tree text and Info as tshark 4.0 shows them (Wireshark's
//! `packet-bpdu.c`, protocol `stp`, with 802.1t system ID extensions on).
//!
//! MST BPDUs are dissected as far as the header RSTP shares with them (up
//! to the Version 1 Length); their MST extension is not.
//!
//! The order of the work follows Wireshark's, because it is visible: it reads
//! the type, the version and the fields Info names before it draws anything,
//! so a BPDU too short for those shows no fields at all, and one cut further
//! on keeps the fields before the cut.

use std::fmt::Write as _;

use crate::declare_fields;
use crate::dissector::Cx;
use crate::model::{FieldDef, Group, Packet, Protocol, Severity, Span, Value};

pub static STP: Protocol = Protocol {
    name: "stp",
    label: "Spanning Tree Protocol",
    short: "STP",
};

declare_fields! {
    PROTOCOL = "stp.protocol", "Protocol Identifier", U16, Hex(4), protocol_name;
    VERSION = "stp.version", "Protocol Version Identifier", U8, Dec, version_name;
    TYPE = "stp.type", "BPDU Type", U8, Hex(2), type_name;
    FLAGS = "stp.flags", "BPDU flags", U8, Hex(2);
    FLAG_TCACK = "stp.flags.tcack", "Topology Change Acknowledgment", Bool & 0x80, Dec, crate::names::yes_no;
    FLAG_AGREEMENT = "stp.flags.agreement", "Agreement", Bool & 0x40, Dec, crate::names::yes_no;
    FLAG_FORWARDING = "stp.flags.forwarding", "Forwarding", Bool & 0x20, Dec, crate::names::yes_no;
    FLAG_LEARNING = "stp.flags.learning", "Learning", Bool & 0x10, Dec, crate::names::yes_no;
    FLAG_PORT_ROLE = "stp.flags.port_role", "Port Role", U8 & 0x0c, Dec, role_name;
    FLAG_PROPOSAL = "stp.flags.proposal", "Proposal", Bool & 0x02, Dec, crate::names::yes_no;
    FLAG_TC = "stp.flags.tc", "Topology Change", Bool & 0x01, Dec, crate::names::yes_no;
    // Text nodes: tshark gives the identifiers no field of their own.
    ROOT_ID = "stp_root_identifier", "Root Identifier", None;
    ROOT_PRIO = "stp.root.prio", "Root Bridge Priority", U16;
    ROOT_EXT = "stp.root.ext", "Root Bridge System ID Extension", U16;
    ROOT_HW = "stp.root.hw", "Root Bridge System ID", Mac;
    ROOT_COST = "stp.root.cost", "Root Path Cost", U32;
    BRIDGE_ID = "stp_bridge_identifier", "Bridge Identifier", None;
    BRIDGE_PRIO = "stp.bridge.prio", "Bridge Priority", U16;
    BRIDGE_EXT = "stp.bridge.ext", "Bridge System ID Extension", U16;
    BRIDGE_HW = "stp.bridge.hw", "Bridge System ID", Mac;
    PORT = "stp.port", "Port identifier", U16, Hex(4);
    MSG_AGE = "stp.msg_age", "Message Age", Float;
    MAX_AGE = "stp.max_age", "Max Age", Float;
    HELLO = "stp.hello", "Hello Time", Float;
    FORWARD = "stp.forward", "Forward Delay", Float;
    VERSION_1_LENGTH = "stp.version_1_length", "Version 1 Length", U8;

    // Expert items, filterable by name as in Wireshark.
    TYPE_UNKNOWN = "stp.type.unknown", "Unknown BPDU type data", None;
    VERSION_SUPPORT = "bpdu.version_support", "Only BPDU versions 0, 2, 3 and 4 are known", None;
}

const TYPE_CONFIG: u8 = 0x00;
const TYPE_RST: u8 = 0x02;
const TYPE_TCN: u8 = 0x80;

const FLAG_BIT_TC: u8 = 0x01;

/// Where the fields sit in a BPDU.
const AT_FLAGS: usize = 4;
const AT_ROOT: usize = 5;
const AT_COST: usize = 13;
const AT_BRIDGE: usize = 17;
const AT_PORT: usize = 25;
const AT_VERSION_1_LENGTH: usize = 35;

/// A TCN BPDU is the 4-byte header alone.
const TCN_LEN: usize = 4;
/// A configuration BPDU ends after the Forward Delay.
const CONFIG_LEN: usize = 35;

/// The four timers, in 1/256 seconds on the wire, in the order they follow
/// the port identifier.
static TIMERS: [(usize, &FieldDef); 4] =
    [(27, &MSG_AGE), (29, &MAX_AGE), (31, &HELLO), (33, &FORWARD)];

// The name functions answer "Unknown" for values they do not list, so that
// the tree shows `Unknown (0x05)` as Wireshark's value strings do.

fn protocol_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "Spanning Tree Protocol",
        _ => "Unknown",
    })
}

fn version_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "Spanning Tree",
        2 => "Rapid Spanning Tree",
        3 => "Multiple Spanning Tree",
        4 => "Shortest Path Tree",
        _ => "Unknown",
    })
}

fn type_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0x00 => "Configuration",
        0x02 => "Rapid/Multiple Spanning Tree",
        0x80 => "Topology Change Notification",
        _ => "Unknown",
    })
}

fn role_name(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "Alternate or Backup",
        2 => "Root",
        3 => "Designated",
        _ => "Unknown",
    })
}

/// Whether Wireshark knows the protocol version (it warns about the others).
fn known_version(version: u8) -> bool {
    matches!(version, 0 | 2 | 3 | 4)
}

/// A bridge identifier: priority, 802.1t system ID extension and MAC address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct BridgeId {
    priority: u16,
    ext: u16,
    mac: [u8; 6],
}

impl BridgeId {
    fn read(buf: &[u8], at: usize) -> Option<BridgeId> {
        let b: &[u8; 8] = buf.get(at..at + 8)?.try_into().ok()?;
        let word = u16::from_be_bytes([b[0], b[1]]);
        Some(BridgeId {
            priority: word & 0xf000,
            ext: word & 0x0fff,
            mac: [b[2], b[3], b[4], b[5], b[6], b[7]],
        })
    }

    /// `32768 / 720 / 00:13:7f:be:8c:c0` in the tree, `32768/720/…` in Info.
    fn write(&self, out: &mut String, sep: &str) {
        let _ = write!(out, "{}{sep}{}{sep}", self.priority, self.ext);
        crate::model::field::write_mac(out, &self.mac);
    }
}

/// What Wireshark reads of a configuration or RST BPDU before it draws
/// anything: the fields Info names.
#[derive(Clone, Copy, Debug)]
struct Lead {
    flags: u8,
    root: BridgeId,
    cost: u32,
    port: u16,
}

impl Lead {
    fn read(buf: &[u8]) -> Option<Lead> {
        let cost = buf.get(AT_COST..AT_COST + 4)?;
        let port = buf.get(AT_PORT..AT_PORT + 2)?;
        Some(Lead {
            flags: *buf.get(AT_FLAGS)?,
            root: BridgeId::read(buf, AT_ROOT)?,
            cost: u32::from_be_bytes([cost[0], cost[1], cost[2], cost[3]]),
            port: u16::from_be_bytes([port[0], port[1]]),
        })
    }
}

/// The identifier fields of one bridge identifier (root or bridge).
struct IdFields {
    node: &'static FieldDef,
    prio: &'static FieldDef,
    ext: &'static FieldDef,
    hw: &'static FieldDef,
}

static ROOT: IdFields = IdFields {
    node: &ROOT_ID,
    prio: &ROOT_PRIO,
    ext: &ROOT_EXT,
    hw: &ROOT_HW,
};

static BRIDGE: IdFields = IdFields {
    node: &BRIDGE_ID,
    prio: &BRIDGE_PRIO,
    ext: &BRIDGE_EXT,
    hw: &BRIDGE_HW,
};

/// Where a BPDU runs out, and whether the capture or the sender cut it.
struct Bounds {
    off: usize,
    len: usize,
    /// The capture kept fewer bytes than were sent (tshark's "Packet size
    /// limited during capture"), not a BPDU sent short ("Malformed Packet").
    capture_cut: bool,
}

impl Bounds {
    /// Marks the BPDU cut short inside `field` (offsets in the BPDU), as
    /// tshark's exception does: Info gets its tag, the layer an error
    /// covering what is left of the field.
    fn cut_short(&self, p: &mut Packet, field: std::ops::Range<usize>, what: &str) -> usize {
        let (tag, message) = if self.capture_cut {
            (
                "[Packet size limited during capture]",
                format!(
                    "Packet size limited during capture: STP truncated before the end of {what} ({} of {} bytes captured)",
                    self.len, field.end
                ),
            )
        } else {
            (
                "[Malformed Packet]",
                format!(
                    "Malformed Packet: STP BPDU of {} bytes ends before the end of {what} (byte {})",
                    self.len, field.end
                ),
            )
        };
        p.append_info(tag);
        let from = field.start.min(self.len);
        p.malformed(Span::new(self.off + from, self.len - from), message);
        self.len
    }
}

/// Dissects a BPDU at `off` (the bytes after the LLC header); returns the
/// bytes it covers.
pub fn dissect(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> usize {
    cx.pkt.begin_layer(&STP, Span::new(off, buf.len()));
    cx.pkt.set_title(|t| t.push_str(STP.label));
    cx.pkt.set_info(|_| {});
    let reported =
        crate::net::ipv4::reported_len(cx.data.len(), cx.meta.orig_len as usize, off, buf.len());
    let bounds = Bounds {
        off,
        len: buf.len(),
        capture_cut: reported > buf.len(),
    };
    let (Some(&version), Some(&bpdu_type)) = (buf.get(2), buf.get(3)) else {
        return bounds.cut_short(cx.pkt, 2..TCN_LEN, "the BPDU Type");
    };
    let lead = match bpdu_type {
        TYPE_CONFIG | TYPE_RST => match Lead::read(buf) {
            Some(lead) => Some(lead),
            None => return bounds.cut_short(cx.pkt, AT_FLAGS..AT_PORT + 2, "the Port identifier"),
        },
        _ => None,
    };
    set_info(cx.pkt, version, bpdu_type, lead.as_ref());
    add_header(cx.pkt, off, buf, version, bpdu_type);
    let Some(lead) = lead else {
        if bpdu_type == TYPE_TCN {
            cx.pkt.set_layer_len(TCN_LEN);
            return TCN_LEN;
        }
        unknown_type(cx.pkt, off);
        return buf.len();
    };
    add_priority_vector(cx.pkt, off, buf, bpdu_type, &lead);
    for (at, def) in TIMERS {
        let Some(b) = buf.get(at..at + 2) else {
            return bounds.cut_short(cx.pkt, at..at + 2, &format!("the {}", def.label));
        };
        let ticks = u16::from_be_bytes([b[0], b[1]]);
        cx.pkt.add(
            def,
            Span::new(off + at, 2),
            Value::Float(f64::from(ticks) / 256.0),
        );
    }
    if bpdu_type == TYPE_CONFIG {
        cx.pkt.set_layer_len(CONFIG_LEN);
        return CONFIG_LEN;
    }
    let Some(&v1_len) = buf.get(AT_VERSION_1_LENGTH) else {
        return bounds.cut_short(
            cx.pkt,
            AT_VERSION_1_LENGTH..AT_VERSION_1_LENGTH + 1,
            "the Version 1 Length",
        );
    };
    cx.pkt.add(
        &VERSION_1_LENGTH,
        Span::new(off + AT_VERSION_1_LENGTH, 1),
        Value::Uint(v1_len.into()),
    );
    buf.len()
}

/// `RST. Root = 32768/720/00:13:7f:be:8c:c0  Cost = 0  Port = 0x8193`, with
/// tshark's two spaces between the items.
fn set_info(p: &mut Packet, version: u8, bpdu_type: u8, lead: Option<&Lead>) {
    p.set_info(|s| match lead {
        Some(lead) => {
            s.push_str(kind_tag(version, bpdu_type));
            if lead.flags & FLAG_BIT_TC != 0 {
                s.push_str(" TC +");
            }
            s.push_str(" Root = ");
            lead.root.write(s, "/");
            let _ = write!(s, "  Cost = {}  Port = 0x{:04x}", lead.cost, lead.port);
        }
        None if bpdu_type == TYPE_TCN => s.push_str("Topology Change Notification"),
        None => {
            let _ = write!(s, "Unknown BPDU type ({bpdu_type})");
        }
    });
}

/// What Info calls a configuration or RST BPDU; an RST BPDU is named by its
/// version.
fn kind_tag(version: u8, bpdu_type: u8) -> &'static str {
    match (bpdu_type, version) {
        (TYPE_CONFIG, _) => "Conf.",
        (_, 3) => "MST.",
        (_, 4) => "SPT.",
        _ => "RST.",
    }
}

/// The protocol identifier, version and type every BPDU starts with; the
/// caller has checked that the four bytes are there.
fn add_header(p: &mut Packet, off: usize, buf: &[u8], version: u8, bpdu_type: u8) {
    let protocol = u16::from_be_bytes([buf[0], buf[1]]);
    p.add(&PROTOCOL, Span::new(off, 2), Value::Uint(protocol.into()));
    let version_span = Span::new(off + 2, 1);
    p.add(&VERSION, version_span, Value::Uint(version.into()));
    if !known_version(version) {
        p.subtree(|p| {
            p.expert_field(
                &VERSION_SUPPORT,
                Severity::Warn,
                Group::Protocol,
                version_span,
                VERSION_SUPPORT.label,
            )
        });
    }
    p.add(&TYPE, Span::new(off + 3, 1), Value::Uint(bpdu_type.into()));
}

/// Wireshark's warning under the type of a BPDU it cannot read further.
fn unknown_type(p: &mut Packet, off: usize) {
    let span = Span::new(off + 3, 1);
    p.subtree(|p| {
        p.expert_field(
            &TYPE_UNKNOWN,
            Severity::Warn,
            Group::Protocol,
            span,
            TYPE_UNKNOWN.label,
        )
    });
}

/// Flags, root identifier, root path cost, bridge identifier and port
/// identifier: all within the bytes [`Lead::read`] found.
fn add_priority_vector(p: &mut Packet, off: usize, buf: &[u8], bpdu_type: u8, lead: &Lead) {
    add_flags(p, off + AT_FLAGS, bpdu_type, lead.flags);
    add_bridge_id(p, &ROOT, off + AT_ROOT, &lead.root);
    p.add(
        &ROOT_COST,
        Span::new(off + AT_COST, 4),
        Value::Uint(lead.cost.into()),
    );
    if let Some(bridge) = BridgeId::read(buf, AT_BRIDGE) {
        add_bridge_id(p, &BRIDGE, off + AT_BRIDGE, &bridge);
    }
    p.add(
        &PORT,
        Span::new(off + AT_PORT, 2),
        Value::Uint(lead.port.into()),
    );
}

/// The flags with each bit under them; a configuration BPDU has only the
/// two topology change bits. The line names the flags set and the port
/// role, as Wireshark's bitmask item does without its false flags.
fn add_flags(p: &mut Packet, at: usize, bpdu_type: u8, flags: u8) {
    let span = Span::new(at, 1);
    let bit = |mask: u8| Value::Bool(flags & mask != 0);
    p.add(&FLAGS, span, Value::Uint(flags.into()));
    p.append_text(|t| write_flag_names(t, bpdu_type, flags));
    p.subtree(|p| {
        p.add(&FLAG_TCACK, span, bit(0x80));
        if bpdu_type == TYPE_RST {
            p.add(&FLAG_AGREEMENT, span, bit(0x40));
            p.add(&FLAG_FORWARDING, span, bit(0x20));
            p.add(&FLAG_LEARNING, span, bit(0x10));
            p.add(&FLAG_PORT_ROLE, span, Value::Uint(port_role(flags).into()));
            p.add(&FLAG_PROPOSAL, span, bit(0x02));
        }
        p.add(&FLAG_TC, span, bit(FLAG_BIT_TC));
    });
}

fn port_role(flags: u8) -> u8 {
    (flags & 0x0c) >> 2
}

/// `, Forwarding, Learning, Port Role: Designated` after the flags' value:
/// the flags set, and the port role whatever it is.
fn write_flag_names(out: &mut String, bpdu_type: u8, flags: u8) {
    push_if_set(out, flags, 0x80, &FLAG_TCACK);
    if bpdu_type == TYPE_RST {
        push_if_set(out, flags, 0x40, &FLAG_AGREEMENT);
        push_if_set(out, flags, 0x20, &FLAG_FORWARDING);
        push_if_set(out, flags, 0x10, &FLAG_LEARNING);
        let role = role_name(port_role(flags).into()).unwrap_or("Unknown");
        let _ = write!(out, ", {}: {role}", FLAG_PORT_ROLE.label);
        push_if_set(out, flags, 0x02, &FLAG_PROPOSAL);
    }
    push_if_set(out, flags, FLAG_BIT_TC, &FLAG_TC);
}

fn push_if_set(out: &mut String, flags: u8, mask: u8, def: &FieldDef) {
    if flags & mask != 0 {
        out.push_str(", ");
        out.push_str(def.label);
    }
}

/// `Root Identifier: 32768 / 720 / 00:13:7f:be:8c:c0` with its three parts
/// under it, the priority's span its first byte as Wireshark has it.
fn add_bridge_id(p: &mut Packet, f: &IdFields, at: usize, id: &BridgeId) {
    let text = || {
        let mut s = format!("{}: ", f.node.label);
        id.write(&mut s, " / ");
        Value::Text(s.into())
    };
    p.add_with(f.node, Span::new(at, 8), text);
    p.subtree(|p| {
        p.add(f.prio, Span::new(at, 1), Value::Uint(id.priority.into()));
        p.add(f.ext, Span::new(at, 2), Value::Uint(id.ext.into()));
        p.add(f.hw, Span::new(at + 2, 6), Value::Mac(id.mac));
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::LinkType;
    use crate::model::Timestamp;
    use crate::testutil::{chain, has_expert, hex, only, value, CorpusFrame};
    use crate::{FrameMeta, Prefs};

    /// mixed/wikipedia_dns_http.pcap frames 4, 112, 118 and 131: the same
    /// RST BPDU every two seconds, behind IEEE 802.3 (length 39) and LLC
    /// 42/42/03, 7 bytes of padding after it.
    const RST_FRAMES: [CorpusFrame; 4] = [
        CorpusFrame::new("mixed/wikipedia_dns_http.pcap", 4),
        CorpusFrame::new("mixed/wikipedia_dns_http.pcap", 112),
        CorpusFrame::new("mixed/wikipedia_dns_http.pcap", 118),
        CorpusFrame::new("mixed/wikipedia_dns_http.pcap", 131),
    ];

    /// After the 802.3 header (14 bytes) and LLC (3).
    const BPDU_AT: usize = 17;
    /// The 802.3 length less the LLC header.
    const RST_LEN: usize = 36;

    /// tshark 4.0's `-V` text of the corpus BPDU.
    const RST_TREE: &str = "\
Spanning Tree Protocol
    Protocol Identifier: Spanning Tree Protocol (0x0000)
    Protocol Version Identifier: Rapid Spanning Tree (2)
    BPDU Type: Rapid/Multiple Spanning Tree (0x02)
    BPDU flags: 0x3c, Forwarding, Learning, Port Role: Designated
        0... .... = Topology Change Acknowledgment: No
        .0.. .... = Agreement: No
        ..1. .... = Forwarding: Yes
        ...1 .... = Learning: Yes
        .... 11.. = Port Role: Designated (3)
        .... ..0. = Proposal: No
        .... ...0 = Topology Change: No
    Root Identifier: 32768 / 720 / 00:13:7f:be:8c:c0
        Root Bridge Priority: 32768
        Root Bridge System ID Extension: 720
        Root Bridge System ID: 00:13:7f:be:8c:c0
    Root Path Cost: 0
    Bridge Identifier: 32768 / 720 / 00:13:7f:be:8c:c0
        Bridge Priority: 32768
        Bridge System ID Extension: 720
        Bridge System ID: 00:13:7f:be:8c:c0
    Port identifier: 0x8193
    Message Age: 0
    Max Age: 20
    Hello Time: 2
    Forward Delay: 15
    Version 1 Length: 0
";

    const RST_INFO: &str = "RST. Root = 32768/720/00:13:7f:be:8c:c0  Cost = 0  Port = 0x8193";

    /// The corpus frame up to the end of its BPDU (the padding left out, as
    /// Ethernet leaves it out of what it hands LLC).
    fn corpus_bpdu_frame(f: CorpusFrame) -> Vec<u8> {
        let mut data = f.bytes();
        data.truncate(BPDU_AT + RST_LEN);
        data
    }

    /// An 802.3 frame to the bridge group address carrying `bpdu` after LLC.
    fn frame_with(bpdu: &[u8]) -> Vec<u8> {
        let mut data = hex("0180c2000000 00137f4f8ef2");
        data.extend(((bpdu.len() + 3) as u16).to_be_bytes());
        data.extend([0x42, 0x42, 0x03]);
        data.extend_from_slice(bpdu);
        data
    }

    /// Dissects what follows the LLC header of `data` as LLC hands it over,
    /// in a frame that was `wire_len` bytes on the wire.
    fn dissect_bpdu(data: &[u8], wire_len: usize, tree: bool) -> Packet {
        let meta = FrameMeta::new(1, Timestamp::new(0, 0), wire_len as u32, LinkType::ETHERNET);
        let mut pkt = Packet::new(tree);
        let mut state = crate::flow::State::default();
        let prefs = Prefs::default();
        let mut cx = Cx {
            tcp: None,
            data,
            frame: data,
            pkt: &mut pkt,
            state: &mut state,
            prefs: &prefs,
            meta: &meta,
            nesting: 0,
            ip: None,
            in_icmp_error: false,
        };
        dissect(&mut cx, BPDU_AT, data.get(BPDU_AT..).unwrap_or(&[]));
        pkt
    }

    fn dissect_whole(data: &[u8]) -> Packet {
        dissect_bpdu(data, data.len(), true)
    }

    fn tree_text(pkt: &Packet, data: &[u8]) -> String {
        let mut out = String::new();
        crate::export::text::tree(&mut out, pkt, data);
        out
    }

    /// The tree line of the first field named `name`.
    fn line(pkt: &Packet, data: &[u8], name: &str) -> String {
        let i = pkt
            .fields
            .iter()
            .position(|f| f.def.name == name)
            .unwrap_or_else(|| panic!("no {name}"));
        let mut out = String::new();
        pkt.node_text(&mut out, i, data);
        out
    }

    #[test]
    fn corpus_rst_bpdu_fields() {
        let data = corpus_bpdu_frame(RST_FRAMES[0]);
        let pkt = dissect_whole(&data);
        let v = |name| only(&pkt, name, &data);
        assert_eq!(chain(&pkt), "stp");
        assert_eq!(pkt.summary.protocol, "STP");
        assert_eq!(pkt.summary.info, RST_INFO);
        assert_eq!(v("stp.protocol"), "0x0000");
        assert_eq!(v("stp.version"), "2");
        assert_eq!(v("stp.type"), "0x02");
        assert_eq!(v("stp.flags"), "0x3c");
        assert_eq!(v("stp.flags.tcack"), "0");
        assert_eq!(v("stp.flags.agreement"), "0");
        assert_eq!(v("stp.flags.forwarding"), "1");
        assert_eq!(v("stp.flags.learning"), "1");
        assert_eq!(v("stp.flags.port_role"), "3");
        assert_eq!(v("stp.flags.proposal"), "0");
        assert_eq!(v("stp.flags.tc"), "0");
        assert_eq!(v("stp.root.prio"), "32768");
        assert_eq!(v("stp.root.ext"), "720");
        assert_eq!(v("stp.root.hw"), "00:13:7f:be:8c:c0");
        assert_eq!(v("stp.root.cost"), "0");
        assert_eq!(v("stp.bridge.prio"), "32768");
        assert_eq!(v("stp.bridge.ext"), "720");
        assert_eq!(v("stp.bridge.hw"), "00:13:7f:be:8c:c0");
        assert_eq!(v("stp.port"), "0x8193");
        assert_eq!(v("stp.msg_age"), "0");
        assert_eq!(v("stp.max_age"), "20");
        assert_eq!(v("stp.hello"), "2");
        assert_eq!(v("stp.forward"), "15");
        assert_eq!(v("stp.version_1_length"), "0");
        assert!(pkt.experts.is_empty(), "{:?}", pkt.experts);
        assert!(!pkt.is_malformed());
    }

    #[test]
    fn corpus_rst_bpdu_tree_is_tsharks() {
        let data = corpus_bpdu_frame(RST_FRAMES[0]);
        let pkt = dissect_whole(&data);
        assert_eq!(tree_text(&pkt, &data), RST_TREE);
    }

    /// Spans in frame offsets, as the hex pane highlights them.
    #[test]
    fn corpus_rst_bpdu_spans() {
        let data = corpus_bpdu_frame(RST_FRAMES[0]);
        let pkt = dissect_whole(&data);
        let span = |name: &str| pkt.find(name).map(|f| f.span.range());
        assert_eq!(pkt.layers[0].span.range(), 17..53);
        assert_eq!(span("stp.protocol"), Some(17..19));
        assert_eq!(span("stp.flags.port_role"), Some(21..22));
        assert_eq!(span("stp_root_identifier"), Some(22..30));
        assert_eq!(span("stp.root.prio"), Some(22..23));
        assert_eq!(span("stp.root.ext"), Some(22..24));
        assert_eq!(span("stp.root.hw"), Some(24..30));
        assert_eq!(span("stp.bridge.hw"), Some(36..42));
        assert_eq!(span("stp.port"), Some(42..44));
        assert_eq!(span("stp.forward"), Some(50..52));
        assert_eq!(span("stp.version_1_length"), Some(52..53));
    }

    #[test]
    fn every_corpus_bpdu_gives_tsharks_info() {
        for f in RST_FRAMES {
            let data = corpus_bpdu_frame(f);
            let pkt = dissect_bpdu(&data, data.len(), false);
            assert_eq!(pkt.summary.info, RST_INFO, "frame {}", f.number);
            assert_eq!(pkt.summary.protocol, "STP", "frame {}", f.number);
        }
    }

    /// A configuration BPDU with both topology change flags, cost 200000,
    /// message age 1.5 s and port 0x1234, as tshark 4.0 shows it.
    #[test]
    fn configuration_bpdu_has_only_the_topology_change_flags() {
        let data = frame_with(&hex(
            "000000008180000011223344550003 0d40800100aabbccddee12340180140002000f00",
        ));
        let pkt = dissect_whole(&data);
        assert_eq!(
            pkt.summary.info,
            "Conf. TC + Root = 32768/0/00:11:22:33:44:55  Cost = 200000  Port = 0x1234"
        );
        assert_eq!(
            line(&pkt, &data, "stp.flags"),
            "BPDU flags: 0x81, Topology Change Acknowledgment, Topology Change"
        );
        assert_eq!(
            line(&pkt, &data, "stp_bridge_identifier"),
            "Bridge Identifier: 32768 / 1 / 00:aa:bb:cc:dd:ee"
        );
        assert_eq!(line(&pkt, &data, "stp.msg_age"), "Message Age: 1.5");
        assert_eq!(only(&pkt, "stp.msg_age", &data), "1.5");
        assert_eq!(only(&pkt, "stp.flags.tcack", &data), "1");
        assert_eq!(only(&pkt, "stp.flags.tc", &data), "1");
        assert!(pkt.find("stp.flags.port_role").is_none());
        assert!(pkt.find("stp.version_1_length").is_none());
        assert_eq!(pkt.layers[0].span.len, 35);
        assert!(pkt.experts.is_empty(), "{:?}", pkt.experts);
    }

    #[test]
    fn tcn_bpdu_is_the_header_alone() {
        let data = frame_with(&hex("00000080"));
        let pkt = dissect_whole(&data);
        assert_eq!(pkt.summary.info, "Topology Change Notification");
        let names: Vec<_> = pkt.fields.iter().map(|f| f.def.name).collect();
        assert_eq!(names, ["stp.protocol", "stp.version", "stp.type"]);
        assert_eq!(
            line(&pkt, &data, "stp.type"),
            "BPDU Type: Topology Change Notification (0x80)"
        );
        assert!(pkt.experts.is_empty(), "{:?}", pkt.experts);
    }

    #[test]
    fn rst_flags_name_the_port_role_even_when_unknown() {
        let data = frame_with(&hex(
            "0000020201800000112233445500000004800100aabbccddee80020100140002000f0000",
        ));
        let pkt = dissect_whole(&data);
        assert_eq!(
            line(&pkt, &data, "stp.flags"),
            "BPDU flags: 0x01, Port Role: Unknown, Topology Change"
        );
        assert_eq!(
            line(&pkt, &data, "stp.flags.port_role"),
            ".... 00.. = Port Role: Unknown (0)"
        );
        assert!(pkt.summary.info.starts_with("RST. TC + Root = 32768/0/"));
    }

    #[test]
    fn info_names_rst_bpdus_by_version() {
        let mut bpdu = corpus_bpdu_frame(RST_FRAMES[0]);
        for (version, tag) in [
            (0, "RST."),
            (2, "RST."),
            (3, "MST."),
            (4, "SPT."),
            (9, "RST."),
        ] {
            bpdu[BPDU_AT + 2] = version;
            let pkt = dissect_whole(&bpdu);
            assert!(
                pkt.summary.info.starts_with(tag),
                "{version}: {}",
                pkt.summary.info
            );
        }
    }

    #[test]
    fn unknown_type_and_version_are_warned_about() {
        let data = frame_with(&hex(
            "0000000500800000112233445500000004800100aabbccddee80020100140002000f00",
        ));
        let pkt = dissect_whole(&data);
        assert_eq!(pkt.summary.info, "Unknown BPDU type (5)");
        assert_eq!(line(&pkt, &data, "stp.type"), "BPDU Type: Unknown (0x05)");
        assert!(pkt.find("stp.type.unknown").is_some());
        assert!(pkt.find("stp.flags").is_none());
        assert!(has_expert(&pkt, "Unknown BPDU type data"));

        let data = frame_with(&hex(
            "0000070000800000112233445500000004800100aabbccddee80020100140002000f00",
        ));
        let pkt = dissect_whole(&data);
        assert!(pkt.summary.info.starts_with("Conf. Root = 32768/0/"));
        assert_eq!(
            line(&pkt, &data, "stp.version"),
            "Protocol Version Identifier: Unknown (7)"
        );
        assert!(pkt.find("bpdu.version_support").is_some());
        assert_eq!(value(&pkt, "stp.forward", &data).as_deref(), Some("15"));
    }

    /// As tshark: a BPDU too short for what Info names shows no fields; one
    /// cut after that keeps the fields before the cut and Info.
    #[test]
    fn truncated_bpdu_keeps_what_was_decoded() {
        let full = corpus_bpdu_frame(RST_FRAMES[0]);
        let short = |n: usize| frame_with(&full[BPDU_AT..BPDU_AT + n]);

        let data = short(20);
        let pkt = dissect_whole(&data);
        assert!(pkt.fields.is_empty());
        assert_eq!(pkt.summary.info, "[Malformed Packet]");
        assert_eq!(pkt.summary.protocol, "STP");
        assert!(pkt.is_malformed());

        let data = short(30);
        let pkt = dissect_whole(&data);
        assert_eq!(pkt.summary.info, format!("{RST_INFO}[Malformed Packet]"));
        assert_eq!(only(&pkt, "stp.msg_age", &data), "0");
        assert!(pkt.find("stp.max_age").is_none());
        assert!(has_expert(&pkt, "ends before the end of the Max Age"));
        assert!(pkt.is_malformed());

        let data = short(35);
        let pkt = dissect_whole(&data);
        assert_eq!(only(&pkt, "stp.forward", &data), "15");
        assert!(pkt.find("stp.version_1_length").is_none());
        assert!(pkt.is_malformed());
    }

    /// Bytes the capture did not keep are tshark's "Packet size limited
    /// during capture", not a malformed BPDU.
    #[test]
    fn bpdu_cut_by_the_capture_says_so() {
        let full = RST_FRAMES[0].bytes();
        let pkt = dissect_bpdu(&full[..BPDU_AT + 30], full.len(), true);
        assert_eq!(
            pkt.summary.info,
            format!("{RST_INFO}[Packet size limited during capture]")
        );
        assert!(has_expert(&pkt, "Packet size limited during capture"));
    }

    #[test]
    fn no_prefix_of_a_real_bpdu_panics() {
        let full = corpus_bpdu_frame(RST_FRAMES[0]);
        for n in 0..=full.len() {
            let data = &full[..n];
            for tree in [true, false] {
                for wire_len in [n, full.len() + 7] {
                    let pkt = dissect_bpdu(data, wire_len, tree);
                    let complete = n == full.len();
                    assert_eq!(pkt.is_malformed(), !complete, "{n} bytes");
                    assert_eq!(chain(&pkt), "stp", "{n} bytes");
                    if tree {
                        let shown = tree_text(&pkt, data);
                        let lines = shown.lines().count();
                        assert!(lines <= RST_TREE.lines().count() + 1, "{n} bytes");
                    }
                }
            }
        }
    }
}
