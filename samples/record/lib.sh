# Shared by the recording scripts: two network namespaces joined by a veth
# pair, a tcpdump on the client side, and clean-up on exit.
#
# Source it, then call setup_namespaces, start_capture FILE FILTER..., run
# the programs with `in_client` / `in_server`, and stop_capture. Everything
# stays inside the two namespaces, which are deleted on exit.

set -euo pipefail

RECORD_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CAPTURES=$(cd "$RECORD_DIR/../captures" && pwd)

# Unique per run, so that a crashed run cannot collide with the next one.
NS_CLIENT="wlrec-client-$$"
NS_SERVER="wlrec-server-$$"

# Fixed addresses (and MACs), so that re-recording gives comparable files.
CLIENT_MAC=02:00:5e:10:00:01
SERVER_MAC=02:00:5e:10:00:02
CLIENT_V4=10.99.0.1
SERVER_V4=10.99.0.2
CLIENT_V6=fd00:99::1
SERVER_V6=fd00:99::2

STARTED_PIDS=()
CAPTURE_PID=""
CAPTURE_LOG=""

require() {
    for tool in "$@"; do
        command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 1; }
    done
}

in_client() { ip netns exec "$NS_CLIENT" "$@"; }
in_server() { ip netns exec "$NS_SERVER" "$@"; }

cleanup() {
    local pid
    for pid in "${STARTED_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    ip netns del "$NS_CLIENT" 2>/dev/null || true
    ip netns del "$NS_SERVER" 2>/dev/null || true
}
trap cleanup EXIT

# Runs a program in a namespace in the background and remembers it for
# clean-up. `ip netns exec` execs the program, so $! is the program itself.
background_in() {
    local ns=$1
    shift
    ip netns exec "$ns" "$@" &
    STARTED_PIDS+=("$!")
}

setup_namespaces() {
    [ "$(id -u)" -eq 0 ] || { echo "needs root (network namespaces)" >&2; exit 1; }
    ip netns add "$NS_CLIENT"
    ip netns add "$NS_SERVER"
    ip link add veth-c netns "$NS_CLIENT" address "$CLIENT_MAC" type veth \
        peer name veth-s netns "$NS_SERVER" address "$SERVER_MAC"
    local ns dev v4 v6
    for ns in "$NS_CLIENT" "$NS_SERVER"; do
        if [ "$ns" = "$NS_CLIENT" ]; then dev=veth-c v4=$CLIENT_V4 v6=$CLIENT_V6
        else dev=veth-s v4=$SERVER_V4 v6=$SERVER_V6; fi
        # No router solicitations: they would only add noise to the captures.
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.router_solicitations=0 \
            net.ipv6.conf.default.router_solicitations=0 \
            "net.ipv6.conf.$dev.router_solicitations=0"
        ip -n "$ns" link set lo up
        ip -n "$ns" addr add "$v4/24" dev "$dev"
        ip -n "$ns" addr add "$v6/64" dev "$dev" nodad
        # No offloads: segments stay within the MTU and carry their real
        # checksums, as on a physical wire.
        ip netns exec "$ns" ethtool -K "$dev" tx off rx off tso off gso off gro off >/dev/null 2>&1
        ip -n "$ns" link set "$dev" up
    done
    # Let the link-up chatter (MLD reports) pass before anything is captured.
    sleep 2
}

# start_capture FILE [tcpdump options and filter...]
start_capture() {
    local file=$1
    shift
    CAPTURE_LOG=$(mktemp)
    local log=$CAPTURE_LOG
    # --immediate-mode: hand each packet over at once; with TPACKET_V3 they
    # otherwise wait in a ring block, and stopping tcpdump would lose them.
    # -Z root: keep the file owned by the user running the script.
    ip netns exec "$NS_CLIENT" tcpdump -i veth-c -s 0 -U --immediate-mode -Z root -w "$file" "$@" 2>"$log" &
    CAPTURE_PID=$!
    STARTED_PIDS+=("$CAPTURE_PID")
    local tries=0
    until grep -q "listening on" "$log"; do
        tries=$((tries + 1))
        [ "$tries" -lt 100 ] || { cat "$log" >&2; echo "tcpdump did not start" >&2; exit 1; }
        sleep 0.05
    done
}

stop_capture() {
    # Give the last packets time to reach the capture before stopping it.
    sleep 0.5
    kill -INT "$CAPTURE_PID"
    wait "$CAPTURE_PID" 2>/dev/null || true
    grep "packets captured" "$CAPTURE_LOG" >&2 || true
    rm -f "$CAPTURE_LOG"
}

# Waits until something listens on TCP/UDP port $2 ("tcp" or "udp" in $1)
# inside the server namespace.
wait_for_port() {
    local proto=$1 port=$2 tries=0 flag
    [ "$proto" = tcp ] && flag=-tln || flag=-uln
    until in_server ss "$flag" | grep -q ":$port "; do
        tries=$((tries + 1))
        [ "$tries" -lt 100 ] || { echo "nothing listens on $proto/$port" >&2; exit 1; }
        sleep 0.05
    done
}
