#!/bin/sh
# Regenerates the Spanning Tree Protocol detail trees tshark prints for the
# corpus captures that carry BPDUs, which tests/tests/stp_tree_text.rs
# compares `wirelens print -V` with. Run from the workspace root with
# tshark 4.0:
#   sh tests/data/stp-tree/generate.sh
# tshark runs without name resolution (-n). Each file holds, for every frame
# with a BPDU, a "== frame N" line and the STP layer as `tshark -V` prints
# it, blank lines left out.
set -eu
out=tests/data/stp-tree
for cap in \
    mixed/wikipedia_dns_http.pcap
do
    name=$(basename "$cap" | sed 's/\.[^.]*$//')
    tshark -r "../shared/captures/$cap" -V -n |
    awk '
        /^Frame [0-9]+:/ { frame = $2; sub(":", "", frame); on = 0; next }
        /^Spanning Tree Protocol/ {
            if (shown != frame) print "== frame " frame; shown = frame; on = 1; print; next
        }
        /^[^ ]/ { on = 0 }
        /^$/ { next }
        on { print }
    ' > "$out/$name.txt"
done
