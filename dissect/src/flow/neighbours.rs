//! The ARP / NDP neighbour table built from the capture.

/// Every IP ↔ MAC binding seen.
#[derive(Debug, Default)]
pub struct NeighbourTable {}
