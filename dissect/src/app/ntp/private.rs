//! ntpd's private messages (mode 7, the `ntpdc` protocol): the header, the
//! item count and size of XNTPD's requests and responses, and the items of
//! the peer lists and of the monitor list (`monlist`, as used in reflection
//! attacks). Items of other request codes get their line without contents.

use super::*;

const R_BIT: u8 = 0x80;
const AUTH_BIT: u8 = 0x80;
/// ntpd's implementation number; only its messages have the item header.
const IMPL_XNTPD: u8 = 3;

const RC_PEER_LIST: u8 = 0;
const RC_PEER_LIST_SUM: u8 = 1;
const RC_SET_SYS_FLAG: u8 = 12;
const RC_CLR_SYS_FLAG: u8 = 13;
const RC_MON_GETLIST: u8 = 20;
const RC_MON_GETLIST_1: u8 = 42;

/// Where an authenticated request keeps its timestamp, key and digest.
const AUTH_TSTAMP_OFFSET: usize = 184;
const ITEMS_OFFSET: u16 = 8;

const PEER_FLAGS: &[&FieldDef] = &[
    &M7_PEER_CONFIG,
    &M7_PEER_SYSPEER,
    &M7_PEER_BURST,
    &M7_PEER_REFCLOCK,
    &M7_PEER_PREFER,
    &M7_PEER_AUTHENABLE,
    &M7_PEER_SEL_CANDIDATE,
    &M7_PEER_SHORTLIST,
];

const SYSTEM_FLAGS: &[&FieldDef] = &[
    &M7_SYS_BCLIENT,
    &M7_SYS_PPS,
    &M7_SYS_NTP,
    &M7_SYS_KERNEL,
    &M7_SYS_MONITOR,
    &M7_SYS_FILEGEN,
    &M7_SYS_AUTH,
    &M7_SYS_CAL,
];

/// A whole private message.
pub(super) fn message(p: &mut Packet, m: &Msg<'_>) -> Result<(), Stop> {
    let flags = m.u8(0)?;
    bitmask(
        p,
        &FLAGS,
        m.span(0, 1),
        flags.into(),
        &[&PRIV_R, &PRIV_MORE, &FLAGS_VN, &FLAGS_MODE],
    );
    let auth_seq = m.u8(1)?;
    bitmask(
        p,
        &PRIV_AUTH_SEQ,
        m.span(1, 1),
        auth_seq.into(),
        &[&PRIV_AUTH, &PRIV_SEQ],
    );
    let implementation = m.u8(2)?;
    p.add(&PRIV_IMPL, m.span(2, 1), Value::Uint(implementation.into()));
    let code = m.u8(3)?;
    p.add(&PRIV_REQCODE, m.span(3, 1), Value::Uint(code.into()));
    let response = flags & R_BIT != 0;
    p.append_info_fmt(format_args!(
        ", {}, {}",
        if response { "Response" } else { "Request" },
        request_code_name(code.into()).unwrap_or("Unknown")
    ));
    if implementation == IMPL_XNTPD {
        items(p, m, code)?;
    }
    if !response && auth_seq & AUTH_BIT != 0 {
        authentication(p, m)?;
    }
    Ok(())
}

/// The error code, item count and size, and the items.
fn items(p: &mut Packet, m: &Msg<'_>, code: u8) -> Result<(), Stop> {
    let err = m.u8(4)? >> 4;
    p.add(&PRIV_ERR, m.span(4, 1), Value::Uint(err.into()));
    let count = m.u16(4)? & 0x0fff;
    p.add(&PRIV_NUMITEMS, m.span(4, 2), Value::Uint(count.into()));
    p.add(
        &PRIV_RESERVED,
        m.span(6, 1),
        Value::Uint((m.u8(6)? >> 4).into()),
    );
    let size = m.u16(6)? & 0x0fff;
    p.add(&PRIV_ITEMSIZE, m.span(6, 2), Value::Uint(size.into()));
    for i in 0..count {
        // Wireshark computes the offset in 16 bits.
        let at = usize::from(ITEMS_OFFSET.wrapping_add(size.wrapping_mul(i)));
        let size = usize::from(size);
        match code {
            RC_MON_GETLIST | RC_MON_GETLIST_1 => monitor_item(p, m, at, size, code)?,
            _ => {
                m.need(at, size)?;
                let name = request_code_name(code.into()).unwrap_or("Unknown");
                p.add(&PRIV_MODE7_ITEM, m.span(at, size), Value::Str("".into()));
                p.set_text(|t| {
                    let _ = write!(t, "{name} Item");
                });
                p.subtree(|p| match code {
                    RC_PEER_LIST => peer_list_item(p, m, at),
                    RC_PEER_LIST_SUM => peer_summary_item(p, m, at),
                    RC_SET_SYS_FLAG | RC_CLR_SYS_FLAG => system_flags(p, m, at),
                    _ => Ok(()),
                })?;
            }
        }
    }
    Ok(())
}

