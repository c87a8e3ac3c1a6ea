//! One module per view: the three panes, the bars, and the views drawn over them.

pub mod detail;
pub mod filter_bar;
pub mod follow;
pub mod help;
pub mod hex;
pub mod packet_list;
pub mod prompt;
pub mod stats;
pub mod status_bar;
