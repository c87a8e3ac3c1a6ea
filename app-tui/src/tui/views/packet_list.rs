//! The packet list: only the rows on screen are built, from the index (time,
//! length, addresses, protocol) and, for Info, from dissections done off the
//! UI thread; a capture of ten million packets scrolls as fast as ten.

use std::sync::Arc;

use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Cell, Row, Table};
use ratatui::Frame;
use wirelens_dissect::Timestamp;

use crate::tui::theme;

/// How the Time column shows a packet's time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TimeFormat {
    /// Seconds since the first packet (Wireshark's default).
    #[default]
    Relative,
    /// Time of day, UTC.
    Absolute,
    /// Seconds since the previous packet shown.
    Delta,
}

impl TimeFormat {
    pub fn next(self) -> TimeFormat {
        match self {
            TimeFormat::Relative => TimeFormat::Absolute,
            TimeFormat::Absolute => TimeFormat::Delta,
            TimeFormat::Delta => TimeFormat::Relative,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TimeFormat::Relative => "Time",
            TimeFormat::Absolute => "Time (UTC)",
            TimeFormat::Delta => "Delta",
        }
    }

    /// The column text of a packet at `ts`, `first` being the capture's first
    /// packet time and `previous` the previous shown packet's.
    pub fn format(self, ts: Timestamp, first: Timestamp, previous: Option<Timestamp>) -> String {
        match self {
            TimeFormat::Relative => seconds(ns_between(first, ts)),
            TimeFormat::Delta => seconds(previous.map_or(0, |p| ns_between(p, ts))),
            TimeFormat::Absolute => {
                let secs = ts.secs.rem_euclid(86_400);
                format!(
                    "{:02}:{:02}:{:02}.{:06}",
                    secs / 3600,
                    secs / 60 % 60,
                    secs % 60,
                    ts.nanos / 1000
                )
            }
        }
    }
}

fn ns_between(from: Timestamp, to: Timestamp) -> i128 {
    (i128::from(to.secs) - i128::from(from.secs)) * 1_000_000_000 + i128::from(to.nanos)
        - i128::from(from.nanos)
}

fn seconds(ns: i128) -> String {
    let sign = if ns < 0 { "-" } else { "" };
    let ns = ns.unsigned_abs();
    format!(
        "{sign}{}.{:06}",
        ns / 1_000_000_000,
        ns % 1_000_000_000 / 1000
    )
}

/// Which packets the list shows.
#[derive(Clone, Debug, Default)]
pub enum Shown {
    #[default]
    All,
    /// The packets a display filter matched, ascending.
    Filtered { text: String, matches: Arc<[u64]> },
}

/// Position and shape of the list.
#[derive(Debug, Default)]
pub struct PacketList {
    pub shown: Shown,
    /// Row index of the selection in the shown packets.
    pub selected: usize,
    /// First row on screen.
    pub offset: usize,
    /// Rows on screen at the last draw.
    pub height: usize,
    pub time: TimeFormat,
    /// Keep the last packet selected as packets arrive.
    pub follow_tail: bool,
    /// Where the rows were drawn (for the mouse).
    pub rows_area: Rect,
}

impl PacketList {
    /// Rows the list has, `loaded` packets being in the index.
    pub fn len(&self, loaded: u64) -> usize {
        match &self.shown {
            Shown::All => loaded as usize,
            Shown::Filtered { matches, .. } => matches.len(),
        }
    }

    pub fn number_at(&self, row: usize, loaded: u64) -> Option<u64> {
        match &self.shown {
            Shown::All => ((row as u64) < loaded).then_some(row as u64 + 1),
            Shown::Filtered { matches, .. } => matches.get(row).copied(),
        }
    }

    /// The row of packet `number`, or of the nearest shown packet before it.
    pub fn row_of(&self, number: u64, loaded: u64) -> usize {
        match &self.shown {
            Shown::All => number.clamp(1, loaded.max(1)) as usize - 1,
            Shown::Filtered { matches, .. } => match matches.binary_search(&number) {
                Ok(i) => i,
                Err(i) => i.saturating_sub(1),
            },
        }
    }

    pub fn selected_number(&self, loaded: u64) -> Option<u64> {
        self.number_at(self.selected, loaded)
    }

    /// The packet numbers on screen, ascending.
    pub fn visible_numbers(&self, loaded: u64) -> Vec<u64> {
        (self.offset..self.offset + self.height)
            .map_while(|r| self.number_at(r, loaded))
            .collect()
    }

    pub fn select(&mut self, row: usize, loaded: u64) {
        let len = self.len(loaded);
        self.selected = row.min(len.saturating_sub(1));
        self.scroll_to_selection();
    }

    pub fn move_by(&mut self, delta: isize, loaded: u64) {
        let row = self.selected.saturating_add_signed(delta);
        if delta < 0 {
            self.follow_tail = false;
        }
        self.select(row, loaded);
    }

    pub fn page(&self) -> isize {
        self.height.max(2) as isize - 1
    }

    /// Moves the window so the selection is on screen.
    pub fn scroll_to_selection(&mut self) {
        let h = self.height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + h {
            self.offset = self.selected + 1 - h;
        }
    }

