//! 802.11 state across frames: the BSSes seen (from beacons and probe
//! responses) and, per station, the association timeline: probe,
//! authentication, (re)association, the EAPOL 4-way handshake and the first
//! protected data frame, with retries and failures (deauthentication,
//! disassociation, refused status codes).

use std::collections::BTreeMap;

use crate::flow::timeline::{Direction, Timeline};
use crate::frame::FrameMeta;
use crate::link::ieee80211::ie::Summary;
use crate::link::ieee80211::mgmt::{self, Fixed};
use crate::link::ieee80211::{names, MacHeader, TYPE_DATA, TYPE_MGMT};
use crate::link::radiotap::RadioInfo;

/// Bounds on what is remembered, whatever the capture holds.
pub const MAX_BSS: usize = 4096;
pub const MAX_STATIONS: usize = 16384;

pub type Mac = [u8; 6];

const BROADCAST: Mac = [0xff; 6];

/// One BSS (access point) as its beacons and probe responses describe it.
#[derive(Clone, Debug, Default)]
pub struct Bss {
    pub ssid: Option<Vec<u8>>,
    pub channel: Option<u8>,
    pub freq: Option<u16>,
    /// Signal of the last beacon or probe response, in dBm.
    pub signal_dbm: Option<i8>,
    pub security: &'static str,
    pub beacons: u64,
    /// Stations seen associated (successful association or data exchanged).
    pub stations: Vec<Mac>,
}

/// One station's way into (and out of) a BSS.
#[derive(Clone, Debug, Default)]
pub struct Station {
    pub bssid: Option<Mac>,
    pub timeline: Timeline,
    /// Frames sent again (the Retry flag) while the station was followed.
    pub retries: u32,
    /// EAPOL-Key message numbers of the 4-way handshake, in order seen.
    pub eapol_msgs: Vec<u8>,
    pub associated: bool,
    saw_protected_data: bool,
}

/// The frame being dissected, as its MAC header placed it.
#[derive(Clone, Copy, Debug)]
struct Current {
    frame: u64,
    sta: Mac,
    bssid: Mac,
    dir: Direction,
    retry: bool,
}

#[derive(Clone, Debug, Default)]
pub struct WifiState {
    /// End of the previous frame on air (radiotap TSFT), for `wlan_radio.ifs`.
    pub last_end_tsf: Option<u64>,
    pub bss: BTreeMap<Mac, Bss>,
    pub stations: BTreeMap<Mac, Station>,
    current: Option<Current>,
}

fn is_group(m: &Mac) -> bool {
    m[0] & 0x01 != 0
}

impl WifiState {
    /// Notes a frame's MAC header: who is the station, who the BSS.
    pub fn note_header(&mut self, meta: &FrameMeta<'_>, h: &MacHeader) {
        self.current = None;
        let Some(a2) = h.addr2 else { return };
        let (sta, bssid, dir) = match h.fc.ftype {
            TYPE_MGMT => {
                let Some(bssid) = h.addr3 else { return };
                if a2 == bssid {
                    (h.addr1, bssid, Direction::ServerToClient)
                } else {
                    (a2, bssid, Direction::ClientToServer)
                }
            }
            TYPE_DATA => match (h.fc.to_ds(), h.fc.from_ds()) {
                (true, false) => (a2, h.addr1, Direction::ClientToServer),
                (false, true) => (h.addr1, a2, Direction::ServerToClient),
                _ => return,
            },
            _ => return,
        };
        if is_group(&sta) {
            return;
        }
        let retry = h.fc.retry();
        self.current = Some(Current {
            frame: meta.number,
            sta,
            bssid,
            dir,
            retry,
        });
        if h.fc.ftype == TYPE_DATA && h.fc.protected() {
            let Some(st) = self.station(sta) else { return };
            if !st.saw_protected_data {
                st.saw_protected_data = true;
                st.timeline.push(
                    meta.ts,
                    meta.number,
                    dir,
                    "wlan.protected_data",
                    "first protected data",
                );
            } else if retry {
                st.retries = st.retries.saturating_add(1);
            }
            self.add_member(bssid, sta);
        }
    }

    fn station(&mut self, sta: Mac) -> Option<&mut Station> {
        if !self.stations.contains_key(&sta) && self.stations.len() >= MAX_STATIONS {
            return None;
        }
        Some(self.stations.entry(sta).or_default())
    }

