//! The registry of every field and protocol wirelens knows, for `wirelens fields`,
//! `-e` validation and the display-filter language.

use crate::model::FieldDef;

/// Each module's field list; a new protocol adds its `FIELDS` here.
const MODULES: &[&[&FieldDef]] = &[
    crate::frame::FIELDS,
    crate::model::packet::FIELDS,
    crate::link::ethernet::FIELDS,
    crate::link::vlan::FIELDS,
    crate::link::sll::FIELDS,
    crate::link::null::FIELDS,
    crate::link::juniper::FIELDS,
    crate::net::arp::FIELDS,
    crate::net::ipv4::FIELDS,
    crate::net::icmp::FIELDS,
    crate::app::data::FIELDS,
    crate::net::ipv6::FIELDS,
    crate::net::ipv6::EXT_FIELDS,
    crate::net::ipv6::ipsec::FIELDS,
    crate::net::icmpv6::FIELDS,
    crate::net::icmpv6::ND_FIELDS,
    crate::transport::tcp::FIELDS,
    crate::transport::tcp::options::FIELDS,
    crate::transport::udp::FIELDS,
    crate::tunnel::vxlan::FIELDS,
    crate::flow::reassembly::FIELDS,
    crate::app::dns::FIELDS,
    crate::app::dhcp::FIELDS,
    crate::app::ntp::FIELDS,
    crate::app::ssh::FIELDS,
    crate::app::bgp::FIELDS,
    crate::link::radiotap::FIELDS,
    crate::link::wlan_radio::FIELDS,
    crate::link::ieee80211::FIELDS,
    crate::link::ieee80211::pv1::FIELDS,
    crate::link::ieee80211::mgmt::FIELDS,
    crate::link::ieee80211::ie::FIELDS,
    crate::link::ieee80211::ie::EXTCAP_FIELDS,
    crate::link::ieee80211::ie::MAP_FIELDS,
    crate::link::ieee80211::ie::VHT_CAP_FIELDS,
    crate::link::llc::FIELDS,
    crate::link::stp::FIELDS,
    crate::net::eapol::FIELDS,
    crate::app::tls::FIELDS,
    crate::app::tls::x509tree::FIELDS,
    crate::app::http::FIELDS,
    crate::app::http2::FIELDS,
    crate::app::text_lines::FIELDS,
];

/// Every registered field.
pub fn fields() -> impl Iterator<Item = &'static FieldDef> {
    MODULES.iter().flat_map(|m| m.iter().copied())
}

/// Looks a field up by its display-filter name.
pub fn field(name: &str) -> Option<&'static FieldDef> {
    fields().find(|f| f.name == name)
}

/// Protocol names usable where a field name is expected (`-e ip`, filters `tcp`).
pub fn protocol(name: &str) -> Option<&'static str> {
    fields().map(|f| f.protocol()).find(|p| *p == name)
}

/// Up to `n` registered names closest to `name`, for "did you mean" hints.
pub fn suggest(name: &str, n: usize) -> Vec<&'static str> {
    let mut scored: Vec<(usize, &'static str)> = fields()
        .map(|f| (edit_distance(name, f.name), f.name))
        .filter(|(d, _)| *d <= name.len() / 3 + 1)
        .collect();
    scored.sort();
    scored.dedup_by_key(|(_, n)| *n);
    scored.into_iter().take(n).map(|(_, n)| n).collect()
}

/// Levenshtein distance over bytes, for short field names.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}
