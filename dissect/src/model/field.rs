//! Field definitions (the registry of display-filter names) and typed values.

use std::fmt::{self, Write as _};
use std::net::{Ipv4Addr, Ipv6Addr};

use super::time::{Duration, Timestamp};

/// The type of a field, as the display-filter language and `wirelens fields` see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// A protocol or a text label: present or absent, no value.
    None,
    Bool,
    U8,
    U16,
    U32,
    U64,
    I32,
    I64,
    Float,
    Ipv4,
    Ipv6,
    Mac,
    Bytes,
    String,
    AbsTime,
    RelTime,
    /// A frame number that refers to another packet.
    FrameNum,
}

impl FieldKind {
    /// Wireshark's name for the type (as `tshark -G fields` prints it).
    pub fn ws_name(self) -> &'static str {
        match self {
            FieldKind::None => "FT_NONE",
            FieldKind::Bool => "FT_BOOLEAN",
            FieldKind::U8 => "FT_UINT8",
            FieldKind::U16 => "FT_UINT16",
            FieldKind::U32 => "FT_UINT32",
            FieldKind::U64 => "FT_UINT64",
            FieldKind::I32 => "FT_INT32",
            FieldKind::I64 => "FT_INT64",
            FieldKind::Float => "FT_DOUBLE",
            FieldKind::Ipv4 => "FT_IPv4",
            FieldKind::Ipv6 => "FT_IPv6",
            FieldKind::Mac => "FT_ETHER",
            FieldKind::Bytes => "FT_BYTES",
            FieldKind::String => "FT_STRING",
            FieldKind::AbsTime => "FT_ABSOLUTE_TIME",
            FieldKind::RelTime => "FT_RELATIVE_TIME",
            FieldKind::FrameNum => "FT_FRAMENUM",
        }
    }
}

/// How an integer value is written: tshark shows `ip.ttl` as `64` but
/// `ip.id` as `0xdf8e`. JSON and `-T fields` write decimal or hex only; the
/// other bases change the detail tree's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Base {
    Dec,
    /// Hexadecimal with this many digits, zero-padded.
    Hex(u8),
    /// Hexadecimal, and decimal after it in the tree: `0xdf8e (57230)`.
    HexDec(u8),
    /// Decimal, and hexadecimal with this many digits after it in the tree:
    /// `34844 (0x881c)`; decimal elsewhere.
    DecHex(u8),
    /// The value's name alone in the tree (`Good`, not `Good (1)`), as
    /// Wireshark's `BASE_NONE` with value strings; decimal elsewhere.
    NameOnly,
}

/// A field that is some bits of a wider word (`ip.version`, the TCP flags).
/// The tree shows the word's bits before the label, as Wireshark does:
/// `0100 .... = Version: 4`, `.... ..1. = Syn: Set`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bits {
    /// Bits in the word: 8, 12 (TCP flags), 16, 24 (an OUI) or 32.
    pub width: u8,
    /// The field's bits within the word.
    pub mask: u64,
}

impl Bits {
    /// A field of `kind` at `mask`; `width` 0 means the width of the kind.
    pub const fn new(kind: FieldKind, width: u8, mask: u64) -> Bits {
        let width = match (width, kind) {
            (0, FieldKind::U16) => 16,
            (0, FieldKind::U32) => 32,
            (0, FieldKind::U64) => 64,
            (0, _) => 8,
            (w, _) => w,
        };
        Bits { width, mask }
    }

    /// How many characters [`Bits::write_pattern`] writes.
    pub fn pattern_len(self) -> usize {
        let w = self.width.min(64) as usize;
        w + w.saturating_sub(1) / 4
    }

    /// Writes the word's bits, the field's as `0`/`1` and the others as `.`,
    /// in groups of four: `...0 0000 0000 0000`. The word is read big-endian
    /// from the first bytes of `bytes` (the field's span), its low `width`
    /// bits kept.
    pub fn write_pattern(self, out: &mut String, bytes: &[u8]) {
        let len = (self.width as usize).div_ceil(8).min(8);
        let word = bytes
            .iter()
            .take(len)
            .fold(0u64, |w, &b| (w << 8) | u64::from(b));
        for bit in (0..self.width.min(64)).rev() {
            let m = 1u64 << bit;
            out.push(match (self.mask & m != 0, word & m != 0) {
                (false, _) => '.',
                (true, false) => '0',
                (true, true) => '1',
            });
            if bit % 4 == 0 && bit > 0 {
                out.push(' ');
            }
        }
    }
}

/// A named value of an integer field (`ip.proto` 6 is "TCP").
pub type ValueNames = fn(u64) -> Option<&'static str>;

