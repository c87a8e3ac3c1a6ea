//! Tagged information elements of management frames: each is an ID, a
//! length and that many bytes. Elements dissected here show their fields;
//! the others keep their number and length. An element whose length runs
//! past the frame is flagged and ends the list.

use super::names;
use crate::declare_fields;
use crate::model::{FieldDef, FieldKind, Group, Packet, Severity, Span, Value};

declare_fields! {
    TAG = "wlan.tag", "Tag", None;
    TAG_NUMBER = "wlan.tag.number", "Tag Number", U8;
    TAG_LENGTH = "wlan.tag.length", "Tag length", U32;
    TAG_DATA = "wlan.tag.data", "Tag Data", Bytes;
    TAG_LENGTH_OOR = "wlan.tag.length.bad", "Tag length is past the end of the frame", None;
    SSID = "wlan.ssid", "SSID", Bytes;
    SUPPORTED_RATES = "wlan.supported_rates", "Supported Rates", U8, Hex(2);
    EXTENDED_SUPPORTED_RATES = "wlan.extended_supported_rates", "Extended Supported Rates", U8, Hex(2);
    DS_CURRENT_CHANNEL = "wlan.ds.current_channel", "Current Channel", U8;
    TIM_DTIM_COUNT = "wlan.tim.dtim_count", "DTIM count", U8;
    TIM_DTIM_PERIOD = "wlan.tim.dtim_period", "DTIM period", U8;
    TIM_BMAPCTL = "wlan.tim.bmapctl", "Bitmap control", U8, Hex(2);
    TIM_BMAPCTL_MULTICAST = "wlan.tim.bmapctl.multicast", "Multicast", Bool;
    TIM_BMAPCTL_OFFSET = "wlan.tim.bmapctl.offset", "Bitmap Offset", U8, Hex(2);
    TIM_PVB = "wlan.tim.partial_virtual_bitmap", "Partial Virtual Bitmap", Bytes;
    COUNTRY_CODE = "wlan.country_info.code", "Code", String;
    COUNTRY_ENV = "wlan.country_info.environment", "Environment", U8;
    COUNTRY_FNM = "wlan.country_info.fnm", "Country Info", None;
    COUNTRY_FCN = "wlan.country_info.fnm.fcn", "First Channel Number", U8;
    COUNTRY_NC = "wlan.country_info.fnm.nc", "Number of Channels", U8;
    COUNTRY_MTPL = "wlan.country_info.fnm.mtpl", "Maximum Transmit Power Level", I32;
    QBSS_VERSION = "wlan.qbss.version", "QBSS Version", U8;
    QBSS_SCOUNT = "wlan.qbss.scount", "Station Count", U16;
    QBSS_CU = "wlan.qbss.cu", "Channel Utilization", U8;
    QBSS_ADC = "wlan.qbss.adc", "Available Admission Capabilities", U16;
    POWERCAP_MIN = "wlan.powercap.min", "Minimum Transmit Power", I32;
    POWERCAP_MAX = "wlan.powercap.max", "Maximum Transmit Power", I32;
    SUPCHAN = "wlan.supchan", "Supported Channels Set", None;
    SUPCHAN_FIRST = "wlan.supchan.first", "First Supported Channel", U8;
    SUPCHAN_RANGE = "wlan.supchan.range", "Supported Channel Range", U8;
    ERP_INFO = "wlan.erp_info", "ERP Information", U8, Hex(2);
    ERP_PRESENT = "wlan.erp_info.erp_present", "Non ERP Present", Bool;
    ERP_USE_PROTECTION = "wlan.erp_info.use_protection", "Use Protection", Bool;
    ERP_BARKER = "wlan.erp_info.barker_preamble_mode", "Barker Preamble Mode", Bool;
    ERP_RESERVED = "wlan.erp_info.reserved", "Reserved", U8, Hex(2);
    RSN_VERSION = "wlan.rsn.version", "RSN Version", U16;
    RSN_GCS = "wlan.rsn.gcs", "Group Cipher Suite", U32;
    RSN_GCS_OUI = "wlan.rsn.gcs.oui", "Group Cipher Suite OUI", U32;
    RSN_GCS_TYPE = "wlan.rsn.gcs.type", "Group Cipher Suite type", U8, Dec, names::cipher_suite_u64;
    RSN_PCS_COUNT = "wlan.rsn.pcs.count", "Pairwise Cipher Suite Count", U16;
    RSN_PCS_LIST = "wlan.rsn.pcs.list", "Pairwise Cipher Suite List", None;
    RSN_PCS = "wlan.rsn.pcs", "Pairwise Cipher Suite", U32;
    RSN_PCS_OUI = "wlan.rsn.pcs.oui", "Pairwise Cipher Suite OUI", U32;
    RSN_PCS_TYPE = "wlan.rsn.pcs.type", "Pairwise Cipher Suite type", U8, Dec, names::cipher_suite_u64;
    RSN_AKMS_COUNT = "wlan.rsn.akms.count", "Auth Key Management (AKM) Suite Count", U16;
    RSN_AKMS_LIST = "wlan.rsn.akms.list", "Auth Key Management (AKM) List", None;
    RSN_AKMS = "wlan.rsn.akms", "Auth Key Management (AKM) Suite", U32;
    RSN_AKMS_OUI = "wlan.rsn.akms.oui", "Auth Key Management (AKM) OUI", U32;
    RSN_AKMS_TYPE = "wlan.rsn.akms.type", "Auth Key Management (AKM) type", U8, Dec, names::akm_suite_u64;
    RSN_CAP = "wlan.rsn.capabilities", "RSN Capabilities", U16, Hex(4);
    RSN_CAP_PREAUTH = "wlan.rsn.capabilities.preauth", "RSN Pre-Auth capabilities", Bool;
    RSN_CAP_NO_PAIRWISE = "wlan.rsn.capabilities.no_pairwise", "RSN No Pairwise capabilities", Bool;
    RSN_CAP_PTKSA = "wlan.rsn.capabilities.ptksa_replay_counter", "RSN PTKSA Replay Counter capabilities", U16, Hex(4);
    RSN_CAP_GTKSA = "wlan.rsn.capabilities.gtksa_replay_counter", "RSN GTKSA Replay Counter capabilities", U16, Hex(4);
    RSN_CAP_MFPR = "wlan.rsn.capabilities.mfpr", "Management Frame Protection Required", Bool;
    RSN_CAP_MFPC = "wlan.rsn.capabilities.mfpc", "Management Frame Protection Capable", Bool;
    RSN_CAP_JMR = "wlan.rsn.capabilities.jmr", "Joint Multi-band RSNA", Bool;
    RSN_CAP_PEERKEY = "wlan.rsn.capabilities.peerkey", "PeerKey Enabled", Bool;
    RSN_CAP_EXTKEYID = "wlan.rsn.capabilities.extended_key_id_iaf", "Extended Key ID for Individually Addressed Frames", Bool;
    RSN_PMKID_COUNT = "wlan.rsn.pmkid.count", "PMKID Count", U16;
    RSN_PMKID_LIST = "wlan.rsn.pmkid.list", "PMKID List", None;
    RSN_PMKID = "wlan.rsn.pmkid", "PMKID", Bytes;
    RSN_GMCS = "wlan.rsn.gmcs", "Group Management Cipher Suite", U32;
    RSN_GMCS_OUI = "wlan.rsn.gmcs.oui", "Group Management Cipher Suite OUI", U32;
    RSN_GMCS_TYPE = "wlan.rsn.gmcs.type", "Group Management Cipher Suite type", U8, Dec, names::cipher_suite_u64;
    SUPOPECLASS_CURRENT = "wlan.supopeclass.current", "Current Operating Class", U8;
    SUPOPECLASS_ALT = "wlan.supopeclass.alt", "Alternate Operating Classes", None;
    HT_CAP = "wlan.ht.capabilities", "HT Capabilities Info", U16, Hex(4);
    HT_LDPC = "wlan.ht.capabilities.ldpccoding", "HT LDPC coding capability", Bool;
    HT_WIDTH = "wlan.ht.capabilities.width", "HT Support channel width", Bool;
    HT_SM = "wlan.ht.capabilities.sm", "HT SM Power Save", U16, Hex(4);
    HT_GREEN = "wlan.ht.capabilities.green", "HT Green Field", Bool;
    HT_SHORT20 = "wlan.ht.capabilities.short20", "HT Short GI for 20MHz", Bool;
    HT_SHORT40 = "wlan.ht.capabilities.short40", "HT Short GI for 40MHz", Bool;
    HT_TXSTBC = "wlan.ht.capabilities.txstbc", "HT Tx STBC", Bool;
    HT_RXSTBC = "wlan.ht.capabilities.rxstbc", "HT Rx STBC", U16, Hex(4);
    HT_DELAYEDBA = "wlan.ht.capabilities.delayedblockack", "HT Delayed Block ACK", Bool;
    HT_AMSDU = "wlan.ht.capabilities.amsdu", "HT Max A-MSDU length", Bool;
    HT_DSSSCCK = "wlan.ht.capabilities.dsscck", "HT DSSS/CCK mode in 40MHz", Bool;
    HT_PSMP = "wlan.ht.capabilities.psmp", "HT PSMP Support", Bool;
    HT_40INTOL = "wlan.ht.capabilities.40mhzintolerant", "HT Forty MHz Intolerant", Bool;
    HT_LSIG = "wlan.ht.capabilities.lsig", "HT L-SIG TXOP Protection support", Bool;
    AMPDUPARAM = "wlan.ht.ampduparam", "A-MPDU Parameters", U8, Hex(2);
    AMPDU_MAXLEN = "wlan.ht.ampduparam.maxlength", "Maximum Rx A-MPDU Length", U8, Hex(2);
    AMPDU_DENSITY = "wlan.ht.ampduparam.mpdudensity", "MPDU Density", U8, Hex(2);
    AMPDU_RESERVED = "wlan.ht.ampduparam.reserved", "Reserved", U8, Hex(2);
    MCSSET = "wlan.ht.mcsset", "Rx Supported Modulation and Coding Scheme Set", None;
    RXBITMASK = "wlan.ht.mcsset.rxbitmask", "Rx Modulation and Coding Scheme (One bit per modulation)", None;
    RXB_0TO7 = "wlan.ht.mcsset.rxbitmask.0to7", "Rx Bitmask Bits 0-7", U32, Hex(8);
    RXB_8TO15 = "wlan.ht.mcsset.rxbitmask.8to15", "Rx Bitmask Bits 8-15", U32, Hex(8);
    RXB_16TO23 = "wlan.ht.mcsset.rxbitmask.16to23", "Rx Bitmask Bits 16-23", U32, Hex(8);
    RXB_24TO31 = "wlan.ht.mcsset.rxbitmask.24to31", "Rx Bitmask Bits 24-31", U32, Hex(8);
    RXB_32 = "wlan.ht.mcsset.rxbitmask.32", "Rx Bitmask Bit 32", U32, Hex(8);
    RXB_33TO38 = "wlan.ht.mcsset.rxbitmask.33to38", "Rx Bitmask Bits 33-38", U32, Hex(8);
    RXB_39TO52 = "wlan.ht.mcsset.rxbitmask.39to52", "Rx Bitmask Bits 39-52", U32, Hex(8);
    RXB_53TO76 = "wlan.ht.mcsset.rxbitmask.53to76", "Rx Bitmask Bits 53-76", U32, Hex(8);
    MCS_HIGHEST = "wlan.ht.mcsset.highestdatarate", "Highest Supported Data Rate", U16, Hex(4);
    MCS_TXSETDEFINED = "wlan.ht.mcsset.txsetdefined", "Tx Supported MCS Set", Bool;
    MCS_TXRXNOTEQUAL = "wlan.ht.mcsset.txrxmcsnotequal", "Tx and Rx MCS Set", Bool;
    MCS_TXMAXSS = "wlan.ht.mcsset.txmaxss", "Tx Maximum Number of Spatial Streams Supported", U16, Hex(4);
    MCS_TXUNEQUALMOD = "wlan.ht.mcsset.txunequalmod", "Unequal Modulation", Bool;
    HTEX = "wlan.htex.capabilities", "HT Extended Capabilities", U16, Hex(4);
    HTEX_PCO = "wlan.htex.capabilities.pco", "Transmitter supports PCO", Bool;
    HTEX_TRANSTIME = "wlan.htex.capabilities.transtime", "Time needed to transition between 20MHz and 40MHz", U16, Hex(4);
    HTEX_MCS = "wlan.htex.capabilities.mcs", "MCS Feedback capability", U16, Hex(4);
    HTEX_HTC = "wlan.htex.capabilities.htc", "High Throughput", Bool;
    HTEX_RDRESPONDER = "wlan.htex.capabilities.rdresponder", "Reverse Direction Responder", Bool;
    TXBF = "wlan.txbf", "Transmit Beam Forming (TxBF) Capabilities", U32, Hex(8);
    TXBF_TXBF = "wlan.txbf.txbf", "Transmit Beamforming", Bool;
    TXBF_RXSS = "wlan.txbf.rxss", "Receive Staggered Sounding", Bool;
    TXBF_TXSS = "wlan.txbf.txss", "Transmit Staggered Sounding", Bool;
    TXBF_RXNDP = "wlan.txbf.rxndp", "Receive Null Data packet (NDP)", Bool;
    TXBF_TXNDP = "wlan.txbf.txndp", "Transmit Null Data packet (NDP)", Bool;
    TXBF_IMPL = "wlan.txbf.impltxbf", "Implicit TxBF capable", Bool;
    TXBF_CALIBRATION = "wlan.txbf.calibration", "Calibration", U32, Hex(8);
    TXBF_CSI = "wlan.txbf.csi", "STA can apply TxBF using CSI explicit feedback", Bool;
    TXBF_UNCOMP_TBF = "wlan.txbf.fm.uncompressed.tbf", "STA can apply TxBF using uncompressed beamforming feedback matrix", Bool;
    TXBF_COMP_TBF = "wlan.txbf.fm.compressed.tbf", "STA can apply TxBF using compressed beamforming feedback matrix", Bool;
    TXBF_RCSI = "wlan.txbf.rcsi", "Receiver can return explicit CSI feedback", U32, Hex(8);
    TXBF_UNCOMP_RBF = "wlan.txbf.fm.uncompressed.rbf", "Receiver can return explicit uncompressed Beamforming Feedback Matrix", U32, Hex(8);
    TXBF_COMP_BF = "wlan.txbf.fm.compressed.bf", "STA can compress and use compressed Beamforming Feedback Matrix", U32, Hex(8);
    TXBF_MINGROUP = "wlan.txbf.mingroup", "Minimal grouping used for explicit feedback reports", U32, Hex(8);
    TXBF_CSINUMANT = "wlan.txbf.csinumant", "Max antennae STA can support when CSI feedback required", U32, Hex(8);
    TXBF_UNCOMP_MAXANT = "wlan.txbf.fm.uncompressed.maxant", "Max antennae STA can support when uncompressed Beamforming feedback required", U32, Hex(8);
    TXBF_COMP_MAXANT = "wlan.txbf.fm.compressed.maxant", "Max antennae STA can support when compressed Beamforming feedback required", U32, Hex(8);
    TXBF_CSI_MAXROWS = "wlan.txbf.csi.maxrows", "Maximum number of rows of CSI explicit feedback", U32, Hex(8);
    TXBF_CHANNELEST = "wlan.txbf.channelest", "Maximum number of space time streams for which channel dimensions can be simultaneously estimated", U32, Hex(8);
    TXBF_RESERVED = "wlan.txbf.reserved", "Reserved", U32, Hex(8);
    ASEL = "wlan.asel", "Antenna Selection (ASEL) Capabilities", U8, Hex(2);
    ASEL_CAPABLE = "wlan.asel.capable", "Antenna Selection Capable", Bool;
    ASEL_TXCSI = "wlan.asel.txcsi", "Explicit CSI Feedback Based Tx ASEL", Bool;
    ASEL_TXIF = "wlan.asel.txif", "Antenna Indices Feedback Based Tx ASEL", Bool;
    ASEL_CSI = "wlan.asel.csi", "Explicit CSI Feedback", Bool;
    ASEL_IF = "wlan.asel.if", "Antenna Indices Feedback", Bool;
    ASEL_RX = "wlan.asel.rx", "Rx ASEL", Bool;
    ASEL_SPPDU = "wlan.asel.sppdu", "Tx Sounding PPDUs", Bool;
    ASEL_RESERVED = "wlan.asel.reserved", "Reserved", U8, Hex(2);
    HTI_PRIMARY = "wlan.ht.info.primarychannel", "Primary Channel", U8;
    HTI_DELIM1 = "wlan.ht.info.delim1", "HT Information Subset (1 of 3)", U8, Hex(2);
    HTI_SECCHANOFFSET = "wlan.ht.info.secchanoffset", "Secondary channel offset", U8, Hex(2);
    HTI_CHANWIDTH = "wlan.ht.info.chanwidth", "Supported channel width", Bool;
    HTI_RIFS = "wlan.ht.info.rifs", "Reduced Interframe Spacing (RIFS)", Bool;
    HTI_RES_B4_B7 = "wlan.ht.info.reserved_b4_b7", "Reserved", U8, Hex(2);
    HTI_DELIM2 = "wlan.ht.info.delim2", "HT Information Subset (2 of 3)", U16, Hex(4);
    HTI_PROTECTION = "wlan.ht.info.ht_protection", "HT Protection", U16, Hex(4);
    HTI_GREENFIELD = "wlan.ht.info.greenfield", "Non-greenfield STAs present", Bool;
    HTI_RES_B11 = "wlan.ht.info.reserved_b11", "Reserved", U16, Hex(4);
    HTI_OBSSNONHT = "wlan.ht.info.obssnonht", "OBSS non-HT STAs present", Bool;
    HTI_CCFS2 = "wlan.ht.info.chan_center_freq_seg_2", "Channel Center Frequency Segment 2", U16;
    HTI_RES_B21_B23 = "wlan.ht.info.reserved_b21_b23", "Reserved", U16, Hex(4);
    HTI_DELIM3 = "wlan.ht.info.delim3", "HT Information Subset (3 of 3)", U16, Hex(4);
    HTI_RES_B24_B29 = "wlan.ht.info.reserved_b24_b29", "Reserved", U16, Hex(4);
    HTI_DUALBEACON = "wlan.ht.info.dualbeacon", "Dual beacon", Bool;
    HTI_DUALCTS = "wlan.ht.info.dualcts", "Dual Clear To Send (CTS) protection", Bool;
    HTI_SECONDARYBEACON = "wlan.ht.info.secondarybeacon", "Beacon ID", Bool;
    HTI_LSIGPROT = "wlan.ht.info.lsigprotsupport", "L-SIG TXOP Protection Full Support", Bool;
    HTI_PCO_ACTIVE = "wlan.ht.info.pco.active", "Phased Coexistence Operation (PCO)", Bool;
    HTI_PCO_PHASE = "wlan.ht.info.pco.phase", "Phased Coexistence Operation (PCO) Phase", Bool;
    HTI_RES_B36_B39 = "wlan.ht.info.reserved_b36_b39", "Reserved", U16, Hex(4);
    EXTCAP = "wlan.extcap", "Extended Capabilities", U8, Hex(2);
    EXTCAP16 = "wlan.extcap", "Extended Capabilities", U16, Hex(4);
    INTERWORKING_ANT = "wlan.interworking.access_network_type", "Access Network Type", U8;
    INTERWORKING_INTERNET = "wlan.interworking.internet", "Internet", Bool;
    INTERWORKING_ASRA = "wlan.interworking.asra", "ASRA", Bool;
    INTERWORKING_ESR = "wlan.interworking.esr", "ESR", Bool;
    INTERWORKING_UESA = "wlan.interworking.uesa", "UESA", Bool;
    MESH_ID = "wlan.mesh.id", "Mesh ID", String;
    MESH_PS_PROTOCOL = "wlan.mesh.config.ps_protocol", "Path Selection Protocol", U8, Hex(2);
    MESH_PS_METRIC = "wlan.mesh.config.ps_metric", "Path Selection Metric", U8, Hex(2);
    MESH_CONG_CTL = "wlan.mesh.config.cong_ctl", "Congestion Control", U8, Hex(2);
    MESH_SYNC_METHOD = "wlan.mesh.config.sync_method", "Synchronization Method", U8, Hex(2);
    MESH_AUTH_PROTOCOL = "wlan.mesh.config.auth_protocol", "Authentication Protocol", U8, Hex(2);
    MESH_FORMATION_INFO = "wlan.mesh.config.formation_info", "Formation Info", U8, Hex(2);
    MESH_FI_GATE = "wlan.mesh.formation_info.connect_to_mesh_gate", "Connected to Mesh Gate", Bool;
    MESH_FI_PEERS = "wlan.mesh.config.formation_info.num_peers", "Number of Peerings", U8;
    MESH_FI_AS = "wlan.mesh.formation_info.connect_to_as", "Connected to AS", Bool;
    MESH_CAP = "wlan.mesh.config.cap", "Capability", U8, Hex(2);
    MESH_CAP_ACCEPT = "wlan.mesh.config.cap.accept", "Accepting Additional Mesh Peerings", Bool;
    MESH_CAP_MCCA_SUPPORT = "wlan.mesh.config.cap.mcca_support", "MCCA Support", Bool;
    MESH_CAP_MCCA_ENABLED = "wlan.mesh.config.cap.mcca_enabled", "MCCA Enabled", Bool;
    MESH_CAP_FORWARDING = "wlan.mesh.config.cap.forwarding", "Mesh Forwarding", Bool;
    MESH_CAP_MBCA = "wlan.mesh.config.cap.mbca_enabled", "MBCA Enabled", Bool;
    MESH_CAP_TBTT = "wlan.mesh.config.cap.tbtt_adjusting", "TBTT Adjustment", Bool;
    MESH_CAP_PS = "wlan.mesh.config.cap.power_save_level", "Power Save", Bool;
    MESH_CAP_RESERVED = "wlan.mesh.config.cap.reserved", "Reserved", U8, Hex(2);
    VHT_CAP = "wlan.vht.capabilities", "VHT Capabilities Info", U32, Hex(8);
    VHT_MCSSET = "wlan.vht.mcsset", "VHT Supported MCS Set", None;
    VHT_RXMCSMAP = "wlan.vht.mcsset.rxmcsmap", "Rx MCS Map", U16, Hex(4);
    VHT_RXHIGHEST = "wlan.vht.mcsset.rxhighestlonggirate", "Rx Highest Long GI Data Rate (in Mb/sec)", U16, Hex(4);
    VHT_MAX_NSTS = "wlan.vht.mcsset.max_nsts_total", "Maximum NSTS Total", U16;
    VHT_TXMCSMAP = "wlan.vht.mcsset.txmcsmap", "Tx MCS Map", U16, Hex(4);
    VHT_TXHIGHEST = "wlan.vht.mcsset.txhighestlonggirate", "Tx Highest Long GI Data Rate  (in Mb/sec)", U16, Hex(4);
    VHT_EXT_NSS_BW_CAP = "wlan.vht.ncsset.ext_nss_bw_cap", "Extended EXT NSS BW Capable", Bool;
    VHT_NCS_RESERVED = "wlan.vht.ncsset.reserved", "Reserved", U16, Hex(4);
    VHT_OP = "wlan.vht.op", "VHT Operation Info", None;
    VHT_OP_WIDTH = "wlan.vht.op.channelwidth", "Channel Width", U8;
    VHT_OP_CENTER0 = "wlan.vht.op.channelcenter0", "Channel Center Segment 0", U8;
    VHT_OP_CENTER1 = "wlan.vht.op.channelcenter1", "Channel Center Segment 1", U8;
    VHT_OP_BASICMCSMAP = "wlan.vht.op.basicmcsmap", "Basic MCS Map", U16, Hex(4);
    TPE_PWR_INFO = "wlan.vht.tpe.pwr_info", "Transmit Power Info", U8, Hex(2);
    TPE_COUNT = "wlan.vht.tpe.pwr_info.count", "Max Tx Pwr Count", U8;
    TPE_UNIT = "wlan.vht.tpe.pwr_info.unit", "Max Tx Pwr Unit Interpretation", U8;
    TPE_RESERVED = "wlan.vht.tpe.pwr_info.reserved", "Reserved", U8;
    TPE_20 = "wlan.vht.tpe.pwr_constr_20", "Local Max Tx Pwr Constraint 20MHz", I32;
    TPE_40 = "wlan.vht.tpe.pwr_constr_40", "Local Max Tx Pwr Constraint 40MHz", I32;
    TPE_80 = "wlan.vht.tpe.pwr_constr_80", "Local Max Tx Pwr Constraint 80MHz", I32;
    TPE_160 = "wlan.vht.tpe.pwr_constr_160", "Local Max Tx Pwr Constraint 160MHz/80+80 MHz", I32;
    TAG_OUI = "wlan.tag.oui", "OUI", U32;
    VENDOR_OUI_TYPE = "wlan.tag.vendor.oui.type", "Vendor Specific OUI Type", U8;
    VENDOR_DATA = "wlan.tag.vendor.data", "Vendor Specific Data", Bytes;
    AIRONET_TYPE = "wlan.aironet.type", "Aironet IE type", U8;
    AIRONET_DATA = "wlan.aironet.data", "Aironet IE data", Bytes;
    AIRONET_VERSION = "wlan.aironet.version", "Aironet IE CCX version?", U8;
    AIRONET_CLIENTMFP = "wlan.aironet.clientmfp", "Client MFP", Bool;
    CCX1_UNKNOWN = "wlan.cisco.ccx1.unknown", "Unknown", Bytes;
    CCX1_NAME = "wlan.cisco.ccx1.name", "Name", String;
    CCX1_CLIENTS = "wlan.cisco.ccx1.clients", "Clients", U8;
    CCX1_UNKNOWN2 = "wlan.cisco.ccx1.unknown2", "Unknown2", Bytes;
    KDE_DATA_TYPE = "wlan.rsn.ie.kde.data_type", "Data Type", U8;
    RSN_IE_PMKID = "wlan.rsn.ie.pmkid", "PMKID", Bytes;
    WFA_IE_TYPE = "wlan.wfa.ie.type", "Type", U8, Hex(2);
    WPA_VERSION = "wlan.wfa.ie.wpa.version", "WPA Version", U16;
    WPA_MCS = "wlan.wfa.ie.wpa.mcs", "Multicast Cipher Suite", U32;
    WPA_MCS_OUI = "wlan.wfa.ie.wpa.mcs.oui", "Multicast Cipher Suite OUI", U32;
    WPA_MCS_TYPE = "wlan.wfa.ie.wpa.mcs.type", "Multicast Cipher Suite type", U8;
    WPA_UCS_COUNT = "wlan.wfa.ie.wpa.ucs.count", "Unicast Cipher Suite Count", U16;
    WPA_UCS_LIST = "wlan.wfa.ie.wpa.ucs.list", "Unicast Cipher Suite List", None;
    WPA_UCS = "wlan.wfa.ie.wpa.ucs", "Unicast Cipher Suite", U32;
    WPA_UCS_OUI = "wlan.wfa.ie.wpa.ucs.oui", "Unicast Cipher Suite OUI", U32;
    WPA_UCS_TYPE = "wlan.wfa.ie.wpa.ucs.type", "Unicast Cipher Suite type", U8;
    WPA_AKMS_COUNT = "wlan.wfa.ie.wpa.akms.count", "Auth Key Management (AKM) Suite Count", U16;
    WPA_AKMS_LIST = "wlan.wfa.ie.wpa.akms.list", "Auth Key Management (AKM) List", None;
    WPA_AKMS = "wlan.wfa.ie.wpa.akms", "Auth Key Management (AKM) Suite", U32;
    WPA_AKMS_OUI = "wlan.wfa.ie.wpa.akms.oui", "Auth Key Management (AKM) OUI", U32;
    WPA_AKMS_TYPE = "wlan.wfa.ie.wpa.type", "Auth Key Management (AKM) type", U8;
    WME_SUBTYPE = "wlan.wfa.ie.wme.subtype", "WME Subtype", U8;
    WME_VERSION = "wlan.wfa.ie.wme.version", "WME Version", U8;
    WME_QOS_INFO = "wlan.wfa.ie.wme.qos_info", "WME QoS Info", U8, Hex(2);
    WME_AP_UAPSD = "wlan.wfa.ie.wme.qos_info.ap.u_apsd", "U-APSD", Bool;
    WME_AP_PSC = "wlan.wfa.ie.wme.qos_info.ap.parameter_set_count", "Parameter Set Count", U8, Hex(2);
    WME_AP_RESERVED = "wlan.wfa.ie.wme.qos_info.ap.reserved", "Reserved", U8, Hex(2);
    WME_STA_MAX_SP = "wlan.wfa.ie.wme.qos_info.sta.max_sp_length", "Max SP Length", U8, Hex(2);
    WME_STA_BE = "wlan.wfa.ie.wme.qos_info.sta.ac_be", "AC_BE", Bool;
    WME_STA_BK = "wlan.wfa.ie.wme.qos_info.sta.ac_bk", "AC_BK", Bool;
    WME_STA_VI = "wlan.wfa.ie.wme.qos_info.sta.ac_vi", "AC_VI", Bool;
    WME_STA_VO = "wlan.wfa.ie.wme.qos_info.sta.ac_vo", "AC_VO", Bool;
    WME_STA_RESERVED = "wlan.wfa.ie.wme.qos_info.sta.reserved", "Reserved", U8, Hex(2);
    WME_RESERVED = "wlan.wfa.ie.wme.reserved", "Reserved", Bytes;
    WME_ACP = "wlan.wfa.ie.wme.acp", "Ac Parameters", None;
    WME_ACI_AIFSN = "wlan.wfa.ie.wme.acp.aci_aifsn", "ACI / AIFSN Field", U8, Hex(2);
    WME_AIFSN = "wlan.wfa.ie.wme.acp.aifsn", "AIFSN", U8;
    WME_ACM = "wlan.wfa.ie.wme.acp.acm", "Admission Control Mandatory", Bool;
    WME_ACI = "wlan.wfa.ie.wme.acp.aci", "ACI", U8;
    WME_ACP_RESERVED = "wlan.wfa.ie.wme.acp.reserved", "Reserved", U8;
    WME_ECW = "wlan.wfa.ie.wme.acp.ecw", "ECW", U8, Hex(2);
    WME_ECW_MAX = "wlan.wfa.ie.wme.acp.ecw.max", "ECW Max", U8;
    WME_ECW_MIN = "wlan.wfa.ie.wme.acp.ecw.min", "ECW Min", U8;
    WME_CW_MAX = "wlan.wfa.ie.wme.acp.cw.max", "CW Max", U16;
    WME_CW_MIN = "wlan.wfa.ie.wme.acp.cw.min", "CW Min", U16;
    WME_TXOP = "wlan.wfa.ie.wme.acp.txop_limit", "TXOP Limit", U16;
}

