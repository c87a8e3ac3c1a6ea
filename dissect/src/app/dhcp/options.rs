//! DHCP options (RFC 2132 and successors): the first pass that finds the
//! message type and the overload, and the tree of each option, decoded as
//! Wireshark 4.0 decodes it.

use std::fmt::Write as _;

use super::*;
use crate::model::FieldDef;

const PAD: u8 = 0;
const END: u8 = 255;
const OVERLOAD: u8 = 52;
const MESSAGE_TYPE: u8 = 53;

/// What the first pass found.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Scan {
    pub dhcp_type: Option<u8>,
    pub overload: u8,
}

/// Walks the options from `start` for the two that change how the rest is
/// shown, checking lengths first as Wireshark's first pass does: only
/// reading an option code, or the zeros of a padding run, the capture cut
/// off stops it.
pub(super) fn scan(m: &Msg<'_>, start: usize) -> Result<Scan, Stop> {
    let mut found = Scan::default();
    let mut voff = start;
    while voff < m.reported {
        match m.u8(voff)? {
            PAD => voff = padding_end(m, voff, m.reported)?,
            END => break,
            code => {
                if !m.exists(voff + 1, 1) {
                    voff += 1;
                    continue;
                }
                let len = usize::from(m.u8(voff + 1)?);
                if m.exists(voff + 2, len) {
                    match code {
                        OVERLOAD => found.overload = m.u8(voff + 2)?,
                        // An empty type option still reads the byte after it, as Wireshark does.
                        MESSAGE_TYPE => found.dhcp_type = Some(m.u8(voff + 2)?),
                        _ => {}
                    }
                }
                voff += len + 2;
            }
        }
    }
    Ok(found)
}

/// Where a run of padding that starts at `voff` ends (before `end`).
fn padding_end(m: &Msg<'_>, voff: usize, end: usize) -> Result<usize, Stop> {
    let mut i = voff + 1;
    while i < end && m.u8(i)? == 0 {
        i += 1;
    }
    Ok(i)
}

/// What the second pass carries from option to option.
pub(super) struct Ctx {
    /// Option 52's value from the first pass, until option 52 itself is shown.
    pub overload: u8,
    /// The DHCP layer, whose title the message type is appended to.
    pub layer: u8,
}

/// Adds the options from `start` up to `end`. Returns where they stopped and
/// whether an End option was among them.
pub(super) fn dissect_range(
    p: &mut Packet,
    m: &Msg<'_>,
    start: usize,
    end: usize,
    ctx: &mut Ctx,
) -> Result<(usize, bool), Stop> {
    let mut voff = start;
    while voff < end {
        match m.u8(voff)? {
            PAD => {
                let n = padding_end(m, voff, end)? - voff;
                option_line(p, m.span(voff, 1), PAD);
                p.subtree(|p| p.add(&OPTION_PADDING, m.span(voff, n), Value::SpanBytes));
                voff += n;
            }
            END => {
                option_line(p, m.span(voff, 1), END);
                // While option 52 has not been shown, this End closes an overloaded field.
                let def = if ctx.overload != 0 {
                    &OPTION_END_OVERLOAD
                } else {
                    &OPTION_END
                };
                p.subtree(|p| p.add(def, m.span(voff, 1), Value::Uint(END.into())));
                return Ok((voff + 1, true));
            }
            code => voff += option(p, m, voff, code, ctx)?,
        }
    }
    Ok((voff, false))
}

/// `Option: (53) DHCP Message Type`. Padding and End are shown with the
/// value 0, as Wireshark adds them.
fn option_line(p: &mut Packet, span: Span, code: u8) {
    let value = if matches!(code, PAD | END) { 0 } else { code };
    p.add(&OPTION_TYPE, span, Value::Uint(value.into()));
    p.set_text(|t| {
        let _ = write!(t, "{}: ({code}) {}", OPTION_TYPE.label, option_name(code));
    });
}

/// One option with a length; returns the bytes it takes.
fn option(
    p: &mut Packet,
    m: &Msg<'_>,
    voff: usize,
    code: u8,
    ctx: &mut Ctx,
) -> Result<usize, Stop> {
    let len = usize::from(m.u8(voff + 1)?);
    let item = p.fields.len();
    option_line(p, m.span(voff, len + 2), code);
    p.subtree(|p| -> Result<(), Stop> {
        p.add(&OPTION_LENGTH, m.span(voff + 1, 1), Value::Uint(len as u64));
        let value = m.part(voff + 2, len)?;
        let value_node = p.fields.len();
        p.add(&OPTION_VALUE, value.whole(), Value::SpanBytes);
        let o = Opt {
            p: &mut *p,
            v: value,
            item,
        };
        // Wireshark shows the raw value when no decoder took any of it.
        if decode(o, m, code, ctx)? == 0 {
            if let Some(n) = p
                .fields
                .get_mut(value_node)
                .filter(|n| n.def == &OPTION_VALUE)
            {
                n.def = &OPTION_VALUE_SHOWN;
            }
        }
        Ok(())
    })?;
    Ok(len + 2)
}

