//! Hello extensions (ClientHello, ServerHello, HelloRetryRequest, and the
//! ones NewSessionTicket carries): each decoded into tshark's fields, and what
//! the fingerprints and the session summary need collected into [`Hello`].

use std::fmt::Write as _;

use super::cursor::Cursor;
use super::fields::*;
use super::names;
use super::record::nested;
use crate::dissector::Cx;
use crate::model::{Span, Value};

/// Which message the extensions belong to: some read differently in each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HelloKind {
    Client,
    Server,
    HelloRetry,
    NewSessionTicket,
}

/// What a hello's extensions said, for fingerprints and the session state.
#[derive(Debug, Default, Clone)]
pub struct Hello {
    pub ext_types: Vec<u16>,
    pub groups: Vec<u16>,
    pub ec_point_formats: Vec<u8>,
    pub sig_algs: Vec<u16>,
    pub alpn: Vec<String>,
    pub versions: Vec<u16>,
    pub sni: Option<String>,
    pub key_share_groups: Vec<u16>,
    pub selected_group: Option<u16>,
    pub psk: bool,
    pub early_data: bool,
}

impl Hello {
    /// The version a ServerHello selected through supported_versions.
    pub fn selected_version(&self) -> Option<u16> {
        self.versions.first().copied()
    }
}

/// Dissects the extensions block (after its 2-byte length) in `c`.
pub fn dissect(cx: &mut Cx<'_>, kind: HelloKind, mut c: Cursor<'_>, hello: &mut Hello) {
    while c.remaining() > 0 {
        let start = c.at();
        let (Some((t_span, ty)), Some((l_span, len))) = (c.u16(), c.u16()) else {
            cx.pkt.malformed(
                Span::new(start, c.remaining()),
                "TLS extension header cut short",
            );
            return;
        };
        let (body, complete) = c.sub(len.into());
        hello.ext_types.push(ty);
        cx.pkt
            .add_with(&EXTENSION, Span::new(start, 4 + body.remaining()), || {
                Value::Text(label(ty, len).into())
            });
        nested(cx, |cx| {
            cx.pkt.add(&EXT_TYPE, t_span, Value::Uint(ty.into()));
            cx.pkt.add(&EXT_LEN, l_span, Value::Uint(len.into()));
            if complete {
                body_fields(cx, kind, ty, body, hello);
            }
        });
        if !complete {
            cx.pkt.malformed(
                Span::new(start, 4 + body.remaining()),
                format!(
                    "extension of {len} bytes runs past the extensions block ({} bytes left)",
                    body.remaining()
                ),
            );
            return;
        }
    }
}

/// "server_name (len=19)" as Wireshark titles an extension.
fn label(ty: u16, len: u16) -> String {
    let mut s = String::from("Extension: ");
    match names::extension_type(ty.into()) {
        Some(n) => s.push_str(n),
        None => {
            let _ = write!(s, "Unknown type {ty}");
        }
    }
    let _ = write!(s, " (len={len})");
    s
}

/// A body that ran out: the fields decoded so far stay, the rest is flagged.
fn short(cx: &mut Cx<'_>, c: &Cursor<'_>, what: &str) {
    cx.pkt
        .malformed(c.rest_span(), format!("{what} extension cut short"));
}

