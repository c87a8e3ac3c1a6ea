//! The record layer: header, then what its content type carries
//! (ChangeCipherSpec, Alert, Handshake, Application Data, Heartbeat).

use std::fmt::Write as _;

use super::cursor::Cursor;
use super::decrypt::cipher;
use super::decrypt::session::{Outcome, Tls12Hello};
use super::fields::*;
use super::state::TlsSession;
use super::{appdata, handshake, info_item, names, Conn, MAX_RECORD_LEN, RECORD_HEADER_LEN};
use crate::dissector::Cx;
use crate::flow::timeline::Direction;
use crate::model::{Group, Severity, Span, Value};

const CT_CHANGE_CIPHER_SPEC: u8 = 20;
const CT_ALERT: u8 = 21;
const CT_HANDSHAKE: u8 = 22;
const CT_APPLICATION_DATA: u8 = 23;

/// Dissects one record at `off` into the current layer.
pub fn dissect(cx: &mut Cx<'_>, s: &mut TlsSession, conn: Conn, off: usize, rec: &[u8]) {
    let mut c = Cursor::new(rec, off);
    let (Some((ct_span, ct)), Some((v_span, version)), Some((l_span, len))) =
        (c.u8(), c.u16(), c.u16())
    else {
        // Reassembly only hands over whole headers; a bare call may not.
        cx.pkt.malformed(
            Span::new(off, rec.len()),
            format!("TLS record shorter than its {RECORD_HEADER_LEN}-byte header"),
        );
        return;
    };
    set_protocol_column(cx, s, conn, version);
    let early = sends_early_data(s, conn);
    let opaque = ct == CT_APPLICATION_DATA && (s.is_tls13() || early);
    let (body, complete) = c.sub(len.into());
    let protected = opaque
        || (s.ccs.get(conn.dir).copied().unwrap_or(false)
            && (CT_ALERT..=CT_APPLICATION_DATA).contains(&ct));
    let header = cipher::Header {
        content_type: ct,
        version,
    };
    let plain = if protected && complete {
        let record = Protected {
            header,
            tls13: opaque,
            early,
            fragment: body.rest(),
            span: l_span,
        };
        decrypt(cx, s, conn, &record)
    } else {
        None
    };
    cx.pkt
        .add_tree(&RECORD, Span::new(off, rec.len()), Value::None, |p| {
            if opaque {
                p.add(&OPAQUE_TYPE, ct_span, Value::Uint(ct.into()));
            } else {
                p.add(&CONTENT_TYPE, ct_span, Value::Uint(ct.into()));
            }
            p.add(&RECORD_VERSION, v_span, Value::Uint(version.into()));
            p.add(&RECORD_LENGTH, l_span, Value::Uint(len.into()));
            if let (true, Some((inner, _))) = (opaque, &plain) {
                // The real content type, from the decrypted inner plaintext.
                p.add(&CONTENT_TYPE, ct_span, Value::Uint((*inner).into()));
            }
        });
    if usize::from(len) > MAX_RECORD_LEN {
        cx.pkt.expert(
            Severity::Error,
            Group::Protocol,
            l_span,
            format!("record length {len} exceeds the maximum of {MAX_RECORD_LEN} bytes"),
        );
    }
    if !complete {
        cx.pkt.malformed(
            Span::new(off, rec.len()),
            format!(
                "TLS record of {len} bytes cut short: only {} present",
                body.remaining()
            ),
        );
    }
    nested(cx, |cx| match plain {
        Some((inner, content)) => decrypted(cx, s, conn, inner, body, &content),
        None => match ct {
            CT_CHANGE_CIPHER_SPEC => change_cipher_spec(cx, s, conn, body),
            CT_ALERT => {
                let encrypted =
                    s.ccs.get(conn.dir).copied().unwrap_or(false) || body.remaining() != 2;
                alert(cx, s, conn, body, encrypted)
            }
            CT_HANDSHAKE => handshake_record(cx, s, conn, body),
            CT_APPLICATION_DATA => application_data(cx, s, conn, body, None),
            _ => unknown_record(cx, ct),
        },
    });
    // A decrypted Finished, KeyUpdate or EndOfEarlyData changes the keys of
    // the records after this one.
    let dir = conn.dir.min(1);
    if let Some(to) = s.switch[dir].take() {
        s.decryption.switch(conn.dir, to);
    }
}

