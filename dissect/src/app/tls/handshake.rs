//! Handshake messages: several may share a record, and each is decoded into
//! tshark's fields; the hellos also update the session and its timeline.

use super::cursor::Cursor;
use super::decrypt::session::Switch;
use super::extensions::{self, Hello, HelloKind};
use super::fields::*;
use super::record::{event, nested};
use super::state::{TlsSession, MAX_HANDSHAKE_LEN};
use super::{fingerprint, info_item, names, x509, x509tree, Conn};
use crate::dissector::Cx;
use crate::model::{Span, Value};

/// The random of a HelloRetryRequest: SHA-256("HelloRetryRequest") (RFC 8446 4.1.3).
pub const HRR_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

const CLIENT_HELLO: u8 = 1;
const SERVER_HELLO: u8 = 2;
const NEW_SESSION_TICKET: u8 = 4;
const END_OF_EARLY_DATA: u8 = 5;
const ENCRYPTED_EXTENSIONS: u8 = 8;
const KEY_UPDATE: u8 = 24;
const CERTIFICATE_MSG: u8 = 11;
const SERVER_KEY_EXCHANGE: u8 = 12;
const CERTIFICATE_REQUEST: u8 = 13;
const SERVER_HELLO_DONE: u8 = 14;
const CERTIFICATE_VERIFY: u8 = 15;
const CLIENT_KEY_EXCHANGE: u8 = 16;
const FINISHED: u8 = 20;

/// Dissects the handshake messages of one (cleartext) handshake record. A
/// message longer than what is left of the record continues in the sender's
/// next handshake records: it is put together and dissected from a
/// "Reassembled TLS Handshake" data source in the record that completes it.
pub fn dissect_record_body(cx: &mut Cx<'_>, s: &mut TlsSession, conn: Conn, mut c: Cursor<'_>) {
    let dir = conn.dir.min(1);
    if !s.partial[dir].is_empty() {
        continue_fragment(cx, s, conn, &mut c);
    }
    while c.remaining() > 0 {
        if !one_message(cx, s, conn, &mut c) {
            return;
        }
    }
}

/// The announced total length (header included) of a message being put together.
fn fragment_total(partial: &[u8]) -> usize {
    match partial {
        [_, a, b, c, ..] => 4 + (usize::from(*a) << 16 | usize::from(*b) << 8 | usize::from(*c)),
        _ => 4,
    }
}

/// Adds this record's part of a message begun in an earlier record, and
/// dissects the message once it is whole.
fn continue_fragment(cx: &mut Cx<'_>, s: &mut TlsSession, conn: Conn, c: &mut Cursor<'_>) {
    let dir = conn.dir.min(1);
    let total = fragment_total(&s.partial[dir]);
    let want = total.saturating_sub(s.partial[dir].len());
    let (piece, _) = c.sub(want);
    cx.pkt.add(&HANDSHAKE, piece.rest_span(), Value::None);
    s.partial[dir].extend_from_slice(piece.rest());
    if s.partial[dir].len() < total {
        return;
    }
    let whole = std::mem::take(&mut s.partial[dir]);
    cx.in_source("Reassembled TLS Handshake", &whole, |inner| {
        let mut m = Cursor::new(&whole, 0);
        one_message(inner, s, conn, &mut m);
    });
}

