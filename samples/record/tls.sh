#!/usr/bin/env bash
# Records captures/tls/: real TLS sessions between curl / openssl s_client
# and nghttpd / openssl s_server in two network namespaces (see lib.sh),
# each capture with the NSS key log the client wrote (SSLKEYLOGFILE or
# s_client -keylogfile), what the client sent and received, and tshark's
# dissection made with that key log. captures/tls/README.md describes every
# file; run as root:  samples/record/tls.sh [CAPTURE...]   (default: all)
#
#   tls13_h2          TLS 1.3 + HTTP/2 (ALPN h2): curl --http2 against nghttpd,
#                     one connection: GET /hello.txt, GET /page.txt (40 KB),
#                     POST /hello.txt with a 3000-byte body
#   tls13_http11      TLS 1.3 + HTTP/1.1 (ALPN http/1.1): curl against
#                     openssl s_server -WWW, three connections, one per
#                     TLS 1.3 cipher suite
#   tls12_http11      TLS 1.2 + HTTP/1.1: six connections, one per suite:
#                     ECDHE-RSA AES128-GCM, AES256-GCM, CHACHA20-POLY1305,
#                     AES128-SHA256 with encrypt-then-MAC, the same without
#                     (s_server -no_etm), and AES256-SHA (RSA key exchange)
#   tls13_keyupdate   s_client to s_server -rev (echoes lines reversed):
#                     data, KeyUpdate (k), data, KeyUpdate with
#                     update_requested (K), data
#   tls13_early_data  s_client twice to s_server -early_data: the first run
#                     saves the session, the second resumes it and sends
#                     0-RTT early data
#   tls12_resume      TLS 1.2 session resumption: curl's full handshake and
#                     its resumption by session ID, then s_client's full
#                     handshake and its resumption by session ticket
#   tls13_http11.dsb.pcapng   tls13_http11.pcap with its key log embedded
#                     as a Decryption Secrets Block (editcap --inject-secrets)
#   *.badkeys         a key log whose secrets are all bit-inverted (client
#                     randoms intact): decryption must fail
#
# The server's RSA key and self-signed certificate (server.key, server.crt)
# are made by the first run and reused after, so that re-recording one
# capture leaves the others valid: with server.key the AES256-SHA
# connection (RSA key exchange) can also be decrypted without the key log.
source "$(dirname "$0")/lib.sh"
require ip ethtool tcpdump curl openssl nghttpd tshark editcap python3 ss

