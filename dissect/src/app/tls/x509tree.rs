//! The X.509 certificate tree as Wireshark's x509af/x509if/x509sat/pkcs1
//! dissectors show it (RFC 5280 structure, DER read with [`Cursor`]): the
//! signed certificate (version, serial, algorithms, issuer and subject names,
//! validity, public key, extension ids), the signature algorithm and the
//! signature; and the common extensions (x509ce: key usage, extended key
//! usage, basic constraints, key identifiers, subject alternative names,
//! policies, CRL distribution points; pkix1implicit: authority information
//! access).

use std::fmt::Write as _;

use super::cursor::Cursor;
use super::record::nested;
use crate::dissector::Cx;
use crate::model::{Span, Value};

crate::declare_fields! {
    SIGNED_CERTIFICATE = "x509af.signedCertificate_element", "signedCertificate", None;
    VERSION = "x509af.version", "version", U32;
    SERIAL = "x509af.serialNumber", "serialNumber", Bytes;
    SIGNATURE = "x509af.signature_element", "signature", None;
    ALGORITHM_ID = "x509af.algorithm.id", "Algorithm Id", String;
    ISSUER = "x509af.issuer", "issuer", U32;
    IF_RDN_SEQUENCE = "x509if.rdnSequence", "rdnSequence", U32;
    AF_RDN_SEQUENCE = "x509af.rdnSequence", "rdnSequence", U32;
    RDN_ITEM = "x509if.RDNSequence_item", "RDNSequence item", U32;
    RDN_ATTR = "x509if.RelativeDistinguishedName_item_element", "RelativeDistinguishedName item", None;
    ATTR_OID = "x509if.oid", "Id", String;
    COUNTRY = "x509sat.CountryName", "CountryName", String;
    DIRECTORY_STRING = "x509sat.DirectoryString", "DirectoryString", U32;
    TELETEX = "x509sat.teletexString", "teletexString", String;
    PRINTABLE = "x509sat.printableString", "printableString", String;
    UNIVERSAL = "x509sat.universalString", "universalString", String;
    BMP = "x509sat.bmpString", "bmpString", String;
    UTF8 = "x509sat.uTF8String", "uTF8String", String;
    VALIDITY = "x509af.validity_element", "validity", None;
    NOT_BEFORE = "x509af.notBefore", "notBefore", U32;
    NOT_AFTER = "x509af.notAfter", "notAfter", U32;
    UTC_TIME = "x509af.utcTime", "utcTime", String;
    GENERALIZED_TIME = "x509af.generalizedTime", "generalizedTime", String;
    SUBJECT = "x509af.subject", "subject", U32;
    SPKI = "x509af.subjectPublicKeyInfo_element", "subjectPublicKeyInfo", None;
    ALGORITHM = "x509af.algorithm_element", "algorithm", None;
    SUBJECT_PUBLIC_KEY = "x509af.subjectPublicKey", "subjectPublicKey", Bytes;
    MODULUS = "pkcs1.modulus", "modulus", Bytes;
    PUBLIC_EXPONENT = "pkcs1.publicExponent", "publicExponent", U64;
    EXTENSIONS = "x509af.extensions", "extensions", U32;
    EXTENSION = "x509af.Extension_element", "Extension", None;
    EXTENSION_ID = "x509af.extension.id", "Extension Id", String;
    CRITICAL = "x509af.critical", "critical", Bool;
    ALGORITHM_IDENTIFIER = "x509af.algorithmIdentifier_element", "algorithmIdentifier", None;
    ENCRYPTED = "x509af.encrypted", "encrypted", Bytes;
    BITSTRING_PADDING = "ber.bitstring.padding", "Padding", U8;
    KEY_USAGE = "x509ce.KeyUsage", "KeyUsage", Bytes;
    KU_DIGITAL_SIGNATURE = "x509ce.KeyUsage.digitalSignature", "digitalSignature", Bool;
    KU_CONTENT_COMMITMENT = "x509ce.KeyUsage.contentCommitment", "contentCommitment", Bool;
    KU_KEY_ENCIPHERMENT = "x509ce.KeyUsage.keyEncipherment", "keyEncipherment", Bool;
    KU_DATA_ENCIPHERMENT = "x509ce.KeyUsage.dataEncipherment", "dataEncipherment", Bool;
    KU_KEY_AGREEMENT = "x509ce.KeyUsage.keyAgreement", "keyAgreement", Bool;
    KU_KEY_CERT_SIGN = "x509ce.KeyUsage.keyCertSign", "keyCertSign", Bool;
    KU_CRL_SIGN = "x509ce.KeyUsage.cRLSign", "cRLSign", Bool;
    KU_ENCIPHER_ONLY = "x509ce.KeyUsage.encipherOnly", "encipherOnly", Bool;
    KU_DECIPHER_ONLY = "x509ce.KeyUsage.decipherOnly", "decipherOnly", Bool;
    KEY_PURPOSE_IDS = "x509ce.KeyPurposeIDs", "KeyPurposeIDs", U32;
    KEY_PURPOSE_ID = "x509ce.KeyPurposeId", "KeyPurposeId", String;
    BASIC_CONSTRAINTS = "x509ce.BasicConstraintsSyntax_element", "BasicConstraintsSyntax", None;
    CA = "x509ce.cA", "cA", Bool;
    PATH_LEN = "x509ce.pathLenConstraint", "pathLenConstraint", U64;
    SUBJECT_KEY_ID = "x509ce.SubjectKeyIdentifier", "SubjectKeyIdentifier", Bytes;
    AUTHORITY_KEY_ID = "x509ce.AuthorityKeyIdentifier_element", "AuthorityKeyIdentifier", None;
    KEY_IDENTIFIER = "x509ce.keyIdentifier", "keyIdentifier", Bytes;
    GENERAL_NAMES = "x509ce.GeneralNames", "GeneralNames", U32;
    GENERAL_NAME = "x509ce.GeneralName", "GeneralName", U32;
    RFC822_NAME = "x509ce.rfc822Name", "rfc822Name", String;
    DNS_NAME = "x509ce.dNSName", "dNSName", String;
    URI = "x509ce.uniformResourceIdentifier", "uniformResourceIdentifier", String;
    POLICIES = "x509ce.CertificatePoliciesSyntax", "CertificatePoliciesSyntax", U32;
    POLICY_INFORMATION = "x509ce.PolicyInformation_element", "PolicyInformation", None;
    POLICY_IDENTIFIER = "x509ce.policyIdentifier", "policyIdentifier", String;
    POLICY_QUALIFIERS = "x509ce.policyQualifiers", "policyQualifiers", U32;
    POLICY_QUALIFIER_INFO = "x509ce.PolicyQualifierInfo_element", "PolicyQualifierInfo", None;
    POLICY_QUALIFIER_ID = "x509ce.id", "Id", String;
    CPS_URI = "pkix1explicit.DirectoryString", "DirectoryString", String;
    CRL_DIST_POINTS = "x509ce.CRLDistPointsSyntax", "CRLDistPointsSyntax", U32;
    DISTRIBUTION_POINT_ELEMENT = "x509ce.DistributionPoint_element", "DistributionPoint", None;
    DISTRIBUTION_POINT = "x509ce.distributionPoint", "distributionPoint", U32;
    FULL_NAME = "x509ce.fullName", "fullName", U32;
    AIA = "pkix1implicit.AuthorityInfoAccessSyntax", "AuthorityInfoAccessSyntax", U32;
    ACCESS_DESCRIPTION = "pkix1implicit.AccessDescription_element", "AccessDescription", None;
    ACCESS_METHOD = "pkix1implicit.accessMethod", "accessMethod", String;
    ACCESS_LOCATION = "pkix1implicit.accessLocation", "accessLocation", U32;
}

