//! A dissected packet: layers, the field tree, expert items and the summary line.
//!
//! One `Packet` is reused from frame to frame so that dissection allocates
//! nothing in steady state. With `tree` off (the fast path used for the packet
//! list, statistics and flows) field nodes are not recorded at all; the
//! summary, the protocol chain and the expert items always are.

use std::borrow::Cow;
use std::fmt::Write as _;

use super::expert::{Expert, Group, Severity};
use super::field::{FieldDef, Span, Value};
use super::time::Duration;

/// A protocol: a layer's identity in the tree, the JSON and the Protocol column.
#[derive(Debug)]
pub struct Protocol {
    /// Display-filter name, e.g. `ip`.
    pub name: &'static str,
    /// Long name, e.g. `Internet Protocol Version 4`.
    pub label: &'static str,
    /// Protocol column text, e.g. `IPv4`.
    pub short: &'static str,
}

/// Bytes a packet shows besides its frame: a reassembled datagram or stream
/// PDU, decrypted records. Spans of fields dissected from it refer to it.
#[derive(Clone, Debug)]
pub struct DataSource {
    /// What the bytes are, as the hex pane's tab shows it ("Reassembled IPv4").
    pub name: Cow<'static, str>,
    pub bytes: Box<[u8]>,
}

/// Index of a packet's data source: 0 is the frame itself, then [`Packet::sources`] in order.
pub type SourceId = u8;

/// The frame's own bytes.
pub const FRAME_SOURCE: SourceId = 0;

/// One protocol layer of a packet.
#[derive(Clone, Debug)]
pub struct Layer {
    pub proto: &'static Protocol,
    pub span: Span,
    /// The data source `span` refers to.
    pub source: SourceId,
    /// The layer's tree line (`Internet Protocol Version 4, Src: …, Dst: …`); tree mode only.
    pub title: String,
    pub malformed: bool,
}

/// One node of the field tree, stored flat in pre-order; `depth` gives the nesting.
#[derive(Clone, Debug)]
pub struct FieldNode {
    pub def: &'static FieldDef,
    pub span: Span,
    pub value: Value,
    pub layer: u8,
    pub depth: u8,
    /// The data source `span` refers to.
    pub source: SourceId,
}

/// A network or link address for the Source and Destination columns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Address {
    #[default]
    None,
    Mac([u8; 6]),
    Ipv4([u8; 4]),
    Ipv6([u8; 16]),
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Address::None => Ok(()),
            Address::Mac(m) => {
                let mut s = String::with_capacity(17);
                super::field::write_mac(&mut s, m);
                f.write_str(&s)
            }
            Address::Ipv4(a) => std::net::Ipv4Addr::from(*a).fmt(f),
            Address::Ipv6(a) => std::net::Ipv6Addr::from(*a).fmt(f),
        }
    }
}

/// An address or port pair of one header, recorded on the fast path too so that
/// display filters on addresses and ports (`ip.addr`, `tcp.port`) need no tree.
/// Every header counts, tunnelled and ICMP-quoted ones included, as in the tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetFact {
    Eth { src: [u8; 6], dst: [u8; 6] },
    Ipv4 { src: [u8; 4], dst: [u8; 4] },
    Ipv6 { src: [u8; 16], dst: [u8; 16] },
    Tcp { src: u16, dst: u16 },
    Udp { src: u16, dst: u16 },
}

/// What a [`Latency`] measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LatencyKind {
    /// SYN to the ACK completing the handshake (`tcp.analysis.initial_rtt`).
    TcpHandshake,
    /// Query to its response (`dns.time`).
    DnsResponse,
    /// ClientHello to the later of the two Finished messages.
    TlsHandshake,
    /// The first version banner to the later of the two NEWKEYS messages.
    SshHandshake,
}

impl LatencyKind {
    pub const ALL: [LatencyKind; 4] = [
        LatencyKind::TcpHandshake,
        LatencyKind::DnsResponse,
        LatencyKind::TlsHandshake,
        LatencyKind::SshHandshake,
    ];

