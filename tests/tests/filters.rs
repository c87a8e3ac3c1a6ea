//! Display filters against tshark: every expression of `tests/filters/conformance.tsv`
//! runs on its corpus capture and must select the frames tshark 4.0.17 selected
//! (stored once in `tests/filters/tshark_answers.tsv`, so tshark is not needed here).
//! Also: the error messages name the position of the problem.

use std::collections::BTreeMap;
use std::path::Path;

use wirelens_dissect::filter::{Filter, FilterError};
use wirelens_dissect::{Dissector, Packet, Prefs};
use wirelens_tests::corpus_dir;

/// Expressions known to select differently from tshark, with the reason.
const EXCEPTIONS: &[(&str, &str, &str)] = &[(
    "ipv6.src == ::1 && tcp",
    "ip/ipv6_frag_tcp.pcap",
    "IPv6 fragments are not reassembled yet: tshark finds TCP in the reassembled frame 3, wirelens shows data",
)];

fn tshark_prefs() -> Prefs {
    // tshark's defaults: no IP/TCP/UDP checksum verification.
    let mut p = Prefs::default();
    for o in [
        "ip.check_checksum:FALSE",
        "tcp.check_checksum:FALSE",
        "udp.check_checksum:FALSE",
    ] {
        p.set(o).expect("known preference");
    }
    p
}

/// Frame numbers of `file` that `filter` selects, dissecting with the tree only if the filter needs it.
fn select(file: &Path, filter: &Filter) -> Vec<u64> {
    let capture = wirelens::input::open(file).expect("open capture");
    let pcapng = matches!(capture.format(), wirelens_capture::FileFormat::PcapNg);
    let mut dissector = Dissector::new(tshark_prefs());
    let mut pkt = Packet::new(filter.needs_tree());
    let mut packets = capture.packets();
    let mut out = Vec::new();
    while let Some(Ok(frame)) = packets.next() {
        let meta = frame.meta(packets.interfaces(), pcapng);
        dissector.dissect(&meta, frame.data, &mut pkt);
        if filter.matches(&pkt, &meta, frame.data) {
            out.push(meta.number);
        }
    }
    out
}

fn read_table(name: &str) -> Vec<Vec<String>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("filters")
        .join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

#[test]
fn filters_select_the_same_frames_as_tshark() {
    let corpus = corpus_dir();
    let table = read_table("conformance.tsv");
    let answers: BTreeMap<(String, String), String> = read_table("tshark_answers.tsv")
        .into_iter()
        .map(|r| {
            (
                (r[0].clone(), r[1].clone()),
                r.get(2).cloned().unwrap_or_default(),
            )
        })
        .collect();
    assert!(
        table.len() >= 150,
        "the table has {} expressions",
        table.len()
    );
    let mut same = 0;
    let mut differ = Vec::new();
    for row in &table {
        let (expr, capture) = (&row[0], &row[1]);
        let expected = answers
            .get(&(expr.clone(), capture.clone()))
            .unwrap_or_else(|| panic!("no tshark answer for {expr:?} on {capture}"));
        let ours = match Filter::compile(expr) {
            Ok(f) => select(&corpus.join(capture), &f)
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(","),
            Err(e) => format!("ERROR {e}"),
        };
        if &ours == expected {
            same += 1;
        } else {
            differ.push((expr.clone(), capture.clone(), ours, expected.clone()));
        }
    }
    let total = table.len();
    println!("display filters: {same} of {total} expressions select the same frames as tshark");
    let mut unexplained = Vec::new();
    for (expr, capture, ours, theirs) in &differ {
        match EXCEPTIONS
            .iter()
            .find(|(e, c, _)| e == expr && c == capture)
        {
            Some((_, _, why)) => println!("  exception: {expr:?} on {capture}: {why}"),
            None => {
                println!("  DIFFERS: {expr:?} on {capture}\n    wirelens: {ours}\n    tshark:   {theirs}");
                unexplained.push(expr.clone());
            }
        }
    }
    assert!(
        unexplained.is_empty(),
        "{} expressions differ from tshark without a listed reason: {unexplained:?}",
        unexplained.len()
    );
    assert!(
        same * 100 >= total * 99,
        "only {same} of {total} expressions agree with tshark (need 99%)"
    );
}

fn error(filter: &str) -> FilterError {
    Filter::compile(filter).expect_err(filter)
}

#[test]
fn unknown_field_names_its_position_and_close_names() {
    let e = error("ip.src == 10.0.0.1 && tcp.prot == 80");
    assert_eq!(e.pos, 22);
    assert!(
        e.message
            .contains("\"tcp.prot\" is neither a field nor a protocol name"),
        "{}",
        e.message
    );
    assert!(e.message.contains("tcp.port"), "{}", e.message);
    assert_eq!(
        e.render("ip.src == 10.0.0.1 && tcp.prot == 80")
            .lines()
            .last(),
        Some("                          ^")
    );
    assert!(e.to_string().ends_with("(at column 23)"), "{e}");
}

#[test]
fn bad_values_name_their_position_and_type() {
    let e = error("ip.src == 10.0.0.300");
    assert_eq!(e.pos, 10);
    assert!(e.message.contains("FT_IPv4"), "{}", e.message);
    let e = error("tcp.port == http");
    assert_eq!(e.pos, 12);
    assert!(e.message.contains("FT_UINT16"), "{}", e.message);
    let e = error("eth.src == 00:11:22");
    assert_eq!(e.pos, 11);
    assert!(e.message.contains("six bytes"), "{}", e.message);
    let e = error("frame.time >= \"yesterday\"");
    assert_eq!(e.pos, 14);
    let e = error("tcp.analysis.retransmission == 1");
    assert_eq!(e.pos, 0);
    assert!(e.message.contains("presence"), "{}", e.message);
    let e = error("frame matches \"(\"");
    assert_eq!(e.pos, 14);
    let e = error("tcp.port contains 80");
    assert_eq!(e.pos, 0);
}

