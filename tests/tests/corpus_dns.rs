//! DNS agreement with tshark over `shared/captures/dns` (issue 7), file by file.
//!
//! Each capture is printed as JSON and compared by `shared/tools/tshark-compare`
//! on protocol `dns`. DNS over TCP needs TCP stream reassembly, and one file
//! carries IP-fragmented responses that tshark reassembles; until both land,
//! the packets that need them (TCP, or IP fragments/reassembly in tshark's
//! tree) are left out of both documents before comparing, and the test says
//! how many. Every file must then reach 99.5 % agreement and 90 % coverage.

use std::process::Command;

use wirelens_tests::{captures, corpus_dir, sidecar, tshark_compare_tool, wirelens_print};

const MIN_AGREEMENT: f64 = 99.5;
const MIN_COVERAGE: f64 = 90.0;

/// Drops from both documents the packets whose truth needs TCP or IP reassembly.
const FILTER: &str = r#"
import json, sys
ours, truth, out_ours, out_truth = sys.argv[1:5]
class Obj(list):
    pass
def load(path):
    # tshark repeats keys inside one object: keep every pair.
    return json.load(open(path), object_pairs_hook=Obj)
def dump(node, out):
    if isinstance(node, Obj):
        out.append('{')
        for i, (k, v) in enumerate(node):
            out.append((',' if i else '') + json.dumps(k) + ':')
            dump(v, out)
        out.append('}')
    elif isinstance(node, list):
        out.append('[')
        for i, v in enumerate(node):
            if i:
                out.append(',')
            dump(v, out)
        out.append(']')
    else:
        out.append(json.dumps(node))
def layers(p):
    src = dict(p)['_source']
    return dict(src)['layers']
def needs_reassembly(p):
    names = [k for k, _ in layers(p)]
    out = []
    dump(layers(p), out)
    text = ''.join(out)
    return 'tcp' in names or '.fragments"' in text or 'reassembled_in' in text
a = load(ours); b = load(truth)
keep = [i for i, p in enumerate(b) if not needs_reassembly(p)]
for src, path in ((a, out_ours), (b, out_truth)):
    out = []
    dump([src[i] for i in keep], out)
    open(path, 'w').write(''.join(out))
print(len(b) - len(keep))
"#;

/// `total: coverage C% agreement A% over N truth values` -> (C, A, N).
fn totals(out: &str) -> Option<(f64, f64, f64)> {
    let line = out.lines().find(|l| l.starts_with("total:"))?;
    let words: Vec<&str> = line.split_whitespace().collect();
    let num = |w: &str| w.trim_end_matches('%').parse::<f64>().ok();
    Some((
        num(words.get(2)?)?,
        num(words.get(4)?)?,
        num(words.get(6)?)?,
    ))
}

#[test]
fn dns_fields_agree_with_tshark_on_every_dns_capture() {
    let dir = corpus_dir();
    let tool = tshark_compare_tool();
    let tmp = std::env::temp_dir().join(format!("wirelens-dns-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("temp dir");
    let mut failures = Vec::new();
    let (mut truth_sum, mut covered_sum, mut agreed_sum) = (0.0, 0.0, 0.0);
    for cap in captures(&dir, &[]).into_iter().filter(|c| {
        c.parent()
            .and_then(|p| p.file_name())
            .is_some_and(|n| n == "dns")
    }) {
        let truth = sidecar(&cap, "tshark.json");
        if !truth.is_file() {
            continue;
        }
        let path = cap.to_str().expect("utf-8 path");
        let (_, json) = wirelens_print(&[
            "-r",
            path,
            "-T",
            "json",
            "-o",
            "ip.check_checksum:FALSE",
            "-o",
            "tcp.check_checksum:FALSE",
            "-o",
            "udp.check_checksum:FALSE",
        ])
        .unwrap_or_else(|e| panic!("{}: {e}", cap.display()));
        let ours = tmp.join("ours.json");
        std::fs::write(&ours, &json).expect("write json");
        let (ours_f, truth_f) = (tmp.join("ours_f.json"), tmp.join("truth_f.json"));
        let filtered = Command::new("python3")
            .args(["-c", FILTER])
            .arg(&ours)
            .arg(&truth)
            .arg(&ours_f)
            .arg(&truth_f)
            .output()
            .expect("python3 is needed to run shared/tools/tshark-compare: install python3");
        assert!(
            filtered.status.success(),
            "{}",
            String::from_utf8_lossy(&filtered.stderr)
        );
        let left_out = String::from_utf8_lossy(&filtered.stdout).trim().to_string();
        let out = Command::new("python3")
            .arg(&tool)
            .arg(&ours_f)
            .arg(&truth_f)
            .args(["--proto", "dns", "--show", "5"])
            .output()
            .expect("run tshark-compare");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let name = cap.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        let Some((cov, agr, n)) = totals(&text) else {
            panic!("{name}: no totals in {text}");
        };
        println!("{name}: coverage {cov:.2}% agreement {agr:.2}% over {n} values ({left_out} packets needing reassembly left out)");
        if n == 0.0 {
            continue; // DNS over TCP only: nothing left to compare
        }
        truth_sum += n;
        covered_sum += n * cov / 100.0;
        agreed_sum += n * cov / 100.0 * agr / 100.0;
        if cov < MIN_COVERAGE || agr < MIN_AGREEMENT {
            failures.push(format!(
                "{name}: coverage {cov:.2}% agreement {agr:.2}%\n{text}"
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    println!(
        "dns corpus: coverage {:.2}% agreement {:.2}% over {truth_sum} values",
        100.0 * covered_sum / truth_sum.max(1.0),
        100.0 * agreed_sum / covered_sum.max(1.0)
    );
    assert!(failures.is_empty(), "below the bar: {failures:#?}");
}
