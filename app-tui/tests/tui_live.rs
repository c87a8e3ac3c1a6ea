//! The terminal UI's live mode without an interface: a capture feed whose
//! file is a corpus capture, followed as a live capture's file is. (The
//! real capture in the UI is tested in live_capture.rs, in namespaces.)

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use wirelens::tui::app::App;
use wirelens::tui::live::{LiveCounts, LiveFeed};
use wirelens_capture::session::{Config, Session};

use common::corpus;

/// A capture that has written `packets` and stops when asked.
struct Feed {
    packets: u64,
    stopped: Arc<AtomicBool>,
}

impl LiveFeed for Feed {
    fn counts(&self) -> LiveCounts {
        LiveCounts {
            interfaces: "veth0".into(),
            captured: self.packets,
            dropped_by_kernel: 2,
            dropped_by_interface: 0,
            dropped_by_queue: 1,
        }
    }

    fn is_finished(&self) -> bool {
        self.stopped.load(Ordering::Relaxed)
    }

    fn stop(&mut self) -> Result<(), String> {
        self.stopped.store(true, Ordering::Relaxed);
        Ok(())
    }
}

fn text(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    let width = buffer.area.width as usize;
    buffer
        .content
        .chunks(width)
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>() + "\n")
        .collect()
}

#[test]
fn live_counters_show_and_ctrl_e_stops_the_capture() {
    let path = corpus("mixed/http_get.pcap");
    let session = Session::follow(&path, Config::default()).expect("the capture opens");
    let stopped = Arc::new(AtomicBool::new(false));
    let feed = Feed {
        packets: 14,
        stopped: Arc::clone(&stopped),
    };
    let mut app = App::new(session, &path, None).with_live(Box::new(feed));
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("a test terminal");
    // A followed file keeps loading until the capture stops: wait for its
    // 14 packets on screen rather than for the end of loading.
    let start = Instant::now();
    let screen = loop {
        app.tick();
        terminal.draw(|f| app.render(f)).expect("drawing");
        let screen = text(&terminal);
        if screen.contains("14 shown / 14") && screen.contains("FIN, ACK") {
            break screen;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "never loaded:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(5));
    };
    assert!(
        screen.contains(
            "● Live on veth0: 14 captured, 0/s, dropped 2 kernel · 0 interface · 1 queue"
        ),
        "{screen}"
    );
    assert!(app.session().is_following());
    // Following the tail: the last packet is the selected one.
    assert!(screen.contains("Packet 14"), "{screen}");

    app.handle_key(KeyEvent::new(KeyCode::Char('e'), KeyModifiers::CONTROL));
    assert!(stopped.load(Ordering::Relaxed), "Ctrl-E stops the capture");
    assert!(
        !app.session().is_following(),
        "the session loads the rest as a file"
    );
    assert!(
        app.settle(Duration::from_secs(30)),
        "loading ends once stopped"
    );
    terminal.draw(|f| app.render(f)).expect("drawing");
    let screen = text(&terminal);
    assert!(
        screen.contains(
            "Capture on veth0 stopped: 14 captured, dropped 2 kernel · 0 interface · 1 queue"
        ),
        "{screen}"
    );
    assert!(screen.contains("capture stopped"), "{screen}");
    assert!(!screen.contains("Loading"), "{screen}");
}