/// An option's value being decoded: where its fields go, and the option's
/// own line (`item`), which some decoders append to.
struct Opt<'p, 'a> {
    p: &'p mut Packet,
    v: Msg<'a>,
    item: usize,
}

impl Opt<'_, '_> {
    fn len(&self) -> usize {
        self.v.buf.len()
    }

    fn add(&mut self, def: &'static FieldDef, at: usize, len: usize, value: Value) {
        self.p.add(def, self.v.span(at, len), value);
    }

    /// A string field, its text only built when the tree is kept.
    fn add_str(
        &mut self,
        def: &'static FieldDef,
        at: usize,
        len: usize,
        text: impl FnOnce() -> String,
    ) {
        self.p
            .add_with(def, self.v.span(at, len), || Value::Str(text().into()));
    }

    /// Wireshark's `ei_dhcp_bad_length`, on the option.
    fn bad_length(&mut self, message: String) {
        let span = self
            .p
            .fields
            .get(self.item)
            .map_or(self.v.whole(), |n| n.span);
        self.p
            .expert_field(&BAD_LENGTH, Severity::Error, Group::Protocol, span, message);
    }

    fn append(&mut self, text: impl FnOnce(&mut String)) {
        self.p.append_text_to(self.item, text);
    }
}

/// Decodes an option's value; returns how many of its bytes were taken (0:
/// none, and the raw value is shown instead).
fn decode(mut o: Opt<'_, '_>, m: &Msg<'_>, code: u8, ctx: &mut Ctx) -> Result<usize, Stop> {
    if let Some((kind, def)) = basic(code) {
        return Ok(basic_value(&mut o, kind, def));
    }
    match code {
        21 => Ok(pairs(
            &mut o,
            &OPT_POLICY_FILTER_IP,
            &OPT_POLICY_FILTER_MASK,
        )),
        33 => Ok(pairs(
            &mut o,
            &OPT_STATIC_ROUTE_IP,
            &OPT_STATIC_ROUTE_ROUTER,
        )),
        43 => {
            let len = o.len();
            o.add(&OPT_VENDOR_VALUE, 0, len, Value::SpanBytes);
            Ok(len)
        }
        OVERLOAD => overload(&mut o, m, ctx),
        MESSAGE_TYPE => message_type(&mut o, ctx),
        55 => {
            for (i, &b) in o.v.buf.iter().enumerate() {
                o.p.add(
                    &OPT_REQUEST_LIST_ITEM,
                    o.v.span(i, 1),
                    Value::Uint(b.into()),
                );
            }
            Ok(o.len())
        }
        60 => {
            let len = o.len();
            let b = o.v.buf;
            o.add_str(&OPT_VENDOR_CLASS_ID, 0, len, || ascii_string(b));
            Ok(len)
        }
        61 => client_identifier(&mut o),
        81 => client_fqdn(&mut o),
        _ => Ok(0),
    }
}

/// How Wireshark's table reads the options of a simple type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// One address, repeated on the option's line.
    Ipv4,
    Ipv4List,
    /// A string that ends at its first NUL (Wireshark's `FT_STRINGZ`).
    Str,
    /// A string that should have nothing after a NUL (`FT_STRING`).
    Text,
    Bool,
    U8,
    U16,
    U16List,
    /// Seconds, all ones meaning forever.
    TimeU,
    /// Signed seconds.
    TimeS,
}

