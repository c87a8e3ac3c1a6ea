//! Sorting the packet list by a column, from the session's index alone.
//!
//! Every column but Info is in the index (numbers, times and lengths as
//! they are; addresses and the Protocol column as interned ids, ranked once
//! by their text), so a sort never reads the file. Info would need every
//! packet dissected again, and is not sortable.

use std::collections::HashMap;

use wirelens_capture::session::index::NOT_INTERNED;
use wirelens_capture::session::Session;

/// The packet list's columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    Number,
    Time,
    Source,
    Destination,
    Protocol,
    Length,
    Info,
}

impl Column {
    pub const ALL: [Column; 7] = [
        Column::Number,
        Column::Time,
        Column::Source,
        Column::Destination,
        Column::Protocol,
        Column::Length,
        Column::Info,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Column::Number => "No.",
            Column::Time => "Time",
            Column::Source => "Source",
            Column::Destination => "Destination",
            Column::Protocol => "Protocol",
            Column::Length => "Length",
            Column::Info => "Info",
        }
    }

    pub fn sortable(self) -> bool {
        self != Column::Info
    }
}

/// A sort order: which column, which way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SortOrder {
    pub column: Column,
    pub descending: bool,
}

/// `numbers` (or every loaded packet) in `order`; ties keep capture order.
pub fn sorted(session: &Session, numbers: Option<&[u64]>, order: SortOrder) -> Vec<u64> {
    let index = session.snapshot();
    let mut numbers: Vec<u64> = match numbers {
        Some(n) => n.to_vec(),
        None => (1..=index.len() as u64).collect(),
    };
    let key = |n: u64| index.get(n);
    match order.column {
        Column::Number | Column::Info => {}
        Column::Time => numbers.sort_by_key(|&n| key(n).map(|e| e.ts_ns)),
        Column::Length => numbers.sort_by_key(|&n| key(n).map(|e| e.orig_len)),
        Column::Source | Column::Destination | Column::Protocol => {
            let ranks = text_ranks(session, order.column);
            let rank = |n: u64| {
                key(n).map_or(u32::MAX, |e| {
                    let id = if order.column == Column::Protocol {
                        e.shape
                    } else {
                        e.addrs
                    };
                    ranks.get(&id).copied().unwrap_or(u32::MAX)
                })
            };
            numbers.sort_by_key(|&n| rank(n));
        }
    }
    if order.descending {
        // A stable sort on the reversed key would keep ties in capture
        // order; reversing the whole list is what people expect of a
        // "descending" click on No. as well, so ties reverse too.
        numbers.reverse();
    }
    numbers
}

/// The rank of each interned id by the text its column shows.
fn text_ranks(session: &Session, column: Column) -> HashMap<u32, u32> {
    let mut texts: Vec<(String, u32)> = session.with_analysis(|a| match column {
        Column::Protocol => (0..a.shapes.len() as u32)
            .filter_map(|id| Some((a.shapes.get(id)?.column.to_owned(), id)))
            .collect(),
        _ => (0..a.addrs.len() as u32)
            .filter_map(|id| {
                let addrs = a.addrs.get(id)?;
                let addr = if column == Column::Source {
                    addrs.src
                } else {
                    addrs.dst
                };
                Some((addr.to_string(), id))
            })
            .collect(),
    });
    texts.sort();
    let mut ranks: HashMap<u32, u32> = texts
        .into_iter()
        .enumerate()
        .map(|(rank, (_, id))| (id, rank as u32))
        .collect();
    ranks.insert(NOT_INTERNED, u32::MAX - 1);
    ranks
}
