//! Names of 802.11 numbers: frame types, reason and status codes, cipher
//! and AKM suites, element IDs.

/// `wlan.fc.type_subtype` names, as Wireshark's Info column shows them.
pub fn type_subtype(v: u64) -> Option<&'static str> {
    Some(match v {
        0x00 => "Association Request",
        0x01 => "Association Response",
        0x02 => "Reassociation Request",
        0x03 => "Reassociation Response",
        0x04 => "Probe Request",
        0x05 => "Probe Response",
        0x06 => "Timing Advertisement",
        0x08 => "Beacon frame",
        0x09 => "ATIM",
        0x0a => "Disassociate",
        0x0b => "Authentication",
        0x0c => "Deauthentication",
        0x0d => "Action",
        0x0e => "Action No Ack",
        0x17 => "Control Wrapper",
        0x18 => "802.11 Block Ack Req",
        0x19 => "802.11 Block Ack",
        0x1a => "Power-Save poll",
        0x1b => "Request-to-send",
        0x1c => "Clear-to-send",
        0x1d => "Acknowledgement",
        0x1e => "CF-End (Control-frame)",
        0x1f => "CF-End + CF-Ack (Control-frame)",
        0x20 => "Data",
        0x21 => "Data + CF-Ack",
        0x22 => "Data + CF-Poll",
        0x23 => "Data + CF-Ack + CF-Poll",
        0x24 => "Null function (No data)",
        0x25 => "Acknowledgement (No data)",
        0x26 => "CF-Poll (No data)",
        0x27 => "CF-Ack/Poll (No data)",
        0x28 => "QoS Data",
        0x29 => "QoS Data + CF-Acknowledgment",
        0x2a => "QoS Data + CF-Poll",
        0x2b => "QoS Data + CF-Ack + CF-Poll",
        0x2c => "QoS Null function (No data)",
        0x2e => "QoS CF-Poll (No Data)",
        0x2f => "QoS CF-Ack + CF-Poll (No data)",
        _ => return None,
    })
}

pub fn frame_type(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "Management frame",
        1 => "Control frame",
        2 => "Data frame",
        3 => "Extension frame",
        _ => return None,
    })
}

pub fn qos_priority(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "Best Effort",
        1 => "Background",
        2 => "Spare",
        3 => "Excellent Effort",
        4 => "Controlled Load",
        5 => "Video",
        6 => "Voice",
        7 => "Network Control",
        _ => return None,
    })
}

/// Reason codes (IEEE 802.11-2020 table 9-49), for deauthentication and disassociation.
pub fn reason_code(v: u64) -> Option<&'static str> {
    Some(match v {
        1 => "Unspecified reason",
        2 => "Previous authentication no longer valid",
        3 => "Deauthenticated because sending STA is leaving (or has left) IBSS or ESS",
        4 => "Disassociated due to inactivity",
        5 => "Disassociated because AP is unable to handle all currently associated STAs",
        6 => "Class 2 frame received from nonauthenticated STA",
        7 => "Class 3 frame received from nonassociated STA",
        8 => "Disassociated because sending STA is leaving (or has left) BSS",
        9 => "STA requesting (re)association is not authenticated with responding STA",
        10 => "Disassociated because the information in the Power Capability element is unacceptable",
        11 => "Disassociated because the information in the Supported Channels element is unacceptable",
        13 => "Invalid information element",
        14 => "Message integrity code (MIC) failure",
        15 => "4-Way Handshake timeout",
        16 => "Group Key Handshake timeout",
        17 => "Information element in 4-Way Handshake different from (Re)Association Request/Probe Response/Beacon frame",
        18 => "Invalid group cipher",
        19 => "Invalid pairwise cipher",
        20 => "Invalid AKMP",
        21 => "Unsupported RSN information element version",
        22 => "Invalid RSN information element capabilities",
        23 => "IEEE 802.1X authentication failed",
        24 => "Cipher suite rejected because of the security policy",
        _ => return None,
    })
}

