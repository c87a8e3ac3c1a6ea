//! Statistics › Flows: the per-flow metrics of `wirelens flows` (Zeek's
//! conn.log fields plus TCP analysis), computed by the same code on a
//! background thread, with full retention.

use std::path::PathBuf;

use egui::Ui;
use serde_json::Value;
use wirelens::cli::{FlowsArgs, FlowsFormat};

use crate::model::job::{Job, Notify};

/// Columns shown: (title, JSON key).
pub const COLUMNS: [(&str, &str); 12] = [
    ("Originator", "id.orig_h"),
    ("Port", "id.orig_p"),
    ("Responder", "id.resp_h"),
    ("Port", "id.resp_p"),
    ("Proto", "proto"),
    ("Service", "service"),
    ("Duration", "duration"),
    ("Orig bytes", "orig_bytes"),
    ("Resp bytes", "resp_bytes"),
    ("State", "conn_state"),
    ("History", "history"),
    ("RTT avg", "rtt_avg"),
];

/// The flow report of a file: its NDJSON text and the parsed flows.
pub struct FlowReport {
    pub ndjson: Vec<u8>,
    pub flows: Vec<Value>,
}

pub struct FlowTable {
    job: Option<Job<Result<FlowReport, String>>>,
    pub result: Option<Result<FlowReport, String>>,
}

/// Runs `wirelens flows` on `path` (with the TLS key log, if any).
pub fn report(path: PathBuf, tls_keylog: Option<PathBuf>) -> Result<FlowReport, String> {
    let args = FlowsArgs {
        file: path,
        format: FlowsFormat::Ndjson,
        display_filter: None,
        tls_keylog,
    };
    let mut ndjson = Vec::new();
    wirelens::commands::flows::run(&args, &mut ndjson).map_err(|e| e.0)?;
    let flows = ndjson
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).map_err(|e| e.to_string()))
        .collect::<Result<Vec<Value>, String>>()?;
    Ok(FlowReport { ndjson, flows })
}

impl FlowTable {
    pub fn start(path: PathBuf, tls_keylog: Option<PathBuf>, notify: Notify) -> Self {
        FlowTable {
            job: Some(Job::spawn("wirelens-gui-flows", notify, move || {
                report(path, tls_keylog)
            })),
            result: None,
        }
    }

    pub fn is_running(&mut self) -> bool {
        if let Some(r) = self.job.as_mut().and_then(Job::take) {
            self.job = None;
            self.result = Some(r.and_then(|r| r));
        }
        self.job.is_some()
    }
}

/// A JSON value as a cell: strings bare, numbers as they are, seconds to µs.
pub fn cell(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) if n.is_f64() => format!("{:.6}", n.as_f64().unwrap_or(0.0)),
        Some(v) => v.to_string(),
    }
}

pub fn show(ui: &mut Ui, table: &mut FlowTable) {
    table.is_running();
    let report = match &table.result {
        None => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Computing the flows…");
            });
            return;
        }
        Some(Err(e)) => {
            ui.colored_label(ui.visuals().error_fg_color, e);
            return;
        }
        Some(Ok(r)) => r,
    };
    ui.label(format!("{} flows", report.flows.len()));
    let rows: Vec<Vec<String>> = report
        .flows
        .iter()
        .map(|f| COLUMNS.iter().map(|(_, key)| cell(f.get(*key))).collect())
        .collect();
    let titles: Vec<&str> = COLUMNS.iter().map(|(t, _)| *t).collect();
    super::stats::text_table(ui, "flows", &titles, &rows);
}