/// The options of a simple type, with the field each value goes to.
fn basic(code: u8) -> Option<(Kind, &'static FieldDef)> {
    Some(match code {
        1 => (Kind::Ipv4, &OPT_SUBNET_MASK),
        2 => (Kind::TimeS, &OPT_TIME_OFFSET),
        3 => (Kind::Ipv4List, &OPT_ROUTER),
        4 => (Kind::Ipv4List, &OPT_TIME_SERVER),
        5 => (Kind::Ipv4List, &OPT_NAME_SERVER),
        6 => (Kind::Ipv4List, &OPT_DOMAIN_NAME_SERVER),
        7 => (Kind::Ipv4List, &OPT_LOG_SERVER),
        8 => (Kind::Ipv4List, &OPT_QUOTES_SERVER),
        9 => (Kind::Ipv4List, &OPT_LPR_SERVER),
        10 => (Kind::Ipv4List, &OPT_IMPRESS_SERVER),
        11 => (Kind::Ipv4List, &OPT_RESOURCE_LOCATION_SERVER),
        12 => (Kind::Str, &OPT_HOSTNAME),
        13 => (Kind::U16, &OPT_BOOT_FILE_SIZE),
        14 => (Kind::Str, &OPT_MERIT_DUMP_FILE),
        15 => (Kind::Str, &OPT_DOMAIN_NAME),
        16 => (Kind::Ipv4, &OPT_SWAP_SERVER),
        17 => (Kind::Str, &OPT_ROOT_PATH),
        18 => (Kind::Str, &OPT_EXTENSION_PATH),
        19 => (Kind::Bool, &OPT_IP_FORWARDING),
        20 => (Kind::Bool, &OPT_NON_LOCAL_SOURCE_ROUTING),
        22 => (Kind::U16, &OPT_MAX_DATAGRAM_REASSEMBLY_SIZE),
        23 => (Kind::U8, &OPT_DEFAULT_IP_TTL),
        24 => (Kind::TimeU, &OPT_PATH_MTU_AGING_TIMEOUT),
        25 => (Kind::U16List, &OPT_PATH_MTU_PLATEAU_TABLE_ITEM),
        26 => (Kind::U16, &OPT_INTERFACE_MTU),
        27 => (Kind::Bool, &OPT_ALL_SUBNETS_ARE_LOCAL),
        28 => (Kind::Ipv4, &OPT_BROADCAST_ADDRESS),
        29 => (Kind::Bool, &OPT_PERFORM_MASK_DISCOVERY),
        30 => (Kind::Bool, &OPT_MASK_SUPPLIER),
        31 => (Kind::Bool, &OPT_PERFORM_ROUTER_DISCOVER),
        32 => (Kind::Ipv4, &OPT_ROUTER_SOLICITATION_ADDRESS),
        34 => (Kind::Bool, &OPT_TRAILER_ENCAPSULATION),
        35 => (Kind::TimeU, &OPT_ARP_CACHE_TIMEOUT),
        36 => (Kind::Bool, &OPT_ETHERNET_ENCAPSULATION),
        37 => (Kind::U8, &OPT_TCP_DEFAULT_TTL),
        38 => (Kind::TimeU, &OPT_TCP_KEEPALIVE_INTERVAL),
        39 => (Kind::Bool, &OPT_TCP_KEEPALIVE_GARBAGE),
        40 => (Kind::Str, &OPT_NIS_DOMAIN),
        41 => (Kind::Ipv4List, &OPT_NIS_SERVER),
        42 => (Kind::Ipv4List, &OPT_NTP_SERVER),
        44 => (Kind::Ipv4List, &OPT_NETBIOS_OVER_TCPIP_NAME_SERVER),
        45 => (Kind::Ipv4List, &OPT_NETBIOS_OVER_TCPIP_DD_NAME_SERVER),
        46 => (Kind::U8, &OPT_NETBIOS_OVER_TCPIP_NODE_TYPE),
        47 => (Kind::Str, &OPT_NETBIOS_OVER_TCPIP_SCOPE),
        48 => (Kind::Ipv4List, &OPT_XWINDOWS_SYSTEM_FONT_SERVER),
        49 => (Kind::Ipv4List, &OPT_XWINDOWS_SYSTEM_DISPLAY_MANAGER),
        50 => (Kind::Ipv4, &OPT_REQUESTED_IP_ADDRESS),
        51 => (Kind::TimeU, &OPT_IP_ADDRESS_LEASE_TIME),
        54 => (Kind::Ipv4, &OPT_DHCP_SERVER_ID),
        56 => (Kind::Str, &OPT_MESSAGE),
        57 => (Kind::U16, &OPT_DHCP_MAX_MESSAGE_SIZE),
        58 => (Kind::TimeU, &OPT_RENEWAL_TIME_VALUE),
        59 => (Kind::TimeU, &OPT_REBINDING_TIME_VALUE),
        64 => (Kind::Str, &OPT_NIS_PLUS_DOMAIN),
        65 => (Kind::Ipv4List, &OPT_NIS_PLUS_SERVER),
        66 => (Kind::Str, &OPT_TFTP_SERVER_NAME),
        67 => (Kind::Str, &OPT_BOOTFILE_NAME),
        68 => (Kind::Ipv4List, &OPT_MOBILE_IP_HOME_AGENT),
        69 => (Kind::Ipv4List, &OPT_SMTP_SERVER),
        70 => (Kind::Ipv4List, &OPT_POP3_SERVER),
        71 => (Kind::Ipv4List, &OPT_NNTP_SERVER),
        72 => (Kind::Ipv4List, &OPT_DEFAULT_WWW_SERVER),
        73 => (Kind::Ipv4List, &OPT_DEFAULT_FINGER_SERVER),
        74 => (Kind::Ipv4List, &OPT_DEFAULT_IRC_SERVER),
        75 => (Kind::Ipv4List, &OPT_STREETTALK_SERVER),
        76 => (Kind::Ipv4List, &OPT_STREETTALK_DA_SERVER),
        86 => (Kind::Str, &OPT_NOVELL_DS_TREE_NAME),
        87 => (Kind::Str, &OPT_NOVELL_DS_CONTEXT),
        91 => (Kind::TimeU, &OPT_CLIENT_LAST_TRANSACTION_TIME),
        92 => (Kind::Ipv4List, &OPT_ASSOCIATED_IP_OPTION),
        100 => (Kind::Text, &OPT_TZ_PCODE),
        101 => (Kind::Text, &OPT_TZ_TCODE),
        112 => (Kind::Ipv4List, &OPT_NETINFO_PARENT_SERVER_ADDRESS),
        113 => (Kind::Str, &OPT_NETINFO_PARENT_SERVER_TAG),
        116 => (Kind::U8, &OPT_DHCP_AUTO_CONFIGURATION),
        118 => (Kind::Ipv4List, &OPT_SUBNET_SELECTION_OPTION),
        137 => (Kind::Str, &OPT_LOST_SERVER_DOMAIN_NAME),
        138 => (Kind::Ipv4List, &OPT_CAPWAP_ACCESS_CONTROLLER),
        142 => (Kind::Ipv4List, &OPT_ANDSF_SERVER),
        150 => (Kind::Ipv4List, &OPT_TFTP_SERVER_ADDRESS),
        153 => (Kind::TimeU, &OPT_BULK_LEASE_START_TIME_OF_STATE),
        156 => (Kind::U8, &OPT_BULK_LEASE_DHCP_STATE),
        157 => (Kind::Bool, &OPT_BULK_LEASE_DATA_SOURCE),
        161 => (Kind::Text, &OPT_MUDURL),
        209 => (Kind::Text, &OPT_PXE_CONFIG_FILE),
        210 => (Kind::Text, &OPT_PXE_PATH_PREFIX),
        252 => (Kind::Str, &OPT_PRIVATE_PROXY_AUTODISCOVERY),
        _ => return None,
    })
}