/// Facts from the elements that the BSS table and the timeline need.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub ssid: Option<Vec<u8>>,
    pub channel: Option<u8>,
    /// AKM suite types of the RSN element (00:0f:ac).
    pub rsn_akms: Vec<u8>,
    pub rsn_pairwise: Vec<u8>,
    pub wpa: bool,
    pub mesh_id: Option<Vec<u8>>,
}

fn bit(p: &mut Packet, def: &'static FieldDef, span: Span, v: u64, mask: u64) {
    let shifted = (v & mask) >> mask.trailing_zeros();
    let value = if def.kind == FieldKind::Bool {
        Value::Bool(shifted != 0)
    } else {
        Value::Uint(shifted)
    };
    p.add(def, span, value);
}

fn le16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}
fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Dissects the element list at `off`.
pub fn dissect_all(p: &mut Packet, off: usize, b: &[u8], sum: &mut Summary) {
    let mut at = 0;
    while at < b.len() {
        let id = b[at];
        let Some(&len) = b.get(at + 1) else {
            p.malformed(
                Span::new(off + at, 1),
                "tagged parameter cut short before its length",
            );
            return;
        };
        let len = len as usize;
        let start = at + 2;
        let tag_span = Span::new(off + at, (len + 2).min(b.len() - at));
        p.add(&TAG, tag_span, Value::None);
        let body = b.get(start..start + len);
        p.subtree(|p| {
            p.add(&TAG_NUMBER, Span::new(off + at, 1), Value::Uint(id as u64));
            p.add(
                &TAG_LENGTH,
                Span::new(off + at + 1, 1),
                Value::Uint(len as u64),
            );
            match body {
                Some(body) => element(p, off + start, id, body, sum),
                None => p.expert_field(
                    &TAG_LENGTH_OOR,
                    Severity::Error,
                    Group::Malformed,
                    Span::new(off + at + 1, 1),
                    format!(
                        "Tag length {len} is past the end of the frame ({} bytes left)",
                        b.len() - start
                    ),
                ),
            }
        });
        if body.is_none() {
            p.malformed(
                Span::new(off + at, b.len() - at),
                format!(
                    "{} element length {len} runs past the frame",
                    names::element(id)
                ),
            );
            return;
        }
        at = start + len;
    }
}

