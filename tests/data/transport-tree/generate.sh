#!/bin/sh
# Regenerates the Ethernet (II and 802.3), IPv4, IPv6 (with its extension
# headers and fragments), UDP and TCP detail trees tshark prints for
# corpus captures, which tests/tests/transport_tree_text.rs compares
# `wirelens print -V` with. Run from the workspace root with tshark 4.0:
#   sh tests/data/transport-tree/generate.sh
# tshark runs without name resolution (-n) and with checksum validation on,
# as wirelens validates checksums by default. Each file holds, for every
# frame, a "== frame N" line and those layers as `tshark -V` prints them,
# blank lines left out.
set -eu
out=tests/data/transport-tree
for cap in \
    mixed/http_get.pcap \
    mixed/wikipedia_dns_http.pcap \
    tcp/tcp_options.pcap \
    tcp/tcp_out_of_order_sack.pcap \
    tcp/tcp_fin_retransmission.pcap \
    tcp/tcp_syn_then_rst.pcap \
    tcp/tcp_retransmit_fast.pcap \
    ip/icmpv6_ping.pcap \
    ip/icmpv6_neighbor_solicit.pcap \
    ip/icmpv6_misc.pcap \
    ip/icmpv6_nd_options.pcap \
    ip/ipv6_hbh_routing0_dns.pcap \
    ip/ipv6_vlan_hbh_rt_dst_udp.pcap \
    ip/ipv6_routing_header.pcap \
    ip/ipv6_srh.pcap \
    ip/ipv6_ext_chain_hbh_rt_frag_dst.pcap \
    ip/ipv6_fragmented_dns.pcap \
    ip/ipv6_frag_tcp.pcap \
    ip/ipv4_frags_icmp.pcap \
    ip/ipv4_frag_vlan_tcp_syn.pcap
do
    name=$(basename "$cap" | sed 's/\.[^.]*$//')
    tshark -r "../shared/captures/$cap" -V -n \
        -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE |
    awk '
        /^Frame [0-9]+:/ { frame = $2; sub(":", "", frame); on = 0; next }
        /^(Ethernet II|IEEE 802.3 Ethernet|Internet Protocol Version [46]|User Datagram Protocol|Transmission Control Protocol)/ {
            if (shown != frame) print "== frame " frame; shown = frame; on = 1; print; next
        }
        /^[^ ]/ { on = 0 }
        /^$/ { next }
        on { print }
    ' > "$out/$name.txt"
done
