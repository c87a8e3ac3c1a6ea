//! Opening the capture a command reads: a file, or standard input for `-`.

use std::io::Read;
use std::path::Path;

use wirelens_capture::CaptureFile;

use crate::Error;

/// Opens `path`, reading all of standard input when it is `-`.
pub fn open(path: &Path) -> Result<CaptureFile, Error> {
    if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|e| Error(format!("cannot read standard input: {e}")))?;
        return CaptureFile::from_bytes(bytes).map_err(|e| Error(format!("standard input: {e}")));
    }
    CaptureFile::open(path).map_err(|e| Error(format!("{}: {e}", path.display())))
}
