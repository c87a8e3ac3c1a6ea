//! HTTP/2 field definitions, named and rendered as tshark 4.0 does.

use super::frame;
use super::settings;

crate::declare_fields! {
    STREAM = "http2.stream", "Stream", None;
    MAGIC = "http2.magic", "Magic", String;
    LENGTH = "http2.length", "Length", U32;
    TYPE = "http2.type", "Type", U8, Dec, frame::type_names;
    FLAGS = "http2.flags", "Flags", U8, Hex(2);
    F_UNUSED_SETTINGS = "http2.flags.unused_settings", "Unused", U8, Hex(2);
    F_ACK_SETTINGS = "http2.flags.ack.settings", "ACK", Bool;
    F_UNUSED_HEADERS = "http2.flags.unused_headers", "Unused", U8, Hex(2);
    F_PRIORITY = "http2.flags.priority", "Priority", Bool;
    F_PADDED = "http2.flags.padded", "Padded", Bool;
    F_EH = "http2.flags.eh", "End Headers", Bool;
    F_END_STREAM = "http2.flags.end_stream", "End Stream", Bool;
    F_UNUSED_DATA = "http2.flags.unused_data", "Unused", U8, Hex(2);
    F_UNUSED_PING = "http2.flags.unused_ping", "Unused", U8, Hex(2);
    F_ACK_PING = "http2.flags.ack.ping", "ACK", Bool;
    F_UNUSED_CONTINUATION = "http2.flags.unused_continuation", "Unused", U8, Hex(2);
    F_UNUSED_PUSH_PROMISE = "http2.flags.unused_push_promise", "Unused", U8, Hex(2);
    F_UNUSED = "http2.flags.unused", "Unused", U8, Hex(2);
    R = "http2.r", "Reserved", U32, Hex(8);
    STREAMID = "http2.streamid", "Stream Identifier", U32;
    PAD_LENGTH = "http2.pad_length", "Pad Length", U8;
    PADDING = "http2.padding", "Padding", Bytes;
    DATA_DATA = "http2.data.data", "Data", Bytes;
    EXCLUSIVE = "http2.exclusive", "Exclusive", Bool;
    STREAM_DEPENDENCY = "http2.stream_dependency", "Stream Dependency", U32;
    WEIGHT = "http2.headers.weight", "Weight", U8;
    WEIGHT_REAL = "http2.headers.weight_real", "Weight real", U16;
    HEADERS = "http2.headers", "Header Block Fragment", Bytes;
    HEADER_LENGTH = "http2.header.length", "Header Length", U32;
    HEADER_COUNT = "http2.header.count", "Header Count", U32;
    HEADER = "http2.header", "Header", None;
    HEADER_NAME_LENGTH = "http2.header.name.length", "Name Length", U32;
    HEADER_NAME = "http2.header.name", "Name", String;
    HEADER_VALUE_LENGTH = "http2.header.value.length", "Value Length", U32;
    HEADER_VALUE = "http2.header.value", "Value", String;
    HEADER_UNESCAPED = "http2.header.unescaped", "Unescaped", String;
    HEADER_REPR = "http2.header.repr", "Representation", String;
    HEADER_INDEX = "http2.header.index", "Index", U32;
    TABLE_SIZE_UPDATE = "http2.header_table_size_update", "Header table size update", None;
    TABLE_SIZE = "http2.header_table_size_update.header_table_size", "Header table size", U32;
    FULL_URI = "http2.request.full_uri", "Full request URI", String;
    CONTINUATION_HEADER = "http2.continuation.header", "Continuation Header", String;
    RST_ERROR = "http2.rst_stream.error", "Error", U32, Dec, frame::error_name;
    SETTINGS = "http2.settings", "Settings", None;
    SETTINGS_ID = "http2.settings.id", "Settings Identifier", U16, Dec, settings::name;
    S_HEADER_TABLE_SIZE = "http2.settings.header_table_size", "Header table size", U32;
    S_ENABLE_PUSH = "http2.settings.enable_push", "Enable PUSH", U32;
    S_MAX_CONCURRENT_STREAMS = "http2.settings.max_concurrent_streams", "Max concurrent streams", U32;
    S_INITIAL_WINDOW_SIZE = "http2.settings.initial_window_size", "Initial Windows Size", U32;
    S_MAX_FRAME_SIZE = "http2.settings.max_frame_size", "Max frame size", U32;
    S_MAX_HEADER_LIST_SIZE = "http2.settings.max_header_list_size", "Max header list size", U32;
    S_EXTENDED_CONNECT = "http2.settings.extended_connect", "Extended CONNECT", U32;
    S_NO_RFC7540_PRIORITIES = "http2.settings.no_rfc7540_priorities", "No RFC7540 Priorities", U32;
    S_UNKNOWN = "http2.settings.unknown", "Unknown Settings", U32;
    PUSH_PROMISE_R = "http2.push_promise.r", "Reserved", U32, Hex(8);
    PROMISED_STREAM_ID = "http2.push_promise.promised_stream_id", "Promised-Stream-ID", U32;
    PUSH_PROMISE_HEADER = "http2.push_promise.header", "Header Block Fragment", Bytes;
    PING = "http2.ping", "Ping", Bytes;
    PONG = "http2.pong", "Pong", Bytes;
    GOAWAY_R = "http2.goway.r", "Reserved", U32, Hex(8);
    GOAWAY_LAST_STREAM = "http2.goaway.last_stream_id", "Promised-Stream-ID", U32;
    GOAWAY_ERROR = "http2.goaway.error", "Error", U32, Dec, frame::error_name;
    GOAWAY_ADDATA = "http2.goaway.addata", "Additional Debug Data", Bytes;
    WINDOW_UPDATE_R = "http2.window_update.r", "Reserved", U32, Hex(8);
    WINDOW_UPDATE_INCREMENT = "http2.window_update.window_size_increment", "Window Size Increment", U32;
    UNKNOWN = "http2.unknown", "Unknown", Bytes;
    BODY_FRAGMENTS = "http2.body.fragments", "Body fragments", None;
    BODY_FRAGMENT = "http2.body.fragment", "Body fragment", FrameNum;
    BODY_FRAGMENT_COUNT = "http2.body.fragment.count", "Body fragment count", U32;
    BODY_REASSEMBLED_LENGTH = "http2.body.reassembled.length", "Reassembled body length", U32;
    BODY_REASSEMBLED_DATA = "http2.body.reassembled.data", "Reassembled body data", Bytes;
    CONTENT_ENCODED = "http2.content_encoded", "Content-encoded entity body", None;
    // Well-known header fields, as Wireshark registers them.
    H_STATUS = "http2.headers.status", ":status", String;
    H_PATH = "http2.headers.path", ":path", String;
    H_METHOD = "http2.headers.method", ":method", String;
    H_SCHEME = "http2.headers.scheme", ":scheme", String;
    H_AUTHORITY = "http2.headers.authority", ":authority", String;
    H_ACCEPT = "http2.headers.accept", "Accept", String;
    H_ACCEPT_CHARSET = "http2.headers.accept_charset", "Accept-Charset", String;
    H_ACCEPT_ENCODING = "http2.headers.accept_encoding", "Accept-Encoding", String;
    H_ACCEPT_LANGUAGE = "http2.headers.accept_language", "Accept-Language", String;
    H_ACCEPT_RANGES = "http2.headers.accept_ranges", "Accept-Ranges", String;
    H_ACAO = "http2.headers.access_control_allow_origin", "Access-Control-Allow-Origin", String;
    H_AGE = "http2.headers.age", "Age", String;
    H_ALLOW = "http2.headers.allow", "Allow", String;
    H_AUTHORIZATION = "http2.headers.authorization", "Authorization", String;
    H_CACHE_CONTROL = "http2.headers.cache_control", "Cache-Control", String;
    H_CONTENT_DISPOSITION = "http2.headers.content_disposition", "Content-Disposition", String;
    H_CONTENT_ENCODING = "http2.headers.content_encoding", "Content-Encoding", String;
    H_CONTENT_LANGUAGE = "http2.headers.content_language", "Content-Language", String;
    H_CONTENT_LENGTH = "http2.headers.content_length", "Content-Length", String;
    H_CONTENT_LOCATION = "http2.headers.content_location", "Content-Location", String;
    H_CONTENT_RANGE = "http2.headers.content_range", "Content-Range", String;
    H_CONTENT_TYPE = "http2.headers.content_type", "Content-Type", String;
    H_COOKIE = "http2.headers.cookie", "Cookie", String;
    H_DATE = "http2.headers.date", "Date", String;
    H_ETAG = "http2.headers.etag", "ETag", String;
    H_EXPECT = "http2.headers.expect", "Expect", String;
    H_EXPIRES = "http2.headers.expires", "Expires", String;
    H_FROM = "http2.headers.from", "From", String;
    H_IF_MATCH = "http2.headers.if_match", "If-Match", String;
    H_IF_MODIFIED_SINCE = "http2.headers.if_modified_since", "If-Modified-Since", String;
    H_IF_NONE_MATCH = "http2.headers.if_none_match", "If-None-Match", String;
    H_IF_RANGE = "http2.headers.if_range", "If-Range", String;
    H_IF_UNMODIFIED_SINCE = "http2.headers.if_unmodified_since", "If-Unmodified-Since", String;
    H_LAST_MODIFIED = "http2.headers.last_modified", "Last-Modified", String;
    H_LINK = "http2.headers.link", "Link", String;
    H_LOCATION = "http2.headers.location", "Location", String;
    H_MAX_FORWARDS = "http2.headers.max_forwards", "Max-Forwards", String;
    H_PROXY_AUTHENTICATE = "http2.headers.proxy_authenticate", "Proxy-Authenticate", String;
    H_PROXY_AUTHORIZATION = "http2.headers.proxy_authorization", "Proxy-Authorization", String;
    H_RANGE = "http2.headers.range", "Range", String;
    H_REFERER = "http2.headers.referer", "Referer", String;
    H_REFRESH = "http2.headers.refresh", "Refresh", String;
    H_RETRY_AFTER = "http2.headers.retry_after", "Retry-After", String;
    H_SERVER = "http2.headers.server", "Server", String;
    H_SET_COOKIE = "http2.headers.set_cookie", "Set-Cookie", String;
    H_STS = "http2.headers.strict_transport_security", "Strict-Transport-Security", String;
    H_USER_AGENT = "http2.headers.user_agent", "User-Agent", String;
    H_VARY = "http2.headers.vary", "Vary", String;
    H_VIA = "http2.headers.via", "Via", String;
    H_WWW_AUTHENTICATE = "http2.headers.www_authenticate", "WWW-Authenticate", String;
    // Expert items.
    EXP_HPACK_UNDECODABLE = "http2.hpack.undecodable", "Header block not decodable", None;
    EXP_HEADER_LIST_CUT = "http2.hpack.header_list_cut", "Header list cut at its limit", None;
    EXP_WINDOW_EXCEEDED = "http2.flow_control.window_exceeded", "Flow-control window exceeded", None;
    EXP_WINDOW_ZERO = "http2.flow_control.window_zero", "Flow-control window at zero", None;
    EXP_WINDOW_OVERFLOW = "http2.flow_control.window_overflow", "Flow-control window above 2^31-1", None;
    EXP_STREAM_STATE = "http2.stream_state.violation", "Frame not allowed in the stream's state", None;
}

