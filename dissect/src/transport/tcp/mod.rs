//! TCP (RFC 9293): the header, its options and checksum, and what Wireshark
//! derives from the connection (`tcp.stream`, relative sequence numbers, the
//! scaled window, conversation times and the `tcp.analysis` SEQ/ACK analysis),
//! with fields, nesting and Info text as tshark 4.0 shows them.
//!
//! The order of the work follows Wireshark's `dissect_tcp`, because it is
//! visible: a header cut short ends the dissection where Wireshark's would stop
//! (an exception there), and the conversation state is updated only by the steps
//! that ran before.

pub mod options;

use std::fmt::Write as _;

use nom::number::complete::{be_u16, be_u32};
use nom::Parser;

use crate::app;
use crate::declare_fields;
use crate::dispatch;
use crate::dissector::Cx;
use crate::flow::tcp::{
    analysis as an, th, Acked, Conversation, SegmentFacts, WIN_SCALE_NONE, WIN_SCALE_UNKNOWN,
};
use crate::flow::{conntrack, ConvKey, Endpoint};
use crate::model::{
    Address, Duration, FieldDef, Group, Latency, LatencyKind, Packet, Protocol, Severity, Span,
    Value,
};
use crate::transport::checksum::{self, Verdict};

pub static TCP: Protocol = Protocol {
    name: "tcp",
    label: "Transmission Control Protocol",
    short: "TCP",
};

declare_fields! {
    SRCPORT = "tcp.srcport", "Source Port", U16;
    DSTPORT = "tcp.dstport", "Destination Port", U16;
    #[hidden] PORT = "tcp.port", "Source or Destination Port", U16;
    #[generated] STREAM = "tcp.stream", "Stream index", U32;
    #[generated] COMPLETENESS = "tcp.completeness", "Conversation completeness", U8, Dec, completeness_name;
    #[generated] LEN = "tcp.len", "TCP Segment Len", U32;
    SEQ = "tcp.seq", "Sequence Number", U32;
    SEQ_RAW = "tcp.seq_raw", "Sequence Number (raw)", U32;
    #[generated] NXTSEQ = "tcp.nxtseq", "Next Sequence Number", U32;
    ACK = "tcp.ack", "Acknowledgment Number", U32;
    ACK_RAW = "tcp.ack_raw", "Acknowledgment number (raw)", U32;
    #[format = hdr_len_text] HDR_LEN = "tcp.hdr_len", "Header Length", U8 & 0xf0;
    #[format = flags_text] FLAGS = "tcp.flags", "Flags", U16, Hex(4);
    FLAGS_RES = "tcp.flags.res", "Reserved", Bool(12) & 0xe00;
    FLAGS_AE = "tcp.flags.ae", "Accurate ECN", Bool(12) & 0x100;
    FLAGS_CWR = "tcp.flags.cwr", "Congestion Window Reduced", Bool(12) & 0x080;
    FLAGS_ECE = "tcp.flags.ece", "ECN-Echo", Bool(12) & 0x040;
    FLAGS_URG = "tcp.flags.urg", "Urgent", Bool(12) & 0x020;
    FLAGS_ACK = "tcp.flags.ack", "Acknowledgment", Bool(12) & 0x010;
    FLAGS_PUSH = "tcp.flags.push", "Push", Bool(12) & 0x008;
    FLAGS_RESET = "tcp.flags.reset", "Reset", Bool(12) & 0x004;
    FLAGS_SYN = "tcp.flags.syn", "Syn", Bool(12) & 0x002;
    FLAGS_FIN = "tcp.flags.fin", "Fin", Bool(12) & 0x001;
    #[generated] FLAGS_STR = "tcp.flags.str", "TCP Flags", String;
    WINDOW_SIZE_VALUE = "tcp.window_size_value", "Window", U16;
    #[generated] WINDOW_SIZE = "tcp.window_size", "Calculated window size", U32;
    #[format = scalefactor_text] WINDOW_SIZE_SCALEFACTOR = "tcp.window_size_scalefactor", "Window size scaling factor", I32;
    CHECKSUM = "tcp.checksum", "Checksum", U16, Hex(4);
    #[generated] CHECKSUM_STATUS = "tcp.checksum.status", "Checksum Status", U8, NameOnly, crate::names::checksum_status;
    #[generated] CHECKSUM_CALCULATED = "tcp.checksum_calculated", "Calculated Checksum", U16, Hex(4);
    URGENT_POINTER = "tcp.urgent_pointer", "Urgent Pointer", U16;
    #[format = options_text] OPTIONS = "tcp.options", "Options", Bytes;
    #[generated] TIMESTAMPS = "tcp_timestamps", "Timestamps", None;
    #[generated] TIME_RELATIVE = "tcp.time_relative", "Time since first frame in this TCP stream", RelTime;
    #[generated] TIME_DELTA = "tcp.time_delta", "Time since previous frame in this TCP stream", RelTime;
    #[generated] ANALYSIS = "tcp.analysis", "SEQ/ACK analysis", None;
    #[generated] ACKS_FRAME = "tcp.analysis.acks_frame", "This is an ACK to the segment in frame", FrameNum;
    #[generated] ACK_RTT = "tcp.analysis.ack_rtt", "The RTT to ACK the segment was", RelTime;
    #[generated] INITIAL_RTT = "tcp.analysis.initial_rtt", "iRTT", RelTime;
    #[generated] BYTES_IN_FLIGHT = "tcp.analysis.bytes_in_flight", "Bytes in flight", U32;
    #[generated] PUSH_BYTES_SENT = "tcp.analysis.push_bytes_sent", "Bytes sent since last PSH flag", U32;
    #[generated] ANALYSIS_FLAGS = "tcp.analysis.flags", "TCP Analysis Flags", None;
    #[generated] RTO = "tcp.analysis.rto", "The RTO for this segment was", RelTime;
    #[generated] RTO_FRAME = "tcp.analysis.rto_frame", "RTO based on delta from frame", FrameNum;
    #[format = duplicate_ack_text] DUPLICATE_ACK = "tcp.analysis.duplicate_ack", "Duplicate ACK", None;
    X_REUSED_PORTS = "tcp.analysis.reused_ports", "TCP port numbers reused", None;
    X_RETRANSMISSION = "tcp.analysis.retransmission", "Retransmission", None;
    X_FAST_RETRANSMISSION = "tcp.analysis.fast_retransmission", "Fast retransmission", None;
    X_SPURIOUS_RETRANSMISSION = "tcp.analysis.spurious_retransmission", "Spurious retransmission", None;
    X_OUT_OF_ORDER = "tcp.analysis.out_of_order", "Out-of-order segment", None;
    X_LOST_SEGMENT = "tcp.analysis.lost_segment", "Previous segment not captured", None;
    X_ACK_LOST_SEGMENT = "tcp.analysis.ack_lost_segment", "ACKed segment that wasn't captured", None;
    X_WINDOW_UPDATE = "tcp.analysis.window_update", "Window update", None;
    X_WINDOW_FULL = "tcp.analysis.window_full", "Window full", None;
    X_KEEP_ALIVE = "tcp.analysis.keep_alive", "Keep-alive", None;
    X_KEEP_ALIVE_ACK = "tcp.analysis.keep_alive_ack", "Keep-alive ACK", None;
    X_ZERO_WINDOW_PROBE = "tcp.analysis.zero_window_probe", "Zero window probe", None;
    X_ZERO_WINDOW = "tcp.analysis.zero_window", "Zero window", None;
    X_ZERO_WINDOW_PROBE_ACK = "tcp.analysis.zero_window_probe_ack", "Zero window probe ACK", None;
    #[generated] DUPLICATE_ACK_NUM = "tcp.analysis.duplicate_ack_num", "Duplicate ACK #", U32;
    #[generated] DUPLICATE_ACK_FRAME = "tcp.analysis.duplicate_ack_frame", "Duplicate to the ACK in frame", FrameNum;
    #[format = payload_text] PAYLOAD = "tcp.payload", "TCP payload", Bytes;
    RESET_CAUSE = "tcp.reset_cause", "Reset cause", String;
    CONNECTION_SYN = "tcp.connection.syn", "Connection establish request (SYN)", None;
    CONNECTION_SYNACK = "tcp.connection.synack", "Connection establish acknowledge (SYN+ACK)", None;
    CONNECTION_FIN = "tcp.connection.fin", "Connection finish (FIN)", None;
    CONNECTION_FIN_ACTIVE = "tcp.connection.fin_active", "This frame initiates the connection closing", None;
    CONNECTION_FIN_PASSIVE = "tcp.connection.fin_passive", "This frame undergoes the connection closing", None;
    CONNECTION_RST = "tcp.connection.rst", "Connection reset (RST)", None;
    ACK_NONZERO = "tcp.ack.nonzero", "The acknowledgment number field is nonzero while the ACK flag is not set", None;
    CHECKSUM_BAD = "tcp.checksum_bad.expert", "Bad checksum", None;
    #[generated] STATE_CLIENT = "tcp.state.client", "Client state after this segment (wirelens: RFC 793 state as seen from the capture; not a Wireshark field)", String;
    #[generated] STATE_SERVER = "tcp.state.server", "Server state after this segment (wirelens: RFC 793 state as seen from the capture; not a Wireshark field)", String;
}