/// One client of the monitor list, titled by its address and port.
fn monitor_item(p: &mut Packet, m: &Msg<'_>, at: usize, size: usize, code: u8) -> Result<(), Stop> {
    let v1 = code == RC_MON_GETLIST_1;
    let address = std::net::Ipv4Addr::from(m.ipv4(at + 16)?);
    let port = m.u16(at + if v1 { 28 } else { 20 })?;
    m.need(at, size)?;
    p.add(
        &PRIV_MODE7_ITEM,
        m.span(at, size),
        Value::Str("Monlist Item".into()),
    );
    p.set_text(|t| {
        let _ = write!(t, "Monlist item: address: {address}:{port}");
    });
    p.subtree(|p| {
        let mut at = at;
        for def in [&MON_AVGINT, &MON_LSINT, &MON_RESTR, &MON_COUNT] {
            p.add(def, m.span(at, 4), Value::Uint(m.u32(at)?.into()));
            at += 4;
        }
        p.add(&MON_REMOTE, m.span(at, 4), Value::Ipv4(m.ipv4(at)?));
        at += 4;
        if v1 {
            p.add(&MON_LOCAL, m.span(at, 4), Value::Ipv4(m.ipv4(at)?));
            p.add(
                &MON_FLAGS,
                m.span(at + 4, 4),
                Value::Uint(m.u32(at + 4)?.into()),
            );
            at += 8;
        }
        p.add(&MON_PORT, m.span(at, 2), Value::Uint(m.u16(at)?.into()));
        p.add(
            &MON_MODE,
            m.span(at + 2, 1),
            Value::Uint(m.u8(at + 2)?.into()),
        );
        p.add(
            &MON_VERSION,
            m.span(at + 3, 1),
            Value::Uint(m.u8(at + 3)?.into()),
        );
        at += 4;
        let v6 = m.u32(at)?;
        p.add(&MON_IPV6, m.span(at, 4), Value::Uint(v6.into()));
        p.add(
            &MON_UNUSED,
            m.span(at + 4, 4),
            Value::Uint(m.u32(at + 4)?.into()),
        );
        at += 8;
        if v6 != 0 {
            p.add(&MON_ADDR6, m.span(at, 16), Value::Ipv6(m.ipv6(at)?));
            if v1 {
                p.add(
                    &MON_DADDR6,
                    m.span(at + 16, 16),
                    Value::Ipv6(m.ipv6(at + 16)?),
                );
            }
        }
        Ok(())
    })
}

/// A peer of `ntpdc -c listpeers`.
fn peer_list_item(p: &mut Packet, m: &Msg<'_>, at: usize) -> Result<(), Stop> {
    p.add(&M7_ADDRESS, m.span(at, 4), Value::Ipv4(m.ipv4(at)?));
    p.add(
        &M7_PORT,
        m.span(at + 4, 2),
        Value::Uint(m.u16(at + 4)?.into()),
    );
    p.add(
        &M7_HMODE,
        m.span(at + 6, 1),
        Value::Uint(m.u8(at + 6)?.into()),
    );
    peer_flags(p, m, at + 7)?;
    ipv6_tail(p, m, at + 8, &M7_ADDRESS6, None)
}

