//! Why a live capture could not start or went wrong.

use std::fmt;
use std::path::PathBuf;

/// A live capture error, worded for the user.
#[derive(Debug)]
pub enum LiveError {
    /// The process may not open capture sockets.
    Permission {
        interface: String,
        /// Capabilities the process lacks, by name (`CAP_NET_RAW`, ...);
        /// empty where they cannot be read.
        missing: Vec<&'static str>,
        /// What libpcap said.
        detail: String,
    },
    NoSuchInterface {
        interface: String,
        detail: String,
    },
    /// The capture filter does not compile.
    CaptureFilter {
        filter: String,
        detail: String,
    },
    /// Any other failure to open or read an interface.
    Interface {
        interface: String,
        detail: String,
    },
    /// Listing the interfaces failed.
    List(String),
    /// Writing the capture file failed.
    Output {
        path: PathBuf,
        error: std::io::Error,
    },
    /// The configuration asks for something impossible.
    Config(String),
}

impl fmt::Display for LiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LiveError::Permission {
                interface,
                missing,
                detail,
            } => {
                let needed = match missing.as_slice() {
                    [one] => format!("the {one} capability"),
                    [] => "the CAP_NET_RAW and CAP_NET_ADMIN capabilities".to_string(),
                    several => format!("the {} capabilities", several.join(" and ")),
                };
                let exe = std::env::current_exe()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|_| "/path/to/wirelens".into());
                write!(
                    f,
                    "no permission to capture on {interface} ({detail}): this process lacks \
                     {needed}. Run as root, or grant the capabilities to the \
                     binary once with: sudo setcap cap_net_raw,cap_net_admin=eip {exe}"
                )
            }
            LiveError::NoSuchInterface { interface, detail } => write!(
                f,
                "there is no interface {interface} ({detail}); `wirelens interfaces` lists them"
            ),
            LiveError::CaptureFilter { filter, detail } => {
                write!(f, "invalid capture filter \"{filter}\": {detail}")
            }
            LiveError::Interface { interface, detail } => {
                write!(f, "cannot capture on {interface}: {detail}")
            }
            LiveError::List(detail) => write!(f, "cannot list the interfaces: {detail}"),
            LiveError::Output { path, error } => {
                write!(f, "cannot write {}: {error}", path.display())
            }
            LiveError::Config(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for LiveError {}

/// libpcap's error text, without the crate's "libpcap error: " prefix.
pub(super) fn pcap_detail(e: &pcap::Error) -> String {
    match e {
        pcap::Error::PcapError(text) => text.clone(),
        other => other.to_string(),
    }
}