/// What the tree says after a sequence number shown relative to the first.
const RELATIVE_SEQ: &str = "    (relative sequence number)";

/// `Header Length: 32 bytes (8)`: the length, and the header's 4-bit count
/// of 32-bit words.
fn hdr_len_text(out: &mut String, def: &FieldDef, v: &Value, _: &[u8]) {
    let len = v.as_u64().unwrap_or(0);
    let _ = write!(out, "{}: {len} bytes ({})", def.label, len >> 2);
}

/// `Flags: 0x018 (PSH, ACK)`: the 12 flag bits and the names of those set.
fn flags_text(out: &mut String, def: &FieldDef, v: &Value, _: &[u8]) {
    let flags = v.as_u64().unwrap_or(0) as u16 & 0x0fff;
    let _ = write!(out, "{}: 0x{flags:03x} ({})", def.label, FlagNames(flags));
}

/// `[Window size scaling factor: 128]`, or why it is not known: -1 before
/// the handshake was seen, -2 when one side did not offer scaling.
fn scalefactor_text(out: &mut String, def: &FieldDef, v: &Value, _: &[u8]) {
    let factor = match v {
        Value::Int(f) => *f,
        _ => 0,
    };
    let _ = write!(out, "[{}: {factor}", def.label);
    match factor {
        -1 => out.push_str(" (unknown)"),
        -2 => out.push_str(" (no window scaling used)"),
        _ => {}
    }
    out.push(']');
}

/// The duplicate-ACK mark, worded as Wireshark words it.
fn duplicate_ack_text(out: &mut String, _: &FieldDef, _: &Value, _: &[u8]) {
    out.push_str("[This is a TCP duplicate ack]");
}

/// `Options: (12 bytes)`; the options append their names.
fn options_text(out: &mut String, def: &FieldDef, _: &Value, bytes: &[u8]) {
    let _ = write!(out, "{}: ({} bytes)", def.label, bytes.len());
}

/// `TCP payload (136 bytes)`.
fn payload_text(out: &mut String, _: &FieldDef, _: &Value, bytes: &[u8]) {
    super::write_payload_text(out, "TCP", bytes.len());
}

/// How much of a connection was seen (`tcp.completeness`): bits for SYN,
/// SYN-ACK, ACK, data, FIN and RST, named as Wireshark names the usual sets.
fn completeness_name(v: u64) -> Option<&'static str> {
    const SYN: u64 = 1;
    const SYN_ACK: u64 = 2;
    const ACK: u64 = 4;
    const DATA: u64 = 8;
    const FIN: u64 = 16;
    const RST: u64 = 32;
    const CLIENT_ESTABLISHED: u64 = SYN | SYN_ACK;
    const ESTABLISHED: u64 = CLIENT_ESTABLISHED | ACK;
    const WITH_DATA: u64 = ESTABLISHED | DATA;
    let opened = v & !(FIN | RST);
    let closed = v & (FIN | RST) != 0;
    Some(match v {
        SYN => "Incomplete, SYN_SENT",
        CLIENT_ESTABLISHED => "Incomplete, CLIENT_ESTABLISHED",
        ESTABLISHED => "Incomplete, ESTABLISHED",
        WITH_DATA => "Incomplete, DATA",
        _ if closed && opened == WITH_DATA => "Complete, WITH_DATA",
        _ if closed && opened == ESTABLISHED => "Complete, NO_DATA",
        _ => "Incomplete",
    })
}

/// A header without options.
pub const MIN_HEADER_LEN: usize = 20;
/// Wireshark reads ports to window before it shows anything past the ports.
const FIXED_READ_LEN: usize = 16;

/// The segment ends before a byte Wireshark reads (where it would throw): the
/// dissection stops there, keeping what was decoded. `at` is an absolute offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Short {
    pub at: usize,
}

/// The fixed header, as sent.
#[derive(Clone, Copy, Debug)]
struct Header {
    sport: u16,
    dport: u16,
    seq: u32,
    ack: u32,
    /// Data offset in bytes (may be below 20 in a bogus header).
    hlen: usize,
    /// The 12 flag bits, reserved bits included.
    flags: u16,
    window: u16,
}

fn parse_ports(buf: &[u8]) -> Option<(u16, u16)> {
    (be_u16::<_, nom::error::Error<&[u8]>>, be_u16)
        .parse(buf)
        .ok()
        .map(|(_, v)| v)
}

fn parse_header(buf: &[u8]) -> Option<Header> {
    let (_, (sport, dport, seq, ack, off_flags, window)) = (
        be_u16::<_, nom::error::Error<&[u8]>>,
        be_u16,
        be_u32,
        be_u32,
        be_u16,
        be_u16,
    )
        .parse(buf)
        .ok()?;
    Some(Header {
        sport,
        dport,
        seq,
        ack,
        hlen: usize::from(off_flags >> 12) * 4,
        flags: off_flags & th::MASK,
        window,
    })
}

