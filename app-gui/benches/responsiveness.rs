//! How the window responds on a big capture: the UI thread's time per frame
//! while the file loads and while jumps, filters and sorts run, and how long
//! each of those takes to show. Driven headless through egui_kittest (the
//! frame's layout and input handling, without a GPU).
//!
//! ```text
//! cargo run --release -p wirelens-samples --bin gen-capture -- --size 1G --out /tmp/wirelens-1g.pcap
//! WIRELENS_BENCH_FILE=/tmp/wirelens-1g.pcap cargo bench -p wirelens-gui --bench responsiveness
//! ```

use std::path::PathBuf;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use wirelens_gui::model::sort::{Column, SortOrder};
use wirelens_gui::model::Capture;
use wirelens_gui::WirelensApp;

/// Frame times of one phase.
#[derive(Default)]
struct Frames(Vec<Duration>);

impl Frames {
    fn summary(&mut self) -> String {
        if self.0.is_empty() {
            return "no frames".into();
        }
        self.0.sort();
        let at = |q: f64| self.0[((self.0.len() - 1) as f64 * q) as usize].as_secs_f64() * 1e3;
        format!(
            "{} frames, median {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            self.0.len(),
            at(0.5),
            at(0.99),
            at(1.0)
        )
    }
}

/// Steps frames until `done` holds; returns the time it took and the frames.
fn until(
    harness: &mut Harness<'_, WirelensApp>,
    mut done: impl FnMut(&mut WirelensApp) -> bool,
) -> (Duration, Frames) {
    let start = Instant::now();
    let mut frames = Frames::default();
    loop {
        let t = Instant::now();
        harness.step();
        frames.0.push(t.elapsed());
        if done(harness.state_mut()) {
            return (start.elapsed(), frames);
        }
        // About 120 frames a second at most, as a display would ask.
        std::thread::sleep(Duration::from_millis(8).saturating_sub(t.elapsed()));
    }
}

fn capture(app: &mut WirelensApp) -> &mut Capture {
    app.state.capture.as_mut().expect("the capture opened")
}

fn main() {
    let file = PathBuf::from(
        std::env::var_os("WIRELENS_BENCH_FILE").unwrap_or_else(|| "/tmp/wirelens-1g.pcap".into()),
    );
    if !file.is_file() {
        eprintln!(
            "{} is missing: make it with gen-capture (see the top of this file)",
            file.display()
        );
        std::process::exit(1);
    }
    // Page cache, as for the other benchmarks.
    let _ = std::fs::read(&file);
    let opened = Instant::now();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_ui_state(
            |ui, app: &mut WirelensApp| app.show(ui),
            WirelensApp::new(Some(file.clone())),
        );

    until(&mut harness, |app| {
        app.state.capture.as_ref().is_some_and(|c| c.has_row(1))
    });
    println!(
        "first rows on screen (from creating the app): {:.1} ms",
        opened.elapsed().as_secs_f64() * 1e3
    );

    let (load, mut frames) = until(&mut harness, |app| !capture(app).is_loading());
    let packets = capture(harness.state_mut()).session.len();
    println!(
        "load: {packets} packets in {:.2} s; frames while loading: {}",
        load.as_secs_f64(),
        frames.summary()
    );

    // Jump to the last packet: select it and scroll there.
    let t = Instant::now();
    capture(harness.state_mut()).select(packets);
    harness.state_mut().act(
        &egui::Context::default(),
        wirelens_gui::views::menu_bar::Action::GoToSelected,
    );
    let (_, mut frames) = until(&mut harness, |app| {
        let c = capture(app);
        c.detail.as_ref().is_some_and(|d| d.number == packets) && c.has_row(packets)
    });
    println!(
        "jump to the last packet (tree and row shown): {:.2} s; frames meanwhile: {}",
        t.elapsed().as_secs_f64(),
        frames.summary()
    );

    // A click on a row on screen, a few above the last: its tree was kept
    // with the rows.
    let t = Instant::now();
    capture(harness.state_mut()).select(packets - 5);
    until(&mut harness, |app| {
        capture(app)
            .detail
            .as_ref()
            .is_some_and(|d| d.number == packets - 5)
    });
    println!(
        "click on a row on screen: tree shown after {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );

    for filter in ["tcp.port == 443 && ip.src == 10.0.0.0/8", "dns"] {
        let t = Instant::now();
        capture(harness.state_mut())
            .apply_filter(filter)
            .expect("the filter compiles");
        let (_, mut frames) = until(&mut harness, |app| capture(app).filter.is_none());
        let shown = capture(harness.state_mut()).shown_len();
        println!(
            "filter {filter:?}: {shown} packets in {:.2} s; frames meanwhile: {}",
            t.elapsed().as_secs_f64(),
            frames.summary()
        );
    }
    capture(harness.state_mut())
        .apply_filter("")
        .expect("no filter");

    let t = Instant::now();
    capture(harness.state_mut()).start_sort(SortOrder {
        column: Column::Source,
        descending: false,
    });
    let (_, mut frames) = until(&mut harness, |app| !capture(app).is_sorting());
    println!(
        "sort {packets} packets by Source: {:.2} s; frames meanwhile: {}",
        t.elapsed().as_secs_f64(),
        frames.summary()
    );

    // Scrolling: a screenful further down each frame, rows dissected behind.
    let mut frames = Frames::default();
    harness.hover_at(egui::pos2(600.0, 200.0));
    for _ in 0..200 {
        let t = Instant::now();
        harness.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Page,
            delta: egui::vec2(0.0, -1.0),
            modifiers: egui::Modifiers::NONE,
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
        });
        harness.step();
        frames.0.push(t.elapsed());
    }
    println!("scrolling a page a frame: {}", frames.summary());
}
