//! Mutation tests of the capture readers, the display-filter compiler and the
//! whole pipeline (a capture file in, every view out), the stable-toolchain
//! fallback of the fuzz targets `capture_file`, `filter` and `pipeline`.

use std::path::Path;
use std::sync::OnceLock;

use wirelens::fuzz;
use wirelens_samples::seeds::{collect, Seeds};
use wirelens_tests::corpus_dir;
use wirelens_tests::mutate::{cases, check};

fn seeds() -> &'static Seeds {
    static SEEDS: OnceLock<Seeds> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/captures");
        let filters = Path::new(env!("CARGO_MANIFEST_DIR")).join("filters/conformance.tsv");
        collect(&[&corpus_dir(), &samples], Some(&filters))
    })
}

#[test]
fn capture_readers_survive_mutation() {
    check(
        "capture_file",
        seeds().get("capture_file"),
        cases(3000),
        11,
        |data| {
            fuzz::capture_file(data);
        },
    );
}

#[test]
fn display_filters_survive_mutation() {
    check("filter", seeds().get("filter"), cases(3000), 12, |data| {
        fuzz::filter(&String::from_utf8_lossy(data));
    });
}

#[test]
fn whole_pipeline_survives_mutation() {
    // Small files only: each case dissects and renders every record twice.
    let small: Vec<Vec<u8>> = seeds()
        .get("pipeline")
        .iter()
        .filter(|s| s.len() <= 16 * 1024)
        .cloned()
        .collect();
    check("pipeline", &small, cases(300), 13, fuzz::pipeline);
}

/// Fuzz crashes of the `pipeline` target, kept as regression tests: the
/// capture file libFuzzer wrote, as hex.
fn hex(parts: &[&str]) -> Vec<u8> {
    let s: String = parts.concat();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

/// crash-d9c07541879ecc33987cd289b2964e9cfa0a86c4 (pipeline, 2026-11-25): a
/// pcap record whose wire length is below its captured length made the
/// Ethernet trailer computation underflow (`link::ethernet::add_trailer`).
const PIPELINE_TRAILER_UNDERFLOW: &[&str] = &[
    "d4c3b2a1020004000000000000000000ffff0000010000007732c65291810500",
    "4e0000004e000000c471fe3a5dc2581faa3418bc080045000040324a40004006",
    "0d130a011e7511a7c13ed83001bb825bc2ed00000000b002ffffc25000000204",
    "05b4010303040101080a49f2102b00000000040200007732c65201f10900c800",
    "000042000000c471fe3a5dc2581faa3418bc080045000034ec4f400040065319",
    "0a011e7511a7c13ed83001bb825bc2ed000000008001ffff010600000101080a",
    "49f21144000000007732c652c0280a004200000042000000581faa3418bcc471",
    "fe3a5dc208004500003485174000e806125111a7c13e0a011e7501bbd8305bc3",
    "b9d8825bc2ee80121ffe1f3d00000204055001030304010104027732c6524c31",
    "0a003c0000003c000000c471fe3a5dc2581faa3418bc08004500002889be4000",
    "4006b5b60a011e7511a7c13ed83001bb825bc2ed5bc3b9d9501140003fa60000",
    "0000000000007732c652fad10e003c0000003c000000581faa3418bcc471fe3a",
    "5dc20800450000286f064000e806286e11a7c13e0a011e7501bbd8305bc3b9d9",
    "8ee9fff150042009a4180000000000000000",
];

#[test]
fn pipeline_crash_trailer_underflow() {
    fuzz::pipeline(&hex(PIPELINE_TRAILER_UNDERFLOW));
}
