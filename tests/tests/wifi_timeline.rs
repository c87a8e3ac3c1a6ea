//! 802.11 association timelines: for each corpus capture with a WPA
//! handshake, the EAPOL-Key message numbers (tshark's
//! `wlan_rsna_eapol.keydes.msgnr`) and the association sequence are asserted
//! per station.

use std::path::Path;

use wirelens_dissect::flow::wifi::{Station, WifiState};
use wirelens_dissect::{Dissector, Packet, Prefs};
use wirelens_tests::corpus_dir;

/// Dissects a whole capture and returns its 802.11 state.
fn wifi_state(file: &Path) -> WifiState {
    let capture = wirelens::input::open(file).expect("open capture");
    let pcapng = matches!(capture.format(), wirelens_capture::FileFormat::PcapNg);
    let mut dissector = Dissector::new(Prefs::default());
    let mut pkt = Packet::new(false);
    let mut packets = capture.packets();
    while let Some(Ok(frame)) = packets.next() {
        let meta = frame.meta(packets.interfaces(), pcapng);
        dissector.dissect(&meta, frame.data, &mut pkt);
    }
    dissector.state().wifi.clone()
}

fn mac(s: &str) -> [u8; 6] {
    let mut m = [0u8; 6];
    for (i, p) in s.split(':').enumerate() {
        m[i] = u8::from_str_radix(p, 16).expect("hex");
    }
    m
}

fn station<'a>(w: &'a WifiState, sta: &str) -> &'a Station {
    w.stations.get(&mac(sta)).unwrap_or_else(|| {
        panic!(
            "no station {sta}; have {:?}",
            w.stations.keys().collect::<Vec<_>>()
        )
    })
}

/// The timeline as `kind@frame` items.
fn kinds(st: &Station) -> Vec<String> {
    st.timeline
        .events()
        .iter()
        .map(|e| format!("{}@{}", e.kind, e.frame))
        .collect()
}

fn wifi(name: &str) -> WifiState {
    wifi_state(&corpus_dir().join("wifi").join(name))
}

/// Every EAPOL-Key frame's message number, as `(frame, msgnr)`.
fn msgnrs(file: &Path) -> Vec<(u64, String)> {
    let capture = wirelens::input::open(file).expect("open capture");
    let pcapng = matches!(capture.format(), wirelens_capture::FileFormat::PcapNg);
    let mut dissector = Dissector::new(Prefs::default());
    let mut pkt = Packet::new(true);
    let mut packets = capture.packets();
    let mut out = Vec::new();
    while let Some(Ok(frame)) = packets.next() {
        let meta = frame.meta(packets.interfaces(), pcapng);
        dissector.dissect(&meta, frame.data, &mut pkt);
        for f in pkt.find_all("wlan_rsna_eapol.keydes.msgnr") {
            let mut s = String::new();
            wirelens_dissect::model::render_value(&mut s, f.def, &f.value, f.span, frame.data);
            out.push((meta.number, s));
        }
    }
    out
}

/// `frame:msgnr` pairs as tshark 4.0.17 gives them:
/// `tshark -r FILE -Y eapol -T fields -e frame.number -e wlan_rsna_eapol.keydes.msgnr`.
const TSHARK_MSGNR: &[(&str, &str)] = &[
    ("ieee80211_noradiotap_4way.pcap", "2:1 3:2 4:3 5:4"),
    ("radiotap_reassoc_4way.pcap", "8:1 9:2 10:3 11:4"),
    ("radiotap_wpa2_full_assoc_4way.pcap", "8:1 9:2 10:3 11:4"),
    ("radiotap_wpa3_sae_4way.pcap", "17:1 19:2 21:3 23:4"),
    ("radiotap_wpa_induction_partial.pcap", "1:4"),
    (
        "radiotap_busy_channel.pcap",
        "12:1 13:3 14:3 16:3 30:1 31:2 32:2 33:3 34:3 36:3 38:3 56:1 57:3 61:1 62:3 66:1 68:3 \
         69:3 71:3 72:3 76:1 77:3 79:3 81:3 82:3 95:3 105:1 106:2 107:3 108:3 110:3 134:1 135:2 \
         136:3 137:4 150:1 151:1 152:1 153:1 154:1 155:1 156:1 157:1 161:1 164:1",
    ),
];

#[test]
fn eapol_message_numbers_match_tshark() {
    for (file, truth) in TSHARK_MSGNR {
        let ours: Vec<String> = msgnrs(&corpus_dir().join("wifi").join(file))
            .into_iter()
            .map(|(f, n)| format!("{f}:{n}"))
            .collect();
        let truth: Vec<&str> = truth.split_whitespace().collect();
        assert_eq!(ours, truth, "{file}");
    }
}

