//! Terminal UI benchmark: how long the user waits for the first screen and
//! how long each frame takes on a large capture.
//!
//! ```text
//! cargo run --release -p wirelens-samples --bin gen-capture -- --size 1G --out /tmp/wirelens-1g.pcap
//! WIRELENS_BENCH_FILE=/tmp/wirelens-1g.pcap cargo bench -p wirelens --bench tui
//! # skip the filter that re-dissects every packet: WIRELENS_BENCH_TREE_FILTER=0
//! ```
//!
//! The real [`App`] draws into ratatui's `TestBackend` at 160×48 (the same
//! widgets and the same work as on a terminal, without the terminal's own
//! output time). A frame is what the event loop does between two inputs:
//! handle the key, take in background results (`tick`), draw. Measured in
//! order, in one process:
//! - time to first screen: from opening the file until the first screen
//!   shows every row with its Info column and the first packet's tree;
//! - frames while the file loads, at the top and then following the tail;
//! - after loading: scrolling down row by row and page by page from the
//!   top, jumping to the end (the frame, then the wait until the rows and
//!   the tree there are dissected), scrolling up at the end;
//! - frames while a filter runs (over the index, then one that dissects
//!   every packet again), and the filter's duration.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use wirelens::cli::OpenArgs;
use wirelens::tui::app::App;
use wirelens::tui::open_session;

struct Ui {
    app: App,
    terminal: Terminal<TestBackend>,
}

impl Ui {
    /// One frame: the key (if any), background results, the draw.
    fn frame(&mut self, key: Option<KeyCode>) -> Duration {
        let t = Instant::now();
        if let Some(k) = key {
            self.app.handle_key(KeyEvent::new(k, KeyModifiers::NONE));
        }
        self.app.tick();
        let app = &mut self.app;
        self.terminal.draw(|f| app.render(f)).expect("draw");
        t.elapsed()
    }

    /// Frames until `done`, returning how long that took.
    fn frames_until(&mut self, done: impl Fn(&App) -> bool) -> Duration {
        let t = Instant::now();
        while !done(&self.app) {
            self.frame(None);
            std::thread::sleep(Duration::from_millis(1));
        }
        t.elapsed()
    }
}

/// Frame times of one scenario.
#[derive(Default)]
struct Frames(Vec<Duration>);

impl Frames {
    fn report(&mut self, what: &str) {
        self.0.sort_unstable();
        let n = self.0.len();
        if n == 0 {
            println!("{what:<58} no frames");
            return;
        }
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let at = |q: f64| self.0[((n as f64 * q) as usize).min(n - 1)];
        println!(
            "{what:<58} {n:>5} frames  median {:>7.2} ms  p99 {:>7.2} ms  max {:>7.2} ms",
            ms(at(0.5)),
            ms(at(0.99)),
            ms(self.0[n - 1])
        );
    }
}

fn keys(ui: &mut Ui, key: KeyCode, count: usize, what: &str) {
    let mut f = Frames::default();
    for _ in 0..count {
        f.0.push(ui.frame(Some(key)));
    }
    f.report(what);
}

fn filter(ui: &mut Ui, text: &str) {
    ui.frame(Some(KeyCode::Char('/')));
    ui.app.filter.edit.set("");
    for c in text.chars() {
        ui.frame(Some(KeyCode::Char(c)));
    }
    let t = Instant::now();
    let mut f = Frames::default();
    f.0.push(ui.frame(Some(KeyCode::Enter)));
    while !matches!(
        &ui.app.list.shown,
        wirelens::tui::views::packet_list::Shown::Filtered { text: t, .. } if t == text
    ) {
        f.0.push(ui.frame(None));
        std::thread::sleep(Duration::from_millis(16));
    }
    let took = t.elapsed();
    f.report(&format!("while filtering `{text}`"));
    let shown = ui.app.list.len(ui.app.session().len());
    println!(
        "{:<58} {:.2} s, {shown} packets match",
        "  filter run (Enter to the filtered list)",
        took.as_secs_f64()
    );
    ui.frames_until(App::screen_ready);
}

