//! TCP analysis against tshark: for every corpus capture with a
//! `.tcpanalysis.tsv` (tshark's `-T fields` of the stream index, bytes in flight,
//! ACK RTT and the retransmission / duplicate-ACK / out-of-order flags), the same
//! `wirelens print -T fields` command gives the same table. The test prints the
//! per-field agreement over all packets and fails below 99.5 %.

use wirelens_tests::{captures, corpus_dir, sidecar, wirelens_print};

const FIELDS: [&str; 7] = [
    "frame.number",
    "tcp.stream",
    "tcp.analysis.bytes_in_flight",
    "tcp.analysis.ack_rtt",
    "tcp.analysis.retransmission",
    "tcp.analysis.duplicate_ack",
    "tcp.analysis.out_of_order",
];

#[test]
fn stream_index_and_analysis_flags_agree_with_tshark() {
    let dir = corpus_dir();
    let mut files = 0;
    let mut cells = [0usize; FIELDS.len()];
    let mut agree = [0usize; FIELDS.len()];
    let mut examples = Vec::new();
    for cap in captures(&dir, &[]) {
        let truth = sidecar(&cap, "tcpanalysis.tsv");
        if !truth.is_file() {
            continue;
        }
        files += 1;
        let mut args = vec!["-r", cap.to_str().expect("utf-8"), "-T", "fields"];
        for f in FIELDS {
            args.extend(["-e", f]);
        }
        args.extend(["-E", "header=y", "-E", "separator=/t"]);
        let (_, out) = wirelens_print(&args).unwrap_or_else(|e| panic!("{}: {e}", cap.display()));
        let ours = String::from_utf8(out).expect("utf-8 output");
        let truth = std::fs::read_to_string(&truth).expect("read truth");
        let (ours, truth): (Vec<&str>, Vec<&str>) =
            (ours.lines().collect(), truth.lines().collect());
        assert_eq!(ours.first(), truth.first(), "{}: header", cap.display());
        // A file tshark reads further than we do (or the reverse) counts every missing row as wrong.
        for i in 1..truth.len().max(ours.len()) {
            let t: Vec<&str> = truth
                .get(i)
                .map(|l| l.split('\t').collect())
                .unwrap_or_default();
            let o: Vec<&str> = ours
                .get(i)
                .map(|l| l.split('\t').collect())
                .unwrap_or_default();
            for (k, _) in FIELDS.iter().enumerate() {
                cells[k] += 1;
                let (tv, ov) = (
                    t.get(k).copied().unwrap_or(""),
                    o.get(k).copied().unwrap_or(""),
                );
                if tv == ov {
                    agree[k] += 1;
                } else if examples.len() < 10 {
                    examples.push(format!(
                        "{} frame {i} {}: tshark {tv:?} ours {ov:?}",
                        cap.display(),
                        FIELDS[k]
                    ));
                }
            }
        }
    }
    assert!(
        files >= 40,
        "expected the corpus's tcpanalysis files, found {files}"
    );
    println!("{files} captures");
    for (k, f) in FIELDS.iter().enumerate() {
        println!(
            "{f:<32} {:>6} packets {:>7.3}% agree",
            cells[k],
            100.0 * agree[k] as f64 / cells[k] as f64
        );
    }
    for e in &examples {
        println!("  {e}");
    }
    for (k, f) in FIELDS.iter().enumerate() {
        let pct = 100.0 * agree[k] as f64 / cells[k] as f64;
        assert!(pct >= 99.5, "{f}: {pct:.3}% agreement with tshark");
    }
}
