//! DNS (RFC 1035 and successors), and mDNS (RFC 6762) and LLMNR (RFC 4795)
//! which share its message format. [`dissect_message`] takes one whole
//! message, so DNS over TCP can hand it each message once the 2-byte length
//! prefix is stripped.

pub mod parser;
pub mod state;
pub mod tree;
pub mod types;

use std::fmt::Write as _;

use crate::dissector::Cx;
use crate::flow::{ConvKey, Endpoint};
use crate::model::{Group, Latency, LatencyKind, Packet, Protocol, Severity, Span, Value};
use parser::{EntryError, HEADER_LEN};

pub use tree::FIELDS;

pub static DNS: Protocol = Protocol {
    name: "dns",
    label: "Domain Name System",
    short: "DNS",
};

pub static MDNS: Protocol = Protocol {
    name: "mdns",
    label: "Multicast Domain Name System",
    short: "MDNS",
};

pub static LLMNR: Protocol = Protocol {
    name: "llmnr",
    label: "Link-local Multicast Name Resolution",
    short: "LLMNR",
};

/// What Wireshark appends to Info when a message runs past its end (an exception there).
const MALFORMED_INFO: &str = "[Malformed Packet]";

/// Which of the DNS-framed protocols a message belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    Dns,
    Mdns,
    Llmnr,
}

impl Flavor {
    fn protocol(self) -> &'static Protocol {
        match self {
            Flavor::Dns => &DNS,
            Flavor::Mdns => &MDNS,
            Flavor::Llmnr => &LLMNR,
        }
    }
}

/// Dissects a UDP payload as one message of `flavor`. Claims all of it.
pub fn dissect_udp(cx: &mut Cx<'_>, off: usize, buf: &[u8], flavor: Flavor) -> usize {
    dissect_message_as(cx, off, buf, flavor);
    buf.len()
}

/// Dissects one whole DNS message at absolute offset `off`.
pub fn dissect_message(cx: &mut Cx<'_>, off: usize, msg: &[u8]) {
    dissect_message_as(cx, off, msg, Flavor::Dns);
}

/// Dissects one whole message of `flavor` at absolute offset `off`.
pub fn dissect_message_as(cx: &mut Cx<'_>, off: usize, msg: &[u8], flavor: Flavor) {
    cx.pkt
        .begin_layer(flavor.protocol(), Span::new(off, msg.len()));
    message(cx, off, msg, flavor);
}

/// Dissects one DNS-over-TCP message (RFC 1035 section 4.2.2) at absolute
/// offset `off`: `pdu` is the 2-byte length prefix and the message it announces,
/// as stream reassembly delivers it. The layer covers both, as tshark's does.
/// DNS over TCP frames each message with a 2-byte length (RFC 1035 4.2.2).
pub struct TcpFraming;

impl crate::flow::reassembly::PduParser for TcpFraming {
    fn pdu_len(&mut self, buf: &[u8]) -> crate::flow::reassembly::PduLen {
        use crate::flow::reassembly::PduLen;
        let Some(prefix) = buf.get(..2) else {
            return PduLen::NeedMore(2 - buf.len());
        };
        let len = 2 + u16::from_be_bytes([prefix[0], prefix[1]]) as usize;
        if buf.len() >= len {
            PduLen::Complete(len)
        } else {
            PduLen::NeedMore(len - buf.len())
        }
    }
}

/// A reassembled DNS-over-TCP PDU (length prefix included), as stream
/// reassembly hands it over.
pub fn dissect_tcp_pdu(cx: &mut Cx<'_>, off: usize, pdu: &[u8]) -> usize {
    dissect_tcp_message(cx, off, pdu);
    pdu.len()
}

pub fn dissect_tcp_message(cx: &mut Cx<'_>, off: usize, pdu: &[u8]) {
    cx.pkt.begin_layer(&DNS, Span::new(off, pdu.len()));
    let Some(prefix) = pdu.get(..2) else {
        cx.pkt.set_title(|t| t.push_str(DNS.label));
        cx.pkt.malformed(
            Span::new(off, pdu.len()),
            "DNS over TCP length prefix cut short",
        );
        return;
    };
    let len = u16::from_be_bytes([prefix[0], prefix[1]]);
    cx.pkt
        .add(&tree::LENGTH, Span::new(off, 2), Value::Uint(len.into()));
    let msg = &pdu[2..];
    let msg = msg.get(..len as usize).unwrap_or(msg);
    message(cx, off + 2, msg, Flavor::Dns);
}