    /// Position in [`LatencyKind::ALL`], for tables indexed by kind.
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn label(self) -> &'static str {
        match self {
            LatencyKind::TcpHandshake => "TCP handshake RTT",
            LatencyKind::DnsResponse => "DNS response time",
            LatencyKind::TlsHandshake => "TLS handshake duration",
            LatencyKind::SshHandshake => "SSH handshake duration",
        }
    }
}

/// One latency measured on a packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Latency {
    pub kind: LatencyKind,
    pub value: Duration,
}

/// The packet-list line, computed on the fast path.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub src: Address,
    pub dst: Address,
    pub src_port: Option<u16>,
    pub dst_port: Option<u16>,
    /// Protocol column: the short name of the topmost layer that claimed it.
    pub protocol: &'static str,
    pub info: String,
}

crate::declare_fields! {
    WS_EXPERT = "_ws.expert", "Expert Info", None;
    #[hidden] WS_EXPERT_MESSAGE = "_ws.expert.message", "Message", String;
    WS_EXPERT_SEVERITY = "_ws.expert.severity", "Severity level", U32;
    WS_EXPERT_GROUP = "_ws.expert.group", "Group", U32;
}

/// Nesting limit for the field tree; deeper additions are flattened onto this level.
pub const MAX_DEPTH: u8 = 32;

/// Upper bound on expert items per packet; past it one more says so and the
/// rest are dropped.
pub const MAX_EXPERTS_PER_PACKET: usize = 10_000;

/// Upper bound on field nodes per packet, so a hostile packet cannot grow the tree without bound.
pub const MAX_FIELDS_PER_PACKET: usize = 100_000;

/// A dissected packet and the builder dissectors write into.
#[derive(Debug, Default)]
pub struct Packet {
    /// Record the field tree (slow path) or only the summary (fast path).
    pub tree: bool,
    pub layers: Vec<Layer>,
    pub fields: Vec<FieldNode>,
    pub experts: Vec<Expert>,
    /// The protocol chain, as tshark's `frame.protocols` lists it.
    pub protocols: Vec<&'static str>,
    pub summary: Summary,
    /// The addresses and ports of every header, in order (`eth.src`, `ip.dst`, `tcp.port`…),
    /// kept outside the summary, which ICMP errors restore after their quoted packet.
    pub facts: Vec<NetFact>,
    /// Extra data sources (reassembled or decrypted bytes); index `i` is source `i + 1`.
    pub sources: Vec<DataSource>,
    /// Latencies this packet completed (a handshake, a DNS answer), on both
    /// paths: what latency statistics collect without the tree.
    pub latencies: Vec<Latency>,
    /// Text appended to fields' tree lines (see [`Packet::append_text`]):
    /// the field's index and a range of `appended_text`.
    appended: Vec<(u32, std::ops::Range<u32>)>,
    /// Tree lines written in place of fields' own (see [`Packet::set_text`]),
    /// kept in `appended_text` as the appended ones are.
    replaced: Vec<(u32, std::ops::Range<u32>)>,
    appended_text: String,
    depth: u8,
    fields_capped: bool,
    current_source: SourceId,
}

impl Packet {
    /// A packet buffer that records the full tree when `tree` is set.
    pub fn new(tree: bool) -> Self {
        Packet {
            tree,
            ..Default::default()
        }
    }

    /// Empties the buffers for the next frame, keeping their capacity.
    pub fn clear(&mut self) {
        self.layers.clear();
        self.fields.clear();
        self.experts.clear();
        self.protocols.clear();
        self.summary.src = Address::None;
        self.summary.dst = Address::None;
        self.summary.src_port = None;
        self.summary.dst_port = None;
        self.summary.protocol = "";
        self.summary.info.clear();
        self.facts.clear();
        self.latencies.clear();
        self.appended.clear();
        self.replaced.clear();
        self.appended_text.clear();
        self.depth = 0;
        self.fields_capped = false;
        self.sources.clear();
        self.current_source = FRAME_SOURCE;
    }

