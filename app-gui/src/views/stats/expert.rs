//! Statistics › Expert Information (`tshark -z expert`).

use egui::Ui;
use wirelens_capture::session::Session;

pub fn show(ui: &mut Ui, session: &Session, cache: &mut super::TableCache) {
    let overflow = session.with_analysis(|a| a.expert.overflow);
    let rows = cache.rows(session, 0, || {
        session.with_analysis(|a| {
            let mut rows: Vec<_> = a.expert.rows().to_vec();
            rows.sort_by(|x, y| y.severity.cmp(&x.severity).then(y.count.cmp(&x.count)));
            let rows: Vec<Vec<String>> = rows
                .into_iter()
                .map(|r| {
                    vec![
                        r.severity.name().to_owned(),
                        r.group.name().to_owned(),
                        r.protocol.to_owned(),
                        r.message,
                        r.count.to_string(),
                    ]
                })
                .collect();
            rows
        })
    });
    if overflow.iter().any(|&n| n > 0) {
        ui.label(format!(
            "More distinct messages than the table keeps; not listed: {} chat, {} note, {} warning, {} error",
            overflow[0], overflow[1], overflow[2], overflow[3]
        ));
    }
    super::text_table(
        ui,
        "expert",
        &["Severity", "Group", "Protocol", "Summary", "Count"],
        rows,
    );
}