/// The message itself, in the layer the caller began.
fn message(cx: &mut Cx<'_>, off: usize, msg: &[u8], flavor: Flavor) {
    let proto = flavor.protocol();
    let Ok((_, h)) = parser::header(msg) else {
        cx.pkt.set_title(|t| t.push_str(proto.label));
        cx.pkt.malformed(
            Span::new(off, msg.len()),
            format!("DNS message shorter than its {HEADER_LEN}-byte header"),
        );
        // Wireshark clears Info first; the exception leaves only its mark.
        cx.pkt.set_info(|i| i.push_str(MALFORMED_INFO));
        return;
    };
    let response = h.is_response();
    cx.pkt.set_title(|t| {
        let _ = write!(
            t,
            "{} ({})",
            proto.label,
            if response { "response" } else { "query" }
        );
    });
    write_info_head(&mut cx.pkt.summary.info, &h);
    let m = match_transaction(cx, &h, msg);
    if let Some((_, dt)) = m.response_to {
        cx.pkt.latencies.push(Latency {
            kind: LatencyKind::DnsResponse,
            value: dt,
        });
    }
    let id_span = Span::new(off, 2);
    tree::header(cx.pkt, off, &h, flavor == Flavor::Llmnr, |p| {
        retransmission_expert(p, id_span, &m)
    });
    let mdns = flavor == Flavor::Mdns;
    let mut pos = HEADER_LEN;
    let counts = [h.qdcount, h.ancount, h.nscount, h.arcount];
    for (section, &count) in counts.iter().enumerate() {
        if count == 0 {
            continue;
        }
        let def = tree::section_def(section);
        let start = pos;
        let node = cx.pkt.fields.len();
        cx.pkt.add(def, Span::new(off + pos, 0), Value::None);
        let result = cx
            .pkt
            .subtree(|p| section_entries(p, off, msg, section, count, &mut pos, mdns));
        if let Some(n) = cx.pkt.fields.get_mut(node) {
            n.span = Span::new(off + start, pos.min(msg.len()) - start);
        }
        match result {
            Ok(None) => {}
            Ok(Some(at)) => {
                cx.pkt.malformed(
                    Span::new(off + at, msg.len().saturating_sub(at)),
                    "DNS record data is malformed",
                );
                break;
            }
            Err(e) => {
                entry_error(cx, off, msg, section, e);
                break;
            }
        }
    }
    transaction_fields(cx.pkt, Span::new(off, msg.len().min(HEADER_LEN)), &m);
}

/// How reading a section ended early: the data of a record at this offset is
/// malformed (its header is fine), or an entry could not be read at all.
type SectionEnd = Result<Option<usize>, EntryError>;

/// Reads the `count` entries of one section from `*pos` on, adding their fields
/// and Info text; `*pos` ends after the last entry read whole.
fn section_entries(
    p: &mut Packet,
    off: usize,
    msg: &[u8],
    section: usize,
    count: u16,
    pos: &mut usize,
    mdns: bool,
) -> SectionEnd {
    for _ in 0..count {
        if section == 0 {
            let q = match parser::question(msg, *pos) {
                Ok(q) => q,
                Err(e) => {
                    if let EntryError::Name(name, at) = &e {
                        // Keep the question's name as Wireshark shows it: its placeholder.
                        tree::bad_question_name(p, off, *at, name);
                    }
                    return Err(e);
                }
            };
            p.summary.info.push(' ');
            types::write_type(&mut p.summary.info, q.qtype);
            p.summary.info.push(' ');
            p.summary.info.push_str(&q.name.text);
            if mdns {
                p.summary.info.push_str(tree::qu_text(q.qclass));
            }
            tree::question(p, off, &q, mdns);
            *pos += q.wire_len();
        } else {
            let r = parser::record(msg, *pos)?;
            let mut rt = tree::RecordText::default();
            let ok = tree::record(p, off, msg, &r, mdns, &mut rt);
            p.summary.info.push(' ');
            types::write_type(&mut p.summary.info, r.rtype);
            if mdns && r.rtype != types::T_OPT && r.class & 0x8000 != 0 {
                p.summary.info.push_str(", cache flush");
            }
            p.summary.info.push_str(&rt.info);
            if r.truncated() {
                return Err(EntryError::Truncated(r.name.clone(), r.start));
            }
            if !ok {
                return Ok(Some(r.rdata_at));
            }
            *pos += r.wire_len();
        }
    }
    Ok(None)
}