OUT="$CAPTURES/tls"
mkdir -p "$OUT"
HOST=wirelens.test
ALL=(tls13_h2 tls13_http11 tls12_aead tls12_cbc tls13_keyupdate tls13_early_data tls12_resume)
CHOSEN=("$@")
[ ${#CHOSEN[@]} -gt 0 ] || CHOSEN=("${ALL[@]}")
for name in "${CHOSEN[@]}"; do
    [[ " ${ALL[*]} " == *" $name "* ]] || { echo "unknown capture: $name (one of: ${ALL[*]})" >&2; exit 1; }
done

setup_namespaces

root=$(mktemp -d)
trap 'cleanup; rm -rf "$root"' EXIT
chmod 755 "$root"

# Fixed file contents, so that the expected bodies are the same on every run.
python3 - "$root" <<'PY'
import sys, pathlib
root = pathlib.Path(sys.argv[1])
lines = [f"line {i:04d}: the quick brown fox jumps over the lazy dog\n" for i in range(800)]
text = "".join(lines)
(root / "page.txt").write_text(text[:40960])
# s_server -HTTP sends a file as it is, so the file carries its own
# response head (with Content-Length, so that tshark shows the response).
body = text[:18000]
(root / "medium.txt").write_text(body)
(root / "medium.http").write_text("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                  f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n" + body)
(root / "hello.txt").write_text("hello from wirelens\n")
(root / "post.txt").write_text("".join(f"field{i:04d}=value{i:04d}&" for i in range(200))[:3000])
(root / "early.txt").write_text("early data line 1: sent before the handshake completes\n"
                                "early data line 2: 0-RTT\n")
PY

# Self-signed RSA certificate for wirelens.test (and the server's address).
if [ ! -f "$OUT/server.key" ] || [ ! -f "$OUT/server.crt" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=$HOST/O=wirelens samples" \
        -addext "subjectAltName=DNS:$HOST,IP:$SERVER_V4" \
        -keyout "$OUT/server.key" -out "$OUT/server.crt" 2>/dev/null
    chmod 644 "$OUT/server.key"  # a throwaway test key, meant to be read
fi
cp "$OUT/server.key" "$OUT/server.crt" "$root/"

# Each capture starts with ARP, as the other recorded captures do.
flush_neighbours() {
    ip -n "$NS_CLIENT" neigh flush all
    ip -n "$NS_SERVER" neigh flush all
}

# Fields left out of the stored tshark JSON: raw bytes that the capture
# itself holds (TCP payloads and segments, TLS records as ciphertext) and
# HTTP/2's reassembled body (the DATA frames' http2.data.data stay). With
# them the files would be several times larger.
TRIMMED=tcp.payload,tcp.segment_data,tcp.reassembled.data,tls.segment.data,tls.reassembled.data,tls.app_data,http2.body.reassembled.data

# truth NAME FILE [KEYLOG]: tshark's dissection of FILE with the key log,
# made as the corpus ground truth is (tshark defaults, -n, UTC), into
# NAME.tshark.json: one packet per line, without the fields in $TRIMMED
# (tshark's duplicate keys are kept).
truth() {
    local name=$1 file=$2 keys=${3:-}
    local opts=(-n)
    [ -n "$keys" ] && opts+=(-o "tls.keylog_file:$keys")
    (cd "$OUT" && TSHARK_RUN_AS_ROOT=1 TZ=UTC tshark -r "$file" "${opts[@]}" -T json 2>/dev/null) \
        > "$root/full.json"
    python3 - "$root/full.json" "$OUT/$name.tshark.json" "$TRIMMED" <<'PY'
import json, sys
drop = set(sys.argv[3].split(","))
class Pairs(list):
    pass
def dump(node):
    if isinstance(node, Pairs):
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + dump(v)
                              for k, v in node if k not in drop) + "}"
    if isinstance(node, list):
        return "[" + ",".join(dump(v) for v in node) + "]"
    return json.dumps(node, ensure_ascii=False)
with open(sys.argv[1], "rb") as f:
    doc = json.load(f, object_pairs_hook=Pairs)
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write("[\n" + ",\n".join(dump(p) for p in doc) + "\n]\n")
PY
}

# s_server_for N PORT OPTIONS...: an s_server for N connections
# (-naccept N) in the server namespace, serving files from $root.
s_server_for() {
    local n=$1 port=$2
    shift 2
    background_in "$NS_SERVER" bash -c 'cd "$0" && exec "$@"' "$root" \
        openssl s_server -accept "$port" -naccept "$n" -cert server.crt -key server.key "$@"
    SERVER_PID=$!
    wait_for_port tcp "$port"
}
s_server_once() { s_server_for 1 "$@"; }

# Waits for the server started last to exit after its connections.
wait_server() {
    local tries=0
    while kill -0 "$SERVER_PID" 2>/dev/null; do
        tries=$((tries + 1))
        [ "$tries" -lt 100 ] || { kill "$SERVER_PID"; break; }
        sleep 0.05
    done
    wait "$SERVER_PID" 2>/dev/null || true
}

# curl_in_client KEYLOG ARGS...: curl in the client namespace, resolving
# wirelens.test to the server and trusting its certificate.
curl_in_client() {
    local keys=$1
    shift
    in_client env SSLKEYLOGFILE="$keys" curl --silent --show-error --fail --verbose \
        --resolve "$HOST:443:$SERVER_V4" --cacert "$root/server.crt" "$@"
}

# bad_keys NAME: NAME.badkeys, NAME.keys with every secret bit-inverted and
# the labels and client randoms kept, so that a decryptor finds keys for
# each connection and must notice that they do not work; and tshark with it.
bad_keys() {
    local name=$1
    python3 - "$OUT/$name.keys" "$OUT/$name.badkeys" <<'PY'
import sys
out = []
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) == 3 and not line.startswith("#"):
        bad = "".join(f"{int(c, 16) ^ 0xf:x}" for c in parts[2])
        line = f"{parts[0]} {parts[1]} {bad}\n"
    out.append(line)
open(sys.argv[2], "w").writelines(out)
PY
    truth "$name.badkeys" "$name.pcap" "$name.badkeys"
}

# Removes what an earlier run wrote for capture NAME (NAME.*: the capture,
# its key logs, side files and JSON, the pcapng copy).
forget() {
    rm -f "$OUT/$1".*
}

# TLS 1.3 + HTTP/2: curl and nghttpd, one connection, three requests.
record_tls13_h2() {
    local name=tls13_h2
    forget "$name"
    background_in "$NS_SERVER" nghttpd -d "$root" 443 "$root/server.key" "$root/server.crt"
    SERVER_PID=$!
    wait_for_port tcp 443
    flush_neighbours
    start_capture "$OUT/$name.pcap" tcp port 443 or arp
    curl_in_client "$OUT/$name.keys" --stderr "$OUT/$name.curl.txt" --http2 \
        -o "$OUT/$name.hello.body" "https://$HOST/hello.txt" \
        -o "$OUT/$name.page.body" "https://$HOST/page.txt" \
        --next --http2 --resolve "$HOST:443:$SERVER_V4" --cacert "$root/server.crt" \
        --data-binary "@$root/post.txt" -o "$OUT/$name.post.body" "https://$HOST/hello.txt"
    stop_capture
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
    cp "$root/post.txt" "$OUT/$name.post.sent"
    truth "$name" "$name.pcap" "$name.keys"
    bad_keys "$name"
}

# TLS 1.3 + HTTP/1.1: s_server -HTTP, one connection per cipher suite; and
# the same packets in a pcapng with the key log in a Decryption Secrets
# Block.
record_tls13_http11() {
    local name=tls13_http11 suite
    forget "$name"
    flush_neighbours
    start_capture "$OUT/$name.pcap" tcp port 443 or arp
    for suite in TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256; do
        s_server_once 443 -HTTP -alpn http/1.1 -tls1_3 -ciphersuites "$suite"
        echo "### $suite" >> "$OUT/$name.curl.txt"
        curl_in_client "$OUT/$name.keys" --stderr - --http1.1 --tlsv1.3 --tls13-ciphers "$suite" \
            -o "$OUT/$name.$suite.body" "https://$HOST/medium.http" >> "$OUT/$name.curl.txt"
        wait_server
    done
    stop_capture
    truth "$name" "$name.pcap" "$name.keys"
    editcap --inject-secrets "tls,$OUT/$name.keys" "$OUT/$name.pcap" "$OUT/$name.dsb.pcapng"
    truth "$name.dsb" "$name.dsb.pcapng"
}

# record_tls12 NAME LABEL:SUITE:EXTRA...: TLS 1.2 + HTTP/1.1 against
# s_server -HTTP, one connection per entry (LABEL names its body file,
# EXTRA is an extra s_server option).
record_tls12() {
    local name=$1 conn label suite extra
    shift
    forget "$name"
    flush_neighbours
    start_capture "$OUT/$name.pcap" tcp port 443 or arp
    for conn in "$@"; do
        IFS=: read -r label suite extra <<< "$conn"
        s_server_once 443 -HTTP -alpn http/1.1 -tls1_2 -cipher "$suite" ${extra:+"$extra"}
        echo "### $label" >> "$OUT/$name.curl.txt"
        curl_in_client "$OUT/$name.keys" --stderr - --http1.1 --tlsv1.2 --tls-max 1.2 \
            --ciphers "$suite" -o "$OUT/$name.$label.body" "https://$HOST/medium.http" \
            >> "$OUT/$name.curl.txt"
        wait_server
    done
    stop_capture
    truth "$name" "$name.pcap" "$name.keys"
}
record_tls12_aead() {
    record_tls12 tls12_aead \
        ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256: \
        ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384: \
        ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:
    bad_keys tls12_aead
}
record_tls12_cbc() {
    record_tls12 tls12_cbc \
        ECDHE-RSA-AES128-SHA256-etm:ECDHE-RSA-AES128-SHA256: \
        ECDHE-RSA-AES128-SHA256-noetm:ECDHE-RSA-AES128-SHA256:-no_etm \
        AES256-SHA:AES256-SHA:
}

# TLS 1.2 session resumption, ECDHE-RSA-AES128-GCM-SHA256, four
# connections. By session ID: one curl run fetches the file twice; the
# server closes each connection (Connection: close), so the second fetch
# opens a new connection and curl offers the first one's session ID (curl
# does not offer TLS 1.2 session tickets). By session ticket: s_client
# twice, the first run saving the session with its ticket (-sess_out), the
# second resuming it (-sess_in); its request is request.txt, its output
# (-quiet) the raw response.
record_tls12_resume() {
    local name=tls12_resume run
    forget "$name"
    printf 'GET /medium.http HTTP/1.1\r\nHost: %s\r\nUser-Agent: openssl-s_client\r\n\r\n' \
        "$HOST" > "$OUT/$name.request.txt"
    flush_neighbours
    start_capture "$OUT/$name.pcap" tcp port 443 or arp
    s_server_for 2 443 -HTTP -alpn http/1.1 -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 -no_ticket
    curl_in_client "$OUT/$name.keys" --stderr "$OUT/$name.curl.txt" --http1.1 --tlsv1.2 \
        --tls-max 1.2 --ciphers ECDHE-RSA-AES128-GCM-SHA256 \
        -o "$OUT/$name.session-id.full.body" "https://$HOST/medium.http" \
        -o "$OUT/$name.session-id.resumed.body" "https://$HOST/medium.http"
    wait_server
    rm -f "$root/sess12.pem"
    s_server_for 2 443 -HTTP -alpn http/1.1 -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
    for run in full resumed; do
        in_client openssl s_client -connect "$SERVER_V4:443" -servername "$HOST" \
            -CAfile "$root/server.crt" -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 \
            -alpn http/1.1 -keylogfile "$OUT/$name.keys" -quiet \
            $([ "$run" = full ] && echo -sess_out || echo -sess_in) "$root/sess12.pem" \
            < "$OUT/$name.request.txt" > "$OUT/$name.ticket.$run.response" 2>/dev/null || true
    done
    wait_server
    stop_capture
    truth "$name" "$name.pcap" "$name.keys"
}

# TLS 1.3 KeyUpdate: s_client's command letters k and K (alone on a line)
# send a KeyUpdate, K with update_requested, to which the server answers
# with its own. s_server -rev sends every line back reversed; it sleeps a
# second after reading a KeyUpdate, hence the long pauses.
record_tls13_keyupdate() {
    local name=tls13_keyupdate line
    forget "$name"
    printf '%s\n' "line 1 before any key update" k "line 2 after the client's key update" K \
        "line 3 after the requested key update" > "$OUT/$name.input.txt"
    s_server_once 4433 -rev -tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256
    flush_neighbours
    start_capture "$OUT/$name.pcap" tcp port 4433 or arp
    while IFS= read -r line; do
        printf '%s\n' "$line"
        sleep 1.5
    done < "$OUT/$name.input.txt" | in_client openssl s_client -connect "$SERVER_V4:4433" \
        -servername "$HOST" -CAfile "$root/server.crt" -tls1_3 -keylogfile "$OUT/$name.keys" \
        > "$OUT/$name.s_client.txt" 2>&1 || true
    wait_server
    stop_capture
    truth "$name" "$name.pcap" "$name.keys"
}

# TLS 1.3 0-RTT: the first s_client run stores the session (its ticket
# allows early data), the second resumes it and sends early.txt as early
# data, then one line after the handshake. The server prints what it
# received; through a FIFO on its stdin it sends one line to each client.
record_tls13_early_data() {
    local name=tls13_early_data
    forget "$name"
    cp "$root/early.txt" "$OUT/$name.early.txt"
    rm -f "$root/server-in" "$root/sess.pem"
    mkfifo "$root/server-in"
    background_in "$NS_SERVER" bash -c 'cd "$0" && exec "$@" < server-in > s_server.out' "$root" \
        openssl s_server -accept 4433 -naccept 2 -cert server.crt -key server.key -tls1_3 \
        -early_data
    SERVER_PID=$!
    exec 3> "$root/server-in"
    wait_for_port tcp 4433
    flush_neighbours
    start_capture "$OUT/$name.pcap" tcp port 4433 or arp
    {
        echo "### first connection (-sess_out)"
        { echo "first connection: full handshake"; sleep 0.5
          echo "server line to the first connection" >&3; sleep 0.5; } |
            in_client openssl s_client -connect "$SERVER_V4:4433" -servername "$HOST" \
                -CAfile "$root/server.crt" -tls1_3 -keylogfile "$OUT/$name.keys" \
                -sess_out "$root/sess.pem" 2>&1 || true
        sleep 0.3
        echo "### second connection (-sess_in, -early_data)"
        { sleep 0.3; echo "second connection: after the handshake"; sleep 0.5
          echo "server line to the second connection" >&3; sleep 0.5; } |
            in_client openssl s_client -connect "$SERVER_V4:4433" -servername "$HOST" \
                -CAfile "$root/server.crt" -tls1_3 -keylogfile "$OUT/$name.keys" \
                -sess_in "$root/sess.pem" -early_data "$root/early.txt" 2>&1 || true
    } > "$OUT/$name.s_client.txt"
    wait_server
    exec 3>&-
    stop_capture
    cp "$root/s_server.out" "$OUT/$name.s_server.txt"
    truth "$name" "$name.pcap" "$name.keys"
}

# What tshark decrypts with each key log: packets with HTTP, HTTP/2 or
# decrypted opaque data (the echo sessions), and KeyUpdates, for the README.
summary() {
    local file keys flt
    printf '%-28s %-18s %7s %5s %6s %5s %5s\n' capture keylog packets http http2 data keyupd
    for file in tls13_h2.pcap tls13_http11.pcap tls13_http11.dsb.pcapng tls12_aead.pcap \
        tls12_cbc.pcap tls12_resume.pcap tls13_keyupdate.pcap tls13_early_data.pcap \
        tls13_h2.pcap:badkeys tls12_aead.pcap:badkeys; do
        keys=${file%.pcap*}.keys
        case $file in
            *:badkeys) file=${file%:badkeys}; keys=${file%.pcap}.badkeys ;;
            *.dsb.pcapng) keys="" ;;
        esac
        [ -f "$OUT/$file" ] || continue
        local counts=()
        for flt in "" http http2 data tls.handshake.type==24; do
            counts+=("$(cd "$OUT" && TSHARK_RUN_AS_ROOT=1 tshark -r "$file" -n \
                ${keys:+-o "tls.keylog_file:$keys"} ${flt:+-Y "$flt"} 2>/dev/null | wc -l)")
        done
        printf '%-28s %-18s %7s %5s %6s %5s %5s\n' "$file" "${keys:-(embedded)}" "${counts[@]}"
    done
    # The RSA key exchange connection, decrypted with the server's key alone.
    echo "tls12_cbc.pcap with server.key only: $(cd "$OUT" && TSHARK_RUN_AS_ROOT=1 tshark \
        -r tls12_cbc.pcap -n -o "tls.keys_list:$SERVER_V4,443,http,server.key" -Y http \
        2>/dev/null | wc -l) HTTP packets"
}

for name in "${CHOSEN[@]}"; do
    echo "== $name"
    "record_$name"
done
summary
echo "wrote $OUT"
