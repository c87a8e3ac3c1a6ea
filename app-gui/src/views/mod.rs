//! Drawing: one module per part of the window. Each reads the state it is
//! given and turns user input into changes of it.

pub mod capture_dialog;
pub mod detail_tree;
pub mod file_browser;
pub mod filter_bar;
pub mod flow_table;
pub mod follow;
pub mod hex_view;
pub mod menu_bar;
pub mod open_prompt;
pub mod packet_list;
pub mod plot_data;
pub mod stats;
pub mod status_bar;
pub mod tcp_graph;
pub mod timeline;