#[test]
fn wpa2_full_association_timeline() {
    let w = wifi("radiotap_wpa2_full_assoc_4way.pcap");
    let st = station(&w, "40:40:a7:50:73:db");
    assert_eq!(
        kinds(st),
        [
            "wlan.probe_req@2",
            "wlan.probe_resp@3",
            "wlan.auth@4",
            "wlan.auth@5",
            "wlan.assoc_req@6",
            "wlan.assoc_resp@7",
            "eapol.m1@8",
            "eapol.m2@9",
            "eapol.m3@10",
            "eapol.m4@11",
            "wlan.protected_data@12",
            "wlan.disassoc@16",
        ]
    );
    assert_eq!(st.eapol_msgs, [1, 2, 3, 4]);
    assert_eq!(st.bssid, Some(mac("50:0f:80:70:18:d0")));
    assert!(!st.associated, "the capture ends with a disassociation");
    let last = st.timeline.events().last().expect("events");
    assert!(last.label.contains("Disassociation"), "{}", last.label);
    let bss = &w.bss[&mac("50:0f:80:70:18:d0")];
    assert_eq!(bss.ssid.as_deref(), Some(&b"ikeriri-5g"[..]));
    assert_eq!(bss.security, "WPA2-Personal (PSK)");
    assert_eq!(bss.channel, Some(36));
    assert!(bss.signal_dbm.is_some());
    assert_eq!(bss.stations, [mac("40:40:a7:50:73:db")]);
}

#[test]
fn wpa3_sae_timeline_has_commit_and_confirm() {
    let w = wifi("radiotap_wpa3_sae_4way.pcap");
    let st = station(&w, "02:00:00:00:01:00");
    assert_eq!(
        kinds(st),
        [
            "wlan.probe_req@2",
            "wlan.probe_resp@3",
            "wlan.auth@5",
            "wlan.auth@7",
            "wlan.auth@9",
            "wlan.auth@11",
            "wlan.assoc_req@13",
            "wlan.assoc_resp@15",
            "eapol.m1@17",
            "eapol.m2@19",
            "eapol.m3@21",
            "eapol.m4@23",
        ]
    );
    assert!(st.timeline.events()[2].label.contains("SAE"));
    assert!(st.associated);
    let bss = &w.bss[&mac("02:00:00:00:00:00")];
    assert_eq!(bss.security, "WPA3-Personal (SAE)");
}

#[test]
fn reassociation_timeline() {
    let w = wifi("radiotap_reassoc_4way.pcap");
    let st = station(&w, "00:11:22:33:44:57");
    assert_eq!(
        kinds(st)[1..],
        [
            "wlan.auth@3",
            "wlan.auth@5",
            "wlan.reassoc_req@6",
            "wlan.assoc_resp@7",
            "eapol.m1@8",
            "eapol.m2@9",
            "eapol.m3@10",
            "eapol.m4@11",
        ]
    );
    assert!(st.timeline.events()[4]
        .label
        .starts_with("Reassociation Response"));
    assert_eq!(st.eapol_msgs, [1, 2, 3, 4]);
    assert!(st.retries >= 1, "frame 4 is a retry");
}

#[test]
fn handshake_without_radiotap_and_partial_handshake() {
    let w = wifi("ieee80211_noradiotap_4way.pcap");
    let st = station(&w, "00:13:46:fe:32:0c");
    assert_eq!(
        kinds(st),
        ["eapol.m1@2", "eapol.m2@3", "eapol.m3@4", "eapol.m4@5"]
    );
    let w = wifi("radiotap_wpa_induction_partial.pcap");
    let st = station(&w, "00:0d:93:82:36:3a");
    assert_eq!(st.eapol_msgs, [4]);
    assert_eq!(kinds(st), ["eapol.m4@1", "wlan.protected_data@6"]);
}

#[test]
fn busy_channel_stations_and_repeated_handshakes() {
    let w = wifi("radiotap_busy_channel.pcap");
    // This station completes a handshake only at its fourth attempt (frames 134..137).
    let st = station(&w, "7c:64:56:8a:d6:7c");
    assert_eq!(st.eapol_msgs[..4], [1, 2, 2, 3]);
    assert!(kinds(st).contains(&"eapol.m1@30".to_string()));
    // One that never gets past message 1: the AP repeats it.
    let st = station(&w, "f0:a2:25:1d:c8:81");
    assert!(st.eapol_msgs.iter().all(|&m| m == 1));
    assert!(
        st.timeline.dropped() > 0,
        "its retries overflow the bounded timeline"
    );
    assert!(w.bss.len() >= 7);
}

#[test]
fn stats_wlan_lists_bsses_stations_and_timelines() {
    use wirelens::commands::stats::dissect_all;
    use wirelens::commands::wlan_report::write_wlan;
    let file = corpus_dir()
        .join("wifi")
        .join("radiotap_wpa3_sae_4way.pcap");
    let d = dissect_all(&file).expect("dissect");
    let mut out = Vec::new();
    write_wlan(&mut out, d.state()).expect("write");
    let text = String::from_utf8(out).expect("utf-8");
    assert!(text.contains("02:00:00:00:00:00 WPA3-Network"), "{text}");
    assert!(text.contains("WPA3-Personal (SAE)"), "{text}");
    assert!(
        text.contains("02:00:00:00:01:00  BSS 02:00:00:00:00:00  associated"),
        "{text}"
    );
    assert!(
        text.contains("EAPOL 4-way handshake message 4 of 4"),
        "{text}"
    );
    assert!(
        text.contains("Authentication (Simultaneous Authentication of Equals (SAE), seq 1)"),
        "{text}"
    );
}
