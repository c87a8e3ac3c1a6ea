#!/usr/bin/env bash
# Sustained live capture rate between two network namespaces joined by a
# veth pair, captured on the veth by `wirelens capture -w` and then, on the
# same traffic pattern, by `tcpdump -w`, each with libpcap's default kernel
# buffer (2 MiB) and with a 64 MiB one. Prints packets captured, packets/s
# and the drops each tool reports. Two patterns:
#   tcp: a bulk TCP transfer of MEGABYTES (veth segments of up to 64 KiB);
#   tcp1500: the same with segmentation offloads off (ethtool): 1514-byte frames;
#   udp: MEGABYTES thousand 64-byte UDP datagrams, as fast as one sender goes.
# Needs root, iproute2, python3, tcpdump and a release build with the live
# feature:
#
#   cargo build --release -p wirelens --features live
#   sudo app-tui/benches/live_rate.sh tcp|tcp1500|udp [MEGABYTES] [RUNS]
#
# Results are in docs/PERFORMANCE.md ("Live capture").
set -euo pipefail
cd "$(dirname "$0")/../.."

MODE=${1:-tcp}
MB=${2:-1000}
RUNS=${3:-3}
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
if [ "$MODE" = tcp1500 ]; then
  ip netns exec "$A" ethtool -K va tso off gso off gro off >/dev/null
  ip netns exec "$B" ethtool -K vb tso off gso off gro off >/dev/null
fi

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

UDP_SINK='
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.213.0.2", 9001))
print("ready", flush=True)
time.sleep(3600)
'
UDP_SOURCE="
import socket, time
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
payload = b'x' * 64
start = time.time()
for _ in range($MB * 1000):
    c.sendto(payload, ('10.213.0.2', 9001))
print('%.2f' % (time.time() - start))
"

if [ "$MODE" = udp ]; then
  SINK=$UDP_SINK
  SOURCE=$UDP_SOURCE
fi

# One transfer; prints the seconds it took.
transfer() {
  rm -f "$OUT/ready"
  ip netns exec "$B" python3 -c "$SINK" >"$OUT/ready" &
  local sink=$!
  until [ -s "$OUT/ready" ]; do sleep 0.05; done
  ip netns exec "$A" python3 -c "$SOURCE"
  if [ "$MODE" = udp ]; then kill "$sink"; fi
  wait "$sink" 2>/dev/null || true
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
  # tcpdump's -B counts KiB, tshark's and wirelens's MiB.
  run "wirelens-B64-$i" "$BIN" capture -i va -B 64 -w "$OUT/wirelens-B64-$i.file"
  run "tcpdump-B64-$i" tcpdump -i va -B 65536 -w "$OUT/tcpdump-B64-$i.file"
  # pnet's libpcap-free datalink path (app-tui/benches/pnet_rate, built with
  # `cargo build --release` there), when PNET names its binary.
  if [ -n "${PNET:-}" ]; then
    run "pnet-$i" "$PNET" va "$OUT/pnet-$i.file"
  fi
done
