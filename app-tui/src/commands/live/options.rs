//! The live capture flags checked and put together: `-a` stop conditions
//! and `-b` ring buffer options in tshark's `name:value` syntax.

use std::path::PathBuf;
use std::time::Duration;

use crate::cli::CaptureArgs;
use crate::Error;

/// libpcap's default snapshot length: whole packets.
const DEFAULT_SNAPLEN: u32 = 262_144;

/// `-c` and `-a`: stop at the first condition met.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Autostop {
    pub packets: Option<u64>,
    pub duration: Option<Duration>,
    pub filesize_kb: Option<u64>,
}

/// `-b`: a ring of files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ring {
    pub filesize_kb: u64,
    pub files: Option<u32>,
}

/// Every live capture flag, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveOptions {
    pub interfaces: Vec<String>,
    pub capture_filter: Option<String>,
    pub snaplen: u32,
    pub promiscuous: bool,
    pub buffer_bytes: Option<u32>,
    pub autostop: Autostop,
    pub output: Option<PathBuf>,
    pub ring: Option<Ring>,
}

impl LiveOptions {
    pub fn from_args(args: &CaptureArgs) -> Result<Self, Error> {
        if args.interfaces.is_empty() {
            return Err(Error(
                "give an interface to capture on with -i IFACE (`wirelens interfaces` lists them)"
                    .into(),
            ));
        }
        let mut autostop = parse_autostop(&args.autostop)?;
        if let Some(n) = args.count {
            autostop.packets = Some(autostop.packets.map_or(n, |a| a.min(n)));
        }
        let ring = parse_ring(&args.ring)?;
        if ring.is_some() && args.write.is_none() {
            return Err(Error("-b (ring buffer) needs -w FILE".into()));
        }
        let snaplen = args.snaplen.unwrap_or(DEFAULT_SNAPLEN);
        if snaplen == 0 {
            return Err(Error("-s: the snapshot length must be above 0".into()));
        }
        let buffer_bytes = args
            .buffer_mib
            .map(|mib| {
                mib.checked_mul(1 << 20)
                    .filter(|b| *b <= i32::MAX as u32)
                    .ok_or_else(|| Error(format!("-B {mib}: the buffer must be below 2048 MiB")))
            })
            .transpose()?;
        Ok(LiveOptions {
            interfaces: args.interfaces.clone(),
            capture_filter: args.capture_filter.clone().filter(|f| !f.trim().is_empty()),
            snaplen,
            promiscuous: !args.no_promiscuous,
            buffer_bytes,
            autostop,
            output: args.write.clone(),
            ring,
        })
    }
}

/// `-a duration:S`, `-a filesize:KB`, `-a packets:N`; the smallest wins
/// when one is given twice.
pub fn parse_autostop(conditions: &[String]) -> Result<Autostop, Error> {
    let mut stop = Autostop::default();
    for (name, value) in split_conditions(conditions, "-a")? {
        match name {
            "duration" => {
                let secs: f64 = value
                    .parse()
                    .ok()
                    .filter(|s: &f64| s.is_finite() && *s > 0.0)
                    .ok_or_else(|| {
                        Error(format!(
                            "-a duration:{value}: give a number of seconds above 0"
                        ))
                    })?;
                let d = Duration::from_secs_f64(secs);
                stop.duration = Some(stop.duration.map_or(d, |old| old.min(d)));
            }
            "filesize" => {
                let kb = positive(value, "-a filesize")?;
                stop.filesize_kb = Some(stop.filesize_kb.map_or(kb, |old| old.min(kb)));
            }
            "packets" => {
                let n = positive(value, "-a packets")?;
                stop.packets = Some(stop.packets.map_or(n, |old| old.min(n)));
            }
            other => {
                return Err(Error(format!(
                    "-a {other}: unknown stop condition (duration, filesize or packets)"
                )))
            }
        }
    }
    Ok(stop)
}

