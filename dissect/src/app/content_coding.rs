//! HTTP content codings (RFC 9110 section 8.4.1): bodies sent gzip- or
//! deflate-compressed, inflated so that they can be shown and dissected, as
//! Wireshark shows "Content-encoded entity body". Shared by HTTP/1.x and
//! HTTP/2.

/// Most bytes a content-encoded body is inflated to (against compression bombs).
pub const MAX_DECOMPRESSED: u64 = 4 * 1024 * 1024;

/// Inflates a `gzip` or `deflate` body (zlib, or raw deflate as some servers
/// send it); `None` for other encodings or bytes that do not inflate.
pub fn decompress(encoding: &str, body: &[u8]) -> Option<Vec<u8>> {
    use std::io::Read;
    // What inflated before an error (a stream cut after a sync flush, as
    // Wireshark's inflate accepts) still counts.
    fn inflate(r: impl Read) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        let ok = r.take(MAX_DECOMPRESSED).read_to_end(&mut out).is_ok();
        (ok || !out.is_empty()).then_some(out)
    }
    match encoding {
        "gzip" | "x-gzip" => inflate(flate2::read::GzDecoder::new(body)),
        "deflate" => inflate(flate2::read::ZlibDecoder::new(body))
            .or_else(|| inflate(flate2::read::DeflateDecoder::new(body))),
        _ => None,
    }
}
