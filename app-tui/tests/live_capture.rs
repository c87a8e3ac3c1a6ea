//! Live capture on a veth pair between two network namespaces the tests
//! create (and remove, even when a test fails): known traffic (ping, a TCP
//! exchange with a small server) is captured with a BPF filter and `-c`,
//! and the pcapng written is dissected by wirelens itself.
//!
//! Needs root (to create namespaces), iproute2, iputils-ping, python3 and
//! setpriv (util-linux); `.ci/run` installs them. Traffic never leaves the
//! two namespaces.

#![cfg(feature = "live")]

mod common;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use common::tmux::Tmux;

const BIN: &str = env!("CARGO_BIN_EXE_wirelens");
/// The client side, in namespace A on interface `va`.
const CLIENT: &str = "10.213.0.1";
/// The server side, in namespace B on interface `vb`.
const SERVER: &str = "10.213.0.2";
const PORT: u16 = 7777;

/// Two namespaces joined by a veth pair, removed on drop.
struct Net {
    a: String,
    b: String,
}

impl Net {
    fn new() -> Net {
        require_root_and_tools();
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let tag = format!("wl{}x{n}", std::process::id());
        let net = Net {
            a: format!("{tag}a"),
            b: format!("{tag}b"),
        };
        run(&["ip", "netns", "add", &net.a]);
        run(&["ip", "netns", "add", &net.b]);
        run(&[
            "ip", "link", "add", "va", "netns", &net.a, "type", "veth", "peer", "name", "vb",
            "netns", &net.b,
        ]);
        for (ns, dev, addr) in [(&net.a, "va", CLIENT), (&net.b, "vb", SERVER)] {
            // No IPv6: no router solicitations or neighbour discovery in the way.
            net.exec_ok(
                ns,
                &[
                    "sh",
                    "-c",
                    "echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6",
                ],
            );
            net.exec_ok(
                ns,
                &["ip", "addr", "add", &format!("{addr}/24"), "dev", dev],
            );
            net.exec_ok(ns, &["ip", "link", "set", dev, "up"]);
            net.exec_ok(ns, &["ip", "link", "set", "lo", "up"]);
        }
        net
    }

    fn exec(&self, ns: &str, args: &[&str]) -> Command {
        let mut command = Command::new("ip");
        command.args(["netns", "exec", ns]).args(args);
        command
    }

