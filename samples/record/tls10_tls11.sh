#!/usr/bin/env bash
# Records captures/tls/tls10_tls11_cbc.pcap: two connections with
# TLS_RSA_WITH_AES_128_CBC_SHA between openssl s_client and openssl s_server
# on the loopback interface, the first in TLS 1.0 (IVs chained from record
# to record; OpenSSL splits each record 1/n-1), the second in TLS 1.1
# (explicit IVs). The server reverses each line it gets (-rev). The client
# writes the key log; tshark's dissection with it is stored beside.
# Uses the throwaway server certificate that tls.sh made (server.crt/.key).
# Run as root:  samples/record/tls10_tls11.sh
set -euo pipefail
OUT=$(cd "$(dirname "$0")/../captures/tls" && pwd)
cd "$OUT"
for tool in tcpdump openssl tshark; do
    command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 1; }
done
[ -f server.crt ] && [ -f server.key ] || { echo "run tls.sh first: it makes server.crt and server.key" >&2; exit 1; }

NAME=tls10_tls11_cbc
rm -f "$NAME.pcap" "$NAME.keys" "$NAME.tshark.json"
tcpdump -i lo -s 0 -U -w "$NAME.pcap" 'tcp port 44301 or tcp port 44302' 2>/dev/null &
DUMP=$!
trap 'kill $DUMP 2>/dev/null || true' EXIT
sleep 1

session() { # port, protocol flag, first line
    local port=$1 proto=$2 line=$3
    openssl s_server -accept "127.0.0.1:$port" -cert server.crt -key server.key "$proto" \
        -cipher 'AES128-SHA:@SECLEVEL=0' -naccept 1 -rev -quiet &
    local server=$!
    sleep 0.5
    (printf '%s\n' "$line"; sleep 0.3; printf 'second line\n'; sleep 0.5) |
        openssl s_client -connect "127.0.0.1:$port" "$proto" -cipher 'AES128-SHA:@SECLEVEL=0' \
            -keylogfile "$NAME.keys" -quiet -no_ign_eof || true
    wait "$server" || true
}
session 44301 -tls1 'hello tls 1.0 record one'
session 44302 -tls1_1 'hello tls 1.1 record one'
sleep 1
kill "$DUMP"; wait "$DUMP" || true
trap - EXIT
TZ=UTC tshark -r "$NAME.pcap" -o "tls.keylog_file:$NAME.keys" -T json > "$NAME.tshark.json"
echo "$NAME.pcap: $(tshark -r "$NAME.pcap" | wc -l) packets"
