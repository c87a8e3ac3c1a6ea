//! Sorting the packet list by a column, from the session's index alone.
//!
//! Every column but Info is in the index (numbers, times and lengths as
//! they are; addresses and the Protocol column as interned ids, ranked once
//! by their text), so a sort never reads the file.
//! An id that did not fit the interning table ([`NOT_INTERNED`](wirelens_capture::session::index::NOT_INTERNED)) sorts last. Info would need every
//! packet dissected again, and is not sortable.

use wirelens_capture::session::index::IndexEntry;
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

/// `numbers` (ascending, as a filter gives them; or every loaded packet) in
/// `order`; ties keep capture order. One pass over the index collects each
/// packet's key (decoding entries in order is what the index is fast at),
/// then one sort of (key, number) pairs.
pub fn sorted(session: &Session, numbers: Option<&[u64]>, order: SortOrder) -> Vec<u64> {
    let index = session.snapshot();
    let ranks = match order.column {
        Column::Source | Column::Destination | Column::Protocol => {
            text_ranks(session, order.column)
        }
        _ => Vec::new(),
    };
    let rank = |id: u32| ranks.get(id as usize).copied().unwrap_or(u32::MAX);
    let key = |e: &IndexEntry| -> u64 {
        match order.column {
            Column::Number | Column::Info => 0,
            // Flipping the sign bit orders signed times as unsigned keys.
            Column::Time => (e.ts_ns as u64) ^ (1 << 63),
            Column::Length => u64::from(e.orig_len),
            Column::Protocol => u64::from(rank(e.shape)),
            Column::Source | Column::Destination => u64::from(rank(e.addrs)),
        }
    };
    let mut keyed: Vec<(u64, u64)> = match numbers {
        None => index.iter().map(|(n, e)| (key(&e), n)).collect(),
        Some(wanted) => {
            let mut wanted = wanted.iter().copied().peekable();
            index
                .iter()
                .filter_map(|(n, e)| {
                    while wanted.next_if(|&w| w < n).is_some() {}
                    wanted.next_if_eq(&n).map(|_| (key(&e), n))
                })
                .collect()
        }
    };
    keyed.sort_unstable();
    let mut out: Vec<u64> = keyed.into_iter().map(|(_, n)| n).collect();
    if order.descending {
        // Reversed whole, ties included, as a second click on No. would.
        out.reverse();
    }
    out
}

/// The rank of each interned id (by id) by the text its column shows; ids
/// not in the table ([`NOT_INTERNED`](wirelens_capture::session::index::NOT_INTERNED)) rank last, as `u32::MAX`.
fn text_ranks(session: &Session, column: Column) -> Vec<u32> {
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
    let mut ranks = vec![u32::MAX; texts.len()];
    for (rank, (_, id)) in texts.into_iter().enumerate() {
        if let Some(slot) = ranks.get_mut(id as usize) {
            *slot = rank as u32;
        }
    }
    ranks
}
