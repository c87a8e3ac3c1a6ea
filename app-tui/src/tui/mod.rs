pub mod tcp_view;