/// A value of a simple type; a length that does not fit it gets an error
/// and nothing is taken.
fn basic_value(o: &mut Opt<'_, '_>, kind: Kind, def: &'static FieldDef) -> usize {
    let b = o.v.buf;
    let fixed = match kind {
        Kind::Ipv4 | Kind::TimeU | Kind::TimeS => Some(4),
        Kind::Bool | Kind::U8 => Some(1),
        Kind::U16 => Some(2),
        Kind::Ipv4List | Kind::U16List | Kind::Str | Kind::Text => None,
    };
    if let Some(n) = fixed.filter(|&n| n != b.len()) {
        o.bad_length(format!("length isn't {n}"));
        return 0;
    }
    match kind {
        Kind::Ipv4 => {
            let a = [b[0], b[1], b[2], b[3]];
            o.add(def, 0, 4, Value::Ipv4(a));
            o.append(|t| {
                let _ = write!(t, " ({})", std::net::Ipv4Addr::from(a));
            });
            4
        }
        Kind::TimeU => {
            o.add(
                def,
                0,
                4,
                Value::Uint(u32::from_be_bytes([b[0], b[1], b[2], b[3]]).into()),
            );
            4
        }
        Kind::TimeS => {
            o.add(
                def,
                0,
                4,
                Value::Int(i32::from_be_bytes([b[0], b[1], b[2], b[3]]).into()),
            );
            4
        }
        Kind::Bool => {
            o.add(def, 0, 1, Value::Bool(b[0] != 0));
            1
        }
        Kind::U8 => {
            o.add(def, 0, 1, Value::Uint(b[0].into()));
            1
        }
        Kind::U16 => {
            o.add(
                def,
                0,
                2,
                Value::Uint(u16::from_be_bytes([b[0], b[1]]).into()),
            );
            2
        }
        Kind::Str => {
            o.add_str(def, 0, b.len(), || ascii_string(b));
            b.len()
        }
        Kind::Text => {
            text_field(o.p, def, o.v.whole(), b);
            b.len()
        }
        Kind::Ipv4List => list(o, 4, def, |c| Value::Ipv4([c[0], c[1], c[2], c[3]])),
        Kind::U16List => list(o, 2, def, |c| {
            Value::Uint(u16::from_be_bytes([c[0], c[1]]).into())
        }),
    }
}