fn unknown_record(cx: &mut Cx<'_>, ct: u8) {
    info_item(
        cx,
        names::content_type(ct.into()).unwrap_or("Unknown Record"),
    );
}

/// Name of the data source decrypted records are dissected from (as tshark's).
pub const DECRYPTED_SOURCE: &str = "Decrypted TLS";

/// A protected record as read from the wire.
struct Protected<'a> {
    header: cipher::Header,
    /// TLS 1.3 protection: the content type is inside.
    tls13: bool,
    /// 0-RTT data sent before the ServerHello.
    early: bool,
    fragment: &'a [u8],
    /// Where expert items about it point.
    span: Span,
}

/// Decrypts a protected record when the key log has its keys: the content
/// type and the content (TLS 1.3: from the inner plaintext). A failure is an
/// expert item on the record, and nothing is dissected from it.
fn decrypt(
    cx: &mut Cx<'_>,
    s: &mut TlsSession,
    conn: Conn,
    r: &Protected<'_>,
) -> Option<(u8, Vec<u8>)> {
    let dir = conn.dir.min(1);
    if cx.prefs.tls_keylog.is_none() || s.decryption.failed[dir] {
        return None;
    }
    let (header, span) = (r.header, r.span);
    let outcome = if r.early {
        s.decryption.early_record(conn.dir, header, r.fragment)
    } else {
        s.decryption.record(conn.dir, header, r.fragment)
    };
    let reason = match outcome {
        Outcome::Plain(p) if r.tls13 => {
            let inner = inner_plaintext(p);
            if inner.is_none() {
                cx.pkt.expert_field(
                    &DECRYPTION_FAILED,
                    Severity::Warn,
                    Group::Malformed,
                    span,
                    "the decrypted TLS 1.3 record has no content type (all padding)",
                );
            }
            return inner;
        }
        Outcome::Plain(p) => return Some((header.content_type, p)),
        Outcome::NoKeys | Outcome::Skipped => {
            if !s.decrypt_reported[dir] {
                s.decrypt_reported[dir] = true;
                let why = match s.decryption.unsupported {
                    Some(suite) => format!(
                        "TLS record not decrypted: cipher suite {} (0x{suite:04x}) is not supported for decryption",
                        names::cipher_suite(suite.into()).unwrap_or("unknown")
                    ),
                    None => "TLS record not decrypted: the key log has no secret for it (no secrets for this connection or epoch)".into(),
                };
                cx.pkt.expert_field(
                    &DECRYPTION_FAILED,
                    Severity::Note,
                    Group::Undecoded,
                    span,
                    why,
                );
            }
            return None;
        }
        Outcome::Failed(reason) => reason,
    };
    cx.pkt.expert_field(
        &DECRYPTION_FAILED,
        Severity::Warn,
        Group::Undecoded,
        span,
        format!("TLS record decryption failed: {reason}; later records of this direction are not decrypted"),
    );
    None
}

/// TLS 1.3 TLSInnerPlaintext: content, content type, zero padding (RFC 8446 5.2).
fn inner_plaintext(mut p: Vec<u8>) -> Option<(u8, Vec<u8>)> {
    let end = p.iter().rposition(|&b| b != 0)?;
    let ct = p[end];
    p.truncate(end);
    Some((ct, p))
}

/// Dissects a decrypted record's content from its own data source.
fn decrypted(
    cx: &mut Cx<'_>,
    s: &mut TlsSession,
    conn: Conn,
    ct: u8,
    body: Cursor<'_>,
    content: &[u8],
) {
    if ct == CT_APPLICATION_DATA {
        application_data(cx, s, conn, body, Some(content));
        return;
    }
    cx.in_source(DECRYPTED_SOURCE, content, |cx| {
        let c = Cursor::new(content, 0);
        match ct {
            CT_ALERT => alert(cx, s, conn, c, false),
            CT_HANDSHAKE => handshake::dissect_record_body(cx, s, conn, c),
            _ => unknown_record(cx, ct),
        }
    });
}

/// Runs `f` with the fields it adds nested one level down (under the last field).
pub(crate) fn nested(cx: &mut Cx<'_>, f: impl FnOnce(&mut Cx<'_>)) {
    let Cx {
        data,
        frame,
        pkt,
        state,
        prefs,
        meta,
        nesting,
        ip,
        in_icmp_error,
        tcp,
    } = cx;
    pkt.subtree(|p| {
        let mut inner = Cx {
            data,
            frame,
            pkt: p,
            state,
            prefs,
            meta,
            nesting: *nesting,
            ip: *ip,
            in_icmp_error: *in_icmp_error,
            tcp: *tcp,
        };
        f(&mut inner)
    });
}