/// `-b filesize:KB,files:N` (or each in its own `-b`).
pub fn parse_ring(options: &[String]) -> Result<Option<Ring>, Error> {
    if options.is_empty() {
        return Ok(None);
    }
    let mut filesize_kb = None;
    let mut files = None;
    for (name, value) in split_conditions(options, "-b")? {
        match name {
            "filesize" => filesize_kb = Some(positive(value, "-b filesize")?),
            "files" => {
                let n = positive(value, "-b files")?;
                files =
                    Some(u32::try_from(n).map_err(|_| Error(format!("-b files:{n}: too many")))?);
            }
            other => {
                return Err(Error(format!(
                    "-b {other}: unknown ring buffer option (filesize or files)"
                )))
            }
        }
    }
    let filesize_kb = filesize_kb
        .ok_or_else(|| Error("-b needs filesize:KB to know when to start the next file".into()))?;
    Ok(Some(Ring { filesize_kb, files }))
}

fn split_conditions<'a>(items: &'a [String], flag: &str) -> Result<Vec<(&'a str, &'a str)>, Error> {
    items
        .iter()
        .flat_map(|item| item.split(','))
        .filter(|part| !part.is_empty())
        .map(|part| {
            part.split_once(':')
                .ok_or_else(|| Error(format!("{flag} {part}: expected NAME:VALUE")))
        })
        .collect()
}

fn positive(value: &str, what: &str) -> Result<u64, Error> {
    value
        .parse::<u64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| Error(format!("{what}:{value}: give a whole number above 0")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn autostop_conditions_combine_and_the_smallest_wins() {
        let stop = parse_autostop(&strings(&[
            "duration:2.5",
            "packets:10,packets:7",
            "filesize:300",
        ]))
        .expect("valid conditions");
        assert_eq!(stop.duration, Some(Duration::from_millis(2500)));
        assert_eq!(stop.packets, Some(7));
        assert_eq!(stop.filesize_kb, Some(300));
    }

    #[test]
    fn bad_autostop_conditions_are_named() {
        let e = parse_autostop(&strings(&["time:3"])).expect_err("unknown condition");
        assert!(e.0.contains("-a time"), "{}", e.0);
        let e = parse_autostop(&strings(&["packets:0"])).expect_err("zero");
        assert!(e.0.contains("above 0"), "{}", e.0);
        let e = parse_autostop(&strings(&["duration"])).expect_err("no value");
        assert!(e.0.contains("NAME:VALUE"), "{}", e.0);
    }

    #[test]
    fn ring_options_in_one_or_several_flags() {
        let one = parse_ring(&strings(&["filesize:1000,files:5"])).expect("valid");
        let two = parse_ring(&strings(&["filesize:1000", "files:5"])).expect("valid");
        assert_eq!(
            one,
            Some(Ring {
                filesize_kb: 1000,
                files: Some(5)
            })
        );
        assert_eq!(one, two);
        let e = parse_ring(&strings(&["files:5"])).expect_err("no size");
        assert!(e.0.contains("filesize"), "{}", e.0);
    }

    #[test]
    fn count_and_packets_condition_take_the_smaller() {
        let args = CaptureArgs {
            interfaces: strings(&["lo"]),
            count: Some(3),
            autostop: strings(&["packets:5"]),
            buffer_mib: Some(8),
            ..CaptureArgs::default()
        };
        let options = LiveOptions::from_args(&args).expect("valid");
        assert_eq!(options.autostop.packets, Some(3));
        assert_eq!(options.buffer_bytes, Some(8 << 20));
        assert_eq!(options.snaplen, 262_144);
        assert!(options.promiscuous);
    }

    #[test]
    fn a_ring_needs_an_output_file() {
        let args = CaptureArgs {
            interfaces: strings(&["lo"]),
            ring: strings(&["filesize:10"]),
            ..CaptureArgs::default()
        };
        let e = LiveOptions::from_args(&args).expect_err("no -w");
        assert!(e.0.contains("-w"), "{}", e.0);
    }
}
