//! A capture file written in pieces, as a live capture writes it: the
//! packets of a recorded capture, block by block.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use wirelens_capture::write::PcapNgWriter;
use wirelens_capture::CaptureFile;
use wirelens_dissect::{LinkType, Timestamp};

/// The packets of samples/captures/http_get.pcap: (timestamp, bytes, original length).
pub fn recorded_packets() -> Vec<(Timestamp, Vec<u8>, u32)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/captures/http_get.pcap");
    let file = CaptureFile::open(&path).expect("samples/captures/http_get.pcap opens");
    file.packets()
        .map(|f| f.expect("the sample is intact"))
        .map(|f| (f.ts, f.data.to_vec(), f.orig_len))
        .collect()
}

/// Each packet's bytes as pcapng: the header (SHB and IDB), then one EPB per packet.
pub fn pcapng_pieces(packets: &[(Timestamp, Vec<u8>, u32)]) -> (Vec<u8>, Vec<Vec<u8>>) {
    let mut writer = PcapNgWriter::new(Vec::new()).expect("in memory");
    writer
        .add_interface(LinkType(1), 65535, Some("eth0"), false)
        .expect("in memory");
    let mut done = writer.get_ref().len();
    let mut blocks = Vec::new();
    for (ts, data, orig_len) in packets {
        writer
            .write_packet(0, *ts, data, *orig_len, None)
            .expect("in memory");
        blocks.push(writer.get_ref()[done..].to_vec());
        done = writer.get_ref().len();
    }
    let bytes = writer.finish().expect("in memory");
    let header_len = bytes.len() - blocks.iter().map(Vec::len).sum::<usize>();
    (bytes[..header_len].to_vec(), blocks)
}

pub struct TempFile(pub PathBuf);

impl TempFile {
    pub fn new(name: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("wirelens_follow_{}_{name}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        TempFile(path)
    }

    pub fn append(&self, bytes: &[u8]) {
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.0)
            .expect("temporary file");
        file.write_all(bytes).expect("temporary file");
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