fn element(p: &mut Packet, off: usize, id: u8, b: &[u8], sum: &mut Summary) {
    let all = Span::new(off, b.len());
    let s1 = |o: usize| Span::new(off + o, 1);
    let s2 = |o: usize| Span::new(off + o, 2);
    match id {
        0 => {
            sum.ssid = Some(b.to_vec());
            p.add(&SSID, all, Value::SpanBytes);
        }
        1 | 50 => {
            let def = if id == 1 {
                &SUPPORTED_RATES
            } else {
                &EXTENDED_SUPPORTED_RATES
            };
            for (i, &r) in b.iter().enumerate() {
                p.add(def, s1(i), Value::Uint(r as u64));
            }
        }
        3 => {
            if let Some(&c) = b.first() {
                sum.channel = Some(c);
                p.add(&DS_CURRENT_CHANNEL, s1(0), Value::Uint(c as u64));
            }
        }
        5 if b.len() >= 3 => {
            p.add(&TIM_DTIM_COUNT, s1(0), Value::Uint(b[0] as u64));
            p.add(&TIM_DTIM_PERIOD, s1(1), Value::Uint(b[1] as u64));
            p.add_tree(&TIM_BMAPCTL, s1(2), Value::Uint(b[2] as u64), |p| {
                bit(p, &TIM_BMAPCTL_MULTICAST, s1(2), b[2] as u64, 0x01);
                bit(p, &TIM_BMAPCTL_OFFSET, s1(2), b[2] as u64, 0xfe);
            });
            p.add(&TIM_PVB, Span::new(off + 3, b.len() - 3), Value::SpanBytes);
        }
        7 if b.len() >= 3 => {
            let code: String = b[..2].iter().map(|&c| c as char).collect();
            p.add_with(&COUNTRY_CODE, s2(0), || Value::Str(code.into()));
            p.add(&COUNTRY_ENV, s1(2), Value::Uint(b[2] as u64));
            for (i, t) in b[3..].chunks_exact(3).enumerate() {
                let s = Span::new(off + 3 + 3 * i, 3);
                p.add_tree(&COUNTRY_FNM, s, Value::None, |p| {
                    p.add(&COUNTRY_FCN, s, Value::Uint(t[0] as u64));
                    p.add(&COUNTRY_NC, s, Value::Uint(t[1] as u64));
                    p.add(&COUNTRY_MTPL, s, Value::Int(t[2] as i8 as i64));
                });
            }
        }
        11 if b.len() == 5 => {
            p.add(&QBSS_VERSION, all, Value::Uint(2));
            p.add(
                &QBSS_SCOUNT,
                s2(0),
                Value::Uint(le16(b, 0).unwrap_or(0) as u64),
            );
            p.add(&QBSS_CU, s1(2), Value::Uint(b[2] as u64));
            p.add(
                &QBSS_ADC,
                s2(3),
                Value::Uint(le16(b, 3).unwrap_or(0) as u64),
            );
        }
        33 if b.len() == 2 => {
            p.add(&POWERCAP_MIN, s1(0), Value::Int(b[0] as i8 as i64));
            p.add(&POWERCAP_MAX, s1(1), Value::Int(b[1] as i8 as i64));
        }
        36 => {
            for (i, t) in b.chunks_exact(2).enumerate() {
                let s = Span::new(off + 2 * i, 2);
                p.add_tree(&SUPCHAN, s, Value::None, |p| {
                    p.add(&SUPCHAN_FIRST, s, Value::Uint(t[0] as u64));
                    p.add(&SUPCHAN_RANGE, s, Value::Uint(t[1] as u64));
                });
            }
        }
        42 | 47 if !b.is_empty() => {
            let v = b[0] as u64;
            p.add_tree(&ERP_INFO, s1(0), Value::Uint(v), |p| {
                bit(p, &ERP_PRESENT, s1(0), v, 0x01);
                bit(p, &ERP_USE_PROTECTION, s1(0), v, 0x02);
                bit(p, &ERP_BARKER, s1(0), v, 0x04);
                bit(p, &ERP_RESERVED, s1(0), v, 0xf8);
            });
        }
        45 if b.len() >= 26 => ht_capabilities(p, off, b),
        48 => rsn(p, off, b, sum),
        59 if !b.is_empty() => {
            p.add(&SUPOPECLASS_CURRENT, s1(0), Value::Uint(b[0] as u64));
            if b.len() > 1 {
                p.add(
                    &SUPOPECLASS_ALT,
                    Span::new(off + 1, b.len() - 1),
                    Value::None,
                );
            }
        }
        61 if b.len() >= 22 => ht_information(p, off, b),
        107 if !b.is_empty() => {
            let v = b[0] as u64;
            bit(p, &INTERWORKING_ANT, s1(0), v, 0x0f);
            bit(p, &INTERWORKING_INTERNET, s1(0), v, 0x10);
            bit(p, &INTERWORKING_ASRA, s1(0), v, 0x20);
            bit(p, &INTERWORKING_ESR, s1(0), v, 0x40);
            bit(p, &INTERWORKING_UESA, s1(0), v, 0x80);
        }
        113 if b.len() >= 7 => mesh_config(p, off, b),
        114 => {
            sum.mesh_id = Some(b.to_vec());
            p.add_with(&MESH_ID, all, || {
                Value::Str(String::from_utf8_lossy(b).into_owned().into())
            });
        }
        127 => extended_capabilities(p, off, b),
        191 if b.len() >= 12 => vht_capabilities(p, off, b),
        192 if b.len() >= 5 => {
            p.add_tree(&VHT_OP, Span::new(off, 3), Value::None, |p| {
                p.add(&VHT_OP_WIDTH, s1(0), Value::Uint(b[0] as u64));
                p.add(&VHT_OP_CENTER0, s1(1), Value::Uint(b[1] as u64));
                p.add(&VHT_OP_CENTER1, s1(2), Value::Uint(b[2] as u64));
            });
            let m = le16(b, 3).unwrap_or(0);
            p.add_tree(&VHT_OP_BASICMCSMAP, s2(3), Value::Uint(m as u64), |p| {
                mcs_map(p, s2(3), m, &OP_MAP)
            });
        }
        195 if !b.is_empty() => {
            let v = b[0] as u64;
            p.add_tree(&TPE_PWR_INFO, s1(0), Value::Uint(v), |p| {
                bit(p, &TPE_COUNT, s1(0), v, 0x07);
                bit(p, &TPE_UNIT, s1(0), v, 0x38);
                bit(p, &TPE_RESERVED, s1(0), v, 0xc0);
            });
            for (i, &c) in b[1..].iter().take(4).enumerate() {
                let def = [&TPE_20, &TPE_40, &TPE_80, &TPE_160][i];
                // In half-dB steps; the field holds the raw count, as Wireshark's does.
                p.add(def, s1(1 + i), Value::Int(c as i8 as i64));
            }
        }
        221 if b.len() >= 3 => vendor(p, off, b, sum),
        133 if b.len() >= 30 => {
            // Cisco CCX1 CKIP: an AP name (16 bytes, NUL padded) and its client count.
            p.add(&CCX1_UNKNOWN, Span::new(off, 10), Value::SpanBytes);
            let name = &b[10..26];
            let end = name.iter().position(|&c| c == 0).unwrap_or(name.len());
            p.add_with(&CCX1_NAME, Span::new(off + 10, 16), || {
                Value::Str(String::from_utf8_lossy(&name[..end]).into_owned().into())
            });
            p.add(
                &CCX1_CLIENTS,
                Span::new(off + 26, 1),
                Value::Uint(b[26] as u64),
            );
            p.add(&CCX1_UNKNOWN2, Span::new(off + 27, 3), Value::SpanBytes);
        }
        _ => {}
    }
}

