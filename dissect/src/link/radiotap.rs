//! Radiotap (LINKTYPE_IEEE802_11_RADIOTAP): the capture-time radio header in
//! front of an 802.11 frame. A chain of `present` bitmap words says which
//! fields follow; each field is aligned to its natural size relative to the
//! start of the header. Fields of an unknown bit cannot be skipped (their size
//! and alignment are unknown), so, like Wireshark's iterator, the walk stops
//! there and the rest of the header is skipped by its length.

use crate::declare_fields;
use crate::dissector::Cx;
use crate::link::{ieee80211, wlan_radio};
use crate::model::{Protocol, Span, Value};

pub static RADIOTAP: Protocol = Protocol {
    name: "radiotap",
    label: "Radiotap Header",
    short: "802.11",
};

declare_fields! {
    VERSION = "radiotap.version", "Header revision", U8;
    PAD = "radiotap.pad", "Header pad", U8;
    LENGTH = "radiotap.length", "Header length", U16;
    PRESENT = "radiotap.present", "Present flags", None;
    PRESENT_WORD = "radiotap.present.word", "Present flags word", U32, Hex(8);
    P_TSFT = "radiotap.present.tsft", "TSFT", Bool;
    P_FLAGS = "radiotap.present.flags", "Flags", Bool;
    P_RATE = "radiotap.present.rate", "Rate", Bool;
    P_CHANNEL = "radiotap.present.channel", "Channel", Bool;
    P_FHSS = "radiotap.present.fhss", "FHSS", Bool;
    P_DBM_ANTSIGNAL = "radiotap.present.dbm_antsignal", "dBm Antenna Signal", Bool;
    P_DBM_ANTNOISE = "radiotap.present.dbm_antnoise", "dBm Antenna Noise", Bool;
    P_LOCK_QUALITY = "radiotap.present.lock_quality", "Lock Quality", Bool;
    P_TX_ATTENUATION = "radiotap.present.tx_attenuation", "TX Attenuation", Bool;
    P_DB_TX_ATTENUATION = "radiotap.present.db_tx_attenuation", "dB TX Attenuation", Bool;
    P_DBM_TX_POWER = "radiotap.present.dbm_tx_power", "dBm TX Power", Bool;
    P_ANTENNA = "radiotap.present.antenna", "Antenna", Bool;
    P_DB_ANTSIGNAL = "radiotap.present.db_antsignal", "dB Antenna Signal", Bool;
    P_DB_ANTNOISE = "radiotap.present.db_antnoise", "dB Antenna Noise", Bool;
    P_RXFLAGS = "radiotap.present.rxflags", "RX flags", Bool;
    P_TXFLAGS = "radiotap.present.txflags", "TX flags", Bool;
    P_DATA_RETRIES = "radiotap.present.data_retries", "Data retries", Bool;
    P_XCHANNEL = "radiotap.present.xchannel", "Channel+", Bool;
    P_MCS = "radiotap.present.mcs", "MCS information", Bool;
    P_AMPDU = "radiotap.present.ampdu", "A-MPDU Status", Bool;
    P_VHT = "radiotap.present.vht", "VHT information", Bool;
    P_TIMESTAMP = "radiotap.present.timestamp", "frame timestamp", Bool;
    P_HE = "radiotap.present.he", "HE information", Bool;
    P_HE_MU = "radiotap.present.he_mu", "HE-MU information", Bool;
    P_PSDU = "radiotap.present.0_length.psdu", "0 Length PSDU", Bool;
    P_LSIG = "radiotap.present.l_sig", "L-SIG", Bool;
    P_TLV = "radiotap.present.tlv", "TLVs", Bool;
    P_RTAP_NS = "radiotap.present.rtap_ns", "Radiotap NS next", Bool;
    P_VENDOR_NS = "radiotap.present.vendor_ns", "Vendor NS next", Bool;
    P_EXT = "radiotap.present.ext", "Ext", Bool;
    MACTIME = "radiotap.mactime", "MAC timestamp", U64;
    FLAGS = "radiotap.flags", "Flags", U8, Hex(2);
    FLAGS_CFP = "radiotap.flags.cfp", "CFP", Bool;
    FLAGS_PREAMBLE = "radiotap.flags.preamble", "Preamble", Bool;
    FLAGS_WEP = "radiotap.flags.wep", "WEP", Bool;
    FLAGS_FRAG = "radiotap.flags.frag", "Fragmentation", Bool;
    FLAGS_FCS = "radiotap.flags.fcs", "FCS at end", Bool;
    FLAGS_DATAPAD = "radiotap.flags.datapad", "Data Pad", Bool;
    FLAGS_BADFCS = "radiotap.flags.badfcs", "Bad FCS", Bool;
    FLAGS_SHORTGI = "radiotap.flags.shortgi", "Short GI", Bool;
    DATARATE = "radiotap.datarate", "Data rate (Mb/s)", Float;
    CHANNEL_FREQ = "radiotap.channel.freq", "Channel frequency", U16;
    CHANNEL_FLAGS = "radiotap.channel.flags", "Channel flags", U16, Hex(4);
    CF_700 = "radiotap.channel.flags.700mhz", "700 MHz spectrum", Bool;
    CF_800 = "radiotap.channel.flags.800mhz", "800 MHz spectrum", Bool;
    CF_900 = "radiotap.channel.flags.900mhz", "900 MHz spectrum", Bool;
    CF_TURBO = "radiotap.channel.flags.turbo", "Turbo", Bool;
    CF_CCK = "radiotap.channel.flags.cck", "Complementary Code Keying (CCK)", Bool;
    CF_OFDM = "radiotap.channel.flags.ofdm", "Orthogonal Frequency-Division Multiplexing (OFDM)", Bool;
    CF_2GHZ = "radiotap.channel.flags.2ghz", "2 GHz spectrum", Bool;
    CF_5GHZ = "radiotap.channel.flags.5ghz", "5 GHz spectrum", Bool;
    CF_PASSIVE = "radiotap.channel.flags.passive", "Passive", Bool;
    CF_DYNAMIC = "radiotap.channel.flags.dynamic", "Dynamic CCK-OFDM", Bool;
    CF_GFSK = "radiotap.channel.flags.gfsk", "Gaussian Frequency Shift Keying (GFSK)", Bool;
    CF_GSM = "radiotap.channel.flags.gsm", "GSM (900MHz)", Bool;
    CF_STURBO = "radiotap.channel.flags.sturbo", "Static Turbo", Bool;
    CF_HALF = "radiotap.channel.flags.half", "Half Rate Channel (10MHz Channel Width)", Bool;
    CF_QUARTER = "radiotap.channel.flags.quarter", "Quarter Rate Channel (5MHz Channel Width)", Bool;
    FHSS_HOPSET = "radiotap.fhss.hopset", "FHSS Hop Set", U8;
    FHSS_PATTERN = "radiotap.fhss.pattern", "FHSS Pattern", U8;
    DBM_ANTSIGNAL = "radiotap.dbm_antsignal", "Antenna signal", I32;
    DBM_ANTNOISE = "radiotap.dbm_antnoise", "Antenna noise", I32;
    QUALITY = "radiotap.quality", "Signal Quality", U16;
    TXATTENUATION = "radiotap.txattenuation", "Transmit attenuation", U16;
    DB_TXATTENUATION = "radiotap.db_txattenuation", "Transmit attenuation (dB)", U16;
    TXPOWER = "radiotap.txpower", "Transmit power", I32;
    ANTENNA = "radiotap.antenna", "Antenna", U32;
    DB_ANTSIGNAL = "radiotap.db_antsignal", "SSI Signal (dB)", U32;
    DB_ANTNOISE = "radiotap.db_antnoise", "SSI Noise (dB)", U32;
    RXFLAGS = "radiotap.rxflags", "RX flags", U16, Hex(4);
    RXFLAGS_BADPLCP = "radiotap.rxflags.badplcp", "Bad PLCP", Bool;
    TXFLAGS = "radiotap.txflags", "TX flags", U16, Hex(4);
    TXFLAGS_FAIL = "radiotap.rxflags.fail", "Fail", Bool;
    TXFLAGS_CTS = "radiotap.rxflags.cts", "CTS-to-self", Bool;
    TXFLAGS_RTS = "radiotap.rxflags.rts", "RTS/CTS", Bool;
    TXFLAGS_NOACK = "radiotap.rxflags.noack", "No ACK", Bool;
    TXFLAGS_NOSEQNO = "radiotap.rxflags.noseqno", "Pre-configured Sequence Number", Bool;
    TXFLAGS_ORDER = "radiotap.rxflags.order", "Don't reorder", Bool;
    DATA_RETRIES = "radiotap.data_retries", "Data retries", U8;
    XCHANNEL_FLAGS = "radiotap.xchannel.flags", "Channel flags", U32, Hex(8);
    XCF_TURBO = "radiotap.xchannel.flags.turbo", "Turbo", Bool;
    XCF_CCK = "radiotap.xchannel.flags.cck", "Complementary Code Keying (CCK)", Bool;
    XCF_OFDM = "radiotap.xchannel.flags.ofdm", "Orthogonal Frequency-Division Multiplexing (OFDM)", Bool;
    XCF_2GHZ = "radiotap.xchannel.flags.2ghz", "2 GHz spectrum", Bool;
    XCF_5GHZ = "radiotap.xchannel.flags.5ghz", "5 GHz spectrum", Bool;
    XCF_PASSIVE = "radiotap.channel.xtype.passive", "Passive", Bool;
    XCF_DYNAMIC = "radiotap.xchannel.flags.dynamic", "Dynamic CCK-OFDM", Bool;
    XCF_GFSK = "radiotap.xchannel.flags.gfsk", "Gaussian Frequency Shift Keying (GFSK)", Bool;
    XCF_GSM = "radiotap.xchannel.flags.gsm", "GSM (900MHz)", Bool;
    XCF_STURBO = "radiotap.xchannel.flags.sturbo", "Status Turbo", Bool;
    XCF_HALF = "radiotap.xchannel.flags.half", "Half Rate Channel (10MHz Channel Width)", Bool;
    XCF_QUARTER = "radiotap.xchannel.flags.quarter", "Quarter Rate Channel (5MHz Channel Width)", Bool;
    XCF_HT20 = "radiotap.xchannel.flags.ht20", "HT Channel (20MHz Channel Width)", Bool;
    XCF_HT40U = "radiotap.xchannel.flags.ht40u", "HT Channel (40MHz Channel Width with Extension channel above)", Bool;
    XCF_HT40D = "radiotap.xchannel.flags.ht40d", "HT Channel (40MHz Channel Width with Extension channel below)", Bool;
    XCHANNEL_FREQ = "radiotap.xchannel.freq", "Channel frequency", U32;
    XCHANNEL_CHANNEL = "radiotap.xchannel.channel", "Channel number", U32;
    XCHANNEL_MAXPOWER = "radiotap.xchannel.max_tx_power", "Max transmit power", U32;
    MCS = "radiotap.mcs", "MCS information", None;
    MCS_KNOWN = "radiotap.mcs.known", "Known MCS information", U8, Hex(2);
    MCS_HAVE_BW = "radiotap.mcs.have_bw", "Bandwidth", Bool;
    MCS_HAVE_INDEX = "radiotap.mcs.have_index", "MCS index", Bool;
    MCS_HAVE_GI = "radiotap.mcs.have_gi", "Guard interval", Bool;
    MCS_HAVE_FORMAT = "radiotap.mcs.have_format", "Format", Bool;
    MCS_HAVE_FEC = "radiotap.mcs.have_fec", "FEC type", Bool;
    MCS_HAVE_STBC = "radiotap.mcs.have_stbc", "STBC known", Bool;
    MCS_HAVE_NESS = "radiotap.mcs.have_ness", "Number of extension spatial streams known", Bool;
    MCS_BW = "radiotap.mcs.bw", "Bandwidth", U8;
    MCS_GI = "radiotap.mcs.gi", "Guard interval", Bool;
    MCS_FORMAT = "radiotap.mcs.format", "Format", Bool;
    MCS_FEC = "radiotap.mcs.fec", "FEC", Bool;
    MCS_STBC = "radiotap.mcs.stbc", "STBC streams", U8;
    MCS_NESS = "radiotap.mcs.ness", "Number of extension spatial streams", U8;
    MCS_INDEX = "radiotap.mcs.index", "MCS index", U8;
    AMPDU = "radiotap.ampdu", "A-MPDU status", None;
    AMPDU_REFERENCE = "radiotap.ampdu.reference", "A-MPDU reference number", U32;
    AMPDU_FLAGS = "radiotap.ampdu.flags", "A-MPDU flags", U16, Hex(4);
    AMPDU_REPORT_ZEROLEN = "radiotap.ampdu.flags.report_zerolen", "Driver reports 0-length subframes in this A-MPDU", Bool;
    AMPDU_IS_ZEROLEN = "radiotap.ampdu.flags.is_zerolen", "This is a 0-length subframe", Bool;
    AMPDU_LASTKNOWN = "radiotap.ampdu.flags.lastknown", "Last subframe of this A-MPDU is known", Bool;
    AMPDU_LAST = "radiotap.ampdu.flags.last", "This is the last subframe of this A-MPDU", Bool;
    AMPDU_DELIM_CRC_ERROR = "radiotap.ampdu.flags.delim_crc_error", "Delimiter CRC error on this subframe", Bool;
    AMPDU_EOF = "radiotap.ampdu.flags.eof", "EOF on this subframe", Bool;
    AMPDU_EOF_KNOWN = "radiotap.ampdu.flags.eof_known", "EOF of this A-MPDU is known", Bool;
    AMPDU_DELIM_CRC = "radiotap.ampdu.delim_crc", "A-MPDU subframe delimiter CRC", U8, Hex(2);
    VHT = "radiotap.vht", "VHT information", None;
    VHT_KNOWN = "radiotap.vht.known", "Known VHT information", U16, Hex(2);
    VHT_HAVE_STBC = "radiotap.vht.have_stbc", "STBC", Bool;
    VHT_HAVE_TXOP_PS = "radiotap.vht.have_txop_ps", "TXOP_PS_NOT_ALLOWED", Bool;
    VHT_HAVE_GI = "radiotap.vht.have_gi", "Guard interval", Bool;
    VHT_HAVE_SGI_NSYM_DA = "radiotap.vht.have_sgi_nsym_da", "SGI Nsym disambiguation", Bool;
    VHT_LDPC_EXTRA = "radiotap.vht.ldpc_extra", "LDPC extra OFDM symbol", Bool;
    VHT_HAVE_BEAMFORMED = "radiotap.vht.have_beamformed", "Beamformed", Bool;
    VHT_HAVE_BW = "radiotap.mcs.have_bw", "Bandwidth", Bool;
    VHT_HAVE_GID = "radiotap.mcs.have_gid", "Group Id", Bool;
    VHT_HAVE_PAID = "radiotap.mcs.have_paid", "Partial AID", Bool;
    VHT_STBC = "radiotap.vht.stbc", "STBC", Bool;
    VHT_TXOP_PS = "radiotap.vht.txop_ps", "TXOP_PS_NOT_ALLOWED", Bool;
    VHT_GI = "radiotap.vht.gi", "Short GI", Bool;
    VHT_BW = "radiotap.vht.bw", "Bandwidth", U8;
    VHT_USER = "radiotap.vht.user", "User", None;
    VHT_MCS0 = "radiotap.vht.mcs.0", "MCS index 0", U8;
    VHT_NSS0 = "radiotap.vht.nss.0", "Number of spatial streams 0", U8;
    VHT_CODING0 = "radiotap.vht.coding.0", "Coding 0", U8;
    VHT_DATARATE0 = "radiotap.vht.datarate.0", "Data rate (Mb/s) 0", Float;
    VHT_GID = "radiotap.vht.gid", "Group Id", U8;
    VHT_PAID = "radiotap.vht.paid", "Partial AID", U16;
    TIMESTAMP = "radiotap.timestamp", "timestamp information", None;
    TIMESTAMP_TS = "radiotap.timestamp.ts", "timestamp", U64;
    TIMESTAMP_ACCURACY = "radiotap.timestamp.accuracy", "accuracy", U16;
    TIMESTAMP_UNIT = "radiotap.timestamp.unit", "time unit", U8;
    TIMESTAMP_SAMPLINGPOS = "radiotap.timestamp.samplingpos", "sampling position", U8;
    TIMESTAMP_FLAGS_32BIT = "radiotap.timestamp.flags.32bit", "32-bit counter", Bool;
    TIMESTAMP_FLAGS_ACCURACY = "radiotap.timestamp.flags.accuracy", "accuracy known", Bool;
    HE = "radiotap.he", "HE information", Bytes;
    HE_MU = "radiotap.he_mu", "HE-MU information", Bytes;
    LSIG = "radiotap.l_sig", "L-SIG", Bytes;
    VENDOR_OUI = "radiotap.vendor_oui", "Vendor OUI", U32, Hex(6);
    VENDOR_SUBNS = "radiotap.vendor_subns", "Vendor sub namespace", U8;
    VENDOR_DATA_LEN = "radiotap.vendor_data_len", "Vendor data length", U16;
    VENDOR_DATA = "radiotap.vendor_data", "Vendor data", Bytes;
}