    /// Starts a new layer covering `span` and makes it current. Returns its index.
    pub fn begin_layer(&mut self, proto: &'static Protocol, span: Span) -> u8 {
        self.protocols.push(proto.name);
        self.layers.push(Layer {
            proto,
            span,
            source: self.current_source,
            title: String::new(),
            malformed: false,
        });
        self.summary.protocol = proto.short;
        self.depth = 0;
        (self.layers.len() - 1) as u8
    }

    /// Adds a name to the protocol chain without a layer of its own (tshark's `ethertype`).
    pub fn push_protocol_name(&mut self, name: &'static str) {
        self.protocols.push(name);
    }

    /// The index of the current layer.
    pub fn current_layer(&self) -> u8 {
        self.layers.len().saturating_sub(1) as u8
    }

    /// Shrinks or grows the current layer's span once its real length is known.
    pub fn set_layer_len(&mut self, len: usize) {
        if let Some(l) = self.layers.last_mut() {
            l.span.len = len as u32;
        }
    }

    /// Sets the current layer's tree line (tree mode only).
    pub fn set_title(&mut self, f: impl FnOnce(&mut String)) {
        if self.tree {
            if let Some(l) = self.layers.last_mut() {
                l.title.clear();
                f(&mut l.title);
            }
        }
    }

    /// Adds a field to the current layer at the current depth.
    #[inline]
    pub fn add(&mut self, def: &'static FieldDef, span: Span, value: Value) {
        if self.tree {
            let layer = self.current_layer();
            self.push_node(def, span, value, layer, self.depth);
        }
    }

    /// Adds a field whose value is costly to build; `value` runs only in tree mode.
    #[inline]
    pub fn add_with(&mut self, def: &'static FieldDef, span: Span, value: impl FnOnce() -> Value) {
        if self.tree {
            self.add(def, span, value());
        }
    }

    /// Adds a field to an earlier layer at its top level (an Ethernet trailer found
    /// only once the inner protocol said how long it was).
    pub fn add_to_layer(&mut self, layer: u8, def: &'static FieldDef, span: Span, value: Value) {
        if self.tree {
            self.push_node(def, span, value, layer, 0);
        }
    }

    fn push_node(
        &mut self,
        def: &'static FieldDef,
        span: Span,
        value: Value,
        layer: u8,
        depth: u8,
    ) {
        if self.fields.len() >= MAX_FIELDS_PER_PACKET {
            if !self.fields_capped {
                self.fields_capped = true;
                self.experts.push(Expert {
                    severity: Severity::Warn,
                    group: Group::Undecoded,
                    message: Cow::Owned(format!(
                        "field limit reached: only the first {MAX_FIELDS_PER_PACKET} fields are shown"
                    )),
                    layer,
                    span,
                    name: None,
                });
            }
            return;
        }
        self.fields.push(FieldNode {
            def,
            span,
            value,
            layer,
            depth,
            source: self.current_source,
        });
    }

    /// Appends text to the tree line of the field added last (tree mode
    /// only), as Wireshark's `proto_item_append_text` does: what the line
    /// says beyond the value (`Checksum: 0x3bc0 [correct]`, the option
    /// names after `Options: (24 bytes)`). JSON and filters do not see it.
    pub fn append_text(&mut self, f: impl FnOnce(&mut String)) {
        if let Some(last) = self.fields.len().checked_sub(1) {
            self.append_text_to(last, f);
        }
    }

    /// Appends text to the tree line of field `node`, one added earlier
    /// (its index is [`Packet::fields`]' length before it was added).
    pub fn append_text_to(&mut self, node: usize, f: impl FnOnce(&mut String)) {
        if !self.tree || node >= self.fields.len() {
            return;
        }
        let start = self.appended_text.len();
        f(&mut self.appended_text);
        let end = self.appended_text.len();
        if end > start {
            self.appended.push((node as u32, start as u32..end as u32));
        }
    }

