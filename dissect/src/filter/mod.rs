//! Wireshark's display-filter language: `tcp.port == 443 && ip.src == 10.0.0.0/8`.
//!
//! A filter goes through one stage per module, once: [`lexer`] (tokens with
//! positions), [`parser`] (syntax tree), [`check`] (field names against the
//! registry, literals typed by their field), [`compile`] (a program of typed
//! tests), then [`eval`] runs that program on every packet.
//!
//! Two speeds: a filter that reads only the protocol chain, addresses, ports
//! and frame facts ([`Filter::needs_tree`] is false) runs on packets dissected
//! without the field tree, the fast path; any other field needs the tree.

pub mod check;
pub mod compile;
pub mod eval;
pub mod lexer;
pub mod parser;

use std::fmt;

use crate::model::Packet;
use crate::FrameMeta;

/// A filter that failed to compile: what is wrong and where (byte offset).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterError {
    /// Byte offset in the filter string where the problem starts.
    pub pos: usize,
    pub message: String,
}

impl FilterError {
    pub fn new(pos: usize, message: impl Into<String>) -> Self {
        FilterError {
            pos,
            message: message.into(),
        }
    }

    /// The message with the filter and a caret under the offending spot, as tshark shows it.
    pub fn render(&self, filter: &str) -> String {
        let col = filter
            .get(..self.pos)
            .map_or(self.pos, |s| s.chars().count());
        format!("{}\n    {}\n    {}^", self.message, filter, " ".repeat(col))
    }
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at column {})", self.message, self.pos + 1)
    }
}

impl std::error::Error for FilterError {}

/// A compiled display filter.
#[derive(Debug)]
pub struct Filter {
    text: String,
    program: compile::Node,
    needs_tree: bool,
}

impl Filter {
    /// Compiles `text`; errors name the position and, for unknown fields, close names.
    pub fn compile(text: &str) -> Result<Filter, FilterError> {
        let tokens = lexer::tokenize(text)?;
        let ast = parser::parse(text, &tokens)?;
        let program = compile::compile(&ast)?;
        Ok(Filter {
            text: text.to_string(),
            needs_tree: compile::needs_tree(&program),
            program,
        })
    }

    /// The filter as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether packets must be dissected with the field tree for this filter;
    /// when false the fast path (`Packet::new(false)`) gives the same answer.
    pub fn needs_tree(&self) -> bool {
        self.needs_tree
    }

    /// Whether the filter reads only what a packet index keeps: addresses and
    /// ports, frame number, lengths and time, protocol presence and named
    /// expert items (see [`compile::summary_only`]). Such a filter gives the
    /// same answer on a packet rebuilt from those facts alone.
    pub fn summary_only(&self) -> bool {
        compile::summary_only(&self.program)
    }

    /// The field and protocol names the filter reads.
    pub fn fields(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        compile::for_each_field(&self.program, &mut |r| {
            if !out.contains(&r.name) {
                out.push(r.name)
            }
        });
        out
    }

