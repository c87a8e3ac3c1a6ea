//! BGP tests on real bytes.