/// Dissects a TCP segment at `off`; `buf` holds the IP payload. Claims all of it.
pub fn dissect(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> usize {
    cx.pkt.begin_layer(&TCP, Span::new(off, buf.len()));
    if let Err(short) = dissect_segment(cx, off, buf) {
        let end = off + buf.len();
        let msg = if end >= cx.data.len() && cx.meta.orig_len as usize > cx.data.len() {
            "TCP truncated: packet size limited during capture"
        } else {
            "TCP segment shorter than its header says"
        };
        cx.pkt
            .malformed(Span::new(short.at, end.saturating_sub(short.at)), msg);
    }
    buf.len()
}

/// The layer's tree line, with what is known so far: tshark's
/// `Transmission Control Protocol, Src Port: 80, Dst Port: 59856, Seq: 1, Ack: 137, Len: 0`.
fn set_title(
    pkt: &mut Packet,
    sport: u16,
    dport: u16,
    seq: Option<u32>,
    ack: Option<u32>,
    len: Option<u32>,
) {
    pkt.set_title(|t| {
        let _ = write!(
            t,
            "Transmission Control Protocol, Src Port: {sport}, Dst Port: {dport}"
        );
        if let Some(seq) = seq {
            let _ = write!(t, ", Seq: {seq}");
        }
        if let Some(ack) = ack {
            let _ = write!(t, ", Ack: {ack}");
        }
        if let Some(len) = len {
            let _ = write!(t, ", Len: {len}");
        }
    });
}

/// What the segment tells once read (relative numbers, lengths) for the later steps.
struct Shown {
    seq: u32,
    ack: u32,
    window: u32,
    seglen: Option<u32>,
}

fn dissect_segment(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> Result<(), Short> {
    let Some((sport, dport)) = parse_ports(buf) else {
        return Err(Short { at: off });
    };
    cx.pkt.summary.src_port = Some(sport);
    cx.pkt.summary.dst_port = Some(dport);
    cx.pkt.note(crate::model::NetFact::Tcp {
        src: sport,
        dst: dport,
    });
    cx.pkt.set_info(|s| {
        let _ = write!(s, "{sport} \u{2192} {dport}");
    });
    set_title(cx.pkt, sport, dport, None, None, None);
    cx.pkt
        .add(&SRCPORT, Span::new(off, 2), Value::Uint(sport.into()));
    cx.pkt
        .add(&DSTPORT, Span::new(off + 2, 2), Value::Uint(dport.into()));
    cx.pkt
        .add(&PORT, Span::new(off, 2), Value::Uint(sport.into()));
    cx.pkt
        .add(&PORT, Span::new(off + 2, 2), Value::Uint(dport.into()));

    // In an ICMP error quoting IPv4, the sequence number is shown early: often
    // the quote ends right after it.
    let quoted = cx.in_icmp_error;
    let icmp_ipv4 = quoted && matches!(cx.ip.map(|ip| ip.src), Some(Address::Ipv4(_)));
    if icmp_ipv4 {
        let seq = read_u32(buf, 4).ok_or(Short { at: off + 4 })?;
        cx.pkt
            .add(&SEQ, Span::new(off + 4, 4), Value::Uint(seq.into()));
    }
    if buf.len() < FIXED_READ_LEN {
        return Err(Short {
            at: off + buf.len().max(4),
        });
    }
    let Some(h) = parse_header(buf) else {
        return Err(Short { at: off });
    };
    // Like tshark's TCP item, the layer covers the header; the payload is its own.
    cx.pkt
        .set_layer_len(h.hlen.clamp(FIXED_READ_LEN, buf.len()));

    let frame = cx.meta.number;
    let now = cx.meta.ts;
    let (src, dst) = cx
        .ip
        .map_or((Address::None, Address::None), |ip| (ip.src, ip.dst));
    let (key, dir) = ConvKey::new(
        Endpoint {
            addr: src,
            port: h.sport,
        },
        Endpoint {
            addr: dst,
            port: h.dport,
        },
    );
    let state = &mut *cx.state;
    let pkt = &mut *cx.pkt;
    let keep_history = state.tcp.keep_history;
    let (conv, lookup) = state.tcp.lookup(key, dir, h.flags, h.seq, frame, now);
    let stream = conv.stream;
    if lookup.evicted > 0 {
        pkt.expert(
            Severity::Note,
            Group::Undecoded,
            Span::new(off, 0),
            format!(
                "TCP conversation table full ({} connections): the {} least recently active were forgotten",
                crate::flow::tcp::MAX_CONVERSATIONS,
                lookup.evicted
            ),
        );
    }
    let mut ta: Option<Acked> = None;
    if lookup.reused_ports {
        ta.get_or_insert_with(Acked::default).flags |= an::REUSED_PORTS;
    }
    pkt.add(&STREAM, Span::new(off, 0), Value::Uint(conv.stream.into()));
    pkt.add(
        &COMPLETENESS,
        Span::new(off, 0),
        Value::Uint(conv.completeness.into()),
    );
    conv.clear_sack(dir);
    let ts_delta = conv.advance_clock(now);
    let ts_relative = now.since(conv.ts_first);

    let reported = reported_len(pkt, cx.data, cx.meta.orig_len as usize, off, buf);
    let fragment = cx.ip.is_some_and(|ip| ip.fragment);
    let shown = segment_numbers(
        cx.prefs.tcp_relative_seq,
        pkt,
        conv,
        dir,
        &h,
        off,
        reported,
        fragment || quoted,
        frame,
        now,
        &mut ta,
    );

    pkt.append_info_fmt(format_args!(" [{}] Seq={}", FlagNames(h.flags), shown.seq));
    if h.flags & th::ACK != 0 {
        pkt.append_info_fmt(format_args!(" Ack={}", shown.ack));
    }
    pkt.append_info_fmt(format_args!(" Win={}", shown.window));
    set_title(pkt, h.sport, h.dport, Some(shown.seq), None, None);
    if !icmp_ipv4 {
        pkt.add(&SEQ, Span::new(off + 4, 4), Value::Uint(shown.seq.into()));
        if cx.prefs.tcp_relative_seq {
            pkt.append_text(|t| t.push_str(RELATIVE_SEQ));
        }
        pkt.add(&SEQ_RAW, Span::new(off + 4, 4), Value::Uint(h.seq.into()));
    }
    if h.hlen < MIN_HEADER_LEN {
        pkt.append_info_fmt(format_args!(
            ", bogus TCP header length ({}, must be at least {MIN_HEADER_LEN})",
            h.hlen
        ));
        pkt.add(&HDR_LEN, Span::new(off + 12, 1), Value::Uint(h.hlen as u64));
        pkt.expert(
            Severity::Error,
            Group::Protocol,
            Span::new(off + 12, 1),
            format!(
                "Bogus TCP header length ({}, must be at least {MIN_HEADER_LEN})",
                h.hlen
            ),
        );
        return Ok(());
    }

    conv.update_completeness(lookup.created, h.flags, shown.seglen.unwrap_or(0));
    let shown_ack = (h.flags & th::ACK != 0).then_some(shown.ack);
    set_title(
        pkt,
        h.sport,
        h.dport,
        Some(shown.seq),
        shown_ack,
        shown.seglen,
    );
    if let Some(len) = shown.seglen {
        let syn_fin = u32::from(h.flags & (th::SYN | th::FIN) != 0);
        let nxtseq = shown.seq.wrapping_add(len).wrapping_add(syn_fin);
        pkt.add(&NXTSEQ, Span::new(off, 0), Value::Uint(nxtseq.into()));
        if cx.prefs.tcp_relative_seq {
            pkt.append_text(|t| t.push_str(RELATIVE_SEQ));
        }
    }
    add_ack(pkt, conv, &h, shown.ack, off, cx.prefs.tcp_relative_seq);
    pkt.add(&HDR_LEN, Span::new(off + 12, 1), Value::Uint(h.hlen as u64));
    let closing = conv.note_flags(dir, h.flags, h.sport, h.dport, now);
    add_flags(pkt, &h, off, closing);
    add_window(pkt, conv, dir, &h, shown.window, off);
    if let Some(rtt) = conv.note_ack(dir, h.flags, now) {
        pkt.latencies.push(Latency {
            kind: LatencyKind::TcpHandshake,
            value: rtt,
        });
    }

    let stored_sum = read_u16(buf, 16).ok_or(Short { at: off + 16 })?;
    add_checksum(
        ChecksumInputs::new(cx.prefs.tcp_check_checksum, cx.ip, fragment),
        pkt,
        buf,
        reported,
        stored_sum,
        off,
    );

    let urgent = read_u16(buf, 18).ok_or(Short { at: off + 18 })?;
    pkt.add(
        &URGENT_POINTER,
        Span::new(off + 18, 2),
        Value::Uint(urgent.into()),
    );
    if h.flags & th::URG != 0 {
        pkt.append_info_fmt(format_args!(" Urg={urgent}"));
    } else if urgent != 0 {
        pkt.expert(
            Severity::Note,
            Group::Protocol,
            Span::new(off + 18, 2),
            "The urgent pointer field is nonzero while the URG flag is not set",
        );
    }
    if let Some(len) = shown.seglen {
        pkt.append_info_fmt(format_args!(" Len={len}"));
    }

    let declared = h.hlen - MIN_HEADER_LEN;
    let captured_opts = buf
        .get(MIN_HEADER_LEN..h.hlen.min(buf.len()))
        .unwrap_or(&[]);
    let mut opt_state = options::OptState {
        conv: Some(&mut *conv),
        dir,
        flags: h.flags,
        ack: shown.ack,
        seglen: shown.seglen,
        relative: cx.prefs.tcp_relative_seq,
        base: off + MIN_HEADER_LEN,
        sack: Default::default(),
        sack_count: 0,
        summary_at: None,
    };
    let opts_result = if declared > 0 {
        pkt.add_tree(
            &OPTIONS,
            Span::new(off + MIN_HEADER_LEN, captured_opts.len()),
            Value::SpanBytes,
            |p| options::dissect(p, &mut opt_state, captured_opts, declared),
        )
    } else {
        Ok(())
    };
    let (sack, sack_count) = (opt_state.sack, opt_state.sack_count);
    add_timestamps(pkt, ts_relative, ts_delta, off);
    if let Some(seglen) = shown.seglen {
        // SACK edges were made relative to the peer's base; the tracking wants them raw.
        let base = if cx.prefs.tcp_relative_seq {
            conv.flows_mut(dir).1.base_seq
        } else {
            0
        };
        let mut raw = sack;
        for b in raw.iter_mut() {
            *b = (b.0.wrapping_add(base), b.1.wrapping_add(base));
        }
        let facts = SegmentFacts {
            frame,
            ts: now,
            seq: h.seq,
            ack: h.ack,
            seglen,
            flags: h.flags,
            window: h.window.into(),
        };
        let n = sack_count.min(raw.len());
        conv.tracking
            .observe(dir, &facts, ta.as_ref(), &raw[..n], keep_history);
        add_states(pkt, conv, off);
    }
    let seg = conntrack::TcpSegment {
        flags: h.flags,
        seq: h.seq,
        ack: h.ack,
        window: h.window,
        stream: conv.stream,
        analysis: ta.as_ref().map_or(0, |t| t.flags),
        bytes_in_flight: ta.as_ref().map_or(0, |t| t.bytes_in_flight),
        ack_rtt: ta
            .as_ref()
            .filter(|t| t.frame_acked != 0)
            .map_or(Duration(0), |t| t.ack_rtt),
    };
    let payload = buf.get(h.hlen..).unwrap_or(&[]);
    if conv.app.is_none() && !payload.is_empty() && h.flags & th::RST == 0 {
        // Once per connection; conntrack names the flow's service after it.
        conv.app = app::recognise_tcp(cx.prefs, h.sport, h.dport, payload);
    }
    let obs = conntrack::Observation {
        app: conv.app,
        proto: conntrack::proto::TCP,
        zone: conntrack::zone_of(pkt, cx.data),
        src: Endpoint {
            addr: src,
            port: h.sport,
        },
        dst: Endpoint {
            addr: dst,
            port: h.dport,
        },
        ip_bytes: conntrack::ip_bytes_of(pkt, off, reported),
        payload: buf.get(h.hlen..).unwrap_or(&[]),
        payload_len: shown.seglen.unwrap_or(0),
        tcp: Some(seg),
        udp_stream: None,
        in_icmp_error: quoted,
    };
    conntrack::track(&mut state.flows, pkt, cx.meta, off, &obs);
    opts_result?;
    // tshark's conversation tap runs once the options are read: a segment whose
    // options are cut short is not counted there.
    let rel = now.since(state.first_ts.unwrap_or(now));
    state.conv.note_transport(&obs, state.frame_len, rel);

    if let Some(t) = &ta {
        add_analysis(pkt, t, conv.ts_first_rtt, off);
        prepend_analysis_info(pkt, t);
    }
    if h.flags & th::SYN != 0 {
        conv.verify_window_scaling(dir, h.flags & th::ACK != 0);
    }

    if payload.is_empty() {
        note_close(cx, stream, dir, h.flags);
        return Ok(());
    }
    let span = Span::new(off + h.hlen, payload.len());
    if h.flags & th::RST != 0 {
        // RFC 1122 4.2.2.12: a RST may carry text explaining the reset.
        pkt.add_with(&RESET_CAUSE, span, || {
            Value::Str(ascii_text(payload).into())
        });
        note_close(cx, stream, dir, h.flags);
        return Ok(());
    }
    pkt.add(&PAYLOAD, span, Value::SpanBytes);
    let seg = dispatch::TcpSegment {
        app: conv.app,
        stream,
        dir,
        seq: h.seq,
        syn: h.flags & th::SYN != 0,
        fin: h.flags & th::FIN != 0,
        src_port: h.sport,
        dst_port: h.dport,
    };
    dispatch::tcp_payload(cx, seg, off + h.hlen, payload);
    note_close(cx, stream, dir, h.flags);
    Ok(())
}

/// A FIN ends what a direction sends and a RST both: their stream
/// reassembly gives back the bytes it kept to check retransmissions.
fn note_close(cx: &mut Cx<'_>, stream: u32, dir: usize, flags: u16) {
    if flags & th::RST != 0 {
        cx.state.streams.close(stream, 0);
        cx.state.streams.close(stream, 1);
    } else if flags & th::FIN != 0 {
        cx.state.streams.close(stream, dir);
    }
}

/// The length of the segment as sent. It is `buf.len()` unless the capture cut the
/// frame short; then the IP header that carried the segment says (the bytes of an
/// IPv4 total length or IPv6 payload length field, found through the IP layer's span).
pub(crate) fn reported_len(
    pkt: &Packet,
    data: &[u8],
    wire_len: usize,
    off: usize,
    buf: &[u8],
) -> usize {
    let end = off + buf.len();
    if end < data.len() || wire_len <= data.len() {
        return buf.len();
    }
    let on_wire = buf.len() + (wire_len - data.len());
    let ip_said = pkt
        .layers
        .iter()
        .rev()
        .skip(1)
        .find(|l| matches!(l.proto.name, "ip" | "ipv6"))
        .and_then(|l| ip_payload_len(data, l.span.start as usize, off));
    ip_said.map_or(on_wire, |n| n.min(on_wire))
}

/// The payload length an IP header at `ip_at` gives for a payload starting at `payload_at`.
fn ip_payload_len(data: &[u8], ip_at: usize, payload_at: usize) -> Option<usize> {
    let first = *data.get(ip_at)?;
    match first >> 4 {
        4 => {
            let total = usize::from(read_u16(data, ip_at + 2)?);
            total.checked_sub(payload_at.checked_sub(ip_at)?)
        }
        6 => {
            let plen = usize::from(read_u16(data, ip_at + 4)?);
            // A jumbogram's length is in an option: unknown here.
            if plen == 0 {
                return None;
            }
            plen.checked_sub(payload_at.checked_sub(ip_at + 40)?)
        }
        _ => None,
    }
}

fn read_u16(buf: &[u8], at: usize) -> Option<u16> {
    let rest = buf.get(at..)?;
    be_u16::<_, nom::error::Error<&[u8]>>
        .parse(rest)
        .ok()
        .map(|(_, v)| v)
}

fn read_u32(buf: &[u8], at: usize) -> Option<u32> {
    let rest = buf.get(at..)?;
    be_u32::<_, nom::error::Error<&[u8]>>
        .parse(rest)
        .ok()
        .map(|(_, v)| v)
}

/// Segment length, sequence analysis, relative numbers and the scaled window.
/// Skipped (numbers shown raw) when the length is unknown: an IP fragment, a
/// segment quoted in an ICMP error, or a length shorter than the header.
#[allow(clippy::too_many_arguments)]
fn segment_numbers(
    relative: bool,
    pkt: &mut Packet,
    conv: &mut Conversation,
    dir: usize,
    h: &Header,
    off: usize,
    reported: usize,
    no_length: bool,
    frame: u64,
    now: crate::model::Timestamp,
    ta: &mut Option<Acked>,
) -> Shown {
    let mut shown = Shown {
        seq: h.seq,
        ack: h.ack,
        window: h.window.into(),
        seglen: None,
    };
    if no_length {
        return shown;
    }
    if reported < h.hlen {
        pkt.expert(
            Severity::Warn,
            Group::Malformed,
            Span::new(off, 0),
            "Short segment. Segment/fragment does not contain a full TCP header (might be NMAP or someone else deliberately sending unusual packets)",
        );
        return shown;
    }
    let seglen = (reported - h.hlen) as u32;
    shown.seglen = Some(seglen);
    pkt.add(&LEN, Span::new(off + 12, 1), Value::Uint(seglen.into()));
    let facts = SegmentFacts {
        frame,
        ts: now,
        seq: h.seq,
        ack: h.ack,
        seglen,
        flags: h.flags,
        window: h.window.into(),
    };
    conv.analyze(dir, &facts, ta);
    let (fwd, rev) = conv.flows_mut(dir);
    if relative {
        shown.seq = h.seq.wrapping_sub(fwd.base_seq);
        if h.flags & th::ACK != 0 {
            shown.ack = h.ack.wrapping_sub(rev.base_seq);
        }
    }
    // SYNs are never scaled.
    if h.flags & th::SYN == 0 && fwd.win_scale >= 0 {
        shown.window <<= fwd.win_scale as u32;
    }
    shown
}

fn add_ack(
    pkt: &mut Packet,
    conv: &Conversation,
    h: &Header,
    shown_ack: u32,
    off: usize,
    relative: bool,
) {
    let span = Span::new(off + 8, 4);
    pkt.add(&ACK, span, Value::Uint(shown_ack.into()));
    if relative && h.flags & th::ACK != 0 {
        pkt.append_text(|t| t.push_str("    (relative ack number)"));
    }
    if h.flags & th::ACK == 0 && h.ack != 0 {
        pkt.subtree(|p| {
            p.expert_field(
                &ACK_NONZERO,
                Severity::Note,
                Group::Protocol,
                span,
                "The acknowledgment number field is nonzero while the ACK flag is not set",
            )
        });
    }
    pkt.add(&ACK_RAW, span, Value::Uint(h.ack.into()));
    if h.flags & th::ACK == 0 {
        return;
    }
    if h.flags & th::SYN != 0 {
        if shown_ack > 1 {
            pkt.expert(
                Severity::Note,
                Group::Sequence,
                span,
                "TCP SYN-ACK accepting TFO data",
            );
        } else if conv.tfo_syn_data {
            pkt.expert(
                Severity::Note,
                Group::Sequence,
                span,
                "TCP SYN-ACK ignoring TFO data",
            );
        }
    }
}

/// The flags, each with the expert items it raises (SYN, FIN, RST) under
/// it, as Wireshark places them. `closing` is what [`Conversation::note_flags`]
/// said of a FIN: whether it starts the close.
fn add_flags(pkt: &mut Packet, h: &Header, off: usize, closing: Option<bool>) {
    let f = h.flags;
    let span = Span::new(off + 12, 2);
    let bit = |mask: u16| Value::Bool(f & mask != 0);
    pkt.add(&FLAGS, span, Value::Uint(f.into()));
    pkt.subtree(|p| {
        for (def, mask) in [
            (&FLAGS_RES, th::RES),
            (&FLAGS_AE, th::AE),
            (&FLAGS_CWR, th::CWR),
            (&FLAGS_ECE, th::ECE),
            (&FLAGS_URG, th::URG),
            (&FLAGS_ACK, th::ACK),
            (&FLAGS_PUSH, th::PUSH),
        ] {
            p.add(def, span, bit(mask));
        }
        p.add(&FLAGS_RESET, span, bit(th::RST));
        if f & th::RST != 0 {
            let msg = "Connection reset (RST)";
            p.subtree(|p| {
                p.expert_field(&CONNECTION_RST, Severity::Warn, Group::Sequence, span, msg)
            });
        }
        p.add(&FLAGS_SYN, span, bit(th::SYN));
        if f & th::SYN != 0 {
            p.subtree(|p| syn_expert(p, h, span));
        }
        p.add(&FLAGS_FIN, span, bit(th::FIN));
        if f & th::FIN != 0 {
            let msg = "Connection finish (FIN)";
            p.subtree(|p| {
                p.expert_field(&CONNECTION_FIN, Severity::Chat, Group::Sequence, span, msg)
            });
        }
        p.add_with(&FLAGS_STR, span, || Value::Str(flags_letters(f).into()));
        // Wireshark hangs the closing note on the flags string.
        p.subtree(|p| closing_expert(p, closing, span));
    });
}

fn syn_expert(p: &mut Packet, h: &Header, span: Span) {
    if h.flags & th::ACK != 0 {
        let msg = format!(
            "Connection establish acknowledge (SYN+ACK): server port {}",
            h.sport
        );
        p.expert_field(
            &CONNECTION_SYNACK,
            Severity::Chat,
            Group::Sequence,
            span,
            msg,
        );
    } else {
        let msg = format!(
            "Connection establish request (SYN): server port {}",
            h.dport
        );
        p.expert_field(&CONNECTION_SYN, Severity::Chat, Group::Sequence, span, msg);
    }
}

/// Whether a FIN starts the close of its connection or answers the peer's.
fn closing_expert(p: &mut Packet, closing: Option<bool>, span: Span) {
    match closing {
        Some(true) => p.expert_field(
            &CONNECTION_FIN_ACTIVE,
            Severity::Note,
            Group::Sequence,
            span,
            "This frame initiates the connection closing",
        ),
        Some(false) => p.expert_field(
            &CONNECTION_FIN_PASSIVE,
            Severity::Note,
            Group::Sequence,
            span,
            "This frame undergoes the connection closing",
        ),
        None => {}
    }
}

/// The flags as the Info column lists them: `SYN, ACK`. Written straight into the
/// column, without an intermediate string.
struct FlagNames(u16);

impl std::fmt::Display for FlagNames {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const NAMES: [&str; 9] = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "AE"];
        let set = NAMES
            .iter()
            .enumerate()
            .filter(|(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, n)| *n)
            .chain((self.0 & th::RES != 0).then_some("Reserved"));
        let mut any = false;
        for name in set {
            if any {
                f.write_str(", ")?;
            }
            f.write_str(name)?;
            any = true;
        }
        if !any {
            f.write_str("<None>")?;
        }
        Ok(())
    }
}