/// Version, pad, length and the first present word.
const FIXED_LEN: usize = 8;
/// A bitmap chain longer than this is not a real header (the spec defines
/// far fewer namespaces); it also bounds the walk of a bitmap that never ends.
const MAX_PRESENT_WORDS: usize = 32;

const BIT_RTAP_NS: u32 = 29;
const BIT_VENDOR_NS: u32 = 30;
const BIT_EXT: u32 = 31;

/// Radio facts the wlan_radio summary and the 802.11 layer need.
#[derive(Clone, Copy, Debug, Default)]
pub struct RadioInfo {
    pub flags: Option<u8>,
    /// In 500 kb/s units.
    pub rate: Option<u8>,
    pub freq: Option<u16>,
    pub chan_flags: Option<u16>,
    pub xchannel: Option<(u32, u16, u8)>,
    pub dbm_signal: Option<i8>,
    pub dbm_noise: Option<i8>,
    pub db_signal: Option<u8>,
    pub db_noise: Option<u8>,
    pub tsft: Option<u64>,
    /// known, flags, index.
    pub mcs: Option<(u8, u8, u8)>,
    pub vht: Option<Vht>,
    /// reference, flags, delimiter CRC.
    pub ampdu: Option<(u32, u16, u8)>,
    /// Bytes of the 802.11 frame on the wire (with its FCS).
    pub frame_len: usize,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Vht {
    pub known: u16,
    pub flags: u8,
    pub bw: u8,
    pub mcs_nss: [u8; 4],
    pub coding: u8,
}

impl RadioInfo {
    pub fn fcs_at_end(&self) -> bool {
        self.flags.is_some_and(|f| f & 0x10 != 0)
    }
    pub fn datapad(&self) -> bool {
        self.flags.is_some_and(|f| f & 0x20 != 0)
    }
    pub fn bad_fcs(&self) -> bool {
        self.flags.is_some_and(|f| f & 0x40 != 0)
    }
}

/// Which field set a present word's bits refer to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Namespace {
    /// Radiotap fields, the word's bit 0 being field number `base`.
    Radiotap {
        base: u32,
    },
    Vendor {
        first: bool,
    },
}

