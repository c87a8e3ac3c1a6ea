//! Vendor names of MAC address prefixes, from the IEEE registries.

use std::borrow::Cow;

/// The organisation that owns the prefix of `mac`, spelt as Wireshark's
/// `manuf` file spells it: names the IEEE lists in capitals are title-cased
/// ("NETGEAR" becomes "Netgear"), others are kept as registered.
pub fn vendor(mac: &[u8; 6]) -> Option<Cow<'static, str>> {
    let hex = format!(
        "{:02X}{:02X}{:02X}{:02X}{:02X}{:02X}",
        mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]
    );
    let name = oui_data::lookup(&hex)?.organization().trim();
    if name.chars().any(|c| c.is_lowercase()) {
        Some(Cow::Borrowed(name))
    } else {
        Some(Cow::Owned(title_case(name)))
    }
}

/// Python's `str.title()`: a letter is upper-case after a non-letter, lower-case after a letter.
fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_letter = false;
    for c in s.chars() {
        if prev_letter {
            out.extend(c.to_lowercase());
        } else {
            out.extend(c.to_uppercase());
        }
        prev_letter = c.is_alphabetic();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_wireshark_spelling() {
        // Prefixes and names from the eth.*.oui_resolved fields of the shared corpus.
        let cases: [([u8; 3], &str); 4] = [
            ([0x00, 0x10, 0xdb], "Juniper Networks"),
            ([0x00, 0x1f, 0x33], "Netgear"),
            ([0x64, 0x66, 0xb3], "Tp-Link Technologies Co.,Ltd."),
            ([0x00, 0x01, 0x02], "3Com"),
        ];
        for (p, name) in cases {
            let mac = [p[0], p[1], p[2], 0, 0, 1];
            assert_eq!(vendor(&mac).as_deref(), Some(name));
        }
    }
}
