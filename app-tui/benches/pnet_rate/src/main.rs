//! `pnet-rate IFACE FILE`: captures on IFACE through pnet's datalink layer
//! (an AF_PACKET socket, one `recvfrom` per packet, no kernel ring) and
//! writes pcapng, until SIGINT; prints the packets written. pnet gives no
//! kernel timestamps (taken here on receipt), no drop counters and no
//! capture filter compiler, so only the rate is compared.

use std::fs::File;
use std::io::BufWriter;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pnet_datalink::{Channel, Config};
use wirelens_capture::write::PcapNgWriter;
use wirelens_dissect::{LinkType, Timestamp};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(name), Some(path)) = (args.get(1), args.get(2)) else {
        return Err("usage: pnet-rate IFACE FILE".into());
    };
    let interface = pnet_datalink::interfaces()
        .into_iter()
        .find(|i| &i.name == name)
        .ok_or("no such interface")?;
    let config = Config {
        read_buffer_size: 262_144,
        read_timeout: Some(Duration::from_millis(100)),
        ..Config::default()
    };
    let Channel::Ethernet(_, mut rx) = pnet_datalink::channel(&interface, config)? else {
        return Err("not an Ethernet channel".into());
    };
    let stop = Arc::new(AtomicBool::new(false));
    signal_hook::flag::register(signal_hook::consts::SIGINT, Arc::clone(&stop))?;
    let mut writer = PcapNgWriter::new(BufWriter::with_capacity(1 << 20, File::create(path)?))?;
    writer.add_interface(LinkType(1), 262_144, Some(name), false)?;
    eprintln!("Capturing on '{name}'");
    let mut written = 0u64;
    while !stop.load(Ordering::Relaxed) {
        match rx.next() {
            Ok(data) => {
                let now = SystemTime::now().duration_since(UNIX_EPOCH)?;
                let ts = Timestamp::new(now.as_secs() as i64, u64::from(now.subsec_nanos()));
                writer.write_packet(0, ts, data, data.len() as u32, None)?;
                written += 1;
            }
            // The timeout, or SIGINT interrupting the read: check the flag.
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::TimedOut | std::io::ErrorKind::Interrupted
                ) => {}
            Err(e) => return Err(e.into()),
        }
    }
    writer.finish()?;
    eprintln!("{written} packets captured (pnet: no drop counters)");
    Ok(())
}