fn le16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}
fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}
fn le64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// Alignment and size of radiotap field `index` (radiotap.org/fields/defined).
fn field_layout(index: u32) -> Option<(usize, usize)> {
    Some(match index {
        0 => (8, 8),
        1 | 2 => (1, 1),
        3 => (2, 4),
        4 => (2, 2),
        5 | 6 => (1, 1),
        7..=9 => (2, 2),
        10..=13 => (1, 1),
        14 | 15 => (2, 2),
        16 | 17 => (1, 1),
        18 => (4, 8),
        19 => (1, 3),
        20 => (4, 8),
        21 => (2, 12),
        22 => (8, 12),
        23 => (2, 12),
        24 => (2, 12),
        25 => (2, 6),
        26 => (1, 1),
        27 => (2, 4),
        _ => return None,
    })
}

/// Dissects a radiotap header and the 802.11 frame after it.
pub fn dissect(cx: &mut Cx<'_>, off: usize, buf: &[u8]) -> usize {
    cx.pkt.begin_layer(&RADIOTAP, Span::new(off, buf.len()));
    cx.pkt.set_title(|t| t.push_str("Radiotap Header v0"));
    if buf.len() < FIXED_LEN {
        cx.pkt.malformed(
            Span::new(off, buf.len()),
            format!(
                "radiotap header needs {FIXED_LEN} bytes, frame has {}",
                buf.len()
            ),
        );
        return buf.len();
    }
    let version = buf[0];
    let hdr_len = le16(buf, 2).unwrap_or(0) as usize;
    cx.pkt
        .add(&VERSION, Span::new(off, 1), Value::Uint(version as u64));
    cx.pkt
        .add(&PAD, Span::new(off + 1, 1), Value::Uint(buf[1] as u64));
    cx.pkt
        .add(&LENGTH, Span::new(off + 2, 2), Value::Uint(hdr_len as u64));
    cx.pkt.set_title(|t| {
        use std::fmt::Write as _;
        let _ = write!(t, "Radiotap Header v{version}, Length {hdr_len}");
    });
    if hdr_len < FIXED_LEN || hdr_len > buf.len() {
        cx.pkt.malformed(
            Span::new(off + 2, 2),
            format!(
                "radiotap length {hdr_len} is outside the {FIXED_LEN}..={} bytes of the frame",
                buf.len()
            ),
        );
        return buf.len();
    }
    cx.pkt.set_layer_len(hdr_len);
    let hdr = &buf[..hdr_len];
    let mut info = RadioInfo {
        frame_len: (cx.meta.orig_len as usize).saturating_sub(off + hdr_len),
        ..RadioInfo::default()
    };
    if version == 0 {
        let words = present_words(cx, off, hdr);
        walk_fields(cx, off, hdr, &words, &mut info);
    } else {
        // Only version 0 is defined: its fields cannot be trusted, but the
        // length still says where the 802.11 frame starts (as in Wireshark).
        cx.pkt.expert(
            crate::model::Severity::Warn,
            crate::model::Group::Malformed,
            Span::new(off, 1),
            format!("unknown radiotap version {version}: fields not dissected"),
        );
    }
    wlan_radio::dissect(cx, off, hdr_len, &info);
    let rest = &buf[hdr_len..];
    ieee80211::dissect(cx, off + hdr_len, rest, Some(&info));
    buf.len()
}