fn suite(
    p: &mut Packet,
    span: Span,
    b: &[u8],
    defs: (&'static FieldDef, &'static FieldDef, &'static FieldDef),
) -> Option<u8> {
    let s = b.get(..4)?;
    let oui = u32::from_be_bytes([0, s[0], s[1], s[2]]);
    let whole = u32::from_be_bytes([s[0], s[1], s[2], s[3]]);
    p.add_tree(defs.0, span, Value::Uint(whole as u64), |p| {
        p.add(
            defs.1,
            Span::new(span.start as usize, 3),
            Value::Uint(oui as u64),
        );
        p.add(
            defs.2,
            Span::new(span.start as usize + 3, 1),
            Value::Uint(s[3] as u64),
        );
    });
    Some(s[3])
}

fn rsn(p: &mut Packet, off: usize, b: &[u8], sum: &mut Summary) {
    let Some(version) = le16(b, 0) else { return };
    p.add(&RSN_VERSION, Span::new(off, 2), Value::Uint(version as u64));
    let mut at = 2;
    if suite(
        p,
        Span::new(off + at, 4),
        &b[at..],
        (&RSN_GCS, &RSN_GCS_OUI, &RSN_GCS_TYPE),
    )
    .is_none()
    {
        return;
    }
    at += 4;
    let lists = [
        (
            &RSN_PCS_COUNT,
            &RSN_PCS_LIST,
            (&RSN_PCS, &RSN_PCS_OUI, &RSN_PCS_TYPE),
        ),
        (
            &RSN_AKMS_COUNT,
            &RSN_AKMS_LIST,
            (&RSN_AKMS, &RSN_AKMS_OUI, &RSN_AKMS_TYPE),
        ),
    ];
    for (k, (count_def, list_def, defs)) in lists.into_iter().enumerate() {
        let Some(count) = le16(b, at) else { return };
        p.add(count_def, Span::new(off + at, 2), Value::Uint(count as u64));
        at += 2;
        let n = count as usize;
        let Some(items) = b.get(at..at + 4 * n) else {
            p.malformed(
                Span::new(off + at, b.len() - at.min(b.len())),
                "RSN suite list runs past the element",
            );
            return;
        };
        p.add(list_def, Span::new(off + at, 4 * n), Value::None);
        p.subtree(|p| {
            for (i, item) in items.chunks_exact(4).enumerate() {
                if let Some(t) = suite(p, Span::new(off + at + 4 * i, 4), item, defs) {
                    if k == 0 {
                        sum.rsn_pairwise.push(t);
                    } else {
                        sum.rsn_akms.push(t);
                    }
                }
            }
        });
        at += 4 * n;
    }
    let Some(cap) = le16(b, at) else { return };
    let span = Span::new(off + at, 2);
    let v = cap as u64;
    p.add_tree(&RSN_CAP, span, Value::Uint(v), |p| {
        bit(p, &RSN_CAP_PREAUTH, span, v, 0x0001);
        bit(p, &RSN_CAP_NO_PAIRWISE, span, v, 0x0002);
        bit(p, &RSN_CAP_PTKSA, span, v, 0x000c);
        bit(p, &RSN_CAP_GTKSA, span, v, 0x0030);
        bit(p, &RSN_CAP_MFPR, span, v, 0x0040);
        bit(p, &RSN_CAP_MFPC, span, v, 0x0080);
        bit(p, &RSN_CAP_JMR, span, v, 0x0100);
        bit(p, &RSN_CAP_PEERKEY, span, v, 0x0200);
        bit(p, &RSN_CAP_EXTKEYID, span, v, 0x2000);
    });
    at += 2;
    let Some(count) = le16(b, at) else { return };
    p.add(
        &RSN_PMKID_COUNT,
        Span::new(off + at, 2),
        Value::Uint(count as u64),
    );
    at += 2;
    let n = count as usize;
    let Some(ids) = b.get(at..at + 16 * n) else {
        return;
    };
    p.add(&RSN_PMKID_LIST, Span::new(off + at, 16 * n), Value::None);
    p.subtree(|p| {
        for i in 0..ids.len() / 16 {
            p.add(
                &RSN_PMKID,
                Span::new(off + at + 16 * i, 16),
                Value::SpanBytes,
            );
        }
    });
    at += 16 * n;
    if let Some(rest) = b.get(at..) {
        suite(
            p,
            Span::new(off + at, 4),
            rest,
            (&RSN_GMCS, &RSN_GMCS_OUI, &RSN_GMCS_TYPE),
        );
    }
}

fn mcs_set(p: &mut Packet, off: usize, b: &[u8]) {
    let mut mask = [0u8; 16];
    mask[..10].copy_from_slice(&b[..10]);
    let m = u128::from_le_bytes(mask);
    let span = Span::new(off, 16);
    let field = |lo: u32, n: u32| ((m >> lo) & ((1u128 << n) - 1)) as u64;
    p.add_tree(&MCSSET, span, Value::None, |p| {
        p.add_tree(&RXBITMASK, Span::new(off, 10), Value::None, |p| {
            for (def, lo, n) in [
                (&RXB_0TO7, 0, 8),
                (&RXB_8TO15, 8, 8),
                (&RXB_16TO23, 16, 8),
                (&RXB_24TO31, 24, 8),
                (&RXB_32, 32, 1),
                (&RXB_33TO38, 33, 6),
                (&RXB_39TO52, 39, 14),
                (&RXB_53TO76, 53, 24),
            ] {
                p.add(def, Span::new(off, 10), Value::Uint(field(lo, n)));
            }
        });
        let hi = le16(b, 10).unwrap_or(0) as u64;
        p.add(
            &MCS_HIGHEST,
            Span::new(off + 10, 2),
            Value::Uint(hi & 0x03ff),
        );
        let t = b[12] as u64;
        let ts = Span::new(off + 12, 1);
        bit(p, &MCS_TXSETDEFINED, ts, t, 0x01);
        bit(p, &MCS_TXRXNOTEQUAL, ts, t, 0x02);
        bit(p, &MCS_TXMAXSS, ts, t, 0x0c);
        bit(p, &MCS_TXUNEQUALMOD, ts, t, 0x10);
    });
}

fn ht_capabilities(p: &mut Packet, off: usize, b: &[u8]) {
    let cap = le16(b, 0).unwrap_or(0) as u64;
    let s = Span::new(off, 2);
    p.add_tree(&HT_CAP, s, Value::Uint(cap), |p| {
        for (def, mask) in [
            (&HT_LDPC, 0x0001),
            (&HT_WIDTH, 0x0002),
            (&HT_SM, 0x000c),
            (&HT_GREEN, 0x0010),
            (&HT_SHORT20, 0x0020),
            (&HT_SHORT40, 0x0040),
            (&HT_TXSTBC, 0x0080),
            (&HT_RXSTBC, 0x0300),
            (&HT_DELAYEDBA, 0x0400),
            (&HT_AMSDU, 0x0800),
            (&HT_DSSSCCK, 0x1000),
            (&HT_PSMP, 0x2000),
            (&HT_40INTOL, 0x4000),
            (&HT_LSIG, 0x8000),
        ] {
            bit(p, def, s, cap, mask);
        }
    });
    let a = b[2] as u64;
    let s = Span::new(off + 2, 1);
    p.add_tree(&AMPDUPARAM, s, Value::Uint(a), |p| {
        bit(p, &AMPDU_MAXLEN, s, a, 0x03);
        bit(p, &AMPDU_DENSITY, s, a, 0x1c);
        bit(p, &AMPDU_RESERVED, s, a, 0xe0);
    });
    mcs_set(p, off + 3, &b[3..19]);
    let x = le16(b, 19).unwrap_or(0) as u64;
    let s = Span::new(off + 19, 2);
    p.add_tree(&HTEX, s, Value::Uint(x), |p| {
        bit(p, &HTEX_PCO, s, x, 0x0001);
        bit(p, &HTEX_TRANSTIME, s, x, 0x0006);
        bit(p, &HTEX_MCS, s, x, 0x0300);
        bit(p, &HTEX_HTC, s, x, 0x0400);
        bit(p, &HTEX_RDRESPONDER, s, x, 0x0800);
    });
    let t = le32(b, 21).unwrap_or(0) as u64;
    let s = Span::new(off + 21, 4);
    p.add_tree(&TXBF, s, Value::Uint(t), |p| {
        for (def, mask) in [
            (&TXBF_TXBF, 0x0000_0001),
            (&TXBF_RXSS, 0x0000_0002),
            (&TXBF_TXSS, 0x0000_0004),
            (&TXBF_RXNDP, 0x0000_0008),
            (&TXBF_TXNDP, 0x0000_0010),
            (&TXBF_IMPL, 0x0000_0020),
            (&TXBF_CALIBRATION, 0x0000_00c0),
            (&TXBF_CSI, 0x0000_0100),
            (&TXBF_UNCOMP_TBF, 0x0000_0200),
            (&TXBF_COMP_TBF, 0x0000_0400),
            (&TXBF_RCSI, 0x0000_1800),
            (&TXBF_UNCOMP_RBF, 0x0000_6000),
            (&TXBF_COMP_BF, 0x0001_8000),
            (&TXBF_MINGROUP, 0x0006_0000),
            (&TXBF_CSINUMANT, 0x0018_0000),
            (&TXBF_UNCOMP_MAXANT, 0x0060_0000),
            (&TXBF_COMP_MAXANT, 0x0180_0000),
            (&TXBF_CSI_MAXROWS, 0x0600_0000),
            (&TXBF_CHANNELEST, 0x1800_0000),
            (&TXBF_RESERVED, 0xe000_0000),
        ] {
            bit(p, def, s, t, mask);
        }
    });
    let v = b[25] as u64;
    let s = Span::new(off + 25, 1);
    p.add_tree(&ASEL, s, Value::Uint(v), |p| {
        for (def, mask) in [
            (&ASEL_CAPABLE, 0x01),
            (&ASEL_TXCSI, 0x02),
            (&ASEL_TXIF, 0x04),
            (&ASEL_CSI, 0x08),
            (&ASEL_IF, 0x10),
            (&ASEL_RX, 0x20),
            (&ASEL_SPPDU, 0x40),
            (&ASEL_RESERVED, 0x80),
        ] {
            bit(p, def, s, v, mask);
        }
    });
}

fn ht_information(p: &mut Packet, off: usize, b: &[u8]) {
    p.add(&HTI_PRIMARY, Span::new(off, 1), Value::Uint(b[0] as u64));
    let d1 = b[1] as u64;
    let s = Span::new(off + 1, 1);
    p.add_tree(&HTI_DELIM1, s, Value::Uint(d1), |p| {
        bit(p, &HTI_SECCHANOFFSET, s, d1, 0x03);
        bit(p, &HTI_CHANWIDTH, s, d1, 0x04);
        bit(p, &HTI_RIFS, s, d1, 0x08);
        bit(p, &HTI_RES_B4_B7, s, d1, 0xf0);
    });
    let d2 = le16(b, 2).unwrap_or(0) as u64;
    let s = Span::new(off + 2, 2);
    p.add_tree(&HTI_DELIM2, s, Value::Uint(d2), |p| {
        bit(p, &HTI_PROTECTION, s, d2, 0x0003);
        bit(p, &HTI_GREENFIELD, s, d2, 0x0004);
        bit(p, &HTI_RES_B11, s, d2, 0x0008);
        bit(p, &HTI_OBSSNONHT, s, d2, 0x0010);
        bit(p, &HTI_CCFS2, s, d2, 0x1fe0);
        bit(p, &HTI_RES_B21_B23, s, d2, 0xe000);
    });
    let d3 = le16(b, 4).unwrap_or(0) as u64;
    let s = Span::new(off + 4, 2);
    p.add_tree(&HTI_DELIM3, s, Value::Uint(d3), |p| {
        bit(p, &HTI_RES_B24_B29, s, d3, 0x003f);
        bit(p, &HTI_DUALBEACON, s, d3, 0x0040);
        bit(p, &HTI_DUALCTS, s, d3, 0x0080);
        bit(p, &HTI_SECONDARYBEACON, s, d3, 0x0100);
        bit(p, &HTI_LSIGPROT, s, d3, 0x0200);
        bit(p, &HTI_PCO_ACTIVE, s, d3, 0x0400);
        bit(p, &HTI_PCO_PHASE, s, d3, 0x0800);
        bit(p, &HTI_RES_B36_B39, s, d3, 0xf000);
    });
    mcs_set(p, off + 6, &b[6..22]);
}

fn mesh_config(p: &mut Packet, off: usize, b: &[u8]) {
    let s = |o: usize| Span::new(off + o, 1);
    for (i, def) in [
        &MESH_PS_PROTOCOL,
        &MESH_PS_METRIC,
        &MESH_CONG_CTL,
        &MESH_SYNC_METHOD,
        &MESH_AUTH_PROTOCOL,
    ]
    .into_iter()
    .enumerate()
    {
        p.add(def, s(i), Value::Uint(b[i] as u64));
    }
    let fi = b[5] as u64;
    p.add_tree(&MESH_FORMATION_INFO, s(5), Value::Uint(fi), |p| {
        bit(p, &MESH_FI_GATE, s(5), fi, 0x01);
        bit(p, &MESH_FI_PEERS, s(5), fi, 0x7e);
        bit(p, &MESH_FI_AS, s(5), fi, 0x80);
    });
    let c = b[6] as u64;
    p.add_tree(&MESH_CAP, s(6), Value::Uint(c), |p| {
        for (def, mask) in [
            (&MESH_CAP_ACCEPT, 0x01),
            (&MESH_CAP_MCCA_SUPPORT, 0x02),
            (&MESH_CAP_MCCA_ENABLED, 0x04),
            (&MESH_CAP_FORWARDING, 0x08),
            (&MESH_CAP_MBCA, 0x10),
            (&MESH_CAP_TBTT, 0x20),
            (&MESH_CAP_PS, 0x40),
            (&MESH_CAP_RESERVED, 0x80),
        ] {
            bit(p, def, s(6), c, mask);
        }
    });
}

/// Extended capabilities: one `wlan.extcap` per octet (Wireshark joins
/// octets 7 and 8 into one 16-bit field), each with its bit fields.
fn extended_capabilities(p: &mut Packet, off: usize, b: &[u8]) {
    let mut i = 0;
    while i < b.len() {
        let joined = i == 7 && b.len() > 8;
        let (v, n) = if joined {
            (u16::from_le_bytes([b[7], b[8]]) as u64, 2)
        } else {
            (b[i] as u64, 1)
        };
        let span = Span::new(off + i, n);
        let def = if joined { &EXTCAP16 } else { &EXTCAP };
        p.add_tree(def, span, Value::Uint(v), |p| {
            for (name, mask) in extcap_fields(i, joined) {
                bit(p, name, span, v, *mask);
            }
        });
        i += n;
    }
}

macro_rules! extcap_defs {
    ($($id:ident = $name:literal, $kind:ident $(, $base:ident($d:literal))?;)*) => {
        declare_extcap! { $($id = $name, $kind $(, $base($d))?;)* }
    };
}
macro_rules! declare_extcap {
    ($($id:ident = $name:literal, $kind:ident $(, $base:ident($d:literal))?;)*) => {
        $(
            pub static $id: FieldDef = FieldDef {
                name: $name,
                label: "Extended capability",
                kind: FieldKind::$kind,
                base: declare_extcap!(@b $($base($d))?),
                names: None,
                shown: crate::model::Shown::Labelled,
                bits: None,
            };
        )*
        /// The extended capability bit fields, for the registry.
        pub static EXTCAP_FIELDS: &[&FieldDef] = &[$(&$id),*];
    };
    (@b) => { crate::model::Base::Dec };
    (@b Hex($d:literal)) => { crate::model::Base::Hex($d) };
}

extcap_defs! {
    XB0 = "wlan.extcap.b0", Bool; XB1 = "wlan.extcap.b1", U8, Hex(2); XB2 = "wlan.extcap.b2", Bool;
    XB3 = "wlan.extcap.b3", U8, Hex(2); XB4 = "wlan.extcap.b4", Bool; XB5 = "wlan.extcap.b5", U8, Hex(2);
    XB6 = "wlan.extcap.b6", Bool; XB7 = "wlan.extcap.b7", Bool;
    XB8 = "wlan.extcap.b8", Bool; XB9 = "wlan.extcap.b9", Bool; XB10 = "wlan.extcap.b10", Bool;
    XB11 = "wlan.extcap.b11", Bool; XB12 = "wlan.extcap.b12", Bool; XB13 = "wlan.extcap.b13", Bool;
    XB14 = "wlan.extcap.b14", Bool; XB15 = "wlan.extcap.b15", Bool;
    XB16 = "wlan.extcap.b16", Bool; XB17 = "wlan.extcap.b17", Bool; XB18 = "wlan.extcap.b18", Bool;
    XB19 = "wlan.extcap.b19", Bool; XB20 = "wlan.extcap.b20", Bool; XB21 = "wlan.extcap.b21", Bool;
    XB22 = "wlan.extcap.b22", Bool; XB23 = "wlan.extcap.b23", Bool;
    XB24 = "wlan.extcap.b24", Bool; XB25 = "wlan.extcap.b25", Bool; XB26 = "wlan.extcap.b26", Bool;
    XB27 = "wlan.extcap.b27", Bool; XB28 = "wlan.extcap.b28", Bool; XB29 = "wlan.extcap.b29", Bool;
    XB30 = "wlan.extcap.b30", Bool; XB31 = "wlan.extcap.b31", Bool;
    XB32 = "wlan.extcap.b32", Bool; XB33 = "wlan.extcap.b33", Bool; XB34 = "wlan.extcap.b34", Bool;
    XB35 = "wlan.extcap.b35", U8, Hex(2); XB36 = "wlan.extcap.b36", Bool; XB37 = "wlan.extcap.b37", Bool;
    XB38 = "wlan.extcap.b38", Bool; XB39 = "wlan.extcap.b39", Bool;
    XB40 = "wlan.extcap.b40", Bool; XSIG = "wlan.extcap.serv_int_granularity", U8;
    XB44 = "wlan.extcap.b44", Bool; XB45 = "wlan.extcap.b45", Bool; XB46 = "wlan.extcap.b46", Bool;
    XB47 = "wlan.extcap.b47", U8, Hex(2);
    XB48 = "wlan.extcap.b48", Bool; XB49 = "wlan.extcap.b49", Bool; XB50 = "wlan.extcap.b50", Bool;
    XB51 = "wlan.extcap.b51", Bool; XB52 = "wlan.extcap.b52", Bool; XB53 = "wlan.extcap.b53", Bool;
    XB54 = "wlan.extcap.b54", Bool; XB55 = "wlan.extcap.b55", Bool;
    XB56 = "wlan.extcap.b56", Bool; XB57 = "wlan.extcap.b57", Bool; XB58 = "wlan.extcap.b58", Bool;
    XB59 = "wlan.extcap.b59", U16, Hex(4); XB59_8 = "wlan.extcap.b59", U8, Hex(2); XB60 = "wlan.extcap.b60", Bool; XB61 = "wlan.extcap.b61", Bool;
    XB62 = "wlan.extcap.b62", Bool; XB63 = "wlan.extcap.b63", Bool;
    XB65 = "wlan.extcap.b65", Bool; XB66 = "wlan.extcap.b66", Bool; XB67 = "wlan.extcap.b67", Bool;
    XB68 = "wlan.extcap.b68", Bool; XB69 = "wlan.extcap.b69", Bool; XB70 = "wlan.extcap.b70", Bool;
    XB71 = "wlan.extcap.b71", Bool;
    XB72 = "wlan.extcap.b72", Bool; XB73 = "wlan.extcap.b73", Bool; XB74 = "wlan.extcap.b74", Bool;
    XB75 = "wlan.extcap.b75", U8, Hex(2); XB76 = "wlan.extcap.b76", U8, Hex(2); XB77 = "wlan.extcap.b77", Bool;
    XB78 = "wlan.extcap.b78", Bool; XB79 = "wlan.extcap.b79", Bool;
    XB80 = "wlan.extcap.b80", Bool; XB81 = "wlan.extcap.b81", Bool; XB82 = "wlan.extcap.b82", Bool;
    XB83 = "wlan.extcap.b83", Bool; XB84 = "wlan.extcap.b84", Bool; XB85 = "wlan.extcap.b85", Bool;
    XB86 = "wlan.extcap.b86", Bool; XB87 = "wlan.extcap.b87", U8, Hex(2);
}

type ExtcapBits = &'static [(&'static FieldDef, u64)];

