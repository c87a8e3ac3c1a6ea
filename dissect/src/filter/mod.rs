//! Wireshark's display-filter language: `tcp.port == 443 && ip.src == 10.0.0.0/8`.
//!
//! A filter goes through one stage per module, once: [`lexer`] (tokens with
//! positions), [`parser`] (syntax tree), [`check`] (field names against the
//! registry, literals typed by their field), [`compile`] (a program of typed
//! tests), then [`eval`] runs that program on every packet.
//!
//! Two speeds: a filter that reads only the protocol chain, addresses, ports
//! and frame facts ([`Filter::needs_tree`] is false) runs on packets dissected
//! without the field tree, the fast path; any other field needs the tree.

pub mod check;
pub mod compile;
pub mod eval;
pub mod lexer;
pub mod parser;

use std::fmt;

use crate::model::Packet;
use crate::FrameMeta;

/// A filter that failed to compile: what is wrong and where (byte offset).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterError {
    /// Byte offset in the filter string where the problem starts.
    pub pos: usize,
    pub message: String,
}

impl FilterError {
    pub fn new(pos: usize, message: impl Into<String>) -> Self {
        FilterError {
            pos,
            message: message.into(),
        }
    }

    /// The message with the filter and a caret under the offending spot, as tshark shows it.
    pub fn render(&self, filter: &str) -> String {
        let col = filter
            .get(..self.pos)
            .map_or(self.pos, |s| s.chars().count());
        format!("{}\n    {}\n    {}^", self.message, filter, " ".repeat(col))
    }
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at column {})", self.message, self.pos + 1)
    }
}

impl std::error::Error for FilterError {}

/// A compiled display filter.
#[derive(Debug)]
pub struct Filter {
    text: String,
    program: compile::Node,
    needs_tree: bool,
}

impl Filter {
    /// Compiles `text`; errors name the position and, for unknown fields, close names.
    pub fn compile(text: &str) -> Result<Filter, FilterError> {
        let tokens = lexer::tokenize(text)?;
        let ast = parser::parse(text, &tokens)?;
        let program = compile::compile(&ast)?;
        Ok(Filter {
            text: text.to_string(),
            needs_tree: compile::needs_tree(&program),
            program,
        })
    }

    /// The filter as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether packets must be dissected with the field tree for this filter;
    /// when false the fast path (`Packet::new(false)`) gives the same answer.
    pub fn needs_tree(&self) -> bool {
        self.needs_tree
    }

    /// The field and protocol names the filter reads.
    pub fn fields(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        compile::for_each_field(&self.program, &mut |r| {
            if !out.contains(&r.name) {
                out.push(r.name)
            }
        });
        out
    }

    /// Whether the dissected packet `pkt` (frame `meta`, bytes `data`) passes.
    pub fn matches(&self, pkt: &Packet, meta: &FrameMeta<'_>, data: &[u8]) -> bool {
        eval::eval(&self.program, &eval::EvalCx { pkt, data, meta })
    }
}