/// Reads and shows the chain of present words; returns each with its namespace.
fn present_words(cx: &mut Cx<'_>, off: usize, hdr: &[u8]) -> Vec<(u32, Namespace)> {
    let mut words = Vec::new();
    let mut ns = Namespace::Radiotap { base: 0 };
    let mut at = 4;
    cx.pkt.add(&PRESENT, Span::new(off + 4, 4), Value::None);
    cx.pkt.subtree(|p| loop {
        let Some(word) = le32(hdr, at) else {
            p.malformed(
                Span::new(off + at.min(hdr.len()), hdr.len().saturating_sub(at)),
                "extended present bitmap runs past the radiotap header length",
            );
            break;
        };
        let span = Span::new(off + at, 4);
        p.add_tree(&PRESENT_WORD, span, Value::Uint(word as u64), |p| {
            if p.tree {
                present_bits(p, span, word, ns == Namespace::Radiotap { base: 0 });
            }
        });
        words.push((word, ns));
        at += 4;
        if word & (1 << BIT_EXT) == 0 {
            break;
        }
        if words.len() >= MAX_PRESENT_WORDS {
            p.malformed(span, "too many extended present bitmaps");
            break;
        }
        ns = if word & (1 << BIT_RTAP_NS) != 0 {
            Namespace::Radiotap { base: 0 }
        } else if word & (1 << BIT_VENDOR_NS) != 0 {
            Namespace::Vendor { first: true }
        } else {
            match ns {
                Namespace::Radiotap { base } => Namespace::Radiotap { base: base + 32 },
                Namespace::Vendor { .. } => Namespace::Vendor { first: false },
            }
        };
    });
    words
}

/// The bits of one present word; the defined fields only for a word that starts a radiotap namespace.
fn present_bits(p: &mut crate::model::Packet, span: Span, word: u32, fields: bool) {
    const DEFINED: [(u32, &crate::model::FieldDef); 27] = [
        (0, &P_TSFT),
        (1, &P_FLAGS),
        (2, &P_RATE),
        (3, &P_CHANNEL),
        (4, &P_FHSS),
        (5, &P_DBM_ANTSIGNAL),
        (6, &P_DBM_ANTNOISE),
        (7, &P_LOCK_QUALITY),
        (8, &P_TX_ATTENUATION),
        (9, &P_DB_TX_ATTENUATION),
        (10, &P_DBM_TX_POWER),
        (11, &P_ANTENNA),
        (12, &P_DB_ANTSIGNAL),
        (13, &P_DB_ANTNOISE),
        (14, &P_RXFLAGS),
        (15, &P_TXFLAGS),
        (17, &P_DATA_RETRIES),
        (18, &P_XCHANNEL),
        (19, &P_MCS),
        (20, &P_AMPDU),
        (21, &P_VHT),
        (22, &P_TIMESTAMP),
        (23, &P_HE),
        (24, &P_HE_MU),
        (26, &P_PSDU),
        (27, &P_LSIG),
        (28, &P_TLV),
    ];
    if fields {
        for (bit, def) in DEFINED {
            p.add(def, span, Value::Bool(word & (1 << bit) != 0));
        }
    }
    p.add(
        &P_RTAP_NS,
        span,
        Value::Bool(word & (1 << BIT_RTAP_NS) != 0),
    );
    p.add(
        &P_VENDOR_NS,
        span,
        Value::Bool(word & (1 << BIT_VENDOR_NS) != 0),
    );
    p.add(&P_EXT, span, Value::Bool(word & (1 << BIT_EXT) != 0));
}

