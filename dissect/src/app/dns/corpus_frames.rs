//! Real frames of the shared corpus the DNS unit and differential tests use,
//! named by file and frame number and read from the corpus when a test runs.

use crate::testutil::CorpusFrame;

/// dns/dns_a_aaaa_mx.pcap frame 1 (linktype 1, 81 bytes).
pub const MX_QUERY_A: CorpusFrame = CorpusFrame::new("dns/dns_a_aaaa_mx.pcap", 1);

/// dns/dns_a_aaaa_mx.pcap frame 2 (linktype 1, 273 bytes).
pub const MX_RESPONSE_A: CorpusFrame = CorpusFrame::new("dns/dns_a_aaaa_mx.pcap", 2);

/// dns/dns_a_aaaa_mx.pcap frame 4 (linktype 1, 109 bytes).
pub const MX_RESPONSE_AAAA: CorpusFrame = CorpusFrame::new("dns/dns_a_aaaa_mx.pcap", 4);

/// dns/dns_a_aaaa_mx.pcap frame 6 (linktype 1, 189 bytes).
pub const MX_RESPONSE_MX: CorpusFrame = CorpusFrame::new("dns/dns_a_aaaa_mx.pcap", 6);

/// dns/dns_txt_cname.pcap frame 1 (linktype 1, 86 bytes).
pub const TXT_QUERY: CorpusFrame = CorpusFrame::new("dns/dns_txt_cname.pcap", 1);

/// dns/dns_txt_cname.pcap frame 2 (linktype 1, 550 bytes).
pub const TXT_RESPONSE: CorpusFrame = CorpusFrame::new("dns/dns_txt_cname.pcap", 2);

/// dns/dns_srv_rawip.pcap frame 2 (linktype 101, 187 bytes).
pub const SRV_RESPONSE_RAW: CorpusFrame = CorpusFrame::new("dns/dns_srv_rawip.pcap", 2);

/// dns/dnssec_ds.pcap frame 2 (linktype 1, 327 bytes).
pub const DS_RESPONSE: CorpusFrame = CorpusFrame::new("dns/dnssec_ds.pcap", 2);

/// dns/dnssec_dnskey.pcap frame 2 (linktype 1, 1118 bytes).
pub const DNSKEY_RESPONSE: CorpusFrame = CorpusFrame::new("dns/dnssec_dnskey.pcap", 2);

/// dns/dnssec_nsec3.pcap frame 2 (linktype 1, 1240 bytes).
pub const NSEC3_RESPONSE: CorpusFrame = CorpusFrame::new("dns/dnssec_nsec3.pcap", 2);

/// dns/dnssec_nsec.pcap frame 2 (linktype 1, 582 bytes).
pub const NSEC_RESPONSE: CorpusFrame = CorpusFrame::new("dns/dnssec_nsec.pcap", 2);

/// dns/dnssec_rrsig_sshfp.pcap frame 6 (linktype 1, 258 bytes).
pub const SSHFP_RESPONSE: CorpusFrame = CorpusFrame::new("dns/dnssec_rrsig_sshfp.pcap", 6);

/// dns/dns_edns_ecs_mixed.pcap frame 1 (linktype 1, 224 bytes).
pub const SOA_RESPONSE: CorpusFrame = CorpusFrame::new("dns/dns_edns_ecs_mixed.pcap", 1);

/// dns/dns_edns_ecs_mixed.pcap frame 7 (linktype 1, 162 bytes).
pub const TSIG_QUERY: CorpusFrame = CorpusFrame::new("dns/dns_edns_ecs_mixed.pcap", 7);

/// dns/edns_opts.pcap frame 40 (linktype 1, 136 bytes).
pub const EDNS_COOKIE_ECS: CorpusFrame = CorpusFrame::new("dns/edns_opts.pcap", 40);

/// dns/edns_opts.pcap frame 41 (linktype 1, 114 bytes).
pub const EDNS_CHAIN_DHU_PADDING_NSID: CorpusFrame = CorpusFrame::new("dns/edns_opts.pcap", 41);

/// dns/edns_opts.pcap frame 19 (linktype 1, 88 bytes).
pub const EDNS_KEEPALIVE: CorpusFrame = CorpusFrame::new("dns/edns_opts.pcap", 19);

/// dns/dns_cname_additionals.pcap frame 2 (linktype 228, 145 bytes).
pub const CNAME_ADDITIONALS_IPV4: CorpusFrame =
    CorpusFrame::new("dns/dns_cname_additionals.pcap", 2);

/// malformed/dns_corrupt.pcap frame 2 (linktype 1, 111 bytes).
pub const CORRUPT_RESPONSE: CorpusFrame = CorpusFrame::new("malformed/dns_corrupt.pcap", 2);

/// malformed/dns_max_compression_depth.pcap frame 1 (linktype 1, 174 bytes).
pub const MAX_COMPRESSION_DEPTH: CorpusFrame =
    CorpusFrame::new("malformed/dns_max_compression_depth.pcap", 1);