/// How a field appears in the detail tree (`tshark -V`, the front ends' panes).
/// JSON export and display filters see every field the same way.
#[derive(Clone, Copy, Debug, Default)]
pub enum Shown {
    /// `Label: value`.
    #[default]
    Labelled,
    /// `[Label: value]`: computed, not read from the bytes (Wireshark's
    /// generated items, such as `http.request.full_uri`).
    Generated,
    /// Not in the tree at all, nor anything under it (Wireshark's hidden
    /// items, such as `http.request.line`): only in JSON and filters.
    Hidden,
    /// Text a function writes from the value, brackets included if it is
    /// generated (`[HTTP request 1/1]`), for items Wireshark words its own way.
    Format(TreeFormat),
    /// What a function writes, in the brackets of a generated item
    /// (`[Frame: 6, payload: 0-1447 (1448 bytes)]`).
    GeneratedFormat(TreeFormat),
    /// The text of the bytes the field covers, line ends written as `\r\n`
    /// (an HTTP header line: `User-Agent: Wget/1.14\r\n`).
    Line,
}

/// Writes a field's tree line from its value and the bytes it covers (see
/// [`Shown::Format`]).
pub type TreeFormat = fn(&mut String, &FieldDef, &Value, &[u8]);

/// One entry of the field registry: a display-filter name with its type and label.
#[derive(Debug)]
pub struct FieldDef {
    /// Wireshark's display-filter name, e.g. `ip.src`.
    pub name: &'static str,
    /// Human label used in the detail tree, e.g. `Source Address`.
    pub label: &'static str,
    pub kind: FieldKind,
    pub base: Base,
    pub names: Option<ValueNames>,
    pub shown: Shown,
    pub bits: Option<Bits>,
}

/// Two definitions are the same field when they have the same filter name.
impl PartialEq for FieldDef {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl FieldDef {
    /// The protocol this field belongs to: the part of the name before the first dot.
    pub fn protocol(&self) -> &'static str {
        self.name.split('.').next().unwrap_or(self.name)
    }
}

/// Declares field definitions as statics plus a `FIELDS` list for the registry.
/// A leading `#[generated]`, `#[hidden]`, `#[line]`, `#[format = path]` or
/// `#[generated_format = path]` says how the field appears in the tree (see
/// [`Shown`]); `& mask` after the kind makes it a bit field, with the word's
/// width in bits when it is not the kind's (`Bool(12) & 0x002`, see
/// [`Bits`]).
///
/// ```ignore
/// declare_fields! {
///     SRC = "ip.src", "Source Address", Ipv4;
///     ID = "ip.id", "Identification", U16, Hex(4);
///     PROTO = "ip.proto", "Protocol", U8, Dec, names::ip_proto;
///     #[generated] STREAM = "tcp.stream", "Stream index", U32;
///     VERSION = "ip.version", "Version", U8 & 0xf0;
///     SYN = "tcp.flags.syn", "Syn", Bool(12) & 0x002;
/// }
/// ```
#[macro_export]
macro_rules! declare_fields {
    ($($(#[$shown:ident $(= $format:path)?])? $id:ident = $name:literal, $label:literal, $kind:ident $(($width:literal))? $(& $mask:literal)? $(, $base:ident $(($digits:literal))? $(, $names:path)?)? ;)*) => {
        $(
            pub static $id: $crate::model::FieldDef = $crate::model::FieldDef {
                name: $name,
                label: $label,
                kind: $crate::model::FieldKind::$kind,
                base: $crate::declare_fields!(@base $($base $(($digits))?)?),
                names: $crate::declare_fields!(@names $($($names)?)?),
                shown: $crate::declare_fields!(@shown $($shown $($format)?)?),
                bits: $crate::declare_fields!(@bits $kind $(($width))? $($mask)?),
            };
        )*
        /// Every field this module emits, for the registry.
        pub static FIELDS: &[&$crate::model::FieldDef] = &[$(&$id),*];
    };
    (@base) => { $crate::model::Base::Dec };
    (@base Dec) => { $crate::model::Base::Dec };
    (@base Hex($d:literal)) => { $crate::model::Base::Hex($d) };
    (@base HexDec($d:literal)) => { $crate::model::Base::HexDec($d) };
    (@base DecHex($d:literal)) => { $crate::model::Base::DecHex($d) };
    (@base NameOnly) => { $crate::model::Base::NameOnly };
    (@names) => { None };
    (@names $p:path) => { Some($p) };
    (@shown) => { $crate::model::Shown::Labelled };
    (@shown generated) => { $crate::model::Shown::Generated };
    (@shown hidden) => { $crate::model::Shown::Hidden };
    (@shown line) => { $crate::model::Shown::Line };
    (@shown format $f:path) => { $crate::model::Shown::Format($f) };
    (@shown generated_format $f:path) => { $crate::model::Shown::GeneratedFormat($f) };
    (@bits $kind:ident) => { None };
    (@bits $kind:ident ($w:literal)) => { None };
    (@bits $kind:ident $m:literal) => {
        Some($crate::model::Bits::new($crate::model::FieldKind::$kind, 0, $m))
    };
    (@bits $kind:ident ($w:literal) $m:literal) => {
        Some($crate::model::Bits::new($crate::model::FieldKind::$kind, $w, $m))
    };
}

/// A byte range within a data source (the frame, or a reassembled buffer).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: u32,
    pub len: u32,
}

impl Span {
    pub fn new(start: usize, len: usize) -> Self {
        Span {
            start: start as u32,
            len: len as u32,
        }
    }

    pub fn end(self) -> usize {
        self.start as usize + self.len as usize
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end()
    }

    /// The bytes this span covers, or none when it runs past `data`.
    pub fn slice(self, data: &[u8]) -> &[u8] {
        data.get(self.range()).unwrap_or(&[])
    }
}

/// A typed field value. Values are small and mostly `Copy`-like so the fast path
/// allocates nothing; byte strings refer to the packet through the field's span.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A protocol or label node.
    None,
    /// A text node whose label is built from the packet (`www.example.com: type A,
    /// class IN`): shown as the text in the tree and keyed by it in JSON, as tshark
    /// does for its text items. The field's definition only says where it belongs.
    Text(Box<str>),
    Bool(bool),
    Uint(u64),
    Int(i64),
    Float(f64),
    Ipv4([u8; 4]),
    Ipv6([u8; 16]),
    Mac([u8; 6]),
    /// The bytes covered by the field's own span.
    SpanBytes,
    /// Bytes that are not in the span as they are (computed or reassembled).
    Bytes(Box<[u8]>),
    Str(Box<str>),
    Static(&'static str),
    Time(Timestamp),
    RelTime(Duration),
}

impl Value {
    /// The numeric value of integer-like values, for filters and sorting.
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Value::Uint(v) => Some(v),
            Value::Bool(b) => Some(b as u64),
            Value::Int(v) => u64::try_from(v).ok(),
            _ => None,
        }
    }
}