/// Walks the fields the present words announce, in bit order, each at its alignment.
fn walk_fields(
    cx: &mut Cx<'_>,
    off: usize,
    hdr: &[u8],
    words: &[(u32, Namespace)],
    info: &mut RadioInfo,
) {
    let mut pos = FIXED_LEN + 4 * words.len().saturating_sub(1);
    for &(word, ns) in words {
        match ns {
            Namespace::Vendor { first: true } => {
                // A vendor namespace announces how much data it has: skip it whole.
                pos = (pos + 1) & !1;
                let (Some(oui), Some(len)) = (hdr.get(pos..pos + 4), le16(hdr, pos + 4)) else {
                    cx.pkt.malformed(
                        Span::new(off + pos.min(hdr.len()), 0),
                        "vendor namespace header runs past the radiotap header length",
                    );
                    return;
                };
                let oui_v = u32::from_be_bytes([0, oui[0], oui[1], oui[2]]);
                cx.pkt.add(
                    &VENDOR_OUI,
                    Span::new(off + pos, 3),
                    Value::Uint(oui_v as u64),
                );
                cx.pkt.add(
                    &VENDOR_SUBNS,
                    Span::new(off + pos + 3, 1),
                    Value::Uint(oui[3] as u64),
                );
                cx.pkt.add(
                    &VENDOR_DATA_LEN,
                    Span::new(off + pos + 4, 2),
                    Value::Uint(len as u64),
                );
                pos += 6;
                let end = pos + len as usize;
                if end > hdr.len() {
                    cx.pkt.malformed(
                        Span::new(off + pos, hdr.len().saturating_sub(pos)),
                        "vendor namespace data runs past the radiotap header length",
                    );
                    return;
                }
                if len > 0 {
                    cx.pkt.add(
                        &VENDOR_DATA,
                        Span::new(off + pos, len as usize),
                        Value::SpanBytes,
                    );
                }
                pos = end;
            }
            Namespace::Vendor { first: false } => {}
            Namespace::Radiotap { base } => {
                for bit in 0..BIT_RTAP_NS {
                    if word & (1 << bit) == 0 {
                        continue;
                    }
                    let index = base + bit;
                    let Some((align, size)) = field_layout(index) else {
                        // Unknown size: nothing after it can be located.
                        return;
                    };
                    pos = (pos + align - 1) & !(align - 1);
                    let Some(field) = hdr.get(pos..pos + size) else {
                        cx.pkt.malformed(
                            Span::new(off + pos.min(hdr.len()), hdr.len().saturating_sub(pos)),
                            format!(
                                "radiotap field {index} ({size} bytes at offset {pos}) runs past the header length {}",
                                hdr.len()
                            ),
                        );
                        return;
                    };
                    show_field(cx, off + pos, index, field, info);
                    pos += size;
                }
            }
        }
    }
}

