//! TCP options: the loop that walks them (RFC 9293 section 3.1) and each option's
//! fields and Info-column text, named and nested as tshark shows them.
//!
//! Options are read from the captured bytes but bounded by the lengths the header
//! declares, as Wireshark does: a declared length that does not fit is an expert
//! item and ends the loop; bytes the capture lacks end the whole TCP dissection
//! (a [`Short`]), keeping what was decoded.

use std::fmt::Write as _;

use nom::number::complete::{be_u16, be_u32, u8 as be_u8};
use nom::Parser;

use super::Short;
use crate::declare_fields;
use crate::flow::tcp::{ge_seq, le_seq, lt_seq, th, Conversation, MAX_SACK_RANGES};
use crate::model::{Group, Packet, Severity, Span, Value};

declare_fields! {
    KIND = "tcp.option_kind", "Kind", U8, Dec, option_kind_name;
    LEN = "tcp.option_len", "Length", U8;
    #[format = option_text] EOL = "tcp.options.eol", "TCP Option - End of Option List (EOL)", Bytes;
    #[format = option_text] NOP = "tcp.options.nop", "TCP Option - No-Operation (NOP)", Bytes;
    #[format = option_text] MSS = "tcp.options.mss", "TCP Option - Maximum segment size", Bytes;
    MSS_VAL = "tcp.options.mss_val", "MSS Value", U16;
    MSS_ABSENT = "tcp.options.mss.absent", "The SYN packet does not contain a MSS option", None;
    #[format = option_text] WSCALE = "tcp.options.wscale", "TCP Option - Window scale", Bytes;
    WSCALE_SHIFT = "tcp.options.wscale.shift", "Shift count", U8;
    #[generated] WSCALE_MULTIPLIER = "tcp.options.wscale.multiplier", "Multiplier", U16;
    #[format = option_text] SACK_PERM = "tcp.options.sack_perm", "TCP Option - SACK permitted", Bytes;
    #[format = option_text] SACK = "tcp.options.sack", "TCP Option - SACK", Bytes;
    #[format = left_edge_text] SACK_LE = "tcp.options.sack_le", "TCP SACK Left Edge", U32;
    #[format = right_edge_text] SACK_RE = "tcp.options.sack_re", "TCP SACK Right Edge", U32;
    #[generated] SACK_COUNT = "tcp.options.sack.count", "TCP SACK Count", U8;
    DSACK_LE = "tcp.options.sack.dsack_le", "TCP D-SACK Left Edge", U32;
    DSACK_RE = "tcp.options.sack.dsack_re", "TCP D-SACK Right Edge", U32;
    #[format = option_text] TIMESTAMP = "tcp.options.timestamp", "TCP Option - Timestamps", Bytes;
    TSVAL = "tcp.options.timestamp.tsval", "Timestamp value", U32;
    TSECR = "tcp.options.timestamp.tsecr", "Timestamp echo reply", U32;
    #[format = option_text] MD5 = "tcp.options.md5", "TCP Option - TCP MD5 signature", Bytes;
    MD5_DIGEST = "tcp.options.md5.digest", "MD5 digest", Bytes;
    #[format = option_text] AO = "tcp.options.ao", "TCP Option - TCP AO", Bytes;
    AO_KEYID = "tcp.options.ao.keyid", "AO KeyID", U8;
    AO_RNEXTKEYID = "tcp.options.ao.rnextkeyid", "AO RNextKeyID", U8;
    AO_MAC = "tcp.options.ao.mac", "AO MAC", Bytes;
    #[format = option_text] USER_TO = "tcp.options.user_to", "TCP Option - User Timeout", Bytes;
    USER_TO_GRANULARITY = "tcp.options.user_to_granularity", "Granularity", Bool;
    USER_TO_VAL = "tcp.options.user_to_val", "User Timeout", U16;
    #[format = option_text] TFO = "tcp.options.tfo", "TCP Option - TCP Fast Open", Bytes;
    TFO_REQUEST = "tcp.options.tfo.request", "Fast Open Cookie Request", None;
    TFO_COOKIE = "tcp.options.tfo.cookie", "Fast Open Cookie", Bytes;
    #[format = option_text] EXPERIMENTAL = "tcp.options.experimental", "TCP Option - Experimental", Bytes;
    EXPERIMENTAL_EXID = "tcp.options.experimental.exid", "Experiment Identifier", U16, Hex(4);
    EXPERIMENTAL_DATA = "tcp.options.experimental.data", "Payload", Bytes;
    MPTCP = "mptcp", "Multipath Transmission Control Protocol", None;
    MPTCP_SUBTYPE = "tcp.options.mptcp.subtype", "Multipath TCP subtype", U8, Dec, mptcp_subtype_name;
    #[format = option_text] UNKNOWN = "tcp.options.unknown", "TCP Option - Unknown", Bytes;
    UNKNOWN_PAYLOAD = "tcp.options.unknown.payload", "Payload", Bytes;
    WSCALE_SHIFT_INVALID = "tcp.options.wscale.shift.invalid", "Window scale shift exceeds 14", None;
}