    fn add_member(&mut self, bssid: Mac, sta: Mac) {
        if let Some(b) = self.bss.get_mut(&bssid) {
            if !b.stations.contains(&sta) && b.stations.len() < MAX_STATIONS {
                b.stations.push(sta);
            }
        }
    }

    /// Notes a management frame's fixed parameters and elements.
    pub fn note_mgmt(
        &mut self,
        meta: &FrameMeta<'_>,
        h: &MacHeader,
        fixed: &Fixed,
        tags: Option<&Summary>,
    ) {
        let sub = h.fc.subtype;
        if matches!(sub, mgmt::BEACON_FRAME | mgmt::PROBE_RESP) {
            if let (Some(bssid), Some(t)) = (h.addr3, tags) {
                self.note_bss(bssid, fixed, t, sub == mgmt::BEACON_FRAME);
            }
        }
        // A probe request is sent to broadcast: its station is the sender.
        let cur = match self.current {
            Some(c) if c.frame == meta.number => c,
            _ if sub == mgmt::PROBE_REQ => match h.addr2 {
                Some(a2) if !is_group(&a2) => Current {
                    frame: meta.number,
                    sta: a2,
                    bssid: h.addr3.unwrap_or(BROADCAST),
                    dir: Direction::ClientToServer,
                    retry: h.fc.retry(),
                },
                _ => return,
            },
            _ => return,
        };
        let (kind, label): (&'static str, String) = match sub {
            mgmt::PROBE_REQ => ("wlan.probe_req", "Probe Request".into()),
            mgmt::PROBE_RESP => ("wlan.probe_resp", "Probe Response".into()),
            mgmt::AUTH => {
                let alg = fixed.auth_alg.unwrap_or(0);
                let seq = fixed.auth_seq.unwrap_or(0);
                let st = fixed.status.unwrap_or(0);
                let alg_name = names::auth_alg(alg as u64).unwrap_or("unknown algorithm");
                if st != 0 {
                    (
                        "wlan.auth_failed",
                        format!(
                            "Authentication {alg_name} seq {seq} refused: {}",
                            status(st)
                        ),
                    )
                } else {
                    (
                        "wlan.auth",
                        format!("Authentication ({alg_name}, seq {seq})"),
                    )
                }
            }
            mgmt::ASSOC_REQ => ("wlan.assoc_req", "Association Request".into()),
            mgmt::REASSOC_REQ => ("wlan.reassoc_req", "Reassociation Request".into()),
            mgmt::ASSOC_RESP | mgmt::REASSOC_RESP => {
                let st = fixed.status.unwrap_or(0);
                let what = if sub == mgmt::ASSOC_RESP {
                    "Association"
                } else {
                    "Reassociation"
                };
                if st == 0 {
                    ("wlan.assoc_resp", format!("{what} Response (success)"))
                } else {
                    (
                        "wlan.assoc_failed",
                        format!("{what} Response refused: {}", status(st)),
                    )
                }
            }
            mgmt::DEAUTH | mgmt::DISASSOC => {
                let r = fixed.reason.unwrap_or(0);
                let what = if sub == mgmt::DEAUTH {
                    "Deauthentication"
                } else {
                    "Disassociation"
                };
                let kind = if sub == mgmt::DEAUTH {
                    "wlan.deauth"
                } else {
                    "wlan.disassoc"
                };
                (
                    kind,
                    format!(
                        "{what}: {} ({r})",
                        names::reason_code(r as u64).unwrap_or("reserved reason")
                    ),
                )
            }
            _ => return,
        };
        self.push_event(meta, cur, kind, label);
        let Some(st) = self.stations.get_mut(&cur.sta) else {
            return;
        };
        match kind {
            "wlan.assoc_resp" => {
                st.associated = true;
                st.bssid = Some(cur.bssid);
                self.add_member(cur.bssid, cur.sta);
            }
            "wlan.deauth" | "wlan.disassoc" => st.associated = false,
            "wlan.auth" | "wlan.assoc_req" | "wlan.reassoc_req" => st.bssid = Some(cur.bssid),
            _ => {}
        }
    }

