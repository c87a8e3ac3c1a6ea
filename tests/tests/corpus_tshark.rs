//! Field-by-field agreement with tshark over the shared corpus (issue: the core).
//!
//! For every capture outside `malformed/` that has tshark's JSON, wirelens's
//! `print -T json` is compared with it by `shared/tools/tshark-compare` for the
//! L2–L4 protocols. The test aggregates the per-file numbers over the corpus and
//! fails below 99.5 % agreement or 90 % coverage.
//!
//! `frame.protocols` is reported but held out of the bar: tshark's chain names the
//! application protocols (`…:tcp:ssh`, `…:udp:dns`), whose dissectors are later
//! work; until they land, wirelens ends the chain in `data`, which is what it
//! dissected. The test prints the agreement with and without it.
//!
//! tshark's JSON was produced with tshark's defaults, which do not verify the
//! IPv4, TCP and UDP checksums (status 2, "unverified"); wirelens verifies them by
//! default, so the comparison runs with those checks off (`-o *.check_checksum:FALSE`).

use std::collections::BTreeMap;
use std::process::Command;

use wirelens_tests::{captures, corpus_dir, sidecar, tshark_compare_tool, wirelens_print};

const PROTOS: &str = "frame,eth,vlan,arp,ip,ipv6,icmp,icmpv6,tcp,udp,vxlan,sll";
const MIN_AGREEMENT: f64 = 99.5;
const MIN_COVERAGE: f64 = 90.0;

/// The field held out of the bar, and why (see the module comment).
const HELD_OUT: &str = "frame.protocols";

/// Files that stay below the bar on their own, and why. Every file below the bar
/// must be named here, so a regression cannot hide in the corpus total.
const BELOW_BAR: &[(&str, &str)] = &[
    ("formats/pcap_empty.pcap", "no packets: nothing to compare"),
    (
        "formats/pcapng_empty.pcapng",
        "no packets: nothing to compare",
    ),
    (
        "wifi/radiotap_qos_data_dns.pcap",
        "802.11/radiotap link layer comes with its own issue",
    ),
];

#[derive(Default, Debug, Clone, Copy)]
struct Counts {
    truth: f64,
    covered: f64,
    agreed: f64,
}

/// Parses `mismatch NAME: Nx, ...` lines: how often the named field disagreed.
fn mismatches(out: &str, name: &str) -> f64 {
    let prefix = format!("  mismatch {name}: ");
    out.lines()
        .filter_map(|l| l.strip_prefix(&prefix))
        .filter_map(|rest| rest.split('x').next())
        .filter_map(|n| n.parse::<f64>().ok())
        .sum()
}

/// Parses the per-protocol table the tool prints: `proto truth coverage% agreement%`.
fn parse_table(out: &str) -> BTreeMap<String, Counts> {
    let mut table = BTreeMap::new();
    for line in out.lines() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.len() != 4 || cols[0] == "proto" {
            continue;
        }
        let (Ok(t), Ok(c), Ok(a)) = (
            cols[1].parse::<f64>(),
            cols[2].parse::<f64>(),
            cols[3].parse::<f64>(),
        ) else {
            continue;
        };
        let covered = (t * c / 100.0).round();
        table.insert(
            cols[0].to_string(),
            Counts {
                truth: t,
                covered,
                agreed: (covered * a / 100.0).round(),
            },
        );
    }
    table
}