/// `tcp.flags.str`: one letter per set bit, a middle dot per clear one (`·······A··S·`).
fn flags_letters(flags: u16) -> String {
    const LETTERS: &[u8; 12] = b"RRRACEUAPRSF";
    let mut s = String::with_capacity(24);
    for (i, letter) in LETTERS.iter().enumerate() {
        if flags >> (11 - i) & 1 != 0 {
            s.push(*letter as char);
        } else {
            s.push('\u{b7}');
        }
    }
    s
}

fn add_window(
    pkt: &mut Packet,
    conv: &Conversation,
    dir: usize,
    h: &Header,
    scaled: u32,
    off: usize,
) {
    let span = Span::new(off + 14, 2);
    pkt.add(&WINDOW_SIZE_VALUE, span, Value::Uint(h.window.into()));
    pkt.add(&WINDOW_SIZE, span, Value::Uint(scaled.into()));
    if h.flags & th::SYN != 0 {
        return;
    }
    let factor = match conv.flows[dir].win_scale {
        s @ (WIN_SCALE_UNKNOWN | WIN_SCALE_NONE) => i64::from(s),
        s => 1i64 << s.clamp(0, 14),
    };
    pkt.add(&WINDOW_SIZE_SCALEFACTOR, span, Value::Int(factor));
}

