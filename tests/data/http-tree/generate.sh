#!/bin/sh
# Regenerates the HTTP/1.x detail trees tshark prints for corpus captures
# (with the line-based text bodies they carry),
# which tests/tests/http_tree_text.rs compares `wirelens print -V` with.
# Run from the workspace root with tshark 4.0 installed:
#   sh tests/data/http-tree/generate.sh
# Each file holds, for every frame with HTTP layers, a "== frame N" line and
# those layers as `tshark -r <capture> -V` prints them, blank lines left out.
set -eu
out=tests/data/http-tree
for cap in \
    mixed/http_get.pcap \
    mixed/wikipedia_dns_http.pcap \
    link/null_ipv6_http.pcap \
    link/sll2_http.pcap \
    link/vlan_qinqinq_http.pcap \
    tcp/tcp_handshake_reorder.pcap \
    tcp/tcp_options.pcap \
    tcp/tcp_out_of_order_sack.pcap \
    mixed/var_services_std_ports.pcap
do
    name=$(basename "$cap" | sed 's/\.[^.]*$//')
    tshark -r "../shared/captures/$cap" -V | awk '
        /^Frame [0-9]+:/ { frame = $2; sub(":", "", frame); on = 0; next }
        /^(Hypertext Transfer Protocol|Line-based text data)/ { if (shown != frame) print "== frame " frame; shown = frame; on = 1; print; next }
        /^[^ ]/ { on = 0 }
        /^$/ { next }
        on { print }
    ' > "$out/$name.txt"
done