fn extcap_fields(octet: usize, joined: bool) -> ExtcapBits {
    const O0: ExtcapBits = &[
        (&XB0, 0x01),
        (&XB1, 0x02),
        (&XB2, 0x04),
        (&XB3, 0x08),
        (&XB4, 0x10),
        (&XB5, 0x20),
        (&XB6, 0x40),
        (&XB7, 0x80),
    ];
    const O1: ExtcapBits = &[
        (&XB8, 0x01),
        (&XB9, 0x02),
        (&XB10, 0x04),
        (&XB11, 0x08),
        (&XB12, 0x10),
        (&XB13, 0x20),
        (&XB14, 0x40),
        (&XB15, 0x80),
    ];
    const O2: ExtcapBits = &[
        (&XB16, 0x01),
        (&XB17, 0x02),
        (&XB18, 0x04),
        (&XB19, 0x08),
        (&XB20, 0x10),
        (&XB21, 0x20),
        (&XB22, 0x40),
        (&XB23, 0x80),
    ];
    const O3: ExtcapBits = &[
        (&XB24, 0x01),
        (&XB25, 0x02),
        (&XB26, 0x04),
        (&XB27, 0x08),
        (&XB28, 0x10),
        (&XB29, 0x20),
        (&XB30, 0x40),
        (&XB31, 0x80),
    ];
    const O4: ExtcapBits = &[
        (&XB32, 0x01),
        (&XB33, 0x02),
        (&XB34, 0x04),
        (&XB35, 0x08),
        (&XB36, 0x10),
        (&XB37, 0x20),
        (&XB38, 0x40),
        (&XB39, 0x80),
    ];
    const O5: ExtcapBits = &[
        (&XB40, 0x01),
        (&XSIG, 0x0e),
        (&XB44, 0x10),
        (&XB45, 0x20),
        (&XB46, 0x40),
        (&XB47, 0x80),
    ];
    const O6: ExtcapBits = &[
        (&XB48, 0x01),
        (&XB49, 0x02),
        (&XB50, 0x04),
        (&XB51, 0x08),
        (&XB52, 0x10),
        (&XB53, 0x20),
        (&XB54, 0x40),
        (&XB55, 0x80),
    ];
    const O7: ExtcapBits = &[
        (&XB56, 0x01),
        (&XB57, 0x02),
        (&XB58, 0x04),
        (&XB59_8, 0x08),
        (&XB60, 0x10),
        (&XB61, 0x20),
        (&XB62, 0x40),
        (&XB63, 0x80),
    ];
    const O78: ExtcapBits = &[
        (&XB56, 0x0001),
        (&XB57, 0x0002),
        (&XB58, 0x0004),
        (&XB59, 0x0108),
        (&XB60, 0x0010),
        (&XB61, 0x0020),
        (&XB62, 0x0040),
        (&XB63, 0x0080),
        (&XB65, 0x0200),
        (&XB66, 0x0400),
        (&XB67, 0x0800),
        (&XB68, 0x1000),
        (&XB69, 0x2000),
        (&XB70, 0x4000),
        (&XB71, 0x8000),
    ];
    const O9: ExtcapBits = &[
        (&XB72, 0x01),
        (&XB73, 0x02),
        (&XB74, 0x04),
        (&XB75, 0x08),
        (&XB76, 0x10),
        (&XB77, 0x20),
        (&XB78, 0x40),
        (&XB79, 0x80),
    ];
    const O10: ExtcapBits = &[
        (&XB80, 0x01),
        (&XB81, 0x02),
        (&XB82, 0x04),
        (&XB83, 0x08),
        (&XB84, 0x10),
        (&XB85, 0x20),
        (&XB86, 0x40),
        (&XB87, 0x80),
    ];
    match (octet, joined) {
        (0, _) => O0,
        (1, _) => O1,
        (2, _) => O2,
        (3, _) => O3,
        (4, _) => O4,
        (5, _) => O5,
        (6, _) => O6,
        (7, true) => O78,
        (7, false) => O7,
        (9, _) => O9,
        (10, _) => O10,
        _ => &[],
    }
}

