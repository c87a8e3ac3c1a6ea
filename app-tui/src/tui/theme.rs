//! Colours: Wireshark's default colouring rules, as far as the index knows a
//! packet (its protocol chain and worst expert severity), and the UI's own.

use ratatui::style::{Color, Modifier, Style};

/// The colouring rule a packet falls under, first match wins as in
/// Wireshark's default rules (those the index and the row's dissection can
/// tell apart, in Wireshark's order).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RowColour {
    /// "Bad TCP": a TCP analysis item other than window update and keep-alive.
    BadTcp,
    Arp,
    Icmp,
    /// "TCP RST".
    TcpReset,
    /// "Checksum Errors" and malformed packets: an expert error.
    Error,
    Http,
    /// "TCP SYN/FIN".
    TcpSynFin,
    Tcp,
    Udp,
    #[default]
    Plain,
}

const FIN: u64 = 0x01;
const SYN: u64 = 0x02;
const RST: u64 = 0x04;

impl RowColour {
    /// The rule for a packet with `protocols` (`frame.protocols`), worst
    /// expert severity `severity` (0 none, 3 warning, 4 error), whether a
    /// TCP analysis item makes it "Bad TCP" and, once the row is dissected,
    /// its `tcp.flags`.
    pub fn classify(
        protocols: &[&str],
        severity: u8,
        bad_tcp: bool,
        tcp_flags: Option<u64>,
    ) -> RowColour {
        let has = |p: &str| protocols.contains(&p);
        let flags = tcp_flags.unwrap_or(0);
        if bad_tcp {
            RowColour::BadTcp
        } else if has("arp") {
            RowColour::Arp
        } else if has("icmp") || has("icmpv6") {
            RowColour::Icmp
        } else if flags & RST != 0 {
            RowColour::TcpReset
        } else if severity >= 4 {
            RowColour::Error
        } else if has("http") || has("http2") {
            RowColour::Http
        } else if flags & (SYN | FIN) != 0 {
            RowColour::TcpSynFin
        } else if has("tcp") {
            RowColour::Tcp
        } else if has("udp") {
            RowColour::Udp
        } else {
            RowColour::Plain
        }
    }
}

/// Wireshark's rule colours.
pub fn row_style(c: RowColour) -> Style {
    let (fg, bg) = match c {
        // Both rules share these colours in Wireshark's defaults.
        RowColour::BadTcp | RowColour::Error => {
            (Color::Rgb(0xf7, 0x87, 0x87), Color::Rgb(0x12, 0x27, 0x2e))
        }
        RowColour::TcpReset => (Color::Rgb(0xff, 0xfc, 0x9c), Color::Rgb(0xa4, 0x00, 0x00)),
        RowColour::TcpSynFin => (Color::Rgb(0x12, 0x12, 0x12), Color::Rgb(0xa0, 0xa0, 0xa0)),
        RowColour::Arp => (Color::Rgb(0x12, 0x12, 0x12), Color::Rgb(0xfa, 0xf0, 0xd7)),
        RowColour::Icmp => (Color::Rgb(0x12, 0x12, 0x12), Color::Rgb(0xfc, 0xe0, 0xff)),
        RowColour::Http => (Color::Rgb(0x12, 0x12, 0x12), Color::Rgb(0xe4, 0xff, 0xc7)),
        RowColour::Tcp => (Color::Rgb(0x12, 0x12, 0x12), Color::Rgb(0xe7, 0xe6, 0xff)),
        RowColour::Udp => (Color::Rgb(0x12, 0x12, 0x12), Color::Rgb(0xda, 0xee, 0xff)),
        RowColour::Plain => return Style::default(),
    };
    Style::default().fg(fg).bg(bg)
}

/// The selected row: the same in every rule, so it always stands out.
pub fn selected_row(focused: bool) -> Style {
    let bg = if focused {
        Color::Blue
    } else {
        Color::DarkGray
    };
    Style::default()
        .fg(Color::White)
        .bg(bg)
        .add_modifier(Modifier::BOLD)
}

/// Bytes of the selected field in the hex pane.
pub fn highlighted_bytes() -> Style {
    Style::default().fg(Color::Black).bg(Color::Yellow)
}

pub fn pane_title(focused: bool) -> Style {
    if focused {
        Style::default()
            .fg(Color::Black)
            .bg(Color::Cyan)
            .add_modifier(Modifier::BOLD)
    } else {
        Style::default().add_modifier(Modifier::BOLD)
    }
}

/// Expert items in the tree and the expert table, by severity (1 chat .. 4 error).
pub fn severity(severity: u8) -> Style {
    match severity {
        4 => Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
        3 => Style::default().fg(Color::Yellow),
        2 => Style::default().fg(Color::Cyan),
        _ => Style::default().fg(Color::Gray),
    }
}

/// The two sides of a followed stream, in Wireshark's colours.
pub fn client() -> Style {
    Style::default()
        .fg(Color::Rgb(0x7f, 0x00, 0x00))
        .bg(Color::Rgb(0xfb, 0xed, 0xed))
}

pub fn server() -> Style {
    Style::default()
        .fg(Color::Rgb(0x00, 0x00, 0x7f))
        .bg(Color::Rgb(0xed, 0xed, 0xfb))
}
