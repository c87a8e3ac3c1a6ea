//! The `tls` object of a TLS connection's flow.

use serde_json::{json, Value};
use wirelens_dissect::app::tls::names as tls_names;
use wirelens_dissect::app::tls::state::TlsSession;

use super::{secs, timeline_json};

/// The TLS session of a flow: what the hellos negotiated, the fingerprints
/// (JA3/JA3S/JA4 identify TLS software, not users), and the handshake timeline.
/// Left out when no hello was seen.
pub fn tls_json(s: &TlsSession) -> Option<Value> {
    if s.client_hello_ts.is_none() && s.version.is_none() {
        return None;
    }
    let version = s
        .version
        .and_then(|v| tls_names::version(v.into()))
        .map(str::to_owned);
    let cipher = s.cipher.map(|c| {
        tls_names::cipher_suite(c.into())
            .map(str::to_owned)
            .unwrap_or_else(|| format!("0x{c:04x}"))
    });
    let group = s
        .group
        .map(wirelens_dissect::app::tls::handshake::group_name);
    let events = timeline_json(&s.timeline);
    Some(json!({
        "version": version,
        "cipher": cipher,
        "group": group,
        "sni": s.sni,
        "alpn": s.alpn,
        "alpn_offered": s.alpn_offered,
        "ja3": s.ja3,
        "ja3s": s.ja3s,
        "ja4": s.ja4,
        "hello_retry": s.hello_retry,
        "resumed": s.resumed,
        "psk": s.psk_accepted,
        "early_data": s.early_data_sent,
        "decrypted": s.decryption.decrypted,
        "handshake_duration": s.handshake_duration().map(secs),
        "timeline": events,
    }))
}