const SEQUENCE: u8 = 0x30;
const SET: u8 = 0x31;
const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const OID: u8 = 0x06;
const BOOLEAN: u8 = 0x01;
const OCTET_STRING: u8 = 0x04;
const UTC: u8 = 0x17;
const GENERALIZED: u8 = 0x18;
const RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";

/// One DER element: its tag, its whole span, and a cursor over its contents.
struct Tlv<'a> {
    tag: u8,
    span: Span,
    content: Cursor<'a>,
}

/// Reads one DER element (definite lengths up to 4 length octets).
fn tlv<'a>(c: &mut Cursor<'a>) -> Option<Tlv<'a>> {
    let start = c.at();
    let (_, tag) = c.u8()?;
    let (_, first) = c.u8()?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let (_, bytes) = c.bytes(n)?;
        bytes.iter().fold(0usize, |a, b| (a << 8) | usize::from(*b))
    };
    let (content, complete) = c.sub(len);
    complete.then(|| Tlv {
        tag,
        span: Span::new(start, c.at() - start),
        content,
    })
}

/// The next element if it has `tag`, else nothing consumed.
fn expect<'a>(c: &mut Cursor<'a>, tag: u8) -> Option<Tlv<'a>> {
    let mut probe = *c;
    let t = tlv(&mut probe)?;
    if t.tag != tag {
        return None;
    }
    *c = probe;
    Some(t)
}

