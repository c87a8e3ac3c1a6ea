//! The DHCP/BOOTP detail tree of `wirelens print -V` against tshark's `-V -n`
//! text, line for line, on every corpus capture that carries DHCP: the
//! layer title with the message type, bit flags drawn as
//! `0... .... .... .... = Broadcast flag: Unicast`, `Server host name not
//! given`, the magic cookie as `DHCP`, each option with its length and value
//! and the hidden raw value left out, and messages the capture cut short
//! (snap length) ending where tshark's end. tshark's output is stored under
//! `tests/data/dhcp-tree/` (made by the `generate.sh` there), so the test
//! needs no tshark.

use wirelens_tests::assert_tree_equals_stored;

const LAYERS: &[&str] = &["Dynamic Host Configuration Protocol"];

const CAPTURES: &[&str] = &[
    // DHCP Discover, Offer, Request and ACK, whole.
    "formats/pcapng_le_basic.pcapng",
    "formats/pcapng_be_basic.pcapng",
    "formats/pcapng_packet_comments.pcapng",
    "formats/pcapng_spb.pcapng",
    "formats/pcapng_nrb_spb_epb.pcapng",
    // The same messages cut by the snap length inside `sname`: plain BOOTP,
    // as tshark never reaches the options.
    "formats/pcapng_multi_if_isb.pcapng",
    "formats/pcapng_custom_blocks_be.pcapng",
    "formats/pcapng_multi_section.pcapng",
];

/// wirelens shows a message the capture cut short with an expert item at
/// the end of the layer; tshark with an item of its own after the layer.
/// The comparison takes one for the other, so the place where each stops
/// is still checked.
const OUR_SHORT: &str =
    "    [Expert Info (Error/Malformed): Packet size limited during capture: DHCP/BOOTP truncated]";
const THEIR_SHORT: &str = "[Packet size limited during capture: DHCP/BOOTP truncated]";

#[test]
fn dhcp_trees_equal_tshark_verbose_text() {
    for capture in CAPTURES {
        assert_tree_equals_stored(
            "dhcp-tree",
            capture,
            LAYERS,
            "\nDynamic Host Configuration Protocol",
            |l| if l == OUR_SHORT { THEIR_SHORT } else { l }.to_string(),
        );
    }
}
