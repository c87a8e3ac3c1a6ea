//! The Statistics windows. Each reads the session's statistics, which the
//! loader keeps current, so a window opened during loading fills as the
//! file is read.

pub mod conversations;
pub mod endpoints;
pub mod expert;
pub mod hierarchy;
pub mod io_graph;

use std::time::{Duration, Instant};

use egui::Ui;
use egui_extras::{Column, TableBuilder};
use wirelens_capture::session::Session;

/// How often a table is made again while the file loads.
const REFRESH: Duration = Duration::from_millis(500);

/// A statistics table's rows, kept between frames: a conversation table can
/// have 65,536 rows, too many to format every frame. They are made again
/// when the tab changes, or when more packets were loaded (at most twice a
/// second while loading, and once when it ends).
#[derive(Default)]
pub struct TableCache {
    /// Packets loaded and the tab, when made.
    key: Option<(u64, u8)>,
    made: Option<Instant>,
    rows: Vec<Vec<String>>,
}

impl TableCache {
    pub fn rows(
        &mut self,
        session: &Session,
        tab: u8,
        make: impl FnOnce() -> Vec<Vec<String>>,
    ) -> &[Vec<String>] {
        let key = (session.len(), tab);
        let due = match self.key {
            None => true,
            Some(old) if old == key => false,
            Some(old) => {
                old.1 != tab
                    || session.progress().is_finished()
                    || self.made.is_none_or(|t| t.elapsed() >= REFRESH)
            }
        };
        if due {
            self.rows = make();
            self.key = Some(key);
            self.made = Some(Instant::now());
        }
        &self.rows
    }
}

/// A plain table of text rows under `titles`, the first column wider.
pub fn text_table(ui: &mut Ui, id: &str, titles: &[&str], rows: &[Vec<String>]) {
    let height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
    let mut table = TableBuilder::new(ui)
        .id_salt(id)
        .striped(true)
        .resizable(true)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .min_scrolled_height(240.0)
        .max_scroll_height(f32::INFINITY);
    for (i, _) in titles.iter().enumerate() {
        table = table.column(if i == 0 {
            Column::initial(200.0).at_least(60.0).clip(true)
        } else {
            Column::initial(90.0).at_least(40.0).clip(true)
        });
    }
    table
        .header(height, |mut header| {
            for t in titles {
                header.col(|ui| {
                    ui.strong(*t);
                });
            }
        })
        .body(|body| {
            body.rows(height, rows.len(), |mut row| {
                let Some(cells) = rows.get(row.index()) else {
                    return;
                };
                for c in cells {
                    row.col(|ui| {
                        ui.add(egui::Label::new(c.as_str()).truncate());
                    });
                }
            });
        });
}

/// Which conversation table (tshark's `conv,KIND`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ConvTab {
    Ethernet,
    #[default]
    Ipv4,
    Ipv6,
    Tcp,
    Udp,
}

impl ConvTab {
    pub const ALL: [ConvTab; 5] = [
        ConvTab::Ethernet,
        ConvTab::Ipv4,
        ConvTab::Ipv6,
        ConvTab::Tcp,
        ConvTab::Udp,
    ];

    pub fn title(self) -> &'static str {
        match self {
            ConvTab::Ethernet => "Ethernet",
            ConvTab::Ipv4 => "IPv4",
            ConvTab::Ipv6 => "IPv6",
            ConvTab::Tcp => "TCP",
            ConvTab::Udp => "UDP",
        }
    }

    pub fn table(
        self,
        conv: &wirelens_dissect::flow::conv::ConvStats,
    ) -> &wirelens_dissect::flow::conv::ConvTable {
        match self {
            ConvTab::Ethernet => &conv.eth,
            ConvTab::Ipv4 => &conv.ipv4,
            ConvTab::Ipv6 => &conv.ipv6,
            ConvTab::Tcp => &conv.tcp,
            ConvTab::Udp => &conv.udp,
        }
    }

    pub fn has_ports(self) -> bool {
        matches!(self, ConvTab::Tcp | ConvTab::Udp)
    }

    /// Tabs as buttons; returns the one chosen.
    pub fn tabs(ui: &mut Ui, current: &mut ConvTab) {
        ui.horizontal(|ui| {
            for tab in ConvTab::ALL {
                ui.selectable_value(current, tab, tab.title());
            }
        });
    }
}

/// An endpoint as the tables show it: the address, and the port if any.
pub fn endpoint_text(ep: &wirelens_dissect::flow::Endpoint, ports: bool) -> String {
    if ports {
        format!("{}:{}", ep.addr, ep.port)
    } else {
        ep.addr.to_string()
    }
}
