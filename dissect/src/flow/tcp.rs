//! TCP conversations: stream numbering and per-direction sequence state.

/// TCP conversations seen so far.
#[derive(Debug, Default)]
pub struct TcpTable {}