fn body_fields(cx: &mut Cx<'_>, kind: HelloKind, ty: u16, mut c: Cursor<'_>, h: &mut Hello) {
    let ok = match ty {
        0 => server_name(cx, &mut c, h),
        5 => status_request(cx, &mut c),
        17 => status_request_v2(cx, &mut c),
        10 => supported_groups(cx, &mut c, h),
        11 => ec_point_formats(cx, &mut c, h),
        13 | 34 | 50 => {
            let algs = signature_algorithms(cx, &mut c);
            if ty == 13 {
                h.sig_algs = algs.clone().unwrap_or_default();
            }
            algs.is_some()
        }
        15 => c
            .u8()
            .map(|(s, v)| cx.pkt.add(&HEARTBEAT_MODE, s, Value::Uint(v.into())))
            .is_some(),
        16 => alpn(
            cx,
            &mut c,
            h,
            &ALPN_LEN,
            &ALPN_LIST,
            &ALPN_STR_LEN,
            &ALPN_STR,
        ),
        17513 => alpn(
            cx,
            &mut c,
            &mut Hello::default(),
            &ALPS_LEN,
            &ALPS_LIST,
            &ALPS_STR_LEN,
            &ALPS_STR,
        ),
        13172 => npn(cx, &mut c),
        21 => {
            cx.pkt.add(&PADDING, c.rest_span(), Value::SpanBytes);
            true
        }
        27 => compress_certificate(cx, &mut c),
        28 => c
            .u16()
            .map(|(s, v)| cx.pkt.add(&RECORD_SIZE_LIMIT, s, Value::Uint(v.into())))
            .is_some(),
        35 => {
            cx.pkt.add(&EXT_DATA, c.rest_span(), Value::SpanBytes);
            true
        }
        40 | 51 => key_share(cx, kind, &mut c, h),
        41 => pre_shared_key(cx, kind, &mut c, h),
        42 => {
            h.early_data = true;
            if kind == HelloKind::NewSessionTicket {
                c.u32()
                    .map(|(s, v)| cx.pkt.add(&EARLY_DATA_MAX, s, Value::Uint(v.into())))
                    .is_some()
            } else {
                true
            }
        }
        43 => supported_versions(cx, kind, &mut c, h),
        45 => psk_ke_modes(cx, &mut c),
        65281 => renegotiation_info(cx, &mut c),
        18 | 22 | 23 | 49 if c.remaining() == 0 => true,
        _ if names::extension_type(ty.into()).is_some() && !names::is_grease(ty) => {
            // Known but not decoded further: its bytes stay in the extension.
            true
        }
        _ => {
            cx.pkt.add(&EXT_DATA, c.rest_span(), Value::SpanBytes);
            true
        }
    };
    if !ok {
        short(cx, &c, names::extension_type(ty.into()).unwrap_or("TLS"));
    }
}

fn text(cx: &mut Cx<'_>, span: Span, label: impl FnOnce() -> String) {
    cx.pkt.add_with(&TEXT, span, || Value::Text(label().into()));
}

fn server_name(cx: &mut Cx<'_>, c: &mut Cursor<'_>, h: &mut Hello) -> bool {
    if c.remaining() == 0 {
        // A ServerHello acknowledges SNI with an empty extension.
        return true;
    }
    text(cx, c.rest_span(), || {
        "Server Name Indication extension".into()
    });
    let mut ok = true;
    nested(cx, |cx| {
        let Some((s, list_len)) = c.u16() else {
            ok = false;
            return;
        };
        cx.pkt.add(&SNI_LIST_LEN, s, Value::Uint(list_len.into()));
        let (mut list, _) = c.sub(list_len.into());
        while list.remaining() > 0 {
            let (Some((ts, t)), Some((ls, l))) = (list.u8(), list.u16()) else {
                ok = false;
                return;
            };
            cx.pkt.add(&SNI_TYPE, ts, Value::Uint(t.into()));
            cx.pkt.add(&SNI_LEN, ls, Value::Uint(l.into()));
            let Some((ns, name)) = list.bytes(l.into()) else {
                ok = false;
                return;
            };
            let name = String::from_utf8_lossy(name).into_owned();
            if t == 0 && h.sni.is_none() {
                h.sni = Some(name.clone());
            }
            cx.pkt.add(&SNI, ns, Value::Str(name.into()));
        }
    });
    ok
}

fn status_request(cx: &mut Cx<'_>, c: &mut Cursor<'_>) -> bool {
    if c.remaining() == 0 {
        return true;
    }
    let Some((s, t)) = c.u8() else { return false };
    cx.pkt.add(&STATUS_REQUEST_TYPE, s, Value::Uint(t.into()));
    status_request_body(cx, c)
}

/// An OCSPStatusRequest: responder ids, then request extensions.
fn status_request_body(cx: &mut Cx<'_>, c: &mut Cursor<'_>) -> bool {
    let Some((s, ids)) = c.u16() else {
        return false;
    };
    cx.pkt.add(
        &STATUS_REQUEST_RESPONDER_IDS_LEN,
        s,
        Value::Uint(ids.into()),
    );
    if c.bytes(ids.into()).is_none() {
        return false;
    }
    let Some((s, exts)) = c.u16() else {
        return false;
    };
    cx.pkt
        .add(&STATUS_REQUEST_EXTS_LEN, s, Value::Uint(exts.into()));
    c.bytes(exts.into()).is_some()
}

