//! Every capture of the shared corpus, malformed ones included, through the
//! terminal UI: loaded, drawn, every tree opened, the last packet shown, the
//! statistics drawn, at a normal and at the smallest supported size.

mod common;

use std::path::PathBuf;

use common::{corpus, Ui};
use ratatui::crossterm::event::KeyCode;
use wirelens::cli::OpenArgs;

fn captures() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(corpus(""))
        .expect("the corpus")
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("an area of the corpus")
            .filter_map(|e| Some(e.ok()?.path()))
            .filter(|p| {
                matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("pcap" | "pcapng")
                )
            })
            .collect();
        files.sort();
        out.extend(files);
    }
    out
}

#[test]
fn every_corpus_capture_loads_and_draws() {
    let files = captures();
    assert!(files.len() >= 100, "the corpus: {} captures", files.len());
    let mut opened = 0;
    for file in &files {
        // A file that is not a capture at all is refused before the UI starts.
        if wirelens::tui::open_session(file, &OpenArgs::default()).is_err() {
            continue;
        }
        opened += 1;
        let mut ui = Ui::open_with(file, &OpenArgs::default(), 120, 40);
        let loaded = ui.app.session().len();
        let shown = ui.text();
        assert!(
            shown.contains(&format!("Packets: {loaded} shown / {loaded}")),
            "{}: {shown}",
            file.display()
        );
        ui.key(KeyCode::Tab);
        ui.key(KeyCode::Char('e'));
        ui.key(KeyCode::Char('G'));
        ui.key(KeyCode::Tab);
        ui.key(KeyCode::Char('l'));
        ui.key(KeyCode::BackTab);
        ui.key(KeyCode::BackTab);
        ui.key(KeyCode::Char('G'));
        if loaded > 0 {
            let d = ui
                .app
                .detail
                .packet
                .clone()
                .expect("the last packet's tree");
            assert_eq!(d.number, loaded, "{}", file.display());
        }
        ui.key(KeyCode::Char('s'));
        ui.key(KeyCode::Char('3'));
        ui.key(KeyCode::Esc);
        ui.resize(80, 24);
        assert!(ui.text().contains("Packets: "), "{}", file.display());
    }
    assert!(
        opened * 10 >= files.len() * 9,
        "{opened} of {} opened",
        files.len()
    );
}
