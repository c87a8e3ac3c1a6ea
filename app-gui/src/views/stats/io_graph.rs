//! Statistics › I/O Graph: packets or bytes per interval, for all packets
//! and for any number of filtered series, each computed off the UI thread
//! (the unfiltered one from the index, a filtered one with the session's
//! parallel filter, then bucketed by the index's times).

use std::sync::Arc;

use egui::{TextEdit, Ui};
use egui_plot::{Legend, Line, Plot};
use wirelens_capture::session::filter::FilterControl;
use wirelens_capture::session::stats::io_series;
use wirelens_capture::session::Session;
use wirelens_dissect::filter::Filter;

use crate::model::job::{Job, Notify};
use crate::views::plot_data::downsample;

/// Intervals offered, in seconds.
pub const INTERVALS: [f64; 5] = [0.001, 0.01, 0.1, 1.0, 10.0];

/// Packets and bytes per interval of one series.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Buckets {
    /// The asked interval, or a wider one when the capture is far longer
    /// (see `MAX_IO_BUCKETS`).
    pub interval_ns: u64,
    pub frames: Vec<u64>,
    pub bytes: Vec<u64>,
}

/// One line of the graph: a filter (empty: all packets) and its counts.
pub struct Series {
    pub filter: String,
    pub error: Option<String>,
    job: Option<Job<Result<Buckets, String>>>,
    pub buckets: Option<Buckets>,
    /// The buckets as plot points (packets, bytes), made once per result.
    points: [Vec<[f64; 2]>; 2],
}

impl Series {
    fn new(filter: &str) -> Self {
        Series {
            filter: filter.to_owned(),
            error: None,
            job: None,
            buckets: None,
            points: [Vec::new(), Vec::new()],
        }
    }
}

/// The graph's settings and series.
pub struct IoGraph {
    pub interval: f64,
    pub bytes: bool,
    pub series: Vec<Series>,
    pub new_filter: String,
    /// Packets loaded when the series were last computed.
    computed_for: Option<(u64, f64)>,
}

impl Default for IoGraph {
    fn default() -> Self {
        IoGraph {
            interval: 1.0,
            bytes: false,
            series: vec![Series::new("")],
            new_filter: String::new(),
            computed_for: None,
        }
    }
}

impl IoGraph {
    pub fn is_running(&mut self) -> bool {
        self.series
            .iter_mut()
            .any(|s| s.job.as_mut().is_some_and(Job::is_running))
    }

    /// Adds a filtered series.
    pub fn add(&mut self, filter: &str) -> Result<(), String> {
        Filter::compile(filter).map_err(|e| e.message)?;
        self.series.push(Series::new(filter));
        self.computed_for = None;
        Ok(())
    }

    /// Starts computing every series again when the interval or the
    /// number of loaded packets changed.
    pub fn refresh(&mut self, session: &Arc<Session>, notify: &Notify) {
        let key = (session.len(), self.interval);
        if self.computed_for == Some(key) || self.is_running() {
            return;
        }
        self.computed_for = Some(key);
        let interval_ns = (self.interval * 1e9) as u64;
        for s in &mut self.series {
            let session = Arc::clone(session);
            let filter = s.filter.clone();
            s.job = Some(Job::spawn("wirelens-gui-io", notify.clone(), move || {
                compute(&session, &filter, interval_ns)
            }));
        }
    }

    fn collect(&mut self) {
        for s in &mut self.series {
            if let Some(result) = s.job.as_mut().and_then(Job::take) {
                s.job = None;
                match result.and_then(|r| r) {
                    Ok(b) => {
                        let interval = b.interval_ns as f64 / 1e9;
                        let points = |v: &[u64]| -> Vec<[f64; 2]> {
                            v.iter()
                                .enumerate()
                                .map(|(i, n)| [i as f64 * interval, *n as f64])
                                .collect()
                        };
                        s.points = [points(&b.frames), points(&b.bytes)];
                        s.buckets = Some(b);
                        s.error = None;
                    }
                    Err(e) => s.error = Some(e),
                }
            }
        }
    }
}

/// The buckets of one series.
pub fn compute(session: &Session, filter: &str, interval_ns: u64) -> Result<Buckets, String> {
    let index = session.snapshot();
    let all = io_series(&index, interval_ns);
    if filter.trim().is_empty() {
        return Ok(Buckets {
            interval_ns: all.interval_ns,
            frames: all.frames,
            bytes: all.bytes,
        });
    }
    let compiled = Filter::compile(filter).map_err(|e| e.message)?;
    let outcome = session.filter(&compiled, &FilterControl::default());
    let first = index.get(1).map(|e| e.ts().as_nanos()).unwrap_or(0);
    let n = all.frames.len();
    let mut out = Buckets {
        interval_ns: all.interval_ns,
        frames: vec![0; n],
        bytes: vec![0; n],
    };
    for number in outcome.matches {
        let Some(e) = index.get(number) else {
            continue;
        };
        let rel = (e.ts().as_nanos() - first).max(0) as u128;
        let i = (rel / u128::from(all.interval_ns)) as usize;
        if let (Some(f), Some(b)) = (out.frames.get_mut(i), out.bytes.get_mut(i)) {
            *f += 1;
            *b += u64::from(e.orig_len);
        }
    }
    Ok(out)
}

pub fn show(ui: &mut Ui, graph: &mut IoGraph, session: &Arc<Session>, notify: &Notify) {
    graph.collect();
    graph.refresh(session, notify);
    ui.horizontal(|ui| {
        ui.label("Interval:");
        for i in INTERVALS {
            ui.selectable_value(&mut graph.interval, i, format!("{i} s"));
        }
        ui.separator();
        ui.selectable_value(&mut graph.bytes, false, "Packets");
        ui.selectable_value(&mut graph.bytes, true, "Bytes");
    });
    ui.horizontal(|ui| {
        let label = ui.label("Add series:");
        ui.add(
            TextEdit::singleline(&mut graph.new_filter)
                .hint_text("display filter")
                .desired_width(240.0),
        )
        .labelled_by(label.id);
        if ui.button("Add").clicked() {
            let text = graph.new_filter.trim().to_owned();
            match graph.add(&text) {
                Ok(()) => graph.new_filter.clear(),
                Err(e) => graph.new_filter = format!("{text}  ← {e}"),
            }
        }
    });
    for s in &graph.series {
        if let Some(e) = &s.error {
            ui.colored_label(ui.visuals().error_fg_color, format!("{}: {e}", s.filter));
        }
    }
    let bytes = graph.bytes;
    Plot::new("io_graph")
        .legend(Legend::default())
        .x_axis_label("time (s)")
        .y_axis_label(if bytes {
            "bytes / interval"
        } else {
            "packets / interval"
        })
        .height(ui.available_height().max(200.0))
        .show(ui, |plot| {
            let bounds = plot.plot_bounds();
            let columns = plot.response().rect.width().max(1.0) as usize;
            for s in &graph.series {
                if s.buckets.is_none() {
                    continue;
                }
                let points = downsample(
                    &s.points[usize::from(bytes)],
                    bounds.min()[0],
                    bounds.max()[0],
                    columns,
                );
                let name = if s.filter.is_empty() {
                    "all packets".to_owned()
                } else {
                    s.filter.clone()
                };
                plot.line(Line::new(name, points));
            }
        });
}
