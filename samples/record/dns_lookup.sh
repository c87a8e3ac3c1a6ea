#!/usr/bin/env bash
# Records captures/dns_lookup.pcap (and a pcapng copy): dig asking a local
# dnsmasq for A, AAAA, MX and TXT records over UDP, and one A query over TCP
# (+tcp), all answered from fixed records.
#
# Side file, for tests:
#   dns_lookup.answers.txt  one line per query: "TYPE NAME TRANSPORT: answers"
#                           with the answers as `dig +short` printed them
source "$(dirname "$0")/lib.sh"
require ip ethtool tcpdump dig dnsmasq ss

setup_namespaces

background_in "$NS_SERVER" dnsmasq --keep-in-foreground --no-resolv --no-hosts \
    --no-dhcp-interface=veth-s --bind-interfaces --listen-address="$SERVER_V4" \
    --port=53 --pid-file= --user=root --log-facility=- \
    --address=/www.wirelens.test/10.99.0.80 \
    --host-record=host.wirelens.test,10.99.0.81,fd00:99::81 \
    --mx-host=wirelens.test,mail.wirelens.test,10 \
    --txt-record=wirelens.test,"v=spf1 -all" \
    --txt-record=info.wirelens.test,"recorded for wirelens","second string"
wait_for_port udp 53
wait_for_port tcp 53

answers="$CAPTURES/dns_lookup.answers.txt"
: >"$answers"
ask() {
    local type=$1 name=$2 transport=$3
    local result
    result=$(in_client dig +short +"$transport" "@$SERVER_V4" "$name" "$type" | paste -sd ';' -)
    echo "$type $name $transport: $result" >>"$answers"
}

start_capture "$CAPTURES/dns_lookup.pcap" port 53 or arp
ask A www.wirelens.test notcp
ask A host.wirelens.test notcp
ask AAAA host.wirelens.test notcp
ask MX wirelens.test notcp
ask TXT wirelens.test notcp
ask TXT info.wirelens.test notcp
ask A host.wirelens.test tcp
stop_capture

# The same packets as pcapng, for the pcapng reader (editcap adds its own
# section and interface options).
if command -v editcap >/dev/null; then
    editcap -F pcapng "$CAPTURES/dns_lookup.pcap" "$CAPTURES/dns_lookup.pcapng"
fi
echo "wrote $CAPTURES/dns_lookup.pcap"