/// Items of `size` bytes each; a short last one is an error.
fn list(
    o: &mut Opt<'_, '_>,
    size: usize,
    def: &'static FieldDef,
    value: impl Fn(&[u8]) -> Value,
) -> usize {
    let b = o.v.buf;
    for (i, item) in b.chunks(size).enumerate() {
        if item.len() < size {
            o.bad_length(format!("Option length isn't a multiple of {size}"));
            break;
        }
        o.add(def, i * size, size, value(item));
    }
    b.len() / size * size
}

/// Options 21 and 33: address pairs.
fn pairs(o: &mut Opt<'_, '_>, first: &'static FieldDef, second: &'static FieldDef) -> usize {
    let b = o.v.buf;
    for (i, pair) in b.chunks_exact(8).enumerate() {
        o.add(
            first,
            i * 8,
            4,
            Value::Ipv4([pair[0], pair[1], pair[2], pair[3]]),
        );
        o.add(
            second,
            i * 8 + 4,
            4,
            Value::Ipv4([pair[4], pair[5], pair[6], pair[7]]),
        );
    }
    if !b.len().is_multiple_of(8) {
        o.bad_length("Option length isn't a multiple of 8".into());
    }
    b.len()
}

/// Option 53: its name goes on the option's line and on the layer's.
fn message_type(o: &mut Opt<'_, '_>, ctx: &Ctx) -> Result<usize, Stop> {
    let t = o.v.u8(0)?;
    o.add(&OPT_DHCP, 0, 1, Value::Uint(t.into()));
    let suffix = |out: &mut String| {
        let _ = write!(out, " ({})", message_type_text(t));
    };
    o.append(suffix);
    append_title(o.p, ctx.layer, suffix);
    Ok(o.len())
}

/// Option 52, and the options it moved into `sname` and `file`.
fn overload(o: &mut Opt<'_, '_>, m: &Msg<'_>, ctx: &mut Ctx) -> Result<usize, Stop> {
    let Some(&which) = o.v.buf.first() else {
        o.bad_length("length isn't >= 1".into());
        return Ok(1);
    };
    o.add(&OPT_OVERLOAD, 0, 1, Value::Uint(which.into()));
    // Only the first pass's value opens the fields, and only once.
    if (1..=3).contains(&ctx.overload) {
        if which & OVERLOAD_SNAME != 0 {
            overloaded_field(
                o.p,
                m,
                ctx.layer,
                NameField::SNAME,
                &SNAME_OPTIONS,
                &OVERLOAD_SNAME_END_MISSING,
            )?;
        }
        if which & OVERLOAD_FILE != 0 {
            overloaded_field(
                o.p,
                m,
                ctx.layer,
                NameField::FILE,
                &FILE_OPTIONS,
                &OVERLOAD_FILE_END_MISSING,
            )?;
        }
        ctx.overload = 0;
    }
    Ok(o.len())
}

/// The options held in `sname` or `file`, under a line of their own.
fn overloaded_field(
    p: &mut Packet,
    m: &Msg<'_>,
    layer: u8,
    f: NameField,
    def: &'static FieldDef,
    end_missing: &'static FieldDef,
) -> Result<(), Stop> {
    let span = m.span(f.at, f.len);
    p.add(def, span, Value::None);
    p.subtree(|p| {
        let mut inner = Ctx { overload: 0, layer };
        let (_, at_end) = dissect_range(p, m, f.at, f.at + f.len, &mut inner)?;
        if !at_end {
            p.expert_field(
                end_missing,
                Severity::Error,
                Group::Protocol,
                span,
                end_missing.label,
            );
        }
        Ok(())
    })
}