    /// Rows arrived or the screen changed size: keep the tail in view if
    /// following it, and the selection in range.
    pub fn update(&mut self, loaded: u64) {
        let len = self.len(loaded);
        if self.follow_tail && len > 0 {
            self.selected = len - 1;
        }
        self.selected = self.selected.min(len.saturating_sub(1));
        self.scroll_to_selection();
        // No blank lines under the last row while rows above are hidden:
        // the window may have been placed before the screen's height was
        // known, or before the rows above it arrived.
        self.offset = self.offset.min(len.saturating_sub(self.height.max(1)));
    }

    /// The row at screen position `y` (the mouse), if it holds a packet.
    pub fn row_at(&self, y: u16, loaded: u64) -> Option<usize> {
        let a = self.rows_area;
        if y < a.y || y >= a.bottom() {
            return None;
        }
        let row = self.offset + (y - a.y) as usize;
        (row < self.len(loaded)).then_some(row)
    }
}

/// One row on screen, with every column as text.
#[derive(Clone, Debug)]
pub struct ListRow {
    pub number: u64,
    pub time: String,
    pub src: String,
    pub dst: String,
    pub protocol: String,
    pub length: u32,
    /// `None` until the packet has been dissected again.
    pub info: Option<String>,
    pub colour: theme::RowColour,
}

pub fn render(
    frame: &mut Frame<'_>,
    area: Rect,
    list: &mut PacketList,
    rows: &[ListRow],
    focused: bool,
) {
    let block = Block::default()
        .borders(Borders::TOP)
        .title(Line::from(" Packets ").style(theme::pane_title(focused)));
    let inner = block.inner(area);
    // The header takes the first line.
    list.rows_area = Rect {
        y: inner.y.saturating_add(1),
        height: inner.height.saturating_sub(1),
        ..inner
    };
    list.height = list.rows_area.height as usize;
    let selected_number = rows
        .get(list.selected.wrapping_sub(list.offset))
        .map(|r| r.number);
    // Addresses as wide as the widest on screen (IPv6 up to 39), within
    // what leaves Info some room.
    let widest = rows
        .iter()
        .map(|r| r.src.chars().count().max(r.dst.chars().count()))
        .max()
        .unwrap_or(0);
    let room = usize::from(area.width).saturating_sub(60) / 2;
    let addr_width = widest.clamp(11, 39).min(room.max(11)) as u16;
    let time_width = if list.time == TimeFormat::Absolute {
        15
    } else {
        11
    };
    let widths = [
        Constraint::Length(7),
        Constraint::Length(time_width),
        Constraint::Length(addr_width),
        Constraint::Length(addr_width),
        Constraint::Length(8),
        Constraint::Length(6),
        Constraint::Fill(1),
    ];
    let header = Row::new([
        "No.",
        list.time.label(),
        "Source",
        "Destination",
        "Protocol",
        "Length",
        "Info",
    ])
    .style(Style::default().add_modifier(Modifier::BOLD));
    let table_rows = rows.iter().map(|r| {
        let info = match &r.info {
            Some(i) => Cell::from(i.as_str()),
            None => Cell::from("…").style(Style::default().fg(Color::DarkGray)),
        };
        let style = if Some(r.number) == selected_number {
            theme::selected_row(focused)
        } else {
            theme::row_style(r.colour)
        };
        Row::new([
            Cell::from(format!("{:>6}", r.number)),
            Cell::from(r.time.as_str()),
            Cell::from(r.src.as_str()),
            Cell::from(r.dst.as_str()),
            Cell::from(r.protocol.as_str()),
            Cell::from(format!("{:>6}", r.length)),
            info,
        ])
        .style(style)
    });
    let table = Table::new(table_rows, widths)
        .header(header)
        .column_spacing(1)
        .block(block);
    frame.render_widget(table, area);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(secs: i64, nanos: u32) -> Timestamp {
        Timestamp { secs, nanos }
    }

    #[test]
    fn time_formats() {
        let first = ts(1_000, 500_000_000);
        let t = ts(1_002, 250_000_000);
        assert_eq!(TimeFormat::Relative.format(t, first, None), "1.750000");
        assert_eq!(
            TimeFormat::Delta.format(t, first, Some(ts(1_002, 0))),
            "0.250000"
        );
        assert_eq!(
            TimeFormat::Absolute.format(ts(3_600 * 25 + 61, 1_000), first, None),
            "01:01:01.000001"
        );
    }

    #[test]
    fn a_filtered_list_maps_rows_to_packets() {
        let mut list = PacketList {
            shown: Shown::Filtered {
                text: "x".into(),
                matches: Arc::from(vec![3, 7, 9]),
            },
            height: 2,
            ..PacketList::default()
        };
        assert_eq!(list.len(100), 3);
        assert_eq!(list.row_of(8, 100), 1);
        list.select(5, 100);
        assert_eq!(list.selected_number(100), Some(9));
        assert_eq!(list.offset, 1);
        assert_eq!(list.visible_numbers(100), vec![7, 9]);
    }

    #[test]
    fn following_the_tail_fills_the_screen_once_its_height_is_known() {
        let mut list = PacketList {
            follow_tail: true,
            ..PacketList::default()
        };
        // Rows arrive before the first draw has measured the screen.
        list.update(14);
        assert_eq!((list.selected, list.offset), (13, 13));
        list.height = 20;
        list.update(14);
        assert_eq!((list.selected, list.offset), (13, 0));
        assert_eq!(list.visible_numbers(14), (1..=14).collect::<Vec<_>>());
        list.update(30);
        assert_eq!((list.selected, list.offset), (29, 10));
    }
}