/// Reports a section entry that could not be read; what was read of it stays.
fn entry_error(cx: &mut Cx<'_>, off: usize, msg: &[u8], section: usize, e: EntryError) {
    match e {
        EntryError::Name(name, at) => {
            let err = name.error.unwrap_or(parser::NameError::Truncated);
            cx.pkt.summary.info.push(' ');
            cx.pkt.summary.info.push_str(&name.text);
            if err == parser::NameError::Truncated {
                cx.pkt.append_info(MALFORMED_INFO);
            }
            cx.pkt
                .malformed(Span::new(off + at, name.wire_len.max(1)), err.message());
        }
        EntryError::Truncated(name, at) => {
            let what = if section == 0 {
                "question"
            } else {
                "resource record"
            };
            cx.pkt.malformed(
                Span::new(off + at, msg.len().saturating_sub(at)),
                format!(
                    "DNS {what} for {} runs past the end of the message",
                    name.text
                ),
            );
            cx.pkt.append_info(MALFORMED_INFO);
        }
    }
}

/// `Standard query 0x1234`, `Standard query response 0x1234 No such name`.
fn write_info_head(info: &mut String, h: &parser::Header) {
    info.clear();
    match types::opcode_name(h.opcode().into()) {
        Some(n) => info.push_str(n),
        None => {
            let _ = write!(info, "Unknown operation ({})", h.opcode());
        }
    }
    if h.is_response() {
        info.push_str(" response");
    }
    let _ = write!(info, " 0x{:04x}", h.id);
    if h.is_response() && h.rcode() != 0 {
        info.push(' ');
        match types::rcode_name(h.rcode().into()) {
            Some(n) => info.push_str(n),
            None => {
                let _ = write!(info, "Unknown error ({})", h.rcode());
            }
        }
    }
}

/// Links the message to its query or response in the same conversation.
fn match_transaction(cx: &mut Cx<'_>, h: &parser::Header, msg: &[u8]) -> state::Matched {
    let (Some(ip), Some(sport), Some(dport)) =
        (cx.ip, cx.pkt.summary.src_port, cx.pkt.summary.dst_port)
    else {
        return state::Matched::default();
    };
    // An ICMP error quotes a message already seen: it is not a new one.
    if cx.in_icmp_error {
        return state::Matched::default();
    }
    let (conv, _) = ConvKey::new(
        Endpoint {
            addr: ip.src,
            port: sport,
        },
        Endpoint {
            addr: ip.dst,
            port: dport,
        },
    );
    // The first question's name, for the flow summary (`wirelens flows`).
    let name = if h.qdcount > 0 {
        parser::question(msg, HEADER_LEN)
            .ok()
            .filter(|q| q.name.error.is_none())
            .map(|q| q.name.text)
    } else {
        None
    };
    let rcode = (h.flags & 0xf) as u8;
    cx.state
        .dns
        .note_flow(conv, h.is_response(), rcode, name.as_deref());
    cx.state.dns.observe(
        conv,
        h.id,
        h.is_response(),
        cx.state.frame_number,
        cx.state.frame_ts,
    )
}

/// The retransmission expert item, shown under the transaction id as Wireshark does.
fn retransmission_expert(p: &mut Packet, span: Span, m: &state::Matched) {
    if let Some(first) = m.retransmitted_request_of {
        p.expert_field(
            &tree::RETRANSMIT_REQUEST,
            Severity::Warn,
            Group::Protocol,
            span,
            format!("DNS query retransmission. Original request in frame {first}"),
        );
    }
    if let Some(first) = m.retransmitted_response_of {
        p.expert_field(
            &tree::RETRANSMIT_RESPONSE,
            Severity::Warn,
            Group::Protocol,
            span,
            format!("DNS response retransmission. Original response in frame {first}"),
        );
    }
}

/// The matching fields at the end of the message's tree.
fn transaction_fields(p: &mut Packet, span: Span, m: &state::Matched) {
    if let Some(first) = m.retransmitted_request_of {
        p.add(&tree::RETRANSMIT_REQUEST_IN, span, Value::Uint(first));
        p.add(&tree::RETRANSMISSION, span, Value::Bool(true));
    }
    if let Some(first) = m.retransmitted_response_of {
        p.add(&tree::RETRANSMIT_RESPONSE_IN, span, Value::Uint(first));
        p.add(&tree::RETRANSMISSION, span, Value::Bool(true));
    }
    if let Some((frame, dt)) = m.response_to {
        p.add(&tree::RESPONSE_TO, span, Value::Uint(frame));
        p.add(&tree::TIME, span, Value::RelTime(dt));
    }
    if m.unsolicited {
        p.add(&tree::UNSOLICITED, span, Value::Bool(true));
    }
}

#[cfg(test)]
mod tests;
