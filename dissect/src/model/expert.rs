//! Expert items: Wireshark's notes on what looks wrong or noteworthy in a packet.

use std::borrow::Cow;
use std::fmt;

use super::field::Span;

/// How serious an expert item is, in Wireshark's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Chat,
    Note,
    Warn,
    Error,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Chat => "Chat",
            Severity::Note => "Note",
            Severity::Warn => "Warning",
            Severity::Error => "Error",
        }
    }
}

/// What an expert item is about, as Wireshark groups them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Group {
    Checksum,
    Sequence,
    ResponseCode,
    RequestCode,
    Undecoded,
    Reassemble,
    Malformed,
    Debug,
    Protocol,
    Security,
    Comment,
}

impl Group {
    pub fn name(self) -> &'static str {
        match self {
            Group::Checksum => "Checksum",
            Group::Sequence => "Sequence",
            Group::ResponseCode => "Response",
            Group::RequestCode => "Request",
            Group::Undecoded => "Undecoded",
            Group::Reassemble => "Reassemble",
            Group::Malformed => "Malformed",
            Group::Debug => "Debug",
            Group::Protocol => "Protocol",
            Group::Security => "Security",
            Group::Comment => "Comment",
        }
    }
}

/// One expert item, attached to the layer (and bytes) it is about.
#[derive(Clone, Debug, PartialEq)]
pub struct Expert {
    pub severity: Severity,
    pub group: Group,
    pub message: Cow<'static, str>,
    /// Index of the layer within the packet.
    pub layer: u8,
    pub span: Span,
}

impl fmt::Display for Expert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{}/{}] {}",
            self.severity.name(),
            self.group.name(),
            self.message
        )
    }
}
