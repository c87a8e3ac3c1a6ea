//! Reading resumed from a saved position (`Packets::resume_point`,
//! `CaptureFile::packets_from`) yields exactly the frames, numbers and frame
//! facts a single pass yields from there on, for every corpus capture
//! (pcapng with several sections and interfaces included).

mod common;

use common::{captures_in, open};

#[test]
fn resumed_reading_continues_exactly() {
    let mut checked = 0;
    for folder in ["formats", "link", "mixed", "tcp", "dns"] {
        for capture in captures_in(folder) {
            let file = open(&capture);
            let pcapng = matches!(file.format(), wirelens_capture::FileFormat::PcapNg);
            let mut whole = Vec::new();
            let mut points = Vec::new();
            let mut packets = file.packets();
            points.push(packets.resume_point());
            while let Some(Ok(frame)) = packets.next() {
                let meta = format!("{:?}", frame.meta(packets.interfaces(), pcapng));
                whole.push((frame.clone(), meta));
                points.push(packets.resume_point());
            }
            for (k, point) in points.iter().enumerate().step_by(3) {
                assert_eq!(point.frames_read(), k as u64);
                let mut rest = file.packets_from(point);
                let mut i = k;
                while let Some(Ok(frame)) = rest.next() {
                    let meta = format!("{:?}", frame.meta(rest.interfaces(), pcapng));
                    assert_eq!(
                        (&frame, &meta),
                        (&whole[i].0, &whole[i].1),
                        "{capture} from {k}"
                    );
                    i += 1;
                }
                assert_eq!(i, whole.len(), "{capture} from {k}: frames missing");
            }
            checked += 1;
        }
    }
    assert!(checked > 50, "{checked} captures");
}

/// A pcap record read by its offset is the frame a pass yields there; a
/// pcapng file answers `None` (its blocks need the section read before).
#[test]
fn pcap_frames_read_by_offset_are_the_frames_of_a_pass() {
    let mut checked = 0;
    for folder in ["formats", "link", "mixed", "tcp", "dns"] {
        for capture in captures_in(folder) {
            let file = open(&capture);
            let pcapng = matches!(file.format(), wirelens_capture::FileFormat::PcapNg);
            let mut packets = file.packets();
            while let Some(Ok(frame)) = packets.next() {
                let at = file.pcap_frame_at(frame.file_offset, frame.number);
                if pcapng {
                    assert!(at.is_none(), "{capture}");
                    continue;
                }
                let at = at.expect("pcap").expect("frame");
                assert_eq!(at, frame, "{capture} #{}", frame.number);
                checked += 1;
            }
            if !pcapng {
                let past = file.pcap_frame_at(file.len(), 1).expect("pcap");
                assert!(past.is_err(), "{capture}: a record past the end");
            }
        }
    }
    assert!(checked > 500, "{checked} frames");
}