/// Shows one radiotap field (`b` is exactly its bytes) and notes it in `info`.
fn show_field(cx: &mut Cx<'_>, at: usize, index: u32, b: &[u8], info: &mut RadioInfo) {
    let p = &mut *cx.pkt;
    let span = Span::new(at, b.len());
    let sp = |o: usize, n: usize| Span::new(at + o, n);
    match index {
        0 => {
            let v = le64(b, 0).unwrap_or(0);
            info.tsft = Some(v);
            p.add(&MACTIME, span, Value::Uint(v));
        }
        1 => {
            let f = b[0];
            info.flags = Some(f);
            p.add_tree(&FLAGS, span, Value::Uint(f as u64), |p| {
                bits8(
                    p,
                    span,
                    f,
                    &[
                        (&FLAGS_CFP, 0x01),
                        (&FLAGS_PREAMBLE, 0x02),
                        (&FLAGS_WEP, 0x04),
                        (&FLAGS_FRAG, 0x08),
                        (&FLAGS_FCS, 0x10),
                        (&FLAGS_DATAPAD, 0x20),
                        (&FLAGS_BADFCS, 0x40),
                        (&FLAGS_SHORTGI, 0x80),
                    ],
                )
            });
        }
        2 => {
            info.rate = Some(b[0]);
            p.add(&DATARATE, span, Value::Float(b[0] as f64 / 2.0));
        }
        3 => {
            let freq = le16(b, 0).unwrap_or(0);
            let flags = le16(b, 2).unwrap_or(0);
            info.freq = Some(freq);
            info.chan_flags = Some(flags);
            p.add(&CHANNEL_FREQ, sp(0, 2), Value::Uint(freq as u64));
            p.add_tree(&CHANNEL_FLAGS, sp(2, 2), Value::Uint(flags as u64), |p| {
                bits16(
                    p,
                    sp(2, 2),
                    flags,
                    &[
                        (&CF_700, 0x0001),
                        (&CF_800, 0x0002),
                        (&CF_900, 0x0004),
                        (&CF_TURBO, 0x0010),
                        (&CF_CCK, 0x0020),
                        (&CF_OFDM, 0x0040),
                        (&CF_2GHZ, 0x0080),
                        (&CF_5GHZ, 0x0100),
                        (&CF_PASSIVE, 0x0200),
                        (&CF_DYNAMIC, 0x0400),
                        (&CF_GFSK, 0x0800),
                        (&CF_GSM, 0x1000),
                        (&CF_STURBO, 0x2000),
                        (&CF_HALF, 0x4000),
                        (&CF_QUARTER, 0x8000),
                    ],
                )
            });
        }
        4 => {
            p.add(&FHSS_HOPSET, sp(0, 1), Value::Uint(b[0] as u64));
            p.add(&FHSS_PATTERN, sp(1, 1), Value::Uint(b[1] as u64));
        }
        5 => {
            let v = b[0] as i8;
            // Like Wireshark, the last antenna signal seen is the frame's.
            info.dbm_signal = Some(v);
            p.add(&DBM_ANTSIGNAL, span, Value::Int(v as i64));
        }
        6 => {
            let v = b[0] as i8;
            info.dbm_noise.get_or_insert(v);
            p.add(&DBM_ANTNOISE, span, Value::Int(v as i64));
        }
        7 => p.add(&QUALITY, span, Value::Uint(le16(b, 0).unwrap_or(0) as u64)),
        8 => p.add(
            &TXATTENUATION,
            span,
            Value::Uint(le16(b, 0).unwrap_or(0) as u64),
        ),
        9 => p.add(
            &DB_TXATTENUATION,
            span,
            Value::Uint(le16(b, 0).unwrap_or(0) as u64),
        ),
        10 => p.add(&TXPOWER, span, Value::Int(b[0] as i8 as i64)),
        11 => p.add(&ANTENNA, span, Value::Uint(b[0] as u64)),
        12 => {
            info.db_signal.get_or_insert(b[0]);
            p.add(&DB_ANTSIGNAL, span, Value::Uint(b[0] as u64));
        }
        13 => {
            info.db_noise.get_or_insert(b[0]);
            p.add(&DB_ANTNOISE, span, Value::Uint(b[0] as u64));
        }
        14 => {
            let f = le16(b, 0).unwrap_or(0);
            p.add_tree(&RXFLAGS, span, Value::Uint(f as u64), |p| {
                p.add(&RXFLAGS_BADPLCP, span, Value::Bool(f & 0x0002 != 0))
            });
        }
        15 => {
            let f = le16(b, 0).unwrap_or(0);
            p.add_tree(&TXFLAGS, span, Value::Uint(f as u64), |p| {
                bits16(
                    p,
                    span,
                    f,
                    &[
                        (&TXFLAGS_FAIL, 0x0001),
                        (&TXFLAGS_CTS, 0x0002),
                        (&TXFLAGS_RTS, 0x0004),
                        (&TXFLAGS_NOACK, 0x0008),
                        (&TXFLAGS_NOSEQNO, 0x0010),
                        (&TXFLAGS_ORDER, 0x0020),
                    ],
                )
            });
        }
        16 => {}
        17 => p.add(&DATA_RETRIES, span, Value::Uint(b[0] as u64)),
        18 => show_xchannel(p, at, b, info),
        19 => show_mcs(p, at, b, info),
        20 => {
            let reference = le32(b, 0).unwrap_or(0);
            let flags = le16(b, 4).unwrap_or(0);
            info.ampdu = Some((reference, flags, b[6]));
            p.add_tree(&AMPDU, span, Value::None, |p| {
                p.add(&AMPDU_REFERENCE, sp(0, 4), Value::Uint(reference as u64));
                p.add_tree(&AMPDU_FLAGS, sp(4, 2), Value::Uint(flags as u64), |p| {
                    bits16(
                        p,
                        sp(4, 2),
                        flags,
                        &[
                            (&AMPDU_REPORT_ZEROLEN, 0x0001),
                            (&AMPDU_IS_ZEROLEN, 0x0002),
                            (&AMPDU_LASTKNOWN, 0x0004),
                            (&AMPDU_LAST, 0x0008),
                            (&AMPDU_DELIM_CRC_ERROR, 0x0010),
                            (&AMPDU_EOF, 0x0020),
                            (&AMPDU_EOF_KNOWN, 0x0040),
                        ],
                    )
                });
                if flags & 0x0010 != 0 {
                    p.add(&AMPDU_DELIM_CRC, sp(6, 1), Value::Uint(b[6] as u64));
                }
            });
        }
        21 => show_vht(p, at, b, info),
        22 => {
            let ts = le64(b, 0).unwrap_or(0);
            let acc = le16(b, 8).unwrap_or(0);
            let unit_pos = b[10];
            let flags = b[11];
            p.add_tree(&TIMESTAMP, span, Value::None, |p| {
                p.add(&TIMESTAMP_TS, sp(0, 8), Value::Uint(ts));
                if flags & 0x02 != 0 {
                    p.add(&TIMESTAMP_ACCURACY, sp(8, 2), Value::Uint(acc as u64));
                }
                p.add(
                    &TIMESTAMP_UNIT,
                    sp(10, 1),
                    Value::Uint((unit_pos & 0x0f) as u64),
                );
                p.add(
                    &TIMESTAMP_SAMPLINGPOS,
                    sp(10, 1),
                    Value::Uint((unit_pos >> 4) as u64),
                );
                p.add(
                    &TIMESTAMP_FLAGS_32BIT,
                    sp(11, 1),
                    Value::Bool(flags & 0x01 != 0),
                );
                p.add(
                    &TIMESTAMP_FLAGS_ACCURACY,
                    sp(11, 1),
                    Value::Bool(flags & 0x02 != 0),
                );
            });
        }
        23 => p.add(&HE, span, Value::SpanBytes),
        24 => p.add(&HE_MU, span, Value::SpanBytes),
        27 => p.add(&LSIG, span, Value::SpanBytes),
        _ => {}
    }
}