const OPT_EOL: u8 = 0;
const OPT_NOP: u8 = 1;
const OPT_MSS: u8 = 2;
const OPT_WSCALE: u8 = 3;
const OPT_SACK_PERM: u8 = 4;
const OPT_SACK: u8 = 5;
const OPT_TIMESTAMP: u8 = 8;
const OPT_MD5: u8 = 19;
const OPT_USER_TO: u8 = 28;
const OPT_AO: u8 = 29;
const OPT_MPTCP: u8 = 30;
const OPT_TFO: u8 = 34;
const OPT_EXP_FD: u8 = 0xfd;
const OPT_EXP_FE: u8 = 0xfe;

/// The experiment identifier of TCP Fast Open in the shared experimental options (RFC 7413).
const EXID_TFO: u16 = 0xf989;

/// Largest window shift RFC 7323 allows; larger ones are used as 14.
const MAX_WSCALE_SHIFT: u8 = 14;

/// An option's tree line: its name, and what the dissector appends (`TCP
/// Option - Maximum segment size: 1460 bytes`), not its bytes.
fn option_text(out: &mut String, def: &crate::model::FieldDef, _: &Value, _: &[u8]) {
    out.push_str(def.label);
}

/// The name the `Options` line lists an option by: its label without the
/// `TCP Option - ` prefix.
fn summary_name(def: &crate::model::FieldDef) -> &'static str {
    def.label.strip_prefix("TCP Option - ").unwrap_or(def.label)
}

/// Option names as Wireshark's `tcp.option_kind` value string spells them.
pub fn option_kind_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "End of Option List",
        1 => "No-Operation",
        2 => "Maximum Segment Size",
        3 => "Window Scale",
        4 => "SACK Permitted",
        5 => "SACK",
        6 => "Echo",
        7 => "Echo Reply",
        8 => "Time Stamp Option",
        9 => "Partial Order Connection Permitted",
        10 => "Partial Order Service Profile",
        11 => "CC",
        12 => "CC.NEW",
        13 => "CC.ECHO",
        14 => "TCP Alternate Checksum Request",
        15 => "TCP Alternate Checksum Data",
        16 => "Skeeter",
        17 => "Bubba",
        18 => "Trailer Checksum Option",
        19 => "MD5 Signature Option",
        20 => "SCPS Capabilities",
        21 => "Selective Negative Acknowledgements",
        22 => "Record Boundaries",
        23 => "Corruption experienced",
        24 => "SNAP",
        25 => "Unassigned",
        26 => "TCP Compression Filter",
        27 => "Quick-Start Response",
        28 => "User Timeout Option",
        29 => "The TCP Authentication Option",
        30 => "Multipath TCP",
        34 => "TCP Fast Open Cookie",
        69 => "Encryption Negotiation",
        253 => "RFC3692-style Experiment 1",
        254 => "RFC3692-style Experiment 2",
        _ => return None,
    })
}

