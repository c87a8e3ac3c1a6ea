//! The dissection driver: one `Dissector` per capture carries the state that
//! stateful analysis needs from frame to frame, and runs the layer chain.

use std::sync::Arc;

use crate::app::tls::decrypt::KeyLog;
use crate::flow::State;
use crate::frame::{self, FrameMeta};
use crate::model::{Address, Packet};

/// User preferences that change what dissection reports, named after
/// tshark's `-o` preferences where tshark has one.
#[derive(Clone, Debug)]
pub struct Prefs {
    /// `ip.check_checksum`: verify the IPv4 header checksum.
    pub ip_check_checksum: bool,
    /// `tcp.check_checksum`: verify TCP checksums.
    pub tcp_check_checksum: bool,
    /// `udp.check_checksum`: verify UDP checksums.
    pub udp_check_checksum: bool,
    /// `tcp.relative_sequence_numbers`: show sequence numbers relative to the ISN.
    pub tcp_relative_seq: bool,
    /// `http2.tcp.port`: TCP ports whose connections are HTTP/2 (with or
    /// without a preface), besides those found by content.
    pub http2_tcp_ports: Vec<u16>,
    /// What the analysis keeps for reports beyond packet trees.
    pub retention: crate::flow::Retention,
    /// `tls.keylog_file` (and the capture's Decryption Secrets Blocks): TLS
    /// secrets by client random, for decryption.
    pub tls_keylog: Option<Arc<KeyLog>>,
    /// Lines of the key log file that could not be read, for the user.
    pub tls_keylog_warnings: Vec<String>,
}

impl Default for Prefs {
    /// wirelens verifies every checksum by default (tshark does not).
    fn default() -> Self {
        Prefs {
            ip_check_checksum: true,
            tcp_check_checksum: true,
            udp_check_checksum: true,
            tcp_relative_seq: true,
            http2_tcp_ports: Vec::new(),
            retention: crate::flow::Retention::FULL,
            tls_keylog: None,
            tls_keylog_warnings: Vec::new(),
        }
    }
}

impl Prefs {
    /// Sets a preference from tshark's `-o name:value` syntax.
    pub fn set(&mut self, spec: &str) -> Result<(), String> {
        let (name, value) = spec
            .split_once(':')
            .ok_or_else(|| format!("preference '{spec}' is not of the form name:value"))?;
        if name == "tls.keylog_file" {
            return self.read_tls_keylog(value);
        }
        if name == "http2.tcp.port" {
            self.http2_tcp_ports = parse_port_range(value)
                .ok_or_else(|| format!("preference '{name}' takes ports and ranges such as 8000,9000-9010, not '{value}'"))?;
            return Ok(());
        }
        let flag = match value.to_ascii_uppercase().as_str() {
            "TRUE" | "1" | "YES" => true,
            "FALSE" | "0" | "NO" => false,
            _ => {
                return Err(format!(
                    "preference '{name}' takes TRUE or FALSE, not '{value}'"
                ))
            }
        };
        let slot = match name {
            "ip.check_checksum" => &mut self.ip_check_checksum,
            "tcp.check_checksum" => &mut self.tcp_check_checksum,
            "udp.check_checksum" => &mut self.udp_check_checksum,
            "tcp.relative_sequence_numbers" => &mut self.tcp_relative_seq,
            _ => return Err(format!("unknown preference '{name}'")),
        };
        *slot = flag;
        Ok(())
    }
}

/// pcapng Decryption Secrets Block type of TLS key logs ("TLSK").
pub const SECRETS_TLS_KEYLOG: u32 = 0x544c_534b;

impl Prefs {
    /// Reads an NSS key log file (`tls.keylog_file`, `--tls-keylog`); lines
    /// that do not parse are kept as warnings. An empty path clears it.
    pub fn read_tls_keylog(&mut self, path: &str) -> Result<(), String> {
        if path.is_empty() {
            self.tls_keylog = None;
            return Ok(());
        }
        let text = std::fs::read(path)
            .map_err(|e| format!("cannot read the TLS key log file '{path}': {e}"))?;
        self.add_tls_keylog_text(&String::from_utf8_lossy(&text), path);
        Ok(())
    }

    /// Adds the secrets of a capture's Decryption Secrets Block; other types than TLS key logs are ignored.
    pub fn add_decryption_secrets(&mut self, secrets_type: u32, data: &[u8]) {
        if secrets_type == SECRETS_TLS_KEYLOG {
            self.add_tls_keylog_text(&String::from_utf8_lossy(data), "decryption secrets block");
        }
    }

    fn add_tls_keylog_text(&mut self, text: &str, origin: &str) {
        let (log, bad) = KeyLog::parse(text);
        for b in bad {
            self.tls_keylog_warnings.push(format!("{origin}: {b}"));
        }
        match &mut self.tls_keylog {
            Some(existing) => Arc::make_mut(existing).merge(&log),
            None => self.tls_keylog = Some(Arc::new(log)),
        }
    }
}

/// A Wireshark range preference: ports and inclusive ranges separated by
/// commas (`8000,9000-9010`); empty clears it. Ranges above
/// [`MAX_PORTS_IN_RANGE`] ports in all are refused.
fn parse_port_range(value: &str) -> Option<Vec<u16>> {
    let mut ports = Vec::new();
    for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (lo, hi) = match part.split_once('-') {
            Some((lo, hi)) => (
                lo.trim().parse::<u16>().ok()?,
                hi.trim().parse::<u16>().ok()?,
            ),
            None => {
                let p = part.parse::<u16>().ok()?;
                (p, p)
            }
        };
        if lo > hi || ports.len() + usize::from(hi - lo) >= MAX_PORTS_IN_RANGE {
            return None;
        }
        ports.extend(lo..=hi);
    }
    Some(ports)
}