/// Dotted form of an OID's contents.
fn oid_string(bytes: &[u8]) -> String {
    let mut s = String::new();
    let mut v: u64 = 0;
    let mut first = true;
    for &b in bytes {
        v = (v << 7) | u64::from(b & 0x7f);
        if b & 0x80 != 0 {
            continue;
        }
        if first {
            let (a, b) = match v {
                0..=39 => (0, v),
                40..=79 => (1, v - 40),
                _ => (2, v - 80),
            };
            let _ = write!(s, "{a}.{b}");
            first = false;
        } else {
            let _ = write!(s, ".{v}");
        }
        v = 0;
    }
    s
}

fn add_oid(cx: &mut Cx<'_>, def: &'static crate::model::FieldDef, t: &Tlv<'_>) -> String {
    let s = oid_string(t.content.rest());
    cx.pkt.add(def, t.span, Value::Str(s.clone().into()));
    s
}

/// The certificate tree under `tls.handshake.certificate` (tree mode).
pub fn certificate(cx: &mut Cx<'_>, off: usize, der: &[u8]) {
    let mut top = Cursor::new(der, off);
    let Some(cert) = expect(&mut top, SEQUENCE) else {
        return;
    };
    let mut c = cert.content;
    if let Some(tbs) = expect(&mut c, SEQUENCE) {
        cx.pkt.add(&SIGNED_CERTIFICATE, tbs.span, Value::None);
        let mut t = tbs.content;
        nested(cx, |cx| {
            let _ = signed_certificate(cx, &mut t);
        });
    }
    if let Some(alg) = expect(&mut c, SEQUENCE) {
        algorithm_identifier(cx, &ALGORITHM_IDENTIFIER, alg);
    }
    if let Some(sig) = expect(&mut c, BIT_STRING) {
        let mut s = sig.content;
        if let Some((sp, pad)) = s.u8() {
            cx.pkt.add(&BITSTRING_PADDING, sp, Value::Uint(pad.into()));
            cx.pkt.add(&ENCRYPTED, s.rest_span(), Value::SpanBytes);
        }
    }
}

fn algorithm_identifier(
    cx: &mut Cx<'_>,
    def: &'static crate::model::FieldDef,
    alg: Tlv<'_>,
) -> Option<String> {
    cx.pkt.add(def, alg.span, Value::None);
    let mut a = alg.content;
    let mut id = None;
    nested(cx, |cx| {
        if let Some(oid) = expect(&mut a, OID) {
            id = Some(add_oid(cx, &ALGORITHM_ID, &oid));
        }
    });
    id
}

