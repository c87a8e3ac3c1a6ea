//! Tunnels that carry whole frames or packets inside another protocol.

pub mod vxlan;
