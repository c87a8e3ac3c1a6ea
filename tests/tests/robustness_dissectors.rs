//! Mutation tests of every dissector entry point, the stable-toolchain
//! fallback of the fuzz targets (`fuzz/`, docs/ROBUSTNESS.md): each runs the
//! same entry point as its fuzz target on seeded, deterministic mutations of
//! seeds cut out of the shared corpus and the project's samples. Scale the
//! number of cases with `WIRELENS_MUTATION_SCALE`.

use std::path::Path;
use std::sync::OnceLock;

use wirelens_dissect::fuzz;
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

fn run(target: &str, n: usize, entry: fn(&[u8])) {
    let seed = target.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    check(target, seeds().get(target), cases(n), seed, entry);
}

#[test]
fn ethernet_survives_mutation() {
    run("ethernet", 3000, fuzz::ethernet);
}

#[test]
fn sll_survives_mutation() {
    run("sll", 1500, fuzz::sll);
}

#[test]
fn wlan_survives_mutation() {
    run("wlan", 600, fuzz::wlan);
}

#[test]
fn ipv4_survives_mutation() {
    run("ipv4", 600, fuzz::ipv4);
}

#[test]
fn ipv6_survives_mutation() {
    run("ipv6", 1000, fuzz::ipv6);
}

#[test]
fn tcp_options_survive_mutation() {
    run("tcp_options", 3000, fuzz::tcp_options);
}

#[test]
fn dns_survives_mutation() {
    run("dns", 3000, fuzz::dns);
}

#[test]
fn tls_stream_survives_mutation() {
    run("tls_stream", 300, fuzz::tls_stream);
}

#[test]
fn ssh_stream_survives_mutation() {
    run("ssh_stream", 300, fuzz::ssh_stream);
}

#[test]
fn bgp_stream_survives_mutation() {
    run("bgp_stream", 600, fuzz::bgp_stream);
}

#[test]
fn http2_stream_survives_mutation() {
    run("http2_stream", 600, fuzz::http2_stream);
}

#[test]
fn hpack_survives_mutation() {
    run("hpack", 3000, fuzz::hpack);
}