    /// Writes the tree line of the field added last in place of the one its
    /// definition would give (tree mode only), as Wireshark's
    /// `proto_item_set_text` does: for lines that carry what the value alone
    /// does not (`Address[2]: 2001:db8::1`, the list of a datagram's
    /// fragments). Text appended later still follows it; JSON and filters see
    /// the value as before.
    pub fn set_text(&mut self, f: impl FnOnce(&mut String)) {
        let Some(last) = self.fields.len().checked_sub(1) else {
            return;
        };
        if !self.tree {
            return;
        }
        let start = self.appended_text.len();
        f(&mut self.appended_text);
        let end = self.appended_text.len();
        self.replaced.retain(|(n, _)| *n as usize != last);
        self.replaced.push((last as u32, start as u32..end as u32));
    }

    /// The line [`Packet::set_text`] wrote for field `node`, if it did.
    pub fn replaced_text(&self, node: usize) -> Option<&str> {
        self.replaced
            .iter()
            .rev()
            .find(|(n, _)| *n as usize == node)
            .map(|(_, r)| {
                self.appended_text
                    .get(r.start as usize..r.end as usize)
                    .unwrap_or("")
            })
    }

    /// The text appended to field `node`'s tree line, in the order it was appended.
    pub fn appended_text(&self, node: usize) -> impl Iterator<Item = &str> {
        self.appended
            .iter()
            .filter(move |(n, _)| *n as usize == node)
            .map(|(_, r)| {
                self.appended_text
                    .get(r.start as usize..r.end as usize)
                    .unwrap_or("")
            })
    }

    /// Runs `f` with following fields nested under the last one added.
    #[inline]
    pub fn subtree<R>(&mut self, f: impl FnOnce(&mut Packet) -> R) -> R {
        let saved = self.depth;
        self.depth = (self.depth + 1).min(MAX_DEPTH);
        let r = f(self);
        self.depth = saved;
        r
    }

    /// Adds a field and nests what `f` adds under it.
    #[inline]
    pub fn add_tree<R>(
        &mut self,
        def: &'static FieldDef,
        span: Span,
        value: Value,
        f: impl FnOnce(&mut Packet) -> R,
    ) -> R {
        self.add(def, span, value);
        self.subtree(f)
    }

    /// Records an expert item on the current layer.
    pub fn expert(
        &mut self,
        severity: Severity,
        group: Group,
        span: Span,
        message: impl Into<Cow<'static, str>>,
    ) {
        let layer = self.current_layer();
        self.push_expert(Expert {
            severity,
            group,
            message: message.into(),
            layer,
            span,
            name: None,
        });
    }

    /// Keeps an expert item unless the packet has [`MAX_EXPERTS_PER_PACKET`]
    /// already; the first one dropped is replaced by a note saying so.
    fn push_expert(&mut self, e: Expert) {
        match self.experts.len() {
            n if n < MAX_EXPERTS_PER_PACKET => self.experts.push(e),
            n if n == MAX_EXPERTS_PER_PACKET => self.experts.push(Expert {
                severity: Severity::Warn,
                group: Group::Undecoded,
                message: Cow::Owned(format!(
                    "expert item limit reached: only the first {MAX_EXPERTS_PER_PACKET} are shown"
                )),
                name: None,
                ..e
            }),
            _ => {}
        }
    }

    /// Records an expert item that has a field name of its own, as Wireshark's
    /// expert fields do. In tree mode it also appears in the tree where it was
    /// raised, as tshark's `_ws.expert` node: the name (filterable, printed as 1
    /// by `-T fields`), the message, the severity and the group.
    pub fn expert_field(
        &mut self,
        name: &'static FieldDef,
        severity: Severity,
        group: Group,
        span: Span,
        message: impl Into<Cow<'static, str>>,
    ) {
        let message = message.into();
        if self.tree {
            self.add_tree(&WS_EXPERT, span, Value::None, |p| {
                p.add(name, span, Value::None);
                p.add(
                    &WS_EXPERT_MESSAGE,
                    span,
                    Value::Str(message.as_ref().into()),
                );
                p.add(&WS_EXPERT_SEVERITY, span, Value::Uint(severity.ws_value()));
                p.add(&WS_EXPERT_GROUP, span, Value::Uint(group.ws_value()));
            });
        }
        let layer = self.current_layer();
        self.push_expert(Expert {
            severity,
            group,
            message,
            layer,
            span,
            name: Some(name),
        });
    }

