//! `wirelens follow`: the bytes of an HTTP exchange recorded with curl
//! (samples/captures/http_get.pcap, see samples/record) equal what curl sent and
//! received, and the output equals tshark's byte for byte (tests/follow/).

use std::path::{Path, PathBuf};

use clap::Parser;
use wirelens::cli::{Cli, Command, FollowArgs};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn follow(stream: u32, format: &str) -> Vec<u8> {
    let file = repo().join("samples/captures/http_get.pcap");
    let cli = Cli::parse_from([
        "wirelens",
        "follow",
        "-r",
        file.to_str().unwrap_or_default(),
        "--stream",
        &stream.to_string(),
        "--format",
        format,
    ]);
    let Some(Command::Follow(args)) = cli.command else {
        panic!("not a follow command");
    };
    run(&args)
}

fn run(args: &FollowArgs) -> Vec<u8> {
    let mut out = Vec::new();
    wirelens::commands::follow::run(args, &mut out).expect("follow runs");
    out
}

/// Splits `--format raw` output into what node 0 (the client) and node 1 sent.
fn raw_sides(out: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let text = String::from_utf8(out.to_vec()).expect("raw output is text");
    let (mut client, mut server) = (Vec::new(), Vec::new());
    let body = text
        .split_once("Node 1: ")
        .map(|(_, rest)| rest.split_once('\n').map_or("", |(_, r)| r))
        .unwrap_or("");
    for line in body.lines().filter(|l| !l.starts_with("====")) {
        let (side, hex) = match line.strip_prefix('\t') {
            Some(h) => (&mut server, h),
            None => (&mut client, line),
        };
        for i in (0..hex.len()).step_by(2) {
            side.push(u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"));
        }
    }
    (client, server)
}

/// The request and response headers of curl's `-v` trace for one transfer
/// (`> ` and `< ` lines, each ended by CRLF as on the wire).
fn curl_headers(trace: &str, transfer: usize) -> (Vec<u8>, Vec<u8>) {
    let part = trace
        .split("* Connected to")
        .nth(transfer + 1)
        .expect("transfer in the trace");
    let mut sent = Vec::new();
    let mut received = Vec::new();
    for line in part.lines() {
        if let Some(l) = line
            .strip_prefix("> ")
            .or(if line == ">" { Some("") } else { None })
        {
            sent.extend_from_slice(l.as_bytes());
            sent.extend_from_slice(b"\r\n");
        } else if let Some(l) =
            line.strip_prefix("< ")
                .or(if line == "<" { Some("") } else { None })
        {
            received.extend_from_slice(l.as_bytes());
            received.extend_from_slice(b"\r\n");
        }
    }
    (sent, received)
}

#[test]
fn follow_raw_gives_exactly_what_curl_sent_and_received() {
    let trace = std::fs::read_to_string(repo().join("samples/captures/http_get.curl.txt"))
        .expect("curl trace");
    for (stream, body_file) in [(0, "http_get.body"), (1, "http_get.small.body")] {
        let body = std::fs::read(repo().join("samples/captures").join(body_file)).expect("body");
        let (client, server) = raw_sides(&follow(stream, "raw"));
        let (request, response_head) = curl_headers(&trace, stream as usize);
        assert_eq!(
            String::from_utf8_lossy(&client),
            String::from_utf8_lossy(&request),
            "stream {stream}: the client sent the request curl shows"
        );
        let split = server
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("end of the response headers")
            + 4;
        assert_eq!(
            &server[..split],
            &response_head[..],
            "stream {stream}: headers"
        );
        assert_eq!(
            server.len() - split,
            body.len(),
            "stream {stream}: body length"
        );
        assert!(
            server[split..] == body[..],
            "stream {stream}: body bytes equal curl's file"
        );
    }
}

#[test]
fn follow_output_equals_tsharks() {
    for (stream, format) in [(0, "ascii"), (0, "hex"), (1, "ascii"), (1, "raw")] {
        let expected = std::fs::read(
            repo().join(format!("tests/follow/http_get.stream{stream}.{format}.txt")),
        )
        .expect("expected output");
        let ours = follow(stream, format);
        assert!(
            ours == expected,
            "stream {stream} {format} differs from tshark:\n{}",
            String::from_utf8_lossy(&ours)
        );
    }
}

#[test]
fn follow_json_carries_both_sides() {
    let out = String::from_utf8(follow(0, "json")).expect("utf-8");
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(v["stream"], 0);
    assert_eq!(v["nodes"][0]["port"], 33032);
    assert_eq!(v["nodes"][1]["port"], 8000);
    let chunks = v["chunks"].as_array().expect("chunks");
    assert_eq!(chunks[0]["from"], 0);
    assert_eq!(chunks[0]["len"], 86);
    assert!(chunks.iter().skip(1).all(|c| c["from"] == 1));
}

fn follow_http2(tcp_stream: u32, id: u32, format: &str) -> Vec<u8> {
    let file = repo().join("samples/captures/h2c_session.pcap");
    let cli = Cli::parse_from([
        "wirelens",
        "follow",
        "-r",
        file.to_str().unwrap_or_default(),
        "--stream",
        &tcp_stream.to_string(),
        "--http2-stream",
        &id.to_string(),
        "--format",
        format,
    ]);
    let Some(Command::Follow(args)) = cli.command else {
        panic!("not a follow command");
    };
    run(&args)
}

/// `follow --http2-stream`: one HTTP/2 stream of the nghttp session
/// (samples/captures/h2c_session.pcap): the header list nghttp logged as sent
/// (h2c_session.nghttp.txt), the response headers, and the body.
#[test]
fn follow_http2_stream_shows_headers_and_body() {
    let text = String::from_utf8(follow_http2(0, 15, "ascii")).expect("utf-8");
    let log = std::fs::read_to_string(repo().join("samples/captures/h2c_session.nghttp.txt"))
        .expect("nghttp log");
    // The request block nghttp printed for stream 15, header lines only.
    let sent: Vec<&str> = log
        .split("stream_id=15>")
        .nth(1)
        .expect("stream 15 in the log")
        .lines()
        .skip(1)
        .map(str::trim)
        .filter(|l| !l.starts_with([';', '(']))
        .take_while(|l| !l.starts_with('['))
        .collect();
    assert_eq!(sent.first(), Some(&":method: GET"));
    let ours: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with(":method"))
        .take_while(|l| !l.starts_with('\t'))
        .collect();
    assert_eq!(ours, sent);
    assert!(text.contains("\t:status: 200\n"), "{text}");
    assert!(text.contains("\thello from wirelens\n"), "{text}");
    assert!(text.contains("Filter: tcp.stream eq 0 and http2.streamid eq 15"));
    let json: serde_json::Value =
        serde_json::from_slice(&follow_http2(1, 13, "json")).expect("json");
    assert_eq!(json["client"]["body_bytes"], 24000);
    assert!(json["client"]["body"]
        .as_str()
        .is_some_and(|b| b.starts_with("field0000=value0000&")));
    assert_eq!(json["server"]["body"], "hello from wirelens\n");
}
