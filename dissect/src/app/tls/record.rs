//! The record layer: header, then what its content type carries
//! (ChangeCipherSpec, Alert, Handshake, Application Data, Heartbeat).

use std::fmt::Write as _;

use super::cursor::Cursor;
use super::fields::*;
use super::state::TlsSession;
use super::{handshake, info_item, names, Conn, MAX_RECORD_LEN, RECORD_HEADER_LEN};
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
    let opaque = ct == CT_APPLICATION_DATA && (s.is_tls13() || sends_early_data(s, conn));
    cx.pkt
        .add_tree(&RECORD, Span::new(off, rec.len()), Value::None, |p| {
            if opaque {
                p.add(&OPAQUE_TYPE, ct_span, Value::Uint(ct.into()));
            } else {
                p.add(&CONTENT_TYPE, ct_span, Value::Uint(ct.into()));
            }
            p.add(&RECORD_VERSION, v_span, Value::Uint(version.into()));
            p.add(&RECORD_LENGTH, l_span, Value::Uint(len.into()));
        });
    if usize::from(len) > MAX_RECORD_LEN {
        cx.pkt.expert(
            Severity::Error,
            Group::Protocol,
            l_span,
            format!("record length {len} exceeds the maximum of {MAX_RECORD_LEN} bytes"),
        );
    }
    let (body, complete) = c.sub(len.into());
    if !complete {
        cx.pkt.malformed(
            Span::new(off, rec.len()),
            format!(
                "TLS record of {len} bytes cut short: only {} present",
                body.remaining()
            ),
        );
    }
    nested(cx, |cx| match ct {
        CT_CHANGE_CIPHER_SPEC => change_cipher_spec(cx, s, conn, body),
        CT_ALERT => alert(cx, s, conn, body),
        CT_HANDSHAKE => handshake_record(cx, s, conn, body),
        CT_APPLICATION_DATA => application_data(cx, s, conn, body),
        _ => {
            info_item(
                cx,
                names::content_type(ct.into()).unwrap_or("Unknown Record"),
            );
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
    info_item(cx, "Change Cipher Spec");
    // TLS 1.3 sends ChangeCipherSpec only for middleboxes (RFC 8446 D.4):
    // it changes nothing, and what follows is a cleartext hello or opaque records.
    if !s.is_tls13() {
        if let Some(d) = s.ccs.get_mut(conn.dir) {
            *d = true;
        }
    }
    event(cx, s, conn, "change_cipher_spec", "ChangeCipherSpec");
}

fn alert(cx: &mut Cx<'_>, s: &mut TlsSession, conn: Conn, mut body: Cursor<'_>) {
    let encrypted = s.ccs.get(conn.dir).copied().unwrap_or(false) || body.remaining() != 2;
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

fn application_data(cx: &mut Cx<'_>, s: &mut TlsSession, conn: Conn, body: Cursor<'_>) {
    cx.pkt.add(&APP_DATA, body.rest_span(), Value::SpanBytes);
    if conn.https {
        cx.pkt.add(
            &APP_DATA_PROTO,
            body.rest_span(),
            Value::Static("Hypertext Transfer Protocol"),
        );
    }
    info_item(cx, "Application Data");
    let dir = conn.dir.min(1);
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