/// Dissects the message at `c`; false when the record has nothing more to give.
fn one_message(cx: &mut Cx<'_>, s: &mut TlsSession, conn: Conn, c: &mut Cursor<'_>) -> bool {
    let start = c.at();
    let header = c.rest();
    let (Some((ts, ty)), Some((ls, len))) = (c.u8(), c.u24()) else {
        cx.pkt
            .add(&HANDSHAKE, Span::new(start, c.remaining()), Value::None);
        cx.pkt.malformed(
            Span::new(start, c.remaining()),
            "TLS handshake message header cut short",
        );
        return false;
    };
    let (msg, complete) = c.sub(len as usize);
    let fragment = !complete && 4 + len as usize <= MAX_HANDSHAKE_LEN;
    cx.pkt.add(
        &HANDSHAKE,
        Span::new(start, 4 + msg.remaining()),
        Value::None,
    );
    nested(cx, |cx| {
        cx.pkt.add(&HS_TYPE, ts, Value::Uint(ty.into()));
        cx.pkt.add(&HS_LENGTH, ls, Value::Uint(len.into()));
        if complete {
            message(cx, s, conn, ty, msg);
        } else {
            info_item(
                cx,
                names::handshake_type(ty.into()).unwrap_or("Unknown Handshake Message"),
            );
        }
    });
    if fragment {
        // The rest follows in the next handshake record(s) of this direction.
        let dir = conn.dir.min(1);
        s.partial[dir] = header.get(..4 + msg.remaining()).unwrap_or(header).to_vec();
        return false;
    }
    if !complete {
        cx.pkt.malformed(
            Span::new(start, 4 + msg.remaining()),
            format!(
                "handshake message of {len} bytes runs past its record ({} bytes left) and is longer than the {MAX_HANDSHAKE_LEN} bytes reassembled",
                msg.remaining()
            ),
        );
        return false;
    }
    true
}

fn message(cx: &mut Cx<'_>, s: &mut TlsSession, conn: Conn, ty: u8, m: Cursor<'_>) {
    let name = names::handshake_type(ty.into()).unwrap_or("Unknown Handshake Message");
    match ty {
        CLIENT_HELLO => {
            info_item(cx, name);
            client_hello(cx, s, conn, m);
        }
        SERVER_HELLO => server_hello(cx, s, conn, m),
        NEW_SESSION_TICKET => {
            info_item(cx, name);
            new_session_ticket(cx, s, m);
            event(cx, s, conn, "new_session_ticket", "NewSessionTicket");
        }
        CERTIFICATE_MSG => {
            info_item(cx, name);
            certificate(cx, s, m);
            event(cx, s, conn, "certificate", "Certificate");
        }
        SERVER_KEY_EXCHANGE => {
            info_item(cx, name);
            server_key_exchange(cx, s, m);
            event(cx, s, conn, "server_key_exchange", "ServerKeyExchange");
        }
        CERTIFICATE_REQUEST => {
            info_item(cx, name);
            certificate_request(cx, s, m);
            event(cx, s, conn, "certificate_request", "CertificateRequest");
        }
        SERVER_HELLO_DONE => {
            info_item(cx, name);
            event(cx, s, conn, "server_hello_done", "ServerHelloDone");
        }
        CLIENT_KEY_EXCHANGE => {
            info_item(cx, name);
            client_key_exchange(cx, s, m);
            event(cx, s, conn, "client_key_exchange", "ClientKeyExchange");
        }
        CERTIFICATE_VERIFY => {
            info_item(cx, name);
            certificate_verify(cx, s, m);
            event(cx, s, conn, "certificate_verify", "CertificateVerify");
        }
        FINISHED => {
            info_item(cx, name);
            cx.pkt.add(&VERIFY_DATA, m.rest_span(), Value::None);
            let dir = conn.dir.min(1);
            s.finished[dir].get_or_insert(cx.meta.ts);
            if s.is_tls13() {
                // The sender's application traffic keys protect what follows.
                s.switch[dir] = Some(Switch::ToApplication);
            }
            event(cx, s, conn, "finished", "Finished");
        }
        ENCRYPTED_EXTENSIONS => {
            info_item(cx, name);
            encrypted_extensions(cx, s, conn, m);
            event(cx, s, conn, "encrypted_extensions", "EncryptedExtensions");
        }
        END_OF_EARLY_DATA => {
            info_item(cx, name);
            s.switch[conn.dir.min(1)] = Some(Switch::ToHandshake);
            event(cx, s, conn, "end_of_early_data", "EndOfEarlyData");
        }
        KEY_UPDATE => {
            info_item(cx, name);
            let mut m = m;
            let request = m.u8();
            if let Some((sp, r)) = request {
                cx.pkt.add(&KEY_UPDATE_REQUEST, sp, Value::Uint(r.into()));
            }
            s.switch[conn.dir.min(1)] = Some(Switch::KeyUpdate);
            let label = match request {
                Some((_, 1)) => "KeyUpdate (update requested)",
                _ => "KeyUpdate",
            };
            event(cx, s, conn, "key_update", label);
        }
        _ => info_item(cx, name),
    }
}