/// status_request_v2 (RFC 6961): a list of status requests, each with its length.
fn status_request_v2(cx: &mut Cx<'_>, c: &mut Cursor<'_>) -> bool {
    if c.remaining() == 0 {
        return true;
    }
    let Some((s, len)) = c.u16() else {
        return false;
    };
    cx.pkt
        .add(&STATUS_REQUEST_LIST_LEN, s, Value::Uint(len.into()));
    let (mut list, complete) = c.sub(len.into());
    while list.remaining() > 0 {
        let Some((s, t)) = list.u8() else {
            return false;
        };
        cx.pkt.add(&STATUS_REQUEST_TYPE, s, Value::Uint(t.into()));
        let Some((s, l)) = list.u16() else {
            return false;
        };
        cx.pkt.add(&STATUS_REQUEST_LEN, s, Value::Uint(l.into()));
        let (mut req, _) = list.sub(l.into());
        if !status_request_body(cx, &mut req) {
            return false;
        }
    }
    complete
}

/// A 2-byte-length list of 2-byte values, each added as `item` (GREASE kept).
fn u16_list(
    cx: &mut Cx<'_>,
    c: &mut Cursor<'_>,
    len_def: &'static crate::model::FieldDef,
    list_def: &'static crate::model::FieldDef,
    item: &'static crate::model::FieldDef,
) -> Option<Vec<u16>> {
    let (s, len) = c.u16()?;
    cx.pkt.add(len_def, s, Value::Uint(len.into()));
    let (mut list, complete) = c.sub(len.into());
    let mut out = Vec::new();
    cx.pkt.add(list_def, list.rest_span(), Value::None);
    nested(cx, |cx| {
        while let Some((s, v)) = list.u16() {
            cx.pkt.add(item, s, Value::Uint(v.into()));
            out.push(v);
        }
    });
    complete.then_some(out)
}

fn supported_groups(cx: &mut Cx<'_>, c: &mut Cursor<'_>, h: &mut Hello) -> bool {
    match u16_list(cx, c, &GROUPS_LENGTH, &GROUPS, &GROUP) {
        Some(g) => {
            h.groups = g;
            true
        }
        None => false,
    }
}

fn ec_point_formats(cx: &mut Cx<'_>, c: &mut Cursor<'_>, h: &mut Hello) -> bool {
    let Some((s, len)) = c.u8() else { return false };
    cx.pkt
        .add(&EC_POINT_FORMATS_LENGTH, s, Value::Uint(len.into()));
    let (mut list, complete) = c.sub(len.into());
    cx.pkt.add(&EC_POINT_FORMATS, list.rest_span(), Value::None);
    nested(cx, |cx| {
        while let Some((s, v)) = list.u8() {
            cx.pkt.add(&EC_POINT_FORMAT, s, Value::Uint(v.into()));
            h.ec_point_formats.push(v);
        }
    });
    complete
}

/// A signature-scheme list (signature_algorithms, _cert, delegated_credentials).
pub fn signature_algorithms(cx: &mut Cx<'_>, c: &mut Cursor<'_>) -> Option<Vec<u16>> {
    let (s, len) = c.u16()?;
    cx.pkt.add(&SIG_HASH_ALG_LEN, s, Value::Uint(len.into()));
    let (mut list, complete) = c.sub(len.into());
    let mut out = Vec::new();
    cx.pkt.add(&SIG_HASH_ALGS, list.rest_span(), Value::None);
    nested(cx, |cx| {
        while let Some((s, v)) = list.u16() {
            signature_scheme(cx, s, v);
            out.push(v);
        }
    });
    complete.then_some(out)
}

/// One signature scheme with its hash and signature bytes beneath.
pub fn signature_scheme(cx: &mut Cx<'_>, s: Span, v: u16) {
    cx.pkt.add(&SIG_HASH_ALG, s, Value::Uint(v.into()));
    nested(cx, |cx| {
        cx.pkt.add(
            &SIG_HASH_HASH,
            Span::new(s.start as usize, 1),
            Value::Uint((v >> 8).into()),
        );
        cx.pkt.add(
            &SIG_HASH_SIG,
            Span::new(s.start as usize + 1, 1),
            Value::Uint((v & 0xff).into()),
        );
    });
}

