#!/usr/bin/env bash
# Records captures/http_get.pcap: curl fetching a 20 KB file and a small one
# from `python3 -m http.server` in another network namespace. Two TCP
# connections (the server speaks HTTP/1.0): handshake, request, response,
# teardown.
#
# Side files, for tests:
#   http_get.body        the 20 KB body exactly as curl received it
#   http_get.small.body  the small body
#   http_get.curl.txt    curl -v: the requests it sent, the response headers it got
source "$(dirname "$0")/lib.sh"
require ip ethtool tcpdump curl python3 ss

setup_namespaces

root=$(mktemp -d)
trap 'cleanup; rm -rf "$root"' EXIT
# A 20 KB text file whose lines can be told apart, and a small one.
python3 - "$root" <<'PY'
import sys, pathlib
root = pathlib.Path(sys.argv[1])
lines = [f"line {i:04d}: the quick brown fox jumps over the lazy dog\n" for i in range(400)]
(root / "page.txt").write_text("".join(lines)[:20480])
(root / "hello.txt").write_text("hello from wirelens\n")
PY

background_in "$NS_SERVER" python3 -m http.server 8000 --bind "$SERVER_V4" --directory "$root"
wait_for_port tcp 8000

start_capture "$CAPTURES/http_get.pcap" tcp port 8000 or arp
in_client curl --verbose --silent --show-error --fail --stderr "$CAPTURES/http_get.curl.txt" \
    -o "$CAPTURES/http_get.body" "http://$SERVER_V4:8000/page.txt" \
    -o "$CAPTURES/http_get.small.body" "http://$SERVER_V4:8000/hello.txt"
stop_capture

echo "wrote $CAPTURES/http_get.pcap"