fn mptcp_subtype_name(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "Multipath Capable",
        1 => "Join Connection",
        2 => "Data Sequence Signal",
        3 => "Add Address",
        4 => "Remove Address",
        5 => "Change Subflow Priority",
        6 => "TCP Fallback",
        7 => "Fast Close",
        8 => "TCP Reset",
        _ => return None,
    })
}

/// What the option dissectors need to know about the segment, and may update.
pub(super) struct OptState<'a> {
    /// The connection, when the segment has one; options update its window scale,
    /// SACK blocks and Fast Open state.
    pub conv: Option<&'a mut Conversation>,
    /// The segment's direction within `conv`.
    pub dir: usize,
    pub flags: u16,
    /// The acknowledgement number as shown (relative when relative numbers are on).
    pub ack: u32,
    pub seglen: Option<u32>,
    /// Show SACK edges relative to the other side's base sequence number.
    pub relative: bool,
    /// Absolute offset of the first option byte.
    pub base: usize,
    /// SACK blocks of this segment (up to four), for the D-SACK test.
    pub sack: [(u32, u32); MAX_SACK_RANGES],
    pub sack_count: usize,
    /// The `Options` node, whose tree line lists the options' names.
    pub summary_at: Option<usize>,
}

/// Adds an option's name to the `Options` line: `Options: (12 bytes), No-Operation (NOP), …`.
fn list_in_summary(p: &mut Packet, s: &OptState<'_>, def: &crate::model::FieldDef) {
    if let Some(at) = s.summary_at {
        p.append_text_to(at, |t| {
            t.push_str(", ");
            t.push_str(summary_name(def));
        });
    }
}

/// One option as found in the header: `bytes` are the captured bytes of its
/// declared `len` (fewer when the capture was cut short).
struct Opt<'b> {
    kind: u8,
    len: usize,
    bytes: &'b [u8],
    /// Absolute offset of the kind byte.
    at: usize,
}

impl Opt<'_> {
    fn span(&self, rel: usize, len: usize) -> Span {
        Span::new(self.at + rel, len)
    }

    fn u8_at(&self, rel: usize) -> Result<u8, Short> {
        read(self.bytes, rel, be_u8).ok_or(Short { at: self.at + rel })
    }

    fn u16_at(&self, rel: usize) -> Result<u16, Short> {
        read(self.bytes, rel, be_u16).ok_or(Short { at: self.at + rel })
    }

    fn u32_at(&self, rel: usize) -> Result<u32, Short> {
        read(self.bytes, rel, be_u32).ok_or(Short { at: self.at + rel })
    }

    /// The captured bytes `rel..rel + len`, all of which must be present.
    fn bytes_at(&self, rel: usize, len: usize) -> Result<&[u8], Short> {
        self.bytes
            .get(rel..rel.saturating_add(len))
            .ok_or(Short { at: self.at + rel })
    }
}

fn read<'b, T>(
    bytes: &'b [u8],
    at: usize,
    mut p: impl Parser<&'b [u8], Output = T, Error = nom::error::Error<&'b [u8]>>,
) -> Option<T> {
    let rest = bytes.get(at..)?;
    p.parse(rest).ok().map(|(_, v)| v)
}

