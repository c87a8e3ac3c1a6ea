//! `wirelens capture`, `wirelens interfaces` and `wirelens -i`: live
//! capture, built with the `live` feature (libpcap). Without it these
//! commands say how to build it; reading files never needs libpcap.

mod options;
#[cfg(feature = "live")]
pub(crate) mod run;

use std::io::Write;
use std::process::ExitCode;

use crate::cli::CaptureArgs;
use crate::Error;

pub use options::{Autostop, LiveOptions, Ring};

/// What a build without the `live` feature answers.
pub const NOT_BUILT: &str = "live capture is not built into this wirelens; build with \
     `cargo build --release -p wirelens --features live` (needs libpcap-dev)";

/// Runs a headless live capture.
pub fn capture(args: &CaptureArgs, out: &mut impl Write) -> Result<ExitCode, Error> {
    #[cfg(feature = "live")]
    {
        run::capture(args, out)
    }
    #[cfg(not(feature = "live"))]
    {
        let _ = (args, out);
        Err(Error(NOT_BUILT.into()))
    }
}

/// Lists the capture interfaces.
pub fn interfaces(out: &mut impl Write) -> Result<ExitCode, Error> {
    #[cfg(feature = "live")]
    {
        run::interfaces(out)
    }
    #[cfg(not(feature = "live"))]
    {
        let _ = out;
        Err(Error(NOT_BUILT.into()))
    }
}