/// A TLS 1.3 client that offered early_data sends 0-RTT records before the ServerHello.
fn sends_early_data(s: &TlsSession, conn: Conn) -> bool {
    s.early_data_offered && s.version.is_none() && s.is_client(conn.dir)
}

/// The protocol column names the negotiated version once known, else the record's.
fn set_protocol_column(cx: &mut Cx<'_>, s: &TlsSession, conn: Conn, record_version: u16) {
    // 0-RTT data can only be TLS 1.3.
    let early = sends_early_data(s, conn).then_some(0x0304);
    cx.pkt.summary.protocol = names::version_short(s.version.or(early).unwrap_or(record_version));
}

fn change_cipher_spec(cx: &mut Cx<'_>, s: &mut TlsSession, conn: Conn, body: Cursor<'_>) {
    cx.pkt
        .add(&CHANGE_CIPHER_SPEC, body.rest_span(), Value::None);
    if s.resumed && !s.is_client(conn.dir) && cx.prefs.tls_keylog.is_some() && !s.is_tls13() {
        // With keys, the abbreviated handshake's reuse of a master secret is noted, as Wireshark does.
        nested(cx, |cx| {
            cx.pkt.expert_field(
                &RESUMED,
                Severity::Warn,
                Group::Sequence,
                body.rest_span(),
                "This session reuses previously negotiated keys (Session resumption)",
            );
        });
    }
    info_item(cx, "Change Cipher Spec");
    // TLS 1.3 sends ChangeCipherSpec only for middleboxes (RFC 8446 D.4):
    // it changes nothing, and what follows is a cleartext hello or opaque records.
    if !s.is_tls13() {
        if let Some(d) = s.ccs.get_mut(conn.dir) {
            *d = true;
        }
        install_tls12_keys(cx, s, conn);
    }
    event(cx, s, conn, "change_cipher_spec", "ChangeCipherSpec");
}

fn alert(cx: &mut Cx<'_>, s: &mut TlsSession, conn: Conn, mut body: Cursor<'_>, encrypted: bool) {
    if encrypted {
        cx.pkt.add(&ALERT, body.rest_span(), Value::None);
        info_item(cx, "Encrypted Alert");
        event(cx, s, conn, "alert", "Alert (encrypted)");
        return;
    }
    let span = body.rest_span();
    let (Some((l_span, level)), Some((d_span, desc))) = (body.u8(), body.u8()) else {
        return;
    };
    cx.pkt.add_tree(&ALERT, span, Value::None, |p| {
        p.add(&ALERT_LEVEL, l_span, Value::Uint(level.into()));
        p.add(&ALERT_DESC, d_span, Value::Uint(desc.into()));
    });
    let mut item = String::new();
    let _ = write!(
        item,
        "Alert (Level: {}, Description: {})",
        names::alert_level(level.into()).unwrap_or("Unknown"),
        names::alert_description(desc.into()).unwrap_or("Unknown")
    );
    info_item(cx, &item);
    event(cx, s, conn, "alert", item);
}

fn application_data(
    cx: &mut Cx<'_>,
    s: &mut TlsSession,
    conn: Conn,
    body: Cursor<'_>,
    plain: Option<&[u8]>,
) {
    cx.pkt.add(&APP_DATA, body.rest_span(), Value::SpanBytes);
    let proto = appdata::protocol(s, conn);
    if let Some(p) = proto.filter(|_| conn.https || plain.is_some()) {
        cx.pkt
            .add(&APP_DATA_PROTO, body.rest_span(), Value::Static(p.label()));
    }
    info_item(cx, "Application Data");
    let dir = conn.dir.min(1);
    if let Some(content) = plain {
        if let Some(p) = proto {
            cx.in_source(DECRYPTED_SOURCE, content, |cx| {
                appdata::dissect(cx, s, conn, p, content)
            });
        } else {
            // No dissector for the application protocol: the bytes, as data.
            cx.in_source(DECRYPTED_SOURCE, content, |cx| {
                crate::app::data::dissect(cx, 0, content);
            });
        }
        if sends_early_data(s, conn) && !s.early_data_sent {
            s.early_data_sent = true;
            event(cx, s, conn, "early_data", "0-RTT early data");
        } else if !s.first_app_data[dir] {
            s.first_app_data[dir] = true;
            event(cx, s, conn, "application_data", "first Application Data");
        }
        return;
    }
    if sends_early_data(s, conn) {
        if !s.early_data_sent {
            s.early_data_sent = true;
            event(cx, s, conn, "early_data", "0-RTT early data");
        }
    } else if s.is_tls13() {
        encrypted_tls13_record(cx, s, conn);
    } else if !s.first_app_data[dir] {
        s.first_app_data[dir] = true;
        event(cx, s, conn, "application_data", "first Application Data");
    }
}

