//! HTTP/2 tests.
