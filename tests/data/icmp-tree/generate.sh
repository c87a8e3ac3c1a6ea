#!/bin/sh
# Regenerates the ICMP and ICMPv6 detail trees tshark prints for corpus
# captures, which tests/tests/icmp_tree_text.rs compares `wirelens print -V`
# with. Run from the workspace root with tshark 4.0:
#   sh tests/data/icmp-tree/generate.sh
# tshark nests what an ICMP message carries (echo data, the invoking packet
# of an error) inside the ICMP layer; wirelens shows those as layers of their
# own after it, so each ICMP layer here stops where tshark starts a nested
# one ("    Data (", "    Internet Protocol Version ...", ...).
set -eu
out=tests/data/icmp-tree
for cap in \
    ip/icmp_ping.pcap \
    ip/icmp_destunreach_udp.pcap \
    ip/icmp_timeexceeded.pcap \
    ip/icmpv6_ping.pcap \
    ip/icmpv6_misc.pcap \
    ip/icmpv6_nd_options.pcap \
    ip/icmpv6_neighbor_solicit.pcap \
    ip/icmpv6_neighbor_advert.pcap
do
    name=$(basename "$cap" | sed 's/\.[^.]*$//')
    tshark -r "../shared/captures/$cap" -V -n \
        -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE |
    awk '
        /^Frame [0-9]+:/ { frame = $2; sub(":", "", frame); on = 0; next }
        /^Internet Control Message Protocol/ {
            if (shown != frame) print "== frame " frame; shown = frame; on = 1; print; next
        }
        /^[^ ]/ { on = 0 }
        on && /^    (Data \(|Internet Protocol Version|User Datagram Protocol|Transmission Control Protocol)/ { on = 0 }
        /^$/ { next }
        on { print }
    ' > "$out/$name.txt"
done
