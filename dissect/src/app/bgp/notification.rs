//! NOTIFICATION (RFC 4271 section 4.5, shutdown communication RFC 9003) and
//! ROUTE-REFRESH (RFC 2918, enhanced RFC 7313).

use nom::number::complete::{be_u16, be_u8};
use nom::Parser;

use crate::model::{FieldDef, Packet, Span, Value};

use super::fields as f;

type E<'a> = nom::error::Error<&'a [u8]>;

/// Cease subcodes that may carry a shutdown communication (RFC 9003).
const CEASE: u8 = 6;
const CEASE_ADMIN_SHUTDOWN: u8 = 2;
const CEASE_ADMIN_RESET: u8 = 4;
/// RFC 9003: at most 255 bytes of UTF-8.
const MAX_COMMUNICATION: usize = 255;

/// The error a NOTIFICATION reports.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NotificationInfo {
    pub major: u8,
    pub minor: u8,
    /// The shutdown communication, when the peer gave one.
    pub communication: Option<String>,
}

fn minor_field(major: u8) -> &'static FieldDef {
    match major {
        1 => &f::NOTIFY_MINOR_HEADER,
        2 => &f::NOTIFY_MINOR_OPEN,
        3 => &f::NOTIFY_MINOR_UPDATE,
        4 => &f::NOTIFY_MINOR_EXPIRED,
        5 => &f::NOTIFY_MINOR_STATE,
        6 => &f::NOTIFY_MINOR_CEASE,
        7 => &f::NOTIFY_MINOR_CAPABILITY,
        _ => &f::NOTIFY_MINOR_UNKNOWN,
    }
}

/// Dissects a NOTIFICATION body (`body` at absolute `off`).
pub fn dissect(p: &mut Packet, off: usize, body: &[u8]) -> Option<NotificationInfo> {
    let Ok((_, (major, minor))) = (be_u8::<_, E>, be_u8).parse(body) else {
        if let Some(m) = body.first() {
            p.add(
                &f::NOTIFY_MAJOR,
                Span::new(off, 1),
                Value::Uint((*m).into()),
            );
        }
        p.malformed(
            Span::new(off, body.len()),
            "NOTIFICATION cut short before its error subcode",
        );
        return None;
    };
    p.add(
        &f::NOTIFY_MAJOR,
        Span::new(off, 1),
        Value::Uint(major.into()),
    );
    p.add(
        minor_field(major),
        Span::new(off + 1, 1),
        Value::Uint(minor.into()),
    );
    let mut info = NotificationInfo {
        major,
        minor,
        communication: None,
    };
    let data = &body[2..];
    if data.is_empty() {
        return Some(info);
    }
    if major == CEASE && (minor == CEASE_ADMIN_SHUTDOWN || minor == CEASE_ADMIN_RESET) {
        let n = data[0] as usize;
        if let Some(text) = data.get(1..1 + n).filter(|_| n <= MAX_COMMUNICATION) {
            p.add(
                &f::NOTIFY_COMMUNICATION_LENGTH,
                Span::new(off + 2, 1),
                Value::Uint(n as u64),
            );
            let s = String::from_utf8_lossy(text).into_owned();
            p.add_with(&f::NOTIFY_COMMUNICATION, Span::new(off + 3, n), || {
                Value::Str(s.as_str().into())
            });
            info.communication = Some(s);
            if data.len() > 1 + n {
                p.add(
                    &f::NOTIFY_DATA,
                    Span::new(off + 3 + n, data.len() - 1 - n),
                    Value::SpanBytes,
                );
            }
            return Some(info);
        }
    }
    p.add(
        &f::NOTIFY_DATA,
        Span::new(off + 2, data.len()),
        Value::SpanBytes,
    );
    Some(info)
}

/// Dissects a ROUTE-REFRESH body: AFI, subtype (RFC 7313: 0 request, 1 BoRR, 2 EoRR), SAFI.
pub fn route_refresh(p: &mut Packet, off: usize, body: &[u8]) -> Option<(u16, u8, u8)> {
    let Ok((_, (afi, subtype, safi))) = (be_u16::<_, E>, be_u8, be_u8).parse(body) else {
        p.malformed(
            Span::new(off, body.len()),
            "ROUTE-REFRESH shorter than its 4 bytes",
        );
        return None;
    };
    p.add(
        &f::ROUTE_REFRESH_AFI,
        Span::new(off, 2),
        Value::Uint(afi.into()),
    );
    p.add(
        &f::ROUTE_REFRESH_SUBTYPE,
        Span::new(off + 2, 1),
        Value::Uint(subtype.into()),
    );
    p.add(
        &f::ROUTE_REFRESH_SAFI,
        Span::new(off + 3, 1),
        Value::Uint(safi.into()),
    );
    Some((afi, subtype, safi))
}