fn signed_certificate(cx: &mut Cx<'_>, t: &mut Cursor<'_>) -> Option<()> {
    if let Some(v) = expect(t, 0xa0) {
        let mut vc = v.content;
        let int = expect(&mut vc, INTEGER)?;
        let n = int
            .content
            .rest()
            .iter()
            .fold(0u32, |a, b| (a << 8) | u32::from(*b));
        cx.pkt.add(&VERSION, int.span, Value::Uint(n.into()));
    }
    let serial = expect(t, INTEGER)?;
    cx.pkt
        .add(&SERIAL, serial.content.rest_span(), Value::SpanBytes);
    algorithm_identifier(cx, &SIGNATURE, expect(t, SEQUENCE)?);
    let issuer = expect(t, SEQUENCE)?;
    name(cx, &ISSUER, &IF_RDN_SEQUENCE, issuer);
    let validity = expect(t, SEQUENCE)?;
    cx.pkt.add(&VALIDITY, validity.span, Value::None);
    let mut v = validity.content;
    nested(cx, |cx| {
        time(cx, &NOT_BEFORE, &mut v);
        time(cx, &NOT_AFTER, &mut v);
    });
    let subject = expect(t, SEQUENCE)?;
    name(cx, &SUBJECT, &AF_RDN_SEQUENCE, subject);
    let spki = expect(t, SEQUENCE)?;
    cx.pkt.add(&SPKI, spki.span, Value::None);
    let mut s = spki.content;
    nested(cx, |cx| {
        let alg = expect(&mut s, SEQUENCE).and_then(|a| algorithm_identifier(cx, &ALGORITHM, a));
        if let Some(key) = expect(&mut s, BIT_STRING) {
            let mut k = key.content;
            if k.u8().is_some() {
                cx.pkt
                    .add(&SUBJECT_PUBLIC_KEY, k.rest_span(), Value::SpanBytes);
                if alg.as_deref() == Some(RSA_ENCRYPTION) {
                    nested(cx, |cx| rsa_key(cx, &mut k));
                }
            }
        }
    });
    // Optional issuer/subject unique ids ([1], [2]), then extensions ([3]).
    while let Some(mut probe) = Some(*t) {
        let Some(e) = tlv(&mut probe) else { break };
        *t = probe;
        if e.tag == 0xa3 {
            extensions(cx, e);
        }
    }
    Some(())
}

fn rsa_key(cx: &mut Cx<'_>, k: &mut Cursor<'_>) {
    let Some(seq) = expect(k, SEQUENCE) else {
        return;
    };
    let mut s = seq.content;
    if let Some(m) = expect(&mut s, INTEGER) {
        cx.pkt
            .add(&MODULUS, m.content.rest_span(), Value::SpanBytes);
    }
    if let Some(e) = expect(&mut s, INTEGER) {
        let bytes = e.content.rest();
        if bytes.len() <= 8 {
            let v = bytes.iter().fold(0u64, |a, b| (a << 8) | u64::from(*b));
            cx.pkt.add(&PUBLIC_EXPONENT, e.span, Value::Uint(v));
        }
    }
}

/// A Name: the CHOICE index (0, rdnSequence), the number of RDNs, each RDN
/// with its number of attributes and each attribute's type and value.
fn name(
    cx: &mut Cx<'_>,
    def: &'static crate::model::FieldDef,
    seq_def: &'static crate::model::FieldDef,
    n: Tlv<'_>,
) {
    let mut rdns = Vec::new();
    let mut c = n.content;
    while let Some(set) = expect(&mut c, SET) {
        rdns.push(set);
    }
    cx.pkt.add(def, n.span, Value::Uint(0));
    nested(cx, |cx| {
        cx.pkt.add(seq_def, n.span, Value::Uint(rdns.len() as u64));
        nested(cx, |cx| {
            for set in rdns {
                let mut attrs = Vec::new();
                let mut s = set.content;
                while let Some(a) = expect(&mut s, SEQUENCE) {
                    attrs.push(a);
                }
                cx.pkt
                    .add(&RDN_ITEM, set.span, Value::Uint(attrs.len() as u64));
                nested(cx, |cx| {
                    for a in attrs {
                        cx.pkt.add(&RDN_ATTR, a.span, Value::None);
                        let mut ac = a.content;
                        nested(cx, |cx| attribute(cx, &mut ac));
                    }
                });
            }
        });
    });
}

fn attribute(cx: &mut Cx<'_>, c: &mut Cursor<'_>) {
    let Some(oid) = expect(c, OID) else { return };
    let id = add_oid(cx, &ATTR_OID, &oid);
    let Some(value) = tlv(c) else { return };
    let text = String::from_utf8_lossy(value.content.rest()).into_owned();
    if id == "2.5.4.6" {
        cx.pkt.add(&COUNTRY, value.span, Value::Str(text.into()));
        return;
    }
    let (choice, def) = match value.tag {
        0x14 => (0, &TELETEX),
        0x13 => (1, &PRINTABLE),
        0x1c => (2, &UNIVERSAL),
        0x1e => (3, &BMP),
        0x0c => (4, &UTF8),
        _ => return,
    };
    cx.pkt
        .add(&DIRECTORY_STRING, value.span, Value::Uint(choice));
    nested(cx, |cx| {
        cx.pkt.add(def, value.span, Value::Str(text.into()))
    });
}