#[allow(clippy::too_many_arguments)]
fn alpn(
    cx: &mut Cx<'_>,
    c: &mut Cursor<'_>,
    h: &mut Hello,
    len_def: &'static crate::model::FieldDef,
    list_def: &'static crate::model::FieldDef,
    str_len_def: &'static crate::model::FieldDef,
    str_def: &'static crate::model::FieldDef,
) -> bool {
    let Some((s, len)) = c.u16() else {
        return false;
    };
    cx.pkt.add(len_def, s, Value::Uint(len.into()));
    let (mut list, complete) = c.sub(len.into());
    let mut ok = complete;
    cx.pkt.add(list_def, list.rest_span(), Value::None);
    nested(cx, |cx| {
        while list.remaining() > 0 {
            let Some((ls, l)) = list.u8() else { break };
            cx.pkt.add(str_len_def, ls, Value::Uint(l.into()));
            let Some((ss, p)) = list.bytes(l.into()) else {
                ok = false;
                break;
            };
            let p = String::from_utf8_lossy(p).into_owned();
            h.alpn.push(p.clone());
            cx.pkt.add(str_def, ss, Value::Str(p.into()));
        }
    });
    ok
}

fn npn(cx: &mut Cx<'_>, c: &mut Cursor<'_>) -> bool {
    while c.remaining() > 0 {
        let Some((ls, l)) = c.u8() else { return false };
        cx.pkt.add(&NPN_STR_LEN, ls, Value::Uint(l.into()));
        let Some((ss, p)) = c.bytes(l.into()) else {
            return false;
        };
        cx.pkt.add_with(&NPN_STR, ss, || {
            Value::Str(String::from_utf8_lossy(p).into_owned().into())
        });
    }
    true
}

fn compress_certificate(cx: &mut Cx<'_>, c: &mut Cursor<'_>) -> bool {
    let Some((s, len)) = c.u8() else { return false };
    cx.pkt
        .add(&COMPRESS_CERT_ALGS_LEN, s, Value::Uint(len.into()));
    let (mut list, complete) = c.sub(len.into());
    while let Some((s, v)) = list.u16() {
        cx.pkt.add(&COMPRESS_CERT_ALG, s, Value::Uint(v.into()));
    }
    complete
}

fn key_share_entry(cx: &mut Cx<'_>, c: &mut Cursor<'_>, h: &mut Hello) -> bool {
    let start = c.at();
    let Some((gs, group)) = c.u16() else {
        return false;
    };
    let Some((ls, len)) = c.u16() else {
        return false;
    };
    let (key, complete) = c.sub(len.into());
    h.key_share_groups.push(group);
    text(cx, Span::new(start, 4 + key.remaining()), || {
        let name = names::group(group.into())
            .map(str::to_owned)
            .unwrap_or_else(|| format!("Unknown ({group})"));
        format!("Key Share Entry: Group: {name}, Key Exchange length: {len}")
    });
    nested(cx, |cx| {
        cx.pkt.add(&KEY_SHARE_GROUP, gs, Value::Uint(group.into()));
        cx.pkt.add(&KEY_SHARE_KEY_LEN, ls, Value::Uint(len.into()));
        cx.pkt
            .add(&KEY_SHARE_KEY, key.rest_span(), Value::SpanBytes);
    });
    complete
}

fn key_share(cx: &mut Cx<'_>, kind: HelloKind, c: &mut Cursor<'_>, h: &mut Hello) -> bool {
    text(cx, c.rest_span(), || "Key Share extension".into());
    let mut ok = true;
    nested(cx, |cx| match kind {
        HelloKind::Client => {
            let Some((s, len)) = c.u16() else {
                ok = false;
                return;
            };
            cx.pkt
                .add(&KEY_SHARE_CLIENT_LENGTH, s, Value::Uint(len.into()));
            let (mut list, complete) = c.sub(len.into());
            ok = complete;
            while list.remaining() > 0 {
                if !key_share_entry(cx, &mut list, h) {
                    ok = false;
                    return;
                }
            }
        }
        HelloKind::HelloRetry => match c.u16() {
            Some((s, g)) => {
                h.selected_group = Some(g);
                cx.pkt
                    .add(&KEY_SHARE_SELECTED_GROUP, s, Value::Uint(g.into()));
            }
            None => ok = false,
        },
        _ => ok = key_share_entry(cx, c, h),
    });
    ok
}