/// Walks the options area: `captured` are the option bytes present in the frame,
/// `declared` the length the header gives (data offset minus 20).
pub(super) fn dissect(
    p: &mut Packet,
    s: &mut OptState<'_>,
    captured: &[u8],
    declared: usize,
) -> Result<(), Short> {
    let mut remaining = declared;
    let mut pos = 0usize;
    let mut nop_run = 0u32;
    let mut mss_seen = false;
    // The `Options` node, added just before: each option appends its name.
    s.summary_at = p.fields.len().checked_sub(1);
    while remaining > 0 {
        let kind = read(captured, pos, be_u8).ok_or(Short { at: s.base + pos })?;
        remaining -= 1;
        if kind == OPT_EOL || kind == OPT_NOP {
            if kind == OPT_NOP {
                count_nop(p, s, &mut nop_run, pos);
            }
            let def = if kind == OPT_EOL { &EOL } else { &NOP };
            let span = Span::new(s.base + pos, 1);
            list_in_summary(p, s, def);
            p.add_tree(def, span, Value::SpanBytes, |p| {
                p.add(&KIND, span, Value::Uint(kind as u64));
            });
            pos += 1;
            // After an EOL only zero padding may follow: Wireshark shows each zero
            // byte as another EOL and stops, with an expert item, at a non-zero one.
            if kind == OPT_EOL && remaining > 0 && captured.get(pos).is_some_and(|&b| b != 0) {
                p.expert(
                    Severity::Error,
                    Group::Protocol,
                    Span::new(s.base + pos, remaining),
                    "Non-zero header padding",
                );
                break;
            }
            continue;
        }
        let name = option_label(kind);
        if remaining == 0 {
            option_length_expert(
                p,
                s,
                pos,
                1,
                format!("{name} (length byte past end of options)"),
            );
            return Ok(());
        }
        let len = read(captured, pos + 1, be_u8).ok_or(Short {
            at: s.base + pos + 1,
        })? as usize;
        remaining -= 1;
        if len < 2 {
            let plural = if len == 1 { "" } else { "s" };
            option_length_expert(
                p,
                s,
                pos,
                2,
                format!("{name} (with too-short option length = {len} byte{plural})"),
            );
            return Ok(());
        }
        if len - 2 > remaining {
            option_length_expert(
                p,
                s,
                pos,
                remaining,
                format!(
                    "{name} (option length = {len} bytes says option goes past end of options)"
                ),
            );
            return Ok(());
        }
        mss_seen |= kind == OPT_MSS;
        let end = (pos + len).min(captured.len());
        let opt = Opt {
            kind,
            len,
            bytes: captured.get(pos..end).unwrap_or(&[]),
            at: s.base + pos,
        };
        dissect_option(p, s, &opt)?;
        pos += len;
        remaining -= len - 2;
    }
    if s.flags & th::SYN != 0 && !mss_seen {
        // Under the options, after the last one, as tshark places it.
        p.expert_field(
            &MSS_ABSENT,
            Severity::Note,
            Group::Protocol,
            Span::new(s.base, declared.min(captured.len())),
            "The SYN packet does not contain a MSS option",
        );
    }
    Ok(())
}

/// Wireshark counts NOPs in a row within one 32-bit word: four of them suggest a
/// middlebox blanked out an option.
fn count_nop(p: &mut Packet, s: &mut OptState<'_>, run: &mut u32, pos: usize) {
    // Options start at byte 20 of the header, itself 32-bit aligned.
    if *run == 0 || !(20 + pos).is_multiple_of(4) {
        *run += 1;
        if *run == 4 {
            p.expert(
                Severity::Warn,
                Group::Protocol,
                Span::new(s.base + pos, 1),
                "4 NOP in a row - a router may have removed some options",
            );
        }
    } else {
        *run = 0;
    }
}

fn option_length_expert(p: &mut Packet, s: &mut OptState<'_>, pos: usize, len: usize, msg: String) {
    p.expert(
        Severity::Note,
        Group::Sequence,
        Span::new(s.base + pos, len),
        msg,
    );
}

/// The short name Wireshark gives an option in messages.
fn option_label(kind: u8) -> String {
    let known = match kind {
        OPT_MSS => "MSS",
        OPT_WSCALE => "Window scale",
        OPT_SACK_PERM => "SACK permitted",
        OPT_SACK => "SACK",
        OPT_TIMESTAMP => "Timestamps",
        OPT_MD5 => "TCP MD5 signature",
        OPT_USER_TO => "User Timeout",
        OPT_AO => "TCP AO",
        OPT_MPTCP => "Multipath TCP",
        OPT_TFO => "TCP Fast Open",
        OPT_EXP_FD | OPT_EXP_FE => "Experimental",
        _ => return format!("Unknown (0x{kind:02x})"),
    };
    known.to_string()
}