/// Option 61 (RFC 2132 9.14, RFC 4361): a hardware address, a UUID, an
/// RFC 3315 IAID and DUID, or text; other values are left opaque.
fn client_identifier(o: &mut Opt<'_, '_>) -> Result<usize, Stop> {
    let b = o.v.buf;
    let len = b.len();
    let kind = b.first().copied().unwrap_or(0);
    if len == 7 && (1..48).contains(&kind) {
        o.add(&HW_TYPE, 0, 1, Value::Uint(kind.into()));
        if matches!(kind, HTYPE_ETHERNET | HTYPE_IEEE802) {
            o.add(
                &HW_MAC_ADDR,
                1,
                6,
                Value::Mac([b[1], b[2], b[3], b[4], b[5], b[6]]),
            );
        } else {
            o.add_str(&CLIENT_HARDWARE_ADDRESS, 1, 6, || hex_string(&b[1..]));
        }
    } else if len == 17 && kind == 0 {
        o.add_str(&CLIENT_ID_UUID, 1, 16, || guid_le(&b[1..]));
    } else if kind == 255 {
        duid(o)?;
    } else if kind == 0 && len > 1 {
        o.add(&CLIENT_ID_TYPE, 0, 1, Value::Uint(0));
        text_field(o.p, &CLIENT_ID_UNDEF, o.v.span(1, len - 1), &b[1..]);
    }
    Ok(len)
}

/// An RFC 4361 client identifier: the IAID, then a DHCPv6 DUID.
fn duid(o: &mut Opt<'_, '_>) -> Result<(), Stop> {
    let v = o.v;
    let len = v.buf.len();
    let iaid = v.bytes(1, 4)?;
    o.add_str(&CLIENT_ID_IAID, 1, 4, || hex_string(iaid));
    let duid_type = v.u16(5)?;
    o.add(&CLIENT_ID_DUID_TYPE, 5, 2, Value::Uint(duid_type.into()));
    // Wireshark checks these minimums against the whole option.
    let min = match duid_type {
        1 => 8,
        2 => 6,
        3 => 4,
        _ => return Ok(()),
    };
    if len < min {
        let span = v.whole();
        o.p.expert_field(
            &MALFORMED_DUID,
            Severity::Error,
            Group::Malformed,
            span,
            MALFORMED_DUID.label,
        );
        return Ok(());
    }
    match duid_type {
        1 => {
            let hw = v.u16(7)?;
            o.add(&CLIENT_ID_DUID_LLT_HW_TYPE, 7, 2, Value::Uint(hw.into()));
            o.add(&CLIENT_ID_TIME, 9, 4, Value::Uint(v.u32(9)?.into()));
            if len > 8 {
                link_layer_address(o, 13, hw)?;
            }
        }
        2 => {
            o.add(
                &CLIENT_ID_ENTERPRISE_NUM,
                7,
                4,
                Value::Uint(v.u32(7)?.into()),
            );
            if len > 6 {
                let rest = len.saturating_sub(11);
                v.need(11, rest)?;
                o.add(&CLIENT_ID, 11, rest, Value::SpanBytes);
            }
        }
        _ => {
            let hw = v.u16(7)?;
            o.add(&CLIENT_ID_DUID_LL_HW_TYPE, 7, 2, Value::Uint(hw.into()));
            if len > 4 {
                link_layer_address(o, 9, hw)?;
            }
        }
    }
    Ok(())
}

fn link_layer_address(o: &mut Opt<'_, '_>, at: usize, hw: u16) -> Result<(), Stop> {
    let addr = o.v.bytes(at, o.len().saturating_sub(at))?;
    o.add_str(&CLIENT_ID_LINK_LAYER_ADDRESS, at, addr.len(), || {
        let mut text = String::new();
        if addr.is_empty() {
            text.push_str("<No address>");
        } else {
            let mac = matches!(hw, 1 | 6) && addr.len() == 6;
            write_address(&mut text, addr, mac);
        }
        text
    });
    Ok(())
}

/// Option 81 (RFC 4702): flags, the two result codes, then the name, in DNS
/// wire format when the E flag says so.
fn client_fqdn(o: &mut Opt<'_, '_>) -> Result<usize, Stop> {
    let b = o.v.buf;
    if b.len() < 3 {
        o.bad_length("length isn't >= 3".into());
        return Ok(1);
    }
    let flags = b[0];
    o.add(&FQDN_FLAGS, 0, 1, Value::Uint(flags.into()));
    let bits = [&FQDN_N, &FQDN_E, &FQDN_O, &FQDN_S];
    o.p.append_text(|t| {
        for def in bits
            .iter()
            .filter(|d| d.bits.is_some_and(|bits| u64::from(flags) & bits.mask != 0))
        {
            let _ = write!(t, ", {}", def.label);
        }
    });
    o.p.subtree(|p| {
        let span = o.v.span(0, 1);
        p.add(&FQDN_MBZ, span, Value::Uint((flags >> 4).into()));
        for def in bits {
            let set = def
                .bits
                .is_some_and(|bits| u64::from(flags) & bits.mask != 0);
            p.add(def, span, Value::Bool(set));
        }
    });
    o.add(&FQDN_RCODE1, 1, 1, Value::Uint(b[1].into()));
    o.add(&FQDN_RCODE2, 2, 1, Value::Uint(b[2].into()));
    if b.len() > 3 {
        let span = o.v.span(3, b.len() - 3);
        if flags & 0x04 != 0 {
            // Read on the fast path too: a name running past the option is a malformation.
            let name = dns_name(&o.v, 3)?;
            o.p.add(&FQDN_NAME, span, Value::Str(name.into()));
        } else {
            text_field(o.p, &FQDN_NAME, span, &b[3..]);
        }
    }
    Ok(b.len())
}