/// Whether and how the checksum can be verified.
struct ChecksumInputs {
    check: bool,
    pseudo_src: Address,
    pseudo_dst: Address,
    fragment: bool,
}

impl ChecksumInputs {
    fn new(check: bool, ip: Option<crate::dissector::IpContext>, fragment: bool) -> Self {
        ChecksumInputs {
            check,
            pseudo_src: ip.map_or(Address::None, |i| i.src),
            pseudo_dst: ip.map_or(Address::None, |i| i.dst),
            fragment,
        }
    }
}

/// `tcp.checksum` and its status: verified when asked for and the whole segment is
/// captured; a value equal to the pseudo-header sum alone is transmit offload
/// (loopback captures), reported as unverified with a note, not as an error.
fn add_checksum(
    inp: ChecksumInputs,
    pkt: &mut Packet,
    buf: &[u8],
    reported: usize,
    stored: u16,
    off: usize,
) {
    let span = Span::new(off + 16, 2);
    pkt.add(&CHECKSUM, span, Value::Uint(stored.into()));
    let segment = &buf[..buf.len().min(reported)];
    let pseudo = checksum::pseudo_header(&inp.pseudo_src, &inp.pseudo_dst, 6, reported as u32);
    let (Some(pseudo), true, false, true) =
        (pseudo, inp.check, inp.fragment, segment.len() == reported)
    else {
        pkt.append_text(|t| t.push_str(" [unverified]"));
        pkt.add(
            &CHECKSUM_STATUS,
            span,
            Value::Uint(Verdict::Unverified.status()),
        );
        return;
    };
    let correct = checksum::finish(checksum::sum(
        checksum::sum(pseudo, &segment[..16]),
        &segment[18..],
    ));
    let verdict = checksum::verify_transport(pseudo, segment, stored);
    let good = verdict == Verdict::Good && stored != 0xffff;
    pkt.append_text(|t| {
        checksum::write_verdict(t, good, correct);
        if !good {
            t.push_str("(maybe caused by \"TCP checksum offload\"?)");
        }
    });
    if verdict == Verdict::Bad {
        pkt.subtree(|p| checksum::bad_checksum_expert(p, &CHECKSUM_BAD, span, correct));
    }
    if verdict == Verdict::Good && stored == 0xffff {
        // RFC 1624: one's complement has two zeros; senders must use 0x0000 here.
        pkt.add(&CHECKSUM_STATUS, span, Value::Uint(Verdict::Bad.status()));
        pkt.add(&CHECKSUM_CALCULATED, span, Value::Uint(0));
        pkt.expert(
            Severity::Warn,
            Group::Checksum,
            span,
            "TCP Checksum 0xffff instead of 0x0000 (see RFC 1624)",
        );
        pkt.append_info(" [TCP CHECKSUM 0xFFFF]");
        return;
    }
    pkt.add(&CHECKSUM_STATUS, span, Value::Uint(verdict.status()));
    pkt.add(&CHECKSUM_CALCULATED, span, Value::Uint(correct.into()));
    match verdict {
        Verdict::Bad => pkt.append_info(" [TCP CHECKSUM INCORRECT]"),
        Verdict::Offloaded => pkt.expert(
            Severity::Note,
            Group::Checksum,
            span,
            format!(
                "Checksum 0x{stored:04x} is the pseudo-header sum alone: likely offloaded to the sender's NIC (should be 0x{correct:04x})"
            ),
        ),
        Verdict::Good | Verdict::Unverified => {}
    }
}