fn dissect_option(p: &mut Packet, s: &mut OptState<'_>, opt: &Opt<'_>) -> Result<(), Short> {
    match opt.kind {
        OPT_MSS => mss(p, s, opt),
        OPT_WSCALE => wscale(p, s, opt),
        OPT_SACK_PERM => sack_perm(p, s, opt),
        OPT_SACK => sack(p, s, opt),
        OPT_TIMESTAMP => timestamp(p, s, opt),
        OPT_MD5 => md5(p, s, opt),
        OPT_AO => ao(p, s, opt),
        OPT_USER_TO => user_timeout(p, s, opt),
        OPT_MPTCP => mptcp(p, opt),
        OPT_TFO => tfo(p, s, opt),
        OPT_EXP_FD | OPT_EXP_FE => experimental(p, s, opt),
        _ => unknown(p, s, opt),
    }
}

/// Adds the option's node with its kind and length; runs `body` inside it.
fn option_node(
    p: &mut Packet,
    s: &mut OptState<'_>,
    opt: &Opt<'_>,
    def: &'static crate::model::FieldDef,
    body: impl FnOnce(&mut Packet, &mut OptState<'_>) -> Result<(), Short>,
) -> Result<(), Short> {
    list_in_summary(p, s, def);
    p.add_tree(def, opt.span(0, opt.bytes.len()), Value::SpanBytes, |p| {
        p.add(&KIND, opt.span(0, 1), Value::Uint(opt.kind as u64));
        p.add(&LEN, opt.span(1, 1), Value::Uint(opt.len as u64));
        body(p, s)
    })
}

/// Wireshark's check for options of a fixed length: a wrong length is noted on the
/// length field and the option's value is not read.
fn length_is(p: &mut Packet, opt: &Opt<'_>, want: usize) -> bool {
    if opt.len == want {
        return true;
    }
    p.expert(
        Severity::Note,
        Group::Sequence,
        opt.span(1, 1),
        format!("option length should be {want}"),
    );
    false
}

fn mss(p: &mut Packet, s: &mut OptState<'_>, opt: &Opt<'_>) -> Result<(), Short> {
    if s.flags & th::SYN == 0 {
        p.expert(
            Severity::Note,
            Group::Protocol,
            opt.span(0, opt.bytes.len()),
            "The non-SYN packet does not cover MSS option",
        );
    }
    let node = p.fields.len();
    option_node(p, s, opt, &MSS, |p, _| {
        if !length_is(p, opt, 4) {
            return Ok(());
        }
        let mss = opt.u16_at(2)?;
        p.append_text_to(node, |t| {
            let _ = write!(t, ": {mss} bytes");
        });
        p.add(&MSS_VAL, opt.span(2, 2), Value::Uint(mss as u64));
        p.append_info_fmt(format_args!(" MSS={mss}"));
        Ok(())
    })
}

fn wscale(p: &mut Packet, s: &mut OptState<'_>, opt: &Opt<'_>) -> Result<(), Short> {
    let node = p.fields.len();
    option_node(p, s, opt, &WSCALE, |p, s| {
        if !length_is(p, opt, 3) {
            return Ok(());
        }
        let raw = opt.u8_at(2)?;
        p.add(&WSCALE_SHIFT, opt.span(2, 1), Value::Uint(raw as u64));
        // RFC 7323 2.3: log a shift over 14 and use 14 instead.
        let shift = raw.min(MAX_WSCALE_SHIFT);
        if raw > MAX_WSCALE_SHIFT {
            p.subtree(|p| {
                p.expert_field(
                    &WSCALE_SHIFT_INVALID,
                    Severity::Warn,
                    Group::Protocol,
                    opt.span(2, 1),
                    "Window scale shift exceeds 14",
                )
            });
        }
        let multiplier = 1u32 << shift;
        p.append_text_to(node, |t| {
            let _ = write!(t, ": {raw} (multiply by {multiplier})");
        });
        p.add(
            &WSCALE_MULTIPLIER,
            opt.span(2, 1),
            Value::Uint(multiplier as u64),
        );
        p.append_info_fmt(format_args!(" WS={multiplier}"));
        if let Some(conv) = s.conv.as_deref_mut() {
            conv.flows_mut(s.dir).0.win_scale = shift as i8;
        }
        Ok(())
    })
}

fn sack_perm(p: &mut Packet, s: &mut OptState<'_>, opt: &Opt<'_>) -> Result<(), Short> {
    option_node(p, s, opt, &SACK_PERM, |p, _| {
        p.append_info(" SACK_PERM");
        length_is(p, opt, 2);
        Ok(())
    })
}

fn sack(p: &mut Packet, s: &mut OptState<'_>, opt: &Opt<'_>) -> Result<(), Short> {
    // Edges are shown relative to the other side's base sequence number.
    let mut base_ack = 0;
    if let Some(conv) = s.conv.as_deref_mut() {
        if s.relative {
            base_ack = conv.flows_mut(s.dir).1.base_seq;
        }
        conv.clear_sack(s.dir);
    }
    let node = p.fields.len();
    option_node(p, s, opt, &SACK, |p, s| {
        let mut left = opt.len - 2;
        let mut rel = 2;
        let mut count = 0usize;
        while left > 0 {
            if left < 4 {
                suboption_malformed(p, opt, rel, left);
                break;
            }
            let le = opt.u32_at(rel)?.wrapping_sub(base_ack);
            p.add(&SACK_LE, opt.span(rel, 4), Value::Uint(le as u64));
            relative_mark(p, s);
            left -= 4;
            if left < 4 {
                suboption_malformed(p, opt, rel, left);
                break;
            }
            let re = opt.u32_at(rel + 4)?.wrapping_sub(base_ack);
            left -= 4;
            p.add(&SACK_RE, opt.span(rel + 4, 4), Value::Uint(re as u64));
            relative_mark(p, s);
            p.append_info_fmt(format_args!(" SLE={le} SRE={re}"));
            p.append_text_to(node, |t| {
                let _ = write!(t, " {le}-{re}");
            });
            count += 1;
            if let Some(conv) = s.conv.as_deref_mut() {
                conv.store_sack(s.dir, count, le, re);
            }
            if s.sack_count < MAX_SACK_RANGES {
                s.sack[s.sack_count] = (le, re);
                s.sack_count += 1;
            }
            rel += 8;
        }
        p.add(&SACK_COUNT, opt.span(0, 0), Value::Uint(count as u64));
        if is_dsack(s) {
            // RFC 2883: the first block reports data received twice.
            let le = opt.u32_at(2)?.wrapping_sub(base_ack);
            p.add(&DSACK_LE, opt.span(2, 4), Value::Uint(le as u64));
            let re = opt.u32_at(6)?.wrapping_sub(base_ack);
            p.add(&DSACK_RE, opt.span(6, 4), Value::Uint(re as u64));
            p.expert(
                Severity::Warn,
                Group::Sequence,
                opt.span(2, 8),
                "D-SACK Sequence",
            );
        }
        Ok(())
    })
}

/// `left edge = 1449 (relative)`.
fn left_edge_text(out: &mut String, _: &crate::model::FieldDef, v: &Value, _: &[u8]) {
    let _ = write!(out, "left edge = {}", v.as_u64().unwrap_or(0));
}

fn right_edge_text(out: &mut String, _: &crate::model::FieldDef, v: &Value, _: &[u8]) {
    let _ = write!(out, "right edge = {}", v.as_u64().unwrap_or(0));
}

/// Marks the SACK edge added last as relative to the peer's first sequence number.
fn relative_mark(p: &mut Packet, s: &OptState<'_>) {
    if s.relative {
        p.append_text(|t| t.push_str(" (relative)"));
    }
}

/// RFC 2883 section 4: the first block is below the cumulative ACK, or inside the second block.
/// (Like Wireshark, an option with no blocks compares an all-zero first block.)
fn is_dsack(s: &OptState<'_>) -> bool {
    let (l0, r0) = s.sack[0];
    let _ = l0;
    let (l1, r1) = s.sack[1];
    le_seq(r0, s.ack) || (s.sack_count > 1 && lt_seq(l1, r0) && ge_seq(r1, r0))
}

fn suboption_malformed(p: &mut Packet, opt: &Opt<'_>, rel: usize, len: usize) {
    p.expert(
        Severity::Error,
        Group::Malformed,
        opt.span(rel, len),
        "Suboption would go past end of option",
    );
}

fn timestamp(p: &mut Packet, s: &mut OptState<'_>, opt: &Opt<'_>) -> Result<(), Short> {
    let node = p.fields.len();
    option_node(p, s, opt, &TIMESTAMP, |p, _| {
        if !length_is(p, opt, 10) {
            return Ok(());
        }
        let tsval = opt.u32_at(2)?;
        p.add(&TSVAL, opt.span(2, 4), Value::Uint(tsval as u64));
        let tsecr = opt.u32_at(6)?;
        p.append_text_to(node, |t| {
            let _ = write!(t, ": TSval {tsval}, TSecr {tsecr}");
        });
        p.add(&TSECR, opt.span(6, 4), Value::Uint(tsecr as u64));
        p.append_info_fmt(format_args!(" TSval={tsval} TSecr={tsecr}"));
        Ok(())
    })
}

fn md5(p: &mut Packet, s: &mut OptState<'_>, opt: &Opt<'_>) -> Result<(), Short> {
    option_node(p, s, opt, &MD5, |p, _| {
        p.append_info(" MD5");
        if !length_is(p, opt, 18) {
            return Ok(());
        }
        opt.bytes_at(2, 16)?;
        p.add(&MD5_DIGEST, opt.span(2, 16), Value::SpanBytes);
        Ok(())
    })
}

fn ao(p: &mut Packet, s: &mut OptState<'_>, opt: &Opt<'_>) -> Result<(), Short> {
    option_node(p, s, opt, &AO, |p, _| {
        // Wireshark 4.0 appends this without a separating space.
        p.append_info("TCP AO");
        if opt.len < 4 {
            p.expert(
                Severity::Note,
                Group::Sequence,
                opt.span(1, 1),
                "option length should be >= than 4",
            );
            return Ok(());
        }
        let keyid = opt.u8_at(2)?;
        p.add(&AO_KEYID, opt.span(2, 1), Value::Uint(keyid as u64));
        let rnext = opt.u8_at(3)?;
        p.add(&AO_RNEXTKEYID, opt.span(3, 1), Value::Uint(rnext as u64));
        if opt.len > 4 {
            opt.bytes_at(4, opt.len - 4)?;
            p.add(&AO_MAC, opt.span(4, opt.len - 4), Value::SpanBytes);
        }
        Ok(())
    })
}

fn user_timeout(p: &mut Packet, s: &mut OptState<'_>, opt: &Opt<'_>) -> Result<(), Short> {
    option_node(p, s, opt, &USER_TO, |p, _| {
        if !length_is(p, opt, 4) {
            return Ok(());
        }
        let v = opt.u16_at(2)?;
        p.add(
            &USER_TO_GRANULARITY,
            opt.span(2, 2),
            Value::Bool(v & 0x8000 != 0),
        );
        let to = v & 0x7fff;
        p.add(&USER_TO_VAL, opt.span(2, 2), Value::Uint(to as u64));
        p.append_info_fmt(format_args!(" USER_TO={to}"));
        Ok(())
    })
}

/// Multipath TCP is shown opaque: kind, length and subtype. The bytes Wireshark
/// reads unconditionally for the subtype must be there, else the segment is short.
fn mptcp(p: &mut Packet, opt: &Opt<'_>) -> Result<(), Short> {
    p.summary.protocol = "MPTCP";
    p.add_tree(&MPTCP, opt.span(0, opt.bytes.len()), Value::None, |p| {
        p.add(&KIND, opt.span(0, 1), Value::Uint(opt.kind as u64));
        p.add(&LEN, opt.span(1, 1), Value::Uint(opt.len as u64));
        let subtype = opt.bytes_at(0, opt.len.min(3)).and_then(|_| opt.u8_at(2))? >> 4;
        p.add(&MPTCP_SUBTYPE, opt.span(2, 1), Value::Uint(subtype as u64));
        // Capable, DSS, Add Address and Priority read a flags or version byte next.
        if matches!(subtype, 0 | 2 | 3 | 5) {
            read_within(opt, 3)?;
        }
        Ok(())
    })
}

/// Byte `rel` of the option must be inside both its declared length and the capture.
fn read_within(opt: &Opt<'_>, rel: usize) -> Result<u8, Short> {
    if rel >= opt.len {
        return Err(Short { at: opt.at + rel });
    }
    opt.u8_at(rel)
}

fn tfo(p: &mut Packet, s: &mut OptState<'_>, opt: &Opt<'_>) -> Result<(), Short> {
    option_node(p, s, opt, &TFO, |p, s| tfo_payload(p, s, opt, 0, opt.len))
}

/// The Fast Open part of an option: `rel`/`len` cover kind and length (or, in the
/// experimental option, the experiment identifier) plus the cookie.
fn tfo_payload(
    p: &mut Packet,
    s: &mut OptState<'_>,
    opt: &Opt<'_>,
    rel: usize,
    len: usize,
) -> Result<(), Short> {
    if len == 2 {
        p.add(&TFO_REQUEST, opt.span(rel, 2), Value::None);
        p.append_info(" TFO=R");
    } else if len > 2 {
        opt.bytes_at(rel + 2, len - 2)?;
        let span = opt.span(rel + 2, len - 2);
        p.add(&TFO_COOKIE, span, Value::SpanBytes);
        p.append_info(" TFO=C");
        if s.flags & (th::SYN | th::ACK) == th::SYN {
            p.expert(
                Severity::Note,
                Group::Sequence,
                span,
                "TCP SYN with TFO Cookie",
            );
            if s.seglen.is_some_and(|l| l > 0) {
                if let Some(conv) = s.conv.as_deref_mut() {
                    conv.tfo_syn_data = true;
                }
            }
        }
    }
    Ok(())
}

fn experimental(p: &mut Packet, s: &mut OptState<'_>, opt: &Opt<'_>) -> Result<(), Short> {
    option_node(p, s, opt, &EXPERIMENTAL, |p, s| {
        if opt.len > 2 {
            // RFC 6994: a 16-bit experiment identifier follows kind and length.
            if opt.len < 4 {
                return Err(Short { at: opt.at + 2 });
            }
            let exid = opt.u16_at(2)?;
            p.add(&EXPERIMENTAL_EXID, opt.span(2, 2), Value::Uint(exid as u64));
            if exid == EXID_TFO {
                tfo_payload(p, s, opt, 2, opt.len - 2)?;
            }
        } else {
            p.add(&EXPERIMENTAL_DATA, opt.span(2, 0), Value::SpanBytes);
            p.append_info(" Expxx=1");
        }
        Ok(())
    })
}

fn unknown(p: &mut Packet, s: &mut OptState<'_>, opt: &Opt<'_>) -> Result<(), Short> {
    option_node(p, s, opt, &UNKNOWN, |p, _| {
        if opt.len > 2 {
            opt.bytes_at(2, opt.len - 2)?;
            p.add(&UNKNOWN_PAYLOAD, opt.span(2, opt.len - 2), Value::SpanBytes);
        }
        Ok(())
    })
}
