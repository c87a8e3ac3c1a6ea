//! `wirelens stats wlan`: the 802.11 BSSes a capture shows (SSID, channel,
//! signal, security, stations) and each station's association timeline.

use std::io::{self, Write};

use wirelens_dissect::flow::State;
use wirelens_dissect::model::Address;

const RULE: &str =
    "================================================================================";

/// Writes the 802.11 BSS table (SSID, channel, signal, security, stations) and,
/// per station, its association timeline with times relative to the first frame.
pub fn write_wlan(out: &mut impl Write, state: &State) -> io::Result<()> {
    let wifi = &state.wifi;
    let first = state.first_ts.unwrap_or(state.frame_ts);
    writeln!(out, "{RULE}")?;
    writeln!(out, "802.11 BSSes")?;
    writeln!(
        out,
        "{:<17} {:<32} {:>4} {:>8} {:>7} {:<24} Stations",
        "BSSID", "SSID", "Chan", "Signal", "Beacons", "Security"
    )?;
    for (bssid, b) in &wifi.bss {
        let ssid = b.ssid.as_ref().map_or_else(String::new, |s| {
            if s.is_empty() {
                "(hidden)".to_string()
            } else {
                String::from_utf8_lossy(s).into_owned()
            }
        });
        let chan = b.channel.map_or_else(|| "-".into(), |c| c.to_string());
        let signal = b
            .signal_dbm
            .map_or_else(|| "-".into(), |s| format!("{s} dBm"));
        let stations: Vec<String> = b.stations.iter().map(mac_text).collect();
        writeln!(
            out,
            "{:<17} {:<32} {:>4} {:>8} {:>7} {:<24} {}",
            mac_text(bssid),
            ssid,
            chan,
            signal,
            b.beacons,
            b.security,
            stations.join(" ")
        )?;
    }
    writeln!(out, "{RULE}")?;
    writeln!(out, "802.11 stations")?;
    for (sta, st) in &wifi.stations {
        let bss = st.bssid.as_ref().map_or_else(|| "-".into(), mac_text);
        let msgs: Vec<String> = st.eapol_msgs.iter().map(u8::to_string).collect();
        writeln!(
            out,
            "{}  BSS {}  {}  retries {}  EAPOL [{}]",
            mac_text(sta),
            bss,
            if st.associated {
                "associated"
            } else {
                "not associated"
            },
            st.retries,
            msgs.join(" ")
        )?;
        for e in st.timeline.events() {
            let who = match e.dir {
                wirelens_dissect::flow::timeline::Direction::ClientToServer => "STA->AP",
                wirelens_dissect::flow::timeline::Direction::ServerToClient => "AP->STA",
            };
            writeln!(
                out,
                "  {:>12.6}  #{:<6} {who}  {}",
                e.ts.since(first).as_secs_f64(),
                e.frame,
                e.label
            )?;
        }
        if st.timeline.dropped() > 0 {
            writeln!(out, "  ({} more events not kept)", st.timeline.dropped())?;
        }
    }
    writeln!(out, "{RULE}")
}

fn mac_text(m: &[u8; 6]) -> String {
    Address::Mac(*m).to_string()
}