/// TLS 1.3 hides the rest of the handshake in application-data records: the
/// server's flight after its ServerHello (EncryptedExtensions to Finished)
/// runs until the client answers, and the client's first encrypted record is
/// its Finished; application data comes after.
fn encrypted_tls13_record(cx: &mut Cx<'_>, s: &mut TlsSession, conn: Conn) {
    let dir = conn.dir.min(1);
    let seen = s.encrypted[dir];
    s.encrypted[dir] = seen.saturating_add(1);
    let client = s.is_client(conn.dir);
    let ts = cx.meta.ts;
    let client_finished = s.finished[1 - dir].is_some() || client;
    if seen == 0 {
        s.finished[dir] = Some(ts);
        let label = if client {
            "client Finished (encrypted)"
        } else {
            "EncryptedExtensions…Finished (encrypted)"
        };
        event(cx, s, conn, "finished", label);
    } else if !client && !client_finished {
        // Still the server's first flight: its Finished is the last of these.
        s.finished[dir] = Some(ts);
    } else if !s.first_app_data[dir] {
        s.first_app_data[dir] = true;
        event(cx, s, conn, "application_data", "first Application Data");
    }
}

fn handshake_record(cx: &mut Cx<'_>, s: &mut TlsSession, conn: Conn, body: Cursor<'_>) {
    let encrypted = s.ccs.get(conn.dir).copied().unwrap_or(false);
    if encrypted {
        // After ChangeCipherSpec the sender's handshake is encrypted: its Finished.
        cx.pkt.add(&HANDSHAKE, body.rest_span(), Value::None);
        info_item(cx, "Encrypted Handshake Message");
        let dir = conn.dir.min(1);
        if s.finished[dir].is_none() {
            s.finished[dir] = Some(cx.meta.ts);
            event(cx, s, conn, "finished", "Finished (encrypted)");
        }
        return;
    }
    handshake::dissect_record_body(cx, s, conn, body);
}

/// Records a timeline event for the packet being dissected.
pub(crate) fn event(
    cx: &mut Cx<'_>,
    s: &mut TlsSession,
    conn: Conn,
    kind: &'static str,
    label: impl Into<Box<str>>,
) {
    let dir: Direction = s.direction(conn.dir);
    s.timeline
        .push(cx.meta.ts, cx.meta.number, dir, kind, label);
}

/// TLS ≤ 1.2: the sender's records after its ChangeCipherSpec are protected
/// with its half of the key block.
fn install_tls12_keys(cx: &Cx<'_>, s: &mut TlsSession, conn: Conn) {
    let (Some(log), Some(client_random), Some(server_random), Some(suite), Some(version)) = (
        cx.prefs.tls_keylog.as_deref(),
        s.client_random,
        s.server_random,
        s.cipher,
        s.version,
    ) else {
        return;
    };
    let hello = Tls12Hello {
        client_random,
        server_random,
        suite,
        version,
        encrypt_then_mac: s.encrypt_then_mac,
    };
    let from_client = s.is_client(conn.dir);
    s.decryption
        .change_cipher_spec(log, &hello, from_client, conn.dir);
}

#[cfg(test)]
mod tests {
    use super::inner_plaintext;

    #[test]
    fn tls13_inner_plaintext_loses_its_padding_and_type() {
        assert_eq!(
            inner_plaintext(b"hi\x17\x00\x00".to_vec()),
            Some((23, b"hi".to_vec()))
        );
        assert_eq!(inner_plaintext(b"\x16".to_vec()), Some((22, Vec::new())));
        assert_eq!(inner_plaintext(vec![0; 4]), None);
        assert_eq!(inner_plaintext(Vec::new()), None);
    }
}
