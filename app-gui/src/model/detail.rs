//! The selected packet, dissected with its tree, and what part of it is
//! selected: the link between the detail tree and the hex view.

use wirelens_dissect::model::packet::{SourceId, FRAME_SOURCE};
use wirelens_dissect::model::Span;
use wirelens_dissect::Packet;

/// A packet with its full tree and its bytes.
#[derive(Debug)]
pub struct Detail {
    pub number: u64,
    pub packet: Packet,
    pub frame: Box<[u8]>,
}

/// What is selected in the tree: a layer's title line or one field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selected {
    Layer(usize),
    Field(usize),
}

impl Detail {
    pub fn new(number: u64, packet: Packet, frame: &[u8]) -> Detail {
        Detail {
            number,
            packet,
            frame: frame.into(),
        }
    }

    /// Names of the data sources, the frame first: the hex view's tabs.
    pub fn source_names(&self) -> Vec<String> {
        let mut names = vec![format!("Frame ({} bytes)", self.frame.len())];
        names.extend(
            self.packet
                .sources
                .iter()
                .map(|s| format!("{} ({} bytes)", s.name, s.bytes.len())),
        );
        names
    }

    pub fn source_bytes(&self, source: SourceId) -> &[u8] {
        self.packet.source_data(source, &self.frame)
    }

    /// The data source and byte range a selection covers.
    pub fn span_of(&self, sel: Selected) -> Option<(SourceId, Span)> {
        match sel {
            Selected::Layer(i) => self.packet.layers.get(i).map(|l| (l.source, l.span)),
            Selected::Field(i) => self.packet.fields.get(i).map(|f| (f.source, f.span)),
        }
    }

    /// The most specific tree item covering byte `offset` of `source`: the
    /// shortest field span holding it, the deepest of equal spans, the
    /// first of equally deep ones (`tcp.srcport` before the `tcp.port`
    /// that repeats it); with no field, the shortest layer. This is what a
    /// click on a byte selects.
    pub fn item_at(&self, source: SourceId, offset: usize) -> Option<Selected> {
        let holds =
            |s: SourceId, span: Span| s == source && span.len > 0 && span.range().contains(&offset);
        let shown = self.packet.shown_mask();
        let field = self
            .packet
            .fields
            .iter()
            .enumerate()
            .filter(|(i, f)| shown[*i] && holds(f.source, f.span))
            .min_by_key(|(i, f)| (f.span.len, std::cmp::Reverse(f.depth), *i))
            .map(|(i, _)| Selected::Field(i));
        field.or_else(|| {
            self.packet
                .layers
                .iter()
                .enumerate()
                .filter(|(_, l)| holds(l.source, l.span))
                .rev()
                .min_by_key(|(_, l)| l.span.len)
                .map(|(i, _)| Selected::Layer(i))
        })
    }

    /// The layer a selection belongs to.
    pub fn layer_of(&self, sel: Selected) -> Option<usize> {
        match sel {
            Selected::Layer(i) => Some(i),
            Selected::Field(i) => self.packet.fields.get(i).map(|f| f.layer as usize),
        }
    }

    /// Fields that enclose field `i` in the tree (its ancestors), outermost first.
    pub fn ancestors(&self, i: usize) -> Vec<usize> {
        let fields = &self.packet.fields;
        let Some(node) = fields.get(i) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut depth = node.depth;
        for j in (0..i).rev() {
            if depth == 0 {
                break;
            }
            let f = &fields[j];
            if f.layer != node.layer {
                break;
            }
            if f.depth < depth {
                out.push(j);
                depth = f.depth;
            }
        }
        out.reverse();
        out
    }

    /// A layer's tree line.
    pub fn layer_text(&self, i: usize) -> String {
        self.packet.layers.get(i).map_or_else(String::new, |l| {
            if l.title.is_empty() {
                l.proto.label.to_owned()
            } else {
                l.title.clone()
            }
        })
    }

    /// A field's tree line, as `tshark -V` prints it.
    pub fn field_text(&self, i: usize) -> String {
        let mut out = String::new();
        self.packet.node_text(&mut out, i, &self.frame);
        out
    }

    /// The first value of field `name` as a number (`tcp.stream`).
    pub fn number_of(&self, name: &str) -> Option<u64> {
        self.packet.find(name).and_then(|f| f.value.as_u64())
    }
}

/// The frame's own bytes.
pub const FRAME: SourceId = FRAME_SOURCE;