/// The random, with its first four bytes read as a time before TLS 1.3.
fn random(cx: &mut Cx<'_>, m: &mut Cursor<'_>, tls13: bool) -> Option<[u8; 32]> {
    let (span, r) = m.bytes(32)?;
    cx.pkt.add(&RANDOM, span, Value::SpanBytes);
    if !tls13 {
        nested(cx, |cx| {
            let secs = u32::from_be_bytes([r[0], r[1], r[2], r[3]]);
            cx.pkt
                .add_with(&RANDOM_TIME, Span::new(span.start as usize, 4), || {
                    Value::Str(
                        crate::frame::format_utc(crate::model::Timestamp::new(secs.into(), 0))
                            .into(),
                    )
                });
            cx.pkt.add(
                &RANDOM_BYTES,
                Span::new(span.start as usize + 4, 28),
                Value::SpanBytes,
            );
        });
    }
    let mut out = [0; 32];
    out.copy_from_slice(r);
    Some(out)
}

fn session_id<'a>(cx: &mut Cx<'_>, m: &mut Cursor<'a>) -> Option<&'a [u8]> {
    let (s, len) = m.u8()?;
    cx.pkt.add(&SESSION_ID_LENGTH, s, Value::Uint(len.into()));
    let (s, id) = m.bytes(len.into())?;
    if len > 0 {
        cx.pkt.add(&SESSION_ID, s, Value::SpanBytes);
    }
    Some(id)
}

fn cut_short(cx: &mut Cx<'_>, m: &Cursor<'_>, what: &str) {
    cx.pkt.malformed(m.rest_span(), format!("{what} cut short"));
}

/// TLS 1.3 EncryptedExtensions (seen decrypted): the server's extensions;
/// without early_data the client's 0-RTT data was refused.
fn encrypted_extensions(cx: &mut Cx<'_>, s: &mut TlsSession, conn: Conn, mut m: Cursor<'_>) {
    let mut hello = Hello::default();
    if let Some((sp, len)) = m.u16() {
        cx.pkt.add(&EXTENSIONS_LENGTH, sp, Value::Uint(len.into()));
        let (exts, complete) = m.sub(len.into());
        extensions::dissect(cx, HelloKind::Server, exts, &mut hello);
        if !complete {
            cut_short(cx, &m, "EncryptedExtensions");
        }
    }
    if let Some(a) = hello.alpn.first() {
        s.alpn = Some(a.clone());
    }
    s.early_data_accepted |= hello.early_data;
    if !hello.early_data {
        let client = s.client_dir.unwrap_or(1 - conn.dir.min(1));
        s.decryption.early_data_rejected(client);
    }
}

