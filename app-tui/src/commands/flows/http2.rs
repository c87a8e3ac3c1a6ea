//! The `http2` object of an HTTP/2 connection's flow.

use serde_json::{json, Map, Value};
use wirelens_dissect::app::http2::{self, state::Connection};

use super::{secs, timeline_json};

/// The `http2` object of an HTTP/2 connection: one entry per stream (request
/// and response, sizes, timings, frames, how it ended), the connection's
/// send windows as last seen, the handshake timeline and HPACK health.
/// Sides are named `client` and `server` (the side that sent the preface is
/// the client).
pub fn http2_json(c: &Connection) -> Value {
    let client = c.client.unwrap_or(0);
    let server = 1 - client;
    let streams: Vec<Value> = c
        .streams
        .values()
        .filter(|s| s.id != 0)
        .map(|s| {
            let mut o = Map::new();
            o.insert("stream_id".into(), json!(s.id));
            o.insert("state".into(), json!(s.state.name()));
            for (k, v) in [
                ("method", &s.method),
                ("path", &s.path),
                ("authority", &s.authority),
                ("scheme", &s.scheme),
                ("content_type", &s.content_type),
            ] {
                if let Some(v) = v {
                    o.insert(k.into(), json!(v));
                }
            }
            if let Some(st) = s.status {
                o.insert("status".into(), json!(st));
            }
            o.insert("request_body_bytes".into(), json!(s.body_len[client]));
            o.insert("response_body_bytes".into(), json!(s.body_len[server]));
            o.insert("first_frame".into(), json!(s.first_frame));
            o.insert("last_frame".into(), json!(s.last_frame));
            o.insert("start".into(), json!(s.first_ts.as_secs_f64()));
            o.insert("end".into(), json!(s.last_ts.as_secs_f64()));
            o.insert("duration".into(), json!(secs(s.last_ts.since(s.first_ts))));
            if let Some(f) = s.request_frame {
                o.insert("request_frame".into(), json!(f));
            }
            if let Some(f) = s.response_frame {
                o.insert("response_frame".into(), json!(f));
            }
            if let Some(ts) = s.response_ts {
                o.insert("time_to_response".into(), json!(secs(ts.since(s.first_ts))));
            }
            if let Some((code, by)) = s.reset {
                o.insert(
                    "reset".into(),
                    json!({
                        "error_code": code,
                        "error": http2::frame::error_name(code.into()).unwrap_or("unknown"),
                        "by": if by == client { "client" } else { "server" },
                    }),
                );
            }
            o.insert(
                "send_window".into(),
                json!({"client": s.window[client], "server": s.window[server]}),
            );
            Value::Object(o)
        })
        .collect();
    let timeline = timeline_json(&c.timeline);
    json!({
        "streams": streams,
        "streams_forgotten": c.streams_dropped,
        "connection_send_window": {"client": c.conn_window[client], "server": c.conn_window[server]},
        "initial_stream_window": {"client": c.initial_window[client], "server": c.initial_window[server]},
        "hpack_lost_at_frame": {"client": c.hpack[client].lost_at(), "server": c.hpack[server].lost_at()},
        "timeline": timeline,
    })
}