#[test]
fn l2_l4_fields_agree_with_tshark_over_the_corpus() {
    let dir = corpus_dir();
    let tool = tshark_compare_tool();
    let tmp = std::env::temp_dir().join(format!("wirelens-corpus-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("temp dir");
    let mut total: BTreeMap<String, Counts> = BTreeMap::new();
    let mut per_file = Vec::new();
    // Values of the held-out field; `agreed` counts its mismatches negatively.
    let mut held_out = Counts::default();
    for cap in captures(&dir, &["malformed"]) {
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
        let out = Command::new("python3")
            .arg(&tool)
            .arg(&ours)
            .arg(&truth)
            .args(["--proto", PROTOS, "--show", "1000"])
            .output()
            .expect("python3 is needed to run shared/tools/tshark-compare: install python3");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "tshark-compare failed on {}: {}{}",
            cap.display(),
            text,
            String::from_utf8_lossy(&out.stderr)
        );
        let table = parse_table(&text);
        let truth_text = std::fs::read_to_string(&truth).expect("read truth");
        let held_values = truth_text.matches(&format!("\"{HELD_OUT}\"")).count() as f64;
        let held_wrong = mismatches(&text, HELD_OUT);
        held_out.truth += held_values;
        held_out.agreed -= held_wrong;
        let mut file_sum = Counts::default();
        for (proto, c) in &table {
            let t = total.entry(proto.clone()).or_default();
            t.truth += c.truth;
            t.covered += c.covered;
            t.agreed += c.agreed;
            file_sum.truth += c.truth;
            file_sum.covered += c.covered;
            file_sum.agreed += c.agreed;
        }
        // Per file, the bar is judged without the held-out field too.
        file_sum.truth -= held_values;
        file_sum.covered -= held_values;
        file_sum.agreed -= held_values - held_wrong;
        per_file.push((
            cap.strip_prefix(&dir).unwrap_or(&cap).display().to_string(),
            file_sum,
        ));
    }
    let _ = std::fs::remove_dir_all(&tmp);

    println!(
        "{:<12}{:>10}{:>11}{:>12}",
        "proto", "truth", "coverage%", "agreement%"
    );
    let mut sum = Counts::default();
    for (proto, c) in &total {
        println!(
            "{:<12}{:>10}{:>11.2}{:>12.2}",
            proto,
            c.truth,
            100.0 * c.covered / c.truth,
            if c.covered > 0.0 {
                100.0 * c.agreed / c.covered
            } else {
                0.0
            }
        );
        sum.truth += c.truth;
        sum.covered += c.covered;
        sum.agreed += c.agreed;
    }
    let coverage = 100.0 * sum.covered / sum.truth;
    let agreement_all = 100.0 * sum.agreed / sum.covered;
    println!(
        "corpus, every field: coverage {coverage:.2}% agreement {agreement_all:.2}% over {} truth values",
        sum.truth
    );
    // We emit the held-out field in every packet, so all its truth values are covered.
    let covered = sum.covered - held_out.truth;
    let agreed = sum.agreed - (held_out.truth + held_out.agreed);
    let agreement = 100.0 * agreed / covered;
    println!(
        "corpus without {HELD_OUT} ({} values, {} disagreeing): agreement {agreement:.2}%",
        held_out.truth, -held_out.agreed
    );
    println!("files below the bar on their own (without {HELD_OUT}):");
    let mut unexplained = Vec::new();
    for (name, c) in &per_file {
        let cov = 100.0 * c.covered / c.truth.max(1.0);
        let agr = 100.0 * c.agreed / c.covered.max(1.0);
        if cov < MIN_COVERAGE || agr < MIN_AGREEMENT {
            match BELOW_BAR.iter().find(|(f, _)| f == name) {
                Some((_, why)) => {
                    println!("  {name}: coverage {cov:.2}% agreement {agr:.2}% ({why})")
                }
                None => unexplained.push(format!("{name}: coverage {cov:.2}% agreement {agr:.2}%")),
            }
        }
    }
    assert!(
        unexplained.is_empty(),
        "files below the bar with no reason given: {unexplained:#?}"
    );
    assert!(
        agreement >= MIN_AGREEMENT && coverage >= MIN_COVERAGE,
        "corpus agreement {agreement:.2}% (min {MIN_AGREEMENT}) coverage {coverage:.2}% (min {MIN_COVERAGE})"
    );
}
