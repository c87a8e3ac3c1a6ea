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
