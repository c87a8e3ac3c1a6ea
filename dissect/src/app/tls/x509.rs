//! A certificate's essentials (subject, issuer, validity, SAN, key), read with
//! `x509-parser` and shown as text lines under `tls.handshake.certificate`.
//! Wireshark's full DER tree (x509af, x509sat, x509ce) is not reproduced.

use x509_parser::prelude::*;

use super::cursor::Cursor;
use super::fields::*;
use super::record::nested;
use crate::dissector::Cx;
use crate::model::{Span, Value};

/// The summary lines of a DER certificate, or why it does not parse.
pub fn summary_lines(der: &[u8]) -> Result<Vec<String>, String> {
    let (_, cert) = X509Certificate::from_der(der).map_err(|e| e.to_string())?;
    let mut lines = vec![
        format!("Subject: {}", cert.subject()),
        format!("Issuer: {}", cert.issuer()),
        format!(
            "Validity: {} to {}",
            cert.validity().not_before,
            cert.validity().not_after
        ),
    ];
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        let names: Vec<String> = san
            .value
            .general_names
            .iter()
            .map(|n| match n {
                GeneralName::DNSName(d) => d.to_string(),
                GeneralName::RFC822Name(m) => m.to_string(),
                GeneralName::URI(u) => u.to_string(),
                other => other.to_string(),
            })
            .collect();
        lines.push(format!("Subject Alternative Names: {}", names.join(", ")));
    }
    let key = match cert.public_key().parsed() {
        Ok(x509_parser::public_key::PublicKey::RSA(rsa)) => format!("RSA {} bits", rsa.key_size()),
        Ok(x509_parser::public_key::PublicKey::EC(ec)) => format!("EC {} bits", ec.key_size()),
        Ok(x509_parser::public_key::PublicKey::DSA(_)) => "DSA".into(),
        Ok(_) | Err(_) => format!("{}", cert.public_key().algorithm.algorithm),
    };
    lines.push(format!("Public Key: {key}"));
    Ok(lines)
}

/// Adds the summary lines under the certificate field (tree mode only).
pub fn summary(cx: &mut Cx<'_>, span: Span, der: &[u8]) {
    match summary_lines(der) {
        Ok(lines) => {
            for l in lines {
                cx.pkt.add(&TEXT, span, Value::Text(l.into()));
            }
        }
        Err(e) => cx.pkt.add(
            &TEXT,
            span,
            Value::Text(format!("Certificate does not parse: {e}").into()),
        ),
    }
}

/// The Certificate Transparency SCT list extension's value (RFC 6962 3.3):
/// an OCTET STRING wrapping a TLS-encoded list, which Wireshark decodes as TLS.
pub fn sct_list(cx: &mut Cx<'_>, off: usize, value: &[u8]) {
    let Some(inner) = octet_string_contents(value) else {
        return;
    };
    let at = off + (value.len() - inner.len());
    let mut c = Cursor::new(inner, at);
    let Some((s, len)) = c.u16() else { return };
    cx.pkt.add(&SCTS_LENGTH, s, Value::Uint(len.into()));
    let (mut list, _) = c.sub(len.into());
    while list.remaining() > 0 {
        let Some((s, l)) = list.u16() else { return };
        let (mut sct, _) = list.sub(l.into());
        // tshark names the log in this title; the log list is not carried here.
        cx.pkt.add_with(
            &TEXT,
            Span::new(s.start as usize, 2 + sct.remaining()),
            || Value::Text("Signed Certificate Timestamp".into()),
        );
        nested(cx, |cx| {
            cx.pkt.add(&SCT_LENGTH, s, Value::Uint(l.into()));
            let _ = sct_fields(cx, &mut sct);
        });
    }
}

fn sct_fields(cx: &mut Cx<'_>, c: &mut Cursor<'_>) -> Option<()> {
    let (s, v) = c.u8()?;
    cx.pkt.add(&SCT_VERSION, s, Value::Uint(v.into()));
    let (s, _) = c.bytes(32)?;
    cx.pkt.add(&SCT_LOGID, s, Value::SpanBytes);
    let (s, ms) = c.bytes(8)?;
    let ms = u64::from_be_bytes(ms.try_into().ok()?);
    let ts = crate::model::Timestamp::new((ms / 1000) as i64, (ms % 1000) * 1_000_000);
    cx.pkt.add(
        &SCT_TIMESTAMP,
        s,
        Value::Str(crate::frame::format_utc(ts).into()),
    );
    let (s, l) = c.u16()?;
    cx.pkt.add(&SCT_EXTENSIONS_LENGTH, s, Value::Uint(l.into()));
    if l > 0 {
        let (s, _) = c.bytes(l.into())?;
        cx.pkt.add(&SCT_EXTENSIONS, s, Value::SpanBytes);
    }
    let (s, alg) = c.u16()?;
    super::extensions::signature_scheme(cx, s, alg);
    let (s, l) = c.u16()?;
    cx.pkt.add(&SCT_SIGNATURE_LENGTH, s, Value::Uint(l.into()));
    let (s, _) = c.bytes(l.into())?;
    cx.pkt.add(&SCT_SIGNATURE, s, Value::SpanBytes);
    Some(())
}

/// The contents of a DER OCTET STRING (tag 4, definite length).
fn octet_string_contents(der: &[u8]) -> Option<&[u8]> {
    let (&tag, rest) = der.split_first()?;
    if tag != 4 {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let bytes = rest.get(..n)?;
        let len = bytes.iter().fold(0usize, |a, b| (a << 8) | usize::from(*b));
        (len, rest.get(n..)?)
    };
    rest.get(..len)
}
