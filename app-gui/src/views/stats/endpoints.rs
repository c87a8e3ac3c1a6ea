//! Statistics › Endpoints (`tshark -z endpoints,KIND`), derived from the
//! conversation tables as `wirelens stats endpoints` does.

use egui::Ui;
use wirelens::commands::stats::endpoints;
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
        "endpoints",
        &[
            "Address",
            "Packets",
            "Bytes",
            "Tx packets",
            "Tx bytes",
            "Rx packets",
            "Rx bytes",
        ],
        rows,
    );
}

pub fn rows(state: &wirelens_dissect::flow::State, tab: ConvTab) -> Vec<Vec<String>> {
    let ports = tab.has_ports();
    endpoints(tab.table(&state.conv))
        .into_iter()
        .map(|(ep, r)| {
            vec![
                endpoint_text(&ep, ports),
                (r.tx_frames + r.rx_frames).to_string(),
                (r.tx_bytes + r.rx_bytes).to_string(),
                r.tx_frames.to_string(),
                r.tx_bytes.to_string(),
                r.rx_frames.to_string(),
                r.rx_bytes.to_string(),
            ]
        })
        .collect()
}
