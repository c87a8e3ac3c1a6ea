#!/usr/bin/env bash
# Records captures/icmp_ping.pcap with nanosecond timestamps: `ping -c 4`
# over IPv4 (with the ARP exchange before it) and `ping -6 -c 4` over IPv6
# (with neighbour solicitation and advertisement before it).
#
# Side file, for tests:
#   icmp_ping.ping.txt  both pings' output (sequence numbers, TTLs, sizes)
source "$(dirname "$0")/lib.sh"
require ip ethtool tcpdump ping

setup_namespaces

out="$CAPTURES/icmp_ping.ping.txt"
start_capture "$CAPTURES/icmp_ping.pcap" --time-stamp-precision=nano icmp or icmp6 or arp
in_client ping -c 4 -i 0.5 "$SERVER_V4" >"$out"
in_client ping -6 -c 4 -i 0.5 "$SERVER_V6" >>"$out"
stop_capture

echo "wrote $CAPTURES/icmp_ping.pcap"