fn vht_capabilities(p: &mut Packet, off: usize, b: &[u8]) {
    let v = le32(b, 0).unwrap_or(0) as u64;
    let s = Span::new(off, 4);
    p.add_tree(&VHT_CAP, s, Value::Uint(v), |p| {
        for (def, mask) in vht_cap_bits() {
            bit(p, def, s, v, *mask);
        }
    });
    let rx = le16(b, 4).unwrap_or(0);
    let rxh = le16(b, 6).unwrap_or(0) as u64;
    let tx = le16(b, 8).unwrap_or(0);
    let txh = le16(b, 10).unwrap_or(0) as u64;
    p.add_tree(&VHT_MCSSET, Span::new(off + 4, 8), Value::None, |p| {
        let s = Span::new(off + 4, 2);
        p.add_tree(&VHT_RXMCSMAP, s, Value::Uint(rx as u64), |p| {
            mcs_map(p, s, rx, &RX_MAP)
        });
        let s = Span::new(off + 6, 2);
        bit(p, &VHT_RXHIGHEST, s, rxh, 0x1fff);
        bit(p, &VHT_MAX_NSTS, s, rxh, 0xe000);
        let s = Span::new(off + 8, 2);
        p.add_tree(&VHT_TXMCSMAP, s, Value::Uint(tx as u64), |p| {
            mcs_map(p, s, tx, &TX_MAP)
        });
        let s = Span::new(off + 10, 2);
        bit(p, &VHT_TXHIGHEST, s, txh, 0x1fff);
        bit(p, &VHT_EXT_NSS_BW_CAP, s, txh, 0x2000);
        bit(p, &VHT_NCS_RESERVED, s, txh, 0xc000);
    });
}