/// notBefore/notAfter: the CHOICE index, then the time as tshark writes it.
fn time(cx: &mut Cx<'_>, def: &'static crate::model::FieldDef, c: &mut Cursor<'_>) {
    let Some(t) = tlv(c) else { return };
    let raw = t.content.rest();
    let (choice, inner, text) = match t.tag {
        UTC => (0, &UTC_TIME, utc_time(raw)),
        GENERALIZED => (1, &GENERALIZED_TIME, generalized_time(raw)),
        _ => return,
    };
    cx.pkt.add(def, t.span, Value::Uint(choice));
    nested(cx, |cx| cx.pkt.add(inner, t.span, Value::Str(text.into())));
}

/// `YYMMDDHHMMSSZ` as `20YY-MM-DD HH:MM:SS (UTC)` (years 50–99 are 19YY).
fn utc_time(raw: &[u8]) -> String {
    let s = String::from_utf8_lossy(raw);
    let d = |r: std::ops::Range<usize>| s.get(r).unwrap_or("");
    let yy: u32 = d(0..2).parse().unwrap_or(0);
    let century = if yy >= 50 { 19 } else { 20 };
    format!(
        "{century}{}-{}-{} {}:{}:{} (UTC)",
        d(0..2),
        d(2..4),
        d(4..6),
        d(6..8),
        d(8..10),
        d(10..12)
    )
}

/// `YYYYMMDDHHMMSSZ` as `YYYY-MM-DD HH:MM:SS (UTC)`.
fn generalized_time(raw: &[u8]) -> String {
    let s = String::from_utf8_lossy(raw);
    let d = |r: std::ops::Range<usize>| s.get(r).unwrap_or("");
    format!(
        "{}-{}-{} {}:{}:{} (UTC)",
        d(0..4),
        d(4..6),
        d(6..8),
        d(8..10),
        d(10..12),
        d(12..14)
    )
}

fn extensions(cx: &mut Cx<'_>, wrapper: Tlv<'_>) {
    let mut w = wrapper.content;
    let Some(seq) = expect(&mut w, SEQUENCE) else {
        return;
    };
    let mut list = Vec::new();
    let mut c = seq.content;
    while let Some(e) = expect(&mut c, SEQUENCE) {
        list.push(e);
    }
    cx.pkt
        .add(&EXTENSIONS, seq.span, Value::Uint(list.len() as u64));
    nested(cx, |cx| {
        for e in list {
            cx.pkt.add(&EXTENSION, e.span, Value::None);
            let mut ec = e.content;
            nested(cx, |cx| {
                let Some(id) = expect(&mut ec, OID).map(|o| {
                    let s = oid_string(o.content.rest());
                    cx.pkt
                        .add(&EXTENSION_ID, o.span, Value::Str(s.clone().into()));
                    s
                }) else {
                    return;
                };
                if let Some(b) = expect(&mut ec, BOOLEAN) {
                    let v = b.content.rest().first().is_some_and(|x| *x != 0);
                    cx.pkt.add(&CRITICAL, b.span, Value::Bool(v));
                }
                if let Some(value) = expect(&mut ec, OCTET_STRING) {
                    let mut v = value.content;
                    extension_value(cx, &id, &mut v);
                }
            });
        }
    });
}

