//! `wirelens print -w`: packets saved as pcap and pcapng read back identical.

use wirelens_capture::CaptureFile;
use wirelens_tests::{corpus_dir, wirelens_print};

fn frames(path: &std::path::Path) -> Vec<(String, Vec<u8>, u32)> {
    let file = CaptureFile::open(path).expect("open");
    file.packets()
        .map(|f| {
            let f = f.expect("frame");
            (f.ts.to_string(), f.data.to_vec(), f.orig_len)
        })
        .collect()
}

#[test]
fn saved_packets_read_back_identical_in_both_formats() {
    let source = corpus_dir().join("mixed/http_get.pcap");
    let tmp = std::env::temp_dir().join(format!("wirelens-write-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("temp dir");
    let original = frames(&source);
    assert_eq!(original.len(), 14);
    for (format, name) in [("pcap", "out.pcap"), ("pcapng", "out.pcapng")] {
        let target = tmp.join(name);
        let (outcome, printed) = wirelens_print(&[
            "-r",
            source.to_str().expect("utf-8"),
            "-w",
            target.to_str().expect("utf-8"),
            "-F",
            format,
        ])
        .expect("print -w");
        assert_eq!(outcome.packets, 14);
        assert!(printed.is_empty(), "-w prints no packets");
        assert_eq!(frames(&target), original, "{format} copy");
    }
    // -c limits what is saved.
    let target = tmp.join("first3.pcapng");
    wirelens_print(&[
        "-r",
        source.to_str().expect("utf-8"),
        "-c",
        "3",
        "-w",
        target.to_str().expect("utf-8"),
    ])
    .expect("print -c -w");
    assert_eq!(frames(&target), original[..3]);
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn mixed_link_types_cannot_be_saved_as_pcap() {
    let source = corpus_dir().join("formats/pcapng_multi_section.pcapng");
    let target = std::env::temp_dir().join(format!("wirelens-mixed-{}.pcap", std::process::id()));
    let err = wirelens_print(&[
        "-r",
        source.to_str().expect("utf-8"),
        "-w",
        target.to_str().expect("utf-8"),
        "-F",
        "pcap",
    ])
    .expect_err("pcap holds one link type");
    assert!(err.contains("save as pcapng instead"), "{err}");
    assert!(!target.exists(), "nothing is left behind");
}
