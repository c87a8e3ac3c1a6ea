#!/usr/bin/env bash
# Sustained live capture rate: a bulk TCP transfer between two network
# namespaces joined by a veth pair, captured on the veth by
# `wirelens capture -w` and then, on the same traffic pattern, by
# `tcpdump -w`. Prints packets and bytes captured, packets/s and the drops
# each tool reports. Needs root, iproute2, python3, tcpdump and a release
# build with the live feature:
#
#   cargo build --release -p wirelens --features live
#   sudo app-tui/benches/live_rate.sh [MEGABYTES] [RUNS]
#
# Results are in docs/PERFORMANCE.md ("Live capture").
set -euo pipefail
cd "$(dirname "$0")/../.."

MB=${1:-2000}
RUNS=${2:-3}
BIN=${WIRELENS:-target/release/wirelens}
TAG="wlrate$$"
A="${TAG}a"
B="${TAG}b"
OUT="/tmp/${TAG}"
mkdir -p "$OUT"

cleanup() {
  ip netns del "$A" 2>/dev/null || true
  ip netns del "$B" 2>/dev/null || true
  rm -rf "$OUT"
}
trap cleanup EXIT

ip netns add "$A"
ip netns add "$B"
ip link add va netns "$A" type veth peer name vb netns "$B"
ip -n "$A" addr add 10.213.0.1/24 dev va
ip -n "$B" addr add 10.213.0.2/24 dev vb
for ns in "$A" "$B"; do
  ip -n "$ns" link set lo up
done
ip -n "$A" link set va up
ip -n "$B" link set vb up

SINK='
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.213.0.2", 9000))
s.listen(1)
print("ready", flush=True)
c, _ = s.accept()
buf = bytearray(1 << 20)
while c.recv_into(buf):
    pass
'
SOURCE="
import socket, time
c = socket.create_connection(('10.213.0.2', 9000))
chunk = b'x' * (1 << 20)
start = time.time()
for _ in range($MB):
    c.sendall(chunk)
c.close()
print('%.2f' % (time.time() - start))
"

# One transfer of $MB MB; prints the seconds it took.
transfer() {
  local ready
  coproc SINKP { ip netns exec "$B" python3 -c "$SINK"; }
  read -r ready <&"${SINKP[0]}"
  ip netns exec "$A" python3 -c "$SOURCE"
  wait "$SINKP_PID" 2>/dev/null || true
}

# run NAME CAPTURE-COMMAND... : starts the capture, transfers, stops it with SIGINT.
run() {
  local name=$1; shift
  ip netns exec "$A" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err" &
  local pid=$!
  sleep 1
  local secs
  secs=$(transfer)
  sleep 0.5
  kill -INT "$pid"
  wait "$pid" || true
  echo "== $name: transfer ${secs}s"
  cat "$OUT/$name.err" | grep -v '^Capturing on\|^tcpdump: listening\|^$' || true
  local size
  size=$(stat -c %s "$OUT/$name.file")
  echo "   file: $((size / 1000000)) MB"
  local pkts
  pkts=$("$BIN" stats -r "$OUT/$name.file" hierarchy | awk '/^[a-z]/ && $2 ~ /^frames:/ {sub("frames:", "", $2); print $2; exit}')
  echo "   packets in file: $pkts   packets/s over the transfer: $(python3 -c "print(round($pkts / $secs))")"
  rm -f "$OUT/$name.file"
}

echo "baseline (no capture):"
for i in $(seq "$RUNS"); do echo "   transfer $(transfer)s"; done
for i in $(seq "$RUNS"); do
  run "wirelens-$i" "$BIN" capture -i va -w "$OUT/wirelens-$i.file"
  run "tcpdump-$i" tcpdump -i va -w "$OUT/tcpdump-$i.file"
done