#[test]
fn unbalanced_parentheses_name_their_position() {
    let e = error("(tcp.port == 80 || udp");
    assert_eq!(e.pos, 0);
    assert!(
        e.message.contains("unbalanced parentheses"),
        "{}",
        e.message
    );
    let e = error("tcp.port == 80)");
    assert_eq!(e.pos, 14);
    assert!(
        e.message.contains("unbalanced parentheses"),
        "{}",
        e.message
    );
    let e = error("len(tcp.payload > 3");
    assert!(
        e.message.contains("unbalanced") || e.message.contains("expected"),
        "{}",
        e.message
    );
    let e = error("tcp.port in {80, 443");
    assert_eq!(e.pos, 12);
    let e = error("\"GET");
    assert_eq!(e.pos, 0);
}

#[test]
fn summary_only_filters_run_on_the_fast_path() {
    for f in [
        "tcp.port == 443 && ip.src == 10.0.0.0/8",
        "ip.addr == 192.168.0.0/16 || ipv6.addr == ::1",
        "!arp && udp.port in {53, 5353}",
        "eth.src[0:3] == 00:1b:21",
        "frame.len > 1000 && frame.number < 100",
        "tcp contains \"GET\"",
        // Expert items are recorded without the tree.
        "tcp.analysis.retransmission || tcp.analysis.zero_window",
    ] {
        assert!(!Filter::compile(f).expect(f).needs_tree(), "{f}");
    }
    for f in [
        "tcp.flags.syn == 1",
        "tcp.analysis.ack_rtt > 0.1",
        "ip.ttl < 64",
    ] {
        assert!(Filter::compile(f).expect(f).needs_tree(), "{f}");
    }
}

#[test]
fn xor_is_exclusive_or() {
    // tshark 4.0.17 has no `^^` (Wireshark 4.2 added it): checked against its expansion.
    let file = corpus_dir().join("mixed/http_get.pcap");
    let a = Filter::compile("tcp.flags.syn == 1 ^^ tcp.flags.ack == 1").expect("xor");
    let b = Filter::compile(
        "(tcp.flags.syn == 1 || tcp.flags.ack == 1) && !(tcp.flags.syn == 1 && tcp.flags.ack == 1)",
    )
    .expect("expansion");
    assert_eq!(select(&file, &a), select(&file, &b));
    assert!(!select(&file, &a).is_empty());
}

#[test]
fn print_and_write_only_matching_packets() {
    use wirelens_tests::wirelens_print;
    let source = corpus_dir().join("mixed/http_get.pcap");
    let src = source.to_str().expect("utf-8");
    // Fast path (summary lines) and tree path (-T fields) both filter.
    let (outcome, printed) = wirelens_print(&[
        "-r",
        src,
        "-Y",
        "tcp.flags.syn == 1 || eth.src[0:3] == 00:10:db",
    ])
    .expect("print -Y");
    let text = String::from_utf8(printed).expect("utf-8");
    let numbers: Vec<&str> = text
        .lines()
        .map(|l| l.split_whitespace().next().unwrap_or(""))
        .collect();
    assert_eq!(numbers, ["1", "2", "5", "6", "7", "8", "9", "13"], "{text}");
    assert_eq!(outcome.packets, 8);
    let (_, printed) = wirelens_print(&[
        "-r",
        src,
        "-Y",
        "tcp.port == 80 && tcp.len > 0",
        "-T",
        "fields",
        "-e",
        "frame.number",
    ])
    .expect("print -Y -T fields");
    assert_eq!(
        String::from_utf8(printed).expect("utf-8"),
        "4\n6\n7\n8\n9\n"
    );
    // -c counts matching packets, as tshark's does with -Y.
    let (_, printed) = wirelens_print(&[
        "-r",
        src,
        "-Y",
        "tcp.len > 0",
        "-c",
        "2",
        "-T",
        "fields",
        "-e",
        "frame.number",
    ])
    .expect("print -Y -c");
    assert_eq!(String::from_utf8(printed).expect("utf-8"), "4\n6\n");

    // -w writes only the matching packets.
    let target = std::env::temp_dir().join(format!("wirelens-filter-{}.pcap", std::process::id()));
    let tgt = target.to_str().expect("utf-8");
    let (outcome, _) = wirelens_print(&[
        "-r",
        src,
        "-Y",
        "tcp contains \"GET\"",
        "-w",
        tgt,
        "-F",
        "pcap",
    ])
    .expect("print -Y -w");
    assert_eq!(outcome.packets, 1);
    let written = wirelens::input::open(&target).expect("read back");
    let frames: Vec<usize> = written
        .packets()
        .map(|f| f.expect("frame").data.len())
        .collect();
    assert_eq!(frames, [202]);
    let _ = std::fs::remove_file(&target);

    // A bad filter is an error that shows where.
    let err = wirelens_print(&["-r", src, "-Y", "tcp.port == 80 && (udp"]).expect_err("unbalanced");
    assert!(err.contains("unbalanced parentheses"), "{err}");
    assert!(err.ends_with("                      ^"), "{err}");
}