/// Our endpoint states (not Wireshark's): shown in the tree only.
fn add_states(pkt: &mut Packet, conv: &Conversation, off: usize) {
    if !pkt.tree {
        return;
    }
    let st = conv.states();
    pkt.add_with(&STATE_CLIENT, Span::new(off, 0), || {
        Value::Str(st.client().as_str().into())
    });
    pkt.add_with(&STATE_SERVER, Span::new(off, 0), || {
        Value::Str(st.server().as_str().into())
    });
}

fn add_timestamps(pkt: &mut Packet, relative: Duration, delta: Duration, off: usize) {
    let span = Span::new(off, 0);
    pkt.add_tree(&TIMESTAMPS, span, Value::None, |p| {
        p.add(&TIME_RELATIVE, span, Value::RelTime(relative));
        p.add(&TIME_DELTA, span, Value::RelTime(delta));
    });
}

/// The `tcp.analysis` subtree, as Wireshark prints what its analysis found.
fn add_analysis(pkt: &mut Packet, t: &Acked, initial_rtt: Duration, off: usize) {
    let span = Span::new(off, 0);
    if !pkt.tree {
        add_analysis_experts(pkt, t, span);
        return;
    }
    pkt.add_tree(&ANALYSIS, span, Value::None, |p| {
        if t.frame_acked != 0 {
            p.add(&ACKS_FRAME, span, Value::Uint(t.frame_acked));
            if t.ack_rtt.0 != 0 {
                p.add(&ACK_RTT, span, Value::RelTime(t.ack_rtt));
            }
        }
        if initial_rtt.0 != 0 {
            p.add(&INITIAL_RTT, span, Value::RelTime(initial_rtt));
        }
        if t.bytes_in_flight != 0 {
            p.add(
                &BYTES_IN_FLIGHT,
                span,
                Value::Uint(t.bytes_in_flight.into()),
            );
            p.add(
                &PUSH_BYTES_SENT,
                span,
                Value::Uint(t.push_bytes_sent.into()),
            );
        }
        if t.flags == 0 {
            return;
        }
        p.add_tree(&ANALYSIS_FLAGS, span, Value::None, |p| {
            add_analysis_experts(p, t, span);
            if t.flags & an::RETRANSMISSION != 0 && t.rto.0 != 0 {
                p.add(&RTO, span, Value::RelTime(t.rto));
                p.add(&RTO_FRAME, span, Value::Uint(t.rto_frame));
            }
            if t.dupack_num != 0 && t.flags & an::DUPLICATE_ACK != 0 {
                p.add(&DUPLICATE_ACK, span, Value::None);
            }
        });
        if t.dupack_num != 0 {
            p.add(&DUPLICATE_ACK_NUM, span, Value::Uint(t.dupack_num.into()));
            p.add(&DUPLICATE_ACK_FRAME, span, Value::Uint(t.dupack_frame));
            if t.flags & an::DUPLICATE_ACK != 0 {
                p.subtree(|p| add_duplicate_ack_expert(p, t, span));
            }
        }
    });
}