/// A name in DNS wire format, uncompressed (RFC 4702 forbids compression):
/// labels joined by dots, `<Root>` for the root. A label running past the
/// option is a malformation; a compression pointer ends the name.
fn dns_name(v: &Msg<'_>, start: usize) -> Result<String, Stop> {
    let mut name = String::new();
    let mut at = start;
    loop {
        let len = usize::from(v.u8(at)?);
        if len == 0 || len & 0xc0 == 0xc0 {
            break;
        }
        if !name.is_empty() {
            name.push('.');
        }
        name.push_str(&ascii_string_all(v.bytes(at + 1, len)?));
        at += 1 + len;
    }
    if name.is_empty() {
        name.push_str("<Root>");
    }
    Ok(name)
}

/// Like [`ascii_string`], NULs kept (a label may hold any byte).
fn ascii_string_all(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| if b.is_ascii() { b as char } else { '\u{fffd}' })
        .collect()
}

/// Plain lowercase hex, as Wireshark's `tvb_bytes_to_str` for short values.
fn hex_string(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// A GUID stored little-endian (the first three groups byte-swapped), as
/// Wireshark reads the client identifier's UUID by default.
fn guid_le(b: &[u8]) -> String {
    let mut s = String::new();
    let groups: [&[usize]; 5] = [
        &[3, 2, 1, 0],
        &[5, 4],
        &[7, 6],
        &[8, 9],
        &[10, 11, 12, 13, 14, 15],
    ];
    for (i, g) in groups.iter().enumerate() {
        if i > 0 {
            s.push('-');
        }
        for &at in *g {
            let _ = write!(s, "{:02x}", b.get(at).copied().unwrap_or(0));
        }
    }
    s
}

/// Option names, as Wireshark 4.0 lists them (its parameter request list
/// shows every one).
pub fn option_name(code: u8) -> &'static str {
    match code {
        0 => "Padding",
        1 => "Subnet Mask",
        2 => "Time Offset",
        3 => "Router",
        4 => "Time Server",
        5 => "Name Server",
        6 => "Domain Name Server",
        7 => "Log Server",
        8 => "Quotes Server",
        9 => "LPR Server",
        10 => "Impress Server",
        11 => "Resource Location Server",
        12 => "Host Name",
        13 => "Boot File Size",
        14 => "Merit Dump File",
        15 => "Domain Name",
        16 => "Swap Server",
        17 => "Root Path",
        18 => "Extensions Path",
        19 => "IP Forwarding",
        20 => "Non-Local Source Routing",
        21 => "Policy Filter",
        22 => "Maximum Datagram Reassembly Size",
        23 => "Default IP Time-to-Live",
        24 => "Path MTU Aging Timeout",
        25 => "Path MTU Plateau Table",
        26 => "Interface MTU",
        27 => "All Subnets are Local",
        28 => "Broadcast Address",
        29 => "Perform Mask Discovery",
        30 => "Mask Supplier",
        31 => "Perform Router Discover",
        32 => "Router Solicitation Address",
        33 => "Static Route",
        34 => "Trailer Encapsulation",
        35 => "ARP Cache Timeout",
        36 => "Ethernet Encapsulation",
        37 => "TCP Default TTL",
        38 => "TCP Keepalive Interval",
        39 => "TCP Keepalive Garbage",
        40 => "Network Information Service Domain",
        41 => "Network Information Service Servers",
        42 => "Network Time Protocol Servers",
        43 => "Vendor-Specific Information",
        44 => "NetBIOS over TCP/IP Name Server",
        45 => "NetBIOS over TCP/IP Datagram Distribution Name Server",
        46 => "NetBIOS over TCP/IP Node Type",
        47 => "NetBIOS over TCP/IP Scope",
        48 => "X Window System Font Server",
        49 => "X Window System Display Manager",
        50 => "Requested IP Address",
        51 => "IP Address Lease Time",
        52 => "Option Overload",
        53 => "DHCP Message Type",
        54 => "DHCP Server Identifier",
        55 => "Parameter Request List",
        56 => "Message",
        57 => "Maximum DHCP Message Size",
        58 => "Renewal Time Value",
        59 => "Rebinding Time Value",
        60 => "Vendor class identifier",
        61 => "Client identifier",
        62 => "Novell/Netware IP domain",
        63 => "Novell Options",
        64 => "Network Information Service+ Domain",
        65 => "Network Information Service+ Servers",
        66 => "TFTP Server Name",
        67 => "Bootfile name",
        68 => "Mobile IP Home Agent",
        69 => "SMTP Server",
        70 => "POP3 Server",
        71 => "NNTP Server",
        72 => "Default WWW Server",
        73 => "Default Finger Server",
        74 => "Default IRC Server",
        75 => "StreetTalk Server",
        76 => "StreetTalk Directory Assistance Server",
        77 => "User Class Information",
        78 => "Directory Agent Information",
        79 => "Service Location Agent Scope",
        80 => "Rapid commit",
        81 => "Client Fully Qualified Domain Name",
        82 => "Agent Information Option",
        83 => "iSNS",
        84 | 96 | 110 | 115 | 126..=127 => "Removed/Unassigned",
        85 => "Novell Directory Services Servers",
        86 => "Novell Directory Services Tree Name",
        87 => "Novell Directory Services Context",
        88 => "BCMCS Controller Domain Name [TODO:RFC4280]",
        89 => "BCMCS Controller IPv4 address [TODO:RFC4280]",
        90 => "Authentication",
        91 => "Client last transaction time",
        92 => "Associated IP option",
        93 => "Client System Architecture",
        94 => "Client Network Device Interface",
        95 => "LDAP [TODO:RFC3679]",
        97 => "UUID/GUID-based Client Identifier",
        98 => "Open Group's User Authentication [TODO:RFC2485]",
        99 => "Civic Addresses Configuration",
        100 => "PCode",
        101 => "TCode",
        102..=107 => "Removed/unassigned",
        108 => "IPv6-Only Preferred",
        109 | 111 | 147..=149 | 162..=174 | 178..=207 | 214..=219 | 222..=223 => "Unassigned",
        112 => "NetInfo Parent Server Address",
        113 => "NetInfo Parent Server Tag",
        114 => "DHCP Captive-Portal",
        116 => "DHCP Auto-Configuration",
        117 => "Name Service Search",
        118 => "Subnet Selection Option",
        119 => "Domain Search",
        120 => "SIP Servers",
        121 => "Classless Static Route",
        122 => "CableLabs Client Configuration [TODO:RFC3495]",
        123 => "Coordinate-based Location Configuration",
        124 => "V-I Vendor Class",
        125 => "V-I Vendor-specific Information",
        128 => "DOCSIS full security server IP [TODO]",
        129..=135 => "PXE - undefined (vendor specific)",
        136 => "PANA Authentication Agent",
        137 => "LoST Server Domain Name",
        138 => "CAPWAP Access Controllers",
        139 => "IPv4 Address-MoS",
        140 => "IPv4 FQDN-MoS",
        141 => "SIP UA Configuration Domains",
        142 => "IPv4 Address ANDSF",
        143 => "Zerotouch Redirect [TODO: draft-ietf-netconf-zerotouch]",
        144 => "Geospatial Location [TODO:RFC6225]",
        145 => "Forcerenew Nonce Capable",
        146 => "RDNSS Selection",
        150 => "TFTP Server Address",
        151 => "Leasequery Status code",
        152 => "Leasequery Base Time",
        153 => "Leasequery Start Time of State",
        154 => "Leasequery Query Start Time",
        155 => "Leasequery Query End Time",
        156 => "Leasequery Dhcp State",
        157 => "Leasequery Data Source",
        158 => "PCP Server",
        159 => "Portparams",
        160 => "Unassigned (ex DHCP Captive-Portal)",
        161 => "Manufacturer Usage Description",
        175 | 177 => "Etherboot",
        176 => "IP Telephone",
        208 => "PXELINUX Magic",
        209 => "PXE Configuration file",
        210 => "PXE Path Prefix",
        211 => "Reboot Time",
        212 => "6RD",
        213 => "V4 Access Domain",
        220 => "Subnet Allocation",
        221 => "Virtual Subnet Selection",
        224..=241 | 243..=248 | 250..=251 | 253..=254 => "Private",
        242 => "Private/Avaya IP Telephone",
        249 => "Private/Classless Static Route (Microsoft)",
        252 => "Private/Proxy autodiscovery",
        255 => "End",
    }
}