/// Writes bytes as colon-separated lowercase hex, the way tshark renders FT_BYTES.
pub fn write_hex_colon(out: &mut String, bytes: &[u8]) {
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        let _ = write!(out, "{b:02x}");
    }
}

/// Writes a MAC address as tshark does: `00:10:db:88:d2:ef`.
pub fn write_mac(out: &mut String, mac: &[u8; 6]) {
    write_hex_colon(out, mac);
}

/// Renders `value` of field `def` as tshark's JSON and `-T fields` show it.
/// `data` is the data source the span refers to.
pub fn render_value(out: &mut String, def: &FieldDef, value: &Value, span: Span, data: &[u8]) {
    match value {
        Value::None => {}
        Value::Text(t) => out.push_str(t),
        Value::Bool(b) => out.push(if *b { '1' } else { '0' }),
        Value::Uint(v) => match def.base {
            Base::Dec | Base::NameOnly | Base::DecHex(_) => {
                let _ = write!(out, "{v}");
            }
            Base::Hex(d) | Base::HexDec(d) => {
                let _ = write!(out, "0x{v:0width$x}", width = d as usize);
            }
        },
        Value::Int(v) => {
            let _ = write!(out, "{v}");
        }
        Value::Float(v) => {
            let _ = write!(out, "{v}");
        }
        Value::Ipv4(a) => {
            let _ = write!(out, "{}", Ipv4Addr::from(*a));
        }
        Value::Ipv6(a) => {
            let _ = write!(out, "{}", Ipv6Addr::from(*a));
        }
        Value::Mac(m) => write_mac(out, m),
        Value::SpanBytes => write_hex_colon(out, span.slice(data)),
        Value::Bytes(b) => write_hex_colon(out, b),
        Value::Str(s) => out.push_str(s),
        Value::Static(s) => out.push_str(s),
        Value::Time(t) => {
            let _ = write!(out, "{t}");
        }
        Value::RelTime(d) => {
            let _ = write!(out, "{d}");
        }
    }
}

