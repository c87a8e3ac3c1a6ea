//! Every field the dissectors emit on the corpus is in the registry, so
//! `-e`, `wirelens fields` and display filters know every name users see.

use std::collections::BTreeSet;

use wirelens_capture::{CaptureFile, FileFormat};
use wirelens_dissect::{registry, Dissector, Packet, Prefs};
use wirelens_tests::{captures, corpus_dir};

#[test]
fn every_emitted_field_is_registered() {
    let mut missing = BTreeSet::new();
    let mut seen = BTreeSet::new();
    for path in captures(&corpus_dir(), &[]) {
        let Ok(file) = CaptureFile::open(&path) else {
            continue; // files refused at open are covered by the malformed test
        };
        let pcapng = matches!(file.format(), FileFormat::PcapNg);
        let mut dissector = Dissector::new(Prefs::default());
        let mut pkt = Packet::new(true);
        let mut packets = file.packets();
        while let Some(Ok(frame)) = packets.next() {
            let meta = frame.meta(packets.interfaces(), pcapng);
            dissector.dissect(&meta, frame.data, &mut pkt);
            for node in &pkt.fields {
                seen.insert(node.def.name);
                if registry::field(node.def.name).is_none() {
                    missing.insert(node.def.name);
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "emitted but not registered: {missing:?}"
    );
    assert!(
        seen.len() > 300,
        "only {} distinct fields seen on the corpus",
        seen.len()
    );
}
