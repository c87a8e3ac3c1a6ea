#!/bin/sh
# Regenerates the Frame layers tshark prints for corpus captures, which
# tests/tests/transport_tree_text.rs compares `wirelens print -V` with.
# Run from the workspace root with tshark 4.0:
#   sh tests/data/frame-tree/generate.sh
# Each file holds the Frame layer of every frame shown, blank lines left
# out; the `-Y` file checks the time since the previous displayed frame.
set -eu
out=tests/data/frame-tree
frames() {
    awk '/^Frame [0-9]+:/ { on = 1; print; next } /^[^ ]/ { on = 0 } /^$/ { next } on { print }'
}
tshark -r ../shared/captures/link/sll2_http.pcap -V -n | frames > "$out/sll2_http.txt"
tshark -r ../shared/captures/link/sll2_http.pcap -V -n -Y http | frames > "$out/sll2_http-Y-http.txt"
tshark -r ../shared/captures/wifi/radiotap_qos_data_dns.pcap -V -n | frames > "$out/radiotap_qos_data_dns.txt"
tshark -r ../shared/captures/link/vlan_pcp_dei.pcapng -V -n | frames > "$out/vlan_pcp_dei.txt"
