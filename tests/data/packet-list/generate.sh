#!/bin/sh
# Regenerates the one-line summaries tshark prints (its packet list) for
# corpus captures, which tests/tests/packet_list_text.rs compares
# `wirelens print` with. Run from the workspace root with tshark 4.0:
#   sh tests/data/packet-list/generate.sh
# tshark runs without name resolution (-n) and with its default preferences:
# none of these captures carries a bad checksum, and the loopback ones
# (null_ipv6_http, h2c_continuation) carry checksums left to the NIC, which
# wirelens notes in the tree only, as tshark without validation shows them.
set -eu
out=tests/data/packet-list
for cap in \
    mixed/http_get.pcap \
    link/null_ipv6_http.pcap \
    link/vlan_qinqinq_http.pcap \
    tcp/tcp_window_scale.pcap \
    tcp/tcp_handshake_reorder.pcap \
    ip/ipv6_frag_tcp.pcap \
    http2/h2c_continuation.pcap \
    ssh/ssh_mlkem_openssh10.pcap \
    tls/tls12_client_cert_sni_alpn.pcap \
    tls/tls12_ecdhe.pcap
do
    name=$(basename "$cap" | sed 's/\.[^.]*$//')
    tshark -r "../shared/captures/$cap" -n > "$out/$name.txt"
done
# The same columns through -T fields, tab-separated.
tshark -r ../shared/captures/mixed/http_get.pcap -n -T fields \
    -e _ws.col.No. -e _ws.col.Time -e _ws.col.Source -e _ws.col.Destination \
    -e _ws.col.Protocol -e _ws.col.Length -e _ws.col.Info > "$out/http_get.fields.txt"
# Other time formats (-t), with a filter so that the displayed and the
# captured previous frames differ; the UTC ones need no time zone.
for t in ud udoy e d dd; do
    tshark -r ../shared/captures/mixed/http_get.pcap -n -t "$t" -Y "frame.number != 2" \
        > "$out/http_get.t-$t.txt"
done