fn client_hello(cx: &mut Cx<'_>, s: &mut TlsSession, conn: Conn, mut m: Cursor<'_>) {
    if s.client_dir.is_none() {
        s.client_dir = Some(conn.dir);
    }
    s.client_hello_ts.get_or_insert(cx.meta.ts);
    let mut ja = fingerprint::ClientHelloFacts::default();
    let ok = (|| {
        let (sp, version) = m.u16()?;
        cx.pkt.add(&HS_VERSION, sp, Value::Uint(version.into()));
        ja.version = version;
        s.client_random = Some(random(cx, &mut m, s.is_tls13())?);
        let id = session_id(cx, &mut m)?;
        s.client_session_id = id.to_vec();
        let (sp, len) = m.u16()?;
        cx.pkt
            .add(&CIPHER_SUITES_LENGTH, sp, Value::Uint(len.into()));
        let (mut suites, complete) = m.sub(len.into());
        cx.pkt.add(&CIPHER_SUITES, suites.rest_span(), Value::None);
        nested(cx, |cx| {
            while let Some((sp, v)) = suites.u16() {
                cx.pkt.add(&CIPHER_SUITE, sp, Value::Uint(v.into()));
                ja.ciphers.push(v);
            }
        });
        if !complete {
            return None;
        }
        let (sp, len) = m.u8()?;
        cx.pkt
            .add(&COMP_METHODS_LENGTH, sp, Value::Uint(len.into()));
        let (mut comps, complete) = m.sub(len.into());
        cx.pkt.add(&COMP_METHODS, comps.rest_span(), Value::None);
        nested(cx, |cx| {
            while let Some((sp, v)) = comps.u8() {
                cx.pkt.add(&COMP_METHOD, sp, Value::Uint(v.into()));
            }
        });
        if !complete {
            return None;
        }
        if m.remaining() >= 2 {
            let (sp, len) = m.u16()?;
            cx.pkt.add(&EXTENSIONS_LENGTH, sp, Value::Uint(len.into()));
            let (exts, complete) = m.sub(len.into());
            extensions::dissect(cx, HelloKind::Client, exts, &mut ja.hello);
            if !complete {
                return None;
            }
        }
        Some(())
    })();
    if ok.is_none() {
        cut_short(cx, &m, "ClientHello");
    }
    let h = &ja.hello;
    s.sni = h.sni.clone().or(s.sni.take());
    s.alpn_offered = h.alpn.clone();
    s.psk_offered |= h.psk;
    s.early_data_offered |= h.early_data;
    s.offered_suites.clone_from(&ja.ciphers);
    if let (Some(log), Some(random)) = (cx.prefs.tls_keylog.as_deref(), s.client_random) {
        s.decryption.client_hello(log, &random, &ja.ciphers);
    }
    let (ja3_full, ja3) = fingerprint::ja3(&ja);
    let ja4 = fingerprint::ja4(&ja);
    cx.pkt.add_with(&JA3_FULL, m.rest_span(), || {
        Value::Str(ja3_full.clone().into())
    });
    cx.pkt
        .add_with(&JA3, m.rest_span(), || Value::Str(ja3.clone().into()));
    cx.pkt
        .add_with(&JA4, m.rest_span(), || Value::Str(ja4.clone().into()));
    s.ja3 = Some(ja3);
    s.ja4 = Some(ja4);
    let label = match &h.sni {
        Some(sni) => format!("ClientHello (SNI={sni})"),
        None => "ClientHello".into(),
    };
    event(cx, s, conn, "client_hello", label);
}

/// The version a ServerHello selects, read ahead of its fields (the random
/// is shown differently under TLS 1.3): supported_versions, else the version.
fn scan_server_version(m: Cursor<'_>) -> Option<u16> {
    let mut m = m;
    let (_, version) = m.u16()?;
    if is_old_draft(version) {
        return Some(version);
    }
    m.bytes(32)?;
    let (_, id_len) = m.u8()?;
    m.bytes(id_len.into())?;
    m.bytes(3)?;
    let Some((_, len)) = m.u16() else {
        return Some(version);
    };
    let (mut exts, _) = m.sub(len.into());
    while let (Some((_, ty)), Some((_, len))) = (exts.u16(), exts.u16()) {
        let (mut body, _) = exts.sub(len.into());
        if ty == 43 {
            return body.u16().map(|(_, v)| v);
        }
    }
    Some(version)
}

/// TLS 1.3 drafts before 22 had a ServerHello without session id and compression.
fn is_old_draft(v: u16) -> bool {
    (0x7f00..0x7f16).contains(&v)
}

