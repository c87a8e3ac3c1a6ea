//! Statistics › Conversations (`tshark -z conv,KIND`).

use egui::Ui;
use wirelens_capture::session::Session;

use super::{endpoint_text, ConvTab};

pub fn show(ui: &mut Ui, session: &Session, tab: &mut ConvTab, cache: &mut super::TableCache) {
    ConvTab::tabs(ui, tab);
    let tab = *tab;
    let rows = cache.rows(session, tab as u8, || {
        session.with_analysis(|a| rows(a.state(), tab))
    });
    super::text_table(
        ui,
        "conversations",
        &[
            "Address A",
            "Address B",
            "Packets A→B",
            "Bytes A→B",
            "Packets B→A",
            "Bytes B→A",
            "Start",
            "Duration",
        ],
        rows,
    );
}

pub fn rows(state: &wirelens_dissect::flow::State, tab: ConvTab) -> Vec<Vec<String>> {
    let ports = tab.has_ports();
    tab.table(&state.conv)
        .sorted()
        .into_iter()
        .map(|r| {
            vec![
                endpoint_text(&r.a, ports),
                endpoint_text(&r.b, ports),
                r.tx_frames.to_string(),
                r.tx_bytes.to_string(),
                r.rx_frames.to_string(),
                r.rx_bytes.to_string(),
                format!("{:.6}", r.start.as_secs_f64()),
                format!("{:.6}", r.stop.as_secs_f64() - r.start.as_secs_f64()),
            ]
        })
        .collect()
}
