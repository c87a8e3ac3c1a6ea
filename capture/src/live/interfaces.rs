//! The interfaces libpcap can capture on, as `tshark -D` lists them.

use std::net::IpAddr;

use super::error::{pcap_detail, LiveError};

/// One capture interface.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterfaceInfo {
    pub name: String,
    pub description: Option<String>,
    pub addresses: Vec<InterfaceAddress>,
    pub up: bool,
    pub running: bool,
    pub loopback: bool,
    pub wireless: bool,
}

/// An address of an interface, with its netmask where it has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InterfaceAddress {
    pub addr: IpAddr,
    pub netmask: Option<IpAddr>,
}

/// Lists the interfaces in libpcap's order (which puts the busiest first).
/// Needs no privileges.
pub fn list_interfaces() -> Result<Vec<InterfaceInfo>, LiveError> {
    let devices = pcap::Device::list().map_err(|e| LiveError::List(pcap_detail(&e)))?;
    Ok(devices.into_iter().map(describe).collect())
}

fn describe(device: pcap::Device) -> InterfaceInfo {
    InterfaceInfo {
        up: device.flags.is_up(),
        running: device.flags.is_running(),
        loopback: device.flags.is_loopback(),
        wireless: device.flags.is_wireless(),
        addresses: device
            .addresses
            .iter()
            .map(|a| InterfaceAddress {
                addr: a.addr,
                netmask: a.netmask,
            })
            .collect(),
        name: device.name,
        description: device.desc,
    }
}