fn server_hello(cx: &mut Cx<'_>, s: &mut TlsSession, conn: Conn, mut m: Cursor<'_>) {
    let negotiated = scan_server_version(m);
    if let Some(v) = negotiated {
        s.version = Some(v);
    }
    let tls13 = s.is_tls13();
    let mut hrr = false;
    let mut hello = Hello::default();
    let mut cipher = None;
    let mut version = 0;
    let mut resumed = false;
    let ok = (|| {
        let (sp, v) = m.u16()?;
        version = v;
        cx.pkt.add(&HS_VERSION, sp, Value::Uint(v.into()));
        let r = random(cx, &mut m, tls13)?;
        hrr = r == HRR_RANDOM;
        if !hrr {
            s.server_random = Some(r);
        }
        if !is_old_draft(v) {
            let id = session_id(cx, &mut m)?;
            resumed = !id.is_empty() && id == s.client_session_id.as_slice() && !tls13;
        }
        let (sp, suite) = m.u16()?;
        cx.pkt.add(&CIPHER_SUITE, sp, Value::Uint(suite.into()));
        cipher = Some(suite);
        if !is_old_draft(v) {
            let (sp, comp) = m.u8()?;
            cx.pkt.add(&COMP_METHOD, sp, Value::Uint(comp.into()));
        }
        if m.remaining() >= 2 {
            let (sp, len) = m.u16()?;
            cx.pkt.add(&EXTENSIONS_LENGTH, sp, Value::Uint(len.into()));
            let (exts, complete) = m.sub(len.into());
            let kind = if hrr {
                HelloKind::HelloRetry
            } else {
                HelloKind::Server
            };
            extensions::dissect(cx, kind, exts, &mut hello);
            if !complete {
                return None;
            }
        }
        Some(())
    })();
    if ok.is_none() {
        cut_short(cx, &m, "ServerHello");
    }
    info_item(
        cx,
        if hrr {
            "Hello Retry Request"
        } else {
            "Server Hello"
        },
    );
    if let Some(suite) = cipher {
        let (full, hash) = fingerprint::ja3s(version, suite, &hello.ext_types);
        cx.pkt
            .add_with(&JA3S_FULL, m.rest_span(), || Value::Str(full.into()));
        cx.pkt
            .add_with(&JA3S, m.rest_span(), || Value::Str(hash.clone().into()));
        s.ja3s = Some(hash);
    }
    s.cipher = cipher;
    if let Some(&g) = hello.key_share_groups.first() {
        s.group = Some(g);
    }
    if hrr {
        s.hello_retry = true;
        s.group = hello.selected_group.or(s.group);
        let label = match hello.selected_group {
            Some(g) => format!("HelloRetryRequest (group {})", group_name(g)),
            None => "HelloRetryRequest".into(),
        };
        event(cx, s, conn, "hello_retry_request", label);
        return;
    }
    if let Some(a) = hello.alpn.first() {
        s.alpn = Some(a.clone());
    }
    // encrypt_then_mac (RFC 7366) echoed by the server.
    s.encrypt_then_mac = hello.ext_types.contains(&22);
    if let (true, Some(log), Some(random), Some(suite)) = (
        tls13,
        cx.prefs.tls_keylog.as_deref(),
        s.client_random,
        cipher,
    ) {
        let early = s.early_data_offered;
        s.decryption
            .server_hello_tls13(log, &random, suite, conn.dir, early);
    }
    s.psk_accepted |= hello.psk;
    s.resumed |= resumed || (tls13 && hello.psk);
    let label = format!(
        "ServerHello ({}, {})",
        names::version(negotiated.unwrap_or(version).into()).unwrap_or("unknown version"),
        cipher
            .and_then(|c| names::cipher_suite(c.into()))
            .unwrap_or("unknown cipher suite")
    );
    event(cx, s, conn, "server_hello", label);
}

pub fn group_name(g: u16) -> String {
    names::group(g.into())
        .map(str::to_owned)
        .unwrap_or_else(|| format!("0x{g:04x}"))
}

fn new_session_ticket(cx: &mut Cx<'_>, s: &mut TlsSession, mut m: Cursor<'_>) {
    let span = m.rest_span();
    cx.pkt
        .add_with(&TEXT, span, || Value::Text("TLS Session Ticket".into()));
    let tls13 = s.is_tls13();
    nested(cx, |cx| {
        let ok = (|| {
            let (sp, life) = m.u32()?;
            cx.pkt.add(&TICKET_LIFETIME, sp, Value::Uint(life.into()));
            if tls13 {
                let (sp, add) = m.u32()?;
                cx.pkt.add(&TICKET_AGE_ADD, sp, Value::Uint(add.into()));
                let (sp, n) = m.u8()?;
                cx.pkt.add(&TICKET_NONCE_LENGTH, sp, Value::Uint(n.into()));
                let (sp, _) = m.bytes(n.into())?;
                cx.pkt.add(&TICKET_NONCE, sp, Value::SpanBytes);
            }
            let (sp, len) = m.u16()?;
            cx.pkt.add(&TICKET_LENGTH, sp, Value::Uint(len.into()));
            let (sp, _) = m.bytes(len.into())?;
            cx.pkt.add(&TICKET, sp, Value::SpanBytes);
            if tls13 && m.remaining() >= 2 {
                let (sp, len) = m.u16()?;
                cx.pkt.add(&EXTENSIONS_LENGTH, sp, Value::Uint(len.into()));
                let (exts, _) = m.sub(len.into());
                extensions::dissect(cx, HelloKind::NewSessionTicket, exts, &mut Hello::default());
            }
            Some(())
        })();
        if ok.is_none() {
            cut_short(cx, &m, "NewSessionTicket");
        }
    });
}

