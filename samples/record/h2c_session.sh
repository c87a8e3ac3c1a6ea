#!/usr/bin/env bash
# Records captures/h2c_session.pcap: cleartext HTTP/2 (prior knowledge)
# between nghttp and nghttpd (Debian: nghttp2-client, nghttp2-server) in two
# network namespaces, two TCP connections to port 8080:
#
# 1. three concurrent GETs on one connection (/page.txt, 40 KB in DATA frames
#    split over MTU-sized segments; /hello.txt; /missing, a 404), the later
#    requests' headers reusing the HPACK dynamic table; nghttp ends with GOAWAY;
# 2. a POST of /post.txt (24 KB body) to /hello.txt; nghttpd runs with
#    --early-response, so it answers before the body is in and then resets
#    the stream (RST_STREAM NO_ERROR); GOAWAY again.
#
# Side file, for tests:
#   h2c_session.nghttp.txt  nghttp -v of both runs: every frame nghttp sent
#                           and received, with the decoded headers
source "$(dirname "$0")/lib.sh"
require ip ethtool tcpdump nghttp nghttpd python3 ss

setup_namespaces

root=$(mktemp -d)
trap 'cleanup; rm -rf "$root"' EXIT
python3 - "$root" <<'PY'
import sys, pathlib
root = pathlib.Path(sys.argv[1])
lines = [f"line {i:04d}: the quick brown fox jumps over the lazy dog\n" for i in range(800)]
(root / "page.txt").write_text("".join(lines)[:40960])
(root / "hello.txt").write_text("hello from wirelens\n")
(root / "post.txt").write_text("".join(f"field{i:04d}=value{i:04d}&" for i in range(1200))[:24000])
PY

background_in "$NS_SERVER" nghttpd --no-tls --early-response -d "$root" 8080
wait_for_port tcp 8080

out="$CAPTURES/h2c_session.nghttp.txt"
start_capture "$CAPTURES/h2c_session.pcap" tcp port 8080 or arp
{
    echo "### nghttp -v -n http://$SERVER_V4:8080/page.txt http://$SERVER_V4:8080/hello.txt http://$SERVER_V4:8080/missing"
    in_client nghttp -v -n "http://$SERVER_V4:8080/page.txt" "http://$SERVER_V4:8080/hello.txt" \
        "http://$SERVER_V4:8080/missing" || true
    echo "### nghttp -v -n -d post.txt http://$SERVER_V4:8080/hello.txt"
    in_client nghttp -v -n -d "$root/post.txt" "http://$SERVER_V4:8080/hello.txt" || true
} > "$out" 2>&1
stop_capture

echo "wrote $CAPTURES/h2c_session.pcap"