fn mcs_map(p: &mut Packet, span: Span, m: u16, defs: &[&'static FieldDef; 8]) {
    for (i, def) in defs.iter().enumerate() {
        p.add(def, span, Value::Uint(((m >> (2 * i)) & 3) as u64));
    }
}

macro_rules! map_defs {
    ($arr:ident, $prefix:literal, $($id:ident = $n:literal),*) => {
        $(
            pub static $id: FieldDef = FieldDef {
                name: concat!($prefix, $n),
                label: concat!("Max MCS for ", $n, " SS"),
                kind: FieldKind::U16,
                base: crate::model::Base::Hex(4),
                names: None,
                shown: crate::model::Shown::Labelled,
                bits: None,
            };
        )*
        static $arr: [&FieldDef; 8] = [$(&$id),*];
    };
}
map_defs!(
    RX_MAP,
    "wlan.vht.mcsset.rxmcsmap.",
    RXSS1 = "ss1",
    RXSS2 = "ss2",
    RXSS3 = "ss3",
    RXSS4 = "ss4",
    RXSS5 = "ss5",
    RXSS6 = "ss6",
    RXSS7 = "ss7",
    RXSS8 = "ss8"
);
map_defs!(
    TX_MAP,
    "wlan.vht.mcsset.txmcsmap.",
    TXSS1 = "ss1",
    TXSS2 = "ss2",
    TXSS3 = "ss3",
    TXSS4 = "ss4",
    TXSS5 = "ss5",
    TXSS6 = "ss6",
    TXSS7 = "ss7",
    TXSS8 = "ss8"
);
map_defs!(
    OP_MAP,
    "wlan.vht.op.basicmcsmap.",
    OPSS1 = "ss1",
    OPSS2 = "ss2",
    OPSS3 = "ss3",
    OPSS4 = "ss4",
    OPSS5 = "ss5",
    OPSS6 = "ss6",
    OPSS7 = "ss7",
    OPSS8 = "ss8"
);

/// The MCS map fields, for the registry.
pub static MAP_FIELDS: &[&FieldDef] = &[
    &RXSS1, &RXSS2, &RXSS3, &RXSS4, &RXSS5, &RXSS6, &RXSS7, &RXSS8, &TXSS1, &TXSS2, &TXSS3, &TXSS4,
    &TXSS5, &TXSS6, &TXSS7, &TXSS8, &OPSS1, &OPSS2, &OPSS3, &OPSS4, &OPSS5, &OPSS6, &OPSS7, &OPSS8,
];

macro_rules! vht_cap_defs {
    ($($id:ident = $name:literal, $kind:ident $(, hex $h:literal)?, $mask:literal;)*) => {
        $(
            pub static $id: FieldDef = FieldDef {
                name: $name,
                label: "VHT capability",
                kind: FieldKind::$kind,
                base: vht_cap_defs!(@b $($h)?),
                names: None,
                shown: crate::model::Shown::Labelled,
                bits: None,
            };
        )*
        /// The VHT capability bit fields, for the registry.
        pub static VHT_CAP_FIELDS: &[&FieldDef] = &[$(&$id),*];
        static VHT_CAP_BITS: &[(&FieldDef, u64)] = &[$((&$id, $mask)),*];
        fn vht_cap_bits() -> &'static [(&'static FieldDef, u64)] {
            VHT_CAP_BITS
        }
    };
    (@b) => { crate::model::Base::Dec };
    (@b $h:literal) => { crate::model::Base::Hex($h) };
}