fn certificate(cx: &mut Cx<'_>, s: &mut TlsSession, mut m: Cursor<'_>) {
    let tls13 = s.is_tls13();
    let ok = (|| {
        if tls13 {
            let (sp, ctx_len) = m.u8()?;
            cx.pkt.add(
                &CERT_REQUEST_CONTEXT_LENGTH,
                sp,
                Value::Uint(ctx_len.into()),
            );
            m.bytes(ctx_len.into())?;
        }
        let (sp, len) = m.u24()?;
        cx.pkt
            .add(&CERTIFICATES_LENGTH, sp, Value::Uint(len.into()));
        let (mut list, complete) = m.sub(len as usize);
        cx.pkt.add(&CERTIFICATES, list.rest_span(), Value::None);
        let mut ok = complete;
        nested(cx, |cx| {
            while list.remaining() > 0 {
                let Some((sp, len)) = list.u24() else {
                    ok = false;
                    return;
                };
                cx.pkt.add(&CERTIFICATE_LENGTH, sp, Value::Uint(len.into()));
                let Some((sp, der)) = list.bytes(len as usize) else {
                    ok = false;
                    return;
                };
                cx.pkt.add(&CERTIFICATE, sp, Value::SpanBytes);
                if cx.pkt.tree {
                    nested(cx, |cx| {
                        x509tree::certificate(cx, sp.start as usize, der);
                        x509::summary(cx, sp, der);
                    });
                }
                if tls13 {
                    let Some((sp, ext_len)) = list.u16() else {
                        ok = false;
                        return;
                    };
                    cx.pkt
                        .add(&EXTENSIONS_LENGTH, sp, Value::Uint(ext_len.into()));
                    let (exts, complete) = list.sub(ext_len.into());
                    extensions::dissect(cx, HelloKind::Server, exts, &mut Hello::default());
                    if !complete {
                        ok = false;
                        return;
                    }
                }
            }
        });
        ok.then_some(())
    })();
    if ok.is_none() {
        cut_short(cx, &m, "Certificate");
    }
}

/// The key exchange a TLS ≤ 1.2 cipher suite uses, from its IANA name.
fn key_exchange(s: &TlsSession) -> &'static str {
    let name = s
        .cipher
        .and_then(|c| names::cipher_suite(c.into()))
        .unwrap_or("");
    if name.starts_with("TLS_ECDHE_") {
        "ecdhe"
    } else if name.starts_with("TLS_DHE_") {
        "dhe"
    } else if name.starts_with("TLS_RSA_") {
        "rsa"
    } else {
        ""
    }
}

/// A digitally-signed struct: the scheme (TLS 1.2), then the signature.
fn signature(
    cx: &mut Cx<'_>,
    m: &mut Cursor<'_>,
    with_scheme: bool,
    len_def: &'static crate::model::FieldDef,
    sig_def: &'static crate::model::FieldDef,
) -> Option<()> {
    if with_scheme {
        let (sp, v) = m.u16()?;
        extensions::signature_scheme(cx, sp, v);
    }
    let (sp, len) = m.u16()?;
    cx.pkt.add(len_def, sp, Value::Uint(len.into()));
    let (sp, _) = m.bytes(len.into())?;
    cx.pkt.add(sig_def, sp, Value::SpanBytes);
    Some(())
}

