//! End to end: the real `wirelens-gui` binary in a virtual X server (Xvfb,
//! Mesa's software OpenGL), driven by its command line and xdotool,
//! photographed with ImageMagick's `import`. The pictures go to cargo's
//! test scratch directory (target/tmp/screenshots); with
//! `WIRELENS_UPDATE_SCREENSHOTS=1` they replace the ones in docs/images/,
//! which the README shows (so a test run never changes the repository).
//!
//! Needs `Xvfb`, `xdotool` and `import`/`identify` (Debian: xvfb, xdotool,
//! imagemagick, libgl1-mesa-dri); `.ci/run` installs them. Without them the
//! test fails and says what to install.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const WIDTH: u32 = 1200;
const HEIGHT: u32 = 760;

fn require(tool: &str, package: &str) {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        found,
        "`{tool}` is missing: install the Debian package {package} \
         (apt-get install xvfb xdotool imagemagick libgl1-mesa-dri; .ci/run does)"
    );
}

/// A process killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A virtual X server of our own.
struct Screen {
    x: Running,
    display: String,
}

impl Screen {
    /// Starts Xvfb on a free display (it reports which once ready).
    fn start() -> Screen {
        let mut x = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb starts");
        let stdout = x.stdout.take().expect("Xvfb's display pipe");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("Xvfb reports its display");
        assert!(line.trim().parse::<u32>().is_ok(), "Xvfb said {line:?}");
        Screen {
            x: Running(x),
            display: format!(":{}", line.trim()),
        }
    }

    /// Starts the server again if it is gone: on a shared machine another
    /// program's clean-up can end it.
    fn restart(&mut self) {
        *self = Screen::start();
    }

    fn is_alive(&mut self) -> bool {
        matches!(self.x.0.try_wait(), Ok(None))
    }
}

fn images_dir() -> PathBuf {
    if std::env::var_os("WIRELENS_UPDATE_SCREENSHOTS").is_some() {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/images"))
    } else {
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots")
    }
}

fn corpus(relative: &str) -> PathBuf {
    let path = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/captures/"
    ))
    .join(relative);
    assert!(
        path.is_file(),
        "test capture {} is missing (shared/captures/ beside the repository)",
        path.display()
    );
    path
}

