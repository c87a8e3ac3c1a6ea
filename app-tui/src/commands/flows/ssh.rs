//! The `ssh` object of an SSH connection's flow.

use serde_json::{json, Map, Value};
use wirelens_dissect::app::ssh::banner;
use wirelens_dissect::app::ssh::state::{Side as SshSide, SshConnection};

use super::timeline_json;

/// The `ssh` object of an SSH connection: each side's version line, the
/// negotiated algorithms (`enc`, `mac`, `comp` per direction), the server's
/// host key with its OpenSSH-style SHA256 fingerprint, HASSH and HASSHServer,
/// encrypted packets and bytes per direction, and the handshake timeline
/// (banners, KEXINITs, key exchange, NEWKEYS, first encrypted packets).
pub fn ssh_json(c: &SshConnection) -> Value {
    let mut m = Map::new();
    let [client, server] = &c.sides;
    let opt = |s: &Option<String>| s.as_deref().map_or(Value::Null, |s| json!(s));
    m.insert("client".into(), opt(&client.banner));
    m.insert("server".into(), opt(&server.banner));
    if let Some(v) = client.banner.as_deref().and_then(version_of) {
        m.insert("version".into(), json!(v));
    }
    for (key, side) in [("client_software", client), ("server_software", server)] {
        if let Some(b) = side.banner.as_deref() {
            let b = banner::parse(b.as_bytes());
            m.insert(
                key.into(),
                json!(String::from_utf8_lossy(b.software_version)),
            );
            if let Some(c) = b.comments {
                let key = key.replace("software", "comments");
                m.insert(key, json!(String::from_utf8_lossy(c)));
            }
        }
    }
    m.insert("kex_alg".into(), opt(&c.kex));
    m.insert("host_key_alg".into(), opt(&c.host_key_algorithm));
    let dir = |s: &SshSide| {
        json!({
            "enc": opt(&s.algorithms.enc),
            "mac": opt(&s.algorithms.mac),
            "comp": opt(&s.algorithms.comp),
            "encrypted_packets": s.encrypted_packets,
            "encrypted_bytes": s.encrypted_bytes,
        })
    };
    m.insert("c2s".into(), dir(client));
    m.insert("s2c".into(), dir(server));
    if let Some(k) = &c.host_key {
        m.insert("host_key".into(), json!(k.key_type));
        m.insert("host_key_fingerprint".into(), json!(k.fingerprint));
    }
    if let Some((algos, hash)) = &client.hassh {
        m.insert("hassh".into(), json!(hash));
        m.insert("hassh_algorithms".into(), json!(algos));
    }
    if let Some((algos, hash)) = &server.hassh {
        m.insert("hasshServer".into(), json!(hash));
        m.insert("hasshServer_algorithms".into(), json!(algos));
    }
    let events = timeline_json(&c.timeline);
    m.insert("timeline".into(), events);
    Value::Object(m)
}

/// `2.0` from `SSH-2.0-OpenSSH_9.6 comments`.
fn version_of(banner: &str) -> Option<&str> {
    banner.strip_prefix("SSH-")?.split('-').next()
}