/// A peer of `ntpdc -c peers`: its addresses, state and the filter's results.
fn peer_summary_item(p: &mut Packet, m: &Msg<'_>, at: usize) -> Result<(), Stop> {
    p.add(&M7_DSTADDRESS, m.span(at, 4), Value::Ipv4(m.ipv4(at)?));
    p.add(
        &M7_SRCADDRESS,
        m.span(at + 4, 4),
        Value::Ipv4(m.ipv4(at + 4)?),
    );
    p.add(
        &M7_SRCPORT,
        m.span(at + 8, 2),
        Value::Uint(m.u16(at + 8)?.into()),
    );
    p.add(
        &STRATUM,
        m.span(at + 10, 1),
        Value::Uint(m.u8(at + 10)?.into()),
    );
    let hpoll = m.u8(at + 11)? as i8;
    p.add(&M7_HPOLL, m.span(at + 11, 1), Value::Int(hpoll.into()));
    p.add(
        &ITEM_PPOLL,
        m.span(at + 12, 1),
        Value::Uint(m.u8(at + 12)?.into()),
    );
    p.add(
        &M7_REACH,
        m.span(at + 13, 1),
        Value::Uint(m.u8(at + 13)?.into()),
    );
    peer_flags(p, m, at + 14)?;
    p.add(
        &M7_HMODE,
        m.span(at + 15, 1),
        Value::Uint(m.u8(at + 15)?.into()),
    );
    let delay = m.u32(at + 16)? as i32;
    p.add(&M7_DELAY, m.span(at + 16, 4), Value::Int(delay.into()));
    p.add(&M7_OFFSET, m.span(at + 20, 8), Value::Uint(m.u64(at + 20)?));
    p.add(
        &M7_DISPERSION,
        m.span(at + 28, 4),
        Value::Uint(m.u32(at + 28)?.into()),
    );
    ipv6_tail(p, m, at + 32, &M7_DSTADDRESS6, Some(&M7_SRCADDRESS6))
}

fn peer_flags(p: &mut Packet, m: &Msg<'_>, at: usize) -> Result<(), Stop> {
    let flags = m.u8(at)?;
    bitmask(p, &M7_PEER_FLAGS, m.span(at, 1), flags.into(), PEER_FLAGS);
    Ok(())
}

/// The system flags to set or clear: a 32-bit word whose low byte holds them.
fn system_flags(p: &mut Packet, m: &Msg<'_>, at: usize) -> Result<(), Stop> {
    let word = m.u32(at)?;
    let value = Value::Uint((word & 0xff).into());
    p.add(&M7_SYS_FLAGS, m.span(at, 4), value.clone());
    let mut names = String::new();
    for &def in SYSTEM_FLAGS {
        append_bit_name(&mut names, def, word.into());
    }
    append_within_line(p, &M7_SYS_FLAGS, &value, &names);
    // The flags' own bit patterns are of the low byte alone.
    let low = m.span(at + 3, 1);
    p.subtree(|p| {
        for &def in SYSTEM_FLAGS {
            p.add(def, low, bit_value(def, word.into()));
        }
    });
    Ok(())
}

/// The IPv6 flag, four unused bytes and one or two IPv6 addresses that end
/// the peer items, whatever the flag says.
fn ipv6_tail(
    p: &mut Packet,
    m: &Msg<'_>,
    at: usize,
    first: &'static FieldDef,
    second: Option<&'static FieldDef>,
) -> Result<(), Stop> {
    p.add(&M7_IPV6_FLAG, m.span(at, 4), Value::Uint(m.u32(at)?.into()));
    m.need(at + 4, 4)?;
    p.add(&M7_UNUSED, m.span(at + 4, 4), Value::SpanBytes);
    p.add(first, m.span(at + 8, 16), Value::Ipv6(m.ipv6(at + 8)?));
    if let Some(second) = second {
        p.add(second, m.span(at + 24, 16), Value::Ipv6(m.ipv6(at + 24)?));
    }
    Ok(())
}

/// An authenticated request's timestamp, key ID and digest.
fn authentication(p: &mut Packet, m: &Msg<'_>) -> Result<(), Stop> {
    timestamp(p, m, &PRIV_TSTAMP, AUTH_TSTAMP_OFFSET)?;
    let key_at = AUTH_TSTAMP_OFFSET + 8;
    m.need(key_at, 4)?;
    p.add(&KEYID, m.span(key_at, 4), Value::SpanBytes);
    let mac_at = key_at + 4;
    let len = m.remaining(mac_at);
    if len > 0 {
        m.need(mac_at, len)?;
        p.add(&MAC, m.span(mac_at, len), Value::SpanBytes);
    }
    Ok(())
}