    fn exec_ok(&self, ns: &str, args: &[&str]) -> Output {
        let output = self.exec(ns, args).output().expect("ip netns exec runs");
        assert!(
            output.status.success(),
            "in {ns}: {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// Starts `wirelens ARGS` in namespace A and waits until it captures.
    fn start_capture(&self, args: &[&str]) -> Capture {
        let mut child = self
            .exec(&self.a, &[BIN])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("wirelens starts");
        let mut stderr = BufReader::new(child.stderr.take().expect("piped"));
        let mut first = String::new();
        stderr.read_line(&mut first).expect("wirelens stderr");
        assert!(
            first.starts_with("Capturing on"),
            "wirelens {args:?} did not start capturing: {first}"
        );
        Capture { child, stderr }
    }

    /// Three pings from A to B, 0.2 s apart.
    fn ping(&self) {
        self.exec_ok(
            &self.a,
            &[
                "ping", "-n", "-q", "-c", "3", "-i", "0.2", "-W", "2", SERVER,
            ],
        );
    }

    /// A TCP exchange paced so that every segment is acknowledged on its
    /// own before the next step: the client sends a line, the server
    /// answers "bye" and closes, then the client closes.
    fn tcp_exchange(&self) {
        let server = format!(
            r#"
import socket, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("{SERVER}", {PORT}))
s.listen(1)
print("ready", flush=True)
c, _ = s.accept()
data = b""
while not data.endswith(b"\n"):
    d = c.recv(100)
    if not d:
        break
    data += d
time.sleep(0.4)
c.sendall(b"bye\n")
time.sleep(0.4)
c.shutdown(socket.SHUT_WR)
while c.recv(100):
    pass
c.close()
print(data.decode().strip(), flush=True)
"#
        );
        let client = format!(
            r#"
import socket, time
c = socket.create_connection(("{SERVER}", {PORT}))
time.sleep(0.4)
c.sendall(b"hello wirelens\n")
data = b""
while True:
    d = c.recv(100)
    if not d:
        break
    data += d
time.sleep(0.4)
c.close()
print(data.decode().strip())
"#
        );
        let mut server = self
            .exec(&self.b, &["python3", "-c", &server])
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs");
        let mut server_out = BufReader::new(server.stdout.take().expect("piped"));
        let mut ready = String::new();
        server_out.read_line(&mut ready).expect("server output");
        assert_eq!(ready.trim(), "ready", "the TCP server did not start");
        let client = self.exec_ok(&self.a, &["python3", "-c", &client]);
        assert_eq!(String::from_utf8_lossy(&client.stdout).trim(), "bye");
        let mut heard = String::new();
        server_out
            .read_to_string(&mut heard)
            .expect("server output");
        assert_eq!(heard.trim(), "hello wirelens");
        assert!(server.wait().expect("server exits").success());
    }
}

impl Drop for Net {
    fn drop(&mut self) {
        for ns in [&self.a, &self.b] {
            let _ = Command::new("ip").args(["netns", "del", ns]).status();
        }
    }
}

/// A running `wirelens` capture.
struct Capture {
    child: Child,
    stderr: BufReader<ChildStderr>,
}

impl Capture {
    /// Waits for the capture to stop by itself (`-c`), at most `limit`.
    fn wait(mut self, limit: Duration) -> (String, String) {
        let start = Instant::now();
        while self.child.try_wait().expect("wait").is_none() {
            if start.elapsed() > limit {
                let _ = self.child.kill();
                panic!("wirelens did not stop within {limit:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let status = self.child.wait().expect("wait");
        let mut stdout = String::new();
        if let Some(mut out) = self.child.stdout.take() {
            out.read_to_string(&mut stdout).expect("stdout");
        }
        let mut stderr = String::new();
        self.stderr.read_to_string(&mut stderr).expect("stderr");
        assert!(status.success(), "wirelens failed: {stderr}");
        (stdout, stderr)
    }
}

fn run(args: &[&str]) {
    let output = Command::new(args[0])
        .args(&args[1..])
        .output()
        .unwrap_or_else(|e| panic!("{args:?}: {e}"));
    assert!(
        output.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn require_root_and_tools() {
    // The effective user id, from /proc (no libc call needed).
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let euid = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .expect("Uid line");
    assert_eq!(
        euid, "0",
        "the live capture tests need root (or CAP_NET_ADMIN and CAP_SYS_ADMIN) to create \
         network namespaces; run them as root"
    );
    for (tool, package) in [
        ("ip", "iproute2"),
        ("ping", "iputils-ping"),
        ("python3", "python3"),
        ("setpriv", "util-linux"),
    ] {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(
            found,
            "the live capture tests need `{tool}`: install {package}"
        );
    }
}

/// A file in the temporary directory, removed on drop.
struct TempPath(PathBuf);

impl TempPath {
    fn new(name: &str) -> TempPath {
        TempPath(temp_name(name))
    }

    fn arg(&self) -> &str {
        self.0.to_str().expect("UTF-8 temporary path")
    }
}

/// A name in the temporary directory unique to this test process.
fn temp_name(name: &str) -> PathBuf {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("wirelens_live_{}_{n}_{name}", std::process::id()))
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A directory in the temporary directory, removed with its files on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = temp_name(name);
        std::fs::create_dir_all(&dir).expect("temporary directory");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `wirelens print -T fields` of a capture file, one row of columns per packet.
fn fields(file: &Path, names: &[&str]) -> Vec<Vec<String>> {
    let mut args = vec![
        "print",
        "-r",
        file.to_str().expect("UTF-8 path"),
        "-T",
        "fields",
    ];
    for name in names {
        args.extend(["-e", name]);
    }
    let output = Command::new(BIN)
        .args(&args)
        .output()
        .expect("wirelens print");
    assert!(
        output.status.success(),
        "wirelens print failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

/// Bytes as tshark prints a bytes field: `68:65:6c`.
fn hex(text: &str) -> String {
    text.bytes()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

#[test]
fn ping_and_tcp_exchange_are_captured_exactly() {
    let net = Net::new();
    let out = TempPath::new("exchange.pcapng");
    let filter = format!("icmp or tcp port {PORT}");
    let capture = net.start_capture(&[
        "capture",
        "-i",
        "va",
        "-f",
        &filter,
        "-c",
        "17",
        "-w",
        out.arg(),
    ]);
    net.ping();
    net.tcp_exchange();
    let (stdout, stderr) = capture.wait(Duration::from_secs(20));
    assert_eq!(stdout, "", "-w prints no packets");
    assert!(
        stderr.starts_with("17 packets captured ("),
        "unexpected summary: {stderr}"
    );
    assert!(
        stderr.contains("dropped: 0 by the kernel, 0 by the interface, 0 by wirelens"),
        "{stderr}"
    );

    let rows = fields(
        &out.0,
        &[
            "frame.interface_name",
            "ip.src",
            "ip.dst",
            "icmp.type",
            "icmp.ident",
            "icmp.seq",
            "tcp.dstport",
            "tcp.flags.str",
            "tcp.payload",
        ],
    );
    assert_eq!(rows.len(), 17, "{rows:?}");
    assert!(rows.iter().all(|r| r[0] == "va"), "{rows:?}");

    // The file ends with the interface's statistics.
    let file = wirelens_capture::CaptureFile::open(&out.0).expect("a pcapng file");
    let meta = file.metadata();
    assert_eq!(meta.interfaces.len(), 1);
    assert_eq!(meta.interfaces[0].name.as_deref(), Some("va"));
    let isb = &meta.statistics;
    assert_eq!(isb.len(), 1, "{isb:?}");
    assert_eq!(isb[0].delivered, Some(17));
    assert_eq!(isb[0].os_dropped, Some(0));
    assert_eq!(isb[0].if_dropped, Some(0));
    assert!(isb[0].received.is_some_and(|r| r >= 17), "{isb:?}");

    // Three echo requests and their replies, one identifier, sequence 1 to 3.
    let ident = rows[0][4].clone();
    assert!(!ident.is_empty(), "{rows:?}");
    let mut expected = Vec::new();
    for seq in 1..=3 {
        expected.push([CLIENT, SERVER, "8", &ident, &seq.to_string()].join(" "));
        expected.push([SERVER, CLIENT, "0", &ident, &seq.to_string()].join(" "));
    }
    let icmp: Vec<String> = rows[..6].iter().map(|r| r[1..6].join(" ")).collect();
    assert_eq!(icmp, expected);

    // The TCP exchange, segment by segment.
    let to_server = PORT.to_string();
    let tcp: Vec<(bool, &str, &str)> = rows[6..]
        .iter()
        .map(|r| (r[6] == to_server, r[7].as_str(), r[8].as_str()))
        .collect();
    let hello = hex("hello wirelens\n");
    let bye = hex("bye\n");
    assert_eq!(
        tcp,
        vec![
            (true, "··········S·", ""),
            (false, "·······A··S·", ""),
            (true, "·······A····", ""),
            (true, "·······AP···", hello.as_str()),
            (false, "·······A····", ""),
            (false, "·······AP···", bye.as_str()),
            (true, "·······A····", ""),
            (false, "·······A···F", ""),
            (true, "·······A····", ""),
            (true, "·······A···F", ""),
            (false, "·······A····", ""),
        ]
    );
}

#[test]
fn headless_capture_prints_summaries_while_capturing() {
    let net = Net::new();
    // `wirelens -i` without a command runs the headless capture.
    let capture = net.start_capture(&["-i", "va", "-f", "icmp", "-c", "6"]);
    net.ping();
    let (stdout, stderr) = capture.wait(Duration::from_secs(20));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 6, "{stdout}");
    for (i, line) in lines.iter().enumerate() {
        let seq = i / 2 + 1;
        let (from, to, kind) = if i % 2 == 0 {
            (CLIENT, SERVER, "Echo (ping) request")
        } else {
            (SERVER, CLIENT, "Echo (ping) reply")
        };
        let fields: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(fields[0], (i + 1).to_string(), "{line}");
        assert_eq!(&fields[2..6], &[from, "→", to, "ICMP"], "{line}");
        assert!(line.contains(kind), "{line}");
        assert!(line.contains(&format!("seq={seq}/")), "{line}");
    }
    assert!(stderr.starts_with("6 packets captured"), "{stderr}");
    // No -w: the temporary file is removed at the end.
    let leftover: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .expect("temporary directory")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("wirelens_va_"))
        .collect();
    assert!(
        leftover.is_empty(),
        "temporary capture files left: {leftover:?}"
    );
}

#[test]
fn several_interfaces_become_several_pcapng_interfaces() {
    let net = Net::new();
    let out = TempPath::new("two.pcapng");
    let capture = net.start_capture(&[
        "capture",
        "-i",
        "va",
        "-i",
        "lo",
        "-f",
        "icmp",
        "-c",
        "12",
        "-w",
        out.arg(),
    ]);
    net.ping();
    net.exec_ok(
        &net.a,
        &["ping", "-n", "-q", "-c", "3", "-i", "0.2", "127.0.0.1"],
    );
    let (_, stderr) = capture.wait(Duration::from_secs(20));
    assert!(stderr.starts_with("12 packets captured"), "{stderr}");
    let rows = fields(
        &out.0,
        &[
            "frame.interface_id",
            "frame.interface_name",
            "ip.dst",
            "icmp.seq",
        ],
    );
    let got: Vec<String> = rows.iter().map(|r| r.join(" ")).collect();
    let mut expected = Vec::new();
    for seq in 1..=3 {
        expected.push(format!("0 va {SERVER} {seq}"));
        expected.push(format!("0 va {CLIENT} {seq}"));
    }
    for seq in 1..=3 {
        // On the loopback the request and the reply both go to 127.0.0.1.
        expected.push(format!("1 lo 127.0.0.1 {seq}"));
        expected.push(format!("1 lo 127.0.0.1 {seq}"));
    }
    assert_eq!(got, expected);
}

#[test]
fn capture_without_the_capabilities_says_which_and_how_to_grant_them() {
    let net = Net::new();
    // Root without CAP_NET_RAW and CAP_NET_ADMIN, as an ordinary user is.
    let output = net
        .exec(
            &net.a,
            &[
                "setpriv",
                "--bounding-set",
                "-net_raw,-net_admin",
                "--",
                BIN,
                "capture",
                "-i",
                "va",
                "-c",
                "1",
            ],
        )
        .output()
        .expect("setpriv runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "captured without privileges: {stderr}"
    );
    assert!(
        stderr.contains("no permission to capture on va"),
        "{stderr}"
    );
    assert!(
        stderr.contains("lacks the CAP_NET_RAW and CAP_NET_ADMIN capabilities"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("sudo setcap cap_net_raw,cap_net_admin=eip {BIN}")),
        "{stderr}"
    );
    // Listing the interfaces needs no privileges.
    let listed = net
        .exec(
            &net.a,
            &[
                "setpriv",
                "--bounding-set",
                "-net_raw,-net_admin",
                "--",
                BIN,
                "interfaces",
            ],
        )
        .output()
        .expect("setpriv runs");
    let list = String::from_utf8_lossy(&listed.stdout);
    assert!(
        listed.status.success(),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    assert!(
        list.lines()
            .any(|l| l.contains(". va [up, running] 10.213.0.1/24")),
        "{list}"
    );
    assert!(
        list.lines()
            .any(|l| l.contains(". lo [up, running, loopback] 127.0.0.1/8")),
        "{list}"
    );
}

#[test]
fn an_invalid_capture_filter_is_shown_with_libpcap_s_reason() {
    let net = Net::new();
    let output = net
        .exec(
            &net.a,
            &[BIN, "capture", "-i", "va", "-f", "tcp port", "-c", "1"],
        )
        .output()
        .expect("wirelens runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert_eq!(
        stderr.trim(),
        "wirelens: invalid capture filter \"tcp port\": can't parse filter expression: syntax error"
    );
}

#[test]
fn a_ring_buffer_keeps_the_newest_files() {
    let net = Net::new();
    let dir = TempDir::new("ring");
    let base = dir.0.join("ring.pcapng");
    let base_arg = base.to_str().expect("UTF-8 path");
    // Each echo packet is 1242 bytes (1276 in the file): a 3 kB file is
    // full after its third packet, so 10 packets make files of 3, 3, 3 and 1.
    let capture = net.start_capture(&[
        "capture",
        "-i",
        "va",
        "-f",
        "icmp",
        "-c",
        "10",
        "-w",
        base_arg,
        "-b",
        "filesize:3,files:2",
    ]);
    net.exec_ok(
        &net.a,
        &[
            "ping", "-n", "-q", "-c", "5", "-i", "0.2", "-s", "1200", SERVER,
        ],
    );
    let (_, stderr) = capture.wait(Duration::from_secs(20));
    assert!(stderr.starts_with("10 packets captured"), "{stderr}");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir.0)
        .expect("ring directory")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    // dumpcap's names: NAME_NUMBER_YYYYmmddHHMMSS.EXT; files 1 and 2 were deleted.
    let names: Vec<String> = files
        .iter()
        .map(|f| f.file_name().expect("name").to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    for (name, number) in names.iter().zip(["00003", "00004"]) {
        let rest = name
            .strip_prefix(&format!("ring_{number}_"))
            .and_then(|r| r.strip_suffix(".pcapng"))
            .unwrap_or_else(|| panic!("unexpected ring file name {name}"));
        assert!(
            rest.len() == 14 && rest.bytes().all(|b| b.is_ascii_digit()),
            "{name}"
        );
    }
    let seqs: Vec<Vec<String>> = files
        .iter()
        .map(|f| {
            fields(f, &["icmp.type", "icmp.seq"])
                .into_iter()
                .map(|r| r.join(" "))
                .collect()
        })
        .collect();
    assert_eq!(seqs, [vec!["8 4", "0 4", "8 5"], vec!["0 5"]]);
}

#[test]
fn a_session_follows_the_file_a_live_capture_writes() {
    use wirelens_capture::session::{Config, LoadState, Session};

    let net = Net::new();
    let out = TempPath::new("followed.pcapng");
    let capture = net.start_capture(&[
        "capture",
        "-i",
        "va",
        "-f",
        "icmp",
        "-c",
        "6",
        "-w",
        out.arg(),
    ]);
    // The capture has written the file's header before it says it captures.
    let session = Session::follow(&out.0, Config::default()).expect("the header is written");
    net.ping();
    assert_eq!(session.wait_for_packets(6), 6);
    capture.wait(Duration::from_secs(20));
    session.stop_following();
    let done = session.wait();
    assert_eq!(done.state, LoadState::Done);
    assert_eq!(done.packets, 6);
    let infos: Vec<String> = (1..=6)
        .map(|n| {
            let d = session.dissect(n).expect("an indexed packet");
            let s = &d.packet.summary;
            format!(
                "{} {} {} {}",
                s.src,
                s.dst,
                s.protocol,
                s.info.split("  ").next().unwrap_or("")
            )
        })
        .collect();
    let mut expected = Vec::new();
    for _ in 1..=3 {
        expected.push(format!("{CLIENT} {SERVER} ICMP Echo (ping) request"));
        expected.push(format!("{SERVER} {CLIENT} ICMP Echo (ping) reply"));
    }
    assert_eq!(infos, expected);
}

#[test]
fn snaplen_cuts_packets_and_a_file_size_limit_stops_the_capture() {
    let net = Net::new();
    let out = TempPath::new("filesize.pcapng");
    // The file's header is 88 bytes (section header with the application
    // name, interface with its name and filter), each packet cut to 100
    // bytes takes 132: the file first holds 1 kB (1000 bytes) after 7
    // packets, and the capture stops there.
    let capture = net.start_capture(&[
        "capture",
        "-i",
        "va",
        "-f",
        "icmp",
        "-s",
        "100",
        "-a",
        "filesize:1",
        "-w",
        out.arg(),
    ]);
    net.exec_ok(
        &net.a,
        &[
            "ping", "-n", "-q", "-c", "4", "-i", "0.2", "-s", "1200", SERVER,
        ],
    );
    let (_, stderr) = capture.wait(Duration::from_secs(20));
    assert!(stderr.starts_with("7 packets captured"), "{stderr}");
    let rows = fields(
        &out.0,
        &["frame.cap_len", "frame.len", "icmp.type", "icmp.seq"],
    );
    let got: Vec<String> = rows.iter().map(|r| r.join(" ")).collect();
    let expected: Vec<String> = (0..7)
        .map(|i| format!("100 1242 {} {}", if i % 2 == 0 { 8 } else { 0 }, i / 2 + 1))
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn packets_seen_before_an_interrupt_are_written() {
    let net = Net::new();
    let out = TempPath::new("interrupted.pcapng");
    let capture = net.start_capture(&["capture", "-i", "va", "-f", "icmp", "-w", out.arg()]);
    net.ping();
    // Stop at once, as Ctrl-C does: the last reply may still sit in the
    // kernel's buffer, and must reach the file all the same.
    let pid = capture.child.id().to_string();
    run(&["kill", "-INT", &pid]);
    let (_, stderr) = capture.wait(Duration::from_secs(20));
    assert!(stderr.starts_with("6 packets captured"), "{stderr}");
    let rows = fields(&out.0, &["icmp.type", "icmp.seq"]);
    let got: Vec<String> = rows.iter().map(|r| r.join(" ")).collect();
    assert_eq!(got, ["8 1", "0 1", "8 2", "0 2", "8 3", "0 3"]);
}

/// `wirelens -i` opens the terminal UI on the capture: run in tmux inside
/// namespace A, it shows the pings as they arrive, the live counters in the
/// status bar, stops at `-c`, and keeps the capture file.
#[test]
fn the_terminal_ui_shows_a_live_capture() {
    let net = Net::new();
    let out = TempPath::new("tui-live.pcapng");
    let errors = TempPath::new("tui-live.stderr");
    let t = Tmux::start(
        "live",
        &format!(
            "ip netns exec {} {BIN} -i va -f icmp -c 6 -w {} 2>{}",
            net.a,
            out.arg(),
            errors.arg()
        ),
    );
    t.wait_for("the live status", |s| {
        s.contains("● Live on va: 0 captured")
    });
    net.ping();
    let shown = t.wait_for("the stopped capture with six packets", |s| {
        s.contains("Capture on va stopped: 6 captured, dropped 0 kernel · 0 interface · 0 queue")
            && s.contains("6 shown / 6")
    });
    let requests = shown
        .lines()
        .filter(|l| l.contains("ICMP") && l.contains("Echo (ping) request"))
        .count();
    let replies = shown
        .lines()
        .filter(|l| l.contains("ICMP") && l.contains("Echo (ping) reply"))
        .count();
    assert_eq!((requests, replies), (3, 3), "rows on screen:\n{shown}");
    t.send(&["q"]);
    t.wait_for("the exit status", |s| s.contains("[exit 0]"));
    let said = std::fs::read_to_string(&errors.0).expect("stderr file");
    assert!(
        said.contains(&format!("6 packets captured to {}", out.arg())),
        "stderr: {said}"
    );
    let rows = fields(&out.0, &["icmp.type", "icmp.seq"]);
    assert_eq!(
        rows,
        [
            ["8", "1"],
            ["0", "1"],
            ["8", "2"],
            ["0", "2"],
            ["8", "3"],
            ["0", "3"]
        ]
        .map(|r| r.map(String::from).to_vec())
        .to_vec()
    );
}