/// Status codes (table 9-50), for authentication and association responses.
pub fn status_code(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "Successful",
        1 => "Unspecified failure",
        10 => "Cannot support all requested capabilities in the Capability Information field",
        11 => "Reassociation denied due to inability to confirm that association exists",
        12 => "Association denied due to reason outside the scope of this standard",
        13 => "Responding STA does not support the specified authentication algorithm",
        14 => "Received an Authentication frame with authentication transaction sequence number out of expected sequence",
        15 => "Authentication rejected because of challenge failure",
        16 => "Authentication rejected due to timeout waiting for next frame in sequence",
        17 => "Association denied because AP is unable to handle additional associated STAs",
        18 => "Association denied due to requesting STA not supporting all of the data rates in the BSSBasicRateSet parameter",
        30 => "Association request rejected temporarily; try again later",
        31 => "Robust management frame policy violation",
        37 => "The request has been declined",
        40 => "Invalid information element",
        41 => "Invalid group cipher",
        42 => "Invalid pairwise cipher",
        43 => "Invalid AKMP",
        53 => "Invalid pairwise master key identifier (PMKID)",
        72 => "Invalid contents of RSNIE",
        76 => "Anti-Clogging Token Requested",
        77 => "Authentication is rejected because the offered finite cyclic group is not supported",
        _ => return None,
    })
}

pub fn auth_alg(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "Open System",
        1 => "Shared key",
        2 => "Fast BSS Transition",
        3 => "Simultaneous Authentication of Equals (SAE)",
        4 => "FILS Shared Key authentication without PFS",
        5 => "FILS Shared Key authentication with PFS",
        6 => "FILS Public Key authentication",
        128 => "Network EAP",
        _ => return None,
    })
}

pub fn action_category(v: u64) -> Option<&'static str> {
    Some(match v {
        0 => "Spectrum Management",
        1 => "QoS",
        2 => "DLS",
        3 => "Block Ack",
        4 => "Public Action",
        5 => "Radio Measurement",
        6 => "Fast BSS Transition",
        7 => "High Throughput",
        8 => "SA Query",
        9 => "Protected Dual of Public Action",
        10 => "WNM",
        13 => "Mesh",
        14 => "Multihop",
        15 => "Self-protected",
        21 => "VHT",
        126 => "Vendor-specific Protected",
        127 => "Vendor Specific",
        _ => return None,
    })
}

/// Cipher suite types of the IEEE OUI 00:0f:ac (and WPA's 00:50:f2).
pub fn cipher_suite(t: u8) -> Option<&'static str> {
    Some(match t {
        0 => "Use group cipher suite",
        1 => "WEP (40-bit)",
        2 => "TKIP",
        4 => "AES (CCM)",
        5 => "WEP (104-bit)",
        6 => "BIP (128)",
        7 => "Group addressed traffic not allowed",
        8 => "GCMP (128)",
        9 => "GCMP (256)",
        10 => "CCMP (256)",
        11 => "BIP (GMAC-128)",
        12 => "BIP (GMAC-256)",
        13 => "BIP (CMAC-256)",
        _ => return None,
    })
}

/// AKM suite types of the IEEE OUI 00:0f:ac.
pub fn akm_suite(t: u8) -> Option<&'static str> {
    Some(match t {
        1 => "WPA",
        2 => "PSK",
        3 => "FT over IEEE 802.1X",
        4 => "FT using PSK",
        5 => "WPA (SHA256)",
        6 => "PSK (SHA256)",
        7 => "TDLS / TPK Handshake (SHA256)",
        8 => "SAE (SHA256)",
        9 => "FT using SAE (SHA256)",
        11 => "WPA (SHA256-SuiteB)",
        12 => "WPA (SHA384-SuiteB)",
        13 => "FT over IEEE 802.1X (SHA384)",
        18 => "OWE",
        24 => "SAE (GROUP-DEPEND)",
        _ => return None,
    })
}

/// Element ID names, for tag titles.
pub fn element(id: u8) -> &'static str {
    match id {
        0 => "SSID parameter set",
        1 => "Supported Rates",
        3 => "DS Parameter set",
        5 => "Traffic Indication Map (TIM)",
        7 => "Country Information",
        11 => "QBSS Load Element",
        33 => "Power Capability",
        36 => "Supported Channels",
        42 => "ERP Information",
        45 => "HT Capabilities (802.11n D1.10)",
        48 => "RSN Information",
        50 => "Extended Supported Rates",
        59 => "Supported Operating Classes",
        61 => "HT Information (802.11n D1.10)",
        107 => "Interworking",
        113 => "Mesh Configuration",
        114 => "Mesh ID",
        127 => "Extended Capabilities",
        191 => "VHT Capabilities",
        192 => "VHT Operation",
        195 => "VHT Tx Power Envelope",
        221 => "Vendor Specific",
        255 => "Element ID Extension",
        _ => "Reserved",
    }
}

pub fn cipher_suite_u64(v: u64) -> Option<&'static str> {
    u8::try_from(v).ok().and_then(cipher_suite)
}

pub fn akm_suite_u64(v: u64) -> Option<&'static str> {
    u8::try_from(v).ok().and_then(akm_suite)
}