    /// Marks the current layer malformed with an error expert item; what was decoded stays.
    pub fn malformed(&mut self, span: Span, message: impl Into<Cow<'static, str>>) {
        self.mark_malformed();
        self.expert(Severity::Error, Group::Malformed, span, message);
    }

    /// Marks the current layer malformed; the expert item saying why is the caller's.
    pub fn mark_malformed(&mut self) {
        if let Some(l) = self.layers.last_mut() {
            l.malformed = true;
        }
    }

    /// Replaces the Info column text.
    pub fn set_info(&mut self, f: impl FnOnce(&mut String)) {
        self.summary.info.clear();
        f(&mut self.summary.info);
    }

    /// Appends to the Info column text.
    pub fn append_info(&mut self, text: &str) {
        self.summary.info.push_str(text);
    }

    /// Appends formatted text to the Info column.
    pub fn append_info_fmt(&mut self, args: std::fmt::Arguments<'_>) {
        let _ = self.summary.info.write_fmt(args);
    }

    /// Sets the addresses shown in the Source and Destination columns.
    pub fn set_addresses(&mut self, src: Address, dst: Address) {
        self.summary.src = src;
        self.summary.dst = dst;
    }

    /// Records the addresses or ports of a header for fast-path filtering.
    #[inline]
    pub fn note(&mut self, fact: NetFact) {
        // Bounded like the tree: a hostile packet cannot grow the list without limit.
        if self.facts.len() < 256 {
            self.facts.push(fact);
        }
    }

    /// Adds a data source (reassembled or decrypted bytes) and returns its id.
    /// Returns `None` past 255 sources, so a hostile capture cannot grow the list.
    pub fn add_source(
        &mut self,
        name: impl Into<Cow<'static, str>>,
        bytes: &[u8],
    ) -> Option<SourceId> {
        if self.sources.len() >= SourceId::MAX as usize {
            return None;
        }
        // The fast path records no fields that could point into the bytes:
        // it keeps the name only, so a large reassembled body is not copied
        // once more per packet.
        let bytes = if self.tree {
            bytes.into()
        } else {
            Box::default()
        };
        self.sources.push(DataSource {
            name: name.into(),
            bytes,
        });
        Some(self.sources.len() as SourceId)
    }

    /// Runs `f` with the layers and fields it adds referring to data source `source`.
    pub fn with_source<R>(&mut self, source: SourceId, f: impl FnOnce(&mut Packet) -> R) -> R {
        let saved = self.current_source;
        self.current_source = source;
        let r = f(self);
        self.current_source = saved;
        r
    }

    /// The bytes of data source `source`; `frame` is the frame's own bytes.
    pub fn source_data<'a>(&'a self, source: SourceId, frame: &'a [u8]) -> &'a [u8] {
        match source {
            FRAME_SOURCE => frame,
            n => self
                .sources
                .get(n as usize - 1)
                .map(|s| &s.bytes[..])
                .unwrap_or(&[]),
        }
    }

    /// The bytes a field's span refers to the data of (its data source).
    pub fn node_data<'a>(&'a self, node: &FieldNode, frame: &'a [u8]) -> &'a [u8] {
        self.source_data(node.source, frame)
    }

    /// The fields of one layer, in tree order.
    pub fn layer_fields(&self, layer: u8) -> impl Iterator<Item = &FieldNode> {
        self.fields.iter().filter(move |f| f.layer == layer)
    }