/// The analysis flags' expert items, in Wireshark's order: flag, expert field,
/// severity, message, and whether the plain retransmission item comes too
/// (Wireshark adds it to fast and spurious retransmissions).
const ANALYSIS_EXPERTS: &[(u32, &crate::model::FieldDef, Severity, &str, bool)] = &[
    (
        an::REUSED_PORTS,
        &X_REUSED_PORTS,
        Severity::Note,
        "A new tcp session is started with the same ports as an earlier session in this trace",
        false,
    ),
    (
        an::RETRANSMISSION,
        &X_RETRANSMISSION,
        Severity::Note,
        RETRANSMITTED,
        false,
    ),
    (
        an::FAST_RETRANSMISSION,
        &X_FAST_RETRANSMISSION,
        Severity::Note,
        "This frame is a (suspected) fast retransmission",
        true,
    ),
    (
        an::SPURIOUS_RETRANSMISSION,
        &X_SPURIOUS_RETRANSMISSION,
        Severity::Note,
        "This frame is a (suspected) spurious retransmission",
        true,
    ),
    (
        an::OUT_OF_ORDER,
        &X_OUT_OF_ORDER,
        Severity::Warn,
        "This frame is a (suspected) out-of-order segment",
        false,
    ),
    (
        an::LOST_PACKET,
        &X_LOST_SEGMENT,
        Severity::Warn,
        "Previous segment(s) not captured (common at capture start)",
        false,
    ),
    (
        an::ACK_LOST_PACKET,
        &X_ACK_LOST_SEGMENT,
        Severity::Warn,
        "ACKed segment that wasn't captured (common at capture start)",
        false,
    ),
    (
        an::WINDOW_UPDATE,
        &X_WINDOW_UPDATE,
        Severity::Chat,
        "TCP window update",
        false,
    ),
    (
        an::WINDOW_FULL,
        &X_WINDOW_FULL,
        Severity::Warn,
        "TCP window specified by the receiver is now completely full",
        false,
    ),
    (
        an::KEEP_ALIVE,
        &X_KEEP_ALIVE,
        Severity::Note,
        "TCP keep-alive segment",
        false,
    ),
    (
        an::KEEP_ALIVE_ACK,
        &X_KEEP_ALIVE_ACK,
        Severity::Note,
        "ACK to a TCP keep-alive segment",
        false,
    ),
    (
        an::ZERO_WINDOW_PROBE,
        &X_ZERO_WINDOW_PROBE,
        Severity::Note,
        "TCP Zero Window Probe",
        false,
    ),
    (
        an::ZERO_WINDOW,
        &X_ZERO_WINDOW,
        Severity::Warn,
        "TCP Zero Window segment",
        false,
    ),
    (
        an::ZERO_WINDOW_PROBE_ACK,
        &X_ZERO_WINDOW_PROBE_ACK,
        Severity::Note,
        "ACK to a TCP Zero Window Probe",
        false,
    ),
];

const RETRANSMITTED: &str = "This frame is a (suspected) retransmission";

/// The expert items of the analysis flags. On the fast path the duplicate-ACK
/// item comes here too; in the tree it sits under `duplicate_ack_frame`.
fn add_analysis_experts(p: &mut Packet, t: &Acked, span: Span) {
    for &(flag, def, severity, msg, also_retransmission) in ANALYSIS_EXPERTS {
        if t.flags & flag == 0 {
            continue;
        }
        p.expert_field(def, severity, Group::Sequence, span, msg);
        if also_retransmission {
            p.expert_field(
                &X_RETRANSMISSION,
                Severity::Note,
                Group::Sequence,
                span,
                RETRANSMITTED,
            );
        }
    }
    if !p.tree && t.flags & an::DUPLICATE_ACK != 0 && t.dupack_num != 0 {
        add_duplicate_ack_expert(p, t, span);
    }
}

