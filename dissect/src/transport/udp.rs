//! UDP (RFC 768): header, length checks, checksum, Wireshark's `udp.stream` and
//! per-stream times, then the payload handed on by port.

use std::fmt::Write as _;

use nom::number::complete::be_u16;
use nom::Parser;

use crate::declare_fields;
use crate::dispatch;
use crate::dissector::Cx;
use crate::flow::{conntrack, ConvKey, Endpoint};
use crate::model::{Address, Group, Packet, Protocol, Severity, Span, Value};
use crate::transport::checksum::{self, Verdict};

pub static UDP: Protocol = Protocol {
    name: "udp",
    label: "User Datagram Protocol",
    short: "UDP",
};

declare_fields! {
    SRCPORT = "udp.srcport", "Source Port", U16;
    DSTPORT = "udp.dstport", "Destination Port", U16;
    #[hidden] PORT = "udp.port", "Source or Destination Port", U16;
    LENGTH = "udp.length", "Length", U16;
    CHECKSUM = "udp.checksum", "Checksum", U16, Hex(4);
    #[generated] CHECKSUM_CALCULATED = "udp.checksum_calculated", "Calculated Checksum", U16, Hex(4);
    #[generated] CHECKSUM_STATUS = "udp.checksum.status", "Checksum Status", U8, NameOnly, crate::names::checksum_status;
    #[generated] STREAM = "udp.stream", "Stream index", U32;
    #[generated] TIMESTAMPS = "udp_timestamps", "Timestamps", None;
    #[generated] TIME_RELATIVE = "udp.time_relative", "Time since first frame", RelTime;
    #[generated] TIME_DELTA = "udp.time_delta", "Time since previous frame", RelTime;
    #[format = payload_text] PAYLOAD = "udp.payload", "Payload", Bytes;
    CHECKSUM_BAD = "udp.checksum_bad.expert", "Bad checksum", None;
}

/// `UDP payload (45 bytes)`.
fn payload_text(out: &mut String, _: &crate::model::FieldDef, _: &Value, bytes: &[u8]) {
    super::write_payload_text(out, "UDP", bytes.len());
}

/// The UDP header.
pub const HEADER_LEN: usize = 8;

/// LBL traceroute probes UDP ports from 33435 on, three probes per hop.
const TRACEROUTE_BASE: u16 = 32768 + 666;
const TRACEROUTE_PORTS: u16 = 30;

/// Checksum status for an absent checksum (zero over IPv4).
const STATUS_NOT_PRESENT: u64 = 3;
/// Checksum status for a zero checksum where one is mandatory (IPv6).
const STATUS_ILLEGAL: u64 = 4;

fn read_u16(buf: &[u8], at: usize) -> Option<u16> {
    let rest = buf.get(at..)?;
    be_u16::<_, nom::error::Error<&[u8]>>
        .parse(rest)
        .ok()
        .map(|(_, v)| v)
}

