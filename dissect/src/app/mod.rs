//! Application protocols, one module each, and how a transport payload is
//! recognised as one of them: by well-known port first, then by heuristics on
//! the first bytes (so SSH on port 2222 or an h2c connection on any port is found).

pub mod bgp;
pub mod content_coding;
pub mod data;
pub mod dhcp;
pub mod dns;
pub mod http;
pub mod http2;
pub mod ntp;
pub mod ssh;
pub mod text_lines;
pub mod tls;
pub(crate) mod udp_message;

/// The transport an application payload arrived on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    Tcp,
    Udp,
}

/// Application protocols wirelens knows how to recognise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppProtocol {
    Dns,
    Mdns,
    Llmnr,
    Tls,
    Ssh,
    Http,
    Http2,
    Bgp,
    Dhcp,
    Ntp,
}

impl AppProtocol {
    /// Wireshark's protocol name.
    pub fn name(self) -> &'static str {
        match self {
            AppProtocol::Dns => "dns",
            AppProtocol::Mdns => "mdns",
            AppProtocol::Llmnr => "llmnr",
            AppProtocol::Tls => "tls",
            AppProtocol::Ssh => "ssh",
            AppProtocol::Http => "http",
            AppProtocol::Http2 => "http2",
            AppProtocol::Bgp => "bgp",
            AppProtocol::Dhcp => "dhcp",
            AppProtocol::Ntp => "ntp",
        }
    }
}

/// Well-known ports, as Wireshark registers its dissectors on them.
const PORTS: &[(Transport, u16, AppProtocol)] = &[
    (Transport::Udp, 53, AppProtocol::Dns),
    (Transport::Tcp, 53, AppProtocol::Dns),
    (Transport::Udp, 5353, AppProtocol::Mdns),
    (Transport::Udp, 5355, AppProtocol::Llmnr),
    (Transport::Udp, 67, AppProtocol::Dhcp),
    (Transport::Udp, 68, AppProtocol::Dhcp),
    (Transport::Udp, 123, AppProtocol::Ntp),
    (Transport::Tcp, 443, AppProtocol::Tls),
    (Transport::Tcp, 853, AppProtocol::Tls),
    (Transport::Tcp, 22, AppProtocol::Ssh),
    (Transport::Tcp, 80, AppProtocol::Http),
    (Transport::Tcp, 8080, AppProtocol::Http),
    (Transport::Tcp, 179, AppProtocol::Bgp),
];

/// The HTTP/2 connection preface (RFC 9113 section 3.4).
const H2_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// Which application protocol a payload between these ports most likely is.
/// The lower port is tried first, as Wireshark does; heuristics come after ports.
pub fn recognise(
    transport: Transport,
    src_port: u16,
    dst_port: u16,
    payload: &[u8],
) -> Option<AppProtocol> {
    let (low, high) = if src_port <= dst_port {
        (src_port, dst_port)
    } else {
        (dst_port, src_port)
    };
    let by_port = |port| {
        PORTS
            .iter()
            .find(|(t, p, _)| *t == transport && *p == port)
            .map(|(_, _, proto)| *proto)
    };
    by_port(low)
        .or_else(|| by_port(high))
        .or_else(|| recognise_by_content(transport, payload))
}

/// An HTTP/2 server speaks first with a SETTINGS frame on stream 0 (its
/// client's preface may come later): Wireshark recognises that too.
pub(crate) fn starts_with_h2_settings(payload: &[u8]) -> bool {
    match payload {
        [l0, l1, l2, 4, flags, 0, 0, 0, 0, ..] => {
            let len = u32::from_be_bytes([0, *l0, *l1, *l2]) as usize;
            flags & !1 == 0 && len.is_multiple_of(6) && len <= 16_384 && payload.len() >= 9 + len
        }
        _ => false,
    }
}

/// Which application protocol a TCP connection speaks, from its first
/// payload: the ports the user configured (`-o http2.tcp.port`) first, then
/// [`recognise`].
pub fn recognise_tcp(
    prefs: &crate::Prefs,
    src_port: u16,
    dst_port: u16,
    payload: &[u8],
) -> Option<AppProtocol> {
    let configured = |port| prefs.http2_tcp_ports.contains(&port);
    if configured(src_port) || configured(dst_port) {
        return Some(AppProtocol::Http2);
    }
    recognise(Transport::Tcp, src_port, dst_port, payload)
}

/// Heuristics on the first bytes of a payload.
fn recognise_by_content(transport: Transport, payload: &[u8]) -> Option<AppProtocol> {
    if transport != Transport::Tcp {
        return None;
    }
    if payload.starts_with(b"SSH-") {
        return Some(AppProtocol::Ssh);
    }
    if payload.starts_with(H2_PREFACE) || starts_with_h2_settings(payload) {
        return Some(AppProtocol::Http2);
    }
    // A TLS handshake record: content type 22, version 3.x, then a handshake type.
    if let [22, 3, 0..=4, _, _, 1 | 2, ..] = payload {
        return Some(AppProtocol::Tls);
    }
    if starts_with_http_line(payload) {
        return Some(AppProtocol::Http);
    }
    None
}

/// A whole HTTP/1.x request or status line, as Wireshark's HTTP heuristic
/// over TCP wants before it claims a connection on a port of no protocol:
/// `GET /page.txt HTTP/1.1` or `HTTP/1.0 200 OK`.
fn starts_with_http_line(payload: &[u8]) -> bool {
    let Some(line) = http::start_line(payload) else {
        return false;
    };
    let version = |v: &str| v == "HTTP/1.0" || v == "HTTP/1.1";
    match line.split(' ').collect::<Vec<_>>().as_slice() {
        [v, status, ..] if version(v) => {
            status.len() == 3 && status.bytes().all(|b| b.is_ascii_digit())
        }
        [_method, _target, v] => version(v),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_port_wins_then_heuristics() {
        assert_eq!(
            recognise(Transport::Udp, 53, 40000, b""),
            Some(AppProtocol::Dns)
        );
        assert_eq!(
            recognise(Transport::Tcp, 59856, 80, b""),
            Some(AppProtocol::Http)
        );
        assert_eq!(
            recognise(Transport::Tcp, 2222, 50000, b"SSH-2.0-OpenSSH_9.6\r\n"),
            Some(AppProtocol::Ssh)
        );
        assert_eq!(
            recognise(Transport::Tcp, 6233, 50000, H2_PREFACE),
            Some(AppProtocol::Http2)
        );
        assert_eq!(recognise(Transport::Tcp, 1, 2, b"hello"), None);
    }

    /// HTTP on a port of no protocol is recognised by a whole request or
    /// status line, not by a word that only starts like one.
    #[test]
    fn http_is_recognised_by_its_first_line_on_any_port() {
        let http = Some(AppProtocol::Http);
        let on_8000 = |payload: &[u8]| recognise(Transport::Tcp, 33032, 8000, payload);
        assert_eq!(on_8000(b"GET /page.txt HTTP/1.1\r\nHost: x\r\n"), http);
        assert_eq!(on_8000(b"HTTP/1.0 200 OK\r\nServer: x\r\n"), http);
        assert_eq!(on_8000(b"GET /page.txt HTTP/1.1"), None, "no line end yet");
        assert_eq!(on_8000(b"GETTING started\r\n"), None);
        assert_eq!(on_8000(b"HTTP/1.1 abc\r\n"), None);
        assert_eq!(
            recognise(Transport::Udp, 33032, 8000, b"GET / HTTP/1.1\r\n"),
            None
        );
    }
}