    /// Notes an EAPOL-Key frame of the frame being dissected.
    pub fn note_eapol(&mut self, meta: &FrameMeta<'_>, msg: EapolMsg) {
        let Some(cur) = self.current.filter(|c| c.frame == meta.number) else {
            return;
        };
        let (kind, label) = match msg {
            EapolMsg::FourWay(1) => ("eapol.m1", "EAPOL 4-way handshake message 1 of 4"),
            EapolMsg::FourWay(2) => ("eapol.m2", "EAPOL 4-way handshake message 2 of 4"),
            EapolMsg::FourWay(3) => ("eapol.m3", "EAPOL 4-way handshake message 3 of 4"),
            EapolMsg::FourWay(_) => ("eapol.m4", "EAPOL 4-way handshake message 4 of 4"),
            EapolMsg::Group(1) => ("eapol.g1", "EAPOL group key handshake message 1 of 2"),
            EapolMsg::Group(_) => ("eapol.g2", "EAPOL group key handshake message 2 of 2"),
        };
        let pushed = self.push_event(meta, cur, kind, label.to_string());
        self.add_member(cur.bssid, cur.sta);
        if let (EapolMsg::FourWay(n), true) = (msg, pushed) {
            if let Some(st) = self.stations.get_mut(&cur.sta) {
                if st.eapol_msgs.len() < crate::flow::timeline::MAX_TIMELINE_EVENTS {
                    st.eapol_msgs.push(n);
                }
            }
        }
    }

    /// Appends an event, or counts a retransmission of the last one. Returns
    /// whether an event was added.
    fn push_event(
        &mut self,
        meta: &FrameMeta<'_>,
        cur: Current,
        kind: &'static str,
        label: String,
    ) -> bool {
        let Some(st) = self.station(cur.sta) else {
            return false;
        };
        let repeat = st
            .timeline
            .events()
            .last()
            .is_some_and(|e| e.kind == kind && e.dir == cur.dir);
        if cur.retry && repeat {
            st.retries = st.retries.saturating_add(1);
            return false;
        }
        if cur.retry {
            st.retries = st.retries.saturating_add(1);
        }
        st.timeline.push(meta.ts, meta.number, cur.dir, kind, label);
        true
    }

    fn note_bss(&mut self, bssid: Mac, fixed: &Fixed, t: &Summary, beacon: bool) {
        if !self.bss.contains_key(&bssid) && self.bss.len() >= MAX_BSS {
            return;
        }
        let b = self.bss.entry(bssid).or_default();
        if t.ssid.is_some() {
            b.ssid.clone_from(&t.ssid);
        }
        if t.channel.is_some() {
            b.channel = t.channel;
        }
        if beacon {
            b.beacons += 1;
        }
        let privacy = fixed.capabilities.is_some_and(|c| c & 0x0010 != 0);
        b.security = security(t, privacy);
    }

    /// Records the radio facts of a beacon or probe response's BSS.
    pub fn note_bss_radio(&mut self, bssid: Mac, radio: &RadioInfo) {
        if let Some(b) = self.bss.get_mut(&bssid) {
            if radio.dbm_signal.is_some() {
                b.signal_dbm = radio.dbm_signal;
            }
            if let Some(f) = radio.freq.or(radio.xchannel.map(|x| x.1)) {
                b.freq = Some(f);
                if b.channel.is_none() {
                    b.channel = crate::link::wlan_radio::channel_of(f);
                }
            }
        }
    }
}

/// The 4-way or group-key handshake message an EAPOL-Key frame is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EapolMsg {
    FourWay(u8),
    Group(u8),
}

fn status(st: u16) -> String {
    format!(
        "{} ({st})",
        names::status_code(st as u64).unwrap_or("reserved status")
    )
}

/// A short security label from the RSN/WPA elements and the privacy bit.
fn security(t: &Summary, privacy: bool) -> &'static str {
    if !t.rsn_akms.is_empty() {
        let sae = t.rsn_akms.iter().any(|&a| matches!(a, 8 | 9 | 24));
        let psk = t.rsn_akms.iter().any(|&a| matches!(a, 2 | 4 | 6));
        let owe = t.rsn_akms.contains(&18);
        return match (sae, psk, owe) {
            (true, true, _) => "WPA2/WPA3-Personal",
            (true, false, _) => "WPA3-Personal (SAE)",
            (false, true, _) => "WPA2-Personal (PSK)",
            (false, false, true) => "OWE",
            _ => "WPA2-Enterprise (802.1X)",
        };
    }
    if t.wpa {
        "WPA"
    } else if privacy {
        "WEP"
    } else {
        "Open"
    }
}