/// The id of the visible window titled `title`, waiting up to 90 s for it
/// (a debug build on a busy machine starts slowly); the program's messages
/// if it ends first.
fn window_id(display: &str, title: &str, app: &mut Child, log: &Path) -> Result<String, String> {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        if let Ok(Some(status)) = app.try_wait() {
            let messages = std::fs::read_to_string(log).unwrap_or_default();
            return Err(format!(
                "wirelens-gui ended ({status}) before showing {title:?}:\n{messages}"
            ));
        }
        let out = Command::new("xdotool")
            .args(["search", "--onlyvisible", "--name", title])
            .env("DISPLAY", display)
            .output()
            .expect("xdotool runs");
        if let Some(id) = String::from_utf8_lossy(&out.stdout).lines().next() {
            return Ok(id.to_owned());
        }
        if Instant::now() > deadline {
            let messages = std::fs::read_to_string(log).unwrap_or_default();
            panic!("no window titled {title:?} after 90 s; wirelens-gui said:\n{messages}");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Runs the GUI with `args`, waits for its window and for the background
/// work to show, and saves a picture of the window to `out`.
/// `check` says what the picture must show; a picture that fails it is
/// taken again (twice at most): on a machine shared with other builds, a
/// click or the background work can land later than the fixed waits allow.
fn photograph(
    screen: &mut Screen,
    args: &[&str],
    title: &str,
    out: &Path,
    before: &dyn Fn(&str, &str),
    check: &dyn Fn(&Path) -> Result<(), String>,
) {
    for attempt in 1..=3 {
        if !screen.is_alive() {
            screen.restart();
        }
        let outcome =
            photograph_once(&screen.display, args, title, out, before).and_then(|()| check(out));
        match outcome {
            Ok(()) => return,
            // The server went away under us (see `Screen::restart`).
            Err(e) if e.contains("connection to X server") && attempt < 3 => screen.restart(),
            Err(_) if attempt < 3 => {}
            Err(e) => panic!("{title}, {}: {e}", out.display()),
        }
    }
}

/// The window was drawn: a blank or half-drawn one has a handful of
/// colours; text, row colours and plots give hundreds.
fn drawn(path: &Path) -> Result<(), String> {
    let (w, h, colours) = picture_facts(path);
    if (w, h) != (WIDTH, HEIGHT) {
        return Err(format!("{w}x{h}, not {WIDTH}x{HEIGHT}"));
    }
    if colours <= 200 {
        return Err(format!("only {colours} colours"));
    }
    Ok(())
}

fn photograph_once(
    display: &str,
    args: &[&str],
    title: &str,
    out: &Path,
    before: &dyn Fn(&str, &str),
) -> Result<(), String> {
    let log = std::env::temp_dir().join(format!("wirelens-gui-e2e-{}.log", std::process::id()));
    let app = Command::new(env!("CARGO_BIN_EXE_wirelens-gui"))
        .args(args)
        .env("DISPLAY", display)
        // The recent-files list goes to a throwaway place.
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join(format!("wirelens-gui-e2e-{}", std::process::id())),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::from(
            std::fs::File::create(&log).expect("a log file"),
        ))
        .spawn()
        .expect("the GUI starts");
    let mut app = Running(app);
    let id = window_id(display, title, &mut app.0, &log)?;
    before(display, &id);
    // Loading, the connection report and the first frames after them.
    std::thread::sleep(Duration::from_secs(4));
    let status = Command::new("import")
        .args([
            "-display",
            display,
            "-window",
            &id,
            "-strip",
            "-define",
            "png:exclude-chunks=date,time",
        ])
        .arg(out)
        .status()
        .expect("import runs");
    assert!(status.success(), "import failed for {title}");
    drop(app);
    Ok(())
}

/// Width, height and number of distinct colours of a picture.
fn picture_facts(path: &Path) -> (u32, u32, u32) {
    let out = Command::new("identify")
        .args(["-format", "%w %h %k"])
        .arg(path)
        .output()
        .expect("identify runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let v: Vec<u32> = text
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert_eq!(v.len(), 3, "identify said {text:?}");
    (v[0], v[1], v[2])
}

fn xdotool(display: &str, args: &[&str]) {
    let ok = Command::new("xdotool")
        .args(args)
        .env("DISPLAY", display)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "xdotool {args:?} failed");
}

/// Removes the program's log and settings folder at the end.
struct Scratch;

impl Drop for Scratch {
    fn drop(&mut self) {
        let base = std::env::temp_dir().join(format!("wirelens-gui-e2e-{}", std::process::id()));
        // Best effort: leftovers in the temporary folder are harmless.
        let _ = std::fs::remove_dir_all(&base);
        let _ = std::fs::remove_file(base.with_extension("log"));
    }
}

/// Inside the "Bytes in flight / cwnd" tab of the TCP graph window.
const CWND_TAB: &str = "120x12+420+79";

/// The filter field's area: width x height + left + top.
const FILTER_FIELD: &str = "600x16+60+28";

/// Whether the `area` of a picture has pixels of colour `hex` (RRGGBB).
fn has_colour(path: &Path, area: &str, hex: &str) -> bool {
    let out = Command::new("convert")
        .arg(path)
        .args([
            "-crop",
            area,
            "+repage",
            "-format",
            "%c",
            "histogram:info:-",
        ])
        .output()
        .expect("convert runs");
    String::from_utf8_lossy(&out.stdout)
        .to_uppercase()
        .contains(&format!("#{hex}"))
}

#[test]
fn the_real_window_under_xvfb() {
    for (tool, package) in [
        ("Xvfb", "xvfb"),
        ("xdotool", "xdotool"),
        ("import", "imagemagick"),
        ("identify", "imagemagick"),
        ("convert", "imagemagick"),
    ] {
        require(tool, package);
    }
    let _scratch = Scratch;
    let mut screen = Screen::start();
    let dir = images_dir();
    std::fs::create_dir_all(&dir).expect("the screenshot directory is writable");

    // The main window: the list, packet 4's tree and bytes, and a filter
    // typed into the filter bar.
    let http = corpus("mixed/http_get.pcap");
    let main = dir.join("gui-main.png");
    photograph(
        &mut screen,
        &["--packet", "4", http.to_str().unwrap_or_default()],
        "http_get.pcap - wirelens",
        &main,
        &|_, _| {},
        &|p| {
            drawn(p)?;
            if has_colour(p, FILTER_FIELD, "AFFFAF") {
                return Err("the filter field is green without a filter".into());
            }
            Ok(())
        },
    );
    let filtered = dir.join("gui-filter.png");
    photograph(
        &mut screen,
        &["--packet", "4", http.to_str().unwrap_or_default()],
        "http_get.pcap - wirelens",
        &filtered,
        &|display, id| {
            std::thread::sleep(Duration::from_secs(2));
            // Click into the filter field, type, press Enter.
            xdotool(display, &["windowfocus", "--sync", id]);
            xdotool(display, &["mousemove", "--window", id, "400", "35"]);
            xdotool(display, &["click", "1"]);
            xdotool(
                display,
                &["type", "--delay", "30", "http || tcp.flags.syn == 1"],
            );
            xdotool(display, &["key", "Return"]);
        },
        // The typed filter compiled: the field is green (#afffaf).
        &|p| {
            drawn(p)?;
            if !has_colour(p, FILTER_FIELD, "AFFFAF") {
                return Err("the filter field is not green".into());
            }
            Ok(())
        },
    );

    // The TCP stream graphs of a bulk transfer with SACK and losses
    // (recorded with `ss` beside it, samples/captures/cwnd_cubic.*): the
    // time-sequence graph, then the window graph, its tab clicked.
    let cubic = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../samples/captures/cwnd_cubic.pcap"
    ));
    let cubic = cubic.to_str().unwrap_or_default();
    let graph = dir.join("gui-tcp-graph.png");
    photograph(
        &mut screen,
        &["--packet", "1", "--show", "tcp-graph", cubic],
        "cwnd_cubic.pcap - wirelens",
        &graph,
        &|_, _| {},
        &|p| {
            drawn(p)?;
            if has_colour(p, CWND_TAB, "005C80") {
                return Err("the window graph's tab is selected at start".into());
            }
            Ok(())
        },
    );
    let window = dir.join("gui-cwnd.png");
    photograph(
        &mut screen,
        &["--packet", "1", "--show", "tcp-graph", cubic],
        "cwnd_cubic.pcap - wirelens",
        &window,
        &|display, id| {
            // The connection report first, then the "Bytes in flight /
            // cwnd" tab of the graph window (it opens at a fixed place).
            std::thread::sleep(Duration::from_secs(4));
            xdotool(display, &["windowfocus", "--sync", id]);
            xdotool(display, &["mousemove", "--window", id, "478", "85"]);
            xdotool(display, &["click", "1"]);
        },
        // The click reached the tab: it has the selection colour (egui's
        // dark theme, #005c80), which the first graph's picture has not.
        &|p| {
            drawn(p)?;
            if !has_colour(p, CWND_TAB, "005C80") {
                return Err("the Bytes in flight / cwnd tab is not selected".into());
            }
            Ok(())
        },
    );
    let timeline = dir.join("gui-timeline.png");
    photograph(
        &mut screen,
        &[
            "--packet",
            "1",
            "--show",
            "timeline",
            http.to_str().unwrap_or_default(),
        ],
        "http_get.pcap - wirelens",
        &timeline,
        &|_, _| {},
        &drawn,
    );
}
