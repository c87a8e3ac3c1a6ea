//! Drawing: each view reads [`AppState`](crate::state::AppState) and turns
//! user input into changes of it, and knows nothing of the others.

pub mod open_prompt;
pub mod packet_list;
pub mod status_bar;
