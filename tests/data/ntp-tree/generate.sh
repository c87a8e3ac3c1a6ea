#!/bin/sh
# Regenerates the NTP detail trees tshark prints for the corpus captures that
# carry NTP, which tests/tests/ntp_tree_text.rs compares `wirelens print -V`
# with. Run from the workspace root with tshark 4.0:
#   sh tests/data/ntp-tree/generate.sh
# tshark runs without name resolution (-n), so reference IDs stay addresses.
# Each file holds, for every frame with an NTP layer, a "== frame N" line and
# the layer as `tshark -V` prints it, blank lines left out; when the message
# ends early, tshark's top-level "[Malformed Packet: NTP]" (or "[Packet size
# limited during capture: NTP truncated]") line follows it, without the
# expert lines under it.
set -eu
out=tests/data/ntp-tree
for cap in \
    mixed/var_services_std_ports.pcap \
    ip/ipv4_fragmented_ntp.pcap
do
    name=$(basename "$cap" | sed 's/\.[^.]*$//')
    tshark -r "../shared/captures/$cap" -V -n | awk '
        /^Frame [0-9]+:/ { frame = $2; sub(":", "", frame); on = 0; next }
        /^Network Time Protocol/ {
            if (shown != frame) print "== frame " frame; shown = frame; on = 1; print; next
        }
        on && /^\[(Malformed Packet: NTP|Packet size limited during capture: NTP truncated)\]/ { print; on = 0; next }
        /^[^ ]/ { on = 0 }
        /^$/ { next }
        on { print }
    ' > "$out/$name.txt"
done
