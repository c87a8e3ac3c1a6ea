//! Statistics › Protocol Hierarchy (`tshark -z io,phs`).

use egui::Ui;
use wirelens_capture::session::stats::PhsNode;
use wirelens_capture::session::Session;

pub fn show(ui: &mut Ui, session: &Session, cache: &mut super::TableCache) {
    let rows = cache.rows(session, 0, || rows(session));
    super::text_table(
        ui,
        "hierarchy",
        &["Protocol", "% Packets", "Packets", "% Bytes", "Bytes"],
        rows,
    );
}

fn rows(session: &Session) -> Vec<Vec<String>> {
    let (roots, total) = session.with_analysis(|a| {
        let roots = a.hierarchy();
        let total: (u64, u64) = roots
            .iter()
            .fold((0, 0), |t, n| (t.0 + n.frames, t.1 + n.bytes));
        (roots, total)
    });
    let mut rows = Vec::new();
    for r in &roots {
        flatten(r, 0, total, &mut rows);
    }
    rows
}

/// One row per node, indented by depth, in tree order.
pub fn flatten(node: &PhsNode, depth: usize, total: (u64, u64), out: &mut Vec<Vec<String>>) {
    let pct = |n: u64, of: u64| {
        if of == 0 {
            "0.0".to_owned()
        } else {
            format!("{:.1}", n as f64 * 100.0 / of as f64)
        }
    };
    out.push(vec![
        format!("{}{}", "  ".repeat(depth), node.proto),
        pct(node.frames, total.0),
        node.frames.to_string(),
        pct(node.bytes, total.1),
        node.bytes.to_string(),
    ]);
    for c in &node.children {
        flatten(c, depth + 1, total, out);
    }
}