fn pre_shared_key(cx: &mut Cx<'_>, kind: HelloKind, c: &mut Cursor<'_>, h: &mut Hello) -> bool {
    h.psk = true;
    text(cx, c.rest_span(), || "Pre-Shared Key extension".into());
    let mut ok = true;
    nested(cx, |cx| {
        if kind != HelloKind::Client {
            match c.u16() {
                Some((s, v)) => cx.pkt.add(&PSK_SELECTED, s, Value::Uint(v.into())),
                None => ok = false,
            }
            return;
        }
        let Some((s, len)) = c.u16() else {
            ok = false;
            return;
        };
        cx.pkt
            .add(&PSK_IDENTITIES_LENGTH, s, Value::Uint(len.into()));
        let (mut ids, complete) = c.sub(len.into());
        ok = complete;
        while ids.remaining() > 0 {
            let start = ids.at();
            let Some((ls, l)) = ids.u16() else {
                ok = false;
                return;
            };
            let Some((is, _)) = ids.bytes(l.into()) else {
                ok = false;
                return;
            };
            let Some((as_, age)) = ids.u32() else {
                ok = false;
                return;
            };
            text(cx, Span::new(start, 6 + usize::from(l)), || {
                format!("PSK Identity (length: {l})")
            });
            nested(cx, |cx| {
                cx.pkt.add(&PSK_IDENTITY_LENGTH, ls, Value::Uint(l.into()));
                cx.pkt.add(&PSK_IDENTITY, is, Value::SpanBytes);
                cx.pkt.add(&PSK_TICKET_AGE, as_, Value::Uint(age.into()));
            });
        }
        let Some((s, len)) = c.u16() else {
            ok = false;
            return;
        };
        cx.pkt.add(&PSK_BINDERS_LEN, s, Value::Uint(len.into()));
        let (binders, complete) = c.sub(len.into());
        cx.pkt.add(&PSK_BINDERS, binders.rest_span(), Value::None);
        ok &= complete;
    });
    ok
}

fn supported_versions(cx: &mut Cx<'_>, kind: HelloKind, c: &mut Cursor<'_>, h: &mut Hello) -> bool {
    if kind != HelloKind::Client {
        return match c.u16() {
            Some((s, v)) => {
                h.versions.push(v);
                cx.pkt.add(&SUPPORTED_VERSION, s, Value::Uint(v.into()));
                true
            }
            None => false,
        };
    }
    let Some((s, len)) = c.u8() else { return false };
    cx.pkt
        .add(&SUPPORTED_VERSIONS_LEN, s, Value::Uint(len.into()));
    let (mut list, complete) = c.sub(len.into());
    while let Some((s, v)) = list.u16() {
        h.versions.push(v);
        cx.pkt.add(&SUPPORTED_VERSION, s, Value::Uint(v.into()));
    }
    complete
}

fn psk_ke_modes(cx: &mut Cx<'_>, c: &mut Cursor<'_>) -> bool {
    let Some((s, len)) = c.u8() else { return false };
    cx.pkt.add(&PSK_KE_MODES_LENGTH, s, Value::Uint(len.into()));
    let (mut list, complete) = c.sub(len.into());
    while let Some((s, v)) = list.u8() {
        cx.pkt.add(&PSK_KE_MODE, s, Value::Uint(v.into()));
    }
    complete
}

fn renegotiation_info(cx: &mut Cx<'_>, c: &mut Cursor<'_>) -> bool {
    text(cx, c.rest_span(), || "Renegotiation Info extension".into());
    let mut ok = true;
    nested(cx, |cx| {
        let Some((s, len)) = c.u8() else {
            ok = false;
            return;
        };
        cx.pkt.add(&RENEG_INFO_LEN, s, Value::Uint(len.into()));
        ok = c.bytes(len.into()).is_some();
    });
    ok
}