/// A field's line in the detail tree, as `tshark -V` prints it, without
/// the brackets of a generated field; `data` is the data source its span
/// refers to. Nothing for a hidden field.
pub fn render_tree_label(out: &mut String, def: &FieldDef, value: &Value, span: Span, data: &[u8]) {
    if matches!(def.shown, Shown::Hidden) {
        return;
    }
    if let Some(bits) = def.bits {
        bits.write_pattern(out, span.slice(data));
        out.push_str(" = ");
    }
    match (def.shown, value) {
        (Shown::Hidden, _) => {}
        (Shown::Line, _) => push_line_text(out, span.slice(data)),
        (Shown::Format(format) | Shown::GeneratedFormat(format), v) => {
            format(out, def, v, span.slice(data))
        }
        (_, Value::Text(t)) => out.push_str(t),
        (_, Value::None) => out.push_str(def.label),
        (_, v) => {
            let _ = write!(out, "{}: ", def.label);
            render_display(out, def, v, span, data);
        }
    }
}

/// Bytes of a protocol line as text, the way Wireshark's `format_text`
/// writes them into the tree: control characters escaped (`\r`, `\n`,
/// `\t`, ... and `\ooo` in octal for the others), invalid UTF-8 replaced.
pub fn push_line_text(out: &mut String, bytes: &[u8]) {
    for c in String::from_utf8_lossy(bytes).chars() {
        let escape = match c {
            '\x07' => 'a',
            '\x08' => 'b',
            '\x0c' => 'f',
            '\n' => 'n',
            '\r' => 'r',
            '\t' => 't',
            '\x0b' => 'v',
            c if c.is_ascii_control() => {
                let _ = write!(out, "\\{:03o}", c as u32);
                continue;
            }
            c => {
                out.push(c);
                continue;
            }
        };
        out.push('\\');
        out.push(escape);
    }
}

/// `Opcode: Unknown (13)`, `Hardware type: Ethernet (0x01)`: the value's
/// name, or `Unknown`, then the value in the field's base, as Wireshark
/// writes a value whose table may lack it (a [`Shown::Format`]).
pub fn named_or_unknown_text(out: &mut String, def: &FieldDef, v: &Value, _: &[u8]) {
    let name = v.as_u64().and_then(|n| def.names.and_then(|f| f(n)));
    let _ = write!(out, "{}: {} (", def.label, name.unwrap_or("Unknown"));
    render_value(out, def, v, Span::default(), &[]);
    out.push(')');
}

/// A string as Wireshark's tree writes it, control characters escaped (a
/// [`Shown::Format`]).
pub fn escaped_string_text(out: &mut String, def: &FieldDef, v: &Value, _: &[u8]) {
    let _ = write!(out, "{}: ", def.label);
    if let Value::Str(s) = v {
        push_line_text(out, s.as_bytes());
    }
}

/// How many bytes the tree shows of a byte string before an ellipsis, as Wireshark does.
const TREE_BYTES_SHOWN: usize = 36;

/// Bytes as the tree shows them: plain hex, cut after [`TREE_BYTES_SHOWN`]
/// bytes with `…` (JSON and `-T fields` write them whole, colon-separated).
pub(crate) fn write_tree_bytes(out: &mut String, bytes: &[u8]) {
    for b in bytes.iter().take(TREE_BYTES_SHOWN) {
        let _ = write!(out, "{b:02x}");
    }
    if bytes.len() > TREE_BYTES_SHOWN {
        out.push('…');
    }
}

/// Renders a value for the human detail tree: numbers with their names,
/// e.g. `TCP (6)`; a flag's name alone (`Individual address (unicast)`), as
/// Wireshark's true/false strings.
pub fn render_display(out: &mut String, def: &FieldDef, value: &Value, span: Span, data: &[u8]) {
    if let (Some(names), Some(v)) = (def.names, value.as_u64()) {
        if let Some(name) = names(v) {
            out.push_str(name);
            if !matches!(value, Value::Bool(_)) && def.base != Base::NameOnly {
                out.push_str(" (");
                render_value(out, def, value, span, data);
                out.push(')');
            }
            return;
        }
    }
    if let (Base::HexDec(_), Value::Uint(v)) = (def.base, value) {
        render_value(out, def, value, span, data);
        let _ = write!(out, " ({v})");
        return;
    }
    if let (Base::DecHex(d), Value::Uint(v)) = (def.base, value) {
        let _ = write!(out, "{v} (0x{v:0width$x})", width = d as usize);
        return;
    }
    match value {
        Value::Bool(b) => out.push_str(if *b { "Set" } else { "Not set" }),
        Value::Time(t) => {
            let _ = write!(out, "{t}");
        }
        Value::RelTime(d) => {
            let _ = write!(out, "{d} seconds");
        }
        Value::SpanBytes => write_tree_bytes(out, span.slice(data)),
        Value::Bytes(b) => write_tree_bytes(out, b),
        _ => render_value(out, def, value, span, data),
    }
}

impl fmt::Display for FieldKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.ws_name())
    }
}
