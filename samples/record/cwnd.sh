#!/usr/bin/env bash
# Records the ground truth for the congestion-window estimate:
#   captures/cwnd_cubic.pcap  + captures/cwnd_cubic.ss.txt
#   captures/cwnd_bbr.pcap    + captures/cwnd_bbr.ss.txt
#
# A bulk upload (client 10.99.0.1 -> server 10.99.0.2, port 5201) of about
# 8 s through a middle namespace that bridges the two veth pairs with a
# bottleneck: 20 Mbit/s towards the server with a 100-packet drop-tail queue,
# 10 ms one-way delay each way (20 ms base RTT) and 0.5% random loss of the
# frames towards the server. The kernel here has no netem/fq modules, so the
# bottleneck is `bottleneck.py`: a userspace bridge over two AF_PACKET
# sockets (seeded loss, so re-recording drops the same frame indices).
# The capture is taken on the sender's own veth (sender-side capture, the
# case the estimate is meant for) with a 128-byte snap length: headers only,
# which keeps each file a few MB.
#
# While the transfer runs, the sender's socket is sampled with `ss -tin`
# every 100 ms; each sample is written as one line
#   <epoch seconds from `date +%s.%N`> <the ss line of the connection>
# so it shares the capture's clock (tcpdump stamps with CLOCK_REALTIME too).
# The kernel's own cwnd (segments), mss and ssthresh are in those lines.
#
# The sender is a small Python program that sets TCP_CONGESTION on its socket
# (cubic or bbr), so nothing but python3 is needed for the traffic.
source "$(dirname "$0")/lib.sh"
require ip ethtool tcpdump python3 ss ping

[ "$(id -u)" -eq 0 ] || { echo "needs root (network namespaces)" >&2; exit 1; }
NS_MIDDLE="wlrec-middle-$$"
PORT=5201
SECONDS_OF_DATA=${SECONDS_OF_DATA:-8}

cleanup_middle() {
    cleanup
    ip netns del "$NS_MIDDLE" 2>/dev/null || true
}
trap cleanup_middle EXIT

setup_path() {
    ip netns add "$NS_CLIENT"
    ip netns add "$NS_MIDDLE"
    ip netns add "$NS_SERVER"
    ip link add veth-c netns "$NS_CLIENT" address "$CLIENT_MAC" type veth \
        peer name veth-mc netns "$NS_MIDDLE"
    ip link add veth-s netns "$NS_SERVER" address "$SERVER_MAC" type veth \
        peer name veth-ms netns "$NS_MIDDLE"
    local pair ns dev
    for pair in "$NS_CLIENT:veth-c" "$NS_MIDDLE:veth-mc" "$NS_MIDDLE:veth-ms" "$NS_SERVER:veth-s"; do
        ns=${pair%%:*} dev=${pair#*:}
        ip -n "$ns" link set lo up
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
        # No offloads: the sender's segments cross the wire (and the capture)
        # one MSS at a time, as on a physical link.
        ip netns exec "$ns" ethtool -K "$dev" tx off rx off tso off gso off gro off >/dev/null 2>&1
        ip -n "$ns" link set "$dev" up
    done
    ip -n "$NS_CLIENT" addr add "$CLIENT_V4/24" dev veth-c
    ip -n "$NS_SERVER" addr add "$SERVER_V4/24" dev veth-s
    # The middle namespace has no addresses: its kernel ignores the frames,
    # the bridge alone carries them.
    background_in "$NS_MIDDLE" python3 "$RECORD_DIR/bottleneck.py" veth-mc veth-ms
    sleep 1
}

receiver() {
    cat <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(1)
while True:
    c, _ = s.accept()
    while c.recv(1 << 16):
        pass
    c.close()
PY
}

sender() {
    cat <<'PY'
import socket, sys, time
cc, host, port, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
s = socket.socket()
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, cc.encode())
s.connect((host, port))
chunk = bytes(64 * 1024)
end = time.time() + seconds
while time.time() < end:
    s.sendall(chunk)
s.shutdown(socket.SHUT_WR)
while s.recv(4096):
    pass
s.close()
PY
}

# sample_ss OUT: one `ss -tin` line of the connection every 100 ms.
sample_ss() {
    local out=$1
    : >"$out"
    while true; do
        local now line
        now=$(date +%s.%N)
        line=$(in_client ss -tinH dst "$SERVER_V4:$PORT" | tr -s ' \t\n' ' ')
        [ -n "$line" ] && echo "$now $line" >>"$out"
        sleep 0.1
    done
}

record() {
    local cc=$1 name=cwnd_$1
    # The sender sets TCP_CONGESTION on its own socket (the namespace default
    # cannot always be changed, e.g. inside a container).
    start_capture "$CAPTURES/$name.pcap" -s 128 tcp port "$PORT"
    sample_ss "$CAPTURES/$name.ss.txt" &
    local sampler=$!
    STARTED_PIDS+=("$sampler")
    in_client python3 -c "$(sender)" "$cc" "$SERVER_V4" "$PORT" "$SECONDS_OF_DATA"
    kill "$sampler"
    wait "$sampler" 2>/dev/null || true
    stop_capture
    echo "wrote $CAPTURES/$name.pcap ($(wc -l <"$CAPTURES/$name.ss.txt") ss samples)"
}

setup_path
in_client ping -c 1 -W 2 "$SERVER_V4" >/dev/null
background_in "$NS_SERVER" python3 -c "$(receiver)" "$SERVER_V4" "$PORT"
wait_for_port tcp "$PORT"
record cubic
record bbr
