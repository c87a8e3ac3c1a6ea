//! Driving the terminal UI in tests: an [`App`] on a corpus capture, drawn
//! into ratatui's `TestBackend`.
#![allow(dead_code)]

pub mod tmux;

use std::path::{Path, PathBuf};
use std::time::Duration;

use ratatui::backend::TestBackend;
use ratatui::buffer::Cell;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use wirelens::cli::OpenArgs;
use wirelens::tui::app::App;
use wirelens::tui::open_session;

/// A capture of the shared corpus (`../shared/captures` beside the repository).
pub fn corpus(rel: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/captures")
        .join(rel);
    assert!(
        path.exists(),
        "the shared capture corpus is missing: expected {} (clone the repository beside shared/)",
        path.display()
    );
    path
}

pub struct Ui {
    pub app: App,
    pub terminal: Terminal<TestBackend>,
}

impl Ui {
    pub fn open(rel: &str, width: u16, height: u16) -> Ui {
        Ui::open_with(&corpus(rel), &OpenArgs::default(), width, height)
    }

    /// Opens `path` as the command line `args` would (`-o`, `--tls-keylog`).
    pub fn open_with(path: &Path, args: &OpenArgs, width: u16, height: u16) -> Ui {
        let session = open_session(path, args).expect("the capture opens");
        let app = App::new(session, path, args.tls_keylog.clone());
        let terminal = Terminal::new(TestBackend::new(width, height)).expect("a test terminal");
        let mut ui = Ui { app, terminal };
        ui.settle();
        ui
    }

    pub fn draw(&mut self) {
        let app = &mut self.app;
        self.terminal.draw(|f| app.render(f)).expect("drawing");
    }

    /// Draws until loading, dissection and jobs are done and the screen is final.
    pub fn settle(&mut self) {
        for _ in 0..4 {
            self.draw();
            assert!(
                self.app.settle(Duration::from_secs(30)),
                "the UI did not become idle"
            );
        }
        self.draw();
    }

    pub fn key(&mut self, code: KeyCode) {
        self.app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
        self.settle();
    }

    pub fn ctrl(&mut self, c: char) {
        self.app
            .handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
        self.settle();
    }

    pub fn keys(&mut self, text: &str) {
        for c in text.chars() {
            self.app
                .handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
        self.settle();
    }

    pub fn resize(&mut self, width: u16, height: u16) {
        self.terminal.backend_mut().resize(width, height);
        self.terminal
            .resize(ratatui::layout::Rect::new(0, 0, width, height))
            .expect("resize");
        self.settle();
    }

    /// The screen, one string per line.
    pub fn lines(&self) -> Vec<String> {
        let buf = self.terminal.backend().buffer();
        (0..buf.area.height)
            .map(|y| {
                (0..buf.area.width)
                    .map(|x| buf[(x, y)].symbol())
                    .collect::<String>()
            })
            .collect()
    }

    pub fn text(&self) -> String {
        self.lines().join("\n")
    }

    /// The first line containing `needle`, and where in it (in columns).
    pub fn find(&self, needle: &str) -> Option<(u16, u16)> {
        self.lines().iter().enumerate().find_map(|(y, l)| {
            let at = l.find(needle)?;
            Some((l[..at].chars().count() as u16, y as u16))
        })
    }

    pub fn cell(&self, x: u16, y: u16) -> Cell {
        self.terminal.backend().buffer()[(x, y)].clone()
    }
}
