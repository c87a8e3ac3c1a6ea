//! SETTINGS identifiers (RFC 9113 section 6.5.2, RFC 8441, RFC 9218) and the
//! values a connection starts with.

pub const HEADER_TABLE_SIZE: u16 = 1;
pub const ENABLE_PUSH: u16 = 2;
pub const MAX_CONCURRENT_STREAMS: u16 = 3;
pub const INITIAL_WINDOW_SIZE: u16 = 4;
pub const MAX_FRAME_SIZE: u16 = 5;
pub const MAX_HEADER_LIST_SIZE: u16 = 6;
pub const ENABLE_CONNECT_PROTOCOL: u16 = 8;
pub const NO_RFC7540_PRIORITIES: u16 = 9;

/// SETTINGS_HEADER_TABLE_SIZE until a peer says otherwise.
pub const DEFAULT_HEADER_TABLE_SIZE: u32 = 4096;
/// SETTINGS_INITIAL_WINDOW_SIZE and the connection window until changed.
pub const DEFAULT_WINDOW: i64 = 65_535;
/// The largest window allowed (2^31 - 1).
pub const MAX_WINDOW: i64 = 0x7fff_ffff;

/// The name Wireshark shows for a setting identifier.
pub fn name(id: u64) -> Option<&'static str> {
    Some(match id {
        1 => "Header table size",
        2 => "Enable PUSH",
        3 => "Max concurrent streams",
        4 => "Initial Windows size",
        5 => "Max frame size",
        6 => "Max header list size",
        8 => "Extended CONNECT protocol",
        9 => "No RFC7540 Priorities",
        _ => return None,
    })
}