vht_cap_defs! {
    VC_MAXMPDU = "wlan.vht.capabilities.maxmpdulength", U32, hex 8, 0x0000_0003;
    VC_CHANWIDTH = "wlan.vht.capabilities.supportedchanwidthset", U32, hex 8, 0x0000_000c;
    VC_RXLDPC = "wlan.vht.capabilities.rxldpc", Bool, 0x0000_0010;
    VC_SHORT80 = "wlan.vht.capabilities.short80", Bool, 0x0000_0020;
    VC_SHORT160 = "wlan.vht.capabilities.short160", Bool, 0x0000_0040;
    VC_TXSTBC = "wlan.vht.capabilities.txstbc", Bool, 0x0000_0080;
    VC_RXSTBC = "wlan.vht.capabilities.rxstbc", U32, hex 8, 0x0000_0700;
    VC_SUBFER = "wlan.vht.capabilities.subeamformer", Bool, 0x0000_0800;
    VC_SUBFEE = "wlan.vht.capabilities.subeamformee", Bool, 0x0000_1000;
    VC_BFEE_STS = "wlan.vht.capabilities.beamformee_sts_cap", U32, hex 8, 0x0000_e000;
    VC_SOUNDING = "wlan.vht.capabilities.soundingdimensions", U32, hex 8, 0x0007_0000;
    VC_MUBFER = "wlan.vht.capabilities.mubeamformer", Bool, 0x0008_0000;
    VC_MUBFEE = "wlan.vht.capabilities.mubeamformee", Bool, 0x0010_0000;
    VC_TXOPPS = "wlan.vht.capabilities.vhttxopps", Bool, 0x0020_0000;
    VC_HTC = "wlan.vht.capabilities.vhthtc", Bool, 0x0040_0000;
    VC_MAXAMPDU = "wlan.vht.capabilities.maxampdu", U32, hex 8, 0x0380_0000;
    VC_LINKADAPT = "wlan.vht.capabilities.linkadapt", U32, hex 8, 0x0c00_0000;
    VC_RXPAT = "wlan.vht.capabilities.rxpatconsist", Bool, 0x1000_0000;
    VC_TXPAT = "wlan.vht.capabilities.txpatconsist", Bool, 0x2000_0000;
    VC_EXTNSS = "wlan.vht.capabilities.ext_nss_bw_support", U32, hex 8, 0xc000_0000;
}

/// Vendor-specific elements: WPA, WMM/WME (Wi-Fi Alliance OUI 00:50:f2), others by OUI.
fn vendor(p: &mut Packet, off: usize, b: &[u8], sum: &mut Summary) {
    let oui = u32::from_be_bytes([0, b[0], b[1], b[2]]);
    p.add(&TAG_OUI, Span::new(off, 3), Value::Uint(oui as u64));
    let Some(&otype) = b.get(3) else { return };
    p.add(
        &VENDOR_OUI_TYPE,
        Span::new(off + 3, 1),
        Value::Uint(otype as u64),
    );
    let rest = &b[4..];
    let roff = off + 4;
    if oui == 0x000fac {
        // RSN key data encapsulation (KDE) in EAPOL-Key data.
        p.add(
            &KDE_DATA_TYPE,
            Span::new(off + 3, 1),
            Value::Uint(otype as u64),
        );
        if otype == 4 && rest.len() >= 16 {
            p.add(&RSN_IE_PMKID, Span::new(roff, 16), Value::SpanBytes);
        }
        return;
    }
    if oui == 0x004096 {
        aironet(p, off + 3, otype, rest);
        return;
    }
    if oui != 0x0050f2 {
        if oui != 0x506f9a {
            p.add(
                &VENDOR_DATA,
                Span::new(off + 3, b.len() - 3),
                Value::SpanBytes,
            );
        }
        return;
    }
    p.add(
        &WFA_IE_TYPE,
        Span::new(off + 3, 1),
        Value::Uint(otype as u64),
    );
    match otype {
        1 => {
            sum.wpa = true;
            wpa(p, roff, rest);
        }
        2 => wme(p, roff, rest),
        _ => {}
    }
}

fn wpa(p: &mut Packet, off: usize, b: &[u8]) {
    let Some(v) = le16(b, 0) else { return };
    p.add(&WPA_VERSION, Span::new(off, 2), Value::Uint(v as u64));
    if suite(
        p,
        Span::new(off + 2, 4),
        b.get(2..).unwrap_or(&[]),
        (&WPA_MCS, &WPA_MCS_OUI, &WPA_MCS_TYPE),
    )
    .is_none()
    {
        return;
    }
    let mut at = 6;
    for (count_def, list_def, defs) in [
        (
            &WPA_UCS_COUNT,
            &WPA_UCS_LIST,
            (&WPA_UCS, &WPA_UCS_OUI, &WPA_UCS_TYPE),
        ),
        (
            &WPA_AKMS_COUNT,
            &WPA_AKMS_LIST,
            (&WPA_AKMS, &WPA_AKMS_OUI, &WPA_AKMS_TYPE),
        ),
    ] {
        let Some(count) = le16(b, at) else { return };
        p.add(count_def, Span::new(off + at, 2), Value::Uint(count as u64));
        at += 2;
        let n = count as usize;
        let Some(items) = b.get(at..at + 4 * n) else {
            return;
        };
        p.add(list_def, Span::new(off + at, 4 * n), Value::None);
        p.subtree(|p| {
            for (i, item) in items.chunks_exact(4).enumerate() {
                suite(p, Span::new(off + at + 4 * i, 4), item, defs);
            }
        });
        at += 4 * n;
    }
}

fn wme(p: &mut Packet, off: usize, b: &[u8]) {
    let (Some(&subtype), Some(&version), Some(&qos)) = (b.first(), b.get(1), b.get(2)) else {
        return;
    };
    let s1 = |o: usize| Span::new(off + o, 1);
    p.add(&WME_SUBTYPE, s1(0), Value::Uint(subtype as u64));
    p.add(&WME_VERSION, s1(1), Value::Uint(version as u64));
    let q = qos as u64;
    // The QoS info reads differently from an AP (parameter element) and from a STA.
    let ap = subtype == 1;
    p.add_tree(&WME_QOS_INFO, s1(2), Value::Uint(q), |p| {
        if ap {
            bit(p, &WME_AP_UAPSD, s1(2), q, 0x80);
            bit(p, &WME_AP_PSC, s1(2), q, 0x0f);
            bit(p, &WME_AP_RESERVED, s1(2), q, 0x70);
        } else {
            bit(p, &WME_STA_MAX_SP, s1(2), q, 0x60);
            bit(p, &WME_STA_BE, s1(2), q, 0x08);
            bit(p, &WME_STA_BK, s1(2), q, 0x04);
            bit(p, &WME_STA_VI, s1(2), q, 0x02);
            bit(p, &WME_STA_VO, s1(2), q, 0x01);
            bit(p, &WME_STA_RESERVED, s1(2), q, 0x90);
        }
    });
    if subtype != 1 || b.len() < 4 {
        return;
    }
    p.add(&WME_RESERVED, s1(3), Value::SpanBytes);
    for (i, acp) in b[4..].chunks_exact(4).take(4).enumerate() {
        let at = off + 4 + 4 * i;
        let s = Span::new(at, 4);
        p.add_tree(&WME_ACP, s, Value::None, |p| {
            let a = acp[0] as u64;
            let sa = Span::new(at, 1);
            p.add_tree(&WME_ACI_AIFSN, sa, Value::Uint(a), |p| {
                bit(p, &WME_AIFSN, sa, a, 0x0f);
                bit(p, &WME_ACM, sa, a, 0x10);
                bit(p, &WME_ACI, sa, a, 0x60);
                bit(p, &WME_ACP_RESERVED, sa, a, 0x80);
            });
            let e = acp[1] as u64;
            let se = Span::new(at + 1, 1);
            p.add_tree(&WME_ECW, se, Value::Uint(e), |p| {
                bit(p, &WME_ECW_MAX, se, e, 0xf0);
                bit(p, &WME_ECW_MIN, se, e, 0x0f);
                p.add(&WME_CW_MAX, se, Value::Uint((1u64 << (e >> 4)) - 1));
                p.add(&WME_CW_MIN, se, Value::Uint((1u64 << (e & 0x0f)) - 1));
            });
            let txop = u16::from_le_bytes([acp[2], acp[3]]);
            p.add(&WME_TXOP, Span::new(at + 2, 2), Value::Uint(txop as u64));
        });
    }
}

/// Cisco Aironet vendor elements (OUI 00:40:96): the type, then by type a
/// CCX version, the client MFP flag or opaque data.
fn aironet(p: &mut Packet, type_at: usize, otype: u8, rest: &[u8]) {
    p.add(
        &AIRONET_TYPE,
        Span::new(type_at, 1),
        Value::Uint(otype as u64),
    );
    let span = Span::new(type_at + 1, rest.len());
    match (otype, rest.first()) {
        (3, Some(&v)) => p.add(
            &AIRONET_VERSION,
            Span::new(type_at + 1, 1),
            Value::Uint(v as u64),
        ),
        (20, Some(&v)) => p.add(
            &AIRONET_CLIENTMFP,
            Span::new(type_at + 1, 1),
            Value::Bool(v & 1 != 0),
        ),
        (_, Some(_)) => p.add(&AIRONET_DATA, span, Value::SpanBytes),
        (_, None) => {}
    }
}