/// Decodes an extension's value by its id.
fn extension_value(cx: &mut Cx<'_>, id: &str, v: &mut Cursor<'_>) {
    match id {
        "2.5.29.15" => key_usage(cx, v),
        "2.5.29.37" => {
            let Some(seq) = expect(v, SEQUENCE) else {
                return;
            };
            let ids = elements(seq.content, OID);
            cx.pkt
                .add(&KEY_PURPOSE_IDS, seq.span, Value::Uint(ids.len() as u64));
            nested(cx, |cx| {
                for o in ids {
                    add_oid(cx, &KEY_PURPOSE_ID, &o);
                }
            });
        }
        "2.5.29.19" => {
            let Some(seq) = expect(v, SEQUENCE) else {
                return;
            };
            cx.pkt.add(&BASIC_CONSTRAINTS, seq.span, Value::None);
            let mut c = seq.content;
            nested(cx, |cx| {
                if let Some(b) = expect(&mut c, BOOLEAN) {
                    let on = b.content.rest().first().is_some_and(|x| *x != 0);
                    cx.pkt.add(&CA, b.span, Value::Bool(on));
                }
                if let Some(n) = expect(&mut c, INTEGER) {
                    let bytes = n.content.rest();
                    if bytes.len() <= 8 {
                        let v = bytes.iter().fold(0u64, |a, b| (a << 8) | u64::from(*b));
                        cx.pkt.add(&PATH_LEN, n.span, Value::Uint(v));
                    }
                }
            });
        }
        "2.5.29.14" => {
            if let Some(o) = expect(v, OCTET_STRING) {
                cx.pkt
                    .add(&SUBJECT_KEY_ID, o.content.rest_span(), Value::SpanBytes);
            }
        }
        "2.5.29.35" => {
            let Some(seq) = expect(v, SEQUENCE) else {
                return;
            };
            cx.pkt.add(&AUTHORITY_KEY_ID, seq.span, Value::None);
            let mut c = seq.content;
            nested(cx, |cx| {
                if let Some(k) = expect(&mut c, 0x80) {
                    cx.pkt
                        .add(&KEY_IDENTIFIER, k.content.rest_span(), Value::SpanBytes);
                }
            });
        }
        "2.5.29.17" => {
            let Some(seq) = expect(v, SEQUENCE) else {
                return;
            };
            general_names(cx, &GENERAL_NAMES, seq);
        }
        "2.5.29.32" => policies(cx, v),
        "2.5.29.31" => crl_distribution_points(cx, v),
        "1.3.6.1.5.5.7.1.1" => authority_info_access(cx, v),
        "1.3.6.1.4.1.11129.2.4.2" => super::x509::sct_list(cx, v.at(), v.rest()),
        _ => {}
    }
}