    /// The first value of a field by name, searching the whole tree.
    pub fn find(&self, name: &str) -> Option<&FieldNode> {
        self.fields.iter().find(|f| f.def.name == name)
    }

    /// Every value of a field by name.
    pub fn find_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a FieldNode> + 'a {
        self.fields.iter().filter(move |f| f.def.name == name)
    }

    /// Whether any layer is marked malformed.
    pub fn is_malformed(&self) -> bool {
        self.layers.iter().any(|l| l.malformed)
    }

    /// The worst expert severity in the packet.
    pub fn worst_severity(&self) -> Option<Severity> {
        self.experts.iter().map(|e| e.severity).max()
    }
}

#[cfg(test)]
mod limit_tests {
    use super::*;

    #[test]
    fn expert_items_stop_at_the_limit_with_a_note() {
        let mut p = Packet::new(true);
        for _ in 0..MAX_EXPERTS_PER_PACKET + 50 {
            p.expert(Severity::Note, Group::Sequence, Span::new(0, 1), "again");
        }
        assert_eq!(p.experts.len(), MAX_EXPERTS_PER_PACKET + 1);
        let last = p.experts.last().map(|e| e.message.to_string());
        assert!(last.is_some_and(|m| m.contains("expert item limit reached")));
    }
}

#[cfg(test)]
mod tests {
    use super::{LatencyKind, Packet};
    use crate::model::{Protocol, Span, Value};

    #[test]
    fn latency_kinds_are_listed_in_index_order() {
        for (i, kind) in LatencyKind::ALL.iter().enumerate() {
            assert_eq!(kind.index(), i, "{kind:?}");
        }
    }

    static TEST: Protocol = Protocol {
        name: "test",
        label: "Test",
        short: "TEST",
    };

    // Only the definitions are used here, not the module's field list.
    #[allow(dead_code)]
    mod defs {
        crate::declare_fields! {
            ADDR = "test.addr", "Address", Ipv4;
            #[generated] COUNT = "test.count", "Count", U32;
        }
    }
    use defs::{ADDR, COUNT};

    fn line(p: &Packet, i: usize) -> String {
        let mut out = String::new();
        p.node_text(&mut out, i, &[]);
        out
    }

    /// `set_text` replaces the line a field's definition gives; what is
    /// appended afterwards follows it, a generated item keeps its brackets,
    /// and the value filters and JSON see is untouched.
    #[test]
    fn set_text_writes_the_line_in_place_of_the_definitions() {
        let mut p = Packet::new(true);
        p.begin_layer(&TEST, Span::new(0, 0));
        p.add(&ADDR, Span::new(0, 0), Value::Ipv4([192, 0, 2, 1]));
        assert_eq!(line(&p, 0), "Address: 192.0.2.1");
        p.set_text(|t| t.push_str("Address[2]: 192.0.2.1"));
        p.append_text(|t| t.push_str(" (last)"));
        p.add(&COUNT, Span::new(0, 0), Value::Uint(3));
        p.set_text(|t| t.push_str("3 fragments"));
        assert_eq!(line(&p, 0), "Address[2]: 192.0.2.1 (last)");
        assert_eq!(line(&p, 1), "[3 fragments]");
        assert_eq!(p.fields[0].value, Value::Ipv4([192, 0, 2, 1]));
        p.clear();
        p.begin_layer(&TEST, Span::new(0, 0));
        p.add(&ADDR, Span::new(0, 0), Value::Ipv4([192, 0, 2, 1]));
        assert_eq!(line(&p, 0), "Address: 192.0.2.1", "cleared with the packet");
    }

    /// On the fast path no tree is kept, so nothing is written.
    #[test]
    fn set_text_without_a_tree_keeps_nothing() {
        let mut p = Packet::new(false);
        p.begin_layer(&TEST, Span::new(0, 0));
        p.add(&ADDR, Span::new(0, 0), Value::Ipv4([192, 0, 2, 1]));
        p.set_text(|t| t.push_str("unused"));
        assert_eq!(p.replaced_text(0), None);
    }
}