/// Ports a range preference may name.
pub const MAX_PORTS_IN_RANGE: usize = 1024;

/// Network-layer facts the transport layer needs (pseudo-header, columns).
#[derive(Clone, Copy, Debug)]
pub struct IpContext {
    pub src: Address,
    pub dst: Address,
    /// The datagram is a fragment other than a complete one; transport checksums cannot be verified.
    pub fragment: bool,
}

/// Everything a layer dissector may read or write while a frame is dissected.
pub struct Cx<'a> {
    /// The bytes `off` and spans refer to: the whole frame, or a reassembled
    /// payload being dissected as its own data source.
    pub data: &'a [u8],
    /// The frame's own bytes, even while `data` is a reassembled payload (layers
    /// read earlier headers through their data source).
    pub frame: &'a [u8],
    pub pkt: &'a mut Packet,
    pub state: &'a mut State,
    pub prefs: &'a Prefs,
    pub meta: &'a FrameMeta<'a>,
    /// Encapsulation depth (tunnels, ICMP quotes), bounded by [`MAX_NESTING`].
    pub nesting: u8,
    /// The innermost IP header seen so far.
    pub ip: Option<IpContext>,
    /// True while dissecting the IP packet quoted inside an ICMP error.
    pub in_icmp_error: bool,
    /// The TCP segment whose payload is being dissected: application
    /// dissectors key their per-connection state by its stream and direction.
    pub tcp: Option<crate::dispatch::TcpSegment>,
}

impl Cx<'_> {
    /// Runs `f` with a context whose bytes are `data`, shown as data source
    /// `name` (reassembled or decrypted bytes): offsets and spans inside are
    /// relative to `data`, which counts as complete (captured and reported
    /// lengths equal). Returns `None` when the packet has no room for another source.
    pub fn in_source<R>(
        &mut self,
        name: &'static str,
        data: &[u8],
        f: impl FnOnce(&mut Cx<'_>) -> R,
    ) -> Option<R> {
        let source = self.pkt.add_source(name, data)?;
        let meta = FrameMeta {
            orig_len: data.len() as u32,
            ..*self.meta
        };
        let (frame, prefs, nesting, in_icmp_error, ip, tcp) = (
            self.frame,
            self.prefs,
            self.nesting,
            self.in_icmp_error,
            self.ip,
            self.tcp,
        );
        let state = &mut *self.state;
        Some(self.pkt.with_source(source, |p| {
            let mut inner = Cx {
                tcp,
                data,
                frame,
                pkt: p,
                state,
                prefs,
                meta: &meta,
                nesting,
                ip,
                in_icmp_error,
            };
            f(&mut inner)
        }))
    }
}

/// Deepest encapsulation followed (tunnels within tunnels, VLAN stacks, ICMP quotes);
/// deeper payloads are shown as data with an expert item.
pub const MAX_NESTING: u8 = 16;

/// Dissects the frames of one capture, keeping the state between them.
#[derive(Default)]
pub struct Dissector {
    pub prefs: Prefs,
    state: State,
}

impl Dissector {
    pub fn new(prefs: Prefs) -> Self {
        Dissector {
            state: State::new(&prefs.retention),
            prefs,
        }
    }

    /// The stateful analysis gathered so far (conversations, streams).
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Dissects one frame into `pkt` (cleared first). Frames must come in capture order.
    pub fn dissect(&mut self, meta: &FrameMeta<'_>, data: &[u8], pkt: &mut Packet) {
        pkt.clear();
        let first = *self.state.first_ts.get_or_insert(meta.ts);
        let prev = self.state.prev_ts.replace(meta.ts).unwrap_or(meta.ts);
        self.state.frame_number = meta.number;
        self.state.frame_len = meta.orig_len;
        self.state.flows.last_flow = None;
        self.state.frame_ts = meta.ts;
        frame::dissect(pkt, meta, data.len(), first, prev);
        let frame_layer = pkt.current_layer();
        let mut cx = Cx {
            tcp: None,
            data,
            frame: data,
            pkt,
            state: &mut self.state,
            prefs: &self.prefs,
            meta,
            nesting: 0,
            ip: None,
            in_icmp_error: false,
        };
        if let Some((pen, copy)) = meta.custom {
            // A pcapng custom block: its contents belong to its owner, not to a link layer.
            cx.pkt.summary.protocol = "PCAPNG";
            cx.pkt.set_info(|i| {
                use std::fmt::Write as _;
                let _ = write!(
                    i,
                    "Custom Block: PEN = {} ({pen}), will{} be copied",
                    frame::pen_name(pen as u64).unwrap_or("Unknown"),
                    if copy { "" } else { " not" }
                );
            });
            crate::app::data::dissect(&mut cx, 0, data);
        } else {
            crate::dispatch::link(&mut cx, meta.link_type, data);
        }
        frame::finish(pkt, frame_layer);
    }
}

#[cfg(test)]
mod prefs_tests {
    use super::*;

    #[test]
    fn http2_ports_take_wireshark_ranges() {
        let mut p = Prefs::default();
        p.set("http2.tcp.port:8000, 9000-9002")
            .expect("valid range");
        assert_eq!(p.http2_tcp_ports, [8000, 9000, 9001, 9002]);
        p.set("http2.tcp.port:").expect("empty clears");
        assert!(p.http2_tcp_ports.is_empty());
        assert!(p.set("http2.tcp.port:9002-9000").is_err());
        assert!(p.set("http2.tcp.port:70000").is_err());
        assert!(p.set("http2.tcp.port:1-65535").is_err());
    }
}