/// The field Wireshark gives a well-known header name.
pub fn header_field(name: &str) -> Option<&'static crate::model::FieldDef> {
    Some(match name {
        ":status" => &H_STATUS,
        ":path" => &H_PATH,
        ":method" => &H_METHOD,
        ":scheme" => &H_SCHEME,
        ":authority" => &H_AUTHORITY,
        "accept" => &H_ACCEPT,
        "accept-charset" => &H_ACCEPT_CHARSET,
        "accept-encoding" => &H_ACCEPT_ENCODING,
        "accept-language" => &H_ACCEPT_LANGUAGE,
        "accept-ranges" => &H_ACCEPT_RANGES,
        "access-control-allow-origin" => &H_ACAO,
        "age" => &H_AGE,
        "allow" => &H_ALLOW,
        "authorization" => &H_AUTHORIZATION,
        "cache-control" => &H_CACHE_CONTROL,
        "content-disposition" => &H_CONTENT_DISPOSITION,
        "content-encoding" => &H_CONTENT_ENCODING,
        "content-language" => &H_CONTENT_LANGUAGE,
        "content-length" => &H_CONTENT_LENGTH,
        "content-location" => &H_CONTENT_LOCATION,
        "content-range" => &H_CONTENT_RANGE,
        "content-type" => &H_CONTENT_TYPE,
        "cookie" => &H_COOKIE,
        "date" => &H_DATE,
        "etag" => &H_ETAG,
        "expect" => &H_EXPECT,
        "expires" => &H_EXPIRES,
        "from" => &H_FROM,
        "if-match" => &H_IF_MATCH,
        "if-modified-since" => &H_IF_MODIFIED_SINCE,
        "if-none-match" => &H_IF_NONE_MATCH,
        "if-range" => &H_IF_RANGE,
        "if-unmodified-since" => &H_IF_UNMODIFIED_SINCE,
        "last-modified" => &H_LAST_MODIFIED,
        "link" => &H_LINK,
        "location" => &H_LOCATION,
        "max-forwards" => &H_MAX_FORWARDS,
        "proxy-authenticate" => &H_PROXY_AUTHENTICATE,
        "proxy-authorization" => &H_PROXY_AUTHORIZATION,
        "range" => &H_RANGE,
        "referer" => &H_REFERER,
        "refresh" => &H_REFRESH,
        "retry-after" => &H_RETRY_AFTER,
        "server" => &H_SERVER,
        "set-cookie" => &H_SET_COOKIE,
        "strict-transport-security" => &H_STS,
        "user-agent" => &H_USER_AGENT,
        "vary" => &H_VARY,
        "via" => &H_VIA,
        "www-authenticate" => &H_WWW_AUTHENTICATE,
        _ => return None,
    })
}

/// The field of a SETTINGS value.
pub fn setting_field(id: u16) -> &'static crate::model::FieldDef {
    match id {
        settings::HEADER_TABLE_SIZE => &S_HEADER_TABLE_SIZE,
        settings::ENABLE_PUSH => &S_ENABLE_PUSH,
        settings::MAX_CONCURRENT_STREAMS => &S_MAX_CONCURRENT_STREAMS,
        settings::INITIAL_WINDOW_SIZE => &S_INITIAL_WINDOW_SIZE,
        settings::MAX_FRAME_SIZE => &S_MAX_FRAME_SIZE,
        settings::MAX_HEADER_LIST_SIZE => &S_MAX_HEADER_LIST_SIZE,
        settings::ENABLE_CONNECT_PROTOCOL => &S_EXTENDED_CONNECT,
        settings::NO_RFC7540_PRIORITIES => &S_NO_RFC7540_PRIORITIES,
        _ => &S_UNKNOWN,
    }
}