/// Dissects a UDP datagram at `off`; `buf` is the IP payload. Claims all of it.
pub fn dissect(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> usize {
    cx.pkt
        .begin_layer(&UDP, Span::new(off, buf.len().min(HEADER_LEN)));
    let (Some(sport), Some(dport)) = (read_u16(buf, 0), read_u16(buf, 2)) else {
        truncated(cx, off, buf);
        return buf.len();
    };
    cx.pkt.summary.src_port = Some(sport);
    cx.pkt.summary.dst_port = Some(dport);
    cx.pkt.note(crate::model::NetFact::Udp {
        src: sport,
        dst: dport,
    });
    cx.pkt.set_info(|s| {
        let _ = write!(s, "{sport} \u{2192} {dport}");
    });
    cx.pkt.set_title(|t| {
        let _ = write!(
            t,
            "User Datagram Protocol, Src Port: {sport}, Dst Port: {dport}"
        );
    });
    cx.pkt
        .add(&SRCPORT, Span::new(off, 2), Value::Uint(sport.into()));
    cx.pkt
        .add(&DSTPORT, Span::new(off + 2, 2), Value::Uint(dport.into()));
    cx.pkt
        .add(&PORT, Span::new(off, 2), Value::Uint(sport.into()));
    cx.pkt
        .add(&PORT, Span::new(off + 2, 2), Value::Uint(dport.into()));
    traceroute_expert(cx.pkt, sport, Span::new(off, 2));
    traceroute_expert(cx.pkt, dport, Span::new(off + 2, 2));

    let Some(wire_ulen) = read_u16(buf, 4) else {
        truncated(cx, off, buf);
        return buf.len();
    };
    let len_span = Span::new(off + 4, 2);
    cx.pkt.add(&LENGTH, len_span, Value::Uint(wire_ulen.into()));
    let reported = reported_len(cx, off, buf);
    let ipv6 = matches!(cx.ip.map(|ip| ip.src), Some(Address::Ipv6(_)));
    // RFC 2675 4: over IPv6 a zero length means a jumbogram, sized by the IP layer.
    let jumbogram = wire_ulen == 0 && ipv6;
    let ulen = if jumbogram {
        reported
    } else {
        usize::from(wire_ulen)
    };
    if ulen < HEADER_LEN {
        cx.pkt
            .append_info_fmt(format_args!(" [BAD UDP LENGTH {ulen} < 8]"));
        cx.pkt
            .malformed(len_span, format!("Bad length value {ulen} < 8"));
        return buf.len();
    }
    let fragment = cx.ip.is_some_and(|ip| ip.fragment);
    if ulen > reported && !fragment && !cx.in_icmp_error {
        cx.pkt
            .append_info_fmt(format_args!(" [BAD UDP LENGTH {ulen} > IP PAYLOAD LENGTH]"));
        cx.pkt.malformed(
            len_span,
            format!("Bad length value {ulen} > IP payload length"),
        );
    }
    if jumbogram && ulen < 65536 {
        cx.pkt.expert(
            Severity::Warn,
            Group::Protocol,
            len_span,
            "Length is zero but payload < 65536",
        );
    }
    cx.pkt
        .append_info_fmt(format_args!(" Len={}", ulen - HEADER_LEN));
    if jumbogram {
        cx.pkt.append_info(" [Jumbogram]");
    }

    let Some(stored) = read_u16(buf, 6) else {
        truncated(cx, off, buf);
        return buf.len();
    };
    add_checksum(cx, off, buf, reported, ulen, stored);

    let (src, dst) = cx
        .ip
        .map_or((Address::None, Address::None), |ip| (ip.src, ip.dst));
    let (key, _) = ConvKey::new(
        Endpoint {
            addr: src,
            port: sport,
        },
        Endpoint {
            addr: dst,
            port: dport,
        },
    );
    let now = cx.meta.ts;
    let (conv, lookup) = cx.state.udp.find_or_create(key, cx.meta.number, now);
    let stream = conv.stream;
    let ts_first = conv.ts_first;
    // Only datagrams with a payload move the stream's clock.
    let delta = (ulen != HEADER_LEN && !cx.in_icmp_error).then(|| conv.advance(now));
    cx.pkt.add(
        &STREAM,
        Span::new(off + HEADER_LEN, 0),
        Value::Uint(stream.into()),
    );
    if lookup.evicted > 0 {
        cx.pkt.expert(
            Severity::Note,
            Group::Undecoded,
            Span::new(off, 0),
            format!(
                "UDP conversation table full ({} conversations): the {} least recently active were forgotten",
                crate::flow::udp::MAX_CONVERSATIONS,
                lookup.evicted
            ),
        );
    }
    let obs = conntrack::Observation {
        app: None,
        proto: conntrack::proto::UDP,
        zone: conntrack::zone_of(cx.pkt, cx.data),
        src: Endpoint {
            addr: src,
            port: sport,
        },
        dst: Endpoint {
            addr: dst,
            port: dport,
        },
        ip_bytes: conntrack::ip_bytes_of(cx.pkt, off, reported),
        payload: buf.get(HEADER_LEN..ulen.min(buf.len())).unwrap_or(&[]),
        payload_len: (ulen - HEADER_LEN) as u32,
        tcp: None,
        udp_stream: Some(stream),
        in_icmp_error: cx.in_icmp_error,
    };
    let state = &mut *cx.state;
    conntrack::track(&mut state.flows, cx.pkt, cx.meta, off, &obs);
    let rel = now.since(state.first_ts.unwrap_or(now));
    state.conv.note_transport(&obs, state.frame_len, rel);
    if ulen == HEADER_LEN {
        return buf.len();
    }
    if let Some(delta) = delta {
        let span = Span::new(off, 0);
        cx.pkt.add_tree(&TIMESTAMPS, span, Value::None, |p| {
            p.add(&TIME_RELATIVE, span, Value::RelTime(now.since(ts_first)));
            p.add(&TIME_DELTA, span, Value::RelTime(delta));
        });
    }
    let captured = buf.get(HEADER_LEN..).unwrap_or(&[]);
    if cx.in_icmp_error && captured.is_empty() {
        return buf.len();
    }
    cx.pkt.add(
        &PAYLOAD,
        Span::new(off + HEADER_LEN, captured.len()),
        Value::SpanBytes,
    );
    // The payload ends where the UDP length says, if that is inside what we have.
    let payload = &captured[..captured.len().min(ulen - HEADER_LEN)];
    dispatch::udp_payload(cx, sport, dport, off + HEADER_LEN, payload);
    buf.len()
}

fn truncated(cx: &mut Cx<'_>, off: usize, buf: &[u8]) {
    cx.pkt.malformed(
        Span::new(off, buf.len()),
        format!(
            "UDP header needs {HEADER_LEN} bytes, {} captured",
            buf.len()
        ),
    );
}

fn traceroute_expert(pkt: &mut Packet, port: u16, span: Span) {
    if port > TRACEROUTE_BASE && port <= TRACEROUTE_BASE + TRACEROUTE_PORTS {
        let n = port - TRACEROUTE_BASE - 1;
        pkt.expert(
            Severity::Chat,
            Group::Sequence,
            span,
            format!(
                "Possible traceroute: hop #{}, attempt #{}",
                n / 3 + 1,
                n % 3 + 1
            ),
        );
    }
}

/// The datagram's length as sent: `buf.len()`, unless the capture cut the frame
/// short (then what was on the wire after this point, as the TCP dissector does).
fn reported_len(cx: &Cx<'_>, off: usize, buf: &[u8]) -> usize {
    super::tcp::reported_len(cx.pkt, cx.data, cx.meta.orig_len as usize, off, buf)
}

/// `udp.checksum` and its status. Zero means "no checksum" over IPv4 but is illegal
/// over IPv6 (RFC 8200 8.1); otherwise it is verified when asked for and the whole
/// datagram is captured.
fn add_checksum(
    cx: &mut Cx<'_>,
    off: usize,
    buf: &[u8],
    reported: usize,
    ulen: usize,
    stored: u16,
) {
    let span = Span::new(off + 6, 2);
    let ip = cx.ip;
    let pkt = &mut *cx.pkt;
    if stored == 0 {
        let ipv4 = matches!(ip.map(|i| i.src), Some(Address::Ipv4(_)));
        let status = if ipv4 || cx.in_icmp_error {
            STATUS_NOT_PRESENT
        } else {
            pkt.expert(
                Severity::Error,
                Group::Checksum,
                span,
                "Illegal checksum value (0)",
            );
            pkt.append_info(" [ILLEGAL CHECKSUM (0)]");
            STATUS_ILLEGAL
        };
        pkt.add(&CHECKSUM, span, Value::Uint(0));
        pkt.append_text(|t| {
            t.push_str(match status {
                STATUS_NOT_PRESENT => " [zero-value ignored]",
                _ => " [illegal]",
            })
        });
        pkt.subtree(|p| p.add(&CHECKSUM_STATUS, span, Value::Uint(status)));
        return;
    }
    let fragment = ip.is_some_and(|i| i.fragment);
    let complete = buf.len() >= reported && buf.len() >= ulen && reported >= ulen;
    let pseudo = ip.and_then(|i| checksum::pseudo_header(&i.src, &i.dst, 17, ulen as u32));
    let (Some(pseudo), true, false, true) =
        (pseudo, cx.prefs.udp_check_checksum, fragment, complete)
    else {
        pkt.add(&CHECKSUM, span, Value::Uint(stored.into()));
        pkt.append_text(|t| t.push_str(" [unverified]"));
        pkt.add(
            &CHECKSUM_STATUS,
            span,
            Value::Uint(Verdict::Unverified.status()),
        );
        return;
    };
    let datagram = &buf[..ulen];
    let correct = checksum::finish(checksum::sum(
        checksum::sum(pseudo, &datagram[..6]),
        &datagram[8..],
    ));
    let verdict = checksum::verify_transport(pseudo, datagram, stored);
    pkt.add(&CHECKSUM, span, Value::Uint(stored.into()));
    let good = verdict == Verdict::Good;
    pkt.append_text(|t| {
        checksum::write_verdict(t, good, correct);
        if !good {
            t.push_str(" (maybe caused by \"UDP checksum offload\"?)");
        }
    });
    pkt.subtree(|p| {
        if verdict == Verdict::Bad {
            checksum::bad_checksum_expert(p, &CHECKSUM_BAD, span, correct);
        }
        p.add(&CHECKSUM_CALCULATED, span, Value::Uint(correct.into()));
    });
    pkt.add(&CHECKSUM_STATUS, span, Value::Uint(verdict.status()));
    match verdict {
        Verdict::Bad => pkt.append_info(" [UDP CHECKSUM INCORRECT]"),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::CorpusFrame;
    use crate::transport::tcp::testing::{has_expert, value, values, Seg, Session};
    use std::sync::LazyLock;

    // dns/dns_udp.pcap frame 1: 192.168.1.11:43966 -> 209.87.249.18:53, a DNS query:
    // its UDP datagram, after the Ethernet and IPv4 (no options) headers.
    static DNS_QUERY: LazyLock<Vec<u8>> =
        LazyLock::new(|| CorpusFrame::new("dns/dns_udp.pcap", 1).bytes()[14 + 20..].to_vec());
    const HOST: [u8; 4] = [192, 168, 1, 11];
    const RESOLVER: [u8; 4] = [209, 87, 249, 18];

    fn udp(s: &mut Session, seg: Seg<'_>) -> Packet {
        s.run(seg, dissect)
    }

    fn v(p: &Packet, d: &[u8], name: &str) -> String {
        value(p, d, name).unwrap_or_else(|| panic!("{name} missing"))
    }

    #[test]
    fn dns_query_matches_tshark() {
        let mut s = Session::tshark();
        let p = udp(
            &mut s,
            Seg::new(HOST, RESOLVER, (1591780794, 740079), &DNS_QUERY),
        );
        let d = &DNS_QUERY;
        assert_eq!(v(&p, d, "udp.srcport"), "43966");
        assert_eq!(values(&p, d, "udp.port"), ["43966", "53"]);
        assert_eq!(v(&p, d, "udp.length"), "64");
        assert_eq!(v(&p, d, "udp.checksum"), "0x7824");
        assert_eq!(v(&p, d, "udp.checksum.status"), "2");
        assert_eq!(v(&p, d, "udp.stream"), "0");
        assert_eq!(v(&p, d, "udp.time_relative"), "0.000000000");
        assert!(v(&p, d, "udp.payload").starts_with("59:34:01:20"));
        // The DNS dissector above UDP writes the Info column, as in tshark.
        assert_eq!(
            p.summary.info,
            "Standard query 0x5934 A www.tcpdump.org OPT"
        );
        assert!(!p.is_malformed());
    }

    #[test]
    fn checksum_verifies_and_a_reply_shares_the_stream() {
        let mut s = Session::verifying();
        let p = udp(
            &mut s,
            Seg::new(HOST, RESOLVER, (1591780794, 740079), &DNS_QUERY),
        );
        assert_eq!(v(&p, &DNS_QUERY, "udp.checksum.status"), "1");
        assert_eq!(v(&p, &DNS_QUERY, "udp.checksum_calculated"), "0x7824");
        // The same ports the other way round: the same conversation, 1.5 s later.
        let mut reply = DNS_QUERY.to_vec();
        reply.swap(0, 2);
        reply.swap(1, 3);
        let p = udp(
            &mut s,
            Seg::new(RESOLVER, HOST, (1591780796, 240079), &reply),
        );
        assert_eq!(v(&p, &reply, "udp.stream"), "0");
        assert_eq!(v(&p, &reply, "udp.time_relative"), "1.500000000");
        assert_eq!(v(&p, &reply, "udp.checksum.status"), "1");
        let p = udp(
            &mut s,
            Seg::new(HOST, [8, 8, 8, 8], (1591780797, 0), &DNS_QUERY),
        );
        assert_eq!(v(&p, &DNS_QUERY, "udp.stream"), "1");
        assert_eq!(v(&p, &DNS_QUERY, "udp.checksum.status"), "0");
        // DNS above rewrites the Info column, as tshark's does (checked with tshark 4.0
        // on dns/dns_udp.pcap frame 1 with its checksum spoiled).
        assert_eq!(
            p.summary.info,
            "Standard query 0x5934 A www.tcpdump.org OPT"
        );
    }

    #[test]
    fn zero_checksum_over_ipv4_is_not_present() {
        let mut d = DNS_QUERY.to_vec();
        d[6] = 0;
        d[7] = 0;
        let p = udp(
            &mut Session::verifying(),
            Seg::new(HOST, RESOLVER, (1, 0), &d),
        );
        assert_eq!(v(&p, &d, "udp.checksum.status"), "3");
        // tshark nests the status under the checksum in this case.
        let cs = p.find("udp.checksum").expect("checksum").depth;
        assert_eq!(p.find("udp.checksum.status").expect("status").depth, cs + 1);
    }

    #[test]
    fn header_only_datagram_has_no_payload_or_times() {
        let d = [0x13, 0x88, 0x16, 0x0a, 0x00, 0x08, 0x27, 0xb6];
        let p = udp(&mut Session::tshark(), Seg::new(HOST, RESOLVER, (1, 0), &d));
        assert_eq!(v(&p, &d, "udp.stream"), "0");
        assert!(p.find("udp.payload").is_none());
        assert!(p.find("udp.time_delta").is_none());
    }

    #[test]
    fn bad_lengths_are_malformed() {
        let mut d = DNS_QUERY.to_vec();
        d[4] = 0;
        d[5] = 7;
        let p = udp(&mut Session::tshark(), Seg::new(HOST, RESOLVER, (1, 0), &d));
        assert!(p.is_malformed());
        assert!(has_expert(&p, "Bad length value 7 < 8"));
        assert!(p.find("udp.checksum").is_none());
        // Longer than the IP payload: reported, dissection goes on.
        d[5] = 0x50;
        let p = udp(&mut Session::tshark(), Seg::new(HOST, RESOLVER, (1, 0), &d));
        assert!(has_expert(&p, "Bad length value 80 > IP payload length"));
        // DNS above rewrites the Info column, as tshark's does.
        assert_eq!(
            p.summary.info,
            "Standard query 0x5934 A www.tcpdump.org OPT"
        );
        assert_eq!(v(&p, &d, "udp.stream"), "0");
    }

    #[test]
    fn truncation_at_every_boundary_keeps_what_was_decoded() {
        // malformed/udp_length_heapoverflow.pcap ends its UDP header after the ports.
        for cut in 0..DNS_QUERY.len() {
            let bytes = &DNS_QUERY[..cut];
            let mut seg = Seg::new(HOST, RESOLVER, (1, 0), bytes);
            seg.wire_len = Some(DNS_QUERY.len());
            let p = udp(&mut Session::tshark(), seg);
            assert_eq!(p.find("udp.srcport").is_some(), cut >= 4, "cut {cut}");
            assert_eq!(p.find("udp.length").is_some(), cut >= 6, "cut {cut}");
            // Past the UDP header, the DNS message above is cut short too.
            let dns_cut = cut > 8 && cut < DNS_QUERY.len();
            assert_eq!(p.is_malformed(), cut < 8 || dns_cut, "cut {cut}");
            if cut >= 8 {
                assert_eq!(v(&p, bytes, "udp.checksum.status"), "2", "cut {cut}");
                assert_eq!(v(&p, bytes, "udp.stream"), "0", "cut {cut}");
            }
        }
    }

    #[test]
    fn traceroute_probe_ports_are_noted() {
        let mut d = DNS_QUERY.to_vec();
        d[2..4].copy_from_slice(&33437u16.to_be_bytes());
        let p = udp(&mut Session::tshark(), Seg::new(HOST, RESOLVER, (1, 0), &d));
        assert!(has_expert(&p, "Possible traceroute: hop #1, attempt #3"));
    }

    mod fuzz {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn arbitrary_datagrams_never_panic(
                bytes in proptest::collection::vec(any::<u8>(), 0..80),
                extra in 0usize..100,
                quoted in any::<bool>(),
                vxlan in any::<bool>(),
            ) {
                let mut bytes = bytes;
                if vxlan && bytes.len() >= 4 {
                    bytes[2..4].copy_from_slice(&crate::tunnel::vxlan::PORT.to_be_bytes());
                }
                let mut seg = Seg::new(HOST, RESOLVER, (1, 0), &bytes);
                seg.wire_len = Some(bytes.len() + extra);
                seg.in_icmp_error = quoted;
                let p = udp(&mut Session::verifying(), seg);
                prop_assert_eq!(p.layers[0].proto.name, "udp");
            }
        }
    }
}
