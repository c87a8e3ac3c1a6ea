#!/usr/bin/env bash
# Re-records every capture under samples/captures/. Needs root and the tools
# named in each script (Debian: tcpdump curl dnsutils dnsmasq iproute2
# iputils-ping ethtool python3 nghttp2-client nghttp2-server openssl;
# wireshark-common for the pcapng copies, tshark for the TLS ground truth).
set -euo pipefail
cd "$(dirname "$0")"
for script in http_get.sh dns_lookup.sh icmp_ping.sh cwnd.sh h2c_session.sh tls.sh tls10_tls11.sh; do
    echo "== $script"
    bash "$script"
done
