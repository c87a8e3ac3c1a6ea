//! Which capture capabilities the process lacks (Linux), to name them in
//! the permission error.

/// Capability bits of `CapEff` in /proc/self/status (linux/capability.h).
const CAP_NET_ADMIN: u32 = 12;
const CAP_NET_RAW: u32 = 13;

/// The capture capabilities missing from the process's effective set;
/// empty when the set cannot be read (not Linux).
pub(super) fn missing_capabilities() -> Vec<&'static str> {
    let Some(effective) = effective_capabilities() else {
        return Vec::new();
    };
    [
        (CAP_NET_RAW, "CAP_NET_RAW"),
        (CAP_NET_ADMIN, "CAP_NET_ADMIN"),
    ]
    .into_iter()
    .filter(|(bit, _)| effective & (1 << bit) == 0)
    .map(|(_, name)| name)
    .collect()
}

fn effective_capabilities() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let hex = status.lines().find_map(|l| l.strip_prefix("CapEff:"))?;
    u64::from_str_radix(hex.trim(), 16).ok()
}

/// Whether libpcap's message means the process lacks privileges.
pub(super) fn is_permission_error(detail: &str) -> bool {
    let lower = detail.to_ascii_lowercase();
    lower.contains("permission") || lower.contains("operation not permitted")
}
