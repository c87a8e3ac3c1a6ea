//! A certificate's essentials (subject, issuer, validity, SAN, key), read with
//! `x509-parser` and shown as text lines under `tls.handshake.certificate`.
//! Wireshark's full DER tree (x509af, x509sat, x509ce) is not reproduced.

use x509_parser::prelude::*;

use super::fields::TEXT;
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