    /// Whether the dissected packet `pkt` (frame `meta`, bytes `data`) passes.
    pub fn matches(&self, pkt: &Packet, meta: &FrameMeta<'_>, data: &[u8]) -> bool {
        eval::eval(&self.program, &eval::EvalCx { pkt, data, meta })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::Timestamp;
    use crate::testutil::{dissect_frame_fast, dissect_frame_for_test, CorpusFrame};
    use crate::LinkType;

    /// mixed/http_get.pcap frame 4: 141.142.228.5:59856 → 192.150.187.43:80, `GET /download/CHANGES.bro-aux.txt`.
    const GET: CorpusFrame = CorpusFrame::new("mixed/http_get.pcap", 4);

    /// Evaluates `filter` on the GET frame, dissected at the speed the filter asks for.
    fn on_get(filter: &str) -> bool {
        let bytes = GET.bytes();
        let f = Filter::compile(filter).unwrap();
        let pkt = if f.needs_tree() {
            dissect_frame_for_test(LinkType::ETHERNET, &bytes)
        } else {
            dissect_frame_fast(LinkType::ETHERNET, &bytes)
        };
        let meta = FrameMeta::new(4, Timestamp::new(1_362_692_527, 0), 202, LinkType::ETHERNET);
        f.matches(&pkt, &meta, &bytes)
    }

    #[test]
    fn summary_only_filters_read_no_tree_and_no_bytes() {
        for f in [
            "tcp",
            "ip.addr == 10.0.0.0/8 && tcp.port in {80 443}",
            "frame.number > 3 || frame.len < 100",
            "tcp.analysis.retransmission",
            "!udp && eth.addr == ff:ff:ff:ff:ff:ff",
        ] {
            assert!(Filter::compile(f).unwrap().summary_only(), "{f}");
        }
        for f in [
            "tcp.flags.syn == 1",
            "tcp contains \"GET\"",
            "tcp[0:2] == 00:50",
            "dns.qry.name",
        ] {
            assert!(!Filter::compile(f).unwrap().summary_only(), "{f}");
        }
    }

    #[test]
    fn repeated_fields_any_and_all() {
        // ip.addr has two values: == is "any", != is "none equal", ~= is "some differs".
        assert!(on_get("ip.addr == 141.142.228.5"));
        assert!(on_get("ip.addr == 192.150.187.43"));
        assert!(!on_get("ip.addr != 141.142.228.5"));
        assert!(on_get("ip.addr ~= 141.142.228.5"));
        assert!(on_get("ip.addr != 10.0.0.1"));
        // Absent fields make every comparison false, `!=` included.
        assert!(!on_get("udp.port != 53"));
        assert!(on_get("!(udp.port == 53)"));
    }

    #[test]
    fn values_of_every_kind() {
        for f in [
            "tcp.port in {80, 443}",
            "tcp.srcport in {50000..60000}",
            "ip.src == 141.142.0.0/16 && ip.dst == 192.150.187.0/24",
            "eth.src[0:3] == c8:bc:c8 && eth.dst == 00:10:db:88:d2:ef",
            "eth.src[-1] == a0",
            "tcp contains \"GET\" && frame contains 0d:0a:0d:0a",
            "tcp matches \"(?i)get /download\"",
            "frame.len == 202 && frame.number == 4",
            "frame.time >= \"2013-03-07 21:42:07\" && frame.time < \"Mar 7, 2013 21:42:08\"",
            "ip.proto == TCP && eth.type == 0x0800",
            "tcp.flags.push == 1 and tcp.flags.ack == True",
            "tcp.flags & 0x18 == 0x18",
            "len(tcp.payload) == 136",
            "ip.ttl == 64 && ip.flags.df == 1",
            "not arp and (udp or tcp) and !icmp",
            "tcp.srcport > tcp.dstport",
        ] {
            assert!(on_get(f), "{f}");
        }
        for f in [
            "tcp.port in {22, 443}",
            "eth.src[0:3] == 00:10:db",
            "tcp matches \"^POST\"",
        ] {
            assert!(!on_get(f), "{f}");
        }
    }

    #[test]
    fn fast_path_and_tree_agree() {
        let bytes = GET.bytes();
        let meta = FrameMeta::new(4, Timestamp::new(1_362_692_527, 0), 202, LinkType::ETHERNET);
        let fast = dissect_frame_fast(LinkType::ETHERNET, &bytes);
        let tree = dissect_frame_for_test(LinkType::ETHERNET, &bytes);
        for text in [
            "ip.src == 141.142.228.5 && tcp.dstport == 80",
            "eth.addr == c8:bc:c8:96:d2:a0",
            "tcp.port == 443 || ip.dst == 10.0.0.0/8",
            "tcp contains \"Wget\"",
        ] {
            let f = Filter::compile(text).unwrap();
            assert!(!f.needs_tree(), "{text}");
            assert_eq!(
                f.matches(&fast, &meta, &bytes),
                f.matches(&tree, &meta, &bytes),
                "{text}"
            );
        }
    }

    #[test]
    fn errors_carry_positions() {
        let e = Filter::compile("tcp.port == 80 && ip.sorc == 1.2.3.4").unwrap_err();
        assert_eq!(e.pos, 18);
        assert!(e.message.contains("ip.src"), "{}", e.message);
        assert_eq!(Filter::compile("tcp.port == 8o").unwrap_err().pos, 12);
        assert_eq!(Filter::compile("((tcp)").unwrap_err().pos, 0);
        assert_eq!(Filter::compile("eth.src[0:x] == 00").unwrap_err().pos, 7);
    }
}