fn bits8(
    p: &mut crate::model::Packet,
    span: Span,
    v: u8,
    bits: &[(&'static crate::model::FieldDef, u8)],
) {
    for &(def, mask) in bits {
        p.add(def, span, Value::Bool(v & mask != 0));
    }
}

fn bits16(
    p: &mut crate::model::Packet,
    span: Span,
    v: u16,
    bits: &[(&'static crate::model::FieldDef, u16)],
) {
    for &(def, mask) in bits {
        p.add(def, span, Value::Bool(v & mask != 0));
    }
}

fn show_xchannel(p: &mut crate::model::Packet, at: usize, b: &[u8], info: &mut RadioInfo) {
    let flags = le32(b, 0).unwrap_or(0);
    let freq = le16(b, 4).unwrap_or(0);
    let channel = b[6];
    info.xchannel = Some((flags, freq, channel));
    let fspan = Span::new(at, 4);
    p.add(
        &XCHANNEL_CHANNEL,
        Span::new(at + 6, 1),
        Value::Uint(channel as u64),
    );
    p.add(
        &XCHANNEL_FREQ,
        Span::new(at + 4, 2),
        Value::Uint(freq as u64),
    );
    p.add_tree(&XCHANNEL_FLAGS, fspan, Value::Uint(flags as u64), |p| {
        const BITS: [(&crate::model::FieldDef, u32); 15] = [
            (&XCF_TURBO, 0x0010),
            (&XCF_CCK, 0x0020),
            (&XCF_OFDM, 0x0040),
            (&XCF_2GHZ, 0x0080),
            (&XCF_5GHZ, 0x0100),
            (&XCF_PASSIVE, 0x0200),
            (&XCF_DYNAMIC, 0x0400),
            (&XCF_GFSK, 0x0800),
            (&XCF_GSM, 0x1000),
            (&XCF_STURBO, 0x2000),
            (&XCF_HALF, 0x4000),
            (&XCF_QUARTER, 0x8000),
            (&XCF_HT20, 0x10000),
            (&XCF_HT40U, 0x20000),
            (&XCF_HT40D, 0x40000),
        ];
        for (def, mask) in BITS {
            p.add(def, fspan, Value::Bool(flags & mask != 0));
        }
    });
}

fn show_mcs(p: &mut crate::model::Packet, at: usize, b: &[u8], info: &mut RadioInfo) {
    let (known, flags, index) = (b[0], b[1], b[2]);
    info.mcs = Some((known, flags, index));
    let s = |o: usize| Span::new(at + o, 1);
    p.add_tree(&MCS, Span::new(at, 3), Value::None, |p| {
        p.add_tree(&MCS_KNOWN, s(0), Value::Uint(known as u64), |p| {
            bits8(
                p,
                s(0),
                known,
                &[
                    (&MCS_HAVE_BW, 0x01),
                    (&MCS_HAVE_INDEX, 0x02),
                    (&MCS_HAVE_GI, 0x04),
                    (&MCS_HAVE_FORMAT, 0x08),
                    (&MCS_HAVE_FEC, 0x10),
                    (&MCS_HAVE_STBC, 0x20),
                    (&MCS_HAVE_NESS, 0x40),
                ],
            )
        });
        if known & 0x01 != 0 {
            p.add(&MCS_BW, s(1), Value::Uint((flags & 0x03) as u64));
        }
        if known & 0x04 != 0 {
            p.add(&MCS_GI, s(1), Value::Bool(flags & 0x04 != 0));
        }
        if known & 0x08 != 0 {
            p.add(&MCS_FORMAT, s(1), Value::Bool(flags & 0x08 != 0));
        }
        if known & 0x10 != 0 {
            p.add(&MCS_FEC, s(1), Value::Bool(flags & 0x10 != 0));
        }
        if known & 0x20 != 0 {
            p.add(&MCS_STBC, s(1), Value::Uint(((flags >> 5) & 0x03) as u64));
        }
        if known & 0x40 != 0 {
            p.add(&MCS_NESS, s(1), Value::Uint(((flags >> 7) & 0x01) as u64));
        }
        if known & 0x02 != 0 {
            p.add(&MCS_INDEX, s(2), Value::Uint(index as u64));
        }
    });
    if let Some(rate) = wlan_radio::ht_rate(known, flags, index) {
        p.add(&DATARATE, Span::new(at, 3), Value::Float(rate));
    }
}

fn show_vht(p: &mut crate::model::Packet, at: usize, b: &[u8], info: &mut RadioInfo) {
    let known = le16(b, 0).unwrap_or(0);
    let vht = Vht {
        known,
        flags: b[2],
        bw: b[3],
        mcs_nss: [b[4], b[5], b[6], b[7]],
        coding: b[8],
    };
    info.vht = Some(vht);
    let s = |o: usize, n: usize| Span::new(at + o, n);
    p.add_tree(&VHT, Span::new(at, 12), Value::None, |p| {
        p.add_tree(&VHT_KNOWN, s(0, 2), Value::Uint(known as u64), |p| {
            bits16(
                p,
                s(0, 2),
                known,
                &[
                    (&VHT_HAVE_STBC, 0x0001),
                    (&VHT_HAVE_TXOP_PS, 0x0002),
                    (&VHT_HAVE_GI, 0x0004),
                    (&VHT_HAVE_SGI_NSYM_DA, 0x0008),
                    (&VHT_LDPC_EXTRA, 0x0010),
                    (&VHT_HAVE_BEAMFORMED, 0x0020),
                    (&VHT_HAVE_BW, 0x0040),
                    (&VHT_HAVE_GID, 0x0080),
                    (&VHT_HAVE_PAID, 0x0100),
                ],
            )
        });
        if known & 0x0001 != 0 {
            p.add(&VHT_STBC, s(2, 1), Value::Bool(vht.flags & 0x01 != 0));
        }
        if known & 0x0002 != 0 {
            p.add(&VHT_TXOP_PS, s(2, 1), Value::Bool(vht.flags & 0x02 != 0));
        }
        if known & 0x0004 != 0 {
            p.add(&VHT_GI, s(2, 1), Value::Bool(vht.flags & 0x04 != 0));
        }
        if known & 0x0040 != 0 {
            p.add(&VHT_BW, s(3, 1), Value::Uint(vht.bw as u64));
        }
        let user = vht.mcs_nss[0];
        if user & 0x0f != 0 {
            p.add_tree(&VHT_USER, s(4, 1), Value::None, |p| {
                p.add(&VHT_MCS0, s(4, 1), Value::Uint((user >> 4) as u64));
                p.add(&VHT_NSS0, s(4, 1), Value::Uint((user & 0x0f) as u64));
                p.add(
                    &VHT_CODING0,
                    s(8, 1),
                    Value::Uint((vht.coding & 0x01) as u64),
                );
                if let Some(rate) = wlan_radio::vht_rate(&vht) {
                    p.add(&VHT_DATARATE0, s(4, 1), Value::Float(rate));
                }
            });
        }
        if known & 0x0080 != 0 {
            p.add(&VHT_GID, s(9, 1), Value::Uint(b[9] as u64));
        }
        if known & 0x0100 != 0 {
            p.add(
                &VHT_PAID,
                s(10, 2),
                Value::Uint(le16(b, 10).unwrap_or(0) as u64),
            );
        }
    });
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::testutil::{dissect_frame_for_test, has_expert, only, values, CorpusFrame};
    use crate::LinkType;

    /// Frame 8 of wifi/radiotap_wpa2_full_assoc_4way.pcap: radiotap (24 bytes:
    /// TSFT, flags, rate, channel, antenna signal and noise), then EAPOL message 1.
    pub(crate) const EAPOL_M1: CorpusFrame =
        CorpusFrame::new("wifi/radiotap_wpa2_full_assoc_4way.pcap", 8);
    /// Frame 1 of wifi/radiotap_meshid.pcap: three present words (the first two
    /// restart the radiotap namespace), per-antenna signals, a timestamp field.
    const MESH_BEACON: CorpusFrame = CorpusFrame::new("wifi/radiotap_meshid.pcap", 1);

    #[test]
    fn standard_fields_and_radio_summary() {
        let data = EAPOL_M1.bytes();
        let pkt = dissect_frame_for_test(LinkType::IEEE802_11_RADIOTAP, &data);
        assert_eq!(only(&pkt, "radiotap.length", &data), "24");
        assert_eq!(only(&pkt, "radiotap.present.word", &data), "0x0000006f");
        assert_eq!(only(&pkt, "radiotap.channel.freq", &data), "5180");
        assert_eq!(only(&pkt, "radiotap.channel.flags.5ghz", &data), "1");
        assert_eq!(only(&pkt, "radiotap.dbm_antsignal", &data), "-44");
        assert_eq!(only(&pkt, "radiotap.datarate", &data), "6");
        assert_eq!(only(&pkt, "wlan_radio.phy", &data), "5");
        assert_eq!(only(&pkt, "wlan_radio.channel", &data), "36");
        assert_eq!(only(&pkt, "wlan_radio.snr", &data), "51");
        assert_eq!(only(&pkt, "wlan_radio.preamble", &data), "20");
        assert_eq!(
            crate::testutil::chain(&pkt),
            "radiotap:wlan_radio:wlan:llc:eapol"
        );
    }

    #[test]
    fn namespaces_restart_and_every_antenna_is_shown() {
        let data = MESH_BEACON.bytes();
        let pkt = dissect_frame_for_test(LinkType::IEEE802_11_RADIOTAP, &data);
        assert_eq!(
            values(&pkt, "radiotap.present.word", &data),
            ["0xa040402f", "0xa0000820", "0x00000820"]
        );
        assert_eq!(
            values(&pkt, "radiotap.dbm_antsignal", &data),
            ["-34", "-39", "-34"]
        );
        assert_eq!(values(&pkt, "radiotap.antenna", &data), ["0", "1"]);
        assert_eq!(only(&pkt, "radiotap.timestamp.ts", &data), "936891865");
        assert_eq!(only(&pkt, "wlan_radio.channel", &data), "149");
        assert!(pkt.experts.is_empty(), "{:?}", pkt.experts);
    }

    #[test]
    fn length_shorter_than_its_present_fields() {
        // The header says 12 bytes, but TSFT alone needs 8 from offset 8.
        let mut data = EAPOL_M1.bytes();
        data[2] = 12;
        let pkt = dissect_frame_for_test(LinkType::IEEE802_11_RADIOTAP, &data);
        assert!(pkt.is_malformed());
        assert!(has_expert(&pkt, "radiotap field 0"), "{:?}", pkt.experts);
        assert_eq!(only(&pkt, "radiotap.length", &data), "12");
        // The 802.11 frame is still found at the stated length.
        assert!(pkt.find("wlan.fc").is_some());
    }

    #[test]
    fn extended_bitmap_that_never_ends() {
        // Every present word has its ext bit set, up to the end of the header.
        let mut data = vec![0u8, 0, 16, 0];
        for _ in 0..3 {
            data.extend_from_slice(&0x8000_0000u32.to_le_bytes());
        }
        data.extend_from_slice(&[0x80, 0, 0, 0]);
        let pkt = dissect_frame_for_test(LinkType::IEEE802_11_RADIOTAP, &data);
        assert!(
            has_expert(&pkt, "extended present bitmap"),
            "{:?}",
            pkt.experts
        );
        assert_eq!(values(&pkt, "radiotap.present.word", &data).len(), 3);
    }

    #[test]
    fn truncated_at_every_length() {
        let data = EAPOL_M1.bytes();
        for n in 0..data.len() {
            let pkt = dissect_frame_for_test(LinkType::IEEE802_11_RADIOTAP, &data[..n]);
            if n < 24 {
                assert!(pkt.is_malformed(), "cut at {n}");
            }
            if n >= 8 {
                assert_eq!(only(&pkt, "radiotap.version", &data[..n]), "0");
            }
        }
    }

    #[test]
    fn vendor_namespace_is_skipped_by_its_length() {
        // Word 0: flags + vendor NS next + ext; word 1: vendor bits (ignored).
        // Then flags (1 byte, at 12), pad to 14, vendor header, 2 data bytes.
        let mut data = vec![0u8, 0, 24, 0];
        data.extend_from_slice(&(0x0000_0002u32 | 1 << 30 | 1 << 31).to_le_bytes());
        data.extend_from_slice(&0x0000_0001u32.to_le_bytes());
        data.extend_from_slice(&[0x00, 0x00]); // flags, pad
        data.extend_from_slice(&[0x00, 0x11, 0x22, 0x01, 0x02, 0x00, 0xaa, 0xbb]);
        data.extend_from_slice(&[0; 2]);
        assert_eq!(data.len(), 24);
        data.extend_from_slice(&[0xd4, 0x00, 0x00, 0x00, 1, 2, 3, 4, 5, 6]);
        let pkt = dissect_frame_for_test(LinkType::IEEE802_11_RADIOTAP, &data);
        assert_eq!(only(&pkt, "radiotap.vendor_oui", &data), "0x001122");
        assert_eq!(only(&pkt, "radiotap.vendor_data", &data), "aa:bb");
        assert_eq!(only(&pkt, "wlan.fc.type_subtype", &data), "0x001d");
        assert!(!pkt.is_malformed(), "{:?}", pkt.experts);
    }

    #[test]
    fn random_and_mutated_frames_never_panic() {
        // xorshift: deterministic noise, so a failure can be replayed.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let seeds = [EAPOL_M1.bytes(), MESH_BEACON.bytes()];
        for i in 0..3000 {
            let mut data = seeds[i % 2].clone();
            for _ in 0..1 + next() % 6 {
                let at = (next() as usize) % data.len();
                data[at] = next() as u8;
            }
            let cut = (next() as usize) % (data.len() + 1);
            for link in [LinkType::IEEE802_11_RADIOTAP, LinkType::IEEE802_11] {
                let _ = dissect_frame_for_test(link, &data[..cut]);
                let _ = crate::testutil::dissect_frame_fast(link, &data);
            }
        }
    }
}