fn main() {
    let file = PathBuf::from(
        std::env::var_os("WIRELENS_BENCH_FILE").unwrap_or_else(|| "/tmp/wirelens-1g.pcap".into()),
    );
    if !file.is_file() {
        eprintln!("benchmark input {} is missing", file.display());
        std::process::exit(1);
    }
    let tree_filter = std::env::var("WIRELENS_BENCH_TREE_FILTER").map_or(true, |v| v != "0");
    // In the page cache, as the other benchmarks read it.
    let _ = std::fs::read(&file).map(|b| b.len());

    let t0 = Instant::now();
    let session = open_session(&file, &OpenArgs::default()).expect("open");
    let app = App::new(session, &file, None);
    let terminal = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
    let mut ui = Ui { app, terminal };
    ui.frame(None);
    let first_frame = t0.elapsed();
    ui.frames_until(|a| {
        a.screen_ready() && a.list.height > 0 && a.list.len(a.session().len()) >= a.list.height
    });
    let first_screen = t0.elapsed();
    println!(
        "file: {} ({} bytes)",
        file.display(),
        std::fs::metadata(&file).map_or(0, |m| m.len())
    );
    println!(
        "{:<58} {:.1} ms",
        "first frame drawn",
        first_frame.as_secs_f64() * 1e3
    );
    println!(
        "{:<58} {:.1} ms",
        "first screen complete (rows with Info, packet 1's tree)",
        first_screen.as_secs_f64() * 1e3
    );

    // While loading: a while at the top, then following the tail.
    let mut top = Frames::default();
    let loading_top_until = Instant::now() + Duration::from_secs(1);
    while Instant::now() < loading_top_until && !ui.app.session().progress().is_finished() {
        top.0.push(ui.frame(Some(KeyCode::Char('j'))));
        std::thread::sleep(Duration::from_millis(16));
    }
    top.report("loading: scrolling down at the top (j)");
    let mut tail = Frames::default();
    tail.0.push(ui.frame(Some(KeyCode::Char('G'))));
    while !ui.app.session().progress().is_finished() {
        tail.0.push(ui.frame(None));
        std::thread::sleep(Duration::from_millis(16));
    }
    tail.report("loading: following the tail (G)");
    let load = t0.elapsed();
    let packets = ui.app.session().len();
    println!(
        "{:<58} {:.2} s, {packets} packets",
        "loaded",
        load.as_secs_f64()
    );
    ui.frames_until(App::screen_ready);

    keys(&mut ui, KeyCode::Char('g'), 1, "loaded: to the top (g)");
    ui.frames_until(App::screen_ready);
    keys(
        &mut ui,
        KeyCode::Char('j'),
        500,
        "loaded: scrolling down row by row (j)",
    );
    ui.frames_until(App::screen_ready);
    keys(
        &mut ui,
        KeyCode::PageDown,
        200,
        "loaded: scrolling down page by page (PgDn)",
    );
    let t = Instant::now();
    ui.frames_until(App::screen_ready);
    println!(
        "{:<58} {:.1} ms",
        "  then until the rows and tree are dissected",
        t.elapsed().as_secs_f64() * 1e3
    );
    keys(
        &mut ui,
        KeyCode::Char('G'),
        1,
        "loaded: jump to the end (G), the frame",
    );
    let t = Instant::now();
    let mut waiting = Frames::default();
    while !ui.app.screen_ready() {
        waiting.0.push(ui.frame(None));
        std::thread::sleep(Duration::from_millis(16));
    }
    println!(
        "{:<58} {:.2} s",
        "  then until the rows and tree there are dissected",
        t.elapsed().as_secs_f64()
    );
    waiting.report("  frames meanwhile");
    keys(
        &mut ui,
        KeyCode::Char('k'),
        500,
        "loaded: scrolling up at the end (k)",
    );
    ui.frames_until(App::screen_ready);

    filter(&mut ui, "tcp.port == 443 && ip.src == 10.0.0.0/8");
    keys(
        &mut ui,
        KeyCode::PageDown,
        100,
        "filtered: scrolling down page by page",
    );
    ui.frames_until(App::screen_ready);
    if tree_filter {
        filter(
            &mut ui,
            "tcp.flags.syn == 1 && tcp.window_size_value > 1000",
        );
    }
}
