//! The registry of every field and protocol wirelens knows, for `wirelens fields`,
//! `-e` validation and the display-filter language.

use crate::model::FieldDef;

/// Each module's field list; a new protocol adds its `FIELDS` here.
const MODULES: &[&[&FieldDef]] = &[
    crate::frame::FIELDS,
    crate::link::ethernet::FIELDS,
    crate::link::vlan::FIELDS,
    crate::link::sll::FIELDS,
    crate::link::null::FIELDS,
    crate::net::arp::FIELDS,
    crate::net::ipv4::FIELDS,
    crate::net::icmp::FIELDS,
    crate::app::data::FIELDS,
];

/// Every registered field.
pub fn fields() -> impl Iterator<Item = &'static FieldDef> {
    MODULES.iter().flat_map(|m| m.iter().copied())
}

/// Looks a field up by its display-filter name.
pub fn field(name: &str) -> Option<&'static FieldDef> {
    fields().find(|f| f.name == name)
}
