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
    /// Wireshark's numeric severity (`_ws.expert.severity`).
    pub fn ws_value(self) -> u64 {
        match self {
            Severity::Chat => 0x0020_0000,
            Severity::Note => 0x0040_0000,
            Severity::Warn => 0x0060_0000,
            Severity::Error => 0x0080_0000,
        }
    }

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
    /// A protocol element its standard has deprecated.
    Deprecated,
}

impl Group {
    /// Wireshark's numeric group (`_ws.expert.group`).
    pub fn ws_value(self) -> u64 {
        let n: u64 = match self {
            Group::Checksum => 1,
            Group::Sequence => 2,
            Group::ResponseCode => 3,
            Group::RequestCode => 4,
            Group::Undecoded => 5,
            Group::Reassemble => 6,
            Group::Malformed => 7,
            Group::Debug => 8,
            Group::Protocol => 9,
            Group::Security => 10,
            Group::Comment => 11,
            Group::Deprecated => 12,
        };
        n << 24
    }

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
            Group::Deprecated => "Deprecated",
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
    /// The expert field Wireshark names it by (`tcp.analysis.retransmission`),
    /// usable in filters and `-e`, when it has one.
    pub name: Option<&'static super::field::FieldDef>,
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