fn server_key_exchange(cx: &mut Cx<'_>, s: &mut TlsSession, mut m: Cursor<'_>) {
    let kx = key_exchange(s);
    let ecdhe = kx == "ecdhe" || (kx.is_empty() && m.rest().first() == Some(&3));
    if !ecdhe {
        return;
    }
    let tls12 = s.version == Some(0x0303);
    cx.pkt.add_with(&TEXT, m.rest_span(), || {
        Value::Text("EC Diffie-Hellman Server Params".into())
    });
    let mut group = None;
    nested(cx, |cx| {
        let ok = (|| {
            let (sp, t) = m.u8()?;
            cx.pkt.add(&SERVER_CURVE_TYPE, sp, Value::Uint(t.into()));
            let (sp, g) = m.u16()?;
            cx.pkt.add(&SERVER_NAMED_CURVE, sp, Value::Uint(g.into()));
            group = Some(g);
            let (sp, len) = m.u8()?;
            cx.pkt.add(&SERVER_POINT_LEN, sp, Value::Uint(len.into()));
            let (sp, _) = m.bytes(len.into())?;
            cx.pkt.add(&SERVER_POINT, sp, Value::SpanBytes);
            signature(cx, &mut m, tls12, &SIG_LEN, &SIG)
        })();
        if ok.is_none() {
            cut_short(cx, &m, "ServerKeyExchange");
        }
    });
    if group.is_some() {
        s.group = group;
    }
}

fn certificate_request(cx: &mut Cx<'_>, s: &mut TlsSession, mut m: Cursor<'_>) {
    let tls12 = s.version == Some(0x0303);
    let ok = (|| {
        let (sp, n) = m.u8()?;
        cx.pkt.add(&CERT_TYPES_COUNT, sp, Value::Uint(n.into()));
        let (mut types, complete) = m.sub(n.into());
        cx.pkt.add(&CERT_TYPES, types.rest_span(), Value::None);
        nested(cx, |cx| {
            while let Some((sp, t)) = types.u8() {
                cx.pkt.add(&CERT_TYPE, sp, Value::Uint(t.into()));
            }
        });
        if !complete {
            return None;
        }
        if tls12 {
            extensions::signature_algorithms(cx, &mut m)?;
        }
        let (sp, len) = m.u16()?;
        cx.pkt.add(&DNAMES_LEN, sp, Value::Uint(len.into()));
        let (mut names, complete) = m.sub(len.into());
        while names.remaining() > 0 {
            let (sp, l) = names.u16()?;
            cx.pkt.add(&DNAME_LEN, sp, Value::Uint(l.into()));
            let (sp, _) = names.bytes(l.into())?;
            cx.pkt.add(&DNAME, sp, Value::SpanBytes);
        }
        complete.then_some(())
    })();
    if ok.is_none() {
        cut_short(cx, &m, "CertificateRequest");
    }
}

fn client_key_exchange(cx: &mut Cx<'_>, s: &mut TlsSession, mut m: Cursor<'_>) {
    let kx = key_exchange(s);
    let (label, len_def, def, wide) = match kx {
        "ecdhe" => (
            "EC Diffie-Hellman Client Params",
            &CLIENT_POINT_LEN,
            &CLIENT_POINT,
            false,
        ),
        "rsa" => ("RSA Encrypted PreMaster Secret", &EPMS_LEN, &EPMS, true),
        _ => return,
    };
    cx.pkt
        .add_with(&TEXT, m.rest_span(), || Value::Text(label.into()));
    nested(cx, |cx| {
        let ok = (|| {
            let (sp, len) = if wide {
                m.u16()?
            } else {
                let (sp, l) = m.u8()?;
                (sp, l.into())
            };
            cx.pkt.add(len_def, sp, Value::Uint(len.into()));
            let (sp, _) = m.bytes(len.into())?;
            cx.pkt.add(def, sp, Value::SpanBytes);
            Some(())
        })();
        if ok.is_none() {
            cut_short(cx, &m, "ClientKeyExchange");
        }
    });
}

fn certificate_verify(cx: &mut Cx<'_>, s: &mut TlsSession, mut m: Cursor<'_>) {
    let with_scheme = s.version.is_none_or(|v| v >= 0x0303);
    if signature(
        cx,
        &mut m,
        with_scheme,
        &CERT_VERIFY_SIG_LEN,
        &CERT_VERIFY_SIG,
    )
    .is_none()
    {
        cut_short(cx, &m, "CertificateVerify");
    }
}
