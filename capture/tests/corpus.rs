//! Every capture of the shared corpus outside `malformed/` reads to its end
//! without error, and every frame matches tshark's record: time, lengths,
//! link type, interface, section and comments.

mod common;

use common::{assert_matches_tshark, captures_in, open, read_all};

const FOLDERS: [&str; 11] = [
    "link", "ip", "tcp", "dns", "tls", "ssh", "http2", "bgp", "wifi", "formats", "mixed",
];

#[test]
fn every_corpus_capture_matches_tshark() {
    let mut checked = 0;
    for folder in FOLDERS {
        let captures = captures_in(folder);
        assert!(
            !captures.is_empty(),
            "no captures found in shared/captures/{folder}"
        );
        for capture in captures {
            let file = open(&capture);
            let (frames, error) = read_all(&file);
            assert_eq!(error, None, "{capture}: unexpected read error");
            assert_matches_tshark(&capture, &file, &frames);
            checked += 1;
        }
    }
    // MANIFEST.md lists 160 captures, 36 of them in malformed/.
    assert_eq!(checked, 160 - 36, "number of corpus captures checked");
}