fn add_duplicate_ack_expert(p: &mut Packet, t: &Acked, span: Span) {
    p.expert_field(
        &DUPLICATE_ACK,
        Severity::Note,
        Group::Sequence,
        span,
        format!("Duplicate ACK (#{})", t.dupack_num),
    );
}

/// The bracketed analysis notes Wireshark puts in front of the Info column; each
/// is prepended in turn, so the last one ends up first.
fn prepend_analysis_info(pkt: &mut Packet, t: &Acked) {
    let f = t.flags;
    if f == 0 {
        return;
    }
    let mut notes: Vec<String> = Vec::new();
    let mut note = |flag: u32, text: &str| {
        if f & flag != 0 {
            notes.push(text.to_string());
        }
    };
    note(an::REUSED_PORTS, "[TCP Port numbers reused] ");
    note(an::RETRANSMISSION, "[TCP Retransmission] ");
    note(an::FAST_RETRANSMISSION, "[TCP Fast Retransmission] ");
    note(
        an::SPURIOUS_RETRANSMISSION,
        "[TCP Spurious Retransmission] ",
    );
    note(an::OUT_OF_ORDER, "[TCP Out-Of-Order] ");
    note(an::LOST_PACKET, "[TCP Previous segment not captured] ");
    note(an::ACK_LOST_PACKET, "[TCP ACKed unseen segment] ");
    note(an::WINDOW_UPDATE, "[TCP Window Update] ");
    note(an::WINDOW_FULL, "[TCP Window Full] ");
    note(an::KEEP_ALIVE, "[TCP Keep-Alive] ");
    note(an::KEEP_ALIVE_ACK, "[TCP Keep-Alive ACK] ");
    if f & an::DUPLICATE_ACK != 0 && t.dupack_num != 0 {
        notes.push(format!(
            "[TCP Dup ACK {}#{}] ",
            t.dupack_frame, t.dupack_num
        ));
    }
    if f & an::ZERO_WINDOW_PROBE != 0 {
        notes.push("[TCP ZeroWindowProbe] ".to_string());
    }
    if f & an::ZERO_WINDOW != 0 {
        notes.push("[TCP ZeroWindow] ".to_string());
    }
    if f & an::ZERO_WINDOW_PROBE_ACK != 0 {
        notes.push("[TCP ZeroWindowProbeAck] ".to_string());
    }
    let mut info = String::new();
    for n in notes.iter().rev() {
        info.push_str(n);
    }
    info.push_str(&pkt.summary.info);
    pkt.summary.info = info;
}

/// Bytes shown as text the way Wireshark decodes ASCII: up to the first NUL, with
/// non-ASCII bytes replaced.
fn ascii_text(bytes: &[u8]) -> String {
    bytes
        .iter()
        .take_while(|&&b| b != 0)
        .map(|&b| if b.is_ascii() { b as char } else { '\u{fffd}' })
        .collect()
}

/// A small driver for unit tests: runs one transport dissector over bytes as if an
/// IPv4 layer had handed them over, keeping the conversation state between calls.
#[cfg(test)]
pub(crate) mod testing {
    use crate::dissector::{Cx, IpContext, Prefs};
    use crate::flow::State;
    use crate::frame::FrameMeta;
    use crate::link::LinkType;
    use crate::model::{render_value, Address, Packet, Timestamp};

    pub(crate) type Dissect = fn(&mut Cx<'_>, usize, &[u8]) -> usize;

    /// One segment or datagram to dissect.
    #[derive(Clone, Copy)]
    pub(crate) struct Seg<'a> {
        pub src: [u8; 4],
        pub dst: [u8; 4],
        /// Capture time: seconds and microseconds.
        pub ts: (i64, u64),
        pub bytes: &'a [u8],
        /// Length on the wire when the capture cut `bytes` short.
        pub wire_len: Option<usize>,
        pub in_icmp_error: bool,
    }

    impl<'a> Seg<'a> {
        pub fn new(src: [u8; 4], dst: [u8; 4], ts: (i64, u64), bytes: &'a [u8]) -> Self {
            Seg {
                src,
                dst,
                ts,
                bytes,
                wire_len: None,
                in_icmp_error: false,
            }
        }
    }

    pub(crate) struct Session {
        pub state: State,
        pub prefs: Prefs,
        frame: u64,
    }

    impl Session {
        /// A session with tshark's defaults (checksums not verified).
        pub fn tshark() -> Self {
            let prefs = Prefs {
                tcp_check_checksum: false,
                udp_check_checksum: false,
                ..Prefs::default()
            };
            Session {
                state: State::default(),
                prefs,
                frame: 0,
            }
        }

        /// A session with wirelens' defaults (checksums verified).
        pub fn verifying() -> Self {
            Session {
                prefs: Prefs::default(),
                ..Session::tshark()
            }
        }

        pub fn run(&mut self, seg: Seg<'_>, dissect: Dissect) -> Packet {
            self.run_as(seg, dissect, true)
        }

        /// `run` with the tree built or not (summary only, as for the packet list).
        pub fn run_as(&mut self, seg: Seg<'_>, dissect: Dissect, tree: bool) -> Packet {
            self.frame += 1;
            let meta = FrameMeta::new(
                self.frame,
                Timestamp::new(seg.ts.0, seg.ts.1 * 1000),
                seg.wire_len.unwrap_or(seg.bytes.len()) as u32,
                LinkType::IPV4,
            );
            let mut pkt = Packet::new(tree);
            let mut cx = Cx {
                tcp: None,
                data: seg.bytes,
                frame: seg.bytes,
                pkt: &mut pkt,
                state: &mut self.state,
                prefs: &self.prefs,
                meta: &meta,
                nesting: 0,
                ip: Some(IpContext {
                    src: Address::Ipv4(seg.src),
                    dst: Address::Ipv4(seg.dst),
                    fragment: false,
                }),
                in_icmp_error: seg.in_icmp_error,
            };
            let used = dissect(&mut cx, 0, seg.bytes);
            assert_eq!(used, seg.bytes.len());
            pkt
        }
    }

    /// Every value of field `name`, rendered as tshark's JSON shows it.
    pub(crate) fn values(pkt: &Packet, data: &[u8], name: &str) -> Vec<String> {
        pkt.find_all(name)
            .map(|f| {
                let mut s = String::new();
                render_value(&mut s, f.def, &f.value, f.span, pkt.node_data(f, data));
                s
            })
            .collect()
    }

    /// The single value of field `name`, if present.
    pub(crate) fn value(pkt: &Packet, data: &[u8], name: &str) -> Option<String> {
        let v = values(pkt, data, name);
        assert!(v.len() <= 1, "{name} appears {} times", v.len());
        v.into_iter().next()
    }

    pub(crate) fn has_expert(pkt: &Packet, needle: &str) -> bool {
        pkt.experts.iter().any(|e| e.message.contains(needle))
    }
}

#[cfg(test)]
mod tests;