/// Every element of `tag` in a constructed value.
fn elements(mut c: Cursor<'_>, tag: u8) -> Vec<Tlv<'_>> {
    let mut out = Vec::new();
    while let Some(t) = expect(&mut c, tag) {
        out.push(t);
    }
    out
}

const KEY_USAGE_BITS: [&crate::model::FieldDef; 9] = [
    &KU_DIGITAL_SIGNATURE,
    &KU_CONTENT_COMMITMENT,
    &KU_KEY_ENCIPHERMENT,
    &KU_DATA_ENCIPHERMENT,
    &KU_KEY_AGREEMENT,
    &KU_KEY_CERT_SIGN,
    &KU_CRL_SIGN,
    &KU_ENCIPHER_ONLY,
    &KU_DECIPHER_ONLY,
];

fn key_usage(cx: &mut Cx<'_>, v: &mut Cursor<'_>) {
    let Some(bits) = expect(v, BIT_STRING) else {
        return;
    };
    let mut b = bits.content;
    let Some((sp, pad)) = b.u8() else { return };
    cx.pkt.add(&BITSTRING_PADDING, sp, Value::Uint(pad.into()));
    let span = b.rest_span();
    let bytes = b.rest();
    cx.pkt.add(&KEY_USAGE, span, Value::SpanBytes);
    nested(cx, |cx| {
        for (i, def) in KEY_USAGE_BITS.iter().enumerate() {
            let on = bytes.get(i / 8).is_some_and(|x| x & (0x80 >> (i % 8)) != 0);
            cx.pkt.add(def, span, Value::Bool(on));
        }
    });
}

/// GeneralNames: their number, each as its CHOICE index with the name beneath.
fn general_names(cx: &mut Cx<'_>, def: &'static crate::model::FieldDef, seq: Tlv<'_>) {
    let mut names = Vec::new();
    let mut c = seq.content;
    while let Some(t) = tlv(&mut c) {
        names.push(t);
    }
    cx.pkt.add(def, seq.span, Value::Uint(names.len() as u64));
    nested(cx, |cx| {
        for n in names {
            general_name(cx, &GENERAL_NAME, n);
        }
    });
}

fn general_name(cx: &mut Cx<'_>, def: &'static crate::model::FieldDef, n: Tlv<'_>) {
    let choice = n.tag & 0x1f;
    cx.pkt.add(def, n.span, Value::Uint(choice.into()));
    let text = || {
        Value::Str(
            String::from_utf8_lossy(n.content.rest())
                .into_owned()
                .into(),
        )
    };
    nested(cx, |cx| match choice {
        1 => cx.pkt.add_with(&RFC822_NAME, n.content.rest_span(), text),
        2 => cx.pkt.add_with(&DNS_NAME, n.content.rest_span(), text),
        6 => cx.pkt.add_with(&URI, n.content.rest_span(), text),
        _ => {}
    });
}

fn policies(cx: &mut Cx<'_>, v: &mut Cursor<'_>) {
    let Some(seq) = expect(v, SEQUENCE) else {
        return;
    };
    let list = elements(seq.content, SEQUENCE);
    cx.pkt
        .add(&POLICIES, seq.span, Value::Uint(list.len() as u64));
    nested(cx, |cx| {
        for p in list {
            cx.pkt.add(&POLICY_INFORMATION, p.span, Value::None);
            let mut pc = p.content;
            nested(cx, |cx| {
                if let Some(o) = expect(&mut pc, OID) {
                    add_oid(cx, &POLICY_IDENTIFIER, &o);
                }
                let Some(qs) = expect(&mut pc, SEQUENCE) else {
                    return;
                };
                let quals = elements(qs.content, SEQUENCE);
                cx.pkt
                    .add(&POLICY_QUALIFIERS, qs.span, Value::Uint(quals.len() as u64));
                nested(cx, |cx| {
                    for q in quals {
                        cx.pkt.add(&POLICY_QUALIFIER_INFO, q.span, Value::None);
                        let mut qc = q.content;
                        nested(cx, |cx| {
                            let Some(o) = expect(&mut qc, OID) else {
                                return;
                            };
                            let id = add_oid(cx, &POLICY_QUALIFIER_ID, &o);
                            // The CPS pointer is an IA5String URI.
                            if id == "1.3.6.1.5.5.7.2.1" {
                                if let Some(u) = expect(&mut qc, 0x16) {
                                    let text =
                                        String::from_utf8_lossy(u.content.rest()).into_owned();
                                    cx.pkt.add(&CPS_URI, u.span, Value::Str(text.into()));
                                }
                            }
                        });
                    }
                });
            });
        }
    });
}

fn crl_distribution_points(cx: &mut Cx<'_>, v: &mut Cursor<'_>) {
    let Some(seq) = expect(v, SEQUENCE) else {
        return;
    };
    let points = elements(seq.content, SEQUENCE);
    cx.pkt
        .add(&CRL_DIST_POINTS, seq.span, Value::Uint(points.len() as u64));
    nested(cx, |cx| {
        for p in points {
            cx.pkt.add(&DISTRIBUTION_POINT_ELEMENT, p.span, Value::None);
            let mut pc = p.content;
            nested(cx, |cx| {
                let Some(dp) = expect(&mut pc, 0xa0) else {
                    return;
                };
                let mut dc = dp.content;
                // DistributionPointName: fullName [0] GeneralNames (CHOICE 0).
                let Some(full) = expect(&mut dc, 0xa0) else {
                    return;
                };
                cx.pkt.add(&DISTRIBUTION_POINT, dp.span, Value::Uint(0));
                nested(cx, |cx| general_names(cx, &FULL_NAME, full));
            });
        }
    });
}

fn authority_info_access(cx: &mut Cx<'_>, v: &mut Cursor<'_>) {
    let Some(seq) = expect(v, SEQUENCE) else {
        return;
    };
    let list = elements(seq.content, SEQUENCE);
    cx.pkt.add(&AIA, seq.span, Value::Uint(list.len() as u64));
    nested(cx, |cx| {
        for a in list {
            cx.pkt.add(&ACCESS_DESCRIPTION, a.span, Value::None);
            let mut ac = a.content;
            nested(cx, |cx| {
                if let Some(o) = expect(&mut ac, OID) {
                    add_oid(cx, &ACCESS_METHOD, &o);
                }
                if let Some(loc) = tlv(&mut ac) {
                    general_name(cx, &ACCESS_LOCATION, loc);
                }
            });
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oids_and_times_read_as_tshark_writes_them() {
        assert_eq!(
            oid_string(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b]),
            "1.2.840.113549.1.1.11"
        );
        assert_eq!(oid_string(&[0x55, 0x04, 0x03]), "2.5.4.3");
        assert_eq!(utc_time(b"210322133215Z"), "2021-03-22 13:32:15 (UTC)");
        assert_eq!(
            generalized_time(b"20500101000000Z"),
            "2050-01-01 00:00:00 (UTC)"
        );
    }
}
