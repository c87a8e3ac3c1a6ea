#!/bin/sh
# Regenerates the DHCP/BOOTP detail trees tshark prints for the corpus
# captures that carry DHCP, which tests/tests/dhcp_tree_text.rs compares
# `wirelens print -V` with. Run from the workspace root with tshark 4.0:
#   sh tests/data/dhcp-tree/generate.sh
# tshark runs without name resolution (-n), so MAC addresses stay as they are.
# Each file holds, for every frame with a DHCP layer, a "== frame N" line and
# the layer as `tshark -V` prints it, blank lines left out; when the capture
# cut the message short, tshark's top-level "[Packet size limited during
# capture: DHCP/BOOTP truncated]" line follows it.
set -eu
out=tests/data/dhcp-tree
for cap in \
    formats/pcapng_le_basic.pcapng \
    formats/pcapng_be_basic.pcapng \
    formats/pcapng_packet_comments.pcapng \
    formats/pcapng_spb.pcapng \
    formats/pcapng_nrb_spb_epb.pcapng \
    formats/pcapng_multi_if_isb.pcapng \
    formats/pcapng_custom_blocks_be.pcapng \
    formats/pcapng_multi_section.pcapng
do
    name=$(basename "$cap" | sed 's/\.[^.]*$//')
    tshark -r "../shared/captures/$cap" -V -n | awk '
        /^Frame [0-9]+:/ { frame = $2; sub(":", "", frame); on = 0; next }
        /^Dynamic Host Configuration Protocol/ {
            if (shown != frame) print "== frame " frame; shown = frame; on = 1; print; next
        }
        on && /^\[Packet size limited during capture/ { print; on = 0; next }
        /^[^ ]/ { on = 0 }
        /^$/ { next }
        on { print }
    ' > "$out/$name.txt"
done
