//! `wirelens follow --stream T --http2-stream N`: one HTTP/2 stream of TCP
//! stream T, as its endpoints saw it: the decoded header list each way, then
//! the body (DATA payload without padding), client first, server lines
//! indented with a tab as tshark's follow does. Bodies are kept up to
//! `MAX_BODY_KEPT` bytes per direction (`wirelens_dissect::app::http2::stream`).

use std::fmt::Write as _;
use std::path::Path;

use serde_json::json;
use wirelens_dissect::app::http2::stream::{Stream, MAX_BODY_KEPT};

use super::follow::{ascii_char, hex_lines};
use crate::cli::FollowFormat;
use crate::Error;

const RULE: &str = "===================================================================";

/// Renders HTTP/2 stream `id` of TCP stream `tcp_stream` in `format`.
pub fn follow(
    path: &Path,
    tcp_stream: u32,
    id: u32,
    format: FollowFormat,
) -> Result<Vec<u8>, Error> {
    let dissector = super::stats::dissect_all(path)?;
    let state = dissector.state();
    let conn = state
        .http
        .http2(tcp_stream)
        .ok_or_else(|| Error(format!("TCP stream {tcp_stream} does not carry HTTP/2")))?;
    let stream = conn
        .streams
        .get(&id)
        .ok_or_else(|| Error(format!("TCP stream {tcp_stream} has no HTTP/2 stream {id}")))?;
    let client = conn.client.unwrap_or(0);
    let nodes = state
        .flows
        .all()
        .into_iter()
        .find(|f| f.tcp_stream == Some(tcp_stream))
        .map(|f| {
            (
                format!("{}:{}", f.orig.addr, f.orig.port),
                format!("{}:{}", f.resp.addr, f.resp.port),
            )
        })
        .unwrap_or_default();
    if format == FollowFormat::Json {
        return Ok(render_json(stream, client, tcp_stream, &nodes).into_bytes());
    }
    let name = match format {
        FollowFormat::Ascii => "ascii",
        FollowFormat::Hex => "hex",
        FollowFormat::Raw | FollowFormat::Json => "raw",
    };
    let mut out = format!(
        "\n{RULE}\nFollow: http2,{name}\nFilter: tcp.stream eq {tcp_stream} and http2.streamid eq {id}\nNode 0: {}\nNode 1: {}\n",
        nodes.0, nodes.1
    );
    for (dir, indent) in [(client, ""), (1 - client, "\t")] {
        for (n, v) in &stream.headers[dir] {
            let _ = writeln!(out, "{indent}{n}: {v}");
        }
        let body = &stream.body[dir];
        if body.is_empty() {
            continue;
        }
        match format {
            FollowFormat::Ascii => {
                let text: Vec<u8> = body.iter().map(|&b| ascii_char(b, true)).collect();
                for line in String::from_utf8_lossy(&text).split_inclusive('\n') {
                    out.push_str(indent);
                    out.push_str(line);
                }
                if !out.ends_with('\n') {
                    out.push('\n');
                }
            }
            FollowFormat::Hex => hex_lines(&mut out, indent, 0, body),
            FollowFormat::Raw | FollowFormat::Json => {
                out.push_str(indent);
                for b in body {
                    let _ = write!(out, "{b:02x}");
                }
                out.push('\n');
            }
        }
        if stream.body_len[dir] > body.len() as u64 {
            let _ = writeln!(
                out,
                "{indent}[{} more body bytes not kept: the first {MAX_BODY_KEPT} are]",
                stream.body_len[dir] - body.len() as u64
            );
        }
    }
    out.push_str(RULE);
    out.push('\n');
    Ok(out.into_bytes())
}

fn render_json(s: &Stream, client: usize, tcp_stream: u32, nodes: &(String, String)) -> String {
    let side = |dir: usize| {
        json!({
            "headers": s.headers[dir].iter().map(|(n, v)| json!([n, v])).collect::<Vec<_>>(),
            "body_bytes": s.body_len[dir],
            "body": String::from_utf8_lossy(&s.body[dir]),
        })
    };
    let v = json!({
        "tcp_stream": tcp_stream,
        "stream_id": s.id,
        "state": s.state.name(),
        "nodes": [nodes.0, nodes.1],
        "client": side(client),
        "server": side(1 - client),
    });
    let mut text = serde_json::to_string_pretty(&v).unwrap_or_default();
    text.push('\n');
    text
}
