#!/usr/bin/env bash
# Writes the seed corpus of every fuzz target into fuzz/corpus/<target>/
# (ignored by git), cut out of the shared capture corpus and the project's
# own samples. Run from anywhere; needs only the stable toolchain.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
shared="${WIRELENS_CAPTURES:-$root/../shared/captures}"
cargo run -q --manifest-path "$root/Cargo.toml" -p wirelens-samples --bin fuzz-seeds -- \
  --out "$root/fuzz/corpus" \
  --filters "$root/tests/filters/conformance.tsv" \
  "$shared" "$root/samples/captures"
